/**
 * Names, ports and paths of the Alloy node agent. Shared constants so no
 * other file retypes them.
 */

export const AGENT_NAME = "alloy-agent";

/** The pinned Alloy release (grafana/alloy on Docker Hub). */
export const ALLOY_IMAGE = {
  registry: "docker.io",
  repository: "grafana/alloy",
  tag: "v1.21.2",
} as const;

/** The Alloy HTTP server: UI, `/metrics`, `/-/ready`. */
export const HTTP_PORT = { name: "http-metrics", port: 12345 } as const;

/** Where things live inside the container. */
export const PATHS = {
  configDir: "/etc/alloy",
  configFile: "config.alloy",
  /** `--storage.path`: component state, including the read positions of every tailed file. */
  storage: "/var/lib/alloy/data",
  /** The node's log directory, mounted read-only at the same path. */
  varLog: "/var/log",
  /** Pod logs as the kubelet writes them: `<namespace>_<pod>_<uid>/<container>/<n>.log`. */
  podLogs: "/var/log/pods",
  /** Identifies the node's journal directory (`/var/log/journal/<machine-id>`). */
  machineId: "/etc/machine-id",
} as const;

/** The gateway's conventional name, used only for defaults the umbrella normally overrides. */
export const GATEWAY_NAME = "alloy-gateway";
/** The gateway's Loki push port and path (loki.source.api). */
export const GATEWAY_PUSH = { port: 3100, path: "/loki/api/v1/push" } as const;
/** The gateway Service's name for that port. */
export const GATEWAY_PUSH_PORT_NAME = "http-push";

/** The node-name environment variable (downward API) the field selector reads. */
export const NODE_NAME_ENV = "NODE_NAME";
