/**
 * The gateway's NetworkPolicy: push and OTLP from agents and applications,
 * the UI/metrics port from the gateway itself (clustering, self-scrape) and
 * chosen scrapers; out to DNS, the API server, the destinations, node
 * addresses (the kubelets, hostNetwork targets) and every scrape target the
 * jobs describe.
 */
import {
  type BuildContext,
  dnsEgressRule,
  metadataServerEgress,
  type NetworkPolicyPeer,
  type NetworkPolicyRuleInput,
  namespacePeer,
  podPeer,
  tcpPorts,
  toPodNetworkPolicyPeer,
  urlPort,
} from "@materialize-monitoring/core";
import { KUBELET_PORT, PORT } from "./constants.js";
import type { GatewayScrapeJob } from "./jobs.js";
import type { Peer, ResolvedAlloyGatewayValues } from "./values.js";

/** A peer relative to the gateway's namespace (`namespace` by name, or `namespaceLabels`). */
export function peerOf(ctx: BuildContext, peer: Peer): NetworkPolicyPeer {
  return toPodNetworkPolicyPeer(peer, ctx.namespace);
}

/** The port of a URL (its scheme's default when it names none); kept here for this package's API. */
export { urlPort };

interface DestinationEgress {
  peers: readonly Peer[];
  cidrs: readonly string[];
  ports?: readonly (number | string)[] | undefined;
}

function destinationRule(
  ctx: BuildContext,
  egress: DestinationEgress,
  defaultPort: number,
): NetworkPolicyRuleInput {
  return {
    peers: [
      ...egress.peers.map((p) => peerOf(ctx, p)),
      ...egress.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    ],
    ports: tcpPorts(...(egress.ports ?? [defaultPort])),
  };
}

/**
 * Egress to the pods a pod job scrapes, as narrow as the job says: its pod labels (or each
 * alternative selector) in its namespaces, on its port name. What the job leaves open stays
 * open (every pod of its namespaces, every namespace, every port), as its discovery does: a
 * rule narrower than the job would drop its scrapes without a word.
 */
export function scrapeEgressRule(
  ctx: BuildContext,
  job: GatewayScrapeJob,
): NetworkPolicyRuleInput | undefined {
  if (job.role !== "pod") return undefined;
  const chosen: Record<string, string>[] = job.podLabels
    ? [{ ...job.podLabels }]
    : (job.selectors ?? []).map((s) => ({ [s.label]: s.value }));
  const labelSets = chosen.length > 0 ? chosen : [{}];
  const peers: NetworkPolicyPeer[] = [];
  for (const labels of labelSets) {
    if (job.namespaces.length === 0) peers.push(podPeer(labels, {}));
    for (const ns of job.namespaces)
      peers.push(ns === ctx.namespace ? podPeer(labels) : namespacePeer(ns, labels));
  }
  return { peers, ...(job.portName ? { ports: tcpPorts(job.portName) } : {}) };
}

export interface GatewayNetworkInput {
  values: ResolvedAlloyGatewayValues;
  ctx: BuildContext;
  selector: Record<string, string>;
  jobs: readonly GatewayScrapeJob[];
  lokiUrl: string;
  /** Absent when the gateway writes no metrics. */
  remoteWriteUrl?: string | undefined;
  agentPeers: readonly Peer[];
}

/**
 * The node ports the gateway reaches by node address: the kubelet port (in
 * direct mode, unless `scrape.kubelet.cidrs` gives the kubelets their own
 * rule), every hostNetwork job's port and `networkPolicy.nodeEgress.ports`.
 */
export function nodeEgressPorts(
  values: ResolvedAlloyGatewayValues,
  jobs: readonly GatewayScrapeJob[],
): number[] {
  const kubelet = values.scrape.kubelet;
  const ports = new Set<number>(values.networkPolicy.nodeEgress.ports);
  if (kubeletDirect(values, jobs) && kubelet.cidrs.length === 0) ports.add(KUBELET_PORT);
  for (const job of jobs) if (job.hostNetwork && job.port !== undefined) ports.add(job.port);
  return [...ports].sort((a, b) => a - b);
}

/** The gateway scrapes kubelets at their node addresses (not through the API server). */
function kubeletDirect(
  values: ResolvedAlloyGatewayValues,
  jobs: readonly GatewayScrapeJob[],
): boolean {
  const kubelet = values.scrape.kubelet;
  return kubelet.enabled && kubelet.mode === "direct" && jobs.some((j) => j.role === "node");
}

export function gatewayIngress(input: GatewayNetworkInput): NetworkPolicyRuleInput[] {
  const { values, ctx, selector } = input;
  const np = values.networkPolicy;
  const pushers = [...input.agentPeers, ...np.applications].map((p) => peerOf(ctx, p));
  const rules: NetworkPolicyRuleInput[] = [];
  if (pushers.length > 0) rules.push({ peers: pushers, ports: tcpPorts(PORT.push.port) });
  if (values.receivers.otlp.enabled && np.applications.length > 0) {
    rules.push({
      peers: np.applications.map((p) => peerOf(ctx, p)),
      ports: tcpPorts(PORT.otlpGrpc.port, PORT.otlpHttp.port),
    });
  }
  rules.push({
    peers: [podPeer(selector), ...np.metricsScrapers.map((p) => peerOf(ctx, p))],
    ports: tcpPorts(PORT.http.port),
  });
  return rules;
}

export function gatewayEgress(input: GatewayNetworkInput): NetworkPolicyRuleInput[] {
  const { values, ctx, selector } = input;
  const np = values.networkPolicy;
  const dest = values.destinations;
  const rules: NetworkPolicyRuleInput[] = [
    dnsEgressRule(),
    {
      peers: np.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: tcpPorts(...np.apiServer.ports),
    },
    // The cluster's gossip and the self-scrape.
    { peers: [podPeer(selector)], ports: tcpPorts(PORT.http.port) },
    destinationRule(ctx, dest.loki.egress, urlPort(input.lokiUrl)),
    ...dest.loki.extra.map((d) => destinationRule(ctx, d.egress, urlPort(d.url))),
  ];
  if (input.remoteWriteUrl && (input.jobs.length > 0 || values.receivers.otlp.enabled)) {
    rules.push(
      destinationRule(ctx, dest.prometheus.egress, urlPort(input.remoteWriteUrl)),
      ...dest.prometheus.extra.map((d) => destinationRule(ctx, d.egress, urlPort(d.url))),
    );
  }
  if (dest.datadog.enabled) rules.push(destinationRule(ctx, dest.datadog.egress, 443));
  if (dest.otlp.enabled && dest.otlp.endpoint) {
    const endpoint = dest.otlp.endpoint;
    const port = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)
      ? urlPort(endpoint)
      : Number(endpoint.slice(endpoint.lastIndexOf(":") + 1)) || 4317;
    rules.push(destinationRule(ctx, dest.otlp.egress, port));
  }
  rules.push(...identityEgress(values));
  const kubelet = values.scrape.kubelet;
  if (kubeletDirect(values, input.jobs) && kubelet.cidrs.length > 0) {
    rules.push({
      peers: kubelet.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: tcpPorts(KUBELET_PORT),
    });
  }
  // The kubelets are host processes and hostNetwork pods answer on node addresses: CNIs do not
  // reliably match either with pod selectors, so they are reached by address. The pod-selector
  // rules below stay for the CNIs that do match hostNetwork pods.
  const nodePorts = nodeEgressPorts(values, input.jobs);
  if (nodePorts.length > 0) {
    rules.push({
      peers: np.nodeEgress.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ports: tcpPorts(...nodePorts),
    });
  }
  const seen = new Set<string>();
  for (const job of input.jobs) {
    if (job.name === "alloy_gateway") continue;
    const rule = scrapeEgressRule(ctx, job);
    if (!rule) continue;
    const key = JSON.stringify(rule);
    if (seen.has(key)) continue;
    seen.add(key);
    rules.push(rule);
  }
  for (const extra of np.scrapeEgress) {
    rules.push({
      peers: [
        ...extra.peers.map((p) => peerOf(ctx, p)),
        ...extra.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
      ],
      ports: tcpPorts(...extra.ports),
    });
  }
  return rules;
}

/**
 * Egress the destinations' credentials need beyond the destinations themselves: an OAuth 2.0
 * token URL, the clouds' token services (AWS STS, Microsoft Entra ID, Google OAuth, all on 443
 * at addresses no policy can list), and the node-local metadata servers of workload identity.
 */
function identityEgress(values: ResolvedAlloyGatewayValues): NetworkPolicyRuleInput[] {
  const d = values.destinations;
  const auths = [
    d.loki.auth,
    ...d.loki.extra.map((e) => e.auth),
    d.prometheus.auth,
    ...d.prometheus.extra.map((e) => e.auth),
    ...(d.otlp.enabled ? [d.otlp.auth] : []),
  ].filter((a) => a !== undefined);
  const ports = new Set<number>();
  for (const auth of auths) {
    if (auth.type === "oauth2") ports.add(urlPort(auth.tokenUrl));
    if (auth.type === "sigv4" || auth.type === "azure" || auth.type === "google") ports.add(443);
  }
  const anywhere = ["0.0.0.0/0", "::/0"].map((cidr) => ({ ipBlock: { cidr } }));
  return [
    ...(ports.size > 0
      ? [{ peers: anywhere, ports: tcpPorts(...[...ports].sort((a, b) => a - b)) }]
      : []),
    ...metadataServerEgress({
      gke:
        Boolean(values.workloadIdentity.gcp) ||
        auths.some((a) => a.type === "google" && !a.credentials),
      azureManagedIdentity: auths.some((a) => a.type === "azure" && a.identity.kind === "managed"),
      eksPodIdentity: auths.some((a) => a.type === "sigv4" && !a.accessKey),
    }),
  ];
}
