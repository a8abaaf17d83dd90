import type { KubeObject, NetworkPolicy, NetworkPolicyPeer } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { thanos } from "../src/index.js";
import { find, S3 } from "./helpers.js";

type Rule = { peers: NetworkPolicyPeer[] | undefined; ports: (number | string | undefined)[] };

function policy(objects: readonly KubeObject[], name: string): NetworkPolicy {
  return find(objects, "NetworkPolicy", name) as NetworkPolicy;
}

function ingress(objects: readonly KubeObject[], name: string): Rule[] {
  return (policy(objects, name).spec?.ingress ?? []).map((r) => ({
    peers: r.from,
    ports: (r.ports ?? []).map((p) => p.port),
  }));
}

function egress(objects: readonly KubeObject[], name: string): Rule[] {
  return (policy(objects, name).spec?.egress ?? []).map((r) => ({
    peers: r.to,
    ports: (r.ports ?? []).map((p) => p.port),
  }));
}

const component = (role: string) => ({
  podSelector: {
    matchLabels: {
      "app.kubernetes.io/name": "thanos",
      "app.kubernetes.io/instance": "materialize-monitoring",
      "app.kubernetes.io/component": role,
    },
  },
});
const pipeline = { podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } } };
const grafana = { podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } } };

describe("network policies", () => {
  const c = thanos({
    objectStorage: S3,
    ruler: {
      alertmanagers: [{ srv: "_http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local" }],
    },
  });

  it("every Thanos workload is covered by a policy in both directions", () => {
    for (const name of [
      "thanos-receive",
      "thanos-query",
      "thanos-query-frontend",
      "thanos-store",
      "thanos-compactor",
      "thanos-ruler",
    ]) {
      expect(policy(c.objects, name).spec?.policyTypes).toEqual(["Ingress", "Egress"]);
    }
  });

  it("the pipeline remote-writes to receive; receives forward to each other over gRPC", () => {
    const rules = ingress(c.objects, "thanos-receive");
    expect(rules).toContainEqual({ peers: [pipeline], ports: [19291] });
    expect(rules).toContainEqual({ peers: [component("receive")], ports: [10901] });
    expect(rules).toContainEqual({ peers: [component("query")], ports: [10901] });
    // Nobody else reaches remote write.
    expect(rules.filter((r) => r.ports.includes(19291))).toHaveLength(1);
  });

  it("Grafana reaches the frontend, not the querier; the querier is reached by the frontend and the ruler", () => {
    expect(ingress(c.objects, "thanos-query-frontend")).toContainEqual({
      peers: [grafana],
      ports: [10902],
    });
    const query = ingress(c.objects, "thanos-query");
    expect(query).toContainEqual({
      peers: [component("query-frontend"), component("ruler")],
      ports: [10902],
    });
    expect(JSON.stringify(query)).not.toContain('"grafana"');
  });

  it("gRPC StoreAPI is internal: only query calls store, ruler and receive on 10901", () => {
    expect(ingress(c.objects, "thanos-store")).toContainEqual({
      peers: [component("query")],
      ports: [10901],
    });
    expect(egress(c.objects, "thanos-query")).toContainEqual({
      peers: [component("receive"), component("store"), component("ruler")],
      ports: [10901],
    });
    for (const name of ["thanos-store", "thanos-ruler", "thanos-receive"]) {
      const grpcPeers = ingress(c.objects, name)
        .filter((r) => r.ports.includes(10901))
        .flatMap((r) => r.peers ?? []);
      for (const peer of grpcPeers) {
        expect(peer.podSelector?.matchLabels?.["app.kubernetes.io/name"]).toBe("thanos");
      }
    }
  });

  it("the ruler sends alerts to the Alertmanager peer and queries query", () => {
    const rules = egress(c.objects, "thanos-ruler");
    expect(rules).toContainEqual({
      peers: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager" } } }],
      ports: [9093],
    });
    expect(rules).toContainEqual({ peers: [component("query")], ports: [10902] });
  });

  it("the ruler reaches an Alertmanager outside the cluster by its addresses", () => {
    const outside = thanos({
      objectStorage: S3,
      ruler: { alertmanagers: [{ url: "https://alertmanager-1.ops.example" }] },
      networkPolicy: { alertmanagerPorts: [], alertmanagerCidrs: ["203.0.113.0/28"] },
    });
    expect(egress(outside.objects, "thanos-ruler")).toContainEqual({
      peers: [
        { podSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager" } } },
        { ipBlock: { cidr: "203.0.113.0/28" } },
      ],
      ports: [443],
    });
    expect(() =>
      thanos({ objectStorage: S3, networkPolicy: { alertmanagerCidrs: ["not-a-cidr"] } }),
    ).toThrow(/thanos\.networkPolicy\.alertmanagerCidrs\[0\]: not a CIDR/);
  });

  it("bucket users may reach object storage; query and frontend may not", () => {
    const bucket = { peers: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [443] };
    for (const name of ["thanos-receive", "thanos-store", "thanos-compactor", "thanos-ruler"]) {
      expect(egress(c.objects, name)).toContainEqual(bucket);
    }
    for (const name of ["thanos-query", "thanos-query-frontend"]) {
      expect(egress(c.objects, name)).not.toContainEqual(bucket);
    }
  });

  it("peers are values, including other namespaces", () => {
    const other = thanos({
      objectStorage: S3,
      networkPolicy: {
        peers: {
          pipeline: {
            podLabels: { app: "gateway" },
            namespaceLabels: { "kubernetes.io/metadata.name": "pipeline" },
          },
        },
      },
    });
    expect(ingress(other.objects, "thanos-receive")).toContainEqual({
      peers: [
        {
          podSelector: { matchLabels: { app: "gateway" } },
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "pipeline" } },
        },
      ],
      ports: [19291],
    });
  });

  it("split mode: the pipeline writes to routers only; routers reach ingestors over gRPC", () => {
    const split = thanos({ objectStorage: S3, receive: { mode: "split", replicas: 3 } });
    expect(ingress(split.objects, "thanos-receive-router")).toContainEqual({
      peers: [pipeline],
      ports: [19291],
    });
    expect(ingress(split.objects, "thanos-receive").filter((r) => r.ports.includes(19291))).toEqual(
      [],
    );
    expect(ingress(split.objects, "thanos-receive")).toContainEqual({
      peers: [component("receive-router")],
      ports: [10901],
    });
    expect(egress(split.objects, "thanos-receive-router")).toContainEqual({
      peers: [component("receive")],
      ports: [10901],
    });
  });

  it("can be turned off", () => {
    const off = thanos({ objectStorage: S3, networkPolicy: { enabled: false } });
    expect(off.objects.some((o) => o.kind === "NetworkPolicy")).toBe(false);
  });
});
