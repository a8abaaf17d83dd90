/**
 * The gateway's Kubernetes objects: pinned YAML, core's object, graph and
 * policy checks, and targeted assertions on the workload, Services, RBAC
 * and NetworkPolicy.
 */
import type {
  ClusterRole,
  Deployment,
  HorizontalPodAutoscaler,
  NetworkPolicy,
  PodDisruptionBudget,
  Role,
  Service,
} from "@materialize-monitoring/core";
import { toYamlStream } from "@materialize-monitoring/core";
import {
  checkPolicies,
  checkReferences,
  checkServices,
  validateObjects,
} from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { type AlloyGatewayValues, alloyGatewayPlan, type ScrapeJobInput } from "../src/index.js";
import { buildGateway, FULL, find, SINGLE, withDestinations } from "./helpers.js";

const RENDERS: [string, AlloyGatewayValues][] = [
  ["default", {}],
  ["single replica", SINGLE],
  ["full", FULL],
  [
    "apiServerProxy kubelet, events in two namespaces",
    {
      scrape: { kubelet: { mode: "apiServerProxy" } },
      logs: { events: { namespaces: ["materialize", "materialize-environment"] } },
    },
  ],
];
const EXTERNAL_SECRETS = ["central-loki", "central-metrics"];

describe("objects", () => {
  it.each(RENDERS)("%s: pass Kubernetes schema validation", async (_n, values) => {
    expect(await validateObjects(buildGateway(values).objects)).toEqual([]);
  });

  it.each(RENDERS)("%s: Services select pods with the ports they name", (_n, values) => {
    expect(checkServices(buildGateway(values).objects)).toEqual([]);
  });

  it.each(RENDERS)("%s: every referenced object exists or is the user's Secret", (_n, values) => {
    expect(checkReferences(buildGateway(values).objects, { secrets: EXTERNAL_SECRETS })).toEqual(
      [],
    );
  });

  it.each(RENDERS)(
    "%s: restricted Pod Security, requests, limits, probes, PDB, spread, no credentials",
    (_n, values) => {
      const result = checkPolicies(buildGateway(values).objects);
      expect(result.problems).toEqual([]);
    },
  );

  it("pins the default objects", () => {
    expect(toYamlStream(buildGateway().objects)).toMatchSnapshot();
  });

  it("pins the full objects", () => {
    expect(toYamlStream(buildGateway(FULL).objects)).toMatchSnapshot();
  });
});

describe("workload", () => {
  const objects = buildGateway().objects;
  const deployment = find<Deployment>(objects, "Deployment", "alloy-gateway");
  const pod = deployment.spec?.template.spec;
  const alloy = pod?.containers[0];

  it("runs two clustered replicas that join through the headless Service", () => {
    // The HPA owns the count (minimum 2): the Deployment writes none, so an apply never resets it.
    expect(deployment.spec?.replicas).toBeUndefined();
    const hpa = find<{ spec: { minReplicas: number } }>(
      objects,
      "HorizontalPodAutoscaler",
      "alloy-gateway",
    );
    expect(hpa.spec.minReplicas).toBe(2);
    expect(
      find<Deployment>(buildGateway({ autoscaling: { enabled: false } }).objects, "Deployment").spec
        ?.replicas,
    ).toBe(2);
    expect(alloy?.args).toEqual([
      "run",
      "/etc/alloy/config.alloy",
      "--storage.path=/var/lib/alloy/data",
      "--server.http.listen-addr=0.0.0.0:12345",
      "--disable-reporting",
      "--cluster.enabled=true",
      "--cluster.join-addresses=alloy-gateway-cluster.monitoring.svc.cluster.local:12345",
      "--cluster.name=monitoring.alloy-gateway",
    ]);
    const headless = find<Service>(objects, "Service", "alloy-gateway-cluster");
    expect(headless.spec?.clusterIP).toBe("None");
    expect(headless.spec?.publishNotReadyAddresses).toBe(true);
  });

  it("is selected by core's selector labels for alloy-gateway (what other components admit)", () => {
    expect(deployment.spec?.selector.matchLabels).toEqual({
      "app.kubernetes.io/name": "alloy-gateway",
      "app.kubernetes.io/instance": "materialize-monitoring",
    });
    expect(buildGateway({}, { instance: "eu" }).endpoints.podLabels).toEqual({
      "app.kubernetes.io/name": "alloy-gateway",
      "app.kubernetes.io/instance": "eu",
    });
  });

  it("exposes push 3100 and UI/metrics 12345 (and OTLP 4317/4318 when the receiver is on)", () => {
    const ports = (o: typeof objects) =>
      find<Service>(o, "Service", "alloy-gateway").spec?.ports?.map((p) => [p.name, p.port]);
    expect(ports(objects)).toEqual([
      ["http-metrics", 12345],
      ["http-push", 3100],
    ]);
    expect(ports(buildGateway({ receivers: { otlp: { enabled: true } } }).objects)).toEqual([
      ["http-metrics", 12345],
      ["http-push", 3100],
      ["otlp-grpc", 4317],
      ["otlp-http", 4318],
    ]);
  });

  it("has a checksum of its configuration on the pod template", () => {
    const a = find<Deployment>(buildGateway().objects, "Deployment").spec?.template.metadata
      ?.annotations;
    const b = find<Deployment>(buildGateway({ logLevel: "debug" }).objects, "Deployment").spec
      ?.template.metadata?.annotations;
    expect(a?.["checksum/config"]).toMatch(/^[a-f0-9]{64}$/);
    expect(a?.["checksum/config"]).not.toBe(b?.["checksum/config"]);
  });

  it("autoscales on CPU and memory from replicas up to maxReplicas, with a PDB and spread", () => {
    const hpa = find<HorizontalPodAutoscaler>(objects, "HorizontalPodAutoscaler");
    expect(hpa.spec?.minReplicas).toBe(2);
    expect(hpa.spec?.maxReplicas).toBe(6);
    expect(hpa.spec?.metrics?.map((m) => m.resource?.name)).toEqual(["cpu", "memory"]);
    expect(find<PodDisruptionBudget>(objects, "PodDisruptionBudget").spec?.maxUnavailable).toBe(1);
    expect(pod?.topologySpreadConstraints?.map((c) => c.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
  });

  it("single replica: no HPA, no PDB, no headless Service", () => {
    const kinds = buildGateway(SINGLE).objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).not.toContain("HorizontalPodAutoscaler/alloy-gateway");
    expect(kinds).not.toContain("PodDisruptionBudget/alloy-gateway");
    expect(kinds).not.toContain("Service/alloy-gateway-cluster");
  });

  it("keeps the WAL in a size-limited emptyDir under --storage.path, as the image's non-root user", () => {
    expect(pod?.volumes?.find((v) => v.name === "storage")?.emptyDir).toEqual({
      sizeLimit: "10Gi",
    });
    expect(pod?.securityContext?.runAsUser).toBe(473);
    expect(alloy?.securityContext?.readOnlyRootFilesystem).toBe(true);
  });

  it("mounts destination Secrets read-only and takes user names from secretKeyRef", () => {
    const full = find<Deployment>(buildGateway(FULL).objects, "Deployment").spec?.template.spec;
    expect(full?.volumes?.filter((v) => v.secret)).toEqual([
      {
        name: "secret-central-loki",
        secret: { secretName: "central-loki", items: [{ key: "password", path: "password" }] },
      },
      {
        name: "secret-central-metrics",
        secret: { secretName: "central-metrics", items: [{ key: "token", path: "token" }] },
      },
    ]);
    expect(full?.containers[0]?.env).toEqual([
      {
        name: "LOKI_CENTRAL_USERNAME",
        valueFrom: { secretKeyRef: { name: "central-loki", key: "username" } },
      },
    ]);
  });
});

describe("RBAC", () => {
  it("reads pods, pod logs, nodes, node metrics and events cluster-wide, nothing else", () => {
    expect(find<ClusterRole>(buildGateway().objects, "ClusterRole").rules).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
      { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
      { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
    ]);
  });

  it("uses nodes/proxy instead of nodes/metrics through the API-server proxy", () => {
    const rules = find<ClusterRole>(
      buildGateway({ scrape: { kubelet: { mode: "apiServerProxy" } } }).objects,
      "ClusterRole",
    ).rules;
    expect(rules?.map((r) => r.resources?.[0])).toContain("nodes/proxy");
    expect(rules?.map((r) => r.resources?.[0])).not.toContain("nodes/metrics");
  });

  it("gets exactly the SQL-monitor Secret in the Materialize environment namespace", () => {
    const objects = buildGateway(FULL).objects;
    const secretRole = find<Role>(objects, "Role", "alloy-gateway-monitoring-secrets");
    expect(secretRole.metadata?.namespace).toBe("materialize-environment");
    expect(secretRole.rules).toEqual([
      {
        apiGroups: [""],
        resources: ["secrets"],
        verbs: ["get"],
        resourceNames: ["materialize-sql-monitor"],
      },
    ]);
    const binding = find<{
      metadata: { namespace: string };
      subjects: unknown[];
      roleRef: unknown;
    }>(objects, "RoleBinding", "alloy-gateway-monitoring-secrets");
    expect(binding.metadata.namespace).toBe("materialize-environment");
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: "alloy-gateway", namespace: "monitoring" },
    ]);
    expect(alloyGatewayPlan(FULL).secretAccess).toEqual([
      { namespace: "materialize-environment", names: ["materialize-sql-monitor"] },
    ]);
  });

  it("reads events only in the listed namespaces when there are some", () => {
    const objects = buildGateway({ logs: { events: { namespaces: ["materialize"] } } }).objects;
    expect(
      find<ClusterRole>(objects, "ClusterRole").rules?.map((r) => r.resources?.[0]),
    ).not.toContain("events");
    expect(find<Role>(objects, "Role", "alloy-gateway-monitoring-events").rules).toEqual([
      { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
    ]);
  });

  it("gets the non-resource URLs it is told to (metrics-server's /metrics with the token)", () => {
    const rules = find<ClusterRole>(
      buildGateway({ rbac: { nonResourceUrls: ["/metrics"] } }).objects,
      "ClusterRole",
    ).rules;
    expect(rules?.at(-1)).toEqual({ nonResourceURLs: ["/metrics"], verbs: ["get"] });
  });

  it("drops what it does not use", () => {
    const rules = find<ClusterRole>(
      buildGateway({
        scrape: { kubelet: { enabled: false }, self: { enabled: false } },
        logs: { events: { enabled: false }, agentLogs: { enabled: false } },
      }).objects,
      "ClusterRole",
    ).rules;
    expect(rules).toEqual([]);
  });
});

describe("NetworkPolicy", () => {
  const spec = (values: AlloyGatewayValues = {}) =>
    find<NetworkPolicy>(buildGateway(values).objects, "NetworkPolicy").spec as NonNullable<
      NetworkPolicy["spec"]
    >;

  it("admits pushes from the agents, the UI/metrics port from itself", () => {
    expect(spec().ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchLabels: {
                "app.kubernetes.io/name": "alloy-agent",
                "app.kubernetes.io/instance": "materialize-monitoring",
              },
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 3100 }],
      },
      {
        from: [
          {
            podSelector: {
              matchLabels: {
                "app.kubernetes.io/name": "alloy-gateway",
                "app.kubernetes.io/instance": "materialize-monitoring",
              },
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 12345 }],
      },
    ]);
  });

  it("admits applications on push and OTLP when they are listed", () => {
    const ingress = spec(FULL).ingress ?? [];
    const otlp = ingress.find((r) => r.ports?.some((p) => p.port === 4317));
    expect(otlp?.from).toEqual([
      {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "apps" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "my-app" } },
      },
    ]);
  });

  it("reaches DNS, the API server, itself, Loki, Thanos and the kubelets", () => {
    expect(spec().egress?.map((r) => r.ports?.map((p) => p.port))).toEqual([
      [53, 53],
      [443, 6443],
      [12345],
      [80],
      [19291],
      [10250],
    ]);
  });

  it("reaches every scrape target the jobs describe, in their namespaces, on their port names", () => {
    const egress = spec(FULL).egress ?? [];
    const environmentd = egress.find((r) =>
      r.to?.some((p) => p.podSelector?.matchLabels?.["app.kubernetes.io/name"] === "environmentd"),
    );
    expect(environmentd).toEqual({
      to: [
        {
          namespaceSelector: {
            matchLabels: { "kubernetes.io/metadata.name": "materialize-environment" },
          },
          podSelector: { matchLabels: { "app.kubernetes.io/name": "environmentd" } },
        },
        {
          namespaceSelector: {
            matchLabels: { "kubernetes.io/metadata.name": "materialize-environment" },
          },
          podSelector: { matchLabels: { app: "environmentd" } },
        },
      ],
      ports: [{ protocol: "TCP", port: "internal-http" }],
    });
    const operator = egress.find(
      (r) =>
        r.ports?.some((p) => p.port === "metrics") &&
        r.to?.some(
          (p) =>
            p.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "materialize",
        ),
    );
    expect(operator?.to?.[0]?.podSelector?.matchLabels).toEqual({
      "app.kubernetes.io/name": "materialize-operator",
    });
    // The extra destinations outside the cluster, on their URL ports, then the node addresses
    // (node-exporter on the host network, the kubelets).
    expect(
      egress.filter((r) => r.to?.some((p) => p.ipBlock?.cidr === "0.0.0.0/0")).map((r) => r.ports),
    ).toEqual([
      [{ protocol: "TCP", port: 443 }],
      [{ protocol: "TCP", port: 443 }],
      [{ protocol: "TCP", port: 4317 }],
      [
        { protocol: "TCP", port: 9100 },
        { protocol: "TCP", port: 10250 },
      ],
    ]);
  });

  describe("node addresses (hostNetwork targets and the kubelets)", () => {
    const nodeRules = (values: AlloyGatewayValues) =>
      (spec(values).egress ?? []).filter((r) => r.to?.some((p) => p.ipBlock?.cidr === "::/0"));
    const hostJob = (extra: Partial<ScrapeJobInput> = {}): ScrapeJobInput => ({
      name: "node_exporter",
      job: "node-exporter",
      namespaces: ["monitoring"],
      podLabels: { "app.kubernetes.io/name": "node-exporter" },
      portName: "metrics",
      hostNetwork: true,
      port: 9100,
      ...extra,
    });

    it("reaches the kubelet port by node address, any address until narrowed", () => {
      expect(nodeRules({})).toEqual([
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
          ports: [{ protocol: "TCP", port: 10250 }],
        },
      ]);
      const narrowed = spec({ networkPolicy: { nodeEgress: { cidrs: ["10.0.0.0/16"] } } }).egress;
      expect(narrowed?.filter((r) => r.ports?.some((p) => p.port === 10250))).toEqual([
        { to: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 10250 }] },
      ]);
    });

    it("reaches a hostNetwork job's port by node address, besides its pod selector", () => {
      const egress = spec({ scrape: { jobs: [hostJob()] } }).egress ?? [];
      expect(nodeRules({ scrape: { jobs: [hostJob()] } })[0]?.ports).toEqual([
        { protocol: "TCP", port: 9100 },
        { protocol: "TCP", port: 10250 },
      ]);
      // The pod-selector rule stays for the CNIs that do match hostNetwork pods.
      expect(egress).toContainEqual({
        to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "node-exporter" } } }],
        ports: [{ protocol: "TCP", port: "metrics" }],
      });
    });

    it("a job off the host network gets no node-address rule (planted defect: without the flag, 9100 is not reachable by address)", () => {
      const offHost = nodeRules({ scrape: { jobs: [hostJob({ hostNetwork: false })] } });
      expect(offHost.flatMap((r) => r.ports?.map((p) => p.port))).toEqual([10250]);
    });

    it("through the API-server proxy, only the hostNetwork ports (and nodeEgress.ports) remain", () => {
      const values: AlloyGatewayValues = {
        scrape: { kubelet: { mode: "apiServerProxy" }, jobs: [hostJob()] },
        networkPolicy: { nodeEgress: { ports: [9256] } },
      };
      expect(nodeRules(values).flatMap((r) => r.ports?.map((p) => p.port))).toEqual([9100, 9256]);
      expect(nodeRules({ scrape: { kubelet: { mode: "apiServerProxy" } } })).toEqual([]);
    });

    it("scrape.kubelet.cidrs keeps a kubelet rule of its own", () => {
      const egress =
        spec({ scrape: { kubelet: { cidrs: ["10.1.0.0/16"] }, jobs: [hostJob()] } }).egress ?? [];
      expect(egress).toContainEqual({
        to: [{ ipBlock: { cidr: "10.1.0.0/16" } }],
        ports: [{ protocol: "TCP", port: 10250 }],
      });
      expect(egress).toContainEqual({
        to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
        ports: [{ protocol: "TCP", port: 9100 }],
      });
    });
  });

  it("reaches no kubelet directly through the API-server proxy", () => {
    const ports = spec({ scrape: { kubelet: { mode: "apiServerProxy" } } }).egress?.flatMap((r) =>
      r.ports?.map((p) => p.port),
    );
    expect(ports).not.toContain(10250);
  });

  it("can be turned off", () => {
    expect(
      buildGateway({ networkPolicy: { enabled: false } }).objects.some(
        (o) => o.kind === "NetworkPolicy",
      ),
    ).toBe(false);
  });
});

describe("endpoints", () => {
  it("gives the push URL, OTLP addresses, the self-metrics job and the config", () => {
    const e = buildGateway({ receivers: { otlp: { enabled: true } } }).endpoints;
    expect(e.pushUrl).toBe(
      "http://alloy-gateway.monitoring.svc.cluster.local:3100/loki/api/v1/push",
    );
    expect(e.otlp).toEqual({
      grpc: "alloy-gateway.monitoring.svc.cluster.local:4317",
      http: "http://alloy-gateway.monitoring.svc.cluster.local:4318",
    });
    expect(e.pushPeer).toEqual({
      podLabels: {
        "app.kubernetes.io/name": "alloy-gateway",
        "app.kubernetes.io/instance": "materialize-monitoring",
      },
      namespace: "monitoring",
      port: 3100,
    });
    expect(e.selfMetricsTarget).toMatchObject({
      name: "alloy_gateway",
      job: "monitoring/alloy-gateway",
      role: "pod",
      source: "alloy",
      namespaces: ["monitoring"],
      portName: "http-metrics",
    });
    expect(
      alloyGatewayPlan(withDestinations({ receivers: { otlp: { enabled: true } } }))
        .scrapeComponents,
    ).toMatchObject({
      kubelet_cadvisor: "prometheus.scrape.kubelet_cadvisor",
    });
    expect(e.configMap).toEqual({ name: "alloy-gateway-config", key: "config.alloy" });
  });

  it("follows the cluster domain and name prefix", () => {
    const e = buildGateway(
      {},
      { clusterDomain: "corp.local", namePrefix: "mz", namespace: "obs" },
    ).endpoints;
    expect(e.pushUrl).toBe("http://mz-alloy-gateway.obs.svc.corp.local:3100/loki/api/v1/push");
  });
});
