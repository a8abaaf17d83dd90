import type { KubeObject, ValueProblem } from "@materialize-monitoring/core";
import { objectKey, stableJson } from "@materialize-monitoring/core";
import { GRAFANA_API_GROUP } from "./version.js";

type Json = Record<string, unknown>;

function field(object: unknown, path: readonly string[]): unknown {
  let current: unknown = object;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Json)[segment];
  }
  return current;
}

function same(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

const RECREATE =
  "delete the custom resource and apply it again (the operator re-creates it in Grafana)";

/**
 * The CRDs' transition rules (`self == oldSelf` and friends, enforced by the
 * API server with CEL) checked between a live object and the one about to be
 * applied, so `apply` and `diff` can say what would be rejected, and why,
 * before sending anything. Returns no problems for objects of other API groups.
 */
export function immutableFieldChanges(before: KubeObject, after: KubeObject): ValueProblem[] {
  if (!after.apiVersion.startsWith(`${GRAFANA_API_GROUP}/`)) return [];
  if (before.kind !== after.kind || before.apiVersion.split("/")[0] !== GRAFANA_API_GROUP)
    return [];
  const key = objectKey(after);
  const problems: ValueProblem[] = [];
  const changed = (path: string[], message: string) => {
    if (!same(field(before, path), field(after, path))) {
      problems.push({ path: `${key} ${path.join(".")}`, message, hint: RECREATE });
    }
  };
  if (after.kind === "Grafana") {
    changed(["spec", "external", "tenantNamespace"], "spec.external.tenantNamespace is immutable");
    return problems;
  }
  // spec.uid: neither added, removed nor changed.
  changed(["spec", "uid"], "spec.uid is immutable");
  changed(["spec", "instanceSelector"], "spec.instanceSelector is immutable");
  if (
    field(before, ["spec", "allowCrossNamespaceImport"]) === true &&
    field(after, ["spec", "allowCrossNamespaceImport"]) !== true
  ) {
    problems.push({
      path: `${key} spec.allowCrossNamespaceImport`,
      message:
        "disabling spec.allowCrossNamespaceImport requires a recreate to ensure desired state",
      hint: RECREATE,
    });
  }
  if (after.kind === "GrafanaManifest") {
    changed(["spec", "template", "kind"], "spec.template.kind is immutable");
    changed(["spec", "template", "metadata", "name"], "spec.template.metadata.name is immutable");
    changed(
      ["spec", "template", "metadata", "namespace"],
      "spec.template.metadata.namespace is immutable",
    );
  }
  return problems;
}
