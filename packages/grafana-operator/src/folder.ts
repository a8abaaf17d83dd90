import type { BuildContext } from "@materialize-monitoring/core";
import { valuesError } from "@materialize-monitoring/core";
import {
  atMostOneOf,
  type CommonSpec,
  checkUid,
  type GrafanaResource,
  type InstanceResourceOptions,
  instanceResource,
  uidFromName,
} from "./resources.js";

export interface FolderOptions extends InstanceResourceOptions {
  /** Display name; defaults to the resource name. */
  title?: string;
  /** Grafana uid; defaults to the resource name. Dashboards use it as `folderUID`. */
  uid?: string;
  /** Nest under another `GrafanaFolder` in the same namespace (by resource name)... */
  parentFolderRef?: string;
  /** ...or under an existing folder by its uid. Only one of the two (a CEL rule of the CRD). */
  parentFolderUID?: string;
  /** Folder permissions as Grafana's JSON (an object is serialised). */
  permissions?: string | Record<string, unknown> | unknown[];
}

export interface GrafanaFolderSpec extends CommonSpec {
  uid: string;
  title: string;
  parentFolderRef?: string;
  parentFolderUID?: string;
  permissions?: string;
}

export type GrafanaFolderObject = GrafanaResource<"GrafanaFolder", GrafanaFolderSpec>;

/** A `GrafanaFolder`. */
export function grafanaFolder(ctx: BuildContext, options: FolderOptions): GrafanaFolderObject {
  const path = `GrafanaFolder/${options.name}`;
  // CEL: "Only one of parentFolderUID or parentFolderRef can be set".
  atMostOneOf(path, options as unknown as Record<string, unknown>, [
    "parentFolderRef",
    "parentFolderUID",
  ]);
  const uid = options.uid
    ? checkUid(`${path}.uid`, options.uid)
    : uidFromName(`${path}.uid`, options.name);
  if (options.parentFolderUID !== undefined) {
    checkUid(`${path}.parentFolderUID`, options.parentFolderUID);
    if (options.parentFolderUID === uid) {
      throw valuesError(`${path}.parentFolderUID`, "a folder cannot be its own parent");
    }
  }
  if (options.parentFolderRef === options.name) {
    throw valuesError(`${path}.parentFolderRef`, "a folder cannot be its own parent");
  }
  let permissions: string | undefined;
  if (typeof options.permissions === "string") {
    try {
      JSON.parse(options.permissions);
    } catch {
      throw valuesError(`${path}.permissions`, "permissions must be JSON");
    }
    permissions = options.permissions;
  } else if (options.permissions !== undefined) {
    permissions = JSON.stringify(options.permissions);
  }
  return instanceResource(ctx, "GrafanaFolder", options, {
    uid,
    title: options.title ?? options.name,
    ...(options.parentFolderRef !== undefined ? { parentFolderRef: options.parentFolderRef } : {}),
    ...(options.parentFolderUID !== undefined ? { parentFolderUID: options.parentFolderUID } : {}),
    ...(permissions !== undefined ? { permissions } : {}),
  });
}
