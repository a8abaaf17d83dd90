/**
 * `@materialize-monitoring/alloy-agent`: the node log collector. A DaemonSet
 * of Grafana Alloy that tails the pod logs of its own node (and optionally
 * the journal) and pushes them to the Alloy gateway.
 */
import { type KubernetesScrapeJob, podScrapeJob } from "@materialize-monitoring/alloy-syntax";
import type { PolicyException } from "@materialize-monitoring/core";
import {
  type BuildContext,
  type Component,
  type Container,
  checkIssuerNamespace,
  clusterRole,
  clusterRoleBinding,
  configMap,
  configMapValue,
  container,
  daemonSet,
  defineComponent,
  dnsEgressRule,
  endpointUrl,
  httpProbe,
  imageRef,
  internalCertificate,
  internalHttpScheme,
  internalProbeScheme,
  internalScrapeTls,
  internalTlsMount,
  internalTlsVolume,
  type KubeObject,
  LABEL,
  type NetworkPolicyPeer,
  namespace as namespaceObject,
  networkPolicy,
  objectMeta,
  type PodPeerRef,
  podSecurityLabels,
  podTemplate,
  priorityClassFor,
  resourceName,
  type ScrapeTarget,
  type ServiceEndpoint,
  scrapeTarget,
  selectorLabels,
  serviceAccount,
  serviceEndpoint,
  serviceFqdn,
  standardLabels,
  TOLERATE_EVERYTHING,
  tcpPorts,
  tcpProbe,
  toPodNetworkPolicyPeer,
  type Volume,
  type VolumeMount,
  valuesError,
} from "@materialize-monitoring/core";
import { agentConfig } from "./config.js";
import {
  AGENT_NAME,
  GATEWAY_NAME,
  GATEWAY_PUSH,
  GATEWAY_PUSH_PORT_NAME,
  HTTP_PORT,
  NODE_NAME_ENV,
  PATHS,
} from "./constants.js";
import {
  AGENT_POD_SECURITY_LEVEL,
  agentPodSecurityExceptions,
  agentPolicyExceptions,
  type PodSecurityException,
} from "./pod-security.js";
import { alloyAgentValues, type Peer, type ResolvedAlloyAgentValues } from "./values.js";

export * from "./config.js";
export * from "./constants.js";
export * from "./pod-security.js";
export * from "./values.js";

/** A scrape job as data (alloy-syntax's shape), with the allow-list source and the peer data. */
export type AgentScrapeJob = KubernetesScrapeJob & {
  readonly source: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly portName: string;
};

export interface AlloyAgentEndpoints {
  /**
   * Under the stack's internal TLS: the name the agents' one certificate
   * holds (no Service has it), which a scraper verifies with the stack's CA.
   */
  tlsServerName?: string;
  /** The agent's pod selector labels (the gateway tails their logs through the API). */
  podLabels: Record<string, string>;
  /** The namespace the pods run in. */
  namespace: string;
  /** `Kind/namespace/name` of the DaemonSet. */
  daemonSet: string;
  /** The UI/metrics container port. */
  metricsPort: { name: string; port: number };
  /** How to scrape the agents' own metrics (a pod-role job for the gateway's `scrape.jobs`). */
  selfMetricsTarget: AgentScrapeJob;
  /** The URL the agents push to: `gateway.pushUrl`, else the conventional gateway Service's FQDN. */
  pushUrl: string;
  podSecurity: {
    namespace: string;
    level: typeof AGENT_POD_SECURITY_LEVEL;
    /** True when this component renders that namespace (with its labels); otherwise its owner must label it. */
    namespaceRendered: boolean;
    exceptions: PodSecurityException[];
    /** The same exceptions for core's `checkPolicies({ exceptions })`. */
    policyExceptions: PolicyException[];
  };
  /** Where the rendered Alloy configuration is stored (read it with `alloyAgentConfigOf`). */
  configMap: { name: string; key: string };
  /** The agents serve no Service: they are scraped pod by pod. */
  services: Record<string, never>;
  /**
   * What the agents want scraped: their own metrics (`alloy_agent`, job
   * `<namespace>/alloy-agent`, port `http-metrics`, allow-list `alloy`).
   */
  scrapeTargets: ScrapeTarget[];
  clients: {
    /** The agent pods, which push logs to the gateway (its ingress admits them). */
    agent: PodPeerRef;
  };
}

/**
 * The gateway Service the agents push to when `gateway.pushUrl` is not
 * given: the conventional gateway name in the gateway's namespace, FQDN from
 * the context's cluster domain. The umbrella passes the gateway's own
 * `pushUrl` instead.
 */
export function defaultGatewayService(
  values: Pick<ResolvedAlloyAgentValues, "gateway">,
  ctx: BuildContext,
): ServiceEndpoint<"push"> {
  return serviceEndpoint(ctx, {
    service: resourceName(ctx, GATEWAY_NAME),
    namespace: values.gateway.namespace ?? ctx.namespace,
    ports: { push: { name: GATEWAY_PUSH_PORT_NAME, port: GATEWAY_PUSH.port } },
    podLabels: values.gateway.podLabels ?? selectorLabels(ctx, { name: GATEWAY_NAME }),
  });
}

/** The agent's endpoints from its names and the parsed values alone. */
export function computeAlloyAgentEndpoints(
  values: ResolvedAlloyAgentValues,
  ctx: BuildContext,
  path = AGENT_NAME,
): AlloyAgentEndpoints {
  if (values.namespace !== undefined && values.namespace === ctx.namespace) {
    throw valuesError(
      `${path}.namespace`,
      `"${values.namespace}" is the stack's namespace, which this component does not own`,
      "leave namespace out to share the stack's namespace, or name a namespace of its own",
    );
  }
  const namespace = values.namespace ?? ctx.namespace;
  const name = resourceName(ctx, AGENT_NAME);
  const selector = selectorLabels(ctx, { name: AGENT_NAME });
  const daemonSetKey = `DaemonSet/${namespace}/${name}`;
  const job = `${namespace}/${AGENT_NAME}`;
  // Under internal TLS the agents' one certificate holds this name; no Service has it.
  const tlsServerName = ctx.internalTls ? serviceFqdn(ctx, name, namespace) : undefined;
  const scrapeTls = tlsServerName
    ? { scheme: "https" as const, tls: internalScrapeTls(tlsServerName) }
    : {};
  const selfMetricsTarget: AgentScrapeJob = {
    ...podScrapeJob({
      name: "alloy_agent",
      job,
      namespaces: [namespace],
      podLabels: selector,
      portName: HTTP_PORT.name,
      copyPodLabels: {},
      ...scrapeTls,
    }),
    source: "alloy",
  };
  return {
    ...(tlsServerName ? { tlsServerName } : {}),
    podLabels: selector,
    namespace,
    daemonSet: daemonSetKey,
    metricsPort: { ...HTTP_PORT },
    selfMetricsTarget,
    pushUrl:
      values.gateway.pushUrl ??
      endpointUrl(
        defaultGatewayService(values, ctx),
        "push",
        GATEWAY_PUSH.path,
        internalHttpScheme(ctx),
      ),
    podSecurity: {
      namespace,
      level: AGENT_POD_SECURITY_LEVEL,
      namespaceRendered: values.namespace !== undefined,
      exceptions: agentPodSecurityExceptions(),
      policyExceptions: agentPolicyExceptions(daemonSetKey),
    },
    configMap: { name: resourceName(ctx, AGENT_NAME, "config"), key: PATHS.configFile },
    services: {},
    scrapeTargets: [
      scrapeTarget({
        name: "alloy_agent",
        job,
        namespace,
        podLabels: selector,
        portName: HTTP_PORT.name,
        source: "alloy",
        ...scrapeTls,
      }),
    ],
    clients: { agent: { podLabels: { ...selector }, namespace } },
  };
}

function peerOf(ctx: BuildContext, peer: Peer, ownNamespace: string): NetworkPolicyPeer {
  return toPodNetworkPolicyPeer(peer, ownNamespace, ctx.namespace);
}

/**
 * The build behind `alloyAgent()`, for composing with already-parsed values
 * and the endpoints `computeAlloyAgentEndpoints` gave for them.
 */
export function buildAlloyAgent(
  values: ResolvedAlloyAgentValues,
  ctx: BuildContext,
  endpoints: AlloyAgentEndpoints,
): { objects: KubeObject[] } {
  const { namespace, podLabels: selector, pushUrl } = endpoints;
  const name = resourceName(ctx, AGENT_NAME);
  const parts = { name: AGENT_NAME, version: values.image.tag };
  const meta = () => objectMeta(ctx, { ...parts, namespace, objectName: name });

  const gateway = defaultGatewayService(values, ctx);
  const gatewayNamespace = gateway.namespace;
  const gatewayLabels = gateway.podLabels;

  const tls = ctx.internalTls;
  const pushTls = values.gateway.internalTls ?? (tls !== undefined && !values.gateway.pushUrl);
  if (values.gateway.internalTls && !tls) {
    throw valuesError(
      `${AGENT_NAME}.gateway.internalTls`,
      "the stack's internal TLS is off, so the agents have no certificate to present",
      "remove gateway.internalTls, or turn global.internalTls on",
    );
  }
  checkIssuerNamespace(ctx, { component: AGENT_NAME, namespace, path: `${AGENT_NAME}.namespace` });
  const config = agentConfig({
    values,
    ownSelector: selector,
    pushUrl,
    ...(tls ? { internalTls: { server: true, push: pushTls } } : {}),
  });
  const configText = config.toString();
  const configMapName = endpoints.configMap.name;

  const positionsPath =
    values.positions.hostPath ?? `/var/lib/alloy-agent/${namespace}-${ctx.instance}`;
  const hostVolumes: { volume: Volume; mount: VolumeMount }[] = [
    {
      volume: { name: "varlog", hostPath: { path: PATHS.varLog, type: "Directory" } },
      mount: { name: "varlog", mountPath: PATHS.varLog, readOnly: true },
    },
    {
      volume: { name: "positions", hostPath: { path: positionsPath, type: "DirectoryOrCreate" } },
      mount: { name: "positions", mountPath: PATHS.storage },
    },
    ...(values.journal.enabled
      ? [
          {
            volume: {
              name: "machine-id",
              hostPath: { path: PATHS.machineId, type: "File" },
            } satisfies Volume,
            mount: { name: "machine-id", mountPath: PATHS.machineId, readOnly: true },
          },
        ]
      : []),
  ];
  const alloy: Container = container({
    name: "alloy",
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    args: [
      "run",
      `${PATHS.configDir}/${PATHS.configFile}`,
      `--storage.path=${PATHS.storage}`,
      `--server.http.listen-addr=0.0.0.0:${HTTP_PORT.port}`,
      "--disable-reporting",
    ],
    env: [{ name: NODE_NAME_ENV, valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
    ports: [{ name: HTTP_PORT.name, containerPort: HTTP_PORT.port, protocol: "TCP" }],
    volumeMounts: [
      { name: "config", mountPath: PATHS.configDir, readOnly: true },
      ...hostVolumes.map((v) => v.mount),
      ...(tls ? [internalTlsMount()] : []),
    ],
    resources: values.resources,
    probes: {
      liveness: tcpProbe(HTTP_PORT.name),
      readiness: httpProbe(
        "/-/ready",
        HTTP_PORT.name,
        { initialDelaySeconds: 5 },
        internalProbeScheme(ctx),
      ),
    },
    // Root without capabilities: reads the root-owned log files and writes the positions directory.
    security: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 },
  });
  const priorityClassName = values.scheduling.priorityClassName ?? priorityClassFor(ctx, "node");
  // A node agent must cover every node: the context's scheduling defaults do not apply.
  const template = podTemplate(
    { ...ctx, scheduling: {} },
    {
      labels: standardLabels(ctx, parts),
      containers: [alloy],
      volumes: [
        { name: "config", configMap: { name: configMapName } },
        ...hostVolumes.map((v) => v.volume),
        ...(tls ? [internalTlsVolume(ctx, AGENT_NAME)] : []),
      ],
      serviceAccountName: name,
      automountServiceAccountToken: true,
      security: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 },
      scheduling: {
        nodeSelector: { "kubernetes.io/os": "linux", ...values.scheduling.nodeSelector },
        tolerations: [
          ...(values.tolerateAllTaints ? TOLERATE_EVERYTHING : []),
          ...values.scheduling.tolerations,
        ],
        ...(values.scheduling.affinity ? { affinity: values.scheduling.affinity } : {}),
        ...(priorityClassName ? { priorityClassName } : {}),
      },
      terminationGracePeriodSeconds: 30,
    },
  );

  const objects: KubeObject[] = [];
  if (endpoints.podSecurity.namespaceRendered) {
    objects.push(
      namespaceObject(namespace, {
        ...ctx.commonLabels,
        [LABEL.partOf]: "materialize-monitoring",
        ...podSecurityLabels(AGENT_POD_SECURITY_LEVEL),
      }),
    );
  }
  const clusterRoleName = resourceName(ctx, AGENT_NAME);
  objects.push(
    serviceAccount(meta(), { automountToken: true }),
    clusterRole(objectMeta(ctx, { ...parts, objectName: clusterRoleName, clusterScoped: true }), [
      // Pod discovery of this node (a field selector needs list and watch at cluster scope).
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
    ]),
    clusterRoleBinding(
      objectMeta(ctx, { ...parts, objectName: clusterRoleName, clusterScoped: true }),
      clusterRoleName,
      [{ name, namespace }],
    ),
    configMap(objectMeta(ctx, { ...parts, namespace, objectName: configMapName }), {
      [endpoints.configMap.key]: configText,
    }),
    daemonSet({ metadata: meta(), selector, template, maxUnavailable: values.maxUnavailable }),
  );
  if (tls && endpoints.tlsServerName) {
    // One certificate for every agent: scrapers reach them by pod address and verify this name.
    objects.push(
      internalCertificate(ctx, tls, {
        component: AGENT_NAME,
        dnsNames: [endpoints.tlsServerName],
        namespace,
      }),
    );
  }
  if (values.networkPolicy.enabled) {
    const np = values.networkPolicy;
    const scrapers = np.scrapers ?? [{ podLabels: gatewayLabels, namespace: gatewayNamespace }];
    const gatewayPeer = peerOf(
      ctx,
      { podLabels: gatewayLabels, namespace: gatewayNamespace },
      namespace,
    );
    objects.push(
      networkPolicy({
        metadata: meta(),
        podSelector: selector,
        ingress: scrapers.length
          ? [
              {
                peers: scrapers.map((p) => peerOf(ctx, p, namespace)),
                ports: tcpPorts(HTTP_PORT.port),
              },
            ]
          : [],
        egress: [
          dnsEgressRule(),
          {
            peers: np.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: tcpPorts(...np.apiServer.ports),
          },
          { peers: [gatewayPeer], ports: tcpPorts(values.gateway.port) },
        ],
      }),
    );
  }

  return { objects };
}

/**
 * The Alloy node agent: a DaemonSet on every node that tails the node's pod
 * logs (and optionally its journal) and pushes them to the gateway.
 */
export const alloyAgent = defineComponent({
  name: AGENT_NAME,
  schema: alloyAgentValues,
  endpoints: (values, ctx) => computeAlloyAgentEndpoints(values, ctx),
  build: (values, ctx, endpoints) => buildAlloyAgent(values, ctx, endpoints),
});

/**
 * The agent's endpoints for `(values, ctx)` without building any object: its
 * pods and namespace, the URL it pushes to, its scrape target and where its
 * configuration is stored.
 */
export const alloyAgentEndpoints = alloyAgent.endpoints;

/**
 * The rendered Alloy configuration of a built agent, read from its ConfigMap
 * (`endpoints.configMap`). Kept out of the endpoints, which hold addresses only.
 */
export function alloyAgentConfigOf(component: Component<AlloyAgentEndpoints>): string {
  return configMapValue(component.objects, component.endpoints.configMap);
}
