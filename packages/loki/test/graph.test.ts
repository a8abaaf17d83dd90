import { defaultBuildContext } from "@materialize-monitoring/core";
import {
  checkAddresses,
  checkNetworkPolicies,
  checkPolicies,
  checkReferences,
  checkServices,
  type DeclaredConnection,
  wiredConnections,
} from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { type LokiValues, loki, memberlistSelector, PORT } from "../src/index.js";
import { S3 } from "./helpers.js";

const ALERTMANAGER = "alertmanager.monitoring.svc.cluster.local";

const VARIANTS: [string, LokiValues][] = [
  ["simple-scalable medium", { storage: S3 }],
  ["simple-scalable large with a query-frontend", { size: "large", storage: S3 }],
  [
    "simple-scalable with rules, Alertmanager and multi-tenancy",
    {
      storage: S3,
      tenancy: { authEnabled: true },
      ruler: {
        alertmanagerUrls: [`http://${ALERTMANAGER}:9093`],
        ruleFiles: {
          "a.yaml": { groups: [{ name: "g", rules: [{ record: "r", expr: "vector(1)" }] }] },
        },
      },
    },
  ],
  ["simple-scalable without the gateway", { storage: S3, gateway: { enabled: false } }],
  ["single-binary small", { mode: "single-binary", size: "small" }],
  ["single-binary medium with caches", { mode: "single-binary" }],
];

/**
 * Traffic Loki finds by itself rather than through an address in a config:
 * gossip between all members, gRPC between components (distributor to
 * ingester, querier to ingester, index gateway and scheduler, results back to
 * the frontend) and HTTP between them (compactor API, ring pages).
 */
function lokiInternalTraffic(): DeclaredConnection[] {
  const ctx = defaultBuildContext();
  const members = { matchLabels: memberlistSelector(ctx) };
  return [PORT.http.name, PORT.grpc.name, PORT.memberlist.name].map((port) => ({
    from: { namespace: ctx.namespace, selector: members },
    to: { namespace: ctx.namespace, selector: members },
    port,
    description: `Loki components to each other on ${port}`,
  }));
}

describe("core graph, network and policy checks", () => {
  it.each(VARIANTS)("%s: every Service selects pods with the ports it names", (_n, values) => {
    expect(checkServices(loki(values).objects)).toEqual([]);
  });

  it.each(VARIANTS)("%s: every referenced object exists or is the user's Secret", (_n, values) => {
    expect(checkReferences(loki(values).objects, { secrets: ["loki-s3"] })).toEqual([]);
  });

  it.each(VARIANTS)(
    "%s: every address in a config resolves to a rendered Service and port",
    (_n, values) => {
      expect(
        checkAddresses(loki(values).objects, { ignoreHosts: [ALERTMANAGER] }).problems,
      ).toEqual([]);
    },
  );

  it.each(VARIANTS)(
    "%s: NetworkPolicies allow the wired connections and nothing else",
    (_n, values) => {
      const objects = loki(values).objects;
      const { addresses } = checkAddresses(objects, { ignoreHosts: [ALERTMANAGER] });
      const connections = wiredConnections(objects, addresses, { declared: lokiInternalTraffic() });
      expect(checkNetworkPolicies(objects, connections)).toEqual([]);
    },
  );

  it.each(VARIANTS)(
    "%s: restricted pod security, PDBs, spreading, no credentials",
    (_n, values) => {
      expect(checkPolicies(loki(values).objects).problems).toEqual([]);
    },
  );

  it("would catch open traffic: without the policies every pod pair is reported", () => {
    const objects = loki({ storage: S3, networkPolicy: { enabled: false } }).objects;
    const { addresses } = checkAddresses(objects);
    const problems = checkNetworkPolicies(
      objects,
      wiredConnections(objects, addresses, { declared: lokiInternalTraffic() }),
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.check === "open")).toBe(true);
  });

  it("finds the gateway's upstreams and the memcached SRV records among the addresses", () => {
    const { addresses } = checkAddresses(loki({ storage: S3 }).objects);
    const services = new Set(
      addresses.map((a) => `${a.source} -> ${a.service}:${String(a.targetPort)}`),
    );
    expect(services).toContain(
      "ConfigMap/monitoring/loki-gateway -> Service/monitoring/loki-write:http-metrics",
    );
    expect(services).toContain(
      "ConfigMap/monitoring/loki-gateway -> Service/monitoring/loki-backend:http-metrics",
    );
    expect(services).toContain(
      "ConfigMap/monitoring/loki -> Service/monitoring/loki-chunks-cache:memcached",
    );
    expect(services).toContain(
      "ConfigMap/monitoring/loki -> Service/monitoring/loki-memberlist:tcp-memberlist",
    );
  });
});
