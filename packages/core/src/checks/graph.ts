/**
 * Graph checks over a rendered stack: Services select pods and name real
 * ports; referenced ConfigMaps, Secrets, ServiceAccounts, PVCs and
 * PriorityClasses exist (or are declared external); every in-cluster address
 * written into a config resolves to a rendered Service and port.
 */
import type { KubeObject, Service } from "../k8s.js";
import { objectKey } from "../k8s.js";
import { serviceSelects } from "../selectors.js";
import { allContainers, type PodInfo, podsOf, resolvePodPort, secretReferences } from "./pods.js";

export interface GraphProblem {
  check: "service-selector" | "service-port" | "reference" | "address";
  object: string;
  message: string;
}

type NamedService = Service & { metadata: { name: string; namespace?: string } };

function servicesOf(objects: readonly KubeObject[]): NamedService[] {
  return objects.filter(
    (o): o is KubeObject & NamedService => o.kind === "Service" && o.apiVersion === "v1",
  );
}

export function podsSelectedBy(service: NamedService, pods: readonly PodInfo[]): PodInfo[] {
  const namespace = service.metadata.namespace ?? "default";
  return pods.filter(
    (pod) => pod.namespace === namespace && serviceSelects(service.spec?.selector, pod.labels),
  );
}

/** Every Service selects at least one pod template, and every targetPort exists on each of them. */
export function checkServices(objects: readonly KubeObject[]): GraphProblem[] {
  const pods = podsOf(objects);
  const problems: GraphProblem[] = [];
  for (const service of servicesOf(objects)) {
    if (service.spec?.type === "ExternalName") continue;
    const selected = podsSelectedBy(service, pods);
    const key = objectKey(service as KubeObject);
    if (selected.length === 0) {
      problems.push({
        check: "service-selector",
        object: key,
        message: `selector ${JSON.stringify(service.spec?.selector ?? {})} matches no rendered pod template`,
      });
      continue;
    }
    for (const port of service.spec?.ports ?? []) {
      const target = port.targetPort ?? port.port;
      for (const pod of selected) {
        if (resolvePodPort(pod, target as number | string, port.protocol ?? "TCP") === undefined) {
          problems.push({
            check: "service-port",
            object: key,
            message: `targetPort ${String(target)} (${port.protocol ?? "TCP"}) of port ${port.name ?? port.port} does not exist on ${pod.owner}`,
          });
        }
      }
    }
  }
  return problems;
}

/** Objects that exist outside the render (created by users or the cluster) and may be referenced. */
export interface ExternalObjects {
  secrets?: readonly string[];
  configMaps?: readonly string[];
  serviceAccounts?: readonly string[];
  persistentVolumeClaims?: readonly string[];
  priorityClasses?: readonly string[];
  clusterRoles?: readonly string[];
  /** Roles as `namespace/name`. */
  roles?: readonly string[];
}

/** Cluster roles and priority classes every Kubernetes cluster has. */
const BUILT_IN_CLUSTER_ROLES = ["system:auth-delegator", "view", "edit", "admin", "cluster-admin"];
const BUILT_IN_PRIORITY_CLASSES = ["system-cluster-critical", "system-node-critical"];
/** Roles the API server bootstraps in every cluster, as `namespace/name`. */
const BUILT_IN_ROLES = [
  "kube-system/extension-apiserver-authentication-reader",
  "kube-system/system:controller:bootstrap-signer",
  "kube-public/system:controller:bootstrap-signer",
];

/** Every ConfigMap, Secret, ServiceAccount, PVC, PriorityClass and role a rendered object references exists. */
/**
 * `namespace/name` of every Secret a rendered cert-manager `Certificate`
 * asks cert-manager to write: it exists once cert-manager has issued the
 * certificate, and the pods that mount it wait for it.
 */
export function certificateSecrets(objects: readonly KubeObject[]): string[] {
  const names: string[] = [];
  for (const o of objects) {
    if (o.kind !== "Certificate" || !o.apiVersion.startsWith("cert-manager.io/")) continue;
    const secretName = (o as { spec?: { secretName?: unknown } }).spec?.secretName;
    if (typeof secretName === "string") names.push(`${o.metadata.namespace ?? ""}/${secretName}`);
  }
  return names.sort();
}

export function checkReferences(
  objects: readonly KubeObject[],
  external: ExternalObjects = {},
): GraphProblem[] {
  const have = new Set<string>();
  for (const o of objects) have.add(`${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
  // cert-manager writes the Secret each rendered Certificate names.
  for (const id of certificateSecrets(objects)) have.add(`Secret/${id}`);
  const exists = (
    kind: string,
    namespace: string,
    name: string,
    externals: readonly string[] = [],
  ) =>
    have.has(`${kind}/${namespace}/${name}`) ||
    externals.includes(name) ||
    externals.includes(`${namespace}/${name}`);
  const problems: GraphProblem[] = [];
  const missing = (object: string, what: string) =>
    problems.push({
      check: "reference",
      object,
      message: `${what} does not exist in the render and is not declared external`,
    });

  for (const pod of podsOf(objects)) {
    const ns = pod.namespace;
    const claimNames = new Set(
      (
        (pod.kind === "StatefulSet"
          ? (
              objects.find((o) => objectKey(o) === pod.owner) as {
                spec?: { volumeClaimTemplates?: { metadata?: { name?: string } }[] };
              }
            )?.spec?.volumeClaimTemplates
          : []) ?? []
      ).map((t) => t.metadata?.name),
    );
    for (const volume of pod.spec.volumes ?? []) {
      if (
        volume.configMap?.name &&
        !volume.configMap.optional &&
        !exists("ConfigMap", ns, volume.configMap.name, external.configMaps)
      ) {
        missing(pod.owner, `ConfigMap ${volume.configMap.name} (volume ${volume.name})`);
      }
      for (const source of volume.projected?.sources ?? []) {
        if (
          source.configMap?.name &&
          !source.configMap.optional &&
          !exists("ConfigMap", ns, source.configMap.name, external.configMaps)
        ) {
          missing(
            pod.owner,
            `ConfigMap ${source.configMap.name} (projected volume ${volume.name})`,
          );
        }
      }
      const claim = volume.persistentVolumeClaim?.claimName;
      if (
        claim &&
        !claimNames.has(claim) &&
        !exists("PersistentVolumeClaim", ns, claim, external.persistentVolumeClaims)
      ) {
        missing(pod.owner, `PersistentVolumeClaim ${claim}`);
      }
    }
    for (const container of allContainers(pod.spec)) {
      for (const env of container.env ?? []) {
        const cm = env.valueFrom?.configMapKeyRef;
        if (cm?.name && !cm.optional && !exists("ConfigMap", ns, cm.name, external.configMaps)) {
          missing(pod.owner, `ConfigMap ${cm.name} (env ${env.name})`);
        }
      }
      for (const from of container.envFrom ?? []) {
        if (
          from.configMapRef?.name &&
          !from.configMapRef.optional &&
          !exists("ConfigMap", ns, from.configMapRef.name, external.configMaps)
        ) {
          missing(pod.owner, `ConfigMap ${from.configMapRef.name} (envFrom)`);
        }
      }
      for (const mount of container.volumeMounts ?? []) {
        const declared =
          (pod.spec.volumes ?? []).some((v) => v.name === mount.name) || claimNames.has(mount.name);
        if (!declared)
          missing(pod.owner, `volume ${mount.name} mounted by container ${container.name}`);
      }
    }
    for (const ref of secretReferences(pod.spec)) {
      if (!exists("Secret", ns, ref.name, external.secrets))
        missing(pod.owner, `Secret ${ref.name} (${ref.via})`);
    }
    const sa = pod.spec.serviceAccountName;
    if (sa && sa !== "default" && !exists("ServiceAccount", ns, sa, external.serviceAccounts)) {
      missing(pod.owner, `ServiceAccount ${sa}`);
    }
    const pc = pod.spec.priorityClassName;
    if (
      pc &&
      !BUILT_IN_PRIORITY_CLASSES.includes(pc) &&
      !exists("PriorityClass", "", pc, external.priorityClasses)
    ) {
      missing(pod.owner, `PriorityClass ${pc}`);
    }
    for (const secret of pod.spec.imagePullSecrets ?? []) {
      if (secret.name && !exists("Secret", ns, secret.name, external.secrets))
        missing(pod.owner, `image pull Secret ${secret.name}`);
    }
  }

  for (const o of objects) {
    if (o.kind !== "RoleBinding" && o.kind !== "ClusterRoleBinding") continue;
    const binding = o as KubeObject & {
      roleRef: { kind: string; name: string };
      subjects?: { kind: string; name: string; namespace?: string }[];
    };
    const { kind, name } = binding.roleRef;
    const roleNamespace = kind === "Role" ? (o.metadata.namespace ?? "") : "";
    const builtIn =
      kind === "ClusterRole"
        ? BUILT_IN_CLUSTER_ROLES.includes(name)
        : BUILT_IN_ROLES.includes(`${roleNamespace}/${name}`);
    const externals = kind === "ClusterRole" ? external.clusterRoles : external.roles;
    if (!builtIn && !exists(kind, roleNamespace, name, externals)) {
      missing(objectKey(o), `${kind} ${name}`);
    }
    for (const subject of binding.subjects ?? []) {
      if (subject.kind !== "ServiceAccount") continue;
      const ns = subject.namespace ?? o.metadata.namespace ?? "";
      if (!exists("ServiceAccount", ns, subject.name, external.serviceAccounts)) {
        missing(objectKey(o), `ServiceAccount ${ns}/${subject.name} (subject)`);
      }
    }
  }
  for (const o of objects) {
    if (o.kind !== "APIService") continue;
    const svc = (o as { spec?: { service?: { name: string; namespace: string } } }).spec?.service;
    if (svc && !exists("Service", svc.namespace, svc.name))
      missing(objectKey(o), `Service ${svc.namespace}/${svc.name}`);
  }
  return problems;
}

/** An in-cluster address found in a rendered config. */
export interface Address {
  /** The object whose text holds it. */
  source: string;
  text: string;
  host: string;
  /** A number, or a port name for DNS SRV addresses. */
  port: number | string | undefined;
  /** The Service it resolved to, `Kind/namespace/name`, when it did. */
  service?: string;
  /** The resolved service port number. */
  servicePort?: number;
  /** The target port on the pods. */
  targetPort?: number | string;
  /**
   * The address names how others reach the component (an external URL it
   * advertises), not a connection it opens; it must still resolve.
   */
  advertised?: boolean;
}

/**
 * Settings whose URL is advertised to others, not dialled: Prometheus-ecosystem
 * `--web.external-url`/`--alert.query-url`, Grafana's `root_url`, and a Thanos
 * receive's own hashring address (`--receive.local-endpoint`: its peers dial it
 * from the hashring file, it does not dial itself).
 */
const ADVERTISED_SETTINGS = [
  "--web.external-url",
  "--receive.local-endpoint",
  "--alert.query-url",
  "--web.route-prefix",
  "root_url",
  "external_url",
];

function isAdvertised(text: string, index: number): boolean {
  const start = text.lastIndexOf("\n", index) + 1;
  const line = text.slice(start, index).trimStart();
  return ADVERTISED_SETTINGS.some((setting) => line.startsWith(setting));
}

const CLUSTER_DOMAIN = "cluster.local";
/** Hosts that are the cluster itself, not something the stack renders. */
const CLUSTER_HOSTS = [
  "kubernetes.default.svc",
  `kubernetes.default.svc.${CLUSTER_DOMAIN}`,
  "kubernetes.default",
];

const URL_PATTERN =
  /\b(?:https?|grpc|dnssrv\+https?|dns\+https?|dnssrv|dns)?:?\/\/([A-Za-z0-9_.$(){}-]+)(?::(\d+))?/g;
const SRV_PATTERN = /\bdnssrv(?:noa)?\+(?:https?:\/\/)?_([a-z0-9-]+)\._tcp\.([a-z0-9.-]+)/g;
/** `host.svc[.<clusterDomain>]:port`, for the cluster's own domain. */
function hostPortPattern(clusterDomain: string): RegExp {
  const domain = clusterDomain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`\\b([a-z0-9]([a-z0-9.-]*[a-z0-9])?\\.svc(?:\\.${domain})?):(\\d+)\\b`, "g");
}

/** Strings an object carries that may hold addresses: config data, args, env, custom resource specs. */
function textsOf(object: KubeObject): string[] {
  const texts: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === "string") texts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      for (const [key, v] of Object.entries(value))
        if (key !== "metadata" && key !== "status") walk(v);
    }
  };
  if (object.kind === "ConfigMap" || object.kind === "Secret") {
    const record = object as { data?: Record<string, string>; stringData?: Record<string, string> };
    walk(record.data ?? {});
    walk(record.stringData ?? {});
    return texts;
  }
  if (
    object.kind === "Deployment" ||
    object.kind === "StatefulSet" ||
    object.kind === "DaemonSet"
  ) {
    const spec = (
      object as {
        spec?: { template?: { spec?: { containers?: unknown[]; initContainers?: unknown[] } } };
      }
    ).spec?.template?.spec;
    for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])] as {
      args?: string[];
      command?: string[];
      env?: { value?: string }[];
    }[]) {
      walk(c.args ?? []);
      walk(c.command ?? []);
      walk((c.env ?? []).map((e) => e.value).filter(Boolean));
    }
    return texts;
  }
  const builtIn = [
    "v1",
    "apps/v1",
    "rbac.authorization.k8s.io/v1",
    "policy/v1",
    "networking.k8s.io/v1",
    "apiextensions.k8s.io/v1",
  ];
  if (!builtIn.includes(object.apiVersion)) walk((object as { spec?: unknown }).spec);
  return texts;
}

/** Splits `svc.ns.svc.cluster.local` / `pod.svc.ns.svc` / `svc.ns` / `svc` into service and namespace. */
function serviceOfHost(
  host: string,
  defaultNamespace: string,
  knownNamespaces: ReadonlySet<string>,
  clusterDomain: string,
) {
  let labels = host.split(".");
  const domainLabels = clusterDomain.split(".").length;
  if (labels.slice(-domainLabels).join(".") === clusterDomain)
    labels = labels.slice(0, -domainLabels);
  if (labels.at(-1) === "svc") labels = labels.slice(0, -1);
  if (labels.length === 1) return { service: labels[0] as string, namespace: defaultNamespace };
  if (labels.length === 2 && knownNamespaces.has(labels[1] as string)) {
    return { service: labels[0] as string, namespace: labels[1] as string };
  }
  if (labels.length === 3 && knownNamespaces.has(labels[2] as string)) {
    return {
      pod: labels[0] as string,
      service: labels[1] as string,
      namespace: labels[2] as string,
    };
  }
  return undefined;
}

export interface AddressOptions {
  /** Hosts that are fine to leave unresolved (external endpoints the user configured). */
  ignoreHosts?: readonly string[];
  /** The cluster's DNS domain; `cluster.local` unless set. */
  clusterDomain?: string;
}

function isInternalHost(
  host: string,
  services: ReadonlySet<string>,
  clusterDomain: string,
): boolean {
  return host.endsWith(".svc") || host.endsWith(`.svc.${clusterDomain}`) || services.has(host);
}

/**
 * Finds every in-cluster address in the rendered configs and resolves it to a
 * Service and port. Returns the addresses and a problem for each that does not
 * resolve (unknown Service, port not on the Service, pod name beyond the replicas).
 */
export function checkAddresses(
  objects: readonly KubeObject[],
  options: AddressOptions = {},
): { addresses: Address[]; problems: GraphProblem[] } {
  const clusterDomain = options.clusterDomain ?? CLUSTER_DOMAIN;
  const hostPorts = hostPortPattern(clusterDomain);
  const services = servicesOf(objects);
  const serviceNames = new Set(services.map((s) => s.metadata.name));
  const namespaces = new Set<string>([
    ...objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name),
    ...objects.map((o) => o.metadata.namespace).filter((n): n is string => Boolean(n)),
  ]);
  const addresses: Address[] = [];
  const problems: GraphProblem[] = [];
  const ignore = new Set([
    ...(options.ignoreHosts ?? []),
    ...CLUSTER_HOSTS,
    "localhost",
    "127.0.0.1",
    "0.0.0.0",
  ]);

  for (const object of objects) {
    const source = objectKey(object);
    const defaultNamespace = object.metadata.namespace ?? "default";
    const found = new Map<string, Address>();
    const remember = (key: string, address: Address) => {
      const existing = found.get(key);
      // A dialled use of an address wins over an advertised one.
      if (!existing || (existing.advertised && !address.advertised)) found.set(key, address);
    };
    for (const text of textsOf(object)) {
      for (const match of text.matchAll(SRV_PATTERN)) {
        const host = (match[2] as string).replace(/\.$/, "");
        remember(`srv:${host}:${match[1]}`, {
          source,
          text: match[0],
          host,
          port: match[1] as string,
          ...(isAdvertised(text, match.index) ? { advertised: true } : {}),
        });
      }
      for (const match of text.matchAll(URL_PATTERN)) {
        const host = match[1] as string;
        if (host.startsWith("_")) continue; // SRV form, handled above
        const port = match[2] ? Number(match[2]) : match[0].startsWith("https") ? 443 : 80;
        remember(`url:${host}:${port}`, {
          source,
          text: match[0],
          host,
          port,
          ...(isAdvertised(text, match.index) ? { advertised: true } : {}),
        });
      }
      for (const match of text.matchAll(hostPorts)) {
        const host = match[1] as string;
        remember(`url:${host}:${match[3]}`, {
          source,
          text: match[0],
          host,
          port: Number(match[3]),
          ...(isAdvertised(text, match.index) ? { advertised: true } : {}),
        });
      }
    }
    for (const address of found.values()) {
      if (ignore.has(address.host) || address.host.includes("$") || address.host.includes("{"))
        continue;
      if (!isInternalHost(address.host, serviceNames, clusterDomain)) continue;
      const target = serviceOfHost(address.host, defaultNamespace, namespaces, clusterDomain);
      const service = target
        ? services.find(
            (s) =>
              s.metadata.name === target.service &&
              (s.metadata.namespace ?? "default") === target.namespace,
          )
        : undefined;
      if (!service || !target) {
        problems.push({
          check: "address",
          object: source,
          message: `${address.text}: no rendered Service for host ${address.host}`,
        });
        continue;
      }
      const port = (service.spec?.ports ?? []).find((p) =>
        typeof address.port === "string" ? p.name === address.port : p.port === address.port,
      );
      if (!port) {
        problems.push({
          check: "address",
          object: source,
          message: `${address.text}: Service ${target.namespace}/${target.service} has no port ${String(address.port)}`,
        });
        continue;
      }
      if (target.pod) {
        const owner = objects.find(
          (o) =>
            o.kind === "StatefulSet" &&
            (o.metadata.namespace ?? "default") === target.namespace &&
            target.pod?.startsWith(`${o.metadata.name}-`),
        ) as (KubeObject & { spec?: { replicas?: number; serviceName?: string } }) | undefined;
        const ordinal = owner
          ? Number(target.pod.slice(owner.metadata.name.length + 1))
          : Number.NaN;
        if (
          !owner ||
          !Number.isInteger(ordinal) ||
          ordinal >= (owner.spec?.replicas ?? 1) ||
          owner.spec?.serviceName !== target.service
        ) {
          problems.push({
            check: "address",
            object: source,
            message: `${address.text}: pod ${target.pod} is not a replica of a StatefulSet governed by Service ${target.service}`,
          });
          continue;
        }
      }
      addresses.push({
        ...address,
        service: objectKey(service as KubeObject),
        servicePort: port.port,
        targetPort: port.targetPort ?? port.port,
      });
    }
  }
  return { addresses, problems };
}
