import type { PodDisruptionBudget, ServiceAccount } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { loki, MEMBERLIST_LABEL } from "../src/index.js";
import {
  find,
  findAll,
  mainContainer,
  podLabels,
  podSpec,
  replicasOf,
  S3,
  selects,
  service,
  statefulSetOf,
  workload,
} from "./helpers.js";

const scalable = loki({ storage: S3 });

describe("simple-scalable targets", () => {
  it.each([
    ["loki-write", "StatefulSet", "-target=write"],
    ["loki-read", "Deployment", "-target=read"],
    ["loki-backend", "StatefulSet", "-target=backend"],
  ])("%s is a %s running %s from the config file, with env expansion", (name, kind, flag) => {
    expect(workload(scalable.objects, name).kind).toBe(kind);
    const args = mainContainer(scalable.objects, name).args ?? [];
    expect(args.slice(0, 3)).toEqual([
      "-config.file=/etc/loki/config/config.yaml",
      flag,
      "-config.expand-env=true",
    ]);
  });

  it("passes no -legacy-read-mode flag (deprecated, hidden, and false by default upstream)", () => {
    for (const name of ["loki-write", "loki-read", "loki-backend"]) {
      const args = mainContainer(scalable.objects, name).args ?? [];
      expect(args.filter((arg) => arg.startsWith("-legacy-read-mode"))).toEqual([]);
    }
  });

  it("exposes 3100, 9095 and 7946 on every Loki pod", () => {
    for (const name of ["loki-write", "loki-read", "loki-backend"]) {
      expect(mainContainer(scalable.objects, name).ports).toEqual([
        { name: "http-metrics", containerPort: 3100, protocol: "TCP" },
        { name: "grpc", containerPort: 9095, protocol: "TCP" },
        { name: "tcp-memberlist", containerPort: 7946, protocol: "TCP" },
      ]);
    }
  });

  it("runs three writers with a WAL volume, a preStop flush and a long grace period", () => {
    const write = statefulSetOf(scalable.objects, "loki-write");
    expect(write.spec?.replicas).toBe(3);
    expect(write.spec?.serviceName).toBe("loki-write-headless");
    expect(write.spec?.volumeClaimTemplates?.[0]?.metadata?.name).toBe("data");
    expect(write.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests).toEqual({
      storage: "20Gi",
    });
    expect(mainContainer(scalable.objects, "loki-write").volumeMounts).toContainEqual({
      name: "data",
      mountPath: "/var/loki",
    });
    expect(mainContainer(scalable.objects, "loki-write").lifecycle?.preStop).toEqual({
      httpGet: { path: "/ingester/shutdown?terminate=false", port: "http-metrics" },
    });
    expect(podSpec(scalable.objects, "loki-write").terminationGracePeriodSeconds).toBe(300);
  });

  it("gives the backend a PVC and mounts the rules directory", () => {
    const backend = statefulSetOf(scalable.objects, "loki-backend");
    expect(backend.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests).toEqual({
      storage: "20Gi",
    });
    expect(mainContainer(scalable.objects, "loki-backend").volumeMounts).toContainEqual({
      name: "rules",
      mountPath: "/etc/loki/rules",
      readOnly: true,
    });
  });

  it("mounts rule ConfigMaps under the tenant's directory", () => {
    const rules = loki({
      storage: S3,
      tenancy: { authEnabled: true, tenantId: "mz" },
      ruler: {
        ruleFiles: {
          "a.yaml": { groups: [{ name: "g", rules: [{ record: "r", expr: "vector(1)" }] }] },
        },
        ruleConfigMaps: ["team-rules"],
      },
    });
    expect(podSpec(rules.objects, "loki-backend").volumes).toContainEqual({
      name: "rules",
      projected: {
        sources: [{ configMap: { name: "loki-rules" } }, { configMap: { name: "team-rules" } }],
      },
    });
    expect(mainContainer(rules.objects, "loki-backend").volumeMounts).toContainEqual({
      name: "rules",
      mountPath: "/etc/loki/rules/mz",
      readOnly: true,
    });
    const cm = find<{ data: Record<string, string> }>(rules.objects, "ConfigMap", "loki-rules");
    expect(cm.data["a.yaml"]).toBe(
      "groups:\n  - name: g\n    rules:\n      - record: r\n        expr: vector(1)\n",
    );
    // Single-tenant Loki files everything under `fake`.
    const single = loki({ storage: S3, ruler: { ruleConfigMaps: ["team-rules"] } });
    expect(mainContainer(single.objects, "loki-backend").volumeMounts).toContainEqual({
      name: "rules",
      mountPath: "/etc/loki/rules/fake",
      readOnly: true,
    });
  });

  it("runs every Loki pod as the image's non-root user with a read-only root filesystem", () => {
    for (const name of ["loki-write", "loki-read", "loki-backend"]) {
      const spec = podSpec(scalable.objects, name);
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 10001,
        fsGroup: 10001,
      });
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(spec.serviceAccountName).toBe("loki");
      expect(mainContainer(scalable.objects, name).securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
    }
  });

  it("probes readiness on /ready and liveness on the HTTP port", () => {
    const c = mainContainer(scalable.objects, "loki-write");
    expect(c.readinessProbe?.httpGet).toEqual({
      path: "/ready",
      port: "http-metrics",
      scheme: "HTTP",
    });
    expect(c.livenessProbe?.tcpSocket).toEqual({ port: "http-metrics" });
  });

  it("renders a ClusterIP and a headless Service per target", () => {
    for (const target of ["write", "read", "backend"]) {
      const clusterIp = service(scalable.objects, `loki-${target}`);
      const headless = service(scalable.objects, `loki-${target}-headless`);
      expect(clusterIp.spec?.clusterIP).toBeUndefined();
      expect(headless.spec?.clusterIP).toBe("None");
      for (const svc of [clusterIp, headless]) {
        expect(svc.spec?.ports?.map((p) => p.port)).toEqual([3100, 9095]);
        expect(
          selects(svc.spec?.selector ?? {}, podLabels(scalable.objects, `loki-${target}`)),
        ).toBe(true);
      }
    }
  });

  it("selects all three targets, and nothing else, with the memberlist Service", () => {
    const memberlist = service(scalable.objects, "loki-memberlist");
    expect(memberlist.spec?.clusterIP).toBe("None");
    expect(memberlist.spec?.publishNotReadyAddresses).toBe(true);
    expect(memberlist.spec?.ports).toEqual([
      { name: "tcp-memberlist", port: 7946, targetPort: "tcp-memberlist", protocol: "TCP" },
    ]);
    const selector = memberlist.spec?.selector ?? {};
    expect(selector[MEMBERLIST_LABEL]).toBe("true");
    for (const name of ["loki-write", "loki-read", "loki-backend"]) {
      expect(selects(selector, podLabels(scalable.objects, name)), name).toBe(true);
    }
    for (const name of ["loki-gateway", "loki-chunks-cache", "loki-results-cache"]) {
      expect(selects(selector, podLabels(scalable.objects, name)), name).toBe(false);
    }
    const withFrontend = loki({ storage: S3, queryFrontend: { enabled: true } });
    expect(selects(selector, podLabels(withFrontend.objects, "loki-query-frontend"))).toBe(true);
  });

  it("keeps memberlist selectors of two installs in one namespace apart", () => {
    const other = loki({ storage: S3 }, { instance: "staging", namePrefix: "staging" });
    const selector = service(other.objects, "staging-loki-memberlist").spec?.selector ?? {};
    expect(selects(selector, podLabels(scalable.objects, "loki-write"))).toBe(false);
  });

  it("adds a query-frontend Deployment on request", () => {
    expect(scalable.objects.some((o) => o.metadata.name === "loki-query-frontend")).toBe(false);
    const c = loki({ storage: S3, queryFrontend: { enabled: true, replicas: 3 } });
    expect(workload(c.objects, "loki-query-frontend").kind).toBe("Deployment");
    expect(replicasOf(c.objects, "loki-query-frontend")).toBe(3);
    expect(mainContainer(c.objects, "loki-query-frontend").args).toContain(
      "-target=query-frontend",
    );
  });

  it("carries workload-identity annotations on the ServiceAccount, and the Azure label on the pods", () => {
    const aws = loki({
      storage: { type: "s3", bucket: "logs", region: "us-east-1" },
      workloadIdentity: { aws: { roleArn: "arn:aws:iam::123456789012:role/loki" } },
    });
    expect(
      find<ServiceAccount>(aws.objects, "ServiceAccount", "loki").metadata?.annotations,
    ).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/loki",
    });
    expect(mainContainer(aws.objects, "loki-write").env).toBeUndefined();
    const azure = loki({
      storage: { type: "azure", container: "logs", storageAccount: "mzlogs" },
      workloadIdentity: { azure: { clientId: "00000000-0000-4000-8000-000000000000" } },
    });
    expect(podLabels(azure.objects, "loki-read")["azure.workload.identity/use"]).toBe("true");
    expect(
      find<ServiceAccount>(azure.objects, "ServiceAccount", "loki").automountServiceAccountToken,
    ).toBe(false);
  });

  it("mounts a GCS key file and points GOOGLE_APPLICATION_CREDENTIALS at it", () => {
    const c = loki({
      storage: {
        type: "gcs",
        bucket: "logs",
        credentials: { serviceAccountKey: { name: "gcs", key: "key.json" } },
      },
    });
    const container = mainContainer(c.objects, "loki-backend");
    expect(container.env).toContainEqual({
      name: "GOOGLE_APPLICATION_CREDENTIALS",
      value: "/etc/object-storage/gcs/key.json",
    });
    expect(container.volumeMounts).toContainEqual({
      name: "gcs-credentials",
      mountPath: "/etc/object-storage/gcs",
      readOnly: true,
    });
  });

  it("rolls the pods when the config changes", () => {
    const checksum = (c: ReturnType<typeof loki>) =>
      workload(c.objects, "loki-write").spec?.template.metadata?.annotations?.["checksum/config"];
    expect(checksum(scalable)).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum(loki({ storage: S3, limits: { retentionPeriod: "24h" } }))).not.toBe(
      checksum(scalable),
    );
  });
});

describe("availability", () => {
  it("has a PDB allowing one disruption for each replicated role", () => {
    const pdbs = findAll(scalable.objects, "PodDisruptionBudget") as PodDisruptionBudget[];
    expect(pdbs.map((p) => p.metadata?.name).sort()).toEqual([
      "loki-backend",
      "loki-chunks-cache",
      "loki-gateway",
      "loki-read",
      "loki-results-cache",
      "loki-write",
    ]);
    for (const pdb of pdbs) {
      expect(pdb.spec?.maxUnavailable).toBe(1);
      const name = pdb.metadata?.name ?? "";
      expect(
        selects(pdb.spec?.selector?.matchLabels ?? {}, podLabels(scalable.objects, name)),
      ).toBe(true);
    }
  });

  it("spreads replicas across zones (soft) and hosts, switchable", () => {
    const spread = podSpec(scalable.objects, "loki-write").topologySpreadConstraints ?? [];
    expect(spread.map((c) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ["topology.kubernetes.io/zone", "ScheduleAnyway"],
      ["kubernetes.io/hostname", "ScheduleAnyway"],
    ]);
    const noZones = loki({ storage: S3, topologySpread: { zones: false, hosts: "hard" } });
    expect(
      (podSpec(noZones.objects, "loki-write").topologySpreadConstraints ?? []).map((c) => [
        c.topologyKey,
        c.whenUnsatisfiable,
      ]),
    ).toEqual([["kubernetes.io/hostname", "DoNotSchedule"]]);
  });

  it("spreads the write pods hard across zones with write.zoneSpread, and only them", () => {
    const zoneRule = (objects: typeof scalable.objects, name: string) =>
      (podSpec(objects, name).topologySpreadConstraints ?? []).find(
        (c) => c.topologyKey === "topology.kubernetes.io/zone",
      )?.whenUnsatisfiable;
    const hard = loki({ storage: S3, write: { zoneSpread: "hard" } });
    expect(zoneRule(hard.objects, "loki-write")).toBe("DoNotSchedule");
    for (const other of ["loki-read", "loki-backend", "loki-gateway"]) {
      expect(zoneRule(hard.objects, other), other).toBe("ScheduleAnyway");
    }
    // It names the write pods' spread even when the other roles spread over no zone.
    const only = loki({
      storage: S3,
      topologySpread: { zones: false },
      write: { zoneSpread: "hard" },
    });
    expect(zoneRule(only.objects, "loki-write")).toBe("DoNotSchedule");
    expect(zoneRule(only.objects, "loki-read")).toBeUndefined();
  });

  it("takes the context's critical priority class and the zone key", () => {
    const c = loki(
      { storage: S3 },
      { priorityClasses: { critical: "monitoring-critical" }, zoneTopologyKey: "example.com/zone" },
    );
    const spec = podSpec(c.objects, "loki-read");
    expect(spec.priorityClassName).toBe("monitoring-critical");
    expect(spec.topologySpreadConstraints?.[0]?.topologyKey).toBe("example.com/zone");
  });
});

describe("caches", () => {
  it("runs memcached StatefulSets behind headless Services with memory sized from the item memory", () => {
    const chunks = statefulSetOf(scalable.objects, "loki-chunks-cache");
    expect(chunks.spec?.replicas).toBe(2);
    const container = mainContainer(scalable.objects, "loki-chunks-cache");
    expect(container.args).toEqual(["-m", "2048", "-I", "5m", "-c", "16384", "-p", "11211"]);
    expect(container.resources?.limits?.memory).toBe("2522Mi");
    expect(container.securityContext?.runAsUser).toBe(11211);
    const svc = service(scalable.objects, "loki-chunks-cache");
    expect(svc.spec?.clusterIP).toBe("None");
    expect(svc.spec?.ports).toEqual([
      { name: "memcached", port: 11211, targetPort: "memcached", protocol: "TCP" },
    ]);
  });

  it("leaves caches out of the small preset and lets values turn them on", () => {
    const small = loki({ storage: S3, size: "small" });
    expect(small.objects.some((o) => o.metadata.name.endsWith("-cache"))).toBe(false);
    const on = loki({
      storage: S3,
      size: "small",
      caches: { results: { enabled: true, memoryMb: 128 } },
    });
    expect(mainContainer(on.objects, "loki-results-cache").args).toContain("128");
    expect(on.objects.some((o) => o.metadata.name === "loki-chunks-cache")).toBe(false);
  });
});

describe("single-binary mode", () => {
  const single = loki({ mode: "single-binary" });

  it("runs one replica of -target=all with a PVC and no memberlist", () => {
    const sts = statefulSetOf(single.objects, "loki-single-binary");
    expect(sts.spec?.replicas).toBe(1);
    expect(mainContainer(single.objects, "loki-single-binary").args).toContain("-target=all");
    expect(
      mainContainer(single.objects, "loki-single-binary").ports?.map((p) => p.containerPort),
    ).toEqual([3100, 9095]);
    expect(single.objects.some((o) => o.metadata.name === "loki-memberlist")).toBe(false);
    expect(single.objects.some((o) => o.metadata.name === "loki-write")).toBe(false);
    expect(
      findAll(single.objects, "PodDisruptionBudget").map((p) => p.metadata.name),
    ).not.toContain("loki-single-binary");
  });

  it("puts filesystem chunks on the PVC, also when the path is outside /var/loki", () => {
    const elsewhere = loki({
      mode: "single-binary",
      storage: { type: "filesystem", path: "/data/chunks" },
    });
    expect(mainContainer(elsewhere.objects, "loki-single-binary").volumeMounts).toContainEqual({
      name: "data",
      mountPath: "/data/chunks",
      subPath: "chunks",
    });
    expect(
      mainContainer(single.objects, "loki-single-binary").volumeMounts?.filter(
        (m) => m.name === "data",
      ),
    ).toEqual([{ name: "data", mountPath: "/var/loki" }]);
  });

  it("can use object storage", () => {
    const c = loki({ mode: "single-binary", storage: S3 });
    expect(mainContainer(c.objects, "loki-single-binary").env?.map((e) => e.name)).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
    ]);
  });
});

describe("object names", () => {
  it("carry the context's name prefix and namespace", () => {
    const c = loki({ storage: S3 }, { namePrefix: "mm", namespace: "observability" });
    expect(workload(c.objects, "mm-loki-write").metadata.namespace).toBe("observability");
    expect(c.endpoints.pushUrl).toBe(
      "http://mm-loki-gateway.observability.svc.cluster.local:80/loki/api/v1/push",
    );
  });
});
