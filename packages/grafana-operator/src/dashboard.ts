import { gzipSync } from "node:zlib";
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

/** Dashboards whose JSON is larger than this go into `spec.gzipJson` (128 KiB). */
export const DEFAULT_GZIP_THRESHOLD_BYTES = 128 * 1024;

/** Gzip level used for `gzipJson`; fixed, so output does not depend on zlib defaults. */
export const GZIP_LEVEL = 9;

/**
 * Gzip then base64, byte-for-byte reproducible: node's gzip header carries
 * mtime 0 and no file name, the level is fixed, and the header's OS byte
 * (which zlib sets from the build platform) is normalised to 3 (Unix).
 */
export function gzipBase64(text: string): string {
  const compressed = gzipSync(Buffer.from(text, "utf8"), { level: GZIP_LEVEL });
  compressed[9] = 3;
  return compressed.toString("base64");
}

export interface DashboardOptions extends InstanceResourceOptions {
  /** The dashboard JSON model, as an object or as JSON text. */
  dashboard: Record<string, unknown> | string;
  /** Grafana uid; defaults to the model's `uid`, then to the resource name. */
  uid?: string;
  /** Put the dashboard into a `GrafanaFolder` of this namespace (by resource name)... */
  folderRef?: string;
  /** ...or into an existing folder by uid... */
  folderUID?: string;
  /** ...or into a folder by title (created when missing). Only one of the three (CEL rules of the CRD). */
  folder?: string;
  /** Maps `__inputs` datasource placeholders of an exported dashboard to datasource names. */
  datasources?: { inputName: string; datasourceName: string }[];
  /** `auto` (default) gzips models above `gzipThresholdBytes`. */
  compression?: "auto" | "gzip" | "none";
  gzipThresholdBytes?: number;
}

export interface GrafanaDashboardSpec extends CommonSpec {
  uid: string;
  json?: string;
  gzipJson?: string;
  folder?: string;
  folderRef?: string;
  folderUID?: string;
  datasources?: { inputName: string; datasourceName: string }[];
}

export type GrafanaDashboardObject = GrafanaResource<"GrafanaDashboard", GrafanaDashboardSpec>;

function parseModel(
  path: string,
  dashboard: Record<string, unknown> | string,
): Record<string, unknown> {
  if (typeof dashboard !== "string") return dashboard;
  let parsed: unknown;
  try {
    parsed = JSON.parse(dashboard);
  } catch (error) {
    throw valuesError(
      `${path}.dashboard`,
      `the dashboard is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw valuesError(`${path}.dashboard`, "the dashboard JSON must be an object");
  }
  return parsed as Record<string, unknown>;
}

/**
 * A `GrafanaDashboard` from a dashboard JSON model. The JSON is pretty-printed
 * (two spaces) so diffs of the rendered YAML stay readable; large models are
 * gzipped into `gzipJson` instead.
 */
export function grafanaDashboard(
  ctx: BuildContext,
  options: DashboardOptions,
): GrafanaDashboardObject {
  const path = `GrafanaDashboard/${options.name}`;
  const record = options as unknown as Record<string, unknown>;
  // CEL: "Only one of folderUID or folderRef can be declared at the same time".
  atMostOneOf(path, record, ["folderUID", "folderRef"]);
  // CEL: "folder field cannot be set when folderUID or folderRef is already declared".
  atMostOneOf(path, record, ["folder", "folderUID", "folderRef"]);
  if (options.folderUID !== undefined) checkUid(`${path}.folderUID`, options.folderUID);
  const model = parseModel(path, options.dashboard);
  const modelUid = typeof model.uid === "string" && model.uid !== "" ? model.uid : undefined;
  const uid = options.uid
    ? checkUid(`${path}.uid`, options.uid)
    : modelUid
      ? checkUid(`${path}.dashboard.uid`, modelUid)
      : uidFromName(`${path}.uid`, options.name);
  if (typeof model.title !== "string" || model.title === "") {
    throw valuesError(`${path}.dashboard.title`, "the dashboard needs a title");
  }
  const json =
    typeof options.dashboard === "string"
      ? options.dashboard
      : `${JSON.stringify(options.dashboard, null, 2)}\n`;
  const threshold = options.gzipThresholdBytes ?? DEFAULT_GZIP_THRESHOLD_BYTES;
  const compression = options.compression ?? "auto";
  const gzip =
    compression === "gzip" ||
    (compression === "auto" && Buffer.byteLength(json, "utf8") > threshold);
  return instanceResource(ctx, "GrafanaDashboard", options, {
    uid,
    ...(gzip ? { gzipJson: gzipBase64(json) } : { json }),
    ...(options.folder !== undefined ? { folder: options.folder } : {}),
    ...(options.folderRef !== undefined ? { folderRef: options.folderRef } : {}),
    ...(options.folderUID !== undefined ? { folderUID: options.folderUID } : {}),
    ...(options.datasources?.length ? { datasources: structuredClone(options.datasources) } : {}),
  });
}
