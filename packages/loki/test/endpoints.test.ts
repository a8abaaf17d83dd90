import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { type LokiEndpoints, type LokiValues, loki, lokiEndpoints } from "../src/index.js";
import {
  configText,
  mainContainer,
  podLabels,
  S3,
  selects,
  service,
  thrown,
  workload,
} from "./helpers.js";

describe("endpoints", () => {
  it("points push, query and ruler URLs at the gateway", () => {
    const c = loki({ storage: S3 });
    expect(c.endpoints).toMatchObject({
      pushUrl: "http://loki-gateway.monitoring.svc.cluster.local:80/loki/api/v1/push",
      otlpUrl: "http://loki-gateway.monitoring.svc.cluster.local:80/otlp",
      queryUrl: "http://loki-gateway.monitoring.svc.cluster.local:80",
      rulerApiUrl: "http://loki-gateway.monitoring.svc.cluster.local:80/loki/api/v1/rules",
      clientPeer: { port: 8080 },
    });
    expect(c.endpoints.tenantId).toBeUndefined();
    expect(service(c.objects, "loki-gateway").spec?.ports?.[0]?.port).toBe(80);
  });

  it("exposes the tenant when multi-tenancy is on", () => {
    expect(
      loki({ storage: S3, tenancy: { authEnabled: true, tenantId: "mz" } }).endpoints.tenantId,
    ).toBe("mz");
  });

  it("derives each URL from the route table when the gateway is off", () => {
    const c = loki({ storage: S3, gateway: { enabled: false }, queryFrontend: { enabled: true } });
    expect(c.endpoints).toMatchObject({
      pushUrl: "http://loki-write.monitoring.svc.cluster.local:3100/loki/api/v1/push",
      queryUrl: "http://loki-query-frontend.monitoring.svc.cluster.local:3100",
      rulerApiUrl: "http://loki-backend.monitoring.svc.cluster.local:3100/loki/api/v1/rules",
      clientPeer: { port: 3100 },
    });
    const single = loki({ mode: "single-binary", gateway: { enabled: false } });
    expect(single.endpoints.queryUrl).toBe(
      "http://loki-single-binary.monitoring.svc.cluster.local:3100",
    );
    expect(single.endpoints.memberlistClusterLabel).toBeUndefined();
  });

  it("uses the cluster domain of the build context", () => {
    expect(loki({ storage: S3 }, { clusterDomain: "corp.internal" }).endpoints.queryUrl).toBe(
      "http://loki-gateway.monitoring.svc.corp.internal:80",
    );
  });

  it("has no clusterDomain value of its own", () => {
    const error = thrown(() =>
      // @ts-expect-error the cluster domain belongs to the build context
      loki({ storage: S3, clusterDomain: "corp.internal" }),
    );
    expect(error.message).toMatch(/^loki\.clusterDomain: unknown key/);
  });
});

const CORP = { namespace: "observability", clusterDomain: "corp.example", namePrefix: "mz-" };
const CORP_ALERTMANAGER = "http://mz-alertmanager.observability.svc.corp.example:9093";

/** Values sets a platform team writes, with every address-bearing feature on in one of them. */
const VALUES: [string, LokiValues][] = [
  ["simple-scalable behind the gateway", { storage: S3 }],
  [
    "simple-scalable large with a query-frontend, rules and Alertmanager",
    {
      size: "large",
      storage: S3,
      tenancy: { authEnabled: true, tenantId: "mz" },
      ruler: { alertmanagerUrls: [CORP_ALERTMANAGER] },
    },
  ],
  [
    "simple-scalable without the gateway, with a query-frontend",
    { storage: S3, gateway: { enabled: false }, queryFrontend: { enabled: true } },
  ],
  ["simple-scalable without the ruler", { storage: S3, ruler: { enabled: false } }],
  ["single-binary with caches", { mode: "single-binary" }],
  [
    "single-binary small without the gateway",
    { mode: "single-binary", size: "small", gateway: { enabled: false } },
  ],
];

const CONTEXTS: [string, Partial<BuildContext>][] = [
  ["the default context", {}],
  ["observability.corp.example with a name prefix", CORP],
];

function endpointHosts(e: LokiEndpoints): string[] {
  const fromUrls = [e.pushUrl, e.otlpUrl, e.queryUrl, e.rulerApiUrl].map(
    (u) => new URL(u).hostname,
  );
  const services = Object.values(e.services).flatMap((s) => (s ? [s.host] : []));
  return [...fromUrls, ...services];
}

/** Pods of every rendered workload, with their labels and container port names. */
function pods(objects: readonly KubeObject[]) {
  return objects.flatMap((o) => {
    if (o.kind !== "Deployment" && o.kind !== "StatefulSet") return [];
    const spec = workload(objects, o.metadata.name).spec?.template;
    return [
      {
        name: o.metadata.name,
        labels: spec?.metadata?.labels ?? {},
        ports: (spec?.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name)),
        args: (spec?.spec?.containers ?? []).flatMap((c) => c.args ?? []),
        priorityClassName: spec?.spec?.priorityClassName,
      },
    ];
  });
}

describe("lokiEndpoints", () => {
  describe.each(CONTEXTS)("in %s", (_ctxName, ctx) => {
    it.each(VALUES)("%s: equals the built component's endpoints", (_name, values) => {
      expect(lokiEndpoints(values, ctx)).toEqual(loki(values, ctx).endpoints);
    });
  });

  it.each(VALUES)("%s: every host is a FQDN of the context's domain", (_name, values) => {
    const c = loki(values, CORP);
    const json = JSON.stringify(c.objects);
    expect(json).not.toContain("cluster.local");
    expect(json).not.toMatch(/\.svc[:/"]/);
    const hosts = endpointHosts(c.endpoints);
    expect(hosts.length).toBeGreaterThan(4);
    for (const host of hosts)
      expect(host).toMatch(/^mz-loki-[a-z-]+\.observability\.svc\.corp\.example$/);
    for (const s of Object.values(c.endpoints.services)) expect(s?.namespace).toBe("observability");
  });

  it("the domain scan finds the default domain where it is written", () => {
    // Guards the scan above: with the default context the same text must hold cluster.local hosts.
    const json = JSON.stringify(loki({ storage: S3 }).objects);
    expect(json).toContain(".monitoring.svc.cluster.local:3100");
    expect(json).toContain("_memcached._tcp.loki-chunks-cache.monitoring.svc.cluster.local");
  });

  it("writes every internal address with the context's domain", () => {
    const c = loki({ storage: S3 }, CORP);
    const config = configText(c, "mz-loki");
    expect(config).toContain("dns+mz-loki-memberlist.observability.svc.corp.example:7946");
    expect(config).toContain("http://mz-loki-backend.observability.svc.corp.example:3100");
    expect(config).toContain("dns+mz-loki-backend-headless.observability.svc.corp.example:9095");
    expect(config).toContain(
      "dnssrvnoa+_memcached._tcp.mz-loki-chunks-cache.observability.svc.corp.example",
    );
    expect(configText(c, "mz-loki-gateway", "nginx.conf")).toContain(
      "server mz-loki-write.observability.svc.corp.example:3100;",
    );
  });

  it.each(VALUES)(
    "%s: each published Service is rendered with its selector and port",
    (_n, values) => {
      const c = loki(values, CORP);
      for (const endpoint of Object.values(c.endpoints.services)) {
        if (!endpoint) continue;
        const svc = service(c.objects, endpoint.service);
        expect(svc.metadata?.namespace).toBe(endpoint.namespace);
        expect(svc.spec?.selector).toEqual(endpoint.podLabels);
        expect(svc.spec?.ports).toContainEqual(
          expect.objectContaining({
            name: endpoint.ports.http.name,
            port: endpoint.ports.http.port,
          }),
        );
        expect(pods(c.objects).some((p) => selects(endpoint.podLabels, p.labels))).toBe(true);
      }
    },
  );

  it("publishes the gateway for every client path while it runs", () => {
    const e = lokiEndpoints({ storage: S3 }, CORP);
    expect(e.services.gateway).toEqual({
      service: "mz-loki-gateway",
      namespace: "observability",
      host: "mz-loki-gateway.observability.svc.corp.example",
      ports: { http: { name: "http", port: 80, protocol: "TCP" } },
      podLabels: {
        "app.kubernetes.io/name": "loki",
        "app.kubernetes.io/instance": "materialize-monitoring",
        "app.kubernetes.io/component": "gateway",
      },
    });
    expect(e.services.push).toEqual(e.services.gateway);
    expect(e.services.query).toEqual(e.services.gateway);
    expect(e.services.ruler).toEqual(e.services.gateway);
  });

  it("publishes the serving target of each path without the gateway", () => {
    const scalable = lokiEndpoints(
      { storage: S3, gateway: { enabled: false }, queryFrontend: { enabled: true } },
      CORP,
    );
    expect(scalable.services.gateway).toBeUndefined();
    expect(scalable.services.push.service).toBe("mz-loki-write");
    expect(scalable.services.query.service).toBe("mz-loki-query-frontend");
    expect(scalable.services.ruler?.service).toBe("mz-loki-backend");
    expect(scalable.services.push.ports).toEqual({
      http: { name: "http-metrics", port: 3100, protocol: "TCP" },
    });
    const single = lokiEndpoints({ mode: "single-binary", gateway: { enabled: false } }, CORP);
    expect(
      [single.services.push, single.services.query, single.services.ruler].map((s) => s?.service),
    ).toEqual(["mz-loki-single-binary", "mz-loki-single-binary", "mz-loki-single-binary"]);
  });

  it.each(VALUES)("%s: one scrape target, every Loki server pod on http-metrics", (_n, values) => {
    const c = loki(values, CORP);
    expect(c.endpoints.scrapeTargets).toEqual([
      {
        name: "loki",
        job: "loki",
        namespace: "observability",
        podLabels: c.endpoints.serverPeer.podLabels,
        portName: "http-metrics",
        path: "/metrics",
        scheme: "http",
        hostNetwork: false,
        source: "loki",
      },
    ]);
    const [target] = c.endpoints.scrapeTargets;
    const scraped = pods(c.objects).filter((p) => target && selects(target.podLabels, p.labels));
    const servers = pods(c.objects).filter((p) => p.args.some((a) => a.startsWith("-target=")));
    expect(scraped.map((p) => p.name)).toEqual(servers.map((p) => p.name));
    for (const p of scraped) expect(p.ports).toContain("http-metrics");
  });

  it("leaves the gateway unscraped because nginx exposes no metrics port", () => {
    const c = loki({ storage: S3 });
    expect(mainContainer(c.objects, "loki-gateway").ports?.map((p) => p.name)).toEqual(["http"]);
    const [target] = c.endpoints.scrapeTargets;
    expect(target && selects(target.podLabels, podLabels(c.objects, "loki-gateway"))).toBe(false);
  });

  it("names the ruler pods as Alertmanager's clients", () => {
    for (const [values, rulerPod] of [
      [{ storage: S3 }, "mz-loki-backend"],
      [{ mode: "single-binary" }, "mz-loki-single-binary"],
    ] as const) {
      const c = loki(values, CORP);
      const ruler = c.endpoints.clients.ruler;
      expect(ruler?.namespace).toBe("observability");
      const admitted = pods(c.objects).filter((p) => ruler && selects(ruler.podLabels, p.labels));
      expect(admitted.map((p) => p.name)).toEqual([rulerPod]);
    }
    expect(lokiEndpoints({ storage: S3, ruler: { enabled: false } }).clients).toEqual({});
    expect(
      lokiEndpoints({ storage: S3, ruler: { enabled: false } }).services.ruler,
    ).toBeUndefined();
  });

  it("does not need storage to compute the endpoints", () => {
    // A composer learns the endpoints before it wires the bucket in.
    expect(lokiEndpoints({}, CORP).pushUrl).toBe(
      "http://mz-loki-gateway.observability.svc.corp.example:80/loki/api/v1/push",
    );
  });
});

describe("priority classes", () => {
  it("falls back to the context's default class on every pod", () => {
    const c = loki({ storage: S3, size: "large" }, { priorityClasses: { default: "stack" } });
    const all = pods(c.objects);
    expect(all.length).toBeGreaterThan(5);
    for (const p of all) expect(p.priorityClassName).toBe("stack");
  });

  it("prefers the critical class, and the values' own class over both", () => {
    const ctx = { priorityClasses: { critical: "stack-critical", default: "stack" } };
    for (const p of pods(loki({ storage: S3 }, ctx).objects)) {
      expect(p.priorityClassName).toBe("stack-critical");
    }
    const own = loki({ storage: S3, scheduling: { priorityClassName: "mine" } }, ctx);
    for (const p of pods(own.objects)) expect(p.priorityClassName).toBe("mine");
  });

  it("sets none when the context has none", () => {
    for (const p of pods(loki({ storage: S3 }).objects))
      expect(p.priorityClassName).toBeUndefined();
  });
});
