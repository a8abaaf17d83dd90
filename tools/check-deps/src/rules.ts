/**
 * The dependency rules of ARCHITECTURE.md, as data and one pure check:
 * - core and alloy-syntax depend on no workspace package;
 * - component packages depend only on core (and alloy-syntax where they write Alloy);
 * - materialize depends on core and alloy-syntax;
 * - only the umbrella (`materialize-monitoring`) depends on many, and only it may
 *   depend on heavy libraries such as @kubernetes/client-node or the CLI framework;
 * - every dependency is pinned exactly; workspace dependencies use `workspace:*`.
 */
export interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const SCOPE = "@materialize-monitoring/";
const UMBRELLA = "materialize-monitoring";

/** Workspace packages each published package may depend on; anything not listed may depend on none. */
export const ALLOWED_WORKSPACE_DEPS: Record<string, readonly string[]> = {
  [`${SCOPE}core`]: [],
  [`${SCOPE}alloy-syntax`]: [],
  [`${SCOPE}exporters`]: [`${SCOPE}core`],
  [`${SCOPE}loki`]: [`${SCOPE}core`],
  [`${SCOPE}thanos`]: [`${SCOPE}core`],
  [`${SCOPE}alertmanager`]: [`${SCOPE}core`],
  [`${SCOPE}grafana`]: [`${SCOPE}core`],
  [`${SCOPE}grafana-operator`]: [`${SCOPE}core`],
  [`${SCOPE}materialize`]: [`${SCOPE}core`, `${SCOPE}alloy-syntax`],
  [`${SCOPE}alloy-agent`]: [`${SCOPE}core`, `${SCOPE}alloy-syntax`],
  [`${SCOPE}alloy-gateway`]: [`${SCOPE}core`, `${SCOPE}alloy-syntax`],
};

/** Heavy libraries only the umbrella may pull in. */
export const UMBRELLA_ONLY = ["@kubernetes/client-node", "commander"] as const;

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

export function checkManifests(manifests: readonly Manifest[]): string[] {
  const problems: string[] = [];
  const workspaceNames = new Set(manifests.map((m) => m.name));
  for (const manifest of manifests) {
    const runtime = { ...manifest.dependencies, ...manifest.peerDependencies };
    const all = { ...runtime, ...manifest.devDependencies };
    for (const [dep, range] of Object.entries(all)) {
      if (workspaceNames.has(dep)) {
        if (range !== "workspace:*")
          problems.push(`${manifest.name}: ${dep} must be "workspace:*", not "${range}"`);
      } else if (!EXACT.test(range)) {
        problems.push(`${manifest.name}: ${dep}@${range} is not pinned to an exact version`);
      }
    }
    if (manifest.private || manifest.name === UMBRELLA) continue;
    const allowed = ALLOWED_WORKSPACE_DEPS[manifest.name];
    if (!allowed) {
      problems.push(
        `${manifest.name}: not in the dependency rules; add it to ALLOWED_WORKSPACE_DEPS`,
      );
      continue;
    }
    for (const dep of Object.keys(runtime)) {
      if (workspaceNames.has(dep) && !allowed.includes(dep)) {
        problems.push(
          `${manifest.name}: may not depend on ${dep} (allowed: ${allowed.join(", ") || "no workspace package"})`,
        );
      }
      if ((UMBRELLA_ONLY as readonly string[]).includes(dep)) {
        problems.push(`${manifest.name}: ${dep} is reserved for the umbrella package`);
      }
    }
  }
  return problems;
}
