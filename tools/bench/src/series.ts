/**
 * Counting series in a Prometheus text exposition (format 0.0.4) and applying
 * a metric-name allow-list the way the stack's scrape relabeling does
 * (`keep` on `__name__` matching one of the names exactly). Pure.
 */

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

/**
 * The metric name of every sample line, in order. Comments (`# HELP`,
 * `# TYPE`) and blank lines are not samples; every other line is one series.
 */
export function sampleNames(exposition: string): string[] {
  const names: string[] = [];
  for (const raw of exposition.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) throw new Error(`not a sample line: ${line.slice(0, 120)}`);
    names.push(name);
  }
  return names;
}

export interface SeriesCount {
  /** Number of series (sample lines). */
  series: number;
  /** Number of distinct metric names among them. */
  names: number;
  /** Series per metric name, sorted by name. */
  byName: Record<string, number>;
}

export function countSeries(names: readonly string[]): SeriesCount {
  const byName = new Map<string, number>();
  for (const name of names) byName.set(name, (byName.get(name) ?? 0) + 1);
  return {
    series: names.length,
    names: byName.size,
    byName: Object.fromEntries([...byName.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

export interface AllowListEffect {
  before: SeriesCount;
  after: SeriesCount;
  /** Allow-listed names the exposition did not contain (e.g. `up`, which the scraper adds). */
  absent: string[];
}

/** Series before and after keeping only the metric names in `allowList`. */
export function applyAllowList(exposition: string, allowList: readonly string[]): AllowListEffect {
  const names = sampleNames(exposition);
  const allowed = new Set(allowList);
  const kept = names.filter((name) => allowed.has(name));
  const present = new Set(names);
  return {
    before: countSeries(names),
    after: countSeries(kept),
    absent: [...allowed].filter((name) => !present.has(name)).sort(),
  };
}
