/**
 * `@materialize-monitoring/alloy-gateway`: the central pipeline. A clustered
 * Deployment of Grafana Alloy that receives logs (agents, applications,
 * OTLP, Kubernetes events, the agents' own logs), scrapes metrics (the jobs
 * it is given, the kubelets, itself), applies allow-lists and log stages,
 * and writes to Loki and Thanos (and optional extra destinations).
 */
import {
  type BuildContext,
  clusterRole,
  clusterRoleBinding,
  configMap,
  container,
  defineComponent,
  deployment,
  emptyDirVolume,
  horizontalPodAutoscaler,
  httpProbe,
  imageRef,
  type KubeObject,
  networkPolicy,
  objectMeta,
  podDisruptionBudget,
  podTemplate,
  resourceName,
  role,
  roleBinding,
  selectorLabels,
  service,
  serviceAccount,
  servicePort,
  spreadConstraints,
  standardLabels,
  tcpProbe,
  valuesError,
} from "@materialize-monitoring/core";
import { SecretWiring } from "./auth.js";
import { gatewayConfig } from "./config.js";
import { AGENT_NAME, GATEWAY_NAME, PATHS, PORT, PUSH_PATH } from "./constants.js";
import { type GatewayScrapeJob, gatewayScrapeJobs, secretAccess, selfScrapeJob } from "./jobs.js";
import { gatewayEgress, gatewayIngress } from "./network.js";
import { clusterRules, eventNamespaces } from "./rbac.js";
import { alloyGatewayValues, type Peer, type ResolvedAlloyGatewayValues } from "./values.js";

export * from "./auth.js";
export * from "./config.js";
export * from "./constants.js";
export * from "./jobs.js";
export * from "./levels.js";
export * from "./network.js";
export * from "./prometheus.js";
export * from "./rbac.js";
export * from "./values.js";

/** The image's own non-root user (`alloy`, UID/GID 473). */
const ALLOY_UID = 473;

export interface AlloyGatewayEndpoints {
  /** The Loki push URL for agents and applications (`loki.write` endpoint URL). */
  pushUrl: string;
  /** OTLP receiver addresses, when the receiver is enabled. */
  otlp?: { grpc: string; http: string };
  /** The gateway's pod selector labels (what other components admit in their NetworkPolicies). */
  podLabels: Record<string, string>;
  /** The pods and container port pushers connect to, for their egress NetworkPolicies. */
  pushPeer: { podLabels: Record<string, string>; namespace: string; port: number };
  serviceName: string;
  namespace: string;
  /** How to scrape the gateway's own metrics (a pod-role job, for other scrapers). */
  selfMetricsTarget: GatewayScrapeJob;
  /** The Secrets the gateway reads through the API (scrape basic auth), per namespace. */
  secretAccess: { namespace: string; names: string[] }[];
  /** `prometheus.scrape` component id of every job, by job name. */
  scrapeComponents: Record<string, string>;
  /** The rendered Alloy configuration and where it is stored. */
  alloyConfig: string;
  configMap: { name: string; key: string };
}

function checkValues(values: ResolvedAlloyGatewayValues, path: string): void {
  const scale = values.autoscaling;
  if (scale.enabled && scale.maxReplicas < values.replicas) {
    throw valuesError(
      `${path}.autoscaling.maxReplicas`,
      `is ${scale.maxReplicas}, below replicas (${values.replicas})`,
      "raise maxReplicas, or lower replicas (the HPA's minimum)",
    );
  }
  const mayRunSeveral = values.replicas > 1 || (scale.enabled && scale.maxReplicas > 1);
  if (!values.clustering.enabled && mayRunSeveral) {
    throw valuesError(
      `${path}.clustering.enabled`,
      `is false, but the gateway may run ${Math.max(values.replicas, scale.enabled ? scale.maxReplicas : 1)} replicas: each would scrape every target and read every event`,
      "enable clustering, or run one replica (replicas: 1, autoscaling.enabled: false)",
    );
  }
  const otlp = values.destinations.otlp;
  if (otlp.enabled && !otlp.endpoint) {
    throw valuesError(
      `${path}.destinations.otlp.endpoint`,
      "is required when the OTLP destination is enabled",
      otlp.protocol === "grpc"
        ? "e.g. otel-collector.observability:4317"
        : "e.g. https://otlp.example.com",
    );
  }
  if (
    otlp.enabled &&
    otlp.protocol === "http" &&
    otlp.endpoint &&
    !/^https?:\/\//.test(otlp.endpoint)
  ) {
    throw valuesError(
      `${path}.destinations.otlp.endpoint`,
      "must be an http(s) URL for protocol http",
    );
  }
  if (
    otlp.enabled &&
    otlp.protocol === "grpc" &&
    otlp.endpoint &&
    !/^[^/\s]+:\d+$/.test(otlp.endpoint)
  ) {
    throw valuesError(`${path}.destinations.otlp.endpoint`, "must be host:port for protocol grpc");
  }
  if (otlp.enabled && !otlp.signals.logs && !otlp.signals.metrics) {
    throw valuesError(
      `${path}.destinations.otlp.signals`,
      "sends nothing",
      "enable logs or metrics",
    );
  }
  const names = new Set<string>();
  for (const [kind, list] of [
    ["loki", values.destinations.loki.extra],
    ["prometheus", values.destinations.prometheus.extra],
  ] as const) {
    list.forEach((d, i) => {
      if (d.name === "default" || names.has(`${kind}/${d.name}`)) {
        throw valuesError(
          `${path}.destinations.${kind}.extra[${i}].name`,
          `"${d.name}" is already used`,
          "give every destination a unique name other than default",
        );
      }
      names.add(`${kind}/${d.name}`);
    });
  }
}

/**
 * The build behind `alloyGateway()`, for composing with already-parsed values;
 * `path` prefixes the paths of render-time errors.
 */
export function buildAlloyGateway(
  values: ResolvedAlloyGatewayValues,
  ctx: BuildContext,
  path = GATEWAY_NAME,
): { objects: KubeObject[]; endpoints: AlloyGatewayEndpoints } {
  checkValues(values, path);
  const name = resourceName(ctx, GATEWAY_NAME);
  const clusterServiceName = resourceName(ctx, GATEWAY_NAME, "cluster");
  const configMapName = resourceName(ctx, GATEWAY_NAME, "config");
  const parts = { name: GATEWAY_NAME, version: values.image.tag };
  const meta = (objectName = name) => objectMeta(ctx, { ...parts, objectName });
  const selector = selectorLabels(ctx, parts);
  const host = (svc: string, ns = ctx.namespace) => `${svc}.${ns}.svc.${ctx.clusterDomain}`;

  const lokiUrl = values.destinations.loki.url ?? `http://${host("loki-gateway")}${PUSH_PATH}`;
  const remoteWriteUrl =
    values.destinations.prometheus.url ?? `http://${host("thanos-receive")}:19291/api/v1/receive`;
  const agentNamespace = values.logs.agentLogs.namespace ?? ctx.namespace;
  const agentLabels = values.logs.agentLogs.podLabels ?? selectorLabels(ctx, { name: AGENT_NAME });
  const agentPeers: Peer[] = values.networkPolicy.agents ?? [
    { podLabels: agentLabels, namespace: agentNamespace },
  ];

  const jobs = gatewayScrapeJobs(values, ctx, selector, path);
  const secrets = new SecretWiring();
  const built = gatewayConfig({
    values,
    ctx,
    jobs,
    lokiUrl,
    remoteWriteUrl,
    agents: { namespace: agentNamespace, podLabels: agentLabels },
    secrets,
    path,
  });

  const clustered = values.clustering.enabled;
  const otlpReceiver = values.receivers.otlp.enabled;
  const secretVolumes = secrets.volumes();
  const alloy = container({
    name: "alloy",
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    args: [
      "run",
      `${PATHS.configDir}/${PATHS.configFile}`,
      `--storage.path=${PATHS.storage}`,
      `--server.http.listen-addr=0.0.0.0:${PORT.http.port}`,
      "--disable-reporting",
      ...(clustered
        ? [
            "--cluster.enabled=true",
            `--cluster.join-addresses=${host(clusterServiceName)}:${PORT.http.port}`,
            `--cluster.name=${ctx.namespace}.${name}`,
          ]
        : []),
    ],
    env: secrets.env,
    ports: [
      { name: PORT.http.name, containerPort: PORT.http.port, protocol: "TCP" },
      { name: PORT.push.name, containerPort: PORT.push.port, protocol: "TCP" },
      ...(otlpReceiver
        ? [
            { name: PORT.otlpGrpc.name, containerPort: PORT.otlpGrpc.port, protocol: "TCP" },
            { name: PORT.otlpHttp.name, containerPort: PORT.otlpHttp.port, protocol: "TCP" },
          ]
        : []),
    ],
    volumeMounts: [
      { name: "config", mountPath: PATHS.configDir, readOnly: true },
      { name: "storage", mountPath: PATHS.storage },
      ...secretVolumes.map((s) => s.mount),
    ],
    resources: values.resources,
    probes: {
      liveness: tcpProbe(PORT.http.name),
      readiness: httpProbe("/-/ready", PORT.http.name, { initialDelaySeconds: 5 }),
    },
    security: { runAsUser: ALLOY_UID, runAsGroup: ALLOY_UID },
  });
  const priorityClassName =
    values.scheduling.priorityClassName ??
    ctx.priorityClasses.critical ??
    ctx.priorityClasses.default;
  const template = podTemplate(ctx, {
    labels: standardLabels(ctx, parts),
    containers: [alloy],
    volumes: [
      { name: "config", configMap: { name: configMapName } },
      emptyDirVolume("storage", values.storage.sizeLimit),
      ...secretVolumes.map((s) => s.volume),
    ],
    serviceAccountName: name,
    automountServiceAccountToken: true,
    security: { runAsUser: ALLOY_UID, runAsGroup: ALLOY_UID, fsGroup: ALLOY_UID },
    scheduling: {
      nodeSelector: { "kubernetes.io/os": "linux", ...values.scheduling.nodeSelector },
      tolerations: values.scheduling.tolerations,
      ...(values.scheduling.affinity ? { affinity: values.scheduling.affinity } : {}),
      topologySpreadConstraints:
        values.scheduling.topologySpreadConstraints.length > 0
          ? values.scheduling.topologySpreadConstraints
          : spreadConstraints(ctx, selector, {
              zones: values.topologySpread.zones,
              hardHostSpread: values.topologySpread.hosts === "hard",
            }),
      ...(priorityClassName ? { priorityClassName } : {}),
    },
    // Time to flush the push queues and hand scrape targets over to the other members.
    terminationGracePeriodSeconds: 60,
  });

  const objects: KubeObject[] = [
    serviceAccount(meta(), { automountToken: true }),
    clusterRole(
      objectMeta(ctx, { ...parts, objectName: name, clusterScoped: true }),
      clusterRules(values, jobs),
    ),
    clusterRoleBinding(objectMeta(ctx, { ...parts, objectName: name, clusterScoped: true }), name, [
      { name, namespace: ctx.namespace },
    ]),
  ];
  const access = secretAccess(jobs);
  const namespacedRoles: {
    namespace: string;
    suffix: string;
    rules: { resources: string[]; verbs: string[]; resourceNames?: string[] };
  }[] = [
    ...[...access.entries()].map(([namespace, names]) => ({
      namespace,
      suffix: "secrets",
      rules: { resources: ["secrets"], verbs: ["get"], resourceNames: names },
    })),
    ...eventNamespaces(values).map((namespace) => ({
      namespace,
      suffix: "events",
      rules: { resources: ["events"], verbs: ["get", "list", "watch"] },
    })),
  ];
  for (const r of namespacedRoles) {
    // Named after the stack's namespace too: several stacks may read the same namespace.
    const roleName = resourceName(ctx, GATEWAY_NAME, ctx.namespace, r.suffix);
    const roleMeta = () =>
      objectMeta(ctx, { ...parts, objectName: roleName, namespace: r.namespace });
    objects.push(
      role(roleMeta(), [{ apiGroups: [""], ...r.rules }]),
      roleBinding(roleMeta(), { kind: "Role", name: roleName }, [
        { name, namespace: ctx.namespace },
      ]),
    );
  }
  objects.push(
    configMap(meta(configMapName), { [PATHS.configFile]: built.text }),
    service({
      metadata: meta(),
      selector,
      ports: [
        servicePort(PORT.http.name, PORT.http.port),
        servicePort(PORT.push.name, PORT.push.port),
        ...(otlpReceiver
          ? [
              servicePort(PORT.otlpGrpc.name, PORT.otlpGrpc.port),
              servicePort(PORT.otlpHttp.name, PORT.otlpHttp.port),
            ]
          : []),
      ],
    }),
  );
  if (clustered) {
    // Peers find each other through this Service's DNS records, ready or not.
    objects.push(
      service({
        metadata: meta(clusterServiceName),
        selector,
        headless: true,
        publishNotReadyAddresses: true,
        ports: [servicePort("cluster", PORT.http.port, PORT.http.name)],
      }),
    );
  }
  objects.push(
    deployment({
      metadata: meta(),
      replicas: values.replicas,
      selector,
      template,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    }),
  );
  if (values.autoscaling.enabled) {
    objects.push(
      horizontalPodAutoscaler(
        meta(),
        { kind: "Deployment", name },
        {
          minReplicas: values.replicas,
          maxReplicas: values.autoscaling.maxReplicas,
          cpuUtilization: values.autoscaling.cpuUtilization,
          memoryUtilization: values.autoscaling.memoryUtilization,
        },
      ),
    );
  }
  if (values.replicas > 1 || (values.autoscaling.enabled && values.autoscaling.maxReplicas > 1)) {
    objects.push(
      podDisruptionBudget(meta(), selector, {
        maxUnavailable: values.podDisruptionBudget.maxUnavailable,
      }),
    );
  }
  if (values.networkPolicy.enabled) {
    const input = { values, ctx, selector, jobs, lokiUrl, remoteWriteUrl, agentPeers };
    objects.push(
      networkPolicy({
        metadata: meta(),
        podSelector: selector,
        ingress: gatewayIngress(input),
        egress: gatewayEgress(input),
      }),
    );
  }

  return {
    objects,
    endpoints: {
      pushUrl: `http://${host(name)}:${PORT.push.port}${PUSH_PATH}`,
      ...(otlpReceiver
        ? {
            otlp: {
              grpc: `${host(name)}:${PORT.otlpGrpc.port}`,
              http: `http://${host(name)}:${PORT.otlpHttp.port}`,
            },
          }
        : {}),
      podLabels: selector,
      pushPeer: { podLabels: selector, namespace: ctx.namespace, port: PORT.push.port },
      serviceName: name,
      namespace: ctx.namespace,
      selfMetricsTarget: selfScrapeJob(values, ctx, selector),
      secretAccess: [...access.entries()].map(([namespace, names]) => ({ namespace, names })),
      scrapeComponents: Object.fromEntries(built.scrape.scrapes),
      alloyConfig: built.text,
      configMap: { name: configMapName, key: PATHS.configFile },
    },
  };
}

/**
 * The Alloy gateway: a clustered Deployment that receives, scrapes,
 * processes and writes every log and metric of the stack.
 */
export const alloyGateway = defineComponent({
  name: GATEWAY_NAME,
  schema: alloyGatewayValues,
  build: (values, ctx) => buildAlloyGateway(values, ctx),
});
