import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import {
  assertUnique,
  CONFIG_CHECKSUM_ANNOTATION,
  configMap,
  container,
  defaultBuildContext,
  deployment,
  type KubeObject,
  namespace,
  objectMeta,
  podTemplate,
  resources,
  selectorLabels,
  service,
  serviceAccount,
  sortForApply,
  toJson,
  toYaml,
  toYamlStream,
  ValuesError,
  withConfigChecksums,
} from "../src/index.js";

const ctx = defaultBuildContext();
const res = resources.parse({ requests: { cpu: "10m", memory: "16Mi" } });

function app(configData: Record<string, string>): KubeObject[] {
  const selector = selectorLabels(ctx, { name: "app" });
  return [
    deployment({
      metadata: objectMeta(ctx, { name: "app" }),
      replicas: 1,
      selector,
      template: podTemplate(ctx, {
        labels: selector,
        containers: [
          container({ name: "app", image: "a:1", resources: res, probes: { none: "test" } }),
        ],
        volumes: [{ name: "config", configMap: { name: "app-config" } }],
      }),
    }),
    configMap(objectMeta(ctx, { name: "app", objectName: "app-config" }), configData),
    service({
      metadata: objectMeta(ctx, { name: "app" }),
      selector,
      ports: [{ name: "http", port: 80, targetPort: "http" }],
    }),
    serviceAccount(objectMeta(ctx, { name: "app" })),
    {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w", namespace: "monitoring" },
      spec: {},
    },
    {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {},
    },
    namespace("monitoring"),
  ];
}

describe("apply order", () => {
  it("puts namespaces, CRDs, RBAC, config, services, workloads, then custom resources", () => {
    const kinds = sortForApply(app({ a: "1" })).map((o) => o.kind);
    expect(kinds).toEqual([
      "Namespace",
      "CustomResourceDefinition",
      "ServiceAccount",
      "ConfigMap",
      "Service",
      "Deployment",
      "Widget",
    ]);
  });

  it("refuses two objects with the same identity", () => {
    const objects = app({});
    expect(() => assertUnique([...objects, objects[0] as KubeObject])).toThrow(ValuesError);
    expect(() => assertUnique(objects)).not.toThrow();
  });
});

describe("YAML 1.1 safety", () => {
  it("keeps strings that YAML 1.1 would turn into other types as strings", () => {
    const values = {
      a: "on",
      b: "yes",
      c: "0755",
      d: "off",
      e: "no",
      f: "y",
      g: "1e3",
      h: "~",
      i: "null",
      j: "12:30",
    };
    const text = toYaml(values);
    for (const [key, value] of Object.entries(values)) {
      expect(text).toContain(`${key}: "${value}"`);
    }
    expect(parse(text, { version: "1.1" })).toEqual(values);
  });

  it("never writes anchors or aliases for repeated objects", () => {
    const shared = { a: 1 };
    const text = toYaml({ x: shared, y: shared });
    expect(text).not.toMatch(/[&*]\w/);
  });

  it("renders a multi-document stream that parses back to the same objects", () => {
    const objects = app({ "config.yaml": "enabled: on\n" });
    const docs = parseAllDocuments(toYamlStream(objects)).map((d) => d.toJS());
    expect(docs).toHaveLength(objects.length);
    expect(docs).toEqual(sortForApply(objects).map((o) => JSON.parse(JSON.stringify(o))));
    expect(JSON.parse(toJson(objects)).items).toHaveLength(objects.length);
  });
});

describe("determinism and checksums", () => {
  it("renders byte-identical output twice", () => {
    expect(toYamlStream(withConfigChecksums(app({ a: "1" })))).toBe(
      toYamlStream(withConfigChecksums(app({ a: "1" }))),
    );
  });

  it("annotates pod templates with a checksum that follows the config", () => {
    const checksumOf = (objects: KubeObject[]) => {
      const d = withConfigChecksums(objects).find((o) => o.kind === "Deployment") as {
        spec: { template: { metadata: { annotations?: Record<string, string> } } };
      };
      return d.spec.template.metadata.annotations?.[CONFIG_CHECKSUM_ANNOTATION];
    };
    const first = checksumOf(app({ a: "1" }));
    expect(first).toMatch(/^[a-f0-9]{64}$/);
    expect(checksumOf(app({ a: "1" }))).toBe(first);
    expect(checksumOf(app({ a: "2" }))).not.toBe(first);
  });
});

describe("characters YAML readers treat as line breaks", () => {
  const hostile = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", namespace: "monitoring", labels: { a: "b" } },
    data: {
      "config.yaml": "key: one\u2028two\nnext: \u2029three\u0085four\n",
      plain: "x\u2028y",
      c1: "del\u007f c1\u009b bom\ufeff",
      fine: "no special characters\nat all\n",
    },
  } as KubeObject;

  it("are escaped inside double quotes and read back unchanged", () => {
    for (const text of [toYaml(hostile), toYamlStream([hostile])]) {
      expect(text).not.toMatch(/[\u0085\u2028\u2029\u007f-\u009f\ufeff]/);
      expect(text).toContain('"key: one\\Ltwo\\nnext: \\Pthree\\Nfour\\n"');
      expect(text).toContain('"del\\x7f c1\\x9b bom\\ufeff"');
      // Text without such characters keeps its block scalar.
      expect(text).toContain("fine: |\n");
      const [doc] = parseAllDocuments(text);
      expect(doc?.toJS()).toEqual(hostile);
    }
  });

  it("escape characters beyond the Basic Multilingual Plane, keys included", () => {
    const astral = { "team\u{1f680}": "on call \u{1f4df}", plain: "ascii" };
    const text = toYaml(astral);
    expect(text).not.toMatch(/[\u{10000}-\u{10ffff}]/u);
    expect(text).toBe('"team\\U0001f680": "on call \\U0001f4df"\nplain: ascii\n');
    expect(parseAllDocuments(text)[0]?.toJS()).toEqual(astral);
  });

  it("do not break the embedded config either (read back by a second parse)", () => {
    const outer = parseAllDocuments(toYamlStream([hostile]))[0]?.toJS() as {
      data: Record<string, string>;
    };
    expect(outer.data["config.yaml"]).toBe("key: one\u2028two\nnext: \u2029three\u0085four\n");
  });
});
