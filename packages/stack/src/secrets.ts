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
