import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import {
  type AlertingConfigInput,
  type AlertmanagerVersion,
  type BuiltAlertmanagerConfig,
  buildAlertmanagerConfig,
} from "../src/index.js";

const run = promisify(execFile);

/** Debian's `prometheus-alertmanager` package (0.25) ships both; override with env for other builds. */
export const AMTOOL = process.env.AMTOOL ?? "/usr/bin/amtool";
export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN ?? "/usr/bin/prometheus-alertmanager";

export function requireBinary(path: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: install the Debian package prometheus-alertmanager (apt-get install prometheus-alertmanager)`,
    );
  }
}

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Renders a config whose Secret and template paths live under `dir`, and
 * writes what the pod would mount there: a placeholder per Secret key (never
 * a real credential) and every template.
 */
export function renderToDir(
  dir: string,
  input: AlertingConfigInput,
  version: AlertmanagerVersion,
  options: { templateFiles?: Record<string, string>; secretContents?: Record<string, string> } = {},
): { built: BuiltAlertmanagerConfig; file: string } {
  const built = buildAlertmanagerConfig(input, {
    version,
    paths: { secretsDir: join(dir, "secrets"), templatesDir: join(dir, "templates") },
  });
  for (const secret of built.secretFiles) {
    mkdirSync(dirname(secret.path), { recursive: true });
    writeFileSync(
      secret.path,
      options.secretContents?.[`${secret.secret}/${secret.key}`] ?? "placeholder\n",
    );
  }
  for (const mount of built.templateConfigMaps) {
    mkdirSync(mount.dir, { recursive: true });
    for (const key of mount.keys ?? ["default.tmpl"]) {
      writeFileSync(
        join(mount.dir, key),
        options.templateFiles?.[key] ?? `{{ define "${mount.configMap}.${key}" }}ok{{ end }}\n`,
      );
    }
  }
  mkdirSync(built.inlineTemplates.dir, { recursive: true });
  for (const [name, content] of Object.entries(built.inlineTemplates.files)) {
    writeFileSync(join(built.inlineTemplates.dir, name), content);
  }
  const file = join(dir, "alertmanager.yml");
  writeFileSync(file, built.yaml);
  return { built, file };
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function amtool(args: string[]): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await run(AMTOOL, args, { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failure.code === "number" ? failure.code : 1,
      stdout: failure.stdout ?? "",
      stderr: failure.stderr ?? "",
    };
  }
}

/** `amtool check-config` on a config file. */
export async function checkConfig(file: string): Promise<ToolResult> {
  return amtool(["check-config", file]);
}

/** The receivers `amtool config routes test` resolves a label set to. */
export async function routesTest(file: string, labels: Record<string, string>): Promise<string> {
  const result = await amtool([
    "config",
    "routes",
    "test",
    `--config.file=${file}`,
    ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
  ]);
  if (result.code !== 0)
    throw new Error(`amtool config routes test failed: ${result.stderr}${result.stdout}`);
  return result.stdout.trim();
}
