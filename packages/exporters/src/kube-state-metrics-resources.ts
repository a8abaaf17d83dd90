/**
 * The resources kube-state-metrics can watch (its `--resources` names) and
 * the API group each lives in, from which the ClusterRole is derived: one
 * `list`/`watch` rule per group, for exactly the watched resources.
 */
export const KUBE_STATE_METRICS_RESOURCES = {
  certificatesigningrequests: "certificates.k8s.io",
  clusterrolebindings: "rbac.authorization.k8s.io",
  clusterroles: "rbac.authorization.k8s.io",
  configmaps: "",
  cronjobs: "batch",
  daemonsets: "apps",
  deployments: "apps",
  endpoints: "",
  endpointslices: "discovery.k8s.io",
  horizontalpodautoscalers: "autoscaling",
  ingressclasses: "networking.k8s.io",
  ingresses: "networking.k8s.io",
  jobs: "batch",
  leases: "coordination.k8s.io",
  limitranges: "",
  mutatingwebhookconfigurations: "admissionregistration.k8s.io",
  namespaces: "",
  networkpolicies: "networking.k8s.io",
  nodes: "",
  persistentvolumeclaims: "",
  persistentvolumes: "",
  poddisruptionbudgets: "policy",
  pods: "",
  replicasets: "apps",
  replicationcontrollers: "",
  resourcequotas: "",
  rolebindings: "rbac.authorization.k8s.io",
  roles: "rbac.authorization.k8s.io",
  secrets: "",
  serviceaccounts: "",
  services: "",
  statefulsets: "apps",
  storageclasses: "storage.k8s.io",
  validatingwebhookconfigurations: "admissionregistration.k8s.io",
  volumeattachments: "storage.k8s.io",
} as const;

export type KubeStateMetricsResource = keyof typeof KUBE_STATE_METRICS_RESOURCES;

export const KUBE_STATE_METRICS_RESOURCE_NAMES = (
  Object.keys(KUBE_STATE_METRICS_RESOURCES) as KubeStateMetricsResource[]
).sort();

/**
 * What we watch by default: kube-state-metrics' own default set minus
 * `secrets` and `configmaps`. Listing those grants read access to their
 * data, which no dashboard or alert of the stack needs; add them back in
 * `watchedResources` if you want `kube_secret_*` or `kube_configmap_*`.
 */
export const DEFAULT_KUBE_STATE_METRICS_RESOURCES = [
  "certificatesigningrequests",
  "cronjobs",
  "daemonsets",
  "deployments",
  "endpointslices",
  "horizontalpodautoscalers",
  "ingresses",
  "jobs",
  "leases",
  "limitranges",
  "mutatingwebhookconfigurations",
  "namespaces",
  "networkpolicies",
  "nodes",
  "persistentvolumeclaims",
  "persistentvolumes",
  "poddisruptionbudgets",
  "pods",
  "replicasets",
  "replicationcontrollers",
  "resourcequotas",
  "services",
  "statefulsets",
  "storageclasses",
  "validatingwebhookconfigurations",
  "volumeattachments",
] as const satisfies readonly KubeStateMetricsResource[];

/**
 * Materialize pod labels copied onto `kube_pod_labels` (as
 * `label_<sanitised key>`), so pod state can be joined with Materialize
 * series by organization, cluster and replica. Source:
 * shared/reference/materialize.md.
 */
export const MATERIALIZE_POD_LABELS = [
  "app.kubernetes.io/name",
  "materialize.cloud/organization-name",
  "materialize.cloud/organization-namespace",
  "materialize.cloud/organization-id",
  "cluster.environmentd.materialize.cloud/cluster-id",
  "cluster.environmentd.materialize.cloud/replica-id",
  "cluster.environmentd.materialize.cloud/type",
] as const;
