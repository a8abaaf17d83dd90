import {
  type Autoscaling,
  autoscalerObjects,
  type BuildContext,
  type Container,
  containerPort,
  type EnvVar,
  container as hardenedContainer,
  httpProbe,
  internalTlsOn,
  KubeEnvRef,
  type KubeObject,
  kubeArg,
  kubeEnvRef,
  mostReplicas,
  objectMeta,
  type PodTemplateSpec,
  podDisruptionBudget,
  podTemplate,
  priorityClassFor,
  type Resources,
  type Scheduling,
  selectorLabels,
  spreadConstraints,
  standardLabels,
  type Volume,
  workloadIdentityPodLabels,
} from "@materialize-monitoring/core";
import { APP, PORT, type Role, THANOS_UID } from "./names.js";
import { serverTlsArgs, tlsMounts, tlsVolumes } from "./tls.js";
import type { ParsedThanosValues } from "./values.js";

/** What every Thanos role needs from the parsed values. */
export interface RoleContext {
  ctx: BuildContext;
  values: ParsedThanosValues;
  image: string;
  version: string;
  serviceAccountName: string;
}

export function selector(ctx: BuildContext, role: Role): Record<string, string> {
  return selectorLabels(ctx, { name: APP, component: role });
}

export function meta(
  rc: RoleContext,
  role: Role,
  objectName: string,
  annotations?: Record<string, string>,
) {
  return objectMeta(rc.ctx, {
    name: APP,
    component: role,
    version: rc.version,
    objectName,
    ...(annotations ? { annotations } : {}),
  });
}

/** The env var every pod gets so args can say `$(POD_NAME)`; Kubernetes expands it before exec. */
export const POD_NAME_ENV: EnvVar = {
  name: "POD_NAME",
  valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } },
};

/** `$(POD_NAME)` in an arg: the pod's name, from POD_NAME_ENV. */
export const POD_NAME = kubeEnvRef(POD_NAME_ENV.name);

export function logArgs(values: ParsedThanosValues): string[] {
  return [`--log.level=${values.logLevel}`, `--log.format=${values.logFormat}`];
}

/** The HTTP (and gRPC) listeners, with their TLS flags under internal TLS. */
export function listenArgs(ctx: BuildContext, grpc: boolean): string[] {
  return [
    `--http-address=0.0.0.0:${PORT.http.port}`,
    ...(grpc ? [`--grpc-address=0.0.0.0:${PORT.grpc.port}`] : []),
    ...serverTlsArgs(ctx, grpc),
  ];
}

/**
 * External labels as repeated `--label=name="value"` flags, sorted for stable
 * output. `labels` are literal text (a `$(HOSTNAME)` in a cluster name reaches
 * Thanos as written); `refs` are the kubelet references the tool means, such
 * as the replica label's `$(POD_NAME)`, and win over a label of the same name.
 */
export function labelArgs(
  labels: Record<string, string>,
  refs: Record<string, KubeEnvRef> = {},
): string[] {
  const all: Record<string, string | KubeEnvRef> = { ...labels, ...refs };
  return Object.keys(all)
    .sort()
    .map((key) => {
      const value = all[key] as string | KubeEnvRef;
      return value instanceof KubeEnvRef
        ? kubeArg`--label=${key}="${value}"`
        : kubeArg`--label=${key}=${JSON.stringify(value)}`;
    });
}

/** The cluster label plus the user's external labels. */
export function externalLabels(rc: RoleContext): Record<string, string> {
  return { cluster: rc.ctx.clusterName, ...rc.values.externalLabels };
}

export interface ThanosContainerOptions {
  name: string;
  args: string[];
  resources: Resources;
  grpc: boolean;
  extraPorts?: { name: string; port: number }[];
  env?: EnvVar[];
  volumeMounts?: Container["volumeMounts"];
  /** Seconds the startup probe allows, e.g. for WAL replay on receive. */
  startupSeconds?: number;
}

/** A Thanos container: hardened, probed on /-/healthy and /-/ready, named ports. */
export function thanosContainer(rc: RoleContext, options: ThanosContainerOptions): Container {
  const startupSeconds = options.startupSeconds ?? 0;
  // The kubelet probes the TLS listener without a client certificate (it is verified only when given).
  const scheme = internalTlsOn(rc.ctx) ? "HTTPS" : "HTTP";
  return hardenedContainer({
    name: options.name,
    image: rc.image,
    imagePullPolicy: rc.values.image.pullPolicy,
    args: options.args,
    env: options.env ?? [],
    ports: [
      containerPort(PORT.http.name, PORT.http.port),
      ...(options.grpc ? [containerPort(PORT.grpc.name, PORT.grpc.port)] : []),
      ...(options.extraPorts ?? []).map((p) => containerPort(p.name, p.port)),
    ],
    resources: options.resources,
    volumeMounts: [...(options.volumeMounts ?? []), ...tlsMounts(rc.ctx)],
    probes: {
      liveness: httpProbe(
        "/-/healthy",
        PORT.http.name,
        {
          initialDelaySeconds: 0,
          periodSeconds: 30,
          failureThreshold: 4,
        },
        scheme,
      ),
      readiness: httpProbe(
        "/-/ready",
        PORT.http.name,
        {
          initialDelaySeconds: 0,
          periodSeconds: 5,
          failureThreshold: 3,
        },
        scheme,
      ),
      ...(startupSeconds > 0
        ? {
            startup: httpProbe(
              "/-/healthy",
              PORT.http.name,
              {
                initialDelaySeconds: 0,
                periodSeconds: 10,
                failureThreshold: Math.ceil(startupSeconds / 10),
              },
              scheme,
            ),
          }
        : {}),
    },
    security: { runAsUser: THANOS_UID, runAsGroup: THANOS_UID },
  });
}

export interface PodOptions {
  role: Role;
  containers: Container[];
  volumes?: Volume[];
  replicas: number;
  terminationGracePeriodSeconds?: number;
  /** Extra selector labels (e.g. a store shard) that this workload's pods also carry. */
  extraLabels?: Record<string, string>;
  /** Pods that use the bucket run as the ServiceAccount and get the workload-identity pod labels. */
  usesBucket: boolean;
  uid?: number;
  /** Zone spread of the replicas: soft (the default) or hard (DoNotSchedule), for a quorum. */
  zoneSpread?: "soft" | "hard";
  /** A ServiceAccount of the role's own (pods that do not use the bucket). */
  serviceAccountName?: string;
}

/**
 * A pod template with the shared ServiceAccount, restricted security, and
 * (for more than one replica) zone (soft unless `zoneSpread: hard`) and soft
 * host spreading. Every Thanos role is on the metrics write, query or
 * alerting path (or, for the compactor, keeps the bucket healthy), so all
 * take the context's `critical` priority class unless
 * `scheduling.priorityClassName` names one.
 */
export function thanosPod(rc: RoleContext, options: PodOptions): PodTemplateSpec {
  const podSelector = { ...selector(rc.ctx, options.role), ...options.extraLabels };
  const own: Partial<Scheduling> = { ...rc.values.scheduling };
  const priorityClassName = own.priorityClassName ?? priorityClassFor(rc.ctx, "critical");
  if (priorityClassName) own.priorityClassName = priorityClassName;
  if (options.replicas > 1 && (own.topologySpreadConstraints ?? []).length === 0) {
    own.topologySpreadConstraints = spreadConstraints(rc.ctx, podSelector, {
      zones: options.zoneSpread ?? "soft",
    }) as Scheduling["topologySpreadConstraints"];
  }
  const uid = options.uid ?? THANOS_UID;
  return podTemplate(rc.ctx, {
    labels: {
      ...standardLabels(rc.ctx, { name: APP, component: options.role, version: rc.version }),
      ...options.extraLabels,
      ...(options.usesBucket
        ? workloadIdentityPodLabels(rc.values.serviceAccount.workloadIdentity)
        : {}),
    },
    containers: options.containers,
    volumes: [...(options.volumes ?? []), ...tlsVolumes(rc, options.role)],
    // Only the bucket's users run as the (workload-identity) ServiceAccount; the rest get no cloud identity.
    ...(options.usesBucket
      ? { serviceAccountName: rc.serviceAccountName }
      : options.serviceAccountName
        ? { serviceAccountName: options.serviceAccountName }
        : {}),
    scheduling: own,
    security: { runAsUser: uid, runAsGroup: uid, fsGroup: uid },
    ...(options.terminationGracePeriodSeconds !== undefined
      ? { terminationGracePeriodSeconds: options.terminationGracePeriodSeconds }
      : {}),
  });
}

/**
 * The HPA of an autoscaled stateless role (none when it is off) and the PDB
 * for the most replicas it may run.
 */
export function scaledRoleObjects(
  rc: RoleContext,
  role: Role,
  objectName: string,
  replicas: number,
  scale: Autoscaling,
): KubeObject[] {
  return [
    ...autoscalerObjects(meta(rc, role, objectName), objectName, replicas, scale),
    ...maybePdb(rc, role, objectName, mostReplicas(replicas, scale)),
  ];
}

/** A PDB for workloads with more than one replica (a PDB on a singleton only blocks node drains). */
export function maybePdb(
  rc: RoleContext,
  role: Role,
  objectName: string,
  replicas: number,
  extraSelector: Record<string, string> = {},
): KubeObject[] {
  if (!rc.values.podDisruptionBudget.enabled || replicas < 2) return [];
  return [
    podDisruptionBudget(
      meta(rc, role, objectName),
      { ...selector(rc.ctx, role), ...extraSelector },
      {
        maxUnavailable: rc.values.podDisruptionBudget.maxUnavailable,
      },
    ),
  ];
}
