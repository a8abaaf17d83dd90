/**
 * What the pipeline (alloy-gateway) scrapes, filters and forwards, and what
 * the node agent pushes to: read from the other components' endpoints (their
 * scrape targets, push and remote-write URLs, pod selectors) and the
 * Materialize artifacts. Nothing here names another component's port, job
 * or Service.
 */
import type { AlloyAgentValues } from "@materialize-monitoring/alloy-agent";
import {
  type AlloyGatewayValues,
  GATEWAY_TLS_COMPONENT,
} from "@materialize-monitoring/alloy-gateway";
import { podScrapeJob } from "@materialize-monitoring/alloy-syntax";
import {
  internalTlsSecretName,
  type PodPeerRef,
  type ScrapeTarget,
} from "@materialize-monitoring/core";
import {
  allowListRelabeling,
  COPIED_POD_LABELS,
  gatewayMetricTiers,
} from "@materialize-monitoring/materialize";
import type { ExternalPeer } from "./external.js";
import type { Wiring } from "./wiring-types.js";

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

type GatewayJob = NonNullable<NonNullable<AlloyGatewayValues["scrape"]>["jobs"]>[number];

/** Every scrape target the built-in components publish, in section order. */
export function componentScrapeTargets(w: Pick<Wiring, "endpoints">): ScrapeTarget[] {
  const e = w.endpoints;
  return [
    ...(e.exporters?.scrapeTargets ?? []),
    ...(e.loki?.scrapeTargets ?? []),
    ...(e.thanos?.scrapeTargets ?? []),
    ...(e.alertmanager?.scrapeTargets ?? []),
    ...(e.grafana?.scrapeTargets ?? []),
    ...(e.grafanaOperator?.scrapeTargets ?? []),
    ...(e.alloyAgent?.scrapeTargets ?? []),
  ];
}

/** A component's scrape target as the gateway's scrape job value. */
export function scrapeJobOf(target: ScrapeTarget): GatewayJob {
  return {
    ...podScrapeJob({
      name: target.name,
      job: target.job,
      namespaces: [target.namespace],
      podLabels: target.podLabels,
      portName: target.portName,
      path: target.path,
      scheme: target.scheme,
      ...(target.bearerTokenAuth ? { bearerTokenFile: SERVICE_ACCOUNT_TOKEN } : {}),
      ...(target.tls ? { tls: target.tls } : {}),
      ...(target.honorLabels ? { honorLabels: true } : {}),
    }),
    ...(target.source ? { source: target.source } : {}),
    ...(target.hostNetwork ? { hostNetwork: true } : {}),
    ...(target.port !== undefined ? { port: target.port } : {}),
  };
}

/** The built-in scrape jobs: Materialize's targets, then every component's own. */
export function builtInScrapeJobs(w: Pick<Wiring, "endpoints">): GatewayJob[] {
  const artifacts = w.endpoints.materialize?.artifacts;
  // The gateway applies the tier lists of source materialize; the essential keep rule the
  // targets carry for a plain Prometheus would narrow a wider tier, so it is left out here.
  const essentialRule = artifacts
    ? JSON.stringify(allowListRelabeling(artifacts.allowLists.materialize.metrics))
    : undefined;
  const jobs: GatewayJob[] = (artifacts?.targets ?? []).map((target) => ({
    ...target,
    metricRelabelings: target.metricRelabelings.filter(
      (rule) => JSON.stringify(rule) !== essentialRule,
    ),
    source: "materialize",
  }));
  for (const target of componentScrapeTargets(w)) jobs.push(scrapeJobOf(target));
  return jobs;
}

type Egress = NonNullable<
  NonNullable<NonNullable<AlloyGatewayValues["destinations"]>["loki"]>["egress"]
>;

/** Egress to a store: its pods when bundled, else the external peer's pods or addresses. */
function egressTo(
  bundled: { podLabels: Record<string, string>; port: number } | undefined,
  external: ExternalPeer | undefined,
): Egress {
  if (bundled) return { peers: [{ podLabels: bundled.podLabels }], ports: [bundled.port] };
  if (external?.inCluster) {
    return {
      peers: [{ podLabels: external.inCluster.podLabels, namespace: external.inCluster.namespace }],
      ports: external.podPorts,
    };
  }
  return { cidrs: external?.cidrs ?? ["0.0.0.0/0"], ports: external?.podPorts ?? [443] };
}

/**
 * The gateway's metric tiers: the per-tier lists Materialize derives, and the bundled Thanos
 * taking recommended where an external store takes essential (the gateway's default for extra
 * endpoints and OTLP); the user's values win. They follow from the Thanos and Materialize
 * endpoints alone, so the umbrella can read the widest tier before the exporters' endpoints
 * (which collect for it).
 */
export function gatewayTierWiring(endpoints: Wiring["endpoints"]): AlloyGatewayValues {
  const artifacts = endpoints.materialize?.artifacts;
  return {
    destinations: { prometheus: { tier: endpoints.thanos ? "recommended" : "essential" } },
    ...(artifacts ? { metricTiers: gatewayMetricTiers(artifacts.metricTiers) } : {}),
  };
}

/**
 * The bundled Thanos and Loki under the stack's internal TLS: the gateway
 * verifies them with the stack's CA and presents its own certificate, both
 * from the Secret cert-manager writes for the gateway.
 */
function internalTlsDestination(ctx: Wiring["ctx"]) {
  if (!ctx.internalTls) return {};
  const secretName = internalTlsSecretName(ctx, GATEWAY_TLS_COMPONENT);
  return {
    tls: {
      ca: { from: "Secret" as const, name: secretName, key: "ca.crt" },
      clientCertificate: { secretName },
      minVersion: "TLS13" as const,
    },
  };
}

/** Values the umbrella gives the gateway. */
export function wireAlloyGateway(w: Wiring): AlloyGatewayValues {
  const { values, endpoints, externals, ctx } = w;
  const loki = endpoints.loki;
  const thanos = endpoints.thanos;
  const lokiUrl = loki?.pushUrl ?? values.loki.external?.pushUrl;
  const tenantId = loki?.tenantId ?? values.loki.external?.tenantId;
  const remoteWriteUrl = thanos?.remoteWriteUrl ?? values.thanos.external?.remoteWriteUrl;
  const artifacts = endpoints.materialize?.artifacts;
  const agent = endpoints.alloyAgent;
  const tiers = gatewayTierWiring(endpoints);
  return {
    destinations: {
      loki: {
        ...(lokiUrl ? { url: lokiUrl } : {}),
        ...(tenantId ? { tenantId } : {}),
        ...(loki ? internalTlsDestination(ctx) : {}),
        egress: egressTo(loki?.clientPeer, externals.loki),
      },
      prometheus: {
        ...(remoteWriteUrl ? { url: remoteWriteUrl } : {}),
        ...(thanos ? internalTlsDestination(ctx) : {}),
        ...tiers.destinations?.prometheus,
        egress: egressTo(
          thanos && { podLabels: thanos.podSelectors.remoteWrite, port: thanos.ports.remoteWrite },
          externals.thanos,
        ),
      },
    },
    scrape: { jobs: builtInScrapeJobs(w) },
    ...(tiers.metricTiers ? { metricTiers: tiers.metricTiers } : {}),
    rbac: { nonResourceUrls: endpoints.exporters?.metricsServer ? ["/metrics"] : [] },
    logs: {
      stages: artifacts?.logStages ?? [],
      ...(artifacts ? { events: { jobName: values.materialize.logs.kubernetesEventsJob } } : {}),
      ...(agent
        ? { agentLogs: { namespace: agent.namespace, podLabels: agent.podLabels } }
        : { agentLogs: { enabled: false } }),
      externalLabels: { cluster: ctx.clusterName },
    },
    networkPolicy: {
      ...(agent ? { agents: [{ podLabels: agent.podLabels, namespace: agent.namespace }] } : {}),
    },
  };
}

/** The gateway's pods, as every component admits them (pushes and scrapes). */
export function pipelinePeer(w: Pick<Wiring, "endpoints" | "ctx">): PodPeerRef | undefined {
  const gateway = w.endpoints.alloyGateway;
  return gateway ? { podLabels: gateway.podLabels, namespace: gateway.namespace } : undefined;
}

/** Values the umbrella gives the node agent. */
export function wireAlloyAgent(w: Wiring): AlloyAgentValues {
  const gateway = w.endpoints.alloyGateway;
  return {
    ...(gateway
      ? {
          gateway: {
            pushUrl: gateway.pushUrl,
            podLabels: gateway.podLabels,
            namespace: gateway.namespace,
            port: gateway.pushPeer.port,
            ...(gateway.tlsServerName ? { internalTls: true } : {}),
          },
        }
      : {}),
    logs: {
      podLabelsAsMetadata: COPIED_POD_LABELS.map((l) => ({ podLabel: l.podLabel, name: l.label })),
    },
    networkPolicy: {
      ...(gateway
        ? { scrapers: [{ podLabels: gateway.podLabels, namespace: gateway.namespace }] }
        : {}),
    },
  };
}
