/**
 * The connections the stack declares beside the addresses in its configs
 * (rings, discovery, documented openings), and who acts on the addresses in
 * custom resources: shared by `validate` and the graph.
 */
import type { DeclaredConnection } from "@materialize-monitoring/core/validate";
import { builtInScrapeJobs } from "./pipeline.js";
import type { Stack } from "./stack.js";

/**
 * Traffic with no address in any config: peers found through a ring or by
 * discovery, and openings a component documents. Each carries its reason.
 */
export function declaredConnections(built: Stack): DeclaredConnection[] {
  const namespace = built.context.namespace;
  const declared: DeclaredConnection[] = [];
  const am = built.endpoints.alertmanager;
  // Over TLS the gossip is TCP only (its peers are in `--cluster.peer`).
  if (am && am.replicaUrls.length > 1 && !am.internalTls) {
    declared.push({
      from: { namespace, selector: { matchLabels: am.selectorLabels } },
      to: { namespace, selector: { matchLabels: am.selectorLabels } },
      port: am.clusterPort,
      protocol: "UDP",
      description: "Alertmanager gossip uses UDP beside TCP on the cluster port",
      tls: false,
    });
  }
  const loki = built.endpoints.loki;
  if (loki) {
    for (const port of ["grpc", "http-metrics"]) {
      declared.push({
        from: { namespace, selector: { matchLabels: loki.serverPeer.podLabels } },
        to: { namespace, selector: { matchLabels: loki.serverPeer.podLabels } },
        port,
        description:
          "Loki components find each other through the memberlist ring and call each other directly",
        tls: loki.tlsServerName !== undefined,
      });
    }
  }
  const gateway = built.endpoints.alloyGateway;
  if (gateway) {
    // Scrape targets are found by Kubernetes discovery: no address of theirs is in any config.
    for (const job of builtInScrapeJobs(built)) {
      const podLabels = "podLabels" in job ? job.podLabels : undefined;
      const portName = job.portName;
      const namespaces = job.namespaces ?? [];
      if (!podLabels || !portName) continue;
      for (const target of namespaces) {
        declared.push({
          from: { namespace, selector: { matchLabels: gateway.podLabels } },
          to: { namespace: target, selector: { matchLabels: podLabels } },
          port: portName,
          description: `the pipeline scrapes job ${String(job.job)}`,
          tls: "scheme" in job && job.scheme === "https",
        });
      }
    }
  }
  const metricsServer = built.endpoints.exporters?.metricsServer;
  if (metricsServer) {
    declared.push({
      from: { namespace, selector: { matchLabels: metricsServer.metrics.selector } },
      to: { namespace, selector: { matchLabels: metricsServer.metrics.selector } },
      port: metricsServer.metrics.portName,
      description:
        "metrics-server admits the API server, whose address no selector matches, from any address unless exporters.metricsServer.networkPolicy.apiServerSourceCidrs is set",
      // The API server dials aggregated APIs over TLS only.
      tls: true,
    });
  }
  return declared;
}

/** Which pods act on the addresses in custom resources. */
export function customResourceConsumers(built: Stack) {
  const consumers: Record<
    string,
    { namespace?: string; selector: { matchLabels: Record<string, string> } }
  > = {};
  const operator = built.endpoints.grafanaOperator;
  const grafana = built.endpoints.grafana;
  if (operator) consumers.Grafana = { selector: { matchLabels: operator.operatorPodLabels } };
  if (grafana) consumers.GrafanaDatasource = { selector: { matchLabels: grafana.podLabels } };
  return consumers;
}
