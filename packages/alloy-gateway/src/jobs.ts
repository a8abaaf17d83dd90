/**
 * The scrape jobs the gateway runs, as data: the jobs it is given, the
 * kubelet jobs and its own pods, each with its metric relabeling (the
 * allow-list of its source) resolved.
 */
import {
  type KubernetesScrapeJob,
  metricAllowListRule,
  podScrapeJob,
  type RelabelRuleData,
} from "@materialize-monitoring/alloy-syntax";
import {
  type BuildContext,
  durationSeconds,
  internalScrapeTls,
  resourceName,
  serviceFqdn,
  type ValueProblem,
  ValuesError,
} from "@materialize-monitoring/core";
import { GATEWAY_NAME, PATHS, PORT } from "./constants.js";
import { scrapeLists, tierLists } from "./tiers.js";
import type { ResolvedAlloyGatewayValues, ScrapeJob } from "./values.js";

/** A job ready for alloy-syntax's scrape recipe, with what the gateway needs beside it. */
export type GatewayScrapeJob = KubernetesScrapeJob & {
  /** The allow-list source, a key of `allowLists`. */
  readonly source?: string;
  /** Peers for the egress NetworkPolicy: all labels match... */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** ...or any one of these. */
  readonly selectors?: readonly { readonly label: string; readonly value: string }[];
  readonly portName?: string;
  /** The pods run in the host network: reached by node address too (`networkPolicy.nodeEgress`). */
  readonly hostNetwork?: boolean;
  /** The number of the port named `portName` (a node-address rule cannot use the name). */
  readonly port?: number;
};

/** Allow-list sources of the gateway's own jobs. */
export const SOURCES = {
  kubelet: "kubelet",
  cadvisor: "cadvisor",
  kubeletResource: "kubeletResource",
  alloy: "alloy",
} as const;

/** Series the scraper itself adds; always kept so target health survives an allow-list. */
export const SCRAPE_SERIES = ["up"] as const;

/**
 * cAdvisor reports cgroups that are not containers (the pod sandbox, the
 * node's slices) with an empty `container` or `image` label: drop them, but
 * only for cAdvisor's `container_*` series (`up` and `machine_*` have neither label).
 */
export const CADVISOR_EMPTY_CONTAINER_RULES: readonly RelabelRuleData[] = [
  {
    sourceLabels: ["__name__", "container"],
    separator: ";",
    regex: "container_[^;]*;",
    action: "drop",
  },
  {
    sourceLabels: ["__name__", "image"],
    separator: ";",
    regex: "container_[^;]*;",
    action: "drop",
  },
];

/** The keep rule for `source`'s allow-list (plus the scrape series), or none when the source has no list. */
export function allowListRules(
  allowLists: Readonly<Record<string, readonly string[]>>,
  source: string | undefined,
): RelabelRuleData[] {
  if (source === undefined) return [];
  const list = allowLists[source];
  if (list === undefined) return [];
  return [metricAllowListRule([...list, ...SCRAPE_SERIES])];
}

/** A job's metric relabeling: its own rules, then its source's allow-list (unless it already has that rule). */
export function metricRelabelingsFor(
  job: { readonly source?: string; readonly metricRelabelings: readonly RelabelRuleData[] },
  allowLists: Readonly<Record<string, readonly string[]>>,
): RelabelRuleData[] {
  const own = [...job.metricRelabelings];
  const key = (r: RelabelRuleData) => JSON.stringify(r);
  const present = new Set(own.map(key));
  return [...own, ...allowListRules(allowLists, job.source).filter((r) => !present.has(key(r)))];
}

const NODE = {
  name: "__meta_kubernetes_node_name",
};

/** The API server's in-cluster Service, the address kubelet scrapes go to through its proxy. */
export function apiServerAddress(ctx: Pick<BuildContext, "namespace" | "clusterDomain">): string {
  return `${serviceFqdn(ctx, "kubernetes", "default")}:443`;
}

/** The kubelet jobs (role node): /metrics, /metrics/cadvisor, /metrics/resource on every node. */
export function kubeletJobs(
  values: ResolvedAlloyGatewayValues,
  ctx: Pick<BuildContext, "namespace" | "clusterDomain">,
): GatewayScrapeJob[] {
  const kubelet = values.scrape.kubelet;
  if (!kubelet.enabled) return [];
  const endpoints: {
    key: keyof typeof kubelet.endpoints;
    name: string;
    path: string;
    source: string;
    job: string;
  }[] = [
    {
      key: "metrics",
      name: "kubelet",
      path: "/metrics",
      source: SOURCES.kubelet,
      job: "integrations/kubernetes/kubelet",
    },
    {
      key: "cadvisor",
      name: "kubelet_cadvisor",
      path: "/metrics/cadvisor",
      source: SOURCES.cadvisor,
      job: "integrations/kubernetes/cadvisor",
    },
    {
      key: "resource",
      name: "kubelet_resource",
      path: "/metrics/resource",
      source: SOURCES.kubeletResource,
      job: "integrations/kubernetes/resources",
    },
  ];
  const direct = kubelet.mode === "direct";
  return endpoints
    .filter((e) => kubelet.endpoints[e.key])
    .map((e) => ({
      name: e.name,
      job: e.job,
      role: "node" as const,
      source: e.source,
      namespaces: [],
      path: e.path,
      scheme: "https" as const,
      interval: kubelet.interval,
      timeout: kubelet.timeout,
      bearerTokenFile: PATHS.serviceAccountToken,
      tls: {
        caFile: PATHS.serviceAccountCa,
        ...(direct && kubelet.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
      },
      relabelings: [
        // Discovery addresses each node at its InternalIP on the kubelet port; the proxy goes through the API server.
        ...(direct
          ? []
          : [
              { targetLabel: "__address__", replacement: apiServerAddress(ctx) },
              {
                sourceLabels: [NODE.name],
                regex: "(.+)",
                targetLabel: "__metrics_path__",
                replacement: `/api/v1/nodes/$1/proxy${e.path}`,
              },
            ]),
        { sourceLabels: [NODE.name], targetLabel: "node" },
        // One instance per node in both modes (through the proxy every target has the same address).
        { sourceLabels: [NODE.name], targetLabel: "instance" },
      ],
      metricRelabelings: e.key === "cadvisor" ? [...CADVISOR_EMPTY_CONTAINER_RULES] : [],
    }));
}

/** The gateway's own pods (`http-metrics`), as a pod-role job. */
export function selfScrapeJob(
  values: ResolvedAlloyGatewayValues,
  ctx: BuildContext,
  selector: Record<string, string>,
): GatewayScrapeJob & { source: string; podLabels: Record<string, string>; portName: string } {
  return {
    ...podScrapeJob({
      name: "alloy_gateway",
      job: `${ctx.namespace}/${GATEWAY_NAME}`,
      namespaces: [ctx.namespace],
      podLabels: selector,
      portName: PORT.http.name,
      interval: values.scrape.self.interval,
      timeout: values.scrape.self.timeout,
      ...(ctx.internalTls
        ? {
            scheme: "https" as const,
            tls: internalScrapeTls(serviceFqdn(ctx, resourceName(ctx, GATEWAY_NAME))),
          }
        : {}),
    }),
    podLabels: { ...selector },
    portName: PORT.http.name,
    source: SOURCES.alloy,
  };
}

function fromValues(job: ScrapeJob): GatewayScrapeJob {
  const auth = job.basicAuth;
  return {
    ...job,
    ...(auth ? { basicAuth: { ...auth, namespace: auth.namespace ?? job.namespaces[0] } } : {}),
  } as GatewayScrapeJob;
}

/**
 * Every job the gateway scrapes, checked: unique names (user jobs may not
 * take the gateway's own), basic-auth Secrets with a namespace, timeouts
 * within intervals, and each job's allow-list (its source's list of the widest tier an
 * enabled destination uses) folded into its metric relabeling.
 */
export function gatewayScrapeJobs(
  values: ResolvedAlloyGatewayValues,
  ctx: BuildContext,
  selector: Record<string, string>,
  path: string,
): GatewayScrapeJob[] {
  const own = [
    ...kubeletJobs(values, ctx),
    ...(values.scrape.self.enabled ? [selfScrapeJob(values, ctx, selector)] : []),
  ];
  const problems: ValueProblem[] = [];
  const essential = tierLists(values, path).essential;
  const nodePortsListed = values.networkPolicy.nodeEgress.ports.length > 0;
  const ownNames = new Set(own.map((j) => j.name));
  const seen = new Set<string>();
  values.scrape.jobs.forEach((job, i) => {
    const where = `${path}.scrape.jobs[${i}]`;
    if (ownNames.has(job.name)) {
      problems.push({
        path: `${where}.name`,
        message: `"${job.name}" is the name of one of the gateway's own jobs`,
        hint: "rename the job, or turn off the gateway's own (scrape.kubelet, scrape.self)",
      });
    } else if (seen.has(job.name)) {
      problems.push({
        path: `${where}.name`,
        message: `"${job.name}" is used by another job`,
        hint: "job names must be unique",
      });
    }
    seen.add(job.name);
    if (job.basicAuth && !job.basicAuth.namespace && job.namespaces.length === 0) {
      problems.push({
        path: `${where}.basicAuth.namespace`,
        message: "the Secret's namespace is unknown (the job discovers in every namespace)",
        hint: "set basicAuth.namespace",
      });
    }
    if (
      job.hostNetwork &&
      job.port === undefined &&
      values.networkPolicy.enabled &&
      !nodePortsListed
    ) {
      problems.push({
        path: `${where}.port`,
        message: `is required with hostNetwork: the egress rule to node addresses needs the number of the port${job.portName ? ` named "${job.portName}"` : ""} (a NetworkPolicy ipBlock rule cannot use a port name)`,
        hint: "set port to the container port's number, or list it in networkPolicy.nodeEgress.ports",
      });
    }
    if (durationSeconds(job.timeout) > durationSeconds(job.interval)) {
      problems.push({
        path: `${where}.timeout`,
        message: `the scrape timeout (${job.timeout}) is longer than the interval (${job.interval})`,
        hint: "Alloy rejects a timeout above the interval; lower the timeout",
      });
    }
    if (
      job.source !== undefined &&
      essential[job.source] === undefined &&
      Object.keys(essential).length > 0
    ) {
      // A named source without a list is allowed (not filtered), but a typo silently keeps everything.
      const known = Object.keys(essential).join(", ");
      problems.push({
        path: `${where}.source`,
        message: `"${job.source}" has no allow-list`,
        hint: `use one of ${known}, add allowLists.${job.source}, or leave source out to keep every metric`,
      });
    }
  });
  if (problems.length > 0) throw new ValuesError(problems);
  // The scrape keeps the widest tier an enabled destination uses (nothing is filtered for `all`).
  const kept = scrapeLists(values, path);
  return [...values.scrape.jobs.map(fromValues), ...own].map((job) => ({
    ...job,
    metricRelabelings: metricRelabelingsFor(job, kept),
  }));
}

/** Whether the gateway writes metrics: it has scrape jobs or receives OTLP. */
export function writesMetrics(
  values: Pick<ResolvedAlloyGatewayValues, "receivers">,
  jobs: readonly GatewayScrapeJob[],
): boolean {
  return jobs.length > 0 || values.receivers.otlp.enabled;
}

/** Secrets the gateway reads through the API (for scrape basic auth), by namespace. */
export function secretAccess(jobs: readonly GatewayScrapeJob[]): Map<string, string[]> {
  const byNamespace = new Map<string, Set<string>>();
  for (const job of jobs) {
    if (!job.basicAuth?.namespace) continue;
    const names = byNamespace.get(job.basicAuth.namespace) ?? new Set<string>();
    names.add(job.basicAuth.secretName);
    byNamespace.set(job.basicAuth.namespace, names);
  }
  return new Map(
    [...byNamespace.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([ns, names]) => [ns, [...names].sort()]),
  );
}

/** Kept for this package's API; the parser lives in core. */
export { durationSeconds } from "@materialize-monitoring/core";
