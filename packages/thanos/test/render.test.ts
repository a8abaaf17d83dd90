import {
  assertUnique,
  type KubeObject,
  type PodDisruptionBudget,
  toYamlStream,
} from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { PRESETS, type ThanosValues, thanos } from "../src/index.js";
import {
  args,
  configMapData,
  find,
  flag,
  flags,
  mainContainer,
  S3,
  S3_IRSA,
  template,
  workload,
  yaml,
} from "./helpers.js";

const IRSA = { workloadIdentity: { aws: { roleArn: "arn:aws:iam::123456789012:role/thanos" } } };

/** Every preset and mode we ship, rendered and pinned. */
const CASES: Record<string, ThanosValues> = {
  "ha-small": { preset: "small", objectStorage: S3 },
  "ha-medium": { preset: "medium", objectStorage: S3_IRSA, serviceAccount: IRSA },
  "ha-large": {
    preset: "large",
    objectStorage: S3_IRSA,
    serviceAccount: IRSA,
    receive: { mode: "split" },
    store: { sharding: { mode: "hashmod", shards: 3 } },
    queryFrontend: { cache: { type: "memcached" } },
    ruler: {
      alertmanagers: [{ srv: "_http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local" }],
      ruleGroups: [{ name: "up", rules: [{ alert: "TargetDown", expr: "up == 0", for: "5m" }] }],
    },
  },
  dev: { mode: "dev" },
};

function replicasOf(objects: readonly KubeObject[], name: string): number {
  const spec = workload(objects, name).spec;
  return spec && "replicas" in spec ? (spec.replicas ?? 1) : 1;
}

describe("rendered output", () => {
  for (const [name, values] of Object.entries(CASES)) {
    describe(name, () => {
      const c = thanos(values);

      it("matches the committed snapshot", () => {
        expect(toYamlStream(c.objects)).toMatchSnapshot();
      });

      it("passes Kubernetes schema validation", async () => {
        expect(await validateObjects(c.objects)).toEqual([]);
      });

      it("has unique object names and is deterministic", () => {
        expect(() => assertUnique(c.objects)).not.toThrow();
        expect(toYamlStream(thanos(values).objects)).toBe(toYamlStream(c.objects));
      });

      it("runs every container hardened, with requests, memory limits and probes", () => {
        for (const o of c.objects) {
          if (o.kind !== "Deployment" && o.kind !== "StatefulSet") continue;
          const spec = template(c.objects, o.metadata.name).spec;
          expect(spec?.securityContext?.runAsNonRoot).toBe(true);
          expect(spec?.automountServiceAccountToken).toBe(false);
          for (const container of spec?.containers ?? []) {
            expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
            expect(container.securityContext?.capabilities?.drop).toEqual(["ALL"]);
            expect(container.resources?.requests?.memory).toBeDefined();
            expect(container.resources?.limits?.memory).toBeDefined();
            expect(container.readinessProbe).toBeDefined();
            expect(container.livenessProbe).toBeDefined();
          }
        }
      });

      it("has a PDB and topology spread for every multi-replica workload", () => {
        for (const o of c.objects) {
          if (o.kind !== "Deployment" && o.kind !== "StatefulSet") continue;
          const replicas = replicasOf(c.objects, o.metadata.name);
          const pdb = c.objects.find(
            (p) => p.kind === "PodDisruptionBudget" && p.metadata.name === o.metadata.name,
          );
          const spread = template(c.objects, o.metadata.name).spec?.topologySpreadConstraints ?? [];
          if (replicas > 1) {
            expect(
              (pdb as PodDisruptionBudget | undefined)?.spec?.maxUnavailable,
              o.metadata.name,
            ).toBe(1);
            expect(spread.map((s) => s.topologyKey)).toEqual([
              "topology.kubernetes.io/zone",
              "kubernetes.io/hostname",
            ]);
          } else {
            expect(pdb, o.metadata.name).toBeUndefined();
          }
        }
      });
    });
  }
});

describe("presets", () => {
  it("size receive, replication and storage per preset", () => {
    for (const preset of ["small", "medium", "large"] as const) {
      const c = thanos({ preset, objectStorage: S3 });
      expect(replicasOf(c.objects, "thanos-receive")).toBe(PRESETS[preset].receive.replicas);
      expect(flag(args(c.objects, "thanos-receive"), "receive.replication-factor")).toBe(
        String(PRESETS[preset].receive.replicationFactor),
      );
      expect(mainContainer(c.objects, "thanos-query").resources?.requests?.memory).toBe(
        PRESETS[preset].query.resources.requests.memory,
      );
      const sts = workload(c.objects, "thanos-store");
      const claim =
        sts.spec && "volumeClaimTemplates" in sts.spec
          ? sts.spec.volumeClaimTemplates?.[0]
          : undefined;
      expect(claim?.spec?.resources?.requests?.storage).toBe(PRESETS[preset].store.storage);
      expect(replicasOf(c.objects, "thanos-compactor")).toBe(1);
    }
  });

  it("explicit values win over the preset", () => {
    const c = thanos({
      preset: "large",
      objectStorage: S3,
      receive: {
        replicas: 4,
        replicationFactor: 3,
        persistence: { size: "1Ti", storageClass: "fast" },
      },
      query: { resources: { requests: { cpu: "3", memory: "3Gi" }, limits: { memory: "6Gi" } } },
    });
    expect(replicasOf(c.objects, "thanos-receive")).toBe(4);
    expect(mainContainer(c.objects, "thanos-query").resources).toEqual({
      requests: { cpu: "3", memory: "3Gi" },
      limits: { memory: "6Gi" },
    });
    const sts = workload(c.objects, "thanos-receive");
    const claim =
      sts.spec && "volumeClaimTemplates" in sts.spec
        ? sts.spec.volumeClaimTemplates?.[0]
        : undefined;
    expect(claim?.spec).toMatchObject({
      storageClassName: "fast",
      resources: { requests: { storage: "1Ti" } },
    });
  });
});

describe("components", () => {
  const c = thanos({ objectStorage: S3 });

  it("query: timeout, concurrency and deduplication from values", () => {
    const custom = thanos({
      objectStorage: S3,
      query: { timeout: "5m", maxConcurrent: 40, lookbackDelta: "10m", deduplicationFunc: "chain" },
    });
    const a = args(custom.objects, "thanos-query");
    expect(flag(a, "query.timeout")).toBe("5m");
    expect(flag(a, "query.max-concurrent")).toBe("40");
    expect(flag(a, "query.lookback-delta")).toBe("10m");
    expect(flag(a, "deduplication.func")).toBe("chain");
    expect(a).toContain("--query.auto-downsampling");
  });

  it("query-frontend: range splitting and a memcached response cache shared by every replica by default", () => {
    const a = args(c.objects, "thanos-query-frontend");
    expect(flag(a, "query-range.split-interval")).toBe("24h");
    expect(flag(a, "query-range.response-cache-config-file")).toBe(
      "/etc/thanos/query-frontend/response-cache.yaml",
    );
    const cache = yaml<{ type: string; config: { addresses: string[]; expiration: string } }>(
      configMapData(c.objects, "thanos-query-frontend-config")["response-cache.yaml"],
    );
    expect(cache.type).toBe("MEMCACHED");
    expect(cache.config.addresses).toEqual([
      "dnssrv+_memcached._tcp.thanos-query-frontend-memcached.monitoring.svc.cluster.local",
    ]);
    expect(cache.config.expiration).toBe("24h");
    expect(workload(c.objects, "thanos-query-frontend-memcached").kind).toBe("Deployment");
    const perPod = thanos({ objectStorage: S3, queryFrontend: { cache: { type: "in-memory" } } });
    expect(
      perPod.objects.filter((o) => o.kind === "Deployment").map((d) => d.metadata.name),
    ).not.toContain("thanos-query-frontend-memcached");
    const none = thanos({ objectStorage: S3, queryFrontend: { cache: { type: "none" } } });
    expect(
      flag(args(none.objects, "thanos-query-frontend"), "query-range.response-cache-config-file"),
    ).toBeUndefined();
  });

  it("store gateway: index cache, caching bucket, lazy index headers, and time partitions", () => {
    const a = args(c.objects, "thanos-store");
    expect(flag(a, "index-cache.config-file")).toBe("/etc/thanos/store/index-cache.yaml");
    expect(flag(a, "store.caching-bucket.config-file")).toBe(
      "/etc/thanos/store/caching-bucket.yaml",
    );
    const storeFiles = configMapData(c.objects, "thanos-store-config");
    // The small preset (the default of this package) gives each store pod 128MB.
    expect(yaml(storeFiles["caching-bucket.yaml"])).toEqual({
      type: "IN-MEMORY",
      config: { max_size: "128MB" },
    });
    const shared = thanos({
      objectStorage: S3,
      store: {
        cachingBucket: { type: "memcached", addresses: ["dns+memcached.cache.svc:11211"] },
      },
    });
    const sharedCache = yaml<{ type: string; config: { addresses: string[] } }>(
      configMapData(shared.objects, "thanos-store-config")["caching-bucket.yaml"],
    );
    expect(sharedCache.type).toBe("MEMCACHED");
    expect(sharedCache.config.addresses).toEqual(["dns+memcached.cache.svc:11211"]);
    const off = thanos({ objectStorage: S3, store: { cachingBucket: { type: "none" } } });
    expect(
      flag(args(off.objects, "thanos-store"), "store.caching-bucket.config-file"),
    ).toBeUndefined();
    expect(configMapData(off.objects, "thanos-store-config")).not.toHaveProperty(
      "caching-bucket.yaml",
    );
    expect(a).toContain("--store.enable-index-header-lazy-reader");
    const timed = thanos({
      objectStorage: S3,
      store: {
        sharding: {
          mode: "time",
          partitions: [
            { name: "recent", minTime: "-2w", maxTime: "2030-01-01T00:00:00Z" },
            { name: "old", minTime: "0000-01-01T00:00:00Z", maxTime: "-13d" },
          ],
        },
      },
    });
    expect(flags(args(timed.objects, "thanos-store-recent"), "min-time")).toEqual(["-2w"]);
    expect(flags(args(timed.objects, "thanos-store-old"), "max-time")).toEqual(["-13d"]);
  });

  it("compactor: a singleton with per-resolution retention, downsampling and offline deduplication", () => {
    expect(workload(c.objects, "thanos-compactor").kind).toBe("StatefulSet");
    expect(replicasOf(c.objects, "thanos-compactor")).toBe(1);
    const a = args(c.objects, "thanos-compactor");
    expect(a).toContain("--wait");
    expect(flag(a, "retention.resolution-raw")).toBe("30d");
    expect(flag(a, "retention.resolution-5m")).toBe("90d");
    expect(flag(a, "retention.resolution-1h")).toBe("365d");
    expect(a).not.toContain("--downsampling.disable");
    expect(flag(a, "deduplication.replica-label")).toBe("replica");
    // The replica label already turns vertical compaction on upstream; the flag would restate it.
    expect(a.filter((arg) => arg.startsWith("--compact.enable-vertical-compaction"))).toEqual([]);
    const noDownsampling = thanos({
      objectStorage: S3,
      compactor: { downsampling: false, deduplication: false },
    });
    const b = args(noDownsampling.objects, "thanos-compactor");
    expect(b).toContain("--downsampling.disable");
    expect(flag(b, "deduplication.replica-label")).toBeUndefined();
  });

  it("one ServiceAccount without an API token for every pod", () => {
    const sa = find(c.objects, "ServiceAccount", "thanos");
    expect((sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken).toBe(
      false,
    );
  });

  it("the context's registry override and pull secrets reach every image", () => {
    const mirrored = thanos(
      { objectStorage: S3 },
      { imageRegistry: "mirror.example.com", imagePullSecrets: ["pull"] },
    );
    expect(mainContainer(mirrored.objects, "thanos-query").image).toBe(
      "mirror.example.com/thanos/thanos:v0.42.4",
    );
    expect(template(mirrored.objects, "thanos-receive").spec?.imagePullSecrets).toEqual([
      { name: "pull" },
    ]);
  });
});

describe("variants pass Kubernetes schema validation", () => {
  const variants: Record<string, ThanosValues> = {
    gcs: {
      objectStorage: {
        type: "gcs",
        bucket: "mz-metrics",
        credentials: { serviceAccountKey: { name: "gcs", key: "key.json" } },
      },
    },
    "gcs-workload-identity": {
      objectStorage: { type: "gcs", bucket: "mz-metrics" },
      serviceAccount: {
        workloadIdentity: { gcp: { serviceAccount: "thanos@project.iam.gserviceaccount.com" } },
      },
    },
    azure: {
      objectStorage: {
        type: "azure",
        container: "mz-metrics",
        storageAccount: "acct",
        credentials: { accountKey: { name: "az", key: "key" } },
      },
    },
    filesystem: { objectStorage: { type: "filesystem" }, bucketVolume: { claimName: "bucket" } },
    "time-partitions-memcached-index": {
      objectStorage: S3,
      store: {
        indexCache: {
          type: "memcached",
          addresses: ["dnssrv+_memcached._tcp.memcached.cache.svc.cluster.local"],
        },
        sharding: {
          mode: "time",
          partitions: [{ name: "recent", minTime: "-2w", maxTime: "-0d" }],
        },
      },
    },
    "external-memcached-no-pdb": {
      objectStorage: S3,
      podDisruptionBudget: { enabled: false },
      queryFrontend: {
        cache: { type: "memcached", addresses: ["memcached:11211"], deploy: { enabled: false } },
      },
      ruler: { enabled: false },
      serviceAccount: { create: false, name: "existing" },
    },
    "dev-split": { mode: "dev", receive: { mode: "split" } },
  };
  for (const [name, values] of Object.entries(variants)) {
    it(name, async () => {
      const c = thanos(values);
      expect(await validateObjects(c.objects)).toEqual([]);
      expect(() => assertUnique(c.objects)).not.toThrow();
    });
  }
});
