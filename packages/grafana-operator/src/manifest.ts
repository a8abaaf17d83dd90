import type { BuildContext } from "@materialize-monitoring/core";
import { valuesError } from "@materialize-monitoring/core";
import {
  type CommonSpec,
  checkUid,
  type GrafanaResource,
  type InstanceResourceOptions,
  instanceResource,
} from "./resources.js";

/** A Grafana 12+ app-platform resource (`<group>.grafana.app/<version>`), as `spec.template` holds it. */
export interface GrafanaAppResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    /** Grafana's API namespace; leave unset for operator-managed instances or `tenantNamespace`. */
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
}

export interface ManifestOptions extends InstanceResourceOptions {
  template: GrafanaAppResource;
}

export interface GrafanaManifestSpec extends CommonSpec {
  template: GrafanaAppResource;
}

export type GrafanaManifestObject = GrafanaResource<"GrafanaManifest", GrafanaManifestSpec>;

/** Annotation that places a Grafana 12+ dashboard resource into a folder (by folder uid). */
export const GRAFANA_FOLDER_ANNOTATION = "grafana.app/folder";

/**
 * A `GrafanaManifest`: any Grafana 12+ Kubernetes-style resource. Its kind,
 * name and namespace are immutable once applied (CEL rules of the CRD), so
 * they come straight from the typed template.
 */
export function grafanaManifest(
  ctx: BuildContext,
  options: ManifestOptions,
): GrafanaManifestObject {
  const path = `GrafanaManifest/${options.name}`;
  const template = options.template;
  if (!/^[a-z0-9.-]+\.grafana\.app\/[a-z0-9]+$/.test(template.apiVersion)) {
    throw valuesError(
      `${path}.template.apiVersion`,
      `"${template.apiVersion}" is not a Grafana app-platform API version`,
      "for example dashboard.grafana.app/v1beta1",
    );
  }
  if (!template.kind) throw valuesError(`${path}.template.kind`, "a kind is required");
  checkUid(`${path}.template.metadata.name`, template.metadata.name);
  return instanceResource(ctx, "GrafanaManifest", options, { template: structuredClone(template) });
}

export interface DashboardManifestOptions extends InstanceResourceOptions {
  /**
   * The dashboard spec: the classic JSON model for `v1beta1`, or the v2
   * schema (elements, layout, ...) for `v2beta1`.
   */
  dashboard: Record<string, unknown>;
  /** `dashboard.grafana.app` version; defaults to `v1beta1`. */
  version?: "v1beta1" | "v2beta1";
  /** Grafana uid (the resource's `metadata.name` in Grafana); defaults to the resource name. */
  uid?: string;
  /** Folder uid, set as the `grafana.app/folder` annotation. */
  folderUID?: string;
  /** Grafana API namespace, for external instances with several tenants. */
  tenantNamespace?: string;
}

/** A Grafana 12+ dashboard (`dashboard.grafana.app`) wrapped in a `GrafanaManifest`. */
export function dashboardManifest(
  ctx: BuildContext,
  options: DashboardManifestOptions,
): GrafanaManifestObject {
  const { dashboard, version = "v1beta1", uid, folderUID, tenantNamespace, ...rest } = options;
  const path = `GrafanaManifest/${options.name}`;
  if (folderUID !== undefined) checkUid(`${path}.folderUID`, folderUID);
  if (typeof dashboard.title !== "string" || dashboard.title === "") {
    throw valuesError(`${path}.dashboard.title`, "the dashboard needs a title");
  }
  return grafanaManifest(ctx, {
    ...rest,
    template: {
      apiVersion: `dashboard.grafana.app/${version}`,
      kind: "Dashboard",
      metadata: {
        name: uid ?? options.name,
        ...(tenantNamespace ? { namespace: tenantNamespace } : {}),
        ...(folderUID ? { annotations: { [GRAFANA_FOLDER_ANNOTATION]: folderUID } } : {}),
      },
      spec: dashboard,
    },
  });
}
