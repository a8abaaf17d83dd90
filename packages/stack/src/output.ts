import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type KubeObject,
  renderGroup,
  sortForApply,
  toJson,
  toYaml,
  toYamlStream,
} from "@materialize-monitoring/core";
import type { Stack } from "./stack.js";

export type OutputFormat = "yaml" | "json";

/** The whole stack as one document stream (CRDs and namespaces first). */
export function renderStream(built: Stack, format: OutputFormat): string {
  return format === "json" ? toJson(built.objects) : toYamlStream(built.objects);
}

function fileName(object: KubeObject): string {
  const namespace = object.metadata.namespace ? `${object.metadata.namespace}-` : "";
  return `${object.kind.toLowerCase()}-${namespace}${object.metadata.name}.yaml`;
}

/**
 * One folder per component plus `setup/` (namespaces and CRDs), each with a
 * `kustomization.yaml` listing its files in apply order, and a top-level
 * kustomization that lists `setup` first. Returns the files written.
 */
export function writeDirectory(built: Stack, dir: string): string[] {
  const groups = new Map<string, KubeObject[]>();
  for (const component of built.components) {
    for (const object of component.objects) {
      const group = renderGroup(object) === "setup" ? "setup" : component.name;
      groups.set(group, [...(groups.get(group) ?? []), object]);
    }
  }
  const written: string[] = [];
  const folders: string[] = [];
  const ordered = [...groups.keys()].sort((a, b) =>
    a === "setup" ? -1 : b === "setup" ? 1 : a < b ? -1 : 1,
  );
  for (const group of ordered) {
    const objects = sortForApply(groups.get(group) ?? []);
    if (objects.length === 0) continue;
    const folder = join(dir, group);
    mkdirSync(folder, { recursive: true });
    const resources: string[] = [];
    for (const object of objects) {
      const name = fileName(object);
      writeFileSync(join(folder, name), toYaml(object));
      resources.push(name);
      written.push(join(group, name));
    }
    writeFileSync(
      join(folder, "kustomization.yaml"),
      toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources }),
    );
    folders.push(group);
  }
  writeFileSync(
    join(dir, "kustomization.yaml"),
    toYaml({
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: folders,
    }),
  );
  return written;
}
