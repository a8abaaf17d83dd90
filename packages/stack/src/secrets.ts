import type { KubeObject } from "@materialize-monitoring/core";
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

interface PodSpecLike {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  volumes?: {
    secret?: { secretName?: string; optional?: boolean; items?: { key: string }[] };
    projected?: {
      sources?: { secret?: { name?: string; optional?: boolean; items?: { key: string }[] } }[];
    };
  }[];
  imagePullSecrets?: { name?: string }[];
}
interface ContainerLike {
  env?: { valueFrom?: { secretKeyRef?: { name?: string; key: string; optional?: boolean } } }[];
  envFrom?: { secretRef?: { name?: string; optional?: boolean } }[];
}

function podSpecOf(object: KubeObject): PodSpecLike | undefined {
  const spec = (object as { spec?: { template?: { spec?: PodSpecLike }; jobTemplate?: unknown } })
    .spec;
  if (object.kind === "CronJob")
    return (spec as { jobTemplate?: { spec?: { template?: { spec?: PodSpecLike } } } })?.jobTemplate
      ?.spec?.template?.spec;
  return spec?.template?.spec;
}

/**
 * Every Secret the rendered workloads read (env, envFrom, volumes, pull
 * secrets) that the render does not create and that is not optional, sorted:
 * what a user must create before `apply` for the pods to start.
 */
export function requiredSecrets(objects: readonly KubeObject[]): RequiredSecret[] {
  const rendered = new Set(
    objects
      .filter((o) => o.kind === "Secret")
      .map((o) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`),
  );
  const found = new Map<string, RequiredSecret>();
  for (const object of objects) {
    const spec = podSpecOf(object);
    if (!spec) continue;
    const namespace = object.metadata.namespace ?? "default";
    const owner = `${object.kind}/${object.metadata.name}`;
    const add = (name: string | undefined, keys: string[]) => {
      if (!name || rendered.has(`${namespace}/${name}`)) return;
      const id = `${namespace}/${name}`;
      const entry = found.get(id) ?? { namespace, name, keys: [], usedBy: [] };
      entry.keys = [...new Set([...entry.keys, ...keys])].sort();
      if (!entry.usedBy.includes(owner)) entry.usedBy = [...entry.usedBy, owner].sort();
      found.set(id, entry);
    };
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && !ref.optional) add(ref.name, [ref.key]);
      }
      for (const e of c.envFrom ?? [])
        if (e.secretRef && !e.secretRef.optional) add(e.secretRef.name, []);
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret && !v.secret.optional)
        add(
          v.secret.secretName,
          (v.secret.items ?? []).map((i) => i.key),
        );
      for (const source of v.projected?.sources ?? []) {
        const s = source.secret;
        if (s && !s.optional)
          add(
            s.name,
            (s.items ?? []).map((i) => i.key),
          );
      }
    }
    for (const p of spec.imagePullSecrets ?? []) add(p.name, []);
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
