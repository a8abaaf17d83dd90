import type {
  BuildContext,
  DeploymentStrategy,
  EnvVar,
  KubeObject,
  NetworkPolicyRuleInput,
  SecretRef,
  Volume,
  VolumeMount,
} from "@materialize-monitoring/core";
import {
  configMap,
  configMapVolume,
  container,
  containerPort,
  defineComponent,
  deployment,
  dnsEgressRule,
  emptyDirVolume,
  httpProbe,
  imageRef,
  networkPolicy,
  objectMeta,
  podDisruptionBudget,
  podPeer,
  podTemplate,
  priorityClassFor,
  selectorLabels,
  service,
  serviceAccount,
  servicePort,
  spreadConstraints,
  tcpPorts,
  valuesError,
  workloadIdentityAnnotations,
  workloadIdentityPodLabels,
} from "@materialize-monitoring/core";
import { DATABASE_CA_PATH, GRAFANA_DATA_PATH, grafanaIni, headlessServiceName } from "./config.js";
import { computeGrafanaEndpoints, type GrafanaEndpoints } from "./endpoints.js";
import { toNetworkPolicyPeer } from "./network.js";
import { grafanaHttpRoute, grafanaIngress } from "./routes.js";
import {
  GRAFANA_GOSSIP_PORT,
  GRAFANA_HTTP_PORT,
  grafanaValues,
  type ParsedGrafanaValues,
} from "./values.js";

/** The image's grafana user and group. */
const GRAFANA_UID = 472;

function secretEnv(name: string, ref: SecretRef): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/** Render-time checks: well-typed values that would not work together. */
function checkValues(values: ParsedGrafanaValues): void {
  const db = values.database;
  if (db.type === "sqlite" && values.replicas > 1) {
    throw valuesError(
      "grafana.replicas",
      `SQLite supports a single replica, not ${values.replicas}: each pod would have its own database, or fight over one file`,
      "use database.type: postgres or mysql for more replicas, or set replicas: 1",
    );
  }
  if (db.type === "sqlite" && db.persistence.enabled && values.strategy === "RollingUpdate") {
    const rwo = db.persistence.accessModes.some(
      (m) => m === "ReadWriteOnce" || m === "ReadWriteOncePod",
    );
    throw valuesError(
      "grafana.strategy",
      rwo
        ? "a RollingUpdate with a ReadWriteOnce volume deadlocks: the new pod cannot attach the volume while the old pod, which waits for it to become ready, still holds it"
        : "a RollingUpdate would run two Grafana processes on the same SQLite file",
      "use strategy: auto (Recreate for SQLite), or an external PostgreSQL/MySQL database",
    );
  }
  const exposed = values.ingress.enabled || values.httpRoute.enabled;
  if (exposed && values.networkPolicy.enabled && values.networkPolicy.ingressFrom.length === 0) {
    throw valuesError(
      "grafana.networkPolicy.ingressFrom",
      "Grafana is exposed through an Ingress or HTTPRoute, but the NetworkPolicy lets no proxy in",
      'add the ingress controller or gateway pods, e.g. [{ namespace: "ingress-nginx" }]',
    );
  }
}

/** A UI: its own class when set, else the context's default class. */
function priorityClass(own: string | undefined, ctx: BuildContext): { priorityClassName?: string } {
  const priorityClassName = own ?? priorityClassFor(ctx, "default");
  return priorityClassName ? { priorityClassName } : {};
}

function strategyFor(values: ParsedGrafanaValues): DeploymentStrategy {
  const sqliteVolume = values.database.type === "sqlite" && values.database.persistence.enabled;
  const type =
    values.strategy === "auto" ? (sqliteVolume ? "Recreate" : "RollingUpdate") : values.strategy;
  return type === "Recreate"
    ? { type: "Recreate" }
    : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}

function build(
  values: ParsedGrafanaValues,
  ctx: BuildContext,
  endpoints: GrafanaEndpoints,
): { objects: KubeObject[] } {
  checkValues(values);
  const web = endpoints.services.web;
  const name = web.service;
  const version = values.image.tag;
  const selector = web.podLabels;
  const meta = (objectName: string) => objectMeta(ctx, { name: "grafana", objectName, version });
  const db = values.database;
  const ha = values.replicas > 1 && values.alerting.enabled;
  const objects: KubeObject[] = [];

  const account = serviceAccount(meta(name));
  const identity = workloadIdentityAnnotations(values.workloadIdentity);
  if (Object.keys(identity).length > 0) account.metadata.annotations = identity;
  objects.push(account);

  const config = configMap(meta(name), { "grafana.ini": grafanaIni(ctx, values) });
  objects.push(config);

  const volumes: Volume[] = [
    configMapVolume("config", name),
    emptyDirVolume("tmp", "1Gi"),
    emptyDirVolume("logs", "256Mi"),
  ];
  const mounts: VolumeMount[] = [
    {
      name: "config",
      mountPath: "/etc/grafana/grafana.ini",
      subPath: "grafana.ini",
      readOnly: true,
    },
    { name: "storage", mountPath: GRAFANA_DATA_PATH },
    { name: "tmp", mountPath: "/tmp" },
    { name: "logs", mountPath: "/var/log/grafana" },
  ];
  if (db.type === "sqlite" && db.persistence.enabled) {
    const storageClassName = db.persistence.storageClass ?? ctx.storageClass;
    objects.push({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: meta(name),
      spec: {
        accessModes: [...db.persistence.accessModes],
        ...(storageClassName ? { storageClassName } : {}),
        resources: { requests: { storage: db.persistence.size } },
      },
    });
    volumes.push({ name: "storage", persistentVolumeClaim: { claimName: name } });
  } else {
    volumes.push(emptyDirVolume("storage", "5Gi"));
  }
  if (db.type !== "sqlite" && db.caCert) {
    volumes.push({
      name: "database-ca",
      secret: { secretName: db.caCert.name, items: [{ key: db.caCert.key, path: "ca.crt" }] },
    });
    mounts.push({
      name: "database-ca",
      mountPath: DATABASE_CA_PATH.replace(/\/ca\.crt$/, ""),
      readOnly: true,
    });
  }

  const env: EnvVar[] = [
    secretEnv("GF_SECURITY_ADMIN_USER", values.admin.user),
    secretEnv("GF_SECURITY_ADMIN_PASSWORD", values.admin.password),
    secretEnv("GF_SECURITY_SECRET_KEY", values.secretKey),
    ...(db.type !== "sqlite" ? [secretEnv("GF_DATABASE_PASSWORD", db.password)] : []),
    ...(ha ? [{ name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } }] : []),
    ...values.secretEnv.map((entry) => secretEnv(entry.name, entry.secret)),
  ];
  const seen = new Set<string>();
  for (const variable of env) {
    if (seen.has(variable.name)) {
      throw valuesError(
        "grafana.secretEnv",
        `${variable.name} is set twice`,
        "admin credentials, secret_key and the database password have their own values",
      );
    }
    seen.add(variable.name);
  }

  const grafana = container({
    name: "grafana",
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    env,
    ports: [
      containerPort(web.ports.http.name, web.ports.http.port),
      ...(ha
        ? [
            containerPort("gossip-tcp", GRAFANA_GOSSIP_PORT),
            containerPort("gossip-udp", GRAFANA_GOSSIP_PORT, "UDP"),
          ]
        : []),
    ],
    volumeMounts: mounts,
    resources: values.resources,
    probes: {
      // Database migrations on first start or upgrade can take minutes.
      startup: httpProbe("/api/health", "http", {
        initialDelaySeconds: 5,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 60,
      }),
      readiness: httpProbe("/api/health", "http", {
        initialDelaySeconds: 0,
        periodSeconds: 10,
        timeoutSeconds: 5,
        failureThreshold: 3,
      }),
      liveness: httpProbe("/api/health", "http", {
        initialDelaySeconds: 0,
        periodSeconds: 10,
        timeoutSeconds: 30,
        failureThreshold: 10,
      }),
    },
    security: { runAsUser: GRAFANA_UID, runAsGroup: GRAFANA_UID },
  });

  const scheduling =
    values.replicas > 1 && values.scheduling.topologySpreadConstraints.length === 0
      ? { ...values.scheduling, topologySpreadConstraints: spreadConstraints(ctx, selector) }
      : values.scheduling;
  objects.push(
    deployment({
      metadata: meta(name),
      replicas: values.replicas,
      selector,
      strategy: strategyFor(values),
      template: podTemplate(ctx, {
        labels: { ...selector, ...workloadIdentityPodLabels(values.workloadIdentity) },
        annotations: values.podAnnotations,
        containers: [grafana],
        volumes,
        serviceAccountName: name,
        scheduling: {
          ...scheduling,
          ...priorityClass(values.scheduling.priorityClassName, ctx),
        },
        security: { runAsUser: GRAFANA_UID, runAsGroup: GRAFANA_UID, fsGroup: GRAFANA_UID },
        terminationGracePeriodSeconds: 30,
      }),
    }),
  );

  const mainService = service({
    metadata: meta(name),
    selector,
    ports: [servicePort(web.ports.http.name, web.ports.http.port)],
  });
  if (Object.keys(values.service.annotations).length > 0) {
    mainService.metadata.annotations = { ...values.service.annotations };
  }
  objects.push(mainService);
  if (ha) {
    objects.push(
      service({
        metadata: meta(headlessServiceName(ctx)),
        selector,
        headless: true,
        publishNotReadyAddresses: true,
        ports: [
          {
            name: "gossip-tcp",
            port: GRAFANA_GOSSIP_PORT,
            targetPort: "gossip-tcp",
            protocol: "TCP",
          },
          {
            name: "gossip-udp",
            port: GRAFANA_GOSSIP_PORT,
            targetPort: "gossip-udp",
            protocol: "UDP",
          },
        ],
      }),
    );
  }
  objects.push(podDisruptionBudget(meta(name), selector, { maxUnavailable: 1 }));
  if (values.ingress.enabled) objects.push(grafanaIngress(ctx, values, name, version));
  if (values.httpRoute.enabled) objects.push(grafanaHttpRoute(ctx, values, name, version));

  if (values.networkPolicy.enabled) {
    objects.push(grafanaNetworkPolicy(ctx, values, meta(name), selector, ha));
  }

  return { objects };
}

function grafanaNetworkPolicy(
  ctx: BuildContext,
  values: ParsedGrafanaValues,
  metadata: ReturnType<typeof objectMeta>,
  selector: Record<string, string>,
  ha: boolean,
) {
  const np = values.networkPolicy;
  const http = tcpPorts(GRAFANA_HTTP_PORT);
  const gossip = [
    { protocol: "TCP", port: GRAFANA_GOSSIP_PORT },
    { protocol: "UDP", port: GRAFANA_GOSSIP_PORT },
  ];
  const operatorPeers = np.operator ?? [
    { podLabels: selectorLabels(ctx, { name: "grafana-operator" }) },
  ];
  const ingress: NetworkPolicyRuleInput[] = [
    ...(np.ingressFrom.length
      ? [{ peers: np.ingressFrom.map(toNetworkPolicyPeer), ports: http }]
      : []),
    { peers: operatorPeers.map(toNetworkPolicyPeer), ports: http },
    ...(np.metricsFrom.length
      ? [{ peers: np.metricsFrom.map(toNetworkPolicyPeer), ports: http }]
      : []),
    ...(ha ? [{ peers: [podPeer(selector)], ports: gossip }] : []),
  ];
  const target = (t: { peers: Parameters<typeof toNetworkPolicyPeer>[0][]; ports: number[] }) => ({
    peers: t.peers.map(toNetworkPolicyPeer),
    ports: tcpPorts(...t.ports),
  });
  const db = values.database;
  const egress: NetworkPolicyRuleInput[] = [
    dnsEgressRule(),
    ...(np.egress.thanosQuery ? [target(np.egress.thanosQuery)] : []),
    ...(np.egress.lokiRead ? [target(np.egress.lokiRead)] : []),
    ...(np.egress.alertmanager ? [target(np.egress.alertmanager)] : []),
    ...(db.type !== "sqlite"
      ? [
          {
            peers: (np.egress.database ?? [{ cidr: "0.0.0.0/0" }]).map(toNetworkPolicyPeer),
            ports: tcpPorts(db.port),
          },
        ]
      : []),
    ...(ha ? [{ peers: [podPeer(selector)], ports: gossip }] : []),
    ...np.egress.extra.map(target),
  ];
  return networkPolicy({ metadata, podSelector: selector, ingress, egress });
}

/**
 * Grafana: a hardened Deployment with a typed grafana.ini, SQLite on a PVC
 * (one replica, Recreate) or PostgreSQL/MySQL (any number of replicas, HA
 * alerting), admin credentials and secret_key from Secrets, Service, optional
 * Ingress/HTTPRoute, PDB, spread and NetworkPolicy.
 */
export const grafana = defineComponent({
  name: "grafana",
  schema: grafanaValues,
  endpoints: computeGrafanaEndpoints,
  build,
});

/**
 * The addresses `grafana(values, ctx)` would publish (URL, Service, pod
 * labels, credentials' references, scrape targets, clients), computed without
 * building any object.
 */
export const grafanaEndpoints = grafana.endpoints;
