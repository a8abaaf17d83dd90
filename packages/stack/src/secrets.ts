import {
  certificateSecrets,
  type KubeObject,
  podsOf,
  secretReferences,
} from "@materialize-monitoring/core";
import type { MissingSecretSpec } from "./apply/secrets.js";
import type { Stack } from "./stack.js";

/**
 * Secrets the values reference that `apply --create-missing-secrets` may
 * generate: only those whose keys can be random (Grafana's admin login and
 * signing key). Credentials of outside services (buckets, receivers, the
 * Materialize SQL monitor user) can never be generated and are not listed.
 */
export function missingSecretSpecs(built: Stack): MissingSecretSpec[] {
  const byName = new Map<string, Set<string>>();
  const add = (ref: { name: string; key: string } | undefined) => {
    if (!ref) return;
    const keys = byName.get(ref.name) ?? new Set<string>();
    keys.add(ref.key);
    byName.set(ref.name, keys);
  };
  const grafana = built.endpoints.grafana;
  if (grafana) {
    add(grafana.adminUser);
    add(grafana.adminPassword);
    add(grafana.secretKey);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, keys]) => ({
      namespace: built.context.namespace,
      name,
      keys: [...keys].sort(),
      generate: "password" as const,
    }));
}

/** A Secret the rendered objects read that the render does not create: the user creates it first. */
export interface RequiredSecret {
  namespace: string;
  name: string;
  /** Keys read by name; empty when the whole Secret is mounted or imported. */
  keys: string[];
  /** `Kind/name` of every workload that reads it. */
  usedBy: string[];
}

/**
 * Every Secret the rendered workloads read (env, envFrom, volumes, pull
 * secrets) that the render does not create and that is not optional, sorted:
 * what a user must create before `apply` for the pods to start.
 */
export function requiredSecrets(objects: readonly KubeObject[]): RequiredSecret[] {
  const rendered = new Set([
    ...objects
      .filter((o) => o.kind === "Secret")
      .map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`),
    // cert-manager writes these, from the rendered Certificates.
    ...certificateSecrets(objects),
  ]);
  const found = new Map<string, RequiredSecret>();
  for (const pod of podsOf(objects)) {
    const owner = `${pod.kind}/${pod.name}`;
    const add = (name: string | undefined, keys: readonly string[]) => {
      const id = `${pod.namespace}/${name}`;
      if (!name || rendered.has(id)) return;
      const entry = found.get(id) ?? { namespace: pod.namespace, name, keys: [], usedBy: [] };
      entry.keys = [...new Set([...entry.keys, ...keys])].sort();
      if (!entry.usedBy.includes(owner)) entry.usedBy = [...entry.usedBy, owner].sort();
      found.set(id, entry);
    };
    for (const ref of secretReferences(pod.spec)) add(ref.name, ref.keys);
    for (const p of pod.spec.imagePullSecrets ?? []) add(p.name, []);
  }
  return [...found.values()].sort((a, b) =>
    `${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1,
  );
}

/** One line per required Secret: where, which keys, and the command that creates it (values left for the user). */
export function requiredSecretLines(objects: readonly KubeObject[]): string[] {
  return requiredSecrets(objects).map((s) => {
    const keys = s.keys.length > 0 ? ` with keys ${s.keys.join(", ")}` : "";
    const create =
      s.keys.length > 0
        ? `kubectl -n ${s.namespace} create secret generic ${s.name} ${s.keys.map((k) => `--from-literal=${k}=...`).join(" ")}`
        : `kubectl -n ${s.namespace} create secret ...`;
    return `Secret ${s.namespace}/${s.name}${keys} must exist before the pods of ${s.usedBy.join(", ")} start (${create})`;
  });
}
