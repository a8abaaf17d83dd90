import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { directoryBytes, installedPackages, lockfilePackageCount } from "../src/footprint.js";
import {
  findRepoRoot,
  publishable,
  type WorkspacePackage,
  workspaceClosure,
  workspacePackages,
} from "../src/workspace.js";

const tmp = mkdtempSync(join(tmpdir(), "bench-footprint-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

const manifest = (name: string, version = "1.0.0") => JSON.stringify({ name, version });

describe("installedPackages", () => {
  const root = join(tmp, "install");
  const nm = join(root, "node_modules");
  write(join(root, "package.json"), manifest("bench-install"));
  write(join(nm, ".package-lock.json"), "{}");
  write(join(nm, ".bin", "tool"), "#!/bin/sh\n");
  write(join(nm, "a", "package.json"), manifest("a"));
  // package.json files inside a package's own folders are not packages
  write(join(nm, "a", "dist", "esm", "package.json"), '{"type":"module"}');
  write(join(nm, "a", "node_modules", "b", "package.json"), manifest("b", "2.0.0"));
  write(join(nm, "@scope", "c", "package.json"), manifest("@scope/c"));
  write(join(nm, "@scope", "c", "node_modules", "b", "package.json"), manifest("b", "2.0.0"));
  write(join(nm, "b", "package.json"), manifest("b", "1.0.0"));
  write(join(nm, "no-manifest", "index.js"), "");
  write(join(tmp, "linked", "package.json"), manifest("linked"));
  write(join(tmp, "linked", "node_modules", "hidden", "package.json"), manifest("hidden"));
  symlinkSync(join(tmp, "linked"), join(nm, "linked"));

  it("counts each package directory once per path, nested copies included", () => {
    expect(installedPackages(root)).toEqual([
      { path: "node_modules/@scope/c", name: "@scope/c", version: "1.0.0" },
      { path: "node_modules/@scope/c/node_modules/b", name: "b", version: "2.0.0" },
      { path: "node_modules/a", name: "a", version: "1.0.0" },
      { path: "node_modules/a/node_modules/b", name: "b", version: "2.0.0" },
      { path: "node_modules/b", name: "b", version: "1.0.0" },
      { path: "node_modules/linked", name: "linked", version: "1.0.0" },
    ]);
  });

  it("finds nothing without node_modules", () => {
    expect(installedPackages(join(tmp, "nowhere"))).toEqual([]);
  });

  it("sums the sizes of regular files, not following symlinks", () => {
    const dir = join(tmp, "sizes");
    write(join(dir, "a.txt"), "12345");
    write(join(dir, "sub", "b.txt"), "123");
    symlinkSync(join(dir, "a.txt"), join(dir, "link.txt"));
    expect(directoryBytes(dir)).toBe(8);
    expect(directoryBytes(join(tmp, "missing"))).toBe(0);
  });
});

describe("lockfilePackageCount", () => {
  it("counts the node_modules entries of package-lock.json, not the root", () => {
    const lock = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        "": { name: "bench-install" },
        "node_modules/a": {},
        "node_modules/a/node_modules/b": {},
        "node_modules/@scope/c": {},
      },
    });
    expect(lockfilePackageCount(lock)).toBe(3);
    expect(lockfilePackageCount("{}")).toBe(0);
  });
});

describe("workspaceClosure", () => {
  const pkg = (name: string, dependencies: Record<string, string> = {}, peer = {}) => ({
    name,
    dependencies,
    optionalDependencies: {},
    peerDependencies: peer,
  });
  const packages = [
    pkg("core", { zod: "4.6.7" }),
    pkg("syntax"),
    pkg("materialize", { core: "workspace:*", syntax: "workspace:*", yaml: "2.9.1" }),
    pkg("umbrella", { materialize: "workspace:*", core: "workspace:*", commander: "14.0.3" }),
    pkg("plugin", {}, { umbrella: "workspace:*" }),
    pkg("loop-a", { "loop-b": "workspace:*" }),
    pkg("loop-b", { "loop-a": "workspace:*" }),
  ];

  it("collects workspace dependencies transitively, sorted, without third-party ones", () => {
    expect(workspaceClosure("core", packages)).toEqual([]);
    expect(workspaceClosure("materialize", packages)).toEqual(["core", "syntax"]);
    expect(workspaceClosure("umbrella", packages)).toEqual(["core", "materialize", "syntax"]);
  });

  it("follows peer dependencies and survives cycles", () => {
    expect(workspaceClosure("plugin", packages)).toEqual([
      "core",
      "materialize",
      "syntax",
      "umbrella",
    ]);
    expect(workspaceClosure("loop-a", packages)).toEqual(["loop-b"]);
  });

  it("rejects an unknown package and a workspace: range that names no workspace package", () => {
    expect(() => workspaceClosure("nope", packages)).toThrow("nope is not a workspace package");
    expect(() => workspaceClosure("x", [pkg("x", { gone: "workspace:*" })])).toThrow(
      "x depends on gone (workspace:*), which is not in the workspace",
    );
  });
});

describe("this workspace", () => {
  const root = findRepoRoot();
  const all = workspacePackages(root);
  const byName = new Map<string, WorkspacePackage>(all.map((p) => [p.name, p]));

  it("finds the repository root and the published packages under packages/", () => {
    expect(root).toBe(findRepoRoot(join(root, "tools", "bench", "src")));
    const names = publishable(all).map((p) => p.name);
    expect(names).toContain("materialize-monitoring");
    expect(names).toContain("@materialize-monitoring/core");
    expect(names).not.toContain("@materialize-monitoring/bench");
    expect(all.every((p) => p.relativeDir.startsWith("packages/"))).toBe(true);
  });

  it("installs the umbrella with its component packages and core", () => {
    const closure = workspaceClosure("materialize-monitoring", all);
    expect(closure).toContain("@materialize-monitoring/core");
    expect(closure).toContain("@materialize-monitoring/materialize");
    // materialize needs alloy-syntax, so the umbrella's install needs its tarball too
    if (
      byName.get("@materialize-monitoring/materialize")?.dependencies[
        "@materialize-monitoring/alloy-syntax"
      ]
    ) {
      expect(closure).toContain("@materialize-monitoring/alloy-syntax");
    }
    expect(workspaceClosure("@materialize-monitoring/core", all)).toEqual([]);
  });
});
