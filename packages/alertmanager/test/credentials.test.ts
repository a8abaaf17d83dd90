import type { KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type AlertmanagerValues, alertmanager } from "../src/index.js";
import { everyReceiver028 } from "./inputs.js";

/** Things that look like a credential written in plain text. */
const CREDENTIAL_PATTERNS: [string, RegExp][] = [
  ["Slack webhook URL", /hooks\.slack\.com\/services\//i],
  ["Slack token", /\bxox[abposr]-[A-Za-z0-9-]+/],
  ["Teams webhook URL", /webhook\.office\.com|logic\.azure\.com|powerplatform\.com/i],
  [
    "PagerDuty / OpsGenie key",
    /\b[0-9a-f]{32}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i,
  ],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["AWS access key", /\bAKIA[0-9A-Z]{16}\b/],
  ["JWT", /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./],
  ["URL with user info", /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i],
  [
    "URL with a secret query parameter",
    /[?&](token|key|api_key|apikey|secret|password|sig|signature)=/i,
  ],
];

/** alertmanager.yml keys that hold a credential inline; only their `*_file` forms may appear. */
const INLINE_CREDENTIAL_KEYS = new Set([
  "api_key",
  "routing_key",
  "service_key",
  "auth_password",
  "auth_secret",
  "password",
  "credentials",
  "webhook_url",
  "bot_token",
  "token",
  "user_key",
  "client_secret",
  "bearer_token",
  "smtp_auth_password",
  "smtp_auth_secret",
  "slack_api_url",
  "opsgenie_api_key",
  "victorops_api_key",
  "wechat_api_secret",
]);

/** The one inline `api_url` allowed: Slack's public chat.postMessage endpoint (bot tokens go in a file). */
const ALLOWED_INLINE = new Map([["api_url", ["https://slack.com/api/chat.postMessage"]]]);

interface Finding {
  object: string;
  path: string;
  what: string;
}

function walk(
  value: unknown,
  path: string,
  visit: (path: string, key: string, value: unknown) => void,
  key = "",
): void {
  visit(path, key, value);
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, visit, key);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, visit, k);
  }
}

/** Scans rendered objects (and the alertmanager.yml inside them) for plain-text credentials. */
export function scanForCredentials(objects: readonly KubeObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const object of objects) {
    const name = `${object.kind}/${object.metadata.name}`;
    if (object.kind === "Secret")
      findings.push({ object: name, path: "", what: "a rendered Secret" });
    walk(object, "", (path, key, value) => {
      if (typeof value !== "string") return;
      for (const [what, pattern] of CREDENTIAL_PATTERNS) {
        if (pattern.test(value)) findings.push({ object: name, path, what });
      }
      if (key === "value" && path.includes(".env[")) {
        findings.push({ object: name, path, what: "a literal environment variable value" });
      }
      if (key.endsWith(".yml") || key.endsWith(".yaml")) {
        walk(parse(value), `${path}#`, (innerPath, innerKey, inner) => {
          if (INLINE_CREDENTIAL_KEYS.has(innerKey) && typeof inner !== "object") {
            findings.push({ object: name, path: innerPath, what: `inline ${innerKey}` });
          }
          const allowed = ALLOWED_INLINE.get(innerKey);
          if (allowed && typeof inner === "string" && !allowed.includes(inner)) {
            findings.push({ object: name, path: innerPath, what: `inline ${innerKey}` });
          }
        });
      }
    });
  }
  return findings;
}

const PRESETS: Record<string, AlertmanagerValues> = {
  ha: {},
  small: { mode: "small" },
  "every receiver": { config: everyReceiver028 },
};

describe("no plain-text credential in any rendered object", () => {
  it.each(Object.entries(PRESETS))("%s", (_name, values) => {
    const { objects } = alertmanager(values);
    expect(scanForCredentials(objects)).toEqual([]);
  });

  it("the every-receiver render reads all its credentials from files", () => {
    const { objects } = alertmanager({ config: everyReceiver028 });
    const configMap = objects.find((o) => o.metadata.name === "alertmanager-config") as {
      data: Record<string, string>;
    };
    const yml = configMap.data["alertmanager.yml"] ?? "";
    expect(yml.match(/_file: \/etc\/alertmanager\/secrets\//g)?.length).toBe(15);
  });
});

describe("the scanner catches what it looks for", () => {
  const planted = (yml: string): KubeObject[] => [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { "alertmanager.yml": yml },
    } as KubeObject,
  ];

  it.each([
    [
      "receivers: [{name: a, slack_configs: [{api_url: 'https://hooks.slack.com/services/T0/B0/abc'}]}]",
      "Slack webhook URL",
    ],
    [
      "receivers: [{name: a, pagerduty_configs: [{routing_key: 0123456789abcdef0123456789abcdef}]}]",
      "PagerDuty / OpsGenie key",
    ],
    ["receivers: [{name: a, opsgenie_configs: [{api_key: not-a-uuid}]}]", "inline api_key"],
    ["receivers: [{name: a, email_configs: [{auth_password: hunter2}]}]", "inline auth_password"],
    [
      "receivers: [{name: a, msteams_configs: [{webhook_url: 'https://x.webhook.office.com/abc'}]}]",
      "Teams webhook URL",
    ],
    [
      "receivers: [{name: a, webhook_configs: [{url: 'https://u:p@example.com/'}]}]",
      "URL with user info",
    ],
    [
      "receivers: [{name: a, slack_configs: [{api_url: 'https://example.com/hook'}]}]",
      "inline api_url",
    ],
  ])("%s", (yml, what) => {
    expect(scanForCredentials(planted(yml)).map((f) => f.what)).toContain(what);
  });

  it("a rendered Secret and literal env values", () => {
    const objects = [
      { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { a: "b" } },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "d" },
        spec: {
          template: {
            spec: { containers: [{ name: "c", env: [{ name: "TOKEN", value: "abc" }] }] },
          },
        },
      },
    ] as unknown as KubeObject[];
    expect(scanForCredentials(objects).map((f) => f.what)).toEqual([
      "a rendered Secret",
      "a literal environment variable value",
    ]);
  });
});
