import {
  duration,
  imageSchema,
  objectStorage,
  type Persistence,
  quantity,
  type Resources,
  schedulingDefault,
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
  cpu: quantity.optional(),
  memory: quantity.optional(),
  "ephemeral-storage": quantity.optional(),
});

/** A partial override of the preset's resources: only the fields given replace the preset's. */
const resourcesOverride = z
  .strictObject({ requests: resourceFields.optional(), limits: resourceFields.optional() })
  .optional()
  .describe("overrides the size preset field by field");

const persistenceOverride = z
  .strictObject({
    size: quantity.optional().describe("PVC size; the size preset's when left out"),
    storageClass: z
      .string()
      .optional()
      .describe("storage class; the build context's when left out"),
    accessModes: z
      .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"]))
      .min(1)
      .optional(),
  })
  .prefault({});

const replicas = z.int32().min(1).optional().describe("the size preset's when left out");

const labels = z.record(z.string(), z.string());

/** Pods selected by labels; in Loki's namespace unless `namespaceLabels` is given (`{}`: every namespace). */
export const peer = z.strictObject({
  podLabels: labels.describe("pod label selector"),
  namespaceLabels: labels
    .optional()
    .describe("namespace label selector; Loki's namespace when left out"),
});
export type Peer = z.output<typeof peer>;

const byName = (name: string): Peer => ({ podLabels: { "app.kubernetes.io/name": name } });

const cidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, "must be a CIDR such as 0.0.0.0/0 or 10.0.0.0/8");

/** `YYYY-MM-DD`, a real calendar date. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, "is not a calendar date");

/** Loki tenant IDs: up to 150 of `[A-Za-z0-9!-_.*'()]`, and not `.` or `..`. */
const tenantId = z
  .string()
  .regex(/^[A-Za-z0-9!_.*'()-]{1,150}$/, "a tenant ID is 1-150 of A-Z a-z 0-9 ! - _ . * ' ( )")
  .refine((value) => value !== "." && value !== "..", "a tenant ID cannot be . or ..");

const ruleFileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/, "a rule file name such as materialize.yaml");

/** One Prometheus-style rule evaluated by the Loki ruler (the expression is LogQL). */
export const lokiRule = z.union([
  z.strictObject({
    alert: z.string().min(1),
    expr: z.string().min(1),
    for: duration.optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
  }),
  z.strictObject({ record: z.string().min(1), expr: z.string().min(1), labels: labels.optional() }),
]);
export const lokiRuleGroup = z.strictObject({
  name: z.string().min(1),
  interval: duration.optional(),
  limit: z.int32().min(0).optional(),
  rules: z.array(lokiRule).min(1),
});
export type LokiRuleGroup = z.output<typeof lokiRuleGroup>;

const cacheOverride = z
  .strictObject({
    enabled: z.boolean().optional().describe("the size preset's when left out"),
    replicas,
    memoryMb: z.int32().min(64).optional().describe("memcached item memory (-m) in MiB"),
    resources: resourcesOverride,
  })
  .prefault({});

export const lokiValues = z.strictObject({
  mode: z
    .enum(LOKI_MODES)
    .default("simple-scalable")
    .describe("simple-scalable (write/read/backend) or single-binary (-target=all, one replica)"),
  size: z.enum(SIZES).default("medium").describe("sizing preset; every field is overridable"),
  image: imageSchema(LOKI_IMAGE),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  storage: objectStorage
    .optional()
    .describe(
      "object storage for chunks and index; required in simple-scalable mode, filesystem on the PVC in single-binary mode when left out",
    ),
  schema: z
    .strictObject({
      from: day
        .default("2025-01-01")
        .describe(
          "first day of the tsdb/v13 schema period; never change it once Loki holds data (add a new period instead)",
        ),
    })
    .prefault({}),
  replicationFactor: z
    .int32()
    .min(1)
    .optional()
    .describe(
      "copies of each stream kept by the write path; 3 in simple-scalable, 1 in single-binary",
    ),
  tenancy: z
    .strictObject({
      authEnabled: z
        .boolean()
        .default(false)
        .describe("require X-Scope-OrgID on every request (multi-tenant Loki)"),
      tenantId: tenantId
        .default("materialize")
        .describe("the tenant the stack writes to and reads from when authEnabled"),
      gatewayDefaultTenant: z
        .boolean()
        .default(true)
        .describe(
          "when authEnabled, the gateway sets X-Scope-OrgID to tenantId on requests without one",
        ),
    })
    .prefault({}),
  limits: z
    .strictObject({
      retentionPeriod: duration
        .default("744h")
        .describe("how long logs are kept; 0s keeps them forever"),
      retentionStreams: z
        .array(
          z.strictObject({
            selector: z.string().min(1).describe('LogQL stream selector, e.g. {namespace="dev"}'),
            priority: z.int32().min(0),
            period: duration,
          }),
        )
        .default([]),
      ingestionRateMb: z.number().positive().optional().describe("per tenant, MB/s"),
      ingestionBurstSizeMb: z.number().positive().optional().describe("per tenant, MB"),
      maxGlobalStreamsPerUser: z.int32().min(0).optional(),
      rejectOldSamplesMaxAge: duration.default("168h"),
      maxQuerySeries: z.int32().min(1).default(1000),
      maxEntriesLimitPerQuery: z.int32().min(1).default(5000),
      queryTimeout: duration.default("5m"),
      allowStructuredMetadata: z.boolean().default(true),
    })
    .prefault({}),
  tenantOverrides: z
    .record(
      tenantId,
      z.strictObject({
        retentionPeriod: duration.optional(),
        ingestionRateMb: z.number().positive().optional(),
        ingestionBurstSizeMb: z.number().positive().optional(),
        maxGlobalStreamsPerUser: z.int32().min(0).optional(),
      }),
    )
    .default({})
    .describe("per-tenant limits in the runtime config (reloaded without a restart)"),
  compactor: z
    .strictObject({
      retentionEnabled: z
        .boolean()
        .default(true)
        .describe("the compactor deletes data older than the retention period"),
      retentionDeleteDelay: duration.default("2h"),
      compactionInterval: duration.default("10m"),
      deleteRequestCancelPeriod: duration.default("24h"),
    })
    .prefault({}),
  ruler: z
    .strictObject({
      enabled: z.boolean().default(true),
      alertmanagerUrls: z
        .array(
          z.url({
            protocol: /^https?$/,
            error:
              "must be an http(s) URL such as http://alertmanager.monitoring.svc.cluster.local:9093",
          }),
        )
        .default([])
        .describe(
          "Alertmanager base URLs, one per replica (each gets every alert; the Alertmanager cluster deduplicates), e.g. http://alertmanager-0.alertmanager-headless.monitoring.svc.cluster.local:9093",
        ),
      evaluationInterval: duration.default("1m"),
      ruleFiles: z
        .record(ruleFileName, z.strictObject({ groups: z.array(lokiRuleGroup).min(1) }))
        .default({})
        .describe("rule files rendered into a ConfigMap of this component"),
      ruleConfigMaps: z
        .array(z.string().min(1))
        .default([])
        .describe("existing ConfigMaps whose keys are rule files"),
      externalLabels: labels.default({}).describe("added to every alert; `cluster` is set for you"),
    })
    .prefault({}),
  write: z
    .strictObject({
      replicas,
      resources: resourcesOverride,
      persistence: persistenceOverride,
      terminationGracePeriodSeconds: z
        .int32()
        .min(30)
        .default(300)
        .describe("time for the preStop flush of in-memory chunks"),
    })
    .prefault({}),
  read: z
    .strictObject({
      replicas,
      resources: resourcesOverride,
      maxConcurrent: z.int32().min(1).optional().describe("queries a querier runs at once"),
    })
    .prefault({}),
  backend: z
    .strictObject({ replicas, resources: resourcesOverride, persistence: persistenceOverride })
    .prefault({}),
  queryFrontend: z
    .strictObject({
      enabled: z.boolean().optional().describe("a dedicated query-frontend Deployment"),
      replicas,
      resources: resourcesOverride,
    })
    .prefault({}),
  singleBinary: z
    .strictObject({
      resources: resourcesOverride,
      persistence: persistenceOverride,
      maxConcurrent: z.int32().min(1).optional(),
    })
    .prefault({}),
  gateway: z
    .strictObject({
      enabled: z.boolean().default(true).describe("the nginx gateway in front of every target"),
      image: imageSchema(NGINX_IMAGE),
      replicas,
      resources: resourcesOverride,
    })
    .prefault({}),
  caches: z
    .strictObject({
      image: imageSchema(MEMCACHED_IMAGE),
      chunks: cacheOverride,
      results: cacheOverride,
    })
    .prefault({}),
  memberlist: z
    .strictObject({
      clusterLabel: z
        .string()
        .min(1)
        .optional()
        .describe("defaults to <instance>.<name>.<namespace>, unique per install"),
    })
    .prefault({}),
  workloadIdentity,
  scheduling: schedulingDefault,
  topologySpread: z
    .strictObject({
      zones: z.boolean().default(true).describe("spread replicas across zones"),
      hosts: z
        .enum(["soft", "hard"])
        .default("soft")
        .describe("hard: never two replicas of a role on one node"),
    })
    .prefault({}),
  networkPolicy: z
    .strictObject({
      enabled: z.boolean().default(true),
      pipeline: z
        .array(peer)
        .default([byName("alloy-gateway")])
        .describe("who pushes logs through the gateway"),
      grafana: z
        .array(peer)
        .default([byName("grafana")])
        .describe("who queries through the gateway"),
      scrapers: z
        .array(peer)
        .default([byName("alloy-gateway")])
        .describe("who scrapes /metrics of the Loki pods"),
      alertmanager: z
        .array(peer)
        .default([byName("alertmanager")])
        .describe("where the ruler sends alerts"),
      alertmanagerCidrs: z
        .array(cidr)
        .default([])
        .describe("addresses of an Alertmanager outside the cluster the ruler sends alerts to"),
      objectStorageCidrs: z
        .array(cidr)
        .min(1)
        .default(["0.0.0.0/0"])
        .describe("where the object store (and the cloud's token service) lives"),
    })
    .prefault({}),
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
  };
  read: { replicas: number; resources: Resources; maxConcurrent: number };
  backend: { replicas: number; resources: Resources; persistence: Persistence };
  queryFrontend: { enabled: boolean; replicas: number; resources: Resources };
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
    },
    read: {
      replicas: values.read.replicas ?? preset.read.replicas,
      resources: mergeResources(preset.read.resources, values.read.resources),
      maxConcurrent: values.read.maxConcurrent ?? preset.read.maxConcurrent,
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
