import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import { resourceName } from "@materialize-monitoring/core";
import {
  type GrafanaOperatorEndpoints,
  grafanaDashboard,
  grafanaFolder,
} from "@materialize-monitoring/grafana-operator";
import type { MaterializeArtifacts } from "@materialize-monitoring/materialize";

/**
 * The Materialize dashboards as grafana-operator resources: one folder and a
 * GrafanaDashboard per dashboard, selecting the same Grafana instance as the
 * datasources. Dashboards pick their datasources through template variables,
 * which default to the datasource marked default (Thanos).
 */
export function materializeDashboards(
  ctx: BuildContext,
  artifacts: MaterializeArtifacts,
  options: { folder: string; instanceSelector: GrafanaOperatorEndpoints["instanceSelector"] },
): KubeObject[] {
  const folderName = resourceName(ctx, "materialize", "dashboards");
  const objects: KubeObject[] = [
    grafanaFolder(ctx, {
      name: folderName,
      title: options.folder,
      instanceSelector: options.instanceSelector,
    }),
  ];
  for (const [uid, dashboard] of Object.entries(artifacts.dashboards).sort(([a], [b]) =>
    a < b ? -1 : 1,
  )) {
    objects.push(
      grafanaDashboard(ctx, {
        name: resourceName(ctx, "dashboard", uid),
        dashboard: dashboard as unknown as Record<string, unknown>,
        uid,
        folderRef: folderName,
        instanceSelector: options.instanceSelector,
      }),
    );
  }
  return objects;
}
