/**
 * Line diffs in unified format (`diff -u`), with Myers' O(ND) algorithm.
 * Common leading and trailing lines are trimmed first; past `maxEdits`
 * changed lines the middle is shown as removed-then-added, which keeps
 * memory bounded for a rewritten dashboard.
 */
export interface DiffLine {
  op: " " | "-" | "+";
  text: string;
}

function myers(
  a: readonly string[],
  b: readonly string[],
  maxEdits: number,
): DiffLine[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, d);
    }
  }
  return undefined;
}

function backtrack(
  a: readonly string[],
  b: readonly string[],
  trace: Int32Array[],
  depth: number,
): DiffLine[] {
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = depth; d >= 0; d--) {
    const v = trace[d] as Int32Array;
    const at = (k: number) => v[k + d + 1] ?? 0;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: " ", text: a[x - 1] as string });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ op: "+", text: b[y - 1] as string });
      else out.push({ op: "-", text: a[x - 1] as string });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

export function diffLines(
  a: readonly string[],
  b: readonly string[],
  maxEdits = 2_000,
): DiffLine[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  const middle = myers(middleA, middleB, maxEdits) ?? [
    ...middleA.map((text) => ({ op: "-" as const, text })),
    ...middleB.map((text) => ({ op: "+" as const, text })),
  ];
  return [
    ...a.slice(0, start).map((text) => ({ op: " " as const, text })),
    ...middle,
    ...a.slice(endA).map((text) => ({ op: " " as const, text })),
  ];
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * A unified diff of two texts with `context` lines around each change;
 * empty when they are equal. `from`/`to` name the two sides in the header.
 */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { from: string; to: string },
  context = 3,
): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const lines = diffLines(a, b);
  if (lines.every((line) => line.op === " ")) return "";
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  const changed = lines.map((line, index) => (line.op === " " ? -1 : index)).filter((i) => i >= 0);
  // Group changes whose context windows touch into one hunk.
  const hunks: [number, number][] = [];
  for (const index of changed) {
    const last = hunks[hunks.length - 1];
    const from = Math.max(0, index - context);
    const to = Math.min(lines.length - 1, index + context);
    if (last && from <= last[1] + 1) last[1] = to;
    else hunks.push([from, to]);
  }
  for (const [from, to] of hunks) {
    let aStart = 1;
    let bStart = 1;
    for (let i = 0; i < from; i++) {
      if (lines[i]?.op !== "+") aStart++;
      if (lines[i]?.op !== "-") bStart++;
    }
    const slice = lines.slice(from, to + 1);
    const aCount = slice.filter((l) => l.op !== "+").length;
    const bCount = slice.filter((l) => l.op !== "-").length;
    out.push(
      `@@ -${aCount === 0 ? aStart - 1 : aStart},${aCount} +${bCount === 0 ? bStart - 1 : bStart},${bCount} @@`,
    );
    for (const line of slice) out.push(`${line.op}${line.text}`);
  }
  return `${out.join("\n")}\n`;
}
