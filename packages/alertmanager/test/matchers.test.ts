import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { checkRegex, formatMatcher, matcher, parseMatchers } from "../src/index.js";
import { AMTOOL, checkConfig, requireBinary, tempDir } from "./helpers.js";

const tmp = tempDir("am-matchers");
afterAll(() => tmp.remove());
beforeAll(() => requireBinary(AMTOOL));

/** A config file whose only route uses `matchers`, as amtool will read it. */
let counter = 0;
function configWith(matchers: string[]): string {
  const file = join(tmp.path, `matchers-${counter++}.yml`);
  writeFileSync(
    file,
    stringify({
      route: { receiver: "r", routes: [{ receiver: "r", matchers }] },
      receivers: [{ name: "r" }],
    }),
  );
  return file;
}

/** Accepted here, and by amtool both as written and in the canonical form the builder writes. */
const VALID: [string, string[]][] = [
  ['severity="critical"', ['severity="critical"']],
  ["severity=critical", ['severity="critical"']],
  ["  severity  =  critical  ", ['severity="critical"']],
  ['severity!="info"', ['severity!="info"']],
  ['severity=~"warning|critical"', ['severity=~"warning|critical"']],
  ["severity=~warning|critical", ['severity=~"warning|critical"']],
  ['job!~"node.*"', ['job!~"node.*"']],
  [
    '{alertname="Watchdog", severity=~"none|info"}',
    ['alertname="Watchdog"', 'severity=~"none|info"'],
  ],
  ['alertname="Watchdog",severity="none",', ['alertname="Watchdog"', 'severity="none"']],
  ['summary="a, b and \\"c\\""', ['summary="a, b and \\"c\\""']],
  ['path=~"C:\\\\\\\\temp\\\\d+"', ['path=~"C:\\\\\\\\temp\\\\d+"']],
  ['note="line\\nbreak"', ['note="line\\nbreak"']],
  ['empty=""', ['empty=""']],
  ['greek="Προμηθεύς"', ['greek="Προμηθεύς"']],
  ['flags=~"(?i)critical"', ['flags=~"(?i)critical"']],
  ['_private_x="y"', ['_private_x="y"']],
];

/** Rejected here and by amtool 0.25. */
const INVALID_FOR_BOTH = [
  'severity=="critical"',
  "severity~=critical",
  "1abc=x",
  'severity="critical',
  'a=~"(unclosed"',
  'a=~"x**"',
  'a=~"[z-a]"',
  'a=~"(?=lookahead)"',
  'a=~"x{1001}"',
  'a="b" c="d"',
];

/**
 * Accepted by amtool 0.25's classic parser but rejected here on purpose:
 * Alertmanager 0.27+'s UTF-8 parser rejects or reads them differently.
 */
const STRICTER_THAN_CLASSIC = [
  "a=",
  "a=b c",
  'a="x\\ty"',
  'a=~"\\d+"',
  '{a="b"',
  'a="b"}',
  "{}",
  "",
];

describe("parseMatchers", () => {
  it.each(VALID)("parses %s", (input, canonical) => {
    const result = parseMatchers(input);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.matchers.map(formatMatcher)).toEqual(canonical);
  });

  it.each([...INVALID_FOR_BOTH, ...STRICTER_THAN_CLASSIC])(
    "rejects %s with a column and a reason",
    (input) => {
      const result = parseMatchers(input);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.column).toBeGreaterThanOrEqual(1);
        expect(result.message.length).toBeGreaterThan(10);
      }
    },
  );

  it("explains the escapes it refuses", () => {
    expect(parseMatchers('a=~"\\d+"')).toEqual({
      ok: false,
      column: 5,
      message:
        'unsupported escape "\\d" in a quoted value (only \\\\, \\" and \\n read the same in every Alertmanager version; write \\\\d for a literal backslash)',
    });
  });

  it("round-trips: the canonical form parses to the same matchers", () => {
    for (const [input] of VALID) {
      const first = parseMatchers(input);
      if (!first.ok) throw new Error(input);
      const again = first.matchers.map((m) => parseMatchers(formatMatcher(m)));
      expect(again.map((r) => (r.ok ? r.matchers[0] : undefined))).toEqual(first.matchers);
    }
  });

  it("builds matchers in code", () => {
    expect(matcher("alertname", "=", 'say "hi"\\')).toBe('alertname="say \\"hi\\"\\\\"');
  });

  it("checks regular expressions with Go's RE2 syntax, as Alertmanager compiles them", () => {
    expect(checkRegex("(?i)abc")).toBeUndefined();
    expect(checkRegex("(?P<name>x)")).toBeUndefined();
    expect(checkRegex("[[:alpha:]]+\\z")).toBeUndefined();
    expect(checkRegex("a\\1")).toContain(
      "not an RE2 regex (Go regexp, as Alertmanager uses): backreferences such as \\1 are not supported",
    );
    expect(checkRegex("a(?<!b)")).toContain(
      "lookbehind (?<!...) is not supported; rewrite without it",
    );
    expect(checkRegex("a(?=b)")).toContain(
      "lookahead (?=...) is not supported; rewrite without it",
    );
    expect(checkRegex("a)|(b")).toContain("unbalanced parentheses");
    expect(checkRegex("a\\\\1")).toBeUndefined();
  });

  it("refuses a lookahead in a matcher with the column and the fix", () => {
    const result = parseMatchers('severity=~"(?!info).*"');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.column).toBe(11);
      expect(result.message).toBe(
        'invalid regular expression for "severity": not an RE2 regex (Go regexp, as Alertmanager uses): negative lookahead (?!...) is not supported; rewrite without it (exclude with a separate !~ matcher or a drop rule instead)',
      );
    }
  });
});

describe("agreement with amtool check-config (Debian alertmanager 0.25)", () => {
  it("every valid matcher loads as written and in canonical form", async () => {
    const raw = await checkConfig(configWith(VALID.map(([input]) => input)));
    expect(raw.stdout + raw.stderr).toContain("SUCCESS");
    const canonical = await checkConfig(configWith(VALID.flatMap(([, out]) => out)));
    expect(canonical.stdout + canonical.stderr).toContain("SUCCESS");
  });

  it.each(INVALID_FOR_BOTH)("amtool also rejects %s", async (input) => {
    const result = await checkConfig(configWith([input]));
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("FAILED");
  });

  it.each(STRICTER_THAN_CLASSIC.filter((m) => m !== "" && m !== "{}"))(
    "amtool 0.25 accepts %s; rejecting it here keeps configs valid for the UTF-8 parser of 0.27+",
    async (input) => {
      const result = await checkConfig(configWith([input]));
      expect(result.stdout + result.stderr).toContain("SUCCESS");
    },
  );
});
