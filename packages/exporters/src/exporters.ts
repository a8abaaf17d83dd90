import {
  type BuildContext,
  type Component,
  defineComponent,
  type KubeObject,
} from "@materialize-monitoring/core";
import { z } from "zod";
import {
  buildKubeStateMetrics,
  type KubeStateMetricsEndpoints,
  kubeStateMetricsValues,
} from "./kube-state-metrics.js";
import {
  buildMetricsServer,
  type MetricsServerEndpoints,
  metricsServerValues,
} from "./metrics-server.js";
import {
  buildNodeExporter,
  type NodeExporterEndpoints,
  nodeExporterValues,
} from "./node-exporter.js";

const enabled = { enabled: z.boolean().default(true) };

/** The three exporters together; each has its own values and an `enabled` switch. */
export const exportersValues = z.strictObject({
  metricsServer: metricsServerValues
    .extend(enabled)
    .prefault({})
    .describe(
      "disable where the cluster already serves the metrics API (most managed clusters do)",
    ),
  kubeStateMetrics: kubeStateMetricsValues.extend(enabled).prefault({}),
  nodeExporter: nodeExporterValues.extend(enabled).prefault({}),
});
export type ExportersValues = z.input<typeof exportersValues>;

/** Endpoints of the enabled exporters; a disabled one is absent. */
export interface ExportersEndpoints {
  metricsServer?: MetricsServerEndpoints;
  kubeStateMetrics?: KubeStateMetricsEndpoints;
  nodeExporter?: NodeExporterEndpoints;
}

const build = (
  values: z.output<typeof exportersValues>,
  ctx: BuildContext,
): { objects: KubeObject[]; endpoints: ExportersEndpoints } => {
  const objects: KubeObject[] = [];
  const endpoints: ExportersEndpoints = {};
  const { metricsServer, kubeStateMetrics, nodeExporter } = values;
  if (metricsServer.enabled) {
    const built = buildMetricsServer(metricsServer, ctx, "exporters.metricsServer");
    objects.push(...built.objects);
    endpoints.metricsServer = built.endpoints;
  }
  if (kubeStateMetrics.enabled) {
    const built = buildKubeStateMetrics(kubeStateMetrics, ctx, "exporters.kubeStateMetrics");
    objects.push(...built.objects);
    endpoints.kubeStateMetrics = built.endpoints;
  }
  if (nodeExporter.enabled) {
    const built = buildNodeExporter(nodeExporter, ctx, "exporters.nodeExporter");
    objects.push(...built.objects);
    endpoints.nodeExporter = built.endpoints;
  }
  return { objects, endpoints };
};

/**
 * metrics-server, kube-state-metrics and node-exporter as one component.
 * Values errors name `exporters.<exporter>.<path>`.
 */
export const exporters: (
  values?: ExportersValues,
  ctx?: Partial<BuildContext>,
) => Component<ExportersEndpoints> = defineComponent({
  name: "exporters",
  schema: exportersValues,
  build,
});
