import { describe, expect, it } from "vitest";
import { loki } from "../src/index.js";
import { S3, service } from "./helpers.js";

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

  it("uses the cluster domain from values", () => {
    expect(loki({ storage: S3, clusterDomain: "corp.internal" }).endpoints.queryUrl).toBe(
      "http://loki-gateway.monitoring.svc.corp.internal:80",
    );
  });
});
