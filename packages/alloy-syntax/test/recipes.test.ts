/**
 * The recipes: relabel rules, Kubernetes scrape jobs and log stages as
 * plain data, converted to components; and the telemetry graph checks.
 */
import { describe, expect, it } from "vitest";
import {
  AlloyConfig,
  AlloyValueError,
  addKubernetesScrapeJobs,
  addLogProcess,
  downstreamOf,
  escapeRegex,
  expr,
  type KubernetesScrapeJob,
  LOG_STAGE_TYPES,
  type LogStageData,
  loki,
  lokiStages,
  metricAllowListRule,
  parse,
  pipelineGraph,
  pipelineProblems,
  podScrapeJob,
  print,
  prometheus,
  prometheusRelabelConfig,
  recipeLabel,
  relabelRules,
  validateReferences,
} from "../src/index.js";

const job = (overrides: Partial<KubernetesScrapeJob> = {}): KubernetesScrapeJob => ({
  name: "app",
  job: "ns/app",
  role: "pod",
  namespaces: ["ns"],
  discoverySelectors: { label: "app=x", field: "status.phase=Running" },
  path: "/metrics",
  scheme: "http",
  interval: "30s",
  timeout: "10s",
  relabelings: [
    { sourceLabels: ["__meta_kubernetes_pod_container_port_name"], regex: "http", action: "keep" },
  ],
  metricRelabelings: [],
  ...overrides,
});

function withWriter() {
  const config = new AlloyConfig();
  const write = config.add(
    prometheus.remoteWrite("default", { endpoint: [{ url: "http://w:9090/push" }] }),
  );
  return { config, writers: [write.exports.receiver] };
}

describe("relabel rules", () => {
  it("convert to rule blocks leaving unset fields unset", () => {
    expect(
      relabelRules([
        { sourceLabels: ["a"], targetLabel: "b" },
        { action: "hashmod", modulus: 4 },
      ]),
    ).toEqual([
      { sourceLabels: ["a"], targetLabel: "b" },
      { action: "hashmod", modulus: 4 },
    ]);
  });

  it("build an allow-list keep rule: sorted, deduplicated, literal", () => {
    expect(metricAllowListRule(["up", "a:b", "node_x", "up"])).toEqual({
      sourceLabels: ["__name__"],
      regex: "a:b|node_x|up",
      action: "keep",
    });
    expect(escapeRegex("a.b*c")).toBe("a\\.b\\*c");
    expect(metricAllowListRule([]).regex).toBe("");
  });

  it("print as Prometheus relabel_configs (snake_case)", () => {
    expect(
      prometheusRelabelConfig({
        sourceLabels: ["__name__"],
        separator: ";",
        regex: "x",
        targetLabel: "t",
        replacement: "$1",
        action: "replace",
      }),
    ).toEqual({
      source_labels: ["__name__"],
      separator: ";",
      regex: "x",
      target_label: "t",
      replacement: "$1",
      action: "replace",
    });
  });
});

describe("Kubernetes scrape jobs", () => {
  it("write discovery, relabel and scrape per job, with clustering", () => {
    const { config, writers } = withWriter();
    const result = addKubernetesScrapeJobs(config, [job()], {
      forwardTo: writers,
      clustering: true,
      labelPrefix: "mz",
    });
    const text = config.toString();
    expect(result.ids).toEqual([
      "discovery.kubernetes.mz_app",
      "discovery.relabel.mz_app",
      "prometheus.scrape.mz_app",
    ]);
    expect(result.scrapes.get("app")).toBe("prometheus.scrape.mz_app");
    expect(text).toContain('label = "app=x"');
    expect(text).toContain("clustering {");
    expect(print(parse(text))).toBe(text);
    expect(validateReferences(parse(text))).toEqual([]);
  });

  it("share one discovery between jobs with the same selection, one relabel between jobs with the same rules", () => {
    const { config, writers } = withWriter();
    const allow = [metricAllowListRule(["up"])];
    const result = addKubernetesScrapeJobs(
      config,
      [
        job({ metricRelabelings: allow }),
        job({ name: "app_sql", path: "/metrics/sql", metricRelabelings: allow }),
        job({ name: "other", namespaces: ["b"] }),
      ],
      { forwardTo: writers, metricRelabel: { label: () => "allow_list", comment: "Allow-list." } },
    );
    const text = config.toString();
    expect(text.match(/discovery\.kubernetes "/g)).toHaveLength(2);
    expect(result.metricRelabels).toEqual(["prometheus.relabel.allow_list"]);
    expect(text).toContain('// Allow-list.\nprometheus.relabel "allow_list"');
    const graph = pipelineGraph(parse(text));
    expect(
      downstreamOf(graph, "prometheus.scrape.app_sql").has("prometheus.relabel.allow_list"),
    ).toBe(true);
    expect(
      downstreamOf(graph, "prometheus.scrape.other").has("prometheus.relabel.allow_list"),
    ).toBe(false);
  });

  it("give distinct destinations distinct relabel components, with unique labels", () => {
    const { config, writers } = withWriter();
    const second = config.add(
      prometheus.remoteWrite("second", { endpoint: [{ url: "http://s:9090/push" }] }),
    );
    const rules = [metricAllowListRule(["up"])];
    const result = addKubernetesScrapeJobs(
      config,
      [job({ metricRelabelings: rules }), job({ name: "b", metricRelabelings: rules })],
      {
        forwardTo: (j) => (j.name === "b" ? [second.exports.receiver] : writers),
        metricRelabel: { label: () => "keep" },
      },
    );
    expect(result.metricRelabels).toEqual(["prometheus.relabel.keep", "prometheus.relabel.keep_2"]);
  });

  it("read basic auth from one remote.kubernetes.secret per Secret", () => {
    const { config, writers } = withWriter();
    const basicAuth = { secretName: "mon", usernameKey: "u", passwordKey: "p" };
    const result = addKubernetesScrapeJobs(
      config,
      [
        job({ basicAuth }),
        job({ name: "two", basicAuth: { ...basicAuth, namespace: "other" } }),
        job({ name: "three", basicAuth }),
      ],
      { forwardTo: writers },
    );
    const text = config.toString();
    expect(result.secrets).toEqual([
      "remote.kubernetes.secret.secret_mon",
      "remote.kubernetes.secret.secret_mon_2",
    ]);
    expect(text).toContain('namespace = "other"');
    expect(text).toContain(
      'username = convert.nonsensitive(remote.kubernetes.secret.secret_mon.data["u"])',
    );
    expect(text).toContain('password = remote.kubernetes.secret.secret_mon.data["p"]');
  });

  it("write node-role jobs with token, CA and an explicit insecure opt-in", () => {
    const { config, writers } = withWriter();
    addKubernetesScrapeJobs(
      config,
      [
        job({
          name: "kubelet",
          role: "node",
          namespaces: [],
          discoverySelectors: {},
          scheme: "https",
          bearerTokenFile: "/t",
          tls: { caFile: "/ca", insecureSkipVerify: true },
        }),
      ],
      { forwardTo: writers },
    );
    const text = config.toString();
    expect(text).toContain('discovery.kubernetes "kubelet" {\n\trole = "node"\n}');
    expect(text).toContain('bearer_token_file = "/t"');
    expect(text).toContain("insecure_skip_verify = true");
  });

  it("reject duplicate job names", () => {
    const { config, writers } = withWriter();
    expect(() => addKubernetesScrapeJobs(config, [job(), job()], { forwardTo: writers })).toThrow(
      AlloyValueError,
    );
    expect(() =>
      addKubernetesScrapeJobs(new AlloyConfig(), [job(), job()], { forwardTo: [] }),
    ).toThrow('jobs[1].name: "app" is used by another job (give every scrape job a unique name)');
  });

  it("build a pod job from selector labels and a port name", () => {
    const pod = podScrapeJob({
      name: "loki",
      job: "monitoring/loki",
      namespaces: ["monitoring"],
      podLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/instance": "i" },
      portName: "http-metrics",
      copyPodLabels: { "app.kubernetes.io/component": "component" },
    });
    expect(pod.discoverySelectors).toEqual({
      label: "app.kubernetes.io/instance=i,app.kubernetes.io/name=loki",
      field: "status.phase=Running",
    });
    expect(pod.relabelings.slice(0, 3)).toEqual([
      { sourceLabels: ["__meta_kubernetes_pod_phase"], regex: "Running", action: "keep" },
      {
        sourceLabels: [
          "__meta_kubernetes_pod_label_app_kubernetes_io_instance",
          "__meta_kubernetes_pod_label_app_kubernetes_io_name",
        ],
        separator: ";",
        regex: "i;loki",
        action: "keep",
      },
      {
        sourceLabels: ["__meta_kubernetes_pod_container_port_name"],
        regex: "http-metrics",
        action: "keep",
      },
    ]);
    expect(pod.relabelings.at(-1)).toEqual({
      sourceLabels: ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
      targetLabel: "component",
    });
    expect(() =>
      podScrapeJob({ name: "x", job: "x", namespaces: [], podLabels: {}, portName: "p" }),
    ).toThrow("x.podLabels: at least one pod label is required");
  });

  it("make labels valid identifiers", () => {
    expect(recipeLabel("mz", "sql-monitor")).toBe("mz_sql_monitor");
    expect(recipeLabel(undefined, "1st")).toBe("_1st");
  });
});

describe("log stages", () => {
  const ALL: LogStageData[] = [
    { type: "cri" },
    { type: "json", expressions: { level: "level" }, source: "x", dropMalformed: true },
    { type: "logfmt", mapping: { level: "" } },
    { type: "regex", expression: "^(?P<a>\\w+)" },
    { type: "template", source: "level", template: "{{ ToLower .Value }}" },
    {
      type: "timestamp",
      source: "ts",
      format: "RFC3339Nano",
      fallbackFormats: ["RFC3339"],
      actionOnFailure: "skip",
    },
    { type: "labels", values: { level: "" } },
    { type: "structuredMetadata", values: { pod: "" } },
    { type: "staticLabels", values: { team: "db" } },
    { type: "labelDrop", values: ["filename"] },
    { type: "labelKeep", values: ["job"] },
    { type: "drop", olderThan: "24h", dropCounterReason: "too_old" },
    { type: "limit", rate: 100, burst: 500, byLabelName: "namespace", drop: true },
    { type: "output", source: "message" },
    { type: "multiline", firstline: "^\\S", maxWaitTime: "3s" },
    { type: "replace", expression: "(secret)", replace: "***" },
    { type: "match", selector: '{app="x"}', stages: [{ type: "labels", values: { a: "" } }] },
    { type: "match", selector: '{app="noise"}', action: "drop", dropCounterReason: "noise" },
  ];

  it("cover every stage type", () => {
    expect(new Set(ALL.map((s) => s.type))).toEqual(new Set(LOG_STAGE_TYPES));
  });

  it("convert to stage blocks in a loki.process, printed in alloy fmt form", () => {
    const config = new AlloyConfig();
    const write = config.add(
      loki.write("w", { endpoint: [{ url: "http://l:3100/loki/api/v1/push" }] }),
    );
    addLogProcess(config, "all", ALL, [write.exports.receiver], { comment: "Every stage." });
    const text = config.toString();
    expect(lokiStages(ALL)).toHaveLength(ALL.length);
    for (const block of [
      "stage.cri { }",
      "stage.structured_metadata {",
      "stage.static_labels {",
      "stage.label_drop {",
      "stage.multiline {",
      "stage.replace {",
    ]) {
      expect(text).toContain(block);
    }
    expect(text).toContain('action              = "drop"');
    expect(print(parse(text))).toBe(text);
    expect(text).toMatchSnapshot();
  });
});

describe("pipeline graph", () => {
  it("follows forward_to and OTLP outputs from sources to writers", () => {
    const config = new AlloyConfig();
    const write = config.add(
      loki.write("w", { endpoint: [{ url: "http://l:3100/loki/api/v1/push" }] }),
    );
    const process = config.add(loki.process("p", { forwardTo: [write.exports.receiver] }));
    config.add(loki.source.api("push", { forwardTo: [process.exports.receiver] }));
    const graph = pipelineGraph(config.toAst());
    expect(graph.sources).toEqual(["loki.source.api.push"]);
    expect(graph.writers).toEqual(["loki.write.w"]);
    expect(graph.edges).toEqual([
      { from: "loki.process.p", to: "loki.write.w", via: "receiver" },
      { from: "loki.source.api.push", to: "loki.process.p", via: "receiver" },
    ]);
    expect(pipelineProblems(graph)).toEqual([]);
  });

  it("reports sources and forwarders that reach no writer, and writers nothing feeds", () => {
    const config = new AlloyConfig();
    const dead = config.add(prometheus.relabel("dead", { forwardTo: [] }));
    config.add(prometheus.scrape("s", { targets: [], forwardTo: [dead.exports.receiver] }));
    config.add(prometheus.scrape("nothing", { targets: [], forwardTo: [] }));
    config.add(prometheus.remoteWrite("idle", { endpoint: [{ url: "http://w/push" }] }));
    config.add(
      prometheus.relabel("unused", {
        forwardTo: [expr.raw("prometheus.remote_write.idle.receiver") as never],
      }),
    );
    expect(pipelineProblems(pipelineGraph(config.toAst()))).toEqual([
      { component: "prometheus.relabel.dead", message: "receives data but forwards it to nothing" },
      { component: "prometheus.scrape.s", message: "forwards to components that reach no writer" },
      { component: "prometheus.scrape.nothing", message: "is a source that forwards to nothing" },
    ]);
  });
});
