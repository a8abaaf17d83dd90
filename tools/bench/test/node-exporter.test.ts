import type { KubeObject } from "@materialize-monitoring/core";
import { NODE_EXPORTER_NAME, nodeExporter } from "@materialize-monitoring/exporters";
import { describe, expect, it } from "vitest";
import { findBinary } from "../src/exec.js";
import { flagsForThisHost, freePort, type PodShape, scrapeOnce } from "../src/node-exporter.js";

const pod: PodShape = {
  containers: [
    {
      name: "node-exporter",
      args: [
        "--path.procfs=/host/proc",
        "--path.sysfs=/host/sys",
        "--path.rootfs=/host/root",
        "--path.udev.data=/host/root/run/udev/data",
        "--path.other=/not/mounted",
        "--web.listen-address=[$(HOST_IP)]:9100",
        "--collector.cpu",
      ],
      volumeMounts: [
        { name: "proc", mountPath: "/host/proc" },
        { name: "sys", mountPath: "/host/sys" },
        { name: "root", mountPath: "/host/root" },
      ],
    },
  ],
  volumes: [
    { name: "proc", hostPath: { path: "/proc" } },
    { name: "sys", hostPath: { path: "/sys" } },
    { name: "root", hostPath: { path: "/" } },
  ],
};

function daemonSetPod(objects: readonly KubeObject[]): PodShape {
  const ds = objects.find((o) => o.kind === "DaemonSet") as
    | { spec?: { template?: { spec?: PodShape } } }
    | undefined;
  const spec = ds?.spec?.template?.spec;
  if (!spec) throw new Error("no DaemonSet");
  return spec;
}

describe("flagsForThisHost", () => {
  it("maps host-path mounts back to this machine and binds the listen address to loopback", () => {
    expect(flagsForThisHost(pod, "node-exporter", 19100)).toEqual([
      "--path.procfs=/proc",
      "--path.sysfs=/sys",
      "--path.rootfs=/",
      "--path.udev.data=/run/udev/data",
      "--path.other=/not/mounted",
      "--web.listen-address=127.0.0.1:19100",
      "--collector.cpu",
    ]);
  });

  it("refuses a flag that needs a Kubernetes variable it cannot expand", () => {
    const withVariable: PodShape = {
      containers: [{ name: "node-exporter", args: ["--collector.textfile.directory=$(DIR)"] }],
    };
    expect(() => flagsForThisHost(withVariable, "node-exporter", 1)).toThrow(
      "flag --collector.textfile.directory=$(DIR) needs a Kubernetes variable",
    );
    expect(() => flagsForThisHost(pod, "other", 1)).toThrow("no container named other");
  });

  it("turns the exporters package's 1.5 render into runnable flags: no defaults, loopback only", () => {
    const component = nodeExporter({ image: { tag: "v1.5.0" }, nodeExporterVersion: "1.5" });
    const flags = flagsForThisHost(daemonSetPod(component.objects), NODE_EXPORTER_NAME, 9999);
    expect(flags).toContain("--collector.disable-defaults");
    expect(flags).toContain("--web.listen-address=127.0.0.1:9999");
    expect(flags).toContain("--path.rootfs=/");
    expect(flags.filter((f) => f.includes("/host/"))).toEqual([]);
    for (const collector of component.endpoints.collectors) {
      expect(flags).toContain(`--collector.${collector}`);
    }
  });
});

describe("scrapeOnce", () => {
  it.skipIf(!findBinary("false"))(
    "fails with the binary's exit code when it exits before serving metrics",
    async () => {
      const binary = findBinary("false") ?? "false";
      await expect(scrapeOnce(binary, [], await freePort(), 5_000)).rejects.toThrow(
        /exited with code 1 before serving metrics/,
      );
    },
  );

  it("fails clearly when the binary cannot be started", async () => {
    await expect(
      scrapeOnce("/nonexistent/node-exporter", [], await freePort(), 5_000),
    ).rejects.toThrow(/\/nonexistent\/node-exporter (could not start|exited)/);
  });
});
