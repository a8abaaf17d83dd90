import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeDirectory } from "../src/output.js";
import { MANIFEST_NAME } from "../src/owned-folder.js";
import { stack } from "../src/stack.js";
import { runCli as run } from "./run-cli.js";
import { describeWithK8sTools, runTool } from "./support/k8s-tools.js";
import {
  GRAFANA_OFF,
  identity,
  objectsOf,
  snapshot,
  streamObjects,
  temp,
} from "./support/rendered.js";

function folders(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

interface Manifest {
  generator: string;
  version: string;
  format: string;
  files: { path: string; sha256: string }[];
}

const manifestOf = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, MANIFEST_NAME), "utf8"));

function stale(err: string): number {
  const match = /removed (\d+) stale files?/.exec(err);
  if (!match) throw new Error(`no stale count in: ${err}`);
  return Number(match[1]);
}

describe("render -o: a folder the tool owns", () => {
  it("records every file it wrote with its sha256, the version and the format, in sorted order", async () => {
    const dir = join(temp("owned"), "out");
    const { code, err } = await run(["render", "-o", dir]);
    expect(code).toBe(0);
    const manifest = manifestOf(dir);
    expect(manifest).toMatchObject({ generator: "materialize-monitoring", format: "kustomize" });
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+/);
    const files = snapshot(dir, { symlinks: true });
    files.delete(MANIFEST_NAME);
    expect(manifest.files.map((f) => f.path)).toEqual([...files.keys()]);
    for (const { path, sha256 } of manifest.files)
      expect(
        createHash("sha256")
          .update(files.get(path) ?? "")
          .digest("hex"),
      ).toBe(sha256);
    expect(err).toContain(`wrote a kustomize folder (${files.size} files) to ${dir}`);
    expect(stale(err)).toBe(0);
  });

  it("re-renders without stale files: disabling Grafana leaves what a fresh render writes", async () => {
    const dir = temp("rerender");
    expect((await run(["render", "-q", "-o", dir])).code).toBe(0);
    const before = manifestOf(dir).files.map((f) => f.path);
    expect(before.some((p) => p.startsWith("grafana/"))).toBe(true);
    const again = await run(["render", "-o", dir, ...GRAFANA_OFF]);
    expect(again.code).toBe(0);
    const fresh = temp("fresh");
    expect((await run(["render", "-q", "-o", fresh, ...GRAFANA_OFF])).code).toBe(0);

    expect(snapshot(dir, { symlinks: true })).toEqual(snapshot(fresh, { symlinks: true }));
    expect(folders(dir)).toEqual(folders(fresh));
    expect(existsSync(join(dir, "grafana"))).toBe(false);
    const after = manifestOf(dir).files.map((f) => f.path);
    expect(
      [...snapshot(dir, { symlinks: true }).keys()].filter((p) => p !== MANIFEST_NAME),
    ).toEqual(after);
    const removed = before.filter((p) => !after.includes(p));
    expect(removed.length).toBeGreaterThan(0);
    expect(stale(again.err)).toBe(removed.length);
  });

  it("re-renders -p dev over a default folder: one file per object, a kustomization per folder, the manifest", async () => {
    const dir = temp("dev");
    expect((await run(["render", "-q", "-o", dir])).code).toBe(0);
    expect((await run(["render", "-q", "-p", "dev", "-o", dir])).code).toBe(0);
    const objects = await streamObjects(["-p", "dev"]);
    const files = [...snapshot(dir, { symlinks: true }).keys()];
    const groups = folders(dir);
    expect(files.filter((f) => f.endsWith("/kustomization.yaml")).length).toBe(groups.length);
    expect(files.length).toBe(objects.length + groups.length + 1 + 1);
    // Each object file holds exactly one object, and together they are the stream.
    const fromFiles = files
      .filter((f) => f.includes("/") && !f.endsWith("/kustomization.yaml"))
      .flatMap((f) => objectsOf(readFileSync(join(dir, f), "utf8")));
    expect(fromFiles.map(identity).sort()).toEqual(objects.map(identity));
  });

  it("is byte-identical across renders and folders, the manifest included", async () => {
    const [a, b] = [temp("same-a"), temp("same-b")];
    expect((await run(["render", "-q", "-o", a])).code).toBe(0);
    const first = snapshot(a, { symlinks: true });
    const second = await run(["render", "-o", a]);
    expect(second.code).toBe(0);
    expect(stale(second.err)).toBe(0);
    expect(snapshot(a, { symlinks: true })).toEqual(first);
    expect((await run(["render", "-q", "-o", b])).code).toBe(0);
    expect(snapshot(b, { symlinks: true })).toEqual(first);
  });

  it("refuses a non-empty folder it did not write unless --force, and never removes a file it did not write", async () => {
    const dir = temp("foreign");
    writeFileSync(join(dir, "notes.txt"), "mine\n");
    const refused = await run(["render", "-q", "-o", dir]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain("is not empty");
    expect(refused.err).toContain("--force");
    expect([...snapshot(dir, { symlinks: true }).keys()]).toEqual(["notes.txt"]);

    expect((await run(["render", "-q", "--force", "-o", dir])).code).toBe(0);
    mkdirSync(join(dir, "grafana"), { recursive: true });
    writeFileSync(join(dir, "grafana", "extra.yaml"), "kind: Mine\n");
    // Grafana off removes the Grafana files the tool wrote, even with --force never the others.
    expect((await run(["render", "-q", "--force", "-o", dir, ...GRAFANA_OFF])).code).toBe(0);
    expect(readFileSync(join(dir, "notes.txt"), "utf8")).toBe("mine\n");
    expect(readdirSync(join(dir, "grafana"))).toEqual(["extra.yaml"]);
    expect(manifestOf(dir).files.map((f) => f.path)).not.toContain("notes.txt");
  });

  it("refuses to overwrite a file it did not write, naming it, unless --force", async () => {
    const dir = temp("collide");
    expect((await run(["render", "-q", "-o", dir, ...GRAFANA_OFF])).code).toBe(0);
    const rendered = temp("collide-ref");
    expect((await run(["render", "-q", "-o", rendered])).code).toBe(0);
    const grafanaFile = [...snapshot(rendered, { symlinks: true }).keys()].find((p) =>
      p.startsWith("grafana/"),
    );
    if (!grafanaFile) throw new Error("no Grafana file rendered");
    mkdirSync(join(dir, "grafana"));
    writeFileSync(join(dir, grafanaFile), "kind: Mine\n");
    const refused = await run(["render", "-q", "-o", dir]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(grafanaFile);
    expect(refused.err).toContain("not written by materialize-monitoring");
    expect(readFileSync(join(dir, grafanaFile), "utf8")).toBe("kind: Mine\n");
    expect((await run(["render", "-q", "--force", "-o", dir])).code).toBe(0);
    expect(snapshot(dir, { symlinks: true })).toEqual(snapshot(rendered, { symlinks: true }));
  });

  it("keeps a file edited since it wrote it, naming it, unless --force", async () => {
    const dir = temp("edited");
    expect((await run(["render", "-q", "-o", dir])).code).toBe(0);
    const edited = manifestOf(dir).files.find((f) => f.path.startsWith("grafana/"))?.path;
    if (!edited) throw new Error("no Grafana file rendered");
    writeFileSync(join(dir, edited), `${readFileSync(join(dir, edited), "utf8")}# my change\n`);
    const before = snapshot(dir, { symlinks: true });

    const removal = await run(["render", "-q", "-o", dir, ...GRAFANA_OFF]);
    expect(removal.code).toBe(2);
    expect(removal.err).toContain(edited);
    expect(removal.err).toContain("--force");
    expect(snapshot(dir, { symlinks: true })).toEqual(before);
    const overwrite = await run(["render", "-q", "-o", dir]);
    expect(overwrite.code).toBe(2);
    expect(overwrite.err).toContain(edited);
    expect(snapshot(dir, { symlinks: true })).toEqual(before);

    expect((await run(["render", "-q", "--force", "-o", dir, ...GRAFANA_OFF])).code).toBe(0);
    expect(existsSync(join(dir, edited))).toBe(false);
  });

  it("takes -o naming a file, or a path under one, as a usage error and writes nothing", async () => {
    const root = temp("file");
    const file = join(root, "taken");
    writeFileSync(file, "x\n");
    for (const format of ["yaml", "helm"]) {
      const onFile = await run(["render", "-q", "--format", format, "-o", file]);
      expect(onFile).toMatchObject({ code: 2, out: "" });
      expect(onFile.err).toBe(
        `error: --output ${file} is a file, not a folder: name a folder (it is created if missing), or '-' for stdout\n`,
      );
      const under = await run(["render", "-q", "--format", format, "-o", join(file, "sub")]);
      expect(under.code).toBe(2);
      expect(under.err).toContain(`which is a file, not a folder`);
      expect(under.err).not.toContain("internal error");
    }
    expect(readFileSync(file, "utf8")).toBe("x\n");
    expect(readdirSync(root)).toEqual(["taken"]);
  });

  it("never deletes outside the folder, whatever its manifest lists", async () => {
    const root = temp("hostile");
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "keep me\n");
    const hash = createHash("sha256").update("keep me\n").digest("hex");
    const outside = join(root, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "victim.txt"), "keep me\n");
    const cases: [string, string][] = [
      ["../victim.txt", "not a plain path inside the folder"],
      ["a/../../victim.txt", "not a plain path inside the folder"],
      [victim, "an absolute path"],
      ["link/victim.txt", "is a symbolic link"],
    ];
    for (const [listed, message] of cases) {
      const dir = mkdtempSync(join(root, "out-"));
      symlinkSync(outside, join(dir, "link"));
      const manifest = {
        generator: "materialize-monitoring",
        version: "0.0.0",
        format: "kustomize",
        files: [{ path: listed, sha256: hash }],
      };
      writeFileSync(join(dir, MANIFEST_NAME), JSON.stringify(manifest));
      for (const force of [[], ["--force"]]) {
        const result = await run(["render", "-q", ...force, "-o", dir]);
        expect(result.code).toBe(2);
        expect(result.err).toContain(message);
        expect(result.err).not.toContain("internal error");
      }
      expect(readdirSync(dir).sort()).toEqual([MANIFEST_NAME, "link"]);
    }
    const broken = mkdtempSync(join(root, "out-"));
    writeFileSync(join(broken, MANIFEST_NAME), "{ not json");
    const result = await run(["render", "-q", "-o", broken]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("it is not JSON");
    expect(readFileSync(victim, "utf8")).toBe("keep me\n");
    expect(readFileSync(join(outside, "victim.txt"), "utf8")).toBe("keep me\n");
  });

  it("writes the same folder through the library's writeDirectory", async () => {
    const [lib, cli] = [temp("lib"), temp("lib-cli")];
    const written = writeDirectory(stack(), lib);
    expect((await run(["render", "-q", "-o", cli])).code).toBe(0);
    expect(written).toEqual(manifestOf(cli).files.map((f) => f.path));
    expect(snapshot(lib, { symlinks: true })).toEqual(snapshot(cli, { symlinks: true }));
  });
});

describeWithK8sTools("render -o with real kubectl kustomize", (tools) => {
  it("builds the stream render's objects from a re-rendered folder", async () => {
    const dir = temp("kustomize");
    expect((await run(["render", "-q", "-o", dir])).code).toBe(0);
    expect((await run(["render", "-q", "-o", dir, ...GRAFANA_OFF])).code).toBe(0);
    const built = runTool(tools, tools.kubectl, ["kustomize", dir]);
    expect(built.err).toBe("");
    expect(built.code).toBe(0);
    const fromFolder = objectsOf(built.out);
    const stream = await streamObjects(GRAFANA_OFF);
    expect(fromFolder.map(identity)).toEqual(stream.map(identity));
    expect(fromFolder).toEqual(stream);
    expect(fromFolder.some((o) => o.kind === "Deployment" && o.metadata.name === "grafana")).toBe(
      false,
    );
    // The default render has Grafana: the comparison above is not vacuous.
    expect(
      (await streamObjects([])).some(
        (o) => o.kind === "Deployment" && o.metadata.name === "grafana",
      ),
    ).toBe(true);
  });
});
