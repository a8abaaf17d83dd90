import type { BuildContext, KubeObject, ValuesError } from "@materialize-monitoring/core";
import { type AlloyGatewayValues, alloyGateway, type ScrapeJobInput } from "../src/index.js";
import materialize from "./fixtures/materialize.json" with { type: "json" };

/** Exactly one object of `kind` (and `name`), typed as the caller says. */
export function find<T = KubeObject>(
  objects: readonly KubeObject[],
  kind: string,
  name?: string,
): T {
  const found = objects.filter(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${name ? `/${name}` : ""}, found ${found.length}`);
  return found[0] as T;
}

/** The message of the ValuesError `render` throws (fails when it does not throw one). */
export function valuesErrorOf(render: () => unknown): string {
  try {
    render();
  } catch (error) {
    if ((error as ValuesError).name === "ValuesError") return (error as Error).message;
    throw error;
  }
  throw new Error("expected a ValuesError, but rendering succeeded");
}

/** The Materialize data the umbrella passes (copied from the materialize package into a fixture). */
export const MATERIALIZE = materialize as unknown as {
  targets: ScrapeJobInput[];
  logStages: NonNullable<NonNullable<AlloyGatewayValues["logs"]>["stages"]>;
  allowLists: Record<string, string[]>;
};

/** Materialize's targets with their allow-list source, as the umbrella passes them. */
export const MATERIALIZE_JOBS: ScrapeJobInput[] = MATERIALIZE.targets.map((t) => ({
  ...t,
  source: "materialize",
}));

/** A node-exporter job as the umbrella builds it from the exporters' scrape target. */
export const NODE_EXPORTER_JOB: ScrapeJobInput = {
  name: "node_exporter",
  job: "node-exporter",
  source: "node-exporter",
  namespaces: ["monitoring"],
  podLabels: {
    "app.kubernetes.io/name": "node-exporter",
    "app.kubernetes.io/instance": "materialize-monitoring",
  },
  discoverySelectors: {
    label: "app.kubernetes.io/instance=materialize-monitoring,app.kubernetes.io/name=node-exporter",
  },
  portName: "metrics",
  // node-exporter runs in the host network: the gateway reaches it by node address on 9100.
  hostNetwork: true,
  port: 9100,
  relabelings: [
    {
      sourceLabels: [
        "__meta_kubernetes_pod_label_app_kubernetes_io_instance",
        "__meta_kubernetes_pod_label_app_kubernetes_io_name",
      ],
      separator: ";",
      regex: "materialize-monitoring;node-exporter",
      action: "keep",
    },
    {
      sourceLabels: ["__meta_kubernetes_pod_container_port_name"],
      regex: "metrics",
      action: "keep",
    },
    { sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "instance" },
  ],
};

/** The production-shaped values the umbrella fills: Materialize targets, allow-lists, log stages, destinations. */
export const FULL: AlloyGatewayValues = {
  destinations: {
    loki: {
      url: "http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push",
      tenantId: "materialize",
      egress: {
        peers: [
          {
            podLabels: {
              "app.kubernetes.io/name": "loki",
              "app.kubernetes.io/component": "gateway",
            },
          },
        ],
        ports: [8080],
      },
      extra: [
        {
          name: "central",
          url: "https://logs.example.com/loki/api/v1/push",
          auth: {
            type: "basic",
            username: { name: "central-loki", key: "username" },
            password: { name: "central-loki", key: "password" },
          },
        },
      ],
    },
    prometheus: {
      url: "http://thanos-receive.monitoring.svc.cluster.local:19291/api/v1/receive",
      headers: { "THANOS-TENANT": "materialize" },
      egress: {
        peers: [
          {
            podLabels: {
              "app.kubernetes.io/name": "thanos",
              "app.kubernetes.io/component": "receive",
            },
          },
        ],
      },
      extra: [
        {
          name: "central",
          url: "https://metrics.example.com/api/v1/push",
          auth: { type: "bearer", token: { name: "central-metrics", key: "token" } },
        },
      ],
    },
    otlp: {
      enabled: true,
      endpoint: "otel-collector.observability.svc.cluster.local:4317",
      insecure: true,
    },
  },
  receivers: { otlp: { enabled: true } },
  scrape: { jobs: [...MATERIALIZE_JOBS, NODE_EXPORTER_JOB] },
  allowLists: { ...MATERIALIZE.allowLists, cadvisor: MATERIALIZE.allowLists.cadvisor ?? [] },
  logs: { stages: MATERIALIZE.logStages },
  networkPolicy: {
    applications: [{ podLabels: { "app.kubernetes.io/name": "my-app" }, namespace: "apps" }],
  },
};

/** One replica, not clustered. */
export const SINGLE: AlloyGatewayValues = {
  replicas: 1,
  autoscaling: { enabled: false },
  clustering: { enabled: false },
};

/** The destination URLs the umbrella passes from Loki's and Thanos's endpoints. */
export const DESTINATION_URLS = {
  loki: "http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push",
  prometheus: "http://thanos-receive.monitoring.svc.cluster.local:19291/api/v1/receive",
} as const;

/** `values` with the destination URLs filled in where they name none. */
export function withDestinations(values: AlloyGatewayValues = {}): AlloyGatewayValues {
  const destinations = values.destinations ?? {};
  return {
    ...values,
    destinations: {
      ...destinations,
      loki: { url: DESTINATION_URLS.loki, ...destinations.loki },
      prometheus: { url: DESTINATION_URLS.prometheus, ...destinations.prometheus },
    },
  };
}

/** The gateway built as the umbrella builds it: with its destinations' URLs. */
export function buildGateway(values?: AlloyGatewayValues, ctx?: Partial<BuildContext>) {
  return alloyGateway(withDestinations(values), ctx);
}
