/**
 * The telemetry graph of an Alloy file: which component sends samples or
 * log entries to which (a component that refers to another's `receiver` or
 * `input` export forwards to it). Used to check, at render time and in
 * tests, that every source reaches a writer and that nothing processes data
 * no source sends.
 */
import { type File, referencePath, type Statement, walkExpressions } from "../ast.js";

/** One edge: `from` forwards telemetry to `to` through `to`'s `via` export. */
export interface PipelineEdge {
  readonly from: string;
  readonly to: string;
  readonly via: string;
}

export interface PipelineGraph {
  /** Component id (`loki.write.default`) to component name (`loki.write`), in file order. */
  readonly components: ReadonlyMap<string, string>;
  readonly edges: readonly PipelineEdge[];
  /** Components that produce telemetry (scrapes, log sources, OTLP receivers). */
  readonly sources: readonly string[];
  /** Components that send telemetry out of Alloy. */
  readonly writers: readonly string[];
}

/** Exports through which telemetry is handed to a component. */
const RECEIVING_EXPORTS = new Set(["receiver", "input"]);

/** Components that convert between signal kinds and forward inside Alloy; not writers. */
const CONVERTERS = new Set(["otelcol.exporter.loki", "otelcol.exporter.prometheus"]);

/** Does this component produce telemetry of its own? */
export function isTelemetrySource(name: string): boolean {
  return (
    name === "prometheus.scrape" ||
    name.startsWith("loki.source.") ||
    name === "otelcol.receiver.otlp"
  );
}

/** Does this component send telemetry out of Alloy? */
export function isTelemetryWriter(name: string): boolean {
  return (
    name === "prometheus.remote_write" ||
    name === "loki.write" ||
    (name.startsWith("otelcol.exporter.") && !CONVERTERS.has(name))
  );
}

const NOT_COMPONENTS = new Set([
  "declare",
  "argument",
  "export",
  "logging",
  "livedebugging",
  "tracing",
  "http",
]);

/** Builds the telemetry graph of the top-level components of `file`. */
export function pipelineGraph(file: File): PipelineGraph {
  const components = new Map<string, string>();
  const blocks: { id: string; body: readonly Statement[] }[] = [];
  for (const s of file.body) {
    if (
      s.type !== "Block" ||
      !s.label ||
      NOT_COMPONENTS.has(s.name) ||
      s.name.startsWith("import.")
    )
      continue;
    const id = `${s.name}.${s.label}`;
    components.set(id, s.name);
    blocks.push({ id, body: s.body });
  }
  const edges = new Map<string, PipelineEdge>();
  for (const { id, body } of blocks) {
    for (const statement of body) {
      walkExpressions(statement, (e) => {
        const parts = referencePath(e);
        if (!parts || parts.length < 2) return;
        const field = parts.at(-1) as string;
        const target = parts.slice(0, -1).join(".");
        if (!components.has(target) || !RECEIVING_EXPORTS.has(field)) return;
        edges.set(`${id}>${target}`, { from: id, to: target, via: field });
      });
    }
  }
  const ids = [...components.keys()];
  return {
    components,
    edges: [...edges.values()],
    sources: ids.filter((id) => isTelemetrySource(components.get(id) as string)),
    writers: ids.filter((id) => isTelemetryWriter(components.get(id) as string)),
  };
}

/** Components reachable from `start` along the edges (including `start`). */
export function downstreamOf(graph: PipelineGraph, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const edge of graph.edges) {
      if (edge.from === current && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return seen;
}

/** One flaw of the graph: a source or forwarder whose data reaches no writer, or a forwarder nothing feeds. */
export interface PipelineProblem {
  readonly component: string;
  readonly message: string;
}

/**
 * Every source and every component that receives data must reach a writer;
 * every forwarding component (one with a `receiver`/`input` export others
 * could use) must be fed by something. Components only used for their other
 * exports (`rules`, `targets`, `data`) are not forwarders and are skipped.
 */
export function pipelineProblems(graph: PipelineGraph): PipelineProblem[] {
  const problems: PipelineProblem[] = [];
  const writers = new Set(graph.writers);
  const fed = new Set(graph.edges.map((e) => e.to));
  const forwarding = new Set(graph.edges.map((e) => e.from));
  for (const [id, name] of graph.components) {
    const source = isTelemetrySource(name);
    if (!source && !fed.has(id) && !writers.has(id)) continue;
    if (writers.has(id)) {
      if (!fed.has(id)) problems.push({ component: id, message: "is a writer no source sends to" });
      continue;
    }
    const reached = [...downstreamOf(graph, id)].some((c) => writers.has(c));
    if (!reached) {
      problems.push({
        component: id,
        message: forwarding.has(id)
          ? "forwards to components that reach no writer"
          : source
            ? "is a source that forwards to nothing"
            : "receives data but forwards it to nothing",
      });
    }
  }
  return problems;
}
