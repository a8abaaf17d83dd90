import type { Resources } from "@materialize-monitoring/core";

export const SIZES = ["small", "medium", "large"] as const;
export type Size = (typeof SIZES)[number];

export interface ReplicatedSizing {
  replicas: number;
  resources: Resources;
}

export interface PersistentSizing extends ReplicatedSizing {
  /** PVC size of the role's data volume. */
  storage: string;
}

export interface CacheSizing {
  enabled: boolean;
  replicas: number;
  /** Memory memcached may use for items (`-m`), in MiB. */
  memoryMb: number;
}

/**
 * Everything a preset decides. Users override any field in values; a field
 * they leave out comes from the preset they chose.
 */
export interface Sizing {
  write: PersistentSizing;
  read: ReplicatedSizing & { maxConcurrent: number };
  backend: PersistentSizing;
  queryFrontend: ReplicatedSizing & { enabled: boolean };
  gateway: ReplicatedSizing;
  singleBinary: { resources: Resources; storage: string; maxConcurrent: number };
  chunksCache: CacheSizing;
  resultsCache: CacheSizing;
  limits: {
    ingestionRateMb: number;
    ingestionBurstSizeMb: number;
    maxGlobalStreamsPerUser: number;
  };
}

function res(cpu: string, memory: string, memoryLimit: string): Resources {
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}

/**
 * `small`: a few GB of logs a day (a dev or staging cluster).
 * `medium` (default): tens of GB a day, caches on.
 * `large`: hundreds of GB a day, dedicated query-frontend.
 * Three write replicas in every preset: replication factor 3 needs them.
 */
export const SIZING: Readonly<Record<Size, Sizing>> = {
  small: {
    write: { replicas: 3, resources: res("100m", "512Mi", "1Gi"), storage: "10Gi" },
    read: { replicas: 2, resources: res("100m", "512Mi", "1Gi"), maxConcurrent: 4 },
    backend: { replicas: 2, resources: res("100m", "512Mi", "1Gi"), storage: "10Gi" },
    queryFrontend: { enabled: false, replicas: 2, resources: res("100m", "256Mi", "512Mi") },
    gateway: { replicas: 2, resources: res("50m", "64Mi", "128Mi") },
    singleBinary: { resources: res("250m", "1Gi", "2Gi"), storage: "20Gi", maxConcurrent: 4 },
    chunksCache: { enabled: false, replicas: 1, memoryMb: 512 },
    resultsCache: { enabled: false, replicas: 1, memoryMb: 256 },
    limits: { ingestionRateMb: 4, ingestionBurstSizeMb: 8, maxGlobalStreamsPerUser: 5000 },
  },
  medium: {
    write: { replicas: 3, resources: res("500m", "2Gi", "4Gi"), storage: "20Gi" },
    read: { replicas: 3, resources: res("500m", "1Gi", "4Gi"), maxConcurrent: 8 },
    backend: { replicas: 3, resources: res("250m", "1Gi", "2Gi"), storage: "20Gi" },
    queryFrontend: { enabled: false, replicas: 2, resources: res("250m", "512Mi", "1Gi") },
    gateway: { replicas: 2, resources: res("100m", "128Mi", "256Mi") },
    singleBinary: { resources: res("1", "4Gi", "8Gi"), storage: "50Gi", maxConcurrent: 8 },
    chunksCache: { enabled: true, replicas: 2, memoryMb: 2048 },
    resultsCache: { enabled: true, replicas: 2, memoryMb: 512 },
    limits: { ingestionRateMb: 16, ingestionBurstSizeMb: 32, maxGlobalStreamsPerUser: 20000 },
  },
  large: {
    write: { replicas: 6, resources: res("2", "8Gi", "16Gi"), storage: "50Gi" },
    read: { replicas: 6, resources: res("2", "4Gi", "8Gi"), maxConcurrent: 16 },
    backend: { replicas: 3, resources: res("1", "4Gi", "8Gi"), storage: "50Gi" },
    queryFrontend: { enabled: true, replicas: 2, resources: res("500m", "1Gi", "2Gi") },
    gateway: { replicas: 3, resources: res("250m", "256Mi", "512Mi") },
    singleBinary: { resources: res("2", "8Gi", "16Gi"), storage: "100Gi", maxConcurrent: 16 },
    chunksCache: { enabled: true, replicas: 3, memoryMb: 8192 },
    resultsCache: { enabled: true, replicas: 2, memoryMb: 2048 },
    limits: { ingestionRateMb: 64, ingestionBurstSizeMb: 128, maxGlobalStreamsPerUser: 100000 },
  },
};
