import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkAddresses, wiredConnections } from "@materialize-monitoring/core/validate";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { CommandExit } from "../src/apply/commands.js";
import { registerGraphCommand, renderGraph } from "../src/graph/command.js";
import { layers } from "../src/graph/layout.js";
import { linksOf } from "../src/graph/links.js";
import { mermaidText, toMermaid } from "../src/graph/mermaid.js";
import { type StackGraph, stackGraph } from "../src/graph/model.js";
import { normalizeAddress, purposesOf } from "../src/graph/purposes.js";
import { toSvg } from "../src/graph/svg.js";
import { loadValues } from "../src/load-values.js";
import { PROFILE_NAMES, PROFILES } from "../src/profiles.js";
import { type Stack, stack } from "../src/stack.js";
import { customResourceConsumers, declaredConnections } from "../src/validate.js";
import type { StackValues } from "../src/values.js";
import { capturedIO } from "./run-cli.js";

// ---------------------------------------------------------------------------
// A minimal XML reader: enough to prove the SVG is well-formed (every tag
// closed in order, quoted attributes, only known entities, no stray `<` or `&`).

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(text: string, where: string): string {
  if (text.includes("<")) throw new Error(`raw '<' in ${where}`);
  return text.replace(/&([^;\s]*);?/g, (all, name: string) => {
    if (!all.endsWith(";")) throw new Error(`bare '&' in ${where}`);
    const numeric = /^#(x[0-9a-f]+|\d+)$/i.exec(name);
    if (numeric) return String.fromCodePoint(Number(`0${numeric[1]}`.replace(/^0x/i, "0x")));
    const value = ENTITIES[name];
    if (value === undefined) throw new Error(`unknown entity &${name}; in ${where}`);
    return value;
  });
}

function parseXml(source: string): XmlElement {
  let rest = source.replace(/^<\?xml[^?]*\?>\s*/, "");
  const root: XmlElement = { name: "#document", attributes: {}, children: [], text: "" };
  const stack: XmlElement[] = [root];
  const NAME = "[A-Za-z_][A-Za-z0-9_.:-]*";
  const open = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`);
  const close = new RegExp(`^</(${NAME})\\s*>`);
  while (rest.length > 0) {
    const top = stack[stack.length - 1] as XmlElement;
    if (rest.startsWith("<!--")) {
      const end = rest.indexOf("-->");
      if (end < 0) throw new Error("unclosed comment");
      rest = rest.slice(end + 3);
      continue;
    }
    const closing = close.exec(rest);
    if (closing) {
      if (closing[1] !== top.name) throw new Error(`</${closing[1]}> closes <${top.name}>`);
      stack.pop();
      rest = rest.slice(closing[0].length);
      continue;
    }
    const opening = open.exec(rest);
    if (opening) {
      const attributes: Record<string, string> = {};
      for (const m of (opening[2] ?? "").matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, "g"))) {
        const key = m[1] as string;
        if (key in attributes) throw new Error(`duplicate attribute ${key}`);
        attributes[key] = decode(m[2] as string, `attribute ${key}`);
      }
      const element: XmlElement = {
        name: opening[1] as string,
        attributes,
        children: [],
        text: "",
      };
      top.children.push(element);
      if (opening[3] !== "/") stack.push(element);
      rest = rest.slice(opening[0].length);
      continue;
    }
    if (rest.startsWith("<")) throw new Error(`malformed markup at: ${rest.slice(0, 60)}`);
    const next = rest.indexOf("<");
    const text = next < 0 ? rest : rest.slice(0, next);
    if (stack.length === 1 && text.trim() !== "") throw new Error("text outside the root element");
    top.text += decode(text, `<${top.name}>`);
    rest = next < 0 ? "" : rest.slice(next);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (root.children.length !== 1) throw new Error("not exactly one root element");
  return root.children[0] as XmlElement;
}

function elements(root: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) found.push(e);
    for (const c of e.children) walk(c);
  };
  walk(root);
  return found;
}

// ---------------------------------------------------------------------------

const EXTERNAL_AM = ["http://am-0.ops.example.com:9093", "http://am-1.ops.example.com:9093"];

/** The Mermaid line of a link between two workloads named as in the render. */
function link(from: string, to: string, label: string, arrow = "-->"): string {
  const id = (name: string) => `n_${name.replace(/[^A-Za-z0-9]+/g, "_")}`;
  return `  ${id(from)} ${arrow}|"${label}"| ${id(to)}`;
}

function edgesOf(graph: StackGraph, from: string, to: string) {
  return graph.edges.filter((e) => e.from.endsWith(`/${from}`) && e.to.endsWith(`/${to}`));
}

describe("the test's XML reader", () => {
  it("accepts well-formed XML and refuses what is not", () => {
    expect(parseXml('<?xml version="1.0"?>\n<a x="1 &amp; 2"><b/>t &lt; u</a>\n')).toMatchObject({
      name: "a",
      attributes: { x: "1 & 2" },
      text: "t < u",
    });
    for (const bad of [
      "<a><b></a></b>",
      "<a>&</a>",
      "<a x=1/>",
      "<a>&nope;</a>",
      "<a>",
      "<a/><b/>",
      '<a x="<"/>',
    ])
      expect(() => parseXml(bad), bad).toThrow();
  });
});

describe("graph model", () => {
  const built = stack();
  const graph = stackGraph(built);

  it("has one node per workload, grouped by the component that owns it", () => {
    const workloads = built.objects.filter((o) =>
      ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind),
    );
    const nodes = graph.nodes.filter((n) => n.kind !== "external" && n.kind !== "cluster");
    expect(nodes.map((n) => n.id).sort()).toEqual(
      workloads.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`).sort(),
    );
    for (const component of built.components) {
      const group = graph.groups.find((g) => g.id === component.name);
      const owned = component.objects.filter((o) =>
        ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind),
      );
      expect(group?.nodes.length ?? 0, component.name).toBe(owned.length);
    }
    expect(graph.groups.map((g) => g.id)).toEqual([
      "exporters",
      "alertmanager",
      "loki",
      "thanos",
      "grafana",
      "grafanaOperator",
      "alloyAgent",
      "alloyGateway",
      "outside",
    ]);
  });

  it("draws exactly the connections validate checks the NetworkPolicies against", () => {
    const { addresses } = checkAddresses(built.objects, {
      clusterDomain: built.context.clusterDomain,
    });
    const connections = wiredConnections(built.objects, addresses, {
      declared: declaredConnections(built),
      customResourceConsumers: customResourceConsumers(built),
    });
    const fromValidator = new Set(
      connections.map((c) => `${c.from}>${c.to}:${c.port}/${c.protocol}`),
    );
    const inCluster = graph.edges.filter(
      (e) => !e.from.includes("/kube-apiserver") && !e.to.startsWith("external/"),
    );
    const drawn = new Set(
      inCluster.flatMap((e) => e.protocols.map((p) => `${e.from}>${e.to}:${e.targetPort}/${p}`)),
    );
    expect([...drawn].sort()).toEqual([...fromValidator].sort());
  });

  it("names what each connection is for from the components' endpoints", () => {
    const thanos = built.endpoints.thanos!;
    const am = built.endpoints.alertmanager!;
    const pick = (from: string, to: string) =>
      edgesOf(graph, from, to).map((e) => `${e.purpose} ${e.port}`);
    expect(pick("grafana", "thanos-query-frontend")).toEqual([`PromQL ${thanos.ports.http}`]);
    expect(pick("thanos-query-frontend", "thanos-query")).toEqual([`PromQL ${thanos.ports.http}`]);
    expect(pick("thanos-ruler", "thanos-query")).toEqual([`PromQL ${thanos.ports.http}`]);
    expect(pick("thanos-query", "thanos-store")).toEqual([`StoreAPI ${thanos.ports.grpc}`]);
    expect(pick("thanos-ruler", "alertmanager")).toEqual([`alerts ${am.port}`]);
    expect(pick("loki-backend", "alertmanager")).toEqual([`alerts ${am.port}`]);
    expect(pick("grafana", "alertmanager")).toEqual([`alerts ${am.port}`]);
    expect(pick("grafana", "loki-gateway")).toEqual([
      `LogQL ${new URL(built.endpoints.loki!.queryUrl).port || 80}`,
    ]);
    expect(pick("grafana-operator", "grafana")).toEqual([
      `Grafana API ${built.endpoints.grafana!.service.port}`,
    ]);
    expect(pick("loki-read", "loki-chunks-cache")).toEqual(["memcached 11211"]);
  });

  it("collapses duplicate connections into one edge", () => {
    // Two Alertmanager replica URLs in Loki's config: one edge naming both.
    const toAm = edgesOf(graph, "loki-backend", "alertmanager");
    expect(toAm).toHaveLength(1);
    expect(toAm[0]?.via).toEqual(built.endpoints.alertmanager!.replicaUrls);
    // Gossip on TCP and UDP: one edge with both protocols, kept out of the diagrams.
    const gossip = edgesOf(graph, "alertmanager", "alertmanager");
    expect(gossip.map((e) => [e.purpose, e.protocols])).toEqual([["gossip", ["TCP", "UDP"]]]);
    const keys = graph.edges.map((e) => [e.from, e.to, e.purpose, e.port, e.targetPort].join(" "));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("shows the API server calling the aggregated metrics API", () => {
    expect(edgesOf(graph, "kube-apiserver", "metrics-server").map((e) => e.purpose)).toEqual([
      "metrics.k8s.io",
    ]);
  });
});

describe("mermaid", () => {
  const built = stack();
  const text = toMermaid(stackGraph(built));
  const thanos = built.endpoints.thanos!;
  const am = built.endpoints.alertmanager!;

  it("is a left-to-right flowchart with a subgraph per component", () => {
    expect(text.startsWith("flowchart LR\n")).toBe(true);
    for (const title of [
      "exporters",
      "Alertmanager",
      "Loki",
      "Thanos",
      "Grafana",
      "grafana-operator",
    ])
      expect(text).toContain(`"${title}"]\n`);
    expect(text).toMatch(/subgraph g_loki\["Loki"\]\n(?: {4}n_loki_[a-z_]+.*\n)+ {2}end\n/);
    expect(text).toContain('n_alertmanager[("alertmanager<br/>StatefulSet × 2")]');
  });

  it("contains the expected components and edges of the default stack", () => {
    const lines = text.split("\n");
    for (const expected of [
      link("grafana", "thanos-query-frontend", `PromQL ${thanos.ports.http}`),
      link("thanos-query-frontend", "thanos-query", `PromQL ${thanos.ports.http}`),
      link("thanos-ruler", "alertmanager", `alerts ${am.port}`),
      link("loki-backend", "alertmanager", `alerts ${am.port}`),
      link("grafana", "alertmanager", `alerts ${am.port}`),
      link("thanos-query", "thanos-receive", `StoreAPI ${thanos.ports.grpc}`),
      link("grafana-operator", "grafana", "Grafana API 3000"),
    ]) {
      expect(lines).toContain(expected);
    }
    // Loki's ring talks both ways on the same ports: one two-headed link per pair.
    expect(lines).toContain(
      link("loki-backend", "loki-write", "HTTP 3100, gRPC 9095, memberlist 7946", "<-->"),
    );
  });

  it("draws each pair once and no link within a workload", () => {
    const links = text.split("\n").filter((l) => /^ {2}n_\S+ <?-->\|/.test(l));
    expect(links.length).toBe(linksOf(stackGraph(built)).length);
    const pairs = links.map((l) => {
      const m = /^ {2}(\S+) <?-->\|"[^"]*"\| (\S+)$/.exec(l);
      expect(m, l).not.toBeNull();
      expect(m?.[1], l).not.toBe(m?.[2]);
      return `${m?.[1]} ${m?.[2]}`;
    });
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it("escapes labels so values cannot break out of them", () => {
    expect(mermaidText('a"b<c>&d#e|f\ng')).toBe("a#quot;b#lt;c#gt;#amp;d#35;e#124;f g");
    const graph: StackGraph = {
      namespace: "monitoring",
      groups: [{ id: "outside", title: 'odd "group"', nodes: ["external/grafana"] }],
      nodes: [
        {
          id: "external/grafana",
          label: 'external "Grafana"',
          detail: "grafana.example.com/?a=1&b=<2>",
          kind: "external",
          group: "outside",
        },
      ],
      edges: [],
    };
    const out = toMermaid(graph);
    expect(out).toContain(
      'n_external_grafana(["external #quot;Grafana#quot;<br/>grafana.example.com/?a=1#amp;b=#lt;2#gt;"])',
    );
  });
});

describe("disable and replace", () => {
  it("alertmanager: the bundled one disappears, the external one receives the alerts", () => {
    const built = stack({ alertmanager: { enabled: false, external: { urls: EXTERNAL_AM } } });
    const graph = stackGraph(built);
    expect(graph.nodes.some((n) => n.id === "StatefulSet/monitoring/alertmanager")).toBe(false);
    expect(graph.groups.some((g) => g.id === "alertmanager")).toBe(false);
    const external = graph.nodes.find((n) => n.id === "external/alertmanager");
    expect(external).toMatchObject({
      label: "external Alertmanager",
      detail: "am-0.ops.example.com:9093, am-1.ops.example.com:9093",
      urls: EXTERNAL_AM,
    });
    const senders = graph.edges
      .filter((e) => e.to === "external/alertmanager")
      .map((e) => `${e.from} ${e.purpose} ${e.port}`);
    expect(senders).toEqual(
      expect.arrayContaining([
        "StatefulSet/monitoring/thanos-ruler alerts 9093",
        "StatefulSet/monitoring/loki-backend alerts 9093",
        "Deployment/monitoring/grafana alerts 9093",
      ]),
    );
    const text = toMermaid(graph);
    expect(text).not.toMatch(/\bn_alertmanager\b/);
    expect(text).toContain('  n_thanos_ruler -->|"alerts 9093"| n_external_alertmanager');
    expect(text).toContain('n_external_alertmanager(["external Alertmanager<br/>');
  });

  it("loki: no Loki workload is left; Grafana reads the external Loki", () => {
    const built = stack({
      loki: {
        enabled: false,
        external: {
          pushUrl: "https://logs.example.com/loki/api/v1/push",
          queryUrl: "https://logs.example.com",
        },
      },
    });
    const graph = stackGraph(built);
    expect(graph.nodes.filter((n) => n.group === "loki")).toEqual([]);
    expect(edgesOf(graph, "grafana", "loki").map((e) => `${e.purpose} ${e.port}`)).toEqual([
      "LogQL 443",
    ]);
    expect(toMermaid(graph)).toContain('  n_grafana -->|"LogQL 443"| n_external_loki');
  });

  it("thanos: no Thanos workload is left; Grafana queries the external store", () => {
    const built = stack({
      thanos: {
        enabled: false,
        external: {
          remoteWriteUrl: "https://metrics.example.com/api/v1/write",
          queryUrl: "https://metrics.example.com",
        },
      },
    });
    const graph = stackGraph(built);
    expect(graph.nodes.filter((n) => n.group === "thanos")).toEqual([]);
    expect(toMermaid(graph)).toContain('  n_grafana -->|"PromQL 443"| n_external_thanos');
  });

  it("grafana: the operator manages the external Grafana, which reads the stores", () => {
    const built = stack(structuredClone(PROFILES["existing-grafana"].values) as StackValues);
    const graph = stackGraph(built);
    expect(graph.nodes.some((n) => n.id === "Deployment/monitoring/grafana")).toBe(false);
    const text = toMermaid(graph);
    expect(text).toContain('  n_grafana_operator -->|"Grafana API 443"| n_external_grafana');
    expect(text).toContain(
      `  n_external_grafana -->|"PromQL ${built.endpoints.thanos!.ports.http}"| n_thanos_query_frontend`,
    );
  });

  it("split-namespace: node agents show their own namespace", () => {
    const built = stack(structuredClone(PROFILES["split-namespace"].values) as StackValues);
    const node = stackGraph(built).nodes.find((n) => n.label === "node-exporter");
    expect(node?.id).toBe("DaemonSet/monitoring-agents/node-exporter");
    expect(node?.detail).toBe("DaemonSet (every node), namespace monitoring-agents");
  });
});

describe("svg", () => {
  const built = stack();
  const graph = stackGraph(built);
  const svg = toSvg(graph);

  it("is well-formed SVG 1.1 with a viewBox", () => {
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"')).toBe(true);
    const root = parseXml(svg);
    expect(root.name).toBe("svg");
    expect(root.attributes).toMatchObject({ xmlns: "http://www.w3.org/2000/svg", version: "1.1" });
    const [x, y, w, h] = (root.attributes.viewBox ?? "").split(" ").map(Number);
    expect([x, y]).toEqual([0, 0]);
    expect(w).toBe(Number(root.attributes.width));
    expect(h).toBe(Number(root.attributes.height));
  });

  it("contains every node label, every link label and an arrow per link", () => {
    const root = parseXml(svg);
    const texts = elements(root, "text").map((t) => t.text);
    for (const node of graph.nodes) {
      expect(texts, node.id).toContain(node.label);
      expect(texts, node.id).toContain(node.detail);
    }
    const links = linksOf(graph);
    for (const l of links) expect(texts).toContain(l.labels.join(", "));
    const group = elements(root, "g").find((g) => g.attributes.id === "links");
    expect(group?.children.filter((c) => c.name === "path")).toHaveLength(links.length);
  });

  it("keeps every box inside the picture and apart from the others", () => {
    const root = parseXml(svg);
    const width = Number(root.attributes.width);
    const height = Number(root.attributes.height);
    const nodes = elements(root, "g").find((g) => g.attributes.id === "nodes");
    const boxes = (nodes?.children ?? []).map((g) => {
      const rect = g.children.find((c) => c.name === "rect")?.attributes ?? {};
      return {
        x: Number(rect.x),
        y: Number(rect.y),
        w: Number(rect.width),
        h: Number(rect.height),
      };
    });
    expect(boxes).toHaveLength(graph.nodes.length);
    for (const [i, a] of boxes.entries()) {
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.y).toBeGreaterThanOrEqual(0);
      expect(a.x + a.w).toBeLessThanOrEqual(width);
      expect(a.y + a.h).toBeLessThanOrEqual(height);
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart).toBe(true);
      }
    }
  });

  it("places clients left of the servers they call (columns follow the data flow)", () => {
    const root = parseXml(svg);
    const nodes = elements(root, "g").find((g) => g.attributes.id === "nodes");
    const xOf = new Map(
      (nodes?.children ?? []).map((g) => [
        g.children.find((c) => c.name === "title")?.text,
        Number(g.children.find((c) => c.name === "rect")?.attributes.x),
      ]),
    );
    const x = (name: string) =>
      xOf.get(graph.nodes.find((n) => n.label === name)?.id) ?? Number.NaN;
    expect(x("grafana-operator")).toBeLessThan(x("grafana"));
    expect(x("grafana")).toBeLessThan(x("thanos-query-frontend"));
    expect(x("thanos-query-frontend")).toBeLessThan(x("thanos-query"));
    expect(x("thanos-query")).toBeLessThan(x("thanos-store"));
    expect(x("thanos-ruler")).toBeLessThan(x("alertmanager"));
    expect(x("loki-backend")).toBeLessThan(x("alertmanager"));
  });

  it("escapes text from the values", () => {
    const odd: StackGraph = {
      namespace: "monitoring",
      groups: [{ id: "outside", title: "outside <&>", nodes: ["external/a", "external/b"] }],
      nodes: [
        {
          id: "external/a",
          label: 'a "<b>" & c',
          detail: "x'y",
          kind: "external",
          group: "outside",
        },
        { id: "external/b", label: "b", detail: "\u0007bell", kind: "external", group: "outside" },
      ],
      edges: [
        {
          from: "external/a",
          to: "external/b",
          purpose: "<push>",
          port: 1,
          targetPort: 1,
          protocols: ["TCP"],
          via: [],
        },
      ],
    };
    const root = parseXml(toSvg(odd));
    const texts = elements(root, "text").map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining(['a "<b>" & c', "x'y", "bell", "<push> 1"]));
  });
});

describe("layout", () => {
  it("orders columns topologically, breaks cycles and routes long links through waypoints", () => {
    const links = [
      { from: "a", to: "b" },
      { from: "b", to: "c" },
      { from: "c", to: "a" },
      { from: "a", to: "d" },
      { from: "d", to: "e" },
      { from: "e", to: "f" },
      { from: "a", to: "f" },
      { from: "b", to: "g", both: true },
    ];
    const result = layers(["a", "b", "c", "d", "e", "f", "g"], links);
    const col = (n: string) => result.column.get(n) ?? -1;
    expect([col("a"), col("b"), col("c")]).toEqual([0, 1, 2]);
    expect([col("d"), col("e"), col("f")]).toEqual([1, 2, 3]);
    expect(col("g")).toBe(0);
    expect(result.routes.get(links[6] as (typeof links)[number])).toHaveLength(2);
    expect(result.routes.get(links[2] as (typeof links)[number])).toHaveLength(1);
    expect(
      result.columns
        .flat()
        .filter((id) => !result.isWaypoint(id))
        .sort(),
    ).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
  });
});

describe("purposes", () => {
  it("picks the published address that is the longest prefix of the dialled URL", () => {
    const base = "http://loki-gateway.monitoring.svc.cluster.local";
    const candidates = [
      { purpose: "push", url: `${base}/loki/api/v1/push` },
      { purpose: "LogQL", url: base },
      { purpose: "rules API", url: `${base}/loki/api/v1/rules` },
    ];
    expect(purposesOf(candidates, [`${base}:80/loki/api/v1/push`], "cluster.local")).toEqual([
      "push",
    ]);
    expect(purposesOf(candidates, [`${base}:80`], "cluster.local")).toEqual(["LogQL"]);
    expect(
      purposesOf(candidates, ["http://loki-gateway.monitoring.svc:80/"], "cluster.local"),
    ).toEqual(["LogQL"]);
    expect(normalizeAddress("HTTPS://Grafana.Example.com:443/", "cluster.local")).toBe(
      "grafana.example.com",
    );
  });
});

describe("determinism", () => {
  it("gives byte-identical output twice, for every format and profile", () => {
    for (const format of ["mermaid", "svg", "json"] as const) {
      expect(renderGraph(stack(), format)).toBe(renderGraph(stack(), format));
    }
    for (const name of PROFILE_NAMES) {
      const values = () => structuredClone(PROFILES[name].values) as StackValues;
      expect(renderGraph(stack(values()), "svg"), name).toBe(renderGraph(stack(values()), "svg"));
    }
  });

  it("does not depend on the order of the rendered objects", () => {
    const built = stack();
    const shuffled: Stack = {
      ...built,
      objects: [...built.objects].reverse(),
      components: built.components.map((c) => ({ ...c, objects: [...c.objects].reverse() })),
    };
    for (const format of ["mermaid", "svg", "json"] as const) {
      expect(renderGraph(shuffled, format)).toBe(renderGraph(built, format));
    }
  });
});

// ---------------------------------------------------------------------------

interface Options {
  set?: string[];
}

async function run(args: string[]) {
  const { io, text } = capturedIO();
  const cli = new Command("materialize-monitoring")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  registerGraphCommand(
    cli,
    io,
    (options: Options) => stack(loadValues({ profiles: [], files: [], sets: options.set ?? [] })),
    {
      valuesOptions: (c) =>
        c.option("--set <path=value>", "set one value", (v: string, p: string[] = []) => [...p, v]),
    },
  );
  let code = 0;
  try {
    await cli.parseAsync(args, { from: "user" });
  } catch (error) {
    if (error instanceof CommandExit) code = error.code;
    else if (error instanceof CommanderError) code = error.exitCode === 0 ? 0 : 2;
    else throw error;
  }
  return { code, ...text };
}

describe("graph command", () => {
  it("prints Mermaid by default, SVG or JSON when asked", async () => {
    expect((await run(["graph"])).out).toBe(renderGraph(stack(), "mermaid"));
    expect((await run(["graph", "--format", "svg"])).out).toBe(renderGraph(stack(), "svg"));
    const json = JSON.parse((await run(["graph", "--format", "json"])).out) as StackGraph;
    expect(json.nodes.length).toBeGreaterThan(10);
  });

  it("takes the values options", async () => {
    const { out } = await run([
      "graph",
      "--set",
      "grafana.enabled=false",
      "--set",
      "grafana.external.url=https://g.example.com",
      "--set",
      "grafana.external.adminUser.name=a",
      "--set",
      "grafana.external.adminUser.key=u",
      "--set",
      "grafana.external.adminPassword.name=a",
      "--set",
      "grafana.external.adminPassword.key=p",
    ]);
    expect(out).toContain("n_external_grafana");
    expect(out).not.toContain("n_grafana[");
  });

  it("writes --output, with the format from the extension unless --format says otherwise", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mzmon-graph-"));
    const svgFile = join(dir, "nested", "stack.svg");
    const written = await run(["graph", "--output", svgFile]);
    expect(written).toMatchObject({ code: 0, out: "" });
    expect(written.err).toBe(`wrote the svg graph to ${svgFile}\n`);
    expect(readFileSync(svgFile, "utf8")).toBe(renderGraph(stack(), "svg"));
    const mmd = join(dir, "stack.txt");
    expect((await run(["graph", "-o", mmd, "-q"])).err).toBe("");
    expect(readFileSync(mmd, "utf8").startsWith("flowchart LR\n")).toBe(true);
    const forced = join(dir, "graph.svg");
    await run(["graph", "-o", forced, "--format", "json", "-q"]);
    expect(JSON.parse(readFileSync(forced, "utf8"))).toHaveProperty("edges");
  });

  it("reports a file it cannot write and refuses an unknown format", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mzmon-graph-"));
    const blocker = join(dir, "file");
    writeFileSync(blocker, "");
    const failed = await run(["graph", "-o", join(blocker, "graph.svg")]);
    expect(failed.code).toBe(2);
    expect(failed.err).toMatch(/^error: cannot write .*graph\.svg: /);
    const bad = await run(["graph", "--format", "png"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("argument 'png' is invalid. Allowed choices are mermaid, svg, json");
  });

  it("has help that says what the graph shows", async () => {
    const { out } = await run(["graph", "--help"]);
    expect(out).toContain("Usage: materialize-monitoring graph [options]");
    expect(out).toContain("--format <format>");
    expect(out).toContain("--output <file>");
    expect(out).toContain("Arrows point from the client to the server");
  });
});
