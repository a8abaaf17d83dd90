import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, validateReferences } from "../src/index.js";

function problems(source: string, options = {}) {
  return validateReferences(parse(source), options).map((p) =>
    p.hint ? `${p.path}: ${p.message} (${p.hint})` : `${p.path}: ${p.message}`,
  );
}

describe("validateReferences", () => {
  it("accepts references to components, the standard library and declare arguments", () => {
    const source = `
discovery.kubernetes "pods" {
  role = "pod"
  selectors {
    role  = "pod"
    field = "spec.nodeName=" + coalesce(sys.env("HOSTNAME"), constants.hostname)
  }
}

declare "scrape" {
  argument "targets" { }
  argument "forward_to" { }

  prometheus.scrape "inner" {
    targets    = argument.targets.value
    forward_to = argument.forward_to.value
  }

  export "count" {
    value = array.concat(argument.targets.value, [])
  }
}

prometheus.remote_write "default" { }

scrape "pods" {
  targets    = discovery.kubernetes.pods.targets
  forward_to = [prometheus.remote_write.default.receiver]
}

remote.kubernetes.secret "creds" {
  namespace = "m"
  name      = "s"
}

loki.write "default" {
  endpoint {
    url       = "http://loki/push"
    tenant_id = convert.nonsensitive(remote.kubernetes.secret.creds.data["tenant"])
  }
}

import.file "math" {
  filename = "/etc/alloy/math.alloy"
}

math.add "sum" {
  a = 1
  b = scrape.pods.count
}
`;
    expect(problems(source)).toEqual([]);
  });

  it("reports undefined components, unknown exports and undeclared arguments", () => {
    const source = `
prometheus.remote_write "default" { }

prometheus.scrape "a" {
  targets    = discovery.kubernetes.pods.targets
  forward_to = [prometheus.remote_write.defualt.receiver, prometheus.remote_write.default.recevier]
}

declare "d" {
  argument "known" { }

  prometheus.scrape "inner" {
    targets    = argument.unknown.value
    forward_to = [prometheus.remote_write.default.receiver]
  }

  export "out" {
    value = argument.known.value
  }
}

d "x" { known = 1 }

loki.process "p" {
  forward_to = [d.x.output]
  stage.static_labels {
    values = { a = nope }
  }
}
`;
    expect(problems(source)).toEqual([
      'prometheus.scrape "a".targets: reference to a component that is not defined in config: discovery.kubernetes.pods.targets (add the component to the same file or declare body)',
      'prometheus.scrape "a".forward_to: reference to a component that is not defined in config: prometheus.remote_write.defualt.receiver (did you mean prometheus.remote_write.default?)',
      'prometheus.scrape "a".forward_to: prometheus.remote_write.default has no export "recevier" (did you mean receiver?)',
      'declare "d".prometheus.scrape "inner".targets: argument unknown is not declared in declare "d" (declared: known)',
      'declare "d".prometheus.scrape "inner".forward_to: reference to a component that is not defined in declare "d": prometheus.remote_write.default.receiver (add the component to the same file or declare body)',
      'loki.process "p".forward_to: d.x has no export "output" (exports: out)',
      'loki.process "p".stage.static_labels.values: unknown identifier "nope" in config (add the component to the same file or declare body)',
    ]);
  });

  it("reports where a reference is, for parsed files", () => {
    const [problem] = validateReferences(parse("a = missing.component.x.y\n"));
    expect(problem?.pos).toEqual({ offset: 4, line: 1, column: 5 });
  });

  it("knows more exports when told", () => {
    const source = 'prometheus.exporter.redis "r" { }\nx = prometheus.exporter.redis.r.target\n';
    expect(problems(source)).toEqual([]);
    expect(problems(source, { exports: { "prometheus.exporter.redis": ["targets"] } })).toEqual([
      'x: prometheus.exporter.redis.r has no export "target" (did you mean targets?)',
    ]);
  });

  it("finds nothing wrong in the consistent fixtures", () => {
    for (const name of ["formatted-gateway.alloy", "helm-style-logs.alloy"]) {
      const source = readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
      expect(validateReferences(parse(source)), name).toEqual([]);
    }
  });
});
