import type { KubeObject } from "@materialize-monitoring/core";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { CommandExit, parseDuration, registerApplyCommands } from "../../src/apply/commands.js";
import { FakeApiServer, fakeClock } from "./fake-api.js";
import { dataOf, INSTANCE, NS, stackObjects, writeLog } from "./helpers.js";

interface Run {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs a command the way the CLI's main does: commander with exitOverride,
 * CommandExit mapped to its code, CommanderError to 2.
 */
async function run(
  server: FakeApiServer,
  args: string[],
  options: { objects?: KubeObject[]; isTTY?: boolean; color?: boolean; secrets?: boolean } = {},
): Promise<Run & { loaded: Record<string, unknown>[] }> {
  let out = "";
  let err = "";
  const loaded: Record<string, unknown>[] = [];
  const io = {
    out: (s: string) => {
      out += s;
    },
    err: (s: string) => {
      err += s;
    },
    isTTY: options.isTTY ?? false,
    ...(options.color === undefined ? {} : { color: options.color }),
  };
  const cli = new Command("mzmon")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const clock = fakeClock();
  registerApplyCommands(
    cli,
    io,
    (flags) => {
      loaded.push(flags);
      return {
        objects: options.objects ?? stackObjects(),
        namespace: NS,
        instance: INSTANCE,
        secrets: [
          { namespace: NS, name: "grafana-admin", keys: ["admin-password"], generate: "password" },
        ],
      };
    },
    { client: { clock, retry: { jitter: 0 } }, clock, intervalMs: 10 },
  );
  const kubeconfig = server.writeKubeconfig();
  try {
    await cli.parseAsync([...args, "--kubeconfig", kubeconfig], { from: "user" });
    return { code: 0, out, err, loaded };
  } catch (error) {
    if (error instanceof CommandExit) return { code: error.code, out, err, loaded };
    if (error instanceof CommanderError)
      return { code: error.exitCode === 0 ? 0 : 2, out, err, loaded };
    throw error;
  }
}

async function server() {
  const s = await new FakeApiServer().start();
  return s;
}

describe("cli: apply", () => {
  it("applies with plain progress lines and exits 0", async () => {
    const s = await server();
    try {
      const { code, out, err, loaded } = await run(s, [
        "apply",
        "-f",
        "values.yaml",
        "--set",
        "a.b=1",
      ]);
      expect(code).toBe(0);
      expect(err).toBe("");
      expect(loaded[0]).toMatchObject({ values: ["values.yaml"], set: ["a.b=1"] });
      expect(out).toContain("Namespace monitoring created\n");
      expect(out).toContain(
        "Deployment monitoring/grafana-operator ready: rolled out (1 available)\n",
      );
      expect(out).toContain("apply finished: 13 created\n");
      expect(out).not.toContain("\x1b[");
    } finally {
      await s.stop();
    }
  });

  it("--json prints one JSON event per line", async () => {
    const s = await server();
    try {
      const { code, out } = await run(s, ["apply", "--json"]);
      expect(code).toBe(0);
      const events = out
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(events[0]).toEqual({ type: "phase", phase: "setup", message: "Namespaces and CRDs" });
      expect(events).toContainEqual({
        type: "object",
        action: "created",
        apiVersion: "v1",
        kind: "Namespace",
        name: NS,
      });
      expect(events.at(-1)).toMatchObject({ type: "summary", ok: true, counts: { created: 13 } });
    } finally {
      await s.stop();
    }
  });

  it("--quiet prints nothing on success", async () => {
    const s = await server();
    try {
      expect(await run(s, ["apply", "--quiet"])).toMatchObject({ code: 0, out: "", err: "" });
    } finally {
      await s.stop();
    }
  });

  it("on a terminal rewrites waiting lines in place and uses colours", async () => {
    const s = await server();
    try {
      const { out } = await run(s, ["apply"], { isTTY: true });
      expect(out).toContain("\x1b[36mwaiting\x1b[0m: 0 of 3 pods ready\n");
      expect(out).toContain("A\x1b[J");
      expect(out).toContain("\x1b[32mcreated\x1b[0m");
    } finally {
      await s.stop();
    }
  });

  it("--dry-run=server changes nothing; --prune and --force-conflicts reach the requests", async () => {
    const s = await server();
    try {
      expect((await run(s, ["apply", "--dry-run=server"])).code).toBe(0);
      expect(s.store.size).toBe(0);
      await run(s, ["apply"]);
      s.requests.length = 0;
      const smaller = stackObjects().filter((o) => o.kind !== "ConfigMap");
      const { code } = await run(s, ["apply", "--prune", "--force-conflicts"], {
        objects: smaller,
      });
      expect(code).toBe(0);
      expect(writeLog(s).filter((w) => w.startsWith("DELETE"))).toEqual([
        "DELETE configmaps/loki-config",
      ]);
      expect(
        s.requests
          .filter((r) => r.method === "PATCH" && !r.path.includes("applyset"))
          .every((r) => r.query.force === "true"),
      ).toBe(true);
    } finally {
      await s.stop();
    }
  });

  it("exits 4 with a readable conflict, and 5 when a wait times out", async () => {
    const s = await server();
    try {
      s.conflicts.set("/ConfigMap/monitoring/loki-config", [{ manager: "helm", field: ".data" }]);
      const conflict = await run(s, ["apply"]);
      expect(conflict.code).toBe(4);
      expect(conflict.out).toContain(
        'ConfigMap monitoring/loki-config conflict: 1 field is managed by another field manager: .data (managed by "helm" using v1)',
      );
      s.conflicts.clear();
      const slow = new FakeApiServer({ rolloutAfterPolls: 1_000_000 });
      await slow.start();
      try {
        const timedOut = await run(slow, ["apply", "--timeout", "1s"]);
        expect(timedOut.code).toBe(5);
        expect(timedOut.out).toContain("StatefulSet monitoring/loki timed-out: 0 of 3 pods ready");
      } finally {
        await slow.stop();
      }
    } finally {
      await s.stop();
    }
  });

  it("--create-missing-secrets creates the referenced Secret and prints its name and key only", async () => {
    const s = await server();
    try {
      const { code, out } = await run(s, ["apply", "--create-missing-secrets"]);
      expect(code).toBe(0);
      expect(out).toContain(
        "Secret monitoring/grafana-admin created: generated password for admin-password (values not shown)",
      );
      const value = Buffer.from(
        dataOf(s.get("v1", "Secret", NS, "grafana-admin"))["admin-password"] ?? "",
        "base64",
      ).toString();
      expect(value).toHaveLength(32);
      expect(out).not.toContain(value);
      // Without the flag nothing is created.
      const other = await server();
      try {
        await run(other, ["apply"]);
        expect(other.get("v1", "Secret", NS, "grafana-admin")).toBeUndefined();
      } finally {
        await other.stop();
      }
    } finally {
      await s.stop();
    }
  });

  it("exits 4 when the API server cannot be reached", async () => {
    const s = await server();
    await s.stop();
    const { code, err } = await run(s, ["apply"]);
    expect(code).toBe(4);
    expect(err).toContain(`error: cannot reach the API server ${s.url}: connect ECONNREFUSED`);
    expect(err).toContain("retry 5 in 4000 ms");
  });

  it("exits 4 for an unknown --context and lists the known ones", async () => {
    const s = await server();
    try {
      const { code, err } = await run(s, ["status", "--context", "nope"]);
      expect(code).toBe(4);
      expect(err).toBe('error: context "nope" is not in the kubeconfig (known: loopback, other)\n');
    } finally {
      await s.stop();
    }
  });

  it("refuses a bad --timeout and an unknown --dry-run mode as usage errors", async () => {
    const s = await server();
    try {
      const timeout = await run(s, ["apply", "--timeout", "5 minutes"]);
      expect(timeout.code).toBe(2);
      expect(timeout.err).toContain("expected a duration such as 90s, 5m or 1h30m");
      const dryRun = await run(s, ["apply", "--dry-run", "client"]);
      expect(dryRun.code).toBe(2);
      expect(dryRun.err).toContain("Allowed choices are none, server");
    } finally {
      await s.stop();
    }
  });
});

describe("cli: diff, status, uninstall", () => {
  it("diff exits 1 when something differs and 0 when nothing does", async () => {
    const s = await server();
    try {
      const before = await run(s, ["diff"]);
      expect(before.code).toBe(1);
      expect(before.out).toContain("+++ rendered/Deployment/monitoring/grafana-operator");
      await run(s, ["apply"]);
      const after = await run(s, ["diff"]);
      expect(after).toMatchObject({ code: 0, out: "", err: "" });
      const json = await run(s, ["diff", "--json"]);
      expect(JSON.parse(json.out)).toMatchObject({ changed: 0, errors: 0 });
    } finally {
      await s.stop();
    }
  });

  it("diff colours a terminal's output, and not with --no-color (color: false) or NO_COLOR", async () => {
    const s = await server();
    try {
      const tty = await run(s, ["diff"], { isTTY: true });
      expect(tty.out).toContain("\x1b[32m+");
      const off = await run(s, ["diff"], { isTTY: true, color: false });
      expect(off.out).not.toContain("\x1b[");
      expect(off.out.length).toBeGreaterThan(0);
      process.env.NO_COLOR = "1";
      try {
        expect((await run(s, ["diff"], { isTTY: true })).out).not.toContain("\x1b[");
      } finally {
        delete process.env.NO_COLOR;
      }
    } finally {
      await s.stop();
    }
  });

  it("diff exits 4 when a comparison fails", async () => {
    const s = await server();
    try {
      await run(s, ["apply"]);
      s.conflicts.set("/ConfigMap/monitoring/loki-config", [{ manager: "helm", field: ".data" }]);
      const { code, err } = await run(s, ["diff"]);
      expect(code).toBe(4);
      expect(err).toContain(
        "error: ConfigMap monitoring/loki-config: 1 field is managed by another field manager",
      );
    } finally {
      await s.stop();
    }
  });

  it("status exits 1 before an install and 0 after, with a table or JSON", async () => {
    const s = await server();
    try {
      const before = await run(s, ["status"]);
      expect(before.code).toBe(1);
      expect(before.out).toContain("0 ready, 13 missing or not ready");
      await run(s, ["apply"]);
      const after = await run(s, ["status"]);
      expect(after.code).toBe(0);
      expect(after.out).toContain(
        "13 objects: 13 ready, 0 missing or not ready, 0 existing but not owned",
      );
      const json = JSON.parse((await run(s, ["status", "--json"])).out) as {
        ok: boolean;
        objects: unknown[];
      };
      expect(json.ok).toBe(true);
      expect(json.objects).toHaveLength(13);
    } finally {
      await s.stop();
    }
  });

  it("uninstall deletes what apply created and keeps CRDs unless --include-crds", async () => {
    const s = await server();
    try {
      await run(s, ["apply"]);
      const { code, out, err } = await run(s, ["uninstall"]);
      expect(code).toBe(0);
      // Kept objects are notices on stderr, like warnings.
      expect(err).toContain(
        "CustomResourceDefinition grafanas.grafana.integreatly.org kept: CRDs are only deleted with --include-crds\n",
      );
      expect(out).not.toContain(" kept: ");
      expect(out).toContain("uninstall finished: 11 deleted, 3 kept");
      const crds = await run(s, ["uninstall", "--include-crds", "--include-namespaces"]);
      expect(crds.code).toBe(0);
      expect(s.store.size).toBe(0);
    } finally {
      await s.stop();
    }
  });

  it("every command has help with its options and exit codes", async () => {
    const s = await server();
    try {
      for (const [command, flags] of [
        [
          "apply",
          [
            "--dry-run <mode>",
            "--prune",
            "--prune-crds",
            "--force-conflicts",
            "--create-missing-secrets",
            "--adopt <kind/namespace/name>",
            "--delete-pvc <namespace/name>",
            "--timeout <duration>",
            "--no-wait",
            "--json",
            "--quiet",
            "--kubeconfig <file>",
            "--context <name>",
            "(default: 5m)",
          ],
        ],
        ["diff", ["--prune", "--json", "1 differences found"]],
        ["status", ["--json", "1 something is missing or not ready"]],
        [
          "uninstall",
          [
            "--include-crds",
            "--include-namespaces",
            "--delete-pvc <namespace/name>",
            "--dry-run <mode>",
            "5 a wait timed out",
          ],
        ],
      ] as const) {
        const { code, out } = await run(s, [command, "--help"]);
        expect(code).toBe(0);
        for (const flag of flags) expect(out, `${command} ${flag}`).toContain(flag);
      }
    } finally {
      await s.stop();
    }
  });
});

describe("cli: data safety", () => {
  const claim = (name: string): KubeObject => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: NS },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  });
  const withClaims = () => [...stackObjects(), claim("grafana"), claim("scratch")];

  it("uninstall keeps PVCs with one stderr line each naming the flag; --delete-pvc deletes the one it names", async () => {
    const s = await server();
    try {
      await run(s, ["apply"], { objects: withClaims() });
      const dry = await run(s, ["uninstall", "--dry-run=server"], { objects: withClaims() });
      expect(dry.code).toBe(0);
      expect(dry.err).toContain(
        "PersistentVolumeClaim monitoring/grafana kept: holds data; deleted only when named: --delete-pvc monitoring/grafana\n",
      );
      s.requests.length = 0;
      const { code, err } = await run(
        s,
        ["uninstall", "--include-namespaces", "--delete-pvc", "monitoring/scratch"],
        { objects: withClaims() },
      );
      expect(code).toBe(0);
      expect(err).toContain(
        "PersistentVolumeClaim monitoring/grafana kept: holds data; deleted only when named: --delete-pvc monitoring/grafana\n",
      );
      expect(err).toContain(
        "Namespace monitoring kept: still holds objects this uninstall does not delete: PersistentVolumeClaim monitoring/grafana;",
      );
      const deletes = writeLog(s).filter((w) => w.startsWith("DELETE"));
      expect(deletes).toContain("DELETE persistentvolumeclaims/scratch");
      expect(deletes).not.toContain("DELETE persistentvolumeclaims/grafana");
      expect(deletes).not.toContain("DELETE namespaces/monitoring");
      expect(s.get("v1", "PersistentVolumeClaim", NS, "grafana")).toBeDefined();
    } finally {
      await s.stop();
    }
  });

  it("apply refuses a colliding object with exit 4 and takes it over with --adopt", async () => {
    const s = await server();
    try {
      s.seed({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "loki-config", namespace: NS },
      });
      const refused = await run(s, ["apply"]);
      expect(refused.code).toBe(4);
      expect(refused.out).toContain(
        "ConfigMap monitoring/loki-config conflict: exists but was not created by this install (no applyset.kubernetes.io/part-of label); not changed. To take it over (prune and uninstall may then delete it), re-run with --adopt ConfigMap/monitoring/loki-config",
      );
      expect(writeLog(s)).not.toContain("PATCH configmaps/loki-config");
      const adopted = await run(s, ["apply", "--adopt", "ConfigMap/monitoring/loki-config"]);
      expect(adopted.code).toBe(0);
      expect(writeLog(s)).toContain("PATCH configmaps/loki-config");
    } finally {
      await s.stop();
    }
  });

  it("diff --prune prints the keeps on stderr", async () => {
    const s = await server();
    try {
      await run(s, ["apply"], { objects: withClaims() });
      const { code, err } = await run(s, ["diff", "--prune"]);
      expect(code).toBe(0);
      expect(err).toBe(
        [
          "PersistentVolumeClaim monitoring/grafana kept: holds data; deleted only when named: --delete-pvc monitoring/grafana",
          "PersistentVolumeClaim monitoring/scratch kept: holds data; deleted only when named: --delete-pvc monitoring/scratch",
          "",
        ].join("\n"),
      );
      expect(s.requests.filter((r) => r.method === "DELETE")).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it("refuses malformed or ineffective data flags as usage errors (exit 2) before touching the cluster", async () => {
    const s = await server();
    try {
      for (const args of [
        ["uninstall", "--delete-pvc", "grafana"],
        ["apply", "--delete-pvc", "monitoring/grafana"],
        ["diff", "--delete-pvc", "monitoring/grafana"],
        ["apply", "--adopt", "loki-config"],
        ["apply", "--adopt", "Namespace/monitoring"],
      ]) {
        const { code, err } = await run(s, args);
        expect(code, args.join(" ")).toBe(2);
        expect(err, args.join(" ")).toMatch(
          /expected|only has an effect with --prune|never adopted/,
        );
      }
      expect(s.requests).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});

describe("parseDuration", () => {
  it("reads seconds, minutes, hours and combinations", () => {
    expect(parseDuration("90")).toBe(90_000);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(() => parseDuration("5 minutes")).toThrow(/expected a duration/);
    expect(() => parseDuration("")).toThrow(/expected a duration/);
  });
});
