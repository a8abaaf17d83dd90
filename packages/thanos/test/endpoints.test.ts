import type { Service } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { thanos, thanosEndpoints } from "../src/index.js";
import { find, S3, S3_IRSA, type services } from "./helpers.js";

/** `http://<svc>.<ns>.svc.cluster.local:<port>/...` must name a rendered Service that serves that port. */
function assertServed(objects: Parameters<typeof services>[0], url: string): void {
  const u = new URL(url);
  const [name, namespace] = u.hostname.split(".");
  const svc = find(objects, "Service", name ?? "") as Service;
  expect(svc.metadata?.namespace).toBe(namespace);
  expect(svc.spec?.ports?.map((p) => p.port)).toContain(Number(u.port));
}

const role = (component: string) => ({
  "app.kubernetes.io/name": "thanos",
  "app.kubernetes.io/instance": "materialize-monitoring",
  "app.kubernetes.io/component": component,
});

describe("endpoints", () => {
  it("ha: remote write to receive, PromQL through the frontend, the ruler API and the StoreAPIs", () => {
    const c = thanos({ objectStorage: S3 }, { namespace: "obs" });
    expect(c.endpoints).toEqual({
      remoteWriteUrl: "http://thanos-receive.obs.svc.cluster.local:19291/api/v1/receive",
      promqlUrl: "http://thanos-query-frontend.obs.svc.cluster.local:10902",
      queryUrl: "http://thanos-query.obs.svc.cluster.local:10902",
      rulerUrl: "http://thanos-ruler.obs.svc.cluster.local:10902",
      storeApi: {
        receive: "dnssrv+_grpc._tcp.thanos-receive-headless.obs.svc.cluster.local",
        store: "dnssrv+_grpc._tcp.thanos-store-headless.obs.svc.cluster.local",
        ruler: "dnssrv+_grpc._tcp.thanos-ruler-headless.obs.svc.cluster.local",
        query: "thanos-query.obs.svc.cluster.local:10901",
      },
      podSelectors: {
        remoteWrite: {
          "app.kubernetes.io/name": "thanos",
          "app.kubernetes.io/instance": "materialize-monitoring",
          "app.kubernetes.io/component": "receive",
        },
        promql: {
          "app.kubernetes.io/name": "thanos",
          "app.kubernetes.io/instance": "materialize-monitoring",
          "app.kubernetes.io/component": "query-frontend",
        },
        ruler: {
          "app.kubernetes.io/name": "thanos",
          "app.kubernetes.io/instance": "materialize-monitoring",
          "app.kubernetes.io/component": "ruler",
        },
        all: {
          "app.kubernetes.io/name": "thanos",
          "app.kubernetes.io/instance": "materialize-monitoring",
        },
      },
      ports: { remoteWrite: 19291, http: 10902, grpc: 10901 },
      replicaLabels: ["replica", "rule_replica"],
      services: {
        remoteWrite: {
          service: "thanos-receive",
          namespace: "obs",
          host: "thanos-receive.obs.svc.cluster.local",
          ports: {
            remoteWrite: { name: "remote-write", port: 19291, protocol: "TCP" },
            http: { name: "http", port: 10902, protocol: "TCP" },
          },
          podLabels: role("receive"),
        },
        promql: {
          service: "thanos-query-frontend",
          namespace: "obs",
          host: "thanos-query-frontend.obs.svc.cluster.local",
          ports: { http: { name: "http", port: 10902, protocol: "TCP" } },
          podLabels: role("query-frontend"),
        },
        query: {
          service: "thanos-query",
          namespace: "obs",
          host: "thanos-query.obs.svc.cluster.local",
          ports: {
            http: { name: "http", port: 10902, protocol: "TCP" },
            grpc: { name: "grpc", port: 10901, protocol: "TCP" },
          },
          podLabels: role("query"),
        },
        ruler: {
          service: "thanos-ruler",
          namespace: "obs",
          host: "thanos-ruler.obs.svc.cluster.local",
          ports: { http: { name: "http", port: 10902, protocol: "TCP" } },
          podLabels: role("ruler"),
        },
        storeApiReceive: {
          service: "thanos-receive-headless",
          namespace: "obs",
          host: "thanos-receive-headless.obs.svc.cluster.local",
          ports: { grpc: { name: "grpc", port: 10901, protocol: "TCP" } },
          podLabels: role("receive"),
        },
        storeApiStore: {
          service: "thanos-store-headless",
          namespace: "obs",
          host: "thanos-store-headless.obs.svc.cluster.local",
          ports: { grpc: { name: "grpc", port: 10901, protocol: "TCP" } },
          podLabels: role("store"),
        },
        storeApiRuler: {
          service: "thanos-ruler-headless",
          namespace: "obs",
          host: "thanos-ruler-headless.obs.svc.cluster.local",
          ports: { grpc: { name: "grpc", port: 10901, protocol: "TCP" } },
          podLabels: role("ruler"),
        },
      },
      scrapeTargets: [
        {
          name: "thanos",
          job: "thanos",
          namespace: "obs",
          podLabels: {
            "app.kubernetes.io/name": "thanos",
            "app.kubernetes.io/instance": "materialize-monitoring",
          },
          portName: "http",
          path: "/metrics",
          scheme: "http",
          hostNetwork: false,
          source: "thanos",
        },
      ],
      clients: { ruler: { podLabels: role("ruler"), namespace: "obs" } },
    });
    for (const url of [
      c.endpoints.remoteWriteUrl,
      c.endpoints.promqlUrl,
      c.endpoints.queryUrl,
      c.endpoints.rulerUrl ?? "",
    ]) {
      assertServed(c.objects, url);
    }
  });

  it("without a frontend, Grafana's PromQL URL is the querier", () => {
    const c = thanos({ objectStorage: S3, queryFrontend: { enabled: false } });
    expect(c.endpoints.promqlUrl).toBe(c.endpoints.queryUrl);
    expect(c.endpoints.podSelectors.promql["app.kubernetes.io/component"]).toBe("query");
    expect(c.objects.some((o) => o.metadata.name.startsWith("thanos-query-frontend"))).toBe(false);
  });

  it("dev: the querier serves PromQL, and there is no store gateway address", () => {
    const c = thanos({ mode: "dev" });
    expect(c.endpoints.promqlUrl).toBe("http://thanos-query.monitoring.svc.cluster.local:10902");
    expect(c.endpoints.storeApi.store).toBeUndefined();
    assertServed(c.objects, c.endpoints.remoteWriteUrl);
  });

  it("without a ruler, there is no ruler URL or StoreAPI", () => {
    const c = thanos({ objectStorage: S3, ruler: { enabled: false } });
    expect(c.endpoints.rulerUrl).toBeUndefined();
    expect(c.endpoints.storeApi.ruler).toBeUndefined();
  });
});

describe("thanosEndpoints", () => {
  const CORP = { namespace: "observability", clusterDomain: "corp.example", namePrefix: "mz-" };
  const VALUES: [string, Parameters<typeof thanos>[0]][] = [
    ["ha with a Secret-keyed bucket", { objectStorage: S3 }],
    ["ha large with workload identity", { objectStorage: S3_IRSA, preset: "large" }],
    ["dev without a bucket", { mode: "dev" }],
  ];
  describe.each([
    ["the default context", {}],
    ["observability.corp.example with a name prefix", CORP],
  ])("in %s", (_c, ctx) => {
    it.each(VALUES)("%s: equals the built component's endpoints", (_n, values) => {
      expect(thanosEndpoints(values, ctx)).toEqual(thanos(values, ctx).endpoints);
    });
  });

  it.each(VALUES)("%s: every address uses the context's domain and namespace", (_n, values) => {
    const c = thanos(values, CORP);
    const json = JSON.stringify([c.objects, c.endpoints]);
    expect(json).not.toContain("cluster.local");
    expect(json).not.toMatch(/\.svc[:/"]/);
    expect(json).toContain("mz-thanos-query.observability.svc.corp.example");
  });

  it("the domain scan finds the default domain where it is written", () => {
    expect(JSON.stringify(thanos({ objectStorage: S3 }).objects)).toContain(
      "thanos-receive-headless.monitoring.svc.cluster.local",
    );
  });
});
