/**
 * The subset of the Loki 3.7 configuration file this package writes, as a
 * strict schema: every key is spelled as in the upstream configuration
 * reference at the pinned release (`docs/sources/shared/configuration.md`
 * at tag v3.7.6 of github.com/grafana/loki, the tag of `LOKI_IMAGE`), and a key that is not
 * listed here is an error. The TypeScript types of the config builder are
 * inferred from it, so a misspelled key fails to compile and a key smuggled
 * in at runtime fails the schema test.
 */
import { z } from "zod";

/** A Go/Prometheus duration as Loki parses it (`0` is allowed without a unit). */
const lokiDuration = z
  .string()
  .regex(/^(0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|y))+)$/, "not a Loki duration");
const port = z.int32().min(1).max(65535);
const bytes = z.int32().min(0);

const memcachedClientConfig = z.strictObject({
  addresses: z.string().regex(/^dnssrvnoa\+_[a-z0-9-]+\._tcp\..+$/, "SRV discovery address"),
  consistent_hash: z.boolean(),
  timeout: lokiDuration,
  max_idle_conns: z.int32().min(1),
  max_item_size: bytes,
  update_interval: lokiDuration,
});

/** `cache_config`, memcached only. */
export const lokiCacheConfig = z.strictObject({
  default_validity: lokiDuration,
  memcached: z.strictObject({
    batch_size: z.int32().min(1),
    parallelism: z.int32().min(1),
  }),
  memcached_client: memcachedClientConfig,
});

/**
 * `thanos_object_store_config` (the thanos-io/objstore clients Loki reads
 * when `storage_config.use_thanos_objstore` is true), the four backends the
 * stack writes.
 */
const thanosS3Config = z.strictObject({
  bucket_name: z.string().min(1),
  endpoint: z.string().min(1),
  region: z.string().min(1),
  insecure: z.boolean(),
  bucket_lookup_type: z.enum(["auto", "path", "virtual-hosted"]),
  access_key_id: z.string().optional(),
  secret_access_key: z.string().optional(),
  native_aws_auth_enabled: z.boolean().optional(),
});
const thanosGcsConfig = z.strictObject({ bucket_name: z.string().min(1) });
const thanosAzureConfig = z.strictObject({
  account_name: z.string().min(1),
  container_name: z.string().min(1),
  endpoint_suffix: z.string().min(1),
  account_key: z.string().optional(),
});
const thanosFilesystemConfig = z.strictObject({ dir: z.string().startsWith("/") });

export const lokiObjectStore = z.strictObject({
  s3: thanosS3Config.optional(),
  gcs: thanosGcsConfig.optional(),
  azure: thanosAzureConfig.optional(),
  filesystem: thanosFilesystemConfig.optional(),
});

/** `common.storage`: only its `object_store` block, the one the objstore clients read. */
export const lokiCommonStorage = z.strictObject({ object_store: lokiObjectStore });

export const OBJECT_STORES = ["s3", "gcs", "azure", "filesystem"] as const;

/** `period_config` */
const periodConfig = z.strictObject({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  store: z.literal("tsdb"),
  object_store: z.enum(OBJECT_STORES),
  schema: z.literal("v13"),
  index: z.strictObject({ prefix: z.string().min(1), period: z.literal("24h") }),
});

/** `tls_config` of a Loki client (dskit's `ClientConfig`): the keys the stack writes. */
const tlsClientConfig = z.strictObject({
  tls_cert_path: z.string().startsWith("/"),
  tls_key_path: z.string().startsWith("/"),
  tls_ca_path: z.string().startsWith("/"),
  tls_server_name: z.string().min(1).optional(),
  tls_min_version: z.enum(["VersionTLS12", "VersionTLS13"]),
});
export type LokiTlsClientConfig = z.output<typeof tlsClientConfig>;

/** `grpc_client`: TLS on, with the client `tls_config` inline. */
const grpcClientConfig = z.strictObject({
  tls_enabled: z.literal(true),
  ...tlsClientConfig.shape,
});
export type GrpcClientConfig = z.output<typeof grpcClientConfig>;

/** A server's `http_tls_config` / `grpc_tls_config` by file paths. */
const serverTlsConfig = z.strictObject({
  cert_file: z.string().startsWith("/"),
  key_file: z.string().startsWith("/"),
  client_ca_file: z.string().startsWith("/"),
  client_auth_type: z.enum(["VerifyClientCertIfGiven", "RequireAndVerifyClientCert"]),
});

/** `limits_config` (also the shape of a tenant's runtime overrides, all optional there). */
const limitsConfig = z.strictObject({
  ingestion_rate_mb: z.number().positive(),
  ingestion_burst_size_mb: z.number().positive(),
  max_global_streams_per_user: z.int32().min(0),
  reject_old_samples: z.boolean(),
  reject_old_samples_max_age: lokiDuration,
  allow_structured_metadata: z.boolean(),
  retention_period: lokiDuration,
  retention_stream: z
    .array(z.strictObject({ selector: z.string(), priority: z.int32(), period: lokiDuration }))
    .optional(),
  max_query_series: z.int32().min(1),
  max_entries_limit_per_query: z.int32().min(1),
  query_timeout: lokiDuration,
  volume_enabled: z.boolean(),
  max_cache_freshness_per_query: lokiDuration,
  split_queries_by_interval: lokiDuration,
});

export const lokiConfigSchema = z.strictObject({
  auth_enabled: z.boolean(),
  server: z.strictObject({
    http_listen_port: port,
    grpc_listen_port: port,
    log_level: z.enum(["debug", "info", "warn", "error"]),
    log_format: z.enum(["logfmt", "json"]),
    grpc_server_max_recv_msg_size: bytes,
    grpc_server_max_send_msg_size: bytes,
    http_server_read_timeout: lokiDuration,
    http_server_write_timeout: lokiDuration,
    tls_min_version: z.enum(["VersionTLS12", "VersionTLS13"]).optional(),
    http_tls_config: serverTlsConfig.optional(),
    grpc_tls_config: serverTlsConfig.optional(),
  }),
  common: z.strictObject({
    path_prefix: z.string().startsWith("/"),
    replication_factor: z.int32().min(1),
    compactor_address: z.url().optional(),
    /** Under internal TLS: the compactor over gRPC, whose client takes TLS settings. */
    compactor_grpc_address: z.string().min(1).optional(),
    instance_addr: z.string().optional(),
    ring: z.strictObject({
      kvstore: z.strictObject({ store: z.enum(["memberlist", "inmemory"]) }),
    }),
    storage: lokiCommonStorage,
  }),
  memberlist: z
    .strictObject({
      join_members: z.array(z.string().min(1)).min(1),
      bind_port: port,
      cluster_label: z.string().min(1),
      cluster_label_verification_disabled: z.boolean(),
      abort_if_cluster_join_fails: z.boolean(),
      tls_enabled: z.literal(true).optional(),
      ...tlsClientConfig.partial().shape,
    })
    .optional(),
  schema_config: z.strictObject({ configs: z.array(periodConfig).min(1) }),
  storage_config: z.strictObject({
    // The objstore clients: the only ones that read `ruler_storage`, and the ones upstream will make the default.
    use_thanos_objstore: z.literal(true),
    tsdb_shipper: z.strictObject({
      active_index_directory: z.string().startsWith("/"),
      cache_location: z.string().startsWith("/"),
      index_gateway_client: z
        .strictObject({
          server_address: z.string().min(1).optional(),
          grpc_client_config: grpcClientConfig.optional(),
        })
        .optional(),
    }),
  }),
  ingester: z.strictObject({
    chunk_encoding: z.enum([
      "none",
      "gzip",
      "lz4-64k",
      "snappy",
      "lz4-256k",
      "lz4-1M",
      "lz4",
      "flate",
      "zstd",
    ]),
    wal: z.strictObject({ enabled: z.boolean(), dir: z.string().startsWith("/") }),
  }),
  ingester_client: z.strictObject({ grpc_client_config: grpcClientConfig }).optional(),
  frontend_worker: z.strictObject({ grpc_client_config: grpcClientConfig }).optional(),
  query_scheduler: z.strictObject({ grpc_client_config: grpcClientConfig }).optional(),
  compactor_grpc_client: grpcClientConfig.optional(),
  querier: z.strictObject({
    max_concurrent: z.int32().min(1),
    multi_tenant_queries_enabled: z.boolean().optional(),
  }),
  frontend: z.strictObject({
    max_outstanding_per_tenant: z.int32().min(1),
    compress_responses: z.boolean(),
    log_queries_longer_than: lokiDuration,
    grpc_client_config: grpcClientConfig.optional(),
  }),
  query_range: z.strictObject({
    align_queries_with_step: z.boolean(),
    cache_results: z.boolean(),
    results_cache: z
      .strictObject({ cache: lokiCacheConfig, compression: z.enum(["", "snappy"]) })
      .optional(),
  }),
  chunk_store_config: z.strictObject({ chunk_cache_config: lokiCacheConfig }).optional(),
  limits_config: limitsConfig,
  compactor: z.strictObject({
    working_directory: z.string().startsWith("/"),
    compaction_interval: lokiDuration,
    retention_enabled: z.boolean(),
    retention_delete_delay: lokiDuration,
    delete_request_store: z.enum(OBJECT_STORES),
    delete_request_cancel_period: lokiDuration,
  }),
  ruler: z
    .strictObject({
      enable_api: z.boolean(),
      enable_sharding: z.boolean(),
      evaluation_interval: lokiDuration,
      rule_path: z.string().startsWith("/"),
      wal: z.strictObject({ dir: z.string().startsWith("/") }),
      alertmanager_url: z
        .string()
        .refine(
          (list) => list.split(",").every((url) => z.url().safeParse(url).success),
          "comma-separated URLs",
        )
        .optional(),
      enable_alertmanager_v2: z.boolean(),
      alertmanager_client: tlsClientConfig.optional(),
      ruler_client: grpcClientConfig.optional(),
      external_labels: z.record(z.string(), z.string()),
    })
    .optional(),
  /** Where the ruler reads rule files (the ConfigMaps mounted under one directory). */
  ruler_storage: z
    .strictObject({
      backend: z.literal("local"),
      local: z.strictObject({ directory: z.string().startsWith("/") }),
    })
    .optional(),
  runtime_config: z.strictObject({ file: z.string().startsWith("/"), period: lokiDuration }),
  analytics: z.strictObject({ reporting_enabled: z.boolean() }),
});
export type LokiConfig = z.output<typeof lokiConfigSchema>;

/** The runtime config file: per-tenant limit overrides, reloaded every `runtime_config.period`. */
export const lokiRuntimeConfigSchema = z.strictObject({
  overrides: z.record(
    z.string(),
    limitsConfig
      .pick({
        retention_period: true,
        ingestion_rate_mb: true,
        ingestion_burst_size_mb: true,
        max_global_streams_per_user: true,
      })
      .partial(),
  ),
});
export type LokiRuntimeConfig = z.output<typeof lokiRuntimeConfigSchema>;
