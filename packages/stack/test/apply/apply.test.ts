import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { applyStack } from "../../src/apply/apply.js";
import {
  APPLYSET_GROUP_KINDS_ANNOTATION,
  APPLYSET_ID_LABEL,
  APPLYSET_PART_OF_LABEL,
  APPLYSET_TOOLING_ANNOTATION,
  ApplySetError,
  applySetId,
  labelMembers,
} from "../../src/apply/applyset.js";
import { harness, NS, stackObjects, without, writeLog } from "./helpers.js";

const SSA = "application/apply-patch+yaml";

describe("apply: server-side apply requests", () => {
  it("sends every object as a server-side apply with the field manager, never forcing by default", async () => {
    const h = await harness();
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    const patches = h.server.requests.filter((r) => r.method === "PATCH");
    // 13 objects and the ApplySet parent Secret.
    expect(patches).toHaveLength(14);
    for (const patch of patches) {
      expect(patch.contentType).toBe(SSA);
      expect(patch.query.fieldManager).toBe("materialize-monitoring");
      expect(patch.query.force).toBeUndefined();
      expect(patch.query.dryRun).toBeUndefined();
      expect(patch.authorization).toBe(`Bearer ${h.server.token}`);
    }
    expect(result.objects.map((o) => o.action)).toEqual(Array(13).fill("created"));
  });

  it("applies namespaces, the ApplySet parent, CRDs (waiting until Established), then the rest in apply order", async () => {
    const h = await harness({ crdEstablishAfterPolls: 3 });
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      intervalMs: 1_000,
    });
    expect(writeLog(h.server)).toEqual([
      "PATCH namespaces/monitoring",
      "PATCH secrets/materialize-monitoring-applyset",
      "PATCH customresourcedefinitions/grafanadashboards.grafana.integreatly.org",
      "PATCH customresourcedefinitions/grafanas.grafana.integreatly.org",
      "PATCH serviceaccounts/grafana-operator",
      "PATCH clusterroles/grafana-operator",
      "PATCH secrets/loki-runtime",
      "PATCH configmaps/loki-config",
      "PATCH services/loki",
      "PATCH deployments/grafana-operator",
      "PATCH statefulsets/loki",
      "PATCH daemonsets/alloy-agent",
      "PATCH grafanas/grafana",
      "PATCH grafanadashboards/materialize-overview",
    ]);
    // Between the last CRD patch and the first other object: polls of both CRDs until Established.
    const requests = h.server.requests.map((r) => `${r.method} ${r.path}`);
    const lastCrdPatch = requests.lastIndexOf(
      "PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/grafanas.grafana.integreatly.org",
    );
    const firstOther = requests.findIndex((r) =>
      r.startsWith("PATCH /api/v1/namespaces/monitoring/serviceaccounts"),
    );
    const between = requests.slice(lastCrdPatch + 1, firstOther);
    const crdPolls = between.filter((r) =>
      r.startsWith("GET /apis/apiextensions.k8s.io/v1/customresourcedefinitions/"),
    );
    expect(crdPolls.length).toBeGreaterThanOrEqual(6);
    const establishedEvents = h.events.filter(
      (e) =>
        e.type === "object" && e.ref.kind === "CustomResourceDefinition" && e.action === "ready",
    );
    expect(establishedEvents).toHaveLength(2);
    // The wait slept between polls (fake clock), before any custom resource was sent.
    expect(h.clock.sleeps.slice(0, 2)).toEqual([1_000, 1_000]);
    // Discovery of the custom resources' group happens only after the wait.
    const grafanaDiscovery = requests.indexOf("GET /apis/grafana.integreatly.org/v1beta1");
    expect(grafanaDiscovery).toBeGreaterThan(firstOther);
  });

  it("labels every member with the ApplySet ID and records group-kinds and tooling on the parent Secret", async () => {
    const h = await harness();
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    const expectedId = `applyset-${createHash("sha256")
      .update(`materialize-monitoring-applyset.${NS}.Secret.`)
      .digest("base64url")}-v1`;
    expect(h.set.id).toBe(expectedId);
    expect(h.set.id).toMatch(/^applyset-[A-Za-z0-9_-]{43}-v1$/);
    const parent = h.server.get("v1", "Secret", NS, "materialize-monitoring-applyset");
    expect(parent?.metadata.labels?.[APPLYSET_ID_LABEL]).toBe(expectedId);
    const annotations = parent?.metadata.annotations as Record<string, string>;
    expect(annotations[APPLYSET_TOOLING_ANNOTATION]).toBe("materialize-monitoring/v1.2.3");
    expect(annotations[APPLYSET_GROUP_KINDS_ANNOTATION]).toBe(
      [
        "ClusterRole.rbac.authorization.k8s.io",
        "ConfigMap",
        "CustomResourceDefinition.apiextensions.k8s.io",
        "DaemonSet.apps",
        "Deployment.apps",
        "Grafana.grafana.integreatly.org",
        "GrafanaDashboard.grafana.integreatly.org",
        "Namespace",
        "Secret",
        "Service",
        "ServiceAccount",
        "StatefulSet.apps",
      ].join(","),
    );
    expect(parent?.data).toBeUndefined();
    for (const object of stackObjects()) {
      const stored = h.server.get(
        object.apiVersion,
        object.kind,
        object.metadata.namespace,
        object.metadata.name,
      );
      expect(stored?.metadata.labels?.[APPLYSET_PART_OF_LABEL], object.metadata.name).toBe(
        expectedId,
      );
      // The rest of the labels are kept.
      expect(stored?.metadata.labels).toMatchObject(object.metadata.labels ?? {});
    }
  });

  it("is idempotent: a second apply sends the same patches and reports every object unchanged", async () => {
    const h = await harness();
    const options = {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    };
    await applyStack(h.api, options);
    const first = h.server.requests.filter((r) => r.method === "PATCH");
    const versions = [...h.server.store.values()].map((s) => s.object.metadata.resourceVersion);
    h.server.requests.length = 0;
    const second = await applyStack(h.api, options);
    const again = h.server.requests.filter((r) => r.method === "PATCH");
    expect(again).toEqual(first);
    expect(second.objects.map((o) => o.action)).toEqual(Array(13).fill("unchanged"));
    expect([...h.server.store.values()].map((s) => s.object.metadata.resourceVersion)).toEqual(
      versions,
    );
    expect(h.server.requests.filter((r) => r.method === "DELETE" || r.method === "POST")).toEqual(
      [],
    );
  });

  it("reports a changed object as configured and the others as unchanged", async () => {
    const h = await harness();
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    const changed = stackObjects().map((o) =>
      o.kind === "ConfigMap" ? { ...o, data: { "config.yaml": "auth_enabled: true\n" } } : o,
    );
    const result = await applyStack(h.api, {
      objects: changed,
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.objects.filter((o) => o.action === "configured").map((o) => o.ref.name)).toEqual([
      "loki-config",
    ]);
    expect(result.objects.filter((o) => o.action === "unchanged")).toHaveLength(12);
  });

  it("uses an existing namespace without taking it over, and says so", async () => {
    const h = await harness();
    h.server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(result.objects[0]).toMatchObject({
      ref: { kind: "Namespace", name: NS },
      action: "configured",
      message: expect.stringContaining("existed before this install: used, not owned"),
    });
    expect(
      h.server.get("v1", "Namespace", undefined, NS)?.metadata.labels?.[APPLYSET_PART_OF_LABEL],
    ).toBeUndefined();
  });

  it("refuses an object that belongs to another ApplySet unless --force-conflicts", async () => {
    const h = await harness();
    h.server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
    h.server.seed({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "loki-config",
        namespace: NS,
        labels: { [APPLYSET_PART_OF_LABEL]: "applyset-other-v1" },
      },
    });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(false);
    const entry = result.objects.find((o) => o.ref.name === "loki-config");
    expect(entry?.action).toBe("conflict");
    expect(entry?.message).toContain("applyset-other-v1");
    expect(writeLog(h.server)).not.toContain("PATCH configmaps/loki-config");
  });
});

describe("apply: ApplySet parent safety", () => {
  it("refuses to touch a parent Secret managed by another tool", async () => {
    const h = await harness();
    h.server.seed({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
    h.server.seed({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "materialize-monitoring-applyset",
        namespace: NS,
        labels: { [APPLYSET_ID_LABEL]: applySetId(h.set.parent) },
        annotations: { [APPLYSET_TOOLING_ANNOTATION]: "kubectl/v1.30.0" },
      },
    });
    await expect(
      applyStack(h.api, {
        objects: stackObjects(),
        applySet: h.set,
        reporter: h.reporter,
        clock: h.clock,
      }),
    ).rejects.toThrow(/managed by "kubectl\/v1.30.0", not materialize-monitoring/);
    expect(h.server.writes()).toEqual([]);
  });

  it("refuses a Secret of that name that is not an ApplySet parent", async () => {
    const h = await harness();
    h.server.seed({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "materialize-monitoring-applyset", namespace: NS },
    });
    await expect(
      applyStack(h.api, {
        objects: stackObjects(),
        applySet: h.set,
        reporter: h.reporter,
        clock: h.clock,
      }),
    ).rejects.toThrow(ApplySetError);
  });

  it("refuses manifests that already carry the part-of label", () => {
    const [first] = stackObjects();
    const labelled = {
      ...first!,
      metadata: { ...first!.metadata, labels: { [APPLYSET_PART_OF_LABEL]: "x" } },
    };
    expect(() =>
      labelMembers([labelled], { id: "y", parent: { name: "p", namespace: "n" }, tooling: "t" }),
    ).toThrow(/manifests must not set it/);
  });
});

describe("apply --dry-run=server", () => {
  it("sends dryRun=All on every write, persists nothing, writes no parent and does not wait", async () => {
    const h = await harness();
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      dryRun: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    const writes = h.server.writes();
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) {
      expect(write.query.dryRun).toBe("All");
      expect(write.contentType).toBe(SSA);
    }
    expect(writeLog(h.server)).not.toContain("PATCH secrets/materialize-monitoring-applyset");
    expect(h.server.store.size).toBe(0);
    expect(h.clock.sleeps).toEqual([]);
    expect(result.ok).toBe(true);
    // Objects in the namespace and custom resources of the CRDs this apply creates cannot be checked yet.
    const cr = result.objects.find((o) => o.ref.kind === "Grafana");
    expect(cr).toMatchObject({
      action: "created",
      message: expect.stringContaining("its CRD is created by this apply"),
    });
    const cm = result.objects.find((o) => o.ref.kind === "ConfigMap");
    expect(cm).toMatchObject({
      action: "created",
      message: expect.stringContaining("namespace monitoring is created"),
    });
    expect(h.events.at(-1)).toMatchObject({
      type: "summary",
      message: expect.stringContaining("server dry run"),
    });
  });

  it("against an installed stack tells configured from unchanged without changing anything", async () => {
    const h = await harness();
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    const before = JSON.stringify([...h.server.store.values()].map((s) => s.object.metadata));
    const changed = stackObjects().map((o) =>
      o.kind === "Service"
        ? { ...o, spec: { ...(o.spec as object), ports: [{ name: "http", port: 3101 }] } }
        : o,
    );
    const result = await applyStack(h.api, {
      objects: changed,
      applySet: h.set,
      dryRun: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(
      result.objects
        .filter((o) => o.action === "configured")
        .map((o) => `${o.ref.kind}/${o.ref.name}`),
    ).toEqual(["Service/loki"]);
    expect(JSON.stringify([...h.server.store.values()].map((s) => s.object.metadata))).toBe(before);
  });
});

describe("apply: conflicts", () => {
  it("reports a field-manager conflict with the fields and managers, without retrying it", async () => {
    const h = await harness();
    h.server.conflicts.set("apps/Deployment/monitoring/grafana-operator", [
      { manager: "kubectl-edit", field: ".spec.replicas" },
      {
        manager: "hpa-controller",
        field: '.spec.template.spec.containers[name="grafana-operator"].resources',
      },
    ]);
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(false);
    const entry = result.objects.find((o) => o.ref.kind === "Deployment");
    expect(entry?.action).toBe("conflict");
    expect(entry?.message).toBe(
      '2 fields are managed by another field manager: .spec.replicas (managed by "kubectl-edit" using apps/v1), ' +
        '.spec.template.spec.containers[name="grafana-operator"].resources (managed by "hpa-controller" using apps/v1). ' +
        "Remove the value from your values so the other manager keeps it, or re-run with --force-conflicts to take ownership",
    );
    expect(
      writeLog(h.server).filter((w) => w === "PATCH deployments/grafana-operator"),
    ).toHaveLength(1);
    expect(h.retries).toEqual([]);
    // The other objects were still applied, but nothing is pruned after a failure.
    expect(result.objects.filter((o) => o.action === "created")).toHaveLength(12);
  });

  it("takes the fields over with force=true only when --force-conflicts is given", async () => {
    const h = await harness();
    h.server.conflicts.set("apps/Deployment/monitoring/grafana-operator", [
      { manager: "kubectl-edit", field: ".spec.replicas" },
    ]);
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      forceConflicts: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    const objectPatches = h.server.requests.filter(
      (r) => r.method === "PATCH" && !r.path.endsWith("/materialize-monitoring-applyset"),
    );
    for (const patch of objectPatches) expect(patch.query.force).toBe("true");
  });
});

describe("apply: retries", () => {
  it("retries a resourceVersion conflict (409 without field-manager causes) and succeeds", async () => {
    const h = await harness();
    h.server.fail({
      method: "PATCH",
      path: "/configmaps/loki-config",
      status: 409,
      reason: "Conflict",
      message:
        'Operation cannot be fulfilled on configmaps "loki-config": the object has been modified',
    });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(h.retries).toEqual([
      {
        method: "PATCH",
        path: "/api/v1/namespaces/monitoring/configmaps/loki-config",
        attempt: 1,
        delayMs: 250,
      },
    ]);
    expect(writeLog(h.server).filter((w) => w === "PATCH configmaps/loki-config")).toHaveLength(2);
  });

  it("retries 503 and 429 with exponential backoff, honouring Retry-After", async () => {
    const h = await harness();
    h.server.fail({
      method: "PATCH",
      path: "/services/loki",
      status: 503,
      reason: "ServiceUnavailable",
      times: 3,
    });
    h.server.fail({
      method: "GET",
      path: "/statefulsets/loki",
      status: 429,
      reason: "TooManyRequests",
      headers: { "Retry-After": "2" },
    });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      intervalMs: 7,
    });
    expect(result.ok).toBe(true);
    expect(
      h.retries.map((r) => `${r.method} ${r.path.split("/").slice(-2).join("/")} ${r.delayMs}`),
    ).toEqual([
      "PATCH services/loki 250",
      "PATCH services/loki 500",
      "PATCH services/loki 1000",
      "GET statefulsets/loki 2000",
    ]);
    // The backoff slept on the injected clock, not for real.
    expect(h.clock.sleeps.filter((ms) => ms !== 7)).toEqual([250, 500, 1000, 2000]);
  });

  it("gives up after the last attempt and reports the failure", async () => {
    const h = await harness();
    h.server.fail({
      method: "PATCH",
      path: "/services/loki",
      status: 500,
      reason: "InternalError",
      message: "etcd timeout",
      times: 100,
    });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(false);
    expect(h.retries.map((r) => r.delayMs)).toEqual([250, 500, 1000, 2000, 4000]);
    expect(result.failures.map((f) => f.message)).toEqual([
      "Service monitoring/loki: 500 InternalError: etcd timeout",
    ]);
  });

  it("does not retry client errors such as 422", async () => {
    const h = await harness();
    h.server.fail({
      method: "PATCH",
      path: "/configmaps/loki-config",
      status: 422,
      reason: "Invalid",
      message: "data: Invalid value",
    });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(h.retries).toEqual([]);
    expect(result.objects.find((o) => o.ref.kind === "ConfigMap")).toMatchObject({
      action: "failed",
      message: "invalid: data: Invalid value",
    });
  });
});

describe("apply: waiting for rollouts", () => {
  it("polls Deployment, StatefulSet and DaemonSet until rolled out, with progress events", async () => {
    const h = await harness({ rolloutAfterPolls: 3 });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      intervalMs: 500,
    });
    expect(result.rollouts.map((r) => `${r.ref.kind}/${r.action}`)).toEqual([
      "Deployment/ready",
      "StatefulSet/ready",
      "DaemonSet/ready",
    ]);
    const progress = h.events
      .filter((e) => e.type === "object" && e.ref.kind === "StatefulSet")
      .map((e) => (e.type === "object" ? `${e.action}: ${e.message ?? ""}` : ""));
    expect(progress).toEqual([
      "created: ",
      "waiting: 0 of 3 pods ready",
      "ready: rolled out (revision r1)",
    ]);
    const polls = h.server.requests.filter(
      (r) => r.method === "GET" && r.path.endsWith("/deployments/grafana-operator"),
    );
    // One GET before the apply, then three polls.
    expect(polls).toHaveLength(4);
  });

  it("times out when a rollout does not finish, with exit-worthy result", async () => {
    const h = await harness({ rolloutAfterPolls: 1_000 });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      timeoutMs: 10_000,
      intervalMs: 2_000,
    });
    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.rollouts.map((r) => r.action)).toEqual(["timed-out", "timed-out", "timed-out"]);
    expect(result.failures[0]?.message).toBe(
      "Deployment monitoring/grafana-operator did not finish rolling out in time (1 old replicas pending termination)",
    );
    expect(h.clock.now()).toBe(10_000);
  });

  it("does not wait with wait: false", async () => {
    const h = await harness({ rolloutAfterPolls: 1_000 });
    const result = await applyStack(h.api, {
      objects: without(
        stackObjects(),
        "CustomResourceDefinition/grafanas.grafana.integreatly.org",
        "CustomResourceDefinition/grafanadashboards.grafana.integreatly.org",
        "Grafana/grafana",
        "GrafanaDashboard/materialize-overview",
      ),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      wait: false,
    });
    expect(result.ok).toBe(true);
    expect(h.clock.sleeps).toEqual([]);
  });

  it("stops before other objects when a CRD is not established in time", async () => {
    const h = await harness({ crdEstablishAfterPolls: 1_000 });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      timeoutMs: 5_000,
      intervalMs: 1_000,
    });
    expect(result.timedOut).toBe(true);
    expect(writeLog(h.server).at(-1)).toBe(
      "PATCH customresourcedefinitions/grafanas.grafana.integreatly.org",
    );
    expect(result.failures.map((f) => f.message)).toContain(
      "CustomResourceDefinition grafanadashboards.grafana.integreatly.org was not established in time (waiting to be established)",
    );
  });
});

describe("apply: missing namespace", () => {
  it("stops with a hint when the stack's namespace is neither rendered nor present", async () => {
    const h = await harness();
    const result = await applyStack(h.api, {
      objects: without(stackObjects(), "Namespace/monitoring"),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => f.message)).toEqual([
      'cannot record ownership in Secret monitoring/materialize-monitoring-applyset: not found: namespaces "monitoring" not found (the namespace monitoring does not exist: create it, or let the stack render it)',
    ]);
    expect(writeLog(h.server)).toEqual(["PATCH secrets/materialize-monitoring-applyset"]);
  });
});
