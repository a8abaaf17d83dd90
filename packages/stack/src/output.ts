import {
  type KubeObject,
  renderGroup,
  sortForApply,
  toJson,
  toYaml,
  toYamlStream,
} from "@materialize-monitoring/core";
import { type RenderedFile, type WriteFolderOptions, writeOwnedFolder } from "./owned-folder.js";
import type { Stack } from "./stack.js";
import { VERSION } from "./version.js";

export type OutputFormat = "yaml" | "json";

/** The whole stack as one document stream (CRDs and namespaces first). */
export function renderStream(built: Stack, format: OutputFormat): string {
  return format === "json" ? toJson(built.objects) : toYamlStream(built.objects);
}

function fileName(object: KubeObject): string {
  const namespace = object.metadata.namespace ? `${object.metadata.namespace}-` : "";
  return `${object.kind.toLowerCase()}-${namespace}${object.metadata.name}.yaml`;
}

const kustomization = (resources: string[]) =>
  toYaml({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources });

/**
 * The kustomize-ready folder of the stack, as files (nothing is written): one
 * folder per component plus `setup/` (namespaces and CRDs), each with a
 * `kustomization.yaml` listing its files in apply order, and a top-level
 * kustomization that lists `setup` first.
 */
export function directoryFiles(built: Stack): RenderedFile[] {
  const groups = new Map<string, KubeObject[]>();
  for (const component of built.components) {
    for (const object of component.objects) {
      const group = renderGroup(object) === "setup" ? "setup" : component.name;
      groups.set(group, [...(groups.get(group) ?? []), object]);
    }
  }
  const files: RenderedFile[] = [];
  const folders: string[] = [];
  const ordered = [...groups.keys()].sort((a, b) =>
    a === "setup" ? -1 : b === "setup" ? 1 : a < b ? -1 : 1,
  );
  for (const group of ordered) {
    const objects = sortForApply(groups.get(group) ?? []);
    if (objects.length === 0) continue;
    const resources: string[] = [];
    for (const object of objects) {
      const name = fileName(object);
      files.push({ path: `${group}/${name}`, text: toYaml(object) });
      resources.push(name);
    }
    files.push({ path: `${group}/kustomization.yaml`, text: kustomization(resources) });
    folders.push(group);
  }
  files.push({ path: "kustomization.yaml", text: kustomization(folders) });
  return files;
}

/**
 * Writes the kustomize-ready folder of the stack into `dir`, which the tool
 * owns through its manifest (see `writeOwnedFolder`): a re-render removes the
 * files it no longer writes. Returns the files written.
 */
export function writeDirectory(
  built: Stack,
  dir: string,
  options: Partial<WriteFolderOptions> = {},
): string[] {
  return writeOwnedFolder(dir, directoryFiles(built), {
    version: VERSION,
    ...options,
    format: "kustomize",
  }).written;
}
