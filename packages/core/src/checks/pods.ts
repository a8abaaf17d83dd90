import type { Container, KubeObject, PodSpec, PodTemplateSpec } from "../k8s.js";
import { isWorkload, objectKey } from "../k8s.js";

/** A pod template as the checks see it: where it runs, its labels and its ports. */
export interface PodInfo {
  /** `Deployment/monitoring/loki-read` */
  owner: string;
  kind: string;
  name: string;
  namespace: string;
  replicas: number;
  labels: Record<string, string>;
  spec: PodSpec;
  template: PodTemplateSpec;
}

/** Every pod template of the rendered workloads. */
export function podsOf(objects: readonly KubeObject[], defaultNamespace = "default"): PodInfo[] {
  const pods: PodInfo[] = [];
  for (const object of objects) {
    if (!isWorkload(object)) continue;
    const template = object.spec?.template;
    if (!template?.spec) continue;
    const replicas =
      object.kind === "DaemonSet"
        ? Number.POSITIVE_INFINITY
        : ((object.spec as { replicas?: number }).replicas ?? 1);
    pods.push({
      owner: objectKey(object),
      kind: object.kind,
      name: object.metadata.name,
      namespace: object.metadata.namespace ?? defaultNamespace,
      replicas,
      labels: { ...(template.metadata?.labels ?? {}) },
      spec: template.spec,
      template,
    });
  }
  return pods;
}

export function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** A Secret a pod needs to start: referenced and not marked optional. */
export interface SecretReference {
  name: string;
  /** Keys read by name; empty when the whole Secret is mounted or imported. */
  keys: string[];
  /** Where the pod reads it, e.g. `volume config`, `env PASSWORD`, `envFrom`. */
  via: string;
}

/** Every non-optional Secret a pod template reads: volumes, projected volumes, env and envFrom. */
export function secretReferences(spec: PodSpec): SecretReference[] {
  const refs: SecretReference[] = [];
  for (const volume of spec.volumes ?? []) {
    const secret = volume.secret;
    if (secret?.secretName && !secret.optional)
      refs.push({
        name: secret.secretName,
        keys: (secret.items ?? []).map((i) => i.key),
        via: `volume ${volume.name}`,
      });
    for (const source of volume.projected?.sources ?? []) {
      const s = source.secret;
      if (s?.name && !s.optional)
        refs.push({
          name: s.name,
          keys: (s.items ?? []).map((i) => i.key),
          via: `projected volume ${volume.name}`,
        });
    }
  }
  for (const container of allContainers(spec)) {
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref?.name && !ref.optional)
        refs.push({ name: ref.name, keys: [ref.key], via: `env ${env.name}` });
    }
    for (const from of container.envFrom ?? []) {
      if (from.secretRef?.name && !from.secretRef.optional)
        refs.push({ name: from.secretRef.name, keys: [], via: "envFrom" });
    }
  }
  return refs;
}

/** Resolves a port (number or name) on a pod's containers; `undefined` when the name does not exist. */
export function resolvePodPort(
  pod: PodInfo,
  port: number | string,
  protocol = "TCP",
): number | undefined {
  if (typeof port === "number") return port;
  if (/^\d+$/.test(port)) return Number(port);
  for (const container of pod.spec.containers) {
    for (const p of container.ports ?? []) {
      if (p.name === port && (p.protocol ?? "TCP") === protocol) return p.containerPort;
    }
  }
  return undefined;
}
