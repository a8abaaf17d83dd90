import { defaultBuildContext, type KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  dashboardManifest,
  deletionRank,
  grafanaDashboard,
  grafanaFolder,
  grafanaOperator,
  immutableFieldChanges,
  lokiDatasource,
  uninstallOrder,
  uninstallPhases,
} from "../src/index.js";

const ctx = defaultBuildContext();
const model = { uid: "overview", title: "Overview", panels: [] };

describe("immutableFieldChanges (the CRDs' transition rules, checked before apply)", () => {
  it("reports nothing for a re-render", () => {
    const a = grafanaDashboard(ctx, { name: "overview", dashboard: model });
    const b = grafanaDashboard(ctx, { name: "overview", dashboard: model });
    expect(immutableFieldChanges(a, b)).toEqual([]);
  });

  it("reports a changed uid and instanceSelector, with the fix", () => {
    const before = grafanaDashboard(ctx, { name: "overview", dashboard: model });
    const after = grafanaDashboard(ctx, {
      name: "overview",
      dashboard: model,
      uid: "overview-2",
      instanceSelector: { matchLabels: { dashboards: "other" } },
    });
    expect(immutableFieldChanges(before, after)).toEqual([
      {
        path: "GrafanaDashboard/monitoring/overview spec.uid",
        message: "spec.uid is immutable",
        hint: "delete the custom resource and apply it again (the operator re-creates it in Grafana)",
      },
      expect.objectContaining({ message: "spec.instanceSelector is immutable" }),
    ]);
  });

  it("reports turning allowCrossNamespaceImport off, but not on", () => {
    const on = lokiDatasource(ctx, { url: "http://loki:3100", allowCrossNamespaceImport: true });
    const off = lokiDatasource(ctx, { url: "http://loki:3100" });
    expect(immutableFieldChanges(off, on)).toEqual([]);
    expect(immutableFieldChanges(on, off).map((p) => p.message)).toEqual([
      "disabling spec.allowCrossNamespaceImport requires a recreate to ensure desired state",
    ]);
  });

  it("reports a GrafanaManifest whose template name or namespace moved", () => {
    const before = dashboardManifest(ctx, { name: "m", dashboard: { title: "M" }, uid: "m-1" });
    const after = dashboardManifest(ctx, {
      name: "m",
      dashboard: { title: "M" },
      uid: "m-2",
      tenantNamespace: "stacks-1",
    });
    expect(immutableFieldChanges(before, after).map((p) => p.message)).toEqual([
      "spec.template.metadata.name is immutable",
      "spec.template.metadata.namespace is immutable",
    ]);
  });

  it("ignores objects of other API groups", () => {
    const deployment = grafanaOperator().objects.find((o) => o.kind === "Deployment") as KubeObject;
    expect(immutableFieldChanges(deployment, deployment)).toEqual([]);
  });
});

describe("uninstall order", () => {
  const objects = [
    ...grafanaOperator({ datasources: { loki: { url: "http://loki-read:3100" } } }).objects,
    grafanaFolder(ctx, { name: "materialize" }),
    grafanaDashboard(ctx, { name: "overview", dashboard: model, folderRef: "materialize" }),
  ];

  it("deletes content, then folders, then the Grafana resource, then the operator, CRDs last", () => {
    const phases = uninstallPhases(objects);
    expect(phases.map((p) => p.phase)).toEqual([
      "content",
      "folders",
      "instances",
      "workloads",
      "definitions",
    ]);
    expect(phases[0]!.objects.map((o) => o.kind).sort()).toEqual([
      "GrafanaDashboard",
      "GrafanaDatasource",
    ]);
    expect(phases[2]!.objects.map((o) => o.kind)).toEqual(["Grafana"]);
    expect(phases[4]!.objects.every((o) => o.kind === "CustomResourceDefinition")).toBe(true);
  });

  it("removes the operator's workload before the RBAC it runs with", () => {
    const kinds = uninstallOrder(objects)
      .filter(
        (o) =>
          !o.apiVersion.startsWith("grafana.integreatly.org/") &&
          o.kind !== "CustomResourceDefinition",
      )
      .map((o) => o.kind);
    expect(kinds.indexOf("Deployment")).toBeLessThan(kinds.indexOf("Role"));
    expect(kinds.indexOf("Role")).toBeLessThan(kinds.indexOf("ServiceAccount"));
    expect(kinds[0]).toBe("NetworkPolicy");
  });

  it("ranks every custom resource before every operator object", () => {
    const custom = objects.filter((o) => o.apiVersion.startsWith("grafana.integreatly.org/"));
    const operator = objects.filter((o) => o.kind === "Deployment");
    const worstCustom = Math.max(...custom.map(deletionRank));
    expect(worstCustom).toBeLessThan(Math.min(...operator.map(deletionRank)));
  });
});
