import type { ResourcesInput } from "@materialize-monitoring/core";

export type PresetName = "small" | "medium" | "large";

/** One role's size: replicas, requests/limits and, for stateful roles, the volume size. */
export interface RoleSize {
  replicas: number;
  resources: ResourcesInput;
  storage?: string;
}

/** Sizing of every role in a preset. Values given explicitly always win over the preset. */
export interface Preset {
  receive: RoleSize & { storage: string; replicationFactor: number };
  receiveRouter: RoleSize;
  query: RoleSize;
  queryFrontend: RoleSize;
  memcached: RoleSize & { memoryMb: number };
  store: RoleSize & { storage: string; indexCacheSize: string; cachingBucketSize: string };
  compactor: RoleSize & { storage: string };
  ruler: RoleSize & { storage: string };
}

const r = (cpu: string, memory: string, memoryLimit: string): ResourcesInput => ({
  requests: { cpu, memory },
  limits: { memory: memoryLimit },
});

/**
 * small: a few Materialize environments (~100k active series).
 * medium: tens of environments (~1M series). large: many (~5M series).
 * Every preset replicates each series twice (write quorum 1 at factor 2), so
 * a rollout or a lost node never loses a write; from medium up there are more
 * receives than copies, so a pod can be down while both copies still land.
 */
export const PRESETS: Record<PresetName, Preset> = {
  small: {
    receive: {
      replicas: 2,
      replicationFactor: 2,
      resources: r("250m", "1Gi", "2Gi"),
      storage: "20Gi",
    },
    receiveRouter: { replicas: 2, resources: r("100m", "256Mi", "512Mi") },
    query: { replicas: 2, resources: r("100m", "512Mi", "1Gi") },
    queryFrontend: { replicas: 2, resources: r("50m", "128Mi", "512Mi") },
    memcached: { replicas: 2, memoryMb: 256, resources: r("50m", "288Mi", "320Mi") },
    store: {
      replicas: 2,
      resources: r("100m", "512Mi", "2Gi"),
      storage: "10Gi",
      indexCacheSize: "256MB",
      cachingBucketSize: "128MB",
    },
    compactor: { replicas: 1, resources: r("250m", "1Gi", "2Gi"), storage: "50Gi" },
    ruler: { replicas: 2, resources: r("50m", "256Mi", "512Mi"), storage: "5Gi" },
  },
  medium: {
    receive: {
      replicas: 3,
      replicationFactor: 2,
      resources: r("1", "4Gi", "8Gi"),
      storage: "100Gi",
    },
    receiveRouter: { replicas: 2, resources: r("250m", "512Mi", "1Gi") },
    query: { replicas: 2, resources: r("500m", "2Gi", "4Gi") },
    queryFrontend: { replicas: 2, resources: r("100m", "256Mi", "1Gi") },
    memcached: { replicas: 2, memoryMb: 1024, resources: r("100m", "1100Mi", "1200Mi") },
    store: {
      replicas: 2,
      resources: r("500m", "2Gi", "6Gi"),
      storage: "50Gi",
      indexCacheSize: "1GB",
      cachingBucketSize: "512MB",
    },
    compactor: { replicas: 1, resources: r("1", "4Gi", "8Gi"), storage: "200Gi" },
    ruler: { replicas: 2, resources: r("200m", "1Gi", "2Gi"), storage: "20Gi" },
  },
  large: {
    receive: {
      replicas: 6,
      replicationFactor: 2,
      resources: r("2", "12Gi", "16Gi"),
      storage: "300Gi",
    },
    receiveRouter: { replicas: 3, resources: r("1", "1Gi", "2Gi") },
    query: { replicas: 3, resources: r("2", "8Gi", "12Gi") },
    queryFrontend: { replicas: 3, resources: r("500m", "1Gi", "2Gi") },
    memcached: { replicas: 3, memoryMb: 4096, resources: r("500m", "4400Mi", "4600Mi") },
    store: {
      replicas: 3,
      resources: r("2", "8Gi", "16Gi"),
      storage: "200Gi",
      indexCacheSize: "4GB",
      cachingBucketSize: "2GB",
    },
    compactor: { replicas: 1, resources: r("2", "8Gi", "16Gi"), storage: "500Gi" },
    ruler: { replicas: 2, resources: r("500m", "2Gi", "4Gi"), storage: "50Gi" },
  },
};

/** `dev` mode: one of each stateful pod, no replication, small volumes. */
export const DEV_OVERRIDES = {
  receive: { replicas: 1, replicationFactor: 1, storage: "10Gi" },
  query: { replicas: 1 },
  queryFrontend: { replicas: 1 },
  memcached: { replicas: 1 },
  ruler: { replicas: 1, storage: "2Gi" },
} as const;
