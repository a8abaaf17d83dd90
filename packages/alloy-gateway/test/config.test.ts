/**
 * The gateway's Alloy configuration: pinned text for the default (HA),
 * single-replica and full renders, alloy fmt form, references, the wiring
 * graph, clustering and the Materialize jobs.
 */
import {
  downstreamOf,
  parse,
  pipelineGraph,
  pipelineProblems,
  print,
  stripPositions,
  validateReferences,
} from "@materialize-monitoring/alloy-syntax";
import { describe, expect, it } from "vitest";
import {
  type AlloyGatewayValues,
  alloyGatewayConfigOf,
  CLUSTERED_COMPONENTS,
  EXTRA_COMPONENT_EXPORTS,
  unclusteredComponents,
} from "../src/index.js";
import { buildGateway, FULL, MATERIALIZE, MATERIALIZE_JOBS, SINGLE } from "./helpers.js";

const RENDERS: [string, AlloyGatewayValues][] = [
  ["default (HA, clustered)", {}],
  ["single replica", SINGLE],
  ["full (Materialize jobs, allow-lists, stages, extra destinations, OTLP)", FULL],
  ["kubelet through the API-server proxy", { scrape: { kubelet: { mode: "apiServerProxy" } } }],
];

const text = (values: AlloyGatewayValues) => alloyGatewayConfigOf(buildGateway(values));

describe("Alloy text", () => {
  it.each(RENDERS)(
    "%s: is printed in alloy fmt form (print(parse(text)) === text)",
    (_n, values) => {
      const t = text(values);
      const parsed = parse(t);
      expect(print(parsed)).toBe(t);
      expect(stripPositions(parse(print(parsed)))).toEqual(stripPositions(parsed));
    },
  );

  it.each(RENDERS)("%s: has no dangling reference", (_n, values) => {
    expect(validateReferences(parse(text(values)), { exports: EXTRA_COMPONENT_EXPORTS })).toEqual(
      [],
    );
  });

  it.each(RENDERS)("%s: every source reaches a writer and every forwarder is fed", (_n, values) => {
    const graph = pipelineGraph(parse(text(values)));
    expect(pipelineProblems(graph)).toEqual([]);
    for (const source of graph.sources) {
      const reached = [...downstreamOf(graph, source)].filter((c) => graph.writers.includes(c));
      expect(reached, `${source} reaches no writer`).not.toEqual([]);
    }
  });

  it("never writes the misspelled retry_on_http429 (the default, true, applies)", () => {
    for (const [, values] of RENDERS) expect(text(values)).not.toContain("retry_on_http429");
  });

  it("pins the default render", () => {
    expect(text({})).toMatchSnapshot();
  });

  it("pins the single-replica render", () => {
    expect(text(SINGLE)).toMatchSnapshot();
  });

  it("pins the full render", () => {
    expect(text(FULL)).toMatchSnapshot();
  });
});

describe("kubelet TLS", () => {
  /** The body of each `prometheus.scrape` block of the kubelet jobs, by label. */
  const kubeletBlocks = (t: string) =>
    Object.fromEntries(
      [...t.matchAll(/^prometheus\.scrape "(kubelet[a-z_]*)" \{\n([\s\S]*?)^\}/gm)].map((m) => [
        m[1],
        m[2] ?? "",
      ]),
    );

  it("verifies the kubelets' certificates against the cluster CA by default", () => {
    const blocks = kubeletBlocks(text({}));
    expect(Object.keys(blocks).sort()).toEqual(["kubelet", "kubelet_cadvisor", "kubelet_resource"]);
    for (const body of Object.values(blocks)) expect(body).not.toContain("insecure_skip_verify");
  });

  it("skips verification in every kubelet job's tls_config with scrape.kubelet.insecureSkipVerify", () => {
    const blocks = kubeletBlocks(text({ scrape: { kubelet: { insecureSkipVerify: true } } }));
    expect(Object.keys(blocks)).toHaveLength(3);
    for (const [label, body] of Object.entries(blocks)) {
      expect(body, label).toMatch(/tls_config \{[^}]*insecure_skip_verify = true/);
    }
  });

  it("has nothing to skip through the API-server proxy (the API server reaches the kubelets)", () => {
    const t = text({ scrape: { kubelet: { mode: "apiServerProxy", insecureSkipVerify: true } } });
    expect(t).not.toContain("insecure_skip_verify");
  });
});

describe("wiring", () => {
  const full = pipelineGraph(parse(text(FULL)));
  const reaches = (from: string, to: string) => downstreamOf(full, from).has(to);

  it("sends logs from every log source through the stages and levels to Loki and OTLP", () => {
    expect(reaches("loki.source.api.push", "loki.process.stages")).toBe(true);
    expect(reaches("loki.process.stages", "loki.process.levels")).toBe(true);
    expect(reaches("loki.process.levels", "loki.write.default")).toBe(true);
    expect(reaches("loki.process.levels", "otelcol.exporter.otlp.export")).toBe(true);
    // Events and the agents' own logs skip the Materialize stages.
    expect(reaches("loki.source.kubernetes_events.events", "loki.process.stages")).toBe(false);
    expect(reaches("loki.source.kubernetes_events.events", "loki.write.default")).toBe(true);
    expect(reaches("loki.source.kubernetes.agent_logs", "loki.write.default")).toBe(true);
    expect(reaches("otelcol.receiver.otlp.default", "loki.write.default")).toBe(true);
    expect(reaches("otelcol.receiver.otlp.default", "prometheus.remote_write.default")).toBe(true);
  });

  it("sends every scrape through its source's allow-list to remote_write", () => {
    const t = text(FULL);
    for (const job of MATERIALIZE_JOBS) {
      const scrape = `prometheus.scrape.${job.name}`;
      expect(full.components.has(scrape), scrape).toBe(true);
      expect(reaches(scrape, "prometheus.relabel.metrics_materialize")).toBe(true);
      expect(reaches(scrape, "prometheus.remote_write.default")).toBe(true);
    }
    expect(
      reaches("prometheus.scrape.node_exporter", "prometheus.relabel.metrics_node_exporter"),
    ).toBe(true);
    expect(
      reaches("prometheus.scrape.kubelet_cadvisor", "prometheus.relabel.metrics_cadvisor"),
    ).toBe(true);
    expect(reaches("prometheus.scrape.alloy_gateway", "prometheus.relabel.metrics_alloy")).toBe(
      true,
    );
    // /metrics/resource has no allow-list here: straight to the writers.
    expect(
      full.edges.filter((e) => e.from === "prometheus.scrape.kubelet_resource").map((e) => e.to),
    ).toEqual(["prometheus.remote_write.default", "otelcol.receiver.prometheus.export"]);
    expect(t).toContain('prometheus.relabel "metrics_materialize"');
  });

  it("keeps the Materialize jobs' relabel rules and SQL-monitor credentials from the Secret", () => {
    const t = text(FULL);
    expect(t).toContain('"environmentd;.*|.*;environmentd"');
    expect(t).toMatch(/target_label\s+= "materialize_cloud_organization_name"/);
    expect(t).toMatch(/job_name\s+= "materialize-environmentd-mz-compute"/);
    expect(t).toContain('remote.kubernetes.secret "secret_materialize_sql_monitor" {');
    expect(t).toContain('namespace = "materialize-environment"');
    expect(t).toContain(
      'username = convert.nonsensitive(remote.kubernetes.secret.secret_materialize_sql_monitor.data["username"])',
    );
    // The SQL-derived endpoints reuse environmentd's discovery.
    expect(t.match(/discovery\.kubernetes "environmentd/g)).toHaveLength(1);
    for (const target of MATERIALIZE.targets) {
      expect(t).toContain(`prometheus.scrape "${target.name}" {`);
    }
  });

  it("keeps only the allow-listed metrics (and up) of each source", () => {
    const t = text(FULL);
    const list = [...(MATERIALIZE.allowLists["node-exporter"] ?? []), "up"];
    expect(t).toContain(`"${[...new Set(list)].sort().join("|")}"`);
  });

  it("drops cAdvisor series without container or image", () => {
    expect(text({})).toMatch(/regex\s+= "container_\[\^;\]\*;"/);
  });

  it("adds the cluster external label to metrics and logs", () => {
    const t = alloyGatewayConfigOf(buildGateway({}, { clusterName: "prod-eu" }));
    expect(t.match(/cluster = "prod-eu"/g)).toHaveLength(2);
  });

  it("sends the Loki tenant and keeps pushed timestamps", () => {
    const t = text(FULL);
    expect(t).toMatch(/tenant_id\s+= "materialize"/);
    expect(t).toMatch(/use_incoming_timestamp\s+= true/);
  });

  it("reads destination credentials from mounted files and env variables only", () => {
    const t = text(FULL);
    expect(t).toMatch(/password_file\s+= "\/etc\/alloy\/secrets\/central-loki\/password"/);
    expect(t).toMatch(/username\s+= sys\.env\("LOKI_CENTRAL_USERNAME"\)/);
    expect(t).toMatch(/bearer_token_file\s+= "\/etc\/alloy\/secrets\/central-metrics\/token"/);
  });
});

describe("clustering", () => {
  it.each(RENDERS.filter(([n]) => n !== "single replica"))(
    "%s: every clusterable component shares its work",
    (_n, values) => {
      const file = parse(text(values));
      expect(unclusteredComponents(file)).toEqual([]);
      const clusterable = file.body.filter(
        (s) => s.type === "Block" && (CLUSTERED_COMPONENTS as readonly string[]).includes(s.name),
      );
      expect(clusterable.length).toBeGreaterThan(0);
    },
  );

  it("single replica: nothing is clustered and no cluster flags are passed", () => {
    const c = buildGateway(SINGLE);
    expect(alloyGatewayConfigOf(c)).not.toContain("clustering {");
    const args = JSON.stringify(c.objects);
    expect(args).not.toContain("--cluster.enabled");
  });
});
