import { ValuesError } from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  type AlertingConfigInput,
  type AlertmanagerVersion,
  buildAlertmanagerConfig,
  DEFAULT_CONFIG_PATHS,
} from "../src/index.js";
import { AMTOOL, checkConfig, renderToDir, requireBinary, routesTest, tempDir } from "./helpers.js";
import { everyReceiver025, everyReceiver028 } from "./inputs.js";
import { UPSTREAM_KEYS } from "./upstream-reference.js";

type Yaml = Record<string, unknown>;

function render(input: AlertingConfigInput = {}, version: AlertmanagerVersion = "0.28") {
  return buildAlertmanagerConfig(input, { version });
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValuesError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a ValuesError");
}

const tmp = tempDir("am-config");
afterAll(() => tmp.remove());
beforeAll(() => requireBinary(AMTOOL));

describe("default configuration", () => {
  const built = render();
  const config = built.config as unknown as Yaml & {
    route: Yaml & { routes: Yaml[] };
    receivers: Yaml[];
  };

  it("routes everything to the built-in null receiver, so an install without receivers is valid and silent", () => {
    expect(config.route.receiver).toBe("null");
    expect(config.receivers).toEqual([{ name: "null" }]);
    expect(built.secretFiles).toEqual([]);
  });

  it("has a watchdog route first, then one route per severity", () => {
    expect(config.route.routes.map((r) => r.matchers)).toEqual([
      ['alertname="Watchdog"'],
      ['severity="critical"'],
      ['severity="warning"'],
      ['severity=~"info|notice"'],
    ]);
    expect(config.route.routes[0]).toMatchObject({
      group_wait: "0s",
      group_interval: "1m",
      repeat_interval: "5m",
    });
  });

  it("inhibits warnings while a critical alert fires for the same target", () => {
    expect(config.inhibit_rules).toEqual([
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ["alertname", "cluster", "namespace", "service", "instance", "pod"],
      },
    ]);
  });

  it("is YAML that says where credentials come from, and the same every time", () => {
    expect(built.yaml).toBe(render().yaml);
    expect(parse(built.yaml)).toEqual(built.config);
  });

  it("passes amtool check-config (Debian alertmanager 0.25)", async () => {
    const { file } = renderToDir(`${tmp.path}/default`, {}, "0.25");
    const result = await checkConfig(file);
    expect(result.stdout + result.stderr).toContain("SUCCESS");
    expect(result.code).toBe(0);
  });
});

describe("every receiver type Alertmanager 0.25 has", () => {
  let file = "";
  beforeAll(() => {
    file = renderToDir(`${tmp.path}/every-025`, everyReceiver025, "0.25").file;
  });

  it("passes amtool check-config, templates and time intervals included", async () => {
    const result = await checkConfig(file);
    expect(result.stdout + result.stderr).toContain("SUCCESS");
    expect(result.stdout).toContain("7 receivers");
    expect(result.stdout).toContain("3 templates");
    expect(result.code).toBe(0);
  });

  it("routes by severity (amtool config routes test)", async () => {
    expect(await routesTest(file, { severity: "critical", alertname: "X" })).toBe("pagerduty");
    expect(await routesTest(file, { severity: "warning", alertname: "X" })).toBe("slack-critical");
    expect(await routesTest(file, { severity: "info", alertname: "X" })).toBe("email");
    expect(await routesTest(file, { severity: "notice", alertname: "X" })).toBe("email");
    expect(await routesTest(file, { severity: "none", alertname: "X" })).toBe("null");
    expect(await routesTest(file, { alertname: "Watchdog", severity: "none" })).toBe(
      "team-webhook",
    );
  });

  it("puts user routes between the watchdog and the severity routes, honouring continue and nesting", async () => {
    const labels = { namespace: "materialize", team: "db", severity: "critical" };
    expect(await routesTest(file, labels)).toBe("slack-bot,pagerduty");
    expect(await routesTest(file, { ...labels, severity: "warning" })).toBe(
      "opsgenie,slack-critical",
    );
    expect(await routesTest(file, { ...labels, team: "web" })).toBe("pagerduty");
  });
});

describe("newer receivers (not in Debian's amtool 0.25): checked against the upstream configuration reference", () => {
  const built = render(everyReceiver028, "0.28");
  const receivers = (built.config.receivers as Yaml[]).filter((r) => r.name !== "null");

  it("msteams (0.27+) and msteamsv2 (0.28+) use only keys of the upstream reference, with webhook_url_file", () => {
    const teams = receivers.find((r) => r.name === "teams")?.msteams_configs as Yaml[];
    const workflows = receivers.find((r) => r.name === "teams-workflows")
      ?.msteamsv2_configs as Yaml[];
    expect(teams).toEqual([
      {
        webhook_url_file: "/etc/alertmanager/secrets/teams/webhook-url",
        title: "Materialize",
        summary: "alerts",
      },
    ]);
    expect(workflows).toEqual([
      {
        webhook_url_file: "/etc/alertmanager/secrets/teams/workflow-url",
        text: "{{ .CommonAnnotations.summary }}",
      },
    ]);
    for (const entry of [...teams, ...workflows]) expect(entry).not.toHaveProperty("webhook_url");
  });

  it("every rendered receiver, global and http_config key exists in the upstream reference", () => {
    for (const receiver of receivers) {
      for (const [field, entries] of Object.entries(receiver)) {
        if (field === "name") continue;
        const allowed = UPSTREAM_KEYS[field as keyof typeof UPSTREAM_KEYS];
        expect(allowed, `${field} is a receiver type of the reference`).toBeDefined();
        for (const entry of entries as Yaml[]) {
          for (const key of Object.keys(entry)) expect(allowed, `${field}.${key}`).toContain(key);
          const http = entry.http_config as Yaml | undefined;
          for (const key of Object.keys(http ?? {}))
            expect(UPSTREAM_KEYS.http_config, `http_config.${key}`).toContain(key);
        }
      }
    }
    for (const key of Object.keys(built.config.global)) expect(UPSTREAM_KEYS.global).toContain(key);
  });

  it("webhook url_file (0.26+) and timeout (0.28+), and the watchdog heartbeat receiver", () => {
    expect(receivers.find((r) => r.name === "secret-hook")?.webhook_configs).toEqual([
      { url_file: "/etc/alertmanager/secrets/hooks/url", timeout: "10s" },
    ]);
    expect(receivers.find((r) => r.name === "watchdog-heartbeat")).toEqual({
      name: "watchdog-heartbeat",
      webhook_configs: [
        { send_resolved: false, url_file: "/etc/alertmanager/secrets/heartbeat/url" },
      ],
    });
    const routes = (built.config.route as { routes: Yaml[] }).routes;
    expect(routes[0]).toMatchObject({
      receiver: "watchdog-heartbeat",
      matchers: ['alertname="Watchdog"'],
    });
  });

  it("the part 0.25 also knows still passes amtool check-config when rendered for 0.25", async () => {
    const { file } = renderToDir(`${tmp.path}/every-025-again`, everyReceiver025, "0.25");
    expect((await checkConfig(file)).code).toBe(0);
  });
});

describe("credentials are file references", () => {
  const built = render(everyReceiver028, "0.28");

  it("lists every Secret key to mount once, under the secrets directory", () => {
    expect(built.secretFiles.map((f) => `${f.secret}/${f.key}`)).toEqual([
      "bridge-ca/ca.crt",
      "bridge-token/token",
      "heartbeat/url",
      "hooks/url",
      "opsgenie/api-key",
      "pagerduty/routing-key",
      "pagerduty/service-key",
      "proxy/password",
      "slack/bot-token",
      "slack/webhook-url",
      "smtp/ca.crt",
      "smtp/password",
      "teams/webhook-url",
      "teams/workflow-url",
    ]);
    for (const f of built.secretFiles)
      expect(f.path).toBe(`${DEFAULT_CONFIG_PATHS.secretsDir}/${f.secret}/${f.key}`);
  });

  it("rejects a literal credential where a secret reference belongs", () => {
    const literal = {
      receivers: [
        { name: "s", slack: [{ apiUrl: "https://hooks.slack.com/services/T0/B0/XXXX" }] },
      ],
    };
    // @ts-expect-error a string is not a secret reference
    const problems = problemsOf(() => render(literal));
    expect(problems.join("\n")).toContain("config.receivers[0].slack[0].apiUrl");
  });

  it("refuses a plain webhook URL that carries credentials", () => {
    for (const url of [
      "https://user:pass@hooks.example.com/x",
      "https://hooks.example.com/x?token=abc",
    ]) {
      expect(problemsOf(() => render({ receivers: [{ name: "w", webhook: [{ url }] }] }))).toEqual([
        "config.receivers[0].webhook[0].url: a plain webhook url must not carry credentials (user info or a query string) (put the URL in a Secret and use urlSecret)",
      ]);
    }
  });
});

describe("matchers are written in one canonical form", () => {
  it("splits brace lists and quotes values", () => {
    const built = render({
      routes: [{ receiver: "null", matchers: ['{a = b, c=~"d|e"}', "f!=g", 'h!~"\\\\d+"'] }],
    });
    const route = (built.config.route as { routes: Yaml[] }).routes[1];
    expect(route?.matchers).toEqual(['a="b"', 'c=~"d|e"', 'f!="g"', 'h!~"\\\\d+"']);
  });
});

describe("render-time checks", () => {
  it("a route naming an unknown receiver, with a suggestion", () => {
    expect(
      problemsOf(() =>
        render({
          receivers: [
            { name: "pagerduty-critical", pagerduty: [{ routingKey: { name: "pd", key: "k" } }] },
          ],
          routes: [{ routes: [{ receiver: "pagerduty-critcal" }] }],
        }),
      ),
    ).toEqual([
      'config.routes[0].routes[0].receiver: unknown receiver "pagerduty-critcal" (did you mean "pagerduty-critical"?)',
    ]);
  });

  it("unknown receivers in the stack's own routes name the value that set them", () => {
    expect(
      problemsOf(() =>
        render({
          defaultReceiver: "nowhere",
          severityRouting: { critical: { receiver: "pager" } },
          watchdog: { receiver: "heartbeat" },
        }),
      ),
    ).toEqual([
      'config.defaultReceiver: unknown receiver "nowhere" (defined receivers: null)',
      'config.watchdog.receiver: unknown receiver "heartbeat" (defined receivers: null)',
      'config.severityRouting.critical.receiver: unknown receiver "pager" (defined receivers: null)',
    ]);
  });

  it("duplicate receiver names, including the built-in null receiver", () => {
    expect(
      problemsOf(() => render({ receivers: [{ name: "a" }, { name: "a" }, { name: "null" }] })),
    ).toEqual([
      'config.receivers[1].name: duplicate receiver name "a" (also at config.receivers[0].name) (receiver names must be unique)',
      'config.receivers[2].name: duplicate receiver name "null" (built in: it discards notifications) (receiver names must be unique)',
    ]);
  });

  it("a matcher that does not parse, in routes and inhibit rules", () => {
    expect(
      problemsOf(() =>
        render({
          routes: [{ receiver: "null", matchers: ['severity=="critical"'] }],
          inhibitRules: [{ sourceMatchers: ["alertname=~(foo"], targetMatchers: ['a="b"'] }],
        }),
      ),
    ).toEqual([
      'config.routes[0].matchers[0]: cannot parse matcher "severity==\\"critical\\"" at column 10: unexpected "=" in the value of "severity" (double-quote the value: severity="...") (write name="value", name!="value", name=~"regex" or name!~"regex")',
      'config.inhibitRules[0].sourceMatchers[0]: cannot parse matcher "alertname=~(foo" at column 12: invalid regular expression for "alertname": not an RE2 regex (Go regexp, as Alertmanager uses): unbalanced parentheses (missing closing )); escape a literal parenthesis as \\( or \\) (write name="value", name!="value", name=~"regex" or name!~"regex")',
    ]);
  });

  it("unknown and duplicate time intervals", () => {
    expect(
      problemsOf(() =>
        render({
          timeIntervals: [
            { name: "nights", intervals: [{ times: [{ startTime: "00:00", endTime: "06:00" }] }] },
            { name: "nights", intervals: [{ weekdays: ["saturday"] }] },
          ],
          routes: [{ receiver: "null", muteTimeIntervals: ["night"] }],
        }),
      ),
    ).toEqual([
      'config.timeIntervals[1].name: duplicate time interval name "nights"',
      'config.routes[0].muteTimeIntervals[0]: unknown time interval "night" (did you mean "nights"?)',
    ]);
  });

  it("receivers and fields the chosen Alertmanager version does not have", () => {
    expect(problemsOf(() => render(everyReceiver028, "0.25"))).toEqual([
      "config.watchdog.heartbeatUrl: a heartbeat URL from a Secret (webhook url_file) needs Alertmanager 0.26 or newer (alertmanagerVersion is 0.25) (on older versions point watchdog.receiver at a receiver of your own)",
      "config.receivers[6].msteams: Microsoft Teams (msteams with webhook_url_file) needs Alertmanager 0.27 or newer (alertmanagerVersion is 0.25) (use a newer image, or msteamsv2 on 0.28+)",
      "config.receivers[7].msteamsv2: Microsoft Teams Workflows (msteamsv2) needs Alertmanager 0.28 or newer (alertmanagerVersion is 0.25) (use a newer image and alertmanagerVersion, or remove it)",
      "config.receivers[8].webhook[0].urlSecret: a webhook URL from a Secret (url_file) needs Alertmanager 0.26 or newer (alertmanagerVersion is 0.25) (on older versions use url, and only for endpoints that carry no credential)",
      "config.receivers[8].webhook[0].timeout: webhook timeout needs Alertmanager 0.28 or newer (alertmanagerVersion is 0.25) (use a newer image and alertmanagerVersion, or remove it)",
    ]);
    expect(
      problemsOf(() =>
        render(
          { receivers: [{ name: "t", msteams: [{ webhookUrl: { name: "t", key: "u" } }] }] },
          "0.26",
        ),
      ),
    ).toHaveLength(1);
    expect(() =>
      render(
        { receivers: [{ name: "t", msteams: [{ webhookUrl: { name: "t", key: "u" } }] }] },
        "0.27",
      ),
    ).not.toThrow();
  });

  it("receivers missing what they need to deliver", () => {
    expect(
      problemsOf(() =>
        render({
          receivers: [
            { name: "w", webhook: [{}] },
            { name: "s", slack: [{ botToken: { name: "s", key: "t" } }] },
            { name: "p", pagerduty: [{}] },
            { name: "e", email: [{ to: "a@example.com", authPassword: { name: "m", key: "p" } }] },
            { name: "o", opsgenie: [{}] },
            {
              name: "h",
              webhook: [
                {
                  url: "http://h.svc/x",
                  httpConfig: {
                    authorization: { credentials: { name: "a", key: "b" } },
                    basicAuth: { username: "u", password: { name: "a", key: "c" } },
                  },
                },
              ],
            },
          ],
        }),
      ),
    ).toEqual([
      "config.receivers[0].webhook[0]: a webhook needs exactly one of url and urlSecret (urlSecret for URLs that carry a token, url otherwise)",
      "config.receivers[1].slack[0].channel: posting with a bot token needs a channel",
      "config.receivers[2].pagerduty[0]: PagerDuty needs exactly one of routingKey (Events API v2) and serviceKey",
      "config.receivers[3].email[0]: email needs a smarthost (set smarthost here or global.smtp.smarthost)",
      "config.receivers[3].email[0]: email needs a from address (set from here or global.smtp.from)",
      "config.receivers[3].email[0].authPassword: a password without authUsername is never used (set authUsername)",
      "config.receivers[4].opsgenie[0]: OpsGenie needs apiKey or global.opsgenieApiKey",
      "config.receivers[5].webhook[0].httpConfig: authorization and basicAuth are mutually exclusive (keep one of them)",
    ]);
  });

  it("secret references that Kubernetes cannot mount are refused by core's secretRef schema", () => {
    expect(
      problemsOf(() =>
        render({
          receivers: [{ name: "o", opsgenie: [{ apiKey: { name: "Ops_Genie", key: "../key" } }] }],
        }),
      ),
    ).toEqual([
      "config.receivers[0].opsgenie[0].apiKey.name: must be a Kubernetes name: lower-case letters, digits, '-' and '.', starting and ending alphanumeric",
      "config.receivers[0].opsgenie[0].apiKey.key: a Secret key has only letters, digits, '-', '_' and '.'",
      "config.receivers[0].opsgenie[0].apiKey.key: a Secret key may not be '.' or start with '..'",
    ]);
  });

  it("an empty value Alertmanager would take as unset is refused at the field", () => {
    const key = { name: "opsgenie", key: "api-key" };
    expect(
      problemsOf(() =>
        render({
          receivers: [
            { name: "o", opsgenie: [{ apiKey: key, responders: [{ type: "team", id: "" }] }] },
            {
              name: "m",
              email: [{ to: "a@example.com", smarthost: "smtp.example.com:587", from: "" }],
            },
          ],
        }),
      ),
    ).toEqual([
      "config.receivers[0].opsgenie[0].responders[0].id: must not be empty (Alertmanager takes it as unset); leave it out",
      "config.receivers[1].email[0].from: must not be empty (Alertmanager takes it as unset); leave it out",
    ]);
  });

  it("an inline template file name longer than a ConfigMap key", () => {
    expect(problemsOf(() => render({ templates: { inline: { ["t".repeat(254)]: "x" } } }))).toEqual(
      [
        `config.templates.inline.${"t".repeat(254)}: the key is refused: at most 253 characters (a ConfigMap key)`,
      ],
    );
  });

  it("a template ConfigMap listed twice", () => {
    expect(
      problemsOf(() =>
        render({ templates: { configMaps: [{ name: "t" }, { name: "t", keys: ["a.tmpl"] }] } }),
      ),
    ).toEqual([
      'config.templates.configMaps[1].name: ConfigMap "t" is listed twice (list its keys once)',
    ]);
  });

  it("value-level mistakes are zod errors with paths", () => {
    expect(problemsOf(() => render({ groupWait: "1.5m", groupBy: ["...", "alertname"] }))).toEqual([
      'config.groupBy: "..." (group by all labels) must be the only entry',
      "config.groupWait: not an Alertmanager duration (examples: 30s, 5m, 1h30m, 2d; units in the order y w d h m s ms)",
    ]);
  });
});

describe("time intervals are checked the way Alertmanager loads them", () => {
  const withInterval = (spec: Record<string, unknown>) => () =>
    render({
      timeIntervals: [{ name: "window", intervals: [spec] }],
      routes: [{ matchers: ['team="db"'], receiver: "null", muteTimeIntervals: ["window"] }],
    } as AlertingConfigInput);

  it("accepts the edges of every range, and amtool 0.25 agrees", async () => {
    const edges = {
      weekdays: ["sunday:saturday", "Monday"],
      daysOfMonth: ["1:31", "-31:-1", "20:-1", "-1"],
      months: ["1:12", "february", "march:3"],
      years: ["2025:2025"],
      times: [{ startTime: "00:00", endTime: "24:00" }],
      location: "America/Argentina/Buenos_Aires",
    };
    expect(() => withInterval(edges)()).not.toThrow();
    const { file } = renderToDir(
      `${tmp.path}/interval-edges`,
      {
        timeIntervals: [{ name: "window", intervals: [edges] }],
        routes: [{ matchers: ['team="db"'], receiver: "null", muteTimeIntervals: ["window"] }],
      } as AlertingConfigInput,
      "0.25",
    );
    const result = await checkConfig(file);
    expect(result.stdout + result.stderr).toContain("SUCCESS");
  });

  it.each([
    [{ daysOfMonth: ["0"] }, /daysOfMonth\[0\]: days of the month are 1 to 31.*out of range/],
    [{ daysOfMonth: ["32"] }, /daysOfMonth\[0\]: .*`32` is out of range/],
    [{ daysOfMonth: ["5:3"] }, /daysOfMonth\[0\]: .*ends before it starts/],
    [{ daysOfMonth: ["-1:20"] }, /daysOfMonth\[0\]: .*ends before it starts/],
    [{ weekdays: ["friday:monday"] }, /weekdays\[0\]: .*ends before it starts/],
    [{ months: ["13"] }, /months\[0\]: /],
    [{ months: ["december:january"] }, /months\[0\]: .*ends before it starts/],
    [{ years: ["2030:2025"] }, /years\[0\]: .*ends before it starts/],
    [
      { times: [{ startTime: "18:00", endTime: "08:00" }] },
      /times\[0\]\.endTime: endTime must be after startTime/,
    ],
    [{ location: "Mars/Olympus_Mons" }, /location: `Mars\/Olympus_Mons` is not a time zone/],
    [
      { location: "europe/berlin" },
      /location: time zone names are case-sensitive.*`Europe\/Berlin`/,
    ],
    [{ location: "Europe/Berlin\n" }, /location: must be an IANA time zone name/],
    [{ location: "" }, /location: must be an IANA time zone name/],
  ])("refuses %j, naming the field", (spec, expected) => {
    expect(problemsOf(withInterval(spec)).join("\n")).toMatch(expected);
  });

  it("refuses a malformed start time on its own, without an ordering complaint about the end", () => {
    const problems = problemsOf(withInterval({ times: [{ startTime: "9am", endTime: "17:00" }] }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/times\[0\]\.startTime: must be HH:MM/);
  });
});
