/**
 * How the umbrella connects the components: one typed function per section
 * turns the endpoints (computed before anything is built) and the external
 * peers into that section's values. Each returns the component's own input
 * type, so a misspelt key is a compile error. Nothing here retypes a port, a
 * Service name, a selector or a job name: each is read from the endpoints of
 * the component that serves it, or from the external peer the user declared.
 */
import type { AlertingConfigInput, AlertmanagerValues } from "@materialize-monitoring/alertmanager";
import { DEFAULT_INHIBIT_EQUAL } from "@materialize-monitoring/alertmanager";
import type { AlloyAgentValues } from "@materialize-monitoring/alloy-agent";
import type {
  BuildContext,
  ObjectStorageInput,
  PodPeerRef,
  ScrapeTarget,
} from "@materialize-monitoring/core";
import type { ExportersValues } from "@materialize-monitoring/exporters";
import type { GrafanaValues } from "@materialize-monitoring/grafana";
import type { GrafanaOperatorValues } from "@materialize-monitoring/grafana-operator";
import type { LokiValues } from "@materialize-monitoring/loki";
import {
  ALERT_IDENTITY_LABELS,
  INHIBITOR_ALERT_MATCHER,
  type InhibitionReason,
  inhibitRuleMatchers,
  MATERIALIZE_ALERT_MATCHER,
  type MaterializeValues,
} from "@materialize-monitoring/materialize";
import type { ThanosValues } from "@materialize-monitoring/thanos";
import type { ExternalPeer } from "./external.js";
import { pipelinePeer, wireAlloyAgent, wireAlloyGateway } from "./pipeline.js";
import { type ParsedStackValues, PLACEHOLDER_BUCKET } from "./values.js";
import type { StackEndpoints, Wiring } from "./wiring-types.js";

export { wireAlloyAgent, wireAlloyGateway };

/** The object storage Loki and Thanos use unless their own section sets one. */
export function sharedObjectStorage(values: ParsedStackValues): ObjectStorageInput {
  return (
    values.global.objectStorage ?? { type: "s3", bucket: PLACEHOLDER_BUCKET, region: "us-east-1" }
  );
}

/** Pods as a peer that selects namespaces by labels (Loki's and Thanos's peer shape). */
function labelPeer(ref: PodPeerRef, ctx: BuildContext) {
  return ref.namespace === ctx.namespace
    ? { podLabels: { ...ref.podLabels } }
    : {
        podLabels: { ...ref.podLabels },
        namespaceLabels: { "kubernetes.io/metadata.name": ref.namespace },
      };
}

/** Pods as a peer with a namespace by name (core's peer shape). */
function namedPeer(ref: PodPeerRef, ctx: BuildContext) {
  return ref.namespace === ctx.namespace
    ? { podLabels: { ...ref.podLabels } }
    : { podLabels: { ...ref.podLabels }, namespace: ref.namespace };
}

/** An external peer's pods (in the cluster) or addresses (outside), in core's peer shape. */
function externalPeers(peer: ExternalPeer, ctx: BuildContext) {
  return peer.inCluster ? [namedPeer(peer.inCluster, ctx)] : peer.cidrs.map((cidr) => ({ cidr }));
}

/** Who queries the stack's read paths: the bundled Grafana, or the existing one if it runs in the cluster. */
function grafanaClient(w: Wiring): PodPeerRef | undefined {
  return w.endpoints.grafana?.clients.query ?? w.externals.grafana?.inCluster;
}

/**
 * The pods that send alerts to Alertmanager: both rulers. Loki's ruler runs in
 * one target, but every Loki target reads the one configuration that holds
 * the Alertmanager URLs, so Alertmanager admits every Loki server pod (as the
 * Loki egress policy lets them all out).
 */
function rulerClients(w: Wiring): PodPeerRef[] {
  const loki = w.endpoints.loki;
  return [
    w.endpoints.thanos?.clients.ruler,
    loki?.clients.ruler && { podLabels: loki.serverPeer.podLabels, namespace: w.ctx.namespace },
  ].filter((c): c is PodPeerRef => c !== undefined);
}

/** Alertmanager replica URLs: the bundled one's, or the external ones. */
function alertmanagerUrls(w: Wiring): string[] {
  return w.endpoints.alertmanager?.replicaUrls ?? w.values.alertmanager.external?.urls ?? [];
}

/** Job label regexes of the stack's own targets, for the self-monitoring rules. */
function jobPattern(targets: readonly ScrapeTarget[]): string | undefined {
  const jobs = [...new Set(targets.map((t) => t.job))].sort();
  if (jobs.length === 0) return undefined;
  return jobs.map((j) => j.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
}

/**
 * What the Materialize section takes from the others (before its endpoints,
 * which are its rules and dashboards, are computed): the stack's namespace,
 * the stack's own job names, and no ConfigMaps (the rulers and grafana-operator
 * take rules and dashboards from its endpoints).
 */
export function wireMaterialize(ctx: BuildContext, endpoints: StackEndpoints): MaterializeValues {
  const alloy = [
    ...(endpoints.alloyAgent?.scrapeTargets ?? []),
    ...(endpoints.alloyGateway?.scrapeTargets ?? []),
  ];
  const patterns = {
    loki: jobPattern(endpoints.loki?.scrapeTargets ?? []),
    thanos: jobPattern(endpoints.thanos?.scrapeTargets ?? []),
    alloy: jobPattern(alloy),
    alertmanager: jobPattern(endpoints.alertmanager?.scrapeTargets ?? []),
  };
  return {
    namespaces: { monitoring: ctx.namespace },
    configMaps: { rules: false, dashboards: false },
    stackJobs: Object.fromEntries(
      Object.entries(patterns).filter((e): e is [string, string] => e[1] !== undefined),
    ),
  };
}

/**
 * Values that come from `global` and that the components' endpoints may
 * depend on (sizes, storage, namespaces): applied before the endpoints are
 * computed, and again at the build.
 */
export interface BaseValues {
  exporters: ExportersValues;
  loki: LokiValues;
  thanos: ThanosValues;
  alloyAgent: AlloyAgentValues;
}

export function baseValues(values: ParsedStackValues): BaseValues {
  const storage = sharedObjectStorage(values);
  const agentsNamespace = values.global.nodeAgentsNamespace;
  return {
    exporters: agentsNamespace ? { nodeExporter: { namespace: agentsNamespace } } : {},
    loki: {
      ...(values.global.objectStorage || values.loki.mode === "simple-scalable" ? { storage } : {}),
      size: values.global.size,
    },
    thanos: {
      ...(values.thanos.mode === "ha" ? { objectStorage: storage } : {}),
      preset: values.global.size,
    },
    alloyAgent: agentsNamespace ? { namespace: agentsNamespace } : {},
  };
}

export function wireExporters(w: Wiring): ExportersValues {
  const pipeline = pipelinePeer(w);
  const scraper = pipeline ? { scraper: pipeline } : {};
  return {
    metricsServer: { networkPolicy: scraper },
    kubeStateMetrics: { networkPolicy: scraper },
    nodeExporter: { networkPolicy: scraper },
  };
}

/** The time interval `materialize.alerting.maintenanceWindows` renders as. */
export const MATERIALIZE_MAINTENANCE_INTERVAL = "materialize-maintenance";

/**
 * What the bundled Alertmanager does with the Materialize alerts: a critical
 * alert inhibits the warnings of the same Materialize environment and cluster
 * only; the inhibitor alerts (hydration, rollout) mute what they are expected
 * to trip and are discarded themselves; maintenance windows mute every
 * Materialize alert. The lists are added to the user's (extensions.ts).
 */
function materializeAlerting(w: Wiring): AlertingConfigInput | undefined {
  const mz = w.endpoints.materialize;
  if (!mz) return undefined;
  const { inhibitDuringHydration, inhibitDuringRollout, maintenanceWindows } =
    w.values.materialize.alerting;
  const reasons: InhibitionReason[] = [
    ...(inhibitDuringHydration ? (["hydration"] as const) : []),
    ...(inhibitDuringRollout ? (["rollout"] as const) : []),
  ];
  const pairs = mz.artifacts.inhibitionPairs.filter((p) => reasons.includes(p.reason));
  return {
    inhibition: { equal: [...DEFAULT_INHIBIT_EQUAL, ...ALERT_IDENTITY_LABELS] },
    inhibitRules: pairs.map(inhibitRuleMatchers),
    // Inhibitors are for Alertmanager only: never notified, whether or not they inhibit.
    discard: [{ matchers: [INHIBITOR_ALERT_MATCHER] }],
    maintenanceWindows:
      maintenanceWindows.length > 0
        ? [
            {
              name: MATERIALIZE_MAINTENANCE_INTERVAL,
              intervals: maintenanceWindows,
              matchers: [MATERIALIZE_ALERT_MATCHER],
            },
          ]
        : [],
  };
}

export function wireAlertmanager(w: Wiring): AlertmanagerValues {
  const { ctx } = w;
  const pipeline = pipelinePeer(w);
  const grafana = grafanaClient(w);
  const config = materializeAlerting(w);
  return {
    ...(config ? { config } : {}),
    networkPolicy: {
      ingress: {
        rulers: rulerClients(w).map((c) => namedPeer(c, ctx)),
        grafana: grafana ? [namedPeer(grafana, ctx)] : [],
        scrapers: pipeline ? [namedPeer(pipeline, ctx)] : [],
      },
    },
  };
}

export function wireLoki(w: Wiring): LokiValues {
  const { ctx, endpoints } = w;
  const pipeline = pipelinePeer(w);
  const grafana = grafanaClient(w);
  const mz = endpoints.materialize?.artifacts;
  const am = endpoints.alertmanager;
  const externalAm = w.externals.alertmanager;
  return {
    ruler: {
      alertmanagerUrls: alertmanagerUrls(w),
      // The bundled Alertmanager serves the stack's internal TLS; an external one is the user's.
      ...(am?.internalTls ? { alertmanagerInternalTls: true } : {}),
      ...(mz && mz.logRuleGroups.length > 0
        ? { ruleFiles: { "materialize-logs.yaml": { groups: mz.logRuleGroups } } }
        : {}),
    },
    networkPolicy: {
      pipeline: pipeline ? [labelPeer(pipeline, ctx)] : [],
      grafana: grafana ? [labelPeer(grafana, ctx)] : [],
      scrapers: pipeline ? [labelPeer(pipeline, ctx)] : [],
      alertmanager: am
        ? [labelPeer(am.services.web, ctx)]
        : externalAm?.inCluster
          ? [labelPeer(externalAm.inCluster, ctx)]
          : [],
      alertmanagerCidrs: externalAm?.cidrs ?? [],
    },
  };
}

export function wireThanos(w: Wiring): ThanosValues {
  const { ctx, endpoints } = w;
  const pipeline = pipelinePeer(w);
  const grafana = grafanaClient(w);
  const am = endpoints.alertmanager;
  const externalAm = w.externals.alertmanager;
  const mz = endpoints.materialize?.artifacts;
  return {
    ruler: {
      alertmanagers: am
        ? [{ srv: am.srvRecord, ...(am.internalTls ? { internalTls: true } : {}) }]
        : alertmanagerUrls(w).map((url) => ({ url })),
      ...(mz ? { ruleGroups: mz.ruleGroups } : {}),
    },
    networkPolicy: {
      peers: {
        ...(pipeline ? { pipeline: labelPeer(pipeline, ctx) } : {}),
        ...(grafana ? { grafana: labelPeer(grafana, ctx) } : {}),
        ...(am
          ? { alertmanager: labelPeer(am.services.web, ctx) }
          : externalAm?.inCluster
            ? { alertmanager: labelPeer(externalAm.inCluster, ctx) }
            : {}),
      },
      alertmanagerPorts: am ? [am.port] : (externalAm?.podPorts ?? []),
      alertmanagerCidrs: externalAm?.cidrs ?? [],
    },
  };
}

export function wireGrafana(w: Wiring): GrafanaValues {
  const { ctx, endpoints, externals } = w;
  const pipeline = pipelinePeer(w);
  const operator = endpoints.grafanaOperator?.clients.operator;
  const external = (peer: ExternalPeer | undefined) =>
    peer ? [{ peers: externalPeers(peer, ctx), ports: peer.podPorts }] : [];
  const thanos = endpoints.thanos;
  const loki = endpoints.loki;
  const am = endpoints.alertmanager;
  return {
    networkPolicy: {
      ...(operator ? { operator: [namedPeer(operator, ctx)] } : {}),
      metricsFrom: pipeline ? [namedPeer(pipeline, ctx)] : [],
      egress: {
        ...(thanos
          ? {
              thanosQuery: {
                peers: [{ podLabels: thanos.podSelectors.promql }],
                ports: [thanos.ports.http],
              },
            }
          : {}),
        ...(loki
          ? {
              lokiRead: {
                peers: [{ podLabels: loki.clientPeer.podLabels }],
                ports: [loki.clientPeer.port],
              },
            }
          : {}),
        ...(am
          ? { alertmanager: { peers: [{ podLabels: am.selectorLabels }], ports: [am.port] } }
          : {}),
        extra: [
          ...external(externals.thanos),
          ...external(externals.loki),
          ...external(externals.alertmanager),
        ],
      },
    },
  };
}

export function wireGrafanaOperator(w: Wiring): GrafanaOperatorValues {
  const { ctx, endpoints, externals, values } = w;
  const pipeline = pipelinePeer(w);
  const grafana = endpoints.grafana;
  const thanosQueryUrl = endpoints.thanos?.promqlUrl ?? values.thanos.external?.queryUrl;
  const lokiQueryUrl = endpoints.loki?.queryUrl ?? values.loki.external?.queryUrl;
  const am = endpoints.alertmanager;
  const amUrl = am ? am.url : values.alertmanager.external?.urls[0];
  // The Grafana to target is wired only while the user keeps the operator on an external one:
  // a managed Grafana (or none) has no URL or admin credentials to fill in.
  const target =
    values.grafanaOperator.grafana.mode !== "external"
      ? undefined
      : grafana
        ? {
            mode: "external" as const,
            url: grafana.url,
            adminUser: grafana.adminUser,
            adminPassword: grafana.adminPassword,
          }
        : values.grafana.external && {
            mode: "external" as const,
            url: values.grafana.external.url,
            adminUser: values.grafana.external.adminUser,
            adminPassword: values.grafana.external.adminPassword,
          };
  // The operator reaches the Grafana it targets; a managed one is its own, in its namespace.
  const grafanaEgress = !target
    ? undefined
    : grafana
      ? {
          peers: [namedPeer(grafana.clients.query, ctx)],
          ports: [grafana.services.web.ports.http.port],
        }
      : externals.grafana
        ? { peers: externalPeers(externals.grafana, ctx), ports: externals.grafana.podPorts }
        : undefined;
  return {
    ...(target ? { grafana: target } : {}),
    datasources: {
      ...(thanosQueryUrl
        ? {
            thanos: {
              url: thanosQueryUrl,
              // The bundled Thanos serves the stack's internal TLS; an external one is the user's.
              ...(endpoints.thanos && ctx.internalTls ? { internalTls: true } : {}),
            },
          }
        : {}),
      ...(lokiQueryUrl
        ? {
            loki: {
              url: lokiQueryUrl,
              ...(endpoints.loki?.tlsServerName ? { internalTls: true } : {}),
              ...(endpoints.loki?.readTenants.length
                ? { tenants: endpoints.loki.readTenants }
                : {}),
            },
          }
        : {}),
      ...(amUrl
        ? { alertmanager: { url: amUrl, ...(am?.internalTls ? { internalTls: true } : {}) } }
        : {}),
    },
    networkPolicy: {
      ...(grafanaEgress ? { grafana: grafanaEgress } : {}),
      metricsFrom: pipeline ? [namedPeer(pipeline, ctx)] : [],
    },
  };
}

export type { StackEndpoints, Wiring } from "./wiring-types.js";
