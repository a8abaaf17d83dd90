import {
  type BuildContext,
  cidrSchema,
  clusterRole,
  clusterRoleBinding,
  container,
  containerPort,
  defineComponent,
  deployment,
  duration,
  emptyDirVolume,
  type GenericKubeObject,
  hostAntiAffinity,
  httpProbe,
  imageRef,
  imageSchema,
  type KubeObject,
  type NetworkPolicyRuleInput,
  networkPolicy,
  objectMeta,
  podDisruptionBudget,
  podTemplate,
  priorityClassFor,
  resourceName,
  resourcesSchema,
  roleBinding,
  type ScrapeTarget,
  type ServiceEndpoint,
  schedulingDefault,
  selectorLabels,
  service,
  serviceAccount,
  serviceEndpoint,
  servicePort,
  spreadConstraints,
  standardLabels,
  tcpPorts,
  type Volume,
  type VolumeMount,
  valuesError,
} from "@materialize-monitoring/core";
import { z } from "zod";
import {
  apiServerAndDnsEgress,
  apiServerPeer,
  cidrPeers,
  type ScrapeEndpoint,
  scrapeEndpoint,
  scraperNetworkPeer,
  scraperPeer,
  scrapeTargetOf,
  workloadScheduling,
} from "./shared.js";

export const METRICS_SERVER_NAME = "metrics-server";
export const METRICS_SERVER_JOB = "metrics-server";
/** The scraper's component label of metrics-server's own metrics. */
export const METRICS_SERVER_TARGET = "metrics_server";
/** The secure port inside the container (the kubelet's port number, as upstream uses; no hostNetwork, so no clash). */
export const METRICS_SERVER_SECURE_PORT = 10250;
export const METRICS_SERVER_PORT_NAME = "https";
export const METRICS_SERVER_SERVICE_PORT = 443;
export const METRICS_API = { group: "metrics.k8s.io", version: "v1beta1" } as const;
export const METRICS_SERVER_DEFAULT_IMAGE = {
  registry: "registry.k8s.io",
  repository: "metrics-server/metrics-server",
  tag: "v0.8.1",
} as const;

const TLS_MOUNT_PATH = "/etc/metrics-server/tls";

const cidr = cidrSchema;

export const metricsServerValues = z.strictObject({
  /** metrics-server container image */
  image: imageSchema(METRICS_SERVER_DEFAULT_IMAGE).describe("metrics-server container image"),
  /** 2 or more: highly available, with a PodDisruptionBudget and anti-affinity */
  replicas: z
    .int32()
    .min(1)
    .default(2)
    .describe("2 or more: highly available, with a PodDisruptionBudget and anti-affinity"),
  /** keep replicas on different nodes (required) or only prefer it (small clusters) */
  antiAffinity: z
    .enum(["required", "preferred"])
    .default("required")
    .describe("keep replicas on different nodes (required) or only prefer it (small clusters)"),
  /** node address types tried, in order, to reach each kubelet */
  kubeletPreferredAddressTypes: z
    .array(z.enum(["Hostname", "InternalDNS", "InternalIP", "ExternalDNS", "ExternalIP"]))
    .min(1)
    .default(["InternalIP", "ExternalIP", "Hostname"])
    .describe("node address types tried, in order, to reach each kubelet"),
  /**
   * skip verifying kubelet serving certificates; only for kind-like clusters whose kubelets serve
   * self-signed certificates
   */
  kubeletInsecureTLS: z
    .boolean()
    .default(false)
    .describe(
      "skip verifying kubelet serving certificates; only for kind-like clusters whose kubelets serve self-signed certificates",
    ),
  /** how often metrics are scraped from the kubelets */
  metricResolution: duration
    .default("15s")
    .describe("how often metrics are scraped from the kubelets"),
  /** leave empty for a self-signed certificate that the API server does not verify */
  tls: z
    .strictObject({
      /**
       * a kubernetes.io/tls Secret with the serving certificate; it must name
       * <service>.<namespace>.svc, the name the API server's aggregator verifies
       */
      secretName: z
        .string()
        .min(1)
        .optional()
        .describe(
          "a kubernetes.io/tls Secret with the serving certificate; it must name <service>.<namespace>.svc, the name the API server's aggregator verifies",
        ),
      /** base64 PEM of the CA that signed that certificate; the APIService then verifies it */
      caBundle: z
        .string()
        .regex(
          /^[\r\n\t ]*[A-Za-z0-9+/=][A-Za-z0-9+/=\r\n\t ]*$/,
          "must be the base64 of a PEM CA certificate (line breaks and spaces are removed)",
        )
        .optional()
        .describe(
          "base64 PEM of the CA that signed that certificate; the APIService then verifies it",
        ),
    })
    .prefault({})
    .describe("leave empty for a self-signed certificate that the API server does not verify"),
  /** requests and limits of each metrics-server pod */
  resources: resourcesSchema({
    requests: { cpu: "100m", memory: "200Mi" },
    limits: { memory: "400Mi" },
  }).describe("requests and limits of each metrics-server pod"),
  /** where the metrics-server pods run */
  scheduling: schedulingDefault.describe("where the metrics-server pods run"),
  /** the NetworkPolicy of the metrics-server pods */
  networkPolicy: z
    .strictObject({
      /** render a NetworkPolicy: the API server and scraper in; DNS, API server, kubelets out */
      enabled: z
        .boolean()
        .default(true)
        .describe(
          "render a NetworkPolicy: the API server and scraper in; DNS, API server, kubelets out",
        ),
      /**
       * who may scrape; it narrows access only with apiServerSourceCidrs set (otherwise the secure
       * port admits any source)
       */
      scraper: scraperPeer.describe(
        "who may scrape; it narrows access only with apiServerSourceCidrs set (otherwise the secure port admits any source)",
      ),
      /**
       * where the API server connects from (the control plane's addresses); empty admits the secure
       * port from anywhere
       */
      apiServerSourceCidrs: z
        .array(cidr)
        .default([])
        .describe(
          "where the API server connects from (the control plane's addresses); empty admits the secure port from anywhere",
        ),
      /** the API server, for delegated auth and node and pod lists */
      apiServer: apiServerPeer.describe(
        "the API server, for delegated auth and node and pod lists",
      ),
      /** kubelet port the egress rule allows (metrics-server dials the port each node reports) */
      kubeletPort: z
        .int32()
        .min(1)
        .max(65535)
        .default(10250)
        .describe(
          "kubelet port the egress rule allows (metrics-server dials the port each node reports)",
        ),
      /** node addresses for egress to the kubelets; empty allows the kubelet port to any address */
      nodeCidrs: z
        .array(cidr)
        .default([])
        .describe(
          "node addresses for egress to the kubelets; empty allows the kubelet port to any address",
        ),
    })
    .prefault({})
    .describe("the NetworkPolicy of the metrics-server pods"),
});
export type MetricsServerValues = z.input<typeof metricsServerValues>;
/** Values after parsing: every default filled in. What the `build*` functions take. */
export type ResolvedMetricsServerValues = z.output<typeof metricsServerValues>;

export interface MetricsServerEndpoints {
  /** metrics-server's own metrics; the scraper needs a token allowed to `get` the non-resource URL `/metrics`. */
  metrics: ScrapeEndpoint;
  /** The aggregated API it serves (what `kubectl top`, the HPA and the Materialize console read). */
  apiService: { name: string; group: string; version: string };
  service: { name: string; namespace: string; port: number };
  services: {
    /** The Service the APIService points at (443 → the secure port). */
    metricsServer: ServiceEndpoint<"https">;
  };
  /**
   * What it wants scraped: its own metrics (`metrics_server`, job
   * `metrics-server`, port `https`) over HTTPS with the scraper's
   * ServiceAccount token.
   */
  scrapeTargets: ScrapeTarget[];
  /** It connects to no other component (only the API server and the kubelets). */
  clients: Record<string, never>;
}

/**
 * The TLS name of the serving certificate. The API server's aggregator dials
 * the APIService's Service with ServerName `<service>.<namespace>.svc` (never
 * the cluster domain: kube-aggregator's handler_proxy/BuildTransportConfig),
 * so that short name is the one a certificate is sure to carry, and the one
 * a scraper verifying it must ask for. It is a TLS name, not an address.
 */
export function metricsServerTlsServerName(service: {
  service: string;
  namespace: string;
}): string {
  return `${service.service}.${service.namespace}.svc`;
}

/** The endpoints of metrics-server from its names and the parsed values alone. */
export function computeMetricsServerEndpoints(
  values: ResolvedMetricsServerValues,
  ctx: BuildContext,
): MetricsServerEndpoints {
  const service = serviceEndpoint(ctx, {
    service: resourceName(ctx, METRICS_SERVER_NAME),
    ports: { https: { name: METRICS_SERVER_PORT_NAME, port: METRICS_SERVER_SERVICE_PORT } },
    podLabels: selectorLabels(ctx, { name: METRICS_SERVER_NAME }),
  });
  const metrics = scrapeEndpoint(service, "https", {
    jobName: METRICS_SERVER_JOB,
    scheme: "https",
    bearerTokenAuth: true,
    tls: values.tls.caBundle
      ? { insecureSkipVerify: false, serverName: metricsServerTlsServerName(service) }
      : { insecureSkipVerify: true },
  });
  return {
    metrics,
    apiService: { name: `${METRICS_API.version}.${METRICS_API.group}`, ...METRICS_API },
    service: {
      name: service.service,
      namespace: service.namespace,
      port: METRICS_SERVER_SERVICE_PORT,
    },
    services: { metricsServer: service },
    scrapeTargets: [scrapeTargetOf(metrics, { name: METRICS_SERVER_TARGET })],
    clients: {},
  };
}

export function metricsServerArgs(values: ResolvedMetricsServerValues): string[] {
  return [
    "--cert-dir=/tmp",
    `--secure-port=${METRICS_SERVER_SECURE_PORT}`,
    `--kubelet-preferred-address-types=${values.kubeletPreferredAddressTypes.join(",")}`,
    "--kubelet-use-node-status-port",
    `--metric-resolution=${values.metricResolution}`,
    ...(values.kubeletInsecureTLS ? ["--kubelet-insecure-tls"] : []),
    ...(values.tls.secretName
      ? [
          `--tls-cert-file=${TLS_MOUNT_PATH}/tls.crt`,
          `--tls-private-key-file=${TLS_MOUNT_PATH}/tls.key`,
        ]
      : []),
  ];
}

/** The RBAC rules metrics-server needs to read kubelet metrics and the objects it reports on. */
export const METRICS_SERVER_RULES = [
  { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
  { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
];

/** Read access to the metrics API, aggregated into the built-in view, edit and admin roles. */
export const METRICS_READER_RULES = [
  { apiGroups: [METRICS_API.group], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
];

function validate(values: ResolvedMetricsServerValues, path: string): void {
  if (values.tls.secretName && !values.tls.caBundle) {
    throw valuesError(
      `${path}.tls.caBundle`,
      "is required with tls.secretName: the APIService must verify the certificate it serves",
      "set caBundle to the base64 PEM of the CA that signed the certificate",
    );
  }
  if (values.tls.caBundle && !values.tls.secretName) {
    throw valuesError(
      `${path}.tls.secretName`,
      "is required with tls.caBundle: without it metrics-server serves a self-signed certificate the CA did not sign",
      "name the kubernetes.io/tls Secret that holds the serving certificate",
    );
  }
}

/**
 * The build behind `metricsServer()`, for composing with already-parsed
 * values and the endpoints `computeMetricsServerEndpoints` gave for them;
 * `path` prefixes the paths of render-time errors.
 */
export function buildMetricsServer(
  values: ResolvedMetricsServerValues,
  ctx: BuildContext,
  endpoints: MetricsServerEndpoints,
  path = METRICS_SERVER_NAME,
): { objects: KubeObject[] } {
  validate(values, path);
  const svc = endpoints.services.metricsServer;
  const name = svc.service;
  const parts = { name: METRICS_SERVER_NAME, version: values.image.tag };
  const meta = (objectName = name, namespace?: string) =>
    objectMeta(ctx, { ...parts, objectName, ...(namespace ? { namespace } : {}) });
  const clusterMeta = (objectName: string, labels: Record<string, string> = {}) =>
    objectMeta(ctx, { ...parts, objectName, clusterScoped: true, labels });
  const selector = svc.podLabels;
  const subject = [{ name, namespace: ctx.namespace }];
  const ha = values.replicas > 1;

  const volumes: Volume[] = [emptyDirVolume("tmp")];
  const mounts: VolumeMount[] = [{ name: "tmp", mountPath: "/tmp" }];
  if (values.tls.secretName) {
    volumes.push({ name: "tls", secret: { secretName: values.tls.secretName } });
    mounts.push({ name: "tls", mountPath: TLS_MOUNT_PATH, readOnly: true });
  }

  const server = container({
    name: METRICS_SERVER_NAME,
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    args: metricsServerArgs(values),
    ports: [containerPort(METRICS_SERVER_PORT_NAME, METRICS_SERVER_SECURE_PORT)],
    volumeMounts: mounts,
    resources: values.resources,
    probes: {
      liveness: httpProbe("/livez", METRICS_SERVER_PORT_NAME, { failureThreshold: 3 }, "HTTPS"),
      readiness: httpProbe(
        "/readyz",
        METRICS_SERVER_PORT_NAME,
        { initialDelaySeconds: 20, failureThreshold: 3 },
        "HTTPS",
      ),
    },
    security: { runAsUser: 1000 },
  });

  const template = podTemplate(ctx, {
    labels: standardLabels(ctx, parts),
    containers: [server],
    volumes,
    serviceAccountName: name,
    // It talks to the API server (delegated authentication, node and pod lists).
    automountServiceAccountToken: true,
    security: { runAsUser: 1000 },
    scheduling: workloadScheduling(
      values.scheduling,
      priorityClassFor(ctx, "critical"),
      ha
        ? {
            affinity: hostAntiAffinity(selector, values.antiAffinity === "required"),
            topologySpreadConstraints: spreadConstraints(ctx, selector),
          }
        : {},
    ),
  });

  const apiServiceName = endpoints.apiService.name;
  const apiService: GenericKubeObject = {
    apiVersion: "apiregistration.k8s.io/v1",
    kind: "APIService",
    metadata: clusterMeta(apiServiceName),
    spec: {
      group: METRICS_API.group,
      version: METRICS_API.version,
      groupPriorityMinimum: 100,
      versionPriority: 100,
      service: { name, namespace: svc.namespace, port: svc.ports.https.port },
      ...(values.tls.caBundle
        ? { caBundle: values.tls.caBundle.replace(/[\r\n\t ]+/g, "") }
        : { insecureSkipTLSVerify: true }),
    },
  };

  const objects: KubeObject[] = [
    serviceAccount(meta(), { automountToken: false }),
    clusterRole(clusterMeta(name), METRICS_SERVER_RULES),
    clusterRoleBinding(clusterMeta(name), name, subject),
    clusterRole(
      clusterMeta(resourceName(ctx, METRICS_SERVER_NAME, "aggregated-reader"), {
        "rbac.authorization.k8s.io/aggregate-to-view": "true",
        "rbac.authorization.k8s.io/aggregate-to-edit": "true",
        "rbac.authorization.k8s.io/aggregate-to-admin": "true",
      }),
      METRICS_READER_RULES,
    ),
    // Delegated authentication and authorization of the API server's requests.
    clusterRoleBinding(
      clusterMeta(resourceName(ctx, METRICS_SERVER_NAME, "auth-delegator")),
      "system:auth-delegator",
      subject,
    ),
    // The client CA for front-proxy requests lives in kube-system's extension-apiserver-authentication ConfigMap.
    roleBinding(
      meta(resourceName(ctx, METRICS_SERVER_NAME, "auth-reader"), "kube-system"),
      { kind: "Role", name: "extension-apiserver-authentication-reader" },
      subject,
    ),
    service({
      metadata: meta(),
      selector,
      ports: [
        servicePort(
          METRICS_SERVER_PORT_NAME,
          METRICS_SERVER_SERVICE_PORT,
          METRICS_SERVER_PORT_NAME,
        ),
      ],
    }),
    apiService,
    deployment({
      metadata: meta(),
      replicas: values.replicas,
      selector,
      template,
      // One replica: surge first, so the metrics API never goes away during a rollout.
      strategy: {
        type: "RollingUpdate",
        rollingUpdate: ha ? { maxUnavailable: 1, maxSurge: 0 } : { maxUnavailable: 0, maxSurge: 1 },
      },
    }),
  ];
  if (ha) objects.push(podDisruptionBudget(meta(), selector, { maxUnavailable: 1 }));

  if (values.networkPolicy.enabled) {
    const policy = values.networkPolicy;
    const sources = policy.apiServerSourceCidrs;
    const ingress: NetworkPolicyRuleInput[] =
      sources.length === 0
        ? // The API server is not a pod and its source address is not known ahead on most
          // managed clusters: admit the secure port from anywhere. Every request is
          // authenticated and authorized by delegation to the API server.
          [{ ports: tcpPorts(METRICS_SERVER_SECURE_PORT) }]
        : [
            { peers: cidrPeers(sources), ports: tcpPorts(METRICS_SERVER_SECURE_PORT) },
            {
              peers: [scraperNetworkPeer(ctx, policy.scraper, ctx.namespace)],
              ports: tcpPorts(METRICS_SERVER_SECURE_PORT),
            },
          ];
    objects.push(
      networkPolicy({
        metadata: meta(),
        podSelector: selector,
        ingress,
        egress: [
          ...apiServerAndDnsEgress(policy.apiServer),
          { peers: cidrPeers(policy.nodeCidrs), ports: tcpPorts(policy.kubeletPort) },
        ],
      }),
    );
  }

  return { objects };
}

/**
 * metrics-server: the `v1beta1.metrics.k8s.io` aggregated API that
 * `kubectl top`, HorizontalPodAutoscalers and the Materialize console read.
 * Two replicas with a PodDisruptionBudget and anti-affinity by default.
 */
export const metricsServer = defineComponent({
  name: METRICS_SERVER_NAME,
  schema: metricsServerValues,
  endpoints: computeMetricsServerEndpoints,
  build: (values, ctx, endpoints) => buildMetricsServer(values, ctx, endpoints),
});

/**
 * metrics-server's endpoints for `(values, ctx)` without building any
 * object: its Service (FQDN from the context's cluster domain), the
 * APIService it registers and its HTTPS scrape endpoint and target.
 */
export const metricsServerEndpoints = metricsServer.endpoints;
