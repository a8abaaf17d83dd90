import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import { resourceName } from "@materialize-monitoring/core";
import { grafanaDashboard, grafanaFolder } from "@materialize-monitoring/grafana-operator";
import type { ParsedStackValues } from "./values.js";
import type { StackEndpoints } from "./wiring-types.js";

const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The Materialize dashboards and the user's extra ones as grafana-operator
 * resources: a folder per title and a GrafanaDashboard per dashboard, all
 * selecting the Grafana instance the operator's endpoints name. Dashboards
 * pick their datasources through template variables, which default to the
 * datasource marked default (Thanos).
 */
export function materializeDashboards(
  ctx: BuildContext,
  values: ParsedStackValues,
  endpoints: StackEndpoints,
): KubeObject[] {
  const operator = endpoints.grafanaOperator;
  const artifacts = endpoints.materialize?.artifacts;
  if (!operator || !artifacts) return [];
  const instanceSelector = operator.instanceSelector;
  const mainFolder = values.materialize.dashboardsFolder;
  const extra = values.grafanaOperator.extraDashboards;
  const titles = [...new Set([mainFolder, ...extra.map((d) => d.folder ?? mainFolder)])];
  const folderNames = new Map(
    titles.map((title, i) => [
      title,
      i === 0
        ? resourceName(ctx, "materialize", "dashboards")
        : resourceName(ctx, "folder", `${i}`),
    ]),
  );
  const objects: KubeObject[] = titles.map((title) =>
    grafanaFolder(ctx, { name: folderNames.get(title) as string, title, instanceSelector }),
  );
  for (const [uid, dashboard] of Object.entries(artifacts.dashboards).sort(byKey)) {
    objects.push(
      grafanaDashboard(ctx, {
        name: resourceName(ctx, "dashboard", uid),
        dashboard: dashboard as unknown as Record<string, unknown>,
        uid,
        folderRef: folderNames.get(mainFolder) as string,
        instanceSelector,
      }),
    );
  }
  for (const d of extra) {
    const uid = typeof d.json.uid === "string" && d.json.uid ? d.json.uid : d.name;
    objects.push(
      grafanaDashboard(ctx, {
        name: resourceName(ctx, "dashboard", d.name),
        dashboard: d.json,
        uid,
        folderRef: folderNames.get(d.folder ?? mainFolder) as string,
        instanceSelector,
      }),
    );
  }
  return objects;
}
