import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AlloyConfig,
  AlloyValueError,
  array,
  attr,
  block,
  coalesce,
  component,
  constants,
  discovery,
  expr,
  format,
  logging,
  loki,
  parse,
  prometheus,
  sanitizeIdentifier,
  stage,
  string,
  sys,
  toExpr,
  validateReferences,
} from "../src/index.js";

describe("AlloyConfig", () => {
  it("prints the README example as documented", () => {
    const config = new AlloyConfig();
    const remoteWrite = config.add(
      prometheus.remoteWrite("thanos", {
        endpoint: [{ url: "http://thanos-receive.monitoring.svc:19291/api/v1/receive" }],
      }),
    );
    const pods = config.add(discovery.kubernetes("pods", { role: "pod" }));
    config.add(
      prometheus.scrape("pods", {
        targets: pods.exports.targets,
        forwardTo: [remoteWrite.exports.receiver],
        scrapeInterval: "30s",
        clustering: { enabled: true },
      }),
    );
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const documented = /```alloy\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(config.render()).toBe(documented);
  });

  it("builds a file whose references point at added components", () => {
    const config = new AlloyConfig();
    const pods = config.add(discovery.kubernetes("pods", { role: "pod" }));
    const remoteWrite = config.add(
      prometheus.remoteWrite("default", { endpoint: [{ url: "http://rw/push" }] }),
    );
    const scrape = config.add(
      prometheus.scrape("pods", {
        targets: pods.exports.targets,
        forwardTo: [remoteWrite.exports.receiver],
      }),
    );
    expect(scrape.id).toBe("prometheus.scrape.pods");
    expect(config.toString()).toBe(
      [
        'discovery.kubernetes "pods" {',
        '\trole = "pod"',
        "}",
        "",
        'prometheus.remote_write "default" {',
        "\tendpoint {",
        '\t\turl = "http://rw/push"',
        "\t}",
        "}",
        "",
        'prometheus.scrape "pods" {',
        "\ttargets    = discovery.kubernetes.pods.targets",
        "\tforward_to = [prometheus.remote_write.default.receiver]",
        "}",
        "",
      ].join("\n"),
    );
    expect(config.check()).toEqual([]);
  });

  it("offers exports directly on the handle too", () => {
    const config = new AlloyConfig();
    const remoteWrite = config.add(prometheus.remoteWrite("default"));
    expect(remoteWrite.receiver).toBe(remoteWrite.exports.receiver);
    expect(remoteWrite.receiver.toString()).toBe("prometheus.remote_write.default.receiver");
    // @ts-expect-error remote_write exports no targets
    expect(remoteWrite.exports.targets).toBeUndefined();
  });

  it("refuses references to components of another file", () => {
    const first = new AlloyConfig();
    const remoteWrite = first.add(prometheus.remoteWrite("default"));
    const second = new AlloyConfig();
    expect(() =>
      second.add(
        prometheus.scrape("x", { targets: [], forwardTo: [remoteWrite.exports.receiver] }),
      ),
    ).toThrow(
      'prometheus.scrape "x": refers to prometheus.remote_write.default.receiver, which belongs to a different config, not to this config',
    );
  });

  it("refuses duplicate components and invalid labels", () => {
    const config = new AlloyConfig();
    config.add(prometheus.remoteWrite("default"));
    expect(() => config.add(prometheus.remoteWrite("default"))).toThrow(
      'prometheus.remote_write "default": is already defined in this config',
    );
    expect(() => config.add(prometheus.remoteWrite("materialize-prod"))).toThrow(
      'label "materialize-prod" is not a valid identifier',
    );
    expect(sanitizeIdentifier("materialize-prod")).toBe("materialize_prod");
    expect(sanitizeIdentifier("1st")).toBe("_1st");
    expect(sanitizeIdentifier("true")).toBe("_true");
  });

  it("prints comments above components and statements", () => {
    const config = new AlloyConfig();
    config.addStatement(logging({ level: "warn" }), { comment: "Alloy's own logs" });
    config.add(prometheus.remoteWrite("default"), {
      comment: ["Metrics go to Thanos.", "One endpoint."],
    });
    expect(config.toString()).toBe(
      '// Alloy\'s own logs\nlogging {\n\tlevel = "warn"\n}\n\n// Metrics go to Thanos.\n// One endpoint.\nprometheus.remote_write "default" { }\n',
    );
  });

  it("accepts generic components and blocks", () => {
    const config = new AlloyConfig();
    const redis = config.add(
      component(
        "prometheus.exporter.redis",
        "cache",
        { redis_addr: "redis:6379" },
        { targets: "list(map(string))" },
      ),
    );
    const sink = config.add(prometheus.remoteWrite("default"));
    config.add(
      component("prometheus.scrape", "cache", [
        attr("targets", redis.exports.targets),
        attr("forward_to", [sink.exports.receiver]),
        block("clustering", { enabled: true }),
        block("rule", [attr("action", "keep")], { label: "unusual", comment: "a labeled block" }),
      ]),
    );
    expect(config.toString()).toContain(
      'prometheus.scrape "cache" {\n\ttargets    = prometheus.exporter.redis.cache.targets\n\tforward_to = [prometheus.remote_write.default.receiver]\n\n\tclustering {\n\t\tenabled = true\n\t}\n\n\t// a labeled block\n\trule "unusual" {\n\t\taction = "keep"\n\t}\n}',
    );
    expect(config.check()).toEqual([]);
  });

  it("turns a raw expression's unknown references into render errors", () => {
    const config = new AlloyConfig();
    config.add(
      prometheus.scrape("x", {
        targets: [],
        forwardTo: [expr.raw("prometheus.remote_write.missing.receiver")],
      }),
    );
    expect(config.check()).toMatchObject([
      {
        path: 'prometheus.scrape "x".forward_to',
        reference: "prometheus.remote_write.missing.receiver",
      },
    ]);
    expect(() => config.render()).toThrow(AlloyValueError);
    expect(() => config.render()).toThrow(
      'prometheus.scrape "x".forward_to: reference to a component that is not defined in config: prometheus.remote_write.missing.receiver',
    );
  });

  it("writes text that alloy fmt leaves unchanged", () => {
    const config = new AlloyConfig();
    const write = config.add(loki.write("default", { endpoint: [{ url: "http://loki/push" }] }));
    config.add(
      loki.process("p", {
        forwardTo: [write.exports.receiver],
        stages: [
          stage.cri(),
          stage.match({ selector: '{a="b"}', stages: [stage.json({ expressions: { x: "" } })] }),
        ],
      }),
    );
    const text = config.toString();
    expect(format(text)).toBe(text);
  });
});

describe("declare", () => {
  function setup() {
    const config = new AlloyConfig();
    const scrapeMaterialize = config.declare("materialize_scrape", {
      comment: "Scrapes the Materialize pods it is given.",
      arguments: {
        targets: { comment: "Targets to scrape" },
        forward_to: { comment: "Where metrics go" },
        scrape_interval: { optional: true, default: "30s" },
      },
      body(scope, args) {
        const keep = scope.add(
          discovery.relabel("environmentd", {
            targets: args.targets,
            rule: [
              {
                sourceLabels: ["__meta_kubernetes_pod_label_app"],
                regex: "environmentd",
                action: "keep",
              },
            ],
          }),
        );
        scope.add(
          prometheus.scrape("environmentd", {
            targets: keep.exports.output,
            forwardTo: args.forward_to,
            scrapeInterval: args.scrape_interval,
          }),
        );
        return { output: keep.exports.output };
      },
    });
    return { config, scrapeMaterialize };
  }

  it("writes arguments, the body and exports, and instances with typed exports", () => {
    const { config, scrapeMaterialize } = setup();
    const pods = config.add(discovery.kubernetes("pods", { role: "pod" }));
    const sink = config.add(prometheus.remoteWrite("default"));
    const instance = config.add(
      scrapeMaterialize.instance("production", {
        targets: pods.exports.targets,
        forward_to: [sink.exports.receiver],
      }),
    );
    expect(instance.exports.output.toString()).toBe("materialize_scrape.production.output");
    config.add(discovery.relabel("after", { targets: instance.exports.output }));
    expect(config.toString()).toMatchSnapshot();
    expect(config.check()).toEqual([]);
    expect(validateReferences(parse(config.toString()))).toEqual([]);
  });

  it("types instance arguments and exports", () => {
    const { config, scrapeMaterialize } = setup();
    // @ts-expect-error forward_to is required
    expect(() => scrapeMaterialize.instance("a", { targets: [] })).toThrow(
      "forward_to: missing required argument",
    );
    expect(() =>
      scrapeMaterialize.instance("b", {
        targets: [],
        forward_to: [],
        // @ts-expect-error there is no such argument
        interval: "1m",
      }),
    ).toThrow(".interval: unknown argument");
    const instance = config.add(scrapeMaterialize.instance("c", { targets: [], forward_to: [] }));
    // @ts-expect-error the declare exports output only
    expect(instance.exports.targets).toBeUndefined();
  });

  it("keeps arguments inside their declare body and bodies apart from the file", () => {
    const config = new AlloyConfig();
    const outside = config.add(prometheus.remoteWrite("outside"));
    expect(() =>
      config.declare("bad", {
        body(scope) {
          scope.add(prometheus.scrape("s", { targets: [], forwardTo: [outside.exports.receiver] }));
          return {};
        },
      }),
    ).toThrow(
      'prometheus.scrape "s": refers to prometheus.remote_write.outside.receiver, which belongs to a different config, not to this declare "bad"',
    );
    let leaked: ReturnType<typeof expr.raw> | undefined;
    config.declare("leaky", {
      arguments: { value: {} },
      body(_scope, args) {
        leaked = args.value;
        return {};
      },
    });
    expect(() =>
      config.add(prometheus.scrape("s2", { targets: leaked ?? [], forwardTo: [] })),
    ).toThrow("arguments can only be used inside their declare body");
  });

  it("refuses instances in another file", () => {
    const { scrapeMaterialize } = setup();
    const other = new AlloyConfig();
    expect(() =>
      other.add(scrapeMaterialize.instance("x", { targets: [], forward_to: [] })),
    ).toThrow("materialize_scrape is declared in another config");
  });
});

describe("expressions", () => {
  it("converts plain values", () => {
    const config = new AlloyConfig();
    config.add(
      component("test.values", "all", {
        text: 'a"b\nc',
        number: 1.5,
        negative: -2,
        big: 1e21,
        yes: true,
        nothing: null,
        list: ["a", 1],
        map: { simple: 1, "needs quotes": 2, __address__: "h:1" },
        skipped: undefined,
      }),
    );
    expect(config.toString()).toBe(
      'test.values "all" {\n\ttext     = "a\\"b\\nc"\n\tnumber   = 1.5\n\tnegative = -2\n\tbig      = 1e+21\n\tyes      = true\n\tnothing  = null\n\tlist     = ["a", 1]\n\tmap      = {\n\t\tsimple         = 1,\n\t\t"needs quotes" = 2,\n\t\t__address__    = "h:1",\n\t}\n}\n',
    );
    expect(() => toExpr(Number.NaN)).toThrow("NaN is not a finite number");
    expect(() => toExpr(new Date() as never)).toThrow("cannot convert an instance of Date");
  });

  it("builds standard library calls", () => {
    expect(sys.env("HOSTNAME").toString()).toBe('sys.env("HOSTNAME")');
    expect(constants.hostname.toString()).toBe("constants.hostname");
    expect(coalesce(sys.env("NODE"), constants.hostname).toString()).toBe(
      'coalesce(sys.env("NODE"), constants.hostname)',
    );
    expect(string.format("%s:%d", constants.hostname, 4317).toString()).toBe(
      'string.format("%s:%d", constants.hostname, 4317)',
    );
    expect(string.join(["a", "b"], ",").toString()).toBe('string.join(["a", "b"], ",")');
    expect(expr.concat("spec.nodeName=", sys.env("HOSTNAME")).toString()).toBe(
      '"spec.nodeName=" + sys.env("HOSTNAME")',
    );
    expect(expr.op(expr.op(1, "+", 2), "*", 3).toString()).toBe("(1 + 2) * 3");
    expect(expr.not(expr.op(1, "==", 2)).toString()).toBe("!(1 == 2)");
    expect(expr.call("encoding.from_json", "{}").toString()).toBe('encoding.from_json("{}")');
    expect(expr.field(expr.path("a.b"), "c").toString()).toBe("a.b.c");
    expect(() => expr.path("a-b.c")).toThrow("is not a dotted path of identifiers");
  });

  it("tracks references through composite expressions", () => {
    const config = new AlloyConfig();
    const a = config.add(discovery.kubernetes("a", { role: "pod" }));
    const b = config.add(discovery.kubernetes("b", { role: "service" }));
    const both = array.concat(a.exports.targets, b.exports.targets);
    expect(both.refs.map((r) => r.toString())).toEqual([
      "discovery.kubernetes.a.targets",
      "discovery.kubernetes.b.targets",
    ]);
    config.add(discovery.relabel("all", { targets: both }));
    expect(config.toString()).toContain(
      "\ttargets = array.concat(discovery.kubernetes.a.targets, discovery.kubernetes.b.targets)",
    );
    const other = new AlloyConfig();
    expect(() => other.add(discovery.relabel("all", { targets: both }))).toThrow(
      "belongs to a different config",
    );
  });
});
