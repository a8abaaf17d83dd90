import { main } from "../src/cli.js";

/** An IO that keeps what a command writes, for tests. */
export function capturedIO() {
  const text = { out: "", err: "" };
  const io = {
    out: (s: string) => {
      text.out += s;
    },
    err: (s: string) => {
      text.err += s;
    },
  };
  return { io, text };
}

/** Runs the CLI in-process, as `mzmon <args>` would, and returns its exit code and output. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { io, text } = capturedIO();
  const code = await main(args, io);
  return { code, ...text };
}
