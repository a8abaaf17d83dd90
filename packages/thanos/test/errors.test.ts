import { ValuesError } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { type ThanosValues, thanos } from "../src/index.js";
import { S3 } from "./helpers.js";

function problem(values: ThanosValues): string {
  try {
    thanos(values);
  } catch (error) {
    expect(error).toBeInstanceOf(ValuesError);
    return (error as ValuesError).message;
  }
  throw new Error("expected a ValuesError");
}

describe("render-time checks", () => {
  it("a replication factor above the receive replicas", () => {
    expect(problem({ objectStorage: S3, receive: { replicas: 2, replicationFactor: 3 } })).toBe(
      "thanos.receive.replicationFactor: replication factor 3 exceeds the 2 receive replica(s): every write would fail quorum (raise receive.replicas to at least 3, or lower receive.replicationFactor)",
    );
  });

  it("a replication factor above the ingestors in split mode", () => {
    expect(problem({ objectStorage: S3, receive: { mode: "split", replicas: 1 } })).toContain(
      "thanos.receive.replicationFactor: replication factor 2 exceeds the 1 receive replica(s)",
    );
  });

  it("more than one compactor", () => {
    expect(problem({ objectStorage: S3, compactor: { replicas: 2 } })).toBe(
      "thanos.compactor.replicas: 2 compactors would compact and delete the same blocks concurrently and corrupt the bucket (set compactor.replicas to 1: exactly one compactor per bucket)",
    );
  });

  it("a missing bucket in ha mode", () => {
    expect(problem({})).toBe(
      'thanos.objectStorage: a bucket is required in ha mode (receive uploads blocks, store gateway and compactor read them) (set objectStorage (s3, gcs, azure or filesystem), or use mode: "dev" for a bucket-less single receive)',
    );
  });

  it("a bucket in dev mode", () => {
    expect(problem({ mode: "dev", objectStorage: S3 })).toContain(
      "thanos.objectStorage: dev mode keeps metrics in the receive's local TSDB only and uses no bucket",
    );
  });

  it("a store gateway or compactor in dev mode", () => {
    const message = problem({
      mode: "dev",
      store: { enabled: true },
      compactor: { enabled: true },
    });
    expect(message).toContain(
      "thanos.store.enabled: the store gateway serves blocks from a bucket, and dev mode has none",
    );
    expect(message).toContain(
      "thanos.compactor.enabled: the compactor works on a bucket, and dev mode has none",
    );
  });

  it("a filesystem bucket without a shared volume", () => {
    expect(problem({ objectStorage: { type: "filesystem" } })).toContain(
      "thanos.bucketVolume: a filesystem bucket must be one volume shared by receive, store, compactor and ruler (set bucketVolume.claimName",
    );
  });

  it("a shared volume without a filesystem bucket", () => {
    expect(problem({ objectStorage: S3, bucketVolume: { claimName: "x" } })).toBe(
      "thanos.bucketVolume: only used with objectStorage.type filesystem (remove bucketVolume)",
    );
  });

  it("the same replica label for receive and ruler", () => {
    expect(problem({ objectStorage: S3, replicaLabels: { ruler: "replica" } })).toContain(
      "thanos.replicaLabels.ruler: receive and ruler replica labels must differ",
    );
  });

  it("external labels the component sets itself", () => {
    expect(problem({ objectStorage: S3, externalLabels: { cluster: "x", replica: "y" } })).toBe(
      [
        'thanos.externalLabels.replica: "replica" is set by the component itself (remove it)',
        'thanos.externalLabels.cluster: "cluster" is set by the component itself (set the cluster name in the build context instead)',
      ].join("\n"),
    );
  });

  it("a memcached cache with neither our own servers nor addresses", () => {
    expect(
      problem({
        objectStorage: S3,
        queryFrontend: { cache: { type: "memcached", deploy: { enabled: false } } },
      }),
    ).toBe(
      "thanos.queryFrontend.cache.addresses: a memcached cache needs servers (list your memcached addresses, or set queryFrontend.cache.deploy.enabled: true to run one)",
    );
  });

  it("duplicate rule group names", () => {
    const rules = [{ record: "a:b", expr: "1" }];
    expect(
      problem({
        objectStorage: S3,
        ruler: {
          ruleGroups: [
            { name: "g", rules },
            { name: "g", rules },
          ],
        },
      }),
    ).toBe(
      'thanos.ruler.ruleGroups[1].name: rule group "g" is defined twice (give every group a unique name)',
    );
  });

  it("rule ConfigMap references that would not load", () => {
    const message = problem({
      objectStorage: S3,
      ruler: { ruleConfigMaps: [{ name: "generated" }, { name: "team", keys: ["rules.yml"] }] },
    });
    expect(message).toContain(
      'thanos.ruler.ruleConfigMaps[0].name: "generated" is reserved for the typed rule groups',
    );
    expect(message).toContain(
      'thanos.ruler.ruleConfigMaps[1].keys[0]: "rules.yml" would not be loaded: the ruler reads *.yaml rule files (rename the ConfigMap key to end in .yaml)',
    );
  });

  it("values errors name the path (schema level)", () => {
    expect(problem({ objectStorage: S3, receive: { replicas: 0 } })).toContain(
      "thanos.receive.replicas",
    );
    expect(
      problem({ objectStorage: S3, compactor: { retention: { raw: "thirty days" } } }),
    ).toContain("thanos.compactor.retention.raw: not a duration");
    expect(
      problem({
        objectStorage: S3,
        ruler: { ruleGroups: [{ name: "g", rules: [{ record: "bad name", expr: "1" }] }] },
      }),
    ).toContain("thanos.ruler.ruleGroups[0].rules[0]");
    expect(
      problem({ objectStorage: S3, store: { sharding: { mode: "hashmod", shards: 1 } } }),
    ).toContain("thanos.store.sharding.shards: hashmod sharding needs at least 2 shards");
    expect(problem({ objectStorage: S3, recieve: {} } as ThanosValues)).toContain(
      'thanos.recieve: unknown key (did you mean "receive"?)',
    );
  });
});
