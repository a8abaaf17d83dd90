/**
 * Horizontal autoscaling of the stateless read paths (issue 20, point 2):
 * Thanos query and query-frontend, Loki's read target and query-frontend,
 * beside the Alloy gateway's. Each HPA owns its Deployment's count, so the
 * Deployment writes no `replicas` (an apply would otherwise reset it).
 */
import type { KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { stack } from "../src/stack.js";
import { validateStack } from "../src/validate.js";

const ALL = {
  thanos: {
    query: { autoscaling: { enabled: true, maxReplicas: 8 } },
    queryFrontend: { autoscaling: { enabled: true, memoryUtilization: 80 } },
  },
  loki: {
    read: { autoscaling: { enabled: true, maxReplicas: 10 } },
    queryFrontend: { enabled: true, autoscaling: { enabled: true } },
  },
};

type Hpa = KubeObject & {
  spec: {
    scaleTargetRef: { kind: string; name: string };
    minReplicas: number;
    maxReplicas: number;
    metrics: { resource: { name: string; target: { averageUtilization: number } } }[];
  };
};
const hpas = (objects: readonly KubeObject[]) =>
  objects.filter((o) => o.kind === "HorizontalPodAutoscaler") as Hpa[];
const deployment = (objects: readonly KubeObject[], name: string) =>
  objects.find((o) => o.kind === "Deployment" && o.metadata.name === name) as
    | (KubeObject & { spec: { replicas?: number } })
    | undefined;

describe("autoscaling the stateless read paths", () => {
  const built = stack(ALL);

  it("renders one HPA per autoscaled Deployment, between replicas and maxReplicas", () => {
    const byTarget = Object.fromEntries(
      hpas(built.objects).map((h) => [
        h.spec.scaleTargetRef.name,
        [h.spec.minReplicas, h.spec.maxReplicas, h.spec.metrics.map((m) => m.resource.name)],
      ]),
    );
    expect(byTarget).toEqual({
      "alloy-gateway": [2, 6, ["cpu", "memory"]],
      "thanos-query": [2, 8, ["cpu"]],
      "thanos-query-frontend": [2, 6, ["cpu", "memory"]],
      "loki-read": [3, 10, ["cpu"]],
      "loki-query-frontend": [2, 6, ["cpu"]],
    });
  });

  it("leaves the count of an autoscaled Deployment to its HPA, and keeps it elsewhere", () => {
    for (const name of [
      "thanos-query",
      "thanos-query-frontend",
      "loki-read",
      "loki-query-frontend",
      "alloy-gateway",
    ])
      expect(deployment(built.objects, name)?.spec.replicas, name).toBeUndefined();
    expect(deployment(stack({}).objects, "thanos-query")?.spec.replicas).toBe(2);
    expect(deployment(stack({}).objects, "loki-read")?.spec.replicas).toBe(3);
  });

  it("keeps a PodDisruptionBudget for every autoscaled role", () => {
    const pdbs = built.objects
      .filter((o) => o.kind === "PodDisruptionBudget")
      .map((o) => o.metadata.name);
    for (const name of [
      "thanos-query",
      "thanos-query-frontend",
      "loki-read",
      "loki-query-frontend",
    ])
      expect(pdbs).toContain(name);
  });

  it("validates with 0 problems (the HPAs against the Kubernetes schema)", async () => {
    expect(await validateStack(built)).toEqual([]);
  });

  it.each([
    [
      { thanos: { query: { replicas: 3, autoscaling: { enabled: true, maxReplicas: 2 } } } },
      /thanos\.query\.autoscaling\.maxReplicas: is 2, below replicas \(3\)/,
    ],
    [
      { loki: { mode: "single-binary", read: { autoscaling: { enabled: true } } } },
      /loki\.read\.autoscaling\.enabled: is true, but the read path runs only in simple-scalable mode/,
    ],
    [
      { loki: { queryFrontend: { autoscaling: { enabled: true } } } },
      /loki\.queryFrontend\.autoscaling\.enabled: is true, but no query-frontend of its own runs/,
    ],
    [
      { thanos: { queryFrontend: { enabled: false, autoscaling: { enabled: true } } } },
      /thanos\.queryFrontend\.autoscaling\.enabled: is true, but the query-frontend does not run/,
    ],
  ])("refuses %j, naming the path and the fix", (values, message) => {
    expect(() => stack(values as Parameters<typeof stack>[0])).toThrow(message);
  });

  it("says when the autoscalers would have no resource metrics (metrics-server off)", () => {
    const off = stack({ ...ALL, exporters: { metricsServer: { enabled: false } } });
    expect(off.notices.join("\n")).toMatch(
      /thanos-query.*scale on CPU and memory from the resource metrics API, and the stack's metrics-server is off/,
    );
    expect(built.notices.join("\n")).not.toMatch(/resource metrics API/);
  });
});
