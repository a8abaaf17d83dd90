import {
  duration,
  imageSchema,
  objectName,
  objectStorage,
  quantity,
  resources,
  schedulingDefault,
  workloadIdentity,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { MEMCACHED_VERSION, THANOS_VERSION } from "./names.js";
import { ruleGroup } from "./rules.js";

const labels = z.record(z.string(), z.string());
const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "not a Prometheus label name (letters, digits, _)");
const replicas = z.int32().min(1).optional().describe("defaults to the preset");
const extraArgs = z
  .array(z.string().regex(/^--/, "each extra argument is a flag starting with --"))
  .default([])
  .describe("appended after the generated flags");
/** A PVC request whose size defaults to the preset. */
const persistence = z
  .strictObject({
    size: quantity.optional().describe("defaults to the preset"),
    storageClass: z.string().optional(),
    accessModes: z
      .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadWriteMany"]))
      .min(1)
      .default(["ReadWriteOnce"]),
  })
  .prefault({});

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
  podLabels: labels,
  namespaceLabels: labels
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
    srv: z
      .string()
      .regex(
        /^_[a-z0-9-]+\._tcp\.[a-z0-9.-]+$/,
        "an SRV name such as _http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local",
      ),
    scheme: z.enum(["http", "https"]).default("http"),
    pathPrefix: z.string().default(""),
    timeout: duration.default("10s"),
  }),
  z.strictObject({
    url: z.url({
      protocol: /^https?$/,
      error: "an http(s) URL such as http://alertmanager.monitoring.svc.cluster.local:9093",
    }),
    timeout: duration.default("10s"),
  }),
]);
export type AlertmanagerTarget = z.output<typeof alertmanagerTarget>;

const frontendCache = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("none") }),
  z.strictObject({
    type: z.literal("in-memory"),
    maxSize: z
      .string()
      .regex(/^\d+(B|KB|MB|GB)$/, "a size such as 256MB")
      .default("256MB"),
  }),
  z.strictObject({
    type: z.literal("memcached"),
    addresses: z
      .array(z.string().min(1))
      .default([])
      .describe("external memcached addresses (dns+/dnssrv+ allowed); empty to run our own"),
    expiration: duration.default("24h"),
    timeout: duration.default("500ms"),
    deploy: z
      .strictObject({
        enabled: z.boolean().default(true),
        replicas,
        memoryMb: z.int32().min(64).optional().describe("memcached -m; defaults to the preset"),
        resources: resources.optional(),
        image: imageSchema({
          registry: "docker.io",
          repository: "library/memcached",
          tag: MEMCACHED_VERSION,
        }),
      })
      .prefault({}),
  }),
]);

const indexCache = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("in-memory"),
    maxSize: z
      .string()
      .regex(/^\d+(B|KB|MB|GB)$/, "a size such as 1GB")
      .optional()
      .describe("defaults to the preset"),
  }),
  z.strictObject({
    type: z.literal("memcached"),
    addresses: z.array(z.string().min(1)).min(1, "at least one memcached address"),
    timeout: duration.default("500ms"),
  }),
]);

const storeSharding = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("none") }),
  z.strictObject({
    mode: z.literal("hashmod"),
    shards: z.int32().min(2, "hashmod sharding needs at least 2 shards"),
  }),
  z.strictObject({
    mode: z.literal("time"),
    partitions: z
      .array(z.strictObject({ name: dnsLabel, minTime: storeTime, maxTime: storeTime }))
      .min(1, "at least one time partition"),
  }),
]);

export const thanosValues = z.strictObject({
  mode: z
    .enum(["ha", "dev"])
    .default("ha")
    .describe(
      "ha: replicated receive, bucket, store, compactor; dev: one receive with local TSDB only",
    ),
  preset: z.enum(["small", "medium", "large"]).default("small"),
  image: imageSchema({ registry: "quay.io", repository: "thanos/thanos", tag: THANOS_VERSION }),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  logFormat: z.enum(["logfmt", "json"]).default("logfmt"),
  objectStorage: objectStorage
    .optional()
    .describe("the bucket; required in ha mode, not allowed in dev mode"),
  bucketVolume: z
    .strictObject({ claimName: z.string().min(1) })
    .optional()
    .describe("an existing ReadWriteMany PVC for objectStorage.type=filesystem"),
  externalLabels: labels.default({}).describe("added to every block and alert (plus cluster)"),
  replicaLabels: z
    .strictObject({
      receive: labelName.default("replica"),
      ruler: labelName.default("rule_replica"),
    })
    .prefault({}),
  serviceAccount: z
    .strictObject({
      create: z
        .boolean()
        .default(true)
        .describe("false to use an existing ServiceAccount named by name"),
      name: objectName.optional().describe("defaults to thanos (with the name prefix)"),
      annotations: labels.default({}),
      workloadIdentity,
    })
    .prefault({}),
  scheduling: schedulingDefault,
  receive: z
    .strictObject({
      mode: z
        .enum(["combined", "split"])
        .default("combined")
        .describe(
          "combined: every receive routes and ingests; split: stateless routers in front of ingestors",
        ),
      replicas,
      replicationFactor: z.int32().min(1).optional().describe("defaults to 2 in ha, 1 in dev"),
      retention: duration.optional().describe("local TSDB retention; 1d in ha, 15d in dev"),
      resources: resources.optional(),
      persistence,
      terminationGracePeriodSeconds: z.int32().min(30).default(900),
      tenantHeader: z.string().min(1).default("THANOS-TENANT"),
      defaultTenant: z.string().min(1).default("default-tenant"),
      router: z.strictObject({ replicas, resources: resources.optional() }).prefault({}),
      extraArgs,
    })
    .prefault({}),
  query: z
    .strictObject({
      replicas,
      resources: resources.optional(),
      timeout: duration.default("2m"),
      maxConcurrent: z.int32().min(1).default(20),
      lookbackDelta: duration.optional(),
      autoDownsampling: z.boolean().default(true),
      deduplicationFunc: z.enum(["penalty", "chain"]).default("penalty"),
      extraEndpoints: z
        .array(z.string().min(1))
        .default([])
        .describe("more StoreAPI addresses (host:port, dns+, dnssrv+)"),
      extraArgs,
    })
    .prefault({}),
  queryFrontend: z
    .strictObject({
      enabled: z.boolean().optional().describe("defaults to true in ha, false in dev"),
      replicas,
      resources: resources.optional(),
      splitInterval: duration.default("24h"),
      maxRetries: z.int32().min(0).default(5),
      logQueriesLongerThan: duration.default("10s"),
      cache: frontendCache.prefault({ type: "in-memory" }),
      extraArgs,
    })
    .prefault({}),
  store: z
    .strictObject({
      enabled: z.boolean().optional().describe("defaults to true in ha; not available in dev"),
      replicas: replicas.describe("replicas per shard; defaults to the preset"),
      resources: resources.optional(),
      persistence,
      indexCache: indexCache.prefault({ type: "in-memory" }),
      sharding: storeSharding.prefault({ mode: "none" }),
      extraArgs,
    })
    .prefault({}),
  compactor: z
    .strictObject({
      enabled: z.boolean().optional().describe("defaults to true in ha; not available in dev"),
      replicas: z.int32().min(1).default(1).describe("must be 1: one compactor per bucket"),
      resources: resources.optional(),
      persistence,
      retention: z
        .strictObject({
          raw: duration.default("30d"),
          fiveMinutes: duration.default("90d"),
          oneHour: duration.default("365d"),
        })
        .prefault({}),
      downsampling: z.boolean().default(true),
      deduplication: z
        .boolean()
        .default(true)
        .describe(
          "merge blocks of replicated receives offline (vertical compaction on the receive replica label)",
        ),
      waitInterval: duration.default("5m"),
      deleteDelay: duration.default("48h"),
      concurrency: z.int32().min(1).default(1),
      extraArgs,
    })
    .prefault({}),
  ruler: z
    .strictObject({
      enabled: z.boolean().default(true),
      replicas,
      resources: resources.optional(),
      persistence,
      evalInterval: duration.default("30s"),
      retention: duration.default("48h"),
      ruleGroups: z.array(ruleGroup).default([]),
      ruleConfigMaps: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            keys: z
              .array(z.string().min(1))
              .min(1)
              .optional()
              .describe("only these keys; all by default"),
          }),
        )
        .default([])
        .describe("existing ConfigMaps whose *.yaml keys are Prometheus rule files"),
      alertmanagers: z.array(alertmanagerTarget).default([]),
      alertQueryUrl: z
        .url()
        .optional()
        .describe("link target of alerts' source (e.g. Grafana explore)"),
      extraArgs,
    })
    .prefault({}),
  podDisruptionBudget: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxUnavailable: z.union([z.int32().min(1), z.string().regex(/^\d+%$/)]).default(1),
    })
    .prefault({}),
  networkPolicy: z
    .strictObject({
      enabled: z.boolean().default(true),
      peers: z
        .strictObject({
          pipeline: peer
            .default({ podLabels: { "app.kubernetes.io/name": "alloy-gateway" } })
            .describe("remote-writes to receive and scrapes every Thanos pod's metrics"),
          grafana: peer
            .default({ podLabels: { "app.kubernetes.io/name": "grafana" } })
            .describe("queries PromQL and reads the ruler API"),
          alertmanager: peer.default({ podLabels: { "app.kubernetes.io/name": "alertmanager" } }),
        })
        .prefault({}),
      alertmanagerPorts: z.array(z.int32().min(1).max(65535)).default([9093]),
      alertmanagerCidrs: z
        .array(z.string().regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, "not a CIDR (e.g. 203.0.113.0/28)"))
        .default([])
        .describe("addresses of an Alertmanager outside the cluster the ruler sends alerts to"),
      objectStorageEgress: z
        .strictObject({
          cidrs: z.array(z.string().min(1)).min(1).default(["0.0.0.0/0"]),
          ports: z.array(z.int32().min(1).max(65535)).min(1).default([443]),
        })
        .prefault({})
        .describe("where the bucket is; narrow it to your object store's ranges"),
    })
    .prefault({}),
});

export type ThanosValues = z.input<typeof thanosValues>;
export type ParsedThanosValues = z.output<typeof thanosValues>;
