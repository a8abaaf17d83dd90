import { describe, expect, it } from "vitest";
import {
  container,
  daemonSet,
  defaultBuildContext,
  deployment,
  hardenedSecurityContext,
  httpProbe,
  imageRef,
  imageSchema,
  networkPolicy,
  objectMeta,
  persistenceSchema,
  podPeer,
  podTemplate,
  resourceName,
  resources,
  selectorLabels,
  service,
  servicePort,
  spreadConstraints,
  standardLabels,
  statefulSet,
  tcpPorts,
  volumeClaimTemplate,
} from "../src/index.js";

const ctx = defaultBuildContext();
const res = resources.parse({
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { memory: "256Mi" },
});
const probes = { liveness: httpProbe("/healthz", "http"), readiness: httpProbe("/ready", "http") };

describe("container hardening", () => {
  it("applies the restricted profile by default", () => {
    const c = container({ name: "app", image: "example/app:1.0", resources: res, probes });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(c.resources?.requests).toEqual({ cpu: "100m", memory: "128Mi" });
    expect(c.resources?.limits).toEqual({ memory: "256Mi" });
    expect(c.livenessProbe?.httpGet?.path).toBe("/healthz");
    expect(c.readinessProbe?.httpGet?.path).toBe("/ready");
  });

  it("lets each default be overridden explicitly", () => {
    const sc = hardenedSecurityContext({
      readOnlyRootFilesystem: false,
      runAsNonRoot: false,
      runAsUser: 0,
      allowPrivilegeEscalation: true,
      addCapabilities: ["SYS_TIME"],
      seccompUnconfined: true,
    });
    expect(sc.readOnlyRootFilesystem).toBe(false);
    expect(sc.runAsNonRoot).toBe(false);
    expect(sc.runAsUser).toBe(0);
    expect(sc.allowPrivilegeEscalation).toBe(true);
    expect(sc.capabilities).toEqual({ drop: ["ALL"], add: ["SYS_TIME"] });
    expect(sc.seccompProfile?.type).toBe("Unconfined");
  });

  it("requires a reason to leave out probes", () => {
    const c = container({
      name: "job",
      image: "a:1",
      resources: res,
      probes: { none: "one-shot init step" },
    });
    expect(c.livenessProbe).toBeUndefined();
    expect(c.readinessProbe).toBeUndefined();
  });

  it("makes requests mandatory at the type level", () => {
    // Type-level assertions only: checked by `tsc --noEmit` (the typecheck target), never executed.
    const typeOnly = () => {
      // @ts-expect-error resources are required
      container({ name: "x", image: "a:1", probes });
      // @ts-expect-error probes are required
      container({ name: "x", image: "a:1", resources: res });
    };
    expect(typeof typeOnly).toBe("function");
    expect(() => resources.parse({ limits: { memory: "1Gi" } })).toThrow();
  });
});

describe("pod templates and workloads", () => {
  const selector = selectorLabels(ctx, { name: "demo", component: "server" });
  const template = podTemplate(ctx, {
    labels: standardLabels(ctx, { name: "demo", component: "server", version: "1.0" }),
    containers: [container({ name: "app", image: "a:1", resources: res, probes })],
  });

  it("hardens the pod and keeps the service-account token off unless asked", () => {
    expect(template.spec?.securityContext).toEqual({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(template.spec?.automountServiceAccountToken).toBe(false);
    expect(template.spec?.enableServiceLinks).toBe(false);
  });

  it("adds the context's pull secrets and scheduling defaults", () => {
    const custom = defaultBuildContext({
      imagePullSecrets: ["regcred"],
      scheduling: {
        nodeSelector: { pool: "monitoring" },
        tolerations: [{ key: "dedicated", operator: "Exists" }],
      },
    });
    const t = podTemplate(custom, {
      labels: {},
      containers: [],
      scheduling: { nodeSelector: { zone: "a" }, priorityClassName: "high" },
    });
    expect(t.spec?.imagePullSecrets).toEqual([{ name: "regcred" }]);
    expect(t.spec?.nodeSelector).toEqual({ pool: "monitoring", zone: "a" });
    expect(t.spec?.tolerations).toEqual([{ key: "dedicated", operator: "Exists" }]);
    expect(t.spec?.priorityClassName).toBe("high");
  });

  it("selects with version-free labels", () => {
    expect(selector).toEqual({
      "app.kubernetes.io/name": "demo",
      "app.kubernetes.io/instance": "materialize-monitoring",
      "app.kubernetes.io/component": "server",
    });
    const d = deployment({
      metadata: objectMeta(ctx, { name: "demo", component: "server" }),
      replicas: 2,
      selector,
      template,
    });
    expect(d.spec?.selector.matchLabels).toEqual(selector);
    expect(d.metadata.name).toBe("demo-server");
    expect(d.metadata.namespace).toBe("monitoring");
  });

  it("builds StatefulSets with claim templates and the context's storage class", () => {
    const withClass = defaultBuildContext({ storageClass: "fast" });
    const sts = statefulSet({
      metadata: objectMeta(withClass, { name: "demo" }),
      replicas: 3,
      selector,
      template,
      serviceName: "demo-headless",
      volumeClaimTemplates: [
        volumeClaimTemplate(withClass, {
          name: "data",
          persistence: persistenceSchema({ size: "10Gi" }).parse(undefined),
        }),
      ],
    });
    expect(sts.spec?.serviceName).toBe("demo-headless");
    expect(sts.spec?.volumeClaimTemplates?.[0]?.spec?.storageClassName).toBe("fast");
    expect(sts.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage).toBe("10Gi");
  });

  it("builds DaemonSets with a rolling update", () => {
    const ds = daemonSet({ metadata: objectMeta(ctx, { name: "agent" }), selector, template });
    expect(ds.spec?.updateStrategy?.type).toBe("RollingUpdate");
  });

  it("spreads across zones softly by default, hard or not at all on request", () => {
    const zoneRule = (zones?: boolean | "soft" | "hard") =>
      spreadConstraints(ctx, selector, zones === undefined ? {} : { zones }).find(
        (c) => c.topologyKey === "topology.kubernetes.io/zone",
      )?.whenUnsatisfiable;
    expect(zoneRule()).toBe("ScheduleAnyway");
    expect(zoneRule(true)).toBe("ScheduleAnyway");
    expect(zoneRule("soft")).toBe("ScheduleAnyway");
    expect(zoneRule("hard")).toBe("DoNotSchedule");
    expect(zoneRule(false)).toBeUndefined();
    // The host rule is independent of the zone rule.
    expect(spreadConstraints(ctx, selector, { zones: "hard" }).at(-1)).toMatchObject({
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
    });
  });
});

describe("spread constraints the user sets for every workload", () => {
  const zone = {
    maxSkew: 2,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "DoNotSchedule" as const,
  };
  const chosen = defaultBuildContext({ scheduling: { topologySpreadConstraints: [zone] } });
  const own = { "app.kubernetes.io/name": "demo", "app.kubernetes.io/component": "server" };

  it("replace the component's default spread, counting the workload's own pods", () => {
    expect(spreadConstraints(chosen, own, { zones: "hard", hardHostSpread: true })).toEqual([
      { ...zone, labelSelector: { matchLabels: own } },
    ]);
  });

  it("keep a labelSelector the user wrote, matchExpressions included", () => {
    const written = {
      ...zone,
      labelSelector: { matchExpressions: [{ key: "tier", operator: "Exists" as const }] },
    };
    const ctxWritten = defaultBuildContext({
      scheduling: { topologySpreadConstraints: [written] },
    });
    expect(spreadConstraints(ctxWritten, own)).toEqual([written]);
  });

  it("count a single-replica workload's own pods too (a constraint without a selector counts none)", () => {
    const t = podTemplate(chosen, {
      labels: { ...own, "app.kubernetes.io/version": "1" },
      containers: [],
    });
    expect(t.spec?.topologySpreadConstraints).toEqual([zone]);
    // The selector, not the pod labels: a version label would stop counting the old pods
    // during a rolling update.
    for (const built of [
      deployment({
        metadata: objectMeta(chosen, { name: "demo" }),
        replicas: 1,
        selector: own,
        template: t,
      }),
      statefulSet({
        metadata: objectMeta(chosen, { name: "demo" }),
        replicas: 1,
        selector: own,
        template: t,
        serviceName: "demo",
      }),
    ])
      expect(built.spec?.template.spec?.topologySpreadConstraints).toEqual([
        { ...zone, labelSelector: { matchLabels: own } },
      ]);
  });
});

describe("names and images", () => {
  it("keeps names within 63 characters without hashes", () => {
    const long = resourceName(ctx, "a".repeat(40), "b".repeat(40));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(resourceName({ namePrefix: "Team_A" }, "loki", "write")).toBe("team-a-loki-write");
  });

  it("refuses the latest tag and applies a registry override", () => {
    const schema = imageSchema({ registry: "docker.io", repository: "grafana/loki", tag: "3.5.0" });
    expect(() => schema.parse({ tag: "latest" })).toThrow(/latest/);
    const image = schema.parse(undefined);
    expect(imageRef(image)).toBe("docker.io/grafana/loki:3.5.0");
    expect(imageRef(image, "mirror.internal")).toBe("mirror.internal/grafana/loki:3.5.0");
    const pinned = schema.parse({ digest: `sha256:${"a".repeat(64)}` });
    expect(imageRef(pinned)).toBe(`docker.io/grafana/loki:3.5.0@sha256:${"a".repeat(64)}`);
  });
});

describe("services and policies", () => {
  it("builds headless services with named ports", () => {
    const svc = service({
      metadata: objectMeta(ctx, { name: "demo", objectName: "demo-headless" }),
      selector: { app: "demo" },
      ports: [servicePort("grpc", 10901)],
      headless: true,
    });
    expect(svc.spec?.clusterIP).toBe("None");
    expect(svc.spec?.ports).toEqual([
      { name: "grpc", port: 10901, targetPort: "grpc", protocol: "TCP" },
    ]);
  });

  it("sets policy types from the directions given", () => {
    const np = networkPolicy({
      metadata: objectMeta(ctx, { name: "demo" }),
      podSelector: { app: "demo" },
      ingress: [{ peers: [podPeer({ app: "client" })], ports: tcpPorts(8080) }],
    });
    expect(np.spec?.policyTypes).toEqual(["Ingress"]);
    expect(np.spec?.ingress?.[0]?.from?.[0]?.podSelector?.matchLabels).toEqual({ app: "client" });
    const denyAll = networkPolicy({
      metadata: objectMeta(ctx, { name: "deny" }),
      podSelector: {},
      ingress: [],
      egress: [],
    });
    expect(denyAll.spec?.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(denyAll.spec?.ingress).toEqual([]);
  });
});
