/**
 * The Alloy node agent: its configuration (pinned text, alloy fmt form,
 * references, wiring), its objects (core's object, graph and policy checks
 * with its documented Pod Security exceptions) and every render-time error.
 */
import {
  downstreamOf,
  parse,
  pipelineGraph,
  pipelineProblems,
  print,
  validateReferences,
} from "@materialize-monitoring/alloy-syntax";
import type {
  ClusterRole,
  DaemonSet,
  KubeObject,
  Namespace,
  NetworkPolicy,
  ValuesError,
} from "@materialize-monitoring/core";
import { toYamlStream } from "@materialize-monitoring/core";
import {
  checkPolicies,
  checkReferences,
  checkServices,
  validateObjects,
} from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { expectSpreadRefused } from "../../../test-support/scheduling.js";
import { type AlloyAgentValues, alloyAgent, alloyAgentConfigOf } from "../src/index.js";

function find<T = KubeObject>(objects: readonly KubeObject[], kind: string): T {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as T;
}

function valuesErrorOf(render: () => unknown): string {
  try {
    render();
  } catch (error) {
    if ((error as ValuesError).name === "ValuesError") return (error as Error).message;
    throw error;
  }
  throw new Error("expected a ValuesError, but rendering succeeded");
}

const MATERIALIZE_METADATA: AlloyAgentValues["logs"] = {
  podLabelsAsMetadata: [
    {
      podLabel: "materialize.cloud/organization-name",
      name: "materialize_cloud_organization_name",
    },
    {
      podLabel: "cluster.environmentd.materialize.cloud/replica-id",
      name: "cluster_environmentd_materialize_cloud_replica_id",
    },
  ],
};

const RENDERS: [string, AlloyAgentValues][] = [
  ["default", {}],
  ["with the journal", { journal: { enabled: true } }],
  [
    "node label, Materialize pod labels as metadata, excluded namespaces",
    {
      logs: { ...MATERIALIZE_METADATA, nodeLabel: true, excludeNamespaces: ["kube-system"] },
      journal: { enabled: true },
    },
  ],
  ["own namespace", { namespace: "monitoring-nodes" }],
];

const text = (values: AlloyAgentValues) => alloyAgentConfigOf(alloyAgent(values));

describe("Alloy text", () => {
  it.each(RENDERS)(
    "%s: alloy fmt form, no dangling reference, every source reaches the writer",
    (_n, values) => {
      const t = text(values);
      const file = parse(t);
      expect(print(file)).toBe(t);
      expect(validateReferences(file)).toEqual([]);
      const graph = pipelineGraph(file);
      expect(pipelineProblems(graph)).toEqual([]);
      for (const source of graph.sources)
        expect(downstreamOf(graph, source).has("loki.write.gateway")).toBe(true);
    },
  );

  it("pins the default render", () => {
    expect(text({})).toMatchSnapshot();
  });

  it("pins the render with the journal and Materialize metadata", () => {
    expect(text({ journal: { enabled: true }, logs: MATERIALIZE_METADATA })).toMatchSnapshot();
  });

  it("discovers only its own node's pods (field selector on the downward-API node name)", () => {
    expect(text({})).toContain('field = "spec.nodeName=" + sys.env("NODE_NAME")');
    const env = find<DaemonSet>(alloyAgent().objects, "DaemonSet").spec?.template.spec
      ?.containers[0]?.env;
    expect(env).toEqual([
      { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
    ]);
  });

  it("tails /var/log/pods files, including static pods by their config hash", () => {
    const t = text({});
    expect(t.match(/replacement\s+= "\/var\/log\/pods\/\*\$1\/\*\.log"/g)).toHaveLength(2);
    expect(t).toContain("__meta_kubernetes_pod_annotation_kubernetes_io_config_hash");
    expect(t).toContain("local.file_match");
    expect(t).toContain('loki.source.file "pods"');
  });

  it("leaves its own pods' logs to the gateway", () => {
    expect(text({})).toMatch(
      /action\s+= "drop"[\s\S]*regex\s+= "materialize-monitoring;alloy-agent"/,
    );
  });

  it("parses CRI and keeps stream labels low-cardinality (pod, node and file name are not labels)", () => {
    const t = text({});
    expect(t).toContain("stage.cri { }");
    expect(t).toContain('values = ["filename", "pod", "node"]');
    const withNode = text({ logs: { nodeLabel: true } });
    expect(withNode).toContain('values = ["filename", "pod"]');
  });

  it.each([
    ["http://gw:3100/{tenant}/push", /contains \{ at column 16.*percent-encode it \(%7B\)/],
    ["gw:3100/loki/api/v1/push", /not an http\(s\) URL/],
    ["http://gw:3100/loki api", /contains whitespace/],
  ])("refuses the push URL %j with the fix", (pushUrl, expected) => {
    const message = valuesErrorOf(() => alloyAgent({ gateway: { pushUrl } }));
    expect(message).toMatch(/^alloy-agent\.gateway\.pushUrl: /);
    expect(message).toMatch(expected);
  });

  it("pushes to the gateway (the umbrella's URL, or the conventional one)", () => {
    expect(text({})).toContain(
      'url = "http://alloy-gateway.monitoring.svc.cluster.local:3100/loki/api/v1/push"',
    );
    expect(
      text({ gateway: { pushUrl: "http://gw.obs.svc.cluster.local:3100/loki/api/v1/push" } }),
    ).toContain('url = "http://gw.obs.svc.cluster.local:3100/loki/api/v1/push"');
    // The conventional URL follows the context's cluster domain, name prefix and the gateway's namespace.
    expect(
      alloyAgentConfigOf(
        alloyAgent(
          { gateway: { namespace: "pipeline" } },
          { namespace: "observability", clusterDomain: "corp.example", namePrefix: "mz-" },
        ),
      ),
    ).toContain('url = "http://mz-alloy-gateway.pipeline.svc.corp.example:3100/loki/api/v1/push"');
  });

  it("reads the kubelet's and the runtime's journal units by default, and the units it is given", () => {
    const t = text({ journal: { units: ["kubelet.service", "crio.service"] } });
    expect(t).toContain('loki.source.journal "node"');
    expect(t).toContain('"kubelet\\\\.service|crio\\\\.service"');
    expect(text({})).toContain('"kubelet\\\\.service|containerd\\\\.service"');
    expect(text({ journal: { enabled: false } })).not.toContain("loki.source.journal");
  });
});

describe("objects", () => {
  it.each(RENDERS)("%s: pass schema, Service and reference checks", async (_n, values) => {
    const objects = alloyAgent(values).objects;
    expect(await validateObjects(objects)).toEqual([]);
    expect(checkServices(objects)).toEqual([]);
    expect(checkReferences(objects)).toEqual([]);
  });

  it.each(RENDERS)(
    "%s: pass the policy checks with the documented exceptions, all of them used",
    (_n, values) => {
      const c = alloyAgent(values);
      const result = checkPolicies(c.objects, {
        exceptions: c.endpoints.podSecurity.policyExceptions,
      });
      expect(result.problems).toEqual([]);
      expect(result.unusedExceptions).toEqual([]);
    },
  );

  it("departs from restricted exactly where documented", () => {
    const c = alloyAgent();
    expect([...new Set(checkPolicies(c.objects).problems.map((p) => p.check))].sort()).toEqual([
      "hostPathVolumes",
      "runAsNonRoot",
      "runAsUser",
      "volumeTypes",
    ]);
    expect(c.endpoints.podSecurity.policyExceptions.map((e) => e.object)).toEqual(
      Array(4).fill("DaemonSet/monitoring/alloy-agent"),
    );
  });

  it("pins the default objects", () => {
    expect(toYamlStream(alloyAgent().objects)).toMatchSnapshot();
  });

  it("mounts /var/log read-only and keeps positions on a node directory", () => {
    const pod = find<DaemonSet>(alloyAgent({ journal: { enabled: true } }).objects, "DaemonSet")
      .spec?.template.spec;
    const mounts = pod?.containers[0]?.volumeMounts;
    expect(mounts?.find((m) => m.name === "varlog")).toEqual({
      name: "varlog",
      mountPath: "/var/log",
      readOnly: true,
    });
    expect(mounts?.find((m) => m.name === "machine-id")?.readOnly).toBe(true);
    expect(mounts?.find((m) => m.name === "positions")).toEqual({
      name: "positions",
      mountPath: "/var/lib/alloy/data",
    });
    expect(pod?.volumes?.find((v) => v.name === "positions")?.hostPath).toEqual({
      path: "/var/lib/alloy-agent/monitoring-materialize-monitoring",
      type: "DirectoryOrCreate",
    });
    expect(pod?.containers[0]?.args).toContain("--storage.path=/var/lib/alloy/data");
  });

  it("runs as root with every capability dropped, read-only root filesystem, no escalation, no host namespaces", () => {
    const pod = find<DaemonSet>(alloyAgent().objects, "DaemonSet").spec?.template.spec;
    expect(pod?.containers[0]?.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: false,
      runAsUser: 0,
      runAsGroup: 0,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod?.hostNetwork).toBeUndefined();
    expect(pod?.hostPID).toBeUndefined();
  });

  it("tolerates every taint, takes the node priority class, and a small resource envelope", () => {
    const pod = (values: AlloyAgentValues, ctx = {}) =>
      find<DaemonSet>(alloyAgent(values, ctx).objects, "DaemonSet").spec?.template.spec;
    expect(pod({})?.tolerations).toEqual([{ operator: "Exists" }]);
    expect(pod({ tolerateAllTaints: false })?.tolerations).toBeUndefined();
    expect(pod({}, { priorityClasses: { node: "system-node-critical" } })?.priorityClassName).toBe(
      "system-node-critical",
    );
    expect(pod({ scheduling: { priorityClassName: "mine" } })?.priorityClassName).toBe("mine");
    expect(pod({})?.containers[0]?.resources).toEqual({
      requests: { cpu: "50m", memory: "128Mi" },
      limits: { memory: "256Mi" },
    });
  });

  it("reads pods (of its node) from the API, nothing else", () => {
    expect(find<ClusterRole>(alloyAgent().objects, "ClusterRole").rules).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
    ]);
  });

  it("admits only the gateway's scrapes and reaches DNS, the API server and the gateway's push port", () => {
    const spec = find<NetworkPolicy>(alloyAgent().objects, "NetworkPolicy").spec;
    const gateway = {
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "alloy-gateway",
          "app.kubernetes.io/instance": "materialize-monitoring",
        },
      },
    };
    expect(spec?.ingress).toEqual([{ from: [gateway], ports: [{ protocol: "TCP", port: 12345 }] }]);
    expect(spec?.egress?.[2]).toEqual({ to: [gateway], ports: [{ protocol: "TCP", port: 3100 }] });
    expect(spec?.egress?.map((r) => r.ports?.map((p) => p.port))).toEqual([
      [53, 53],
      [443, 6443],
      [3100],
    ]);
  });

  it("in a namespace of its own: renders it with the privileged level and reaches the gateway across namespaces", () => {
    const c = alloyAgent({ namespace: "monitoring-nodes" });
    expect(find<Namespace>(c.objects, "Namespace").metadata?.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
    });
    const egress = find<NetworkPolicy>(c.objects, "NetworkPolicy").spec?.egress?.[2];
    expect(egress?.to?.[0]?.namespaceSelector).toEqual({
      matchLabels: { "kubernetes.io/metadata.name": "monitoring" },
    });
    expect(c.endpoints.podSecurity).toMatchObject({
      namespace: "monitoring-nodes",
      namespaceRendered: true,
      level: "privileged",
    });
  });
});

describe("endpoints", () => {
  it("gives its pod labels, exceptions and self-metrics job", () => {
    const e = alloyAgent().endpoints;
    expect(e.podLabels).toEqual({
      "app.kubernetes.io/name": "alloy-agent",
      "app.kubernetes.io/instance": "materialize-monitoring",
    });
    expect(e.selfMetricsTarget).toMatchObject({
      name: "alloy_agent",
      job: "monitoring/alloy-agent",
      role: "pod",
      source: "alloy",
      namespaces: ["monitoring"],
      portName: "http-metrics",
      podLabels: e.podLabels,
      discoverySelectors: {
        label:
          "app.kubernetes.io/instance=materialize-monitoring,app.kubernetes.io/name=alloy-agent",
        field: "status.phase=Running",
      },
    });
    expect(e.podSecurity.exceptions.map((x) => x.check)).toEqual([
      "hostPathVolumes",
      "volumeTypes",
      "runAsNonRoot",
      "runAsUser",
    ]);
  });
});

describe("errors", () => {
  it("the stack's own namespace as the agent's namespace", () => {
    expect(valuesErrorOf(() => alloyAgent({ namespace: "monitoring" }))).toBe(
      "alloy-agent.namespace: \"monitoring\" is the stack's namespace, which this component does not own (leave namespace out to share the stack's namespace, or name a namespace of its own)",
    );
  });

  it("bad values name their path", () => {
    expect(valuesErrorOf(() => alloyAgent({ journal: { units: ["kubelet"] } }))).toBe(
      "alloy-agent.journal.units[0]: not a systemd unit name",
    );
    expect(valuesErrorOf(() => alloyAgent({ gateway: { pushUrl: "not a url" } }))).toContain(
      "alloy-agent.gateway.pushUrl",
    );
    expect(
      valuesErrorOf(() =>
        alloyAgent({ logs: { podLabelsAsMetadata: [{ podLabel: "a/b", name: "a/b" }] } }),
      ),
    ).toBe(
      "alloy-agent.logs.podLabelsAsMetadata[0].name: not a Prometheus label name (letters, digits, _)",
    );
  });
});

describe("positions.hostPath", () => {
  it.each([
    ["/", /not a directory of the agent's own/],
    ["/etc", /not a directory of the agent's own/],
    ["/etc/alloy", /under the node's system directory \/etc/],
    ["/var/lib", /holds other programs' data/],
    ["/var/lib/../../etc", /without \. or \.\./],
    ["/proc/self", /system directory \/proc/],
  ])("refuses %s, which a root agent would mount read-write", (hostPath, message) => {
    const text = valuesErrorOf(() => alloyAgent({ positions: { hostPath } }));
    expect(text).toMatch(/^alloy-agent\.positions\.hostPath: /);
    expect(text).toMatch(message);
  });

  it("accepts a directory of its own", () => {
    const ds = find(
      alloyAgent({ positions: { hostPath: "/var/lib/mz-alloy" } }).objects,
      "DaemonSet",
    );
    expect(JSON.stringify(ds)).toContain('"path":"/var/lib/mz-alloy"');
  });
});

describe("node-agent scheduling", () => {
  it("refuses topology spread constraints: a DaemonSet has one pod per node and nothing to spread", () => {
    expectSpreadRefused((scheduling) => alloyAgent({ scheduling }), "alloy-agent", valuesErrorOf);
  });
});
