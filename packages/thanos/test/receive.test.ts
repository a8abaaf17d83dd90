import { describe, expect, it } from "vitest";
import { thanos, thanosReceiveHashring } from "../src/index.js";
import {
  args,
  configMapData,
  flag,
  flags,
  mainContainer,
  S3,
  template,
  workload,
} from "./helpers.js";

type HashringFile = { hashring: string; endpoints: string[] }[];

/** What Kubernetes does to `$(VAR)` references in args before the process starts. */
function expandEnv(arg: string, env: Record<string, string>): string {
  return arg.replace(
    /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
    (whole, name: string) => env[name] ?? whole,
  );
}

describe("receive hashring", () => {
  for (const preset of ["small", "medium", "large"] as const) {
    it(`lists every receive pod by its stable DNS name (${preset})`, () => {
      const c = thanos({ preset, objectStorage: S3 }, { namespace: "observability" });
      const sts = workload(c.objects, "thanos-receive");
      const replicas = sts.spec && "replicas" in sts.spec ? (sts.spec.replicas ?? 0) : 0;
      const hashring = JSON.parse(
        configMapData(c.objects, "thanos-receive-hashring")["hashrings.json"] ?? "",
      ) as HashringFile;
      expect(hashring).toHaveLength(1);
      expect(hashring[0]?.endpoints).toEqual(
        Array.from(
          { length: replicas },
          (_, i) =>
            `thanos-receive-${i}.thanos-receive-headless.observability.svc.cluster.local:10901`,
        ),
      );
      // The names only resolve if the StatefulSet governs them through that headless Service.
      expect(sts.spec && "serviceName" in sts.spec ? sts.spec.serviceName : undefined).toBe(
        "thanos-receive-headless",
      );
      expect(sts.metadata.namespace).toBe("observability");
    });
  }

  it("gives each pod a --receive.local-endpoint equal to its own hashring entry", () => {
    const c = thanos({ preset: "medium", objectStorage: S3 });
    const hashring = JSON.parse(
      configMapData(c.objects, "thanos-receive-hashring")["hashrings.json"] ?? "",
    ) as HashringFile;
    const container = mainContainer(c.objects, "thanos-receive");
    // POD_NAME comes from the downward API (metadata.name), which Kubernetes substitutes into args.
    expect(container.env).toContainEqual({
      name: "POD_NAME",
      valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } },
    });
    const localEndpoint = flag(container.args ?? [], "receive.local-endpoint") ?? "";
    const endpoints = hashring[0]?.endpoints ?? [];
    expect(endpoints).toHaveLength(3);
    endpoints.forEach((endpoint, i) => {
      expect(expandEnv(localEndpoint, { POD_NAME: `thanos-receive-${i}` })).toBe(endpoint);
    });
    // The gRPC port in the hashring is the port the container listens on.
    expect(container.ports).toContainEqual({ name: "grpc", containerPort: 10901, protocol: "TCP" });
    expect(flag(container.args ?? [], "grpc-address")).toBe("0.0.0.0:10901");
  });

  it("uses ketama, the replication factor, a per-pod replica label and a long grace period", () => {
    const c = thanos({ objectStorage: S3 });
    const a = args(c.objects, "thanos-receive");
    expect(flag(a, "receive.hashrings-algorithm")).toBe("ketama");
    expect(flag(a, "receive.replication-factor")).toBe("2");
    expect(flags(a, "label")).toContain('replica="$(POD_NAME)"');
    expect(flags(a, "label")).toContain('cluster="kubernetes"');
    expect(flag(a, "remote-write.address")).toBe("0.0.0.0:19291");
    expect(template(c.objects, "thanos-receive").spec?.terminationGracePeriodSeconds).toBe(900);
  });

  it("runs at least as many receives as the replication factor unless replicas are given", () => {
    const replicas = (c: ReturnType<typeof thanos>) => {
      const sts = workload(c.objects, "thanos-receive");
      return sts.spec && "replicas" in sts.spec ? sts.spec.replicas : undefined;
    };
    // The small preset runs 2 receives; a factor of 3 needs 3.
    const three = thanos({ preset: "small", objectStorage: S3, receive: { replicationFactor: 3 } });
    expect(replicas(three)).toBe(3);
    expect(flag(args(three.objects, "thanos-receive"), "receive.replication-factor")).toBe("3");
    // The hashring lists every receive the StatefulSet runs.
    const hashring = JSON.parse(
      configMapData(three.objects, "thanos-receive-hashring")["hashrings.json"] ?? "",
    ) as HashringFile;
    expect(hashring[0]?.endpoints).toHaveLength(3);
    // A larger preset keeps its count; an explicit count is kept (and checked).
    expect(
      replicas(thanos({ preset: "large", objectStorage: S3, receive: { replicationFactor: 3 } })),
    ).toBe(6);
    expect(replicas(thanos({ objectStorage: S3, receive: { replicas: 5 } }))).toBe(5);
  });

  it("spreads receives across zones softly, or hard with receive.zoneSpread", () => {
    const zoneRule = (c: ReturnType<typeof thanos>, name: string) =>
      (template(c.objects, name).spec?.topologySpreadConstraints ?? []).find(
        (t) => t.topologyKey === "topology.kubernetes.io/zone",
      )?.whenUnsatisfiable;
    expect(zoneRule(thanos({ objectStorage: S3 }), "thanos-receive")).toBe("ScheduleAnyway");
    const hard = thanos({ objectStorage: S3, receive: { zoneSpread: "hard" } });
    expect(zoneRule(hard, "thanos-receive")).toBe("DoNotSchedule");
    // Only the receives: the other roles keep the soft spread.
    expect(zoneRule(hard, "thanos-query")).toBe("ScheduleAnyway");
    expect(zoneRule(hard, "thanos-store")).toBe("ScheduleAnyway");
  });

  it("exports the hashring builder for other tooling", () => {
    expect(
      thanosReceiveHashring(
        { namespace: "m", clusterDomain: "corp.example" },
        { receive: "r", receiveHeadless: "h" },
        2,
      ),
    ).toEqual([
      {
        hashring: "default",
        endpoints: ["r-0.h.m.svc.corp.example:10901", "r-1.h.m.svc.corp.example:10901"],
      },
    ]);
  });

  it("follows the name prefix everywhere the hashring is referenced", () => {
    const c = thanos({ objectStorage: S3 }, { namePrefix: "mz" });
    const hashring = JSON.parse(
      configMapData(c.objects, "mz-thanos-receive-hashring")["hashrings.json"] ?? "",
    ) as HashringFile;
    expect(hashring[0]?.endpoints[0]).toBe(
      "mz-thanos-receive-0.mz-thanos-receive-headless.monitoring.svc.cluster.local:10901",
    );
    expect(flag(args(c.objects, "mz-thanos-receive"), "receive.local-endpoint")).toBe(
      "$(POD_NAME).mz-thanos-receive-headless.monitoring.svc.cluster.local:10901",
    );
  });
});

describe("receive split mode (routers and ingestors)", () => {
  const c = thanos({
    objectStorage: S3,
    receive: { mode: "split", replicas: 3, replicationFactor: 3 },
  });

  it("routers hold the hashring and replicate, with no local endpoint (RouterOnly)", () => {
    const a = args(c.objects, "thanos-receive-router");
    expect(flag(a, "receive.hashrings-file")).toBe("/etc/thanos/hashring/hashrings.json");
    expect(flag(a, "receive.replication-factor")).toBe("3");
    expect(flag(a, "receive.local-endpoint")).toBeUndefined();
    expect(flag(a, "objstore.config-file")).toBeUndefined();
    expect(workload(c.objects, "thanos-receive-router").kind).toBe("Deployment");
  });

  it("ingestors have a local endpoint and no hashring (IngestorOnly), and own the bucket uploads", () => {
    const a = args(c.objects, "thanos-receive");
    expect(flag(a, "receive.local-endpoint")).toBeDefined();
    expect(flag(a, "receive.hashrings-file")).toBeUndefined();
    expect(flag(a, "objstore.config-file")).toBe("/etc/thanos/objstore/objstore.yaml");
  });

  it("sends remote write to the routers", () => {
    expect(c.endpoints.remoteWriteUrl).toBe(
      "http://thanos-receive-router.monitoring.svc.cluster.local:19291/api/v1/receive",
    );
    expect(c.endpoints.podSelectors.remoteWrite["app.kubernetes.io/component"]).toBe(
      "receive-router",
    );
  });
});
