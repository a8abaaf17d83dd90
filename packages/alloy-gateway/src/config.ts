/**
 * The gateway's Alloy configuration, built only with alloy-syntax: logs in
 * (push API, OTLP, Kubernetes events, the agents' own logs), log processing
 * (the given stages, level normalisation) and out (loki.write, OTLP);
 * metrics in (clustered scrape jobs, kubelets, OTLP), allow-lists, and out
 * (prometheus.remote_write with a WAL, OTLP).
 */
import {
  AlloyConfig,
  addKubernetesScrapeJobs,
  addLogProcess,
  attr,
  block,
  component,
  discovery,
  type Expression,
  escapeRegex,
  type File,
  http,
  type KubernetesScrapeResult,
  kubernetesLabelName,
  logging,
  loki,
  otelcol,
  pipelineGraph,
  pipelineProblems,
  prometheus,
  recipeLabel,
  relabelRules,
  stage,
  validateReferences,
} from "@materialize-monitoring/alloy-syntax";
import {
  type BuildContext,
  INTERNAL_TLS_MIN_VERSION,
  internalServerTlsFiles,
  type ValueProblem,
  ValuesError,
} from "@materialize-monitoring/core";
import type { SecretWiring } from "./auth.js";
import { PORT } from "./constants.js";
import {
  endpointSecurityArgs,
  otlpAuthHandler,
  otlpClientTls,
  secretFile,
} from "./destination-args.js";
import { type GatewayScrapeJob, writesMetrics } from "./jobs.js";
import { levelNormalisationStages } from "./levels.js";
import { levelLimitStages, protectionStages } from "./protection.js";
import { narrowingRules, tierLists, widestTier } from "./tiers.js";
import type { MetricTier, ResolvedAlloyGatewayValues } from "./values.js";

/** Exports of components the gateway uses without a typed alloy-syntax constructor. */
export const EXTRA_COMPONENT_EXPORTS: Readonly<Record<string, readonly string[]>> = {
  "otelcol.receiver.loki": ["receiver"],
  "otelcol.receiver.prometheus": ["receiver"],
  "otelcol.auth.basic": ["handler"],
  "otelcol.auth.bearer": ["handler"],
  "otelcol.auth.oauth2": ["handler"],
  "otelcol.exporter.datadog": ["input"],
  "local.file": ["content"],
};

/** Components that share their work across a cluster when `clustering { enabled = true }`. */
export const CLUSTERED_COMPONENTS = [
  "prometheus.scrape",
  "loki.source.kubernetes",
  "loki.source.kubernetes_events",
] as const;

export interface GatewayConfigInput {
  values: ResolvedAlloyGatewayValues;
  ctx: BuildContext;
  /** Every scrape job, resolved (see gatewayScrapeJobs). */
  jobs: readonly GatewayScrapeJob[];
  lokiUrl: string;
  /** Required when the gateway writes metrics (see `destinationUrls`). */
  remoteWriteUrl?: string | undefined;
  /** The agents' namespace and selector labels, for the side channel of their own logs. */
  agents: { namespace: string; podLabels: Record<string, string> };
  secrets: SecretWiring;
  /** Error paths start with this (the component name). */
  path: string;
}

export interface GatewayConfig {
  config: AlloyConfig;
  text: string;
  scrape: KubernetesScrapeResult;
}

/** Components of `file` that can share work across a cluster but do not. */
export function unclusteredComponents(file: File): string[] {
  const out: string[] = [];
  for (const s of file.body) {
    if (s.type !== "Block" || !(CLUSTERED_COMPONENTS as readonly string[]).includes(s.name))
      continue;
    const clustering = s.body.find((b) => b.type === "Block" && b.name === "clustering");
    const enabled =
      clustering?.type === "Block" &&
      clustering.body.some(
        (a) =>
          a.type === "Attribute" &&
          a.name === "enabled" &&
          a.value.type === "Bool" &&
          a.value.value,
      );
    if (!enabled) out.push(`${s.name}.${s.label}`);
  }
  return out;
}

/**
 * Render-time checks of the configuration: every reference resolves, every
 * source reaches a writer, and (when clustered) every clusterable component
 * shares its work.
 */
export function checkGatewayConfig(file: File, clustered: boolean, path: string): void {
  const problems: ValueProblem[] = validateReferences(file, {
    exports: EXTRA_COMPONENT_EXPORTS,
  }).map((p) => ({
    path: `${path}.config: ${p.path}`,
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
  }));
  for (const p of pipelineProblems(pipelineGraph(file))) {
    problems.push({ path: `${path}.config: ${p.component}`, message: p.message });
  }
  if (clustered) {
    for (const id of unclusteredComponents(file)) {
      problems.push({
        path: `${path}.config: ${id}`,
        message: "runs on every replica without clustering, so its work is repeated",
        hint: "enable clustering in the component",
      });
    }
  }
  if (problems.length > 0) throw new ValuesError(problems);
}

/**
 * The Loki push URL and, when the gateway writes metrics, the remote-write
 * URL, from the values. Both are other components' addresses (Loki's and
 * Thanos's endpoints, which the umbrella passes), so there is no default to
 * guess: a missing one is a values error.
 */
export function destinationUrls(
  values: Pick<ResolvedAlloyGatewayValues, "destinations" | "receivers">,
  jobs: readonly GatewayScrapeJob[],
  path: string,
): { lokiUrl: string; remoteWriteUrl?: string } {
  const problems: ValueProblem[] = [];
  const lokiUrl = values.destinations.loki.url;
  const remoteWriteUrl = values.destinations.prometheus.url;
  if (!lokiUrl) {
    problems.push({
      path: `${path}.destinations.loki.url`,
      message: "is required: the gateway writes every log it receives or tails to Loki",
      hint: "set it to Loki's push URL (the loki package's endpoints.pushUrl, which the umbrella fills), e.g. http://<loki service>.<namespace>.svc.cluster.local/loki/api/v1/push",
    });
  }
  if (!remoteWriteUrl && writesMetrics(values, jobs)) {
    problems.push(missingRemoteWrite(path));
  }
  if (!lokiUrl || problems.length > 0) throw new ValuesError(problems);
  return { lokiUrl, ...(remoteWriteUrl ? { remoteWriteUrl } : {}) };
}

function missingRemoteWrite(path: string): ValueProblem {
  return {
    path: `${path}.destinations.prometheus.url`,
    message:
      "is required when the gateway writes metrics (scrape jobs, its kubelet and self scrapes, or the OTLP receiver)",
    hint: "set it to the remote-write URL (the thanos package's endpoints.remoteWriteUrl, which the umbrella fills), or turn off every metrics source",
  };
}

/** Builds the configuration; throws a ValuesError when a render-time check fails. */
export function gatewayConfig(input: GatewayConfigInput): GatewayConfig {
  const { values, ctx, secrets } = input;
  const clustered = values.clustering.enabled;
  const clustering = clustered ? { clustering: { enabled: true } } : {};
  const destinations = values.destinations;
  // Metrics components only exist when something produces metrics.
  const hasMetrics = writesMetrics(values, input.jobs);
  const remoteWriteUrl = input.remoteWriteUrl;
  if (hasMetrics && !remoteWriteUrl) throw new ValuesError([missingRemoteWrite(input.path)]);
  const otlpSignals = {
    logs: destinations.otlp.enabled && destinations.otlp.signals.logs,
    metrics: destinations.otlp.enabled && destinations.otlp.signals.metrics && hasMetrics,
  };
  const otlpExport = otlpSignals.logs || otlpSignals.metrics ? destinations.otlp : undefined;
  // Metric tiers: the scrape keeps the widest; a narrower destination filters before writing.
  const lists = tierLists(values, input.path);
  const widest = widestTier(values);
  const narrowed = (tier: MetricTier) => {
    const rules = narrowingRules(tier, widest, lists, input.jobs, input.path);
    return rules.length > 0 ? { writeRelabelConfig: relabelRules(rules) } : {};
  };
  const config = new AlloyConfig();
  config.addStatement(logging({ level: values.logLevel, format: "logfmt" }));
  // Under the stack's internal TLS the HTTP server (UI, metrics, probes, clustering peers) serves TLS.
  const serverTls = ctx.internalTls ? internalServerTlsFiles() : undefined;
  if (serverTls)
    config.addStatement(http({ tls: { ...serverTls, minVersion: INTERNAL_TLS_MIN_VERSION } }));
  /**
   * Prometheus samples converted to OTLP for an otelcol exporter (through `batch`), narrowed to
   * the destination's tier in a `prometheus.relabel` in front when the scrape keeps more.
   */
  const otlpMetricsIn = (
    batch: Expression<"otelcol.Consumer">,
    o: { receiver: string; tierLabel: string; tier: MetricTier; what: string },
  ): Expression<"MetricsReceiver"> => {
    const converted = config.add(
      component(
        "otelcol.receiver.prometheus",
        o.receiver,
        [block("output", { metrics: [batch] })],
        { receiver: "MetricsReceiver" },
      ),
      { comment: `Prometheus samples converted to OTLP for ${o.what}.` },
    ).exports.receiver;
    const narrowing = narrowingRules(o.tier, widest, lists, input.jobs, input.path);
    if (narrowing.length === 0) return converted;
    return config.add(
      prometheus.relabel(o.tierLabel, { forwardTo: [converted], rule: relabelRules(narrowing) }),
      { comment: `Metric tier ${o.tier} of ${o.what} (the scrape keeps ${widest}).` },
    ).exports.receiver;
  };

  // --- OTLP export (optional) -----------------------------------------------------------------
  let otlpLogs: Expression<"LogsReceiver"> | undefined;
  let otlpMetrics: Expression<"MetricsReceiver"> | undefined;
  if (otlpExport) {
    const auth = secrets.add("otlp", { auth: otlpExport.auth, tls: otlpExport.tls });
    const handler = otlpAuthHandler(config, auth);
    const tls = otlpClientTls(auth.tls, otlpExport.protocol === "grpc" && otlpExport.insecure);
    const endpoint = otlpExport.endpoint as string;
    const exporter =
      otlpExport.protocol === "grpc"
        ? config.add(
            otelcol.exporter.otlp("export", {
              client: {
                endpoint,
                ...(tls ? { tls } : {}),
                ...(handler ? { auth: handler } : {}),
              },
            }),
          )
        : config.add(
            otelcol.exporter.otlphttp("export", {
              client: { endpoint, ...(tls ? { tls } : {}), ...(handler ? { auth: handler } : {}) },
            }),
          );
    const batch = config.add(
      otelcol.processor.batch("export", {
        output: {
          ...(otlpSignals.logs ? { logs: [exporter.exports.input] } : {}),
          ...(otlpSignals.metrics ? { metrics: [exporter.exports.input] } : {}),
        },
      }),
    );
    if (otlpSignals.logs) {
      otlpLogs = config.add(
        component(
          "otelcol.receiver.loki",
          "export",
          [block("output", { logs: [batch.exports.input] })],
          {
            receiver: "LogsReceiver",
          },
        ),
        { comment: "Loki entries converted to OTLP for the OTLP destination." },
      ).exports.receiver;
    }
    if (otlpSignals.metrics) {
      otlpMetrics = otlpMetricsIn(batch.exports.input, {
        receiver: "export",
        tierLabel: "otlp_tier",
        tier: otlpExport.tier,
        what: "the OTLP destination",
      });
    }
  }

  // --- Datadog (optional, metrics only) --------------------------------------------------------
  const datadog = destinations.datadog.enabled && hasMetrics ? destinations.datadog : undefined;
  let datadogMetrics: Expression<"MetricsReceiver"> | undefined;
  if (datadog?.apiKey) {
    const apiKey = secretFile(config, "datadog_api_key", secrets.file(datadog.apiKey));
    const exporter = config.add(
      component(
        "otelcol.exporter.datadog",
        "default",
        [attr("hostname", ctx.clusterName), block("api", { api_key: apiKey, site: datadog.site })],
        { input: "otelcol.Consumer" },
      ),
      { comment: `Metrics to Datadog (${datadog.site}); a community component of Alloy.` },
    );
    const batch = config.add(
      otelcol.processor.batch("datadog", { output: { metrics: [exporter.exports.input] } }),
    );
    datadogMetrics = otlpMetricsIn(batch.exports.input, {
      receiver: "datadog",
      tierLabel: "datadog_tier",
      tier: datadog.tier,
      what: "Datadog",
    });
  }

  // --- metrics out -----------------------------------------------------------------------------
  const prom = destinations.prometheus;
  const queueConfig = {
    capacity: prom.queue.capacity,
    minShards: prom.queue.minShards,
    maxShards: prom.queue.maxShards,
    maxSamplesPerSend: prom.queue.maxSamplesPerSend,
    batchSendDeadline: prom.queue.batchSendDeadline,
    minBackoff: prom.queue.minBackoff,
    maxBackoff: prom.queue.maxBackoff,
    ...(prom.queue.sampleAgeLimit ? { sampleAgeLimit: prom.queue.sampleAgeLimit } : {}),
  };
  const remoteWrite =
    !hasMetrics || !remoteWriteUrl
      ? undefined
      : config.add(
          prometheus.remoteWrite("default", {
            externalLabels: { cluster: ctx.clusterName },
            endpoint: [
              {
                name: "default",
                url: remoteWriteUrl,
                ...(Object.keys(prom.headers).length > 0 ? { headers: { ...prom.headers } } : {}),
                ...endpointSecurityArgs(config, "remote_write", secrets.add("remote_write", prom)),
                queueConfig,
                ...narrowed(prom.tier),
              },
              ...prom.extra.map((d) => ({
                name: d.name,
                url: d.url,
                ...(Object.keys(d.headers).length > 0 ? { headers: { ...d.headers } } : {}),
                ...endpointSecurityArgs(
                  config,
                  `remote_write_${d.name}`,
                  secrets.add(`remote_write_${d.name}`, d),
                ),
                queueConfig,
                ...narrowed(d.tier),
              })),
            ],
            wal: { ...prom.wal },
          }),
          {
            comment: [
              "Every sample to Thanos receive (and the extra destinations), buffered in a WAL under --storage.path.",
              "queue_config.retry_on_http_429 keeps its default (true): rate-limited batches are retried, not dropped.",
              ...([prom.tier, ...prom.extra.map((d) => d.tier)].some(
                (tier) => narrowingRules(tier, widest, lists, input.jobs, input.path).length > 0,
              )
                ? [
                    `The scrape keeps metric tier ${widest}; an endpoint of a narrower tier drops the rest in write_relabel_config.`,
                  ]
                : []),
            ],
          },
        );
  const metricsWriters = [
    ...(remoteWrite ? [remoteWrite.exports.receiver] : []),
    ...(otlpMetrics ? [otlpMetrics] : []),
    ...(datadogMetrics ? [datadogMetrics] : []),
  ];

  // --- metrics in ------------------------------------------------------------------------------
  const kept = widest === "all" ? {} : lists[widest];
  const scrape = addKubernetesScrapeJobs(config, input.jobs, {
    forwardTo: metricsWriters,
    ...(clustered ? { clustering: true } : {}),
    metricRelabel: {
      label: (members) => {
        const sources = new Set(members.map((j) => (j as GatewayScrapeJob).source));
        const only = sources.size === 1 ? [...sources][0] : undefined;
        return recipeLabel(
          undefined,
          only ? `metrics_${only}` : `${(members[0] as GatewayScrapeJob).name}_metrics`,
        );
      },
      comment: (members) => {
        const source = (members[0] as GatewayScrapeJob).source;
        return source && kept[source]
          ? `Allow-list of ${source}${widest === "essential" ? "" : ` (tier ${widest})`}: only the listed metrics (and up) leave the gateway.`
          : "Metric relabeling of the jobs below.";
      },
    },
    secret: { comment: "Basic-auth credentials of a scrape job, read through the Kubernetes API." },
  });

  // --- logs out ---------------------------------------------------------------------------------
  const lokiDest = destinations.loki;
  const lokiDefault = {
    name: "default",
    url: input.lokiUrl,
    ...(lokiDest.tenantId ? { tenantId: lokiDest.tenantId } : {}),
    ...endpointSecurityArgs(config, "loki", secrets.add("loki", lokiDest)),
  };
  const lokiExtra = lokiDest.extra.map((d) => ({
    name: d.name,
    url: d.url,
    ...(d.tenantId ? { tenantId: d.tenantId } : {}),
    ...endpointSecurityArgs(config, `loki_${d.name}`, secrets.add(`loki_${d.name}`, d)),
  }));
  const externalLabels = { cluster: ctx.clusterName, ...values.logs.externalLabels };
  // Routing by a label sets each entry's tenant, which a loki.write applies to all its
  // endpoints: the extra destinations, with tenants of their own, then get a loki.write apart.
  const routed = lokiDest.tenantFrom;
  const lokiWrite = config.add(
    loki.write("default", {
      externalLabels,
      endpoint: routed ? [lokiDefault] : [lokiDefault, ...lokiExtra],
    }),
    {
      comment: routed
        ? "Every entry to Loki, under the tenant routed below; retry_on_http_429 keeps its default (true)."
        : "Every entry to Loki (and the extra destinations); retry_on_http_429 keeps its default (true).",
    },
  );
  const extraWrite =
    routed && lokiExtra.length > 0
      ? config.add(loki.write("extra", { externalLabels, endpoint: lokiExtra }), {
          comment: "The extra Loki destinations, each under its own tenant.",
        })
      : undefined;
  const tenantRouting = routed
    ? config.add(
        loki.process("tenant", {
          forwardTo: [lokiWrite.exports.receiver],
          stages: [stage.tenant({ label: routed })],
        }),
        {
          comment: `Each entry goes to the tenant its ${routed} label names; entries without one to ${lokiDest.tenantId ?? "the default tenant"}.`,
        },
      )
    : undefined;
  const logWriters = [
    tenantRouting ? tenantRouting.exports.receiver : lokiWrite.exports.receiver,
    ...(extraWrite ? [extraWrite.exports.receiver] : []),
    ...(otlpLogs ? [otlpLogs] : []),
  ];
  const protection = values.logs.protection;
  const debugLimit = levelLimitStages(protection);
  const written =
    debugLimit.length > 0
      ? [
          addLogProcess(config, "protect_levels", debugLimit, logWriters, {
            comment: `Flood protection by level: at most ${protection.debug.linesPerSecond} debug and ${protection.debug.linesPerSecond} trace lines per second (per replica); the rest is dropped and counted (loki_process_dropped_lines_by_label_total{label_name="level"}).`,
          }).exports.receiver,
        ]
      : logWriters;
  const levels = values.logs.levelNormalisation
    ? addLogProcess(
        config,
        "levels",
        levelNormalisationStages(values.logs.events.jobName),
        written,
        {
          comment:
            "Streams without a level label get a normalised one (critical, error, warn, info, debug, trace, unknown).",
        },
      )
    : undefined;
  const afterStages = levels ? [levels.exports.receiver] : written;
  const stages =
    values.logs.stages.length > 0
      ? addLogProcess(config, "stages", values.logs.stages, afterStages, {
          comment:
            "The given stages (the Materialize log stages: JSON fields, level, panics, structured metadata).",
        })
      : undefined;
  const beforeProtection = stages ? [stages.exports.receiver] : afterStages;
  const protect = protectionStages(protection);
  const workloadLogs =
    protect.length > 0
      ? [
          addLogProcess(config, "protect", protect, beforeProtection, {
            comment: `Flood protection of pushed and OTLP logs (per replica): entries older than ${protection.maxAge} and lines over ${protection.maxLineSize} are dropped (reasons too_old, line_too_long), and so are lines over each namespace's and pod's rate (loki_process_dropped_lines_by_label_total).`,
          }).exports.receiver,
        ]
      : beforeProtection;

  // --- logs in ----------------------------------------------------------------------------------
  config.add(
    loki.source.api("push", {
      http: {
        listenAddress: "0.0.0.0",
        listenPort: PORT.push.port,
        ...(serverTls ? { tls: serverTls } : {}),
      },
      useIncomingTimestamp: true,
      forwardTo: workloadLogs,
    }),
    {
      comment: "The Loki push API: agents and applications write here; their timestamps are kept.",
    },
  );
  if (values.receivers.otlp.enabled) {
    const toLoki = config.add(otelcol.exporter.loki("otlp", { forwardTo: workloadLogs }));
    const toPrometheus = config.add(
      otelcol.exporter.prometheus("otlp", { forwardTo: metricsWriters }),
    );
    config.add(
      otelcol.receiver.otlp("default", {
        grpc: { endpoint: `0.0.0.0:${PORT.otlpGrpc.port}` },
        http: { endpoint: `0.0.0.0:${PORT.otlpHttp.port}` },
        output: { logs: [toLoki.exports.input], metrics: [toPrometheus.exports.input] },
      }),
      { comment: "OTLP logs and metrics from applications (traces are not collected)." },
    );
  }
  if (values.logs.events.enabled) {
    const events = values.logs.events;
    config.add(
      component("loki.source.kubernetes_events", "events", [
        attr("job_name", events.jobName),
        attr("log_format", events.logFormat),
        ...(events.namespaces.length > 0 ? [attr("namespaces", [...events.namespaces])] : []),
        attr("forward_to", afterStages),
        ...(clustered ? [block("clustering", { enabled: true })] : []),
      ]),
      { comment: "Kubernetes events as log lines; clustered, so one replica reads each event." },
    );
  }
  if (values.logs.agentLogs.enabled) {
    const { namespace, podLabels } = input.agents;
    const keys = Object.keys(podLabels).sort();
    const meta = (k: string) => `__meta_kubernetes_pod_label_${kubernetesLabelName(k)}`;
    const pods = config.add(
      discovery.kubernetes("agent_pods", {
        role: "pod",
        namespaces: { names: [namespace] },
        selectors: [{ role: "pod", label: keys.map((k) => `${k}=${podLabels[k]}`).join(",") }],
      }),
      { comment: "The agents' own pods, selected server-side by their labels." },
    );
    const targets = config.add(
      discovery.relabel("agent_pods", {
        targets: pods.exports.targets,
        rule: relabelRules([
          {
            sourceLabels: keys.map(meta),
            separator: ";",
            regex: keys.map((k) => escapeRegex(podLabels[k] as string)).join(";"),
            action: "keep",
          },
          { sourceLabels: ["__meta_kubernetes_namespace"], targetLabel: "namespace" },
          { sourceLabels: ["__meta_kubernetes_pod_container_name"], targetLabel: "container" },
          { sourceLabels: [meta("app.kubernetes.io/name")], targetLabel: "app" },
          {
            sourceLabels: ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_container_name"],
            separator: "/",
            targetLabel: "job",
          },
          { sourceLabels: ["__meta_kubernetes_pod_name"], targetLabel: "pod" },
          { sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node" },
        ]),
      }),
    );
    const metadata = addLogProcess(
      config,
      "agent_logs",
      [
        { type: "structuredMetadata", values: { pod: "", node: "" } },
        { type: "labelDrop", values: ["pod", "node"] },
      ],
      afterStages,
    );
    config.add(
      loki.source.kubernetes("agent_logs", {
        targets: targets.exports.output,
        forwardTo: [metadata.exports.receiver],
        ...clustering,
      }),
      {
        comment:
          "The agents' own logs through the API (they do not tail themselves), so a failing agent still leaves its logs.",
      },
    );
  }

  checkGatewayConfig(config.toAst(), clustered, input.path);
  return { config, text: config.toString(), scrape };
}
