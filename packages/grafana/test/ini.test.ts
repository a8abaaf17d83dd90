import { describe, expect, it } from "vitest";
import { iniValue, renderIni } from "../src/index.js";

describe("grafana.ini rendering", () => {
  it("writes sections and keys in model order, values in plain form", () => {
    expect(
      renderIni([
        [
          "server",
          [
            ["http_port", 3000],
            ["enable_gzip", true],
          ],
        ],
        ["empty", []],
        ["auth.anonymous", [["enabled", false]]],
      ]),
    ).toBe("[server]\nhttp_port = 3000\nenable_gzip = true\n\n[auth.anonymous]\nenabled = false\n");
  });

  it("triple-quotes values go-ini would cut at a comment character or trim", () => {
    expect(iniValue("s.k", "script-src 'self'; object-src 'none'")).toBe(
      `"""script-src 'self'; object-src 'none'"""`,
    );
    expect(iniValue("s.k", "#channel")).toBe(`"""#channel"""`);
    expect(iniValue("s.k", "plain")).toBe("plain");
    expect(() => iniValue("s.k", 'a"""b')).toThrow('s.k: a value cannot contain """');
  });

  it("triple-quotes a value ending in a backslash, which go-ini would join to the next line", () => {
    expect(iniValue("server.root_url", "https://grafana.example.com\\")).toBe(
      '"""https://grafana.example.com\\"""',
    );
    expect(iniValue("s.k", "a\\ ")).toBe('"""a\\ """');
    expect(iniValue("s.k", "a\\b")).toBe("a\\b");
    const text = renderIni([
      [
        "server",
        [
          ["root_url", "x\\"],
          ["domain", "grafana.example.com"],
        ],
      ],
    ]);
    expect(text).toContain('root_url = """x\\"""\ndomain = grafana.example.com');
  });

  it("refuses section and key names go-ini cannot read", () => {
    expect(() => renderIni([["bad section", [["k", "v"]]]])).toThrow(
      'bad section: "bad section" is not a valid ini section name',
    );
  });
});
