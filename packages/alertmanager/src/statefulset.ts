import {
  type BuildContext,
  container,
  containerPort,
  emptyDirVolume,
  httpProbe,
  imageRef,
  internalProbeScheme,
  internalTlsOn,
  type KubeObject,
  objectMeta,
  podTemplate,
  priorityClassFor,
  type Scheduling,
  sha256,
  spreadConstraints,
  statefulSet,
  type Volume,
  type VolumeMount,
  volumeClaimTemplate,
} from "@materialize-monitoring/core";
import {
  alertmanagerArgs,
  CLUSTER_PORT,
  MESH_TCP_PORT_NAME,
  MESH_UDP_PORT_NAME,
  WEB_PORT,
  WEB_PORT_NAME,
} from "./args.js";
import type { BuiltAlertmanagerConfig } from "./config.js";
import type { AlertmanagerEndpoints, AlertmanagerNames } from "./endpoints.js";
import { maxQuantity } from "./quantity.js";
import { TLS_CONFIG, tlsMounts, tlsVolumes } from "./tls.js";
import type { ParsedAlertmanagerValues } from "./values.js";
import type { AlertmanagerVersion } from "./version.js";

export const CONFIG_DIR = "/etc/alertmanager/config";
export const CONFIG_FILE = "alertmanager.yml";
export const STORAGE_PATH = "/alertmanager";
/** `nobody` in the upstream image. */
const NOBODY = 65534;

export interface WorkloadInput {
  ctx: BuildContext;
  values: ParsedAlertmanagerValues;
  version: AlertmanagerVersion;
  names: AlertmanagerNames;
  selector: Record<string, string>;
  replicas: number;
  clustered: boolean;
  endpoints: AlertmanagerEndpoints;
  featureFlags: string[];
  built: BuiltAlertmanagerConfig;
}

/** A DNS-1123 volume name for an object name, readable when it fits and unique either way. */
export function volumeName(prefix: string, objectName: string): string {
  const cleaned = objectName.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  const candidate = `${prefix}-${cleaned}`;
  if (cleaned === objectName && candidate.length <= 63) return candidate;
  return `${prefix}-${cleaned.slice(0, 50 - prefix.length)}-${sha256(objectName).slice(0, 8)}`.replace(
    /-+/g,
    "-",
  );
}

/** The replicas' gossip endpoints, one `--cluster.peer` each. */
export function peerAddresses(
  endpoints: Pick<AlertmanagerEndpoints, "replicaHosts" | "clusterPort">,
): string[] {
  return endpoints.replicaHosts.map((host) => `${host}:${endpoints.clusterPort}`);
}

function routePath(prefix: string, path: string): string {
  return `${prefix.replace(/\/+$/, "")}${path}`;
}

export function alertmanagerStatefulSet(input: WorkloadInput): KubeObject {
  const { ctx, values, names, selector, built } = input;

  // Secret keys the config reads as files: one volume per Secret, only the referenced keys.
  const bySecret = new Map<string, { key: string; path: string }[]>();
  for (const file of built.secretFiles) {
    const items = bySecret.get(file.secret) ?? [];
    if (!items.some((item) => item.key === file.key)) items.push({ key: file.key, path: file.key });
    bySecret.set(file.secret, items);
  }
  const secretsDir = built.paths.secretsDir;
  const volumes: Volume[] = [{ name: "config", configMap: { name: names.configMap } }];
  const mounts: VolumeMount[] = [{ name: "config", mountPath: CONFIG_DIR, readOnly: true }];
  for (const [secret, items] of [...bySecret.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const name = volumeName("secret", secret);
    volumes.push({ name, secret: { secretName: secret, items, defaultMode: 0o440 } });
    mounts.push({ name, mountPath: `${secretsDir}/${secret}`, readOnly: true });
  }
  for (const template of built.templateConfigMaps) {
    const name = volumeName("tmpl", template.configMap);
    volumes.push({
      name,
      configMap: {
        name: template.configMap,
        ...(template.keys ? { items: template.keys.map((key) => ({ key, path: key })) } : {}),
      },
    });
    mounts.push({ name, mountPath: template.dir, readOnly: true });
  }
  if (Object.keys(built.inlineTemplates.files).length > 0) {
    volumes.push({ name: "templates-inline", configMap: { name: names.templatesConfigMap } });
    mounts.push({ name: "templates-inline", mountPath: built.inlineTemplates.dir, readOnly: true });
  }
  mounts.push({ name: "storage", mountPath: STORAGE_PATH }, ...tlsMounts(ctx));
  volumes.push(...tlsVolumes(ctx, names));
  const tls = internalTlsOn(ctx);
  if (!values.persistence.enabled) volumes.push(emptyDirVolume("storage"));

  const args = alertmanagerArgs({
    version: input.version,
    configFile: `${CONFIG_DIR}/${CONFIG_FILE}`,
    storagePath: STORAGE_PATH,
    listenAddress: `:${WEB_PORT}`,
    externalUrl: input.endpoints.externalUrl,
    routePrefix: values.routePrefix,
    retention: values.retention,
    ...(tls ? { webConfigFile: TLS_CONFIG.webFile } : {}),
    ...(input.clustered
      ? {
          cluster: {
            listenAddress: `0.0.0.0:${CLUSTER_PORT}`,
            advertiseAddress: `[$(POD_IP)]:${CLUSTER_PORT}`,
            peers: peerAddresses(input.endpoints),
            label: values.cluster.label ?? `${ctx.namespace}/${names.app}`,
            peerTimeout: values.cluster.peerTimeout,
            ...(tls ? { tlsConfigFile: TLS_CONFIG.clusterFile } : {}),
          },
        }
      : {}),
    logLevel: values.logLevel,
    logFormat: values.logFormat,
    featureFlags: input.featureFlags,
    extraArgs: values.extraArgs,
  });

  const probePath = (path: string) => routePath(values.routePrefix, path);
  const probeScheme = internalProbeScheme(ctx);
  const alertmanager = container({
    name: "alertmanager",
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    args,
    env: input.clustered
      ? [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }]
      : [],
    ports: [
      containerPort(WEB_PORT_NAME, WEB_PORT),
      ...(input.clustered ? [containerPort(MESH_TCP_PORT_NAME, CLUSTER_PORT)] : []),
      // Gossip over TLS is TCP only.
      ...(input.clustered && !tls ? [containerPort(MESH_UDP_PORT_NAME, CLUSTER_PORT, "UDP")] : []),
    ],
    volumeMounts: mounts,
    resources: values.resources,
    probes: {
      liveness: httpProbe(probePath("/-/healthy"), WEB_PORT_NAME, {}, probeScheme),
      readiness: httpProbe(
        probePath("/-/ready"),
        WEB_PORT_NAME,
        { initialDelaySeconds: 3, periodSeconds: 5 },
        probeScheme,
      ),
    },
    security: { runAsUser: NOBODY, runAsGroup: NOBODY },
  });

  const scheduling: Partial<Scheduling> = {
    ...values.scheduling,
    topologySpreadConstraints:
      values.scheduling.topologySpreadConstraints.length > 0
        ? values.scheduling.topologySpreadConstraints
        : input.replicas > 1
          ? (spreadConstraints(ctx, selector, {
              zones: values.zoneSpread,
              hardHostSpread: values.hardHostSpread,
            }) as Scheduling["topologySpreadConstraints"])
          : [],
  };
  const priorityClassName =
    values.scheduling.priorityClassName ?? priorityClassFor(ctx, "critical");
  if (priorityClassName) scheduling.priorityClassName = priorityClassName;

  const labels = objectMeta(ctx, { name: "alertmanager", version: values.image.tag }).labels ?? {};
  const template = podTemplate(ctx, {
    labels: { ...labels, ...selector },
    containers: [alertmanager],
    volumes,
    serviceAccountName: names.serviceAccount,
    automountServiceAccountToken: false,
    scheduling,
    security: { runAsUser: NOBODY, runAsGroup: NOBODY, fsGroup: NOBODY },
    terminationGracePeriodSeconds: 60,
  });

  const persistence = values.persistence;
  return statefulSet({
    metadata: objectMeta(ctx, {
      name: "alertmanager",
      version: values.image.tag,
      objectName: names.statefulSet,
    }),
    replicas: input.replicas,
    selector,
    serviceName: names.headless,
    template,
    ...(persistence.enabled
      ? {
          volumeClaimTemplates: [
            volumeClaimTemplate(ctx, {
              name: "storage",
              persistence: {
                enabled: true,
                size: maxQuantity(persistence.size, persistence.storageFloor),
                accessModes: persistence.accessModes,
                ...(persistence.storageClass ? { storageClass: persistence.storageClass } : {}),
              },
              labels: selector,
            }),
          ],
        }
      : {}),
  });
}
