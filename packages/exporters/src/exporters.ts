import {
  type BuildContext,
  type ComponentFunction,
  defineComponent,
  type KubeObject,
  type ScrapeTarget,
} from "@materialize-monitoring/core";
import { z } from "zod";
import {
  buildKubeStateMetrics,
  computeKubeStateMetricsEndpoints,
  type KubeStateMetricsEndpoints,
  kubeStateMetricsValues,
} from "./kube-state-metrics.js";
import {
  buildMetricsServer,
  computeMetricsServerEndpoints,
  type MetricsServerEndpoints,
  metricsServerValues,
} from "./metrics-server.js";
import {
  buildNodeExporter,
  computeNodeExporterEndpoints,
  type NodeExporterEndpoints,
  nodeExporterValues,
} from "./node-exporter.js";

const enabled = {
  /** deploy this exporter */
  enabled: z.boolean().default(true).describe("deploy this exporter"),
};

/** The three exporters together; each has its own values and an `enabled` switch. */
export const exportersValues = z.strictObject({
  /** disable where the cluster already serves the metrics API (most managed clusters do) */
  metricsServer: metricsServerValues
    .extend(enabled)
    .prefault({})
    .describe(
      "disable where the cluster already serves the metrics API (most managed clusters do)",
    ),
  /** kube-state-metrics: metrics about the state of Kubernetes objects */
  kubeStateMetrics: kubeStateMetricsValues
    .extend(enabled)
    .prefault({})
    .describe("kube-state-metrics: metrics about the state of Kubernetes objects"),
  /** node-exporter: hardware and OS metrics of every node (a DaemonSet) */
  nodeExporter: nodeExporterValues
    .extend(enabled)
    .prefault({})
    .describe("node-exporter: hardware and OS metrics of every node (a DaemonSet)"),
});
export type ExportersValues = z.input<typeof exportersValues>;

/** Endpoints of the enabled exporters; a disabled one is absent. */
export interface ExportersEndpoints {
  metricsServer?: MetricsServerEndpoints;
  kubeStateMetrics?: KubeStateMetricsEndpoints;
  nodeExporter?: NodeExporterEndpoints;
  /** The Services of the enabled exporters. */
  services: {
    metricsServer?: MetricsServerEndpoints["services"]["metricsServer"];
    kubeStateMetrics?: KubeStateMetricsEndpoints["services"]["kubeStateMetrics"];
    nodeExporter?: NodeExporterEndpoints["services"]["nodeExporter"];
  };
  /**
   * Every enabled exporter's scrape targets, in the order kube-state-metrics,
   * node-exporter, metrics-server.
   */
  scrapeTargets: ScrapeTarget[];
  /** The exporters connect to no other component. */
  clients: Record<string, never>;
}

type ParsedExportersValues = z.output<typeof exportersValues>;

function computeExportersEndpoints(
  values: ParsedExportersValues,
  ctx: BuildContext,
): ExportersEndpoints {
  const { metricsServer, kubeStateMetrics, nodeExporter } = values;
  const ms = metricsServer.enabled ? computeMetricsServerEndpoints(metricsServer, ctx) : undefined;
  const ksm = kubeStateMetrics.enabled
    ? computeKubeStateMetricsEndpoints(kubeStateMetrics, ctx)
    : undefined;
  const ne = nodeExporter.enabled
    ? computeNodeExporterEndpoints(nodeExporter, ctx, "exporters.nodeExporter")
    : undefined;
  return {
    ...(ms ? { metricsServer: ms } : {}),
    ...(ksm ? { kubeStateMetrics: ksm } : {}),
    ...(ne ? { nodeExporter: ne } : {}),
    services: {
      ...(ms ? { metricsServer: ms.services.metricsServer } : {}),
      ...(ksm ? { kubeStateMetrics: ksm.services.kubeStateMetrics } : {}),
      ...(ne ? { nodeExporter: ne.services.nodeExporter } : {}),
    },
    scrapeTargets: [
      ...(ksm?.scrapeTargets ?? []),
      ...(ne?.scrapeTargets ?? []),
      ...(ms?.scrapeTargets ?? []),
    ],
    clients: {},
  };
}

const build = (
  values: ParsedExportersValues,
  ctx: BuildContext,
  endpoints: ExportersEndpoints,
): { objects: KubeObject[] } => {
  const objects: KubeObject[] = [];
  const { metricsServer, kubeStateMetrics, nodeExporter } = values;
  if (endpoints.metricsServer) {
    objects.push(
      ...buildMetricsServer(metricsServer, ctx, endpoints.metricsServer, "exporters.metricsServer")
        .objects,
    );
  }
  if (endpoints.kubeStateMetrics) {
    objects.push(
      ...buildKubeStateMetrics(
        kubeStateMetrics,
        ctx,
        endpoints.kubeStateMetrics,
        "exporters.kubeStateMetrics",
      ).objects,
    );
  }
  if (endpoints.nodeExporter) {
    objects.push(
      ...buildNodeExporter(nodeExporter, ctx, endpoints.nodeExporter, "exporters.nodeExporter")
        .objects,
    );
  }
  return { objects };
};

/**
 * metrics-server, kube-state-metrics and node-exporter as one component.
 * Values errors name `exporters.<exporter>.<path>`.
 */
export const exporters: ComponentFunction<typeof exportersValues, ExportersEndpoints> =
  defineComponent({
    name: "exporters",
    schema: exportersValues,
    endpoints: computeExportersEndpoints,
    build,
  });

/**
 * The exporters' endpoints for `(values, ctx)` without building any object:
 * each enabled exporter's endpoints, their Services and their scrape targets
 * (`kube_state_metrics`, `node_exporter` on the host network, `metrics_server`).
 */
export const exportersEndpoints = exporters.endpoints;
