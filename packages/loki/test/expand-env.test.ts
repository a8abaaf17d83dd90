import { defaultBuildContext, toYaml } from "@materialize-monitoring/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { envsubstLiteral, type LokiValues, loki } from "../src/index.js";
import { configText, S3 } from "./helpers.js";
import { envsubstEval } from "./upstream-envsubst.js";

/** The pod's env when Loki expands its config: the S3 credentials and a hostname. */
const ENV = {
  HOSTNAME: "loki-write-0",
  AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "s3cr3t",
};

/** config.yaml as Loki 3.7 reads it: drone/envsubst over the text, then YAML. */
function expandedConfig(values: LokiValues, clusterName = "kubernetes") {
  const text = configText(loki(values, defaultBuildContext({ clusterName })));
  return parse(envsubstEval(text, ENV)) as {
    common: { storage: { object_store: { s3: Record<string, unknown> } } };
    ruler: { external_labels: Record<string, string> };
    limits_config: { retention_stream?: { selector: string }[] };
  };
}

const HOSTILE = [
  "prod-${HOSTNAME}",
  "${AWS_SECRET_ACCESS_KEY}",
  "$${HOSTNAME}",
  "a$b$$c$",
  "${",
  "${HOSTNAME",
  "}${}",
  "back\\slash \\\\ and \\/ slash \\",
  'quote " and \\" and \\n',
  "line\nbreak",
  "nel\u0085 ls\u2028",
];

describe("the port of drone/envsubst v1.0.3 (checked against the upstream source, not the binary)", () => {
  it("reproduces the escape cases of upstream's eval_test.go", () => {
    const env = { var01: "abcdEFGH28ij" };
    expect(envsubstEval("$${var01}", env)).toBe("${var01}");
    expect(envsubstEval("some text ${var01}$${var$${var01}$var01${var01}", env)).toBe(
      "some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij",
    );
  });

  it("expands ${NAME} (undefined: empty), never $NAME, and drops the backslash of \\\\ and \\/", () => {
    expect(envsubstEval("${HOSTNAME}-${UNSET}-$HOSTNAME", ENV)).toBe("loki-write-0--$HOSTNAME");
    expect(envsubstEval("a\\\\b\\/c\\d", ENV)).toBe("a\\b/c\\d");
    expect(() => envsubstEval("x ${HOSTNAME", ENV)).toThrow(/missing closing brace/);
  });
});

describe("envsubstLiteral (checked against the upstream source, not the binary)", () => {
  it.each(HOSTILE)("%j reads back unchanged after envsubst, as text and through YAML", (s) => {
    expect(envsubstEval(envsubstLiteral(s), ENV)).toBe(s);
    const yaml = toYaml({ [envsubstLiteral(s)]: envsubstLiteral(s) });
    expect(parse(envsubstEval(yaml, ENV))).toEqual({ [s]: s });
  });

  it("round-trips any text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("$", "{", "}", "\\", "/", "a", '"', "\n") }),
        (s) => {
          expect(envsubstEval(envsubstLiteral(s), ENV)).toBe(s);
        },
      ),
    );
  });
});

describe("Loki's config.yaml under -config.expand-env=true (checked against the upstream source, not the binary)", () => {
  it("user values read back as written; the storage credentials are expanded from the env", () => {
    const config = expandedConfig(
      {
        storage: S3,
        ruler: { externalLabels: { leak: "${AWS_SECRET_ACCESS_KEY}", team: "a$$\\b" } },
        limits: {
          retentionStreams: [{ selector: '{app=~"a\\\\.b$"}', priority: 1, period: "24h" }],
        },
      },
      "prod-${HOSTNAME}",
    );
    expect(config.ruler.external_labels).toEqual({
      cluster: "prod-${HOSTNAME}",
      leak: "${AWS_SECRET_ACCESS_KEY}",
      team: "a$$\\b",
    });
    expect(config.limits_config.retention_stream?.[0]?.selector).toBe('{app=~"a\\\\.b$"}');
    expect(config.common.storage.object_store.s3).toMatchObject({
      access_key_id: "AKIAEXAMPLE",
      secret_access_key: "s3cr3t",
    });
  });

  it("a ruler external label key must be a Prometheus label name ($ is refused, naming the key)", () => {
    expect(() =>
      loki(
        { storage: S3, ruler: { externalLabels: { team$$: "a" } } } as LokiValues,
        defaultBuildContext(),
      ),
    ).toThrow(/ruler\.externalLabels.*Prometheus label name/s);
  });

  it("the rule files, which Loki reads without expansion, are not escaped", () => {
    const component = loki(
      {
        storage: S3,
        ruler: {
          ruleFiles: {
            "logs.yaml": {
              groups: [
                {
                  name: "g",
                  rules: [
                    {
                      alert: "A",
                      expr: 'sum(rate({app="x"}[5m])) > 0',
                      annotations: { summary: "{{ $labels.pod }} in ${HOSTNAME}" },
                    },
                  ],
                },
              ],
            },
          },
        },
      },
      defaultBuildContext(),
    );
    expect(configText(component, "loki-rules", "logs.yaml")).toContain(
      "{{ $labels.pod }} in ${HOSTNAME}",
    );
  });
});
