import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import {
  grafanaOperator,
  LEADER_ELECTION_RULES,
  OPERATOR_PORTS,
  OPERATOR_RULES,
  OPERATOR_VERSION,
} from "../src/index.js";

const upstream = join(import.meta.dirname, "..", "vendor", `grafana-operator-${OPERATOR_VERSION}`);

function documents(file: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(readFileSync(join(upstream, file), "utf8"));
  if (!Array.isArray(docs)) throw new Error(file);
  return docs.map((d) => d.toJS() as Record<string, unknown>).filter(Boolean);
}

describe("facts from the upstream manifests (vendor/.../rbac, manager)", () => {
  it("grants the manager exactly upstream's ClusterRole rules", () => {
    const clusterRole = documents("rbac/role.yaml").find((d) => d.kind === "ClusterRole");
    expect(OPERATOR_RULES).toEqual(clusterRole?.rules);
  });

  it("grants leader election exactly upstream's Role rules", () => {
    const leader = documents("rbac/leader_election_role.yaml")[0];
    expect(LEADER_ELECTION_RULES).toEqual(leader?.rules);
  });

  it("uses upstream's ports and probe paths", () => {
    const manager = documents("manager/manager.yaml").find((d) => d.kind === "Deployment") as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const upstreamContainer = manager.spec.template.spec.containers[0] as {
      args: string[];
      ports: { name: string; containerPort: number }[];
      livenessProbe: { httpGet: { path: string; port: number } };
      readinessProbe: { httpGet: { path: string; port: number } };
    };
    expect(upstreamContainer.ports.find((p) => p.name === "metrics")?.containerPort).toBe(
      OPERATOR_PORTS.metrics,
    );
    expect(upstreamContainer.livenessProbe.httpGet.port).toBe(OPERATOR_PORTS.health);
    expect(upstreamContainer.args).toContain(
      `--health-probe-bind-address=:${OPERATOR_PORTS.health}`,
    );

    const ours = grafanaOperator().objects.find((o) => o.kind === "Deployment") as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    const container = ours.spec.template.spec.containers[0] as typeof upstreamContainer;
    expect(container.livenessProbe.httpGet.path).toBe(upstreamContainer.livenessProbe.httpGet.path);
    expect(container.readinessProbe.httpGet.path).toBe(
      upstreamContainer.readinessProbe.httpGet.path,
    );
    expect(container.ports.map((p) => p.containerPort)).toEqual([9090, 8081]);
  });
});
