/**
 * Metric tiers as the umbrella wires them: the bundled Thanos takes recommended, an external
 * remote-write URL, extra endpoints and OTLP essential; the user's values win.
 */

import { alloyGatewayConfigOf } from "@materialize-monitoring/alloy-gateway";
import { parse } from "@materialize-monitoring/alloy-syntax";
import { ValuesError } from "@materialize-monitoring/core";
import { materializeArtifacts } from "@materialize-monitoring/materialize";
import { describe, expect, it } from "vitest";
import { type Stack, type StackValues, stack } from "../src/index.js";

const tiers = materializeArtifacts().metricTiers;
const RECOMMENDED_ONLY = tiers.materialize.added[0]?.metric as string;
const NODE_RECOMMENDED_ONLY = tiers["node-exporter"].added[0]?.metric as string;
const EXTRA = { name: "central", url: "https://metrics.example.com/api/v1/write" };
const EXTERNAL_THANOS: StackValues["thanos"] = {
  enabled: false,
  external: {
    remoteWriteUrl: "https://store.example.com/api/v1/write",
    queryUrl: "https://store.example.com",
  },
};

function config(built: Stack): string {
  const text = alloyGatewayConfigOf({
    name: "alloy-gateway",
    objects: built.objects,
    endpoints: built.endpoints.alloyGateway!,
  });
  parse(text);
  return text;
}

/** The keep regex of the scrape's allow-list of `source`, or undefined when it has none. */
function scrapeKeep(text: string, source: string): string | undefined {
  const label = `metrics_${source.replace(/-/g, "_")}`;
  const block = text.match(new RegExp(`prometheus\\.relabel "${label}" \\{[\\s\\S]*?\\n\\}`))?.[0];
  return block?.match(/source_labels = \["__name__"\]\n\s*regex\s+= "([^"]*)"/)?.[1];
}

/** The text of the remote-write endpoint named `name`. */
function endpoint(text: string, name: string): string {
  const blocks = text.match(/\tendpoint \{[\s\S]*?\n\t\}/g) ?? [];
  const found = blocks.find((b) => b.includes(`name = "${name}"`));
  if (!found) throw new Error(`no endpoint ${name}`);
  return found;
}

const names = (regex: string | undefined) => new Set((regex ?? "").split("|"));

describe("metric tiers per destination kind", () => {
  it("gives the bundled Thanos recommended: the scrape keeps it, nothing is narrowed", () => {
    const text = config(stack());
    for (const source of ["materialize", "node-exporter", "kube-state-metrics"] as const) {
      expect(names(scrapeKeep(text, source)), source).toEqual(
        new Set(tiers[source].recommended.map((n) => n.replace(/\./g, "\\."))),
      );
    }
    expect(endpoint(text, "default")).not.toContain("write_relabel_config");
  });

  it("gives an external remote-write URL essential", () => {
    const text = config(stack({ thanos: EXTERNAL_THANOS }));
    expect(names(scrapeKeep(text, "materialize"))).toEqual(new Set(tiers.materialize.essential));
    expect(names(scrapeKeep(text, "node-exporter")).has(NODE_RECOMMENDED_ONLY)).toBe(false);
  });

  it("gives an extra endpoint essential, filtered before writing beside the bundled Thanos", () => {
    const text = config(
      stack({ alloyGateway: { destinations: { prometheus: { extra: [EXTRA] } } } }),
    );
    expect(names(scrapeKeep(text, "materialize")).has(RECOMMENDED_ONLY)).toBe(true);
    const central = endpoint(text, "central");
    expect(central).toContain("write_relabel_config");
    const keep = central.match(/regex\s+= "(;\.\*\|[^"]*)"/)?.[1] ?? "";
    const materialize = keep.match(/materialize;\(\?:([^)]*)\)/)?.[1];
    expect(new Set(materialize?.split("|"))).toEqual(new Set(tiers.materialize.essential));
    expect(endpoint(text, "default")).not.toContain("write_relabel_config");
  });

  it("gives OTLP essential, through a prometheus.relabel in front of its receiver", () => {
    const text = config(
      stack({
        alloyGateway: {
          destinations: { otlp: { enabled: true, endpoint: "otel.example.com:4317" } },
        },
      }),
    );
    expect(text).toContain('prometheus.relabel "otlp_tier" {');
    expect(text).toContain("prometheus.relabel.otlp_tier.receiver");
  });

  it("lets the user's tier win over the wiring", () => {
    const essential = config(
      stack({ alloyGateway: { destinations: { prometheus: { tier: "essential" } } } }),
    );
    expect(names(scrapeKeep(essential, "materialize"))).toEqual(
      new Set(tiers.materialize.essential),
    );
    const external = config(
      stack({
        thanos: EXTERNAL_THANOS,
        alloyGateway: { destinations: { prometheus: { tier: "recommended" } } },
      }),
    );
    expect(names(scrapeKeep(external, "materialize")).has(RECOMMENDED_ONLY)).toBe(true);
  });

  it("removes the scrape filter when an endpoint takes all, narrowing the bundled Thanos", () => {
    const text = config(
      stack({
        alloyGateway: { destinations: { prometheus: { extra: [{ ...EXTRA, tier: "all" }] } } },
      }),
    );
    for (const source of ["materialize", "node-exporter", "cadvisor"]) {
      expect(scrapeKeep(text, source), source).toBeUndefined();
    }
    // Materialize's targets no longer carry the essential keep rule of a plain Prometheus.
    expect(text).not.toContain(`regex         = "${tiers.materialize.essential.join("|")}"`);
    const thanos = endpoint(text, "default");
    const materialize = thanos.match(/materialize;\(\?:([^)]*)\)/)?.[1];
    expect(new Set(materialize?.split("|"))).toEqual(new Set(tiers.materialize.recommended));
    expect(endpoint(text, "central")).not.toContain("write_relabel_config");
  });

  it("refuses an unknown tier, naming the value", () => {
    let message = "";
    try {
      stack({ alloyGateway: { destinations: { prometheus: { tier: "max" as never } } } });
    } catch (error) {
      if (!(error instanceof ValuesError)) throw error;
      message = error.message;
    }
    expect(message).toMatch(/alloyGateway\.destinations\.prometheus\.tier/);
  });
});
