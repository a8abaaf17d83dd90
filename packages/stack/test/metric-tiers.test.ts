/**
 * Metric tiers as the umbrella wires them: the bundled Thanos takes recommended, an external
 * remote-write URL, extra endpoints and OTLP essential; the user's values win.
 */

import { alloyGatewayConfigOf } from "@materialize-monitoring/alloy-gateway";
import { parse } from "@materialize-monitoring/alloy-syntax";
import { ValuesError } from "@materialize-monitoring/core";
import {
  exporters,
  kubeStateMetricsResourceOf,
  kubeStateMetricsResourcesFor,
  nodeExporterCollectorOf,
  nodeExporterCollectorsFor,
} from "@materialize-monitoring/exporters";
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

/** The collectors node-exporter runs and the resources kube-state-metrics watches in `built`. */
function collection(built: Stack): { collectors: string[]; resources: string[] } {
  const ksm = built.objects.find(
    (o) => o.kind === "Deployment" && o.metadata.name === "kube-state-metrics",
  ) as { spec: { template: { spec: { containers: { args?: string[] }[] } } } } | undefined;
  const flag = ksm?.spec.template.spec.containers[0]?.args?.find((a) =>
    a.startsWith("--resources="),
  );
  return {
    collectors: built.endpoints.exporters?.nodeExporter?.collectors ?? [],
    resources: flag?.slice("--resources=".length).split(",") ?? [],
  };
}

/** Every family the gateway's scrape keeps for an exporter is produced by what that exporter runs. */
function expectCollectsWhatIsKept(built: Stack): void {
  const text = config(built);
  const { collectors, resources } = collection(built);
  const kept = (source: string) =>
    [...names(scrapeKeep(text, source))].filter((n) => n && n !== "up");
  for (const family of kept("node-exporter")) {
    const collector = nodeExporterCollectorOf(family);
    expect(collector === null || collectors.includes(collector as string), family).toBe(true);
  }
  for (const family of kept("kube-state-metrics")) {
    const resource = kubeStateMetricsResourceOf(family);
    expect(resource === null || resources.includes(resource as string), family).toBe(true);
  }
}

describe("the exporters collect what the widest tier forwards", () => {
  it("by default (recommended, the bundled Thanos): exactly the collectors and resources of its lists", () => {
    const built = stack();
    expect(collection(built)).toEqual({
      collectors: nodeExporterCollectorsFor(tiers["node-exporter"].recommended).needed,
      resources: kubeStateMetricsResourcesFor(tiers["kube-state-metrics"].recommended).needed,
    });
    // narrower than each exporter's own defaults
    const defaults = exporters();
    expect(collection(built).collectors.length).toBeLessThan(
      defaults.endpoints.nodeExporter?.collectors.length ?? 0,
    );
    expectCollectsWhatIsKept(built);
  });

  it("for an external store (essential): fewer still, and still everything essential keeps", () => {
    const built = stack({ thanos: EXTERNAL_THANOS });
    expect(collection(built).collectors).toEqual(
      nodeExporterCollectorsFor(tiers["node-exporter"].essential).needed,
    );
    expect(collection(built).collectors).not.toContain("loadavg");
    expectCollectsWhatIsKept(built);
  });

  it("widens to the widest destination: an extra endpoint at recommended beside an external store", () => {
    const built = stack({
      thanos: EXTERNAL_THANOS,
      alloyGateway: {
        destinations: { prometheus: { extra: [{ ...EXTRA, tier: "recommended" }] } },
      },
    });
    expect(collection(built).collectors).toContain("loadavg");
    expectCollectsWhatIsKept(built);
  });

  it("keeps each exporter's defaults when a destination takes all (nothing is filtered)", () => {
    const built = stack({ alloyGateway: { destinations: { prometheus: { tier: "all" } } } });
    const defaults = exporters();
    expect(collection(built).collectors).toEqual(defaults.endpoints.nodeExporter?.collectors);
    expect(collection(built).resources).toEqual(
      collection(stack({ materialize: { enabled: false } })).resources,
    );
  });

  it("follows names added to the gateway's allow-lists", () => {
    const built = stack({
      alloyGateway: {
        metricTiers: {
          recommended: { "node-exporter": ["node_memory_MemAvailable_bytes"] },
        },
      },
    });
    expect(collection(built).collectors).toContain("meminfo");
    expectCollectsWhatIsKept(built);
  });

  it("keeps an exporter's defaults and says why when a kept name has no known collector", () => {
    const built = stack({
      alloyGateway: { metricTiers: { recommended: { "node-exporter": ["node_gpu_temperature"] } } },
    });
    expect(collection(built).collectors).toEqual(exporters().endpoints.nodeExporter?.collectors);
    expect(built.notices.join("\n")).toContain(
      "exporters: node-exporter keeps its collectors: no collector is known to serve node_gpu_temperature",
    );
  });

  it("the user's collectors and resources extend the derived ones; a disabled collector is left out", () => {
    const built = stack({
      exporters: {
        nodeExporter: { collectors: { enable: ["meminfo"], disable: ["vmstat"] } },
        kubeStateMetrics: { watchedResources: ["ingresses"] },
      },
    });
    const { collectors, resources } = collection(built);
    expect(collectors).toContain("meminfo");
    expect(collectors).toContain("filesystem");
    expect(collectors).not.toContain("vmstat");
    expect(resources).toContain("ingresses");
    expect(resources).toContain("pods");
  });
});
