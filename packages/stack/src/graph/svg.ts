/**
 * The graph as a standalone SVG 1.1 image, laid out here without a browser:
 * columns from a topological order of the data flow, boxes coloured by
 * component, curved arrows with their labels placed clear of boxes and of
 * each other where the curve allows.
 */
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

/** Fill and stroke per component, in group order; the outside group is white and dashed. */
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

/** XML text and attribute escaping. */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
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

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
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

/** The graph as an SVG document, ending in a newline. */
export function toSvg(graph: StackGraph): string {
  const links = linksOf(graph);
  const { columns, reversed } = layers(
    graph.nodes.map((n) => n.id),
    links,
  );

  const groupIndex = new Map(graph.groups.map((g, i) => [g.id, i]));
  const groupTitle = new Map(graph.groups.map((g) => [g.id, g.title]));
  const colours = (group: string) =>
    group === OUTSIDE_GROUP
      ? OUTSIDE_COLOURS
      : (PALETTE[(groupIndex.get(group) ?? 0) % PALETTE.length] as readonly [string, string]);
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
    Math.max(0, ...col.map((id) => boxWidth(nodeById.get(id) as GraphNode))),
  );
  const heights = columns.map((col) => col.length * BOX_HEIGHT + Math.max(0, col.length - 1) * ROW_GAP);
  const contentHeight = Math.max(BOX_HEIGHT, ...heights);

  const boxes = new Map<string, Box>();
  let x = MARGIN;
  columns.forEach((col, c) => {
    const top = MARGIN + HEADER + (contentHeight - (heights[c] ?? 0)) / 2;
    col.forEach((id, row) => {
      const node = nodeById.get(id) as GraphNode;
      const [fill, stroke] = colours(node.group);
      boxes.set(id, {
        node,
        x,
        y: top + row * (BOX_HEIGHT + ROW_GAP),
        width: widths[c] ?? BOX_MIN_WIDTH,
        height: BOX_HEIGHT,
        fill,
        stroke,
        groupTitle: groupTitle.get(node.group) ?? node.group,
      });
    });
    x += (widths[c] ?? 0) + gap;
  });
  const diagramWidth = Math.max(x - gap + MARGIN, 480);

  // Anchors: links leave a box's right side and enter the left side (right to left for
  // links closing a cycle), spread along the side in the order of the far end.
  type Side = "left" | "right";
  const ends = links.map((link) => {
    const back = reversed.has(link);
    return {
      link,
      back,
      start: { id: link.from, side: (back ? "left" : "right") as Side },
      end: { id: link.to, side: (back ? "right" : "left") as Side },
    };
  });
  const attached = new Map<string, { index: number; which: "start" | "end"; other: string }[]>();
  ends.forEach((e, index) => {
    for (const which of ["start", "end"] as const) {
      const here = e[which];
      const other = which === "start" ? e.end.id : e.start.id;
      const key = `${here.id}\u0000${here.side}`;
      attached.set(key, [...(attached.get(key) ?? []), { index, which, other }]);
    }
  });
  const anchorY = new Map<string, number>();
  for (const [key, list] of attached) {
    const box = boxes.get(key.split("\u0000")[0] as string) as Box;
    list.sort((a, b) => {
      const ya = boxes.get(a.other)?.y ?? 0;
      const yb = boxes.get(b.other)?.y ?? 0;
      return ya - yb || a.index - b.index;
    });
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
    const bend = Math.max(40, Math.abs(p3[0] - p0[0]) / 2);
    const p1: Point = [p0[0] + (e.back ? -bend : bend), p0[1]];
    const p2: Point = [p3[0] + (e.back ? bend : -bend), p3[1]];
    const markers = `${e.link.both ? ' marker-start="url(#arrow-start)"' : ""} marker-end="url(#arrow-end)"`;
    paths.push(
      `    <path d="M${num(p0[0])},${num(p0[1])} C${num(p1[0])},${num(p1[1])} ${num(p2[0])},${num(p2[1])} ${num(p3[0])},${num(p3[1])}" fill="none" stroke="#555555" stroke-width="1.2"${markers}/>`,
    );

    const text = linkText(e.link);
    const width = Math.ceil(textWidth(text, LABEL_SIZE) + 8);
    const height = LABEL_SIZE + 6;
    const rectAt = (t: number): Rect => {
      const [cx, cy] = bezier(p0, p1, p2, p3, t);
      return { x: cx - width / 2, y: cy - height / 2, width, height };
    };
    const chosen =
      LABEL_POSITIONS.map(rectAt).find((r) => !obstacles.some((o) => overlaps(r, o))) ??
      rectAt(0.5);
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
