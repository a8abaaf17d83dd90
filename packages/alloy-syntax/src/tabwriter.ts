/**
 * Elastic tabstops, with the exact semantics `alloy fmt` gets from Go's
 * `text/tabwriter` (configured with min width 0, tab width 8, padding 1,
 * blank padding, DiscardEmptyColumns and TabIndent), followed by the
 * trailing-whitespace trimmer Alloy's printer puts behind it.
 *
 * Input is a list of pieces: plain text, in which `\t` and `\v` end a cell
 * (`\v` is a "soft" cell that may vanish), `\n` ends a line and `\f` ends a
 * line and flushes (ending every column block); and escaped text (comments),
 * which is copied through untouched and never ends a cell.
 */
import { runeCount } from "./strings.js";

export interface Escaped {
  readonly escaped: string;
}

export type Piece = string | Escaped;

interface Cell {
  parts: Piece[];
  /** Source length including escape markers; 0 means the cell is empty. */
  size: number;
  /** Width in code points, escape markers excluded. */
  width: number;
  /** Terminated by a hard tab. */
  htab: boolean;
}

const TAB_WIDTH = 8;
const PADDING = 1;

function emptyCell(): Cell {
  return { parts: [], size: 0, width: 0, htab: false };
}

class TabWriter {
  private lines: Cell[][] = [[]];
  private cell: Cell = emptyCell();
  private widths: number[] = [];
  readonly out: Piece[] = [];

  write(pieces: readonly Piece[]): void {
    for (const piece of pieces) {
      if (typeof piece !== "string") {
        this.cell.parts.push(piece);
        this.cell.size += piece.escaped.length + 2;
        this.cell.width += runeCount(piece.escaped);
        continue;
      }
      let start = 0;
      for (let i = 0; i < piece.length; i++) {
        const ch = piece[i];
        if (ch !== "\t" && ch !== "\v" && ch !== "\n" && ch !== "\f") continue;
        this.appendText(piece.slice(start, i));
        start = i + 1;
        const cells = this.terminateCell(ch === "\t");
        if (ch === "\n" || ch === "\f") {
          this.lines.push([]);
          // A formfeed always flushes; so does a line with a single cell,
          // which cannot influence the layout of the lines after it.
          if (ch === "\f" || cells === 1) this.flush();
        }
      }
      this.appendText(piece.slice(start));
    }
  }

  flush(): void {
    if (this.cell.size > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = emptyCell();
    this.widths = [];
  }

  private appendText(text: string): void {
    if (text === "") return;
    this.cell.parts.push(text);
    this.cell.size += text.length;
    this.cell.width += runeCount(text);
  }

  private terminateCell(htab: boolean): number {
    this.cell.htab = htab;
    const line = this.lines[this.lines.length - 1];
    if (!line) throw new Error("tabwriter: no current line");
    line.push(this.cell);
    this.cell = emptyCell();
    return line.length;
  }

  /** Lays out lines [line0, line1) given the widths of the columns to their left. */
  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let row = line0; row < line1; row++) {
      const line = this.lines[row] ?? [];
      if (column >= line.length - 1) continue;
      // This line has a cell in this column: a column block starts here.
      this.writeLines(line0, row);
      line0 = row;
      let width = 0;
      let discardable = true;
      for (; row < line1; row++) {
        const l = this.lines[row] ?? [];
        if (column >= l.length - 1) break;
        const c = l[column] as Cell;
        width = Math.max(width, c.width + PADDING);
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable) width = 0;
      this.widths.push(width);
      this.format(line0, row);
      this.widths.pop();
      line0 = row;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i] ?? [];
      let useTabs = true;
      line.forEach((c, j) => {
        const colWidth = this.widths[j];
        if (c.size === 0) {
          if (colWidth !== undefined) this.pad(c.width, colWidth, useTabs);
        } else {
          useTabs = false;
          this.out.push(...c.parts);
          if (colWidth !== undefined) this.pad(c.width, colWidth, false);
        }
      });
      if (i + 1 === this.lines.length) this.out.push(...this.cell.parts);
      else this.out.push("\n");
    }
  }

  private pad(textWidth: number, cellWidth: number, useTabs: boolean): void {
    if (useTabs) {
      const rounded = Math.ceil(cellWidth / TAB_WIDTH) * TAB_WIDTH;
      const n = rounded - textWidth;
      const tabs = Math.ceil(n / TAB_WIDTH);
      if (tabs > 0) this.out.push("\t".repeat(tabs));
      return;
    }
    if (cellWidth > textWidth) this.out.push(" ".repeat(cellWidth - textWidth));
  }
}

/**
 * Drops spaces and tabs at the end of every line and at the end of the
 * output; escaped text is copied as is.
 */
function trim(pieces: readonly Piece[]): string {
  let out = "";
  let pending = "";
  for (const piece of pieces) {
    if (typeof piece !== "string") {
      out += pending + piece.escaped;
      pending = "";
      continue;
    }
    for (const ch of piece) {
      if (ch === " " || ch === "\t") pending += ch;
      else if (ch === "\n" || ch === "\f") {
        pending = "";
        out += "\n";
      } else {
        out += pending + ch;
        pending = "";
      }
    }
  }
  return out;
}

/** Aligns cells and trims trailing whitespace, returning the final text. */
export function alignAndTrim(pieces: readonly Piece[]): string {
  const tw = new TabWriter();
  tw.write(pieces);
  tw.flush();
  return trim(tw.out);
}
