import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  applyRank,
  type KubeObject,
  renderGroup,
  sortForApply,
  toYaml,
  toYamlStream,
} from "@materialize-monitoring/core";
import type { Stack } from "./stack.js";

/**
 * Argo CD sync waves from the apply order: namespaces and CRDs first, then
 * RBAC and config, workloads, policies, and custom resources last. Large CRDs
 * need server-side apply in Argo CD (their last-applied annotation would be too big).
 */
export function syncWave(object: KubeObject): number {
  if (renderGroup(object) === "setup") return -3;
  const rank = applyRank(object);
  const kind = object.kind;
  if (
    [
      "PriorityClass",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Role",
      "RoleBinding",
    ].includes(kind)
  )
    return -2;
  if (["Secret", "ConfigMap", "PersistentVolumeClaim", "Service", "APIService"].includes(kind))
    return -1;
  if (rank > 20) return 1;
  return 0;
}

export function withArgoSyncWaves(objects: readonly KubeObject[]): KubeObject[] {
  return objects.map((object) => ({
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...object.metadata.annotations,
        "argocd.argoproj.io/sync-wave": String(syncWave(object)),
        ...(object.kind === "CustomResourceDefinition"
          ? { "argocd.argoproj.io/sync-options": "ServerSideApply=true" }
          : {}),
      },
    },
  })) as KubeObject[];
}

/** Go templates treat `{{` as the start of an action; rendered configs (Alloy, dashboards) may contain it. */
export function escapeForHelm(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

export function unescapeHelm(text: string): string {
  return text.replace(/\{\{ "\{\{" \}\}/g, "{{");
}

export interface HelmChartOptions {
  version: string;
  valuesSchema: Record<string, unknown>;
}

/**
 * A Helm chart directory holding the rendered stack: `crds/` (applied first by
 * Helm, never templated), `templates/` (one file per component, `{{` escaped),
 * `values.schema.json` of the values that produced it, and an empty values.yaml:
 * the values are baked in; change them and render again.
 */
export function writeHelmChart(built: Stack, dir: string, options: HelmChartOptions): string[] {
  const written: string[] = [];
  const write = (path: string, text: string) => {
    writeFileSync(join(dir, path), text);
    written.push(path);
  };
  mkdirSync(join(dir, "crds"), { recursive: true });
  mkdirSync(join(dir, "templates"), { recursive: true });
  write(
    "Chart.yaml",
    toYaml({
      apiVersion: "v2",
      name: "materialize-monitoring",
      description:
        "The observability stack for self-managed Materialize, rendered by materialize-monitoring",
      type: "application",
      version: options.version,
      appVersion: options.version,
      kubeVersion: ">=1.27.0-0",
    }),
  );
  write(
    "values.yaml",
    "# The manifests in templates/ were rendered from typed values by materialize-monitoring.\n# Change the values and render again; this chart has no values of its own.\n{}\n",
  );
  write("values.schema.json", `${JSON.stringify(options.valuesSchema, null, 2)}\n`);
  const crds = built.objects.filter((o) => o.kind === "CustomResourceDefinition");
  for (const crd of crds) write(join("crds", `${crd.metadata.name}.yaml`), toYaml(crd));
  for (const component of built.components) {
    const objects = sortForApply(
      component.objects.filter((o) => o.kind !== "CustomResourceDefinition"),
    );
    if (objects.length === 0) continue;
    write(join("templates", `${component.name}.yaml`), escapeForHelm(toYamlStream(objects)));
  }
  return written;
}
