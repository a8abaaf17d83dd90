import type {
  Container,
  ContainerPort,
  EnvVar,
  Probe,
  SecurityContext,
  VolumeMount,
} from "./k8s.js";
import type { Resources } from "./values.js";

/**
 * Per-container departures from the hardened defaults. Each one is explicit
 * and typed so a reviewer sees exactly what a workload gives up.
 */
export interface ContainerSecurityOverrides {
  /** Defaults to true. The image must then run as a numeric non-root user. */
  runAsNonRoot?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  /** Defaults to true; writable paths come from emptyDir or PVC mounts. */
  readOnlyRootFilesystem?: boolean;
  /** Defaults to false. */
  allowPrivilegeEscalation?: boolean;
  /** Capabilities to add back after dropping ALL. */
  addCapabilities?: string[];
  /** Leave all capabilities in place (never the default). */
  keepCapabilities?: boolean;
  /** Use the node's Unconfined seccomp profile instead of RuntimeDefault. */
  seccompUnconfined?: boolean;
}

/** Hardened container security context: the Pod Security "restricted" profile. */
export function hardenedSecurityContext(
  overrides: ContainerSecurityOverrides = {},
): SecurityContext {
  return {
    allowPrivilegeEscalation: overrides.allowPrivilegeEscalation ?? false,
    readOnlyRootFilesystem: overrides.readOnlyRootFilesystem ?? true,
    runAsNonRoot: overrides.runAsNonRoot ?? true,
    ...(overrides.runAsUser !== undefined ? { runAsUser: overrides.runAsUser } : {}),
    ...(overrides.runAsGroup !== undefined ? { runAsGroup: overrides.runAsGroup } : {}),
    capabilities: overrides.keepCapabilities
      ? {}
      : {
          drop: ["ALL"],
          ...(overrides.addCapabilities?.length ? { add: [...overrides.addCapabilities] } : {}),
        },
    seccompProfile: { type: overrides.seccompUnconfined ? "Unconfined" : "RuntimeDefault" },
  };
}

/**
 * Probes are required: either liveness and readiness (startup optional), or
 * an explicit reason why this container has none.
 */
export type ContainerProbes =
  | { liveness: Probe; readiness: Probe; startup?: Probe }
  | { none: string };

export interface ContainerOptions {
  name: string;
  image: string;
  imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: ContainerPort[];
  volumeMounts?: VolumeMount[];
  /** Requests are mandatory; the type makes a container without them a compile error. */
  resources: Resources;
  probes: ContainerProbes;
  security?: ContainerSecurityOverrides;
  lifecycle?: Container["lifecycle"];
  workingDir?: string;
  terminationMessagePolicy?: "File" | "FallbackToLogsOnError";
}

function resourceList(list: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(list)) if (value !== undefined) out[key] = value;
  return out;
}

/** A container with hardened defaults, mandatory requests and probes. */
export function container(options: ContainerOptions): Container {
  const limits = resourceList(options.resources.limits);
  const probes = "none" in options.probes ? undefined : options.probes;
  return {
    name: options.name,
    image: options.image,
    imagePullPolicy: options.imagePullPolicy ?? "IfNotPresent",
    ...(options.command ? { command: [...options.command] } : {}),
    ...(options.args ? { args: [...options.args] } : {}),
    ...(options.workingDir ? { workingDir: options.workingDir } : {}),
    ...(options.env?.length ? { env: options.env } : {}),
    ...(options.ports?.length ? { ports: options.ports } : {}),
    resources: {
      requests: resourceList(options.resources.requests),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    },
    ...(options.volumeMounts?.length ? { volumeMounts: options.volumeMounts } : {}),
    ...(probes ? { livenessProbe: probes.liveness, readinessProbe: probes.readiness } : {}),
    ...(probes?.startup ? { startupProbe: probes.startup } : {}),
    ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
    securityContext: hardenedSecurityContext(options.security),
    terminationMessagePolicy: options.terminationMessagePolicy ?? "FallbackToLogsOnError",
  };
}

/** An HTTP GET probe on a named port, with sane timings. */
export function httpProbe(
  path: string,
  port: string | number,
  timing: Partial<
    Pick<Probe, "initialDelaySeconds" | "periodSeconds" | "timeoutSeconds" | "failureThreshold">
  > = {},
  scheme: "HTTP" | "HTTPS" = "HTTP",
): Probe {
  return {
    httpGet: { path, port, scheme },
    initialDelaySeconds: timing.initialDelaySeconds ?? 10,
    periodSeconds: timing.periodSeconds ?? 10,
    timeoutSeconds: timing.timeoutSeconds ?? 5,
    failureThreshold: timing.failureThreshold ?? 6,
  };
}

export function tcpProbe(
  port: string | number,
  timing: Partial<
    Pick<Probe, "initialDelaySeconds" | "periodSeconds" | "timeoutSeconds" | "failureThreshold">
  > = {},
): Probe {
  return {
    tcpSocket: { port },
    initialDelaySeconds: timing.initialDelaySeconds ?? 10,
    periodSeconds: timing.periodSeconds ?? 10,
    timeoutSeconds: timing.timeoutSeconds ?? 5,
    failureThreshold: timing.failureThreshold ?? 6,
  };
}

export function containerPort(
  name: string,
  port: number,
  protocol: "TCP" | "UDP" = "TCP",
): ContainerPort {
  return { name, containerPort: port, protocol };
}
