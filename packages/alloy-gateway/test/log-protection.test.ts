/**
 * Flood protection of the log pipeline: old and oversized entries and lines over the namespace,
 * pod and debug/trace rates are dropped and counted with a reason, in the right place of the
 * pipeline (the size and rate limits before the log stages, the level limit after the level is
 * known), and nothing is added when protection is off.
 */
import { type Block, parse, type Statement } from "@materialize-monitoring/alloy-syntax";
import { describe, expect, it } from "vitest";
import { type AlloyGatewayValues, alloyGatewayConfigOf } from "../src/index.js";
import { buildGateway, MATERIALIZE, valuesErrorOf } from "./helpers.js";

const text = (values: AlloyGatewayValues = {}) =>
  alloyGatewayConfigOf(
    buildGateway({ ...values, logs: { stages: MATERIALIZE.logStages, ...values.logs } }),
  );

function process(config: string, label: string): Block | undefined {
  return parse(config).body.find(
    (s): s is Block => s.type === "Block" && s.name === "loki.process" && s.label === label,
  );
}

function stages(block: Block | undefined, name: string): Block[] {
  return (block?.body ?? []).filter(
    (s: Statement): s is Block => s.type === "Block" && s.name === name,
  );
}

function attr(block: Block | undefined, name: string): unknown {
  const found = block?.body.find((s) => s.type === "Attribute" && s.name === name);
  const value = found?.type === "Attribute" ? found.value : undefined;
  return value && "value" in value ? value.value : undefined;
}

describe("log flood protection", () => {
  it("drops old and oversized entries with a reason, then limits each namespace and pod, before the log stages", () => {
    const config = text();
    const protect = process(config, "protect");
    const drops = stages(protect, "stage.drop");
    expect(
      drops.map((d) => [
        attr(d, "older_than"),
        attr(d, "longer_than"),
        attr(d, "drop_counter_reason"),
      ]),
    ).toEqual([
      ["24h", undefined, "too_old"],
      [undefined, "256KB", "line_too_long"],
    ]);
    const limits = stages(protect, "stage.limit");
    expect(
      limits.map((l) => [
        attr(l, "by_label_name"),
        attr(l, "rate"),
        attr(l, "burst"),
        attr(l, "drop"),
      ]),
    ).toEqual([
      ["namespace", 5000, 20000, true],
      ["pod", 1000, 5000, true],
    ]);
    // the push API and the OTLP receiver reach the log stages only through it
    expect(config).toMatch(
      /loki\.source\.api "push" \{[\s\S]*?forward_to\s*= \[loki\.process\.protect\.receiver\]/,
    );
    expect(config).toMatch(
      /loki\.process "protect" \{[\s\S]*?forward_to = \[loki\.process\.stages\.receiver\]/,
    );
  });

  it("limits debug and trace lines after level normalisation, right before the writers", () => {
    const config = text();
    const levels = process(config, "protect_levels");
    const match = stages(levels, "stage.match")[0];
    expect(attr(match, "selector")).toBe('{level=~"debug|trace"}');
    const limit = stages(match, "stage.limit")[0];
    expect([attr(limit, "by_label_name"), attr(limit, "rate"), attr(limit, "drop")]).toEqual([
      "level",
      200,
      true,
    ]);
    expect(config).toMatch(
      /loki\.process "levels" \{[\s\S]*?forward_to = \[loki\.process\.protect_levels\.receiver\]/,
    );
    expect(config).toMatch(
      /loki\.process "protect_levels" \{[\s\S]*?forward_to = \[loki\.write\.default\.receiver\]/,
    );
  });

  it("follows the values, and each limit turns off on its own", () => {
    const config = text({
      logs: {
        protection: {
          maxAge: "6h",
          maxLineSize: "64KiB",
          perNamespace: { enabled: false },
          perPod: { linesPerSecond: 50, burst: 100 },
          debug: { enabled: false },
        },
      },
    });
    const protect = process(config, "protect");
    expect(
      stages(protect, "stage.drop").map((d) => attr(d, "older_than") ?? attr(d, "longer_than")),
    ).toEqual(["6h", "64KiB"]);
    expect(stages(protect, "stage.limit").map((l) => attr(l, "by_label_name"))).toEqual(["pod"]);
    expect(process(config, "protect_levels")).toBeUndefined();
  });

  it("adds nothing when protection is off", () => {
    const config = text({ logs: { protection: { enabled: false } } });
    expect(process(config, "protect")).toBeUndefined();
    expect(process(config, "protect_levels")).toBeUndefined();
    expect(config).not.toContain("stage.limit");
    expect(config).toMatch(
      /loki\.source\.api "push" \{[\s\S]*?forward_to\s*= \[loki\.process\.stages\.receiver\]/,
    );
  });

  it("refuses sizes Alloy cannot read, naming the path", () => {
    expect(
      valuesErrorOf(() => text({ logs: { protection: { maxLineSize: "256 KB" } } })),
    ).toContain("logs.protection.maxLineSize");
    expect(
      valuesErrorOf(() => text({ logs: { protection: { perPod: { linesPerSecond: 0 } } } })),
    ).toContain("logs.protection.perPod.linesPerSecond");
  });
});

describe("tenant routing", () => {
  const EXTRA = {
    name: "central",
    url: "https://logs.example.com/loki/api/v1/push",
    tenantId: "ops",
  };

  it("sets each entry's tenant from the label, and gives the extra destinations a loki.write of their own", () => {
    const config = text({
      destinations: { loki: { tenantId: "materialize", tenantFrom: "namespace", extra: [EXTRA] } },
    });
    const tenant = process(config, "tenant");
    expect(attr(stages(tenant, "stage.tenant")[0], "label")).toBe("namespace");
    expect(config).toMatch(
      /loki\.process "tenant" \{\n\s*forward_to = \[loki\.write\.default\.receiver\]/,
    );
    // the extra destination keeps its own tenant: it is not behind the routing
    expect(config).toMatch(/loki\.write "extra" \{[\s\S]*?tenant_id\s*= "ops"/);
    expect(config).toMatch(
      /forward_to = \[loki\.process\.tenant\.receiver, loki\.write\.extra\.receiver\]/,
    );
  });

  it("renders one loki.write with every endpoint when nothing is routed", () => {
    const config = text({ destinations: { loki: { extra: [EXTRA] } } });
    expect(process(config, "tenant")).toBeUndefined();
    expect(config).not.toContain('loki.write "extra"');
  });

  it("refuses a tenant Loki would not accept, naming the path", () => {
    expect(valuesErrorOf(() => text({ destinations: { loki: { tenantId: "team a" } } }))).toContain(
      "destinations.loki.tenantId",
    );
  });
});
