import {
  configMap,
  defineComponent,
  type KubeObject,
  objectMeta,
  podDisruptionBudget,
  resourceName,
  selectorLabels,
  service,
  serviceAccount,
  servicePort,
  valuesError,
} from "@materialize-monitoring/core";
import {
  CLUSTER_PORT,
  defaultFeatureFlags,
  MESH_TCP_PORT_NAME,
  MESH_UDP_PORT_NAME,
  WEB_PORT,
  WEB_PORT_NAME,
} from "./args.js";
import { renderAlertingConfig } from "./config.js";
import { alertmanagerNetworkPolicy } from "./network.js";
import { type AlertmanagerNames, alertmanagerStatefulSet, CONFIG_FILE } from "./statefulset.js";
import { alertmanagerValues, type ParsedAlertmanagerValues } from "./values.js";
import { type AlertmanagerVersion, supports, versionFromTag } from "./version.js";

export * from "./args.js";
export * from "./config.js";
export * from "./matchers.js";
export * from "./schema.js";
export { CONFIG_DIR, CONFIG_FILE, peerAddresses, STORAGE_PATH, volumeName } from "./statefulset.js";
export * from "./values.js";
export * from "./version.js";

/** Addresses other components use to reach Alertmanager. */
export interface AlertmanagerEndpoints {
  /** UI and API through the ClusterIP Service, e.g. `http://alertmanager.monitoring.svc.cluster.local:9093`. */
  url: string;
  /** The v2 API base, `<url>/api/v2`. */
  apiUrl: string;
  /** `--web.external-url`: what links in notifications point at. */
  externalUrl: string;
  /**
   * Every replica's URL through the headless Service. Alerts are not gossiped
   * between replicas, so a ruler must send each alert to every replica.
   */
  replicaUrls: string[];
  /** The SRV record of the web port: `_http-web._tcp.<headless>.<namespace>.svc.<domain>`. */
  srvRecord: string;
  /** `dnssrv+_http-web._tcp...`: an SRV address as Thanos' `--alertmanagers.config` static_configs take it. */
  dnsSrv: string;
  /** `dnssrv+http://_http-web._tcp...<prefix>`: the same as a URL, as Thanos ruler `--alertmanagers.url` takes it. */
  dnsSrvUrl: string;
  /** The Service names and ports, for NetworkPolicies and wiring. */
  serviceName: string;
  headlessServiceName: string;
  port: number;
  clusterPort: number;
  /** Pod selector labels, for peers' NetworkPolicies. */
  selectorLabels: Record<string, string>;
}

function resolveVersion(values: ParsedAlertmanagerValues): AlertmanagerVersion {
  const fromTag = versionFromTag(values.image.tag);
  if (values.alertmanagerVersion && fromTag && values.alertmanagerVersion !== fromTag) {
    throw valuesError(
      "alertmanager.alertmanagerVersion",
      `is ${values.alertmanagerVersion} but image.tag ${values.image.tag} is ${fromTag}`,
      "leave alertmanagerVersion unset to follow the tag, or make them agree",
    );
  }
  const version = values.alertmanagerVersion ?? fromTag;
  if (!version) {
    throw valuesError(
      "alertmanager.alertmanagerVersion",
      `cannot tell the Alertmanager version from image.tag "${values.image.tag}"`,
      "set alertmanagerVersion (one of 0.25, 0.26, 0.27, 0.28)",
    );
  }
  return version;
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, "");
}

/**
 * Alertmanager as a StatefulSet: gossip-clustered replicas (2 in `ha`, 1 in
 * `small`), a headless Service for peers and SRV discovery, a ClusterIP
 * Service for the UI/API, a PVC per replica for silences and the notification
 * log, a PDB, topology spread, a NetworkPolicy, and `alertmanager.yml` from
 * the typed `config`.
 */
export const alertmanager = defineComponent({
  name: "alertmanager",
  schema: alertmanagerValues,
  build: (values, ctx): { objects: KubeObject[]; endpoints: AlertmanagerEndpoints } => {
    const version = resolveVersion(values);
    const replicas = values.replicas ?? (values.mode === "ha" ? 2 : 1);
    const clustered = replicas > 1;
    const app = resourceName(ctx, "alertmanager");
    const names: AlertmanagerNames = {
      app,
      statefulSet: app,
      service: app,
      headless: resourceName(ctx, "alertmanager", "headless"),
      configMap: resourceName(ctx, "alertmanager", "config"),
      templatesConfigMap: resourceName(ctx, "alertmanager", "templates"),
      serviceAccount: app,
    };
    const selector = selectorLabels(ctx, { name: "alertmanager" });
    const meta = (objectName: string) =>
      objectMeta(ctx, { name: "alertmanager", version: values.image.tag, objectName });

    if (
      values.featureFlags &&
      values.featureFlags.length > 0 &&
      !supports(version, "featureFlags")
    ) {
      throw valuesError(
        "alertmanager.featureFlags",
        `--enable-feature needs Alertmanager 0.27 or newer (alertmanagerVersion is ${version})`,
        "remove featureFlags or use a newer image",
      );
    }
    if (values.cluster.label && !supports(version, "clusterLabel")) {
      throw valuesError(
        "alertmanager.cluster.label",
        `--cluster.label needs Alertmanager 0.26 or newer (alertmanagerVersion is ${version})`,
        "remove cluster.label or use a newer image",
      );
    }

    const built = renderAlertingConfig(values.config, {
      version,
      errorPath: "alertmanager.config",
    });

    const domain = values.clusterDomain;
    const prefix = values.routePrefix === "/" ? "" : trimSlash(values.routePrefix);
    const serviceHost = `${names.service}.${ctx.namespace}.svc.${domain}`;
    const headlessHost = `${names.headless}.${ctx.namespace}.svc.${domain}`;
    const url = `http://${serviceHost}:${WEB_PORT}${prefix}`;
    const externalUrl = values.externalUrl ?? url;

    const objects: KubeObject[] = [
      serviceAccount(meta(names.serviceAccount)),
      configMap(meta(names.configMap), { [CONFIG_FILE]: built.yaml }),
    ];
    if (Object.keys(built.inlineTemplates.files).length > 0) {
      objects.push(configMap(meta(names.templatesConfigMap), built.inlineTemplates.files));
    }
    objects.push(
      service({
        metadata: meta(names.service),
        selector,
        ports: [servicePort(WEB_PORT_NAME, WEB_PORT)],
      }),
      service({
        metadata: meta(names.headless),
        selector,
        headless: true,
        // Peers must find each other before they are ready: readiness waits for the gossip to settle.
        publishNotReadyAddresses: true,
        ports: [
          servicePort(WEB_PORT_NAME, WEB_PORT),
          ...(clustered
            ? [
                servicePort(MESH_TCP_PORT_NAME, CLUSTER_PORT),
                { ...servicePort(MESH_UDP_PORT_NAME, CLUSTER_PORT), protocol: "UDP" },
              ]
            : []),
        ],
      }),
      alertmanagerStatefulSet({
        ctx,
        values,
        version,
        names,
        selector,
        replicas,
        clustered,
        externalUrl,
        featureFlags: values.featureFlags ?? defaultFeatureFlags(version),
        built,
      }),
    );
    if (values.podDisruptionBudget.enabled && replicas > 1) {
      objects.push(
        podDisruptionBudget(meta(app), selector, {
          maxUnavailable: values.podDisruptionBudget.maxUnavailable,
        }),
      );
    }
    if (values.networkPolicy.enabled) {
      objects.push(
        alertmanagerNetworkPolicy({
          ctx,
          values,
          name: app,
          selector,
          clustered,
          smtpPorts: built.smtpPorts,
        }),
      );
    }

    const srvRecord = `_${WEB_PORT_NAME}._tcp.${headlessHost}`;
    return {
      objects,
      endpoints: {
        url,
        apiUrl: `${url}/api/v2`,
        externalUrl,
        replicaUrls: Array.from(
          { length: replicas },
          (_, i) => `http://${names.statefulSet}-${i}.${headlessHost}:${WEB_PORT}${prefix}`,
        ),
        srvRecord,
        dnsSrv: `dnssrv+${srvRecord}`,
        dnsSrvUrl: `dnssrv+http://${srvRecord}${prefix}`,
        serviceName: names.service,
        headlessServiceName: names.headless,
        port: WEB_PORT,
        clusterPort: CLUSTER_PORT,
        selectorLabels: { ...selector },
      },
    };
  },
});
