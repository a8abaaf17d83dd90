import {
  configMap,
  defineComponent,
  type KubeObject,
  objectMeta,
  podDisruptionBudget,
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
} from "./args.js";
import { renderAlertingConfig } from "./config.js";
import {
  type AlertmanagerEndpoints,
  alertmanagerNames,
  alertmanagerReplicas,
  computeAlertmanagerEndpoints,
} from "./endpoints.js";
import { alertmanagerNetworkPolicy } from "./network.js";
import { alertmanagerStatefulSet, CONFIG_FILE } from "./statefulset.js";
import { tlsObjects } from "./tls.js";
import { alertmanagerValues, type ParsedAlertmanagerValues } from "./values.js";
import { type AlertmanagerVersion, supports, versionFromTag } from "./version.js";

export * from "./args.js";
export * from "./config.js";
export type { AlertmanagerEndpoints } from "./endpoints.js";
export * from "./matchers.js";
export * from "./schema.js";
export { CONFIG_DIR, CONFIG_FILE, peerAddresses, STORAGE_PATH, volumeName } from "./statefulset.js";
export { clusterTlsConfig, TLS_COMPONENT, TLS_CONFIG } from "./tls.js";
export * from "./values.js";
export * from "./version.js";

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
      "alertmanager.image.tag",
      `"${values.image.tag}" names no Alertmanager release, so the version the config is written for is unknown`,
      "set alertmanagerVersion (one of 0.25, 0.26, 0.27, 0.28), or use a release tag such as v0.28.1",
    );
  }
  return version;
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
  endpoints: computeAlertmanagerEndpoints,
  build: (values, ctx, endpoints: AlertmanagerEndpoints): { objects: KubeObject[] } => {
    const version = resolveVersion(values);
    const replicas = alertmanagerReplicas(values);
    const clustered = replicas > 1;
    const names = alertmanagerNames(ctx);
    const app = names.app;
    const selector = endpoints.selectorLabels;
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

    const objects: KubeObject[] = [
      serviceAccount(meta(names.serviceAccount)),
      configMap(meta(names.configMap), { [CONFIG_FILE]: built.yaml }),
    ];
    if (Object.keys(built.inlineTemplates.files).length > 0) {
      objects.push(configMap(meta(names.templatesConfigMap), built.inlineTemplates.files));
    }
    objects.push(...tlsObjects(ctx, endpoints, meta, names));
    const { web, headless } = endpoints.services;
    objects.push(
      service({
        metadata: meta(web.service),
        selector: web.podLabels,
        ports: [servicePort(web.ports.web.name, web.ports.web.port)],
      }),
      service({
        metadata: meta(headless.service),
        selector: headless.podLabels,
        headless: true,
        // Peers must find each other before they are ready: readiness waits for the gossip to settle.
        publishNotReadyAddresses: true,
        ports: [
          servicePort(headless.ports.web.name, headless.ports.web.port),
          ...(clustered ? [servicePort(MESH_TCP_PORT_NAME, CLUSTER_PORT)] : []),
          // Gossip over TLS is TCP only.
          ...(clustered && !ctx.internalTls
            ? [{ ...servicePort(MESH_UDP_PORT_NAME, CLUSTER_PORT), protocol: "UDP" }]
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
        endpoints,
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

    return { objects };
  },
});

/**
 * The addresses `alertmanager(values, ctx)` would publish (URLs, replica
 * hosts, the SRV record rulers resolve, Services, scrape targets, clients),
 * computed without building any object.
 */
export const alertmanagerEndpoints = alertmanager.endpoints;
