import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Volume } from "@materialize-monitoring/core";
import { afterAll, describe, expect, it } from "vitest";
import { GENERATED_RULES_KEY, type RuleGroupInput, thanos } from "../src/index.js";
import { args, configMapData, flag, mainContainer, S3, template } from "./helpers.js";

const PROMTOOL = "/usr/bin/promtool";

const groups: RuleGroupInput[] = [
  {
    name: "materialize.recording",
    interval: "1m",
    rules: [
      {
        record: "mz:environmentd_up:sum",
        expr: 'sum by (cluster, namespace) (up{job="environmentd"})',
        labels: { source: "thanos-ruler" },
      },
    ],
  },
  {
    name: "materialize.alerts",
    limit: 100,
    rules: [
      {
        alert: "MaterializeEnvironmentdDown",
        expr: "mz:environmentd_up:sum == 0",
        for: "5m",
        keep_firing_for: "2m",
        labels: { severity: "critical" },
        annotations: {
          summary: "environmentd is down in {{ $labels.namespace }}",
          description: "No environmentd target has been up for 5 minutes.",
        },
      },
    ],
  },
];

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Writes the ruler's rule files exactly as mounted and runs the real promtool on them. */
function promtoolCheck(files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "thanos-rules-"));
  dirs.push(dir);
  const paths = Object.entries(files).map(([name, content]) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  });
  const result = spawnSync(PROMTOOL, ["check", "rules", ...paths], { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("ruler rule files", () => {
  it("renders typed groups into the mounted ConfigMap and they pass promtool check rules (Prometheus 2.42)", () => {
    const c = thanos({ objectStorage: S3, ruler: { ruleGroups: groups } });
    const files = configMapData(c.objects, "thanos-ruler-rules");
    expect(Object.keys(files)).toEqual([GENERATED_RULES_KEY]);
    const result = promtoolCheck(files);
    expect(result.output).toContain("SUCCESS: 2 rules found");
    expect(result.status).toBe(0);
  });

  it("a planted bad rule fails promtool (the check is real)", () => {
    // The values schema refuses the expression first (see hostile-strings.test.ts), so it is
    // planted into the rendered file.
    const c = thanos({ objectStorage: S3, ruler: { ruleGroups: groups } });
    const files = configMapData(c.objects, "thanos-ruler-rules");
    const planted = Object.fromEntries(
      Object.entries(files).map(([name, text]) => [
        name,
        text.replace("mz:environmentd_up:sum == 0", "rate(http_requests_total[5m]"),
      ]),
    );
    const result = promtoolCheck(planted);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("FAILED");
    expect(result.output).toContain("could not parse expression");
  });

  it("mounts generated and referenced rule files where the --rule-file glob reads them", () => {
    const c = thanos({
      objectStorage: S3,
      ruler: {
        ruleGroups: groups,
        ruleConfigMaps: [{ name: "materialize-rules" }, { name: "team-rules", keys: ["a.yaml"] }],
      },
    });
    expect(flag(args(c.objects, "thanos-ruler"), "rule-file")).toBe("/etc/thanos/rules/*/*.yaml");
    const mounts = mainContainer(c.objects, "thanos-ruler").volumeMounts ?? [];
    const volumes = template(c.objects, "thanos-ruler").spec?.volumes ?? [];
    const byMount = (path: string): Volume | undefined => {
      const mount = mounts.find((m) => m.mountPath === path);
      return volumes.find((v) => v.name === mount?.name);
    };
    expect(byMount("/etc/thanos/rules/generated")?.configMap?.name).toBe("thanos-ruler-rules");
    expect(byMount("/etc/thanos/rules/materialize-rules")?.configMap).toEqual({
      name: "materialize-rules",
    });
    expect(byMount("/etc/thanos/rules/team-rules")?.configMap).toEqual({
      name: "team-rules",
      items: [{ key: "a.yaml", path: "a.yaml" }],
    });
  });

  it("evaluates through query, keeps a short local TSDB and uploads to the bucket", () => {
    const a = args(thanos({ objectStorage: S3 }).objects, "thanos-ruler");
    expect(flag(a, "eval-interval")).toBe("30s");
    expect(flag(a, "tsdb.retention")).toBe("48h");
    expect(flag(a, "objstore.config-file")).toBe("/etc/thanos/objstore/objstore.yaml");
  });

  it("renders no rules ConfigMap without typed groups", () => {
    const c = thanos({ objectStorage: S3 });
    expect(c.objects.some((o) => o.metadata.name === "thanos-ruler-rules")).toBe(false);
  });
});
