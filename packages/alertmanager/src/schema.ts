/**
 * The typed alerting configuration: what a user writes (camelCase, secret
 * references) before it is rendered to `alertmanager.yml` (snake_case, file
 * paths). Cross-references (receiver names, time interval names) and version
 * gates are checked at render time in config.ts.
 */
import {
  boundedString,
  httpUrlSchema,
  MAX_LENGTH,
  objectName,
  secretRef,
  singleLineText,
} from "@materialize-monitoring/core";
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

/** One-line free text (names, addresses, ids): at most 1024 characters, no raw line break. */
const text = singleLineText();
/** A value that is present or left out: Alertmanager takes an empty one as missing. */
const filledText = text.min(1, "must not be empty (Alertmanager takes it as unset); leave it out");

/** A notification template (a message body, a description): at most 16 KiB. */
const template = boundedString(MAX_LENGTH.template);

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
  /** CA bundle to verify the server, from a Secret */
  ca: secretRef.optional().describe("CA bundle to verify the server, from a Secret"),
  /** client certificate, from a Secret (with key) */
  cert: secretRef.optional().describe("client certificate, from a Secret (with key)"),
  /** client key, from a Secret (with cert) */
  key: secretRef.optional().describe("client key, from a Secret (with cert)"),
  /** name the server certificate must carry (and the SNI sent); the URL's host when unset */
  serverName: text
    .optional()
    .describe(
      "name the server certificate must carry (and the SNI sent); the URL's host when unset",
    ),
  /** accept any server certificate; for testing only */
  insecureSkipVerify: z
    .boolean()
    .optional()
    .describe("accept any server certificate; for testing only"),
  /** oldest TLS version the client accepts */
  minVersion: z
    .enum(["TLS10", "TLS11", "TLS12", "TLS13"])
    .optional()
    .describe("oldest TLS version the client accepts"),
});

export const httpConfig = z.strictObject({
  /** send an Authorization header with a token from a Secret; not with basicAuth */
  authorization: z
    .strictObject({
      /** scheme of the Authorization header */
      type: text.min(1).default("Bearer").describe("scheme of the Authorization header"),
      /** the token, from a Secret (rendered as credentials_file) */
      credentials: secretRef.describe("the token, from a Secret (rendered as credentials_file)"),
    })
    .optional()
    .describe("send an Authorization header with a token from a Secret; not with basicAuth"),
  /** HTTP basic authentication; not with authorization */
  basicAuth: z
    .strictObject({
      /** user name of the basic authentication */
      username: text.min(1).describe("user name of the basic authentication"),
      /** rendered as password_file */
      password: secretRef.describe("rendered as password_file"),
    })
    .optional()
    .describe("HTTP basic authentication; not with authorization"),
  /** HTTP proxy the requests go through */
  proxyUrl: httpUrlSchema("http://proxy.example.com:3128")
    .optional()
    .describe("HTTP proxy the requests go through"),
  /** follow HTTP redirects; Alertmanager's default (true) when unset */
  followRedirects: z
    .boolean()
    .optional()
    .describe("follow HTTP redirects; Alertmanager's default (true) when unset"),
  /** TLS settings of the connection */
  tls: tlsConfig.optional().describe("TLS settings of the connection"),
});
export type HttpConfig = z.output<typeof httpConfig>;

const common = {
  /** defaults to the receiver type's upstream default */
  sendResolved: z.boolean().optional().describe("defaults to the receiver type's upstream default"),
  /** HTTP client settings (auth, proxy, TLS); global.httpConfig when unset */
  httpConfig: httpConfig
    .optional()
    .describe("HTTP client settings (auth, proxy, TLS); global.httpConfig when unset"),
};

// ---------------------------------------------------------------------------
// Receivers. Every credential is a secret reference; the rendered config points
// at the file the Secret key is mounted as.

export const webhookConfig = z.strictObject({
  ...common,
  /**
   * the URL from a Secret, rendered as url_file (Alertmanager 0.26+); use this for URLs with tokens
   */
  urlSecret: secretRef
    .optional()
    .describe(
      "the URL from a Secret, rendered as url_file (Alertmanager 0.26+); use this for URLs with tokens",
    ),
  /** a plain URL, only for endpoints that carry no credential (no user info, no query string) */
  url: httpUrlSchema("https://hooks.example.com/alertmanager")
    .optional()
    .describe(
      "a plain URL, only for endpoints that carry no credential (no user info, no query string)",
    ),
  /** most alerts sent in one request; 0 or unset sends them all */
  maxAlerts: z
    .int32()
    .min(0)
    .optional()
    .describe("most alerts sent in one request; 0 or unset sends them all"),
  /** how long one request may take before it fails and is retried (Alertmanager 0.28+) */
  timeout: promDuration
    .optional()
    .describe("how long one request may take before it fails and is retried (Alertmanager 0.28+)"),
});

export const slackConfig = z.strictObject({
  ...common,
  /** incoming-webhook URL from a Secret (api_url_file) */
  apiUrl: secretRef.optional().describe("incoming-webhook URL from a Secret (api_url_file)"),
  /** bot token from a Secret: posts through chat.postMessage with the token as credentials_file */
  botToken: secretRef
    .optional()
    .describe(
      "bot token from a Secret: posts through chat.postMessage with the token as credentials_file",
    ),
  /** channel (#alerts) or user to post to; required with botToken */
  channel: template
    .optional()
    .describe("channel (#alerts) or user to post to; required with botToken"),
  /** name the message is posted under */
  username: template.optional().describe("name the message is posted under"),
  /** color of the message's side bar: good, warning, danger or #rrggbb (a template) */
  color: template
    .optional()
    .describe("color of the message's side bar: good, warning, danger or #rrggbb (a template)"),
  /** message title (a template) */
  title: template.optional().describe("message title (a template)"),
  /** URL the title links to (a template) */
  titleLink: template.optional().describe("URL the title links to (a template)"),
  /** line shown above the message (a template) */
  pretext: template.optional().describe("line shown above the message (a template)"),
  /** message body (a template) */
  text: template.optional().describe("message body (a template)"),
  /** small text under the message (a template) */
  footer: template.optional().describe("small text under the message (a template)"),
  /** plain-text summary for clients that cannot show attachments (a template) */
  fallback: template
    .optional()
    .describe("plain-text summary for clients that cannot show attachments (a template)"),
  /** emoji shown as the poster's icon, e.g. :rotating_light: */
  iconEmoji: text.optional().describe("emoji shown as the poster's icon, e.g. :rotating_light:"),
  /** URL of an image shown as the poster's icon */
  iconUrl: text.optional().describe("URL of an image shown as the poster's icon"),
  /** turn @user and #channel names in the text into mentions and links */
  linkNames: z
    .boolean()
    .optional()
    .describe("turn @user and #channel names in the text into mentions and links"),
});

export const pagerdutyConfig = z.strictObject({
  ...common,
  /** Events API v2 integration key (routing_key_file) */
  routingKey: secretRef.optional().describe("Events API v2 integration key (routing_key_file)"),
  /** Prometheus integration key (service_key_file) */
  serviceKey: secretRef.optional().describe("Prometheus integration key (service_key_file)"),
  /** PagerDuty API URL; global.pagerdutyUrl (PagerDuty's own) when unset */
  url: httpUrlSchema("https://events.pagerduty.com/v2/enqueue")
    .optional()
    .describe("PagerDuty API URL; global.pagerdutyUrl (PagerDuty's own) when unset"),
  /** name of the sender shown on the incident (a template) */
  client: template.optional().describe("name of the sender shown on the incident (a template)"),
  /** link back to the sender shown on the incident (a template) */
  clientUrl: template
    .optional()
    .describe("link back to the sender shown on the incident (a template)"),
  /** incident summary (a template) */
  description: template.optional().describe("incident summary (a template)"),
  /** incident severity: critical, error, warning or info (a template) */
  severity: template
    .optional()
    .describe("incident severity: critical, error, warning or info (a template)"),
  /** where the problem is, e.g. a host or service (a template) */
  source: template.optional().describe("where the problem is, e.g. a host or service (a template)"),
  /** kind of event, e.g. the alert name (a template) */
  class: template.optional().describe("kind of event, e.g. the alert name (a template)"),
  /** affected part of the source (a template) */
  component: template.optional().describe("affected part of the source (a template)"),
  /** logical group of components, e.g. a cluster (a template) */
  group: template.optional().describe("logical group of components, e.g. a cluster (a template)"),
  /** extra fields attached to the incident (templates) */
  details: z
    .record(text, template)
    .optional()
    .describe("extra fields attached to the incident (templates)"),
});

export const emailConfig = z.strictObject({
  sendResolved: common.sendResolved,
  /** recipient address(es), comma separated */
  to: text.min(1).describe("recipient address(es), comma separated"),
  /** defaults to global.smtp.from */
  from: filledText.optional().describe("defaults to global.smtp.from"),
  /** defaults to global.smtp.smarthost */
  smarthost: smarthost.optional().describe("defaults to global.smtp.smarthost"),
  /** host name sent in SMTP HELO/EHLO; defaults to global.smtp.hello */
  hello: text
    .optional()
    .describe("host name sent in SMTP HELO/EHLO; defaults to global.smtp.hello"),
  /** SMTP user name; defaults to global.smtp.authUsername */
  authUsername: text.optional().describe("SMTP user name; defaults to global.smtp.authUsername"),
  /** rendered as auth_password_file */
  authPassword: secretRef.optional().describe("rendered as auth_password_file"),
  /** identity for SMTP PLAIN authentication; defaults to global.smtp.authIdentity */
  authIdentity: text
    .optional()
    .describe("identity for SMTP PLAIN authentication; defaults to global.smtp.authIdentity"),
  /** refuse to send unless the server offers STARTTLS; defaults to global.smtp.requireTls */
  requireTls: z
    .boolean()
    .optional()
    .describe(
      "refuse to send unless the server offers STARTTLS; defaults to global.smtp.requireTls",
    ),
  /** TLS settings of the SMTP connection */
  tls: tlsConfig.optional().describe("TLS settings of the SMTP connection"),
  /** e-mail headers such as Subject, over Alertmanager's defaults (templates) */
  headers: z
    .record(text, template)
    .optional()
    .describe("e-mail headers such as Subject, over Alertmanager's defaults (templates)"),
  /** HTML body (a template) */
  html: template.optional().describe("HTML body (a template)"),
  /** plain-text body (a template) */
  text: template.optional().describe("plain-text body (a template)"),
});

const opsgenieResponder = z
  .strictObject({
    /** kind of responder */
    type: z.enum(["team", "teams", "user", "escalation", "schedule"]).describe("kind of responder"),
    /** the responder's OpsGenie id (one of id, name, username) */
    id: filledText.optional().describe("the responder's OpsGenie id (one of id, name, username)"),
    /** the responder's name (one of id, name, username) */
    name: filledText.optional().describe("the responder's name (one of id, name, username)"),
    /** a user's OpsGenie user name (one of id, name, username) */
    username: filledText
      .optional()
      .describe("a user's OpsGenie user name (one of id, name, username)"),
  })
  .refine((r) => [r.id, r.name, r.username].filter((v) => v !== undefined).length === 1, {
    message: "a responder needs exactly one of id, name, username",
  });

export const opsgenieConfig = z.strictObject({
  ...common,
  /** rendered as api_key_file; defaults to global.opsgenieApiKey */
  apiKey: secretRef
    .optional()
    .describe("rendered as api_key_file; defaults to global.opsgenieApiKey"),
  /** OpsGenie API URL; defaults to global.opsgenieApiUrl */
  apiUrl: httpUrlSchema("https://api.opsgenie.com/")
    .optional()
    .describe("OpsGenie API URL; defaults to global.opsgenieApiUrl"),
  /** alert message, its short title (a template) */
  message: template.optional().describe("alert message, its short title (a template)"),
  /** alert description (a template) */
  description: template.optional().describe("alert description (a template)"),
  /** where the alert comes from (a template) */
  source: template.optional().describe("where the alert comes from (a template)"),
  /** extra properties of the alert (templates) */
  details: z
    .record(text, template)
    .optional()
    .describe("extra properties of the alert (templates)"),
  /** teams, users, escalations or schedules the alert is assigned to */
  responders: z
    .array(opsgenieResponder)
    .optional()
    .describe("teams, users, escalations or schedules the alert is assigned to"),
  /** comma-separated tags of the alert (a template) */
  tags: template.optional().describe("comma-separated tags of the alert (a template)"),
  /** note added to the alert (a template) */
  note: template.optional().describe("note added to the alert (a template)"),
  /** P1..P5 or a template */
  priority: template.optional().describe("P1..P5 or a template"),
  /** what the alert is about, e.g. a service (a template) */
  entity: template.optional().describe("what the alert is about, e.g. a service (a template)"),
  /** comma-separated custom actions offered on the alert (a template) */
  actions: template
    .optional()
    .describe("comma-separated custom actions offered on the alert (a template)"),
  /** update message and description of an open alert, instead of only noting the change */
  updateAlerts: z
    .boolean()
    .optional()
    .describe("update message and description of an open alert, instead of only noting the change"),
});

export const msteamsConfig = z.strictObject({
  ...common,
  /** Teams incoming-webhook URL from a Secret (webhook_url_file); Alertmanager 0.27+ */
  webhookUrl: secretRef.describe(
    "Teams incoming-webhook URL from a Secret (webhook_url_file); Alertmanager 0.27+",
  ),
  /** card title (a template) */
  title: template.optional().describe("card title (a template)"),
  /** summary shown in notifications and previews (a template) */
  summary: template.optional().describe("summary shown in notifications and previews (a template)"),
  /** card body (a template) */
  text: template.optional().describe("card body (a template)"),
});

export const msteamsV2Config = z.strictObject({
  ...common,
  /** Teams Workflows (Power Automate) URL from a Secret (webhook_url_file); Alertmanager 0.28+ */
  webhookUrl: secretRef.describe(
    "Teams Workflows (Power Automate) URL from a Secret (webhook_url_file); Alertmanager 0.28+",
  ),
  /** card title (a template) */
  title: template.optional().describe("card title (a template)"),
  /** card body (a template) */
  text: template.optional().describe("card body (a template)"),
});

export const receiver = z.strictObject({
  /** unique name routes refer to ("null" is built in and discards) */
  name: text
    .min(1, "a receiver needs a name")
    .describe('unique name routes refer to ("null" is built in and discards)'),
  /** HTTP endpoints the alerts are POSTed to as JSON */
  webhook: z
    .array(webhookConfig)
    .default([])
    .describe("HTTP endpoints the alerts are POSTed to as JSON"),
  /** Slack messages */
  slack: z.array(slackConfig).default([]).describe("Slack messages"),
  /** PagerDuty incidents */
  pagerduty: z.array(pagerdutyConfig).default([]).describe("PagerDuty incidents"),
  /** e-mails over SMTP */
  email: z.array(emailConfig).default([]).describe("e-mails over SMTP"),
  /** OpsGenie alerts */
  opsgenie: z.array(opsgenieConfig).default([]).describe("OpsGenie alerts"),
  /** Microsoft Teams incoming-webhook messages (Alertmanager 0.27+) */
  msteams: z
    .array(msteamsConfig)
    .default([])
    .describe("Microsoft Teams incoming-webhook messages (Alertmanager 0.27+)"),
  /** Microsoft Teams Workflows messages (Alertmanager 0.28+) */
  msteamsv2: z
    .array(msteamsV2Config)
    .default([])
    .describe("Microsoft Teams Workflows messages (Alertmanager 0.28+)"),
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
  /** wait before the first notification of a new group, to batch alerts; the parent's when unset */
  groupWait: promDuration
    .optional()
    .describe(
      "wait before the first notification of a new group, to batch alerts; the parent's when unset",
    ),
  /**
   * wait before notifying about alerts added to an already notified group; the parent's when unset
   */
  groupInterval: promDuration
    .optional()
    .describe(
      "wait before notifying about alerts added to an already notified group; the parent's when unset",
    ),
  /** wait before re-sending a notification that is still firing; the parent's when unset */
  repeatInterval: promDuration
    .optional()
    .describe(
      "wait before re-sending a notification that is still firing; the parent's when unset",
    ),
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
    /** inherited from the parent when unset */
    receiver: text.min(1).optional().describe("inherited from the parent when unset"),
    /** label matchers an alert must all satisfy, e.g. severity="critical"; any alert when empty */
    matchers: z
      .array(boundedString(MAX_LENGTH.selector))
      .default([])
      .describe(
        'label matchers an alert must all satisfy, e.g. severity="critical"; any alert when empty',
      ),
    /**
     * labels that group alerts into one notification; ["..."] groups by all; the parent's when
     * unset
     */
    groupBy: groupBy
      .optional()
      .describe(
        'labels that group alerts into one notification; ["..."] groups by all; the parent\'s when unset',
      ),
    ...timing,
    /** after this route matches, keep trying the routes after it */
    continue: z
      .boolean()
      .default(false)
      .describe("after this route matches, keep trying the routes after it"),
    /** names of timeIntervals during which this route sends nothing */
    muteTimeIntervals: z
      .array(text.min(1))
      .default([])
      .describe("names of timeIntervals during which this route sends nothing"),
    /** names of timeIntervals outside which this route sends nothing */
    activeTimeIntervals: z
      .array(text.min(1))
      .default([])
      .describe("names of timeIntervals outside which this route sends nothing"),
    /** child routes, tried in order */
    routes: z.array(route).default([]).describe("child routes, tried in order"),
  }),
);

export const inhibitRule = z.strictObject({
  /** matchers of the firing alerts that mute others */
  sourceMatchers: z
    .array(boundedString(MAX_LENGTH.selector))
    .min(1, "an inhibit rule needs source matchers")
    .describe("matchers of the firing alerts that mute others"),
  /** matchers of the alerts that are muted */
  targetMatchers: z
    .array(boundedString(MAX_LENGTH.selector))
    .min(1, "an inhibit rule needs target matchers")
    .describe("matchers of the alerts that are muted"),
  /** labels whose values must be the same in source and target for the mute to apply */
  equal: z
    .array(labelName)
    .default([])
    .describe("labels whose values must be the same in source and target for the mute to apply"),
});
export type InhibitRule = z.output<typeof inhibitRule>;

// ---------------------------------------------------------------------------
// Time intervals.

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const clock = z.string().regex(CLOCK, "must be HH:MM (00:00 to 24:00)");
const weekday = "(sunday|monday|tuesday|wednesday|thursday|friday|saturday)";
const month =
  "(january|february|march|april|may|june|july|august|september|october|november|december|[1-9]|1[0-2])";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/**
 * A `begin[:end]` range whose ends Alertmanager puts in order the way it
 * checks them on load (it refuses `friday:monday`, `0`, `32` or `5:3`), with
 * `position` giving each end's place, or undefined for an end out of range.
 */
function orderedRange(what: string, position: (end: string) => number | undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const [begin = "", end = begin] = value.split(":");
    const from = position(begin);
    const to = position(end);
    if (from === undefined || to === undefined) {
      ctx.addIssue({ code: "custom", message: `${what}: \`${value}\` is out of range` });
    } else if (from > to) {
      ctx.addIssue({
        code: "custom",
        message: `${what}: \`${value}\` ends before it starts; write the earlier end first`,
      });
    }
  };
}

/** Days of the month as Alertmanager orders them: 1..31, and -31..-1 counted back from 31. */
function dayOfMonth(day: string): number | undefined {
  const n = Number(day);
  if (n === 0 || n < -31 || n > 31) return undefined;
  return n < 0 ? 32 + n : n;
}

function named(names: readonly string[], numeric: boolean) {
  return (end: string): number | undefined => {
    const index = names.indexOf(end.toLowerCase());
    if (index >= 0) return index;
    return numeric && /^\d+$/.test(end) ? Number(end) - 1 : undefined;
  };
}

/**
 * An IANA time zone as Go's time.LoadLocation reads it: a name the time zone
 * database knows (checked with this runtime's copy), with its exact case.
 */
function timeZoneProblem(zone: string): string | undefined {
  if (zone === "Local" || zone === "UTC") return undefined;
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) {
    return "must be an IANA time zone name such as Europe/Berlin or UTC";
  }
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    return `\`${zone}\` is not a time zone of the IANA database; use a name such as Europe/Berlin or UTC`;
  }
  const canonical = Intl.supportedValuesOf("timeZone").find(
    (known) => known.toLowerCase() === zone.toLowerCase(),
  );
  if (canonical && canonical !== zone) {
    return `time zone names are case-sensitive where Alertmanager reads them; write \`${canonical}\``;
  }
  return undefined;
}

export const timeIntervalSpec = z.strictObject({
  /** ranges of the day; the whole day when unset */
  times: z
    .array(
      z
        .strictObject({
          /** start of the range, HH:MM, inclusive */
          startTime: clock.describe("start of the range, HH:MM, inclusive"),
          /** end of the range, HH:MM, exclusive (24:00 for midnight) */
          endTime: clock.describe("end of the range, HH:MM, exclusive (24:00 for midnight)"),
        })
        // Compared only once both are clock times: a malformed one is refused on its own.
        .refine(
          (range) =>
            !CLOCK.test(range.startTime) ||
            !CLOCK.test(range.endTime) ||
            range.startTime < range.endTime,
          {
            message: "endTime must be after startTime (a range cannot wrap past midnight; use two)",
            path: ["endTime"],
          },
        ),
    )
    .optional()
    .describe("ranges of the day; the whole day when unset"),
  /** weekdays or ranges, e.g. monday:friday; every day when unset */
  weekdays: z
    .array(
      z
        .string()
        .regex(
          new RegExp(`^${weekday}(:${weekday})?$`, "i"),
          "a weekday or range, e.g. monday:friday",
        )
        .superRefine(
          orderedRange("a weekday range runs from sunday to saturday", named(WEEKDAYS, false)),
        ),
    )
    .optional()
    .describe("weekdays or ranges, e.g. monday:friday; every day when unset"),
  /** days of the month or ranges; negative ones count from the end (-1 is the last) */
  daysOfMonth: z
    .array(
      text
        .regex(/^-?\d{1,2}(:-?\d{1,2})?$/, "a day of month or range, e.g. 1:5 or -1")
        .superRefine(orderedRange("days of the month are 1 to 31 or -31 to -1", dayOfMonth)),
    )
    .optional()
    .describe("days of the month or ranges; negative ones count from the end (-1 is the last)"),
  /** months by name or number, or ranges; every month when unset */
  months: z
    .array(
      z
        .string()
        .regex(
          new RegExp(`^${month}(:${month})?$`, "i"),
          "a month or range, e.g. january:march or 1:3",
        )
        .superRefine(
          orderedRange("months run from january (1) to december (12)", named(MONTHS, true)),
        ),
    )
    .optional()
    .describe("months by name or number, or ranges; every month when unset"),
  /** years or ranges; every year when unset */
  years: z
    .array(
      text
        .regex(/^\d{4}(:\d{4})?$/, "a year or range, e.g. 2025:2026")
        .superRefine(orderedRange("a year range", (year) => Number(year))),
    )
    .optional()
    .describe("years or ranges; every year when unset"),
  /** IANA time zone, e.g. Europe/Berlin; UTC when unset */
  location: z
    .string()
    .max(64)
    .superRefine((zone, ctx) => {
      const problem = timeZoneProblem(zone);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional()
    .describe("IANA time zone, e.g. Europe/Berlin; UTC when unset"),
});

export const timeInterval = z.strictObject({
  /** name that mute and active time intervals of routes refer to */
  name: text.min(1).describe("name that mute and active time intervals of routes refer to"),
  /** periods of the interval; it is in effect while any of them is */
  intervals: z
    .array(timeIntervalSpec)
    .min(1, "a time interval needs at least one interval")
    .describe("periods of the interval; it is in effect while any of them is"),
});
export type TimeInterval = z.output<typeof timeInterval>;

// ---------------------------------------------------------------------------
// Global settings.

export const globalConfig = z
  .strictObject({
    /** an alert received without an end time is resolved this long after its last update */
    resolveTimeout: promDuration
      .default("5m")
      .describe(
        "an alert received without an end time is resolved this long after its last update",
      ),
    /** defaults of the email receivers */
    smtp: z
      .strictObject({
        /** sender address of the e-mails */
        from: filledText.optional().describe("sender address of the e-mails"),
        /** host:port of the SMTP server, e.g. smtp.example.com:587 */
        smarthost: smarthost
          .optional()
          .describe("host:port of the SMTP server, e.g. smtp.example.com:587"),
        /** host name sent in SMTP HELO/EHLO */
        hello: text.optional().describe("host name sent in SMTP HELO/EHLO"),
        /** SMTP user name */
        authUsername: text.optional().describe("SMTP user name"),
        /** rendered as smtp_auth_password_file */
        authPassword: secretRef.optional().describe("rendered as smtp_auth_password_file"),
        /** identity for SMTP PLAIN authentication */
        authIdentity: text.optional().describe("identity for SMTP PLAIN authentication"),
        /** refuse to send unless the server offers STARTTLS (Alertmanager's default: true) */
        requireTls: z
          .boolean()
          .optional()
          .describe(
            "refuse to send unless the server offers STARTTLS (Alertmanager's default: true)",
          ),
      })
      .prefault({})
      .describe("defaults of the email receivers"),
    /** default Slack webhook URL (slack_api_url_file) */
    slackApiUrl: secretRef.optional().describe("default Slack webhook URL (slack_api_url_file)"),
    /** default OpsGenie key (opsgenie_api_key_file) */
    opsgenieApiKey: secretRef.optional().describe("default OpsGenie key (opsgenie_api_key_file)"),
    /** default OpsGenie API URL */
    opsgenieApiUrl: httpUrlSchema("https://api.opsgenie.com/")
      .optional()
      .describe("default OpsGenie API URL"),
    /** default PagerDuty API URL */
    pagerdutyUrl: httpUrlSchema("https://events.pagerduty.com/v2/enqueue")
      .optional()
      .describe("default PagerDuty API URL"),
    /** default HTTP client settings of every receiver */
    httpConfig: httpConfig.optional().describe("default HTTP client settings of every receiver"),
  })
  .prefault({});

// ---------------------------------------------------------------------------
// The opinionated defaults of this stack.

const severityRoute = z
  .strictObject({
    /** defaults to defaultReceiver */
    receiver: text.min(1).optional().describe("defaults to defaultReceiver"),
    ...timing,
    /** names of timeIntervals during which this route sends nothing */
    muteTimeIntervals: z
      .array(text.min(1))
      .default([])
      .describe("names of timeIntervals during which this route sends nothing"),
    /** names of timeIntervals outside which this route sends nothing */
    activeTimeIntervals: z
      .array(text.min(1))
      .default([])
      .describe("names of timeIntervals outside which this route sends nothing"),
  })
  .prefault({});

export const severityRouting = z
  .strictObject({
    /** add a route per severity (critical, warning, info) after your routes */
    enabled: z
      .boolean()
      .default(true)
      .describe("add a route per severity (critical, warning, info) after your routes"),
    /** label that carries an alert's severity */
    label: labelName.default("severity").describe("label that carries an alert's severity"),
    /** alerts whose severity is critical */
    critical: severityRoute.describe("alerts whose severity is critical"),
    /** alerts whose severity is warning */
    warning: severityRoute.describe("alerts whose severity is warning"),
    /** alerts whose severity is one of infoValues */
    info: severityRoute.describe("alerts whose severity is one of infoValues"),
    /** severity values routed as info */
    infoValues: z
      .array(text.min(1))
      .min(1)
      .default(["info", "notice"])
      .describe("severity values routed as info"),
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
    /** a firing critical alert mutes the warnings that share its `equal` labels */
    criticalInhibitsWarning: z
      .boolean()
      .default(true)
      .describe("a firing critical alert mutes the warnings that share its `equal` labels"),
    /** labels a warning must share with the critical alert to be muted */
    equal: z
      .array(labelName)
      .default(DEFAULT_INHIBIT_EQUAL)
      .describe("labels a warning must share with the critical alert to be muted"),
  })
  .prefault({});

export const WATCHDOG_HEARTBEAT_RECEIVER = "watchdog-heartbeat";

export const watchdog = z
  .strictObject({
    /** route the always-firing heartbeat alert first, to its receiver ("null" when none is set) */
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'route the always-firing heartbeat alert first, to its receiver ("null" when none is set)',
      ),
    /** alertname of the heartbeat alert */
    alertname: text.min(1).default("Watchdog").describe("alertname of the heartbeat alert"),
    /** an existing receiver for the heartbeat */
    receiver: text.min(1).optional().describe("an existing receiver for the heartbeat"),
    /** shortcut: a webhook receiver "watchdog-heartbeat" with this URL (url_file, 0.26+) */
    heartbeatUrl: secretRef
      .optional()
      .describe(
        `shortcut: a webhook receiver "${WATCHDOG_HEARTBEAT_RECEIVER}" with this URL (url_file, 0.26+)`,
      ),
    /** group_wait of the heartbeat route */
    groupWait: promDuration.default("0s").describe("group_wait of the heartbeat route"),
    /** group_interval of the heartbeat route */
    groupInterval: promDuration.default("1m").describe("group_interval of the heartbeat route"),
    /** how often the heartbeat is re-sent; the receiving dead man's switch expects it that often */
    repeatInterval: promDuration
      .default("5m")
      .describe(
        "how often the heartbeat is re-sent; the receiving dead man's switch expects it that often",
      ),
  })
  .refine((w) => !(w.receiver && w.heartbeatUrl), {
    message: "set either receiver or heartbeatUrl, not both",
  })
  .prefault({});

const templateFileName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a file name: letters, digits, '.', '_', '-'")
  // It becomes a ConfigMap key, which the API server takes up to 253 characters long.
  .max(253, "at most 253 characters (a ConfigMap key)");

export const templates = z
  .strictObject({
    /** ConfigMaps of notification templates, mounted and loaded */
    configMaps: z
      .array(
        z.strictObject({
          /** an existing ConfigMap in the namespace */
          name: objectName.describe("an existing ConfigMap in the namespace"),
          /** keys to load; all *.tmpl keys when unset */
          keys: z
            .array(templateFileName)
            .optional()
            .describe("keys to load; all *.tmpl keys when unset"),
        }),
      )
      .default([])
      .describe("ConfigMaps of notification templates, mounted and loaded"),
    /** template files rendered into this component's own ConfigMap */
    inline: z
      .record(templateFileName, z.string())
      .default({})
      .describe("template files rendered into this component's own ConfigMap"),
  })
  .prefault({});

export const NULL_RECEIVER = "null";

// ---------------------------------------------------------------------------
// Alerts kept from every receiver: discarded always, or muted during maintenance.

const selectors = z.array(boundedString(MAX_LENGTH.selector));

export const discardRoute = z.strictObject({
  /** label matchers an alert must all satisfy to be discarded, e.g. alertname="InfoInhibitor" */
  matchers: selectors
    .min(1, "a discard route needs matchers")
    .describe(
      'label matchers an alert must all satisfy to be discarded, e.g. alertname="InfoInhibitor"',
    ),
});
export type DiscardRoute = z.output<typeof discardRoute>;

export const maintenanceWindow = z.strictObject({
  /** name of the time interval rendered for the window (time_intervals) */
  name: text.min(1).describe("name of the time interval rendered for the window (time_intervals)"),
  /** periods of the window; it is in effect while any of them is */
  intervals: z
    .array(timeIntervalSpec)
    .min(1, "a maintenance window needs at least one interval")
    .describe("periods of the window; it is in effect while any of them is"),
  /** label matchers of the alerts the window mutes (all must match) */
  matchers: selectors
    .min(1, "a maintenance window needs matchers (the alerts it mutes)")
    .describe("label matchers of the alerts the window mutes (all must match)"),
});
export type MaintenanceWindow = z.output<typeof maintenanceWindow>;

/** The `config` section of the component values: everything that becomes alertmanager.yml. */
export const alertingConfig = z
  .strictObject({
    /** settings every receiver shares (SMTP, API URLs, HTTP client) */
    global: globalConfig.describe("settings every receiver shares (SMTP, API URLs, HTTP client)"),
    /** where notifications go; the built-in "null" receiver discards them */
    receivers: z
      .array(receiver)
      .default([])
      .describe('where notifications go; the built-in "null" receiver discards them'),
    /** receiver of the root route, for alerts no route matches; "null" discards them */
    defaultReceiver: text
      .min(1)
      .default(NULL_RECEIVER)
      .describe('receiver of the root route, for alerts no route matches; "null" discards them'),
    /** labels that group alerts into one notification at the root route; ["..."] groups by all */
    groupBy: groupBy
      .default(["alertname", "cluster", "namespace"])
      .describe(
        'labels that group alerts into one notification at the root route; ["..."] groups by all',
      ),
    /** wait before the first notification of a new group, to batch alerts */
    groupWait: promDuration
      .default("30s")
      .describe("wait before the first notification of a new group, to batch alerts"),
    /** wait before notifying about alerts added to an already notified group */
    groupInterval: promDuration
      .default("5m")
      .describe("wait before notifying about alerts added to an already notified group"),
    /** wait before re-sending a notification that is still firing */
    repeatInterval: promDuration
      .default("4h")
      .describe("wait before re-sending a notification that is still firing"),
    /** routes by severity to a receiver each (defaultReceiver when unset), after your routes */
    severityRouting: severityRouting.describe(
      "routes by severity to a receiver each (defaultReceiver when unset), after your routes",
    ),
    /** routing of the always-firing heartbeat alert, before your routes */
    watchdog: watchdog.describe("routing of the always-firing heartbeat alert, before your routes"),
    /** your routes; checked after the watchdog route and before the severity routes */
    routes: z
      .array(route)
      .default([])
      .describe("your routes; checked after the watchdog route and before the severity routes"),
    /** the built-in inhibit rule: critical mutes warning */
    inhibition: inhibition.describe("the built-in inhibit rule: critical mutes warning"),
    /** added after the default inhibition */
    inhibitRules: z.array(inhibitRule).default([]).describe("added after the default inhibition"),
    /** named periods that routes mute or activate on */
    timeIntervals: z
      .array(timeInterval)
      .default([])
      .describe("named periods that routes mute or activate on"),
    /**
     * alerts no receiver gets (inhibition sources): routed to the built-in "null" receiver before
     * every other route
     */
    discard: z
      .array(discardRoute)
      .default([])
      .describe(
        'alerts no receiver gets (inhibition sources): routed to the built-in "null" receiver before every other route',
      ),
    /**
     * periods during which the matching alerts are not notified, whichever route takes them (the
     * watchdog's excepted)
     */
    maintenanceWindows: z
      .array(maintenanceWindow)
      .default([])
      .describe(
        "periods during which the matching alerts are not notified, whichever route takes them (the watchdog's excepted)",
      ),
    /** notification template files */
    templates: templates.describe("notification template files"),
  })
  .prefault({});
export type AlertingConfig = z.output<typeof alertingConfig>;
export type AlertingConfigInput = z.input<typeof alertingConfig>;
