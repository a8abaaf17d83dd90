/**
 * The graph as a standalone SVG 1.1 image, laid out here without a browser:
 * columns from a topological order of the data flow, boxes coloured by
 * component, curved arrows with their labels placed clear of boxes and of
 * each other where the curve allows.
 */

import { SECTIONS } from "../values.js";
import { layers } from "./layout.js";
import { type Link, linksOf } from "./links.js";
import { type GraphNode, OUTSIDE_GROUP, type StackGraph } from "./model.js";

const FONT = "Helvetica, Arial, sans-serif";
const MARGIN = 24;
const HEADER = 44;
const PAD_X = 12;
const BOX_MIN_WIDTH = 150;
const BOX_HEIGHT = 60;
const ROW_GAP = 22;
const LABEL_SIZE = 11;
const LEGEND_ROW = 22;

/** Fill and stroke per component, in the umbrella's section order; the outside group is white and dashed. */
const PALETTE: readonly (readonly [string, string])[] = [
  ["#e8f1fb", "#4a7ab5"],
  ["#fdf0e2", "#c07a2c"],
  ["#e9f6ec", "#3f8f55"],
  ["#f3eafa", "#8456b0"],
  ["#fbe9ec", "#b44a5c"],
  ["#e6f6f6", "#2f8a8a"],
  ["#f7f4e0", "#8a7a1a"],
  ["#eeeeee", "#666666"],
];
const OUTSIDE_COLOURS = ["#ffffff", "#777777"] as const;

/** Characters XML 1.0 does not allow in a document (C0 controls other than tab and newlines). */
function isXmlChar(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** XML text and attribute escaping. */
export function xmlEscape(text: string): string {
  return [...text]
    .filter(isXmlChar)
    .join("")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A conservative width estimate for sans-serif text (no font metrics without a browser). */
function textWidth(text: string, size: number, bold = false): number {
  return text.length * size * (bold ? 0.64 : 0.6);
}

function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

interface Box {
  node: GraphNode;
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  stroke: string;
  groupTitle: string;
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

function overlapArea(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

type Point = readonly [number, number];

function bezier(p0: Point, p1: Point, p2: Point, p3: Point, t: number): Point {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const c = 3 * u * t * t;
  const d = t * t * t;
  return [
    a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
    a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
  ];
}

/** Where along a link its label is tried, best first. */
const LABEL_POSITIONS = [0.5, 0.38, 0.62, 0.26, 0.74, 0.44, 0.56, 0.32, 0.68, 0.2, 0.8];

const WAYPOINT_HEIGHT = 10;
const WAYPOINT_GAP = 8;

/** The graph as an SVG document, ending in a newline. */
export function toSvg(graph: StackGraph): string {
  const links = linksOf(graph);
  const { columns, column, routes, isWaypoint } = layers(
    graph.nodes.map((n) => n.id),
    links,
  );

  // A component keeps its colour whichever others are enabled.
  const groupIndex = new Map(graph.groups.map((g, i) => [g.id, i]));
  const colourIndex = (group: string) => {
    const section = (SECTIONS as readonly string[]).indexOf(group);
    return section >= 0 ? section : SECTIONS.length + (groupIndex.get(group) ?? 0);
  };
  const groupTitle = new Map(graph.groups.map((g) => [g.id, g.title]));
  const colours = (group: string) =>
    group === OUTSIDE_GROUP
      ? OUTSIDE_COLOURS
      : (PALETTE[colourIndex(group) % PALETTE.length] as readonly [string, string]);
  const nodeById = new Map(graph.nodes.map((n) => [n.id, n]));

  // Sizes: a column is as wide as its widest box; the gaps fit the longest label.
  const boxWidth = (node: GraphNode) =>
    Math.ceil(
      Math.max(
        BOX_MIN_WIDTH,
        textWidth(node.label, 13, true) + 2 * PAD_X,
        textWidth(node.detail, 11) + 2 * PAD_X,
        textWidth(groupTitle.get(node.group) ?? "", 10) + 2 * PAD_X,
      ),
    );
  const linkText = (link: Link) => link.labels.join(", ");
  const longestLabel = Math.max(0, ...links.map((l) => textWidth(linkText(l), LABEL_SIZE)));
  const gap = Math.ceil(Math.min(340, Math.max(110, longestLabel + 48)));
  const widths = columns.map((col) =>
    Math.max(
      BOX_MIN_WIDTH,
      ...col.filter((id) => !isWaypoint(id)).map((id) => boxWidth(nodeById.get(id) as GraphNode)),
    ),
  );
  const slot = (id: string) => (isWaypoint(id) ? WAYPOINT_HEIGHT : BOX_HEIGHT);
  const spacing = (a: string, b: string) =>
    isWaypoint(a) || isWaypoint(b) ? WAYPOINT_GAP : ROW_GAP;
  const heights = columns.map((col) =>
    col.reduce((sum, id, i) => sum + slot(id) + (i > 0 ? spacing(col[i - 1] as string, id) : 0), 0),
  );
  const contentHeight = Math.max(BOX_HEIGHT, ...heights);

  const columnX: number[] = [];
  const boxes = new Map<string, Box>();
  const waypointY = new Map<string, number>();
  let x = MARGIN;
  columns.forEach((col, c) => {
    columnX.push(x);
    let y = MARGIN + HEADER + (contentHeight - (heights[c] ?? 0)) / 2;
    col.forEach((id, row) => {
      if (row > 0) y += spacing(col[row - 1] as string, id);
      if (isWaypoint(id)) {
        waypointY.set(id, y + WAYPOINT_HEIGHT / 2);
      } else {
        const node = nodeById.get(id) as GraphNode;
        const [fill, stroke] = colours(node.group);
        boxes.set(id, {
          node,
          x,
          y,
          width: widths[c] ?? BOX_MIN_WIDTH,
          height: BOX_HEIGHT,
          fill,
          stroke,
          groupTitle: groupTitle.get(node.group) ?? node.group,
        });
      }
      y += slot(id);
    });
    x += (widths[c] ?? 0) + gap;
  });
  const diagramWidth = Math.max(x - gap + MARGIN, 480);

  // Routes: links leave a box's right side and enter the left side (right to left for
  // links closing a cycle; right to right within a column), crossing the columns
  // between at their waypoints. Two-way links are drawn left to right.
  type Side = "left" | "right";
  const ends = links.map((link) => {
    const swap = link.both && (column.get(link.from) ?? 0) > (column.get(link.to) ?? 0);
    const startId = swap ? link.to : link.from;
    const endId = swap ? link.from : link.to;
    const cs = column.get(startId) ?? 0;
    const ce = column.get(endId) ?? 0;
    const mode = cs === ce ? "same" : cs < ce ? "forward" : "back";
    const waypoints = routes.get(link) ?? [];
    const ordered = mode === "back" ? [...waypoints].reverse() : waypoints;
    return {
      link,
      mode,
      waypoints: ordered,
      start: { id: startId, side: (mode === "back" ? "left" : "right") as Side },
      end: { id: endId, side: (mode === "forward" ? "left" : "right") as Side },
    };
  });
  const centreY = (id: string) => {
    const box = boxes.get(id);
    return box ? box.y + box.height / 2 : (waypointY.get(id) ?? 0);
  };
  const attached = new Map<string, { index: number; which: "start" | "end"; towards: number }[]>();
  ends.forEach((e, index) => {
    for (const which of ["start", "end"] as const) {
      const here = e[which];
      const next =
        which === "start"
          ? (e.waypoints[0] ?? e.end.id)
          : (e.waypoints[e.waypoints.length - 1] ?? e.start.id);
      const key = `${here.id}\u0000${here.side}`;
      attached.set(key, [...(attached.get(key) ?? []), { index, which, towards: centreY(next) }]);
    }
  });
  const anchorY = new Map<string, number>();
  for (const [key, list] of attached) {
    const box = boxes.get(key.split("\u0000")[0] as string) as Box;
    list.sort((a, b) => a.towards - b.towards || a.index - b.index);
    const span = box.height * 0.6;
    list.forEach((entry, i) => {
      const offset = list.length === 1 ? 0 : -span / 2 + (span * i) / (list.length - 1);
      anchorY.set(`${entry.index}:${entry.which}`, box.y + box.height / 2 + offset);
    });
  }

  const obstacles: Rect[] = [...boxes.values()].map((b) => ({
    x: b.x,
    y: b.y,
    width: b.width,
    height: b.height,
  }));
  const paths: string[] = [];
  const labels: string[] = [];
  ends.forEach((e, index) => {
    const from = boxes.get(e.start.id) as Box;
    const to = boxes.get(e.end.id) as Box;
    const p0: Point = [
      e.start.side === "right" ? from.x + from.width : from.x,
      anchorY.get(`${index}:start`) ?? from.y,
    ];
    const p3: Point = [
      e.end.side === "left" ? to.x : to.x + to.width,
      anchorY.get(`${index}:end`) ?? to.y,
    ];
    // Curves across the gaps, straight lines across the columns in between.
    const curves: [Point, Point, Point, Point][] = [];
    let d = `M${num(p0[0])},${num(p0[1])}`;
    if (e.mode === "same") {
      const bulge = Math.min(gap * 0.7, 36 + Math.abs(p3[1] - p0[1]) * 0.2);
      curves.push([p0, [p0[0] + bulge, p0[1]], [p3[0] + bulge, p3[1]], p3]);
    } else {
      const dir = e.mode === "forward" ? 1 : -1;
      let from0 = p0;
      const hop = (to0: Point) => {
        const bend = Math.max(20, Math.abs(to0[0] - from0[0]) / 2);
        curves.push([from0, [from0[0] + dir * bend, from0[1]], [to0[0] - dir * bend, to0[1]], to0]);
      };
      for (const waypoint of e.waypoints) {
        const c = column.get(waypoint) ?? 0;
        const y = waypointY.get(waypoint) ?? 0;
        const left = columnX[c] ?? 0;
        const right = left + (widths[c] ?? 0);
        const [entry, exit]: [Point, Point] =
          dir === 1
            ? [
                [left, y],
                [right, y],
              ]
            : [
                [right, y],
                [left, y],
              ];
        hop(entry);
        from0 = exit;
      }
      hop(p3);
    }
    curves.forEach(([, c1, c2, end], i) => {
      if (i > 0) {
        const start = curves[i]?.[0] as Point;
        d += ` L${num(start[0])},${num(start[1])}`;
      }
      d += ` C${num(c1[0])},${num(c1[1])} ${num(c2[0])},${num(c2[1])} ${num(end[0])},${num(end[1])}`;
    });
    const markers = `${e.link.both ? ' marker-start="url(#arrow-start)"' : ""} marker-end="url(#arrow-end)"`;
    paths.push(`    <path d="${d}" fill="none" stroke="#555555" stroke-width="1.2"${markers}/>`);

    // The label: on the middle gap first, centred on the curve or beside it (right
    // of it first for arcs within a column), where it covers no box or other label.
    const text = linkText(e.link);
    const width = Math.ceil(textWidth(text, LABEL_SIZE) + 8);
    const height = LABEL_SIZE + 6;
    const middle = (curves.length - 1) / 2;
    const byPreference = curves
      .map((curve, i) => ({ curve, i }))
      .sort((a, b) => Math.abs(a.i - middle) - Math.abs(b.i - middle) || b.i - a.i);
    const shifts = e.mode === "same" ? [0.5 + 4 / width, 0, -0.5 - 4 / width] : [0, 0.5, -0.5];
    const candidates = byPreference.flatMap(({ curve }) =>
      LABEL_POSITIONS.flatMap((t) =>
        shifts.map((shift): Rect => {
          const [cx, cy] = bezier(...curve, t);
          return { x: cx - width / 2 + shift * width, y: cy - height / 2, width, height };
        }),
      ),
    );
    const clash = (r: Rect) =>
      obstacles.reduce((sum, o) => sum + overlapArea(r, o), 0) +
      // Stay inside the picture.
      (r.x < MARGIN / 2 || r.x + r.width > diagramWidth - MARGIN / 2 ? 1e6 : 0);
    let chosen = candidates[0] as Rect;
    let least = clash(chosen);
    for (const candidate of candidates) {
      if (least === 0) break;
      const c = clash(candidate);
      if (c < least) {
        chosen = candidate;
        least = c;
      }
    }
    obstacles.push(chosen);
    labels.push(
      `    <rect x="${num(chosen.x)}" y="${num(chosen.y)}" width="${num(width)}" height="${num(height)}" rx="3" fill="#ffffff" fill-opacity="0.92" stroke="#bbbbbb" stroke-width="0.5"/>`,
      `    <text x="${num(chosen.x + width / 2)}" y="${num(chosen.y + height - 5)}" text-anchor="middle" font-size="${LABEL_SIZE}" fill="#333333">${xmlEscape(text)}</text>`,
    );
  });

  const nodeLines: string[] = [];
  for (const id of graph.nodes.map((n) => n.id)) {
    const box = boxes.get(id);
    if (!box) continue;
    const dashed = box.node.group === OUTSIDE_GROUP ? ' stroke-dasharray="5,4"' : "";
    const rx = box.node.kind === "StatefulSet" ? 4 : box.node.kind === "Deployment" ? 8 : 14;
    const cx = box.x + box.width / 2;
    nodeLines.push(
      `    <g>`,
      `      <title>${xmlEscape(box.node.id)}</title>`,
      `      <rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" height="${num(box.height)}" rx="${rx}" fill="${box.fill}" stroke="${box.stroke}" stroke-width="1.5"${dashed}/>`,
      `      <text x="${num(cx)}" y="${num(box.y + 18)}" text-anchor="middle" font-size="10" fill="#666666">${xmlEscape(box.groupTitle)}</text>`,
      `      <text x="${num(cx)}" y="${num(box.y + 35)}" text-anchor="middle" font-size="13" font-weight="bold" fill="#111111">${xmlEscape(box.node.label)}</text>`,
      `      <text x="${num(cx)}" y="${num(box.y + 51)}" text-anchor="middle" font-size="11" fill="#333333">${xmlEscape(box.node.detail)}</text>`,
      `    </g>`,
    );
  }

  // Legend: a swatch per group, wrapped to the diagram's width.
  const legend: string[] = [];
  let lx = MARGIN;
  let ly = MARGIN + HEADER + contentHeight + 28;
  for (const group of graph.groups) {
    const [fill, stroke] = colours(group.id);
    const width = 14 + 6 + textWidth(group.title, 11) + 18;
    if (lx + width > diagramWidth - MARGIN && lx > MARGIN) {
      lx = MARGIN;
      ly += LEGEND_ROW;
    }
    const dashed = group.id === OUTSIDE_GROUP ? ' stroke-dasharray="3,2"' : "";
    legend.push(
      `    <rect x="${num(lx)}" y="${num(ly)}" width="14" height="14" rx="3" fill="${fill}" stroke="${stroke}"${dashed}/>`,
      `    <text x="${num(lx + 20)}" y="${num(ly + 11)}" font-size="11" fill="#333333">${xmlEscape(group.title)}</text>`,
    );
    lx += width;
  }
  const height = Math.ceil(ly + 14 + MARGIN);
  const width = Math.ceil(diagramWidth);
  const title = `materialize-monitoring data flow, namespace ${graph.namespace}`;

  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `  <title>${xmlEscape(title)}</title>`,
    `  <desc>${xmlEscape("Workloads grouped by component; arrows point from the client to the server, labelled with what the connection is for and the port it dials.")}</desc>`,
    "  <defs>",
    '    <marker id="arrow-end" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">',
    '      <path d="M0,0 L10,5 L0,10 z" fill="#555555"/>',
    "    </marker>",
    '    <marker id="arrow-start" viewBox="0 0 10 10" refX="1" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">',
    '      <path d="M10,0 L0,5 L10,10 z" fill="#555555"/>',
    "    </marker>",
    "  </defs>",
    `  <rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `  <text x="${MARGIN}" y="${MARGIN + 16}" font-size="16" font-weight="bold" fill="#111111">${xmlEscape(title)}</text>`,
    '  <g id="links">',
    ...paths,
    "  </g>",
    '  <g id="nodes">',
    ...nodeLines,
    "  </g>",
    '  <g id="labels">',
    ...labels,
    "  </g>",
    '  <g id="legend">',
    ...legend,
    "  </g>",
    "</svg>",
    "",
  ].join("\n");
}
