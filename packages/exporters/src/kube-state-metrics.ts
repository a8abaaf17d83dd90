import {
  type BuildContext,
  clusterRole,
  clusterRoleBinding,
  container,
  containerPort,
  defineComponent,
  deployment,
  hostAntiAffinity,
  httpProbe,
  imageRef,
  imageSchema,
  internalProbeScheme,
  type KubeObject,
  kubeArg,
  networkPolicy,
  objectMeta,
  type PolicyRule,
  podDisruptionBudget,
  podTemplate,
  priorityClassFor,
  re2Schema,
  resourceName,
  resourcesSchema,
  role,
  roleBinding,
  type ScrapeTarget,
  type ServiceEndpoint,
  schedulingDefault,
  selectorLabels,
  service,
  serviceAccount,
  serviceEndpoint,
  servicePort,
  spreadConstraints,
  standardLabels,
  statefulSet,
  tcpPorts,
  valuesError,
} from "@materialize-monitoring/core";
import { z } from "zod";
import {
  DEFAULT_KUBE_STATE_METRICS_RESOURCES,
  KUBE_STATE_METRICS_RESOURCE_NAMES,
  KUBE_STATE_METRICS_RESOURCES,
  type KubeStateMetricsResource,
  MATERIALIZE_POD_LABELS,
} from "./kube-state-metrics-resources.js";
import {
  apiServerAndDnsEgress,
  apiServerPeer,
  exporterScrapeTls,
  exporterTls,
  namedEnum,
  type ScrapeEndpoint,
  scrapeEndpoint,
  scraperNetworkPeer,
  scraperPeer,
  scrapeTargetOf,
  workloadScheduling,
} from "./shared.js";

export const KUBE_STATE_METRICS_NAME = "kube-state-metrics";
export const KUBE_STATE_METRICS_JOB = "kube-state-metrics";
export const KUBE_STATE_METRICS_TELEMETRY_JOB = "kube-state-metrics-telemetry";
/** The scraper's component label of the object-metrics job. */
export const KUBE_STATE_METRICS_TARGET = "kube_state_metrics";
/** The allow-list (materialize's catalogue) that filters the object metrics. */
export const KUBE_STATE_METRICS_SOURCE = "kube-state-metrics";
export const KUBE_STATE_METRICS_PORTS = {
  metrics: { name: "http-metrics", port: 8080 },
  telemetry: { name: "telemetry", port: 8081 },
} as const;
export const KUBE_STATE_METRICS_DEFAULT_IMAGE = {
  registry: "registry.k8s.io",
  repository: "kube-state-metrics/kube-state-metrics",
  tag: "v2.20.0",
} as const;

const watchableResource = namedEnum(
  KUBE_STATE_METRICS_RESOURCE_NAMES,
  "kube-state-metrics resource",
);
const labelKey = z
  .string()
  .min(1)
  .regex(/^[^,[\]=\s]+$/, "a label key cannot contain commas, brackets, '=' or spaces");
/*
 * One metric name or RE2 pattern: kube-state-metrics joins the entries with
 * commas into one flag, so a comma would split an entry, and only characters of
 * metric names and of regular expression syntax can ever match a metric.
 */
const metricPattern = re2Schema()
  .min(1)
  .regex(
    /^[A-Za-z0-9_:.*+?^$()|[\]{}\\-]+$/,
    "one metric name or RE2 pattern per entry: letters, digits, '_', ':' and regex syntax, no commas or spaces",
  );

export const kubeStateMetricsValues = z.strictObject({
  /** kube-state-metrics container image */
  image: imageSchema(KUBE_STATE_METRICS_DEFAULT_IMAGE).describe(
    "kube-state-metrics container image",
  ),
  /**
   * unsharded copies; each exports every series, so more than one doubles the series (use sharding
   * to split load)
   */
  replicas: z
    .int32()
    .min(1)
    .default(1)
    .describe(
      "unsharded copies; each exports every series, so more than one doubles the series (use sharding to split load)",
    ),
  /** split the objects over a StatefulSet; each pod finds its shard from its ordinal */
  sharding: z
    .strictObject({
      /** run sharded instead of as a Deployment */
      enabled: z.boolean().default(false).describe("run sharded instead of as a Deployment"),
      /** number of shards, one pod each */
      shards: z.int32().min(2).default(2).describe("number of shards, one pod each"),
    })
    .prefault({})
    .describe("split the objects over a StatefulSet; each pod finds its shard from its ordinal"),
  /** the --resources list; the ClusterRole grants list/watch on exactly these */
  watchedResources: z
    .array(watchableResource)
    .min(1)
    .default([...DEFAULT_KUBE_STATE_METRICS_RESOURCES])
    .describe("the --resources list; the ClusterRole grants list/watch on exactly these"),
  /** copy the Materialize pod labels (MATERIALIZE_POD_LABELS) onto kube_pod_labels */
  materializePodLabels: z
    .boolean()
    .default(true)
    .describe("copy the Materialize pod labels (MATERIALIZE_POD_LABELS) onto kube_pod_labels"),
  /** extra label keys per resource for the kube_<resource>_labels metrics */
  metricLabelsAllowlist: z
    .partialRecord(watchableResource, z.array(labelKey).min(1))
    .default({})
    .describe("extra label keys per resource for the kube_<resource>_labels metrics"),
  /** only these metrics (names or regular expressions) */
  metricAllowlist: z
    .array(metricPattern)
    .default([])
    .describe("only these metrics (names or regular expressions)"),
  /** never these metrics; exclusive with metricAllowlist */
  metricDenylist: z
    .array(metricPattern)
    .default([])
    .describe("never these metrics; exclusive with metricAllowlist"),
  /** --auto-gomemlimit: size the Go heap limit from the container memory limit */
  autoGoMemLimit: z
    .boolean()
    .default(true)
    .describe("--auto-gomemlimit: size the Go heap limit from the container memory limit"),
  /** requests and limits of each kube-state-metrics pod */
  resources: resourcesSchema({
    requests: { cpu: "50m", memory: "150Mi" },
    limits: { memory: "512Mi" },
  }).describe("requests and limits of each kube-state-metrics pod"),
  /** where the kube-state-metrics pods run */
  scheduling: schedulingDefault.describe("where the kube-state-metrics pods run"),
  /** the NetworkPolicy of the kube-state-metrics pods */
  networkPolicy: z
    .strictObject({
      /** render a NetworkPolicy: the scraper in; DNS and the API server out */
      enabled: z
        .boolean()
        .default(true)
        .describe("render a NetworkPolicy: the scraper in; DNS and the API server out"),
      /** who may scrape the metrics and telemetry ports */
      scraper: scraperPeer.describe("who may scrape the metrics and telemetry ports"),
      /** the API server, which kube-state-metrics lists and watches */
      apiServer: apiServerPeer.describe(
        "the API server, which kube-state-metrics lists and watches",
      ),
    })
    .prefault({})
    .describe("the NetworkPolicy of the kube-state-metrics pods"),
});
export type KubeStateMetricsValues = z.input<typeof kubeStateMetricsValues>;
/** Values after parsing: every default filled in. What the `build*` functions take. */
export type ResolvedKubeStateMetricsValues = z.output<typeof kubeStateMetricsValues>;

export interface KubeStateMetricsEndpoints {
  /** Object metrics; scrape every pod (each shard owns a slice of the objects). */
  metrics: ScrapeEndpoint;
  /** kube-state-metrics' own metrics. */
  telemetry: ScrapeEndpoint;
  /** Number of shards (1 when unsharded). */
  shards: number;
  /** Label keys per resource copied onto `kube_<resource>_labels` as `label_<sanitised key>`. */
  metricLabelsAllowlist: Partial<Record<KubeStateMetricsResource, string[]>>;
  services: {
    /** The headless Service over every pod (or shard), for per-pod discovery. */
    kubeStateMetrics: ServiceEndpoint<"metrics" | "telemetry">;
  };
  /**
   * What it wants scraped: the object metrics of every pod
   * (`kube_state_metrics`, job `kube-state-metrics`, port `http-metrics`,
   * allow-list `kube-state-metrics`). The telemetry port is published in
   * `telemetry` but not scraped by default.
   */
  scrapeTargets: ScrapeTarget[];
  /** It connects to no other component (only the API server). */
  clients: Record<string, never>;
}

/** The ClusterRole rules: list/watch on exactly the watched resources, grouped by API group. */
export function kubeStateMetricsRules(
  resources: readonly KubeStateMetricsResource[],
): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const resource of [...new Set(resources)].sort()) {
    const group = KUBE_STATE_METRICS_RESOURCES[resource];
    byGroup.set(group, [...(byGroup.get(group) ?? []), resource]);
  }
  return [...byGroup.keys()].sort().map((group) => ({
    apiGroups: [group],
    resources: byGroup.get(group) ?? [],
    verbs: ["list", "watch"],
  }));
}

/** The label keys copied per resource: the Materialize pod labels plus the configured ones. */
export function kubeStateMetricsLabelsAllowlist(
  values: Pick<ResolvedKubeStateMetricsValues, "materializePodLabels" | "metricLabelsAllowlist">,
): Partial<Record<KubeStateMetricsResource, string[]>> {
  const merged: Partial<Record<KubeStateMetricsResource, string[]>> = {};
  if (values.materializePodLabels) merged.pods = [...MATERIALIZE_POD_LABELS];
  for (const [resource, keys] of Object.entries(values.metricLabelsAllowlist) as [
    KubeStateMetricsResource,
    string[] | undefined,
  ][]) {
    if (!keys) continue;
    merged[resource] = [...new Set([...(merged[resource] ?? []), ...keys])];
  }
  const sorted: Partial<Record<KubeStateMetricsResource, string[]>> = {};
  for (const resource of (Object.keys(merged) as KubeStateMetricsResource[]).sort()) {
    sorted[resource] = merged[resource];
  }
  return sorted;
}

/** `pods=[a,b],namespaces=[c]`, the syntax of `--metric-labels-allowlist`. */
export function formatLabelsAllowlist(
  allowlist: Partial<Record<KubeStateMetricsResource, string[]>>,
): string {
  return Object.entries(allowlist)
    .map(([resource, keys]) => `${resource}=[${(keys ?? []).join(",")}]`)
    .join(",");
}

function validate(values: ResolvedKubeStateMetricsValues, path: string): void {
  if (values.metricAllowlist.length > 0 && values.metricDenylist.length > 0) {
    throw valuesError(
      `${path}.metricDenylist`,
      "metricAllowlist and metricDenylist are mutually exclusive in kube-state-metrics",
      "keep one of the two",
    );
  }
  if (values.sharding.enabled && values.replicas !== 1) {
    throw valuesError(
      `${path}.replicas`,
      "replicas cannot be combined with sharding (each shard is one pod)",
      "set sharding.shards instead and leave replicas at 1",
    );
  }
  const watched = new Set(values.watchedResources);
  const allowlist = kubeStateMetricsLabelsAllowlist(values);
  const unwatched = (Object.keys(allowlist) as KubeStateMetricsResource[]).filter(
    (r) => !watched.has(r),
  );
  if (unwatched.length > 0) {
    const where =
      unwatched.includes("pods") &&
      values.materializePodLabels &&
      !values.metricLabelsAllowlist.pods
        ? `${path}.watchedResources`
        : `${path}.metricLabelsAllowlist`;
    throw valuesError(
      where,
      `labels are copied for ${unwatched.join(", ")}, which kube-state-metrics does not watch`,
      `add ${unwatched.join(", ")} to watchedResources, or drop the labels`,
    );
  }
}

/**
 * The kube-state-metrics flags. The user's regexes and label names are
 * literal text for the kubelet's `$(VAR)` expansion; `$(POD_NAME)` and
 * `$(POD_NAMESPACE)` of sharding are the references the env provides.
 */
export function kubeStateMetricsArgs(values: ResolvedKubeStateMetricsValues): string[] {
  const allowlist = kubeStateMetricsLabelsAllowlist(values);
  return [
    `--port=${KUBE_STATE_METRICS_PORTS.metrics.port}`,
    `--telemetry-port=${KUBE_STATE_METRICS_PORTS.telemetry.port}`,
    `--resources=${[...new Set(values.watchedResources)].sort().join(",")}`,
    ...(Object.keys(allowlist).length > 0
      ? [kubeArg`--metric-labels-allowlist=${formatLabelsAllowlist(allowlist)}`]
      : []),
    ...(values.metricAllowlist.length > 0
      ? [kubeArg`--metric-allowlist=${values.metricAllowlist.join(",")}`]
      : []),
    ...(values.metricDenylist.length > 0
      ? [kubeArg`--metric-denylist=${values.metricDenylist.join(",")}`]
      : []),
    ...(values.autoGoMemLimit ? ["--auto-gomemlimit"] : []),
    ...(values.sharding.enabled ? ["--pod=$(POD_NAME)", "--pod-namespace=$(POD_NAMESPACE)"] : []),
  ];
}

/** The endpoints of kube-state-metrics from its names and the parsed values alone. */
export function computeKubeStateMetricsEndpoints(
  values: ResolvedKubeStateMetricsValues,
  ctx: BuildContext,
): KubeStateMetricsEndpoints {
  const service = serviceEndpoint(ctx, {
    service: resourceName(ctx, KUBE_STATE_METRICS_NAME),
    ports: KUBE_STATE_METRICS_PORTS,
    podLabels: selectorLabels(ctx, { name: KUBE_STATE_METRICS_NAME }),
  });
  // Its series describe other pods: their namespace, pod and container labels win over the scrape's.
  // Under the stack's internal TLS both listeners serve it (one --tls-config covers both).
  const tls = exporterScrapeTls(ctx, service.host);
  const metrics = scrapeEndpoint(service, "metrics", {
    jobName: KUBE_STATE_METRICS_JOB,
    honorLabels: true,
    ...tls,
  });
  return {
    metrics,
    telemetry: scrapeEndpoint(service, "telemetry", {
      jobName: KUBE_STATE_METRICS_TELEMETRY_JOB,
      ...tls,
    }),
    shards: values.sharding.enabled ? values.sharding.shards : 1,
    metricLabelsAllowlist: kubeStateMetricsLabelsAllowlist(values),
    services: { kubeStateMetrics: service },
    scrapeTargets: [
      scrapeTargetOf(metrics, {
        name: KUBE_STATE_METRICS_TARGET,
        source: KUBE_STATE_METRICS_SOURCE,
      }),
    ],
    clients: {},
  };
}

/**
 * The build behind `kubeStateMetrics()`, for composing with already-parsed
 * values and the endpoints `computeKubeStateMetricsEndpoints` gave for them;
 * `path` prefixes the paths of render-time errors.
 */
export function buildKubeStateMetrics(
  values: ResolvedKubeStateMetricsValues,
  ctx: BuildContext,
  endpoints: KubeStateMetricsEndpoints,
  path = KUBE_STATE_METRICS_NAME,
): { objects: KubeObject[] } {
  validate(values, path);
  const svc = endpoints.services.kubeStateMetrics;
  const name = svc.service;
  const parts = { name: KUBE_STATE_METRICS_NAME, version: values.image.tag };
  const meta = () => objectMeta(ctx, { ...parts, objectName: name });
  const clusterMeta = () => objectMeta(ctx, { ...parts, objectName: name, clusterScoped: true });
  const selector = svc.podLabels;
  const sharded = values.sharding.enabled;
  const replicas = sharded ? values.sharding.shards : values.replicas;
  const { metrics, telemetry } = svc.ports;
  const tls = exporterTls(ctx, {
    component: KUBE_STATE_METRICS_NAME,
    serverName: svc.host,
    namespace: ctx.namespace,
    namespacePath: path,
    meta: (objectName) => objectMeta(ctx, { ...parts, objectName }),
    webConfigName: resourceName(ctx, KUBE_STATE_METRICS_NAME, "web-config"),
  });
  const probeScheme = internalProbeScheme(ctx);

  const ksm = container({
    name: KUBE_STATE_METRICS_NAME,
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    args: [...kubeStateMetricsArgs(values), ...(tls ? [`--tls-config=${tls.webConfigFile}`] : [])],
    env: sharded
      ? [
          { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        ]
      : [],
    ports: [
      containerPort(metrics.name, metrics.port),
      containerPort(telemetry.name, telemetry.port),
    ],
    resources: values.resources,
    ...(tls ? { volumeMounts: tls.mounts } : {}),
    probes: {
      liveness: httpProbe("/livez", metrics.name, {}, probeScheme),
      readiness: httpProbe("/readyz", telemetry.name, { initialDelaySeconds: 5 }, probeScheme),
    },
    security: { runAsUser: 65534, runAsGroup: 65534 },
  });

  const multi = replicas > 1;
  const template = podTemplate(ctx, {
    labels: standardLabels(ctx, parts),
    containers: [ksm],
    ...(tls ? { volumes: tls.volumes } : {}),
    serviceAccountName: name,
    // It lists and watches the API server.
    automountServiceAccountToken: true,
    security: { runAsUser: 65534, runAsGroup: 65534 },
    scheduling: workloadScheduling(
      values.scheduling,
      priorityClassFor(ctx, "default"),
      multi
        ? {
            affinity: hostAntiAffinity(selector),
            topologySpreadConstraints: spreadConstraints(ctx, selector),
          }
        : {},
    ),
  });

  const objects: KubeObject[] = [
    serviceAccount(meta(), { automountToken: false }),
    clusterRole(clusterMeta(), kubeStateMetricsRules(values.watchedResources)),
    clusterRoleBinding(clusterMeta(), name, [{ name, namespace: ctx.namespace }]),
    service({
      metadata: meta(),
      selector,
      // Headless: scrapers discover and scrape each pod (each shard holds different objects).
      headless: true,
      ports: [servicePort(metrics.name, metrics.port), servicePort(telemetry.name, telemetry.port)],
    }),
    sharded
      ? statefulSet({
          metadata: meta(),
          replicas,
          selector,
          template,
          serviceName: name,
        })
      : deployment({ metadata: meta(), replicas, selector, template }),
  ];
  objects.push(...(tls?.objects ?? []));
  if (sharded) {
    // Automated sharding: each pod reads its StatefulSet and its own pod to find its ordinal and the shard count.
    objects.push(
      role(meta(), [
        { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
        { apiGroups: ["apps"], resources: ["statefulsets"], resourceNames: [name], verbs: ["get"] },
      ]),
      roleBinding(meta(), { kind: "Role", name }, [{ name, namespace: ctx.namespace }]),
    );
  }
  if (multi) {
    objects.push(podDisruptionBudget(meta(), selector, { maxUnavailable: 1 }));
  }
  if (values.networkPolicy.enabled) {
    objects.push(
      networkPolicy({
        metadata: meta(),
        podSelector: selector,
        ingress: [
          {
            peers: [scraperNetworkPeer(ctx, values.networkPolicy.scraper, ctx.namespace)],
            ports: tcpPorts(metrics.port, telemetry.port),
          },
        ],
        egress: apiServerAndDnsEgress(values.networkPolicy.apiServer),
      }),
    );
  }

  return { objects };
}

/**
 * kube-state-metrics: object-state metrics with a least-privilege ClusterRole
 * derived from the watched resources, the Materialize pod labels copied onto
 * `kube_pod_labels`, and optional automated sharding over a StatefulSet.
 */
export const kubeStateMetrics = defineComponent({
  name: KUBE_STATE_METRICS_NAME,
  schema: kubeStateMetricsValues,
  endpoints: computeKubeStateMetricsEndpoints,
  build: (values, ctx, endpoints) => buildKubeStateMetrics(values, ctx, endpoints),
});

/**
 * kube-state-metrics' endpoints for `(values, ctx)` without building any
 * object: its headless Service (FQDN from the context's cluster domain), the
 * metrics and telemetry scrape endpoints and the scrape target.
 */
export const kubeStateMetricsEndpoints = kubeStateMetrics.endpoints;
