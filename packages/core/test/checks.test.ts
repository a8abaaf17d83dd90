import { describe, expect, it } from "vitest";
import {
  configMap,
  container,
  defaultBuildContext,
  deployment,
  dnsEgressRule,
  httpProbe,
  type KubeObject,
  networkPolicy,
  objectMeta,
  podDisruptionBudget,
  podPeer,
  podTemplate,
  resources,
  selectorLabels,
  service,
  servicePort,
  spreadConstraints,
  tcpPorts,
} from "../src/index.js";
import {
  checkAddresses,
  checkNetworkPolicies,
  checkPolicies,
  checkReferences,
  checkServices,
  credentialProblems,
  NetworkPolicyModel,
  podsOf,
  wiredConnections,
} from "../src/validate.js";

const ctx = defaultBuildContext();
const res = resources.parse({
  requests: { cpu: "10m", memory: "16Mi" },
  limits: { memory: "32Mi" },
});
const probes = { liveness: httpProbe("/", "http"), readiness: httpProbe("/", "http") };
const serverSel = selectorLabels(ctx, { name: "server" });
const clientSel = selectorLabels(ctx, { name: "client" });
const otherSel = selectorLabels(ctx, { name: "other" });

function app(
  name: string,
  selector: Record<string, string>,
  replicas = 1,
  configName?: string,
): KubeObject {
  return deployment({
    metadata: objectMeta(ctx, { name }),
    replicas,
    selector,
    template: podTemplate(ctx, {
      labels: selector,
      containers: [
        container({
          name,
          image: "example/app:1.0",
          resources: res,
          probes,
          ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
        }),
      ],
      ...(configName ? { volumes: [{ name: "config", configMap: { name: configName } }] } : {}),
      scheduling:
        replicas > 1 ? { topologySpreadConstraints: spreadConstraints(ctx, selector) } : {},
    }),
  });
}

function healthy(): KubeObject[] {
  return [
    app("server", serverSel),
    service({
      metadata: objectMeta(ctx, { name: "server" }),
      selector: serverSel,
      ports: [servicePort("http", 8080)],
    }),
    app("client", clientSel, 1, "client-config"),
    configMap(objectMeta(ctx, { name: "client", objectName: "client-config" }), {
      "config.yaml": "upstream: http://server.monitoring.svc.cluster.local:8080/api\n",
    }),
    app("other", otherSel),
    networkPolicy({
      metadata: objectMeta(ctx, { name: "server" }),
      podSelector: serverSel,
      ingress: [{ peers: [podPeer(clientSel)], ports: tcpPorts(8080) }],
      egress: [dnsEgressRule()],
    }),
    networkPolicy({
      metadata: objectMeta(ctx, { name: "client" }),
      podSelector: clientSel,
      ingress: [],
      egress: [dnsEgressRule(), { peers: [podPeer(serverSel)], ports: tcpPorts("http") }],
    }),
    networkPolicy({
      metadata: objectMeta(ctx, { name: "other" }),
      podSelector: otherSel,
      ingress: [],
      egress: [dnsEgressRule()],
    }),
  ];
}

function network(objects: KubeObject[]) {
  const { addresses } = checkAddresses(objects);
  return checkNetworkPolicies(objects, wiredConnections(objects, addresses));
}

describe("graph checks", () => {
  it("pass on a consistent render", () => {
    const objects = healthy();
    expect(checkServices(objects)).toEqual([]);
    expect(checkReferences(objects)).toEqual([]);
    const { addresses, problems } = checkAddresses(objects);
    expect(problems).toEqual([]);
    expect(addresses).toHaveLength(1);
    expect(addresses[0]).toMatchObject({
      service: "Service/monitoring/server",
      servicePort: 8080,
      targetPort: "http",
    });
  });

  it("catch a Service with a wrong selector", () => {
    const objects = healthy().map((o) =>
      o.kind === "Service"
        ? service({
            metadata: o.metadata,
            selector: { "app.kubernetes.io/name": "sever" },
            ports: [servicePort("http", 8080)],
          })
        : o,
    );
    expect(checkServices(objects)).toEqual([
      expect.objectContaining({ check: "service-selector", object: "Service/monitoring/server" }),
    ]);
  });

  it("catch a named targetPort the pods do not have", () => {
    const objects = [
      ...healthy(),
      service({
        metadata: objectMeta(ctx, { name: "server", objectName: "server-metrics" }),
        selector: serverSel,
        ports: [servicePort("metrics", 9090)],
      }),
    ];
    expect(checkServices(objects)[0]?.message).toContain("targetPort metrics");
  });

  it("catch a reference to a ConfigMap that is not rendered, unless declared external", () => {
    const objects = healthy().filter((o) => o.kind !== "ConfigMap");
    expect(checkReferences(objects)[0]?.message).toContain("ConfigMap client-config");
    expect(checkReferences(objects, { configMaps: ["client-config"] })).toEqual([]);
  });

  it("catch an address to a Service or port that does not exist", () => {
    const objects = healthy().map((o) =>
      o.kind === "ConfigMap"
        ? configMap(o.metadata, {
            "config.yaml": "a: http://sever.monitoring.svc:8080\nb: server.monitoring.svc:9999\n",
          })
        : o,
    );
    const messages = checkAddresses(objects).problems.map((p) => p.message);
    expect(messages).toEqual([
      expect.stringContaining("no rendered Service for host sever.monitoring.svc"),
      expect.stringContaining("has no port 9999"),
    ]);
  });
});

describe("network policy evaluation", () => {
  it("allows every wired connection and denies every other pair", () => {
    expect(network(healthy())).toEqual([]);
  });

  it("catch a policy that blocks a wired connection", () => {
    const objects = healthy().map((o) =>
      o.kind === "NetworkPolicy" && o.metadata.name === "server"
        ? networkPolicy({
            metadata: o.metadata,
            podSelector: serverSel,
            ingress: [{ peers: [podPeer(otherSel)], ports: tcpPorts(8080) }],
          })
        : o,
    );
    const problems = network(objects);
    expect(problems.filter((p) => p.check === "blocked")).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          "Deployment/monitoring/client -> Deployment/monitoring/server:8080/TCP",
        ),
      }),
    ]);
    // "other" may not reach the server either way: its own egress policy allows only DNS.
    expect(problems.filter((p) => p.check === "open")).toEqual([]);
  });

  it("catch a pod pair that is open without wiring", () => {
    const objects = healthy().filter(
      (o) => !(o.kind === "NetworkPolicy" && o.metadata.name === "other"),
    );
    const open = network(objects).filter((p) => p.check === "open");
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((p) => p.message.includes("-> Deployment/monitoring/other:8080"))).toBe(true);
  });

  it("follows namespace selectors and named ports", () => {
    const objects = healthy();
    const model = new NetworkPolicyModel(objects);
    const [server] = podsOf(objects).filter((p) => p.name === "server");
    const foreign = {
      ...podsOf(objects).find((p) => p.name === "client")!,
      namespace: "elsewhere",
      owner: "Deployment/elsewhere/client",
    };
    expect(model.allowed(foreign, server!, 8080)).toBe(false);
  });
});

describe("policy checks", () => {
  it("pass the restricted profile for hardened workloads", () => {
    const objects = [
      ...healthy(),
      podDisruptionBudget(objectMeta(ctx, { name: "server" }), serverSel, { maxUnavailable: 1 }),
    ];
    expect(checkPolicies(objects).problems).toEqual([]);
  });

  it("catch host access and accept it only with a documented exception", () => {
    const agent = app("agent", selectorLabels(ctx, { name: "agent" })) as KubeObject & {
      spec: { template: { spec: { volumes?: unknown[]; hostNetwork?: boolean } } };
    };
    agent.spec.template.spec.volumes = [{ name: "logs", hostPath: { path: "/var/log" } }];
    agent.spec.template.spec.hostNetwork = true;
    const { problems } = checkPolicies([agent]);
    expect(problems.map((p) => p.check).sort()).toEqual([
      "hostNamespaces",
      "hostPathVolumes",
      "volumeTypes",
    ]);
    const result = checkPolicies([agent], {
      exceptions: [
        {
          object: "Deployment/monitoring/agent",
          check: "hostPathVolumes",
          reason: "tails pod logs",
        },
        {
          object: "Deployment/monitoring/agent",
          check: "volumeTypes",
          reason: "hostPath for logs",
        },
        { object: "Deployment/monitoring/agent", check: "hostNamespaces", reason: "node metrics" },
        { object: "Deployment/monitoring/agent", check: "privileged", reason: "not needed: stale" },
      ],
    });
    expect(result.problems).toEqual([]);
    expect(result.unusedExceptions.map((e) => e.check)).toEqual(["privileged"]);
  });

  it("catch a request above its limit, which the API server refuses (planted defect)", () => {
    const greedy = app("greedy", selectorLabels(ctx, { name: "greedy" })) as KubeObject & {
      spec: { template: { spec: { containers: { resources: unknown }[] } } };
    };
    const c = greedy.spec.template.spec.containers[0] as { resources: unknown };
    c.resources = {
      requests: { cpu: "2", memory: "2Gi" },
      limits: { cpu: "1500m", memory: "2Gi" },
    };
    expect(checkPolicies([greedy]).problems.map((p) => p.message)).toEqual([
      "container greedy: the cpu request 2 is above its limit 1500m (the API server refuses it)",
    ]);
    c.resources = { requests: { cpu: "1", memory: "1025Mi" }, limits: { memory: "1Gi" } };
    expect(checkPolicies([greedy]).problems.map((p) => p.check)).toEqual(["requestAboveLimit"]);
    c.resources = { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: 1, memory: "1024Mi" } };
    expect(checkPolicies([greedy]).problems).toEqual([]);
  });

  it("catch replicated workloads without a PDB or spread, and unpinned images", () => {
    const replicated = app(
      "replicated",
      selectorLabels(ctx, { name: "replicated" }),
      3,
    ) as KubeObject & {
      spec: {
        template: {
          spec: { topologySpreadConstraints?: unknown; containers: { image: string }[] };
        };
      };
    };
    delete replicated.spec.template.spec.topologySpreadConstraints;
    (replicated.spec.template.spec.containers[0] as { image: string }).image = "example/app:latest";
    expect(
      checkPolicies([replicated])
        .problems.map((p) => p.check)
        .sort(),
    ).toEqual(["image", "pdb", "spread"]);
  });

  it("catch a plain-text password in a config, an env literal and a cloud key", () => {
    const objects: KubeObject[] = [
      configMap(objectMeta(ctx, { name: "leaky" }), {
        "datasource.yaml": "url: http://x\npassword: hunter2\n",
      }),
      configMap(objectMeta(ctx, { name: "keys" }), {
        "s3.yaml": "access_key_id: AKIAABCDEFGHIJKLMNOP\n",
      }),
      configMap(objectMeta(ctx, { name: "fine" }), {
        "am.yml":
          "password_file: /etc/secrets/smtp\napi_key: ${API_KEY}\nsecret_key: $__file{/etc/grafana/secret}\n",
      }),
    ];
    const leak = app("leak", selectorLabels(ctx, { name: "leak" })) as KubeObject & {
      spec: { template: { spec: { containers: { env?: unknown[] }[] } } };
    };
    (leak.spec.template.spec.containers[0] as { env?: unknown[] }).env = [
      { name: "ADMIN_PASSWORD", value: "admin" },
    ];
    const problems = credentialProblems([...objects, leak]);
    expect(problems.map((p) => p.object).sort()).toEqual([
      "ConfigMap/monitoring/keys",
      "ConfigMap/monitoring/keys",
      "ConfigMap/monitoring/leaky",
      "Deployment/monitoring/leak",
    ]);
  });
});

describe("role references", () => {
  const binding = (roleNamespace: string, roleName: string): KubeObject => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "b", namespace: roleNamespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
    subjects: [],
  });

  it("knows the Roles every cluster bootstraps and accepts declared external Roles", () => {
    expect(
      checkReferences([binding("kube-system", "extension-apiserver-authentication-reader")]),
    ).toEqual([]);
    expect(checkReferences([binding("monitoring", "custom")])[0]?.message).toContain("Role custom");
    expect(
      checkReferences([binding("monitoring", "custom")], { roles: ["monitoring/custom"] }),
    ).toEqual([]);
  });
});

describe("advertised addresses", () => {
  it("must resolve but are not connections", () => {
    const objects = healthy().map((o) =>
      o.kind === "ConfigMap"
        ? configMap(o.metadata, {
            "grafana.ini": "[server]\nroot_url = http://server.monitoring.svc:8080/\n",
          })
        : o,
    );
    const { addresses, problems } = checkAddresses(objects);
    expect(problems).toEqual([]);
    expect(addresses[0]?.advertised).toBe(true);
    expect(wiredConnections(objects, addresses)).toEqual([]);
  });
});
