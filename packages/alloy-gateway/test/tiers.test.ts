/**
 * Metric tiers per destination: the scrape keeps the widest tier an enabled destination uses,
 * and a narrower remote-write endpoint (write_relabel_config) or OTLP (a prometheus.relabel in
 * front of its receiver) keeps exactly its own tier. The rendered rules are read back with the
 * project's Alloy parser and applied to sample series.
 */
import { type ast, parse, print } from "@materialize-monitoring/alloy-syntax";

type Block = ast.Block;
type Value = ast.Expr;

import { describe, expect, it } from "vitest";
import { type AlloyGatewayValues, alloyGatewayConfigOf, TIER_SOURCE_LABEL } from "../src/index.js";
import { buildGateway, NODE_EXPORTER_JOB, valuesErrorOf } from "./helpers.js";

const ESSENTIAL = {
  "node-exporter": ["node_cpu_seconds_total", "node_memory_MemAvailable_bytes"],
  kubelet: ["kubelet_volume_stats_used_bytes"],
  cadvisor: ["container_memory_working_set_bytes"],
  alloy: ["alloy_build_info"],
};
const RECOMMENDED = {
  "node-exporter": ["node_load1", "node_vmstat_oom_kill"],
  cadvisor: ["container_oom_events_total"],
};
/** A name no tier lists. */
const UNLISTED = "node_softnet_dropped_total";

const OTLP = { enabled: true, endpoint: "otel-collector.observability.svc.cluster.local:4317" };
const EXTRA = { name: "central", url: "https://metrics.example.com/api/v1/push" };

function values(destinations: AlloyGatewayValues["destinations"]): AlloyGatewayValues {
  return {
    destinations,
    scrape: { jobs: [NODE_EXPORTER_JOB] },
    metricTiers: { essential: ESSENTIAL, recommended: RECOMMENDED },
  };
}

const render = (destinations: AlloyGatewayValues["destinations"]) => {
  const text = alloyGatewayConfigOf(buildGateway(values(destinations)));
  const file = parse(text);
  expect(print(file)).toBe(text);
  return { text, file };
};

type Rule = Record<string, string | string[]>;

function plain(value: Value): string | string[] {
  if (value.type === "String") return value.value;
  if (value.type === "Array") return value.elements.map((e) => plain(e) as string);
  throw new Error(`unexpected ${value.type}`);
}

function rulesOf(block: Block, name: string): Rule[] {
  return block.body
    .filter((s): s is Block => s.type === "Block" && s.name === name)
    .map((b) =>
      Object.fromEntries(
        b.body.flatMap((a) => (a.type === "Attribute" ? [[a.name, plain(a.value)]] : [])),
      ),
    );
}

function component(file: ReturnType<typeof parse>, name: string, label: string): Block {
  const found = file.body.find(
    (s): s is Block => s.type === "Block" && s.name === name && s.label === label,
  );
  if (!found) throw new Error(`no ${name} "${label}"`);
  return found;
}

function endpoints(file: ReturnType<typeof parse>): Map<string, Rule[]> {
  const rw = component(file, "prometheus.remote_write", "default");
  const out = new Map<string, Rule[]>();
  for (const e of rw.body.filter((s): s is Block => s.type === "Block" && s.name === "endpoint")) {
    const name = e.body.find((a) => a.type === "Attribute" && a.name === "name");
    out.set(plain((name as { value: Value }).value) as string, rulesOf(e, "write_relabel_config"));
  }
  return out;
}

/** Prometheus relabeling of one series (the actions the tier rules use); undefined when dropped. */
function relabel(
  rules: Rule[],
  series: Record<string, string>,
): Record<string, string> | undefined {
  let labels = { ...series };
  for (const r of rules) {
    const regex = new RegExp(`^(?:${(r.regex as string | undefined) ?? "(.*)"})$`);
    const value = ((r.source_labels as string[] | undefined) ?? [])
      .map((l) => labels[l] ?? "")
      .join((r.separator as string | undefined) ?? ";");
    const action = (r.action as string | undefined) ?? "replace";
    if (action === "keep" && !regex.test(value)) return undefined;
    if (action === "drop" && regex.test(value)) return undefined;
    if (action === "replace" && regex.test(value)) {
      labels[r.target_label as string] = value.replace(regex, (r.replacement as string) ?? "$1");
    }
    if (action === "labeldrop") {
      labels = Object.fromEntries(Object.entries(labels).filter(([k]) => !regex.test(k)));
    }
  }
  return labels;
}

const kept = (rules: Rule[], job: string, names: readonly string[]) =>
  names.filter((n) => relabel(rules, { __name__: n, job }) !== undefined).sort();

const NODE_NAMES = [...ESSENTIAL["node-exporter"], ...RECOMMENDED["node-exporter"], UNLISTED, "up"];

/** The keep rule the scrape applies to node-exporter's job. */
function nodeExporterScrapeKeep(text: string): string | undefined {
  const m = text.match(
    /prometheus\.relabel "metrics_node_exporter" \{[\s\S]*?regex\s+= "([^"]*)"[\s\S]*?\n\}/,
  );
  return m?.[1];
}

describe("metric tiers per destination", () => {
  it("defaults every destination to essential: the scrape keeps essential, no write filter", () => {
    const { text, file } = render({ prometheus: { extra: [EXTRA] }, otlp: OTLP });
    expect(nodeExporterScrapeKeep(text)).toBe(
      "node_cpu_seconds_total|node_memory_MemAvailable_bytes|up",
    );
    for (const rules of endpoints(file).values()) expect(rules).toEqual([]);
    expect(text).not.toContain('prometheus.relabel "otlp_tier"');
    expect(text).not.toContain(TIER_SOURCE_LABEL);
  });

  it("scrapes the widest tier in use and narrows an essential extra endpoint to exactly essential", () => {
    const { text, file } = render({
      prometheus: { tier: "recommended", extra: [{ ...EXTRA, tier: "essential" }] },
    });
    expect(nodeExporterScrapeKeep(text)).toBe(
      "node_cpu_seconds_total|node_load1|node_memory_MemAvailable_bytes|node_vmstat_oom_kill|up",
    );
    const rules = endpoints(file);
    expect(rules.get("default")).toEqual([]);
    const central = rules.get("central") ?? [];
    expect(central.length).toBeGreaterThan(0);
    expect(kept(central, "node-exporter", NODE_NAMES)).toEqual(
      [...ESSENTIAL["node-exporter"], "up"].sort(),
    );
    expect(
      kept(central, "integrations/kubernetes/cadvisor", [
        "container_memory_working_set_bytes",
        "container_oom_events_total",
      ]),
    ).toEqual(["container_memory_working_set_bytes"]);
    // Sources without a list (kubelet /metrics/resource) and other series pass unchanged.
    expect(
      kept(central, "integrations/kubernetes/resources", ["node_cpu_usage_seconds_total"]),
    ).toEqual(["node_cpu_usage_seconds_total"]);
    expect(kept(central, "apps/my-app", [UNLISTED])).toEqual([UNLISTED]);
    // The temporary label never leaves.
    expect(relabel(central, { __name__: "up", job: "node-exporter" })).toEqual({
      __name__: "up",
      job: "node-exporter",
    });
  });

  it("removes the scrape filter when a destination takes all, and narrows the others", () => {
    const { text, file } = render({
      prometheus: { tier: "recommended", extra: [{ ...EXTRA, tier: "all" }] },
      otlp: { ...OTLP, tier: "essential" },
    });
    expect(nodeExporterScrapeKeep(text)).toBeUndefined();
    // No allow-list keep rule on __name__ anywhere in the scrape's metric relabeling.
    const scrapeRules = file.body
      .filter(
        (s): s is Block =>
          s.type === "Block" && s.name === "prometheus.relabel" && s.label !== "otlp_tier",
      )
      .flatMap((b) => rulesOf(b, "rule"));
    expect(scrapeRules.length).toBeGreaterThan(0);
    expect(
      scrapeRules.filter((r) => r.action === "keep" && `${r.source_labels}` === "__name__"),
    ).toEqual([]);
    const rules = endpoints(file);
    expect(rules.get("central")).toEqual([]);
    expect(kept(rules.get("default") ?? [], "node-exporter", NODE_NAMES)).toEqual(
      [...ESSENTIAL["node-exporter"], ...RECOMMENDED["node-exporter"], "up"].sort(),
    );
    // OTLP: a prometheus.relabel in front of its receiver keeps exactly essential.
    const otlp = component(file, "prometheus.relabel", "otlp_tier");
    expect(text).toMatch(
      /prometheus\.relabel "otlp_tier" \{\n\s+forward_to = \[otelcol\.receiver\.prometheus\.export\.receiver\]/,
    );
    expect(kept(rulesOf(otlp, "rule"), "node-exporter", NODE_NAMES)).toEqual(
      [...ESSENTIAL["node-exporter"], "up"].sort(),
    );
    // The scrape feeds the OTLP branch through the filter, not around it.
    expect(text).toContain("prometheus.relabel.otlp_tier.receiver");
    expect(text).not.toMatch(
      /forward_to\s+= \[[^\]]*otelcol\.receiver\.prometheus\.export\.receiver[^\]]*prometheus\.remote_write/,
    );
  });

  it("counts OTLP only when it exports metrics", () => {
    for (const otlp of [
      { ...OTLP, enabled: false, tier: "all" as const },
      { ...OTLP, signals: { metrics: false }, tier: "all" as const },
    ]) {
      const { text } = render({ otlp });
      expect(nodeExporterScrapeKeep(text)).toBe(
        "node_cpu_seconds_total|node_memory_MemAvailable_bytes|up",
      );
    }
  });

  it("refuses a bad tier and a recommended list without an essential one, naming the path", () => {
    expect(
      valuesErrorOf(() =>
        buildGateway({
          destinations: { prometheus: { extra: [{ ...EXTRA, tier: "everything" as never }] } },
        }),
      ),
    ).toContain("alloy-gateway.destinations.prometheus.extra[0].tier");
    expect(
      valuesErrorOf(() => buildGateway({ destinations: { otlp: { tier: "some" as never } } })),
    ).toContain("alloy-gateway.destinations.otlp.tier");
    expect(
      valuesErrorOf(() =>
        buildGateway({ metricTiers: { recommended: { loki: ["loki_build_info"] } } }),
      ),
    ).toContain("alloy-gateway.metricTiers.recommended.loki");
    expect(
      valuesErrorOf(() => buildGateway({ metricTiers: { essential: { x: ["not a metric"] } } })),
    ).toBe("alloy-gateway.metricTiers.essential.x[0]: not a Prometheus metric name");
  });

  it("takes allowLists as the essential lists, metricTiers.essential winning per source", () => {
    const text = alloyGatewayConfigOf(
      buildGateway({
        scrape: { jobs: [NODE_EXPORTER_JOB] },
        allowLists: { "node-exporter": ["node_load5"], alloy: ["alloy_build_info"] },
        metricTiers: { essential: { alloy: ["alloy_config_last_load_successful"] } },
      }),
    );
    expect(nodeExporterScrapeKeep(text)).toBe("node_load5|up");
    expect(text).toContain('"alloy_config_last_load_successful|up"');
  });
});
