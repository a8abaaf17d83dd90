import {
  annotationsSchema,
  autoscalingValues,
  cidrSchema,
  duration,
  externalAccessSchema,
  httpUrlSchema,
  imageSchema,
  labelsSchema,
  MAX_LENGTH,
  NGINX_IMAGE,
  objectName,
  objectStorage,
  promLabelNameSchema,
  quantity,
  resources,
  resourcesSchema,
  schedulingDefault,
  singleLineText,
  workloadIdentity,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { MEMCACHED_VERSION, THANOS_VERSION } from "./names.js";
import { ruleGroup } from "./rules.js";

/** Prometheus labels (external labels): label names, one-line values. */
const promLabels = z.record(promLabelNameSchema, singleLineText(MAX_LENGTH.text));

/**
 * Thanos replaces `$(NAME)` in its config files with the environment variable
 * NAME (and fails when it is unset), with no escape: a value written into one
 * cannot hold it.
 */
const THANOS_EXPANSION = /\$\(/;
const noThanosExpansion = [
  (value: string) => !THANOS_EXPANSION.test(value),
  {
    message:
      "contains $(, which Thanos expands from its environment in config files; percent-encode the $ (%24) or remove it",
  },
] as const;

/** A memcached address as Thanos takes it: host:port, optionally behind dns+, dnssrv+ or dnssrvnoa+. */
const memcachedAddress = z
  .string()
  .max(260)
  .regex(
    /^((dns|dnssrv|dnssrvnoa)\+)?[A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9])?(\.[A-Za-z0-9_]([-A-Za-z0-9_]*[A-Za-z0-9])?)*(:\d{1,5})?$/,
    "a memcached address host:port, optionally after dns+, dnssrv+ or dnssrvnoa+ (e.g. dnssrv+_memcache._tcp.memcached.cache.svc.cluster.local)",
  );
const labelName = promLabelNameSchema;
const replicas = z.int32().min(1).optional().describe("defaults to the preset");
const extraArgs = z
  .array(z.string().regex(/^--/, "each extra argument is a flag starting with --"))
  .default([])
  .describe(
    "appended after the generated flags (container args: Kubernetes expands $(VAR) in them, and $$ is a literal $)",
  );
/** A PVC request whose size defaults to the preset. */
const persistence = z
  .strictObject({
    /** defaults to the preset */
    size: quantity.optional().describe("defaults to the preset"),
    /** StorageClass of the claim; global.storageClass, else the cluster default, when unset */
    storageClass: z
      .string()
      .optional()
      .describe(
        "StorageClass of the claim; global.storageClass, else the cluster default, when unset",
      ),
    /** access modes of the claim */
    accessModes: z
      .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany"]))
      .min(1)
      .default(["ReadWriteOnce"])
      .describe("access modes of the claim"),
  })
  .prefault({})
  .describe("the PVC of each pod");

/** Store gateway `--min-time`/`--max-time`: RFC3339 or a duration relative to now (`-2w`). */
const storeTime = z
  .string()
  .regex(
    /^(-?\d+(ms|s|m|h|d|w|y))+$|^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
    "not a time: use RFC3339 (2024-01-01T00:00:00Z) or a duration relative to now (-2w)",
  );

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "lowercase letters, digits and '-' only")
  .max(20);

/** A network-policy peer: pods by labels, in the stack's namespace unless namespace labels are given. */
const peer = z.strictObject({
  /** pod label selector */
  podLabels: labelsSchema.describe("pod label selector"),
  /** omit for the stack's own namespace; {} for every namespace */
  namespaceLabels: labelsSchema
    .optional()
    .describe("omit for the stack's own namespace; {} for every namespace"),
});

/**
 * Where the ruler sends alerts. `srv` is a DNS SRV name resolved to every
 * Alertmanager replica (`dnssrv+`), so each replica gets each alert and the
 * Alertmanager cluster deduplicates; `url` is a single static address.
 */
export const alertmanagerTarget = z.union([
  z.strictObject({
    /** DNS SRV name resolving to every Alertmanager replica, each of which gets each alert */
    srv: z
      .string()
      .regex(
        /^_[a-z0-9-]+\._tcp\.[a-z0-9.-]+$/,
        "an SRV name such as _http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local",
      )
      .describe(
        "DNS SRV name resolving to every Alertmanager replica, each of which gets each alert",
      ),
    /** scheme of the Alertmanager API */
    scheme: z.enum(["http", "https"]).default("http").describe("scheme of the Alertmanager API"),
    /** path prefix of the Alertmanager API (its --web.route-prefix) */
    pathPrefix: singleLineText(MAX_LENGTH.url)
      .regex(/^(\/\S*)?$/, "a path such as /alertmanager, or empty")
      .refine(...noThanosExpansion)
      .default("")
      .describe("path prefix of the Alertmanager API (its --web.route-prefix)"),
    /** timeout of one request to Alertmanager */
    timeout: duration.default("10s").describe("timeout of one request to Alertmanager"),
    /**
     * reach it with the stack's internal mutual TLS (https, the stack's CA, Thanos's certificate);
     * needs global.internalTls
     */
    internalTls: z
      .boolean()
      .default(false)
      .describe(
        "reach it with the stack's internal mutual TLS (https, the stack's CA, Thanos's certificate); needs global.internalTls",
      ),
  }),
  z.strictObject({
    /** one Alertmanager's base URL */
    url: httpUrlSchema("http://alertmanager.monitoring.svc.cluster.local:9093")
      .refine(...noThanosExpansion)
      .refine((url) => !/[?#]/.test(url), {
        message:
          "Thanos sends alerts to a scheme, host and path prefix: a query (?) or fragment (#) would be dropped; remove it",
      })
      .describe("one Alertmanager's base URL"),
    /** timeout of one request to Alertmanager */
    timeout: duration.default("10s").describe("timeout of one request to Alertmanager"),
    /**
     * reach it with the stack's internal mutual TLS (https, the stack's CA, Thanos's certificate);
     * needs global.internalTls
     */
    internalTls: z
      .boolean()
      .default(false)
      .describe(
        "reach it with the stack's internal mutual TLS (https, the stack's CA, Thanos's certificate); needs global.internalTls",
      ),
  }),
]);
export type AlertmanagerTarget = z.output<typeof alertmanagerTarget>;

const frontendCache = z.discriminatedUnion("type", [
  z.strictObject({
    /** no response cache */
    type: z.literal("none").describe("no response cache"),
  }),
  z.strictObject({
    /** a cache in each query-frontend pod */
    type: z.literal("in-memory").describe("a cache in each query-frontend pod"),
    /** most memory the cache takes in each pod, e.g. 256MB */
    maxSize: z
      .string()
      .regex(/^\d+(B|KB|MB|GB)$/, "a size such as 256MB")
      .default("256MB")
      .describe("most memory the cache takes in each pod, e.g. 256MB"),
  }),
  z.strictObject({
    /** memcached, shared by the query-frontend pods */
    type: z.literal("memcached").describe("memcached, shared by the query-frontend pods"),
    /** your memcached addresses (dns+/dnssrv+ allowed); used only when deploy.enabled is false */
    addresses: z
      .array(memcachedAddress)
      .max(64)
      .default([])
      .describe(
        "your memcached addresses (dns+/dnssrv+ allowed); used only when deploy.enabled is false",
      ),
    /** how long a cached response is kept */
    expiration: duration.default("24h").describe("how long a cached response is kept"),
    /** timeout of one cache request */
    timeout: duration.default("500ms").describe("timeout of one cache request"),
    /** the memcached the stack runs for the cache */
    deploy: z
      .strictObject({
        /** run a memcached Deployment of the stack's and use it instead of addresses */
        enabled: z
          .boolean()
          .default(true)
          .describe("run a memcached Deployment of the stack's and use it instead of addresses"),
        /** defaults to the preset */
        replicas,
        /** memcached -m; defaults to the preset */
        memoryMb: z.int32().min(64).optional().describe("memcached -m; defaults to the preset"),
        /** memcached's requests and limits; the preset's when unset */
        resources: resources
          .optional()
          .describe("memcached's requests and limits; the preset's when unset"),
        /** memcached container image */
        image: imageSchema({
          registry: "docker.io",
          repository: "library/memcached",
          tag: MEMCACHED_VERSION,
        }).describe("memcached container image"),
      })
      .prefault({})
      .describe("the memcached the stack runs for the cache"),
  }),
]);

/** A cache of the store gateway in the user's memcached, shared by the store pods. */
const storeMemcached = z.strictObject({
  /** your memcached, shared by the store pods */
  type: z.literal("memcached").describe("your memcached, shared by the store pods"),
  /** memcached addresses (dns+/dnssrv+ allowed) */
  addresses: z
    .array(memcachedAddress)
    .min(1, "at least one memcached address")
    .max(64)
    .describe("memcached addresses (dns+/dnssrv+ allowed)"),
  /** timeout of one cache request */
  timeout: duration.default("500ms").describe("timeout of one cache request"),
});

const indexCache = z.discriminatedUnion("type", [
  z.strictObject({
    /** a cache in each store pod */
    type: z.literal("in-memory").describe("a cache in each store pod"),
    /** defaults to the preset */
    maxSize: z
      .string()
      .regex(/^\d+(B|KB|MB|GB)$/, "a size such as 1GB")
      .optional()
      .describe("defaults to the preset"),
  }),
  storeMemcached,
]);

/**
 * The store gateway's caching bucket (`--store.caching-bucket.config-file`):
 * chunk ranges, meta.json files and bucket listings, in front of object storage.
 */
const cachingBucket = z.discriminatedUnion("type", [
  z.strictObject({
    /** every read goes to object storage */
    type: z.literal("none").describe("every read goes to object storage"),
  }),
  z.strictObject({
    /** a cache in each store pod */
    type: z.literal("in-memory").describe("a cache in each store pod"),
    /** most memory the cache takes in each pod, e.g. 512MB; defaults to the preset */
    maxSize: z
      .string()
      .regex(/^\d+(B|KB|MB|GB)$/, "a size such as 512MB")
      .optional()
      .describe("most memory the cache takes in each pod, e.g. 512MB; defaults to the preset"),
  }),
  storeMemcached,
]);

const storeSharding = z.discriminatedUnion("mode", [
  z.strictObject({
    /** every store pod serves every block */
    mode: z.literal("none").describe("every store pod serves every block"),
  }),
  z.strictObject({
    /** blocks spread over shards by a hash of their ID */
    mode: z.literal("hashmod").describe("blocks spread over shards by a hash of their ID"),
    /** number of shards, each a StatefulSet of store.replicas pods */
    shards: z
      .int32()
      .min(2, "hashmod sharding needs at least 2 shards")
      .describe("number of shards, each a StatefulSet of store.replicas pods"),
  }),
  z.strictObject({
    /** store sets that each serve one time range */
    mode: z.literal("time").describe("store sets that each serve one time range"),
    /** the time ranges; together they should cover every block */
    partitions: z
      .array(
        z.strictObject({
          /** suffix of the partition's workload name */
          name: dnsLabel.describe("suffix of the partition's workload name"),
          /** start of the range: RFC3339, or a duration before now (-2w) */
          minTime: storeTime.describe(
            "start of the range: RFC3339, or a duration before now (-2w)",
          ),
          /** end of the range: RFC3339, or a duration before now */
          maxTime: storeTime.describe("end of the range: RFC3339, or a duration before now"),
        }),
      )
      .min(1, "at least one time partition")
      .describe("the time ranges; together they should cover every block"),
  }),
]);

export const thanosValues = z.strictObject({
  /** ha: replicated receive, bucket, store, compactor; dev: one receive with local TSDB only */
  mode: z
    .enum(["ha", "dev"])
    .default("ha")
    .describe(
      "ha: replicated receive, bucket, store, compactor; dev: one receive with local TSDB only",
    ),
  /** sizing preset: replicas, resources and volumes of every role, each overridable */
  preset: z
    .enum(["small", "medium", "large"])
    .default("small")
    .describe("sizing preset: replicas, resources and volumes of every role, each overridable"),
  /** Thanos container image of every role */
  image: imageSchema({
    registry: "quay.io",
    repository: "thanos/thanos",
    tag: THANOS_VERSION,
  }).describe("Thanos container image of every role"),
  /** --log.level: least severe messages logged */
  logLevel: z
    .enum(["debug", "info", "warn", "error"])
    .default("info")
    .describe("--log.level: least severe messages logged"),
  /** --log.format of the logs */
  logFormat: z.enum(["logfmt", "json"]).default("logfmt").describe("--log.format of the logs"),
  /** the bucket; required in ha mode, not allowed in dev mode */
  objectStorage: objectStorage
    .optional()
    .describe("the bucket; required in ha mode, not allowed in dev mode"),
  /** an existing ReadWriteMany PVC for objectStorage.type=filesystem */
  bucketVolume: z
    .strictObject({
      /** name of the existing PVC */
      claimName: z.string().min(1).describe("name of the existing PVC"),
    })
    .optional()
    .describe("an existing ReadWriteMany PVC for objectStorage.type=filesystem"),
  /** added to every block and alert (plus cluster) */
  externalLabels: promLabels.default({}).describe("added to every block and alert (plus cluster)"),
  /** external labels that name the replica of a series */
  replicaLabels: z
    .strictObject({
      /** label telling receive replicas apart; queries and the compactor deduplicate on it */
      receive: labelName
        .default("replica")
        .describe(
          "label telling receive replicas apart; queries and the compactor deduplicate on it",
        ),
      /** label telling ruler replicas apart; queries deduplicate on it, alerts drop it */
      ruler: labelName
        .default("rule_replica")
        .describe("label telling ruler replicas apart; queries deduplicate on it, alerts drop it"),
    })
    .prefault({})
    .describe("external labels that name the replica of a series"),
  /** the ServiceAccount every Thanos pod runs as */
  serviceAccount: z
    .strictObject({
      /** false to use an existing ServiceAccount named by name */
      create: z
        .boolean()
        .default(true)
        .describe("false to use an existing ServiceAccount named by name"),
      /** defaults to thanos (with the name prefix) */
      name: objectName.optional().describe("defaults to thanos (with the name prefix)"),
      /** annotations of the ServiceAccount */
      annotations: annotationsSchema.default({}).describe("annotations of the ServiceAccount"),
      /** cloud identity of the ServiceAccount, so Thanos reaches the bucket without a static key */
      workloadIdentity: workloadIdentity.describe(
        "cloud identity of the ServiceAccount, so Thanos reaches the bucket without a static key",
      ),
    })
    .prefault({})
    .describe("the ServiceAccount every Thanos pod runs as"),
  /** where every Thanos pod runs */
  scheduling: schedulingDefault.describe("where every Thanos pod runs"),
  /** receive: takes the remote writes and keeps recent data in a local TSDB */
  receive: z
    .strictObject({
      /**
       * combined: every receive routes and ingests; split: stateless routers in front of ingestors
       */
      mode: z
        .enum(["combined", "split"])
        .default("combined")
        .describe(
          "combined: every receive routes and ingests; split: stateless routers in front of ingestors",
        ),
      /**
       * defaults to the preset's, and to at least replicationFactor (every copy of a series on its
       * own receive)
       */
      replicas: replicas.describe(
        "defaults to the preset's, and to at least replicationFactor (every copy of a series on its own receive)",
      ),
      /**
       * copies of each series; a write succeeds once a quorum has it (1 of 2, 2 of 3, floor(n/2)+1
       * above 2). Defaults to 2 in ha, 1 in dev
       */
      replicationFactor: z
        .int32()
        .min(1)
        .optional()
        .describe(
          "copies of each series; a write succeeds once a quorum has it (1 of 2, 2 of 3, floor(n/2)+1 above 2). Defaults to 2 in ha, 1 in dev",
        ),
      /**
       * spread of the receive pods across zones (with more than one replica): hard (DoNotSchedule)
       * keeps the receives per zone within one of each other, so 3 receives on three zones
       * (replicationFactor 3) keep a write quorum through the loss of a zone; a receive stays
       * Pending where no node carries the zone label (the context's zone topology key)
       */
      zoneSpread: z
        .enum(["soft", "hard"])
        .default("soft")
        .describe(
          "spread of the receive pods across zones (with more than one replica): hard (DoNotSchedule) keeps the receives per zone within one of each other, so 3 receives on three zones (replicationFactor 3) keep a write quorum through the loss of a zone; a receive stays Pending where no node carries the zone label (the context's zone topology key)",
        ),
      /** local TSDB retention; 1d in ha, 15d in dev */
      retention: duration.optional().describe("local TSDB retention; 1d in ha, 15d in dev"),
      /** requests and limits; the preset's when unset */
      resources: resources.optional().describe("requests and limits; the preset's when unset"),
      /** the PVC of each pod */
      persistence,
      /** seconds a stopping pod gets to flush its head block and upload it */
      terminationGracePeriodSeconds: z
        .int32()
        .min(30)
        .default(900)
        .describe("seconds a stopping pod gets to flush its head block and upload it"),
      /** HTTP header that carries the tenant of a write */
      tenantHeader: z
        .string()
        .min(1)
        .default("THANOS-TENANT")
        .describe("HTTP header that carries the tenant of a write"),
      /** tenant of writes without that header */
      defaultTenant: z
        .string()
        .min(1)
        .default("default-tenant")
        .describe("tenant of writes without that header"),
      /** the stateless routers of split mode */
      router: z
        .strictObject({
          /** defaults to the preset */
          replicas,
          /** requests and limits; the preset's when unset */
          resources: resources.optional().describe("requests and limits; the preset's when unset"),
        })
        .prefault({})
        .describe("the stateless routers of split mode"),
      /**
       * appended after the generated flags (container args: Kubernetes expands $(VAR) in them, and
       * $$ is a literal $)
       */
      extraArgs,
    })
    .prefault({})
    .describe("receive: takes the remote writes and keeps recent data in a local TSDB"),
  /** query: answers PromQL over receive, store and ruler */
  query: z
    .strictObject({
      /** defaults to the preset */
      replicas,
      /** requests and limits; the preset's when unset */
      resources: resources.optional().describe("requests and limits; the preset's when unset"),
      /** an HPA on CPU (and memory) between replicas and maxReplicas: queriers are stateless */
      autoscaling: autoscalingValues({ enabled: false, maxReplicas: 6, cpuUtilization: 75 }),
      /** --query.timeout: longest a query may run */
      timeout: duration.default("2m").describe("--query.timeout: longest a query may run"),
      /** --query.max-concurrent: queries evaluated at once per pod */
      maxConcurrent: z
        .int32()
        .min(1)
        .default(20)
        .describe("--query.max-concurrent: queries evaluated at once per pod"),
      /**
       * --query.lookback-delta: how far back an instant query looks for a sample (5m when unset)
       */
      lookbackDelta: duration
        .optional()
        .describe(
          "--query.lookback-delta: how far back an instant query looks for a sample (5m when unset)",
        ),
      /** answer long-range queries from downsampled blocks */
      autoDownsampling: z
        .boolean()
        .default(true)
        .describe("answer long-range queries from downsampled blocks"),
      /** how replicated series merge: penalty (for scraped HA pairs) or chain */
      deduplicationFunc: z
        .enum(["penalty", "chain"])
        .default("penalty")
        .describe("how replicated series merge: penalty (for scraped HA pairs) or chain"),
      /** more StoreAPI addresses (host:port, dns+, dnssrv+) */
      extraEndpoints: z
        .array(z.string().min(1))
        .default([])
        .describe("more StoreAPI addresses (host:port, dns+, dnssrv+)"),
      /**
       * appended after the generated flags (container args: Kubernetes expands $(VAR) in them, and
       * $$ is a literal $)
       */
      extraArgs,
    })
    .prefault({})
    .describe("query: answers PromQL over receive, store and ruler"),
  /** query-frontend: splits, retries and caches range queries in front of query */
  queryFrontend: z
    .strictObject({
      /** defaults to true in ha, false in dev */
      enabled: z.boolean().optional().describe("defaults to true in ha, false in dev"),
      /** defaults to the preset */
      replicas,
      /** requests and limits; the preset's when unset */
      resources: resources.optional().describe("requests and limits; the preset's when unset"),
      /** an HPA on CPU (and memory) between replicas and maxReplicas: the frontend is stateless */
      autoscaling: autoscalingValues({ enabled: false, maxReplicas: 6, cpuUtilization: 75 }),
      /** range queries are split into pieces this long, run and cached separately */
      splitInterval: duration
        .default("24h")
        .describe("range queries are split into pieces this long, run and cached separately"),
      /** retries of a failed request to query */
      maxRetries: z.int32().min(0).default(5).describe("retries of a failed request to query"),
      /** log queries slower than this; 0 logs none */
      logQueriesLongerThan: duration
        .default("10s")
        .describe("log queries slower than this; 0 logs none"),
      /**
       * the response cache; by default a memcached the stack runs, shared by every query-frontend
       * replica
       */
      cache: frontendCache
        .prefault({ type: "memcached" })
        .describe(
          "the response cache; by default a memcached the stack runs, shared by every query-frontend replica",
        ),
      /**
       * appended after the generated flags (container args: Kubernetes expands $(VAR) in them, and
       * $$ is a literal $)
       */
      extraArgs,
    })
    .prefault({})
    .describe("query-frontend: splits, retries and caches range queries in front of query"),
  /** store gateway: serves the blocks in the bucket to query */
  store: z
    .strictObject({
      /** defaults to true in ha; not available in dev */
      enabled: z.boolean().optional().describe("defaults to true in ha; not available in dev"),
      /** replicas per shard; defaults to the preset */
      replicas: replicas.describe("replicas per shard; defaults to the preset"),
      /** requests and limits; the preset's when unset */
      resources: resources.optional().describe("requests and limits; the preset's when unset"),
      /** the PVC of each pod */
      persistence,
      /** cache of block index entries */
      indexCache: indexCache
        .prefault({ type: "in-memory" })
        .describe("cache of block index entries"),
      /** cache of chunks, meta.json files and bucket listings read from object storage */
      cachingBucket: cachingBucket
        .prefault({ type: "in-memory" })
        .describe("cache of chunks, meta.json files and bucket listings read from object storage"),
      /** how the blocks are split among store pods */
      sharding: storeSharding
        .prefault({ mode: "none" })
        .describe("how the blocks are split among store pods"),
      /**
       * appended after the generated flags (container args: Kubernetes expands $(VAR) in them, and
       * $$ is a literal $)
       */
      extraArgs,
    })
    .prefault({})
    .describe("store gateway: serves the blocks in the bucket to query"),
  /** compactor: compacts, downsamples and applies retention in the bucket */
  compactor: z
    .strictObject({
      /** defaults to true in ha; not available in dev */
      enabled: z.boolean().optional().describe("defaults to true in ha; not available in dev"),
      /** must be 1: one compactor per bucket */
      replicas: z.int32().min(1).default(1).describe("must be 1: one compactor per bucket"),
      /** requests and limits; the preset's when unset */
      resources: resources.optional().describe("requests and limits; the preset's when unset"),
      /** the PVC of each pod */
      persistence,
      /** retention per resolution; 0d keeps forever */
      retention: z
        .strictObject({
          /** how long raw samples are kept */
          raw: duration.default("30d").describe("how long raw samples are kept"),
          /** how long 5-minute downsampled data is kept */
          fiveMinutes: duration
            .default("90d")
            .describe("how long 5-minute downsampled data is kept"),
          /** how long 1-hour downsampled data is kept */
          oneHour: duration.default("365d").describe("how long 1-hour downsampled data is kept"),
        })
        .prefault({})
        .describe("retention per resolution; 0d keeps forever"),
      /** build 5-minute and 1-hour downsampled blocks */
      downsampling: z
        .boolean()
        .default(true)
        .describe("build 5-minute and 1-hour downsampled blocks"),
      /**
       * merge blocks of replicated receives offline (vertical compaction on the receive replica
       * label)
       */
      deduplication: z
        .boolean()
        .default(true)
        .describe(
          "merge blocks of replicated receives offline (vertical compaction on the receive replica label)",
        ),
      /** pause between compaction runs */
      waitInterval: duration.default("5m").describe("pause between compaction runs"),
      /** how long a block marked for deletion stays in the bucket, for readers still using it */
      deleteDelay: duration
        .default("48h")
        .describe(
          "how long a block marked for deletion stays in the bucket, for readers still using it",
        ),
      /** compaction groups processed in parallel */
      concurrency: z.int32().min(1).default(1).describe("compaction groups processed in parallel"),
      /**
       * appended after the generated flags (container args: Kubernetes expands $(VAR) in them, and
       * $$ is a literal $)
       */
      extraArgs,
    })
    .prefault({})
    .describe("compactor: compacts, downsamples and applies retention in the bucket"),
  /** ruler: alerting and recording rules over all the data */
  ruler: z
    .strictObject({
      /** run the ruler, which evaluates PromQL rules */
      enabled: z.boolean().default(true).describe("run the ruler, which evaluates PromQL rules"),
      /** defaults to the preset */
      replicas,
      /** requests and limits; the preset's when unset */
      resources: resources.optional().describe("requests and limits; the preset's when unset"),
      /** the PVC of each pod */
      persistence,
      /** how often rule groups are evaluated, unless a group sets its interval */
      evalInterval: duration
        .default("30s")
        .describe("how often rule groups are evaluated, unless a group sets its interval"),
      /** retention of the ruler's local TSDB, which holds its recorded series */
      retention: duration
        .default("48h")
        .describe("retention of the ruler's local TSDB, which holds its recorded series"),
      /** rule groups rendered into the ruler's rule file */
      ruleGroups: z
        .array(ruleGroup)
        .default([])
        .describe("rule groups rendered into the ruler's rule file"),
      /** existing ConfigMaps whose *.yaml keys are Prometheus rule files */
      ruleConfigMaps: z
        .array(
          z.strictObject({
            /** name of the ConfigMap */
            name: z.string().min(1).describe("name of the ConfigMap"),
            /** only these keys; all by default */
            keys: z
              .array(z.string().min(1))
              .min(1)
              .optional()
              .describe("only these keys; all by default"),
          }),
        )
        .default([])
        .describe("existing ConfigMaps whose *.yaml keys are Prometheus rule files"),
      /** where the ruler sends alerts; none when empty */
      alertmanagers: z
        .array(alertmanagerTarget)
        .default([])
        .describe("where the ruler sends alerts; none when empty"),
      /** link target of alerts' source (e.g. Grafana explore) */
      alertQueryUrl: httpUrlSchema("https://grafana.example.com/explore")
        .optional()
        .describe("link target of alerts' source (e.g. Grafana explore)"),
      /**
       * appended after the generated flags (container args: Kubernetes expands $(VAR) in them, and
       * $$ is a literal $)
       */
      extraArgs,
    })
    .prefault({})
    .describe("ruler: alerting and recording rules over all the data"),
  /** PodDisruptionBudgets of the roles */
  /** nginx in front of receive and the PromQL API, for clients outside the stack (basic auth) */
  gateway: z
    .strictObject({
      /** nginx container image of the gateway */
      image: imageSchema(NGINX_IMAGE).describe("nginx container image of the gateway"),
      /** gateway pods */
      replicas: z.int32().min(1).max(100).default(2).describe("gateway pods"),
      /** requests and limits of the nginx container */
      resources: resourcesSchema({
        requests: { cpu: "50m", memory: "64Mi" },
        limits: { memory: "256Mi" },
      }),
      /**
       * the authenticated listener: remote write to receive and PromQL reads; the gateway runs only
       * when it is enabled
       */
      externalAccess: externalAccessSchema.describe(
        "the authenticated listener: remote write to receive and PromQL reads; the gateway runs only when it is enabled",
      ),
    })
    .prefault({})
    .describe(
      "nginx in front of receive and the PromQL API, for clients outside the stack (basic auth)",
    ),
  /** PodDisruptionBudgets of the roles */
  podDisruptionBudget: z
    .strictObject({
      /** render a PodDisruptionBudget for every role with 2 or more replicas */
      enabled: z
        .boolean()
        .default(true)
        .describe("render a PodDisruptionBudget for every role with 2 or more replicas"),
      /** pods of a role a voluntary disruption may take down at once: a count or a percentage */
      maxUnavailable: z
        .union([z.int32().min(1), z.string().regex(/^\d+%$/)])
        .default(1)
        .describe(
          "pods of a role a voluntary disruption may take down at once: a count or a percentage",
        ),
    })
    .prefault({})
    .describe("PodDisruptionBudgets of the roles"),
  /** the NetworkPolicies of the Thanos pods */
  networkPolicy: z
    .strictObject({
      /** render NetworkPolicies that admit only the peers below */
      enabled: z
        .boolean()
        .default(true)
        .describe("render NetworkPolicies that admit only the peers below"),
      /** the pods that talk to Thanos */
      peers: z
        .strictObject({
          /** remote-writes to receive and scrapes every Thanos pod's metrics */
          pipeline: peer
            .default({ podLabels: { "app.kubernetes.io/name": "alloy-gateway" } })
            .describe("remote-writes to receive and scrapes every Thanos pod's metrics"),
          /** queries PromQL and reads the ruler API */
          grafana: peer
            .default({ podLabels: { "app.kubernetes.io/name": "grafana" } })
            .describe("queries PromQL and reads the ruler API"),
          /** the Alertmanager pods the ruler sends alerts to */
          alertmanager: peer
            .default({ podLabels: { "app.kubernetes.io/name": "alertmanager" } })
            .describe("the Alertmanager pods the ruler sends alerts to"),
        })
        .prefault({})
        .describe("the pods that talk to Thanos"),
      /** ports the ruler may reach Alertmanager on */
      alertmanagerPorts: z
        .array(z.int32().min(1).max(65535))
        .default([9093])
        .describe("ports the ruler may reach Alertmanager on"),
      /** addresses of an Alertmanager outside the cluster the ruler sends alerts to */
      alertmanagerCidrs: z
        .array(cidrSchema)
        .default([])
        .describe("addresses of an Alertmanager outside the cluster the ruler sends alerts to"),
      /** where the bucket is; narrow it to your object store's ranges */
      objectStorageEgress: z
        .strictObject({
          /** addresses of the object store */
          cidrs: z
            .array(cidrSchema)
            .min(1)
            .default(["0.0.0.0/0"])
            .describe("addresses of the object store"),
          /** ports of the object store */
          ports: z
            .array(z.int32().min(1).max(65535))
            .min(1)
            .default([443])
            .describe("ports of the object store"),
        })
        .prefault({})
        .describe("where the bucket is; narrow it to your object store's ranges"),
    })
    .prefault({})
    .describe("the NetworkPolicies of the Thanos pods"),
});

export type ThanosValues = z.input<typeof thanosValues>;
export type ParsedThanosValues = z.output<typeof thanosValues>;
