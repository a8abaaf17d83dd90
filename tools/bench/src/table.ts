/** Markdown table and number formatting for the benchmark report. Pure. */

export type Align = "left" | "right";

/** Escapes what would break a table cell: pipes and line breaks. */
export function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/**
 * A GitHub-flavoured Markdown table with padded columns, so it reads as well
 * in a terminal as rendered. `align` is per column (default left); right
 * alignment is for numbers.
 */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  for (const [i, row] of rows.entries()) {
    if (row.length !== headers.length) {
      throw new RangeError(`row ${i} has ${row.length} cells, the header ${headers.length}`);
    }
  }
  const cells = [headers, ...rows].map((row) => row.map(cell));
  const widths = headers.map((_, c) =>
    Math.max(3, ...cells.map((row) => [...(row[c] ?? "")].length)),
  );
  const pad = (text: string, c: number): string => {
    const width = widths[c] ?? 3;
    const fill = " ".repeat(width - [...text].length);
    return align[c] === "right" ? fill + text : text + fill;
  };
  const line = (row: readonly string[]): string =>
    `| ${row.map((text, c) => pad(text, c)).join(" | ")} |`;
  const rule = `|${widths
    .map((w, c) => (align[c] === "right" ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2)))
    .join("|")}|`;
  const [head, ...body] = cells;
  return [line(head ?? []), rule, ...body.map(line)].join("\n");
}

/** Milliseconds with a precision that suits the magnitude: 0.42 ms, 12.3 ms, 1234 ms. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** Bytes in decimal units, as npm reports package sizes (1 kB = 1000 B). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "–";
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB"];
  let value = bytes;
  let unit = "B";
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/** An integer with thousands separators (1,234), independent of the locale. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
