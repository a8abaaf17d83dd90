/**
 * The graph as a Mermaid flowchart (left to right): a subgraph per component,
 * the external endpoints in their own, one labelled link per connected pair.
 */
import { linksOf } from "./links.js";
import type { GraphNode, StackGraph } from "./model.js";
import { OUTSIDE_GROUP } from "./model.js";

/**
 * Text inside a quoted Mermaid label: quotes and markup characters as Mermaid
 * entity codes, so values can never end the label or inject HTML.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/&/g, "#amp;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/\|/g, "#124;")
    .replace(/[\r\n]+/g, " ");
}

/**
 * Mermaid ids: a prefix (so no id is a keyword such as `end`), then letters,
 * digits and `_`; unique, assigned in the given order.
 */
export function mermaidIds(
  entries: readonly (readonly [id: string, name: string])[],
  prefix: string,
): Map<string, string> {
  const result = new Map<string, string>();
  const used = new Set<string>();
  for (const [id, name] of entries) {
    const base = `${prefix}${name.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "")}`;
    let candidate = base;
    for (let n = 2; used.has(candidate); n++) candidate = `${base}_${n}`;
    used.add(candidate);
    result.set(id, candidate);
  }
  return result;
}

function nodeLine(node: GraphNode, id: string): string {
  const label = `"${mermaidText(node.label)}<br/>${mermaidText(node.detail)}"`;
  switch (node.kind) {
    case "external":
      return `${id}([${label}])`;
    case "cluster":
      return `${id}{{${label}}}`;
    case "StatefulSet":
      return `${id}[(${label})]`;
    default:
      return `${id}[${label}]`;
  }
}

/** The graph as Mermaid `flowchart LR` text, ending in a newline. */
export function toMermaid(graph: StackGraph): string {
  // Workloads by name (the namespace and kind only when names repeat), others by id.
  const named = graph.nodes.filter((n) => n.kind !== "external" && n.kind !== "cluster");
  const repeated = new Set(
    named.filter((n, i) => named.some((m, j) => j !== i && m.label === n.label)),
  );
  const ids = mermaidIds(
    graph.nodes.map((n) => [n.id, named.includes(n) && !repeated.has(n) ? n.label : n.id]),
    "n_",
  );
  const groupIds = mermaidIds(
    graph.groups.map((g) => [g.id, g.id]),
    "g_",
  );
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const lines = [
    "flowchart LR",
    `  %% materialize-monitoring data flow, namespace ${graph.namespace.replace(/[\r\n]/g, "")}`,
    "  %% arrows point from the client to the server; [( )] is a StatefulSet, ([ ]) is outside the stack",
  ];
  for (const group of graph.groups) {
    lines.push(`  subgraph ${groupIds.get(group.id)}["${mermaidText(group.title)}"]`);
    for (const id of group.nodes) {
      const node = byId.get(id);
      const mermaidId = ids.get(id);
      if (node && mermaidId) lines.push(`    ${nodeLine(node, mermaidId)}`);
    }
    lines.push("  end");
  }
  for (const link of linksOf(graph)) {
    const arrow = link.both ? "<-->" : "-->";
    lines.push(
      `  ${ids.get(link.from)} ${arrow}|"${mermaidText(link.labels.join(", "))}"| ${ids.get(link.to)}`,
    );
  }
  const outside = graph.groups.find((g) => g.id === OUTSIDE_GROUP);
  if (outside) {
    lines.push("  classDef outside stroke-dasharray: 5 5");
    lines.push(`  class ${outside.nodes.map((id) => ids.get(id)).join(",")} outside`);
  }
  return `${lines.join("\n")}\n`;
}
