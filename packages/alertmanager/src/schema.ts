/**
 * The typed alerting configuration: what a user writes (camelCase, secret
 * references) before it is rendered to `alertmanager.yml` (snake_case, file
 * paths). Cross-references (receiver names, time interval names) and version
 * gates are checked at render time in config.ts.
 */
import { secretRef } from "@materialize-monitoring/core";
import { z } from "zod";
import { isLabelName } from "./matchers.js";

/** A Prometheus duration as Alertmanager parses it: `30s`, `5m`, `1h30m`, `2d`; no fractions. */
export const promDuration = z
  .string()
  .refine(
    (v) =>
      v === "0" || (v !== "" && /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/.test(v)),
    {
      message:
        "not an Alertmanager duration (examples: 30s, 5m, 1h30m, 2d; units in the order y w d h m s ms)",
    },
  );

export const labelName = z
  .string()
  .refine(isLabelName, { message: "not a label name ([a-zA-Z_][a-zA-Z0-9_]*)" });

const httpUrl = z.string().refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
  message: "must be an http:// or https:// URL",
});

/** `host:port` of an SMTP server. */
const smarthost = z
  .string()
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/,
    "must be host:port (for example smtp.example.com:587)",
  );

// ---------------------------------------------------------------------------
// HTTP client settings shared by HTTP-based receivers.

export const tlsConfig = z.strictObject({
  ca: secretRef.optional().describe("CA bundle to verify the server, from a Secret"),
  cert: secretRef.optional().describe("client certificate, from a Secret (with key)"),
  key: secretRef.optional().describe("client key, from a Secret (with cert)"),
  serverName: z.string().optional(),
  insecureSkipVerify: z.boolean().optional(),
  minVersion: z.enum(["TLS10", "TLS11", "TLS12", "TLS13"]).optional(),
});

export const httpConfig = z.strictObject({
  authorization: z
    .strictObject({
      type: z.string().min(1).default("Bearer"),
      credentials: secretRef.describe("the token, from a Secret (rendered as credentials_file)"),
    })
    .optional(),
  basicAuth: z
    .strictObject({
      username: z.string().min(1),
      password: secretRef.describe("rendered as password_file"),
    })
    .optional(),
  proxyUrl: httpUrl.optional(),
  followRedirects: z.boolean().optional(),
  tls: tlsConfig.optional(),
});
export type HttpConfig = z.output<typeof httpConfig>;

const common = {
  sendResolved: z.boolean().optional().describe("defaults to the receiver type's upstream default"),
  httpConfig: httpConfig.optional(),
};

// ---------------------------------------------------------------------------
// Receivers. Every credential is a secret reference; the rendered config points
// at the file the Secret key is mounted as.

export const webhookConfig = z.strictObject({
  ...common,
  urlSecret: secretRef
    .optional()
    .describe(
      "the URL from a Secret, rendered as url_file (Alertmanager 0.26+); use this for URLs with tokens",
    ),
  url: httpUrl
    .optional()
    .describe(
      "a plain URL, only for endpoints that carry no credential (no user info, no query string)",
    ),
  maxAlerts: z.int32().min(0).optional(),
  timeout: promDuration.optional().describe("Alertmanager 0.28+"),
});

export const slackConfig = z.strictObject({
  ...common,
  apiUrl: secretRef.optional().describe("incoming-webhook URL from a Secret (api_url_file)"),
  botToken: secretRef
    .optional()
    .describe(
      "bot token from a Secret: posts through chat.postMessage with the token as credentials_file",
    ),
  channel: z.string().optional(),
  username: z.string().optional(),
  color: z.string().optional(),
  title: z.string().optional(),
  titleLink: z.string().optional(),
  pretext: z.string().optional(),
  text: z.string().optional(),
  footer: z.string().optional(),
  fallback: z.string().optional(),
  iconEmoji: z.string().optional(),
  iconUrl: z.string().optional(),
  linkNames: z.boolean().optional(),
});

export const pagerdutyConfig = z.strictObject({
  ...common,
  routingKey: secretRef.optional().describe("Events API v2 integration key (routing_key_file)"),
  serviceKey: secretRef.optional().describe("Prometheus integration key (service_key_file)"),
  url: httpUrl.optional(),
  client: z.string().optional(),
  clientUrl: z.string().optional(),
  description: z.string().optional(),
  severity: z.string().optional(),
  source: z.string().optional(),
  class: z.string().optional(),
  component: z.string().optional(),
  group: z.string().optional(),
  details: z.record(z.string(), z.string()).optional(),
});

export const emailConfig = z.strictObject({
  sendResolved: common.sendResolved,
  to: z.string().min(1).describe("recipient address(es), comma separated"),
  from: z.string().optional().describe("defaults to global.smtp.from"),
  smarthost: smarthost.optional().describe("defaults to global.smtp.smarthost"),
  hello: z.string().optional(),
  authUsername: z.string().optional(),
  authPassword: secretRef.optional().describe("rendered as auth_password_file"),
  authIdentity: z.string().optional(),
  requireTls: z.boolean().optional(),
  tls: tlsConfig.optional(),
  headers: z.record(z.string(), z.string()).optional(),
  html: z.string().optional(),
  text: z.string().optional(),
});

const opsgenieResponder = z
  .strictObject({
    type: z.enum(["team", "teams", "user", "escalation", "schedule"]),
    id: z.string().optional(),
    name: z.string().optional(),
    username: z.string().optional(),
  })
  .refine((r) => [r.id, r.name, r.username].filter((v) => v !== undefined).length === 1, {
    message: "a responder needs exactly one of id, name, username",
  });

export const opsgenieConfig = z.strictObject({
  ...common,
  apiKey: secretRef
    .optional()
    .describe("rendered as api_key_file; defaults to global.opsgenieApiKey"),
  apiUrl: httpUrl.optional(),
  message: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  details: z.record(z.string(), z.string()).optional(),
  responders: z.array(opsgenieResponder).optional(),
  tags: z.string().optional(),
  note: z.string().optional(),
  priority: z.string().optional().describe("P1..P5 or a template"),
  entity: z.string().optional(),
  actions: z.string().optional(),
  updateAlerts: z.boolean().optional(),
});

export const msteamsConfig = z.strictObject({
  ...common,
  webhookUrl: secretRef.describe(
    "Teams incoming-webhook URL from a Secret (webhook_url_file); Alertmanager 0.27+",
  ),
  title: z.string().optional(),
  summary: z.string().optional(),
  text: z.string().optional(),
});

export const msteamsV2Config = z.strictObject({
  ...common,
  webhookUrl: secretRef.describe(
    "Teams Workflows (Power Automate) URL from a Secret (webhook_url_file); Alertmanager 0.28+",
  ),
  title: z.string().optional(),
  text: z.string().optional(),
});

export const receiver = z.strictObject({
  name: z.string().min(1, "a receiver needs a name"),
  webhook: z.array(webhookConfig).default([]),
  slack: z.array(slackConfig).default([]),
  pagerduty: z.array(pagerdutyConfig).default([]),
  email: z.array(emailConfig).default([]),
  opsgenie: z.array(opsgenieConfig).default([]),
  msteams: z.array(msteamsConfig).default([]),
  msteamsv2: z.array(msteamsV2Config).default([]),
});
export type Receiver = z.output<typeof receiver>;
export type ReceiverInput = z.input<typeof receiver>;

// ---------------------------------------------------------------------------
// Routing.

const groupBy = z
  .array(z.union([z.literal("..."), labelName]))
  .refine((labels) => !labels.includes("...") || labels.length === 1, {
    message: '"..." (group by all labels) must be the only entry',
  });

const timing = {
  groupWait: promDuration.optional(),
  groupInterval: promDuration.optional(),
  repeatInterval: promDuration.optional(),
};

export interface RouteInput {
  receiver?: string;
  matchers?: string[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  muteTimeIntervals?: string[];
  activeTimeIntervals?: string[];
  routes?: RouteInput[];
}

export interface Route {
  receiver?: string;
  matchers: string[];
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue: boolean;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  routes: Route[];
}

/** A node of the routing tree; `routes` nest. */
export const route: z.ZodType<Route, RouteInput> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().min(1).optional().describe("inherited from the parent when unset"),
    matchers: z.array(z.string()).default([]),
    groupBy: groupBy.optional(),
    ...timing,
    continue: z.boolean().default(false),
    muteTimeIntervals: z.array(z.string().min(1)).default([]),
    activeTimeIntervals: z.array(z.string().min(1)).default([]),
    routes: z.array(route).default([]),
  }),
);

export const inhibitRule = z.strictObject({
  sourceMatchers: z.array(z.string()).min(1, "an inhibit rule needs source matchers"),
  targetMatchers: z.array(z.string()).min(1, "an inhibit rule needs target matchers"),
  equal: z.array(labelName).default([]),
});
export type InhibitRule = z.output<typeof inhibitRule>;

// ---------------------------------------------------------------------------
// Time intervals.

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be HH:MM (00:00 to 24:00)");
const weekday = "(sunday|monday|tuesday|wednesday|thursday|friday|saturday)";
const month =
  "(january|february|march|april|may|june|july|august|september|october|november|december|[1-9]|1[0-2])";

export const timeIntervalSpec = z.strictObject({
  times: z.array(z.strictObject({ startTime: clock, endTime: clock })).optional(),
  weekdays: z
    .array(
      z
        .string()
        .regex(
          new RegExp(`^${weekday}(:${weekday})?$`, "i"),
          "a weekday or range, e.g. monday:friday",
        ),
    )
    .optional(),
  daysOfMonth: z
    .array(z.string().regex(/^-?\d{1,2}(:-?\d{1,2})?$/, "a day of month or range, e.g. 1:5 or -1"))
    .optional(),
  months: z
    .array(
      z
        .string()
        .regex(
          new RegExp(`^${month}(:${month})?$`, "i"),
          "a month or range, e.g. january:march or 1:3",
        ),
    )
    .optional(),
  years: z
    .array(z.string().regex(/^\d{4}(:\d{4})?$/, "a year or range, e.g. 2025:2026"))
    .optional(),
  location: z
    .string()
    .min(1)
    .optional()
    .describe("IANA time zone, e.g. Europe/Berlin; UTC when unset"),
});

export const timeInterval = z.strictObject({
  name: z.string().min(1),
  intervals: z.array(timeIntervalSpec).min(1, "a time interval needs at least one interval"),
});
export type TimeInterval = z.output<typeof timeInterval>;

// ---------------------------------------------------------------------------
// Global settings.

export const globalConfig = z
  .strictObject({
    resolveTimeout: promDuration.default("5m"),
    smtp: z
      .strictObject({
        from: z.string().optional(),
        smarthost: smarthost.optional(),
        hello: z.string().optional(),
        authUsername: z.string().optional(),
        authPassword: secretRef.optional().describe("rendered as smtp_auth_password_file"),
        authIdentity: z.string().optional(),
        requireTls: z.boolean().optional(),
      })
      .prefault({}),
    slackApiUrl: secretRef.optional().describe("default Slack webhook URL (slack_api_url_file)"),
    opsgenieApiKey: secretRef.optional().describe("default OpsGenie key (opsgenie_api_key_file)"),
    opsgenieApiUrl: httpUrl.optional(),
    pagerdutyUrl: httpUrl.optional(),
    httpConfig: httpConfig.optional(),
  })
  .prefault({});

// ---------------------------------------------------------------------------
// The opinionated defaults of this stack.

const severityRoute = z
  .strictObject({
    receiver: z.string().min(1).optional().describe("defaults to defaultReceiver"),
    ...timing,
    muteTimeIntervals: z.array(z.string().min(1)).default([]),
    activeTimeIntervals: z.array(z.string().min(1)).default([]),
  })
  .prefault({});

export const severityRouting = z
  .strictObject({
    enabled: z.boolean().default(true),
    label: labelName.default("severity"),
    critical: severityRoute,
    warning: severityRoute,
    info: severityRoute.describe("alerts whose severity is one of infoValues"),
    infoValues: z.array(z.string().min(1)).min(1).default(["info", "notice"]),
  })
  .prefault({});

export const DEFAULT_INHIBIT_EQUAL = [
  "alertname",
  "cluster",
  "namespace",
  "service",
  "instance",
  "pod",
];

export const inhibition = z
  .strictObject({
    criticalInhibitsWarning: z.boolean().default(true),
    equal: z.array(labelName).default(DEFAULT_INHIBIT_EQUAL),
  })
  .prefault({});

export const WATCHDOG_HEARTBEAT_RECEIVER = "watchdog-heartbeat";

export const watchdog = z
  .strictObject({
    enabled: z.boolean().default(true),
    alertname: z.string().min(1).default("Watchdog"),
    receiver: z.string().min(1).optional().describe("an existing receiver for the heartbeat"),
    heartbeatUrl: secretRef
      .optional()
      .describe(
        `shortcut: a webhook receiver "${WATCHDOG_HEARTBEAT_RECEIVER}" with this URL (url_file, 0.26+)`,
      ),
    groupWait: promDuration.default("0s"),
    groupInterval: promDuration.default("1m"),
    repeatInterval: promDuration.default("5m"),
  })
  .refine((w) => !(w.receiver && w.heartbeatUrl), {
    message: "set either receiver or heartbeatUrl, not both",
  })
  .prefault({});

const templateFileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a file name: letters, digits, '.', '_', '-'");

export const templates = z
  .strictObject({
    configMaps: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe("an existing ConfigMap in the namespace"),
          keys: z
            .array(templateFileName)
            .optional()
            .describe("keys to load; all *.tmpl keys when unset"),
        }),
      )
      .default([]),
    inline: z
      .record(templateFileName, z.string())
      .default({})
      .describe("template files rendered into this component's own ConfigMap"),
  })
  .prefault({});

export const NULL_RECEIVER = "null";

/** The `config` section of the component values: everything that becomes alertmanager.yml. */
export const alertingConfig = z
  .strictObject({
    global: globalConfig,
    receivers: z.array(receiver).default([]),
    defaultReceiver: z.string().min(1).default(NULL_RECEIVER),
    groupBy: groupBy.default(["alertname", "cluster", "namespace"]),
    groupWait: promDuration.default("30s"),
    groupInterval: promDuration.default("5m"),
    repeatInterval: promDuration.default("4h"),
    severityRouting,
    watchdog,
    routes: z
      .array(route)
      .default([])
      .describe("your routes; checked after the watchdog route and before the severity routes"),
    inhibition,
    inhibitRules: z.array(inhibitRule).default([]).describe("added after the default inhibition"),
    timeIntervals: z.array(timeInterval).default([]),
    templates,
  })
  .prefault({});
export type AlertingConfig = z.output<typeof alertingConfig>;
export type AlertingConfigInput = z.input<typeof alertingConfig>;
