import type { KubeObject } from "@materialize-monitoring/core";
import { type Command, InvalidArgumentError, Option } from "commander";
import { colorWanted } from "../color.js";
import { type ApplyResult, applyStack, DEFAULT_TIMEOUT_MS } from "./apply.js";
import { ApplySetError, createApplySet, defaultApplySetParent } from "./applyset.js";
import {
  type ClientOptions,
  createKubeClient,
  KubeApiError,
  type KubeConfigOptions,
  KubeConnectionError,
  loadKubeConfig,
} from "./client.js";
import { diffStack, formatDiffs, formatKept } from "./diff.js";
import { describeError } from "./errors.js";
import { createReporter, type Reporter, reporterMode } from "./progress.js";
import { createResourceApi, type ResourceApi } from "./resources.js";
import type { Clock } from "./retry.js";
import { type ObjectName, parseAdopt, parseDeletePvc } from "./safety.js";
import type { MissingSecretSpec } from "./secrets.js";
import { formatStatusTable, stackStatus } from "./status.js";
import { uninstallStack } from "./uninstall.js";

/**
 * Exit codes of the cluster commands, on top of the CLI's own (1 invalid
 * values, 2 usage, 3 internal):
 * - `diff`: 1 when at least one object would change (like `kubectl diff`);
 * - `status`: 1 when a rendered object is missing or not ready;
 * - 4: a cluster operation failed (conflict, rejected object, unreachable API
 *   server, ApplySet owned by another tool);
 * - 5: a wait timed out (CRD, rollout or deletion).
 */
export const CLUSTER_EXIT = { ok: 0, differs: 1, notReady: 1, failed: 4, timedOut: 5 } as const;

/** Ends a command with an exit code after its output is written. The CLI's main returns `code`. */
export class CommandExit extends Error {
  readonly code: number;
  constructor(code: number, message = `exit ${code}`) {
    super(message);
    this.name = "CommandExit";
    this.code = code;
  }
}

export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stdout is a terminal (live progress, colours). Defaults to process.stdout.isTTY. */
  isTTY?: boolean;
  /** Colours in diffs and tables; defaults to a terminal without NO_COLOR. */
  color?: boolean;
}

/** What the cluster commands need from a render. */
export interface StackForCluster {
  objects: readonly KubeObject[];
  /** The stack's namespace: the ApplySet parent Secret lives here. */
  namespace: string;
  /** `global.instance`: names the ApplySet, so two installs in one cluster stay apart. */
  instance: string;
  /** Secrets the values reference, for --create-missing-secrets. */
  secrets?: readonly MissingSecretSpec[];
}

/** Builds the stack from a command's options (`values`, `set`, and whatever `valuesOptions` adds). */
export type LoadStack = (
  options: Record<string, unknown>,
) => StackForCluster | Promise<StackForCluster>;

export interface RegisterOptions {
  /** Adds the values options to a command; defaults to `-f/--values` and `--set`. */
  valuesOptions?: (command: Command) => Command;
  /** Retry and timing settings of the HTTP client (tests make them instant). */
  client?: ClientOptions;
  /** Time for waits (tests inject a fake clock). */
  clock?: Clock;
  /** Pause between polls while waiting. */
  intervalMs?: number;
  /** Replaces kubeconfig loading, e.g. to reuse one client. */
  connect?: (
    options: KubeConfigOptions,
    clientOptions: ClientOptions,
  ) => ResourceApi | Promise<ResourceApi>;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A repeatable option whose values are parsed (and refused as usage errors) one by one. */
function repeatable<T>(parse: (text: string) => T) {
  return (value: string, previous: T[] = []): T[] => {
    try {
      return [...previous, parse(value)];
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}

function adoptOption(command: Command, what: string): Command {
  return command.addOption(
    new Option(
      "--adopt <kind/namespace/name>",
      `${what} an existing object that was not created by this install (no ApplySet label); KIND/NAME for cluster-scoped kinds; repeatable`,
    ).argParser(repeatable(parseAdopt)),
  );
}

function deletePvcOption(command: Command, what: string): Command {
  return command.addOption(
    new Option(
      "--delete-pvc <namespace/name>",
      `${what} this PersistentVolumeClaim (and its data); without it every PVC is kept; repeatable`,
    ).argParser(repeatable(parseDeletePvc)),
  );
}

function defaultValuesOptions(command: Command): Command {
  return command
    .option("-f, --values <file>", "values file (YAML); repeat to merge, later files win", collect)
    .option("--set <path=value>", "set one value (after all files); repeatable", collect);
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `90s`, `5m`, `1h30m`, or a bare number of seconds, in milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== trimmed) {
    throw new InvalidArgumentError("expected a duration such as 90s, 5m or 1h30m");
  }
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNITS[p[2] ?? "s"] ?? 0), 0));
}

function clusterOptions(command: Command): Command {
  return command
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    .option("--context <name>", "kubeconfig context to use (default: its current context)");
}

function outputOptions(command: Command): Command {
  return command
    .addOption(new Option("--json", "machine-readable output on stdout").conflicts("quiet"))
    .option("-q, --quiet", "print only errors, warnings and kept objects");
}

function waitOptions(command: Command, what: string): Command {
  return command
    .option("--no-wait", `do not wait for ${what}`)
    .addOption(
      new Option("--timeout <duration>", "how long all waits together may take (e.g. 90s, 5m, 1h)")
        .argParser(parseDuration)
        .default(DEFAULT_TIMEOUT_MS, "5m"),
    );
}

function dryRunOption(command: Command): Command {
  return command.addOption(
    new Option(
      "--dry-run <mode>",
      "'server': send every change with dryRun=All, so the API server validates it but persists nothing",
    ).choices(["none", "server"]),
  );
}

interface CommonFlags {
  adopt?: ObjectName[];
  deletePvc?: string[];
  kubeconfig?: string;
  context?: string;
  json?: boolean;
  quiet?: boolean;
  dryRun?: "none" | "server";
  wait?: boolean;
  timeout?: number;
}

const EXIT_HELP = `
Exit codes: 0 done, 1 invalid values, 2 usage error, 3 internal error,
            4 a cluster operation failed, 5 a wait timed out.`;

/**
 * Adds `apply`, `diff`, `status` and `uninstall` to the CLI. Each command
 * renders the stack with `loadStack`, talks to the cluster of the kubeconfig,
 * and ends with a `CommandExit` for any code but 0 (the CLI's main must
 * return `error.code` for it).
 */
export function registerApplyCommands(
  cli: Command,
  io: CommandIO,
  loadStack: LoadStack,
  options: RegisterOptions = {},
): Command {
  const valuesOptions = options.valuesOptions ?? defaultValuesOptions;
  const isTTY = io.isTTY ?? Boolean(process.stdout.isTTY);
  const color = io.color ?? colorWanted(process.env, isTTY);

  const connect = async (flags: CommonFlags, reporter?: Reporter): Promise<ResourceApi> => {
    const clientOptions: ClientOptions = {
      ...options.client,
      onRetry: (info) => {
        options.client?.onRetry?.(info);
        reporter?.emit({
          type: "warning",
          message: `${info.request.method} ${info.request.path} failed (${describeError(info.error)}); retry ${info.attempt} in ${info.delayMs} ms`,
        });
      },
    };
    const kubeConfigOptions: KubeConfigOptions = {
      ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
      ...(flags.context ? { context: flags.context } : {}),
    };
    if (options.connect) return options.connect(kubeConfigOptions, clientOptions);
    return createResourceApi(
      createKubeClient(await loadKubeConfig(kubeConfigOptions), clientOptions),
    );
  };

  const reporterFor = (flags: CommonFlags) =>
    createReporter({ mode: reporterMode({ ...flags, isTTY }), out: io.out, err: io.err });

  /** Cluster errors end the command with exit 4 and one readable line; anything else is the CLI's. */
  const clusterErrors = async <T>(reporter: Reporter | undefined, run: () => Promise<T>) => {
    try {
      return await run();
    } catch (error) {
      if (
        error instanceof KubeConnectionError ||
        error instanceof KubeApiError ||
        error instanceof ApplySetError
      ) {
        const message = describeError(error);
        if (reporter) reporter.emit({ type: "error", message });
        else io.err(`error: ${message}\n`);
        throw new CommandExit(CLUSTER_EXIT.failed, message);
      }
      throw error;
    } finally {
      reporter?.close();
    }
  };

  const applySetOf = (stack: StackForCluster) =>
    createApplySet(defaultApplySetParent(stack.instance, stack.namespace));

  const timing = () => ({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
  });

  const exitFor = (result: Pick<ApplyResult, "ok" | "timedOut">) => {
    if (result.ok) return;
    throw new CommandExit(result.timedOut ? CLUSTER_EXIT.timedOut : CLUSTER_EXIT.failed);
  };

  // apply
  const apply = outputOptions(
    waitOptions(
      dryRunOption(
        clusterOptions(
          valuesOptions(
            cli
              .command("apply")
              .description(
                "apply the stack with server-side apply: CRDs first, then everything in order, then wait for rollouts",
              ),
          ),
        ),
      ),
      "rollouts",
    ),
  )
    .option("--force-conflicts", "take over fields that other field managers own (force=true)")
    .option("--prune", "delete objects this install applied before that are no longer rendered")
    .option(
      "--prune-crds",
      "with --prune: also delete CRDs no longer rendered (and all their resources)",
    );
  adoptOption(apply, "take over");
  deletePvcOption(apply, "with --prune: delete");
  apply
    .option(
      "--create-missing-secrets",
      "create Secrets the values reference but the cluster lacks, with random values (never printed)",
    )
    .addHelpText(
      "after",
      `
Every object is sent as a server-side apply (field manager "materialize-monitoring")
and labelled applyset.kubernetes.io/part-of=<id>; the ApplySet parent is the Secret
<instance>-applyset in the stack's namespace. --prune deletes only objects with that
label. Namespaces are never pruned.

Nothing is adopted silently: an existing object without the label is refused
(a conflict, exit 4) unless --adopt names it. An existing Namespace is used, never
owned: it is applied without the label, so prune and uninstall never delete it.
PersistentVolumeClaims (data) are pruned only when --delete-pvc names them; the PVCs
of StatefulSets (volumeClaimTemplates) are never deleted. Kept objects are printed on
stderr with the flag that would delete them.
${EXIT_HELP}

Examples:
  mzmon apply -f values.yaml --dry-run=server
  mzmon apply -f values.yaml --prune --timeout 10m
  mzmon apply -f values.yaml --adopt ConfigMap/monitoring/loki-config
  mzmon apply -f values.yaml --prune --delete-pvc monitoring/grafana`,
    )
    .action(async (flags: CommonFlags & Record<string, unknown>, command: Command) => {
      if (flags.deletePvc?.length && !flags.prune)
        command.error("error: --delete-pvc only has an effect with --prune", { exitCode: 2 });
      const stack = await loadStack(flags);
      const reporter = reporterFor(flags);
      const result = await clusterErrors(reporter, async () =>
        applyStack(await connect(flags, reporter), {
          objects: stack.objects,
          applySet: applySetOf(stack),
          dryRun: flags.dryRun === "server",
          forceConflicts: Boolean(flags.forceConflicts),
          adopt: flags.adopt ?? [],
          prune: Boolean(flags.prune),
          pruneCrds: Boolean(flags.pruneCrds),
          deletePvcs: flags.deletePvc ?? [],
          wait: flags.wait !== false,
          timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS,
          ...(flags.createMissingSecrets ? { missingSecrets: stack.secrets ?? [] } : {}),
          reporter,
          ...timing(),
        }),
      );
      exitFor(result);
    });

  // diff
  const diff = clusterOptions(
    valuesOptions(
      cli
        .command("diff")
        .description(
          "show what apply would change, from a server-side dry run against the live objects",
        ),
    ),
  )
    .option("--prune", "also show objects apply --prune would delete")
    .option("--prune-crds", "with --prune: include CRDs")
    .option("--force-conflicts", "compare as if --force-conflicts were given to apply");
  adoptOption(diff, "compare as if apply --adopt took over");
  deletePvcOption(diff, "with --prune: compare as if apply --delete-pvc deleted");
  diff
    .option("--json", "print the result as JSON instead of a diff")
    .addHelpText(
      "after",
      `
Prints a unified diff per changed object (live -> rendered). Secret values are masked.
An existing object apply would refuse (not created by this install; see --adopt) is
an error. With --prune, the objects apply --prune would keep (CRDs, namespaces,
PersistentVolumeClaims not named by --delete-pvc, StatefulSet PVCs) are printed on
stderr with the flag that would delete them.
Exit codes: 0 no differences, 1 differences found (like kubectl diff),
            4 the comparison failed (e.g. a field-manager conflict).`,
    )
    .action(async (flags: CommonFlags & Record<string, unknown>, command: Command) => {
      if (flags.deletePvc?.length && !flags.prune)
        command.error("error: --delete-pvc only has an effect with --prune", { exitCode: 2 });
      const stack = await loadStack(flags);
      const result = await clusterErrors(undefined, async () =>
        diffStack(await connect(flags), {
          objects: stack.objects,
          applySet: applySetOf(stack),
          forceConflicts: Boolean(flags.forceConflicts),
          adopt: flags.adopt ?? [],
          prune: Boolean(flags.prune),
          pruneCrds: Boolean(flags.pruneCrds),
          deletePvcs: flags.deletePvc ?? [],
        }),
      );
      if (flags.json) {
        io.out(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        io.out(formatDiffs(result, { color }));
        for (const warning of result.warnings) io.err(`warning: ${warning}\n`);
        io.err(formatKept(result));
        for (const entry of result.diffs.filter((d) => d.change === "error")) {
          io.err(
            `error: ${entry.ref.kind} ${entry.ref.namespace ? `${entry.ref.namespace}/` : ""}${entry.ref.name}: ${entry.message}\n`,
          );
        }
      }
      if (result.errors > 0) throw new CommandExit(CLUSTER_EXIT.failed);
      if (result.changed > 0) throw new CommandExit(CLUSTER_EXIT.differs);
    });

  // status
  clusterOptions(
    valuesOptions(
      cli
        .command("status")
        .description(
          "for every rendered object: does it exist, is it ready, is it owned by this install",
        ),
    ),
  )
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `
Ready means: workloads rolled out (as kubectl rollout status), CRDs established,
objects with a Ready condition Ready, anything else existing.
Exit codes: 0 everything exists and is ready, 1 something is missing or not ready,
            4 the cluster could not be read.`,
    )
    .action(async (flags: CommonFlags & Record<string, unknown>) => {
      const stack = await loadStack(flags);
      const result = await clusterErrors(undefined, async () =>
        stackStatus(await connect(flags), { objects: stack.objects, applySet: applySetOf(stack) }),
      );
      io.out(
        flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatStatusTable(result, { color }),
      );
      if (!result.ok) throw new CommandExit(CLUSTER_EXIT.notReady);
    });

  // uninstall
  const uninstall = outputOptions(
    waitOptions(
      dryRunOption(
        clusterOptions(
          valuesOptions(
            cli
              .command("uninstall")
              .description(
                "delete everything this install applied: custom resources first, workloads before their config",
              ),
          ),
        ),
      ),
      "the deletions to finish",
    ),
  )
    .option(
      "--include-crds",
      "also delete the CRDs this install applied (and every resource of their kinds)",
    )
    .option(
      "--include-namespaces",
      "also delete the namespaces this install created, each only if nothing else is left in it",
    );
  deletePvcOption(uninstall, "also delete");
  uninstall
    .addHelpText(
      "after",
      `
Only objects labelled with this install's ApplySet are deleted. Kept, each printed on
stderr with the reason and the flag that would delete it:
  - PersistentVolumeClaims of this install (data), unless --delete-pvc NAMESPACE/NAME
    names them; PVCs of StatefulSets (volumeClaimTemplates) always;
  - namespaces that existed before the install (used, never owned), always;
  - namespaces this install created, unless --include-namespaces, and even then when
    anything would be left in them (objects of others, kept PVCs, generated Secrets);
  - Secrets created by --create-missing-secrets (label
    materialize-monitoring.dev/generated-secret=true).
${EXIT_HELP}

Examples:
  mzmon uninstall -f values.yaml --dry-run=server
  mzmon uninstall -f values.yaml --include-namespaces --delete-pvc monitoring/grafana`,
    )
    .action(async (flags: CommonFlags & Record<string, unknown>) => {
      const stack = await loadStack(flags);
      const reporter = reporterFor(flags);
      const result = await clusterErrors(reporter, async () =>
        uninstallStack(await connect(flags, reporter), {
          objects: stack.objects,
          applySet: applySetOf(stack),
          includeCrds: Boolean(flags.includeCrds),
          includeNamespaces: Boolean(flags.includeNamespaces),
          deletePvcs: flags.deletePvc ?? [],
          dryRun: flags.dryRun === "server",
          wait: flags.wait !== false,
          timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS,
          reporter,
          ...timing(),
        }),
      );
      exitFor(result);
    });

  return cli;
}
