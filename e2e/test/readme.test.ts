/**
 * The README's values examples are values a user copies: each YAML block of
 * the README renders and validates with 0 problems, so a renamed key fails
 * here before it misleads anyone.
 */
import { readFileSync } from "node:fs";
import { applySet, stack, validateStack } from "materialize-monitoring";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe("README values examples", () => {
  it("the README has values examples to check", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks.map((b, i) => [i + 1, b] as const))(
    "example %i renders and validates with 0 problems",
    async (_i, text) => {
      const values = parse(text) as Record<string, unknown>;
      const built = stack(values);
      expect(built.objects.length).toBeGreaterThan(50);
      const problems = await validateStack(built);
      expect(problems.map((p) => `${p.layer}: ${p.message}`)).toEqual([]);
    },
  );
});

describe("README --set examples", () => {
  const rows = [
    ...readme.matchAll(/^\| (?:`(--set[-a-z]*)`)? *\| `(--set[-a-z]*) '?([^`']+)'?` \|/gm),
  ];

  it("the README has --set examples to check", () => {
    expect(rows.length).toBeGreaterThanOrEqual(6);
  });

  it.each(rows.filter((r) => r[2] !== "--set-file").map((r) => [r[2] ?? "", r[3] ?? ""] as const))(
    "%s %s sets what its row says",
    (flag, text) => {
      const kind = flag.slice(2) as "set" | "set-string" | "set-json";
      const values = applySet({ loki: { mode: "single-binary" } }, { kind, text });
      const path = text.slice(0, text.indexOf("=")).replace(/\\\./g, "\uE000");
      const first = path.split(/[.[,]/)[0]?.replace(/\uE000/g, ".") ?? "";
      if (text.endsWith("=null")) expect(values).toEqual({ loki: {} });
      else expect(Object.keys(values)).toContain(first);
    },
  );
});
