import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type LokiConfig,
  type LokiValues,
  loki,
  lokiConfigSchema,
  lokiRuntimeConfigSchema,
} from "../src/index.js";
import { configText, mainContainer, renderedConfig, S3 } from "./helpers.js";

function config(values: LokiValues): LokiConfig {
  return lokiConfigSchema.parse(renderedConfig(loki(values)));
}

const VARIANTS: [string, LokiValues][] = [
  ["simple-scalable on S3", { storage: S3 }],
  ["simple-scalable small without caches", { size: "small", storage: S3 }],
  [
    "simple-scalable on GCS with a query-frontend",
    { storage: { type: "gcs", bucket: "logs" }, queryFrontend: { enabled: true } },
  ],
  [
    "simple-scalable on Azure, multi-tenant",
    {
      storage: {
        type: "azure",
        container: "logs",
        storageAccount: "mzlogs",
        credentials: { accountKey: { name: "az", key: "key" } },
      },
      tenancy: { authEnabled: true },
      limits: { retentionStreams: [{ selector: '{namespace="dev"}', priority: 1, period: "24h" }] },
    },
  ],
  ["single-binary on the filesystem", { mode: "single-binary" }],
  ["single-binary without the ruler", { mode: "single-binary", ruler: { enabled: false } }],
];

describe("the Loki config file", () => {
  it.each(VARIANTS)(
    "%s parses as YAML and passes the strict schema of the keys we emit",
    (_n, values) => {
      const result = lokiConfigSchema.safeParse(renderedConfig(loki(values)));
      expect(result.success ? [] : result.error.issues).toEqual([]);
    },
  );

  it("rejects a misspelled or unknown key (the schema is strict at every level)", () => {
    const rendered = renderedConfig(loki({ storage: S3 })) as Record<
      string,
      Record<string, unknown>
    >;
    const misspelled = {
      ...rendered,
      limits_config: { ...rendered.limits_config, retention_perod: "24h" },
    };
    const result = lokiConfigSchema.safeParse(misspelled);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      code: "unrecognized_keys",
      keys: ["retention_perod"],
      path: ["limits_config"],
    });
    const topLevel = lokiConfigSchema.safeParse({ ...rendered, ruler_config: {} });
    expect(topLevel.success).toBe(false);
    // The deprecated `ruler.storage` is no longer a key we write.
    const legacyRuler = lokiConfigSchema.safeParse({
      ...rendered,
      ruler: { ...rendered.ruler, storage: { type: "local", local: { directory: "/rules" } } },
    });
    expect(legacyRuler.success).toBe(false);
  });

  it("listens on 3100 (HTTP) and 9095 (gRPC), and gossips on 7946", () => {
    const c = config({ storage: S3 });
    expect(c.server.http_listen_port).toBe(3100);
    expect(c.server.grpc_listen_port).toBe(9095);
    expect(c.memberlist?.bind_port).toBe(7946);
    expect(c.memberlist?.join_members).toEqual([
      "dns+loki-memberlist.monitoring.svc.cluster.local:7946",
    ]);
  });

  it("keeps three copies on a memberlist ring and finds the compactor in the backend target", () => {
    const c = config({ storage: S3 });
    expect(c.common.replication_factor).toBe(3);
    expect(c.common.ring.kvstore.store).toBe("memberlist");
    expect(c.common.path_prefix).toBe("/var/loki");
    expect(c.common.compactor_address).toBe(
      "http://loki-backend.monitoring.svc.cluster.local:3100",
    );
    expect(c.storage_config.tsdb_shipper.index_gateway_client?.server_address).toBe(
      "dns+loki-backend-headless.monitoring.svc.cluster.local:9095",
    );
  });

  it("labels the memberlist cluster per install, so two installs never join each other's ring", () => {
    const a = config({ storage: S3 }).memberlist?.cluster_label;
    const b = lokiConfigSchema.parse(
      renderedConfig(loki({ storage: S3 }, { instance: "staging", namespace: "logs" })),
    ).memberlist?.cluster_label;
    expect(a).toBe("materialize-monitoring.loki.monitoring");
    expect(b).toBe("staging.loki.logs");
    expect(
      config({ storage: S3, memberlist: { clusterLabel: "prod-logs" } }).memberlist?.cluster_label,
    ).toBe("prod-logs");
  });

  it("uses one tsdb/v13 period with a 24h index from the configured date", () => {
    const c = config({ storage: S3, schema: { from: "2024-06-01" } });
    expect(c.schema_config.configs).toEqual([
      {
        from: "2024-06-01",
        store: "tsdb",
        object_store: "s3",
        schema: "v13",
        index: { prefix: "index_", period: "24h" },
      },
    ]);
    // Quoted, so a YAML 1.1 reader does not turn it into a timestamp.
    expect(configText(loki({ storage: S3 }))).toContain('- from: "2025-01-01"');
  });

  it("references S3 credentials through env expansion, and every reference has its env var", () => {
    const c = loki({ storage: S3 });
    const text = configText(c);
    expect(text).toContain("access_key_id: ${AWS_ACCESS_KEY_ID}");
    expect(text).toContain("secret_access_key: ${AWS_SECRET_ACCESS_KEY}");
    for (const name of ["loki-write", "loki-read", "loki-backend"]) {
      const container = mainContainer(c.objects, name);
      expect(container.args).toContain("-config.expand-env=true");
      const env = new Map((container.env ?? []).map((e) => [e.name, e.valueFrom?.secretKeyRef]));
      for (const [, variable] of text.matchAll(/\$\{([A-Z_]+)\}/g)) {
        expect(env.get(variable ?? "")).toBeDefined();
      }
      expect(env.get("AWS_ACCESS_KEY_ID")).toEqual({ name: "loki-s3", key: "access-key-id" });
    }
  });

  it("leaves keys out with workload identity, so the cloud SDK's own chain is used", () => {
    const s3 = config({ storage: { type: "s3", bucket: "logs", region: "us-east-1" } }).common
      .storage.object_store.s3;
    expect(s3).toEqual({
      bucket_name: "logs",
      endpoint: "s3.us-east-1.amazonaws.com",
      region: "us-east-1",
      bucket_lookup_type: "auto",
      insecure: false,
      native_aws_auth_enabled: true,
    });
    const azure = config({
      storage: { type: "azure", container: "logs", storageAccount: "mzlogs" },
      workloadIdentity: { azure: { clientId: "00000000-0000-4000-8000-000000000000" } },
    }).common.storage.object_store.azure;
    expect(azure).toEqual({
      account_name: "mzlogs",
      container_name: "logs",
      endpoint_suffix: "blob.core.windows.net",
    });
    expect(config({ storage: { type: "gcs", bucket: "logs" } }).common.storage).toEqual({
      object_store: { gcs: { bucket_name: "logs" } },
    });
  });

  it("passes an S3-compatible endpoint through", () => {
    const s3 = config({
      storage: {
        type: "s3",
        bucket: "logs",
        region: "local",
        endpoint: "minio.storage:9000",
        insecure: true,
        forcePathStyle: true,
      },
    }).common.storage.object_store.s3;
    expect(s3).toMatchObject({
      endpoint: "minio.storage:9000",
      insecure: true,
      bucket_lookup_type: "path",
    });
  });

  it("sets limits: retention, ingestion rate and burst, streams, structured metadata, old samples", () => {
    const c = config({
      storage: S3,
      size: "large",
      limits: { retentionPeriod: "2160h", ingestionRateMb: 100 },
    });
    expect(c.limits_config).toMatchObject({
      retention_period: "2160h",
      ingestion_rate_mb: 100,
      ingestion_burst_size_mb: 128,
      max_global_streams_per_user: 100000,
      allow_structured_metadata: true,
      reject_old_samples: true,
      reject_old_samples_max_age: "168h",
    });
  });

  it("applies retention in the compactor, with delete requests in the object store", () => {
    const c = config({ storage: S3 });
    expect(c.compactor).toMatchObject({
      retention_enabled: true,
      delete_request_store: "s3",
      working_directory: "/var/loki/compactor",
    });
    expect(config({ mode: "single-binary" }).compactor.delete_request_store).toBe("filesystem");
  });

  it("configures the ruler: local rule files, Alertmanager URL, sharding across backends", () => {
    const c = config({
      storage: S3,
      ruler: {
        alertmanagerUrls: ["http://alertmanager.monitoring.svc:9093"],
        externalLabels: { team: "db" },
      },
    });
    expect(c.ruler).toMatchObject({
      enable_api: true,
      enable_sharding: true,
      alertmanager_url: "http://alertmanager.monitoring.svc:9093",
      external_labels: { cluster: "kubernetes", team: "db" },
    });
    // Rules come from `ruler_storage`, which Loki 3.7 reads only with the objstore clients.
    expect(c.ruler).not.toHaveProperty("storage");
    expect(c.ruler_storage).toEqual({ backend: "local", local: { directory: "/etc/loki/rules" } });
    expect(c.storage_config.use_thanos_objstore).toBe(true);
    expect(config({ mode: "single-binary" }).ruler_storage?.backend).toBe("local");
    expect(config({ storage: S3, ruler: { enabled: false } }).ruler).toBeUndefined();
    expect(config({ storage: S3, ruler: { enabled: false } }).ruler_storage).toBeUndefined();
    expect(config({ mode: "single-binary" }).ruler?.enable_sharding).toBe(false);
  });

  it("wires the memcached caches through SRV discovery of their headless Services", () => {
    const c = config({ storage: S3 });
    expect(c.chunk_store_config?.chunk_cache_config.memcached_client.addresses).toBe(
      "dnssrvnoa+_memcached._tcp.loki-chunks-cache.monitoring.svc.cluster.local",
    );
    expect(c.query_range.cache_results).toBe(true);
    expect(c.query_range.results_cache?.cache.memcached_client.addresses).toBe(
      "dnssrvnoa+_memcached._tcp.loki-results-cache.monitoring.svc.cluster.local",
    );
    const small = config({ storage: S3, size: "small" });
    expect(small.chunk_store_config).toBeUndefined();
    expect(small.query_range.cache_results).toBe(false);
  });

  it("runs single-binary on an in-memory ring with one copy and no memberlist", () => {
    const c = config({ mode: "single-binary" });
    expect(c.common.replication_factor).toBe(1);
    expect(c.common.ring.kvstore.store).toBe("inmemory");
    expect(c.memberlist).toBeUndefined();
    expect(c.common.storage).toEqual({
      object_store: { filesystem: { dir: "/var/loki/chunks" } },
    });
    expect(c.storage_config.tsdb_shipper.index_gateway_client).toBeUndefined();
  });

  it("turns multi-tenancy on with auth_enabled", () => {
    expect(config({ storage: S3 }).auth_enabled).toBe(false);
    expect(config({ storage: S3, tenancy: { authEnabled: true } }).auth_enabled).toBe(true);
  });

  it("never phones home", () => {
    expect(config({ storage: S3 }).analytics.reporting_enabled).toBe(false);
  });
});

describe("the runtime config file", () => {
  it("holds per-tenant overrides and passes its strict schema", () => {
    const c = loki({
      storage: S3,
      tenantOverrides: { "team-a": { retentionPeriod: "168h", ingestionRateMb: 8 } },
    });
    const runtime = lokiRuntimeConfigSchema.parse(
      parse(configText(c, "loki-runtime", "runtime.yaml")),
    );
    expect(runtime).toEqual({
      overrides: { "team-a": { retention_period: "168h", ingestion_rate_mb: 8 } },
    });
    expect(config({ storage: S3 }).runtime_config).toEqual({
      file: "/etc/loki/runtime-config/runtime.yaml",
      period: "10s",
    });
  });
});
