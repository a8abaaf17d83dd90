import type { BuildContext, GenericKubeObject } from "@materialize-monitoring/core";
import { defaultBuildContext, LABEL, MANAGED_BY, PART_OF } from "@materialize-monitoring/core";
import { VENDORED_CRD_FILES, VENDORED_RELEASE } from "./generated/crds.js";
import { OPERATOR_VERSION } from "./version.js";

/** A CustomResourceDefinition as vendored: the fields builders and validators read are typed. */
export interface GrafanaOperatorCrd extends GenericKubeObject {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  spec: {
    group: string;
    names: { kind: string; plural: string; [field: string]: unknown };
    scope: string;
    versions: {
      name: string;
      served?: boolean;
      storage?: boolean;
      schema?: { openAPIV3Schema?: Record<string, unknown> };
      [field: string]: unknown;
    }[];
  };
}

export { VENDORED_RELEASE };

let parsed: readonly GrafanaOperatorCrd[] | undefined;

/** The vendored CRDs exactly as upstream ships them (parsed once, then shared read-only). */
export function vendoredCrds(): readonly GrafanaOperatorCrd[] {
  parsed ??= Object.freeze(
    VENDORED_CRD_FILES.map((entry) => JSON.parse(entry.json) as GrafanaOperatorCrd),
  );
  return parsed;
}

/** Kinds the vendored CRDs define, e.g. `GrafanaDashboard`. */
export function crdKinds(): string[] {
  return vendoredCrds().map((crd) => crd.spec.names.kind);
}

/**
 * The CRDs as rendered objects: upstream content unchanged, plus our labels
 * (so `kubectl get crd -l app.kubernetes.io/part-of=materialize-monitoring`
 * finds them). CRDs are cluster-wide and shared by every install in the
 * cluster, so they carry no `app.kubernetes.io/instance` label. Core's render
 * puts them in the `setup` group, before any custom resource.
 */
export function grafanaOperatorCrds(
  ctx: BuildContext = defaultBuildContext(),
): GrafanaOperatorCrd[] {
  return vendoredCrds().map((crd) => {
    const copy = structuredClone(crd) as GrafanaOperatorCrd;
    copy.metadata = {
      ...copy.metadata,
      labels: {
        ...ctx.commonLabels,
        ...copy.metadata.labels,
        [LABEL.name]: "grafana-operator",
        [LABEL.component]: "crd",
        [LABEL.partOf]: PART_OF,
        [LABEL.version]: OPERATOR_VERSION,
        [LABEL.managedBy]: MANAGED_BY,
      },
    };
    return copy;
  });
}
