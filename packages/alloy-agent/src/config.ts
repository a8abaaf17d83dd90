/**
 * The agent's Alloy configuration, built with alloy-syntax: discover the
 * pods of this node, tail their files under /var/log/pods, parse the CRI
 * format, keep stream labels low-cardinality, and push to the gateway.
 */
import {
  AlloyConfig,
  attr,
  component,
  discovery,
  escapeRegex,
  expr,
  http,
  type LogStageData,
  local,
  logging,
  loki,
  lokiStages,
  pipelineGraph,
  pipelineProblems,
  type RelabelRuleData,
  relabelRules,
  sys,
  validateReferences,
} from "@materialize-monitoring/alloy-syntax";
import {
  INTERNAL_TLS,
  INTERNAL_TLS_MIN_VERSION,
  internalServerTlsFiles,
  type ValueProblem,
  ValuesError,
} from "@materialize-monitoring/core";
import { AGENT_NAME, NODE_NAME_ENV, PATHS } from "./constants.js";
import type { ResolvedAlloyAgentValues } from "./values.js";

/** Prometheus' label-name sanitising of a Kubernetes label key. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

const META = {
  namespace: "__meta_kubernetes_namespace",
  pod: "__meta_kubernetes_pod_name",
  uid: "__meta_kubernetes_pod_uid",
  container: "__meta_kubernetes_pod_container_name",
  node: "__meta_kubernetes_pod_node_name",
  configHash: "__meta_kubernetes_pod_annotation_kubernetes_io_config_hash",
  podLabel: (label: string) => `__meta_kubernetes_pod_label_${sanitizeLabelName(label)}`,
};

export interface AgentConfigInput {
  values: ResolvedAlloyAgentValues;
  /** The agent's own pod labels: its pods' logs are left to the gateway. */
  ownSelector: Record<string, string>;
  /** Where to push (the gateway's loki.source.api). */
  pushUrl: string;
  /** The stack's internal TLS: the HTTP server serves it, and the push to the gateway uses it. */
  internalTls?: { server: boolean; push: boolean };
}

/**
 * Target relabeling of the pod discovery: drop the agent's own pods and
 * excluded namespaces, set the stream labels (namespace, container, app,
 * job; pod and node for structured metadata), and build `__path__`.
 */
export function podLogRelabelings(input: AgentConfigInput): RelabelRuleData[] {
  const { values, ownSelector } = input;
  const ownKeys = Object.keys(ownSelector).sort();
  const rules: RelabelRuleData[] = [
    {
      sourceLabels: ownKeys.map(META.podLabel),
      separator: ";",
      regex: ownKeys.map((k) => escapeRegex(ownSelector[k] as string)).join(";"),
      action: "drop",
    },
  ];
  if (values.logs.excludeNamespaces.length > 0) {
    rules.push({
      sourceLabels: [META.namespace],
      regex: values.logs.excludeNamespaces.map(escapeRegex).join("|"),
      action: "drop",
    });
  }
  rules.push(
    { sourceLabels: [META.namespace], targetLabel: "namespace" },
    { sourceLabels: [META.container], targetLabel: "container" },
    {
      // The first of app.kubernetes.io/name and app that is set.
      sourceLabels: [META.podLabel("app.kubernetes.io/name"), META.podLabel("app")],
      separator: ";",
      regex: ";*([^;]+).*",
      targetLabel: "app",
    },
    { sourceLabels: [META.namespace, META.container], separator: "/", targetLabel: "job" },
    { sourceLabels: [META.pod], targetLabel: "pod" },
    { sourceLabels: [META.node], targetLabel: "node" },
    ...values.logs.podLabelsAsMetadata.map((m) => ({
      sourceLabels: [META.podLabel(m.podLabel)],
      targetLabel: m.name,
    })),
    {
      sourceLabels: [META.uid, META.container],
      separator: "/",
      targetLabel: "__path__",
      replacement: `${PATHS.podLogs}/*$1/*.log`,
    },
    {
      // Static pods log under their config hash, not the mirror pod's uid.
      sourceLabels: [META.configHash, META.container],
      separator: "/",
      regex: "([^/]+/.+)",
      targetLabel: "__path__",
      replacement: `${PATHS.podLogs}/*$1/*.log`,
    },
  );
  return rules;
}

/**
 * Stages of every pod line: parse the CRI format (timestamp, stream,
 * partial lines), move the high-cardinality labels to structured metadata,
 * drop the file name.
 */
export function podLogStages(values: ResolvedAlloyAgentValues): LogStageData[] {
  const metadata = [
    "pod",
    ...(values.logs.nodeLabel ? [] : ["node"]),
    ...values.logs.podLabelsAsMetadata.map((m) => m.name),
  ];
  return [
    { type: "cri" },
    { type: "structuredMetadata", values: Object.fromEntries(metadata.map((n) => [n, ""])) },
    { type: "labelDrop", values: ["filename", ...metadata] },
  ];
}

/** Journal relabeling: keep the configured units, label them, keep the node for metadata. */
export function journalRelabelings(values: ResolvedAlloyAgentValues): RelabelRuleData[] {
  return [
    {
      sourceLabels: ["__journal__systemd_unit"],
      regex: values.journal.units.map(escapeRegex).join("|"),
      action: "keep",
    },
    { sourceLabels: ["__journal__systemd_unit"], targetLabel: "unit" },
    { sourceLabels: ["__journal__hostname"], targetLabel: "node" },
    { sourceLabels: ["__journal_priority_keyword"], targetLabel: "level" },
  ];
}

function renderChecks(config: AlloyConfig): void {
  const file = config.toAst();
  const problems: ValueProblem[] = validateReferences(file).map((p) => ({
    path: `${AGENT_NAME}.config: ${p.path}`,
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
  }));
  for (const p of pipelineProblems(pipelineGraph(file))) {
    problems.push({ path: `${AGENT_NAME}.config: ${p.component}`, message: p.message });
  }
  if (problems.length > 0) throw new ValuesError(problems);
}

/** The agent's configuration; throws a ValuesError when a reference dangles or data reaches no writer. */
export function agentConfig(input: AgentConfigInput): AlloyConfig {
  const { values } = input;
  const config = new AlloyConfig();
  config.addStatement(logging({ level: values.logLevel, format: "logfmt" }));
  if (input.internalTls?.server) {
    // The HTTP server (metrics, probes) serves the stack's internal TLS.
    config.addStatement(
      http({ tls: { ...internalServerTlsFiles(), minVersion: INTERNAL_TLS_MIN_VERSION } }),
    );
  }

  const write = config.add(
    loki.write("gateway", {
      // retry_on_http_429 defaults to true: rate-limited batches are retried, not dropped.
      endpoint: [
        {
          url: input.pushUrl,
          // The gateway's certificate holds the push URL's host.
          ...(input.internalTls?.push
            ? {
                tlsConfig: {
                  caFile: INTERNAL_TLS.ca,
                  certFile: INTERNAL_TLS.cert,
                  keyFile: INTERNAL_TLS.key,
                  minVersion: INTERNAL_TLS_MIN_VERSION,
                },
              }
            : {}),
        },
      ],
    }),
    { comment: "Everything goes to the gateway, which processes and writes it to Loki." },
  );

  const pods = config.add(
    discovery.kubernetes("pods", {
      role: "pod",
      selectors: [{ role: "pod", field: expr.concat("spec.nodeName=", sys.env(NODE_NAME_ENV)) }],
    }),
    {
      comment:
        "Only the pods of this node (field selector on the node name from the downward API).",
    },
  );
  const relabel = config.add(
    discovery.relabel("pods", {
      targets: pods.exports.targets,
      rule: relabelRules(podLogRelabelings(input)),
    }),
  );
  const files = config.add(
    local.fileMatch("pods", { pathTargets: relabel.exports.output, syncPeriod: "10s" }),
  );
  const process = config.add(
    loki.process("pods", {
      forwardTo: [write.exports.receiver],
      stages: lokiStages(podLogStages(values)),
    }),
  );
  config.add(
    loki.source.file("pods", {
      targets: files.exports.targets,
      forwardTo: [process.exports.receiver],
    }),
    {
      comment:
        "Read positions live under --storage.path, a hostPath, so restarts resume where they stopped.",
    },
  );

  if (values.journal.enabled) {
    const journalRules = config.add(
      loki.relabel("journal", { forwardTo: [], rule: relabelRules(journalRelabelings(values)) }),
    );
    const journalMetadata: LogStageData[] = values.logs.nodeLabel
      ? []
      : [
          { type: "structuredMetadata", values: { node: "" } },
          { type: "labelDrop", values: ["node"] },
        ];
    const journalProcess =
      journalMetadata.length > 0
        ? config.add(
            loki.process("journal", {
              forwardTo: [write.exports.receiver],
              stages: lokiStages(journalMetadata),
            }),
          )
        : undefined;
    config.add(
      component("loki.source.journal", "node", [
        attr("path", values.journal.path),
        attr("max_age", values.journal.maxAge),
        attr("relabel_rules", journalRules.exports.rules),
        attr("labels", { job: values.journal.job }),
        attr("forward_to", [
          journalProcess ? journalProcess.exports.receiver : write.exports.receiver,
        ]),
      ]),
      { comment: "The node's journal: the kubelet and the container runtime." },
    );
  }
  renderChecks(config);
  return config;
}
