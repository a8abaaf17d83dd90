import type { BuildContext, EnvVar, KubeObject } from "@materialize-monitoring/core";
import {
  clusterRole,
  clusterRoleBinding,
  container,
  containerPort,
  deployment,
  dnsEgressRule,
  emptyDirVolume,
  httpProbe,
  imageRef,
  kubeArg,
  kubeArgLiteral,
  networkPolicy,
  objectMeta,
  podDisruptionBudget,
  podTemplate,
  priorityClassFor,
  resourceName,
  role,
  roleBinding,
  selectorLabels,
  service,
  serviceAccount,
  servicePort,
  spreadConstraints,
  tcpPorts,
} from "@materialize-monitoring/core";
import type { GrafanaOperatorEndpoints } from "./endpoints.js";
import { type NetworkPeer, toNetworkPolicyPeer } from "./network.js";
import { copyRules, LEADER_ELECTION_RULES, OPERATOR_RULES } from "./rbac.js";
import type { ParsedGrafanaOperatorValues } from "./values.js";
import { OPERATOR_VERSION } from "./version.js";

/** Ports as upstream's manager manifest declares them. */
export const OPERATOR_PORTS = { metrics: 9090, health: 8081 } as const;

/** The image's non-root user (distroless `nonroot`); set explicitly so runAsNonRoot can be verified. */
const OPERATOR_UID = 65532;

const APP = "grafana-operator";

export function operatorSelectorLabels(ctx: BuildContext): Record<string, string> {
  return selectorLabels(ctx, { name: APP });
}

/** Flags of the manager (facts from upstream `manager/manager.yaml` and the operator's `--help`). */
export function operatorArgs(values: ParsedGrafanaOperatorValues): string[] {
  return [
    `--health-probe-bind-address=:${OPERATOR_PORTS.health}`,
    `--metrics-bind-address=:${OPERATOR_PORTS.metrics}`,
    "--leader-elect",
    `--max-concurrent-reconciles=${values.maxConcurrentReconciles}`,
    kubeArg`--default-resync-period=${values.defaultResyncPeriod}`,
    `--zap-encoder=${values.logging.format}`,
    `--zap-log-level=${values.logging.level}`,
    "--zap-time-encoding=iso8601",
  ];
}

/** The operator's watch env; the kubelet expands `$(VAR)` in env values, so they are literal text. */
function watchEnv(ctx: BuildContext, values: ParsedGrafanaOperatorValues): EnvVar[] {
  if (values.watch.scope === "namespace") {
    return [{ name: "WATCH_NAMESPACE", value: kubeArgLiteral(ctx.namespace) }];
  }
  return [
    { name: "WATCH_NAMESPACE", value: kubeArgLiteral(values.watch.namespaces.join(",")) },
    ...(values.watch.namespaceSelector
      ? [
          {
            name: "WATCH_NAMESPACE_SELECTOR",
            value: kubeArgLiteral(values.watch.namespaceSelector),
          },
        ]
      : []),
  ];
}

/**
 * Where the operator reaches Grafana when no peers are given: the grafana
 * package's pods for an external instance, any pod of the namespace for a
 * managed one (the operator labels the pods it creates itself).
 */
function defaultGrafanaPeers(
  ctx: BuildContext,
  values: ParsedGrafanaOperatorValues,
): NetworkPeer[] {
  return values.grafana.mode === "managed"
    ? [{ namespace: ctx.namespace }]
    : [{ podLabels: selectorLabels(ctx, { name: "grafana" }) }];
}

/**
 * The operator's own objects: ServiceAccount, RBAC, Deployment, Service, PDB,
 * NetworkPolicy; the Service and pod labels are the ones `endpoints` publishes.
 */
export function operatorObjects(
  ctx: BuildContext,
  values: ParsedGrafanaOperatorValues,
  endpoints: Pick<GrafanaOperatorEndpoints, "services">,
): KubeObject[] {
  const metrics = endpoints.services.metrics;
  const name = metrics.service;
  const meta = (objectName: string, clusterScoped = false) =>
    objectMeta(ctx, { name: APP, objectName, version: OPERATOR_VERSION, clusterScoped });
  const selector = metrics.podLabels;
  const priorityClassName = values.scheduling.priorityClassName ?? priorityClassFor(ctx, "default");
  const subject = [{ name, namespace: ctx.namespace }];
  const objects: KubeObject[] = [];

  // The operator talks to the API server, so its token is mounted.
  objects.push(serviceAccount(meta(name), { automountToken: true }));

  if (values.watch.scope === "namespace") {
    objects.push(role(meta(name), copyRules(OPERATOR_RULES)));
    objects.push(roleBinding(meta(name), { kind: "Role", name }, subject));
  } else {
    // Cluster-scoped names carry the namespace: one operator per namespace, never a clash.
    const clusterName = resourceName(ctx, ctx.namespace, APP);
    objects.push(clusterRole(meta(clusterName, true), copyRules(OPERATOR_RULES)));
    objects.push(clusterRoleBinding(meta(clusterName, true), clusterName, subject));
  }
  const leaderElection = resourceName(ctx, APP, "leader-election");
  objects.push(role(meta(leaderElection), copyRules(LEADER_ELECTION_RULES)));
  objects.push(roleBinding(meta(leaderElection), { kind: "Role", name: leaderElection }, subject));

  const manager = container({
    name: "manager",
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    args: operatorArgs(values),
    env: [
      ...watchEnv(ctx, values),
      {
        name: "RELATED_IMAGE_GRAFANA",
        value: imageRef(values.managedGrafanaImage, ctx.imageRegistry),
      },
    ],
    ports: [
      containerPort(metrics.ports.metrics.name, metrics.ports.metrics.port),
      containerPort("health", OPERATOR_PORTS.health),
    ],
    resources: values.resources,
    probes: {
      liveness: httpProbe("/healthz", "health", { initialDelaySeconds: 15, periodSeconds: 20 }),
      readiness: httpProbe("/readyz", "health", { initialDelaySeconds: 5, periodSeconds: 10 }),
    },
    security: { runAsUser: OPERATOR_UID, runAsGroup: OPERATOR_UID },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
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
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: podTemplate(ctx, {
        labels: { ...selector, "app.kubernetes.io/version": OPERATOR_VERSION },
        containers: [manager],
        volumes: [emptyDirVolume("tmp", "256Mi")],
        serviceAccountName: name,
        automountServiceAccountToken: true,
        scheduling: { ...scheduling, ...(priorityClassName ? { priorityClassName } : {}) },
        security: { runAsUser: OPERATOR_UID, runAsGroup: OPERATOR_UID, fsGroup: OPERATOR_UID },
        terminationGracePeriodSeconds: 10,
      }),
    }),
  );
  objects.push(
    service({
      metadata: meta(name),
      selector,
      ports: [servicePort(metrics.ports.metrics.name, metrics.ports.metrics.port)],
    }),
  );
  // One replica: the budget never blocks a drain, the pod is rescheduled in seconds.
  objects.push(podDisruptionBudget(meta(name), selector, { maxUnavailable: 1 }));

  if (values.networkPolicy.enabled) {
    const np = values.networkPolicy;
    const grafanaPeers = (np.grafana.peers ?? defaultGrafanaPeers(ctx, values)).map(
      toNetworkPolicyPeer,
    );
    objects.push(
      networkPolicy({
        metadata: meta(name),
        podSelector: selector,
        ingress: np.metricsFrom.length
          ? [
              {
                peers: np.metricsFrom.map(toNetworkPolicyPeer),
                ports: tcpPorts(metrics.ports.metrics.port),
              },
            ]
          : [],
        egress: [
          dnsEgressRule(),
          {
            peers: np.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: tcpPorts(...np.apiServer.ports),
          },
          { peers: grafanaPeers, ports: tcpPorts(...np.grafana.ports) },
          ...np.extraEgress.map((rule) => ({
            peers: rule.peers.map(toNetworkPolicyPeer),
            ...(rule.ports.length ? { ports: tcpPorts(...rule.ports) } : {}),
          })),
        ],
      }),
    );
  }
  return objects;
}
