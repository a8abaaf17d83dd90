/**
 * Least-privilege RBAC of the gateway: what its discovery, log tailing,
 * events and kubelet scraping read cluster-wide, and per namespace the exact
 * Secrets its scrape jobs read (resourceNames, get only).
 */
import type { PolicyRule } from "@materialize-monitoring/core";
import type { GatewayScrapeJob } from "./jobs.js";
import type { ResolvedAlloyGatewayValues } from "./values.js";

export function clusterRules(
  values: ResolvedAlloyGatewayValues,
  jobs: readonly GatewayScrapeJob[],
): PolicyRule[] {
  const rules: PolicyRule[] = [];
  const podDiscovery = jobs.some((j) => j.role === "pod") || values.logs.agentLogs.enabled;
  const nodeJobs = jobs.some((j) => j.role === "node");
  if (podDiscovery)
    rules.push({ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] });
  if (values.logs.agentLogs.enabled)
    rules.push({ apiGroups: [""], resources: ["pods/log"], verbs: ["get"] });
  if (nodeJobs) {
    rules.push({ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] });
    rules.push({
      apiGroups: [""],
      resources: [values.scrape.kubelet.mode === "direct" ? "nodes/metrics" : "nodes/proxy"],
      verbs: ["get"],
    });
  }
  if (values.logs.events.enabled && values.logs.events.namespaces.length === 0) {
    rules.push({ apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] });
  }
  if (values.rbac.nonResourceUrls.length > 0) {
    rules.push({ nonResourceURLs: [...values.rbac.nonResourceUrls].sort(), verbs: ["get"] });
  }
  return rules;
}

/** Events read in a fixed set of namespaces: a Role in each instead of cluster-wide access. */
export function eventNamespaces(values: ResolvedAlloyGatewayValues): string[] {
  return values.logs.events.enabled ? [...values.logs.events.namespaces].sort() : [];
}
