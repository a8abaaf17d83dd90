import { describe, expect, it } from "vitest";
import type { KubeObject } from "../src/index.js";
import { type CustomResourceDefinition, validateObjects } from "../src/validate.js";

const deploymentWithoutContainerName: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "broken", namespace: "monitoring" },
  spec: {
    selector: { matchLabels: { app: "broken" } },
    template: {
      metadata: { labels: { app: "broken" } },
      spec: { containers: [{ image: "a:1" }] },
    },
  },
};

const widgetCrd: CustomResourceDefinition = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    names: { kind: "Widget" },
    versions: [
      {
        name: "v1",
        served: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["size"],
                properties: {
                  size: { type: "integer", minimum: 1 },
                  mode: { type: "string", enum: ["a", "b"] },
                },
                additionalProperties: false,
              },
            },
          },
        },
      },
    ],
  },
};

describe("validateObjects", () => {
  it("catches a Deployment whose container has no name, naming object and path", async () => {
    const problems = await validateObjects([deploymentWithoutContainerName]);
    expect(problems).toContainEqual({
      object: "Deployment/monitoring/broken",
      path: "/spec/template/spec/containers/0",
      message: "must have required property name",
    });
  });

  it("accepts a valid Service", async () => {
    const problems = await validateObjects([
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "ok", namespace: "monitoring" },
        spec: { ports: [{ name: "http", port: 80 }] },
      },
    ]);
    expect(problems).toEqual([]);
  });

  it("checks custom resources against their CRD schema and reports every problem", async () => {
    const widget = (spec: Record<string, unknown>): KubeObject => ({
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w", namespace: "monitoring" },
      spec,
    });
    expect(await validateObjects([widget({ size: 2, mode: "a" })], { crds: [widgetCrd] })).toEqual(
      [],
    );
    const problems = await validateObjects([widget({ size: 0, mode: "c", extra: true })], {
      crds: [widgetCrd],
    });
    expect(problems.map((p) => p.path).sort()).toEqual(["/spec", "/spec/mode", "/spec/size"]);
    expect(problems.find((p) => p.path === "/spec/mode")?.message).toContain("allowed: a, b");
    expect(problems.find((p) => p.path === "/spec")?.message).toContain("extra");
  });

  it("reports kinds it has no schema for instead of passing them silently", async () => {
    const problems = await validateObjects([
      { apiVersion: "unknown.example.com/v1", kind: "Thing", metadata: { name: "t" } },
    ]);
    expect(problems[0]?.message).toContain("no schema known");
    expect(
      await validateObjects(
        [{ apiVersion: "unknown.example.com/v1", kind: "Thing", metadata: { name: "t" } }],
        {
          skip: ["unknown.example.com/v1/Thing"],
        },
      ),
    ).toEqual([]);
  });
});

describe("the optional kubernetes-models peer", () => {
  it("names the package to install when it is missing", async () => {
    const { MISSING_MODELS_MESSAGE } = await import("../src/validate.js");
    expect(MISSING_MODELS_MESSAGE).toContain("npm install kubernetes-models@");
    const pkg = JSON.parse(
      (await import("node:fs")).readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    ) as { peerDependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(MISSING_MODELS_MESSAGE).toContain(
      `kubernetes-models@${pkg.peerDependencies["kubernetes-models"]}`,
    );
    expect(pkg.devDependencies["kubernetes-models"]).toBe(
      pkg.peerDependencies["kubernetes-models"],
    );
  });
});
