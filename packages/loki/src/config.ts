import {
  type BuildContext,
  endpointSrv,
  type ServiceEndpoint,
  serviceEndpoint,
  serviceFqdn,
} from "@materialize-monitoring/core";
import type { z } from "zod";
import type { LokiConfig, LokiRuntimeConfig, lokiCacheConfig } from "./config-schema.js";
import { lokiConfigYaml } from "./expand-env.js";
import { type LokiNames, PATH, PORT, roleSelector } from "./names.js";
import type { StorageWiring } from "./storage.js";
import { grpcClientTls, lokiClientTls, serverTlsConfig, tlsServerName } from "./tls.js";
import type { ResolvedCache, ResolvedLokiValues } from "./values.js";

const MiB = 1024 * 1024;
/** gRPC messages between Loki components carry whole query results; Loki's own default (4 MB) is too small. */
const GRPC_MESSAGE_BYTES = 100 * MiB;

/** Directories under `common.path_prefix` (the data volume). */
export const DATA_DIR = {
  wal: `${PATH.data}/wal`,
  tsdbIndex: `${PATH.data}/tsdb-index`,
  tsdbCache: `${PATH.data}/tsdb-cache`,
  compactor: `${PATH.data}/compactor`,
  rulerWal: `${PATH.data}/ruler-wal`,
  /** Scratch files of the ruler, on the /tmp emptyDir. */
  rulerScratch: `${PATH.tmp}/loki-rules`,
} as const;

export interface ConfigInputs {
  values: ResolvedLokiValues;
  ctx: BuildContext;
  names: LokiNames;
  storage: StorageWiring;
}

/** The memberlist `cluster_label`: gossip from another install (or another Loki) is dropped. */
export function memberlistClusterLabel(
  inputs: Pick<ConfigInputs, "values" | "ctx" | "names">,
): string {
  return (
    inputs.values.memberlist.clusterLabel ??
    `${inputs.ctx.instance}.${inputs.names.base}.${inputs.ctx.namespace}`
  );
}

/**
 * Every tenant the stack's logs land in, `tenantId` first: what Grafana reads and where the ruler
 * evaluates the rules. Empty when auth is off (one `fake` tenant).
 */
export function readTenants(values: ResolvedLokiValues): string[] {
  if (!values.tenancy.authEnabled) return [];
  return [...new Set([values.tenancy.tenantId, ...values.tenancy.tenants])];
}

/** The Loki tenant that owns the stack's logs and rules (`fake` is Loki's name when auth is off). */
export function effectiveTenant(values: ResolvedLokiValues): string {
  return values.tenancy.authEnabled ? values.tenancy.tenantId : "fake";
}

/** A memcached cache's headless Service, whose SRV record lists every cache pod. */
function cacheService(
  ctx: BuildContext,
  names: LokiNames,
  role: "chunks-cache" | "results-cache",
): ServiceEndpoint<"memcached"> {
  return serviceEndpoint(ctx, {
    service: names.role(role),
    ports: { memcached: PORT.memcached },
    podLabels: roleSelector(ctx, role),
  });
}

function cacheConfig(
  endpoint: ServiceEndpoint<"memcached">,
  cache: ResolvedCache,
  tuning: {
    validity: string;
    timeout: string;
    batchSize: number;
    parallelism: number;
    idle: number;
  },
): z.output<typeof lokiCacheConfig> {
  return {
    default_validity: tuning.validity,
    memcached: { batch_size: tuning.batchSize, parallelism: tuning.parallelism },
    memcached_client: {
      // SRV discovery of every memcached pod through the headless Service.
      addresses: `dnssrvnoa+${endpointSrv(endpoint, "memcached")}`,
      consistent_hash: true,
      timeout: tuning.timeout,
      max_idle_conns: tuning.idle,
      max_item_size: cache.maxItemMb * MiB,
      update_interval: "1m",
    },
  };
}

/** Loki's configuration file as a typed object (serialized with core's `toYaml`). */
export function lokiConfig(inputs: ConfigInputs): LokiConfig {
  const { values, ctx, names, storage } = inputs;
  const scalable = values.mode === "simple-scalable";
  const host = (service: string) => serviceFqdn(ctx, service);
  const { chunks, results } = values.caches;
  const limits = values.limits;
  // Under internal TLS every gRPC client Loki has dials with TLS, and the compactor is reached over gRPC
  // (its HTTP client's TLS settings are not in the configuration reference).
  const tlsName = ctx.internalTls ? tlsServerName(ctx, names) : undefined;
  const grpcTls = tlsName ? { grpc_client_config: grpcClientTls(tlsName) } : undefined;

  return {
    auth_enabled: values.tenancy.authEnabled,
    server: {
      http_listen_port: PORT.http.port,
      grpc_listen_port: PORT.grpc.port,
      log_level: values.logLevel,
      log_format: "logfmt",
      grpc_server_max_recv_msg_size: GRPC_MESSAGE_BYTES,
      grpc_server_max_send_msg_size: GRPC_MESSAGE_BYTES,
      http_server_read_timeout: "600s",
      http_server_write_timeout: "600s",
      ...(tlsName ? serverTlsConfig() : {}),
    },
    common: {
      path_prefix: PATH.data,
      replication_factor: values.replicationFactor,
      ...(tlsName
        ? {
            compactor_grpc_address: scalable
              ? `${host(names.role("backend"))}:${PORT.grpc.port}`
              : `127.0.0.1:${PORT.grpc.port}`,
          }
        : {
            compactor_address: scalable
              ? `http://${host(names.role("backend"))}:${PORT.http.port}`
              : `http://127.0.0.1:${PORT.http.port}`,
          }),
      // One process owns every ring in single-binary mode; nothing else needs its address.
      ...(scalable ? {} : { instance_addr: "127.0.0.1" }),
      ring: { kvstore: { store: scalable ? "memberlist" : "inmemory" } },
      storage: storage.common,
    },
    ...(scalable
      ? {
          memberlist: {
            join_members: [`dns+${host(names.memberlist)}:${PORT.memberlist.port}`],
            bind_port: PORT.memberlist.port,
            cluster_label: memberlistClusterLabel(inputs),
            cluster_label_verification_disabled: false,
            abort_if_cluster_join_fails: false,
            ...(tlsName ? { tls_enabled: true as const, ...lokiClientTls(tlsName) } : {}),
          },
        }
      : {}),
    schema_config: {
      configs: [
        {
          from: values.schema.from,
          store: "tsdb",
          object_store: storage.objectStore,
          schema: "v13",
          index: { prefix: "index_", period: "24h" },
        },
      ],
    },
    storage_config: {
      use_thanos_objstore: true,
      tsdb_shipper: {
        active_index_directory: DATA_DIR.tsdbIndex,
        cache_location: DATA_DIR.tsdbCache,
        // Queriers read the index through the index gateways of the backend target.
        ...(scalable
          ? {
              index_gateway_client: {
                server_address: `dns+${host(names.headless("backend"))}:${PORT.grpc.port}`,
                ...grpcTls,
              },
            }
          : grpcTls
            ? { index_gateway_client: grpcTls }
            : {}),
      },
    },
    ingester: {
      chunk_encoding: "snappy",
      wal: { enabled: true, dir: DATA_DIR.wal },
    },
    ...(grpcTls
      ? {
          ingester_client: grpcTls,
          frontend_worker: grpcTls,
          query_scheduler: grpcTls,
          compactor_grpc_client: grpcTls.grpc_client_config,
        }
      : {}),
    querier: {
      max_concurrent: scalable ? values.read.maxConcurrent : values.singleBinary.maxConcurrent,
      // Grafana reads every tenant the pipeline routes to in one query (X-Scope-OrgID a|b).
      ...(readTenants(values).length > 1 ? { multi_tenant_queries_enabled: true } : {}),
    },
    frontend: {
      max_outstanding_per_tenant: 2048,
      compress_responses: true,
      log_queries_longer_than: "10s",
      ...grpcTls,
    },
    query_range: {
      align_queries_with_step: true,
      cache_results: results.enabled,
      ...(results.enabled
        ? {
            results_cache: {
              cache: cacheConfig(cacheService(ctx, names, "results-cache"), results, {
                validity: "12h",
                timeout: "500ms",
                batchSize: 256,
                parallelism: 10,
                idle: 16,
              }),
              compression: "snappy",
            },
          }
        : {}),
    },
    ...(chunks.enabled
      ? {
          chunk_store_config: {
            chunk_cache_config: cacheConfig(cacheService(ctx, names, "chunks-cache"), chunks, {
              // Chunks never change once written; memcached's LRU decides what stays.
              validity: "0s",
              timeout: "2s",
              batchSize: 256,
              parallelism: 10,
              idle: 72,
            }),
          },
        }
      : {}),
    limits_config: {
      ingestion_rate_mb: limits.ingestionRateMb,
      ingestion_burst_size_mb: limits.ingestionBurstSizeMb,
      max_global_streams_per_user: limits.maxGlobalStreamsPerUser,
      reject_old_samples: true,
      reject_old_samples_max_age: limits.rejectOldSamplesMaxAge,
      allow_structured_metadata: limits.allowStructuredMetadata,
      retention_period: limits.retentionPeriod,
      ...(limits.retentionStreams.length > 0
        ? { retention_stream: limits.retentionStreams.map((s) => ({ ...s })) }
        : {}),
      max_query_series: limits.maxQuerySeries,
      max_entries_limit_per_query: limits.maxEntriesLimitPerQuery,
      query_timeout: limits.queryTimeout,
      volume_enabled: true,
      max_cache_freshness_per_query: "10m",
      split_queries_by_interval: "1h",
    },
    compactor: {
      working_directory: DATA_DIR.compactor,
      compaction_interval: values.compactor.compactionInterval,
      retention_enabled: values.compactor.retentionEnabled,
      retention_delete_delay: values.compactor.retentionDeleteDelay,
      delete_request_store: storage.objectStore,
      delete_request_cancel_period: values.compactor.deleteRequestCancelPeriod,
    },
    ...(values.ruler.enabled
      ? {
          ruler: {
            enable_api: true,
            // Without sharding every backend replica would evaluate every rule.
            enable_sharding: scalable && values.backend.replicas > 1,
            evaluation_interval: values.ruler.evaluationInterval,
            rule_path: DATA_DIR.rulerScratch,
            wal: { dir: DATA_DIR.rulerWal },
            // Loki treats each comma-separated URL as its own group and sends every alert to each.
            ...(values.ruler.alertmanagerUrls.length > 0
              ? { alertmanager_url: values.ruler.alertmanagerUrls.join(",") }
              : {}),
            enable_alertmanager_v2: true,
            // Each replica is verified by the host of its URL, which its certificate holds.
            ...(tlsName && values.ruler.alertmanagerInternalTls
              ? { alertmanager_client: lokiClientTls() }
              : {}),
            ...(tlsName ? { ruler_client: grpcClientTls(tlsName) } : {}),
            external_labels: { cluster: ctx.clusterName, ...values.ruler.externalLabels },
          },
        }
      : {}),
    // `ruler_storage` replaces the deprecated `ruler.storage`; Loki 3.7 reads it only with the objstore clients above.
    ...(values.ruler.enabled
      ? { ruler_storage: { backend: "local", local: { directory: PATH.rules } } }
      : {}),
    runtime_config: { file: PATH.runtimeFile, period: "10s" },
    analytics: { reporting_enabled: false },
  };
}

/**
 * config.yaml as Loki reads it with `-config.expand-env=true`: every value
 * literal for that expansion except the storage credentials' `${VAR}`.
 */
export function lokiConfigFile(inputs: ConfigInputs): string {
  return lokiConfigYaml(
    lokiConfig(inputs),
    inputs.storage.envRefs.map((field) => ["common", "storage", ...field]),
  );
}

/**
 * The runtime config file: per-tenant overrides, reloaded by Loki without a
 * restart. Loki reads it as plain YAML (no env expansion): nothing is escaped.
 */
export function lokiRuntimeConfig(values: ResolvedLokiValues): LokiRuntimeConfig {
  const overrides: LokiRuntimeConfig["overrides"] = {};
  for (const tenant of Object.keys(values.tenantOverrides).sort()) {
    const o = values.tenantOverrides[tenant];
    if (!o) continue;
    overrides[tenant] = {
      ...(o.retentionPeriod !== undefined ? { retention_period: o.retentionPeriod } : {}),
      ...(o.ingestionRateMb !== undefined ? { ingestion_rate_mb: o.ingestionRateMb } : {}),
      ...(o.ingestionBurstSizeMb !== undefined
        ? { ingestion_burst_size_mb: o.ingestionBurstSizeMb }
        : {}),
      ...(o.maxGlobalStreamsPerUser !== undefined
        ? { max_global_streams_per_user: o.maxGlobalStreamsPerUser }
        : {}),
    };
  }
  return { overrides };
}
