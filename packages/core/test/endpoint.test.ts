import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkClusterDomain,
  clusterDomainSchema,
  configMap,
  container,
  defaultBuildContext,
  defineComponent,
  deployment,
  dnsEgressRule,
  endpointAddress,
  endpointPeer,
  endpointSrv,
  endpointUrl,
  httpProbe,
  type KubeObject,
  networkPolicy,
  objectMeta,
  podFqdn,
  podPeer,
  podTemplate,
  priorityClass,
  priorityClassFor,
  resources,
  scrapeTarget,
  selectorLabels,
  serviceEndpoint,
  serviceFqdn,
  tcpPorts,
  ValuesError,
} from "../src/index.js";
import {
  checkNetworkPolicies,
  type DeclaredConnection,
  wiredConnections,
} from "../src/validate.js";

const corp = defaultBuildContext({ namespace: "observability", clusterDomain: "corp.example" });

describe("the address model", () => {
  it("builds every host from the context's cluster domain", () => {
    expect(serviceFqdn(corp, "loki")).toBe("loki.observability.svc.corp.example");
    expect(serviceFqdn(corp, "loki", "logs")).toBe("loki.logs.svc.corp.example");
    expect(podFqdn(corp, "am-0", "am-headless")).toBe(
      "am-0.am-headless.observability.svc.corp.example",
    );
    expect(serviceFqdn(defaultBuildContext(), "x")).toBe("x.monitoring.svc.cluster.local");
  });

  it("gives URLs, addresses, SRV names and peers of named ports", () => {
    const ep = serviceEndpoint(corp, {
      service: "alertmanager",
      ports: {
        web: { name: "http-web", port: 9093 },
        mesh: { name: "mesh-udp", port: 9094, protocol: "UDP" },
      },
      podLabels: { app: "am" },
    });
    expect(ep.host).toBe("alertmanager.observability.svc.corp.example");
    expect(ep.ports.web.protocol).toBe("TCP");
    expect(endpointUrl(ep, "web", "/api/v2")).toBe(
      "http://alertmanager.observability.svc.corp.example:9093/api/v2",
    );
    expect(endpointUrl(ep, "web", "", "https")).toMatch(/^https:/);
    expect(endpointAddress(ep, "mesh")).toBe("alertmanager.observability.svc.corp.example:9094");
    expect(endpointSrv(ep, "web")).toBe(
      "_http-web._tcp.alertmanager.observability.svc.corp.example",
    );
    expect(endpointSrv(ep, "mesh")).toBe(
      "_mesh-udp._udp.alertmanager.observability.svc.corp.example",
    );
    expect(endpointPeer(ep)).toEqual({ podLabels: { app: "am" }, namespace: "observability" });
  });

  it("fills scrape target defaults", () => {
    expect(
      scrapeTarget({
        name: "node_exporter",
        namespace: "n",
        podLabels: { a: "b" },
        portName: "metrics",
      }),
    ).toEqual({
      name: "node_exporter",
      job: "node-exporter",
      namespace: "n",
      podLabels: { a: "b" },
      portName: "metrics",
      path: "/metrics",
      scheme: "http",
      hostNetwork: false,
    });
  });

  it.each(["cluster.local", "corp.example", "k8s", "a-b.c-d.example"])(
    "accepts the cluster domain %s",
    (domain) => {
      expect(clusterDomainSchema.safeParse(domain).success).toBe(true);
    },
  );

  it.each([
    "",
    "cluster.local.",
    "Cluster.Local",
    "corp example",
    "-corp.example",
    "corp..example",
    "corp.example/x",
    "a".repeat(64),
  ])("refuses the cluster domain %j with a fix", (domain) => {
    expect(clusterDomainSchema.safeParse(domain).success).toBe(false);
    expect(() => checkClusterDomain({ clusterDomain: domain })).toThrow(ValuesError);
    expect(() => checkClusterDomain({ clusterDomain: domain })).toThrow(
      /clusterDomain: .*cluster\.local/,
    );
  });
});

describe("defineComponent", () => {
  const schema = z.strictObject({ port: z.int32().default(8080) });
  let builds = 0;
  const demo = defineComponent({
    name: "demo",
    schema,
    endpoints: (values, ctx) => ({
      api: serviceEndpoint(ctx, {
        service: "demo",
        ports: { http: { name: "http", port: values.port } },
        podLabels: { app: "demo" },
      }),
    }),
    build: (_values, ctx, endpoints) => {
      builds++;
      return {
        objects: [
          configMap(objectMeta(ctx, { name: "demo" }), { url: endpointUrl(endpoints.api, "http") }),
        ],
      };
    },
  });

  it("computes endpoints without building and hands the builder the same ones", () => {
    const before = builds;
    const endpoints = demo.endpoints({ port: 9000 }, corp);
    expect(builds).toBe(before);
    const built = demo({ port: 9000 }, corp);
    expect(built.endpoints).toEqual(endpoints);
    expect((built.objects[0] as unknown as { data: { url: string } }).data.url).toBe(
      "http://demo.observability.svc.corp.example:9000",
    );
  });

  it("refuses a bad value and a bad cluster domain with the path", () => {
    expect(() => demo.endpoints({ port: "x" as unknown as number })).toThrow(/demo\.port/);
    expect(() => demo({}, { clusterDomain: "corp example" })).toThrow(/clusterDomain/);
    expect(() => demo.endpoints({}, { clusterDomain: "Corp" })).toThrow(ValuesError);
  });
});

describe("priority classes", () => {
  it("never preempt the workloads they run beside", () => {
    expect(priorityClass(defaultBuildContext(), "mon", 1000, "x").preemptionPolicy).toBe("Never");
  });
  it("fall back to the default class", () => {
    expect(priorityClassFor({ priorityClasses: { default: "d" } }, "critical")).toBe("d");
    expect(priorityClassFor({ priorityClasses: { default: "d", node: "n" } }, "node")).toBe("n");
    expect(priorityClassFor({ priorityClasses: {} }, "node")).toBeUndefined();
  });
});

describe("connections to pods on the host network", () => {
  const ctx = defaultBuildContext();
  const scraperSel = selectorLabels(ctx, { name: "scraper" });
  const nodeSel = selectorLabels(ctx, { name: "node-agent" });
  const res = resources.parse({
    requests: { cpu: "10m", memory: "16Mi" },
    limits: { memory: "32Mi" },
  });
  const pod = (name: string, labels: Record<string, string>, hostNetwork: boolean, port: number) =>
    deployment({
      metadata: objectMeta(ctx, { name }),
      replicas: 1,
      selector: labels,
      template: podTemplate(ctx, {
        labels,
        containers: [
          container({
            name,
            image: "example/app:1.0",
            resources: res,
            probes: { liveness: httpProbe("/", "metrics"), readiness: httpProbe("/", "metrics") },
            ports: [{ name: "metrics", containerPort: port, protocol: "TCP" }],
          }),
        ],
        security: { hostNetwork },
      }),
    });
  const scrape: DeclaredConnection = {
    from: { namespace: "monitoring", selector: { matchLabels: scraperSel } },
    to: { namespace: "monitoring", selector: { matchLabels: nodeSel } },
    port: "metrics",
    description: "the scraper scrapes the node agent",
  };
  const objects = (egressToNodes: boolean): KubeObject[] => [
    pod("scraper", scraperSel, false, 8080),
    pod("node-agent", nodeSel, true, 9100),
    networkPolicy({
      metadata: objectMeta(ctx, { name: "scraper" }),
      podSelector: scraperSel,
      ingress: [],
      egress: [
        dnsEgressRule(),
        { peers: [podPeer(nodeSel)], ports: tcpPorts(9100) },
        ...(egressToNodes
          ? [{ peers: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: tcpPorts(9100) }]
          : []),
      ],
    }),
    networkPolicy({
      metadata: objectMeta(ctx, { name: "node-agent" }),
      podSelector: nodeSel,
      ingress: [{ peers: [podPeer(scraperSel)], ports: tcpPorts(9100) }],
      egress: [],
    }),
  ];
  const check = (list: KubeObject[], nodeAddresses?: string[]) =>
    checkNetworkPolicies(list, wiredConnections(list, [], { declared: [scrape] }), {
      ...(nodeAddresses ? { nodeAddresses } : {}),
    });

  it("fails when only a pod selector admits the node address (planted defect)", () => {
    const problems = check(objects(false));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(
      /scraper.*node-agent:9100\/TCP .*host network.*node address 10\.0\.0\.10, egress of .*scraper denied/,
    );
  });

  it("passes with an ipBlock egress rule for node addresses", () => {
    expect(check(objects(true))).toEqual([]);
  });

  it("checks each node address it is given", () => {
    const problems = check(objects(true), ["10.1.2.3", "192.168.1.5"]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/node address 192\.168\.1\.5/),
    ]);
  });

  it("still needs the pod-selector view", () => {
    const list = objects(true).map((o) =>
      o.metadata.name === "node-agent" && o.kind === "NetworkPolicy"
        ? networkPolicy({
            metadata: o.metadata,
            podSelector: nodeSel,
            ingress: [],
            egress: [],
          })
        : o,
    );
    expect(check(list).map((p) => p.message)).toEqual([
      expect.stringMatching(/ingress of .*node-agent denied/),
    ]);
  });
});
