import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import {
  type DataSourceRef,
  GraphThresholdsStyleConfigBuilder,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  VizLegendOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
  CustomVariableBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  type DashboardLink,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  type Panel,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as LogsPanelBuilder } from "@grafana/grafana-foundation-sdk/logs";
import { DataqueryBuilder as LokiQueryBuilder } from "@grafana/grafana-foundation-sdk/loki";
import {
  DataqueryBuilder as PromQueryBuilder,
  PromQueryFormat,
} from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanelBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TablePanelBuilder } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TimeseriesPanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import { MZ_LABEL } from "../constants.js";
import { logExploreQuery } from "../queries/logs.js";
import { type QueryRegistry, queryRegistry } from "../queries/registry.js";
import type { RenderedQuery } from "../queries/types.js";
import { queryScope, type ResolvedMaterializeValues } from "../values.js";
import { THRESHOLDS } from "./panels.js";
import {
  DASHBOARDS,
  type DashboardSpec,
  type DashboardVariable,
  type PanelSpec,
  sloDashboardSpec,
  type ThresholdStep,
} from "./spec.js";

/** Names of the datasource template variables; every datasource reference is one of them. */
export const DATASOURCE_VARIABLE = { prometheus: "datasource", loki: "loki_datasource" } as const;

export function datasourceRef(type: "prometheus" | "loki"): DataSourceRef {
  return { type, uid: `\${${DATASOURCE_VARIABLE[type]}}` };
}

/** The label each Materialize variable lists, and the registry query whose series carry it. */
const VARIABLE_SOURCES: Record<
  Exclude<DashboardVariable, "level">,
  { label: string; query: string; title: string }
> = {
  environment: {
    label: MZ_LABEL.environment,
    query: "variables.environment",
    title: "Environment",
  },
  cluster: { label: MZ_LABEL.clusterId, query: "variables.cluster", title: "Cluster" },
  replica: { label: MZ_LABEL.replicaId, query: "variables.replica", title: "Replica" },
  slo: { label: "slo", query: "variables.slo", title: "SLO" },
};

/** Log levels after the log stages normalise them, most severe first. */
export const LOG_LEVELS = [
  "critical",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "unknown",
] as const;

function variable(name: DashboardVariable, registry: QueryRegistry): cog.Builder<unknown> {
  if (name === "level") {
    return new CustomVariableBuilder("level")
      .label("Level")
      .values(LOG_LEVELS.join(","))
      .multi(true)
      .includeAll(true)
      .allValue(".*");
  }
  const source = VARIABLE_SOURCES[name];
  const query = `label_values(${registry.get(source.query).expr}, ${source.label})`;
  return new QueryVariableBuilder(name)
    .label(source.title)
    .query(query)
    .definition(query)
    .datasource(datasourceRef("prometheus"))
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.NaturalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*");
}

function target(query: RenderedQuery, refId: string, panel: PanelSpec) {
  if (query.datasource === "loki") {
    const builder = new LokiQueryBuilder()
      .refId(refId)
      .expr(query.expr)
      .datasource(datasourceRef("loki"));
    return query.legend ? builder.legendFormat(query.legend) : builder;
  }
  const builder = new PromQueryBuilder()
    .refId(refId)
    .expr(query.expr)
    .datasource(datasourceRef("prometheus"));
  if (panel.type === "table" || panel.textField) {
    return builder.instant().format(PromQueryFormat.Table);
  }
  return query.legend ? builder.legendFormat(query.legend) : builder.range();
}

const THRESHOLDS_STYLE: Record<
  NonNullable<PanelSpec["thresholdsStyle"]>,
  GraphThresholdsStyleMode
> = {
  line: GraphThresholdsStyleMode.Line,
  dashed: GraphThresholdsStyleMode.Dashed,
  area: GraphThresholdsStyleMode.Area,
  "line+area": GraphThresholdsStyleMode.LineAndArea,
  "dashed+area": GraphThresholdsStyleMode.DashedAndArea,
};

function thresholdsConfig(steps: readonly ThresholdStep[]) {
  return { mode: ThresholdsMode.Absolute, steps: steps.map((step) => ({ ...step })) };
}

interface Layout {
  id: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

function panel(spec: PanelSpec, registry: QueryRegistry, layout: Layout): cog.Builder<Panel> {
  const queries = spec.queries.map((id) => registry.get(id));
  const datasources = new Set(queries.map((q) => q.datasource));
  const first = queries[0];
  if (!first || datasources.size !== 1) {
    throw new Error(
      `panel "${spec.title}" needs queries of one datasource, has ${[...datasources].join(", ")}`,
    );
  }
  const targets = queries.map((q, i) => target(q, String.fromCharCode(65 + i), spec));
  const unit = spec.unit ?? first.unit;
  // Logs panels show lines, not numbers: they alone have neither unit nor thresholds.
  if (spec.type !== "logs" && !unit) {
    throw new Error(`panel "${spec.title}" needs a unit (on the panel or its first query)`);
  }
  const thresholds = spec.type === "logs" ? undefined : (spec.thresholds ?? THRESHOLDS.NEUTRAL);
  const gridPos = { x: layout.x, y: layout.y, w: layout.w, h: layout.h };
  const common = <
    B extends TimeseriesPanelBuilder | StatPanelBuilder | TablePanelBuilder | LogsPanelBuilder,
  >(
    b: B,
  ): B => {
    b.id(layout.id)
      .title(spec.title)
      .description(spec.description)
      .datasource(datasourceRef(first.datasource))
      .gridPos(gridPos);
    for (const t of targets) b.withTarget(t);
    if (unit) b.unit(unit);
    if (spec.decimals !== undefined) b.decimals(spec.decimals);
    if (thresholds) {
      const { mode, steps } = thresholdsConfig(thresholds);
      b.thresholds(new ThresholdsConfigBuilder().mode(mode).steps(steps));
    }
    for (const series of spec.seriesThresholds ?? []) {
      b.overrideByRegexp(series.displayName, [
        { id: "thresholds", value: thresholdsConfig(series.steps) },
      ]);
    }
    return b;
  };
  switch (spec.type) {
    case "timeseries": {
      const builder = common(new TimeseriesPanelBuilder());
      if (spec.thresholdsStyle) {
        builder.thresholdsStyle(
          new GraphThresholdsStyleConfigBuilder().mode(THRESHOLDS_STYLE[spec.thresholdsStyle]),
        );
      }
      return builder
        .fillOpacity(10)
        .lineWidth(1)
        .legend(
          new VizLegendOptionsBuilder()
            .showLegend(true)
            .displayMode(LegendDisplayMode.List)
            .placement(LegendPlacement.Bottom),
        );
    }
    case "stat": {
      const reduce = new ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false);
      if (spec.textField) reduce.fields(`/^${spec.textField}$/`);
      return common(new StatPanelBuilder()).reduceOptions(reduce);
    }
    case "table":
      return common(new TablePanelBuilder());
    case "logs":
      return common(new LogsPanelBuilder())
        .showTime(true)
        .wrapLogMessage(true)
        .enableLogDetails(true);
  }
}

/** Lays panels out left to right, wrapping at 24 columns. */
function buildRows(spec: DashboardSpec, registry: QueryRegistry, builder: DashboardBuilder): void {
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    builder.withRow(new RowBuilder(row.title).id(id++).gridPos({ x: 0, y, w: 24, h: 1 }));
    y += 1;
    let x = 0;
    let rowHeight = 0;
    for (const panelSpec of row.panels) {
      const w = panelSpec.width ?? 12;
      const h = panelSpec.height ?? 8;
      if (x + w > 24) {
        x = 0;
        y += rowHeight;
        rowHeight = 0;
      }
      builder.withPanel(panel(panelSpec, registry, { id: id++, x, y, w, h }));
      x += w;
      rowHeight = Math.max(rowHeight, h);
    }
    y += rowHeight;
  }
}

/** The uid (after the prefix) of the logs dashboard, which every Materialize dashboard links to. */
export const LOGS_DASHBOARD_UID = "logs";

/** Grafana variables (`${name}`) survive URL encoding, so Grafana can still interpolate them. */
function encodeKeepingVariables(text: string): string {
  return encodeURIComponent(text).replace(/%24%7B([A-Za-z0-9_]+)%7D/g, "$${$1}");
}

/** An Explore URL for Loki with one LogQL query over the dashboard's time range. */
export function exploreUrl(expr: string): string {
  const panes = {
    logs: {
      datasource: `\${${DATASOURCE_VARIABLE.loki}}`,
      queries: [{ refId: "A", expr, datasource: datasourceRef("loki") }],
      range: { from: "${__from}", to: "${__to}" },
    },
  };
  return `/explore?schemaVersion=1&panes=${encodeKeepingVariables(JSON.stringify(panes))}`;
}

/**
 * Links on every dashboard: a drop-down of the other dashboards (by tag, keeping the time range
 * and variables) and, on the dashboards that have the Loki datasource variable, the logs
 * dashboard and Explore on Loki for the Materialize namespaces.
 */
function dashboardLinks(
  spec: DashboardSpec,
  registry: QueryRegistry,
  values: ResolvedMaterializeValues,
): cog.Builder<DashboardLink>[] {
  const base = (title: string, type: DashboardLinkType, tooltip: string) =>
    new DashboardLinkBuilder(title)
      .type(type)
      .tooltip(tooltip)
      .tags([])
      .asDropdown(false)
      .targetBlank(false)
      .includeVars(true)
      .keepTime(true);
  const links = [
    base("Materialize dashboards", DashboardLinkType.Dashboards, "The other Materialize dashboards")
      .icon("external link")
      .tags(values.dashboards.tags)
      .asDropdown(true),
  ];
  if (spec.datasources.includes("loki")) {
    if (spec.uid !== LOGS_DASHBOARD_UID) {
      links.push(
        base(
          "Logs and events",
          DashboardLinkType.Link,
          "Materialize logs for the selected environments, clusters and replicas",
        )
          .icon("doc")
          .url(`/d/${values.dashboards.uidPrefix}${LOGS_DASHBOARD_UID}`),
      );
    }
    links.push(
      base("Explore logs", DashboardLinkType.Link, "Open the Materialize logs in Explore (Loki)")
        .icon("bolt")
        .keepTime(false)
        .includeVars(false)
        .url(exploreUrl(registry.get(logExploreQuery).expr)),
    );
  }
  return links;
}

export function buildDashboard(
  spec: DashboardSpec,
  registry: QueryRegistry,
  values: ResolvedMaterializeValues,
): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(`${values.dashboards.uidPrefix}${spec.uid}`)
    .description(spec.description)
    .tags(values.dashboards.tags)
    .refresh(values.dashboards.refresh)
    .time({ from: values.dashboards.timeFrom, to: "now" })
    .timezone("browser")
    .tooltip(DashboardCursorSync.Crosshair)
    .links(dashboardLinks(spec, registry, values))
    .readonly();
  for (const type of spec.datasources) {
    builder.withVariable(
      new DatasourceVariableBuilder(DATASOURCE_VARIABLE[type])
        .label(type === "prometheus" ? "Prometheus" : "Loki")
        .type(type),
    );
  }
  for (const name of spec.variables)
    builder.withVariable(variable(name, registry) as cog.Builder<never>);
  buildRows(spec, registry, builder);
  // Plain JSON (no builder class instances), with an explicit empty annotation list.
  const dashboard: Dashboard = JSON.parse(JSON.stringify(builder.build()));
  return { ...dashboard, annotations: { list: [] } };
}

/** The dashboards these values render: the fixed ones, and Freshness SLOs when an SLO is configured. */
export function dashboardSpecs(values: ResolvedMaterializeValues): DashboardSpec[] {
  const slos = values.slos.freshness;
  return [...DASHBOARDS, ...(slos.length > 0 ? [sloDashboardSpec(slos)] : [])];
}

/** Every dashboard, keyed by uid. */
export function dashboards(values: ResolvedMaterializeValues): Record<string, Dashboard> {
  const registry = queryRegistry(queryScope(values));
  const out: Record<string, Dashboard> = {};
  for (const spec of dashboardSpecs(values)) {
    const dashboard = buildDashboard(spec, registry, values);
    out[dashboard.uid ?? spec.uid] = dashboard;
  }
  return out;
}
