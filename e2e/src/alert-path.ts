/**
 * Pieces of the end-to-end alert path test: a synthetic Materialize metrics
 * endpoint, the Prometheus configuration built from the package's generated
 * scrape config and rule file, a webhook recorder, and the check of what
 * arrived at the receivers.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { toYaml } from "@materialize-monitoring/core";
import { sanitizeLabelName } from "@materialize-monitoring/materialize";

// ---------------------------------------------------------------------------
// Synthetic Materialize targets.

export type Phase = "healthy" | "unhealthy";

/** A served metrics endpoint; `respond` is asked on every scrape, so a phase switch takes effect at once. */
export interface MetricsEndpoint {
  server: Server;
  port: number;
  address: string;
}

export interface MetricsResponse {
  status: number;
  body: string;
}

/** Serves `GET /metrics` on a free loopback port with whatever `respond` says now. */
export async function serveMetrics(respond: () => MetricsResponse): Promise<MetricsEndpoint> {
  const endpoint = {} as MetricsEndpoint;
  endpoint.server = createServer((request, response) => {
    if (request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    const { status, body } = respond();
    response
      .writeHead(status, { "content-type": "text/plain; version=0.0.4; charset=utf-8" })
      .end(body);
  });
  await new Promise<void>((resolve) => endpoint.server.listen(0, "127.0.0.1", resolve));
  endpoint.port = (endpoint.server.address() as AddressInfo).port;
  endpoint.address = `127.0.0.1:${endpoint.port}`;
  return endpoint;
}

export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** One series of the exposition format. */
function series(name: string, labels: Record<string, string>, value: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return `${name}${pairs.length > 0 ? `{${pairs.join(",")}}` : ""} ${value}`;
}

/** A Materialize compute replica's wallclock lag: a summary with only quantiles 0 and 1, as environmentd reports it. */
export interface WallclockLag {
  instanceId: string;
  replicaId: string;
  /** The collection's `collection_id` label; left out when unset (one collection per replica). */
  collectionId?: string;
  /** quantile "0" and "1", in seconds. */
  min: number;
  max: number;
}

/** `mz_dataflow_wallclock_lag_seconds` for some replicas, plus extra raw lines. */
export function materializeExposition(lags: readonly WallclockLag[], extra: string[] = []): string {
  const name = "mz_dataflow_wallclock_lag_seconds";
  const lines = [
    `# HELP ${name} A summary of the second-by-second lag of the dataflow frontier relative to wallclock time, aggregated over the last minute.`,
    `# TYPE ${name} summary`,
  ];
  for (const lag of lags) {
    const labels: Record<string, string> = {
      instance_id: lag.instanceId,
      replica_id: lag.replicaId,
      ...(lag.collectionId === undefined ? {} : { collection_id: lag.collectionId }),
    };
    lines.push(series(name, { ...labels, quantile: "0" }, lag.min));
    lines.push(series(name, { ...labels, quantile: "1" }, lag.max));
    lines.push(series(`${name}_sum`, labels, (lag.min + lag.max) * 30));
    lines.push(series(`${name}_count`, labels, 60));
  }
  return `${[...lines, ...extra].join("\n")}\n`;
}

// ---------------------------------------------------------------------------
// Prometheus configuration.

/** What Kubernetes pod discovery would have said about a pod: the input of the generated relabel rules. */
export interface DiscoveredPod {
  address: string;
  namespace: string;
  pod: string;
  container: string;
  portName: string;
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  labels: Record<string, string>;
}

/**
 * The `__meta_kubernetes_*` labels Prometheus' pod discovery sets for a pod
 * container port (the subset the generated relabel rules read, plus the
 * `labelpresent` markers discovery adds next to every pod label).
 */
export function kubernetesPodMeta(pod: DiscoveredPod): Record<string, string> {
  const meta: Record<string, string> = {
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: pod.pod,
    __meta_kubernetes_pod_container_name: pod.container,
    __meta_kubernetes_pod_container_port_name: pod.portName,
    __meta_kubernetes_pod_phase: pod.phase,
  };
  for (const [key, value] of Object.entries(pod.labels)) {
    meta[`__meta_kubernetes_pod_label_${sanitizeLabelName(key)}`] = value;
    meta[`__meta_kubernetes_pod_labelpresent_${sanitizeLabelName(key)}`] = "true";
  }
  return meta;
}

/**
 * A generated Kubernetes scrape config turned into a static one: the
 * `kubernetes_sd_configs` are replaced by `static_configs` whose targets
 * carry the meta labels discovery would set, so the generated
 * `relabel_configs` and `metric_relabel_configs` run unchanged.
 */
export function staticScrapeConfig(
  generated: Record<string, unknown>,
  pods: readonly DiscoveredPod[],
): Record<string, unknown> {
  if (!Array.isArray(generated.kubernetes_sd_configs)) {
    throw new Error(
      `scrape config ${String(generated.job_name)} has no kubernetes_sd_configs to replace`,
    );
  }
  const { kubernetes_sd_configs: _discovery, ...rest } = generated;
  return {
    ...rest,
    static_configs: pods.map((pod) => ({ targets: [pod.address], labels: kubernetesPodMeta(pod) })),
  };
}

export interface PrometheusConfigInput {
  scrapeInterval: string;
  evaluationInterval: string;
  scrapeConfigs: Record<string, unknown>[];
  ruleFiles: string[];
  /** Each entry is one `alertmanagers` set (`host:port` addresses); Prometheus sends every alert to every address. */
  alertmanagerSets: string[][];
}

export function prometheusConfigYaml(input: PrometheusConfigInput): string {
  return toYaml({
    global: {
      scrape_interval: input.scrapeInterval,
      scrape_timeout: input.scrapeInterval,
      evaluation_interval: input.evaluationInterval,
    },
    rule_files: input.ruleFiles,
    alerting: {
      alertmanagers: input.alertmanagerSets.map((targets) => ({
        api_version: "v2",
        timeout: "2s",
        static_configs: [{ targets }],
      })),
    },
    scrape_configs: input.scrapeConfigs,
  });
}

// ---------------------------------------------------------------------------
// Webhook receivers.

export interface WebhookAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
  startsAt: string;
}

/** The body Alertmanager's webhook integration posts (version 4). */
export interface WebhookPayload {
  version: string;
  receiver: string;
  status: string;
  groupKey: string;
  externalURL: string;
  alerts: WebhookAlert[];
}

export interface Delivery {
  /** The URL path the notification was posted to, e.g. `/pair/critical-hook`. */
  path: string;
  receivedAt: number;
  payload: WebhookPayload;
}

export interface WebhookRecorder {
  server: Server;
  port: number;
  deliveries: Delivery[];
  url: (path: string) => string;
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = "";
  for await (const chunk of request) body += (chunk as Buffer).toString();
  return body;
}

/** Records every POST on a free loopback port and answers 200. */
export async function serveWebhooks(): Promise<WebhookRecorder> {
  const deliveries: Delivery[] = [];
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        if (request.method === "POST") {
          deliveries.push({
            path: request.url ?? "",
            receivedAt: Date.now(),
            payload: JSON.parse(body) as WebhookPayload,
          });
        }
        response.writeHead(200).end();
      })
      .catch(() => response.writeHead(400).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, deliveries, url: (path) => `http://127.0.0.1:${port}${path}` };
}

// ---------------------------------------------------------------------------
// The check.

export interface AlertKey {
  alertname: string;
  severity: string;
}

export interface AlertPathExpectation {
  /** Each must arrive firing, once per alert fingerprint, and only at `receiver`. */
  delivered: (AlertKey & { receiver: string })[];
  /** Must never be delivered anywhere (inhibited). */
  inhibited: AlertKey[];
  /** The heartbeat: may arrive any number of times, only at its receiver. */
  heartbeat: { alertname: string; receiver: string };
}

const keyText = (k: AlertKey) => `${k.alertname}{severity="${k.severity}"}`;

/**
 * What is wrong with a set of webhook deliveries (from every replica): an
 * expected alert missing, delivered more than once or to another receiver,
 * an inhibited alert delivered, any other alert delivered, or a
 * notification posted to a receiver's URL in another receiver's name.
 * An empty list means the alert path behaved.
 */
export function alertPathProblems(
  deliveries: readonly Delivery[],
  expectation: AlertPathExpectation,
): string[] {
  const problems: string[] = [];
  const firing = deliveries.flatMap((d) =>
    d.payload.alerts
      .filter((a) => a.status === "firing")
      .map((alert) => ({ alert, receiver: d.payload.receiver, path: d.path })),
  );
  const matches = (k: AlertKey) =>
    firing.filter(
      (f) => f.alert.labels.alertname === k.alertname && f.alert.labels.severity === k.severity,
    );

  for (const d of deliveries) {
    if (!d.path.endsWith(`/${d.payload.receiver}`)) {
      problems.push(`receiver ${d.payload.receiver} posted to ${d.path}`);
    }
  }
  for (const expected of expectation.delivered) {
    const found = matches(expected);
    if (found.length === 0) {
      problems.push(`${keyText(expected)} never arrived`);
      continue;
    }
    const byFingerprint = new Map<string, number>();
    for (const f of found) {
      byFingerprint.set(f.alert.fingerprint, (byFingerprint.get(f.alert.fingerprint) ?? 0) + 1);
    }
    for (const [fingerprint, count] of byFingerprint) {
      if (count !== 1) {
        problems.push(`${keyText(expected)} (${fingerprint}) arrived ${count} times, not once`);
      }
    }
    const elsewhere = [...new Set(found.map((f) => f.receiver))].filter(
      (r) => r !== expected.receiver,
    );
    if (elsewhere.length > 0) {
      problems.push(
        `${keyText(expected)} arrived at ${elsewhere.join(", ")} instead of ${expected.receiver}`,
      );
    }
  }
  for (const inhibited of expectation.inhibited) {
    const found = matches(inhibited);
    if (found.length > 0) {
      const receivers = [...new Set(found.map((f) => f.receiver))].join(", ");
      problems.push(
        `${keyText(inhibited)} should be inhibited but arrived ${found.length} time(s) at ${receivers}`,
      );
    }
  }
  const known = [...expectation.delivered, ...expectation.inhibited];
  const unexpected = new Map<string, Set<string>>();
  for (const f of firing) {
    const { alertname = "", severity = "" } = f.alert.labels;
    if (alertname === expectation.heartbeat.alertname) {
      if (f.receiver !== expectation.heartbeat.receiver) {
        problems.push(
          `${alertname} arrived at ${f.receiver} instead of ${expectation.heartbeat.receiver}`,
        );
      }
      continue;
    }
    if (known.some((k) => k.alertname === alertname && k.severity === severity)) continue;
    const text = keyText({ alertname, severity });
    unexpected.set(text, (unexpected.get(text) ?? new Set()).add(f.receiver));
  }
  for (const [text, receivers] of unexpected) {
    problems.push(`unexpected ${text} arrived at ${[...receivers].join(", ")}`);
  }
  return [...new Set(problems)];
}
