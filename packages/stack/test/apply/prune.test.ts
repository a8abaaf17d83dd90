import { describe, expect, it } from "vitest";
import { applyStack } from "../../src/apply/apply.js";
import {
  APPLYSET_GROUP_KINDS_ANNOTATION,
  APPLYSET_PART_OF_LABEL,
} from "../../src/apply/applyset.js";
import { deletionOrder, deletionPhase, selectPrune } from "../../src/apply/prune.js";
import type { LiveObject, ObjectRef } from "../../src/apply/resources.js";
import { annotationsOf, harness, NS, stackObjects, without, writeLog } from "./helpers.js";

const ref = (apiVersion: string, kind: string, name: string, namespace?: string): ObjectRef => ({
  apiVersion,
  kind,
  name,
  ...(namespace ? { namespace } : {}),
});

describe("deletion order", () => {
  it("deletes custom resources first, then built-ins in reverse apply order, CRDs and namespaces last", () => {
    const refs = [
      ref("v1", "Namespace", NS),
      ref(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        "grafanas.grafana.integreatly.org",
      ),
      ref("v1", "ConfigMap", "loki-config", NS),
      ref("apps/v1", "Deployment", "grafana-operator", NS),
      ref("v1", "ServiceAccount", "grafana-operator", NS),
      ref("grafana.integreatly.org/v1beta1", "Grafana", "grafana", NS),
      ref("policy/v1", "PodDisruptionBudget", "loki", NS),
      ref("rbac.authorization.k8s.io/v1", "ClusterRole", "grafana-operator"),
      ref("v1", "Service", "loki", NS),
      ref("grafana.integreatly.org/v1beta1", "GrafanaDashboard", "overview", NS),
      ref("grafana.integreatly.org/v1beta1", "GrafanaFolder", "materialize", NS),
    ];
    expect(deletionOrder(refs).map((r) => `${r.kind}/${r.name}`)).toEqual([
      "GrafanaDashboard/overview",
      "GrafanaFolder/materialize",
      "Grafana/grafana",
      "PodDisruptionBudget/loki",
      "Deployment/grafana-operator",
      "Service/loki",
      "ConfigMap/loki-config",
      "ClusterRole/grafana-operator",
      "ServiceAccount/grafana-operator",
      "CustomResourceDefinition/grafanas.grafana.integreatly.org",
      "Namespace/monitoring",
    ]);
    // grafana-operator's documented order: content, then folders, then the instance.
    expect(deletionPhase(ref("grafana.integreatly.org/v1beta1", "GrafanaDashboard", "d"))).toBe(0);
    expect(deletionPhase(ref("grafana.integreatly.org/v1beta1", "GrafanaFolder", "f"))).toBe(1);
    expect(deletionPhase(ref("grafana.integreatly.org/v1beta1", "Grafana", "g"))).toBe(2);
    // The version a server lists an object in does not change its rank.
    expect(deletionPhase(ref("autoscaling/v1", "HorizontalPodAutoscaler", "h"))).toBe(3);
  });

  it("selects owned objects that are not rendered, by group-kind identity, and keeps CRDs, namespaces and owned-by-others", () => {
    const live = (
      apiVersion: string,
      kind: string,
      name: string,
      extra: Partial<LiveObject["metadata"]> = {},
    ) => ({ apiVersion, kind, metadata: { name, namespace: NS, ...extra } }) as LiveObject;
    const members = [
      live("apps/v1", "Deployment", "kept-rendered"),
      live("apps/v1", "Deployment", "gone"),
      live("apiextensions.k8s.io/v1", "CustomResourceDefinition", "old.example.com"),
      live("v1", "Namespace", "old-namespace"),
      live("v1", "ConfigMap", "child", {
        ownerReferences: [{ apiVersion: "v1", kind: "Thing", name: "x" }],
      }),
      live("autoscaling/v1", "HorizontalPodAutoscaler", "still-rendered-in-v2"),
    ];
    const rendered = [
      ref("apps/v1", "Deployment", "kept-rendered", NS),
      ref("autoscaling/v2", "HorizontalPodAutoscaler", "still-rendered-in-v2", NS),
    ];
    const selection = selectPrune(members, rendered);
    expect(selection.prune.map((o) => o.metadata.name)).toEqual(["gone"]);
    expect(selection.kept.map((k) => `${k.object.metadata.name}: ${k.reason}`)).toEqual([
      "old.example.com: CRDs are only deleted with --prune-crds / --include-crds",
      "old-namespace: namespaces are never pruned (that would delete their contents)",
      "child: it has owner references; its owner decides",
    ]);
    expect(
      selectPrune(members, rendered, { pruneCrds: true }).prune.map((o) => o.metadata.name),
    ).toEqual(["gone", "old.example.com"]);
  });
});

describe("apply --prune", () => {
  const smaller = () =>
    without(
      stackObjects(),
      "GrafanaDashboard/materialize-overview",
      "Deployment/grafana-operator",
      "ConfigMap/loki-config",
      "CustomResourceDefinition/grafanadashboards.grafana.integreatly.org",
    );

  async function installed() {
    const h = await harness();
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    // Someone else's objects: one without our label, one of another ApplySet, in the same namespace.
    h.server.seed({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "user-config", namespace: NS },
    });
    h.server.seed({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "other-tool",
        namespace: NS,
        labels: { [APPLYSET_PART_OF_LABEL]: "applyset-someone-else-v1" },
      },
    });
    h.server.requests.length = 0;
    return h;
  }

  it("deletes exactly the owned objects that are no longer rendered, custom resources before the operator", async () => {
    const h = await installed();
    const result = await applyStack(h.api, {
      objects: smaller(),
      applySet: h.set,
      prune: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    const deletes = writeLog(h.server).filter((w) => w.startsWith("DELETE"));
    expect(deletes).toEqual([
      "DELETE grafanadashboards/materialize-overview",
      "DELETE deployments/grafana-operator",
      "DELETE configmaps/loki-config",
    ]);
    expect(h.server.get("v1", "ConfigMap", NS, "user-config")).toBeDefined();
    expect(h.server.get("apps/v1", "Deployment", NS, "other-tool")).toBeDefined();
    // The CRD is kept (no --prune-crds) and said so.
    expect(result.kept.map((k) => `${k.ref.kind}/${k.ref.name}`)).toEqual([
      "CustomResourceDefinition/grafanadashboards.grafana.integreatly.org",
    ]);
    expect(
      h.server.get(
        "apiextensions.k8s.io/v1",
        "CustomResourceDefinition",
        undefined,
        "grafanadashboards.grafana.integreatly.org",
      ),
    ).toBeDefined();
    // Listing used the label selector of this ApplySet, in the namespace and cluster-wide for cluster kinds.
    const lists = h.server.requests.filter((r) => r.method === "GET" && r.query.labelSelector);
    for (const list of lists)
      expect(list.query.labelSelector).toBe(`${APPLYSET_PART_OF_LABEL}=${h.set.id}`);
    expect(lists.map((l) => l.path)).toContain("/apis/apps/v1/namespaces/monitoring/deployments");
    expect(lists.map((l) => l.path)).toContain(
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    );
    // The hints now list what is left: GrafanaDashboard and Deployment are gone, the kept CRD stays.
    const parent = h.server.get("v1", "Secret", NS, "materialize-monitoring-applyset");
    const groupKinds = annotationsOf(parent)[APPLYSET_GROUP_KINDS_ANNOTATION];
    expect(groupKinds).not.toContain("GrafanaDashboard");
    expect(groupKinds).toContain("CustomResourceDefinition.apiextensions.k8s.io");
    expect(groupKinds).toContain("StatefulSet.apps");
    expect(groupKinds).not.toContain("Deployment.apps");
  });

  it("waits until custom resources are gone before deleting the operator (finalizers)", async () => {
    const h = await installed();
    h.server.deletionPolls.set("GrafanaDashboard", 3);
    await applyStack(h.api, {
      objects: smaller(),
      applySet: h.set,
      prune: true,
      reporter: h.reporter,
      clock: h.clock,
      intervalMs: 100,
    });
    const log = h.server.requests.map(
      (r) => `${r.method} ${r.path.split("/").slice(-2).join("/")}`,
    );
    const deleteCr = log.indexOf("DELETE grafanadashboards/materialize-overview");
    const deleteOperator = log.indexOf("DELETE deployments/grafana-operator");
    const polls = log
      .slice(deleteCr, deleteOperator)
      .filter((l) => l === "GET grafanadashboards/materialize-overview");
    expect(polls.length).toBe(3);
    expect(deleteCr).toBeLessThan(deleteOperator);
  });

  it("deletes CRDs last, and only with --prune-crds", async () => {
    const h = await installed();
    await applyStack(h.api, {
      objects: smaller(),
      applySet: h.set,
      prune: true,
      pruneCrds: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(writeLog(h.server).filter((w) => w.startsWith("DELETE"))).toEqual([
      "DELETE grafanadashboards/materialize-overview",
      "DELETE deployments/grafana-operator",
      "DELETE configmaps/loki-config",
      "DELETE customresourcedefinitions/grafanadashboards.grafana.integreatly.org",
    ]);
  });

  it("under --dry-run=server sends the deletions with dryRun=All and deletes nothing", async () => {
    const h = await installed();
    const result = await applyStack(h.api, {
      objects: smaller(),
      applySet: h.set,
      prune: true,
      dryRun: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    const deletes = h.server.requests.filter((r) => r.method === "DELETE");
    expect(deletes).toHaveLength(3);
    for (const request of deletes) expect(request.query.dryRun).toBe("All");
    expect(result.pruned).toHaveLength(3);
    expect(h.server.get("apps/v1", "Deployment", NS, "grafana-operator")).toBeDefined();
  });

  it("does not prune when an object failed to apply", async () => {
    const h = await installed();
    h.server.fail({
      method: "PATCH",
      path: "/services/loki",
      status: 422,
      reason: "Invalid",
      message: "bad port",
    });
    const result = await applyStack(h.api, {
      objects: smaller(),
      applySet: h.set,
      prune: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(false);
    expect(h.server.requests.filter((r) => r.method === "DELETE")).toEqual([]);
    expect(h.events).toContainEqual({
      type: "warning",
      message: "not pruning: some objects failed to apply or roll out; fix them and apply again",
    });
  });

  it("never prunes without --prune: the parent keeps listing old group-kinds so a later prune finds them", async () => {
    const h = await installed();
    await applyStack(h.api, {
      objects: smaller(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(h.server.requests.filter((r) => r.method === "DELETE")).toEqual([]);
    const parent = h.server.get("v1", "Secret", NS, "materialize-monitoring-applyset");
    expect(annotationsOf(parent)[APPLYSET_GROUP_KINDS_ANNOTATION]).toContain(
      "GrafanaDashboard.grafana.integreatly.org",
    );
  });
});
