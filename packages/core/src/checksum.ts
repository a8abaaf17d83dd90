import { createHash } from "node:crypto";
import type { KubeObject, PodSpec, Workload } from "./k8s.js";
import { isWorkload } from "./k8s.js";

export const CONFIG_CHECKSUM_ANNOTATION = "checksum/config";

/** Stable JSON: object keys sorted, so equal content always hashes equally. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Names of ConfigMaps and Secrets a pod spec mounts or reads env from. */
export function referencedConfig(spec: PodSpec): { configMaps: string[]; secrets: string[] } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const volume of spec.volumes ?? []) {
    if (volume.configMap?.name) configMaps.add(volume.configMap.name);
    if (volume.secret?.secretName) secrets.add(volume.secret.secretName);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) configMaps.add(source.configMap.name);
      if (source.secret?.name) secrets.add(source.secret.name);
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const env of container.env ?? []) {
      if (env.valueFrom?.configMapKeyRef?.name) configMaps.add(env.valueFrom.configMapKeyRef.name);
      if (env.valueFrom?.secretKeyRef?.name) secrets.add(env.valueFrom.secretKeyRef.name);
    }
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
      if (from.secretRef?.name) secrets.add(from.secretRef.name);
    }
  }
  return { configMaps: [...configMaps].sort(), secrets: [...secrets].sort() };
}

/**
 * Annotates every pod template with a hash of the ConfigMaps and Secrets it
 * references that are part of the same render, so a config change rolls the
 * pods. Objects that are not rendered (external Secrets) are not hashed.
 * Returns new objects; the input is not changed.
 */
export function withConfigChecksums(objects: readonly KubeObject[]): KubeObject[] {
  const data = new Map<string, unknown>();
  for (const object of objects) {
    if (object.apiVersion !== "v1") continue;
    if (object.kind !== "ConfigMap" && object.kind !== "Secret") continue;
    const record = object as { data?: unknown; binaryData?: unknown; stringData?: unknown };
    const key = `${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    data.set(key, {
      data: record.data,
      binaryData: record.binaryData,
      stringData: record.stringData,
    });
  }
  return objects.map((object) => {
    if (!isWorkload(object)) return object;
    const template = object.spec?.template;
    if (!template?.spec) return object;
    const namespace = object.metadata.namespace ?? "";
    const refs = referencedConfig(template.spec);
    const parts: Record<string, unknown> = {};
    for (const name of refs.configMaps) {
      const found = data.get(`ConfigMap/${namespace}/${name}`);
      if (found !== undefined) parts[`ConfigMap/${name}`] = found;
    }
    for (const name of refs.secrets) {
      const found = data.get(`Secret/${namespace}/${name}`);
      if (found !== undefined) parts[`Secret/${name}`] = found;
    }
    if (Object.keys(parts).length === 0) return object;
    const checksum = sha256(stableJson(parts));
    const updated: Workload = {
      ...object,
      spec: {
        ...object.spec,
        template: {
          ...template,
          metadata: {
            ...template.metadata,
            annotations: {
              ...template.metadata?.annotations,
              [CONFIG_CHECKSUM_ANNOTATION]: checksum,
            },
          },
        },
      },
    } as Workload;
    return updated;
  });
}
