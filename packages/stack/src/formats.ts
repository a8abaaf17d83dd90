import { applyRank, type KubeObject, renderGroup } from "@materialize-monitoring/core";

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

/**
 * Go templates treat `{{` as the start of an action; rendered configs (Alloy,
 * rules, dashboards) contain it. Each `{{` becomes an action printing `{{`, so
 * Helm prints the text byte for byte (the Helm chart's tests check it with helm).
 */
export function escapeForHelm(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}
