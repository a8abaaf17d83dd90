import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  annotationsSchema,
  boundedString,
  dnsNameProblem,
  dnsNameSchema,
  goUnquote,
  hostSchema,
  httpUrlProblem,
  httpUrlSchema,
  imageRegistry,
  imageRepository,
  imageSchema,
  logqlMetricProblem,
  logqlSelectorProblem,
  logqlSelectorSchema,
  objectStorage,
  parseValues,
  promqlProblem,
  promqlSchema,
  re2Problem,
  re2Schema,
  singleLineText,
  urlPathSchema,
  ValuesError,
} from "../src/index.js";

/** Table rows with a short printable name first (a 5000-character input is named by its length). */
function named<T extends unknown[]>(rows: [string, ...T][]): [string, string, ...T][] {
  return rows.map(([value, ...rest]) => [
    value.length > 60 ? `${value.length} characters` : JSON.stringify(value),
    value,
    ...rest,
  ]);
}

/** The problems parseValues reports for `value` at `field` of a one-field schema. */
function problemsFor(schema: z.ZodType, value: unknown, prefix: string[] = ["section"]) {
  try {
    parseValues(z.strictObject({ field: schema }), { field: value }, prefix);
  } catch (error) {
    if (error instanceof ValuesError) return error.problems;
    throw error;
  }
  return [];
}

const HOSTILE_TEXT = ["a\nb", "a\u2028b", "a\u202eb", "x".repeat(5000)];

describe("RE2 regexes", () => {
  it.each(
    named([
      ["(?=a)", "lookahead (?=...) is not supported; rewrite without it"],
      ["error(?!s)", "negative lookahead (?!...) is not supported; rewrite without it"],
      ["(?<=a)b", "lookbehind (?<=...) is not supported; rewrite without it"],
      ["(?<!a)b", "lookbehind (?<!...) is not supported; rewrite without it"],
      ["(a)\\1", "backreferences such as \\1 are not supported"],
      ["(?P<x>a)\\k<x>", "backreferences such as \\k are not supported"],
      ["a++", "possessive quantifiers such as ++ are not supported; use the plain quantifier (+)"],
      ["(?>a)", "atomic groups (?>...) are not supported; use a plain group (?:...)"],
      ["end\\Z", "\\Z is not supported; use \\z (end of text) or $"],
      ["\\u0041", "write a code point as \\x{41}"],
      ["(unclosed", "unbalanced parentheses (missing closing ))"],
      ["a)|(b", "unbalanced parentheses (unexpected ))"],
      ["[a-z", "unterminated character class"],
      ["x{1001}", "above RE2's 1000"],
      ["a**", "repeats a repetition"],
      ["\\", "it ends in a backslash"],
      ["(?<ns>[a-z]+)", "write (?P<ns>...)"],
      ["a\nb", "contains a line break (U+000A at column 2); write it as an escape"],
      ["a\u2028b", "contains a line break (U+2028 at column 2)"],
      ["x".repeat(5000), "5000 characters where at most 4096 are allowed"],
    ]),
  )("refuses %s, naming the construct and the fix", (_name, pattern, fix) => {
    const problem = re2Problem(pattern, { anchored: true });
    expect(problem).toMatch(/^not an RE2 regex \(Go regexp, as Alloy uses\): /);
    expect(problem).toContain(fix);
  });

  it.each([
    "(?i)error|warn",
    "(?P<ns>[a-z]+)",
    "(?P<v>a)|(?P<v>b)",
    "\\z",
    "[[:alpha:]]+",
    "[^[:space:]]",
    "\\pL\\p{Greek}",
    "\\Q(?=literal)\\E",
    "[(?<x>)]",
    "(?s).*",
    "(.*)",
    "",
    "^\\S+\\s+(?P<level>TRACE|DEBUG|INFO|WARN|ERROR)\\s",
    "x{1000}",
  ])("accepts %j, which Go's regexp compiles", (pattern) => {
    expect(re2Problem(pattern, { anchored: true })).toBeUndefined();
  });

  it("names the reader in the message", () => {
    expect(re2Problem("(?=x)", { reader: "Alertmanager" })).toMatch(
      /^not an RE2 regex \(Go regexp, as Alertmanager uses\)/,
    );
  });

  it("surfaces through parseValues with the path", () => {
    expect(problemsFor(re2Schema({ anchored: true }), "(?!debug).*")).toEqual([
      {
        path: "section.field",
        message: expect.stringContaining("negative lookahead (?!...) is not supported"),
      },
    ]);
    const long = problemsFor(re2Schema(), "a".repeat(5000));
    expect(long).toHaveLength(1);
    expect(long[0]?.message).toContain("5000 characters where at most 4096 are allowed");
  });

  // Go's regexp (promtool's relabel config check) is the reference. `a)|(b` and
  // `.*)(.*` are left out: Go takes them once wrapped in ^(?:...)$, where the
  // wrapping no longer anchors the whole pattern; they are refused here on purpose.
  const PROMTOOL = process.env.PROMTOOL ?? "/usr/bin/promtool";
  const AGREEMENT = [
    "(?=a)",
    "(?!a)b",
    "(?<=a)b",
    "(a)\\1",
    "a++",
    "(?>a)",
    "\\Z",
    "(?i)error|warn",
    "(?P<ns>[a-z]+)",
    "(?P<v>a)|(?P<v>b)",
    "(?<ns>[a-z]+)",
    "\\z",
    "[[:alpha:]]",
    "[[:foo:]]",
    "\\u0041",
    "[a",
    "(",
    "a{1001}",
    "x{2,1}",
    "\\d+",
    "\\p{Greek}",
    "\\Q.*\\E",
    "(?U)a+",
    "\\cA",
    "(?#c)",
    "a**",
    "\\8",
    "\\x{41}",
  ];
  const dir = mkdtempSync(join(tmpdir(), "re2-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!existsSync(PROMTOOL))("agrees with Go's regexp (promtool check config)", () => {
    const goAccepts = (pattern: string) => {
      const file = join(dir, "prometheus.yml");
      const job = { job_name: "j", static_configs: [{ targets: ["a:1"] }] };
      const relabel = [{ source_labels: ["a"], regex: pattern, action: "keep" }];
      writeFileSync(
        file,
        JSON.stringify({ scrape_configs: [{ ...job, relabel_configs: relabel }] }),
      );
      try {
        execFileSync(PROMTOOL, ["check", "config", "--syntax-only", file], { stdio: "pipe" });
        return true;
      } catch {
        return false;
      }
    };
    const disagreements = AGREEMENT.filter(
      (pattern) => goAccepts(pattern) !== (re2Problem(pattern, { anchored: true }) === undefined),
    );
    expect(disagreements).toEqual([]);
  });
});

describe("LogQL stream selectors", () => {
  const stream = { pipeline: false };
  const withPipeline = { pipeline: true };

  it.each(
    named([
      ['{a="b"', "it ends too early: a closing }, ), ] or quote is missing"],
      ["}{", "syntax error at column 1"],
      ['{a="b"}{c="d"}', "syntax error at column 8"],
      ["{}", "{} matches every stream, which Loki refuses"],
      ['{app=~".*"}', "matches every stream; Loki needs at least one matcher"],
      ['{a="b"} |= "x"', "Loki takes a stream selector alone here; remove the pipeline"],
      ['rate({a="b"}[5m])', "it is a metric query; write only the stream selector"],
      ['{a=~"(?=x)"}', "the regex of a=~: not an RE2 regex (Go regexp, as Loki uses): lookahead"],
      ['{a=~"\\d+"}', "the escape \\d is not one Go strings have"],
      ["{a='b'}", "syntax error"],
      ['{a="b\nc"}', "syntax error at column 4"],
      ['{a="\u2028"}', "contains a line break (U+2028 at column 5)"],
      ["x".repeat(5000), "5000 characters where at most 4096 are allowed"],
      ["", "empty"],
    ]),
  )("refuses %s for Loki retention", (_name, selector, reason) => {
    const problem = logqlSelectorProblem(selector, stream);
    expect(problem).toMatch(/^not a LogQL stream selector/);
    expect(problem).toContain(reason);
  });

  it.each([
    '{namespace="materialize", container=~"environmentd|clusterd"}',
    '{namespace="dev"}',
    '{ app = "x" , env != "prod" }',
    '{a!=""}',
    '{a=~"\\\\d+"}',
    "{a=~`\\d+`}",
    '{namespace=~"materialize|materialize-environment"}',
  ])("accepts %j", (selector) => {
    expect(logqlSelectorProblem(selector, stream)).toBeUndefined();
    expect(logqlSelectorProblem(selector, withPipeline)).toBeUndefined();
  });

  it("takes a pipeline where asked, checking its regexes", () => {
    expect(logqlSelectorProblem('{app="x"} |= "error" != "timeout"', withPipeline)).toBeUndefined();
    expect(logqlSelectorProblem('{app="x"} | json | level=~"err.*"', withPipeline)).toBeUndefined();
    expect(logqlSelectorProblem('{app="x"} |~ "(?i)panic"', withPipeline)).toBeUndefined();
    expect(logqlSelectorProblem('{app="x"} |~ "(?<=x)y"', withPipeline)).toContain(
      "the line filter |~: not an RE2 regex (Go regexp, as Loki uses): lookbehind",
    );
    expect(logqlSelectorProblem('{app="x"} | level=~"(?!debug)"', withPipeline)).toContain(
      "the regex of level=~: not an RE2 regex",
    );
  });

  it("surfaces through parseValues with the path and the example", () => {
    const [problem] = problemsFor(logqlSelectorSchema(stream), '{a="b"');
    expect(problem?.path).toBe("section.field");
    expect(problem?.message).toContain(
      'write one such as {namespace="materialize", container=~"environmentd|clusterd"}',
    );
  });
});

describe("LogQL metric queries and PromQL", () => {
  it("checks Loki rule expressions", () => {
    expect(logqlMetricProblem('sum(rate({app="x"} |= "error" [5m])) > 0')).toBeUndefined();
    expect(logqlMetricProblem('{app="x"}')).toContain("a log query returns lines");
    expect(logqlMetricProblem('sum(rate({app="x"}[5m])')).toContain("it ends too early");
  });

  it.each([
    ["sum(rate(x[5m])) by (a", "it ends too early"],
    ['up{job=~"(?=a)"}', "the regex of job=~: not an RE2 regex (Go regexp, as Prometheus uses)"],
    ['{job=~".*"}', "matches every series"],
    ['up{job="\\d"}', "the escape \\d is not one Go strings have"],
    ["up ==", "ends too early"],
    ["up\u2028", "contains a line break"],
    ["", "empty"],
  ])("refuses %j", (expr, reason) => {
    const problem = promqlProblem(expr);
    expect(problem).toMatch(/^not a PromQL expression: /);
    expect(problem).toContain(reason);
  });

  it.each([
    'up{job=~"a|b"} == 0',
    "up{job='x'}",
    '{job!=""}',
    '{"utf8.metric"}',
    "sum(\n  rate(x[5m])\n) > 0",
    'absent(up{job="x"})',
    "vector(1)",
  ])("accepts %j", (expr) => {
    expect(promqlProblem(expr)).toBeUndefined();
  });

  it("bounds a rule expression's length", () => {
    const [problem] = problemsFor(promqlSchema(), `up${" ".repeat(20000)}`);
    expect(problem?.message).toContain("20002 characters where at most 16384 are allowed");
  });
});

describe("http(s) URLs", () => {
  it.each([
    ["", "empty"],
    ["http://a b", "contains whitespace or a control character (U+0020 at column 9)"],
    ["http://a\n", "U+000A"],
    ["http://a\u2028", "U+2028"],
    ["javascript:alert(1)", "the scheme javascript: is not supported"],
    ["ftp://files.example.com", "the scheme ftp: is not supported"],
    ["http:example.com", "write http:// with two slashes"],
    ["alertmanager:9093", "the scheme alertmanager: is not supported"],
    ["example.com", "it has no scheme"],
    ["http://x:99999", "does not parse as a URL"],
    ["http://", "does not parse as a URL"],
    ["http://a\\@b", "contains a backslash"],
    ["http://bücher.example", "non-ASCII"],
    [`http://x/${"a".repeat(3000)}`, "at most 2048 are allowed"],
  ])("refuses %j with the reason", (url, reason) => {
    expect(httpUrlProblem(url)).toContain(reason);
  });

  it.each([
    "http://alertmanager.monitoring.svc.cluster.local:9093",
    "https://logs.example.com/loki/api/v1/push",
    "http://[fd00::1]:9090/api/v1/receive",
    "HTTPS://EXAMPLE.COM/a?b=c#d",
    "http://10.0.0.1",
  ])("accepts %j", (url) => {
    expect(httpUrlProblem(url)).toBeUndefined();
  });

  it("surfaces through parseValues with the path and an example, never Invalid URL", () => {
    const schema = httpUrlSchema("https://logs.example.com/loki/api/v1/push");
    for (const url of ["http://a b", "not a url", "http://x:99999", 42]) {
      const [problem] = problemsFor(schema, url);
      expect(problem?.path).toBe("section.field");
      expect(problem?.message).not.toContain("Invalid URL");
      if (typeof url === "string")
        expect(problem?.message).toContain(
          "(for example https://logs.example.com/loki/api/v1/push)",
        );
    }
  });
});

describe("free text", () => {
  it("bounds the length", () => {
    const [problem] = problemsFor(boundedString(1024), "x".repeat(5000));
    expect(problem).toEqual({
      path: "section.field",
      message: "too long: 5000 characters where at most 1024 are allowed; shorten it",
    });
  });

  it.each(HOSTILE_TEXT)("refuses %j in a single-line text", (text) => {
    const [problem] = problemsFor(singleLineText(), text);
    expect(problem?.path).toBe("section.field");
    expect(problem?.message).toMatch(/contains a (line break|control or invisible)|too long/);
  });

  it("keeps ordinary text, tabs and non-Latin scripts", () => {
    for (const text of ["prod-eu-1", "a\tb", "Προμηθεύς", "集群"]) {
      expect(problemsFor(singleLineText(), text)).toEqual([]);
    }
  });
});

describe("goUnquote", () => {
  it("reads Go string literals", () => {
    expect(goUnquote('"a\\nb\\"\\\\"')).toEqual({ ok: true, value: 'a\nb"\\' });
    expect(goUnquote('"\\x41\\u00e9\\101"')).toEqual({ ok: true, value: "AéA" });
    expect(goUnquote("`\\d`")).toEqual({ ok: true, value: "\\d" });
    expect(goUnquote("'it\\'s'", true)).toEqual({ ok: true, value: "it's" });
    expect(goUnquote('"\\d"').ok).toBe(false);
    expect(goUnquote('"\\\'"').ok).toBe(false);
    expect(goUnquote('"\\ud800"').ok).toBe(false);
    expect(goUnquote("'x'").ok).toBe(false);
  });
});

describe("image references", () => {
  const image = imageSchema({ registry: "docker.io", repository: "grafana/loki", tag: "3.6.3" });
  const refused = (input: unknown) => {
    const result = image.safeParse(input);
    return result.success
      ? ""
      : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  };

  it("take what container runtimes take", () => {
    for (const ok of [
      { registry: "registry.example.com:5000/mirror/docker" },
      { registry: "" },
      { repository: "a/b__c/d-e.f" },
      { tag: "v3.6.3-rc.1_build" },
    ]) {
      expect(refused(ok)).toBe("");
    }
    expect(imageRegistry.safeParse("localhost:5000").success).toBe(true);
    expect(imageRepository.safeParse("library/nginx").success).toBe(true);
  });

  it("refuse what a runtime would refuse only at pull time, naming the field", () => {
    expect(refused({ registry: "$(REGISTRY)" })).toMatch(/^registry: must be a registry host/);
    expect(refused({ registry: "registry.example.com/" })).toMatch(/^registry: /);
    expect(refused({ repository: "Grafana/Loki" })).toMatch(
      /^repository: must be an image repository/,
    );
    expect(refused({ repository: "grafana/loki:3.6" })).toMatch(/^repository: /);
    expect(refused({ repository: "" })).toMatch(/^repository: /);
    expect(refused({ tag: "3.6 3" })).toMatch(/^tag: must be an image tag/);
    expect(refused({ tag: ".hidden" })).toMatch(/^tag: /);
    expect(refused({ tag: "x".repeat(129) })).toMatch(/^tag: /);
    expect(refused({ tag: "latest" })).toMatch(/^tag: the tag "latest" is not allowed/);
  });
});

describe("object storage names follow each provider's rules", () => {
  const refused = (input: unknown) => {
    const result = objectStorage.safeParse(input);
    return result.success
      ? ""
      : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  };
  const s3 = (extra: Record<string, unknown>) => ({
    type: "s3",
    bucket: "mz-monitoring",
    region: "us-east-1",
    ...extra,
  });

  it("takes real names", () => {
    expect(refused(s3({ endpoint: "minio.storage.svc:9000" }))).toBe("");
    expect(refused({ type: "gcs", bucket: "mz_monitoring.example.com" })).toBe("");
    expect(refused({ type: "azure", container: "mz-monitoring", storageAccount: "acmemz01" })).toBe(
      "",
    );
    expect(refused({ type: "filesystem", path: "/var/lib/loki-data/" })).toBe("");
  });

  it.each([
    [s3({ bucket: "%s%n" }), /^bucket: must be an S3 bucket name/],
    [s3({ bucket: "</script>" }), /^bucket: must be an S3 bucket name/],
    [s3({ bucket: "ab" }), /^bucket: /],
    [s3({ region: "us-east-1\n" }), /^region: must be a region name/],
    [s3({ endpoint: "https://minio:9000" }), /^endpoint: must be host\[:port\]/],
    [{ type: "gcs", bucket: "${BUCKET}" }, /^bucket: must be a GCS bucket name/],
    [{ type: "azure", container: "a--b", storageAccount: "acme" }, /^container: /],
    [{ type: "azure", container: "abc", storageAccount: "Acme-Storage" }, /^storageAccount: /],
    [
      { type: "azure", container: "abc", storageAccount: "acme", endpointSuffix: "x y" },
      /^endpointSuffix: /,
    ],
    [{ type: "filesystem", path: "/" }, /^path: must be an absolute directory/],
    [{ type: "filesystem", path: "data" }, /^path: must be an absolute directory/],
    [{ type: "filesystem", path: "C:\\data" }, /^path: /],
    [
      { type: "filesystem", path: "/var/../etc" },
      /^path: must be an absolute directory of plain components/,
    ],
  ])("refuses %j, naming the field", (input, expected) => {
    expect(refused(input)).toMatch(expected);
  });
});

describe("DNS names, hosts, URL paths and annotations", () => {
  it("take what the readers take and refuse the rest with the fix", () => {
    expect(dnsNameSchema().safeParse("grafana.example.com").success).toBe(true);
    expect(dnsNameSchema({ wildcard: true }).safeParse("*.example.com").success).toBe(true);
    expect(dnsNameSchema().safeParse("*.example.com").success).toBe(false);
    expect(dnsNameProblem("Grafana.example.com")).toMatch(/^must be a DNS name/);
    expect(dnsNameProblem(`${"a".repeat(64)}.com`)).toMatch(/^must be a DNS name/);
    for (const host of ["10.0.0.5", "postgres.db.svc.cluster.local", "fd00::1"]) {
      expect(hostSchema.safeParse(host).success).toBe(true);
    }
    for (const host of ["db:5432", "db%(x)s", "", "a b"]) {
      expect(hostSchema.safeParse(host).success).toBe(false);
    }
    expect(urlPathSchema.safeParse("/grafana/sub-path_1").success).toBe(true);
    for (const path of ["grafana", "/a b", "/a\\b", "/a{b}", "/100%"]) {
      expect(urlPathSchema.safeParse(path).success).toBe(false);
    }
    expect(annotationsSchema.safeParse({ "example.com/owner": "any text: \n ok" }).success).toBe(
      true,
    );
    const bad = annotationsSchema.safeParse({ "bad key": "x" });
    expect(bad.error?.issues[0]?.message).toMatch(/^annotation key "bad key" must be/);
    const huge = annotationsSchema.safeParse({ a: "x".repeat(300 * 1024) });
    expect(huge.error?.issues[0]?.message).toMatch(/at most 262144; shorten them$/);
  });

  it("URLs with characters Go and WHATWG read differently are refused with the escape", () => {
    expect(httpUrlProblem("http://gateway:3100/{tenant}/push")).toBe(
      "contains { at column 21, which URL readers escape differently; percent-encode it (%7B)",
    );
  });
});
