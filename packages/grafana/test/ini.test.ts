import { parseValues, ValuesError } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { grafanaValues, iniValue, renderIni } from "../src/index.js";

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
    expect(() => iniValue("s.k", 'a"""b')).toThrow('s.k: contains """, which go-ini cannot escape');
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

describe("values that reach grafana.ini read back unchanged, or are refused by the schema", () => {
  const database = (extra: Record<string, unknown>) => ({
    database: {
      type: "postgres",
      host: "postgres.databases.svc.cluster.local",
      password: { name: "pg", key: "password" },
      ...extra,
    },
  });
  const problemOf = (values: unknown) => {
    try {
      parseValues(grafanaValues, values);
      return "";
    } catch (error) {
      if (error instanceof ValuesError) return error.message;
      throw error;
    }
  };

  it.each([
    [database({ host: "db%(type)s" }), /^database\.host: must be a host name/],
    [database({ name: "grafana%(type)s" }), /^database\.name: contains `%\(name\)s`/],
    [database({ user: "${GF_DATABASE_PASSWORD}" }), /^database\.user: contains `\$__provider/],
    [database({ user: "$__file{/etc/passwd}" }), /^database\.user: contains `\$__provider/],
    [
      database({ name: "a\u007fb" }),
      /^database\.name: contains a control or invisible character \(U\+007F/,
    ],
    [
      database({ name: "a\ufeffb" }),
      /^database\.name: contains a control or invisible character \(U\+FEFF/,
    ],
    [database({ name: 'a"""b' }), /^database\.name: contains """/],
    [{ config: { server: { x: "a%(http_port)s" } } }, /^config\.server\.x: contains `%\(name\)s`/],
    [{ config: { server: { x: "a\nb = c" } } }, /^config\.server\.x: contains a line break/],
    [
      { config: { "bad section": { x: "1" } } },
      /^config\.bad section: the key is refused: an ini section name/,
    ],
    [
      { config: { server: { "bad key": "1" } } },
      /^config\.server\.bad key: the key is refused: an ini key name/,
    ],
    [{ server: { rootUrl: "https://grafana.example.com/ x" } }, /^server\.rootUrl: /],
    [
      { ingress: { enabled: true, host: "g.example.com", path: "/a b" } },
      /^ingress\.path: must be a URL path/,
    ],
    [{ ingress: { className: "Nginx Public" } }, /^ingress\.className: must be a Kubernetes name/],
    [{ podAnnotations: { "bad key!": "x" } }, /^podAnnotations\.bad key!: annotation key/],
  ])("refuses %j naming the path", (values, expected) => {
    expect(problemOf(values)).toMatch(expected);
  });

  it("refuses Grafana's expansion in raw grafana.config too, pointing at secretEnv", () => {
    expect(
      problemOf({ config: { "auth.generic_oauth": { client_id: "$__file{/etc/oauth/id}" } } }),
    ).toMatch(
      /^config\.auth\.generic_oauth\.client_id: contains .*set the key from a Secret with secretEnv/,
    );
    // The package's own keys keep it: the backstop in iniValue allows what it writes itself.
    const ini = renderIni([["s", [["k", "$__env{X}; tail"]]]]);
    expect(ini).toBe('[s]\nk = """$__env{X}; tail"""\n');
  });

  it("takes text that only needs quoting: comment characters, quotes, a trailing backslash", () => {
    for (const name of ["a;b", "#x", "it's", 'say "hi"', "tail\\", " padded "]) {
      expect(problemOf(database({ name }))).toBe("");
    }
  });
});
