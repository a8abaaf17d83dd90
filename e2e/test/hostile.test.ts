/**
 * Issue 17, Deliver 6 / Checked by: every deep path of the values times every
 * hostile payload (raw, and inside a realistic value) is refused with a
 * ValuesError naming the path, or renders output whose every embedded language
 * re-parses (YAML, Alloy, nginx -t, promtool, amtool, grafana.ini) and in which
 * the value reads back unchanged. At least 1,500 cases; 0 crashes, 0 broken
 * renders, 0 rewritten values. A failure prints one line per path and reason.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXTENSION_POINTS, stackValues, valuesJsonSchema } from "materialize-monitoring";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildPlans,
  failureTable,
  type JsonSchema,
  KEY,
  namesPath,
  PAYLOADS,
  PRUNABLE,
  parseGoIni,
  RenderPool,
  readBack,
  readBackProblem,
  runHostile,
  stringLeaves,
  summarize,
  TOOLS,
  unsafeCharacter,
  type Values,
  yamlDocumentProblem,
} from "../src/hostile.js";
import {
  checkUnrendered,
  completePath,
  isUnrendered,
  minimalValue,
  SHALLOW_PAYLOADS,
  selectShallowPlans,
  shallowLeaves,
} from "../src/hostile-shallow.js";

const schema = valuesJsonSchema() as JsonSchema;
const work = mkdtempSync(join(tmpdir(), "hostile-"));
afterAll(() => {
  if (!process.env.HOSTILE_KEEP) rmSync(work, { recursive: true, force: true });
});

describe("the harness", () => {
  it("enumerates every string leaf of the values schema, keys of records included", () => {
    const { leaves, enumOnly } = stringLeaves(schema);
    const names = new Set(leaves.map((l) => l.name));
    expect(names.has("global.clusterName")).toBe(true);
    expect(names.has("global.commonLabels.k")).toBe(true);
    expect(names.has(`global.commonLabels.${KEY}`)).toBe(true);
    expect(names.has("global.imagePullSecrets[0]")).toBe(true);
    expect(enumOnly).toContain("global.size");
    expect(leaves.length).toBeGreaterThan(500);
  });

  it("builds its cases from paths the schema has", () => {
    const { plans, unknownPaths } = buildPlans(schema);
    expect(unknownPaths).toEqual([]);
    expect(new Set(plans.map((p) => p.path)).size).toBeGreaterThanOrEqual(70);
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(22);
  });

  it("names a path by the umbrella key or the component's own name", () => {
    expect(namesPath("alloy-gateway.scrape.jobs[0].name", "alloyGateway.scrape.jobs[0].name")).toBe(
      true,
    );
    expect(namesPath("global.commonLabels.a b", "global.commonLabels")).toBe(true);
    expect(namesPath("global.clusterDomain", "global.clusterName")).toBe(false);
  });

  it("finds what go-yaml and PyYAML would misread", () => {
    expect(unsafeCharacter("a: b\n")).toBeUndefined();
    expect(unsafeCharacter(`a: "${String.fromCodePoint(0x2028)}"`)).toContain("U+2028");
    expect(unsafeCharacter(`a: ${String.fromCharCode(0xd800)}`)).toContain("lone surrogate");
    expect(unsafeCharacter(`a: ${String.fromCodePoint(0x1f600)}`)).toContain("beyond the BMP");
    expect(yamlDocumentProblem("---\na: 1\na: 2\n", '{"a":2}')).toContain("YAML");
    expect(yamlDocumentProblem('---\na: "x"\n', '{"a":"x"}')).toBeUndefined();
  });

  it("reads grafana.ini as go-ini does: a trailing backslash joins the next line", () => {
    const keys = parseGoIni("[server]\nroot_url = https://x\\\ndomain = y\n");
    expect(keys).toEqual([{ section: "server", key: "root_url", value: "https://xdomain = y" }]);
    expect(parseGoIni('[a]\nk = """v # ; \\"""\n')).toEqual([
      { section: "a", key: "k", value: "v # ; \\" },
    ]);
    expect(parseGoIni("[a]\nk = v # c\n")[0]?.value).toBe("v");
  });

  it("catches a value that a consumer rewrites (planted: Loki's envsubst)", () => {
    const configMap = (text: string) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "loki", namespace: "m" },
      data: { "config.yaml": text },
    });
    const pod = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "loki", namespace: "m" },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "loki",
                args: ["-config.file=/etc/loki/config.yaml", "-config.expand-env=true"],
                volumeMounts: [{ name: "config", mountPath: "/etc/loki" }],
              },
            ],
            volumes: [{ name: "config", configMap: { name: "loki" } }],
          },
        },
      },
    };
    const value = "prod-${HOSTNAME}";
    const raw = configMap(`cluster: ${value}\n`);
    const escaped = configMap(`cluster: prod-$\${HOSTNAME}\n`);
    const base = readBack(
      [configMap("cluster: prod\n")],
      [pod, configMap("cluster: prod\n")],
    ).leaves;
    const rewritten = readBack([raw], [pod, raw]).leaves;
    expect(readBackProblem(value, rewritten, base, false, true)).toMatch(/Loki config/);
    expect(
      readBackProblem(value, readBack([escaped], [pod, escaped]).leaves, base, false, true),
    ).toBeUndefined();
  });
});

describe("the harness catches what the kubelet and Thanos rewrite (planted)", () => {
  const workload = (args: string[], env: Record<string, unknown>[] = []) => ({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "thanos-store", namespace: "m" },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: "thanos",
              image: "quay.io/thanos/thanos:v0.42.4",
              args,
              env,
              volumeMounts: [{ name: "config", mountPath: "/etc/thanos" }],
            },
          ],
          volumes: [{ name: "config", configMap: { name: "thanos-store-config" } }],
        },
      },
    },
  });
  const POD_NAME = [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }];

  it("reads a container arg after the kubelet's $(VAR) expansion", () => {
    const value = "a$(POD_NAME)";
    const base = readBack([workload(['--label=x="a"'], POD_NAME)], []).leaves;
    const raw = workload([`--label=x="${value}"`], POD_NAME);
    const escaped = workload(['--label=x="a$$(POD_NAME)"'], POD_NAME);
    expect(readBackProblem(value, readBack([raw], []).leaves, base, false, true)).toMatch(
      /thanos --label/,
    );
    expect(
      readBackProblem(value, readBack([escaped], []).leaves, base, false, true),
    ).toBeUndefined();
  });

  it("reads a Thanos config file after its $(VAR) substitution, and an unset one breaks it", () => {
    const pod = workload(
      ["store", "--index-cache.config-file=/etc/thanos/index-cache.yaml"],
      POD_NAME,
    );
    const config = (address: string) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "thanos-store-config", namespace: "m" },
      data: { "index-cache.yaml": `type: MEMCACHED\nconfig:\n  addresses: ["${address}"]\n` },
    });
    const rewritten = readBack([config("m-$(POD_NAME):11211")], [pod]);
    expect(rewritten.broken).toEqual([]);
    expect(readBackProblem("m-$(POD_NAME):11211", rewritten.leaves, [], false, true)).toMatch(
      /Thanos config/,
    );
    expect(readBack([config("m-$(UNSET):11211")], [pod]).broken[0]).toMatch(
      /unset environment variable "UNSET"/,
    );
  });
});

describe("hostile input never breaks the output (issue 17)", () => {
  it("every deep path x every payload: refused naming the path, or rendered, re-parsed and read back unchanged", async () => {
    for (const tool of ["promtool", "amtool", "nginx"] as const) {
      if (!existsSync(TOOLS[tool]))
        throw new Error(
          `${TOOLS[tool]} is missing (Debian packages: prometheus, prometheus-alertmanager, nginx-light)`,
        );
    }
    const started = Date.now();
    const filter = process.env.HOSTILE_PATHS ? new RegExp(process.env.HOSTILE_PATHS) : undefined;
    const { plans, coveredLeaves } = buildPlans(schema);
    const selected = filter ? plans.filter((p) => filter.test(p.path)) : plans;
    const enumeration = stringLeaves(schema);
    const pool = new RenderPool();
    let report: Awaited<ReturnType<typeof runHostile>>;
    try {
      report = await runHostile(
        selected,
        pool,
        join(work, "tools"),
        process.env.HOSTILE_PROGRESS ? (line) => process.stderr.write(`${line}\n`) : undefined,
      );
    } finally {
      await pool.close();
    }
    const { results, timings } = report;
    const summary = summarize(results);
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      [
        `hostile: ${summary.cases} cases over ${new Set(results.map((r) => r.path)).size} paths x ${PAYLOADS.length} payloads (raw and embedded)`,
        `  ${summary.refused} refused naming the path, ${summary.ok} rendered and read back, ${summary.crash} crashed, ${summary.broken} broken, ${summary.rewritten} rewritten`,
        `  schema: ${enumeration.leaves.length} string leaves (${enumeration.enumOnly.length} enum-only not counted), ${coveredLeaves.size} tested in depth`,
        `  ${report.toolChecks} tool checks on ${report.toolFilesChecked} distinct files (promtool, amtool, nginx -t)`,
        `  ${seconds(Date.now() - started)} on ${pool.size} workers: probes ${seconds(timings.probeMs)}, render and read-back ${seconds(timings.renderMs)}, tools ${seconds(timings.toolsMs)}`,
        ...(report.unprobed.length > 0
          ? [`  probe refused (rendered with every section on): ${report.unprobed.join(" | ")}`]
          : []),
      ].join("\n"),
    );
    const table = failureTable(results);
    if (table) console.log(`hostile failures:\n${table}`);
    expect(report.harness).toEqual([]);
    if (!filter) expect(summary.cases).toBeGreaterThanOrEqual(1500);
    expect(
      { crash: summary.crash, broken: summary.broken, rewritten: summary.rewritten },
      table,
    ).toEqual({ crash: 0, broken: 0, rewritten: 0 });
  }, 900_000);
});

describe("the shallow pass: every other string leaf (issue 17)", () => {
  it("fills the required fields of the objects a path creates, and switches on opt-in sections", () => {
    const root: JsonSchema = {
      type: "object",
      properties: {
        feature: {
          type: "object",
          properties: {
            enabled: { type: "boolean", default: false },
            items: {
              type: "array",
              items: {
                type: "object",
                required: ["name", "kind", "port"],
                properties: {
                  name: { type: "string", pattern: "^[a-z]+$" },
                  kind: { type: "string", enum: ["a", "b"] },
                  port: { type: "integer", minimum: 1 },
                  note: { type: "string" },
                },
              },
            },
          },
        },
      },
    };
    expect(completePath(root, {}, ["feature", "items", 0, "note"], true)).toEqual({
      feature: { enabled: true, items: [{ name: "x", kind: "a", port: 1 }] },
    });
    expect(completePath(root, {}, ["feature", "items", 0, "note"], false)).toEqual({
      feature: { items: [{ name: "x", kind: "a", port: 1 }] },
    });
    // A pattern no plain string fits is not guessed: the field stays missing, the candidate refused.
    expect(minimalValue(root, { type: "string", pattern: "^[0-9]{3}-[A-Z]$" })).toBeUndefined();
    expect(minimalValue(root, { type: "string", format: "uri" })).toBe("https://example.com");
  });

  it("lists every leaf the deep table leaves out, each written where a deep path validates", () => {
    const { coveredLeaves } = buildPlans(schema);
    const shallow = shallowLeaves(schema, coveredLeaves);
    const all = new Set(stringLeaves(schema).leaves.map((l) => l.name));
    expect(shallow.length + coveredLeaves.size).toBe(all.size);
    for (const s of shallow) expect(coveredLeaves.has(s.leaf.name)).toBe(false);
    // A leaf beside a deep path borrows its item: same record key, same list item.
    const header = shallow.find((s) => s.path.startsWith("global.commonLabels"));
    expect(header === undefined || header.candidates.length > 0).toBe(true);
  });

  it(`every string leaf outside the deep table x ${SHALLOW_PAYLOADS.length} payloads: refused naming the path, or rendered, re-parsed and read back unchanged`, async () => {
    const started = Date.now();
    const { coveredLeaves } = buildPlans(schema);
    const filter = process.env.HOSTILE_PATHS ? new RegExp(process.env.HOSTILE_PATHS) : undefined;
    const leaves = shallowLeaves(
      schema,
      coveredLeaves,
      undefined,
      EXTENSION_POINTS.map((p) => p.replace),
    ).filter((l) => !filter || filter.test(l.path));
    const pool = new RenderPool();
    let report: Awaited<ReturnType<typeof runHostile>>;
    let selection: Awaited<ReturnType<typeof selectShallowPlans>>;
    let selecting = 0;
    let selected = 0;
    try {
      await pool.start();
      selecting = Date.now();
      selection = await selectShallowPlans(
        schema,
        leaves,
        pool,
        stackValues.parse({}) as Values,
        PRUNABLE,
      );
      selected = Date.now();
      report = await runHostile(selection.plans, pool, join(work, "shallow-tools"), undefined, {
        probes: selection.probes,
      });
    } finally {
      await pool.close();
    }
    const summary = summarize(report.results);
    const total = new Set(stringLeaves(schema).leaves.map((l) => l.name)).size;
    const tested = new Set(report.results.map((r) => r.path)).size;
    console.log(
      [
        `hostile (shallow): ${summary.cases} cases over ${tested} leaves x ${SHALLOW_PAYLOADS.length} payloads`,
        `  ${summary.refused} refused naming the path, ${summary.ok} rendered and read back, ${summary.crash} crashed, ${summary.broken} broken, ${summary.rewritten} rewritten`,
        `  leaves: ${total} in the schema, ${coveredLeaves.size} in depth, ${tested} here in ${selection.batches} shared baselines (${selection.refusedByRule.length} of them refused by their own rule whatever they hold), ${selection.unreached.length} not reached`,
        `  ${report.toolChecks} tool checks; ${((Date.now() - started) / 1000).toFixed(1)} s (choosing the values ${((selected - selecting) / 1000).toFixed(1)} s, cases ${((Date.now() - selected) / 1000).toFixed(1)} s)`,
        ...selection.unreached.map((u) => `  not reached: ${u.leaf}: ${u.reason}`),
      ].join("\n"),
    );
    const table = failureTable(report.results);
    if (table) console.log(`hostile (shallow) failures:\n${table}`);
    expect(report.harness).toEqual([]);
    expect(
      { crash: summary.crash, broken: summary.broken, rewritten: summary.rewritten },
      table,
    ).toEqual({ crash: 0, broken: 0, rewritten: 0 });
    // Every leaf of the schema is tested, in depth or here, but the ones the harness cannot yet
    // build valid values around: those are listed by name in hostile-unreached.txt, and the
    // list must be exact (a leaf that becomes reachable is taken off it).
    if (process.env.HOSTILE_WRITE_UNREACHED)
      writeFileSync(
        process.env.HOSTILE_WRITE_UNREACHED,
        selection.unreached
          .filter((u) => !isUnrendered(u.leaf))
          .map((u) => `${u.leaf}\n`)
          .join(""),
      );
    if (!filter) {
      const known = readFileSync(join(import.meta.dirname, "hostile-unreached.txt"), "utf8")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith("#"));
      // Leaves the render never writes are checked by the next test (and must stay unrendered).
      const unrendered = leaves.filter((l) => isUnrendered(l.path)).map((l) => l.leaf.name);
      expect(selection.unreached.filter((u) => unrendered.includes(u.leaf))).toEqual(
        unrendered.map((leaf) => ({ leaf, reason: expect.stringMatching(/^rendered nowhere/) })),
      );
      const reachable = selection.unreached.filter((u) => !unrendered.includes(u.leaf));
      expect(reachable.map((u) => u.leaf).sort()).toEqual([...known].sort());
      expect(selection.plans.length + coveredLeaves.size + known.length + unrendered.length).toBe(
        total,
      );
      // Every chosen leaf got its cases.
      const withCases = new Set(report.results.map((r) => r.path));
      expect(selection.plans.filter((p) => !withCases.has(p.path)).map((p) => p.path)).toEqual([]);
    }
  }, 900_000);

  it("every leaf the render never writes (a note, an export-only value): each payload leaves the render byte-identical", async () => {
    const { coveredLeaves } = buildPlans(schema);
    const leaves = shallowLeaves(
      schema,
      coveredLeaves,
      undefined,
      EXTENSION_POINTS.map((p) => p.replace),
    ).filter((l) => isUnrendered(l.path));
    expect(leaves.map((l) => l.path).sort()).toEqual([
      "alloyGateway.scrape.extraJobs[0].selectors[0].note",
      "alloyGateway.scrape.jobs[0].selectors[0].note",
      "materialize.scrape.sqlMetrics.username",
    ]);
    const pool = new RenderPool();
    try {
      await pool.start();
      const results = await checkUnrendered(leaves, pool);
      for (const r of results) {
        expect(r.problems, r.leaf).toEqual([]);
        expect(r.unchanged, r.leaf).toBe(PAYLOADS.length);
      }
    } finally {
      await pool.close();
    }
  }, 300_000);
});
