import { describe, expect, it } from "vitest";
import { applyStack } from "../../src/apply/apply.js";
import { APPLYSET_PART_OF_LABEL } from "../../src/apply/applyset.js";
import { diffStack, formatDiffs } from "../../src/apply/diff.js";
import { createMissingSecrets, GENERATED_SECRET_LABEL } from "../../src/apply/secrets.js";
import { formatStatusTable, stackStatus } from "../../src/apply/status.js";
import { uninstallStack } from "../../src/apply/uninstall.js";
import { harness, NS, stackObjects, without, writeLog } from "./helpers.js";

async function installed(options = {}) {
  const h = await harness(options);
  await applyStack(h.api, {
    objects: stackObjects(),
    applySet: h.set,
    reporter: h.reporter,
    clock: h.clock,
  });
  h.server.requests.length = 0;
  h.events.length = 0;
  return h;
}

describe("diff", () => {
  it("shows every object as created on an empty cluster, from server-side dry runs", async () => {
    const h = await harness();
    const result = await diffStack(h.api, { objects: stackObjects(), applySet: h.set });
    expect(result.changed).toBe(13);
    expect(result.errors).toBe(0);
    expect(result.diffs.every((d) => d.change === "create")).toBe(true);
    for (const write of h.server.writes()) expect(write.query.dryRun).toBe("All");
    expect(h.server.store.size).toBe(0);
    const text = formatDiffs(result);
    expect(text).toContain("--- /dev/null\n+++ rendered/Namespace/monitoring\n");
    expect(text).toContain("+kind: Namespace");
  });

  it("prints nothing when the cluster matches the render", async () => {
    const h = await installed();
    const result = await diffStack(h.api, { objects: stackObjects(), applySet: h.set });
    expect(result.changed).toBe(0);
    expect(formatDiffs(result)).toBe("");
    expect(
      h.server
        .writes()
        .every((w) => w.query.dryRun === "All" && w.contentType === "application/apply-patch+yaml"),
    ).toBe(true);
  });

  it("prints a unified diff of a changed object, live against the dry-run result", async () => {
    const h = await installed();
    const changed = stackObjects().map((o) =>
      o.kind === "ConfigMap" ? { ...o, data: { "config.yaml": "auth_enabled: true\n" } } : o,
    );
    const result = await diffStack(h.api, { objects: changed, applySet: h.set });
    expect(result.changed).toBe(1);
    expect(formatDiffs(result)).toBe(
      [
        "--- live/ConfigMap/monitoring/loki-config",
        "+++ rendered/ConfigMap/monitoring/loki-config",
        "@@ -1,7 +1,7 @@",
        " apiVersion: v1",
        " data:",
        "   config.yaml: |",
        "-    auth_enabled: false",
        "+    auth_enabled: true",
        " kind: ConfigMap",
        " metadata:",
        "   labels:",
        "",
      ].join("\n"),
    );
  });

  it("masks Secret values and shows only that a key changed", async () => {
    const h = await installed();
    const changed = stackObjects().map((o) =>
      o.kind === "Secret"
        ? { ...o, stringData: { "runtime.yaml": "overrides: {tenant: {}}\n" } }
        : o,
    );
    const result = await diffStack(h.api, { objects: changed, applySet: h.set });
    const text = formatDiffs(result);
    expect(text).toContain('-  runtime.yaml: "*** (before)"');
    expect(text).toContain('+  runtime.yaml: "*** (after)"');
    expect(text).not.toContain(Buffer.from("overrides: {}\n").toString("base64"));
    expect(text).not.toContain("tenant");
  });

  it("with prune shows the owned objects that would be deleted", async () => {
    const h = await installed();
    const result = await diffStack(h.api, {
      objects: without(stackObjects(), "ConfigMap/loki-config"),
      applySet: h.set,
      prune: true,
    });
    expect(result.diffs.filter((d) => d.change === "delete").map((d) => d.ref.name)).toEqual([
      "loki-config",
    ]);
    expect(formatDiffs(result)).toContain(
      "--- live/ConfigMap/monitoring/loki-config\n+++ /dev/null\n",
    );
    expect(h.server.requests.filter((r) => r.method === "DELETE")).toEqual([]);
  });

  it("reports a field-manager conflict as an error", async () => {
    const h = await installed();
    h.server.conflicts.set("/ConfigMap/monitoring/loki-config", [
      { manager: "helm", field: ".data.config.yaml" },
    ]);
    const result = await diffStack(h.api, { objects: stackObjects(), applySet: h.set });
    expect(result.errors).toBe(1);
    expect(result.diffs.find((d) => d.change === "error")?.message).toContain(
      '.data.config.yaml (managed by "helm"',
    );
  });
});

describe("status", () => {
  it("reports every rendered object missing before an install", async () => {
    const h = await harness();
    const result = await stackStatus(h.api, { objects: stackObjects(), applySet: h.set });
    expect(result.ok).toBe(false);
    expect(result.objects.every((o) => !o.exists && !o.owned)).toBe(true);
    expect(result.objects.find((o) => o.ref.kind === "Grafana")?.message).toBe(
      "kind not served (its CRD is not installed)",
    );
    expect(h.server.writes()).toEqual([]);
  });

  it("reports exists, ready and owned after an install, and not owned for adopted-by-nobody objects", async () => {
    const h = await installed();
    h.server.store.get("apps/Deployment/monitoring/grafana-operator")!.object.metadata.labels = {};
    const result = await stackStatus(h.api, { objects: stackObjects(), applySet: h.set });
    expect(result.ok).toBe(true);
    const operator = result.objects.find((o) => o.ref.kind === "Deployment");
    expect(operator).toMatchObject({ exists: true, ready: true, owned: false });
    expect(operator?.message).toBe("rolled out (1 available); not applied by this tool");
    expect(result.objects.filter((o) => o.owned)).toHaveLength(12);
    const table = formatStatusTable(result);
    expect(table.split("\n")[0]).toBe(
      "KIND                      NAME                                       EXISTS  READY  OWNED  MESSAGE",
    );
    expect(table).toContain(
      "Deployment                monitoring/grafana-operator                yes     yes    no     rolled out (1 available); not applied by this tool",
    );
    expect(table).toContain(
      "13 objects: 13 ready, 0 missing or not ready, 1 existing but not owned",
    );
  });

  it("reports a workload that is still rolling out as not ready", async () => {
    const h = await harness({ rolloutAfterPolls: 1_000 });
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      wait: false,
    });
    const changed = stackObjects().map((o) =>
      o.kind === "StatefulSet" ? { ...o, spec: { ...(o.spec as object), replicas: 5 } } : o,
    );
    await applyStack(h.api, {
      objects: changed,
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      wait: false,
    });
    const result = await stackStatus(h.api, { objects: changed, applySet: h.set });
    expect(result.ok).toBe(false);
    expect(result.objects.find((o) => o.ref.kind === "StatefulSet")).toMatchObject({
      exists: true,
      ready: false,
      owned: true,
      message: "0 of 5 pods ready",
    });
  });
});

describe("uninstall", () => {
  it("deletes only owned objects: custom resources, then workloads, then config; keeps CRDs and namespaces", async () => {
    const h = await installed();
    h.server.seed({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "user-config", namespace: NS },
    });
    const result = await uninstallStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(writeLog(h.server)).toEqual([
      "DELETE grafanadashboards/materialize-overview",
      "DELETE grafanas/grafana",
      "DELETE daemonsets/alloy-agent",
      "DELETE statefulsets/loki",
      "DELETE deployments/grafana-operator",
      "DELETE services/loki",
      "DELETE configmaps/loki-config",
      "DELETE secrets/loki-runtime",
      "DELETE clusterroles/grafana-operator",
      "DELETE serviceaccounts/grafana-operator",
      "DELETE secrets/materialize-monitoring-applyset",
    ]);
    expect(h.server.get("v1", "ConfigMap", NS, "user-config")).toBeDefined();
    expect(result.kept.map((k) => `${k.ref.kind}/${k.ref.name}`)).toEqual([
      "CustomResourceDefinition/grafanadashboards.grafana.integreatly.org",
      "CustomResourceDefinition/grafanas.grafana.integreatly.org",
      "Namespace/monitoring",
    ]);
    for (const request of h.server.requests.filter((r) => r.method === "DELETE")) {
      expect(request.query.propagationPolicy).toBe("Background");
    }
  });

  it("with --include-crds deletes CRDs after everything else, and namespaces only with --include-namespaces", async () => {
    const h = await installed();
    await uninstallStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      includeCrds: true,
      includeNamespaces: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(writeLog(h.server).slice(-4)).toEqual([
      "DELETE customresourcedefinitions/grafanas.grafana.integreatly.org",
      "DELETE customresourcedefinitions/grafanadashboards.grafana.integreatly.org",
      "DELETE secrets/materialize-monitoring-applyset",
      "DELETE namespaces/monitoring",
    ]);
    expect(h.server.store.size).toBe(0);
  });

  it("waits for deletion and fails with a timeout when an object does not go away", async () => {
    const h = await installed();
    h.server.deletionPolls.set("Grafana", 1_000_000);
    const result = await uninstallStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
      timeoutMs: 30_000,
      intervalMs: 5_000,
    });
    expect(result.ok).toBe(false);
    expect(result.timedOut).toBe(true);
    expect(result.failures.map((f) => f.message)).toEqual([
      "Grafana monitoring/grafana was not deleted in time (terminating)",
    ]);
    // The operator and everything after it are left alone, so it can still clear the finalizer.
    expect(writeLog(h.server)).toEqual([
      "DELETE grafanadashboards/materialize-overview",
      "DELETE grafanas/grafana",
    ]);
  });

  it("under --dry-run=server only sends dry-run deletions", async () => {
    const h = await installed();
    const result = await uninstallStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      dryRun: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.deleted).toHaveLength(11);
    expect(
      h.server.requests.filter((r) => r.method === "DELETE").every((r) => r.query.dryRun === "All"),
    ).toBe(true);
    expect(h.server.get("apps/v1", "Deployment", NS, "grafana-operator")).toBeDefined();
  });
});

describe("--create-missing-secrets", () => {
  const specs = [
    {
      namespace: NS,
      name: "grafana-admin",
      keys: ["admin-password"],
      generate: "password" as const,
    },
    {
      namespace: NS,
      name: "alertmanager-webhook",
      keys: ["token", "url-token"],
      generate: "token" as const,
    },
    { namespace: NS, name: "existing", keys: ["password"], generate: "password" as const },
    {
      namespace: NS,
      name: "partial",
      keys: ["password", "username"],
      generate: "password" as const,
    },
  ];

  it("creates only the missing Secrets, with random values it never reports", async () => {
    const h = await installed();
    h.server.seed({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "existing", namespace: NS },
      data: { password: "eA==" },
    });
    h.server.seed({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "partial", namespace: NS },
      data: { password: "eA==" },
    });
    const outcomes = await createMissingSecrets(h.api, specs, { reporter: h.reporter });
    expect(outcomes.map((o) => `${o.name}: ${o.action}`)).toEqual([
      "grafana-admin: created",
      "alertmanager-webhook: created",
      "existing: exists",
      "partial: incomplete",
    ]);
    const posts = h.server.requests.filter((r) => r.method === "POST");
    expect(posts.map((p) => p.path)).toEqual([
      "/api/v1/namespaces/monitoring/secrets",
      "/api/v1/namespaces/monitoring/secrets",
    ]);
    const stored = h.server.get("v1", "Secret", NS, "alertmanager-webhook");
    expect(stored?.metadata.labels).toEqual({
      "app.kubernetes.io/managed-by": "materialize-monitoring",
      [GENERATED_SECRET_LABEL]: "true",
    });
    expect(stored?.metadata.labels?.[APPLYSET_PART_OF_LABEL]).toBeUndefined();
    const data = stored?.data as Record<string, string>;
    const values = [
      ...Object.values(data).map((v) => Buffer.from(v, "base64").toString()),
      ...Object.values(
        h.server.get("v1", "Secret", NS, "grafana-admin")?.data as Record<string, string>,
      ).map((v) => Buffer.from(v, "base64").toString()),
    ];
    expect(values.map((v) => v.length)).toEqual([43, 43, 32]);
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Set(values).size).toBe(3);
    // Nothing reported carries a value, raw or base64.
    const reported = JSON.stringify([outcomes, h.events]);
    for (const value of values) {
      expect(reported).not.toContain(value);
      expect(reported).not.toContain(Buffer.from(value).toString("base64"));
    }
    expect(outcomes[0]?.message).toBe("generated password for admin-password (values not shown)");
    expect(outcomes[3]).toMatchObject({ missingKeys: ["username"] });
    expect(h.events).toContainEqual({
      type: "warning",
      message:
        "Secret monitoring/partial exists but has no key username; not changed (add the key yourself)",
    });
    // The existing Secrets were not changed.
    expect(h.server.get("v1", "Secret", NS, "partial")?.data).toEqual({ password: "eA==" });
  });

  it("runs after namespaces and before workloads during apply, and is kept by prune and uninstall", async () => {
    const h = await harness();
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      missingSecrets: specs.slice(0, 1),
      reporter: h.reporter,
      clock: h.clock,
    });
    const log = writeLog(h.server);
    expect(log.indexOf("POST monitoring/secrets")).toBeGreaterThan(
      log.indexOf("PATCH namespaces/monitoring"),
    );
    expect(log.indexOf("POST monitoring/secrets")).toBeLessThan(
      log.indexOf("PATCH deployments/grafana-operator"),
    );
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      prune: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    const result = await uninstallStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(h.server.get("v1", "Secret", NS, "grafana-admin")).toBeDefined();
    expect(result.kept.map((k) => k.ref.name)).toContain("grafana-admin");
  });
});
