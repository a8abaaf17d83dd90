/**
 * Metric tiers per destination. Every metrics destination (the remote-write URL, each extra
 * remote-write endpoint, OTLP) names a tier: `essential` and `recommended` keep, per allow-list
 * source, the names `metricTiers` lists; `all` keeps everything. The scrape keeps the widest tier
 * an enabled destination uses; a narrower destination drops the rest before it is written.
 */
import { escapeRegex, type RelabelRuleData } from "@materialize-monitoring/alloy-syntax";
import { type ValueProblem, ValuesError } from "@materialize-monitoring/core";
import type { GatewayScrapeJob } from "./jobs.js";
import type { MetricTier, ResolvedAlloyGatewayValues } from "./values.js";

/** Narrowest first. */
export const METRIC_TIER_ORDER: readonly MetricTier[] = ["essential", "recommended", "all"];

/** Series the scraper itself adds; kept in every tier so target health survives the filter. */
const SCRAPE_SERIES = ["up"] as const;

/** Per filtering tier, the names each allow-list source keeps. */
export type TierLists = Record<Exclude<MetricTier, "all">, Record<string, string[]>>;

type TierValues = Pick<ResolvedAlloyGatewayValues, "allowLists" | "metricTiers" | "destinations">;

const rank = (tier: MetricTier) => METRIC_TIER_ORDER.indexOf(tier);

/**
 * The lists of both filtering tiers. `essential` is `metricTiers.essential` over `allowLists`
 * (per source); `recommended` is each essential list plus `metricTiers.recommended`'s, so it is
 * never narrower. A recommended list for a source essential does not filter is refused.
 */
export function tierLists(values: TierValues, path: string): TierLists {
  const essential: Record<string, string[]> = {};
  for (const [source, list] of Object.entries({
    ...values.allowLists,
    ...values.metricTiers.essential,
  })) {
    essential[source] = [...new Set(list)].sort();
  }
  const problems: ValueProblem[] = [];
  const recommended: Record<string, string[]> = {};
  for (const source of Object.keys(values.metricTiers.recommended).sort()) {
    if (essential[source] === undefined) {
      problems.push({
        path: `${path}.metricTiers.recommended.${source}`,
        message: `"${source}" has no essential list, so essential would keep more of it than recommended`,
        hint: `add metricTiers.essential.${source} (or allowLists.${source}), or remove this list`,
      });
    }
  }
  if (problems.length > 0) throw new ValuesError(problems);
  for (const [source, list] of Object.entries(essential)) {
    recommended[source] = [
      ...new Set([...list, ...(values.metricTiers.recommended[source] ?? [])]),
    ].sort();
  }
  return { essential, recommended };
}

/** The tiers of the metrics destinations that are enabled, by where they are set. */
export function destinationTiers(
  values: Pick<ResolvedAlloyGatewayValues, "destinations">,
): { where: string; tier: MetricTier }[] {
  const d = values.destinations;
  return [
    { where: "destinations.prometheus.tier", tier: d.prometheus.tier },
    ...d.prometheus.extra.map((e, i) => ({
      where: `destinations.prometheus.extra[${i}].tier`,
      tier: e.tier,
    })),
    ...(d.otlp.enabled && d.otlp.signals.metrics
      ? [{ where: "destinations.otlp.tier", tier: d.otlp.tier }]
      : []),
    ...(d.datadog.enabled ? [{ where: "destinations.datadog.tier", tier: d.datadog.tier }] : []),
  ];
}

/** The widest tier any enabled metrics destination uses. */
export function widestTier(values: Pick<ResolvedAlloyGatewayValues, "destinations">): MetricTier {
  let widest: MetricTier = "essential";
  for (const { tier } of destinationTiers(values)) if (rank(tier) > rank(widest)) widest = tier;
  return widest;
}

/** The lists the scrape keeps: the widest tier's, or none (no filter) when that is `all`. */
export function scrapeLists(values: TierValues, path: string): Record<string, string[]> {
  const widest = widestTier(values);
  return widest === "all" ? {} : tierLists(values, path)[widest];
}

/** A temporary label (the `__tmp` prefix Prometheus reserves for this), dropped again. */
export const TIER_SOURCE_LABEL = "__tmp_metric_tier_source";

/**
 * The write relabeling of a destination of `tier` when the scrape keeps `widest`: nothing when
 * they are equal; else the series of each filtered source's jobs (known by their `job` label) keep
 * only the tier's names of that source, and every other series passes.
 */
export function narrowingRules(
  tier: MetricTier,
  widest: MetricTier,
  lists: TierLists,
  jobs: readonly GatewayScrapeJob[],
  path: string,
): RelabelRuleData[] {
  if (tier === "all" || rank(tier) >= rank(widest)) return [];
  const names = lists[tier];
  // job label -> source; a job label shared by two sources (or a filtered and an unfiltered job)
  // could not tell their series apart.
  const sourceOfJob = new Map<string, string | undefined>();
  const problems: ValueProblem[] = [];
  for (const job of jobs) {
    const source = job.source !== undefined && names[job.source] ? job.source : undefined;
    if (sourceOfJob.has(job.job) && sourceOfJob.get(job.job) !== source) {
      problems.push({
        path: `${path}.scrape.jobs`,
        message: `the job label "${job.job}" is used by jobs of ${sourceOfJob.get(job.job) ?? "no allow-list"} and ${source ?? "no allow-list"}, so a ${tier} destination cannot filter them apart`,
        hint: "give the jobs distinct job labels, or the same source",
      });
    }
    sourceOfJob.set(job.job, source);
  }
  if (problems.length > 0) throw new ValuesError(problems);
  const jobsBySource = new Map<string, string[]>();
  for (const [job, source] of sourceOfJob) {
    if (source !== undefined) jobsBySource.set(source, [...(jobsBySource.get(source) ?? []), job]);
  }
  const sources = [...jobsBySource.keys()].sort();
  if (sources.length === 0) return [];
  const alternation = (items: readonly string[]) =>
    [...new Set(items)].sort().map(escapeRegex).join("|");
  return [
    ...sources.map(
      (source): RelabelRuleData => ({
        sourceLabels: ["job"],
        regex: alternation(jobsBySource.get(source) ?? []),
        targetLabel: TIER_SOURCE_LABEL,
        replacement: source,
        action: "replace",
      }),
    ),
    {
      sourceLabels: [TIER_SOURCE_LABEL, "__name__"],
      separator: ";",
      regex: [
        // Series of no filtered source pass.
        ";.*",
        ...sources.map(
          (source) =>
            `${escapeRegex(source)};(?:${alternation([...(names[source] ?? []), ...SCRAPE_SERIES])})`,
        ),
      ].join("|"),
      action: "keep",
    },
    { regex: TIER_SOURCE_LABEL, action: "labeldrop" },
  ];
}
