import {
  type BuildContext,
  checkIssuerNamespace,
  cidrSchema,
  closest,
  configMap,
  dnsEgressRule,
  endpointAddress,
  endpointUrl,
  internalCertificate,
  internalScrapeTls,
  internalTlsMount,
  internalTlsVolume,
  type KubeObject,
  labelsSchema,
  type NetworkPolicyPeer,
  type NetworkPolicyRuleInput,
  namespaceNameSchema,
  type ObjectMeta,
  type PodScheduling,
  type Scheduling,
  type ScrapeTarget,
  type ServiceEndpoint,
  scrapeTarget,
  tcpPorts,
  toPodNetworkPolicyPeer,
  toYaml,
  type Volume,
  type VolumeMount,
  webTlsServerConfig,
} from "@materialize-monitoring/core";
import { z } from "zod";

const labelMap = labelsSchema;

/**
 * Who may scrape an exporter: pods selected by labels, in the namespace
 * `namespace` (by name) or the namespace(s) `namespaceLabels` select. With
 * neither the scraper is looked for in the stack's namespace
 * (`BuildContext.namespace`). The umbrella fills this with the Alloy
 * gateway's pods (its `clients.gateway`).
 */
export const scraperPeer = z
  .strictObject({
    /** pod labels of the scraper (the Alloy gateway) */
    podLabels: labelMap
      .refine((labels) => Object.keys(labels).length > 0, {
        message: "at least one pod label is required (an empty selector would admit every pod)",
      })
      .default({ "app.kubernetes.io/name": "alloy-gateway" })
      .describe("pod labels of the scraper (the Alloy gateway)"),
    /** the scraper's namespace by name; omit for the stack's namespace */
    namespace: namespaceNameSchema
      .optional()
      .describe("the scraper's namespace by name; omit for the stack's namespace"),
    /** namespace labels of the scraper; omit for the stack's namespace */
    namespaceLabels: labelMap
      .optional()
      .describe("namespace labels of the scraper; omit for the stack's namespace"),
  })
  .refine((peer) => !(peer.namespace && peer.namespaceLabels), {
    message: "use either namespace or namespaceLabels",
  })
  .prefault({});
export type ScraperPeer = z.output<typeof scraperPeer>;

/**
 * The Kubernetes API server as a NetworkPolicy destination. It is not a pod
 * and cannot be selected by labels: without CIDRs the rule admits the ports
 * to any address. Both 443 (the `kubernetes` Service) and 6443 (the usual
 * endpoint port after the Service is translated) are listed, because most
 * network plugins evaluate egress after that translation.
 */
export const apiServerPeer = z
  .strictObject({
    /** API server addresses; empty admits any address on the ports below */
    cidrs: z
      .array(cidrSchema)
      .default([])
      .describe("API server addresses; empty admits any address on the ports below"),
    /** API server ports, before and after Service translation */
    ports: z
      .array(z.int32().min(1).max(65535))
      .min(1)
      .default([443, 6443])
      .describe("API server ports, before and after Service translation"),
  })
  .prefault({});
export type ApiServerPeer = z.output<typeof apiServerPeer>;

/** The scraper as a NetworkPolicy peer, relative to the namespace the exporter runs in. */
export function scraperNetworkPeer(
  ctx: BuildContext,
  scraper: ScraperPeer,
  workloadNamespace: string,
): NetworkPolicyPeer {
  return toPodNetworkPolicyPeer(scraper, workloadNamespace, ctx.namespace);
}

export function cidrPeers(cidrs: readonly string[]): NetworkPolicyPeer[] {
  return cidrs.map((cidr) => ({ ipBlock: { cidr } }));
}

/** Egress to the API server: its CIDRs when given, otherwise any address on its ports. */
export function apiServerEgressRule(apiServer: ApiServerPeer): NetworkPolicyRuleInput {
  return { peers: cidrPeers(apiServer.cidrs), ports: tcpPorts(...apiServer.ports) };
}

/** Egress for a workload that talks to the API server and resolves names. */
export function apiServerAndDnsEgress(apiServer: ApiServerPeer): NetworkPolicyRuleInput[] {
  return [dnsEgressRule(), apiServerEgressRule(apiServer)];
}

/** Where and how a scraper collects one exporter's metrics. */
export interface ScrapeEndpoint {
  /** The Prometheus `job` label the dashboards and rules expect. */
  jobName: string;
  /** `host:port` through the Service's fully qualified DNS name. */
  address: string;
  /** The full URL of the metrics path through the Service. */
  url: string;
  scheme: "http" | "https";
  path: string;
  /** Name of the container and Service port to match in Kubernetes discovery. */
  portName: string;
  port: number;
  serviceName: string;
  namespace: string;
  /**
   * Labels of the pods and the Service that Kubernetes discovery selects on.
   * Discover per pod (`endpoints` or `pod` role) and keep the port named
   * `portName`: node-exporter and sharded kube-state-metrics must be scraped
   * pod by pod, never through the Service address.
   */
  selector: Record<string, string>;
  /** The scraper must send its ServiceAccount token (the endpoint authorizes requests). */
  bearerTokenAuth: boolean;
  /** TLS settings when `scheme` is https. */
  tls?: ScrapeTarget["tls"];
  /**
   * The series carry the labels of the objects they describe (`namespace`,
   * `pod`, `container`), which the scraper must keep over its own.
   */
  honorLabels: boolean;
}

/** One port of a Service as a scrape endpoint; the address and URL come from the Service's FQDN. */
export function scrapeEndpoint<P extends string>(
  service: ServiceEndpoint<P>,
  port: P,
  options: {
    jobName: string;
    scheme?: "http" | "https";
    path?: string;
    bearerTokenAuth?: boolean;
    tls?: ScrapeTarget["tls"];
    honorLabels?: boolean;
  },
): ScrapeEndpoint {
  const scheme = options.scheme ?? "http";
  const path = options.path ?? "/metrics";
  const named = service.ports[port];
  return {
    jobName: options.jobName,
    address: endpointAddress(service, port),
    url: endpointUrl(service, port, path, scheme),
    scheme,
    path,
    portName: named.name,
    port: named.port,
    serviceName: service.service,
    namespace: service.namespace,
    selector: { ...service.podLabels },
    bearerTokenAuth: options.bearerTokenAuth ?? false,
    ...(options.tls ? { tls: { ...options.tls } } : {}),
    honorLabels: options.honorLabels ?? false,
  };
}

/**
 * A scrape endpoint as core's scrape target: pods by the endpoint's selector
 * in its namespace, on the named container port. `name` is the scraper's
 * component label, `source` the allow-list that filters the series.
 */
export function scrapeTargetOf(
  endpoint: ScrapeEndpoint,
  options: { name: string; source?: string; hostNetwork?: boolean },
): ScrapeTarget {
  return scrapeTarget({
    name: options.name,
    job: endpoint.jobName,
    namespace: endpoint.namespace,
    podLabels: endpoint.selector,
    portName: endpoint.portName,
    path: endpoint.path,
    scheme: endpoint.scheme,
    // A client of a host-network pod reaches it by node address and port number.
    ...(options.hostNetwork ? { hostNetwork: true, port: endpoint.port } : {}),
    ...(options.source ? { source: options.source } : {}),
    ...(endpoint.bearerTokenAuth ? { bearerTokenAuth: true } : {}),
    ...(endpoint.tls ? { tls: endpoint.tls } : {}),
    ...(endpoint.honorLabels ? { honorLabels: true } : {}),
  });
}

/**
 * The scheduling a workload passes to `podTemplate`: Linux nodes, its
 * priority class (the values' or the context's), the component's own
 * defaults in `extra` (anti-affinity, spread, tolerations), the user's values
 * over them.
 */
export function workloadScheduling(
  /** A node agent's scheduling has no spread constraints (nodeAgentSchedulingDefault). */
  own: Omit<Scheduling, "topologySpreadConstraints"> &
    Partial<Pick<Scheduling, "topologySpreadConstraints">>,
  priorityClassFallback: string | undefined,
  extra: PodScheduling = {},
): PodScheduling {
  const priorityClassName = own.priorityClassName ?? priorityClassFallback;
  return {
    nodeSelector: { "kubernetes.io/os": "linux", ...own.nodeSelector },
    tolerations: [...(extra.tolerations ?? []), ...own.tolerations],
    ...(own.affinity
      ? { affinity: own.affinity }
      : extra.affinity
        ? { affinity: extra.affinity }
        : {}),
    topologySpreadConstraints:
      own.topologySpreadConstraints && own.topologySpreadConstraints.length > 0
        ? own.topologySpreadConstraints
        : (extra.topologySpreadConstraints ?? []),
    ...(priorityClassName ? { priorityClassName } : {}),
  };
}

/**
 * A closed set of names whose error names the bad input and the nearest
 * valid name, instead of listing every option.
 */
export function namedEnum<T extends string>(names: readonly T[], what: string) {
  return z.enum(names as unknown as [T, ...T[]], {
    error: (issue) => {
      const input = String(issue.input);
      const suggestion = closest(input, names);
      return suggestion
        ? `unknown ${what} "${input}" (did you mean "${suggestion}"?)`
        : `unknown ${what} "${input}" (one of: ${names.join(", ")})`;
    },
  });
}

/** Where an exporter mounts its exporter-toolkit web config under the stack's internal TLS. */
export const EXPORTER_WEB_CONFIG = { volume: "web-config", dir: "/etc/exporter-web" } as const;

/** What an exporter serving the stack's internal TLS adds to its pod and objects. */
export interface ExporterTls {
  /** The exporter-toolkit web config file (`--web.config.file`, kube-state-metrics' `--tls-config`). */
  webConfigFile: string;
  volumes: Volume[];
  mounts: VolumeMount[];
  /** Its certificate and the web config ConfigMap. */
  objects: KubeObject[];
}

/** The scrape TLS of an exporter under internal TLS: verified by `serverName` (its Service host). */
export function exporterScrapeTls(ctx: BuildContext, serverName: string) {
  return ctx.internalTls ? { scheme: "https" as const, tls: internalScrapeTls(serverName) } : {};
}

/**
 * An exporter under the stack's internal TLS (exporter-toolkit): one
 * certificate holding `serverName`, which scrapers verify (they reach the pods
 * by address), and the web config serving it; both files are read again on
 * each connection, so renewals need no restart. Undefined without it.
 */
export function exporterTls(
  ctx: BuildContext,
  options: {
    component: string;
    serverName: string;
    namespace: string;
    /** The values path of the namespace, for the error a namespaced Issuer raises. */
    namespacePath: string;
    meta: (objectName: string) => ObjectMeta & { name: string };
    webConfigName: string;
  },
): ExporterTls | undefined {
  const tls = ctx.internalTls;
  if (!tls) return undefined;
  checkIssuerNamespace(ctx, {
    component: options.component,
    namespace: options.namespace,
    path: options.namespacePath,
  });
  return {
    webConfigFile: `${EXPORTER_WEB_CONFIG.dir}/web.yaml`,
    volumes: [
      internalTlsVolume(ctx, options.component),
      { name: EXPORTER_WEB_CONFIG.volume, configMap: { name: options.webConfigName } },
    ],
    mounts: [
      internalTlsMount(),
      { name: EXPORTER_WEB_CONFIG.volume, mountPath: EXPORTER_WEB_CONFIG.dir, readOnly: true },
    ],
    objects: [
      internalCertificate(ctx, tls, {
        component: options.component,
        dnsNames: [options.serverName],
        namespace: options.namespace,
      }),
      configMap(options.meta(options.webConfigName), { "web.yaml": toYaml(webTlsServerConfig()) }),
    ],
  };
}
