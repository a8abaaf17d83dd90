/**
 * Kubernetes scrape jobs as plain data, and their conversion to Alloy:
 * `discovery.kubernetes` + `discovery.relabel` per distinct selection,
 * `prometheus.scrape` per job, `prometheus.relabel` for metric relabeling
 * (allow-lists) shared by jobs with the same rules and destination, and
 * `remote.kubernetes.secret` for basic-auth credentials (never a literal).
 *
 * The data shape is the one the materialize package's targets use, so the
 * same jobs can be rendered for Alloy here and for a plain Prometheus
 * elsewhere (see {@link prometheusRelabelConfig}).
 */
import type { ComponentHandle, Scope } from "../builder.js";
import { discovery } from "../components/discovery.js";
import { prometheus } from "../components/prometheus.js";
import type { componentExports } from "../components/registry.js";
import { remote } from "../components/remote.js";
import { valueError } from "../errors.js";
import { sanitizeIdentifier } from "../strings.js";
import { convert, type Expression, expr, type MetricsReceiverList } from "../values.js";
import { escapeRegex, type RelabelRuleData, relabelRules } from "./relabel.js";

/** Basic auth read from a Kubernetes Secret through the API; never a literal credential. */
export interface SecretBasicAuth {
  readonly secretName: string;
  readonly usernameKey: string;
  readonly passwordKey: string;
  /** Namespace of the Secret; the caller's default (e.g. the first scraped namespace) when unset. */
  readonly namespace?: string;
}

/** TLS settings of a scrape (files mounted into the scraper, never inline keys). */
export interface ScrapeTls {
  readonly caFile?: string;
  /** Client certificate and key files presented to the target (mutual TLS); both or neither. */
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly serverName?: string;
  /** Skips verification of the server certificate; an explicit opt-in, never a default. */
  readonly insecureSkipVerify?: boolean;
}

/** Kubernetes roles the scrape recipe discovers. */
export type KubernetesScrapeRole = "pod" | "node";

/**
 * One scrape job as data. Targets come from Kubernetes discovery of `role`
 * in `namespaces` (all namespaces when empty), narrowed server-side by
 * `discoverySelectors`; `relabelings` decide what is scraped and how it is
 * labelled, `metricRelabelings` filter and rewrite the samples.
 */
export interface KubernetesScrapeJob {
  /** Stable name, the base of the Alloy component labels. */
  readonly name: string;
  /** The `job` label. */
  readonly job: string;
  readonly role: KubernetesScrapeRole;
  readonly namespaces: string[];
  /** Server-side label and field selectors (an optimisation; relabelings decide). */
  readonly discoverySelectors?: { readonly label?: string; readonly field?: string };
  readonly path: string;
  readonly scheme: "http" | "https";
  readonly interval: string;
  readonly timeout: string;
  readonly basicAuth?: SecretBasicAuth;
  /** A token file, e.g. the pod's service-account token. */
  readonly bearerTokenFile?: string;
  readonly tls?: ScrapeTls;
  readonly honorLabels?: boolean;
  readonly relabelings: RelabelRuleData[];
  readonly metricRelabelings: RelabelRuleData[];
}

export interface KubernetesScrapeOptions {
  /** Where the samples go: one list for all jobs, or one per job. */
  readonly forwardTo: MetricsReceiverList | ((job: KubernetesScrapeJob) => MetricsReceiverList);
  /** Share targets among the members of an Alloy cluster. */
  readonly clustering?: boolean;
  /** Prefix of every component label. */
  readonly labelPrefix?: string;
  /** Namespace of basic-auth Secrets that name none (default: the job's first namespace). */
  readonly secretNamespace?: string;
  /** Labels and comments of the shared `prometheus.relabel` components. */
  readonly metricRelabel?: {
    readonly label?: (jobs: readonly KubernetesScrapeJob[], index: number) => string;
    readonly comment?: string | ((jobs: readonly KubernetesScrapeJob[]) => string);
  };
  /** Labels and comments of the `remote.kubernetes.secret` components. */
  readonly secret?: {
    readonly label?: (secret: { namespace: string; name: string }, index: number) => string;
    readonly comment?: string;
  };
}

/** What the recipe added, for wiring checks and further references. */
export interface KubernetesScrapeResult {
  /** Every component id added, in file order. */
  readonly ids: string[];
  /** `prometheus.scrape` id of each job, by job name. */
  readonly scrapes: ReadonlyMap<string, string>;
  /** `prometheus.relabel` ids of the metric relabeling, in file order. */
  readonly metricRelabels: string[];
  /** `remote.kubernetes.secret` ids, in file order. */
  readonly secrets: string[];
}

/** A component label: the prefix and name joined with `_`, made a valid identifier. */
export function recipeLabel(prefix: string | undefined, name: string): string {
  return sanitizeIdentifier(prefix ? `${prefix}_${name}` : name);
}

function receiverText(list: MetricsReceiverList): string {
  return Array.isArray(list)
    ? (list as readonly Expression<"MetricsReceiver">[]).map((e) => e.toString()).join(",")
    : String(list);
}

function checkJobs(jobs: readonly KubernetesScrapeJob[]): void {
  const seen = new Set<string>();
  for (const [i, job] of jobs.entries()) {
    if (seen.has(job.name)) {
      throw valueError(
        `jobs[${i}].name`,
        `"${job.name}" is used by another job`,
        "give every scrape job a unique name",
      );
    }
    seen.add(job.name);
  }
}

/**
 * Adds the scrape pipeline of `jobs` to `scope`. Components come in this
 * order: metric-relabel sinks, secrets, then per job its discovery (when its
 * selection is new) and its scrape.
 */
export function addKubernetesScrapeJobs(
  scope: Scope,
  jobs: readonly KubernetesScrapeJob[],
  options: KubernetesScrapeOptions,
): KubernetesScrapeResult {
  checkJobs(jobs);
  const prefix = options.labelPrefix;
  const used = new Set<string>();
  // Labels are unique per component name, as Alloy requires.
  const unique = (component: string, label: string): string => {
    let candidate = label;
    for (let n = 2; used.has(`${component}.${candidate}`); n++) candidate = `${label}_${n}`;
    used.add(`${component}.${candidate}`);
    return candidate;
  };
  const ids: string[] = [];
  const forwardOf = (job: KubernetesScrapeJob): MetricsReceiverList =>
    typeof options.forwardTo === "function" ? options.forwardTo(job) : options.forwardTo;

  // Metric relabeling, shared by jobs with the same rules and destination.
  const groups = new Map<string, KubernetesScrapeJob[]>();
  for (const job of jobs) {
    if (job.metricRelabelings.length === 0) continue;
    const key = JSON.stringify([job.metricRelabelings, receiverText(forwardOf(job))]);
    groups.set(key, [...(groups.get(key) ?? []), job]);
  }
  const sinks = new Map<string, ComponentHandle<(typeof componentExports)["prometheus.relabel"]>>();
  const metricRelabels: string[] = [];
  [...groups.entries()].forEach(([key, members], index) => {
    const first = members[0] as KubernetesScrapeJob;
    const label = unique(
      "prometheus.relabel",
      options.metricRelabel?.label?.(members, index) ??
        recipeLabel(prefix, `${first.name}_metrics`),
    );
    const comment = options.metricRelabel?.comment;
    const sink = scope.add(
      prometheus.relabel(label, {
        forwardTo: forwardOf(first),
        rule: relabelRules(first.metricRelabelings),
      }),
      comment === undefined
        ? {}
        : { comment: typeof comment === "function" ? comment(members) : comment },
    );
    sinks.set(key, sink);
    metricRelabels.push(sink.id);
    ids.push(sink.id);
  });

  // One secret component per distinct Secret.
  const secretHandles = new Map<
    string,
    ComponentHandle<(typeof componentExports)["remote.kubernetes.secret"]>
  >();
  const secrets: string[] = [];
  const secretKey = (job: KubernetesScrapeJob) => {
    const auth = job.basicAuth as SecretBasicAuth;
    const namespace = auth.namespace ?? options.secretNamespace ?? job.namespaces[0] ?? "default";
    return { namespace, name: auth.secretName, key: `${namespace}/${auth.secretName}` };
  };
  for (const job of jobs) {
    if (!job.basicAuth) continue;
    const ref = secretKey(job);
    if (secretHandles.has(ref.key)) continue;
    const label = unique(
      "remote.kubernetes.secret",
      options.secret?.label?.({ namespace: ref.namespace, name: ref.name }, secretHandles.size) ??
        recipeLabel(prefix, `secret_${ref.name}`),
    );
    const handle = scope.add(
      remote.kubernetes.secret(label, { namespace: ref.namespace, name: ref.name }),
      options.secret?.comment === undefined ? {} : { comment: options.secret.comment },
    );
    secretHandles.set(ref.key, handle);
    secrets.push(handle.id);
    ids.push(handle.id);
  }

  const selections = new Map<
    string,
    ComponentHandle<(typeof componentExports)["discovery.relabel"]>
  >();
  const scrapes = new Map<string, string>();
  for (const job of jobs) {
    const selectionKey = JSON.stringify([
      job.role,
      job.namespaces,
      job.discoverySelectors ?? {},
      job.relabelings,
    ]);
    let selection = selections.get(selectionKey);
    if (!selection) {
      const label = recipeLabel(prefix, job.name);
      const discoveryLabel = unique("discovery.kubernetes", label);
      unique("discovery.relabel", discoveryLabel);
      const selectors = job.discoverySelectors ?? {};
      const kubernetes = scope.add(
        discovery.kubernetes(discoveryLabel, {
          role: job.role,
          ...(job.namespaces.length > 0 ? { namespaces: { names: [...job.namespaces] } } : {}),
          ...(selectors.label !== undefined || selectors.field !== undefined
            ? {
                selectors: [
                  {
                    role: job.role,
                    ...(selectors.label !== undefined ? { label: selectors.label } : {}),
                    ...(selectors.field !== undefined ? { field: selectors.field } : {}),
                  },
                ],
              }
            : {}),
        }),
      );
      selection = scope.add(
        discovery.relabel(discoveryLabel, {
          targets: kubernetes.exports.targets,
          rule: relabelRules(job.relabelings),
        }),
      );
      selections.set(selectionKey, selection);
      ids.push(kubernetes.id, selection.id);
    }
    const forwardTo = forwardOf(job);
    const sink =
      job.metricRelabelings.length > 0
        ? sinks.get(JSON.stringify([job.metricRelabelings, receiverText(forwardTo)]))
        : undefined;
    const secret = job.basicAuth ? secretHandles.get(secretKey(job).key) : undefined;
    const auth = job.basicAuth;
    const scrape = scope.add(
      prometheus.scrape(unique("prometheus.scrape", recipeLabel(prefix, job.name)), {
        targets: selection.exports.output,
        forwardTo: sink ? [sink.exports.receiver] : forwardTo,
        jobName: job.job,
        metricsPath: job.path,
        scheme: job.scheme,
        scrapeInterval: job.interval,
        scrapeTimeout: job.timeout,
        ...(job.honorLabels !== undefined ? { honorLabels: job.honorLabels } : {}),
        ...(job.bearerTokenFile !== undefined ? { bearerTokenFile: job.bearerTokenFile } : {}),
        ...(auth && secret
          ? {
              basicAuth: {
                username: convert.nonsensitive(expr.index(secret.exports.data, auth.usernameKey)),
                password: expr.index(secret.exports.data, auth.passwordKey),
              },
            }
          : {}),
        ...(job.tls
          ? {
              tlsConfig: {
                ...(job.tls.caFile !== undefined ? { caFile: job.tls.caFile } : {}),
                ...(job.tls.certFile !== undefined ? { certFile: job.tls.certFile } : {}),
                ...(job.tls.keyFile !== undefined ? { keyFile: job.tls.keyFile } : {}),
                ...(job.tls.serverName !== undefined ? { serverName: job.tls.serverName } : {}),
                ...(job.tls.insecureSkipVerify !== undefined
                  ? { insecureSkipVerify: job.tls.insecureSkipVerify }
                  : {}),
              },
            }
          : {}),
        ...(options.clustering ? { clustering: { enabled: true } } : {}),
      }),
    );
    scrapes.set(job.name, scrape.id);
    ids.push(scrape.id);
  }
  return { ids, scrapes, metricRelabels, secrets };
}

/** Prometheus' sanitising of a Kubernetes label key into a label name (`app.kubernetes.io/name` → `app_kubernetes_io_name`). */
export function kubernetesLabelName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, "_");
}

export interface PodScrapeJobOptions {
  readonly name: string;
  readonly job: string;
  /** Namespaces to discover in (all when empty). */
  readonly namespaces: readonly string[];
  /** Pod labels that must all match (the workload's selector labels). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The container port to scrape, by name. */
  readonly portName: string;
  readonly path?: string;
  readonly scheme?: "http" | "https";
  readonly interval?: string;
  readonly timeout?: string;
  /** Scrape only pods in phase Running (default true). */
  readonly runningOnly?: boolean;
  /** Pod labels copied onto every series: pod label key → target label. */
  readonly copyPodLabels?: Readonly<Record<string, string>>;
  readonly bearerTokenFile?: string;
  readonly tls?: ScrapeTls;
  /** Keep the target's own labels over the scrape's on a clash (honor_labels). */
  readonly honorLabels?: boolean;
  readonly basicAuth?: SecretBasicAuth;
  readonly metricRelabelings?: readonly RelabelRuleData[];
}

/**
 * A pod-role scrape job for the pods with `podLabels`, on the container
 * port `portName`: discovered server-side by label (and phase), kept by
 * relabeling (labels, port), labelled with namespace, pod and container.
 * The result also carries `podLabels` and `portName` for callers that derive
 * NetworkPolicy peers from jobs.
 */
export function podScrapeJob(options: PodScrapeJobOptions): KubernetesScrapeJob & {
  readonly podLabels: Readonly<Record<string, string>>;
  readonly portName: string;
} {
  const keys = Object.keys(options.podLabels).sort();
  if (keys.length === 0) {
    throw valueError(
      `${options.name}.podLabels`,
      "at least one pod label is required",
      "an empty selector would scrape every pod",
    );
  }
  const runningOnly = options.runningOnly ?? true;
  const meta = (key: string) => `__meta_kubernetes_pod_label_${kubernetesLabelName(key)}`;
  return {
    name: options.name,
    job: options.job,
    role: "pod",
    namespaces: [...options.namespaces],
    discoverySelectors: {
      label: keys.map((k) => `${k}=${options.podLabels[k]}`).join(","),
      ...(runningOnly ? { field: "status.phase=Running" } : {}),
    },
    path: options.path ?? "/metrics",
    scheme: options.scheme ?? "http",
    interval: options.interval ?? "30s",
    timeout: options.timeout ?? "10s",
    ...(options.basicAuth ? { basicAuth: options.basicAuth } : {}),
    ...(options.bearerTokenFile ? { bearerTokenFile: options.bearerTokenFile } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.honorLabels ? { honorLabels: true } : {}),
    relabelings: [
      ...(runningOnly
        ? [
            {
              sourceLabels: ["__meta_kubernetes_pod_phase"],
              regex: "Running",
              action: "keep" as const,
            },
          ]
        : []),
      {
        sourceLabels: keys.map(meta),
        separator: ";",
        regex: keys.map((k) => escapeRegex(options.podLabels[k] as string)).join(";"),
        action: "keep",
      },
      {
        sourceLabels: ["__meta_kubernetes_pod_container_port_name"],
        regex: escapeRegex(options.portName),
        action: "keep",
      },
      { sourceLabels: ["__meta_kubernetes_namespace"], targetLabel: "namespace" },
      { sourceLabels: ["__meta_kubernetes_pod_name"], targetLabel: "pod" },
      { sourceLabels: ["__meta_kubernetes_pod_container_name"], targetLabel: "container" },
      ...Object.entries(options.copyPodLabels ?? {}).map(([podLabel, target]) => ({
        sourceLabels: [meta(podLabel)],
        targetLabel: target,
      })),
    ],
    metricRelabelings: [...(options.metricRelabelings ?? [])],
    podLabels: { ...options.podLabels },
    portName: options.portName,
  };
}
