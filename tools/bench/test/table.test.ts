import { describe, expect, it } from "vitest";
import { cell, formatBytes, formatCount, formatMs, markdownTable } from "../src/table.js";

describe("markdownTable", () => {
  it("pads columns, right-aligns numbers and marks the alignment in the rule", () => {
    const table = markdownTable(
      ["name", "ms"],
      [
        ["render", "112.5"],
        ["start-up", "9"],
      ],
      ["left", "right"],
    );
    expect(table).toBe(
      [
        "| name     |    ms |",
        "|----------|------:|",
        "| render   | 112.5 |",
        "| start-up |     9 |",
      ].join("\n"),
    );
  });

  it("keeps every line the same width and columns at least three wide", () => {
    const table = markdownTable(["a", "b"], [["x", "y"]]);
    expect(table.split("\n")).toEqual(["| a   | b   |", "|-----|-----|", "| x   | y   |"]);
  });

  it("escapes pipes and flattens line breaks so a cell cannot break the table", () => {
    expect(cell("a|b\nc")).toBe("a\\|b c");
    const table = markdownTable(["reason"], [["exit 1: x | y\nz"]]);
    expect(table.split("\n")).toHaveLength(3);
    expect(table).toContain("exit 1: x \\| y z");
  });

  it("rejects a row whose length differs from the header", () => {
    expect(() => markdownTable(["a", "b"], [["only one"]])).toThrow(
      "row 0 has 1 cells, the header 2",
    );
  });
});

describe("number formatting", () => {
  it("milliseconds with a precision suited to the magnitude", () => {
    expect(formatMs(0.4242)).toBe("0.42 ms");
    expect(formatMs(12.34)).toBe("12.3 ms");
    expect(formatMs(1234.5)).toBe("1235 ms");
    expect(formatMs(Number.NaN)).toBe("–");
  });

  it("bytes in decimal units, like npm", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1000)).toBe("1.0 kB");
    expect(formatBytes(63_339)).toBe("63.3 kB");
    expect(formatBytes(96_200_000)).toBe("96.2 MB");
    expect(formatBytes(2_500_000_000)).toBe("2.5 GB");
  });

  it("counts with thousands separators", () => {
    expect(formatCount(7)).toBe("7");
    expect(formatCount(1234)).toBe("1,234");
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});
