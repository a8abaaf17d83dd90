/**
 * Each profile against the promise in its description, read from the
 * rendered objects: replica counts, summed memory requests, volume sizes,
 * spread constraints, PodDisruptionBudgets against quorums, the rendered
 * Alloy configuration, notices. Every render also passes every validation layer.
 */
import { alloyGatewayConfigOf } from "@materialize-monitoring/alloy-gateway";
import {
  type KubeObject,
  podSecurityLabels,
  quantityValue,
  toYamlStream,
} from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { loadValues } from "../src/load-values.js";
import { isTree, type Tree } from "../src/merge.js";
import { PROFILE_NAMES, PROFILES, type ProfileName, profileNotices } from "../src/profiles.js";
import { type Stack, stack } from "../src/stack.js";
import { validateStack } from "../src/validate.js";
import type { StackValues } from "../src/values.js";

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** The profiles merged in order, as the CLI merges them, plus more values after them. */
function merged(names: readonly ProfileName[], more: Tree = {}): Tree {
  return loadValues({
    profiles: [...names.map((n) => structuredClone(PROFILES[n].values) as Tree), more],
  });
}

function render(names: readonly ProfileName[], more: Tree = {}): Stack {
  return stack(merged(names, more) as StackValues);
}

interface Container {
  name: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, string> };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  topologySpreadConstraints?: {
    topologyKey: string;
    whenUnsatisfiable: string;
    labelSelector?: { matchLabels?: Record<string, string> };
  }[];
}
interface Workload {
  kind: "Deployment" | "StatefulSet" | "DaemonSet";
  name: string;
  namespace: string;
  /** 1 for a DaemonSet: its pod counted once. */
  replicas: number;
  labels: Record<string, string>;
  spec: PodSpec;
  /** Requested storage of each volumeClaimTemplate, in bytes. */
  claims: number[];
}

function workloads(built: Stack): Workload[] {
  return built.objects.flatMap((o): Workload[] => {
    if (o.kind !== "Deployment" && o.kind !== "StatefulSet" && o.kind !== "DaemonSet") return [];
    const spec = (o as unknown as { spec: Record<string, unknown> }).spec as {
      replicas?: number;
      template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
      volumeClaimTemplates?: { spec: { resources: { requests: { storage: string } } } }[];
    };
    return [
      {
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace ?? "",
        replicas: o.kind === "DaemonSet" ? 1 : (spec.replicas ?? 1),
        labels: spec.template.metadata.labels,
        spec: spec.template.spec,
        claims: (spec.volumeClaimTemplates ?? []).map((c) =>
          quantityValue(c.spec.resources.requests.storage),
        ),
      },
    ];
  });
}

function workload(built: Stack, name: string): Workload {
  const found = workloads(built).find((w) => w.name === name);
  if (!found) throw new Error(`no workload ${name}`);
  return found;
}

const request = (c: Container, key: string) => {
  const q = c.resources?.requests?.[key];
  return q === undefined ? 0 : quantityValue(q);
};

/**
 * A pod's effective request, as the scheduler counts it: its containers and
 * sidecars (init containers that keep running), or its largest one-off init
 * container when that is larger.
 */
function podRequest(spec: PodSpec, key: string): number {
  const inits = spec.initContainers ?? [];
  const sidecars = inits.filter((c) => c.restartPolicy === "Always");
  const running = [...spec.containers, ...sidecars].reduce((sum, c) => sum + request(c, key), 0);
  const oneOff = inits.filter((c) => c.restartPolicy !== "Always").map((c) => request(c, key));
  return Math.max(running, ...oneOff);
}

/** Memory requests of every pod, a DaemonSet's pod counted once. */
function memoryRequests(built: Stack): number {
  return workloads(built).reduce((sum, w) => sum + w.replicas * podRequest(w.spec, "memory"), 0);
}

/** Requested storage: every PVC, and every claim template times its replicas. */
function storageRequests(built: Stack): number {
  const pvcs = built.objects
    .filter((o) => o.kind === "PersistentVolumeClaim")
    .map((o) =>
      quantityValue(
        (o as unknown as { spec: { resources: { requests: { storage: string } } } }).spec.resources
          .requests.storage,
      ),
    );
  const templates = workloads(built).map(
    (w) => w.replicas * w.claims.reduce((sum, c) => sum + c, 0),
  );
  return [...pvcs, ...templates].reduce((sum, s) => sum + s, 0);
}

function replicaCounts(built: Stack): Record<string, number> {
  return Object.fromEntries(
    workloads(built)
      .filter((w) => w.kind !== "DaemonSet")
      .map((w) => [`${w.kind}/${w.name}`, w.replicas]),
  );
}

/** How the pods of a workload spread over zones (undefined: not at all). */
function zoneSpread(built: Stack, name: string): string | undefined {
  const key = built.context.zoneTopologyKey;
  return workload(built, name).spec.topologySpreadConstraints?.find((c) => c.topologyKey === key)
    ?.whenUnsatisfiable;
}

interface Pdb {
  maxUnavailable?: number | string;
  minAvailable?: number | string;
  selector: { matchLabels: Record<string, string> };
}

/** The pods of `name` a voluntary disruption may take at once under its PodDisruptionBudget. */
function allowedDisruptions(built: Stack, name: string): number {
  const w = workload(built, name);
  const pdbs = built.objects
    .filter((o) => o.kind === "PodDisruptionBudget" && o.metadata.namespace === w.namespace)
    .map((o) => (o as unknown as { spec: Pdb }).spec)
    .filter((p) => Object.entries(p.selector.matchLabels).every(([k, v]) => w.labels[k] === v));
  expect(pdbs, `${name}: one PodDisruptionBudget`).toHaveLength(1);
  const pdb = pdbs[0]!;
  const count = (v: number | string) =>
    typeof v === "number" ? v : Math.floor((w.replicas * Number.parseInt(v, 10)) / 100);
  if (pdb.maxUnavailable !== undefined) return count(pdb.maxUnavailable);
  return w.replicas - count(pdb.minAvailable ?? 0);
}

/** Copies of a write that must succeed: Loki's and Thanos's quorum for a replication factor. */
const lokiQuorum = (rf: number) => Math.floor(rf / 2) + 1;
const thanosQuorum = (rf: number) => (rf === 2 ? 1 : Math.floor(rf / 2) + 1);

function flagValue(args: readonly string[], flag: string): string | undefined {
  return args.find((a) => a.startsWith(`--${flag}=`))?.slice(flag.length + 3);
}

function containerArgs(built: Stack, name: string): string[] {
  const o = built.objects.find(
    (x) => (x.kind === "StatefulSet" || x.kind === "Deployment") && x.metadata.name === name,
  ) as unknown as { spec: { template: { spec: { containers: { args?: string[] }[] } } } };
  return o.spec.template.spec.containers[0]?.args ?? [];
}

/** The body of each kubelet scrape (`prometheus.scrape "kubelet..."`) of the gateway, by label. */
function kubeletScrapes(built: Stack): Record<string, string> {
  return Object.fromEntries(
    [
      ...gatewayConfig(built).matchAll(
        /^prometheus\.scrape "(kubelet[a-z_]*)" \{\n([\s\S]*?)^\}/gm,
      ),
    ].map((m) => [m[1], m[2] ?? ""]),
  );
}

function gatewayConfig(built: Stack): string {
  return alloyGatewayConfigOf({
    name: "alloy-gateway",
    objects: built.objects,
    endpoints: built.endpoints.alloyGateway!,
  });
}

async function problemsOf(built: Stack): Promise<string[]> {
  return (await validateStack(built)).map((p) => `${p.layer}: ${p.message}`);
}

describe("every profile passes every validation layer", () => {
  const combinations: ProfileName[][] = [
    ...PROFILE_NAMES.map((name) => [name]),
    ...(["dev", "single-replica", "ha", "small", "large", "aws", "existing-grafana"] as const).map(
      (name): ProfileName[] => [name, "split-namespace"],
    ),
    ["ha", "large"],
    ["ha", "small"],
    ["aws", "ha"],
    ["large", "single-replica"],
  ];
  for (const names of combinations) {
    it(names.join(" + "), async () => {
      expect(await problemsOf(render(names))).toEqual([]);
    });
  }
});

describe("small", () => {
  const small = render(["small"]);
  const medium = render([]);

  it("gives no workload more replicas, memory or volume than medium, and less in total", () => {
    for (const w of workloads(small)) {
      const m = workloads(medium).find((x) => x.kind === w.kind && x.name === w.name);
      if (!m) continue;
      expect(w.replicas, w.name).toBeLessThanOrEqual(m.replicas);
      expect(podRequest(w.spec, "memory"), w.name).toBeLessThanOrEqual(
        podRequest(m.spec, "memory"),
      );
      expect(
        w.claims.reduce((a, b) => a + b, 0),
        w.name,
      ).toBeLessThanOrEqual(m.claims.reduce((a, b) => a + b, 0));
    }
    const total = (b: Stack) => Object.values(replicaCounts(b)).reduce((a, n) => a + n, 0);
    expect(total(small)).toBeLessThan(total(medium));
    expect(memoryRequests(small)).toBeLessThan(memoryRequests(medium));
    expect(storageRequests(small)).toBeLessThan(storageRequests(medium));
  });
});

describe("medium", () => {
  it("renders exactly what no profile renders", () => {
    expect(toYamlStream(render(["medium"]).objects)).toBe(toYamlStream(stack().objects));
  });
});

describe("large", () => {
  const large = render(["large"]);
  const medium = render([]);

  it("gives no workload fewer replicas, memory or volume than medium, and more in total", () => {
    for (const m of workloads(medium)) {
      const w = workloads(large).find((x) => x.kind === m.kind && x.name === m.name);
      expect(w, m.name).toBeDefined();
      expect(w!.replicas, m.name).toBeGreaterThanOrEqual(m.replicas);
      expect(podRequest(w!.spec, "memory"), m.name).toBeGreaterThanOrEqual(
        podRequest(m.spec, "memory"),
      );
      expect(
        w!.claims.reduce((a, b) => a + b, 0),
        m.name,
      ).toBeGreaterThanOrEqual(m.claims.reduce((a, b) => a + b, 0));
    }
    const total = (b: Stack) => Object.values(replicaCounts(b)).reduce((a, n) => a + n, 0);
    expect(total(large)).toBeGreaterThan(total(medium));
    expect(memoryRequests(large)).toBeGreaterThan(memoryRequests(medium));
    expect(storageRequests(large)).toBeGreaterThan(storageRequests(medium));
    expect(workload(large, "loki-chunks-cache").replicas).toBeGreaterThan(
      workload(medium, "loki-chunks-cache").replicas,
    );
  });
});

describe("single-replica", () => {
  const built = render(["single-replica"]);

  it("renders exactly one replica of every Deployment and StatefulSet", () => {
    const counts = replicaCounts(built);
    // Every component is there, gateways and caches included.
    expect(Object.keys(counts).sort()).toEqual(
      [
        "Deployment/alloy-gateway",
        "Deployment/grafana",
        "Deployment/grafana-operator",
        "Deployment/kube-state-metrics",
        "Deployment/loki-gateway",
        "Deployment/metrics-server",
        "Deployment/thanos-query",
        "Deployment/thanos-query-frontend",
        "Deployment/thanos-query-frontend-memcached",
        "StatefulSet/alertmanager",
        "StatefulSet/loki-chunks-cache",
        "StatefulSet/loki-results-cache",
        "StatefulSet/loki-single-binary",
        "StatefulSet/thanos-compactor",
        "StatefulSet/thanos-receive",
        "StatefulSet/thanos-ruler",
        "StatefulSet/thanos-store",
      ].sort(),
    );
    for (const [name, replicas] of Object.entries(counts)) expect(replicas, name).toBe(1);
  });

  it("does not autoscale the gateway, and keeps its DaemonSets", () => {
    expect(built.objects.filter((o) => o.kind === "HorizontalPodAutoscaler")).toEqual([]);
    expect(
      workloads(built)
        .filter((w) => w.kind === "DaemonSet")
        .map((w) => w.name)
        .sort(),
    ).toEqual(["alloy-agent", "node-exporter"]);
    expect(flagValue(containerArgs(built, "thanos-receive"), "receive.replication-factor")).toBe(
      "1",
    );
  });

  it("stays at one replica over a larger size, and in split receive mode", () => {
    for (const [name, replicas] of Object.entries(
      replicaCounts(render(["large", "single-replica"])),
    ))
      expect(replicas, name).toBe(1);
    const split = render(["single-replica"], { thanos: { receive: { mode: "split" } } });
    for (const [name, replicas] of Object.entries(replicaCounts(split)))
      expect(replicas, name).toBe(1);
  });
});

describe("dev", () => {
  const built = render(["dev"]);

  it("renders one replica of every Deployment and StatefulSet", () => {
    const counts = replicaCounts(built);
    expect(Object.keys(counts).length).toBeGreaterThan(8);
    for (const [name, replicas] of Object.entries(counts)) expect(replicas, name).toBe(1);
    expect(built.objects.filter((o) => o.kind === "HorizontalPodAutoscaler")).toEqual([]);
  });

  it("requests at most 2 GiB of memory over all pods (each DaemonSet's pod once)", () => {
    expect(memoryRequests(built)).toBeLessThanOrEqual(2 * GiB);
    expect(memoryRequests(built) / MiB).toBe(1760);
  });

  it("requests at most 10 GiB of volumes (claims times replicas)", () => {
    expect(storageRequests(built)).toBeLessThanOrEqual(10 * GiB);
    expect(storageRequests(built) / GiB).toBe(9);
  });

  it("keeps to the budget over a larger size and with split-namespace", () => {
    for (const names of [
      ["large", "dev"],
      ["dev", "split-namespace"],
    ] as ProfileName[][]) {
      const b = render(names);
      expect(memoryRequests(b), names.join("+")).toBeLessThanOrEqual(2 * GiB);
      expect(storageRequests(b), names.join("+")).toBeLessThanOrEqual(10 * GiB);
    }
  });

  it("uses filesystem storage and no bucket", () => {
    expect(built.values.loki.mode).toBe("single-binary");
    expect(built.values.loki.storage).toBeUndefined();
    expect(built.values.thanos.mode).toBe("dev");
    expect(built.values.thanos.objectStorage).toBeUndefined();
    expect(built.notices.some((n) => n.includes("placeholder S3 bucket"))).toBe(false);
  });

  it("verifies no kubelet certificate: metrics-server and every kubelet scrape of the gateway", () => {
    expect(containerArgs(built, "metrics-server")).toContain("--kubelet-insecure-tls");
    const scrapes = kubeletScrapes(built);
    expect(Object.keys(scrapes).sort()).toEqual([
      "kubelet",
      "kubelet_cadvisor",
      "kubelet_resource",
    ]);
    for (const [label, body] of Object.entries(scrapes)) {
      expect(body, label).toMatch(/scheme\s+= "https"/);
      expect(body, label).toMatch(/tls_config \{[^}]*insecure_skip_verify = true/);
    }
    // The default verifies them against the cluster CA.
    for (const [label, body] of Object.entries(kubeletScrapes(stack())))
      expect(body, label).not.toContain("insecure_skip_verify");
  });

  it("reports skipping verification as a notice, naming the values", () => {
    expect(built.notices.filter((n) => n.startsWith("TLS certificates are not verified"))).toEqual([
      "TLS certificates are not verified (alloyGateway.scrape.kubelet.insecureSkipVerify, exporters.metricsServer.kubeletInsecureTLS): anyone on the path can impersonate those endpoints. Fine on kind-like clusters whose kubelets serve self-signed certificates; set them to false where the certificates are signed by a CA the pods trust.",
    ]);
    const verified = render(["dev"], {
      alloyGateway: { scrape: { kubelet: { insecureSkipVerify: false } } },
      exporters: { metricsServer: { kubeletInsecureTLS: false } },
    });
    expect(verified.notices.filter((n) => n.startsWith("TLS"))).toEqual([]);
    for (const [label, body] of Object.entries(kubeletScrapes(verified)))
      expect(body, label).not.toContain("insecure_skip_verify");
    expect(containerArgs(verified, "metrics-server")).not.toContain("--kubelet-insecure-tls");
    // Without the profile nothing skips verification, and nothing is reported.
    expect(stack().notices.filter((n) => n.startsWith("TLS"))).toEqual([]);
  });

  it("reports the gateway's unverified metrics-server scrape until a CA is given", () => {
    const unverified = (s: Stack) =>
      s.notices.filter((n) => n.startsWith("the gateway scrapes metrics-server without verifying"));
    expect(unverified(stack())).toHaveLength(1);
    const ca = Buffer.from(
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    ).toString("base64");
    const verified = stack({
      exporters: { metricsServer: { tls: { secretName: "metrics-server-tls", caBundle: ca } } },
    });
    expect(unverified(verified)).toEqual([]);
    const body = toYamlStream(verified.objects);
    expect(body).toContain("metrics-server-tls");
    expect(unverified(stack({ exporters: { metricsServer: { enabled: false } } }))).toEqual([]);
  });
});

describe("ha", () => {
  const built = render(["ha"]);

  it("differs from the default", () => {
    expect(toYamlStream(built.objects)).not.toBe(toYamlStream(stack().objects));
  });

  it("spreads the quorum components hard across zones, and only them", () => {
    const quorum = ["loki-write", "thanos-receive", "alertmanager"];
    for (const name of quorum) {
      expect(zoneSpread(built, name), name).toBe("DoNotSchedule");
      const rule = workload(built, name).spec.topologySpreadConstraints?.find(
        (c) => c.topologyKey === "topology.kubernetes.io/zone",
      );
      // The constraint counts this workload's own pods.
      expect(
        Object.entries(rule?.labelSelector?.matchLabels ?? {}).every(
          ([k, v]) => workload(built, name).labels[k] === v,
        ),
        name,
      ).toBe(true);
    }
    for (const w of workloads(built)) {
      if (quorum.includes(w.name) || w.replicas < 2) continue;
      expect(zoneSpread(built, w.name), w.name).not.toBe("DoNotSchedule");
    }
  });

  it("replicates Loki writes 3 times on 3 write pods", () => {
    expect(built.values.loki.mode).toBe("simple-scalable");
    expect(built.values.loki.replicationFactor).toBe(3);
    expect(workload(built, "loki-write").replicas).toBeGreaterThanOrEqual(3);
  });

  it("replicates Thanos receive 3 times on enough replicas, at every size", () => {
    for (const size of [[], ["small"], ["large"]] as ProfileName[][]) {
      const b = render([...size, "ha"]);
      const rf = Number(
        flagValue(containerArgs(b, "thanos-receive"), "receive.replication-factor"),
      );
      expect(rf, size.join()).toBe(3);
      expect(workload(b, "thanos-receive").replicas, size.join()).toBeGreaterThanOrEqual(rf);
    }
    expect(workload(render(["small", "ha"]), "thanos-receive").replicas).toBe(3);
    expect(workload(render(["large", "ha"]), "thanos-receive").replicas).toBe(6);
  });

  it("has PodDisruptionBudgets that keep a write quorum and a notifying Alertmanager", () => {
    const lokiRf = built.values.loki.replicationFactor!;
    const thanosRf = Number(
      flagValue(containerArgs(built, "thanos-receive"), "receive.replication-factor"),
    );
    // A disruption may take only as many copies of a series as the quorum can spare.
    const loki = allowedDisruptions(built, "loki-write");
    expect(loki).toBeGreaterThanOrEqual(1);
    expect(loki).toBeLessThanOrEqual(lokiRf - lokiQuorum(lokiRf));
    const receive = allowedDisruptions(built, "thanos-receive");
    expect(receive).toBeGreaterThanOrEqual(1);
    expect(receive).toBeLessThanOrEqual(thanosRf - thanosQuorum(thanosRf));
    const alertmanager = workload(built, "alertmanager");
    expect(alertmanager.replicas).toBe(2);
    expect(allowedDisruptions(built, "alertmanager")).toBeLessThanOrEqual(
      alertmanager.replicas - 1,
    );
  });

  it("runs 2 metrics-server replicas, and one Grafana", () => {
    expect(workload(built, "metrics-server").replicas).toBe(2);
    expect(workload(built, "grafana").replicas).toBe(1);
  });
});

describe("split-namespace", () => {
  const built = render(["split-namespace"]);
  const ns = (name: string) =>
    built.objects.find((o) => o.kind === "Namespace" && o.metadata.name === name) as
      | KubeObject
      | undefined;

  it("runs the node agents in monitoring-agents at the privileged level", () => {
    for (const name of ["alloy-agent", "node-exporter"])
      expect(workload(built, name).namespace, name).toBe("monitoring-agents");
    expect(ns("monitoring-agents")?.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
    });
  });

  it("lets the stack's namespace enforce restricted, with nothing else outside it", () => {
    expect(ns("monitoring")?.metadata.labels).toMatchObject(podSecurityLabels("restricted"));
    for (const w of workloads(built))
      if (w.kind !== "DaemonSet") expect(w.namespace, w.name).toBe("monitoring");
    // Without the profile, the agents share the namespace, which has to allow them.
    const shared = stack().objects.find((o) => o.kind === "Namespace");
    expect(shared?.metadata.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
    });
  });
});

describe("cloud profiles", () => {
  const annotations = (built: Stack) =>
    built.objects
      .filter((o) => o.kind === "ServiceAccount" && ["loki", "thanos"].includes(o.metadata.name))
      .map((o) => o.metadata.annotations ?? {});

  it("aws: S3, and IRSA role annotations on the Loki and Thanos service accounts", () => {
    const built = render(["aws"]);
    expect(built.values.global.objectStorage?.type).toBe("s3");
    expect(annotations(built)).toEqual([
      { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/materialize-monitoring" },
      { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/materialize-monitoring" },
    ]);
  });

  it("gcp: GCS, and GKE workload identity on both service accounts", () => {
    const built = render(["gcp"]);
    expect(built.values.global.objectStorage?.type).toBe("gcs");
    expect(annotations(built).map((a) => Object.keys(a))).toEqual([
      ["iam.gke.io/gcp-service-account"],
      ["iam.gke.io/gcp-service-account"],
    ]);
  });

  it("azure: Blob Storage, and Azure workload identity on both service accounts", () => {
    const built = render(["azure"]);
    expect(built.values.global.objectStorage?.type).toBe("azure");
    expect(annotations(built).map((a) => Object.keys(a))).toEqual([
      ["azure.workload.identity/client-id"],
      ["azure.workload.identity/client-id"],
    ]);
  });
});

describe("existing-grafana", () => {
  const built = render(["existing-grafana"]);

  it("deploys no Grafana; the operator manages datasources and dashboards in the given one", () => {
    expect(workloads(built).some((w) => w.name === "grafana")).toBe(false);
    expect(workload(built, "grafana-operator").replicas).toBe(1);
    const instance = built.objects.find((o) => o.kind === "Grafana") as unknown as {
      spec: { external: { url: string } };
    };
    expect(instance.spec.external.url).toBe("https://grafana.example.com");
    expect(built.objects.filter((o) => o.kind === "GrafanaDatasource").length).toBeGreaterThan(0);
    expect(built.objects.filter((o) => o.kind === "GrafanaDashboard").length).toBeGreaterThan(0);
  });
});

describe("example identifiers", () => {
  /** Every scalar leaf of a values tree, by dotted path. */
  function leaves(tree: unknown, prefix = ""): [string, unknown][] {
    if (!isTree(tree)) return [[prefix, tree]];
    return Object.entries(tree).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  }
  const EXAMPLE = /example|123456789012|^0{8}-/;

  it("each profile lists every example value it holds, and only paths it sets", () => {
    for (const name of PROFILE_NAMES) {
      const profile: { values: unknown; examples?: readonly string[] } = PROFILES[name];
      const all = leaves(profile.values);
      const listed = profile.examples ?? [];
      for (const path of listed) {
        const leaf = all.find(([p]) => p === path);
        expect(leaf, `${name}: ${path}`).toBeDefined();
        expect(typeof leaf?.[1], `${name}: ${path}`).toBe("string");
      }
      for (const [path, value] of all) {
        if (typeof value === "string" && EXAMPLE.test(value))
          expect(listed, `${name}: ${path}`).toContain(path);
      }
      // A profile with examples says so.
      if (listed.length > 0) expect(PROFILES[name].description, name).toMatch(/examples/);
    }
  });

  it("reports each example still present, one notice per value", () => {
    expect(profileNotices(["aws"], merged(["aws"]))).toEqual([
      "profile aws: global.objectStorage.bucket is the example value example-materialize-monitoring; set yours with -f or --set",
      "profile aws: loki.workloadIdentity.aws.roleArn is the example value arn:aws:iam::123456789012:role/materialize-monitoring; set yours with -f or --set",
      "profile aws: thanos.serviceAccount.workloadIdentity.aws.roleArn is the example value arn:aws:iam::123456789012:role/materialize-monitoring; set yours with -f or --set",
    ]);
    expect(profileNotices(["existing-grafana"], merged(["existing-grafana"]))).toEqual([
      "profile existing-grafana: grafana.external.url is the example value https://grafana.example.com; set yours with -f or --set",
      "profile existing-grafana: grafana.external.adminUser.name is the example value grafana-admin; set yours with -f or --set",
      "profile existing-grafana: grafana.external.adminPassword.name is the example value grafana-admin; set yours with -f or --set",
    ]);
    for (const name of ["gcp", "azure"] as const) {
      expect(profileNotices([name], merged([name]))).toHaveLength(PROFILES[name].examples.length);
    }
  });

  it("stops reporting a value once yours replaces it", () => {
    const values = merged(["aws"], {
      global: { objectStorage: { bucket: "acme-monitoring" } },
      loki: { workloadIdentity: { aws: { roleArn: "arn:aws:iam::999999999999:role/loki" } } },
    });
    expect(profileNotices(["aws"], values)).toEqual([
      "profile aws: thanos.serviceAccount.workloadIdentity.aws.roleArn is the example value arn:aws:iam::123456789012:role/materialize-monitoring; set yours with -f or --set",
    ]);
    // A path two profiles share (both buckets are the same example) is reported once, by the first.
    expect(
      profileNotices(["aws", "gcp"], merged(["aws", "gcp"])).filter((n) =>
        n.includes("objectStorage.bucket"),
      ),
    ).toEqual([
      "profile aws: global.objectStorage.bucket is the example value example-materialize-monitoring; set yours with -f or --set",
    ]);
  });

  it("is silent for profiles without examples and for names that are not profiles", () => {
    expect(profileNotices(["dev", "ha", "split-namespace"], merged(["dev", "ha"]))).toEqual([]);
    expect(profileNotices(["nope", "toString"], merged(["aws"]))).toEqual([]);
    expect(profileNotices([], {})).toEqual([]);
  });

  it("is pure: the values are not changed", () => {
    const values = merged(["aws"]);
    const copy = structuredClone(values);
    profileNotices(["aws"], values);
    expect(values).toEqual(copy);
  });
});

describe("render prints the example values a profile still holds", () => {
  it("names each example of -p aws on stderr, and drops the one the user set", async () => {
    const { runCli } = await import("./run-cli.js");
    const plain = await runCli(["render", "-p", "aws"]);
    expect(plain.code).toBe(0);
    expect(plain.err).toContain(
      "notice: profile aws: global.objectStorage.bucket is the example value example-materialize-monitoring",
    );
    expect(plain.err).toContain("notice: profile aws: loki.workloadIdentity.aws.roleArn");
    const set = await runCli([
      "render",
      "-p",
      "aws",
      "--set",
      "global.objectStorage.bucket=acme-telemetry",
    ]);
    expect(set.code).toBe(0);
    expect(set.err).not.toContain("global.objectStorage.bucket is the example value");
    expect(set.err).toContain("loki.workloadIdentity.aws.roleArn is the example value");
    const quiet = await runCli(["render", "-p", "existing-grafana", "-q"]);
    expect(quiet.err).toBe("");
  });
});
