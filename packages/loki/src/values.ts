import {
  type Autoscaling,
  autoscalingValues,
  boundedString,
  cidrSchema,
  duration,
  externalAccessSchema,
  httpUrlSchema,
  imageSchema,
  labelsSchema,
  logqlMetricSchema,
  logqlSelectorSchema,
  lokiTenantIdSchema,
  MAX_LENGTH,
  objectName,
  objectStorage,
  type Persistence,
  promLabelNameSchema,
  quantity,
  type Resources,
  schedulingDefault,
  singleLineText,
  workloadIdentity,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { LOKI_IMAGE, MEMCACHED_IMAGE, NGINX_IMAGE } from "./names.js";
import { SIZES, SIZING, type Sizing } from "./presets.js";

/**
 * Deployment modes. `distributed` (one workload per Loki component) is left
 * out on purpose: it will be added as a new member of this enum with its own
 * optional section, so existing values keep their meaning.
 */
export const LOKI_MODES = ["simple-scalable", "single-binary"] as const;
export type LokiMode = (typeof LOKI_MODES)[number];

const resourceFields = z.strictObject({
  /** CPU in cores (`500m` is half a core) */
  cpu: quantity.optional().describe("CPU in cores (`500m` is half a core)"),
  /** memory in bytes with a suffix (`512Mi`, `2Gi`) */
  memory: quantity.optional().describe("memory in bytes with a suffix (`512Mi`, `2Gi`)"),
  /** local scratch disk (`1Gi`) */
  "ephemeral-storage": quantity.optional().describe("local scratch disk (`1Gi`)"),
});

/** A partial override of the preset's resources: only the fields given replace the preset's. */
const resourcesOverride = z
  .strictObject({
    /** what the scheduler reserves per container */
    requests: resourceFields.optional().describe("what the scheduler reserves per container"),
    /** caps per container: CPU is throttled, memory above its limit is OOM-killed */
    limits: resourceFields
      .optional()
      .describe("caps per container: CPU is throttled, memory above its limit is OOM-killed"),
  })
  .optional()
  .describe("overrides the size preset field by field");

const persistenceOverride = z
  .strictObject({
    /** PVC size; the size preset's when left out */
    size: quantity.optional().describe("PVC size; the size preset's when left out"),
    /** storage class; the build context's when left out */
    storageClass: z
      .string()
      .optional()
      .describe("storage class; the build context's when left out"),
    /** access modes of the claim; ReadWriteOnce when left out */
    accessModes: z
      .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"]))
      .min(1)
      .optional()
      .describe("access modes of the claim; ReadWriteOnce when left out"),
  })
  .prefault({})
  .describe("the PVC of each pod, over the size preset");

const replicas = z.int32().min(1).optional().describe("the size preset's when left out");

const labels = labelsSchema;

/** Labels of alerts and recorded series: one-line values of at most 1024 characters. */
const ruleLabels = z.record(promLabelNameSchema, singleLineText());

/** Annotations of alerts: templates such as a description, at most 16 KiB each. */
const ruleAnnotations = z.record(promLabelNameSchema, boundedString(MAX_LENGTH.template));

/** Pods selected by labels; in Loki's namespace unless `namespaceLabels` is given (`{}`: every namespace). */
export const peer = z.strictObject({
  /** pod label selector */
  podLabels: labels.describe("pod label selector"),
  /** namespace label selector; Loki's namespace when left out */
  namespaceLabels: labels
    .optional()
    .describe("namespace label selector; Loki's namespace when left out"),
});
export type Peer = z.output<typeof peer>;

const byName = (name: string): Peer => ({ podLabels: { "app.kubernetes.io/name": name } });

const cidr = cidrSchema;

/** `YYYY-MM-DD`, a real calendar date. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, "is not a calendar date");

const tenantId = lokiTenantIdSchema;

const ruleFileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/, "a rule file name such as materialize.yaml");

/** One Prometheus-style rule evaluated by the Loki ruler (the expression is LogQL). */
export const lokiRule = z.union([
  z.strictObject({
    /** alert name */
    alert: singleLineText().min(1).describe("alert name"),
    /** LogQL metric expression; the alert fires for each series it returns */
    expr: logqlMetricSchema().describe(
      "LogQL metric expression; the alert fires for each series it returns",
    ),
    /** how long the expression must keep returning the series before the alert fires */
    for: duration
      .optional()
      .describe("how long the expression must keep returning the series before the alert fires"),
    /** labels added to the alert */
    labels: ruleLabels.optional().describe("labels added to the alert"),
    /** annotations of the alert, e.g. summary and description */
    annotations: ruleAnnotations
      .optional()
      .describe("annotations of the alert, e.g. summary and description"),
  }),
  z.strictObject({
    /** metric name the result is recorded as */
    record: singleLineText().min(1).describe("metric name the result is recorded as"),
    /** LogQL metric expression to record */
    expr: logqlMetricSchema().describe("LogQL metric expression to record"),
    /** labels added to the recorded series */
    labels: ruleLabels.optional().describe("labels added to the recorded series"),
  }),
]);
export const lokiRuleGroup = z.strictObject({
  /** group name, unique in its file */
  name: singleLineText().min(1).describe("group name, unique in its file"),
  /** how often the group is evaluated; ruler.evaluationInterval when unset */
  interval: duration
    .optional()
    .describe("how often the group is evaluated; ruler.evaluationInterval when unset"),
  /** most alerts or series one evaluation of a rule may produce; 0 is no limit */
  limit: z
    .int32()
    .min(0)
    .optional()
    .describe("most alerts or series one evaluation of a rule may produce; 0 is no limit"),
  /** the rules, evaluated in order */
  rules: z.array(lokiRule).min(1).describe("the rules, evaluated in order"),
});
export type LokiRuleGroup = z.output<typeof lokiRuleGroup>;

const cacheOverride = z
  .strictObject({
    /** the size preset's when left out */
    enabled: z.boolean().optional().describe("the size preset's when left out"),
    /** the size preset's when left out */
    replicas,
    /** memcached item memory (-m) in MiB */
    memoryMb: z.int32().min(64).optional().describe("memcached item memory (-m) in MiB"),
    /** overrides the size preset field by field */
    resources: resourcesOverride,
  })
  .prefault({})
  .describe("a memcached cache; its resources follow memoryMb unless overridden");

export const lokiValues = z.strictObject({
  /** simple-scalable (write/read/backend) or single-binary (-target=all, one replica) */
  mode: z
    .enum(LOKI_MODES)
    .default("simple-scalable")
    .describe("simple-scalable (write/read/backend) or single-binary (-target=all, one replica)"),
  /** sizing preset; every field is overridable */
  size: z.enum(SIZES).default("medium").describe("sizing preset; every field is overridable"),
  /** Loki container image */
  image: imageSchema(LOKI_IMAGE).describe("Loki container image"),
  /** least severe messages Loki logs */
  logLevel: z
    .enum(["debug", "info", "warn", "error"])
    .default("info")
    .describe("least severe messages Loki logs"),
  /**
   * object storage for chunks and index; required in simple-scalable mode, filesystem on the PVC in
   * single-binary mode when left out
   */
  storage: objectStorage
    .optional()
    .describe(
      "object storage for chunks and index; required in simple-scalable mode, filesystem on the PVC in single-binary mode when left out",
    ),
  /** Loki's index schema */
  schema: z
    .strictObject({
      /**
       * first day of the tsdb/v13 schema period; never change it once Loki holds data (add a new
       * period instead)
       */
      from: day
        .default("2025-01-01")
        .describe(
          "first day of the tsdb/v13 schema period; never change it once Loki holds data (add a new period instead)",
        ),
    })
    .prefault({})
    .describe("Loki's index schema"),
  /** copies of each stream kept by the write path; 3 in simple-scalable, 1 in single-binary */
  replicationFactor: z
    .int32()
    .min(1)
    .optional()
    .describe(
      "copies of each stream kept by the write path; 3 in simple-scalable, 1 in single-binary",
    ),
  /** single-tenant (the default) or multi-tenant Loki */
  tenancy: z
    .strictObject({
      /** require X-Scope-OrgID on every request (multi-tenant Loki) */
      authEnabled: z
        .boolean()
        .default(false)
        .describe("require X-Scope-OrgID on every request (multi-tenant Loki)"),
      /** the tenant the stack writes to and reads from when authEnabled */
      tenantId: tenantId
        .default("materialize")
        .describe("the tenant the stack writes to and reads from when authEnabled"),
      /**
       * more tenants the stack's logs land in when the pipeline routes by a label
       * (alloyGateway.destinations.loki.tenantFrom); Grafana reads them with tenantId, and the
       * ruler evaluates the rules in each
       */
      tenants: z
        .array(tenantId)
        .default([])
        .describe(
          "more tenants the stack's logs land in when the pipeline routes by a label (alloyGateway.destinations.loki.tenantFrom); Grafana reads them with tenantId, and the ruler evaluates the rules in each",
        ),
      /** when authEnabled, the gateway sets X-Scope-OrgID to tenantId on requests without one */
      gatewayDefaultTenant: z
        .boolean()
        .default(true)
        .describe(
          "when authEnabled, the gateway sets X-Scope-OrgID to tenantId on requests without one",
        ),
    })
    .prefault({})
    .describe("single-tenant (the default) or multi-tenant Loki"),
  /** limits of every tenant (limits_config) */
  limits: z
    .strictObject({
      /** how long logs are kept; 0s keeps them forever */
      retentionPeriod: duration
        .default("744h")
        .describe("how long logs are kept; 0s keeps them forever"),
      /** retention periods for the streams a selector matches, instead of retentionPeriod */
      retentionStreams: z
        .array(
          z.strictObject({
            /** LogQL stream selector, e.g. {namespace="dev"} */
            selector: logqlSelectorSchema({ pipeline: false }).describe(
              'LogQL stream selector, e.g. {namespace="dev"}',
            ),
            /** when several selectors match a stream, the highest priority wins */
            priority: z
              .int32()
              .min(0)
              .describe("when several selectors match a stream, the highest priority wins"),
            /** how long the matching streams are kept */
            period: duration.describe("how long the matching streams are kept"),
          }),
        )
        .default([])
        .describe(
          "retention periods for the streams a selector matches, instead of retentionPeriod",
        ),
      /** per tenant, MB/s; the size preset's when left out */
      ingestionRateMb: z
        .number()
        .positive()
        .optional()
        .describe("per tenant, MB/s; the size preset's when left out"),
      /** per tenant, MB; the size preset's when left out */
      ingestionBurstSizeMb: z
        .number()
        .positive()
        .optional()
        .describe("per tenant, MB; the size preset's when left out"),
      /**
       * most active streams per tenant, cluster-wide; 0 is no limit; the size preset's when left
       * out
       */
      maxGlobalStreamsPerUser: z
        .int32()
        .min(0)
        .optional()
        .describe(
          "most active streams per tenant, cluster-wide; 0 is no limit; the size preset's when left out",
        ),
      /** entries older than this are refused at ingestion */
      rejectOldSamplesMaxAge: duration
        .default("168h")
        .describe("entries older than this are refused at ingestion"),
      /** most series one metric query may return */
      maxQuerySeries: z
        .int32()
        .min(1)
        .default(1000)
        .describe("most series one metric query may return"),
      /** most log lines one query may return */
      maxEntriesLimitPerQuery: z
        .int32()
        .min(1)
        .default(5000)
        .describe("most log lines one query may return"),
      /** longest a query may run */
      queryTimeout: duration.default("5m").describe("longest a query may run"),
      /** accept structured metadata on pushes (the agents send pod names as metadata) */
      allowStructuredMetadata: z
        .boolean()
        .default(true)
        .describe("accept structured metadata on pushes (the agents send pod names as metadata)"),
    })
    .prefault({})
    .describe("limits of every tenant (limits_config)"),
  /** per-tenant limits in the runtime config (reloaded without a restart) */
  tenantOverrides: z
    .record(
      tenantId,
      z.strictObject({
        /** the tenant's retention; 0s keeps forever */
        retentionPeriod: duration.optional().describe("the tenant's retention; 0s keeps forever"),
        /** the tenant's ingestion rate, MB/s */
        ingestionRateMb: z
          .number()
          .positive()
          .optional()
          .describe("the tenant's ingestion rate, MB/s"),
        /** the tenant's ingestion burst, MB */
        ingestionBurstSizeMb: z
          .number()
          .positive()
          .optional()
          .describe("the tenant's ingestion burst, MB"),
        /** the tenant's most active streams; 0 is no limit */
        maxGlobalStreamsPerUser: z
          .int32()
          .min(0)
          .optional()
          .describe("the tenant's most active streams; 0 is no limit"),
      }),
    )
    .default({})
    .describe("per-tenant limits in the runtime config (reloaded without a restart)"),
  /** the compactor (in the backend): index compaction, retention and deletes */
  compactor: z
    .strictObject({
      /** the compactor deletes data older than the retention period */
      retentionEnabled: z
        .boolean()
        .default(true)
        .describe("the compactor deletes data older than the retention period"),
      /** delay between marking expired chunks and deleting them from the store */
      retentionDeleteDelay: duration
        .default("2h")
        .describe("delay between marking expired chunks and deleting them from the store"),
      /** how often the compactor compacts the index and applies retention */
      compactionInterval: duration
        .default("10m")
        .describe("how often the compactor compacts the index and applies retention"),
      /** how long a log deletion request can be cancelled before it is carried out */
      deleteRequestCancelPeriod: duration
        .default("24h")
        .describe("how long a log deletion request can be cancelled before it is carried out"),
    })
    .prefault({})
    .describe("the compactor (in the backend): index compaction, retention and deletes"),
  /** alerting and recording rules over the logs */
  ruler: z
    .strictObject({
      /** run the ruler (in the backend), which evaluates LogQL alerting and recording rules */
      enabled: z
        .boolean()
        .default(true)
        .describe(
          "run the ruler (in the backend), which evaluates LogQL alerting and recording rules",
        ),
      /**
       * Alertmanager base URLs, one per replica (each gets every alert; the Alertmanager cluster
       * deduplicates), e.g.
       * http://alertmanager-0.alertmanager-headless.monitoring.svc.cluster.local:9093
       */
      alertmanagerUrls: z
        .array(httpUrlSchema("http://alertmanager.monitoring.svc.cluster.local:9093"))
        .default([])
        .describe(
          "Alertmanager base URLs, one per replica (each gets every alert; the Alertmanager cluster deduplicates), e.g. http://alertmanager-0.alertmanager-headless.monitoring.svc.cluster.local:9093",
        ),
      /**
       * the Alertmanagers above serve the stack's internal TLS: the ruler verifies them with the
       * stack's CA and presents Loki's certificate (needs global.internalTls)
       */
      alertmanagerInternalTls: z
        .boolean()
        .default(false)
        .describe(
          "the Alertmanagers above serve the stack's internal TLS: the ruler verifies them with the stack's CA and presents Loki's certificate (needs global.internalTls)",
        ),
      /** how often rule groups are evaluated, unless a group sets its own interval */
      evaluationInterval: duration
        .default("1m")
        .describe("how often rule groups are evaluated, unless a group sets its own interval"),
      /** rule files rendered into a ConfigMap of this component */
      ruleFiles: z
        .record(
          ruleFileName,
          z.strictObject({
            /** the rule groups of the file */
            groups: z.array(lokiRuleGroup).min(1).describe("the rule groups of the file"),
          }),
        )
        .default({})
        .describe("rule files rendered into a ConfigMap of this component"),
      /** existing ConfigMaps whose keys are rule files */
      ruleConfigMaps: z
        .array(objectName)
        .default([])
        .describe("existing ConfigMaps whose keys are rule files"),
      /** added to every alert; `cluster` is set for you */
      externalLabels: ruleLabels
        .default({})
        .describe("added to every alert; `cluster` is set for you"),
    })
    .prefault({})
    .describe("alerting and recording rules over the logs"),
  /** the write path (distributors and ingesters, -target=write), simple-scalable mode */
  write: z
    .strictObject({
      /** write pods; the size preset's when left out */
      replicas: replicas.describe("write pods; the size preset's when left out"),
      /** overrides the size preset field by field */
      resources: resourcesOverride,
      /** the PVC of each pod, over the size preset */
      persistence: persistenceOverride,
      /** time for the preStop flush of in-memory chunks (single-binary too) */
      terminationGracePeriodSeconds: z
        .int32()
        .min(30)
        .default(300)
        .describe("time for the preStop flush of in-memory chunks (single-binary too)"),
      /**
       * spread of the write pods (the ingesters, whose replicationFactor quorum takes every write)
       * across zones: hard (DoNotSchedule) keeps the write pods per zone within one of each other,
       * so 3 write pods on three zones (replicationFactor 3) keep a write quorum through the loss
       * of a zone; a write pod stays Pending where no node carries the zone label (the context's
       * zone topology key). Follows topologySpread.zones when left out
       */
      zoneSpread: z
        .enum(["soft", "hard"])
        .optional()
        .describe(
          "spread of the write pods (the ingesters, whose replicationFactor quorum takes every write) across zones: hard (DoNotSchedule) keeps the write pods per zone within one of each other, so 3 write pods on three zones (replicationFactor 3) keep a write quorum through the loss of a zone; a write pod stays Pending where no node carries the zone label (the context's zone topology key). Follows topologySpread.zones when left out",
        ),
    })
    .prefault({})
    .describe("the write path (distributors and ingesters, -target=write), simple-scalable mode"),
  /** the stateless read path (queriers and query-frontends, -target=read), simple-scalable mode */
  read: z
    .strictObject({
      /** read pods; the size preset's when left out */
      replicas: replicas.describe("read pods; the size preset's when left out"),
      /** overrides the size preset field by field */
      resources: resourcesOverride,
      /** queries a querier runs at once */
      maxConcurrent: z.int32().min(1).optional().describe("queries a querier runs at once"),
      /** an HPA on CPU (and memory) between replicas and maxReplicas: the read path is stateless */
      autoscaling: autoscalingValues({ enabled: false, maxReplicas: 6, cpuUtilization: 75 }),
    })
    .prefault({})
    .describe(
      "the stateless read path (queriers and query-frontends, -target=read), simple-scalable mode",
    ),
  /**
   * the backend (compactor, ruler, index gateway, query scheduler, -target=backend),
   * simple-scalable mode
   */
  backend: z
    .strictObject({
      /** backend pods; the size preset's when left out */
      replicas: replicas.describe("backend pods; the size preset's when left out"),
      /** overrides the size preset field by field */
      resources: resourcesOverride,
      /** the PVC of each pod, over the size preset */
      persistence: persistenceOverride,
    })
    .prefault({})
    .describe(
      "the backend (compactor, ruler, index gateway, query scheduler, -target=backend), simple-scalable mode",
    ),
  /** a query-frontend of its own in front of the read path (large size by default) */
  queryFrontend: z
    .strictObject({
      /** a dedicated query-frontend Deployment */
      enabled: z.boolean().optional().describe("a dedicated query-frontend Deployment"),
      /** query-frontend pods; the size preset's when left out */
      replicas: replicas.describe("query-frontend pods; the size preset's when left out"),
      /** overrides the size preset field by field */
      resources: resourcesOverride,
      /** an HPA on CPU (and memory) between replicas and maxReplicas */
      autoscaling: autoscalingValues({ enabled: false, maxReplicas: 6, cpuUtilization: 75 }),
    })
    .prefault({})
    .describe("a query-frontend of its own in front of the read path (large size by default)"),
  /** the one pod of single-binary mode (-target=all) */
  singleBinary: z
    .strictObject({
      /** overrides the size preset field by field */
      resources: resourcesOverride,
      /** the PVC of each pod, over the size preset */
      persistence: persistenceOverride,
      /** queries the querier runs at once; the size preset's when left out */
      maxConcurrent: z
        .int32()
        .min(1)
        .optional()
        .describe("queries the querier runs at once; the size preset's when left out"),
    })
    .prefault({})
    .describe("the one pod of single-binary mode (-target=all)"),
  /** the nginx gateway: the one address for pushes and queries */
  gateway: z
    .strictObject({
      /** the nginx gateway in front of every target */
      enabled: z.boolean().default(true).describe("the nginx gateway in front of every target"),
      /** nginx container image of the gateway */
      image: imageSchema(NGINX_IMAGE).describe("nginx container image of the gateway"),
      /** gateway pods; the size preset's when left out */
      replicas: replicas.describe("gateway pods; the size preset's when left out"),
      /** an authenticated listener for pushes and queries from outside the stack (basic auth) */
      externalAccess: externalAccessSchema.describe(
        "an authenticated listener for pushes and queries from outside the stack (basic auth)",
      ),
      /** overrides the size preset field by field */
      resources: resourcesOverride,
    })
    .prefault({})
    .describe("the nginx gateway: the one address for pushes and queries"),
  /** the memcached caches of the read path */
  caches: z
    .strictObject({
      /** memcached container image of both caches */
      image: imageSchema(MEMCACHED_IMAGE).describe("memcached container image of both caches"),
      /** memcached for chunks read by queries */
      chunks: cacheOverride.describe("memcached for chunks read by queries"),
      /** memcached for query results */
      results: cacheOverride.describe("memcached for query results"),
    })
    .prefault({})
    .describe("the memcached caches of the read path"),
  /** the gossip ring of the Loki pods */
  memberlist: z
    .strictObject({
      /** defaults to <instance>.<name>.<namespace>, unique per install */
      clusterLabel: z
        .string()
        .min(1)
        .optional()
        .describe("defaults to <instance>.<name>.<namespace>, unique per install"),
    })
    .prefault({})
    .describe("the gossip ring of the Loki pods"),
  /** cloud identity of Loki's ServiceAccount, so it reaches the bucket without a static key */
  workloadIdentity: workloadIdentity.describe(
    "cloud identity of Loki's ServiceAccount, so it reaches the bucket without a static key",
  ),
  /** where every Loki pod runs */
  scheduling: schedulingDefault.describe("where every Loki pod runs"),
  /** the default spread, used while scheduling.topologySpreadConstraints is empty */
  topologySpread: z
    .strictObject({
      /** spread replicas across zones */
      zones: z.boolean().default(true).describe("spread replicas across zones"),
      /** hard: never two replicas of a role on one node */
      hosts: z
        .enum(["soft", "hard"])
        .default("soft")
        .describe("hard: never two replicas of a role on one node"),
    })
    .prefault({})
    .describe("the default spread, used while scheduling.topologySpreadConstraints is empty"),
  /** the NetworkPolicies of the Loki pods */
  networkPolicy: z
    .strictObject({
      /** render NetworkPolicies that admit only the peers below */
      enabled: z
        .boolean()
        .default(true)
        .describe("render NetworkPolicies that admit only the peers below"),
      /** who pushes logs through the gateway */
      pipeline: z
        .array(peer)
        .default([byName("alloy-gateway")])
        .describe("who pushes logs through the gateway"),
      /** who queries through the gateway */
      grafana: z
        .array(peer)
        .default([byName("grafana")])
        .describe("who queries through the gateway"),
      /** who scrapes /metrics of the Loki pods */
      scrapers: z
        .array(peer)
        .default([byName("alloy-gateway")])
        .describe("who scrapes /metrics of the Loki pods"),
      /** where the ruler sends alerts */
      alertmanager: z
        .array(peer)
        .default([byName("alertmanager")])
        .describe("where the ruler sends alerts"),
      /** addresses of an Alertmanager outside the cluster the ruler sends alerts to */
      alertmanagerCidrs: z
        .array(cidr)
        .default([])
        .describe("addresses of an Alertmanager outside the cluster the ruler sends alerts to"),
      /** where the object store (and the cloud's token service) lives */
      objectStorageCidrs: z
        .array(cidr)
        .min(1)
        .default(["0.0.0.0/0"])
        .describe("where the object store (and the cloud's token service) lives"),
    })
    .prefault({})
    .describe("the NetworkPolicies of the Loki pods"),
});

export type LokiValues = z.input<typeof lokiValues>;
export type ParsedLokiValues = z.output<typeof lokiValues>;

type ResourcesOverride = z.output<typeof resourcesOverride>;
type PersistenceOverride = z.output<typeof persistenceOverride>;

export interface ResolvedCache {
  enabled: boolean;
  replicas: number;
  memoryMb: number;
  /** Largest item memcached stores (`-I`) and Loki sends, in MiB. */
  maxItemMb: number;
  resources: Resources;
}

/** Values after the size preset is applied: every field concrete. */
export interface ResolvedLokiValues
  extends Omit<
    ParsedLokiValues,
    | "replicationFactor"
    | "limits"
    | "write"
    | "read"
    | "backend"
    | "queryFrontend"
    | "singleBinary"
    | "gateway"
    | "caches"
  > {
  replicationFactor: number;
  limits: ParsedLokiValues["limits"] & Sizing["limits"];
  write: {
    replicas: number;
    resources: Resources;
    persistence: Persistence;
    terminationGracePeriodSeconds: number;
    zoneSpread?: "soft" | "hard";
  };
  read: { replicas: number; resources: Resources; maxConcurrent: number; autoscaling: Autoscaling };
  backend: { replicas: number; resources: Resources; persistence: Persistence };
  queryFrontend: {
    enabled: boolean;
    replicas: number;
    resources: Resources;
    autoscaling: Autoscaling;
  };
  singleBinary: { resources: Resources; persistence: Persistence; maxConcurrent: number };
  gateway: ParsedLokiValues["gateway"] & { replicas: number; resources: Resources };
  caches: {
    image: ParsedLokiValues["caches"]["image"];
    chunks: ResolvedCache;
    results: ResolvedCache;
  };
}

function defined<T extends object>(value: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!value) return out;
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) (out as Record<string, unknown>)[key] = field;
  }
  return out;
}

/** The preset's resources with the user's fields laid over them, one field at a time. */
export function mergeResources(base: Resources, override: ResourcesOverride): Resources {
  return {
    requests: { ...base.requests, ...defined(override?.requests) },
    limits: { ...base.limits, ...defined(override?.limits) },
  };
}

function mergePersistence(size: string, override: PersistenceOverride): Persistence {
  return {
    enabled: true,
    size: override.size ?? size,
    ...(override.storageClass ? { storageClass: override.storageClass } : {}),
    accessModes: override.accessModes ?? ["ReadWriteOnce"],
  };
}

/** memcached needs its item memory plus room for connections and slab overhead. */
function cacheResources(memoryMb: number): Resources {
  const memory = `${Math.ceil(memoryMb * 1.2) + 64}Mi`;
  return { requests: { cpu: "100m", memory }, limits: { memory } };
}

const CACHE_MAX_ITEM_MB = 5;

function resolveCache(
  preset: Sizing["chunksCache"],
  override: z.output<typeof cacheOverride>,
): ResolvedCache {
  const memoryMb = override.memoryMb ?? preset.memoryMb;
  return {
    enabled: override.enabled ?? preset.enabled,
    replicas: override.replicas ?? preset.replicas,
    memoryMb,
    maxItemMb: CACHE_MAX_ITEM_MB,
    resources: mergeResources(cacheResources(memoryMb), override.resources),
  };
}

/** Applies the size preset under the user's values; the build works on the result. */
export function resolveLokiValues(values: ParsedLokiValues): ResolvedLokiValues {
  const preset = SIZING[values.size];
  return {
    ...values,
    replicationFactor: values.replicationFactor ?? (values.mode === "single-binary" ? 1 : 3),
    limits: {
      ...values.limits,
      ingestionRateMb: values.limits.ingestionRateMb ?? preset.limits.ingestionRateMb,
      ingestionBurstSizeMb:
        values.limits.ingestionBurstSizeMb ?? preset.limits.ingestionBurstSizeMb,
      maxGlobalStreamsPerUser:
        values.limits.maxGlobalStreamsPerUser ?? preset.limits.maxGlobalStreamsPerUser,
    },
    write: {
      replicas: values.write.replicas ?? preset.write.replicas,
      resources: mergeResources(preset.write.resources, values.write.resources),
      persistence: mergePersistence(preset.write.storage, values.write.persistence),
      terminationGracePeriodSeconds: values.write.terminationGracePeriodSeconds,
      ...(values.write.zoneSpread ? { zoneSpread: values.write.zoneSpread } : {}),
    },
    read: {
      replicas: values.read.replicas ?? preset.read.replicas,
      resources: mergeResources(preset.read.resources, values.read.resources),
      maxConcurrent: values.read.maxConcurrent ?? preset.read.maxConcurrent,
      autoscaling: values.read.autoscaling,
    },
    backend: {
      replicas: values.backend.replicas ?? preset.backend.replicas,
      resources: mergeResources(preset.backend.resources, values.backend.resources),
      persistence: mergePersistence(preset.backend.storage, values.backend.persistence),
    },
    queryFrontend: {
      enabled: values.queryFrontend.enabled ?? preset.queryFrontend.enabled,
      replicas: values.queryFrontend.replicas ?? preset.queryFrontend.replicas,
      resources: mergeResources(preset.queryFrontend.resources, values.queryFrontend.resources),
      autoscaling: values.queryFrontend.autoscaling,
    },
    singleBinary: {
      resources: mergeResources(preset.singleBinary.resources, values.singleBinary.resources),
      persistence: mergePersistence(preset.singleBinary.storage, values.singleBinary.persistence),
      maxConcurrent: values.singleBinary.maxConcurrent ?? preset.singleBinary.maxConcurrent,
    },
    gateway: {
      ...values.gateway,
      replicas: values.gateway.replicas ?? preset.gateway.replicas,
      resources: mergeResources(preset.gateway.resources, values.gateway.resources),
    },
    caches: {
      image: values.caches.image,
      chunks: resolveCache(preset.chunksCache, values.caches.chunks),
      results: resolveCache(preset.resultsCache, values.caches.results),
    },
  };
}
