/**
 * `@materialize-monitoring/alloy-gateway`: the central pipeline. A clustered
 * Deployment of Grafana Alloy that receives logs (agents, applications,
 * OTLP, Kubernetes events, the agents' own logs), scrapes metrics (the jobs
 * it is given, the kubelets, itself), applies allow-lists and log stages,
 * and writes to Loki and Thanos (and optional extra destinations).
 */
import {
  autoscalerObjects,
  type BuildContext,
  type Component,
  checkAutoscaling,
  clusterRole,
  clusterRoleBinding,
  configMap,
  configMapValue,
  container,
  defaultBuildContext,
  defineComponent,
  deployment,
  deploymentReplicas,
  emptyDirVolume,
  endpointAddress,
  endpointUrl,
  httpProbe,
  INTERNAL_TLS,
  imageRef,
  internalCertificate,
  internalHttpScheme,
  internalProbeScheme,
  internalScrapeTls,
  internalTlsDnsNames,
  internalTlsMount,
  internalTlsOn,
  internalTlsVolume,
  type KubeObject,
  kubeArg,
  mostReplicas,
  networkPolicy,
  objectMeta,
  type PodPeerRef,
  parseValues,
  podDisruptionBudget,
  podTemplate,
  priorityClassFor,
  resourceName,
  role,
  roleBinding,
  type ScrapeTarget,
  type ServiceEndpoint,
  scrapeTarget,
  selectorLabels,
  service,
  serviceAccount,
  serviceEndpoint,
  servicePort,
  spreadConstraints,
  standardLabels,
  tcpProbe,
  valuesError,
  workloadIdentityAnnotations,
  workloadIdentityPodLabels,
} from "@materialize-monitoring/core";
import { SecretWiring } from "./auth.js";
import { destinationUrls, type GatewayConfig, gatewayConfig } from "./config.js";
import { AGENT_NAME, GATEWAY_NAME, PATHS, PORT, PUSH_PATH } from "./constants.js";
import {
  type GatewayScrapeJob,
  gatewayScrapeJobs,
  SOURCES,
  secretAccess,
  selfScrapeJob,
} from "./jobs.js";
import { gatewayEgress, gatewayIngress } from "./network.js";
import { clusterRules, eventNamespaces } from "./rbac.js";
import {
  type AlloyGatewayValues,
  alloyGatewayValues,
  type Peer,
  type ResolvedAlloyGatewayValues,
} from "./values.js";

/** The component name of the gateway's internal TLS certificate (`alloy-gateway-internal-tls`). */
export const GATEWAY_TLS_COMPONENT = "alloy-gateway";

export * from "./auth.js";
export * from "./config.js";
export * from "./constants.js";
export * from "./jobs.js";
export * from "./levels.js";
export * from "./network.js";
export * from "./prometheus.js";
export * from "./rbac.js";
export * from "./tiers.js";
export * from "./values.js";

/** The image's own non-root user (`alloy`, UID/GID 473). */
const ALLOY_UID = 473;

export interface AlloyGatewayEndpoints {
  /** The Loki push URL for agents and applications (`loki.write` endpoint URL). */
  pushUrl: string;
  /**
   * Under the stack's internal TLS (the push URL is then `https`): the name the
   * gateway's certificate holds, verified with the stack's CA.
   */
  tlsServerName?: string;
  /** OTLP receiver addresses, when the receiver is enabled. */
  otlp?: { grpc: string; http: string };
  /** The gateway's pod selector labels (what other components admit in their NetworkPolicies). */
  podLabels: Record<string, string>;
  /** The pods and container port pushers connect to, for their egress NetworkPolicies. */
  pushPeer: { podLabels: Record<string, string>; namespace: string; port: number };
  serviceName: string;
  namespace: string;
  /** How to scrape the gateway's own metrics (a pod-role job, for other scrapers). */
  selfMetricsTarget: GatewayScrapeJob & {
    source: string;
    podLabels: Record<string, string>;
    portName: string;
  };
  /**
   * Where the rendered Alloy configuration is stored. The text itself, the
   * scrape components and the Secrets the gateway reads depend on the jobs it
   * is given: read them with `alloyGatewayPlan` or `alloyGatewayConfigOf`.
   */
  configMap: { name: string; key: string };
  services: {
    /** The push and UI/metrics Service agents and applications connect to. */
    gateway: AlloyGatewayService;
    /** The same Service's OTLP ports, when the receiver is enabled. */
    otlp?: ServiceEndpoint<"grpc" | "http">;
    /** The headless Service the clustered replicas find each other through. */
    cluster?: ServiceEndpoint<"cluster">;
  };
  /**
   * What the gateway wants scraped: its own pods (`alloy_gateway`, job
   * `<namespace>/alloy-gateway`, port `http-metrics`, allow-list `alloy`).
   * It scrapes them itself when `scrape.self.enabled`; do not add this to its
   * `scrape.jobs`.
   */
  scrapeTargets: ScrapeTarget[];
  clients: {
    /** The gateway pods: they push to Loki and Thanos and scrape every target. */
    gateway: PodPeerRef;
  };
}

/** The gateway's Service as its clients see it. */
export type AlloyGatewayService = ServiceEndpoint<"http" | "push">;

/** The gateway's endpoints from its names and the parsed values alone. */
export function computeAlloyGatewayEndpoints(
  values: ResolvedAlloyGatewayValues,
  ctx: BuildContext,
): AlloyGatewayEndpoints {
  const name = resourceName(ctx, GATEWAY_NAME);
  const selector = selectorLabels(ctx, { name: GATEWAY_NAME });
  const gateway: AlloyGatewayService = serviceEndpoint(ctx, {
    service: name,
    ports: { http: PORT.http, push: PORT.push },
    podLabels: selector,
  });
  const otlp = values.receivers.otlp.enabled
    ? serviceEndpoint(ctx, {
        service: name,
        ports: { grpc: PORT.otlpGrpc, http: PORT.otlpHttp },
        podLabels: selector,
      })
    : undefined;
  const cluster = values.clustering.enabled
    ? serviceEndpoint(ctx, {
        service: resourceName(ctx, GATEWAY_NAME, "cluster"),
        ports: { cluster: { name: "cluster", port: PORT.http.port } },
        podLabels: selector,
      })
    : undefined;
  const self = selfScrapeJob(values, ctx, selector);
  const tls = internalTlsOn(ctx);
  return {
    pushUrl: endpointUrl(gateway, "push", PUSH_PATH, internalHttpScheme(ctx)),
    ...(tls ? { tlsServerName: gateway.host } : {}),
    ...(otlp
      ? { otlp: { grpc: endpointAddress(otlp, "grpc"), http: endpointUrl(otlp, "http") } }
      : {}),
    podLabels: selector,
    pushPeer: { podLabels: selector, namespace: gateway.namespace, port: PORT.push.port },
    serviceName: name,
    namespace: gateway.namespace,
    selfMetricsTarget: self,
    configMap: { name: resourceName(ctx, GATEWAY_NAME, "config"), key: PATHS.configFile },
    services: { gateway, ...(otlp ? { otlp } : {}), ...(cluster ? { cluster } : {}) },
    scrapeTargets: [
      scrapeTarget({
        name: self.name,
        job: self.job,
        namespace: gateway.namespace,
        podLabels: selector,
        portName: PORT.http.name,
        source: SOURCES.alloy,
        ...(tls ? { scheme: "https" as const, tls: internalScrapeTls(gateway.host) } : {}),
      }),
    ],
    clients: { gateway: { podLabels: { ...selector }, namespace: gateway.namespace } },
  };
}

/** Every destination with its path, URL, credentials and TLS, for the checks below. */
function securedDestinations(values: ResolvedAlloyGatewayValues) {
  const d = values.destinations;
  return [
    { where: "destinations.loki", url: d.loki.url, auth: d.loki.auth, tls: d.loki.tls },
    ...d.loki.extra.map((e, i) => ({ where: `destinations.loki.extra[${i}]`, ...e })),
    {
      where: "destinations.prometheus",
      url: d.prometheus.url,
      auth: d.prometheus.auth,
      tls: d.prometheus.tls,
    },
    ...d.prometheus.extra.map((e, i) => ({ where: `destinations.prometheus.extra[${i}]`, ...e })),
    ...(d.otlp.enabled
      ? [
          {
            where: "destinations.otlp",
            url: d.otlp.protocol === "http" ? d.otlp.endpoint : undefined,
            auth: d.otlp.auth,
            tls: d.otlp.tls,
          },
        ]
      : []),
  ];
}

/**
 * Credentials and TLS that cannot work as written: TLS settings on a plain-text connection, a
 * verified CA beside skipping verification, a client secret sent to an http token URL, Entra
 * workload identity without the pod label its webhook needs.
 */
function checkDestinationSecurity(values: ResolvedAlloyGatewayValues, path: string): void {
  const otlp = values.destinations.otlp;
  if (otlp.enabled && otlp.protocol === "grpc" && otlp.insecure && otlp.tls) {
    throw valuesError(
      `${path}.destinations.otlp.tls`,
      "is set, but insecure: true exports in plain text",
      "drop insecure to export over TLS, or drop tls",
    );
  }
  for (const { where, url, auth, tls } of securedDestinations(values)) {
    if (tls && url?.startsWith("http://")) {
      throw valuesError(
        `${path}.${where}.tls`,
        `is set, but ${url} is plain http`,
        "use the https URL of the destination, or drop tls",
      );
    }
    if (tls?.insecureSkipVerify && tls.ca) {
      throw valuesError(
        `${path}.${where}.tls.insecureSkipVerify`,
        "is true beside a ca bundle, which would never be used",
        "drop insecureSkipVerify: the ca verifies the server",
      );
    }
    if (auth?.type === "oauth2" && auth.tokenUrl.startsWith("http://")) {
      throw valuesError(
        `${path}.${where}.auth.tokenUrl`,
        "is plain http: the client secret would cross the network unencrypted",
        "use the https token URL",
      );
    }
    if (
      auth?.type === "azure" &&
      auth.identity.kind === "workload" &&
      !values.workloadIdentity.azure
    ) {
      throw valuesError(
        `${path}.${where}.auth.identity`,
        "uses Entra workload identity, but the gateway's pods lack the azure.workload.identity/use label the webhook needs to mount the token",
        `set ${path}.workloadIdentity.azure.clientId (the client id of the identity)`,
      );
    }
  }
}

/** `annotations` for object metadata, left out when empty. */
function annotationsOf(annotations: Record<string, string>) {
  return Object.keys(annotations).length > 0 ? { annotations } : {};
}

function checkValues(values: ResolvedAlloyGatewayValues, path: string): void {
  checkDestinationSecurity(values, path);
  const scale = values.autoscaling;
  checkAutoscaling(path, values.replicas, scale);
  const most = mostReplicas(values.replicas, scale);
  if (!values.clustering.enabled && most > 1) {
    throw valuesError(
      `${path}.clustering.enabled`,
      `is false, but the gateway may run ${most} replicas: each would scrape every target and read every event`,
      "enable clustering, or run one replica (replicas: 1, autoscaling.enabled: false)",
    );
  }
  const datadog = values.destinations.datadog;
  if (datadog.enabled && !datadog.apiKey) {
    throw valuesError(
      `${path}.destinations.datadog.apiKey`,
      "is required when the Datadog destination is enabled",
      "name the Secret key holding the API key, e.g. { name: datadog, key: api-key }",
    );
  }
  const otlp = values.destinations.otlp;
  if (otlp.enabled && !otlp.endpoint) {
    throw valuesError(
      `${path}.destinations.otlp.endpoint`,
      "is required when the OTLP destination is enabled",
      otlp.protocol === "grpc"
        ? "e.g. otel-collector.observability.svc.cluster.local:4317"
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

/** What the gateway derives from its values before any object: jobs, destinations, configuration. */
interface GatewayDerivation {
  jobs: GatewayScrapeJob[];
  lokiUrl: string;
  remoteWriteUrl?: string;
  agentPeers: Peer[];
  secrets: SecretWiring;
  config: GatewayConfig;
  access: Map<string, string[]>;
}

function deriveGateway(
  values: ResolvedAlloyGatewayValues,
  ctx: BuildContext,
  endpoints: AlloyGatewayEndpoints,
  path: string,
): GatewayDerivation {
  checkValues(values, path);
  const jobs = gatewayScrapeJobs(values, ctx, endpoints.podLabels, path);
  const urls = destinationUrls(values, jobs, path);
  const agentNamespace = values.logs.agentLogs.namespace ?? ctx.namespace;
  const agentLabels = values.logs.agentLogs.podLabels ?? selectorLabels(ctx, { name: AGENT_NAME });
  const secrets = new SecretWiring();
  const config = gatewayConfig({
    values,
    ctx,
    jobs,
    ...urls,
    agents: { namespace: agentNamespace, podLabels: agentLabels },
    secrets,
    path,
  });
  return {
    jobs,
    ...urls,
    agentPeers: values.networkPolicy.agents ?? [
      { podLabels: agentLabels, namespace: agentNamespace },
    ],
    secrets,
    config,
    access: secretAccess(jobs),
  };
}

/** What the gateway renders from its values besides its addresses. */
export interface AlloyGatewayPlan {
  /** The Alloy configuration text (the ConfigMap's content). */
  alloyConfig: string;
  /** `prometheus.scrape` component id of every job, by job name. */
  scrapeComponents: Record<string, string>;
  /** The Secrets the gateway reads through the API (scrape basic auth), per namespace. */
  secretAccess: { namespace: string; names: string[] }[];
}

/**
 * The gateway's configuration, scrape components and Secret access for
 * `(values, ctx)`, as `alloyGateway(values, ctx)` renders them. They depend
 * on the jobs and destinations it is given, so they are not endpoints.
 */
export function alloyGatewayPlan(
  values?: AlloyGatewayValues,
  ctx?: Partial<BuildContext>,
): AlloyGatewayPlan {
  const parsed = parseValues(alloyGatewayValues, values ?? {}, [GATEWAY_NAME]);
  const context = defaultBuildContext(ctx);
  const derived = deriveGateway(
    parsed,
    context,
    computeAlloyGatewayEndpoints(parsed, context),
    GATEWAY_NAME,
  );
  return {
    alloyConfig: derived.config.text,
    scrapeComponents: Object.fromEntries(derived.config.scrape.scrapes),
    secretAccess: [...derived.access.entries()].map(([namespace, names]) => ({
      namespace,
      names,
    })),
  };
}

/**
 * The Alloy configuration of a built gateway, read from its ConfigMap
 * (`endpoints.configMap`).
 */
export function alloyGatewayConfigOf(component: Component<AlloyGatewayEndpoints>): string {
  return configMapValue(component.objects, component.endpoints.configMap);
}

/**
 * The build behind `alloyGateway()`, for composing with already-parsed
 * values and the endpoints `computeAlloyGatewayEndpoints` gave for them;
 * `path` prefixes the paths of render-time errors.
 */
export function buildAlloyGateway(
  values: ResolvedAlloyGatewayValues,
  ctx: BuildContext,
  endpoints: AlloyGatewayEndpoints,
  path = GATEWAY_NAME,
): { objects: KubeObject[] } {
  const { jobs, lokiUrl, remoteWriteUrl, agentPeers, secrets, config, access } = deriveGateway(
    values,
    ctx,
    endpoints,
    path,
  );
  const name = endpoints.serviceName;
  const configMapName = endpoints.configMap.name;
  const parts = { name: GATEWAY_NAME, version: values.image.tag };
  const meta = (objectName = name) => objectMeta(ctx, { ...parts, objectName });
  const selector = endpoints.podLabels;
  const clusterService = endpoints.services.cluster;

  const otlpReceiver = endpoints.services.otlp !== undefined;
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
      // otelcol.exporter.datadog is a community component of Alloy
      ...(values.destinations.datadog.enabled
        ? ["--feature.community-components.enabled=true"]
        : []),
      ...(clusterService
        ? [
            "--cluster.enabled=true",
            `--cluster.join-addresses=${endpointAddress(clusterService, "cluster")}`,
            kubeArg`--cluster.name=${ctx.namespace}.${name}`,
            // Peers dial each other's HTTP server, which serves TLS under the internal TLS.
            ...(ctx.internalTls
              ? [
                  "--cluster.enable-tls",
                  `--cluster.tls-ca-path=${INTERNAL_TLS.ca}`,
                  `--cluster.tls-cert-path=${INTERNAL_TLS.cert}`,
                  `--cluster.tls-key-path=${INTERNAL_TLS.key}`,
                  `--cluster.tls-server-name=${clusterService.host}`,
                ]
              : []),
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
      // The stack's internal TLS: the certificate scrapes of components present, at the shared path.
      ...(ctx.internalTls ? [internalTlsMount()] : []),
    ],
    resources: values.resources,
    probes: {
      liveness: tcpProbe(PORT.http.name),
      readiness: httpProbe(
        "/-/ready",
        PORT.http.name,
        { initialDelaySeconds: 5 },
        internalProbeScheme(ctx),
      ),
    },
    security: { runAsUser: ALLOY_UID, runAsGroup: ALLOY_UID },
  });
  const priorityClassName =
    values.scheduling.priorityClassName ?? priorityClassFor(ctx, "critical");
  const template = podTemplate(ctx, {
    labels: {
      ...standardLabels(ctx, parts),
      ...workloadIdentityPodLabels(values.workloadIdentity),
    },
    containers: [alloy],
    volumes: [
      { name: "config", configMap: { name: configMapName } },
      emptyDirVolume("storage", values.storage.sizeLimit),
      ...secretVolumes.map((s) => s.volume),
      ...(ctx.internalTls ? [internalTlsVolume(ctx, GATEWAY_TLS_COMPONENT)] : []),
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
    ...(ctx.internalTls
      ? [
          internalCertificate(ctx, ctx.internalTls, {
            component: GATEWAY_TLS_COMPONENT,
            dnsNames: internalTlsDnsNames(
              [
                endpoints.services.gateway,
                ...(endpoints.services.otlp ? [endpoints.services.otlp] : []),
              ],
              endpoints.services.cluster ? [endpoints.services.cluster] : [],
            ),
          }),
        ]
      : []),
    serviceAccount(
      { ...meta(), ...annotationsOf(workloadIdentityAnnotations(values.workloadIdentity)) },
      { automountToken: true },
    ),
    clusterRole(
      objectMeta(ctx, { ...parts, objectName: name, clusterScoped: true }),
      clusterRules(values, jobs),
    ),
    clusterRoleBinding(objectMeta(ctx, { ...parts, objectName: name, clusterScoped: true }), name, [
      { name, namespace: ctx.namespace },
    ]),
  ];
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
    configMap(meta(configMapName), { [endpoints.configMap.key]: config.text }),
    service({
      metadata: meta(),
      selector,
      ports: [
        ...Object.values(endpoints.services.gateway.ports),
        ...Object.values(endpoints.services.otlp?.ports ?? {}),
      ].map((p) => servicePort(p.name, p.port)),
    }),
  );
  if (clusterService) {
    // Peers find each other through this Service's DNS records, ready or not.
    objects.push(
      service({
        metadata: meta(clusterService.service),
        selector,
        headless: true,
        publishNotReadyAddresses: true,
        ports: [
          servicePort(
            clusterService.ports.cluster.name,
            clusterService.ports.cluster.port,
            PORT.http.name,
          ),
        ],
      }),
    );
  }
  objects.push(
    deployment({
      metadata: meta(),
      replicas: deploymentReplicas(values.replicas, values.autoscaling),
      selector,
      template,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    }),
    ...autoscalerObjects(meta(), name, values.replicas, values.autoscaling),
  );
  if (mostReplicas(values.replicas, values.autoscaling) > 1) {
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

  return { objects };
}

/**
 * The Alloy gateway: a clustered Deployment that receives, scrapes,
 * processes and writes every log and metric of the stack.
 */
export const alloyGateway = defineComponent({
  name: GATEWAY_NAME,
  schema: alloyGatewayValues,
  endpoints: computeAlloyGatewayEndpoints,
  build: (values, ctx, endpoints) => buildAlloyGateway(values, ctx, endpoints),
});

/**
 * The gateway's endpoints for `(values, ctx)` without building any object:
 * its push URL and Services (FQDN from the context's cluster domain), its
 * pods, its own scrape target and where its configuration is stored.
 */
export const alloyGatewayEndpoints = alloyGateway.endpoints;
