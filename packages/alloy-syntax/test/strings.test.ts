import { describe, expect, it } from "vitest";
import {
  describeCodePoint,
  isDuration,
  isSize,
  isValidIdentifier,
  quote,
  runeCount,
  sanitizeIdentifier,
  unquote,
  utf8Length,
} from "../src/index.js";

describe("identifiers", () => {
  it("follow Alloy's rules", () => {
    for (const ok of ["a", "_", "forward_to", "x1", "é", "λx", "Ünïcode"])
      expect(isValidIdentifier(ok), ok).toBe(true);
    for (const bad of ["", "1a", "a-b", "a.b", "a b", "true", "false", "null"]) {
      expect(isValidIdentifier(bad), bad).toBe(false);
    }
  });

  it("can be made from any string", () => {
    expect(sanitizeIdentifier("app.kubernetes.io/name")).toBe("app_kubernetes_io_name");
    expect(sanitizeIdentifier("9lives")).toBe("_9lives");
    expect(() => sanitizeIdentifier("")).toThrow("empty string");
  });
});

describe("quoting", () => {
  it("quotes like Go's strconv.Quote", () => {
    expect(quote('plain "quoted" \\ tab\t nl\n')).toBe('"plain \\"quoted\\" \\\\ tab\\t nl\\n"');
    expect(quote("\u0000\u0007\u007f\u00a0\u2028é😀")).toBe('"\\x00\\a\\x7f\\u00a0\\u2028é😀"');
    expect(quote("\uD800")).toBe('"\\ufffd"');
  });

  it("keeps a leading U+FEFF, raw or escaped, as Go does (it is text, not a byte order mark)", () => {
    expect(unquote('"\\ufeffab"')).toBe("\ufeffab");
    expect(unquote('"\ufeffab"')).toBe("\ufeffab");
    expect(unquote(quote("\ufeff"))).toBe("\ufeff");
  });

  it("unquotes what the scanner accepts", () => {
    expect(unquote('"a\\x41\\101\\u00e9\\U0001F600\\\'"')).toBe("aAAé😀'");
    expect(unquote('"\\xc3\\xa9"')).toBe("é");
    expect(unquote("`raw\r\n\\n`")).toBe("raw\n\\n");
    for (const s of ["", "x", 'a"b', "\\", "\n\t", "é😀", "\u0001"])
      expect(unquote(quote(s))).toBe(s);
  });

  it("describes code points like Go's %#U", () => {
    expect(describeCodePoint(0x40)).toBe("U+0040 '@'");
    expect(describeCodePoint(0x0a)).toBe("U+000A");
  });

  it("measures text in bytes and runes", () => {
    expect(utf8Length("aé😀")).toBe(1 + 2 + 4);
    expect(runeCount("aé😀")).toBe(3);
  });
});

describe("durations and sizes", () => {
  it("accept Go durations", () => {
    for (const ok of ["0", "30s", "1m30s", "1.5h", "500ms", "100us", "1µs", "10ns", ".5s"]) {
      expect(isDuration(ok), ok).toBe(true);
    }
    for (const bad of ["", "30", "1d", "1w", "-1s", "1 s", "s", "1h 30m"])
      expect(isDuration(bad), bad).toBe(false);
  });

  it("accept byte sizes", () => {
    for (const ok of ["0", "1MiB", "512KiB", "4MB", "1GB", "100B", "1.5MiB"])
      expect(isSize(ok), ok).toBe(true);
    for (const bad of ["", "1", "1 MiB", "1mb", "1M", "-1MB"]) expect(isSize(bad), bad).toBe(false);
  });
});
