import { ValuesError } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { loki } from "../src/index.js";
import { S3, thrown } from "./helpers.js";

describe("render-time checks", () => {
  it("rejects tenants for a single-tenant Loki, and mounts the rules in every tenant of a multi-tenant one", () => {
    expect(thrown(() => loki({ mode: "single-binary", tenancy: { tenants: ["a"] } })).message).toBe(
      "loki.tenancy.tenants: lists tenants, but authEnabled is false: single-tenant Loki files every line under one tenant (set tenancy.authEnabled: true, or drop tenants)",
    );
    const built = loki({
      mode: "single-binary",
      tenancy: { authEnabled: true, tenants: ["a", "materialize"] },
      ruler: { ruleConfigMaps: ["my-rules"] },
    });
    expect(built.endpoints.readTenants).toEqual(["materialize", "a"]);
    const mounts = JSON.stringify(built.objects.filter((o) => o.kind === "StatefulSet"));
    expect(mounts).toContain('"mountPath":"/etc/loki/rules/materialize"');
    expect(mounts).toContain('"mountPath":"/etc/loki/rules/a"');
  });

  it("rejects a replication factor above the number of write replicas", () => {
    const error = thrown(() => loki({ storage: S3, write: { replicas: 2 } }));
    expect(error).toBeInstanceOf(ValuesError);
    expect(error.message).toBe(
      "loki.replicationFactor: replication factor 3 is greater than the 2 write replicas; every push would fail for lack of ingesters (set write.replicas to at least 3, or lower replicationFactor)",
    );
    expect(() => loki({ storage: S3, write: { replicas: 2 }, replicationFactor: 2 })).not.toThrow();
  });

  it("rejects a replication factor above one in single-binary mode", () => {
    expect(thrown(() => loki({ mode: "single-binary", replicationFactor: 3 })).message).toBe(
      "loki.replicationFactor: replication factor 3 needs 3 ingesters, and single-binary mode runs one (set replicationFactor to 1, or use mode: simple-scalable)",
    );
  });

  it("rejects simple-scalable mode on filesystem storage", () => {
    expect(thrown(() => loki({ storage: { type: "filesystem" } })).message).toBe(
      "loki.storage.type: simple-scalable mode cannot use filesystem storage: write, read and backend pods run on different nodes and must share one object store (use s3, gcs or azure storage, or mode: single-binary for a filesystem install)",
    );
    expect(() => loki({ mode: "single-binary", storage: { type: "filesystem" } })).not.toThrow();
  });

  it("rejects retention when the compactor does not apply it", () => {
    expect(
      thrown(() => loki({ storage: S3, compactor: { retentionEnabled: false } })).message,
    ).toBe(
      "loki.compactor.retentionEnabled: a retention period is set (limits.retentionPeriod: 744h) but the compactor does not apply retention, so nothing would ever be deleted (set compactor.retentionEnabled: true, or set limits.retentionPeriod: 0s to keep logs forever)",
    );
    expect(() =>
      loki({
        storage: S3,
        compactor: { retentionEnabled: false },
        limits: { retentionPeriod: "0s" },
      }),
    ).not.toThrow();
    expect(() =>
      loki({
        storage: S3,
        compactor: { retentionEnabled: false },
        limits: { retentionPeriod: "0s" },
        tenantOverrides: { a: { retentionPeriod: "24h" } },
      }),
    ).toThrow(/compactor does not apply retention/);
  });

  it("rejects simple-scalable mode without a bucket (the default values need one)", () => {
    const error = thrown(() => loki());
    expect(error).toBeInstanceOf(ValuesError);
    expect(error.message).toBe(
      "loki.storage: simple-scalable mode keeps chunks and index in object storage, and no bucket is set (set storage to { type: s3, bucket, region } (or gcs / azure), or use mode: single-binary)",
    );
    expect(() => loki({ mode: "single-binary" })).not.toThrow();
  });

  it("rejects an empty or blank bucket name with the provider's naming rule", () => {
    expect(
      thrown(() => loki({ storage: { type: "s3", bucket: "", region: "us-east-1" } })).message,
    ).toMatch(/^loki\.storage\.bucket: must be an S3 bucket name: 3 to 63/);
    expect(thrown(() => loki({ storage: { type: "gcs", bucket: "  " } })).message).toMatch(
      /^loki\.storage\.bucket: must be a GCS bucket name/,
    );
    expect(
      thrown(() =>
        loki({ storage: { type: "azure", container: " ", storageAccount: "mzaccount" } }),
      ).message,
    ).toMatch(/^loki\.storage\.container: must be an Azure container name/);
  });
});

describe("values errors", () => {
  it("names an unknown key and suggests the nearest one", () => {
    expect(thrown(() => loki({ storage: S3, replicationFactr: 3 } as never)).message).toBe(
      'loki.replicationFactr: unknown key (did you mean "replicationFactor"?)',
    );
    expect(thrown(() => loki({ storage: S3, write: { replica: 3 } } as never)).message).toBe(
      'loki.write.replica: unknown key (did you mean "replicas"?)',
    );
  });

  it("rejects a mode that does not exist yet", () => {
    expect(thrown(() => loki({ mode: "distributed" } as never)).message).toMatch(/^loki\.mode: /);
  });

  it("rejects a schema date that is not a calendar day", () => {
    expect(thrown(() => loki({ storage: S3, schema: { from: "2025-02-30" } })).message).toBe(
      "loki.schema.from: is not a calendar date",
    );
  });

  it("rejects an Alertmanager URL that is not http(s)", () => {
    expect(
      thrown(() => loki({ storage: S3, ruler: { alertmanagerUrls: ["alertmanager:9093"] } }))
        .message,
    ).toBe(
      "loki.ruler.alertmanagerUrls[0]: not an http(s) URL: the scheme alertmanager: is not supported; use http:// or https:// (for example http://alertmanager.monitoring.svc.cluster.local:9093)",
    );
  });

  it("rejects a tenant ID Loki would refuse", () => {
    expect(
      thrown(() => loki({ storage: S3, tenancy: { authEnabled: true, tenantId: "a/b" } })).message,
    ).toBe(
      "loki.tenancy.tenantId: a Loki tenant id is 1 to 150 of letters, digits and ! - _ . * ' ( )",
    );
  });
});
