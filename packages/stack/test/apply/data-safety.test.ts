import type { KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { applyStack } from "../../src/apply/apply.js";
import { APPLYSET_PART_OF_LABEL } from "../../src/apply/applyset.js";
import { diffStack } from "../../src/apply/diff.js";
import { selectPrune } from "../../src/apply/prune.js";
import type { LiveObject } from "../../src/apply/resources.js";
import { parseAdopt, parseDeletePvc } from "../../src/apply/safety.js";
import { uninstallStack } from "../../src/apply/uninstall.js";
import { type Harness, harness, NS, stackObjects, without, writeLog } from "./helpers.js";

const pvc = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: NS, labels: { "app.kubernetes.io/name": name } },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
});

/** The stack with Grafana's SQLite PVC and a second PVC. */
const withClaims = () => [...stackObjects(), pvc("grafana"), pvc("scratch")];

const deletes = (h: Harness) => writeLog(h.server).filter((w) => w.startsWith("DELETE"));

const keptLines = (h: Harness) =>
  h.events.flatMap((e) =>
    e.type === "object" && e.action === "kept"
      ? [`${e.ref.kind} ${e.ref.namespace ? `${e.ref.namespace}/` : ""}${e.ref.name}: ${e.message}`]
      : [],
  );

const warnings = (h: Harness) => h.events.flatMap((e) => (e.type === "warning" ? [e.message] : []));

async function installed(objects: KubeObject[] = withClaims(), before?: (h: Harness) => void) {
  const h = await harness();
  before?.(h);
  const result = await applyStack(h.api, {
    objects,
    applySet: h.set,
    reporter: h.reporter,
    clock: h.clock,
  });
  expect(result.ok).toBe(true);
  h.server.requests.length = 0;
  h.events.length = 0;
  return h;
}

const seedNamespace = (h: Harness) =>
  h.server.seed({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: NS, labels: { team: "platform" } },
  });

describe("a namespace that existed before the install", () => {
  it("is applied without the ApplySet label, on the first and every later apply", async () => {
    const h = await installed(stackObjects(), seedNamespace);
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    const patch = h.server.requests.find(
      (r) => r.method === "PATCH" && r.path === `/api/v1/namespaces/${NS}`,
    );
    const sentLabels = ((patch?.body?.metadata ?? {}) as { labels?: Record<string, string> })
      .labels;
    expect(sentLabels?.[APPLYSET_PART_OF_LABEL]).toBeUndefined();
    // The rendered labels are still applied; the label it had is left alone.
    expect(sentLabels).toMatchObject({ "kubernetes.io/metadata.name": NS });
    const live = h.server.get("v1", "Namespace", undefined, NS);
    expect(live?.metadata.labels?.[APPLYSET_PART_OF_LABEL]).toBeUndefined();
    expect(h.events).toContainEqual(
      expect.objectContaining({
        type: "object",
        ref: expect.objectContaining({ kind: "Namespace", name: NS }),
        message:
          "existed before this install: used, not owned (applied without the ApplySet label, so prune and uninstall never delete it)",
      }),
    );
    // Every other object is still a member.
    expect(
      h.server.get("v1", "ConfigMap", NS, "loki-config")?.metadata.labels?.[APPLYSET_PART_OF_LABEL],
    ).toBe(h.set.id);
  });

  it("survives uninstall --include-namespaces --include-crds, which says it keeps it and why", async () => {
    const h = await installed(stackObjects(), seedNamespace);
    const result = await uninstallStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      includeCrds: true,
      includeNamespaces: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(deletes(h)).not.toContain(`DELETE namespaces/${NS}`);
    expect(deletes(h)).toContain("DELETE deployments/grafana-operator");
    expect(h.server.get("v1", "Namespace", undefined, NS)).toBeDefined();
    expect(keptLines(h)).toContain(
      `Namespace ${NS}: existed before this install: used, never owned, never deleted (not even with --include-namespaces)`,
    );
  });

  it("is never adopted, not even when --adopt names it", () => {
    expect(() => parseAdopt(`Namespace/${NS}`)).toThrow(/namespaces are never adopted/);
    expect(() => parseAdopt(`namespace/${NS}`)).toThrow(/namespaces are never adopted/);
  });

  it("of another ApplySet is still refused, and only used with --force-conflicts", async () => {
    const h = await harness();
    h.server.seed({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: NS, labels: { [APPLYSET_PART_OF_LABEL]: "applyset-other-v1" } },
    });
    const refused = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(refused.ok).toBe(false);
    expect(writeLog(h.server)).not.toContain(`PATCH namespaces/${NS}`);
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      forceConflicts: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    const patch = h.server.requests.find(
      (r) => r.method === "PATCH" && r.path === `/api/v1/namespaces/${NS}`,
    );
    expect(
      ((patch?.body?.metadata ?? {}) as { labels?: Record<string, string> }).labels?.[
        APPLYSET_PART_OF_LABEL
      ],
    ).toBeUndefined();
  });
});

describe("an existing object that collides with a rendered one", () => {
  const seedConfig = (h: Harness) =>
    h.server.seed({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "loki-config", namespace: NS },
      data: { "config.yaml": "theirs\n" },
    });

  it("is refused, named, with the flag that takes it over; the rest is applied, nothing is pruned", async () => {
    const h = await harness();
    seedConfig(h);
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      prune: true,
      forceConflicts: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(false);
    const entry = result.objects.find((o) => o.ref.name === "loki-config");
    expect(entry).toMatchObject({
      action: "conflict",
      message:
        "exists but was not created by this install (no applyset.kubernetes.io/part-of label); not changed. " +
        "To take it over (prune and uninstall may then delete it), re-run with --adopt ConfigMap/monitoring/loki-config; or delete or rename it",
    });
    expect(writeLog(h.server)).not.toContain("PATCH configmaps/loki-config");
    expect(deletes(h)).toEqual([]);
    const live = h.server.get("v1", "ConfigMap", NS, "loki-config");
    expect(live?.metadata.labels?.[APPLYSET_PART_OF_LABEL]).toBeUndefined();
    expect(live?.data).toEqual({ "config.yaml": "theirs\n" });
    expect(result.failures.map((f) => f.message)).toContain(
      `ConfigMap ${NS}/loki-config: ${entry?.message}`,
    );
  });

  it("is refused on a server dry run too, without sending it", async () => {
    const h = await harness();
    seedConfig(h);
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      dryRun: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.objects.find((o) => o.ref.name === "loki-config")?.action).toBe("conflict");
    expect(writeLog(h.server)).not.toContain("PATCH configmaps/loki-config");
  });

  it("is taken over when --adopt names it, and only that one", async () => {
    const h = await harness();
    seedConfig(h);
    h.server.seed({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "loki", namespace: NS },
      spec: {},
    });
    const result = await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      adopt: [parseAdopt("ConfigMap/monitoring/loki-config"), parseAdopt("Deployment/nowhere/x")],
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.objects.find((o) => o.ref.name === "loki-config")).toMatchObject({
      action: "configured",
      message: expect.stringContaining("adopted (--adopt)"),
    });
    expect(
      h.server.get("v1", "ConfigMap", NS, "loki-config")?.metadata.labels?.[APPLYSET_PART_OF_LABEL],
    ).toBe(h.set.id);
    expect(result.objects.find((o) => o.ref.kind === "Service")?.action).toBe("conflict");
    expect(writeLog(h.server)).not.toContain("PATCH services/loki");
    expect(warnings(h)).toContain(
      "--adopt Deployment/nowhere/x names no rendered object (KIND/NAMESPACE/NAME, or KIND/NAME for cluster-scoped kinds); nothing adopted for it",
    );
  });

  it("is an error in diff, and compared as adopted with --adopt", async () => {
    const h = await harness();
    seedNamespace(h);
    seedConfig(h);
    const refused = await diffStack(h.api, { objects: stackObjects(), applySet: h.set });
    expect(refused.errors).toBe(1);
    expect(refused.diffs.find((d) => d.change === "error")?.message).toContain(
      "--adopt ConfigMap/monitoring/loki-config",
    );
    const adopted = await diffStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      adopt: [parseAdopt("configmap/monitoring/loki-config")],
    });
    expect(adopted.errors).toBe(0);
    expect(adopted.diffs.find((d) => d.ref.name === "loki-config")?.change).toBe("update");
    expect(h.server.writes().every((w) => w.query.dryRun === "All")).toBe(true);
  });
});

describe("PersistentVolumeClaims", () => {
  it("apply --prune keeps a PVC that is no longer rendered and says which flag deletes it", async () => {
    const h = await installed();
    const result = await applyStack(h.api, {
      objects: without(withClaims(), "PersistentVolumeClaim/grafana", "ConfigMap/loki-config"),
      applySet: h.set,
      prune: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(deletes(h)).toEqual(["DELETE configmaps/loki-config"]);
    expect(h.server.get("v1", "PersistentVolumeClaim", NS, "grafana")).toBeDefined();
    expect(keptLines(h)).toContain(
      `PersistentVolumeClaim ${NS}/grafana: holds data; deleted only when named: --delete-pvc ${NS}/grafana`,
    );
  });

  it("apply --prune --delete-pvc deletes exactly the PVC it names", async () => {
    const h = await installed();
    const result = await applyStack(h.api, {
      objects: without(stackObjects()),
      applySet: h.set,
      prune: true,
      deletePvcs: [parseDeletePvc(`${NS}/grafana`), parseDeletePvc(`${NS}/typo`)],
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(deletes(h)).toEqual(["DELETE persistentvolumeclaims/grafana"]);
    expect(h.server.get("v1", "PersistentVolumeClaim", NS, "grafana")).toBeUndefined();
    expect(h.server.get("v1", "PersistentVolumeClaim", NS, "scratch")).toBeDefined();
    expect(warnings(h)).toContain(
      `--delete-pvc ${NS}/typo: not deleted: no PersistentVolumeClaim of this install has that name (not found, or not created by this install)`,
    );
  });

  it("apply --prune --dry-run=server reports the same keeps and sends no deletion for them", async () => {
    const h = await installed();
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      prune: true,
      dryRun: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(deletes(h)).toEqual([]);
    expect(keptLines(h)).toEqual([
      `PersistentVolumeClaim ${NS}/grafana: holds data; deleted only when named: --delete-pvc ${NS}/grafana`,
      `PersistentVolumeClaim ${NS}/scratch: holds data; deleted only when named: --delete-pvc ${NS}/scratch`,
    ]);
  });

  it("diff --prune lists them as kept, not as deletions", async () => {
    const h = await installed();
    const result = await diffStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      prune: true,
      deletePvcs: [`${NS}/scratch`],
    });
    expect(result.diffs.filter((d) => d.change === "delete").map((d) => d.ref.name)).toEqual([
      "scratch",
    ]);
    expect(result.kept.map((k) => `${k.ref.kind}/${k.ref.name}: ${k.reason}`)).toEqual([
      `PersistentVolumeClaim/grafana: holds data; deleted only when named: --delete-pvc ${NS}/grafana`,
    ]);
    expect(h.server.requests.filter((r) => r.method === "DELETE")).toEqual([]);
  });

  it("uninstall keeps every PVC unless --delete-pvc names it", async () => {
    const h = await installed();
    const result = await uninstallStack(h.api, {
      objects: withClaims(),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(deletes(h).filter((d) => d.includes("persistentvolumeclaims"))).toEqual([]);
    expect(deletes(h)).toContain("DELETE deployments/grafana-operator");
    expect(h.server.get("v1", "PersistentVolumeClaim", NS, "grafana")).toBeDefined();
    expect(h.server.get("v1", "PersistentVolumeClaim", NS, "scratch")).toBeDefined();
    expect(keptLines(h)).toEqual(
      expect.arrayContaining([
        `PersistentVolumeClaim ${NS}/grafana: holds data; deleted only when named: --delete-pvc ${NS}/grafana`,
        `PersistentVolumeClaim ${NS}/scratch: holds data; deleted only when named: --delete-pvc ${NS}/scratch`,
      ]),
    );
  });

  it("uninstall --delete-pvc deletes only the PVC it names, after the workloads", async () => {
    const h = await installed();
    await uninstallStack(h.api, {
      objects: withClaims(),
      applySet: h.set,
      deletePvcs: [`${NS}/grafana`],
      reporter: h.reporter,
      clock: h.clock,
    });
    const log = deletes(h);
    expect(log.filter((d) => d.includes("persistentvolumeclaims"))).toEqual([
      "DELETE persistentvolumeclaims/grafana",
    ]);
    expect(log.indexOf("DELETE persistentvolumeclaims/grafana")).toBeGreaterThan(
      log.indexOf("DELETE statefulsets/loki"),
    );
    expect(h.server.get("v1", "PersistentVolumeClaim", NS, "scratch")).toBeDefined();
  });
});

describe("StatefulSet volumeClaimTemplates", () => {
  const withTemplates = (policy?: Record<string, string>) =>
    stackObjects().map((o) =>
      o.kind === "StatefulSet"
        ? {
            ...o,
            spec: {
              ...(o.spec as object),
              volumeClaimTemplates: [pvc("storage")],
              ...(policy ? { persistentVolumeClaimRetentionPolicy: policy } : {}),
            },
          }
        : o,
    );
  const seedClaims = (h: Harness) => {
    for (const name of ["storage-loki-0", "storage-loki-1", "storage-lokis-0"])
      h.server.seed({
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name, namespace: NS, labels: { "app.kubernetes.io/name": "loki" } },
        spec: {},
      });
  };

  it("uninstall deletes the StatefulSet and never its claims, even when --delete-pvc names one", async () => {
    const h = await installed(withTemplates());
    seedClaims(h);
    const result = await uninstallStack(h.api, {
      objects: withTemplates(),
      applySet: h.set,
      includeNamespaces: true,
      deletePvcs: [`${NS}/storage-loki-0`],
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(deletes(h)).toContain("DELETE statefulsets/loki");
    expect(deletes(h).filter((d) => d.includes("persistentvolumeclaims"))).toEqual([]);
    expect(keptLines(h)).toEqual(
      expect.arrayContaining([
        `PersistentVolumeClaim ${NS}/storage-loki-0: created by StatefulSet ${NS}/loki from its volumeClaimTemplates; never deleted by materialize-monitoring (kubectl delete pvc -n ${NS} storage-loki-0 if its data is no longer needed)`,
        expect.stringMatching(/^PersistentVolumeClaim monitoring\/storage-loki-1: created by/),
      ]),
    );
    expect(keptLines(h).some((l) => l.includes("storage-lokis-0:"))).toBe(false);
    expect(warnings(h)).toContain(
      `--delete-pvc ${NS}/storage-loki-0: not deleted: it was created by a StatefulSet from its volumeClaimTemplates, and those are never deleted by materialize-monitoring`,
    );
    // The claims are still in the namespace: it is kept.
    expect(deletes(h)).not.toContain(`DELETE namespaces/${NS}`);
  });

  it("keeps a StatefulSet whose retention policy would delete its claims", async () => {
    const policy = { whenDeleted: "Delete", whenScaled: "Retain" };
    const h = await installed(withTemplates(policy));
    seedClaims(h);
    const result = await uninstallStack(h.api, {
      objects: withTemplates(policy),
      applySet: h.set,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(result.ok).toBe(true);
    expect(deletes(h)).not.toContain("DELETE statefulsets/loki");
    expect(deletes(h)).toContain("DELETE deployments/grafana-operator");
    expect(keptLines(h)).toContain(
      `StatefulSet ${NS}/loki: its persistentVolumeClaimRetentionPolicy.whenDeleted is Delete, so deleting it would delete its PersistentVolumeClaims; set whenDeleted: Retain and apply, or delete it yourself`,
    );
  });
});

describe("uninstall --include-namespaces of a namespace this install created", () => {
  const uninstallAll = (h: Harness, extra: { deletePvcs?: string[]; dryRun?: boolean } = {}) =>
    uninstallStack(h.api, {
      objects: withClaims(),
      applySet: h.set,
      includeCrds: true,
      includeNamespaces: true,
      reporter: h.reporter,
      clock: h.clock,
      ...extra,
    });

  it("keeps it while it holds objects of others, and names them", async () => {
    const h = await installed();
    h.server.seed({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "user-config", namespace: NS },
    });
    const result = await uninstallAll(h, { deletePvcs: [`${NS}/grafana`, `${NS}/scratch`] });
    expect(result.ok).toBe(true);
    expect(deletes(h)).not.toContain(`DELETE namespaces/${NS}`);
    expect(h.server.get("v1", "ConfigMap", NS, "user-config")).toBeDefined();
    expect(keptLines(h)).toContain(
      `Namespace ${NS}: still holds objects this uninstall does not delete: ConfigMap ${NS}/user-config; deleting the namespace would delete them (delete them, or the namespace, yourself)`,
    );
  });

  it("keeps it while it holds a kept PVC", async () => {
    const h = await installed();
    await uninstallAll(h, { deletePvcs: [`${NS}/scratch`] });
    expect(deletes(h)).not.toContain(`DELETE namespaces/${NS}`);
    expect(h.server.get("v1", "PersistentVolumeClaim", NS, "grafana")).toBeDefined();
    expect(keptLines(h)).toContain(
      `Namespace ${NS}: still holds objects this uninstall does not delete: PersistentVolumeClaim ${NS}/grafana; deleting the namespace would delete them (delete them, or the namespace, yourself)`,
    );
  });

  it("deletes it when nothing else is left (objects with owner references do not count)", async () => {
    const h = await installed();
    h.server.seed({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "loki-0",
        namespace: NS,
        ownerReferences: [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "loki" }],
      },
    });
    const result = await uninstallAll(h, { deletePvcs: [`${NS}/grafana`, `${NS}/scratch`] });
    expect(result.ok).toBe(true);
    expect(deletes(h).at(-1)).toBe(`DELETE namespaces/${NS}`);
  });

  it("under --dry-run=server decides the same way without deleting anything", async () => {
    const kept = await installed();
    await uninstallAll(kept, { dryRun: true });
    expect(deletes(kept)).not.toContain(`DELETE namespaces/${NS}`);
    expect(deletes(kept).filter((d) => d.includes("persistentvolumeclaims"))).toEqual([]);
    expect(keptLines(kept)).toContain(
      `Namespace ${NS}: still holds objects this uninstall does not delete: PersistentVolumeClaim ${NS}/grafana, PersistentVolumeClaim ${NS}/scratch; deleting the namespace would delete them (delete them, or the namespace, yourself)`,
    );
    const empty = await installed();
    await uninstallAll(empty, { dryRun: true, deletePvcs: [`${NS}/grafana`, `${NS}/scratch`] });
    const namespaceDelete = empty.server.requests.find(
      (r) => r.method === "DELETE" && r.path === `/api/v1/namespaces/${NS}`,
    );
    expect(namespaceDelete?.query.dryRun).toBe("All");
    expect(empty.server.requests.filter((r) => r.method === "DELETE" && !r.query.dryRun)).toEqual(
      [],
    );
    expect(empty.server.get("v1", "Namespace", undefined, NS)).toBeDefined();
  });

  it("keeps it while it holds a Secret made by --create-missing-secrets", async () => {
    const h = await harness();
    await applyStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      missingSecrets: [
        { namespace: NS, name: "grafana-admin", keys: ["admin-password"], generate: "password" },
      ],
      reporter: h.reporter,
      clock: h.clock,
    });
    h.events.length = 0;
    h.server.requests.length = 0;
    await uninstallStack(h.api, {
      objects: stackObjects(),
      applySet: h.set,
      includeNamespaces: true,
      reporter: h.reporter,
      clock: h.clock,
    });
    expect(deletes(h)).not.toContain(`DELETE namespaces/${NS}`);
    expect(keptLines(h)).toContain(
      `Namespace ${NS}: still holds objects this uninstall does not delete: Secret ${NS}/grafana-admin (generated by --create-missing-secrets); deleting the namespace would delete them (delete them, or the namespace, yourself)`,
    );
    expect(keptLines(h).some((l) => l.startsWith(`Secret ${NS}/grafana-admin:`))).toBe(true);
  });
});

describe("prune selection of data", () => {
  it("keeps PVCs not named and StatefulSets that delete their claims", () => {
    const live = (kind: string, name: string, spec: Record<string, unknown> = {}) =>
      ({
        apiVersion: kind === "StatefulSet" ? "apps/v1" : "v1",
        kind,
        metadata: { name, namespace: NS },
        spec,
      }) as LiveObject;
    const members = [
      live("PersistentVolumeClaim", "grafana"),
      live("PersistentVolumeClaim", "named"),
      live("StatefulSet", "retains", {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain" },
      }),
      live("StatefulSet", "deletes", {
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete" },
      }),
    ];
    const selection = selectPrune(members, [], { deletePvcs: [`${NS}/named`] });
    expect(selection.prune.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "StatefulSet/retains",
      "PersistentVolumeClaim/named",
    ]);
    expect(selection.kept.map((k) => `${k.object.kind}/${k.object.metadata.name}`)).toEqual([
      "PersistentVolumeClaim/grafana",
      "StatefulSet/deletes",
    ]);
  });

  it("parses --adopt and --delete-pvc arguments strictly", () => {
    expect(parseAdopt("ConfigMap/monitoring/loki-config")).toEqual({
      kind: "ConfigMap",
      namespace: "monitoring",
      name: "loki-config",
    });
    expect(parseAdopt("ClusterRole.rbac.authorization.k8s.io/grafana-operator")).toEqual({
      kind: "ClusterRole",
      group: "rbac.authorization.k8s.io",
      name: "grafana-operator",
    });
    expect(() => parseAdopt("loki-config")).toThrow(/expected KIND\/NAMESPACE\/NAME/);
    expect(() => parseAdopt("ConfigMap//x")).toThrow(/expected KIND\/NAMESPACE\/NAME/);
    expect(parseDeletePvc("monitoring/grafana")).toBe("monitoring/grafana");
    expect(() => parseDeletePvc("grafana")).toThrow(/expected NAMESPACE\/NAME/);
    expect(() => parseDeletePvc("a/b/c")).toThrow(/expected NAMESPACE\/NAME/);
  });
});
