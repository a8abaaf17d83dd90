/**
 * Renders the typed alerting configuration to `alertmanager.yml`.
 *
 * Credentials never enter the file: every secret reference becomes the path
 * of a file the StatefulSet mounts from that Secret (`*_file` fields), and the
 * list of those files is returned so the workload can mount exactly them.
 */
import {
  closest,
  parseValues,
  type SecretRef,
  toYaml,
  type ValueProblem,
  ValuesError,
} from "@materialize-monitoring/core";
import { formatMatcher, type Matcher, parseMatchers } from "./matchers.js";
import {
  type AlertingConfig,
  type AlertingConfigInput,
  alertingConfig,
  type HttpConfig,
  NULL_RECEIVER,
  type Receiver,
  type Route,
  WATCHDOG_HEARTBEAT_RECEIVER,
} from "./schema.js";
import { type AlertmanagerVersion, FEATURE_SINCE, type Feature, supports } from "./version.js";

/** Where the pod mounts Secrets and templates; tests point these at temporary directories. */
export interface ConfigPaths {
  secretsDir: string;
  templatesDir: string;
}

export const DEFAULT_CONFIG_PATHS: ConfigPaths = {
  secretsDir: "/etc/alertmanager/secrets",
  templatesDir: "/etc/alertmanager/templates",
};

/** One Secret key the config reads as a file. */
export interface SecretFile {
  secret: string;
  key: string;
  /** Absolute path the config refers to: `<secretsDir>/<secret>/<key>`. */
  path: string;
}

/** A ConfigMap of templates and the directory it is mounted at. */
export interface TemplateMount {
  configMap: string;
  dir: string;
  /** Keys to load; every `*.tmpl` key when undefined. */
  keys?: string[];
}

// The rendered file, in Alertmanager's own (snake_case) vocabulary.
type Yaml = { [key: string]: YamlValue };
type YamlValue = string | number | boolean | YamlValue[] | Yaml | undefined;

export interface AlertmanagerConfigFile {
  global: Yaml;
  templates?: string[];
  route: Yaml;
  receivers: Yaml[];
  inhibit_rules?: Yaml[];
  time_intervals?: Yaml[];
}

export interface BuiltAlertmanagerConfig {
  version: AlertmanagerVersion;
  /** Where the config expects Secrets and templates to be mounted. */
  paths: ConfigPaths;
  /** The configuration as a plain object. */
  config: AlertmanagerConfigFile;
  /** `alertmanager.yml`. */
  yaml: string;
  /** Secret keys to mount as files, sorted, each once. */
  secretFiles: SecretFile[];
  /** User ConfigMaps of templates to mount. */
  templateConfigMaps: TemplateMount[];
  /** Inline templates (file name to content) and where they are mounted. */
  inlineTemplates: { dir: string; files: Record<string, string> };
  /** SMTP ports the email receivers connect to (for the egress NetworkPolicy). */
  smtpPorts: number[];
}

export interface BuildConfigOptions {
  version: AlertmanagerVersion;
  paths?: Partial<ConfigPaths>;
  /** Prefix of error paths, e.g. `alertmanager.config`. */
  errorPath?: string;
}

/** Parses and renders a configuration given as user input (what `alertmanager({ config })` takes). */
export function buildAlertmanagerConfig(
  input: AlertingConfigInput | undefined,
  options: BuildConfigOptions,
): BuiltAlertmanagerConfig {
  const errorPath = options.errorPath ?? "config";
  const parsed = parseValues(alertingConfig, input ?? {}, errorPath ? errorPath.split(".") : []);
  return renderAlertingConfig(parsed, { ...options, errorPath });
}

class Renderer {
  readonly problems: ValueProblem[] = [];
  private readonly files = new Map<string, SecretFile>();
  readonly smtpPorts = new Set<number>();

  constructor(
    readonly version: AlertmanagerVersion,
    readonly paths: ConfigPaths,
    readonly base: string,
  ) {}

  path(...parts: (string | number)[]): string {
    let out = this.base;
    for (const part of parts) {
      if (typeof part === "number") out += `[${part}]`;
      else out += out ? `.${part}` : part;
    }
    return out;
  }

  problem(path: string, message: string, hint?: string): void {
    this.problems.push({ path, message, ...(hint ? { hint } : {}) });
  }

  requireFeature(feature: Feature, path: string, what: string, hint?: string): boolean {
    if (supports(this.version, feature)) return true;
    this.problem(
      path,
      `${what} needs Alertmanager ${FEATURE_SINCE[feature]} or newer (alertmanagerVersion is ${this.version})`,
      hint ?? "use a newer image and alertmanagerVersion, or remove it",
    );
    return false;
  }

  /** The mounted path of a Secret key, recorded so the workload mounts it. */
  file(ref: SecretRef, at: string): string {
    if (!SECRET_NAME.test(ref.name) || !SECRET_KEY.test(ref.key) || ref.key.startsWith("..")) {
      this.problem(
        at,
        `secret reference ${JSON.stringify(ref)} is not a valid Secret name and key`,
        "names are DNS subdomains (my-secret), keys are letters, digits, '-', '_', '.'",
      );
    }
    const path = `${this.paths.secretsDir}/${ref.name}/${ref.key}`;
    this.files.set(path, { secret: ref.name, key: ref.key, path });
    return path;
  }

  secretFiles(): SecretFile[] {
    return [...this.files.values()].sort((a, b) =>
      a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
    );
  }

  /** Parses a list of matcher strings and returns their canonical forms. */
  matchers(list: readonly string[], path: string): string[] {
    const out: string[] = [];
    list.forEach((text, index) => {
      const result = parseMatchers(text);
      if (!result.ok) {
        this.problem(
          `${path}[${index}]`,
          `cannot parse matcher ${JSON.stringify(text)} at column ${result.column}: ${result.message}`,
          'write name="value", name!="value", name=~"regex" or name!~"regex"',
        );
        return;
      }
      out.push(...result.matchers.map((m: Matcher) => formatMatcher(m)));
    });
    return out;
  }

  httpConfig(config: HttpConfig | undefined, path: string, extra: Yaml = {}): Yaml | undefined {
    if (!config && Object.keys(extra).length === 0) return undefined;
    const rendered: Yaml = { ...extra };
    if (config?.authorization && config.basicAuth) {
      this.problem(path, "authorization and basicAuth are mutually exclusive", "keep one of them");
    }
    if (config?.authorization) {
      if (extra.authorization) {
        this.problem(
          `${path}.authorization`,
          "the bot token already sets the Authorization header",
          "remove httpConfig.authorization",
        );
      }
      rendered.authorization = {
        type: config.authorization.type,
        credentials_file: this.file(
          config.authorization.credentials,
          `${path}.authorization.credentials`,
        ),
      };
    }
    if (config?.basicAuth) {
      rendered.basic_auth = {
        username: config.basicAuth.username,
        password_file: this.file(config.basicAuth.password, `${path}.basicAuth.password`),
      };
    }
    if (config?.proxyUrl) rendered.proxy_url = config.proxyUrl;
    if (config?.followRedirects !== undefined) rendered.follow_redirects = config.followRedirects;
    if (config?.tls) rendered.tls_config = this.tls(config.tls, `${path}.tls`);
    return rendered;
  }

  tls(tls: NonNullable<HttpConfig["tls"]>, path: string): Yaml {
    if (Boolean(tls.cert) !== Boolean(tls.key)) {
      this.problem(path, "cert and key go together", "set both or neither");
    }
    return {
      ca_file: tls.ca ? this.file(tls.ca, `${path}.ca`) : undefined,
      cert_file: tls.cert ? this.file(tls.cert, `${path}.cert`) : undefined,
      key_file: tls.key ? this.file(tls.key, `${path}.key`) : undefined,
      server_name: tls.serverName,
      insecure_skip_verify: tls.insecureSkipVerify,
      min_version: tls.minVersion,
    };
  }
}

const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

function smtpPort(hostPort: string): number {
  return Number(hostPort.slice(hostPort.lastIndexOf(":") + 1));
}

function regexEscape(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

function renderReceiver(
  r: Renderer,
  receiver: Receiver,
  index: number,
  config: AlertingConfig,
): Yaml {
  const at = (...parts: (string | number)[]) => r.path("receivers", index, ...parts);
  const out: Yaml = { name: receiver.name };
  const global = config.global;

  if (receiver.webhook.length > 0) {
    out.webhook_configs = receiver.webhook.map((w, i) => {
      const path = at("webhook", i);
      if (Boolean(w.url) === Boolean(w.urlSecret)) {
        r.problem(
          path,
          "a webhook needs exactly one of url and urlSecret",
          "urlSecret for URLs that carry a token, url otherwise",
        );
      }
      if (w.urlSecret) {
        r.requireFeature(
          "webhookUrlFile",
          `${path}.urlSecret`,
          "a webhook URL from a Secret (url_file)",
          "on older versions use url, and only for endpoints that carry no credential",
        );
      }
      if (w.url) {
        const url = new URL(w.url);
        if (url.username || url.password || url.search) {
          r.problem(
            `${path}.url`,
            "a plain webhook url must not carry credentials (user info or a query string)",
            "put the URL in a Secret and use urlSecret",
          );
        }
      }
      if (w.timeout) r.requireFeature("webhookTimeout", `${path}.timeout`, "webhook timeout");
      return {
        send_resolved: w.sendResolved,
        url: w.url,
        url_file: w.urlSecret ? r.file(w.urlSecret, `${path}.urlSecret`) : undefined,
        max_alerts: w.maxAlerts,
        timeout: w.timeout,
        http_config: r.httpConfig(w.httpConfig, `${path}.httpConfig`),
      };
    });
  }

  if (receiver.slack.length > 0) {
    out.slack_configs = receiver.slack.map((s, i) => {
      const path = at("slack", i);
      if (s.apiUrl && s.botToken) r.problem(path, "set apiUrl or botToken, not both");
      if (!s.apiUrl && !s.botToken && !global.slackApiUrl) {
        r.problem(
          path,
          "Slack needs apiUrl, botToken or global.slackApiUrl",
          "an incoming-webhook URL in a Secret is the simplest",
        );
      }
      if (s.botToken && !s.channel)
        r.problem(`${path}.channel`, "posting with a bot token needs a channel");
      const bot: Yaml = s.botToken
        ? {
            authorization: {
              type: "Bearer",
              credentials_file: r.file(s.botToken, `${path}.botToken`),
            },
          }
        : {};
      return {
        send_resolved: s.sendResolved,
        api_url: s.botToken ? "https://slack.com/api/chat.postMessage" : undefined,
        api_url_file: s.apiUrl ? r.file(s.apiUrl, `${path}.apiUrl`) : undefined,
        channel: s.channel,
        username: s.username,
        color: s.color,
        title: s.title,
        title_link: s.titleLink,
        pretext: s.pretext,
        text: s.text,
        footer: s.footer,
        fallback: s.fallback,
        icon_emoji: s.iconEmoji,
        icon_url: s.iconUrl,
        link_names: s.linkNames,
        http_config: r.httpConfig(s.httpConfig, `${path}.httpConfig`, bot),
      };
    });
  }

  if (receiver.pagerduty.length > 0) {
    out.pagerduty_configs = receiver.pagerduty.map((p, i) => {
      const path = at("pagerduty", i);
      if (Boolean(p.routingKey) === Boolean(p.serviceKey)) {
        r.problem(path, "PagerDuty needs exactly one of routingKey (Events API v2) and serviceKey");
      }
      return {
        send_resolved: p.sendResolved,
        routing_key_file: p.routingKey ? r.file(p.routingKey, `${path}.routingKey`) : undefined,
        service_key_file: p.serviceKey ? r.file(p.serviceKey, `${path}.serviceKey`) : undefined,
        url: p.url,
        client: p.client,
        client_url: p.clientUrl,
        description: p.description,
        severity: p.severity,
        source: p.source,
        class: p.class,
        component: p.component,
        group: p.group,
        details: p.details,
        http_config: r.httpConfig(p.httpConfig, `${path}.httpConfig`),
      };
    });
  }

  if (receiver.email.length > 0) {
    out.email_configs = receiver.email.map((e, i) => {
      const path = at("email", i);
      const host = e.smarthost ?? global.smtp.smarthost;
      if (!host)
        r.problem(path, "email needs a smarthost", "set smarthost here or global.smtp.smarthost");
      else r.smtpPorts.add(smtpPort(host));
      if (!e.from && !global.smtp.from)
        r.problem(path, "email needs a from address", "set from here or global.smtp.from");
      if (e.authPassword && !e.authUsername && !global.smtp.authUsername) {
        r.problem(
          `${path}.authPassword`,
          "a password without authUsername is never used",
          "set authUsername",
        );
      }
      return {
        send_resolved: e.sendResolved,
        to: e.to,
        from: e.from,
        smarthost: e.smarthost,
        hello: e.hello,
        auth_username: e.authUsername,
        auth_password_file: e.authPassword
          ? r.file(e.authPassword, `${path}.authPassword`)
          : undefined,
        auth_identity: e.authIdentity,
        require_tls: e.requireTls,
        tls_config: e.tls ? r.tls(e.tls, `${path}.tls`) : undefined,
        headers: e.headers,
        html: e.html,
        text: e.text,
      };
    });
  }

  if (receiver.opsgenie.length > 0) {
    out.opsgenie_configs = receiver.opsgenie.map((o, i) => {
      const path = at("opsgenie", i);
      if (!o.apiKey && !global.opsgenieApiKey) {
        r.problem(path, "OpsGenie needs apiKey or global.opsgenieApiKey");
      }
      return {
        send_resolved: o.sendResolved,
        api_key_file: o.apiKey ? r.file(o.apiKey, `${path}.apiKey`) : undefined,
        api_url: o.apiUrl,
        message: o.message,
        description: o.description,
        source: o.source,
        details: o.details,
        responders: o.responders?.map((x) => ({
          type: x.type,
          id: x.id,
          name: x.name,
          username: x.username,
        })),
        tags: o.tags,
        note: o.note,
        priority: o.priority,
        entity: o.entity,
        actions: o.actions,
        update_alerts: o.updateAlerts,
        http_config: r.httpConfig(o.httpConfig, `${path}.httpConfig`),
      };
    });
  }

  if (receiver.msteams.length > 0) {
    r.requireFeature(
      "msteams",
      at("msteams"),
      "Microsoft Teams (msteams with webhook_url_file)",
      "use a newer image, or msteamsv2 on 0.28+",
    );
    out.msteams_configs = receiver.msteams.map((m, i) => ({
      send_resolved: m.sendResolved,
      webhook_url_file: r.file(m.webhookUrl, `${at("msteams", i)}.webhookUrl`),
      title: m.title,
      summary: m.summary,
      text: m.text,
      http_config: r.httpConfig(m.httpConfig, `${at("msteams", i)}.httpConfig`),
    }));
  }

  if (receiver.msteamsv2.length > 0) {
    r.requireFeature("msteamsv2", at("msteamsv2"), "Microsoft Teams Workflows (msteamsv2)");
    out.msteamsv2_configs = receiver.msteamsv2.map((m, i) => ({
      send_resolved: m.sendResolved,
      webhook_url_file: r.file(m.webhookUrl, `${at("msteamsv2", i)}.webhookUrl`),
      title: m.title,
      text: m.text,
      http_config: r.httpConfig(m.httpConfig, `${at("msteamsv2", i)}.httpConfig`),
    }));
  }

  return out;
}

interface RouteContext {
  receivers: string[];
  timeIntervals: Set<string>;
}

function checkReceiver(
  r: Renderer,
  name: string | undefined,
  path: string,
  ctx: RouteContext,
): void {
  if (name === undefined || ctx.receivers.includes(name)) return;
  const suggestion = closest(name, ctx.receivers);
  r.problem(
    path,
    `unknown receiver "${name}"`,
    suggestion ? `did you mean "${suggestion}"?` : `defined receivers: ${ctx.receivers.join(", ")}`,
  );
}

function checkIntervals(
  r: Renderer,
  names: readonly string[],
  path: string,
  ctx: RouteContext,
): void {
  names.forEach((name, index) => {
    if (ctx.timeIntervals.has(name)) return;
    const known = [...ctx.timeIntervals];
    const suggestion = closest(name, known);
    r.problem(
      `${path}[${index}]`,
      `unknown time interval "${name}"`,
      suggestion
        ? `did you mean "${suggestion}"?`
        : known.length > 0
          ? `defined time intervals: ${known.join(", ")}`
          : "define it under config.timeIntervals",
    );
  });
}

function renderRoute(r: Renderer, route: Route, path: string, ctx: RouteContext): Yaml {
  checkReceiver(r, route.receiver, `${path}.receiver`, ctx);
  checkIntervals(r, route.muteTimeIntervals, `${path}.muteTimeIntervals`, ctx);
  checkIntervals(r, route.activeTimeIntervals, `${path}.activeTimeIntervals`, ctx);
  const matchers = r.matchers(route.matchers, `${path}.matchers`);
  return {
    receiver: route.receiver,
    matchers: matchers.length > 0 ? matchers : undefined,
    group_by: route.groupBy,
    group_wait: route.groupWait,
    group_interval: route.groupInterval,
    repeat_interval: route.repeatInterval,
    continue: route.continue ? true : undefined,
    mute_time_intervals: route.muteTimeIntervals.length > 0 ? route.muteTimeIntervals : undefined,
    active_time_intervals:
      route.activeTimeIntervals.length > 0 ? route.activeTimeIntervals : undefined,
    routes:
      route.routes.length > 0
        ? route.routes.map((child, i) => renderRoute(r, child, `${path}.routes[${i}]`, ctx))
        : undefined,
  };
}

/** The watchdog and severity routes this stack adds around the user's routes. */
function stackRoutes(config: AlertingConfig): { before: Route[]; after: Route[] } {
  const before: Route[] = [];
  const after: Route[] = [];
  const node = (fields: Partial<Route> & { matchers: string[] }): Route => ({
    continue: false,
    muteTimeIntervals: [],
    activeTimeIntervals: [],
    routes: [],
    ...fields,
  });
  const { watchdog, severityRouting: severity } = config;
  if (watchdog.enabled) {
    before.push(
      node({
        receiver:
          watchdog.receiver ??
          (watchdog.heartbeatUrl ? WATCHDOG_HEARTBEAT_RECEIVER : NULL_RECEIVER),
        matchers: [formatMatcher({ name: "alertname", operator: "=", value: watchdog.alertname })],
        groupWait: watchdog.groupWait,
        groupInterval: watchdog.groupInterval,
        repeatInterval: watchdog.repeatInterval,
      }),
    );
  }
  if (severity.enabled) {
    const infoMatcher =
      severity.infoValues.length === 1
        ? formatMatcher({
            name: severity.label,
            operator: "=",
            value: severity.infoValues[0] ?? "",
          })
        : formatMatcher({
            name: severity.label,
            operator: "=~",
            value: severity.infoValues.map(regexEscape).join("|"),
          });
    const levels = [
      [
        "critical",
        severity.critical,
        formatMatcher({ name: severity.label, operator: "=", value: "critical" }),
      ],
      [
        "warning",
        severity.warning,
        formatMatcher({ name: severity.label, operator: "=", value: "warning" }),
      ],
      ["info", severity.info, infoMatcher],
    ] as const;
    for (const [, level, matcherText] of levels) {
      after.push(
        node({
          receiver: level.receiver ?? config.defaultReceiver,
          matchers: [matcherText],
          groupWait: level.groupWait,
          groupInterval: level.groupInterval,
          repeatInterval: level.repeatInterval,
          muteTimeIntervals: level.muteTimeIntervals,
          activeTimeIntervals: level.activeTimeIntervals,
        }),
      );
    }
  }
  return { before, after };
}

/** The alerts of one set of matchers and the maintenance windows that mute them. */
interface MaintenanceMute {
  matchers: string[];
  intervals: string[];
}

/** Maintenance windows grouped by their (canonical) matchers: windows with the same matchers combine. */
function maintenanceMutes(r: Renderer, config: AlertingConfig): MaintenanceMute[] {
  const byMatchers = new Map<string, MaintenanceMute>();
  config.maintenanceWindows.forEach((window, index) => {
    const matchers = r.matchers(window.matchers, r.path("maintenanceWindows", index, "matchers"));
    const key = JSON.stringify(matchers);
    const entry = byMatchers.get(key) ?? { matchers, intervals: [] };
    entry.intervals.push(window.name);
    byMatchers.set(key, entry);
  });
  return [...byMatchers.values()];
}

/**
 * A route that delivers the maintenance windows' alerts through muted children:
 * Alertmanager does not pass `mute_time_intervals` down to child routes, so
 * every route (its children first) gets a last child per window that matches
 * the window's alerts and mutes the route's own intervals plus the window's;
 * the child inherits the receiver, grouping and timings of its parent.
 */
function withMaintenance(route: Yaml, mutes: readonly MaintenanceMute[]): Yaml {
  if (mutes.length === 0) return route;
  const children = ((route.routes as Yaml[] | undefined) ?? []).map((child) =>
    withMaintenance(child, mutes),
  );
  const own = (route.mute_time_intervals as string[] | undefined) ?? [];
  return {
    ...route,
    routes: [
      ...children,
      ...mutes.map((m) => ({
        matchers: [...m.matchers],
        mute_time_intervals: [...own, ...m.intervals],
        active_time_intervals: route.active_time_intervals,
      })),
    ],
  };
}

/** Renders an already-parsed configuration; throws a ValuesError listing every problem found. */
export function renderAlertingConfig(
  config: AlertingConfig,
  options: BuildConfigOptions,
): BuiltAlertmanagerConfig {
  const paths: ConfigPaths = { ...DEFAULT_CONFIG_PATHS, ...options.paths };
  const r = new Renderer(options.version, paths, options.errorPath ?? "config");

  // Receivers: the built-in "null" (discards), the watchdog heartbeat shortcut, then the user's.
  const builtIn: { name: string; origin: string }[] = [
    { name: NULL_RECEIVER, origin: "built in: it discards notifications" },
  ];
  if (config.watchdog.heartbeatUrl) {
    builtIn.push({ name: WATCHDOG_HEARTBEAT_RECEIVER, origin: "created by watchdog.heartbeatUrl" });
  }
  const seen = new Map<string, string>(builtIn.map((b) => [b.name, b.origin]));
  config.receivers.forEach((receiver, index) => {
    const previous = seen.get(receiver.name);
    if (previous !== undefined) {
      r.problem(
        r.path("receivers", index, "name"),
        `duplicate receiver name "${receiver.name}" (${previous})`,
        "receiver names must be unique",
      );
    } else {
      seen.set(receiver.name, `also at ${r.path("receivers", index, "name")}`);
    }
  });

  const receivers: Yaml[] = [{ name: NULL_RECEIVER }];
  if (config.watchdog.heartbeatUrl) {
    r.requireFeature(
      "webhookUrlFile",
      r.path("watchdog", "heartbeatUrl"),
      "a heartbeat URL from a Secret (webhook url_file)",
      "on older versions point watchdog.receiver at a receiver of your own",
    );
    receivers.push({
      name: WATCHDOG_HEARTBEAT_RECEIVER,
      webhook_configs: [
        {
          send_resolved: false,
          url_file: r.file(config.watchdog.heartbeatUrl, r.path("watchdog", "heartbeatUrl")),
        },
      ],
    });
  }
  config.receivers.forEach((receiver, index) => {
    receivers.push(renderReceiver(r, receiver, index, config));
  });

  // Time intervals: the named ones and those of the maintenance windows.
  const intervalNames = new Set<string>();
  const named = [
    ...config.timeIntervals.map((t, index) => ({
      ...t,
      at: r.path("timeIntervals", index, "name"),
    })),
    ...config.maintenanceWindows.map((w, index) => ({
      ...w,
      at: r.path("maintenanceWindows", index, "name"),
    })),
  ];
  for (const interval of named) {
    if (intervalNames.has(interval.name)) {
      r.problem(interval.at, `duplicate time interval name "${interval.name}"`);
    }
    intervalNames.add(interval.name);
  }
  const ctx: RouteContext = { receivers: [...seen.keys()], timeIntervals: intervalNames };

  // Routing tree.
  checkReceiver(r, config.defaultReceiver, r.path("defaultReceiver"), ctx);
  checkReceiver(r, config.watchdog.receiver, r.path("watchdog", "receiver"), ctx);
  for (const level of ["critical", "warning", "info"] as const) {
    const entry = config.severityRouting[level];
    checkReceiver(r, entry.receiver, r.path("severityRouting", level, "receiver"), ctx);
    checkIntervals(
      r,
      entry.muteTimeIntervals,
      r.path("severityRouting", level, "muteTimeIntervals"),
      ctx,
    );
    checkIntervals(
      r,
      entry.activeTimeIntervals,
      r.path("severityRouting", level, "activeTimeIntervals"),
      ctx,
    );
  }
  const { before, after } = stackRoutes(config);
  // The stack's own routes were checked above against the values that produce them.
  const quiet = new Renderer(options.version, paths, "");
  const discard: Yaml[] = config.discard.map((d, i) => ({
    receiver: NULL_RECEIVER,
    matchers: r.matchers(d.matchers, r.path("discard", i, "matchers")),
  }));
  const windows = maintenanceMutes(r, config);
  const delivering = [
    ...config.routes.map((route, i) => renderRoute(r, route, r.path("routes", i), ctx)),
    ...after.map((route) => renderRoute(quiet, route, "", ctx)),
  ].map((route) => withMaintenance(route, windows));
  const routes = [
    ...discard,
    ...before.map((route) => renderRoute(quiet, route, "", ctx)),
    ...delivering,
    // Alerts no route takes go to the root's receiver: muted the same way.
    ...windows.map((w) => ({ matchers: w.matchers, mute_time_intervals: [...w.intervals] })),
  ];

  // Inhibition.
  const inhibitRules: Yaml[] = [];
  const severityLabel = config.severityRouting.label;
  if (config.inhibition.criticalInhibitsWarning) {
    inhibitRules.push({
      source_matchers: [formatMatcher({ name: severityLabel, operator: "=", value: "critical" })],
      target_matchers: [formatMatcher({ name: severityLabel, operator: "=", value: "warning" })],
      equal: [...config.inhibition.equal],
    });
  }
  config.inhibitRules.forEach((rule, index) => {
    inhibitRules.push({
      source_matchers: r.matchers(
        rule.sourceMatchers,
        r.path("inhibitRules", index, "sourceMatchers"),
      ),
      target_matchers: r.matchers(
        rule.targetMatchers,
        r.path("inhibitRules", index, "targetMatchers"),
      ),
      equal: rule.equal.length > 0 ? [...rule.equal] : undefined,
    });
  });

  // Templates.
  const templateNames = new Set<string>();
  config.templates.configMaps.forEach((cm, index) => {
    if (templateNames.has(cm.name)) {
      r.problem(
        r.path("templates", "configMaps", index, "name"),
        `ConfigMap "${cm.name}" is listed twice`,
        "list its keys once",
      );
    }
    templateNames.add(cm.name);
  });
  const templateConfigMaps: TemplateMount[] = config.templates.configMaps.map((cm) => ({
    configMap: cm.name,
    dir: `${paths.templatesDir}/configmaps/${cm.name}`,
    ...(cm.keys ? { keys: [...cm.keys] } : {}),
  }));
  const inlineDir = `${paths.templatesDir}/inline`;
  const inlineFiles = Object.keys(config.templates.inline).sort();
  const templatePaths = [
    ...templateConfigMaps.flatMap((m) =>
      m.keys ? m.keys.map((k) => `${m.dir}/${k}`) : [`${m.dir}/*.tmpl`],
    ),
    ...inlineFiles.map((file) => `${inlineDir}/${file}`),
  ];

  const global = config.global;
  if (global.smtp.smarthost) r.smtpPorts.add(smtpPort(global.smtp.smarthost));
  const file: AlertmanagerConfigFile = {
    global: {
      resolve_timeout: global.resolveTimeout,
      smtp_from: global.smtp.from,
      smtp_smarthost: global.smtp.smarthost,
      smtp_hello: global.smtp.hello,
      smtp_auth_username: global.smtp.authUsername,
      smtp_auth_password_file: global.smtp.authPassword
        ? r.file(global.smtp.authPassword, r.path("global", "smtp", "authPassword"))
        : undefined,
      smtp_auth_identity: global.smtp.authIdentity,
      smtp_require_tls: global.smtp.requireTls,
      slack_api_url_file: global.slackApiUrl
        ? r.file(global.slackApiUrl, r.path("global", "slackApiUrl"))
        : undefined,
      opsgenie_api_key_file: global.opsgenieApiKey
        ? r.file(global.opsgenieApiKey, r.path("global", "opsgenieApiKey"))
        : undefined,
      opsgenie_api_url: global.opsgenieApiUrl,
      pagerduty_url: global.pagerdutyUrl,
      http_config: r.httpConfig(global.httpConfig, r.path("global", "httpConfig")),
    },
    ...(templatePaths.length > 0 ? { templates: templatePaths } : {}),
    route: {
      receiver: config.defaultReceiver,
      group_by: [...config.groupBy],
      group_wait: config.groupWait,
      group_interval: config.groupInterval,
      repeat_interval: config.repeatInterval,
      routes: routes.length > 0 ? routes : undefined,
    },
    receivers,
    ...(inhibitRules.length > 0 ? { inhibit_rules: inhibitRules } : {}),
    ...(named.length > 0
      ? {
          time_intervals: named.map((interval) => ({
            name: interval.name,
            time_intervals: interval.intervals.map((spec) => ({
              times: spec.times?.map((t) => ({ start_time: t.startTime, end_time: t.endTime })),
              weekdays: spec.weekdays,
              days_of_month: spec.daysOfMonth,
              months: spec.months,
              years: spec.years,
              location: spec.location,
            })),
          })),
        }
      : {}),
  };

  if (r.problems.length > 0) throw new ValuesError(r.problems);

  const cleaned = JSON.parse(JSON.stringify(file)) as AlertmanagerConfigFile;
  return {
    version: options.version,
    paths,
    config: cleaned,
    yaml: `# alertmanager.yml rendered by @materialize-monitoring/alertmanager for Alertmanager ${options.version}.\n# Credentials are read from mounted Secret files (*_file); none is written here.\n${toYaml(cleaned)}`,
    secretFiles: r.secretFiles(),
    templateConfigMaps,
    inlineTemplates: { dir: inlineDir, files: { ...config.templates.inline } },
    smtpPorts: [...r.smtpPorts].sort((a, b) => a - b),
  };
}
