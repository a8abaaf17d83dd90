import type { DaemonSet, KubeObject } from "@materialize-monitoring/core";
import { toYamlStream } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectSpreadRefused } from "../../../test-support/scheduling.js";
import {
  collectorAvailable,
  collectorsAvailableIn,
  NODE_EXPORTER_COLLECTORS,
  NODE_EXPORTER_POD_SECURITY_EXCEPTIONS,
  type NodeExporterCollector,
  type NodeExporterValues,
  nodeExporter,
  nodeExporterVersionFromTag,
  podSecurityExceptions,
  RECOMMENDED_NODE_EXPORTER_COLLECTORS,
} from "../src/index.js";
import {
  find,
  kinds,
  mainContainer,
  networkPolicySpec,
  podSpec,
  spec,
  unselectedServices,
  valuesErrorOf,
} from "./helpers.js";

/** Renders for Debian's node-exporter 1.5 (the binary the e2e test runs). */
const DEBIAN_1_5: NodeExporterValues = {
  image: { tag: "v1.5.0" },
  nodeExporterVersion: "1.5",
};

function args(objects: readonly KubeObject[]): string[] {
  return mainContainer(objects).args ?? [];
}

function collectorFlags(objects: readonly KubeObject[]): string[] {
  return args(objects)
    .filter((a) => /^--collector\.[a-z_0-9]+$/.test(a))
    .map((a) => a.slice("--collector.".length));
}

describe("node-exporter", () => {
  const component = nodeExporter();
  const { objects } = component;

  it("renders the default profile", () => {
    expect(toYamlStream(objects)).toMatchSnapshot();
  });

  it("renders the own-namespace profile", () => {
    expect(toYamlStream(nodeExporter({ namespace: "node-exporter" }).objects)).toMatchSnapshot();
  });

  it("renders for Debian's node-exporter 1.5", () => {
    expect(toYamlStream(nodeExporter(DEBIAN_1_5).objects)).toMatchSnapshot();
  });

  it("passes the Kubernetes schemas in every profile", async () => {
    for (const values of [
      {},
      { namespace: "node-exporter" },
      DEBIAN_1_5,
      { listenOn: "all", tolerateAllTaints: false, networkPolicy: { enabled: false } },
    ] satisfies NodeExporterValues[]) {
      expect(await validateObjects(nodeExporter(values).objects)).toEqual([]);
    }
  });

  it("renders its objects; the headless Service selects the DaemonSet", () => {
    expect(kinds(objects)).toEqual([
      "DaemonSet/node-exporter",
      "NetworkPolicy/node-exporter",
      "Service/node-exporter",
      "ServiceAccount/node-exporter",
    ]);
    expect(unselectedServices(objects)).toEqual([]);
    expect(
      find<KubeObject & { spec: { clusterIP: string } }>(objects, "Service").spec.clusterIP,
    ).toBe("None");
  });

  it("reads the node through host namespaces and read-only host mounts", () => {
    const pod = podSpec(objects);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.hostPID).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toEqual([
      { name: "proc", hostPath: { path: "/proc" } },
      { name: "sys", hostPath: { path: "/sys" } },
      { name: "root", hostPath: { path: "/" } },
    ]);
    const c = mainContainer(objects);
    expect(c.volumeMounts).toEqual([
      { name: "proc", mountPath: "/host/proc", readOnly: true },
      { name: "sys", mountPath: "/host/sys", readOnly: true },
      {
        name: "root",
        mountPath: "/host/root",
        readOnly: true,
        mountPropagation: "HostToContainer",
      },
    ]);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.ports).toEqual([
      { name: "metrics", containerPort: 9100, hostPort: 9100, protocol: "TCP" },
    ]);
    expect(c.livenessProbe?.httpGet).toEqual({ path: "/", port: "metrics", scheme: "HTTP" });
    expect(c.readinessProbe?.httpGet).toEqual({ path: "/", port: "metrics", scheme: "HTTP" });
    // No CPU limit: a throttled exporter holding the kernel's rtnl lock stalls the node's networking.
    expect(c.resources?.limits).toEqual({ memory: "180Mi" });
  });

  it("passes the host paths and binds the node's own address", () => {
    expect(args(objects).slice(0, 6)).toEqual([
      "--path.procfs=/host/proc",
      "--path.sysfs=/host/sys",
      "--path.rootfs=/host/root",
      "--path.udev.data=/host/root/run/udev/data",
      "--web.listen-address=[$(HOST_IP)]:9100",
      "--collector.disable-defaults",
    ]);
    expect(mainContainer(objects).env).toEqual([
      { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
    ]);
    const all = nodeExporter({ listenOn: "all", port: 9101 });
    expect(args(all.objects)).toContain("--web.listen-address=:9101");
    expect(mainContainer(all.objects).env).toBeUndefined();
  });

  it("enables an explicit allowlist of existing Linux collectors, each exactly once", () => {
    const flags = collectorFlags(objects);
    expect(flags).toEqual([...RECOMMENDED_NODE_EXPORTER_COLLECTORS].sort());
    expect(new Set(flags).size).toBe(flags.length);
    for (const name of flags) expect(Object.keys(NODE_EXPORTER_COLLECTORS)).toContain(name);
    expect(component.endpoints.collectors).toEqual(flags);
    expect(component.endpoints.version).toBe("1.12");
  });

  it("excludes container mounts, overlay filesystems and virtual interfaces", () => {
    const a = args(objects);
    const value = (flag: string) =>
      a.find((x) => x.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? "";
    const mounts = new RegExp(value("--collector.filesystem.mount-points-exclude"));
    for (const path of [
      "/var/lib/kubelet/pods/uid/volumes/kubernetes.io~secret/token",
      "/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs",
      "/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs",
      "/var/lib/docker/overlay2/abc/merged",
      "/proc",
      "/sys/fs/cgroup",
    ]) {
      expect(mounts.test(path), path).toBe(true);
    }
    for (const path of ["/", "/var/lib/kubelet", "/mnt/data", "/var/lib/containerd"]) {
      expect(mounts.test(path), path).toBe(false);
    }
    const fsTypes = new RegExp(value("--collector.filesystem.fs-types-exclude"));
    for (const type of ["overlay", "squashfs", "erofs", "tmpfs"]) {
      expect(fsTypes.test(type), type).toBe(type !== "tmpfs");
    }
    const devices = value("--collector.netdev.device-exclude");
    expect(value("--collector.netclass.ignored-devices")).toBe(devices);
    const deviceRe = new RegExp(devices);
    for (const dev of [
      "lo",
      "veth1a2b3c",
      "cali12345",
      "lxc9f8e",
      "cilium_host",
      "flannel.1",
      "cni0",
      "eni0a1b2c3d4e5",
      "docker0",
      "tunl0",
      "vxlan.calico",
      "0123456789abcde",
    ]) {
      expect(deviceRe.test(dev), dev).toBe(true);
    }
    for (const dev of ["eth0", "ens5", "enp0s3", "bond0", "wlan0", "eno1"]) {
      expect(deviceRe.test(dev), dev).toBe(false);
    }
    const noNet = nodeExporter({ collectors: { disable: ["netdev", "netclass", "filesystem"] } });
    expect(args(noNet.objects).some((x) => /device|filesystem\./.test(x))).toBe(false);
  });

  it("gates collectors newer than the version off the recommended set", () => {
    const old = nodeExporter(DEBIAN_1_5);
    expect(collectorFlags(old.objects)).not.toContain("swap");
    expect(old.endpoints.version).toBe("1.5");
    for (const name of collectorFlags(old.objects)) {
      expect(collectorAvailable(name as NodeExporterCollector, "1.5")).toBe(true);
    }
    // The tag alone selects the version.
    expect(nodeExporter({ image: { tag: "v1.9.1" } }).endpoints.version).toBe("1.9");
    expect(collectorFlags(nodeExporter({ image: { tag: "v1.9.1" } }).objects)).not.toContain(
      "swap",
    );
    expect(collectorFlags(nodeExporter({ image: { tag: "v1.10.2" } }).objects)).toContain("swap");
  });

  it("adds and removes collectors on request", () => {
    const custom = nodeExporter({
      collectors: {
        enable: ["processes", "systemd", "cpu_vulnerabilities"],
        disable: ["entropy", "mdadm"],
      },
    });
    const flags = collectorFlags(custom.objects);
    expect(flags).toEqual(expect.arrayContaining(["processes", "systemd", "cpu_vulnerabilities"]));
    expect(flags).not.toContain("entropy");
    expect(flags).not.toContain("mdadm");
    const only = nodeExporter({ collectors: { recommended: false, enable: ["cpu", "meminfo"] } });
    expect(collectorFlags(only.objects)).toEqual(["cpu", "meminfo"]);
    const extra = nodeExporter({
      extraArgs: ["--collector.textfile.directory=/host/root/var/lib/node-exporter"],
    });
    expect(args(extra.objects).at(-1)).toBe(
      "--collector.textfile.directory=/host/root/var/lib/node-exporter",
    );
  });

  it("tolerates every taint and ignores the context's placement defaults", () => {
    expect(podSpec(objects).tolerations).toEqual([{ operator: "Exists" }]);
    const placed = nodeExporter(
      {},
      {
        scheduling: {
          nodeSelector: { pool: "monitoring" },
          tolerations: [{ key: "monitoring", operator: "Exists" }],
        },
        priorityClasses: { node: "mm-node", critical: "mm-critical" },
      },
    );
    const pod = podSpec(placed.objects);
    expect(pod.nodeSelector).toEqual({ "kubernetes.io/os": "linux" });
    expect(pod.tolerations).toEqual([{ operator: "Exists" }]);
    expect(pod.priorityClassName).toBe("mm-node");
    const picky = nodeExporter({
      tolerateAllTaints: false,
      scheduling: { tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }] },
    });
    expect(podSpec(picky.objects).tolerations).toEqual([
      { key: "gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    const ds = spec(find<DaemonSet>(objects, "DaemonSet"));
    expect(ds.updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: "10%" },
    });
  });

  it("in its own namespace: renders the Namespace with privileged Pod Security labels", () => {
    const own = nodeExporter(
      { namespace: "node-exporter" },
      { commonLabels: { team: "platform" } },
    );
    const ns = find<KubeObject>(own.objects, "Namespace", "node-exporter");
    expect(ns.metadata.labels).toEqual({
      "kubernetes.io/metadata.name": "node-exporter",
      team: "platform",
      "app.kubernetes.io/part-of": "materialize-monitoring",
      "pod-security.kubernetes.io/enforce": "privileged",
      "pod-security.kubernetes.io/audit": "privileged",
      "pod-security.kubernetes.io/warn": "privileged",
    });
    for (const object of own.objects) {
      if (object.kind !== "Namespace")
        expect(object.metadata.namespace, object.kind).toBe("node-exporter");
    }
    // The scraper stays in the stack's namespace.
    expect(networkPolicySpec(own.objects, "node-exporter").ingress?.[0]?.from).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } },
      },
    ]);
    expect(own.endpoints.podSecurity).toMatchObject({
      namespace: "node-exporter",
      level: "privileged",
      namespaceRendered: true,
    });
    expect(own.endpoints.metrics.address).toBe(
      "node-exporter.node-exporter.svc.cluster.local:9100",
    );
    // Sharing the stack's namespace: nothing rendered, the owner must label it.
    expect(objects.some((o) => o.kind === "Namespace")).toBe(false);
    expect(component.endpoints.podSecurity).toMatchObject({
      namespace: "monitoring",
      namespaceRendered: false,
    });
  });

  it("documents its Pod Security exceptions", () => {
    expect(podSecurityExceptions().map((e) => [e.component, e.check])).toEqual([
      ["node-exporter", "hostNamespaces"],
      ["node-exporter", "hostPathVolumes"],
      ["node-exporter", "volumeTypes"],
      ["node-exporter", "hostPorts"],
    ]);
    for (const exception of podSecurityExceptions())
      expect(exception.reason.length).toBeGreaterThan(40);
    expect(component.endpoints.podSecurity.exceptions).toEqual([
      ...NODE_EXPORTER_POD_SECURITY_EXCEPTIONS,
    ]);
  });

  it("NetworkPolicy: only the scraper reaches the metrics port; no egress", () => {
    const policy = networkPolicySpec(objects, "node-exporter");
    expect(policy.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } } }],
        ports: [{ protocol: "TCP", port: 9100 }],
      },
    ]);
    expect(policy.egress).toEqual([]);
    expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
  });

  it("publishes a host-network scrape target", () => {
    expect(component.endpoints.scrapeTargets).toEqual([
      {
        name: "node_exporter",
        job: "node-exporter",
        namespace: "monitoring",
        podLabels: {
          "app.kubernetes.io/name": "node-exporter",
          "app.kubernetes.io/instance": "materialize-monitoring",
        },
        portName: "metrics",
        port: 9100,
        path: "/metrics",
        scheme: "http",
        hostNetwork: true,
        source: "node-exporter",
      },
    ]);
    expect(podSpec(objects).hostNetwork).toBe(true);
    const own = nodeExporter({ namespace: "node-exporter", port: 9200 });
    expect(own.endpoints.scrapeTargets[0]?.namespace).toBe("node-exporter");
    expect(own.endpoints.services.nodeExporter.ports.metrics.port).toBe(9200);
    expect(own.endpoints.metrics.port).toBe(9200);
    // The number, too: a node-address egress rule cannot name a port.
    expect(own.endpoints.scrapeTargets[0]?.port).toBe(9200);
  });

  it("publishes its endpoints", () => {
    expect(component.endpoints.metrics).toEqual({
      jobName: "node-exporter",
      address: "node-exporter.monitoring.svc.cluster.local:9100",
      url: "http://node-exporter.monitoring.svc.cluster.local:9100/metrics",
      scheme: "http",
      path: "/metrics",
      portName: "metrics",
      port: 9100,
      serviceName: "node-exporter",
      namespace: "monitoring",
      selector: {
        "app.kubernetes.io/name": "node-exporter",
        "app.kubernetes.io/instance": "materialize-monitoring",
      },
      bearerTokenAuth: false,
      honorLabels: false,
    });
  });

  it("knows which collectors each version has", () => {
    expect(collectorsAvailableIn("1.5")).not.toContain("swap");
    expect(collectorsAvailableIn("1.5")).not.toContain("softirqs");
    expect(collectorsAvailableIn("1.6")).toContain("softirqs");
    expect(collectorsAvailableIn("1.10")).toEqual(expect.arrayContaining(["swap", "pcidevice"]));
    expect(collectorsAvailableIn("1.11")).toEqual(
      expect.arrayContaining(["kernel_hung", "bcachefs"]),
    );
    expect(nodeExporterVersionFromTag("v1.12.1")).toEqual({ version: "1.12" });
    expect(nodeExporterVersionFromTag("1.5.0-debian")).toEqual({ version: "1.5" });
    expect(nodeExporterVersionFromTag("v1.19.0")).toEqual({ version: "1.12" });
    expect(nodeExporterVersionFromTag("v1.4.1")).toEqual({ tooOld: "1.4" });
    expect(nodeExporterVersionFromTag("v2.0.0")).toEqual({ unknown: "2.0" });
    expect(nodeExporterVersionFromTag("mirror-2026-01")).toBeUndefined();
  });

  it("makes a misspelt collector a compile error", () => {
    // @ts-expect-error "swaps" is not a node-exporter collector
    const typo: NodeExporterCollector = "swaps";
    expect(typo in NODE_EXPORTER_COLLECTORS).toBe(false);
  });

  describe("errors", () => {
    it("a collector the version does not have", () => {
      expect(
        valuesErrorOf(() =>
          nodeExporter({ ...DEBIAN_1_5, collectors: { enable: ["swap", "softirqs"] } }),
        ),
      ).toBe(
        'node-exporter.collectors.enable: "swap" needs node-exporter 1.10, "softirqs" needs node-exporter 1.6 or newer, but this renders for node-exporter 1.5 (remove it, or use a newer image)',
      );
    });

    it("a version that contradicts the image tag", () => {
      expect(valuesErrorOf(() => nodeExporter({ nodeExporterVersion: "1.5" }))).toBe(
        'node-exporter.nodeExporterVersion: is "1.5" but the image tag "v1.12.1" is node-exporter 1.12 (set nodeExporterVersion: "1.12", or leave it out to follow the tag)',
      );
    });

    it("a tag that names no version, unless the version is given", () => {
      expect(valuesErrorOf(() => nodeExporter({ image: { tag: "mirror-2026-01" } }))).toBe(
        'node-exporter.nodeExporterVersion: the node-exporter release cannot be read from the image tag "mirror-2026-01" (set nodeExporterVersion to the release the image contains (1.5, 1.6, 1.7, 1.8, 1.9, 1.10, 1.11, 1.12))',
      );
      expect(
        nodeExporter({ image: { tag: "mirror-2026-01" }, nodeExporterVersion: "1.8" }).endpoints
          .version,
      ).toBe("1.8");
    });

    it("a release older than 1.5 or of an unknown major", () => {
      expect(valuesErrorOf(() => nodeExporter({ image: { tag: "v1.3.1" } }))).toBe(
        "node-exporter.image.tag: node-exporter 1.3 is older than 1.5, the oldest release this package renders for (use v1.5.0 or newer)",
      );
      expect(valuesErrorOf(() => nodeExporter({ image: { tag: "v2.0.0" } }))).toMatch(
        /^node-exporter\.nodeExporterVersion: the image tag "v2\.0\.0" names node-exporter 2\.0, whose collectors this package does not know/,
      );
    });

    it("a collector both enabled and disabled, or none at all", () => {
      expect(
        valuesErrorOf(() => nodeExporter({ collectors: { enable: ["cpu"], disable: ["cpu"] } })),
      ).toBe(
        'node-exporter.collectors: "cpu" is both enabled and disabled (keep it in one of the two lists)',
      );
      expect(valuesErrorOf(() => nodeExporter({ collectors: { recommended: false } }))).toBe(
        "node-exporter.collectors: no collector is enabled (keep recommended: true or list collectors in enable)",
      );
    });

    it("a misspelt collector in untyped values", () => {
      const message = valuesErrorOf(() =>
        nodeExporter({ collectors: { enable: ["swaps"] } } as unknown as NodeExporterValues),
      );
      expect(message).toBe(
        'node-exporter.collectors.enable[0]: unknown node-exporter collector "swaps" (did you mean "swap"?)',
      );
    });

    it("the stack's own namespace as its own namespace", () => {
      expect(valuesErrorOf(() => nodeExporter({ namespace: "monitoring" }))).toBe(
        "node-exporter.namespace: \"monitoring\" is the stack's namespace, which this component does not own (leave namespace out to share the stack's namespace, or name a namespace of its own)",
      );
    });

    it("an extra argument that is not a long flag", () => {
      expect(valuesErrorOf(() => nodeExporter({ extraArgs: ["-v"] }))).toBe(
        "node-exporter.extraArgs[0]: must be a long flag such as --collector.textfile.directory=/x",
      );
    });
  });
});

describe("node-exporter collector selection (property)", () => {
  it("renders exactly the requested collectors the version has, or names the ones it lacks", () => {
    const names = Object.keys(NODE_EXPORTER_COLLECTORS) as NodeExporterCollector[];
    const versions = ["1.5", "1.6", "1.7", "1.8", "1.9", "1.10", "1.11", "1.12"] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...versions),
        fc.uniqueArray(fc.constantFrom(...names), { maxLength: 8 }),
        fc.boolean(),
        (version, enable, recommended) => {
          const values: NodeExporterValues = {
            image: { tag: `v${version}.0` },
            collectors: { recommended, enable },
          };
          const lacking = enable.filter((n) => !collectorAvailable(n, version));
          if (lacking.length > 0) {
            expect(valuesErrorOf(() => nodeExporter(values))).toContain(`"${lacking[0]}" needs`);
            return;
          }
          const expected = new Set<string>(enable);
          if (recommended) {
            for (const n of RECOMMENDED_NODE_EXPORTER_COLLECTORS)
              if (collectorAvailable(n, version)) expected.add(n);
          }
          if (expected.size === 0) {
            expect(valuesErrorOf(() => nodeExporter(values))).toContain("no collector is enabled");
            return;
          }
          expect(collectorFlags(nodeExporter(values).objects)).toEqual([...expected].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("node-exporter scheduling", () => {
  it("refuses topology spread constraints: a DaemonSet has one pod per node and nothing to spread", () => {
    expectSpreadRefused(
      (scheduling) => nodeExporter({ scheduling }),
      "node-exporter",
      valuesErrorOf,
    );
    expect(podSpec(nodeExporter().objects).topologySpreadConstraints ?? []).toEqual([]);
  });
});
