import type { PolicyRule } from "@materialize-monitoring/core";
import { GRAFANA_API_GROUP } from "./version.js";

const ALL_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];

/**
 * What the operator's manager may do, as upstream's `rbac/role.yaml` (v5.24.0)
 * grants it. Bound cluster-wide (ClusterRole) or in the watched namespace
 * (Role), depending on the watch scope. `test/rbac.test.ts` checks these
 * against the vendored upstream file.
 */
export const OPERATOR_RULES: readonly PolicyRule[] = [
  {
    apiGroups: [""],
    resources: ["configmaps", "persistentvolumeclaims", "secrets", "serviceaccounts", "services"],
    verbs: ALL_VERBS,
  },
  { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch"] },
  { apiGroups: ["apps"], resources: ["deployments"], verbs: ALL_VERBS },
  { apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"], verbs: ALL_VERBS },
  { apiGroups: [GRAFANA_API_GROUP], resources: ["*"], verbs: ["get", "list", "patch", "watch"] },
  { apiGroups: [GRAFANA_API_GROUP], resources: ["*/finalizers"], verbs: ["patch", "update"] },
  { apiGroups: [GRAFANA_API_GROUP], resources: ["*/status"], verbs: ["get", "patch", "update"] },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: ALL_VERBS },
  {
    apiGroups: ["route.openshift.io"],
    resources: ["routes", "routes/custom-host"],
    verbs: ["create", "delete", "get", "list", "update", "watch"],
  },
];

/** Leader election (upstream `rbac/leader_election_role.yaml`), always a Role in the operator's namespace. */
export const LEADER_ELECTION_RULES: readonly PolicyRule[] = [
  {
    apiGroups: ["coordination.k8s.io"],
    resources: ["leases"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
];

/** Deep copies, so a caller that edits a rendered Role cannot change the shared constants. */
export function copyRules(rules: readonly PolicyRule[]): PolicyRule[] {
  return rules.map((rule) => structuredClone(rule));
}
