import { describe, expect, it } from "vitest";
import { thanos } from "../src/index.js";
import { args, configMapData, flag, flags, resolveSrv, S3, yaml } from "./helpers.js";

type EndpointsFile = { endpoints: { address: string }[] };
type HttpConfigs = {
  static_configs: string[];
  scheme: string;
  path_prefix?: string;
  api_version?: string;
  timeout?: string;
}[];

describe("DNS SRV discovery", () => {
  const c = thanos(
    {
      objectStorage: S3,
      store: { sharding: { mode: "hashmod", shards: 3 } },
      queryFrontend: { cache: { type: "memcached" } },
    },
    { namespace: "obs" },
  );

  it("query discovers receive, store and ruler through --endpoint.sd-config, not the deprecated --endpoint", () => {
    const a = args(c.objects, "thanos-query");
    expect(flags(a, "endpoint")).toEqual([]);
    expect(flag(a, "endpoint.sd-config-file")).toBe("/etc/thanos/query/endpoints.yaml");
    const file = yaml<EndpointsFile>(
      configMapData(c.objects, "thanos-query-endpoints")["endpoints.yaml"],
    );
    const resolved = file.endpoints.map((e) => resolveSrv(c.objects, e.address));
    expect(resolved).toEqual([
      { service: "thanos-receive-headless", port: 10901 },
      { service: "thanos-store-headless", port: 10901 },
      { service: "thanos-ruler-headless", port: 10901 },
    ]);
  });

  it("the store headless Service reaches every hash shard", () => {
    for (let i = 0; i < 3; i++) {
      expect(flag(args(c.objects, `thanos-store-shard-${i}`), "selector.relabel-config-file")).toBe(
        `/etc/thanos/store/selector-shard-${i}.yaml`,
      );
      const relabel = yaml<{ action: string; modulus?: number; regex?: string }[]>(
        configMapData(c.objects, "thanos-store-config")[`selector-shard-${i}.yaml`],
      );
      expect(relabel).toEqual([
        { action: "hashmod", source_labels: ["__block_id"], target_label: "shard", modulus: 3 },
        { action: "keep", source_labels: ["shard"], regex: String(i) },
      ]);
    }
  });

  it("the ruler queries every querier through the query headless Service's http port", () => {
    expect(flag(args(c.objects, "thanos-ruler"), "query.config-file")).toBe(
      "/etc/thanos/ruler/query.yaml",
    );
    const queryConfig = yaml<HttpConfigs>(
      configMapData(c.objects, "thanos-ruler-config")["query.yaml"],
    );
    expect(queryConfig).toHaveLength(1);
    expect(queryConfig[0]?.scheme).toBe("http");
    expect(queryConfig[0]?.static_configs.map((a) => resolveSrv(c.objects, a))).toEqual([
      { service: "thanos-query-headless", port: 10902 },
    ]);
  });

  it("the query-frontend's memcached cache resolves to the memcached pods", () => {
    const cache = yaml<{ type: string; config: { addresses: string[] } }>(
      configMapData(c.objects, "thanos-query-frontend-config")["response-cache.yaml"],
    );
    expect(cache.type).toBe("MEMCACHED");
    expect(cache.config.addresses.map((a) => resolveSrv(c.objects, a))).toEqual([
      { service: "thanos-query-frontend-memcached", port: 11211 },
    ]);
  });

  it("the frontend's downstream URL is the query Service's http port", () => {
    expect(flag(args(c.objects, "thanos-query-frontend"), "query-frontend.downstream-url")).toBe(
      "http://thanos-query.obs.svc.cluster.local:10902",
    );
  });

  it("the endpoints' gRPC addresses are the same SRV names, and they resolve", () => {
    const { receive, store, ruler } = c.endpoints.storeApi;
    for (const address of [receive, store, ruler]) {
      expect(address).toBeDefined();
      resolveSrv(c.objects, address ?? "");
    }
  });
});

describe("ruler alerting targets", () => {
  const alertmanagers = [
    { srv: "_http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local" },
    { url: "https://am.example.org:9443/prefix", timeout: "5s" },
  ];
  const c = thanos({ objectStorage: S3, ruler: { alertmanagers } });
  const a = args(c.objects, "thanos-ruler");

  it("sends to every Alertmanager replica via dnssrv+, API v2", () => {
    expect(flag(a, "alertmanagers.config-file")).toBe("/etc/thanos/ruler/alertmanagers.yaml");
    const config = yaml<{ alertmanagers: HttpConfigs }>(
      configMapData(c.objects, "thanos-ruler-config")["alertmanagers.yaml"],
    );
    expect(config.alertmanagers).toEqual([
      {
        static_configs: [
          "dnssrv+_http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local",
        ],
        scheme: "http",
        path_prefix: "",
        timeout: "10s",
        api_version: "v2",
      },
      {
        static_configs: ["am.example.org:9443"],
        scheme: "https",
        path_prefix: "/prefix",
        timeout: "5s",
        api_version: "v2",
      },
    ]);
  });

  it("drops its own replica label from alerts, so both replicas' alerts deduplicate", () => {
    expect(flags(a, "label")).toContain('rule_replica="$(POD_NAME)"');
    expect(flag(a, "alert.label-drop")).toBe("rule_replica");
  });

  it("query deduplicates on both replica labels", () => {
    expect(flags(args(c.objects, "thanos-query"), "query.replica-label")).toEqual([
      "replica",
      "rule_replica",
    ]);
  });

  it("omits the alertmanagers flag when none is configured", () => {
    const bare = thanos({ objectStorage: S3 });
    expect(flag(args(bare.objects, "thanos-ruler"), "alertmanagers.config-file")).toBeUndefined();
  });
});
