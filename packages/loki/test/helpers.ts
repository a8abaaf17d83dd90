import type {
  Component,
  Container,
  KubeObject,
  NetworkPolicy,
  PodSpec,
  Service,
  StatefulSet,
  Workload,
} from "@materialize-monitoring/core";
import { parse } from "yaml";
import type { LokiEndpoints } from "../src/index.js";

export const S3 = {
  type: "s3",
  bucket: "materialize-logs",
  region: "eu-west-1",
  credentials: {
    accessKeyId: { name: "loki-s3", key: "access-key-id" },
    secretAccessKey: { name: "loki-s3", key: "secret-access-key" },
  },
} as const;

export function find<T = KubeObject>(
  objects: readonly KubeObject[],
  kind: string,
  name: string,
): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found as T;
}

export function findAll(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function workload(objects: readonly KubeObject[], name: string): Workload {
  const found = objects.find(
    (o) => (o.kind === "Deployment" || o.kind === "StatefulSet") && o.metadata.name === name,
  );
  if (!found) throw new Error(`workload ${name} not rendered`);
  return found as Workload;
}

export function replicasOf(objects: readonly KubeObject[], name: string): number | undefined {
  const found = workload(objects, name);
  return found.kind === "DaemonSet"
    ? undefined
    : (found.spec as { replicas?: number } | undefined)?.replicas;
}

export function podSpec(objects: readonly KubeObject[], name: string): PodSpec {
  const spec = workload(objects, name).spec?.template.spec;
  if (!spec) throw new Error(`${name} has no pod spec`);
  return spec;
}

export function podLabels(objects: readonly KubeObject[], name: string): Record<string, string> {
  return workload(objects, name).spec?.template.metadata?.labels ?? {};
}

export function mainContainer(objects: readonly KubeObject[], name: string): Container {
  const container = podSpec(objects, name).containers[0];
  if (!container) throw new Error(`${name} has no container`);
  return container;
}

export function service(objects: readonly KubeObject[], name: string): Service {
  return find<Service>(objects, "Service", name);
}

export function statefulSetOf(objects: readonly KubeObject[], name: string): StatefulSet {
  return find<StatefulSet>(objects, "StatefulSet", name);
}

export function policy(objects: readonly KubeObject[], name: string): NetworkPolicy {
  return find<NetworkPolicy>(objects, "NetworkPolicy", name);
}

/** The rendered Loki config file, parsed back from YAML. */
export function renderedConfig(component: Component<LokiEndpoints>): unknown {
  const cm = find<{ data: Record<string, string> }>(component.objects, "ConfigMap", "loki");
  return parse(cm.data["config.yaml"] ?? "");
}

export function configText(
  component: Component<LokiEndpoints>,
  name = "loki",
  key = "config.yaml",
): string {
  const cm = find<{ data: Record<string, string> }>(component.objects, "ConfigMap", name);
  const text = cm.data[key];
  if (text === undefined) throw new Error(`ConfigMap/${name} has no ${key}`);
  return text;
}

/** True when every label of `selector` is on `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** The error a function throws, for asserting its message. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error("did not throw");
}
