#!/usr/bin/env node
import { formatProblems, sortForApply, ValuesError } from "@materialize-monitoring/core";
import { Argument, Command, CommanderError, Option } from "commander";
import { CommandExit, registerApplyCommands } from "./apply/commands.js";
import { colorWanted } from "./color.js";
import { completionScript, SHELLS, type Shell } from "./completion.js";
import { EXPORT_KINDS, ExportError, type ExportKind, exportFiles } from "./export.js";
import { withArgoSyncWaves } from "./formats.js";
import { registerGraphCommand } from "./graph/command.js";
import { helmChartFiles, renderCommand } from "./helm-chart.js";
import { loadValues, type SetArgument, type SetKind } from "./load-values.js";
import { directoryFiles, type OutputFormat, renderStream } from "./output.js";
import { OutputFolderError, writeOwnedFolder } from "./owned-folder.js";
import { PROFILE_NAMES, PROFILES, type ProfileName, profileNotices } from "./profiles.js";
import { valuesJsonSchema } from "./schema.js";
import { missingSecretSpecs, requiredSecretLines } from "./secrets.js";
import { valuesYaml } from "./show-values.js";
import { defaultedValues, type Stack, stack } from "./stack.js";
import { internalTlsLine, internalTlsReport, validateStack } from "./validate.js";
import { VERSION } from "./version.js";

/** Exit codes: 0 ok, 1 invalid values or failed validation, 2 usage error, 3 internal error. */
export { colorWanted };

export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3 } as const;

class ValidationFailed extends Error {}
class UsageError extends Error {}

export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY?: boolean;
  /** Colours in terminal output: on for a terminal unless NO_COLOR is set; `--no-color` turns them off. */
  color?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A `--set*` argument with its place on the command line: the forms apply in the order given. */
interface OrderedSet extends SetArgument {
  order: number;
}

let setOrder = 0;
function collectSet(kind: SetKind) {
  return (text: string, previous: OrderedSet[] = []): OrderedSet[] => [
    ...previous,
    { kind, text, order: setOrder++ },
  ];
}

interface ValuesOptions {
  values?: string[];
  set?: OrderedSet[];
  setString?: OrderedSet[];
  setFile?: OrderedSet[];
  setJson?: OrderedSet[];
  namespace?: string;
  profile?: string[];
  quiet?: boolean;
}

function valuesOptions(command: Command): Command {
  return command
    .option(
      "-p, --profile <name>",
      `apply a profile first; repeatable, in order (${PROFILE_NAMES.join(", ")})`,
      collect,
    )
    .option(
      "-f, --values <file>",
      "values file (YAML or JSON; '-' reads stdin); repeat to merge, later files win",
      collect,
    )
    .option(
      "--set <path=value>",
      "set values after all files: a.b=1,c={x,y}; \\, and \\. escape; null unsets; repeatable",
      collectSet("set"),
    )
    .option(
      "--set-string <path=value>",
      "like --set, but every value is a string",
      collectSet("set-string"),
    )
    .option(
      "--set-file <path=file>",
      "like --set, the value read from a file",
      collectSet("set-file"),
    )
    .option(
      "--set-json <path=json>",
      "like --set, the value written as JSON",
      collectSet("set-json"),
    )
    .option("-n, --namespace <name>", "the stack's namespace (global.namespace), set last");
}

/** Every `--set*` of the options in command-line order, then `--namespace`. */
function setArguments(options: ValuesOptions): SetArgument[] {
  const all = [
    ...(options.set ?? []),
    ...(options.setString ?? []),
    ...(options.setFile ?? []),
    ...(options.setJson ?? []),
  ].sort((a, b) => a.order - b.order);
  const sets: SetArgument[] = all.map(({ kind, text }) => ({ kind, text }));
  if (options.namespace !== undefined)
    sets.push({
      kind: "set-string",
      text: `global.namespace=${options.namespace.replace(/[\\,]/g, "\\$&")}`,
    });
  return sets;
}

function profileValues(names: readonly string[]) {
  return names.map((name) => {
    if (!(name in PROFILES)) {
      throw new UsageError(`unknown profile "${name}" (profiles: ${PROFILE_NAMES.join(", ")})`);
    }
    return structuredClone(PROFILES[name as ProfileName].values) as Record<string, unknown>;
  });
}

function loadOptions(options: ValuesOptions) {
  return loadValues({
    profiles: profileValues(options.profile ?? []),
    files: options.values ?? [],
    sets: setArguments(options),
  });
}

/** The stack of the options, with a notice for each profile example value still in place. */
function build(options: ValuesOptions): Stack {
  const values = loadOptions(options);
  const built = stack(values);
  const examples = profileNotices(options.profile ?? [], values);
  return examples.length > 0 ? { ...built, notices: [...examples, ...built.notices] } : built;
}

function withSyncWaves(built: Stack): Stack {
  const components = built.components.map((c) => ({ ...c, objects: withArgoSyncWaves(c.objects) }));
  return { ...built, components, objects: sortForApply(components.flatMap((c) => c.objects)) };
}

export function program(io: CliIO): Command {
  const notify = (built: Stack, quiet?: boolean) => {
    if (quiet) return;
    for (const notice of built.notices) io.err(`notice: ${notice}\n`);
    for (const line of requiredSecretLines(built.objects)) io.err(`notice: ${line}\n`);
  };

  const cli = new Command("materialize-monitoring")
    .description("Render, validate and apply the observability stack for self-managed Materialize.")
    .version(VERSION, "-v, --version")
    .option("--debug", "show stack traces for internal errors")
    .option("--no-color", "no colours in output (also when NO_COLOR is set, or not a terminal)")
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
        "'-' for stdout, or a folder the tool owns (one folder per component, kustomize-ready; a re-render removes the files it no longer writes)",
        "-",
      )
      .option(
        "--force",
        "write into a non-empty folder materialize-monitoring did not write, and overwrite or remove files edited since it wrote them (files it did not write are never removed)",
      )
      .option(
        "--argocd",
        "add Argo CD sync-wave annotations (CRDs and namespaces first, custom resources last)",
      )
      .option("-q, --quiet", "print no notices"),
  ).action(
    (
      options: ValuesOptions & {
        format: OutputFormat | "helm";
        output: string;
        force?: boolean;
        argocd?: boolean;
      },
    ) => {
      if (options.format === "helm" && options.output === "-")
        throw new UsageError("--format helm writes a chart directory: add --output DIR");
      const rendered = build(options);
      notify(rendered, options.quiet);
      const built = options.argocd ? withSyncWaves(rendered) : rendered;
      if (options.output === "-") {
        io.out(renderStream(built, options.format as OutputFormat));
        return;
      }
      const helm = options.format === "helm";
      const files = helm
        ? helmChartFiles(built, {
            version: VERSION,
            command: renderCommand({
              profiles: options.profile ?? [],
              files: options.values ?? [],
              sets: setArguments({ ...options, namespace: undefined }),
              namespace: options.namespace,
              argocd: Boolean(options.argocd),
              output: options.output,
            }),
            chartDir: options.output,
          })
        : directoryFiles(built);
      let result: ReturnType<typeof writeOwnedFolder>;
      try {
        result = writeOwnedFolder(options.output, files, {
          version: VERSION,
          format: helm ? "helm" : "kustomize",
          force: options.force,
        });
      } catch (error) {
        if (error instanceof OutputFolderError) throw new UsageError(error.message);
        throw error;
      }
      if (options.quiet) return;
      const what = helm ? "a Helm chart" : "a kustomize folder";
      const stale = result.removed.length;
      io.err(
        `wrote ${what} (${result.written.length} files) to ${options.output}, removed ${stale} stale file${stale === 1 ? "" : "s"}\n`,
      );
    },
  );

  valuesOptions(
    cli
      .command("validate")
      .description(
        "render and run every validation layer (Kubernetes and CRD schemas, service graph, NetworkPolicies, Pod Security and credential policies); lists every problem",
      )
      .option("--json", "print the problems as JSON on stdout")
      .option("-q, --quiet", "print nothing when valid"),
  ).action(async (options: ValuesOptions & { json?: boolean }) => {
    const built = build(options);
    notify(built, options.quiet || options.json);
    const tls = internalTlsReport(built);
    const problems = await validateStack(built, tls);
    if (!options.json && !options.quiet && tls.connections.length > 0) {
      const covered = tls.connections.length - tls.plain.length;
      io.err(
        `notice: internal TLS: ${covered} of ${tls.connections.length} connections are TLS on both ends; ${tls.plain.length} plain text on both ends, not covered yet:\n`,
      );
      for (const c of tls.plain) io.err(`notice:   ${internalTlsLine(c)}\n`);
    }
    if (options.json)
      io.out(
        `${JSON.stringify(
          {
            objects: built.objects.length,
            problems,
            ...(tls.connections.length > 0
              ? { internalTls: { connections: tls.connections } }
              : {}),
          },
          null,
          2,
        )}\n`,
      );
    if (problems.length > 0) {
      if (!options.json) {
        for (const p of problems) io.err(`${p.layer}: ${p.message}\n`);
        io.err(`${problems.length} problem(s) found\n`);
      }
      throw new ValidationFailed();
    }
    if (!options.json && !options.quiet) io.err(`ok: ${built.objects.length} objects valid\n`);
  });

  valuesOptions(
    cli
      .command("values")
      .description(
        "print the fully defaulted values of the chosen profiles, files and --set, each field with its description and default (like helm show values)",
      ),
  ).action((options: ValuesOptions) => {
    const values = defaultedValues(loadOptions(options));
    const profiles = options.profile?.length ? options.profile.join(", ") : "none";
    io.out(
      valuesYaml(values, valuesJsonSchema(), [
        `Values of materialize-monitoring ${VERSION}, every default filled in (profiles: ${profiles}).`,
        "Each field's description and default is above it; pass this file back with -f to change it.",
        "Not shown: what the umbrella wires between components (addresses, scrape jobs, datasources, built-in rules).",
      ]),
    );
  });

  cli
    .command("schema")
    .description(
      "print the JSON Schema of the values (for editors: # yaml-language-server: $schema=...)",
    )
    .action(() => {
      io.out(`${JSON.stringify(valuesJsonSchema(), null, 2)}\n`);
    });

  cli
    .command("profiles")
    .description("list the profiles `--profile` accepts")
    .option("--json", "as JSON")
    .action((options: { json?: boolean }) => {
      if (options.json) {
        io.out(`${JSON.stringify(PROFILES, null, 2)}\n`);
        return;
      }
      const width = Math.max(...PROFILE_NAMES.map((n) => n.length));
      for (const name of PROFILE_NAMES)
        io.out(`${name.padEnd(width)}  ${PROFILES[name].description}\n`);
    });

  valuesOptions(
    cli
      .command("export")
      .description(
        "write the Materialize rules, dashboards and scrape targets for a Prometheus and Grafana you run: Prometheus rule files, dashboard JSON, scrape_configs or PodMonitors",
      )
      .addArgument(new Argument("<artifact>", "what to write").choices(EXPORT_KINDS))
      .option(
        "-o, --output <dir>",
        "'-' for stdout (one file: every rule group, every PodMonitor, or one --uid dashboard), or a folder the tool owns (one file per rule group, dashboard or PodMonitor; a re-export removes the files it no longer writes)",
        "-",
      )
      .option(
        "--force",
        "write into a non-empty folder materialize-monitoring did not write, and overwrite or remove files edited since it wrote them",
      )
      .option("--uid <uid>", "only this dashboard (export dashboards); repeatable", collect)
      .option("-q, --quiet", "print no notices")
      .addHelpText(
        "after",
        `
Examples:
  $ mzmon export rules -f values.yaml > materialize.rules.yaml
  $ mzmon export rules -f values.yaml -o prometheus/rules
  $ mzmon export dashboards -o grafana/dashboards
  $ mzmon export dashboards --uid mz-overview > mz-overview.json
  $ mzmon export scrape-config --set-string materialize.scrape.prometheusVersion=3.1 > mz-scrape.yaml
  $ mzmon export podmonitors --set-string global.commonLabels.release=kube-prometheus-stack -o podmonitors`,
      ),
  ).action(
    (
      kind: ExportKind,
      options: ValuesOptions & { output: string; force?: boolean; uid?: string[] },
    ) => {
      if (options.uid && kind !== "dashboards")
        throw new UsageError(`--uid picks dashboards; export ${kind} takes no --uid`);
      const values = loadOptions(options);
      if (!options.quiet)
        for (const notice of profileNotices(options.profile ?? [], values))
          io.err(`notice: ${notice}\n`);
      const toStdout = options.output === "-";
      let files: ReturnType<typeof exportFiles>;
      try {
        files = exportFiles(kind, values, {
          split: !toStdout,
          ...(options.uid ? { uids: options.uid } : {}),
        });
      } catch (error) {
        if (error instanceof ExportError) throw new UsageError(error.message);
        throw error;
      }
      if (toStdout) {
        const [only] = files;
        if (!only || files.length > 1)
          throw new UsageError(
            `export ${kind} writes ${files.length} files: add --output DIR, or pick one with --uid`,
          );
        io.out(only.content);
        return;
      }
      let result: ReturnType<typeof writeOwnedFolder>;
      try {
        result = writeOwnedFolder(
          options.output,
          files.map((f) => ({ path: f.path, text: f.content })),
          { version: VERSION, format: "export", force: options.force },
        );
      } catch (error) {
        if (error instanceof OutputFolderError) throw new UsageError(error.message);
        throw error;
      }
      if (options.quiet) return;
      const stale = result.removed.length;
      io.err(
        `wrote ${kind} (${result.written.length} file${result.written.length === 1 ? "" : "s"}) to ${options.output}, removed ${stale} stale file${stale === 1 ? "" : "s"}\n`,
      );
    },
  );

  registerApplyCommands(
    cli,
    io,
    (options) => {
      const built = build(options as ValuesOptions);
      notify(built, Boolean(options.quiet) || Boolean(options.json));
      return {
        objects: built.objects,
        namespace: built.context.namespace,
        instance: built.context.instance,
        secrets: missingSecretSpecs(built),
      };
    },
    { valuesOptions },
  );
  registerGraphCommand(cli, io, build, { valuesOptions });

  cli
    .command("completion")
    .description("print a shell completion script (bash, zsh or fish)")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .addHelpText(
      "after",
      `
Load it for this shell:   source <(mzmon completion bash)     (zsh: the same with zsh)
                          mzmon completion fish | source
Or save it where your shell loads completions, e.g.
  mzmon completion bash > ~/.local/share/bash-completion/completions/mzmon`,
    )
    .action((shell: Shell) => {
      io.out(completionScript(cli, shell));
    });

  return cli;
}

const defaultIO: CliIO = {
  out: (s) => void process.stdout.write(s),
  err: (s) => void process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  color: colorWanted(process.env, Boolean(process.stdout.isTTY)),
};

export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const noColor = argv.includes("--no-color");
  const cli = program(noColor ? { ...io, color: false } : io);
  if (argv.length === 0) {
    // No command is a request for help, as with helm and kubectl: stdout, exit 0.
    cli.outputHelp();
    return EXIT.ok;
  }
  try {
    await cli.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.exitCode === 0
      ) {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    if (error instanceof CommandExit) return error.code;
    if (error instanceof ValuesError) {
      io.err(`error: invalid values\n${formatProblems(error.problems)}\n`);
      return EXIT.invalid;
    }
    if (error instanceof ValidationFailed) return EXIT.invalid;
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    io.err(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (argv.includes("--debug") && error instanceof Error && error.stack)
      io.err(`${error.stack}\n`);
    else io.err("(run with --debug for details, and please report it)\n");
    return EXIT.internal;
  }
}

const invokedDirectly =
  process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "");
if (invokedDirectly) {
  // `render | head`: the reader closed the pipe; stop quietly instead of printing a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
  }
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
