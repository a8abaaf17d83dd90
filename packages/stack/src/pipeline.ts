/**
 * What the pipeline (alloy-gateway) scrapes, filters and forwards, and what
 * the node agent pushes to: computed from the other components' endpoints
 * and the Materialize artifacts, as plain values for the two Alloy packages.
 */
import type { AlloyAgentEndpoints } from "@materialize-monitoring/alloy-agent";
import type { AlloyGatewayEndpoints } from "@materialize-monitoring/alloy-gateway";
import { podScrapeJob } from "@materialize-monitoring/alloy-syntax";
import { type BuildContext, urlPort } from "@materialize-monitoring/core";
import { COPIED_POD_LABELS } from "@materialize-monitoring/materialize";
import type { ParsedStackValues } from "./values.js";
import type { StackEndpoints } from "./wiring.js";

type Tree = Record<string, unknown>;

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

interface SelfTarget {
  name: string;
  job: string;
  podLabels: Record<string, string>;
  portName: string;
  source?: string;
  path?: string;
}

/** The stack's own components, scraped for the self-monitoring rules and dashboard. */
function stackTargets(endpoints: StackEndpoints): SelfTarget[] {
  const targets: SelfTarget[] = [];
  if (endpoints.loki) {
    targets.push({
      name: "loki",
      job: "loki",
      podLabels: endpoints.loki.serverPeer.podLabels,
      portName: "http-metrics",
      source: "loki",
    });
  }
  if (endpoints.thanos) {
    targets.push({
      name: "thanos",
      job: "thanos",
      podLabels: endpoints.thanos.podSelectors.all,
      portName: "http",
      source: "thanos",
    });
  }
  if (endpoints.alertmanager) {
    targets.push({
      name: "alertmanager",
      job: "alertmanager",
      podLabels: endpoints.alertmanager.selectorLabels,
      portName: "http-web",
      source: "alertmanager",
    });
  }
  if (endpoints.grafana) {
    targets.push({
      name: "grafana",
      job: "grafana",
      podLabels: endpoints.grafana.podLabels,
      portName: "http",
    });
  }
  if (endpoints.grafanaOperator) {
    targets.push({
      name: "grafana_operator",
      job: "grafana-operator",
      podLabels: endpoints.grafanaOperator.operatorPodLabels,
      portName: "metrics",
      path: endpoints.grafanaOperator.metrics.path,
    });
  }
  return targets;
}

/** Scrape jobs as the gateway's `scrape.jobs` value. */
export function scrapeJobs(ctx: BuildContext, endpoints: StackEndpoints): Tree[] {
  const jobs: Tree[] = [];
  for (const target of endpoints.materialize?.targets ?? [])
    jobs.push({ ...target, source: "materialize" });
  const exporters = endpoints.exporters;
  const ksm = exporters?.kubeStateMetrics?.metrics;
  if (ksm) {
    jobs.push({
      ...podScrapeJob({
        name: "kube_state_metrics",
        job: ksm.jobName,
        namespaces: [ksm.namespace],
        podLabels: ksm.selector,
        portName: ksm.portName,
      }),
      source: "kube-state-metrics",
    });
  }
  const nodeExporter = exporters?.nodeExporter?.metrics;
  if (nodeExporter) {
    jobs.push({
      ...podScrapeJob({
        name: "node_exporter",
        job: nodeExporter.jobName,
        namespaces: [nodeExporter.namespace],
        podLabels: nodeExporter.selector,
        portName: nodeExporter.portName,
      }),
      source: "node-exporter",
    });
  }
  const metricsServer = exporters?.metricsServer?.metrics;
  if (metricsServer) {
    jobs.push({
      ...podScrapeJob({
        name: "metrics_server",
        job: metricsServer.jobName,
        namespaces: [metricsServer.namespace],
        podLabels: metricsServer.selector,
        portName: metricsServer.portName,
        scheme: metricsServer.scheme,
        ...(metricsServer.bearerTokenAuth ? { bearerTokenFile: SERVICE_ACCOUNT_TOKEN } : {}),
        ...(metricsServer.tls ? { tls: metricsServer.tls } : {}),
      }),
    });
  }
  for (const target of stackTargets(endpoints)) {
    jobs.push({
      ...podScrapeJob({
        name: target.name,
        job: target.job,
        namespaces: [ctx.namespace],
        podLabels: target.podLabels,
        portName: target.portName,
        ...(target.path ? { path: target.path } : {}),
      }),
      ...(target.source ? { source: target.source } : {}),
    });
  }
  if (endpoints.alloyAgent)
    jobs.push({ ...endpoints.alloyAgent.selfMetricsTarget, source: "alloy" });
  return jobs;
}

export interface PipelineEndpoints {
  alloyAgent?: AlloyAgentEndpoints;
  alloyGateway?: AlloyGatewayEndpoints;
}

/** Values the umbrella gives the gateway. */
export function gatewayValues(
  ctx: BuildContext,
  values: ParsedStackValues,
  endpoints: StackEndpoints,
): Tree {
  const loki = values.loki.enabled ? endpoints.loki : undefined;
  const thanos = values.thanos.enabled ? endpoints.thanos : undefined;
  const lokiUrl = loki?.pushUrl ?? values.loki.external?.pushUrl;
  const tenantId = loki?.tenantId ?? values.loki.external?.tenantId;
  const remoteWriteUrl = thanos?.remoteWriteUrl ?? values.thanos.external?.remoteWriteUrl;
  const artifacts = values.materialize.enabled ? endpoints.materialize : undefined;
  const agent = values.alloyAgent.enabled ? endpoints.alloyAgent : undefined;
  const allowLists = Object.fromEntries(
    Object.entries(artifacts?.allowLists ?? {}).map(([source, list]) => [
      source,
      [...list.metrics],
    ]),
  );
  return {
    destinations: {
      loki: {
        ...(lokiUrl ? { url: lokiUrl } : {}),
        ...(tenantId ? { tenantId } : {}),
        egress: loki
          ? { peers: [{ podLabels: loki.clientPeer.podLabels }], ports: [loki.clientPeer.port] }
          : { cidrs: ["0.0.0.0/0"], ports: lokiUrl ? [urlPort(lokiUrl)] : [443] },
      },
      prometheus: {
        ...(remoteWriteUrl ? { url: remoteWriteUrl } : {}),
        egress: thanos
          ? {
              peers: [{ podLabels: thanos.podSelectors.remoteWrite }],
              ports: [thanos.ports.remoteWrite],
            }
          : { cidrs: ["0.0.0.0/0"], ports: remoteWriteUrl ? [urlPort(remoteWriteUrl)] : [443] },
      },
    },
    scrape: { jobs: scrapeJobs(ctx, endpoints) },
    allowLists,
    rbac: { nonResourceUrls: endpoints.exporters?.metricsServer ? ["/metrics"] : [] },
    logs: {
      stages: artifacts?.logStages ?? [],
      ...(artifacts ? { events: { jobName: values.materialize.logs.kubernetesEventsJob } } : {}),
      ...(agent
        ? { agentLogs: { namespace: agent.namespace, podLabels: agent.podLabels } }
        : { agentLogs: { enabled: false } }),
      externalLabels: { cluster: ctx.clusterName },
    },
    networkPolicy: {
      ...(agent ? { agents: [{ podLabels: agent.podLabels, namespace: agent.namespace }] } : {}),
    },
  };
}

/** Values the umbrella gives the node agent. */
export function agentValues(values: ParsedStackValues, endpoints: StackEndpoints): Tree {
  const gateway = values.alloyGateway.enabled ? endpoints.alloyGateway : undefined;
  return {
    ...(values.global.nodeAgentsNamespace ? { namespace: values.global.nodeAgentsNamespace } : {}),
    ...(gateway
      ? {
          gateway: {
            pushUrl: gateway.pushUrl,
            podLabels: gateway.podLabels,
            namespace: gateway.namespace,
            port: gateway.pushPeer.port,
          },
        }
      : {}),
    logs: {
      podLabelsAsMetadata: COPIED_POD_LABELS.map((l) => ({ podLabel: l.podLabel, name: l.label })),
    },
    networkPolicy: {
      ...(gateway
        ? { scrapers: [{ podLabels: gateway.podLabels, namespace: gateway.namespace }] }
        : {}),
    },
  };
}
