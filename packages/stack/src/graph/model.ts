/**
 * The stack's data flow as a graph: one node per workload, grouped by the
 * component that owns it, plus the external endpoints that replace disabled
 * components; one edge per wired connection.
 *
 * Edges come from the same data `validate` checks the NetworkPolicies against:
 * `checkAddresses` over the rendered objects and `wiredConnections` with the
 * stack's declared connections and custom-resource consumers. What an edge is
 * for comes from the addresses each component publishes in its endpoints.
 */
import {
  isWorkload,
  type KubeObject,
  objectKey,
  referencedConfig,
} from "@materialize-monitoring/core";
import {
  type Address,
  checkAddresses,
  type PodInfo,
  podsOf,
  resolvePodPort,
  selectorMatches,
  serviceSelects,
  wiredConnections,
} from "@materialize-monitoring/core/validate";
import { customResourceConsumers, declaredConnections } from "../connections.js";
import type { Stack } from "../stack.js";
import {
  compare,
  type EndpointPurpose,
  externalEndpoints,
  internalPurposes,
  portNamePurpose,
  purposesOf,
} from "./purposes.js";
import { clientTls, type EdgeTls, mergeTls, serverTls, type TlsState } from "./tls.js";

export type GraphNodeKind = "Deployment" | "StatefulSet" | "DaemonSet" | "external" | "cluster";

export interface GraphNode {
  /** `Kind/namespace/name` for workloads (as `validate` names them), `external/<section>`, `cluster/kube-apiserver`. */
  id: string;
  /** The workload's name, or what the external endpoint is. */
  label: string;
  /** `StatefulSet × 3`, `DaemonSet (every node)`, or the external hosts. */
  detail: string;
  kind: GraphNodeKind;
  /** The group (component) the node belongs to. */
  group: string;
  namespace?: string;
  /** Pod replicas from the spec; absent for DaemonSets, external nodes, or when an autoscaler sets them. */
  replicas?: number;
  /** The addresses of an external endpoint, as the values give them. */
  urls?: string[];
}

export interface GraphGroup {
  /** The umbrella section (`loki`, `thanos`, ...), or `outside` for what the stack does not run. */
  id: string;
  title: string;
  /** Node ids, sorted. */
  nodes: string[];
}

export interface GraphEdge {
  from: string;
  to: string;
  /** What the connection is for: `PromQL`, `push`, `alerts`, `StoreAPI`, or the port's name. */
  purpose: string;
  /** The port the client dials (the Service port when it goes through a Service). */
  port: number;
  /** The port on the destination pods. */
  targetPort: number;
  protocols: ("TCP" | "UDP")[];
  /** The addresses or declarations the connection comes from. */
  via: string[];
  /**
   * Under the stack's internal TLS: whether the client dials with TLS and the
   * server listens with it, each read from the rendered settings.
   */
  tls?: EdgeTls;
}

export interface StackGraph {
  namespace: string;
  groups: GraphGroup[];
  nodes: GraphNode[];
  /** Sorted by source, destination, purpose and port; connections within a workload have `from === to`. */
  edges: GraphEdge[];
}

/** Titles of the umbrella's sections; a section without one is shown by its key. */
const GROUP_TITLES: Record<string, string> = {
  exporters: "exporters",
  alertmanager: "Alertmanager",
  loki: "Loki",
  thanos: "Thanos",
  grafana: "Grafana",
  grafanaOperator: "grafana-operator",
  materialize: "Materialize",
};
export const OUTSIDE_GROUP = "outside";
const API_SERVER = "cluster/kube-apiserver";

const WORKLOAD_ORDER = ["Deployment", "StatefulSet", "DaemonSet"];

function workloadDetail(
  object: KubeObject,
  namespace: string,
): { detail: string; replicas?: number } {
  const replicas = (object as { spec?: { replicas?: number } }).spec?.replicas;
  const count =
    object.kind === "DaemonSet"
      ? `${object.kind} (every node)`
      : replicas === undefined
        ? object.kind
        : `${object.kind} × ${replicas}`;
  const ns = object.metadata.namespace ?? namespace;
  return {
    detail: ns === namespace ? count : `${count}, namespace ${ns}`,
    ...(object.kind !== "DaemonSet" && replicas !== undefined ? { replicas } : {}),
  };
}

/** API versions whose objects hold no addresses outside their pods (core's address check skips them too). */
const BUILT_IN_API_VERSIONS = [
  "v1",
  "apps/v1",
  "rbac.authorization.k8s.io/v1",
  "policy/v1",
  "networking.k8s.io/v1",
  "apiextensions.k8s.io/v1",
];

/** Strings an object carries that may hold addresses, as core's address check reads them. */
function textsOf(object: KubeObject): string[] {
  const texts: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === "string") texts.push(value);
    else if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === "object") {
      for (const [key, v] of Object.entries(value))
        if (key !== "metadata" && key !== "status") walk(v);
    }
  };
  if (object.kind === "ConfigMap" || object.kind === "Secret") {
    const record = object as { data?: Record<string, string>; stringData?: Record<string, string> };
    walk(record.data ?? {});
    walk(record.stringData ?? {});
  } else if (isWorkload(object)) {
    const spec = object.spec?.template?.spec;
    for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      walk(c.args ?? []);
      walk(c.command ?? []);
      walk((c.env ?? []).map((e) => e.value).filter(Boolean));
    }
  } else if (!BUILT_IN_API_VERSIONS.includes(object.apiVersion)) {
    walk((object as { spec?: unknown }).spec);
  }
  return texts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const PATH = "(/[A-Za-z0-9._~%/+=@-]*)?";

/** The full URLs (with their paths) an object writes for an address found in it. */
function dialledUrls(object: KubeObject | undefined, text: string): string[] {
  if (!object) return [text];
  const pattern = new RegExp(`${escapeRegExp(text)}${PATH}`, "g");
  const found = new Set<string>();
  for (const t of textsOf(object)) for (const m of t.matchAll(pattern)) found.add(m[0]);
  return found.size > 0 ? [...found].sort(compare) : [text];
}

interface Consumers {
  pods: readonly PodInfo[];
  customResources: ReturnType<typeof customResourceConsumers>;
  /** Custom resources an external node acts on (GrafanaDatasource -> the external Grafana). */
  external: Record<string, string>;
}

/** The nodes that act on the addresses in an object, as core's wiredConnections finds them. */
function consumersOf(source: KubeObject, consumers: Consumers): string[] {
  const namespace = source.metadata.namespace ?? "default";
  if (source.kind === "ConfigMap" || source.kind === "Secret") {
    return consumers.pods
      .filter((pod) => {
        if (pod.namespace !== namespace) return false;
        const refs = referencedConfig(pod.spec);
        return (source.kind === "ConfigMap" ? refs.configMaps : refs.secrets).includes(
          source.metadata.name,
        );
      })
      .map((pod) => pod.owner);
  }
  const key = objectKey(source);
  if (consumers.pods.some((pod) => pod.owner === key)) return [key];
  const consumer = consumers.customResources[source.kind];
  if (consumer) {
    return consumers.pods
      .filter(
        (pod) =>
          (consumer.namespace === undefined || pod.namespace === consumer.namespace) &&
          selectorMatches(consumer.selector, pod.labels),
      )
      .map((pod) => pod.owner);
  }
  const external = consumers.external[source.kind];
  return external ? [external] : [];
}

type ServiceObject = KubeObject & {
  spec?: {
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  };
};

function selectedPods(service: ServiceObject, pods: readonly PodInfo[]): PodInfo[] {
  return pods.filter(
    (pod) =>
      pod.namespace === (service.metadata.namespace ?? "default") &&
      serviceSelects(service.spec?.selector, pod.labels),
  );
}

/** An address some node dials, resolved to the pods and port it reaches. */
interface AddressUse {
  from: string;
  to: string;
  targetPort: number;
  address: Address;
}

function addressUses(
  objects: readonly KubeObject[],
  addresses: readonly Address[],
  consumers: Consumers,
): AddressUse[] {
  const byKey = new Map(objects.map((o) => [objectKey(o), o]));
  const uses: AddressUse[] = [];
  for (const address of addresses) {
    if (address.advertised || !address.service || address.targetPort === undefined) continue;
    const source = byKey.get(address.source);
    const service = byKey.get(address.service) as ServiceObject | undefined;
    if (!source || !service) continue;
    const targets = selectedPods(service, consumers.pods);
    for (const from of consumersOf(source, consumers)) {
      for (const to of targets) {
        const port = resolvePodPort(to, address.targetPort);
        if (port !== undefined) uses.push({ from, to: to.owner, targetPort: port, address });
      }
    }
  }
  return uses;
}

/**
 * The published addresses, resolved to the pods and port they reach, with the
 * same address check the validator runs (each address in a stand-in ConfigMap).
 */
function purposesByTarget(
  built: Stack,
  entries: readonly EndpointPurpose[],
  pods: readonly PodInfo[],
): Map<string, EndpointPurpose[]> {
  const namespace = built.context.namespace;
  const standIns: KubeObject[] = entries.map((entry, index) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `graph:endpoint:${index}`, namespace },
    data: { url: entry.url },
  }));
  const { addresses } = checkAddresses([...built.objects, ...standIns], {
    clusterDomain: built.context.clusterDomain,
  });
  const byKey = new Map(built.objects.map((o) => [objectKey(o), o]));
  const result = new Map<string, EndpointPurpose[]>();
  for (const address of addresses) {
    const match = /^ConfigMap\/[^/]+\/graph:endpoint:(\d+)$/.exec(address.source);
    const entry = match ? entries[Number(match[1])] : undefined;
    const service = address.service ? (byKey.get(address.service) as ServiceObject) : undefined;
    if (!entry || !service || address.targetPort === undefined) continue;
    for (const pod of selectedPods(service, pods)) {
      const port = resolvePodPort(pod, address.targetPort);
      if (port === undefined) continue;
      const key = `${pod.owner}:${port}`;
      result.set(key, [...(result.get(key) ?? []), entry]);
    }
  }
  return result;
}

function portName(pod: PodInfo | undefined, port: number, protocol: string): string | undefined {
  for (const container of pod?.spec.containers ?? []) {
    for (const p of container.ports ?? []) {
      if (p.containerPort === port && (p.protocol ?? "TCP") === protocol) return p.name;
    }
  }
  return undefined;
}

class EdgeSet {
  private readonly edges = new Map<
    string,
    Omit<GraphEdge, "protocols" | "via"> & { protocols: Set<"TCP" | "UDP">; via: Set<string> }
  >();

  add(edge: Omit<GraphEdge, "protocols" | "via"> & { protocol: "TCP" | "UDP"; via: string }) {
    const key = [edge.from, edge.to, edge.purpose, edge.port, edge.targetPort].join("\u0000");
    const existing = this.edges.get(key) ?? {
      from: edge.from,
      to: edge.to,
      purpose: edge.purpose,
      port: edge.port,
      targetPort: edge.targetPort,
      protocols: new Set(),
      via: new Set(),
    };
    existing.protocols.add(edge.protocol);
    existing.via.add(edge.via);
    if (edge.tls) {
      existing.tls = {
        client: mergeTls(existing.tls?.client, edge.tls.client),
        server: mergeTls(existing.tls?.server, edge.tls.server),
      };
    }
    this.edges.set(key, existing);
  }

  list(): GraphEdge[] {
    return [...this.edges.values()]
      .map((e) => ({
        from: e.from,
        to: e.to,
        purpose: e.purpose,
        port: e.port,
        targetPort: e.targetPort,
        protocols: [...e.protocols].sort(compare),
        via: [...e.via].sort(compare),
        ...(e.tls ? { tls: e.tls } : {}),
      }))
      .sort(
        (a, b) =>
          compare(a.from, b.from) ||
          compare(a.to, b.to) ||
          compare(a.purpose, b.purpose) ||
          a.port - b.port ||
          a.targetPort - b.targetPort,
      );
  }
}

function hostsOf(entries: readonly EndpointPurpose[]): string[] {
  return [...new Set(entries.map((e) => new URL(e.url).host))].sort(compare);
}

/** The port an address dials: its own, else its scheme's (without a scheme, the configured URL's). */
function portOfUrl(url: string, entries: readonly EndpointPurpose[]): number {
  const explicit = /^(?:(?:[a-z][a-z0-9+.-]*:)?\/\/)?[^/:?#]+:(\d+)/i.exec(url);
  if (explicit) return Number(explicit[1]);
  const scheme =
    /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ??
    (entries[0] ? new URL(entries[0].url).protocol.slice(0, -1) : "http");
  return scheme === "https" ? 443 : 80;
}

/** Builds the data-flow graph of a built stack. Pure: the same stack gives the same graph. */
export function stackGraph(built: Stack): StackGraph {
  const objects = built.objects;
  const namespace = built.context.namespace;
  const clusterDomain = built.context.clusterDomain;
  const pods = podsOf(objects);
  const podByOwner = new Map(pods.map((p) => [p.owner, p]));

  const groups: GraphGroup[] = [];
  const nodes: GraphNode[] = [];
  for (const component of built.components) {
    const workloads = component.objects
      .filter(isWorkload)
      .sort(
        (a, b) =>
          compare(a.metadata.name, b.metadata.name) ||
          WORKLOAD_ORDER.indexOf(a.kind) - WORKLOAD_ORDER.indexOf(b.kind) ||
          compare(a.metadata.namespace ?? "", b.metadata.namespace ?? ""),
      );
    if (workloads.length === 0) continue;
    const ids: string[] = [];
    for (const workload of workloads) {
      const id = objectKey(workload);
      ids.push(id);
      nodes.push({
        id,
        label: workload.metadata.name,
        ...workloadDetail(workload, namespace),
        kind: workload.kind as GraphNodeKind,
        group: component.name,
        namespace: workload.metadata.namespace ?? namespace,
      });
    }
    groups.push({
      id: component.name,
      title: GROUP_TITLES[component.name] ?? component.name,
      nodes: ids,
    });
  }

  const outside: string[] = [];
  const externals = externalEndpoints(built.values);
  for (const external of externals) {
    outside.push(external.id);
    nodes.push({
      id: external.id,
      label: external.title,
      detail: hostsOf(external.entries).join(", "),
      kind: "external",
      group: OUTSIDE_GROUP,
      urls: [...new Set(external.entries.map((e) => e.url))],
    });
  }

  const edges = new EdgeSet();
  const customResources = customResourceConsumers(built);
  const grafana = externals.find((e) => e.section === "grafana");
  const consumers: Consumers = {
    pods,
    customResources,
    // Without an in-cluster Grafana the datasources live in the external one, which dials them.
    external:
      grafana && !customResources.GrafanaDatasource ? { GrafanaDatasource: grafana.id } : {},
  };

  // In-cluster connections: exactly the validator's.
  const { addresses } = checkAddresses(objects, { clusterDomain });
  const connections = wiredConnections(objects, addresses, {
    declared: declaredConnections(built),
    customResourceConsumers: customResources,
  });
  const uses = addressUses(objects, addresses, consumers);
  const usesByConnection = new Map<string, AddressUse[]>();
  for (const use of uses) {
    const key = `${use.from}>${use.to}:${use.targetPort}/TCP`;
    usesByConnection.set(key, [...(usesByConnection.get(key) ?? []), use]);
  }
  const targets = purposesByTarget(built, internalPurposes(built.endpoints), pods);
  const byKey = new Map(objects.map((o) => [objectKey(o), o]));
  // Under internal TLS, each connection between the stack's pods says whether both ends speak it.
  const checkTls = built.context.internalTls !== undefined;
  const configMaps = new Map(
    objects
      .filter((o) => o.kind === "ConfigMap")
      .map((o) => [`${o.metadata.namespace ?? namespace}/${o.metadata.name}`, o]),
  );
  const tlsOf = (
    from: string,
    to: string,
    port: number,
    client: () => TlsState,
  ): { tls?: EdgeTls } => {
    const pod = podByOwner.get(to);
    if (!checkTls || !pod || !podByOwner.has(from)) return {};
    return { tls: { client: client(), server: serverTls(pod, port, configMaps) } };
  };
  const addUse = (use: AddressUse, protocol: "TCP" | "UDP") => {
    const dialled = dialledUrls(byKey.get(use.address.source), use.address.text);
    const purposes = purposesOf(
      targets.get(`${use.to}:${use.targetPort}`) ?? [],
      dialled,
      clusterDomain,
    );
    const fallback = portNamePurpose(
      portName(podByOwner.get(use.to), use.targetPort, protocol),
      protocol,
    );
    for (const purpose of purposes.length > 0 ? purposes : [fallback]) {
      edges.add({
        from: use.from,
        to: use.to,
        purpose,
        port: use.address.servicePort ?? use.targetPort,
        targetPort: use.targetPort,
        protocol,
        via: use.address.text,
        ...tlsOf(use.from, use.to, use.targetPort, () => {
          const source = byKey.get(use.address.source);
          return source ? clientTls(source, use.address.text, podByOwner.get(use.from)) : "unknown";
        }),
      });
    }
  };
  for (const c of connections) {
    const found = usesByConnection.get(`${c.from}>${c.to}:${c.port}/${c.protocol}`);
    if (found) {
      for (const use of found) addUse(use, c.protocol);
      continue;
    }
    edges.add({
      from: c.from,
      to: c.to,
      purpose: portNamePurpose(portName(podByOwner.get(c.to), c.port, c.protocol), c.protocol),
      port: c.port,
      targetPort: c.port,
      protocol: c.protocol,
      via: c.via,
      ...tlsOf(c.from, c.to, c.port, () =>
        c.tls === undefined ? "unknown" : c.tls ? "tls" : "plain",
      ),
    });
  }
  // Addresses an external node dials (an external Grafana's datasources).
  for (const use of uses) if (use.from.startsWith("external/")) addUse(use, "TCP");

  // Connections to the external endpoints: every object that writes their address.
  for (const external of externals) {
    for (const host of hostsOf(external.entries)) {
      const entries = external.entries.filter((e) => new URL(e.url).host === host);
      const pattern = new RegExp(
        `(?:(?:[a-z][a-z0-9+.-]*:)?//)?(?<![A-Za-z0-9.-])${escapeRegExp(host)}(?![A-Za-z0-9.-])(?::(\\d+))?${PATH}`,
        "gi",
      );
      for (const object of objects) {
        const dialled = new Set<string>();
        for (const text of textsOf(object))
          for (const m of text.matchAll(pattern)) dialled.add(m[0]);
        if (dialled.size === 0) continue;
        for (const from of consumersOf(object, consumers)) {
          for (const url of [...dialled].sort(compare)) {
            const port = portOfUrl(url, entries);
            for (const purpose of purposesOf(entries, [url], clusterDomain)) {
              edges.add({
                from,
                to: external.id,
                purpose,
                port,
                targetPort: port,
                protocol: "TCP",
                via: url,
              });
            }
          }
        }
      }
    }
  }

  // The API server calls the aggregated APIs the stack serves (metrics-server).
  for (const object of objects) {
    if (object.kind !== "APIService") continue;
    const spec = (
      object as {
        spec?: { group?: string; service?: { name: string; namespace: string; port?: number } };
      }
    ).spec;
    const ref = spec?.service;
    if (!ref) continue;
    const service = byKey.get(`Service/${ref.namespace}/${ref.name}`) as ServiceObject | undefined;
    const port = ref.port ?? 443;
    const servicePort = service?.spec?.ports?.find((p) => p.port === port);
    if (!service || !servicePort) continue;
    for (const pod of selectedPods(service, pods)) {
      const targetPort = resolvePodPort(pod, servicePort.targetPort ?? servicePort.port);
      if (targetPort === undefined) continue;
      edges.add({
        from: API_SERVER,
        to: pod.owner,
        purpose: spec?.group ?? object.metadata.name,
        port,
        targetPort,
        protocol: "TCP",
        via: objectKey(object),
        // The API server dials aggregated APIs with TLS only.
        ...(checkTls
          ? { tls: { client: "tls" as const, server: serverTls(pod, targetPort, configMaps) } }
          : {}),
      });
    }
  }

  const edgeList = edges.list();
  if (edgeList.some((e) => e.from === API_SERVER)) {
    outside.unshift(API_SERVER);
    nodes.push({
      id: API_SERVER,
      label: "Kubernetes API server",
      detail: "aggregated APIs",
      kind: "cluster",
      group: OUTSIDE_GROUP,
    });
  }
  if (outside.length > 0) {
    groups.push({ id: OUTSIDE_GROUP, title: "outside the stack", nodes: outside.sort(compare) });
  }
  const order = new Map(groups.flatMap((g) => g.nodes).map((id, index) => [id, index]));
  nodes.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return { namespace, groups, nodes, edges: edgeList };
}
