import type { BuildContext } from "./component.js";
import type {
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  HorizontalPodAutoscaler,
  KubeObject,
  Namespace,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  ObjectMeta,
  PodDisruptionBudget,
  PolicyRule,
  PriorityClass,
  Role,
  RoleBinding,
  Secret,
  Service,
  ServiceAccount,
  ServicePort,
} from "./k8s.js";

type Named<T> = T & { apiVersion: string; kind: string; metadata: ObjectMeta & { name: string } };
type Meta = ObjectMeta & { name: string };

export function namespace(
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): Named<Namespace> {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: { "kubernetes.io/metadata.name": name, ...labels },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
  };
}

/** Pod Security admission labels for a namespace. */
export function podSecurityLabels(
  level: "restricted" | "baseline" | "privileged",
): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  };
}

export interface ServiceOptions {
  metadata: Meta;
  selector: Record<string, string>;
  ports: ServicePort[];
  /** Headless (clusterIP: None) for StatefulSet DNS and SRV discovery. */
  headless?: boolean;
  publishNotReadyAddresses?: boolean;
  /** ClusterIP unless set. */
  type?: "ClusterIP" | "LoadBalancer" | "NodePort";
  /** The source ranges a LoadBalancer admits. */
  loadBalancerSourceRanges?: string[];
}

/** A ClusterIP (or headless) Service; ports must be named so SRV records and targetPorts match. */
export function service(options: ServiceOptions): Named<Service> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: options.metadata,
    spec: {
      type: options.type ?? "ClusterIP",
      ...(options.loadBalancerSourceRanges?.length
        ? { loadBalancerSourceRanges: [...options.loadBalancerSourceRanges] }
        : {}),
      ...(options.headless ? { clusterIP: "None" } : {}),
      ...(options.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
      selector: { ...options.selector },
      ports: options.ports.map((p) => ({ protocol: "TCP", ...p })),
    },
  };
}

export function servicePort(
  name: string,
  port: number,
  targetPort: string | number = name,
): ServicePort {
  return { name, port, targetPort, protocol: "TCP" };
}

export function serviceAccount(
  metadata: Meta,
  options: { automountToken?: boolean } = {},
): Named<ServiceAccount> {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata,
    automountServiceAccountToken: options.automountToken ?? false,
  };
}

export function role(metadata: Meta, rules: PolicyRule[]): Named<Role> {
  return { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata, rules };
}

export function clusterRole(metadata: Meta, rules: PolicyRule[]): Named<ClusterRole> {
  const { namespace: _ignored, ...clusterMeta } = metadata;
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: clusterMeta,
    rules,
  };
}

export interface Subject {
  name: string;
  namespace: string;
}

export function roleBinding(
  metadata: Meta,
  roleRef: { kind: "Role" | "ClusterRole"; name: string },
  subjects: Subject[],
): Named<RoleBinding> {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef },
    subjects: subjects.map((s) => ({
      kind: "ServiceAccount",
      name: s.name,
      namespace: s.namespace,
    })),
  };
}

export function clusterRoleBinding(
  metadata: Meta,
  roleName: string,
  subjects: Subject[],
): Named<ClusterRoleBinding> {
  const { namespace: _ignored, ...clusterMeta } = metadata;
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: clusterMeta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
    subjects: subjects.map((s) => ({
      kind: "ServiceAccount",
      name: s.name,
      namespace: s.namespace,
    })),
  };
}

export function configMap(metadata: Meta, data: Record<string, string>): Named<ConfigMap> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(data).sort()) sorted[key] = data[key] as string;
  return { apiVersion: "v1", kind: "ConfigMap", metadata, data: sorted };
}

/**
 * A Secret whose data is not a credential (e.g. a config file that only
 * references credentials through env expansion). Never put a password here:
 * the policy checks scan every rendered Secret.
 */
export function nonSensitiveSecret(
  metadata: Meta,
  stringData: Record<string, string>,
): Named<Secret> {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata,
    type: "Opaque",
    stringData: { ...stringData },
  };
}

export function podDisruptionBudget(
  metadata: Meta,
  selector: Record<string, string>,
  budget: { maxUnavailable: number | string } | { minAvailable: number | string },
): Named<PodDisruptionBudget> {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata,
    spec: { ...budget, selector: { matchLabels: { ...selector } } },
  };
}

/** A peer: pods by labels, optionally in namespaces selected by labels (or any namespace with `{}`). */
export function podPeer(
  podLabels: Record<string, string>,
  namespaceLabels?: Record<string, string>,
): NetworkPolicyPeer {
  return {
    podSelector: { matchLabels: { ...podLabels } },
    ...(namespaceLabels ? { namespaceSelector: { matchLabels: { ...namespaceLabels } } } : {}),
  };
}

/** Pods in a namespace by its name (via the immutable `kubernetes.io/metadata.name` label). */
export function namespacePeer(
  namespaceName: string,
  podLabels?: Record<string, string>,
): NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespaceName } },
    ...(podLabels ? { podSelector: { matchLabels: { ...podLabels } } } : {}),
  };
}

/** The port a URL connects to: its own, else its scheme's default (443 for https and grpcs, else 80). */
export function urlPort(url: string): number {
  const parsed = new URL(url);
  if (parsed.port) return Number(parsed.port);
  return parsed.protocol === "https:" || parsed.protocol === "grpcs:" ? 443 : 80;
}

export function tcpPorts(...ports: (number | string)[]): NetworkPolicyPort[] {
  return ports.map((port) => ({ protocol: "TCP", port }));
}

export interface NetworkPolicyRuleInput {
  peers?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyOptions {
  metadata: Meta;
  podSelector: Record<string, string>;
  /** Omitted: ingress is not restricted by this policy. Empty array: deny all ingress. */
  ingress?: NetworkPolicyRuleInput[];
  /** Omitted: egress is not restricted by this policy. Empty array: deny all egress. */
  egress?: NetworkPolicyRuleInput[];
}

export function networkPolicy(options: NetworkPolicyOptions): Named<NetworkPolicy> {
  const policyTypes: ("Ingress" | "Egress")[] = [];
  if (options.ingress) policyTypes.push("Ingress");
  if (options.egress) policyTypes.push("Egress");
  const rule = (r: NetworkPolicyRuleInput, direction: "from" | "to") => ({
    ...(r.peers?.length ? { [direction]: r.peers } : {}),
    ...(r.ports?.length ? { ports: r.ports } : {}),
  });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: options.metadata,
    spec: {
      podSelector: { matchLabels: { ...options.podSelector } },
      policyTypes,
      ...(options.ingress ? { ingress: options.ingress.map((r) => rule(r, "from")) } : {}),
      ...(options.egress ? { egress: options.egress.map((r) => rule(r, "to")) } : {}),
    },
  };
}

/** Egress to cluster DNS (kube-dns / CoreDNS in kube-system), which nearly every pod needs. */
export function dnsEgressRule(): NetworkPolicyRuleInput {
  return {
    peers: [namespacePeer("kube-system", { "k8s-app": "kube-dns" })],
    ports: [
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ],
  };
}

export function horizontalPodAutoscaler(
  metadata: Meta,
  target: { kind: "Deployment" | "StatefulSet"; name: string },
  options: {
    minReplicas: number;
    maxReplicas: number;
    cpuUtilization?: number;
    memoryUtilization?: number;
  },
): Named<HorizontalPodAutoscaler> {
  const metrics = [
    ...(options.cpuUtilization !== undefined
      ? [
          {
            type: "Resource",
            resource: {
              name: "cpu",
              target: { type: "Utilization", averageUtilization: options.cpuUtilization },
            },
          },
        ]
      : []),
    ...(options.memoryUtilization !== undefined
      ? [
          {
            type: "Resource",
            resource: {
              name: "memory",
              target: { type: "Utilization", averageUtilization: options.memoryUtilization },
            },
          },
        ]
      : []),
  ];
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata,
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: target.kind, name: target.name },
      minReplicas: options.minReplicas,
      maxReplicas: options.maxReplicas,
      metrics,
    },
  };
}

export function priorityClass(
  ctx: BuildContext,
  name: string,
  value: number,
  description: string,
): Named<PriorityClass> {
  return {
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: {
      name,
      labels: { ...ctx.commonLabels, "app.kubernetes.io/part-of": "materialize-monitoring" },
    },
    value,
    globalDefault: false,
    // Monitoring must never evict the workloads it watches (Materialize pods among them).
    preemptionPolicy: "Never",
    description,
  };
}

/** A key of a ConfigMap among built objects (a rendered config a test or tool reads back). */
export function configMapValue(
  objects: readonly KubeObject[],
  ref: { name: string; key: string },
): string {
  for (const object of objects) {
    if (object.kind !== "ConfigMap" || object.metadata.name !== ref.name || !("data" in object))
      continue;
    const data: unknown = object.data;
    const text: unknown =
      typeof data === "object" && data !== null ? Reflect.get(data, ref.key) : undefined;
    if (typeof text === "string") return text;
  }
  throw new Error(`ConfigMap ${ref.name} (key ${ref.key}) is not among the objects`);
}

/**
 * Egress to the node-local metadata servers that hand out workload-identity tokens: GKE's
 * (169.254.169.254:80 on legacy clusters, 169.254.169.252:988 with Dataplane V2), Azure's
 * instance metadata service for managed identities (169.254.169.254:80) and the EKS Pod
 * Identity agent (169.254.170.23:80). `clouds` names the ones a pod needs.
 */
export function metadataServerEgress(clouds: {
  gke?: boolean;
  azureManagedIdentity?: boolean;
  eksPodIdentity?: boolean;
}): NetworkPolicyRuleInput[] {
  const rules: NetworkPolicyRuleInput[] = [];
  if (clouds.gke || clouds.azureManagedIdentity)
    rules.push({ peers: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: tcpPorts(80) });
  if (clouds.gke)
    rules.push({ peers: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: tcpPorts(988) });
  if (clouds.eksPodIdentity)
    rules.push({ peers: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: tcpPorts(80) });
  return rules;
}
