/**
 * How the umbrella connects the components: every address and network peer a
 * component needs from another is filled here from the other's `endpoints`
 * (or from its external replacement), unless the user set it. Nothing here
 * retypes a port or a service name.
 */
import type { AlertmanagerEndpoints } from "@materialize-monitoring/alertmanager";
import { DEFAULT_INHIBIT_EQUAL } from "@materialize-monitoring/alertmanager";
import type { AlloyAgentEndpoints } from "@materialize-monitoring/alloy-agent";
import type { AlloyGatewayEndpoints } from "@materialize-monitoring/alloy-gateway";
import type { BuildContext, ObjectStorageInput } from "@materialize-monitoring/core";
import { selectorLabels, urlPort } from "@materialize-monitoring/core";
import type { ExportersEndpoints } from "@materialize-monitoring/exporters";
import type { GrafanaEndpoints } from "@materialize-monitoring/grafana";
import type { GrafanaOperatorEndpoints } from "@materialize-monitoring/grafana-operator";
import type { LokiEndpoints } from "@materialize-monitoring/loki";
import {
  ALERT_IDENTITY_LABELS,
  type MaterializeArtifacts,
} from "@materialize-monitoring/materialize";
import type { ThanosEndpoints } from "@materialize-monitoring/thanos";
import { agentValues, gatewayValues } from "./pipeline.js";
import { type ParsedStackValues, PLACEHOLDER_BUCKET, type SectionKey } from "./values.js";

export interface StackEndpoints {
  exporters?: ExportersEndpoints;
  alertmanager?: AlertmanagerEndpoints;
  loki?: LokiEndpoints;
  thanos?: ThanosEndpoints;
  grafana?: GrafanaEndpoints;
  grafanaOperator?: GrafanaOperatorEndpoints;
  materialize?: MaterializeArtifacts;
  alloyAgent?: AlloyAgentEndpoints;
  alloyGateway?: AlloyGatewayEndpoints;
}

type Tree = Record<string, unknown>;

interface Peer {
  podLabels: Record<string, string>;
  namespaceLabels?: Record<string, string>;
}

/** The pipeline's pods: every component admits them for pushes and scrapes. */
export function pipelinePeer(ctx: BuildContext): Peer {
  return { podLabels: selectorLabels(ctx, { name: "alloy-gateway" }) };
}

/** What the umbrella sets in the Materialize section: the stack's namespace for its queries. */
export function materializeWiring(ctx: BuildContext): Tree {
  return { namespaces: { monitoring: ctx.namespace } };
}

/** The object storage Loki and Thanos use unless their own section sets one. */
export function sharedObjectStorage(values: ParsedStackValues): ObjectStorageInput {
  return (
    values.global.objectStorage ?? { type: "s3", bucket: PLACEHOLDER_BUCKET, region: "us-east-1" }
  );
}

/**
 * Values the umbrella contributes to each section, computed from the other
 * components' endpoints. The user's own values are laid over these.
 */
export function wiredValues(
  ctx: BuildContext,
  values: ParsedStackValues,
  endpoints: StackEndpoints,
): Record<SectionKey, Tree> {
  const pipeline = pipelinePeer(ctx);
  const storage = sharedObjectStorage(values);
  const am = values.alertmanager.enabled ? endpoints.alertmanager : undefined;
  const alertmanagerUrls = am ? am.replicaUrls : (values.alertmanager.external?.urls ?? []);
  const grafanaPeer: Peer | undefined = endpoints.grafana
    ? { podLabels: endpoints.grafana.podLabels }
    : undefined;
  const alertmanagerPeer: Peer | undefined = am ? { podLabels: am.selectorLabels } : undefined;
  const rulerPeers: Peer[] = [
    ...(endpoints.thanos?.podSelectors.ruler
      ? [{ podLabels: endpoints.thanos.podSelectors.ruler }]
      : []),
    ...(endpoints.loki ? [{ podLabels: endpoints.loki.serverPeer.podLabels }] : []),
  ];
  const mz = values.materialize.enabled ? endpoints.materialize : undefined;
  const thanosQueryUrl = values.thanos.enabled
    ? endpoints.thanos?.promqlUrl
    : values.thanos.external?.queryUrl;
  const lokiQueryUrl = values.loki.enabled
    ? endpoints.loki?.queryUrl
    : values.loki.external?.queryUrl;
  const grafanaTarget = values.grafana.enabled
    ? endpoints.grafana && {
        mode: "external",
        url: endpoints.grafana.url,
        adminUser: endpoints.grafana.adminUser,
        adminPassword: endpoints.grafana.adminPassword,
      }
    : values.grafana.external && { mode: "external", ...values.grafana.external };
  const externalEgress = (url: string | undefined) =>
    url ? [{ peers: [{ cidr: "0.0.0.0/0" }], ports: [urlPort(url)] }] : [];

  return {
    exporters: {
      metricsServer: { networkPolicy: { scraper: pipeline } },
      kubeStateMetrics: { networkPolicy: { scraper: pipeline } },
      nodeExporter: {
        networkPolicy: { scraper: pipeline },
        ...(values.global.nodeAgentsNamespace
          ? { namespace: values.global.nodeAgentsNamespace }
          : {}),
      },
    },
    alertmanager: {
      clusterDomain: values.global.clusterDomain,
      // A critical alert inhibits the warnings of the same Materialize environment and cluster only.
      ...(mz
        ? {
            config: { inhibition: { equal: [...DEFAULT_INHIBIT_EQUAL, ...ALERT_IDENTITY_LABELS] } },
          }
        : {}),
      networkPolicy: {
        ingress: {
          rulers: rulerPeers,
          grafana: grafanaPeer ? [grafanaPeer] : [],
          scrapers: [pipeline],
        },
      },
    },
    loki: {
      storage:
        values.global.objectStorage || values.loki.mode === "simple-scalable" ? storage : undefined,
      size: values.global.size,
      clusterDomain: values.global.clusterDomain,
      ruler: {
        alertmanagerUrls,
        ...(mz && mz.logRuleGroups.length > 0
          ? { ruleFiles: { "materialize-logs.yaml": { groups: mz.logRuleGroups } } }
          : {}),
      },
      networkPolicy: {
        pipeline: [pipeline],
        grafana: grafanaPeer ? [grafanaPeer] : [],
        scrapers: [pipeline],
        alertmanager: alertmanagerPeer ? [alertmanagerPeer] : [],
      },
    },
    thanos: {
      ...(values.thanos.mode === "ha" ? { objectStorage: storage } : {}),
      preset: values.global.size,
      ruler: {
        alertmanagers: am ? [{ srv: am.srvRecord }] : alertmanagerUrls.map((url) => ({ url })),
        ...(mz ? { ruleGroups: mz.ruleGroups } : {}),
      },
      networkPolicy: {
        peers: {
          pipeline,
          ...(grafanaPeer ? { grafana: grafanaPeer } : {}),
          ...(alertmanagerPeer ? { alertmanager: alertmanagerPeer } : {}),
        },
      },
    },
    grafana: {
      networkPolicy: {
        ...(endpoints.grafanaOperator
          ? { operator: [{ podLabels: endpoints.grafanaOperator.operatorPodLabels }] }
          : {}),
        metricsFrom: [pipeline],
        egress: {
          ...(values.thanos.enabled && endpoints.thanos
            ? {
                thanosQuery: {
                  peers: [{ podLabels: endpoints.thanos.podSelectors.promql }],
                  ports: [endpoints.thanos.ports.http],
                },
              }
            : {}),
          ...(values.loki.enabled && endpoints.loki
            ? {
                lokiRead: {
                  peers: [{ podLabels: endpoints.loki.clientPeer.podLabels }],
                  ports: [endpoints.loki.clientPeer.port],
                },
              }
            : {}),
          ...(am
            ? { alertmanager: { peers: [{ podLabels: am.selectorLabels }], ports: [am.port] } }
            : {}),
          extra: [
            ...externalEgress(values.thanos.enabled ? undefined : values.thanos.external?.queryUrl),
            ...externalEgress(values.loki.enabled ? undefined : values.loki.external?.queryUrl),
            ...(am ? [] : alertmanagerUrls.flatMap((url) => externalEgress(url))),
          ],
        },
      },
    },
    materialize: materializeWiring(ctx),
    alloyAgent: agentValues(values, endpoints),
    alloyGateway: gatewayValues(ctx, values, endpoints),
    grafanaOperator: {
      ...(grafanaTarget ? { grafana: grafanaTarget } : {}),
      datasources: {
        ...(thanosQueryUrl ? { thanos: { url: thanosQueryUrl } } : {}),
        ...(lokiQueryUrl ? { loki: { url: lokiQueryUrl } } : {}),
        ...(alertmanagerUrls.length > 0
          ? { alertmanager: { url: am ? am.url : alertmanagerUrls[0] } }
          : {}),
      },
      networkPolicy: {
        ...(grafanaPeer ? { grafana: { peers: [grafanaPeer] } } : {}),
        metricsFrom: [pipeline],
      },
    },
  };
}
