/**
 * `materialize-monitoring graph`: the stack's data flow as Mermaid, SVG or JSON.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type Command, Option } from "commander";
import { CommandExit } from "../apply/commands.js";
import type { Stack } from "../stack.js";
import { toMermaid } from "./mermaid.js";
import { stackGraph } from "./model.js";
import { toSvg } from "./svg.js";

export const GRAPH_FORMATS = ["mermaid", "svg", "json"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** The graph of a built stack in one format; the same stack gives byte-identical text. */
export function renderGraph(built: Stack, format: GraphFormat): string {
  const graph = stackGraph(built);
  if (format === "svg") return toSvg(graph);
  if (format === "json") return `${JSON.stringify(graph, null, 2)}\n`;
  return toMermaid(graph);
}

export interface GraphIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface GraphCommandOptions {
  /** Adds the values options (`-p`, `-f`, `--set`) to the command. */
  valuesOptions?: (command: Command) => Command;
}

/** The format a file name asks for, when --format is not given. */
function formatOfFile(file: string): GraphFormat | undefined {
  if (/\.svg$/i.test(file)) return "svg";
  if (/\.json$/i.test(file)) return "json";
  if (/\.(mmd|mermaid)$/i.test(file)) return "mermaid";
  return undefined;
}

const HELP_AFTER = `
The graph is built from the same wiring data \`validate\` checks the NetworkPolicies
against: every address written in a rendered config, resolved to the pods behind its
Service, plus the connections the stack declares. One node per Deployment, StatefulSet
or DaemonSet, grouped by component; disabled components are replaced by their external
endpoints. Arrows point from the client to the server and name what the connection is
for and the port it dials (e.g. "PromQL 10902", "alerts 9093"). Traffic among the
replicas of one workload (gossip, hashring) is listed in --format json only.

Examples:
  $ materialize-monitoring graph > stack.mmd
  $ materialize-monitoring graph --format svg --output stack.svg
  $ materialize-monitoring graph -p existing-grafana -o graph.json
`;

/**
 * Registers `graph` on the CLI. `build` turns the command's options (the
 * values options and `format`, `output`, `quiet`) into a built stack.
 */
export function registerGraphCommand<O>(
  cli: Command,
  io: GraphIO,
  build: (options: O) => Stack | Promise<Stack>,
  options: GraphCommandOptions = {},
): Command {
  const command = cli
    .command("graph")
    .description(
      "print the stack's data flow (components, ports and wired connections) as a Mermaid flowchart, an SVG image or JSON",
    )
    .addOption(
      new Option(
        "--format <format>",
        "mermaid (flowchart LR), svg, or json; default: from the --output extension (.svg, .json), else mermaid",
      ).choices(GRAPH_FORMATS),
    )
    .option("-o, --output <file>", "'-' for stdout, or a file to write", "-")
    .option("-q, --quiet", "print no confirmation when writing a file")
    .addHelpText("after", HELP_AFTER);
  (options.valuesOptions ?? ((c: Command) => c))(command).action(
    async (opts: { format?: GraphFormat; output: string; quiet?: boolean }) => {
      const format = opts.format ?? formatOfFile(opts.output) ?? "mermaid";
      const built = await build(opts as O);
      const text = renderGraph(built, format);
      if (opts.output === "-") {
        io.out(text);
        return;
      }
      try {
        mkdirSync(dirname(opts.output), { recursive: true });
        writeFileSync(opts.output, text);
      } catch (error) {
        io.err(
          `error: cannot write ${opts.output}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        throw new CommandExit(2);
      }
      if (!opts.quiet) io.err(`wrote the ${format} graph to ${opts.output}\n`);
    },
  );
  return command;
}
