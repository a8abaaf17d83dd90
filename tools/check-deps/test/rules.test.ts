import { describe, expect, it } from "vitest";
import { checkManifests, type Manifest } from "../src/rules.ts";
import { workspaceManifests } from "../src/workspace.ts";

describe("dependency rules", () => {
  it("hold for the workspace as it is", () => {
    const manifests = workspaceManifests();
    expect(manifests.map((m) => m.name)).toContain("@materialize-monitoring/core");
    expect(checkManifests(manifests)).toEqual([]);
  });

  const core: Manifest = { name: "@materialize-monitoring/core", dependencies: { zod: "4.6.7" } };
  const loki: Manifest = {
    name: "@materialize-monitoring/loki",
    dependencies: { "@materialize-monitoring/core": "workspace:*" },
  };

  it("catches core depending on a workspace package", () => {
    const badCore: Manifest = {
      ...core,
      dependencies: { "@materialize-monitoring/loki": "workspace:*" },
    };
    expect(checkManifests([badCore, loki])).toEqual([
      "@materialize-monitoring/core: may not depend on @materialize-monitoring/loki (allowed: no workspace package)",
    ]);
  });

  it("catches a component package pulling in the Kubernetes client", () => {
    const heavy: Manifest = {
      ...loki,
      dependencies: { ...loki.dependencies, "@kubernetes/client-node": "1.4.0" },
    };
    expect(checkManifests([core, heavy])).toEqual([
      "@materialize-monitoring/loki: @kubernetes/client-node is reserved for the umbrella package",
    ]);
  });

  it("catches unpinned ranges and non-workspace links", () => {
    const loose: Manifest = {
      name: "@materialize-monitoring/loki",
      dependencies: { "@materialize-monitoring/core": "^0.1.0", yaml: "^2.9.1" },
    };
    expect(checkManifests([core, loose])).toEqual([
      '@materialize-monitoring/loki: @materialize-monitoring/core must be "workspace:*", not "^0.1.0"',
      "@materialize-monitoring/loki: yaml@^2.9.1 is not pinned to an exact version",
    ]);
  });

  it("lets the umbrella depend on everything", () => {
    const umbrella: Manifest = {
      name: "materialize-monitoring",
      dependencies: {
        "@materialize-monitoring/loki": "workspace:*",
        "@kubernetes/client-node": "1.4.0",
      },
    };
    expect(checkManifests([core, loki, umbrella])).toEqual([]);
  });

  it("asks for new packages to be added to the rules", () => {
    expect(checkManifests([{ name: "@materialize-monitoring/new-thing" }])).toEqual([
      "@materialize-monitoring/new-thing: not in the dependency rules; add it to ALLOWED_WORKSPACE_DEPS",
    ]);
  });
});
