/**
 * The address model every component shares. A component describes what it
 * serves as endpoints computed from its names and constants, before any object
 * is built; clients (other components, the umbrella) read URLs, hosts, ports,
 * selectors and scrape targets from here instead of retyping them.
 */
import { z } from "zod";
import type { BuildContext } from "./component.js";
import { valuesError } from "./errors.js";

/** A port a Service exposes, by its name on the Service and the pods. */
export interface NamedPort {
  /** The Service port and container port name (IANA_SVC_NAME). */
  name: string;
  port: number;
  protocol: "TCP" | "UDP";
}

/** Pods admitted as clients (or selected as a target) by a NetworkPolicy. */
export interface PodPeerRef {
  podLabels: Record<string, string>;
  /** The pods' namespace by name. */
  namespace: string;
}

/**
 * One Service of a component: its name, namespace and fully qualified host
 * (built from the build context's cluster domain), its named ports and the
 * pods behind it.
 */
export interface ServiceEndpoint<P extends string = string> {
  service: string;
  namespace: string;
  /** `<service>.<namespace>.svc.<clusterDomain>`. */
  host: string;
  ports: Record<P, NamedPort>;
  /** The pods the Service selects (callers' egress rules, targets' ingress rules). */
  podLabels: Record<string, string>;
}

/**
 * What a component wants scraped: pods found by Kubernetes discovery, by
 * labels in a namespace, on a named container port.
 */
export interface ScrapeTarget {
  /** Alloy component label, a valid identifier (`[A-Za-z_][A-Za-z0-9_]*`). */
  name: string;
  /** The Prometheus `job` label. */
  job: string;
  namespace: string;
  podLabels: Record<string, string>;
  /** The container port's name. */
  portName: string;
  /**
   * The container port's number, where a client needs it: an ipBlock rule to
   * a host-network pod cannot name a port.
   */
  port?: number;
  path: string;
  scheme: "http" | "https";
  /**
   * The pods run in the host network: the scrape goes to node addresses, which
   * pod selectors in NetworkPolicies do not match on every CNI.
   */
  hostNetwork: boolean;
  /** The allow-list source of the metrics (`materialize`'s catalogue), when one applies. */
  source?: string;
  /** Authenticate with the scraper's service account token. */
  bearerTokenAuth?: boolean;
  /** TLS settings of an https scrape. */
  tls?: {
    insecureSkipVerify: boolean;
    serverName?: string;
    caFile?: string;
    /** The scraper's client certificate and key (the stack's internal TLS: `INTERNAL_TLS`). */
    certFile?: string;
    keyFile?: string;
  };
  /**
   * Keep the target's own `namespace`, `pod` and `container` labels on a clash
   * with the scrape's: an exporter that reports on other pods
   * (kube-state-metrics) labels its series with theirs.
   */
  honorLabels?: boolean;
}

/** `<service>.<namespace>.svc.<clusterDomain>`: the only way a component writes a Service host. */
export function serviceFqdn(
  ctx: Pick<BuildContext, "namespace" | "clusterDomain">,
  service: string,
  namespace: string = ctx.namespace,
): string {
  return `${service}.${namespace}.svc.${ctx.clusterDomain}`;
}

/** The stable DNS name of a StatefulSet pod behind a headless Service. */
export function podFqdn(
  ctx: Pick<BuildContext, "namespace" | "clusterDomain">,
  pod: string,
  headlessService: string,
  namespace: string = ctx.namespace,
): string {
  return `${pod}.${serviceFqdn(ctx, headlessService, namespace)}`;
}

export interface ServiceEndpointOptions<P extends string> {
  service: string;
  /** Defaults to the build context's namespace. */
  namespace?: string;
  ports: Record<P, { name: string; port: number; protocol?: "TCP" | "UDP" }>;
  podLabels: Record<string, string>;
}

export function serviceEndpoint<P extends string>(
  ctx: Pick<BuildContext, "namespace" | "clusterDomain">,
  options: ServiceEndpointOptions<P>,
): ServiceEndpoint<P> {
  const namespace = options.namespace ?? ctx.namespace;
  const ports = {} as Record<P, NamedPort>;
  for (const key of Object.keys(options.ports) as P[]) {
    const p = options.ports[key];
    ports[key] = { name: p.name, port: p.port, protocol: p.protocol ?? "TCP" };
  }
  return {
    service: options.service,
    namespace,
    host: serviceFqdn(ctx, options.service, namespace),
    ports,
    podLabels: { ...options.podLabels },
  };
}

/** `<scheme>://<host>:<port><path>` of one of the endpoint's ports. */
export function endpointUrl<P extends string>(
  endpoint: ServiceEndpoint<P>,
  port: P,
  path = "",
  scheme: "http" | "https" = "http",
): string {
  return `${scheme}://${endpoint.host}:${endpoint.ports[port].port}${path}`;
}

/** `host:port` of one of the endpoint's ports (gRPC and other non-HTTP clients). */
export function endpointAddress<P extends string>(endpoint: ServiceEndpoint<P>, port: P): string {
  return `${endpoint.host}:${endpoint.ports[port].port}`;
}

/** The DNS SRV name of a named port: `_<port>._<proto>.<host>`. */
export function endpointSrv<P extends string>(endpoint: ServiceEndpoint<P>, port: P): string {
  const p = endpoint.ports[port];
  return `_${p.name}._${p.protocol.toLowerCase()}.${endpoint.host}`;
}

/** The pods behind an endpoint as a NetworkPolicy peer reference. */
export function endpointPeer(endpoint: ServiceEndpoint): PodPeerRef {
  return { podLabels: { ...endpoint.podLabels }, namespace: endpoint.namespace };
}

export interface ScrapeTargetOptions {
  name: string;
  job?: string;
  namespace: string;
  podLabels: Record<string, string>;
  portName: string;
  port?: number;
  path?: string;
  scheme?: "http" | "https";
  hostNetwork?: boolean;
  source?: string;
  bearerTokenAuth?: boolean;
  tls?: ScrapeTarget["tls"];
  honorLabels?: boolean;
}

/** A scrape target with the defaults filled in (`job` = name with `-`, `/metrics`, http). */
export function scrapeTarget(options: ScrapeTargetOptions): ScrapeTarget {
  return {
    name: options.name,
    job: options.job ?? options.name.replaceAll("_", "-"),
    namespace: options.namespace,
    podLabels: { ...options.podLabels },
    portName: options.portName,
    ...(options.port !== undefined ? { port: options.port } : {}),
    path: options.path ?? "/metrics",
    scheme: options.scheme ?? "http",
    hostNetwork: options.hostNetwork ?? false,
    ...(options.source ? { source: options.source } : {}),
    ...(options.bearerTokenAuth ? { bearerTokenAuth: true } : {}),
    ...(options.tls ? { tls: { ...options.tls } } : {}),
    ...(options.honorLabels ? { honorLabels: true } : {}),
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The cluster's DNS domain (`cluster.local` unless the cluster was set up
 * otherwise): lower-case DNS labels joined by dots, no trailing dot.
 */
export const clusterDomainSchema = z
  .string()
  .max(253)
  .refine(
    (v) =>
      v.length > 0 && v.split(".").every((label) => label.length <= 63 && DNS_LABEL.test(label)),
    "must be a DNS domain of lower-case labels joined by dots, without a trailing dot, e.g. cluster.local",
  );

/** Throws a ValuesError when a context's cluster domain is not a DNS domain (a component used alone). */
export function checkClusterDomain(ctx: Pick<BuildContext, "clusterDomain">): void {
  if (!clusterDomainSchema.safeParse(ctx.clusterDomain).success) {
    throw valuesError(
      "clusterDomain",
      `"${ctx.clusterDomain}" is not a DNS domain`,
      "use lower-case labels joined by dots, e.g. cluster.local",
    );
  }
}

/**
 * The priority class a workload of this role runs with: its role's class, else
 * the default class; none when the context sets none.
 */
export function priorityClassFor(
  ctx: Pick<BuildContext, "priorityClasses">,
  role: "node" | "critical" | "default",
): string | undefined {
  return ctx.priorityClasses[role] ?? ctx.priorityClasses.default;
}
