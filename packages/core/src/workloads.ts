import type { BuildContext } from "./component.js";
import type {
  Affinity,
  Container,
  DaemonSet,
  Deployment,
  DeploymentStrategy,
  ObjectMeta,
  PersistentVolumeClaim,
  PodSecurityContext,
  PodTemplateSpec,
  StatefulSet,
  Toleration,
  TopologySpreadConstraint,
  Volume,
} from "./k8s.js";
import type { Persistence } from "./values.js";

/**
 * Scheduling of a pod, in Kubernetes types. The `scheduling` value schema's
 * output fits it, and so do builders such as `spreadConstraints`.
 */
export interface PodScheduling {
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: Affinity | Record<string, unknown>;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  priorityClassName?: string;
}

type Named<T> = T & { apiVersion: string; kind: string; metadata: ObjectMeta & { name: string } };

/** Pod-level departures from the hardened defaults. */
export interface PodSecurityOverrides {
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  /** Defaults to true. */
  runAsNonRoot?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
}

export interface PodTemplateOptions {
  /** Selector labels plus any others; must include the workload's selector. */
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  serviceAccountName?: string;
  /** Defaults to false: only pods that talk to the API server get a token. */
  automountServiceAccountToken?: boolean;
  scheduling?: PodScheduling;
  security?: PodSecurityOverrides;
  terminationGracePeriodSeconds?: number;
  dnsPolicy?: "ClusterFirst" | "ClusterFirstWithHostNet" | "Default";
  enableServiceLinks?: boolean;
}

/** Merges the context's scheduling defaults under a workload's own. */
export function mergeScheduling(ctx: BuildContext, own: PodScheduling = {}): PodScheduling {
  const base = ctx.scheduling;
  return {
    nodeSelector: { ...base.nodeSelector, ...own.nodeSelector },
    tolerations: [...(base.tolerations ?? []), ...(own.tolerations ?? [])],
    ...((own.affinity ?? base.affinity) ? { affinity: own.affinity ?? base.affinity } : {}),
    topologySpreadConstraints: own.topologySpreadConstraints?.length
      ? own.topologySpreadConstraints
      : (base.topologySpreadConstraints ?? []),
    ...((own.priorityClassName ?? base.priorityClassName)
      ? { priorityClassName: own.priorityClassName ?? base.priorityClassName }
      : {}),
  };
}

/** A pod template with the restricted pod security context and the context's pull secrets. */
export function podTemplate(ctx: BuildContext, options: PodTemplateOptions): PodTemplateSpec {
  const scheduling = mergeScheduling(ctx, options.scheduling);
  const security = options.security ?? {};
  const podSecurity: PodSecurityContext = {
    runAsNonRoot: security.runAsNonRoot ?? true,
    ...(security.runAsUser !== undefined ? { runAsUser: security.runAsUser } : {}),
    ...(security.runAsGroup !== undefined ? { runAsGroup: security.runAsGroup } : {}),
    ...(security.fsGroup !== undefined ? { fsGroup: security.fsGroup } : {}),
    seccompProfile: { type: "RuntimeDefault" },
  };
  const nodeSelector = scheduling.nodeSelector ?? {};
  const tolerations = (scheduling.tolerations ?? []) as Toleration[];
  const spread = (scheduling.topologySpreadConstraints ?? []) as TopologySpreadConstraint[];
  return {
    metadata: {
      labels: { ...options.labels },
      ...(options.annotations && Object.keys(options.annotations).length > 0
        ? { annotations: { ...options.annotations } }
        : {}),
    },
    spec: {
      ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
      automountServiceAccountToken: options.automountServiceAccountToken ?? false,
      ...(security.hostNetwork ? { hostNetwork: true } : {}),
      ...(security.hostPID ? { hostPID: true } : {}),
      ...(options.dnsPolicy ? { dnsPolicy: options.dnsPolicy } : {}),
      enableServiceLinks: options.enableServiceLinks ?? false,
      securityContext: podSecurity,
      ...(ctx.imagePullSecrets.length > 0
        ? { imagePullSecrets: ctx.imagePullSecrets.map((name) => ({ name })) }
        : {}),
      ...(scheduling.priorityClassName ? { priorityClassName: scheduling.priorityClassName } : {}),
      ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
      ...(tolerations.length > 0 ? { tolerations } : {}),
      ...(scheduling.affinity ? { affinity: scheduling.affinity as Affinity } : {}),
      ...(spread.length > 0 ? { topologySpreadConstraints: spread } : {}),
      ...(options.terminationGracePeriodSeconds !== undefined
        ? { terminationGracePeriodSeconds: options.terminationGracePeriodSeconds }
        : {}),
      ...(options.initContainers?.length ? { initContainers: options.initContainers } : {}),
      containers: options.containers,
      ...(options.volumes?.length ? { volumes: options.volumes } : {}),
    },
  };
}

/**
 * Spread replicas across zones (soft unless `zones: "hard"`; none with
 * `zones: false`) and hosts (hard when `hardHostSpread`), the default for
 * every multi-replica workload. A hard zone spread (DoNotSchedule) keeps
 * replicas in different zones before a second lands in any one, for the
 * workloads whose quorum must survive a zone; a pod stays Pending when no
 * node with the zone label keeps the skew.
 */
export function spreadConstraints(
  ctx: BuildContext,
  selector: Record<string, string>,
  options: { zones?: boolean | "soft" | "hard"; hardHostSpread?: boolean } = {},
): TopologySpreadConstraint[] {
  // Spread constraints the user set for every workload (global.scheduling) replace the
  // component's default spread, as a component's own replace them in turn (mergeScheduling).
  const chosen = ctx.scheduling.topologySpreadConstraints ?? [];
  if (chosen.length > 0) return withSelector(chosen, selector);
  const constraints: TopologySpreadConstraint[] = [];
  const zones = options.zones ?? true;
  if (zones !== false) {
    constraints.push({
      maxSkew: 1,
      topologyKey: ctx.zoneTopologyKey,
      whenUnsatisfiable: zones === "hard" ? "DoNotSchedule" : "ScheduleAnyway",
      labelSelector: { matchLabels: { ...selector } },
    });
  }
  constraints.push({
    maxSkew: 1,
    topologyKey: "kubernetes.io/hostname",
    whenUnsatisfiable: options.hardHostSpread ? "DoNotSchedule" : "ScheduleAnyway",
    labelSelector: { matchLabels: { ...selector } },
  });
  return constraints;
}

/**
 * Spread constraints with the workload's own selector where they name none: a constraint without
 * a labelSelector counts no pods, so it would spread nothing (a global constraint is written once
 * for every workload and cannot name each one's pods).
 */
export function withSelector(
  constraints: readonly TopologySpreadConstraint[],
  selector: Record<string, string>,
): TopologySpreadConstraint[] {
  return constraints.map((c) =>
    c.labelSelector ? c : { ...c, labelSelector: { matchLabels: { ...selector } } },
  );
}

/** The pod template with its spread constraints counting the workload's own pods. */
function spreadOwnPods(
  template: PodTemplateSpec,
  selector: Record<string, string>,
): PodTemplateSpec {
  const spread = template.spec?.topologySpreadConstraints;
  if (!template.spec || !spread?.some((c) => !c.labelSelector)) return template;
  return {
    ...template,
    spec: { ...template.spec, topologySpreadConstraints: withSelector(spread, selector) },
  };
}

/** Preferred pod anti-affinity on hostname: keeps replicas apart where the cluster allows it. */
export function hostAntiAffinity(selector: Record<string, string>, required = false): Affinity {
  const term = {
    labelSelector: { matchLabels: { ...selector } },
    topologyKey: "kubernetes.io/hostname",
  };
  return required
    ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
    : {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }],
        },
      };
}

export interface DeploymentOptions {
  metadata: ObjectMeta & { name: string };
  /** Left out when an autoscaler owns the count. */
  replicas: number | undefined;
  selector: Record<string, string>;
  template: PodTemplateSpec;
  strategy?: DeploymentStrategy;
  revisionHistoryLimit?: number;
}

export function deployment(options: DeploymentOptions): Named<Deployment> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: options.metadata,
    spec: {
      ...(options.replicas !== undefined ? { replicas: options.replicas } : {}),
      revisionHistoryLimit: options.revisionHistoryLimit ?? 5,
      selector: { matchLabels: { ...options.selector } },
      ...(options.strategy ? { strategy: options.strategy } : {}),
      template: spreadOwnPods(options.template, options.selector),
    },
  };
}

export interface VolumeClaimOptions {
  name: string;
  persistence: Persistence;
  labels?: Record<string, string>;
}

/** A volumeClaimTemplate from persistence values, with the context's storage class as fallback. */
export function volumeClaimTemplate(
  ctx: BuildContext,
  options: VolumeClaimOptions,
): PersistentVolumeClaim {
  const storageClassName = options.persistence.storageClass ?? ctx.storageClass;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: options.name, ...(options.labels ? { labels: { ...options.labels } } : {}) },
    spec: {
      accessModes: [...options.persistence.accessModes],
      ...(storageClassName ? { storageClassName } : {}),
      resources: { requests: { storage: options.persistence.size } },
    },
  };
}

export interface StatefulSetOptions extends DeploymentOptions {
  serviceName: string;
  volumeClaimTemplates?: PersistentVolumeClaim[];
  podManagementPolicy?: "OrderedReady" | "Parallel";
  /** Delete PVCs when the StatefulSet is deleted or scaled down; retained by default. */
  pvcRetention?: { whenDeleted: "Retain" | "Delete"; whenScaled: "Retain" | "Delete" };
}

export function statefulSet(options: StatefulSetOptions): Named<StatefulSet> {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: options.metadata,
    spec: {
      replicas: options.replicas,
      revisionHistoryLimit: options.revisionHistoryLimit ?? 5,
      serviceName: options.serviceName,
      podManagementPolicy: options.podManagementPolicy ?? "Parallel",
      selector: { matchLabels: { ...options.selector } },
      updateStrategy: { type: "RollingUpdate" },
      ...(options.pvcRetention
        ? { persistentVolumeClaimRetentionPolicy: { ...options.pvcRetention } }
        : {}),
      template: spreadOwnPods(options.template, options.selector),
      ...(options.volumeClaimTemplates?.length
        ? { volumeClaimTemplates: options.volumeClaimTemplates }
        : {}),
    },
  };
}

export interface DaemonSetOptions {
  metadata: ObjectMeta & { name: string };
  selector: Record<string, string>;
  template: PodTemplateSpec;
  maxUnavailable?: number | string;
}

export function daemonSet(options: DaemonSetOptions): Named<DaemonSet> {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: options.metadata,
    spec: {
      revisionHistoryLimit: 5,
      selector: { matchLabels: { ...options.selector } },
      updateStrategy: {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: options.maxUnavailable ?? 1 },
      },
      template: options.template,
    },
  };
}

/** Tolerate every taint: node-level agents must run on every node. */
export const TOLERATE_EVERYTHING: Toleration[] = [{ operator: "Exists" }];

/** An emptyDir volume for writable scratch space under a read-only root filesystem. */
export function emptyDirVolume(name: string, sizeLimit?: string): Volume {
  return { name, emptyDir: sizeLimit ? { sizeLimit } : {} };
}

export function configMapVolume(name: string, configMapName: string): Volume {
  return { name, configMap: { name: configMapName } };
}
