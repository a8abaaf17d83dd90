import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { VENDORED_CRD_FILES, VENDORED_RELEASE } from "../src/generated/crds.js";
import { crdKinds, grafanaOperatorCrds, OPERATOR_VERSION, vendoredCrds } from "../src/index.js";

const packageDir = join(import.meta.dirname, "..");
const repositoryRoot = join(packageDir, "..", "..");
const vendorDir = join(packageDir, "vendor", VENDORED_RELEASE);
// CI clones the repository with shared/ beside it; a checkout without it skips the comparison.
const sharedDir = join(repositoryRoot, "..", "shared", "upstream", VENDORED_RELEASE);

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const full = join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out;
}

function parseYaml(file: string): unknown {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  if (!Array.isArray(documents)) throw new Error(`${file}: not a YAML stream`);
  return documents.map((d) => d.toJS()).filter((d) => d !== null && d !== undefined)[0];
}

describe("vendored grafana-operator release", () => {
  it("is the release the package deploys", () => {
    expect(VENDORED_RELEASE).toBe(`grafana-operator-${OPERATOR_VERSION}`);
    expect(existsSync(join(vendorDir, "LICENSE"))).toBe(true);
    expect(readFileSync(join(vendorDir, "LICENSE"), "utf8")).toContain("Apache License");
    expect(readFileSync(join(vendorDir, "SOURCE.md"), "utf8")).toContain("v5.24.0");
  });

  it.skipIf(!existsSync(sharedDir))(
    "is byte for byte the shared upstream copy (../shared/upstream)",
    () => {
      const shared = listFiles(sharedDir);
      const vendored = listFiles(vendorDir).filter((file) => file !== "SOURCE.md");
      expect(vendored).toEqual(shared);
      for (const file of shared) {
        const same = readFileSync(join(vendorDir, file)).equals(
          readFileSync(join(sharedDir, file)),
        );
        expect(same, `${file} differs from the shared copy`).toBe(true);
      }
    },
  );
});

describe("generated CRD module", () => {
  const crdFiles = listFiles(join(vendorDir, "crds"));

  it("holds every vendored CRD file, with its hash", () => {
    expect(VENDORED_CRD_FILES.map((entry) => entry.file)).toEqual(crdFiles);
    for (const entry of VENDORED_CRD_FILES) {
      const bytes = readFileSync(join(vendorDir, "crds", entry.file));
      expect(entry.sha256, entry.file).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });

  it("equals the vendored YAML, object for object", () => {
    const crds = vendoredCrds();
    for (const [index, entry] of VENDORED_CRD_FILES.entries()) {
      expect(crds[index], entry.file).toEqual(parseYaml(join(vendorDir, "crds", entry.file)));
    }
  });

  it("is what the generator writes now (scripts/generate-crds.mjs --check)", () => {
    const result = spawnSync(process.execPath, ["scripts/generate-crds.mjs", "--check"], {
      cwd: packageDir,
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("defines the kinds the builders produce", () => {
    expect(crdKinds()).toEqual(
      expect.arrayContaining([
        "Grafana",
        "GrafanaDatasource",
        "GrafanaFolder",
        "GrafanaDashboard",
        "GrafanaManifest",
      ]),
    );
  });

  it("renders the CRDs unchanged apart from our labels", () => {
    const rendered = grafanaOperatorCrds();
    const vendored = vendoredCrds();
    expect(rendered).toHaveLength(vendored.length);
    for (const [index, crd] of rendered.entries()) {
      const original = vendored[index]!;
      expect(crd.spec).toEqual(original.spec);
      expect(crd.metadata.name).toBe(original.metadata.name);
      expect(crd.metadata.annotations).toEqual(original.metadata.annotations);
      expect(crd.metadata.labels).toMatchObject({
        "app.kubernetes.io/name": "grafana-operator",
        "app.kubernetes.io/version": "v5.24.0",
      });
      expect(crd.metadata.labels).not.toHaveProperty("app.kubernetes.io/instance");
    }
    // Rendering does not alter the shared parsed copy.
    expect(vendored[0]!.metadata.labels).toBeUndefined();
  });
});
