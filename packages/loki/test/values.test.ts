import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loki, lokiValues, resolveLokiValues, SIZES, SIZING } from "../src/index.js";
import { mainContainer, replicasOf, S3, statefulSetOf } from "./helpers.js";

describe("sizing presets", () => {
  it("defaults to medium", () => {
    expect(lokiValues.parse({}).size).toBe("medium");
  });

  it.each(SIZES)("%s sets replicas, resources, PVC sizes and cache sizes", (size) => {
    const preset = SIZING[size];
    const c = loki({ size, storage: S3 });
    expect(replicasOf(c.objects, "loki-write")).toBe(preset.write.replicas);
    expect(replicasOf(c.objects, "loki-read")).toBe(preset.read.replicas);
    expect(replicasOf(c.objects, "loki-backend")).toBe(preset.backend.replicas);
    expect(replicasOf(c.objects, "loki-gateway")).toBe(preset.gateway.replicas);
    expect(mainContainer(c.objects, "loki-write").resources).toEqual(preset.write.resources);
    expect(
      statefulSetOf(c.objects, "loki-write").spec?.volumeClaimTemplates?.[0]?.spec?.resources
        ?.requests,
    ).toEqual({ storage: preset.write.storage });
    expect(c.objects.some((o) => o.metadata.name === "loki-chunks-cache")).toBe(
      preset.chunksCache.enabled,
    );
    expect(c.objects.some((o) => o.metadata.name === "loki-query-frontend")).toBe(
      preset.queryFrontend.enabled,
    );
  });

  it("grows from small to large", () => {
    expect(SIZING.small.write.replicas).toBeLessThanOrEqual(SIZING.medium.write.replicas);
    expect(SIZING.medium.write.replicas).toBeLessThanOrEqual(SIZING.large.write.replicas);
    expect(SIZING.small.limits.ingestionRateMb).toBeLessThan(SIZING.large.limits.ingestionRateMb);
  });

  it("keeps at least three writers in every preset, for replication factor 3", () => {
    for (const size of SIZES) expect(SIZING[size].write.replicas).toBeGreaterThanOrEqual(3);
  });
});

describe("overriding a preset field by field", () => {
  it("replaces only the fields given", () => {
    const values = resolveLokiValues(
      lokiValues.parse({
        size: "large",
        storage: S3,
        write: {
          replicas: 9,
          resources: { limits: { memory: "20Gi" } },
          persistence: { storageClass: "fast" },
        },
        caches: { chunks: { memoryMb: 4096 } },
        limits: { ingestionBurstSizeMb: 200 },
      }),
    );
    expect(values.write.replicas).toBe(9);
    expect(values.write.resources).toEqual({
      requests: { cpu: "2", memory: "8Gi" },
      limits: { memory: "20Gi" },
    });
    expect(values.write.persistence).toEqual({
      enabled: true,
      size: "50Gi",
      storageClass: "fast",
      accessModes: ["ReadWriteOnce"],
    });
    expect(values.read).toEqual({
      ...SIZING.large.read,
      autoscaling: { enabled: false, maxReplicas: 6, cpuUtilization: 75 },
    });
    expect(values.caches.chunks).toMatchObject({ enabled: true, replicas: 3, memoryMb: 4096 });
    expect(values.limits).toMatchObject({ ingestionRateMb: 64, ingestionBurstSizeMb: 200 });
  });

  it("renders a storage class from values onto the PVC", () => {
    const c = loki({
      storage: S3,
      backend: { persistence: { size: "100Gi", storageClass: "gp3" } },
    });
    expect(
      statefulSetOf(c.objects, "loki-backend").spec?.volumeClaimTemplates?.[0]?.spec,
    ).toMatchObject({
      storageClassName: "gp3",
      resources: { requests: { storage: "100Gi" } },
    });
  });

  it("turns a replication factor default into 3 (simple-scalable) or 1 (single-binary)", () => {
    expect(resolveLokiValues(lokiValues.parse({ storage: S3 })).replicationFactor).toBe(3);
    expect(resolveLokiValues(lokiValues.parse({ mode: "single-binary" })).replicationFactor).toBe(
      1,
    );
  });
});

describe("the values schema", () => {
  it("exports as JSON Schema for editors and the umbrella's `schema` command", () => {
    const schema = z.toJSONSchema(lokiValues, { io: "input" }) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(schema.properties)).toContain("mode");
    expect(schema.properties.mode).toMatchObject({ enum: ["simple-scalable", "single-binary"] });
  });
});
