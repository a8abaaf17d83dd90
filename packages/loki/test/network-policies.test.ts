import {
  defaultBuildContext,
  type NetworkPolicy,
  type NetworkPolicyPeer,
} from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { type LokiValues, loki, memberlistSelector } from "../src/index.js";
import { findAll, podLabels, policy, S3, selects } from "./helpers.js";

const SERVER = memberlistSelector(defaultBuildContext());
const GATEWAY = {
  "app.kubernetes.io/name": "loki",
  "app.kubernetes.io/instance": "materialize-monitoring",
  "app.kubernetes.io/component": "gateway",
};

type Rule = { peers: NetworkPolicyPeer[]; ports: (number | string | undefined)[] };

function ingress(p: NetworkPolicy): Rule[] {
  return (p.spec?.ingress ?? []).map((r) => ({
    peers: r.from ?? [],
    ports: (r.ports ?? []).map((x) => x.port),
  }));
}

function egress(p: NetworkPolicy): Rule[] {
  return (p.spec?.egress ?? []).map((r) => ({
    peers: r.to ?? [],
    ports: (r.ports ?? []).map((x) => x.port),
  }));
}

function build(values: LokiValues = {}) {
  return loki({ storage: S3, ...values });
}

describe("NetworkPolicies", () => {
  const c = build({ ruler: { alertmanagerUrls: ["http://alertmanager.monitoring.svc:9093"] } });

  it("lets the pipeline and Grafana reach the gateway on 8080, by the label selectors the umbrella fills", () => {
    const gw = policy(c.objects, "loki-gateway");
    expect(gw.spec?.podSelector.matchLabels).toEqual(GATEWAY);
    expect(ingress(gw)).toEqual([
      {
        peers: [
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } } },
          { podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } } },
        ],
        ports: [8080],
      },
    ]);
    expect(egress(gw)[1]).toEqual({
      peers: [{ podSelector: { matchLabels: SERVER } }],
      ports: [3100],
    });
  });

  it("allows gRPC and memberlist only between Loki pods", () => {
    const server = policy(c.objects, "loki");
    expect(server.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
    for (const name of ["loki-write", "loki-read", "loki-backend"]) {
      expect(selects(server.spec?.podSelector.matchLabels ?? {}, podLabels(c.objects, name))).toBe(
        true,
      );
    }
    const rules = ingress(server);
    const withGrpc = rules.filter((r) => r.ports.includes(9095) || r.ports.includes(7946));
    expect(withGrpc).toEqual([
      { peers: [{ podSelector: { matchLabels: SERVER } }], ports: [3100, 9095, 7946] },
    ]);
    expect(rules).toContainEqual({
      peers: [{ podSelector: { matchLabels: GATEWAY } }],
      ports: [3100],
    });
    expect(rules).toContainEqual({
      peers: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } } }],
      ports: [3100],
    });
  });

  it("lets Loki pods reach DNS, each other, the caches, object storage on 443 and Alertmanager", () => {
    const rules = egress(policy(c.objects, "loki"));
    expect(rules[0]?.ports).toEqual([53, 53]);
    expect(rules).toContainEqual({
      peers: [{ podSelector: { matchLabels: SERVER } }],
      ports: [3100, 9095, 7946],
    });
    for (const cache of ["chunks-cache", "results-cache"]) {
      expect(rules).toContainEqual({
        peers: [
          { podSelector: { matchLabels: { ...GATEWAY, "app.kubernetes.io/component": cache } } },
        ],
        ports: [11211],
      });
    }
    expect(rules).toContainEqual({ peers: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [443] });
    expect(rules).toContainEqual({
      peers: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager" } } }],
      ports: [9093],
    });
  });

  it("lets the ruler out to an Alertmanager outside the cluster by its addresses", () => {
    const c = build({
      ruler: { alertmanagerUrls: ["https://alertmanager-1.ops.example"] },
      networkPolicy: { alertmanager: [], alertmanagerCidrs: ["203.0.113.0/28"] },
    });
    const rules = egress(policy(c.objects, "loki"));
    expect(rules).toContainEqual({
      peers: [{ ipBlock: { cidr: "203.0.113.0/28" } }],
      ports: [443],
    });
    const none = build({
      ruler: { alertmanagerUrls: ["https://alertmanager-1.ops.example"] },
      networkPolicy: { alertmanager: [] },
    });
    expect(
      egress(policy(none.objects, "loki")).some(
        (r) => r.ports.includes(443) && r.peers.length === 0,
      ),
    ).toBe(false);
  });

  it("takes object-storage CIDRs and the port of an S3-compatible endpoint from values", () => {
    const minio = build({
      storage: {
        type: "s3",
        bucket: "logs",
        region: "local",
        endpoint: "minio.storage.svc:9000",
        insecure: true,
      },
      networkPolicy: { objectStorageCidrs: ["10.0.0.0/8"] },
    });
    expect(egress(policy(minio.objects, "loki"))).toContainEqual({
      peers: [{ ipBlock: { cidr: "10.0.0.0/8" } }],
      ports: [9000],
    });
  });

  it("has no object-storage egress on the filesystem, and no memberlist in single-binary mode", () => {
    const single = loki({ mode: "single-binary", size: "small" });
    const rules = egress(policy(single.objects, "loki"));
    expect(rules.some((r) => r.peers.some((p) => p.ipBlock))).toBe(false);
    expect(rules).toContainEqual({
      peers: [{ podSelector: { matchLabels: SERVER } }],
      ports: [3100, 9095],
    });
  });

  it("lets only Loki pods reach memcached, which reaches nothing", () => {
    const cache = policy(c.objects, "loki-chunks-cache");
    expect(ingress(cache)).toEqual([
      { peers: [{ podSelector: { matchLabels: SERVER } }], ports: [11211] },
    ]);
    expect(cache.spec?.egress).toEqual([]);
    expect(cache.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
  });

  it("uses the peers the umbrella gives, in other namespaces too", () => {
    const wired = build({
      networkPolicy: {
        pipeline: [
          {
            podLabels: { app: "collector" },
            namespaceLabels: { "kubernetes.io/metadata.name": "agents" },
          },
        ],
        grafana: [],
      },
    });
    expect(ingress(policy(wired.objects, "loki-gateway"))).toEqual([
      {
        peers: [
          {
            podSelector: { matchLabels: { app: "collector" } },
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "agents" } },
          },
        ],
        ports: [8080],
      },
    ]);
  });

  it("never opens a port to every pod when a peer list is empty", () => {
    const closed = build({ networkPolicy: { pipeline: [], grafana: [], scrapers: [] } });
    for (const p of findAll(closed.objects, "NetworkPolicy") as NetworkPolicy[]) {
      for (const rule of p.spec?.ingress ?? [])
        expect(rule.from?.length ?? 0, p.metadata?.name).toBeGreaterThan(0);
    }
    expect(policy(closed.objects, "loki-gateway").spec?.ingress).toEqual([]);
  });

  it("lets clients straight into the Loki pods when the gateway is off", () => {
    const direct = build({ gateway: { enabled: false } });
    expect(direct.objects.some((o) => o.metadata.name === "loki-gateway")).toBe(false);
    expect(ingress(policy(direct.objects, "loki"))[0]).toEqual({
      peers: [
        { podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } } },
        { podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } } },
      ],
      ports: [3100],
    });
  });

  it("allows the GKE metadata server with GCP workload identity", () => {
    const gke = build({
      storage: { type: "gcs", bucket: "logs" },
      workloadIdentity: { gcp: { serviceAccount: "loki@p.iam.gserviceaccount.com" } },
    });
    expect(egress(policy(gke.objects, "loki"))).toContainEqual({
      peers: [{ ipBlock: { cidr: "169.254.169.254/32" } }],
      ports: [80],
    });
  });

  it("can be switched off", () => {
    expect(findAll(build({ networkPolicy: { enabled: false } }).objects, "NetworkPolicy")).toEqual(
      [],
    );
  });
});
