import { writeFileSync } from "node:fs";
import { toYamlStream } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadValues, readValuesFile, type SetArgument } from "../src/load-values.js";
import { PROFILE_NAMES, PROFILES } from "../src/profiles.js";
import { valuesJsonSchema } from "../src/schema.js";
import { valuesYaml } from "../src/show-values.js";
import { defaultedValues, stack } from "../src/stack.js";
import { runCli } from "./run-cli.js";

async function values(args: string[]): Promise<string> {
  const { code, out } = await runCli(["values", ...args]);
  expect(code).toBe(0);
  return out;
}

const SCENARIO = (name: string) =>
  new URL(`../../../e2e/scenarios/${name}.yaml`, import.meta.url).pathname;

const CASES: [string, string[]][] = [
  ["the defaults", []],
  ...PROFILE_NAMES.map((name): [string, string[]] => [`profile ${name}`, ["-p", name]]),
  ["dev with split namespaces", ["-p", "dev", "-p", "split-namespace"]],
  [
    "an existing Grafana under another cluster domain",
    ["-f", SCENARIO("existing-grafana-corp-domain")],
  ],
  [
    "an extra scrape job and log stage",
    ["-f", SCENARIO("extra-scrape-job"), "-f", SCENARIO("extra-log-stage")],
  ],
  [
    "--set and --set-json",
    [
      "--set",
      "global.clusterDomain=corp.example,loki.mode=single-binary",
      "--set-json",
      'global.commonLabels={"team":"data"}',
    ],
  ],
];

describe("values (like helm show values)", () => {
  it.each(CASES)("%s: passed back with -f, renders the same stack", async (_name, args) => {
    const text = await values(args);
    const file = `${process.env.TMPDIR ?? "/tmp"}/mzmon-values-${process.pid}-${Math.random()}.yaml`;
    writeFileSync(file, text);
    const profiles = args
      .filter((_a, i) => args[i - 1] === "-p")
      .map(
        (n) =>
          structuredClone(PROFILES[n as keyof typeof PROFILES].values) as Record<string, unknown>,
      );
    const sets = args.flatMap((a, i): SetArgument[] =>
      args[i - 1] === "--set"
        ? [{ kind: "set", text: a }]
        : args[i - 1] === "--set-json"
          ? [{ kind: "set-json", text: a }]
          : [],
    );
    const files = args.filter((_a, i) => args[i - 1] === "-f");
    const direct = stack(loadValues({ profiles, files, sets }));
    const roundTrip = stack(readValuesFile(file));
    expect(toYamlStream(roundTrip.objects)).toBe(toYamlStream(direct.objects));
  });

  it("writes each field's description and default above it", async () => {
    const text = await values([]);
    expect(text).toContain(
      '  # namespace of the monitoring stack (default: "monitoring")\n  namespace: monitoring\n',
    );
    const doc = parseDocument(text);
    expect(doc.errors).toEqual([]);
    const comments = text.split("\n").filter((l) => /^\s*# /.test(l)).length;
    expect(comments).toBeGreaterThan(300);
  });

  it("leaves out what the wiring fills in, and says so", async () => {
    const text = await values([]);
    expect(text).toContain("Not shown: what the umbrella wires between components");
    const shown = defaultedValues({}) as { thanos: { ruler?: { ruleGroups?: unknown } } };
    expect(shown.thanos.ruler?.ruleGroups).toBeUndefined();
    expect(text).not.toContain("svc.cluster.local");
  });

  it("quotes text a values file would read as another type, and keeps comments on one line", () => {
    const schema = {
      type: "object",
      properties: { a: { type: "string", description: "first\u2028second\nthird" } },
    };
    const text = valuesYaml({ a: "yes", b: "0755", c: "2024-01-01" }, schema);
    expect(text).toBe('# first second third\na: "yes"\nb: "0755"\nc: "2024-01-01"\n');
    const parsed = readValuesFileFromText(text);
    expect(parsed).toEqual({ a: "yes", b: "0755", c: "2024-01-01" });
  });

  it("follows the schema through unions to the branch the values use", () => {
    const schema = valuesJsonSchema();
    type Node = {
      properties: Record<string, Node>;
      oneOf: Node[];
      const?: string;
      description?: string;
    };
    const root = schema as unknown as Node;
    const storage = root.properties.global?.properties.objectStorage as Node;
    const s3 = storage.oneOf.find((o) => o.properties.type?.const === "s3") as Node;
    const text = valuesYaml(
      {
        global: {
          objectStorage: {
            type: "s3",
            bucket: "mz-metrics",
            region: "us-east-1",
            endpoint: "minio:9000",
          },
        },
      },
      schema,
    );
    expect(text).toContain(`# ${s3.properties.endpoint?.description}\n    endpoint: minio:9000`);
  });
});

function readValuesFileFromText(text: string): unknown {
  const file = `${process.env.TMPDIR ?? "/tmp"}/mzmon-q-${process.pid}.yaml`;
  writeFileSync(file, text);
  return readValuesFile(file);
}
