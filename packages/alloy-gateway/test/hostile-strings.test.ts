/**
 * Hostile strings in the gateway's values: refused with the path and the
 * fix, or written into the Alloy config escaped and read back unchanged.
 */
import { parse } from "@materialize-monitoring/alloy-syntax";
import { describe, expect, it } from "vitest";
import {
  type AlloyGatewayValues,
  alloyGatewayConfigOf,
  type ScrapeJobInput,
} from "../src/index.js";
import { buildGateway, valuesErrorOf } from "./helpers.js";

/** Table rows with a short printable name first (a 5000-character input is named by its length). */
function named<T extends unknown[]>(rows: [string, ...T][]): [string, string, ...T][] {
  return rows.map(([value, ...rest]) => [
    value.length > 60 ? `${value.length} characters` : JSON.stringify(value),
    value,
    ...rest,
  ]);
}

/** Every string literal value in an Alloy config, as Alloy reads it back. */
function alloyStrings(text: string): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "String" && typeof record.value === "string") out.push(record.value);
      Object.values(record).forEach(walk);
    }
  };
  walk(parse(text));
  return out;
}

const job = (regex: string): ScrapeJobInput => ({
  name: "app",
  job: "app",
  relabelings: [{ sourceLabels: ["__meta_kubernetes_pod_label_app"], regex, action: "keep" }],
});

const withJob = (regex: string): AlloyGatewayValues => ({ scrape: { jobs: [job(regex)] } });

const REGEX_PATH = "alloy-gateway.scrape.jobs[0].relabelings[0].regex";

describe("relabel regexes are RE2, anchored as Alloy compiles them", () => {
  it.each(
    named([
      ["(?!kube-).*", "negative lookahead (?!...) is not supported; rewrite without it"],
      ["(?<=app-)x", "lookbehind (?<=...) is not supported; rewrite without it"],
      ["(a)\\1", "backreferences such as \\1 are not supported"],
      ["a)|(b", "unbalanced parentheses"],
      ["a\nb", "contains a line break (U+000A at column 2)"],
      ["a\u2028b", "contains a line break (U+2028 at column 2)"],
      ["x".repeat(5000), "5000 characters where at most 4096 are allowed"],
    ]),
  )("refuses %s with the path and the fix", (_name, regex, fix) => {
    const message = valuesErrorOf(() => buildGateway(withJob(regex)));
    expect(message).toContain(`${REGEX_PATH}: not an RE2 regex (Go regexp, as Alloy uses): `);
    expect(message).toContain(fix);
  });

  it.each(["(?i)error|warn", "(?P<ns>[a-z]+)", '\\Qa"b\\E', "[[:alpha:]]+\\z"])(
    "writes %j into the config, read back unchanged",
    (regex) => {
      expect(alloyStrings(alloyGatewayConfigOf(buildGateway(withJob(regex))))).toContain(regex);
    },
  );

  it("checks metric relabelings and the stage regexes too", () => {
    expect(
      valuesErrorOf(() =>
        buildGateway({
          scrape: { jobs: [{ ...job("x"), metricRelabelings: [{ regex: "(?=up)" }] }] },
        }),
      ),
    ).toContain("alloy-gateway.scrape.jobs[0].metricRelabelings[0].regex: not an RE2 regex");
    const stages: [
      NonNullable<NonNullable<AlloyGatewayValues["logs"]>["stages"]>[number],
      string,
    ][] = [
      [{ type: "regex", expression: "(?<=level=)\\w+" }, "expression"],
      [{ type: "drop", expression: "debug(?!ger)" }, "expression"],
      [{ type: "multiline", firstline: "^\\d{4}-(?=\\d)" }, "firstline"],
      [{ type: "replace", expression: "(token=)\\1" }, "expression"],
    ];
    for (const [stage, field] of stages) {
      expect(valuesErrorOf(() => buildGateway({ logs: { stages: [stage] } }))).toContain(
        `alloy-gateway.logs.stages[0].${field}: not an RE2 regex (Go regexp, as Alloy uses)`,
      );
    }
  });
});

describe("stage.match selectors are LogQL", () => {
  const match = (selector: string): AlloyGatewayValues => ({
    logs: { stages: [{ type: "match", selector, stages: [{ type: "cri" }] }] },
  });

  it.each(
    named([
      ['{a="b"', "it ends too early"],
      ["}{", "syntax error at column 1"],
      ['{app=~"(?=x)"}', "the regex of app=~: not an RE2 regex (Go regexp, as Loki uses)"],
      ['{app=~".*"}', "matches every stream"],
      ["", "empty"],
      ["x".repeat(5000), "5000 characters where at most 4096 are allowed"],
    ]),
  )("refuses %s with the path", (_name, selector, reason) => {
    const message = valuesErrorOf(() => buildGateway(match(selector)));
    expect(message).toContain("alloy-gateway.logs.stages[0].selector: not a LogQL stream selector");
    expect(message).toContain(reason);
  });

  it.each([
    '{namespace="materialize", container=~"environmentd|clusterd"}',
    '{app="x"} |= "error" != "timeout"',
    '{app="x"} |~ "(?i)panic"',
  ])("accepts %j and writes it unchanged", (selector) => {
    expect(alloyStrings(alloyGatewayConfigOf(buildGateway(match(selector))))).toContain(selector);
  });
});

describe("URLs, headers and free text", () => {
  it.each([
    "not a url",
    "http://loki gateway/loki/api/v1/push",
    "ftp://loki/push",
    "http://loki:99999/push",
  ])("refuses the Loki URL %j with the path and an example", (url) => {
    const message = valuesErrorOf(() => buildGateway({ destinations: { loki: { url } } }));
    expect(message).toContain("alloy-gateway.destinations.loki.url: not an http(s) URL");
    expect(message).toContain(
      "(for example http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push)",
    );
    expect(message).not.toContain("Invalid URL");
  });

  it("refuses a bad extra destination URL", () => {
    const extra = [{ name: "central", url: "https://metrics.example.com/api v1" }];
    expect(
      valuesErrorOf(() => buildGateway({ destinations: { prometheus: { extra } } })),
    ).toContain("alloy-gateway.destinations.prometheus.extra[0].url: not an http(s) URL");
  });

  it("refuses header injection and bad header names", () => {
    const headers = { "X-Tenant": "a\r\nX-Evil: 1" };
    expect(
      valuesErrorOf(() => buildGateway({ destinations: { prometheus: { headers } } })),
    ).toContain("alloy-gateway.destinations.prometheus.headers.X-Tenant: contains a line break");
    expect(
      valuesErrorOf(() =>
        buildGateway({ destinations: { prometheus: { headers: { "Bad Name": "x" } } } }),
      ),
    ).toContain(
      "alloy-gateway.destinations.prometheus.headers.Bad Name: the key is refused: not an HTTP header name",
    );
    expect(
      valuesErrorOf(() => buildGateway({ destinations: { loki: { tenantId: "a\nb" } } })),
    ).toContain(
      "alloy-gateway.destinations.loki.tenantId: a Loki tenant id is 1 to 150 of letters",
    );
  });

  it("bounds free text", () => {
    expect(
      valuesErrorOf(() => buildGateway({ logs: { externalLabels: { env: "x".repeat(5000) } } })),
    ).toBe(
      "alloy-gateway.logs.externalLabels.env: too long: 5000 characters where at most 1024 are allowed; shorten it",
    );
  });
});
