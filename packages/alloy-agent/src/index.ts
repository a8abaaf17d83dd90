/**
 * `@materialize-monitoring/alloy-agent`: the node log collector. A DaemonSet
 * of Grafana Alloy that tails the pod logs of its own node (and optionally
 * the journal) and pushes them to the Alloy gateway.
 */
import { type KubernetesScrapeJob, podScrapeJob } from "@materialize-monitoring/alloy-syntax";
import type { PolicyException } from "@materialize-monitoring/core";
import {
  type BuildContext,
  type Container,
  clusterRole,
  clusterRoleBinding,
  configMap,
  container,
  daemonSet,
  defineComponent,
  dnsEgressRule,
  httpProbe,
  imageRef,
  type KubeObject,
  LABEL,
  type NetworkPolicyPeer,
  namespace as namespaceObject,
  networkPolicy,
  objectMeta,
  podSecurityLabels,
  podTemplate,
  resourceName,
  selectorLabels,
  serviceAccount,
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
  /** The URL the agents push to. */
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
  /** The rendered Alloy configuration and where it is stored. */
  alloyConfig: string;
  configMap: { name: string; key: string };
}

function peerOf(ctx: BuildContext, peer: Peer, ownNamespace: string): NetworkPolicyPeer {
  return toPodNetworkPolicyPeer(peer, ownNamespace, ctx.namespace);
}

/**
 * The build behind `alloyAgent()`, for composing with already-parsed values;
 * `path` prefixes the paths of render-time errors.
 */
export function buildAlloyAgent(
  values: ResolvedAlloyAgentValues,
  ctx: BuildContext,
  path = AGENT_NAME,
): { objects: KubeObject[]; endpoints: AlloyAgentEndpoints } {
  if (values.namespace !== undefined && values.namespace === ctx.namespace) {
    throw valuesError(
      `${path}.namespace`,
      `"${values.namespace}" is the stack's namespace, which this component does not own`,
      "leave namespace out to share the stack's namespace, or name a namespace of its own",
    );
  }
  const namespace = values.namespace ?? ctx.namespace;
  const name = resourceName(ctx, AGENT_NAME);
  const parts = { name: AGENT_NAME, version: values.image.tag };
  const meta = () => objectMeta(ctx, { ...parts, namespace, objectName: name });
  const selector = selectorLabels(ctx, parts);
  const daemonSetKey = `DaemonSet/${namespace}/${name}`;

  const gatewayNamespace = values.gateway.namespace ?? ctx.namespace;
  const pushUrl =
    values.gateway.pushUrl ??
    `http://${resourceName(ctx, GATEWAY_NAME)}.${gatewayNamespace}.svc.${ctx.clusterDomain}:${GATEWAY_PUSH.port}${GATEWAY_PUSH.path}`;
  const gatewayLabels = values.gateway.podLabels ?? selectorLabels(ctx, { name: GATEWAY_NAME });

  const config = agentConfig({ values, ownSelector: selector, pushUrl });
  const configText = config.toString();
  const configMapName = resourceName(ctx, AGENT_NAME, "config");

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
    ],
    resources: values.resources,
    probes: {
      liveness: tcpProbe(HTTP_PORT.name),
      readiness: httpProbe("/-/ready", HTTP_PORT.name, { initialDelaySeconds: 5 }),
    },
    // Root without capabilities: reads the root-owned log files and writes the positions directory.
    security: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 },
  });
  const priorityClassName = values.scheduling.priorityClassName ?? ctx.priorityClasses.node;
  // A node agent must cover every node: the context's scheduling defaults do not apply.
  const template = podTemplate(
    { ...ctx, scheduling: {} },
    {
      labels: standardLabels(ctx, parts),
      containers: [alloy],
      volumes: [
        { name: "config", configMap: { name: configMapName } },
        ...hostVolumes.map((v) => v.volume),
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
  const namespaceRendered = values.namespace !== undefined;
  if (namespaceRendered) {
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
      [PATHS.configFile]: configText,
    }),
    daemonSet({ metadata: meta(), selector, template, maxUnavailable: values.maxUnavailable }),
  );
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

  const selfMetricsTarget: AgentScrapeJob = {
    ...podScrapeJob({
      name: "alloy_agent",
      job: `${namespace}/${AGENT_NAME}`,
      namespaces: [namespace],
      podLabels: selector,
      portName: HTTP_PORT.name,
      copyPodLabels: {},
    }),
    source: "alloy",
  };
  return {
    objects,
    endpoints: {
      podLabels: selector,
      namespace,
      daemonSet: daemonSetKey,
      metricsPort: { ...HTTP_PORT },
      selfMetricsTarget,
      pushUrl,
      podSecurity: {
        namespace,
        level: AGENT_POD_SECURITY_LEVEL,
        namespaceRendered,
        exceptions: agentPodSecurityExceptions(),
        policyExceptions: agentPolicyExceptions(daemonSetKey),
      },
      alloyConfig: configText,
      configMap: { name: configMapName, key: PATHS.configFile },
    },
  };
}

/**
 * The Alloy node agent: a DaemonSet on every node that tails the node's pod
 * logs (and optionally its journal) and pushes them to the gateway.
 */
export const alloyAgent = defineComponent({
  name: AGENT_NAME,
  schema: alloyAgentValues,
  build: (values, ctx) => buildAlloyAgent(values, ctx),
});
