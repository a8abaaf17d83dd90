/**
 * Every validation layer over a built stack, as the `validate` command and the
 * e2e tests run them: object schemas (Kubernetes OpenAPI and CRDs), the graph
 * (Services, references, addresses), NetworkPolicies (every wired connection
 * allowed, every other pod pair denied) and policies (Pod Security restricted
 * with documented exceptions, requests, limits, probes, PDBs, spread, pinned
 * images, no plain-text credentials).
 */
import {
  checkAddresses,
  checkNetworkPolicies,
  checkPolicies,
  checkReferences,
  checkServices,
  type DeclaredConnection,
  type ExternalObjects,
  type PolicyException,
  validateObjects,
  wiredConnections,
} from "@materialize-monitoring/core/validate";
import { scrapeJobs } from "./pipeline.js";
import type { Stack } from "./stack.js";

export interface StackProblem {
  layer: "objects" | "graph" | "network" | "policy";
  message: string;
}

/** Kinds whose schema is not available to the validator (their CRDs are the user's). */
export const SKIPPED_KINDS = ["gateway.networking.k8s.io/v1/HTTPRoute"];

/** Documented departures from the restricted Pod Security profile, from the components that need them. */
export function policyExceptions(built: Stack): PolicyException[] {
  return [
    ...(built.endpoints.exporters?.nodeExporter?.podSecurity.policyExceptions ?? []),
    ...(built.endpoints.alloyAgent?.podSecurity.policyExceptions ?? []),
  ];
}

/** Secrets and other objects the stack references but expects to exist already. */
export function externalObjects(built: Stack): ExternalObjects {
  const secrets = new Set<string>();
  const add = (name: string | undefined) => {
    if (name) secrets.add(name);
  };
  const g = built.endpoints.grafana;
  add(g?.adminUser.name);
  add(g?.adminPassword.name);
  add(g?.secretKey.name);
  const op = built.endpoints.grafanaOperator?.grafana;
  add(op?.adminUser.name);
  add(op?.adminPassword.name);
  for (const object of built.objects) {
    // Secret references in pod specs that no component renders are user-provided by design
    // (credentials are never rendered); list them so the reference check states it explicitly.
    const spec = (object as { spec?: { template?: { spec?: Record<string, unknown> } } }).spec
      ?.template?.spec;
    if (!spec) continue;
    const text = JSON.stringify(spec);
    for (const match of text.matchAll(/"(?:secretName|name)":"([^"]+)","(?:key|items)"/g))
      add(match[1]);
  }
  return { secrets: [...secrets].sort() };
}

/**
 * Traffic with no address in any config: peers found through a ring or by
 * discovery, and openings a component documents. Each carries its reason.
 */
export function declaredConnections(built: Stack): DeclaredConnection[] {
  const namespace = built.context.namespace;
  const declared: DeclaredConnection[] = [];
  const am = built.endpoints.alertmanager;
  if (am && am.replicaUrls.length > 1) {
    declared.push({
      from: { namespace, selector: { matchLabels: am.selectorLabels } },
      to: { namespace, selector: { matchLabels: am.selectorLabels } },
      port: am.clusterPort,
      protocol: "UDP",
      description: "Alertmanager gossip uses UDP beside TCP on the cluster port",
    });
  }
  const loki = built.endpoints.loki;
  if (loki) {
    for (const port of ["grpc", "http-metrics"]) {
      declared.push({
        from: { namespace, selector: { matchLabels: loki.serverPeer.podLabels } },
        to: { namespace, selector: { matchLabels: loki.serverPeer.podLabels } },
        port,
        description:
          "Loki components find each other through the memberlist ring and call each other directly",
      });
    }
  }
  const gateway = built.endpoints.alloyGateway;
  if (gateway) {
    // Scrape targets are found by Kubernetes discovery: no address of theirs is in any config.
    for (const job of scrapeJobs(built.context, built.endpoints)) {
      const podLabels = job.podLabels as Record<string, string> | undefined;
      const portName = job.portName as string | undefined;
      const namespaces = (job.namespaces as string[] | undefined) ?? [];
      if (!podLabels || !portName) continue;
      for (const target of namespaces) {
        declared.push({
          from: { namespace, selector: { matchLabels: gateway.podLabels } },
          to: { namespace: target, selector: { matchLabels: podLabels } },
          port: portName,
          description: `the pipeline scrapes job ${String(job.job)}`,
        });
      }
    }
  }
  const metricsServer = built.endpoints.exporters?.metricsServer;
  if (metricsServer) {
    declared.push({
      from: { namespace, selector: { matchLabels: metricsServer.metrics.selector } },
      to: { namespace, selector: { matchLabels: metricsServer.metrics.selector } },
      port: metricsServer.metrics.portName,
      description:
        "metrics-server admits the API server, whose address no selector matches, from any address unless exporters.metricsServer.networkPolicy.apiServerSourceCidrs is set",
    });
  }
  return declared;
}

const EXTRA_NAMESPACES = { "kube-system": {} };

export async function validateStack(built: Stack): Promise<StackProblem[]> {
  const problems: StackProblem[] = [];
  for (const p of await validateObjects(built.objects, { skip: SKIPPED_KINDS })) {
    problems.push({ layer: "objects", message: `${p.object} ${p.path || "/"}: ${p.message}` });
  }
  for (const p of checkServices(built.objects))
    problems.push({ layer: "graph", message: `${p.object}: ${p.message}` });
  for (const p of checkReferences(built.objects, externalObjects(built))) {
    problems.push({ layer: "graph", message: `${p.object}: ${p.message}` });
  }
  const { addresses, problems: addressProblems } = checkAddresses(built.objects, {
    clusterDomain: built.context.clusterDomain,
  });
  for (const p of addressProblems)
    problems.push({ layer: "graph", message: `${p.object}: ${p.message}` });
  const connections = wiredConnections(built.objects, addresses, {
    declared: declaredConnections(built),
    customResourceConsumers: customResourceConsumers(built),
  });
  for (const p of checkNetworkPolicies(built.objects, connections, {
    extraNamespaces: EXTRA_NAMESPACES,
  })) {
    problems.push({ layer: "network", message: p.message });
  }
  const policy = checkPolicies(built.objects, { exceptions: policyExceptions(built) });
  for (const p of policy.problems)
    problems.push({ layer: "policy", message: `${p.object}: ${p.check}: ${p.message}` });
  for (const e of policy.unusedExceptions) {
    problems.push({
      layer: "policy",
      message: `${e.object}: exception for ${e.check} is no longer needed (${e.reason})`,
    });
  }
  return problems;
}

/** Which pods act on the addresses in custom resources. */
export function customResourceConsumers(built: Stack) {
  const consumers: Record<
    string,
    { namespace?: string; selector: { matchLabels: Record<string, string> } }
  > = {};
  const operator = built.endpoints.grafanaOperator;
  const grafana = built.endpoints.grafana;
  if (operator) consumers.Grafana = { selector: { matchLabels: operator.operatorPodLabels } };
  if (grafana) consumers.GrafanaDatasource = { selector: { matchLabels: grafana.podLabels } };
  return consumers;
}
