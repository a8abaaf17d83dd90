import type { BuildContext, KubeObject, Service } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { type ThanosEndpoints, type ThanosValues, thanos, thanosEndpoints } from "../src/index.js";
import {
  args,
  configMapData,
  find,
  flag,
  matches,
  resolveSrv,
  S3,
  workload,
  yaml,
} from "./helpers.js";

const CORP = { namespace: "observability", clusterDomain: "corp.example", namePrefix: "mz-" };
const CORP_ALERTMANAGER = "_http-web._tcp.mz-alertmanager-headless.observability.svc.corp.example";

/** Values sets a platform team writes, with every address-bearing feature on in one of them. */
const VALUES: [string, ThanosValues][] = [
  ["ha defaults", { objectStorage: S3 }],
  [
    "ha large: split receive, hash-sharded store, bundled memcached, alerting",
    {
      preset: "large",
      objectStorage: S3,
      receive: { mode: "split" },
      store: { sharding: { mode: "hashmod", shards: 3 } },
      queryFrontend: { cache: { type: "memcached" } },
      ruler: {
        alertmanagers: [{ srv: CORP_ALERTMANAGER }],
        ruleGroups: [{ name: "up", rules: [{ alert: "TargetDown", expr: "up == 0" }] }],
      },
    },
  ],
  [
    "ha without frontend and ruler",
    { objectStorage: S3, queryFrontend: { enabled: false }, ruler: { enabled: false } },
  ],
  [
    "ha with external caches and a federated StoreAPI",
    {
      objectStorage: S3,
      query: { extraEndpoints: ["dnssrv+_grpc._tcp.prometheus.other.svc.corp.example"] },
      queryFrontend: {
        cache: {
          type: "memcached",
          addresses: ["dnssrv+_memcached._tcp.memcached.cache.svc.corp.example"],
          deploy: { enabled: false },
        },
      },
      store: {
        indexCache: {
          type: "memcached",
          addresses: ["dnssrv+_memcached._tcp.memcached.cache.svc.corp.example"],
        },
      },
    },
  ],
  ["dev", { mode: "dev" }],
  [
    "dev with split receive and a frontend",
    { mode: "dev", receive: { mode: "split" }, queryFrontend: { enabled: true } },
  ],
];

const CONTEXTS: [string, Partial<BuildContext>][] = [
  ["the default context", {}],
  ["observability.corp.example with a name prefix", CORP],
];

interface Pod {
  name: string;
  labels: Record<string, string>;
  ports: string[];
  priorityClassName: string | undefined;
}

function pods(objects: readonly KubeObject[]): Pod[] {
  return objects.flatMap((o) => {
    if (o.kind !== "Deployment" && o.kind !== "StatefulSet") return [];
    const t = workload(objects, o.metadata.name).spec?.template;
    return [
      {
        name: o.metadata.name,
        labels: t?.metadata?.labels ?? {},
        ports: (t?.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name ?? "")),
        priorityClassName: t?.spec?.priorityClassName,
      },
    ];
  });
}

/** Every host the endpoints name: URLs, StoreAPI addresses and Services. */
function endpointHosts(e: ThanosEndpoints): string[] {
  const urls = [e.remoteWriteUrl, e.promqlUrl, e.queryUrl, ...(e.rulerUrl ? [e.rulerUrl] : [])];
  const storeApis = Object.values(e.storeApi).flatMap((a) =>
    a ? [a.replace(/^dnssrv\+_[a-z0-9-]+\._tcp\./, "").replace(/:\d+$/, "")] : [],
  );
  const services = Object.values(e.services).flatMap((s) => (s ? [s.host] : []));
  return [...urls.map((u) => new URL(u).hostname), ...storeApis, ...services];
}

describe("thanosEndpoints", () => {
  describe.each(CONTEXTS)("in %s", (_ctxName, ctx) => {
    it.each(VALUES)("%s: equals the built component's endpoints", (_name, values) => {
      expect(thanosEndpoints(values, ctx)).toEqual(thanos(values, ctx).endpoints);
    });
  });

  it("needs no bucket: the endpoints are known before the values are complete", () => {
    expect(() => thanos({})).toThrow(/thanos\.objectStorage/);
    expect(thanosEndpoints({}, CORP).remoteWriteUrl).toBe(
      "http://mz-thanos-receive.observability.svc.corp.example:19291/api/v1/receive",
    );
  });

  it.each(VALUES)("%s: every host is a FQDN of the context's domain", (_name, values) => {
    const c = thanos(values, CORP);
    const json = JSON.stringify(c.objects);
    expect(json).not.toContain("cluster.local");
    expect(json).not.toMatch(/\.svc[:/"]/);
    const hosts = endpointHosts(c.endpoints);
    expect(hosts.length).toBeGreaterThanOrEqual(7);
    for (const host of hosts) {
      expect(host).toMatch(/\.svc\.corp\.example$/);
      expect(host).toMatch(/^mz-thanos-[a-z-]+\.observability\.svc\.corp\.example$/);
    }
    for (const s of Object.values(c.endpoints.services)) expect(s?.namespace).toBe("observability");
  });

  it("the domain scan finds the default domain where it is written", () => {
    // Guards the scan above: with the default context the same text must hold cluster.local hosts.
    const json = JSON.stringify(thanos({ objectStorage: S3 }).objects);
    expect(json).toContain("thanos-receive-0.thanos-receive-headless.monitoring.svc.cluster.local");
    expect(json).toContain("dnssrv+_grpc._tcp.thanos-store-headless.monitoring.svc.cluster.local");
  });

  it("writes every internal address with the context's domain", () => {
    const c = thanos(VALUES[1]?.[1] ?? {}, CORP);
    const hashring = JSON.parse(
      configMapData(c.objects, "mz-thanos-receive-hashring")["hashrings.json"] ?? "",
    ) as { endpoints: string[] }[];
    expect(hashring[0]?.endpoints[5]).toBe(
      "mz-thanos-receive-5.mz-thanos-receive-headless.observability.svc.corp.example:10901",
    );
    expect(flag(args(c.objects, "mz-thanos-receive"), "receive.local-endpoint")).toBe(
      "$(POD_NAME).mz-thanos-receive-headless.observability.svc.corp.example:10901",
    );
    expect(flag(args(c.objects, "mz-thanos-query-frontend"), "query-frontend.downstream-url")).toBe(
      c.endpoints.queryUrl,
    );
    const sd = yaml<{ endpoints: { address: string }[] }>(
      configMapData(c.objects, "mz-thanos-query-endpoints")["endpoints.yaml"],
    );
    expect(sd.endpoints.map((e) => e.address)).toEqual([
      c.endpoints.storeApi.receive,
      c.endpoints.storeApi.store,
      c.endpoints.storeApi.ruler,
    ]);
    const srvs = [
      ...sd.endpoints.map((e) => e.address),
      ...yaml<{ static_configs: string[] }[]>(
        configMapData(c.objects, "mz-thanos-ruler-config")["query.yaml"],
      ).flatMap((q) => q.static_configs),
      ...yaml<{ config: { addresses: string[] } }>(
        configMapData(c.objects, "mz-thanos-query-frontend-config")["response-cache.yaml"],
      ).config.addresses,
    ];
    expect(srvs.map((a) => resolveSrv(c.objects, a, "corp.example").service)).toEqual([
      "mz-thanos-receive-headless",
      "mz-thanos-store-headless",
      "mz-thanos-ruler-headless",
      "mz-thanos-query-headless",
      "mz-thanos-query-frontend-memcached",
    ]);
    expect(() => resolveSrv(c.objects, c.endpoints.storeApi.receive)).toThrow(/cluster domain/);
  });

  it.each(VALUES)(
    "%s: each published Service is rendered with its selector and ports",
    (_n, values) => {
      const c = thanos(values, CORP);
      for (const endpoint of Object.values(c.endpoints.services)) {
        if (!endpoint) continue;
        const svc = find(c.objects, "Service", endpoint.service) as Service;
        expect(svc.metadata?.namespace).toBe(endpoint.namespace);
        expect(svc.spec?.selector).toEqual(endpoint.podLabels);
        const backends = pods(c.objects).filter((p) => matches(endpoint.podLabels, p.labels));
        expect(backends.length, endpoint.service).toBeGreaterThan(0);
        for (const port of Object.values(endpoint.ports)) {
          expect(svc.spec?.ports).toContainEqual(
            expect.objectContaining({ name: port.name, port: port.port }),
          );
          for (const p of backends) expect(p.ports, p.name).toContain(port.name);
        }
      }
    },
  );

  it("publishes the Services of the roles that run", () => {
    const keys = (values: ThanosValues) => Object.keys(thanosEndpoints(values, CORP).services);
    expect(keys({ objectStorage: S3 })).toEqual([
      "remoteWrite",
      "promql",
      "query",
      "ruler",
      "storeApiReceive",
      "storeApiStore",
      "storeApiRuler",
    ]);
    expect(keys({ mode: "dev", ruler: { enabled: false } })).toEqual([
      "remoteWrite",
      "promql",
      "query",
      "storeApiReceive",
    ]);
    const split = thanosEndpoints({ receive: { mode: "split" } }, CORP).services;
    expect(split.remoteWrite.service).toBe("mz-thanos-receive-router");
    expect(split.storeApiReceive.service).toBe("mz-thanos-receive-headless");
    const noFrontend = thanosEndpoints({ queryFrontend: { enabled: false } }, CORP).services;
    expect(noFrontend.promql.host).toBe(noFrontend.query.host);
    expect(noFrontend.promql.ports).toEqual({ http: noFrontend.query.ports.http });
  });

  it.each(VALUES)("%s: one scrape target, every Thanos server on http", (_n, values) => {
    const c = thanos(values, CORP);
    // The umbrella's self-monitoring job, exactly as it used to spell it.
    expect(c.endpoints.scrapeTargets).toEqual([
      {
        name: "thanos",
        job: "thanos",
        namespace: "observability",
        podLabels: c.endpoints.podSelectors.all,
        portName: "http",
        path: "/metrics",
        scheme: "http",
        hostNetwork: false,
        source: "thanos",
      },
    ]);
    const [target] = c.endpoints.scrapeTargets;
    const scraped = pods(c.objects).filter((p) => target && matches(target.podLabels, p.labels));
    expect(scraped.length).toBe(pods(c.objects).length);
    // memcached is selected but has no `http` port, so port-name discovery skips it.
    for (const p of scraped.filter((x) => !x.name.endsWith("memcached")))
      expect(p.ports, p.name).toContain("http");
  });

  it("names the pods that connect outside Thanos as clients", () => {
    const admitted = (
      objects: readonly KubeObject[],
      peer: { podLabels: Record<string, string> },
    ) =>
      pods(objects)
        .filter((p) => matches(peer.podLabels, p.labels))
        .map((p) => p.name);
    const plain = thanos({ objectStorage: S3 }, CORP);
    expect(Object.keys(plain.endpoints.clients)).toEqual(["ruler"]);
    const ruler = plain.endpoints.clients.ruler;
    expect(ruler?.namespace).toBe("observability");
    expect(ruler && admitted(plain.objects, ruler)).toEqual(["mz-thanos-ruler"]);

    const external = thanos(VALUES[3]?.[1] ?? {}, CORP);
    const { query, queryFrontend, store } = external.endpoints.clients;
    expect(query && admitted(external.objects, query)).toEqual(["mz-thanos-query"]);
    expect(queryFrontend && admitted(external.objects, queryFrontend)).toEqual([
      "mz-thanos-query-frontend",
    ]);
    expect(store && admitted(external.objects, store)).toEqual(["mz-thanos-store"]);
    for (const peer of [query, queryFrontend, store]) expect(peer?.namespace).toBe("observability");

    // The bundled memcached is Thanos' own: the frontend is no client of anyone then.
    expect(thanosEndpoints(VALUES[1]?.[1] ?? {}, CORP).clients.queryFrontend).toBeUndefined();
    expect(thanosEndpoints({ objectStorage: S3, ruler: { enabled: false } }).clients).toEqual({});
  });
});

describe("priority classes", () => {
  const classes = (values: ThanosValues, ctx: Partial<BuildContext>) => {
    const all = pods(thanos(values, ctx).objects);
    expect(all.length).toBeGreaterThan(5);
    return [...new Set(all.map((p) => p.priorityClassName))];
  };
  const everyRole: ThanosValues = VALUES[1]?.[1] ?? {};

  it("every Thanos pod takes the context's critical class", () => {
    expect(
      classes(everyRole, { priorityClasses: { critical: "mz-critical", default: "mz-default" } }),
    ).toEqual(["mz-critical"]);
  });

  it("falls back to the context's default class", () => {
    expect(
      classes(everyRole, { priorityClasses: { default: "mz-default", node: "mz-node" } }),
    ).toEqual(["mz-default"]);
  });

  it("scheduling.priorityClassName wins over the context", () => {
    expect(
      classes(
        { ...everyRole, scheduling: { priorityClassName: "own" } },
        { priorityClasses: { critical: "mz-critical" } },
      ),
    ).toEqual(["own"]);
  });

  it("sets none when the context has none", () => {
    expect(classes(everyRole, {})).toEqual([undefined]);
  });
});
