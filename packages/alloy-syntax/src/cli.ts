#!/usr/bin/env node
/**
 * alloy-syntax: format or check Alloy configuration files.
 *
 *   alloy-syntax fmt FILE     print FILE formatted as `alloy fmt` formats it
 *   alloy-syntax check FILE   only check that FILE parses
 *
 * FILE may be `-` for standard input. Exit codes: 0 success, 1 syntax (or
 * read) error, reported as `FILE:LINE:COL: message` on stderr, 2 usage error.
 */
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatDiagnostic, parseWithDiagnostics } from "./parser.js";
import { print } from "./printer.js";

const USAGE = `Usage: alloy-syntax <command> FILE

Commands:
  fmt FILE     print FILE formatted exactly as \`alloy fmt\` formats it
  check FILE   check that FILE parses, print nothing

FILE may be - for standard input.
Exit status: 0 ok, 1 syntax or read error (FILE:LINE:COL: message on stderr), 2 usage error.
`;

interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Reads a file; `-` is standard input. */
  readonly readFile: (path: string) => Uint8Array;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export function main(argv: readonly string[], io: Io): number {
  if (argv.length === 1 && (argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help")) {
    io.stdout(USAGE);
    return 0;
  }
  const [command, path, ...rest] = argv;
  if (command === undefined) return usage(io, "missing command");
  if (command !== "fmt" && command !== "check")
    return usage(io, `unknown command ${JSON.stringify(command)}`);
  if (path === undefined) return usage(io, `${command} needs a FILE`);
  if (rest.length > 0) return usage(io, `unexpected argument ${JSON.stringify(rest[0])}`);

  const name = path === "-" ? "<stdin>" : path;
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(path);
  } catch (err) {
    io.stderr(
      `${name}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}\n`,
    );
    return 1;
  }
  const invalid = firstInvalidUtf8(bytes);
  if (invalid !== undefined) {
    const { line, column } = lineAndColumn(bytes, invalid);
    io.stderr(`${name}:${line}:${column}: illegal UTF-8 encoding\n`);
    return 1;
  }
  const source = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  const result = parseWithDiagnostics(source, { filename: name });
  if (result.diagnostics.length > 0) {
    for (const d of result.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    return 1;
  }
  if (command === "fmt") io.stdout(print(result.file));
  return 0;
}

function usage(io: Io, problem: string): number {
  io.stderr(`alloy-syntax: ${problem}\n\n${USAGE}`);
  return 2;
}

/** Byte offset of the first byte that is not part of valid UTF-8, if any. */
function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return undefined;
}

function lineAndColumn(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/** True when this module is the program being run (also through an npm bin symlink). */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: (path) => readFileSync(path === "-" ? 0 : path),
  });
}
