import type { AlertingConfigInput, ReceiverInput } from "../src/index.js";

const secret = (name: string, key: string) => ({ name, key });

/** Every receiver type and option Alertmanager 0.25 understands, credentials by reference only. */
export const receivers025: ReceiverInput[] = [
  {
    name: "team-webhook",
    webhook: [
      {
        url: "http://incident-bridge.ops.svc:8080/alertmanager",
        maxAlerts: 20,
        sendResolved: true,
        httpConfig: {
          authorization: { credentials: secret("bridge-token", "token") },
          tls: { ca: secret("bridge-ca", "ca.crt"), serverName: "incident-bridge.ops.svc" },
        },
      },
    ],
  },
  {
    name: "slack-critical",
    slack: [
      {
        apiUrl: secret("slack", "webhook-url"),
        channel: "#alerts-critical",
        title: '{{ template "mz.title" . }}',
        text: '{{ template "mz.text" . }}',
        sendResolved: true,
      },
    ],
  },
  {
    name: "slack-bot",
    slack: [{ botToken: secret("slack", "bot-token"), channel: "C0123456" }],
  },
  {
    name: "pagerduty",
    pagerduty: [
      {
        routingKey: secret("pagerduty", "routing-key"),
        severity: "critical",
        details: { cluster: "{{ .CommonLabels.cluster }}" },
      },
      { serviceKey: secret("pagerduty", "service-key") },
    ],
  },
  {
    name: "email",
    email: [
      {
        to: "oncall@example.com",
        authUsername: "alertmanager",
        authPassword: secret("smtp", "password"),
        tls: { ca: secret("smtp", "ca.crt") },
        headers: { Subject: "[{{ .Status }}] {{ .CommonLabels.alertname }}" },
      },
    ],
  },
  {
    name: "opsgenie",
    opsgenie: [
      {
        apiKey: secret("opsgenie", "api-key"),
        responders: [{ type: "team", name: "database" }],
        priority: "P2",
        tags: "materialize",
        httpConfig: {
          basicAuth: { username: "proxy-user", password: secret("proxy", "password") },
          proxyUrl: "http://proxy.ops.svc:3128",
        },
      },
    ],
  },
];

/** A config using every receiver type 0.25 has, routes, inhibition, time intervals and templates. */
export const everyReceiver025: AlertingConfigInput = {
  global: {
    smtp: { from: "alertmanager@example.com", smarthost: "smtp.example.com:587", requireTls: true },
    slackApiUrl: secret("slack", "webhook-url"),
  },
  receivers: receivers025,
  severityRouting: {
    critical: { receiver: "pagerduty", repeatInterval: "1h" },
    warning: { receiver: "slack-critical", activeTimeIntervals: ["business-hours"] },
    info: { receiver: "email" },
  },
  watchdog: { receiver: "team-webhook" },
  routes: [
    {
      matchers: ['{namespace="materialize", team=~"db|storage"}'],
      receiver: "opsgenie",
      continue: true,
      routes: [
        {
          matchers: ["severity=critical"],
          receiver: "slack-bot",
          muteTimeIntervals: ["maintenance"],
        },
      ],
    },
  ],
  inhibitRules: [
    {
      sourceMatchers: ['alertname="MaterializeDown"'],
      targetMatchers: ['namespace="materialize"'],
      equal: ["cluster"],
    },
  ],
  timeIntervals: [
    {
      name: "business-hours",
      intervals: [
        {
          weekdays: ["monday:friday"],
          times: [{ startTime: "08:00", endTime: "18:00" }],
          location: "Europe/Berlin",
        },
      ],
    },
    {
      name: "maintenance",
      intervals: [{ daysOfMonth: ["1"], months: ["january:december"], years: ["2025:2030"] }],
    },
  ],
  templates: {
    configMaps: [{ name: "team-templates" }, { name: "shared-templates", keys: ["shared.tmpl"] }],
    inline: {
      "mz.tmpl":
        '{{ define "mz.title" }}[{{ .Status }}] {{ .CommonLabels.alertname }}{{ end }}\n{{ define "mz.text" }}{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}{{ end }}\n',
    },
  },
};

/** The same plus what needs a newer Alertmanager: Teams (0.27/0.28), webhook url_file and timeout (0.26/0.28). */
export const everyReceiver028: AlertingConfigInput = {
  ...everyReceiver025,
  receivers: [
    ...receivers025,
    {
      name: "teams",
      msteams: [
        { webhookUrl: secret("teams", "webhook-url"), title: "Materialize", summary: "alerts" },
      ],
    },
    {
      name: "teams-workflows",
      msteamsv2: [
        { webhookUrl: secret("teams", "workflow-url"), text: "{{ .CommonAnnotations.summary }}" },
      ],
    },
    { name: "secret-hook", webhook: [{ urlSecret: secret("hooks", "url"), timeout: "10s" }] },
  ],
  watchdog: { heartbeatUrl: secret("heartbeat", "url") },
};
