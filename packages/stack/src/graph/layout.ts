/**
 * A small layered layout: columns follow a topological order of the data
 * flow (clients left of the servers they call); a link spanning several
 * columns passes through a waypoint in each column between, so it runs in a
 * free lane instead of through boxes; rows are ordered to keep links short.
 * Deterministic: ties always break by the input order.
 */

export interface LayoutLink {
  from: string;
  to: string;
  /** Traffic both ways: keeps the two ends close but sets no column order. */
  both?: boolean;
}

export interface Layers {
  /** Node and waypoint ids per column, top to bottom. */
  columns: string[][];
  column: Map<string, number>;
  /** Waypoint ids of each link spanning more than one column, left to right. */
  routes: Map<LayoutLink, string[]>;
  /** Whether an id is a waypoint rather than a node. */
  isWaypoint: (id: string) => boolean;
}

/** Links whose removal leaves no cycle: the back edges of a depth-first search in node order. */
function backLinks(nodes: readonly string[], links: readonly LayoutLink[]): Set<LayoutLink> {
  const order = new Map(nodes.map((n, i) => [n, i]));
  const outgoing = new Map<string, LayoutLink[]>();
  for (const link of links) outgoing.set(link.from, [...(outgoing.get(link.from) ?? []), link]);
  for (const list of outgoing.values())
    list.sort((a, b) => (order.get(a.to) ?? 0) - (order.get(b.to) ?? 0));
  const state = new Map<string, "open" | "done">();
  const back = new Set<LayoutLink>();
  const visit = (node: string) => {
    state.set(node, "open");
    for (const link of outgoing.get(node) ?? []) {
      const s = state.get(link.to);
      if (s === "open") back.add(link);
      else if (s === undefined) visit(link.to);
    }
    state.set(node, "done");
  };
  for (const node of nodes) if (!state.has(node)) visit(node);
  return back;
}

const WAYPOINT = "\u0000waypoint:";

/** Assigns every node a column (longest path from a source) and orders each column. */
export function layers(nodes: readonly string[], links: readonly LayoutLink[]): Layers {
  const known = new Set(nodes);
  const valid = links.filter((l) => known.has(l.from) && known.has(l.to) && l.from !== l.to);
  const directed = valid.filter((l) => !l.both);
  const reversed = backLinks(nodes, directed);
  const dag = directed.map((l) => (reversed.has(l) ? { from: l.to, to: l.from } : l));

  const column = new Map(nodes.map((n) => [n, 0]));
  const incoming = new Map(nodes.map((n) => [n, 0]));
  for (const l of dag) incoming.set(l.to, (incoming.get(l.to) ?? 0) + 1);
  const queue = nodes.filter((n) => incoming.get(n) === 0);
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const l of dag) {
      if (l.from !== node) continue;
      column.set(l.to, Math.max(column.get(l.to) ?? 0, (column.get(node) ?? 0) + 1));
      const left = (incoming.get(l.to) ?? 0) - 1;
      incoming.set(l.to, left);
      if (left === 0) queue.push(l.to);
    }
  }

  const count = Math.max(0, ...column.values()) + 1;
  const columns: string[][] = Array.from({ length: count }, () => []);
  for (const node of nodes) columns[column.get(node) ?? 0]?.push(node);

  // Waypoints for links spanning columns; neighbours chain through them.
  const neighbours = new Map<string, string[]>(nodes.map((n) => [n, []]));
  const connect = (a: string, b: string) => {
    neighbours.get(a)?.push(b);
    neighbours.get(b)?.push(a);
  };
  const routes = new Map<LayoutLink, string[]>();
  valid.forEach((link, index) => {
    const a = column.get(link.from) ?? 0;
    const b = column.get(link.to) ?? 0;
    const [left, right] = a <= b ? [link.from, link.to] : [link.to, link.from];
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const waypoints: string[] = [];
    for (let c = lo + 1; c < hi; c++) {
      const id = `${WAYPOINT}${index}:${c}`;
      waypoints.push(id);
      neighbours.set(id, []);
      column.set(id, c);
      columns[c]?.push(id);
    }
    if (waypoints.length > 0) routes.set(link, waypoints);
    const chain = [left, ...waypoints, right];
    for (let i = 1; i < chain.length; i++) connect(chain[i - 1] as string, chain[i] as string);
  });

  // Barycentre sweeps: each entry moves towards the mean position of its neighbours
  // in the columns already placed; entries without such neighbours keep their place.
  const position = new Map<string, number>();
  const place = () => {
    for (const col of columns) {
      col.forEach((n, i) => {
        position.set(n, (i + 0.5) / col.length);
      });
    }
  };
  place();
  const sweep = (index: number, towards: (other: number) => boolean) => {
    const col = columns[index];
    if (!col) return;
    const keyed = col.map((id, i) => {
      const around = (neighbours.get(id) ?? []).filter((n) => towards(column.get(n) ?? 0));
      const own = position.get(id) ?? 0;
      const centre =
        around.length === 0
          ? own
          : around.reduce((sum, n) => sum + (position.get(n) ?? 0), 0) / around.length;
      return { id, centre, i };
    });
    keyed.sort((a, b) => a.centre - b.centre || a.i - b.i);
    columns[index] = keyed.map((k) => k.id);
    place();
  };
  for (let pass = 0; pass < 6; pass++) {
    for (let i = 1; i < count; i++) sweep(i, (c) => c < i);
    for (let i = count - 2; i >= 0; i--) sweep(i, (c) => c > i);
  }
  return { columns, column, routes, isWaypoint: (id) => id.startsWith(WAYPOINT) };
}
