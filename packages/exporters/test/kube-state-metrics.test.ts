import type { KubeObject, StatefulSet } from "@materialize-monitoring/core";
import { toYamlStream } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_KUBE_STATE_METRICS_RESOURCES,
  KUBE_STATE_METRICS_RESOURCES,
  type KubeStateMetricsValues,
  kubeStateMetrics,
  kubeStateMetricsRules,
} from "../src/index.js";
import {
  find,
  kinds,
  mainContainer,
  networkPolicySpec,
  podSpec,
  rules,
  serviceSpec,
  spec,
  unselectedServices,
  valuesErrorOf,
} from "./helpers.js";

/** The pod labels Materialize's dashboards group by (shared/reference/materialize.md). */
const MATERIALIZE_COPY_LABELS = [
  "materialize.cloud/organization-name",
  "materialize.cloud/organization-namespace",
  "materialize.cloud/organization-id",
  "cluster.environmentd.materialize.cloud/cluster-id",
  "cluster.environmentd.materialize.cloud/replica-id",
];

function arg(objects: readonly KubeObject[], flag: string): string | undefined {
  const args = mainContainer(objects).args ?? [];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

describe("kube-state-metrics", () => {
  const component = kubeStateMetrics();
  const { objects } = component;
  const sharded = kubeStateMetrics({ sharding: { enabled: true, shards: 3 } });

  it("renders the default profile", () => {
    expect(toYamlStream(objects)).toMatchSnapshot();
  });

  it("renders the sharded profile", () => {
    expect(toYamlStream(sharded.objects)).toMatchSnapshot();
  });

  it("passes the Kubernetes schemas in every profile", async () => {
    for (const values of [
      {},
      { sharding: { enabled: true, shards: 3 } },
      { replicas: 2, metricDenylist: ["kube_.+_annotations"] },
      {
        watchedResources: ["pods", "nodes", "secrets"],
        metricLabelsAllowlist: { nodes: ["topology.kubernetes.io/zone"] },
      },
    ] satisfies KubeStateMetricsValues[]) {
      expect(await validateObjects(kubeStateMetrics(values).objects)).toEqual([]);
    }
  });

  it("renders its objects", () => {
    expect(kinds(objects)).toEqual([
      "ClusterRole/kube-state-metrics",
      "ClusterRoleBinding/kube-state-metrics",
      "Deployment/kube-state-metrics",
      "NetworkPolicy/kube-state-metrics",
      "Service/kube-state-metrics",
      "ServiceAccount/kube-state-metrics",
    ]);
    expect(unselectedServices(objects)).toEqual([]);
    expect(unselectedServices(sharded.objects)).toEqual([]);
  });

  it("ClusterRole: list and watch on exactly the watched resources, nothing else", () => {
    const granted = rules(objects, "ClusterRole", "kube-state-metrics");
    for (const rule of granted) {
      expect(rule.verbs).toEqual(["list", "watch"]);
      for (const resource of rule.resources ?? []) {
        expect(rule.apiGroups).toEqual([
          KUBE_STATE_METRICS_RESOURCES[resource as keyof typeof KUBE_STATE_METRICS_RESOURCES],
        ]);
      }
    }
    const resources = granted.flatMap((r) => r.resources ?? []).sort();
    expect(resources).toEqual([...DEFAULT_KUBE_STATE_METRICS_RESOURCES].sort());
    expect(resources).not.toContain("secrets");
    expect(resources).not.toContain("configmaps");
    expect(arg(objects, "--resources")?.split(",")).toEqual(resources);
    expect(find(objects, "ClusterRoleBinding", "kube-state-metrics")).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "kube-state-metrics" },
      subjects: [{ kind: "ServiceAccount", name: "kube-state-metrics", namespace: "monitoring" }],
    });
  });

  it("derives rules per API group", () => {
    expect(kubeStateMetricsRules(["pods", "deployments", "secrets", "leases"])).toEqual([
      { apiGroups: [""], resources: ["pods", "secrets"], verbs: ["list", "watch"] },
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list", "watch"] },
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["list", "watch"] },
    ]);
  });

  it("copies every Materialize pod label the dashboards group by onto kube_pod_labels", () => {
    const allowlist = arg(objects, "--metric-labels-allowlist") ?? "";
    const match = /^pods=\[(.*)\]$/.exec(allowlist);
    expect(match, allowlist).not.toBeNull();
    const keys = (match?.[1] ?? "").split(",");
    for (const label of MATERIALIZE_COPY_LABELS) expect(keys).toContain(label);
    expect(component.endpoints.metricLabelsAllowlist.pods).toEqual(keys);
    const merged = kubeStateMetrics({
      metricLabelsAllowlist: { pods: ["team"], namespaces: ["team"] },
    });
    expect(arg(merged.objects, "--metric-labels-allowlist")).toBe(
      `namespaces=[team],pods=[${keys.join(",")},team]`,
    );
    const none = kubeStateMetrics({ materializePodLabels: false });
    expect(arg(none.objects, "--metric-labels-allowlist")).toBeUndefined();
  });

  it("passes metric allow- and denylists through", () => {
    const allow = kubeStateMetrics({ metricAllowlist: ["kube_pod_.+", "kube_node_info"] });
    expect(arg(allow.objects, "--metric-allowlist")).toBe("kube_pod_.+,kube_node_info");
    expect(arg(allow.objects, "--metric-denylist")).toBeUndefined();
    const deny = kubeStateMetrics({ metricDenylist: ["kube_.+_annotations"] });
    expect(arg(deny.objects, "--metric-denylist")).toBe("kube_.+_annotations");
    expect(arg(objects, "--metric-allowlist")).toBeUndefined();
  });

  it.each([
    ["#comment", /one metric name or RE2 pattern per entry/],
    ["kube_pod_info,kube_node_info", /no commas or spaces/],
    ["kube_(pod", /metricAllowlist\[0\]: /],
    ["", /metricAllowlist\[0\]: /],
  ])("refuses the allow-list entry %j, naming it", (entry, expected) => {
    let message = "";
    try {
      kubeStateMetrics({ metricAllowlist: [entry] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^kube-state-metrics\.metricAllowlist\[0\]: /);
    expect(message).toMatch(expected);
  });

  it("escapes $( in a pattern, so the kubelet passes it to kube-state-metrics unchanged", () => {
    const built = kubeStateMetrics({ metricAllowlist: ["kube_pod_$(HOSTNAME)"] });
    expect(arg(built.objects, "--metric-allowlist")).toBe("kube_pod_$$(HOSTNAME)");
  });

  it("serves http-metrics 8080 and telemetry 8081, probed on /livez and /readyz", () => {
    const c = mainContainer(objects);
    expect(c.ports).toEqual([
      { name: "http-metrics", containerPort: 8080, protocol: "TCP" },
      { name: "telemetry", containerPort: 8081, protocol: "TCP" },
    ]);
    expect(c.args?.slice(0, 2)).toEqual(["--port=8080", "--telemetry-port=8081"]);
    expect(c.livenessProbe?.httpGet).toEqual({
      path: "/livez",
      port: "http-metrics",
      scheme: "HTTP",
    });
    expect(c.readinessProbe?.httpGet).toEqual({
      path: "/readyz",
      port: "telemetry",
      scheme: "HTTP",
    });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      runAsUser: 65534,
    });
    const svc = serviceSpec(objects, "kube-state-metrics");
    expect(svc.clusterIP).toBe("None");
    expect(svc.ports?.map((p) => [p.name, p.port, p.targetPort])).toEqual([
      ["http-metrics", 8080, "http-metrics"],
      ["telemetry", 8081, "telemetry"],
    ]);
    expect(podSpec(objects).automountServiceAccountToken).toBe(true);
  });

  it("sharding: a StatefulSet whose pods find their shard, with the RBAC to do so", () => {
    const sts = spec(find<StatefulSet>(sharded.objects, "StatefulSet", "kube-state-metrics"));
    expect(sts.replicas).toBe(3);
    expect(sts.serviceName).toBe("kube-state-metrics");
    const c = mainContainer(sharded.objects);
    expect(c.args).toEqual(
      expect.arrayContaining(["--pod=$(POD_NAME)", "--pod-namespace=$(POD_NAMESPACE)"]),
    );
    expect(c.env).toEqual([
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    ]);
    expect(rules(sharded.objects, "Role", "kube-state-metrics")).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      {
        apiGroups: ["apps"],
        resources: ["statefulsets"],
        resourceNames: ["kube-state-metrics"],
        verbs: ["get"],
      },
    ]);
    expect(find(sharded.objects, "RoleBinding", "kube-state-metrics")).toMatchObject({
      roleRef: { kind: "Role", name: "kube-state-metrics" },
    });
    expect(find(sharded.objects, "PodDisruptionBudget")).toMatchObject({
      spec: { maxUnavailable: 1 },
    });
    expect(sharded.objects.some((o) => o.kind === "Deployment")).toBe(false);
    expect(sharded.endpoints.shards).toBe(3);
    expect(component.endpoints.shards).toBe(1);
  });

  it("NetworkPolicy: only the scraper reaches both ports; egress to DNS and the API server", () => {
    const policy = networkPolicySpec(objects, "kube-state-metrics");
    expect(policy.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } } }],
        ports: [
          { protocol: "TCP", port: 8080 },
          { protocol: "TCP", port: 8081 },
        ],
      },
    ]);
    expect(policy.egress).toHaveLength(2);
    expect(JSON.stringify(policy.egress?.[0])).toContain("kube-dns");
    expect(policy.egress?.[1]).toEqual({
      ports: [
        { protocol: "TCP", port: 443 },
        { protocol: "TCP", port: 6443 },
      ],
    });
    const pinned = kubeStateMetrics({
      networkPolicy: {
        scraper: {
          podLabels: { app: "gw" },
          namespaceLabels: { "kubernetes.io/metadata.name": "obs" },
        },
        apiServer: { cidrs: ["172.20.0.1/32"], ports: [443] },
      },
    });
    const pinnedPolicy = networkPolicySpec(pinned.objects, "kube-state-metrics");
    expect(pinnedPolicy.ingress?.[0]?.from).toEqual([
      {
        podSelector: { matchLabels: { app: "gw" } },
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "obs" } },
      },
    ]);
    expect(pinnedPolicy.egress?.[1]).toEqual({
      to: [{ ipBlock: { cidr: "172.20.0.1/32" } }],
      ports: [{ protocol: "TCP", port: 443 }],
    });
    // A scraper in a namespace by name, as the umbrella passes the gateway's pods.
    const byName = kubeStateMetrics({
      networkPolicy: { scraper: { podLabels: { app: "gw" }, namespace: "pipeline" } },
    });
    expect(networkPolicySpec(byName.objects, "kube-state-metrics").ingress?.[0]?.from).toEqual([
      {
        podSelector: { matchLabels: { app: "gw" } },
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "pipeline" } },
      },
    ]);
    const sameNamespace = kubeStateMetrics({
      networkPolicy: { scraper: { podLabels: { app: "gw" }, namespace: "monitoring" } },
    });
    expect(
      networkPolicySpec(sameNamespace.objects, "kube-state-metrics").ingress?.[0]?.from,
    ).toEqual([{ podSelector: { matchLabels: { app: "gw" } } }]);
    expect(
      valuesErrorOf(() =>
        kubeStateMetrics({
          networkPolicy: {
            scraper: { podLabels: { app: "gw" }, namespace: "a", namespaceLabels: { b: "c" } },
          },
        }),
      ),
    ).toBe("kube-state-metrics.networkPolicy.scraper: use either namespace or namespaceLabels");
  });

  it("takes the default priority class from the context", () => {
    const withClass = kubeStateMetrics({}, { priorityClasses: { default: "mm-default" } });
    expect(podSpec(withClass.objects).priorityClassName).toBe("mm-default");
  });

  it("publishes its endpoints", () => {
    const selector = {
      "app.kubernetes.io/name": "kube-state-metrics",
      "app.kubernetes.io/instance": "materialize-monitoring",
    };
    expect(component.endpoints.metrics).toEqual({
      jobName: "kube-state-metrics",
      address: "kube-state-metrics.monitoring.svc.cluster.local:8080",
      url: "http://kube-state-metrics.monitoring.svc.cluster.local:8080/metrics",
      scheme: "http",
      path: "/metrics",
      portName: "http-metrics",
      port: 8080,
      serviceName: "kube-state-metrics",
      namespace: "monitoring",
      selector,
      bearerTokenAuth: false,
      honorLabels: true,
    });
    expect(component.endpoints.telemetry).toMatchObject({
      jobName: "kube-state-metrics-telemetry",
      address: "kube-state-metrics.monitoring.svc.cluster.local:8081",
      portName: "telemetry",
    });
    // What the umbrella's scrape jobs used to retype, owned here now.
    expect(component.endpoints.scrapeTargets).toEqual([
      {
        name: "kube_state_metrics",
        job: "kube-state-metrics",
        namespace: "monitoring",
        podLabels: selector,
        portName: "http-metrics",
        path: "/metrics",
        scheme: "http",
        hostNetwork: false,
        source: "kube-state-metrics",
        // Its series carry the namespace and pod of the objects they describe.
        honorLabels: true,
      },
    ]);
    expect(component.endpoints.metrics.honorLabels).toBe(true);
    expect(component.endpoints.telemetry.honorLabels).toBe(false);
    expect(component.endpoints.services.kubeStateMetrics).toEqual({
      service: "kube-state-metrics",
      namespace: "monitoring",
      host: "kube-state-metrics.monitoring.svc.cluster.local",
      ports: {
        metrics: { name: "http-metrics", port: 8080, protocol: "TCP" },
        telemetry: { name: "telemetry", port: 8081, protocol: "TCP" },
      },
      podLabels: selector,
    });
  });

  describe("errors", () => {
    it("both a metric allowlist and a denylist", () => {
      expect(
        valuesErrorOf(() =>
          kubeStateMetrics({ metricAllowlist: ["kube_pod_info"], metricDenylist: ["x"] }),
        ),
      ).toBe(
        "kube-state-metrics.metricDenylist: metricAllowlist and metricDenylist are mutually exclusive in kube-state-metrics (keep one of the two)",
      );
    });

    it("replicas together with sharding", () => {
      expect(
        valuesErrorOf(() => kubeStateMetrics({ replicas: 2, sharding: { enabled: true } })),
      ).toBe(
        "kube-state-metrics.replicas: replicas cannot be combined with sharding (each shard is one pod) (set sharding.shards instead and leave replicas at 1)",
      );
    });

    it("labels for a resource that is not watched", () => {
      expect(
        valuesErrorOf(() => kubeStateMetrics({ metricLabelsAllowlist: { secrets: ["team"] } })),
      ).toBe(
        "kube-state-metrics.metricLabelsAllowlist: labels are copied for secrets, which kube-state-metrics does not watch (add secrets to watchedResources, or drop the labels)",
      );
      expect(valuesErrorOf(() => kubeStateMetrics({ watchedResources: ["nodes"] }))).toBe(
        "kube-state-metrics.watchedResources: labels are copied for pods, which kube-state-metrics does not watch (add pods to watchedResources, or drop the labels)",
      );
    });

    it("an unknown resource, a label key with a comma, one shard", () => {
      expect(
        valuesErrorOf(() =>
          kubeStateMetrics({ watchedResources: ["podz"] } as unknown as KubeStateMetricsValues),
        ),
      ).toBe(
        'kube-state-metrics.watchedResources[0]: unknown kube-state-metrics resource "podz" (did you mean "pods"?)',
      );
      expect(
        valuesErrorOf(() => kubeStateMetrics({ metricLabelsAllowlist: { pods: ["a,b"] } })),
      ).toBe(
        "kube-state-metrics.metricLabelsAllowlist.pods[0]: a label key cannot contain commas, brackets, '=' or spaces",
      );
      expect(
        valuesErrorOf(() => kubeStateMetrics({ sharding: { enabled: true, shards: 1 } })),
      ).toMatch(/^kube-state-metrics\.sharding\.shards: /);
    });
  });
});
