/**
 * What the diagrams draw: one link per pair of nodes, labelled with every
 * purpose and port between them; a pair that talks both ways with the same
 * labels (Loki's ring) becomes one two-headed link. Traffic among the
 * replicas of one workload (gossip, hashring, ring) stays in the JSON output.
 */
import type { StackGraph } from "./model.js";
import { compare } from "./purposes.js";

export interface Link {
  from: string;
  to: string;
  /** `PromQL 10902`, sorted. */
  labels: string[];
  /** Both directions carry the same labels. */
  both: boolean;
}

export function edgeLabel(edge: { purpose: string; port: number }): string {
  return `${edge.purpose} ${edge.port}`;
}

/** The links of a graph, in node order. */
export function linksOf(graph: StackGraph): Link[] {
  const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const pairs = new Map<string, { from: string; to: string; labels: Set<string> }>();
  for (const edge of graph.edges) {
    if (edge.from === edge.to || !order.has(edge.from) || !order.has(edge.to)) continue;
    const key = `${edge.from}\u0000${edge.to}`;
    const pair = pairs.get(key) ?? { from: edge.from, to: edge.to, labels: new Set<string>() };
    pair.labels.add(edgeLabel(edge));
    pairs.set(key, pair);
  }
  const links: Link[] = [];
  const done = new Set<string>();
  const sorted = [...pairs.values()].sort(
    (a, b) =>
      (order.get(a.from) ?? 0) - (order.get(b.from) ?? 0) ||
      (order.get(a.to) ?? 0) - (order.get(b.to) ?? 0),
  );
  for (const pair of sorted) {
    const key = `${pair.from}\u0000${pair.to}`;
    if (done.has(key)) continue;
    done.add(key);
    const labels = [...pair.labels].sort(compare);
    const reverseKey = `${pair.to}\u0000${pair.from}`;
    const reverse = pairs.get(reverseKey);
    const same =
      reverse !== undefined &&
      reverse.labels.size === labels.length &&
      labels.every((l) => reverse.labels.has(l));
    if (same) done.add(reverseKey);
    links.push({ from: pair.from, to: pair.to, labels, both: same });
  }
  return links;
}
