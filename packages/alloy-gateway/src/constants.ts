/**
 * Names, ports and paths of the Alloy gateway. Shared constants so no other
 * file retypes them.
 */

export const GATEWAY_NAME = "alloy-gateway";

/** The pinned Alloy release (grafana/alloy on Docker Hub). */
export const ALLOY_IMAGE = {
  registry: "docker.io",
  repository: "grafana/alloy",
  tag: "v1.21.2",
} as const;

/** Container and Service ports. */
export const PORT = {
  /** Alloy's HTTP server: UI, `/metrics`, `/-/ready`, and the cluster's gossip. */
  http: { name: "http-metrics", port: 12345 },
  /** loki.source.api: the Loki push API agents and applications write to. */
  push: { name: "http-push", port: 3100 },
  /** otelcol.receiver.otlp, when enabled. */
  otlpGrpc: { name: "otlp-grpc", port: 4317 },
  otlpHttp: { name: "otlp-http", port: 4318 },
} as const;

export const PUSH_PATH = "/loki/api/v1/push";

/** Where things live inside the container. */
export const PATHS = {
  configDir: "/etc/alloy",
  configFile: "config.alloy",
  /** `--storage.path`: the remote-write WAL and component state (an emptyDir). */
  storage: "/var/lib/alloy/data",
  /** Secrets of extra destinations, one directory per Secret. */
  secrets: "/etc/alloy/secrets",
  /** ConfigMaps of destinations (CA bundles), one directory per ConfigMap. */
  configMaps: "/etc/alloy/configmaps",
  serviceAccountToken: "/var/run/secrets/kubernetes.io/serviceaccount/token",
  serviceAccountCa: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
} as const;

/** The agent's conventional name, used only for defaults the umbrella normally overrides. */
export const AGENT_NAME = "alloy-agent";

/** The kubelet's authenticated HTTPS port. */
export const KUBELET_PORT = 10250;
