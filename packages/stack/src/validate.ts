/**
 * Every validation layer over a built stack, as the `validate` command and the
 * e2e tests run them: object schemas (Kubernetes OpenAPI and CRDs), the graph
 * (Services, references, addresses), NetworkPolicies (every wired connection
 * allowed, every other pod pair denied) and policies (Pod Security restricted
 * with documented exceptions, requests, limits, probes, PDBs, spread, pinned
 * images, no plain-text credentials).
 */
import type { KubeObject, PodPeerRef } from "@materialize-monitoring/core";
import {
  checkAddresses,
  checkNetworkPolicies,
  checkPolicies,
  checkReferences,
  checkServices,
  type ExternalObjects,
  NetworkPolicyModel,
  type PodInfo,
  type PolicyException,
  podsOf,
  selectorMatches,
  validateObjects,
  wiredConnections,
} from "@materialize-monitoring/core/validate";
import { certManagerCrds } from "./cert-manager.js";
import { customResourceConsumers, declaredConnections } from "./connections.js";
import { type ExternalPeer, externalHosts } from "./external.js";
import { stackGraph } from "./graph/model.js";
import type { TlsState } from "./graph/tls.js";
import type { Stack } from "./stack.js";

export { customResourceConsumers, declaredConnections } from "./connections.js";

export interface StackProblem {
  layer: "objects" | "graph" | "network" | "policy" | "tls";
  message: string;
}

/** A connection of the stack's graph between two of its pods (or from the API server). */
export interface TlsConnection {
  from: string;
  to: string;
  port: number;
  purpose: string;
  client: TlsState;
  server: TlsState;
}

/** `Kind/name -> Kind/name:port (purpose)`, namespaces left out. */
export function internalTlsLine(
  c: Pick<TlsConnection, "from" | "to" | "port" | "purpose">,
): string {
  return `${short(c.from)} -> ${short(c.to)}:${c.port} (${c.purpose})`;
}

const short = (id: string) => id.replace(/^(\w+)\/[^/]+\//, "$1/");

/**
 * Under the stack's internal TLS, every connection of the graph with both its
 * ends read: a problem for each whose client and server disagree, or whose
 * end the settings do not tell, and the ones plain text on both ends (the
 * connections the internal TLS does not cover yet, which `validate` lists).
 */
export function internalTlsReport(built: Stack): {
  problems: StackProblem[];
  connections: TlsConnection[];
  plain: TlsConnection[];
} {
  if (!built.context.internalTls) return { problems: [], connections: [], plain: [] };
  const connections: TlsConnection[] = stackGraph(built).edges.flatMap((e) =>
    e.tls ? [{ from: e.from, to: e.to, port: e.targetPort, purpose: e.purpose, ...e.tls }] : [],
  );
  const problems: StackProblem[] = [];
  for (const c of connections) {
    const what = internalTlsLine(c);
    if (c.client === "unknown" || c.server === "unknown") {
      const end =
        c.client === "unknown"
          ? "whether the client dials it with TLS"
          : "whether the server listens with TLS";
      problems.push({
        layer: "tls",
        message: `${what}: the rendered settings do not tell ${end}; global.internalTls needs both ends known`,
      });
    } else if (c.client !== c.server) {
      problems.push({
        layer: "tls",
        message:
          c.client === "tls"
            ? `${what}: the client dials with TLS but the server listens in plain text`
            : `${what}: the server listens with TLS but the client dials in plain text`,
      });
    }
  }
  return {
    problems,
    connections,
    plain: connections.filter((c) => c.client === "plain" && c.server === "plain"),
  };
}

/** Kinds whose schema is not available to the validator (their CRDs are the user's). */
export const SKIPPED_KINDS = ["gateway.networking.k8s.io/v1/HTTPRoute"];

/** Documented departures from the restricted Pod Security profile, from the components that need them. */
export function policyExceptions(built: Stack): PolicyException[] {
  return [
    ...(built.endpoints.exporters?.nodeExporter?.podSecurity.policyExceptions ?? []),
    ...(built.endpoints.alloyAgent?.podSecurity.policyExceptions ?? []),
  ];
}

/** Secrets and other objects the stack references but expects to exist already. */
export function externalObjects(built: Stack): ExternalObjects {
  const secrets = new Set<string>();
  const configMaps = new Set<string>();
  const add = (name: string | undefined) => {
    if (name) secrets.add(name);
  };
  const g = built.endpoints.grafana;
  add(g?.adminUser.name);
  add(g?.adminPassword.name);
  add(g?.secretKey.name);
  // Pull secrets of a private registry are the user's, like every credential.
  for (const name of built.values.global.imagePullSecrets) add(name);
  const op = built.endpoints.grafanaOperator?.grafana;
  add(op?.adminUser.name);
  add(op?.adminPassword.name);
  for (const object of built.objects) {
    // Secret references in pod specs that no component renders are user-provided by design
    // (credentials are never rendered); list them so the reference check states it explicitly.
    const spec = (object as { spec?: { template?: { spec?: Record<string, unknown> } } }).spec
      ?.template?.spec;
    if (!spec) continue;
    const text = JSON.stringify(spec);
    for (const match of text.matchAll(/"(?:secretName|name)":"([^"]+)","(?:key|items)"/g))
      add(match[1]);
    // So are ConfigMaps mounted for chosen keys (a destination's CA bundle, trust-manager's):
    // the stack's own ConfigMaps are mounted whole.
    for (const match of text.matchAll(/"configMap":\{"name":"([^"]+)","items"/g))
      if (match[1]) configMaps.add(match[1]);
  }
  return { secrets: [...secrets].sort(), configMaps: [...configMaps].sort() };
}

const EXTRA_NAMESPACES = { "kube-system": {} };

/**
 * Every validation layer's problems. `tls` is the internal TLS report of
 * `built`, for a caller that also prints it (the graph behind it is built once).
 */
export async function validateStack(
  built: Stack,
  tls: ReturnType<typeof internalTlsReport> = internalTlsReport(built),
): Promise<StackProblem[]> {
  const problems: StackProblem[] = [];
  // cert-manager's objects exist only under internal TLS: its CRDs are read only then.
  const crds = built.context.internalTls ? certManagerCrds() : [];
  for (const p of await validateObjects(built.objects, { skip: SKIPPED_KINDS, crds })) {
    problems.push({ layer: "objects", message: `${p.object} ${p.path || "/"}: ${p.message}` });
  }
  for (const p of checkServices(built.objects))
    problems.push({ layer: "graph", message: `${p.object}: ${p.message}` });
  for (const p of checkReferences(built.objects, externalObjects(built))) {
    problems.push({ layer: "graph", message: `${p.object}: ${p.message}` });
  }
  const { addresses, problems: addressProblems } = checkAddresses(built.objects, {
    clusterDomain: built.context.clusterDomain,
    // An existing Grafana, Loki, store or Alertmanager: declared by the user, served elsewhere.
    ignoreHosts: externalHosts(built.externals),
  });
  for (const p of addressProblems)
    problems.push({ layer: "graph", message: `${p.object}: ${p.message}` });
  const connections = wiredConnections(built.objects, addresses, {
    declared: declaredConnections(built),
    customResourceConsumers: customResourceConsumers(built),
  });
  for (const p of checkNetworkPolicies(built.objects, connections, {
    extraNamespaces: EXTRA_NAMESPACES,
    nodeAddresses: nodeAddresses(built),
  })) {
    problems.push({ layer: "network", message: p.message });
  }
  problems.push(...externalPeerProblems(built));
  problems.push(...priorityClassProblems(built));
  const policy = checkPolicies(built.objects, { exceptions: policyExceptions(built) });
  for (const p of policy.problems)
    problems.push({ layer: "policy", message: `${p.object}: ${p.check}: ${p.message}` });
  for (const e of policy.unusedExceptions) {
    problems.push({
      layer: "policy",
      message: `${e.object}: exception for ${e.check} is no longer needed (${e.reason})`,
    });
  }
  problems.push(...tls.problems);
  return problems;
}

/** One sample address in each node CIDR the gateway's node egress names. */
export function nodeAddresses(built: Stack): string[] {
  const cidrs = built.values.alloyGateway.networkPolicy.nodeEgress?.cidrs ?? [];
  return cidrs.map(sampleAddress).filter((ip): ip is string => ip !== undefined);
}

/** An address inside an IPv4 CIDR (the network address plus ten, or the address itself). */
export function sampleAddress(cidr: string): string | undefined {
  const [base, bitsText] = cidr.split("/");
  const parts = (base ?? "").split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    return undefined;
  const bits = Number(bitsText ?? 32);
  if (bits === 0) return "198.51.100.10";
  const value = parts.reduce((acc, p) => acc * 256 + p, 0);
  const size = 2 ** (32 - bits);
  const network = value - (value % size);
  const address = size > 16 ? network + 10 : size > 2 ? network + 1 : network;
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

const EXTERNAL_OWNER = "external";

function externalPod(what: string, ref: PodPeerRef): PodInfo {
  return {
    owner: `${EXTERNAL_OWNER}/${what}`,
    kind: "Pod",
    name: what,
    namespace: ref.namespace,
    replicas: 1,
    labels: { ...ref.podLabels },
    spec: { containers: [] },
    template: {},
  };
}

interface ServiceShape {
  spec?: {
    selector?: Record<string, string>;
    ports?: { port: number; targetPort?: number | string }[];
  };
}

/** The pods behind an in-cluster URL's Service, with the pod port it forwards to. */
function backendsOf(objects: readonly KubeObject[], pods: readonly PodInfo[], url: string) {
  const u = new URL(url);
  const [name, namespace] = u.hostname.split(".");
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  const service = objects.find(
    (o) => o.kind === "Service" && o.metadata.name === name && o.metadata.namespace === namespace,
  ) as (KubeObject & ServiceShape) | undefined;
  const servicePort = service?.spec?.ports?.find((p) => p.port === port);
  if (!service || !servicePort) return [];
  const selector = service.spec?.selector ?? {};
  const target = servicePort.targetPort ?? servicePort.port;
  return pods
    .filter(
      (pod) =>
        pod.namespace === namespace &&
        Object.entries(selector).every(([k, v]) => pod.labels[k] === v),
    )
    .flatMap((pod) => {
      const resolved =
        typeof target === "number"
          ? target
          : pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target)
              ?.containerPort;
      return resolved === undefined ? [] : [{ pod, port: resolved }];
    });
}

/**
 * External peers are not rendered, so no address of theirs reaches the
 * connection check: each is checked here against the NetworkPolicies. An
 * existing Grafana in the cluster must reach the Loki read path, Thanos
 * PromQL and Alertmanager; the stack's clients of an existing Loki, store or
 * Alertmanager must reach its pods (in the cluster) or its addresses (outside).
 */
export function externalPeerProblems(built: Stack): StackProblem[] {
  const model = new NetworkPolicyModel(built.objects, EXTRA_NAMESPACES);
  const pods = podsOf(built.objects);
  const problems: StackProblem[] = [];
  const { externals, endpoints } = built;
  const denied = (from: string, to: string, reason: string) =>
    problems.push({ layer: "network", message: `${from} -> ${to} is wired but ${reason}` });

  const grafana = externals.grafana?.inCluster;
  if (grafana) {
    const client = externalPod("grafana", grafana);
    const reads: [string, string | undefined][] = [
      ["LogQL", endpoints.loki?.queryUrl],
      ["PromQL", endpoints.thanos?.promqlUrl],
      ["alerts", endpoints.alertmanager?.url],
    ];
    for (const [purpose, url] of reads) {
      if (!url) continue;
      for (const { pod, port } of backendsOf(built.objects, pods, url)) {
        const verdict = model.explain(client, pod, port);
        if (!verdict.allowed)
          denied(
            `the existing Grafana (namespace ${grafana.namespace})`,
            `${pod.owner}:${port} (${purpose}, ${url})`,
            verdict.reason,
          );
      }
    }
  }

  const clientsOf = (refs: (PodPeerRef | undefined)[]) =>
    pods.filter((pod) =>
      refs.some(
        (ref) =>
          ref !== undefined &&
          pod.namespace === ref.namespace &&
          selectorMatches({ matchLabels: ref.podLabels }, pod.labels),
      ),
    );
  const gateway = endpoints.alloyGateway && {
    podLabels: endpoints.alloyGateway.podLabels,
    namespace: endpoints.alloyGateway.namespace,
  };
  const grafanaPods = endpoints.grafana?.clients.query;
  const servers: [string, ExternalPeer | undefined, (PodPeerRef | undefined)[]][] = [
    ["Loki", externals.loki, [gateway, grafanaPods]],
    ["the metrics store", externals.thanos, [gateway, grafanaPods]],
    [
      "Alertmanager",
      externals.alertmanager,
      [endpoints.thanos?.clients.ruler, endpoints.loki?.clients.ruler, grafanaPods],
    ],
  ];
  for (const [what, peer, refs] of servers) {
    if (!peer) continue;
    const targets = peer.inCluster
      ? [
          {
            name: `${what} (namespace ${peer.inCluster.namespace})`,
            at: externalPod(what, peer.inCluster),
          },
        ]
      : peer.cidrs
          .map((cidr) => ({ cidr, ip: sampleAddress(cidr) }))
          .filter((t): t is { cidr: string; ip: string } => t.ip !== undefined)
          .map((t) => ({ name: `${what} at ${t.ip} (${t.cidr})`, at: { ip: t.ip } }));
    for (const client of clientsOf(refs)) {
      for (const target of targets) {
        for (const port of peer.podPorts) {
          const verdict = model.explain(client, target.at, port);
          if (!verdict.allowed) denied(client.owner, `${target.name}:${port}`, verdict.reason);
        }
      }
    }
  }
  return problems;
}

/**
 * Priority classes are all or nothing: once the values name one, every pod
 * of the stack must run with one, or the pods without it are the first to go.
 */
export function priorityClassProblems(built: Stack): StackProblem[] {
  const classes = built.values.global.priorityClasses;
  if (!classes.node && !classes.critical && !classes.default) return [];
  return podsOf(built.objects)
    .filter((pod) => !pod.spec.priorityClassName)
    .map((pod) => ({
      layer: "policy" as const,
      message: `${pod.owner}: has no priorityClassName although global.priorityClasses names classes (set global.priorityClasses.default)`,
    }));
}
