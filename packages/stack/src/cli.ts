#!/usr/bin/env node
import { mkdirSync } from "node:fs";
import { formatProblems, sortForApply, ValuesError } from "@materialize-monitoring/core";
import { formatObjectProblems, validateObjects } from "@materialize-monitoring/core/validate";
import { Command, CommanderError, Option } from "commander";
import { withArgoSyncWaves, writeHelmChart } from "./formats.js";
import { loadValues } from "./load-values.js";
import { type OutputFormat, renderStream, writeDirectory } from "./output.js";
import { valuesJsonSchema } from "./schema.js";
import { type Stack, stack } from "./stack.js";
import { VERSION } from "./version.js";

/** Exit codes: 0 ok, 1 invalid values or failed validation, 2 usage error, 3 internal error. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3 } as const;

class ValidationFailed extends Error {}
class UsageError extends Error {}

function withSyncWaves(built: Stack): Stack {
  const components = built.components.map((c) => ({ ...c, objects: withArgoSyncWaves(c.objects) }));
  return { ...built, components, objects: sortForApply(components.flatMap((c) => c.objects)) };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface ValuesOptions {
  values?: string[];
  set?: string[];
}

function valuesOptions(command: Command): Command {
  return command
    .option("-f, --values <file>", "values file (YAML); repeat to merge, later files win", collect)
    .option("--set <path=value>", "set one value (after all files); repeatable", collect);
}

function build(options: ValuesOptions) {
  return stack(loadValues({ files: options.values ?? [], sets: options.set ?? [] }));
}

export function program(io: { out: (s: string) => void; err: (s: string) => void }): Command {
  const cli = new Command("materialize-monitoring")
    .description("Render, validate and apply the observability stack for self-managed Materialize.")
    .version(VERSION, "-v, --version")
    .option("--debug", "show stack traces for internal errors")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  valuesOptions(
    cli
      .command("render")
      .description("render the stack's Kubernetes manifests")
      .addOption(
        new Option(
          "--format <format>",
          "yaml or json stream, or a Helm chart directory (needs --output DIR)",
        )
          .choices(["yaml", "json", "helm"])
          .default("yaml"),
      )
      .option(
        "-o, --output <dir>",
        "'-' for stdout, or a directory (one folder per component, kustomize-ready)",
        "-",
      )
      .option(
        "--argocd",
        "add Argo CD sync-wave annotations (CRDs and namespaces first, custom resources last)",
      ),
  ).action(
    (
      options: ValuesOptions & { format: OutputFormat | "helm"; output: string; argocd?: boolean },
    ) => {
      const rendered = build(options);
      const built = options.argocd ? withSyncWaves(rendered) : rendered;
      if (options.format === "helm") {
        if (options.output === "-")
          throw new UsageError("--format helm writes a chart directory: add --output DIR");
        const files = writeHelmChart(built, options.output, {
          version: VERSION,
          valuesSchema: valuesJsonSchema(),
        });
        io.err(`wrote a Helm chart (${files.length} files) to ${options.output}\n`);
        return;
      }
      if (options.output === "-") {
        io.out(renderStream(built, options.format));
        return;
      }
      mkdirSync(options.output, { recursive: true });
      const files = writeDirectory(built, options.output);
      io.err(`wrote ${files.length} files to ${options.output}\n`);
    },
  );

  valuesOptions(
    cli
      .command("validate")
      .description("render and run every validation layer; lists every problem"),
  ).action(async (options: ValuesOptions) => {
    const built = build(options);
    const problems = await validateObjects(built.objects, {
      skip: ["gateway.networking.k8s.io/v1/HTTPRoute"],
    });
    if (problems.length > 0) {
      io.err(`${formatObjectProblems(problems)}\n${problems.length} problem(s) found\n`);
      throw new ValidationFailed();
    }
    io.err(`ok: ${built.objects.length} objects valid\n`);
  });

  cli
    .command("schema")
    .description(
      "print the JSON Schema of the values (for editors: # yaml-language-server: $schema=...)",
    )
    .action(() => {
      io.out(`${JSON.stringify(valuesJsonSchema(), null, 2)}\n`);
    });

  return cli;
}

export async function main(
  argv: string[],
  io = {
    out: (s: string) => void process.stdout.write(s),
    err: (s: string) => void process.stderr.write(s),
  },
): Promise<number> {
  const cli = program(io);
  try {
    await cli.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.exitCode === 0
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof ValuesError) {
      io.err(`error: invalid values\n${formatProblems(error.problems)}\n`);
      return EXIT.invalid;
    }
    if (error instanceof ValidationFailed) return EXIT.invalid;
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    const debug = argv.includes("--debug");
    io.err(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (debug && error instanceof Error && error.stack) io.err(`${error.stack}\n`);
    else io.err("(run with --debug for details, and please report it)\n");
    return EXIT.internal;
  }
}

const invokedDirectly =
  process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "");
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
