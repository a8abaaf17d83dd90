import { type Resources, resources as resourcesSchema } from "@materialize-monitoring/core";
import { DEV_OVERRIDES, PRESETS } from "./presets.js";
import type { ParsedThanosValues } from "./values.js";

/** A role's effective size after merging values over the preset (and dev mode). */
export interface EffectiveSize {
  replicas: number;
  resources: Resources;
  storage: string;
}

/**
 * Which roles run. Only mode and explicit switches decide it, never sizes, so
 * the endpoints can be known without resolving a preset.
 */
export interface RoleSwitches {
  dev: boolean;
  queryFrontend: boolean;
  store: boolean;
  compactor: boolean;
  ruler: boolean;
}

export function roleSwitches(values: ParsedThanosValues): RoleSwitches {
  const dev = values.mode === "dev";
  return {
    dev,
    queryFrontend: values.queryFrontend.enabled ?? !dev,
    store: values.store.enabled ?? !dev,
    compactor: values.compactor.enabled ?? !dev,
    ruler: values.ruler.enabled,
  };
}

/** Every decision that depends on mode and preset, made once. */
export interface Effective {
  dev: boolean;
  receive: EffectiveSize & { replicationFactor: number; retention: string };
  receiveRouter: EffectiveSize;
  query: EffectiveSize;
  queryFrontend: EffectiveSize & { enabled: boolean };
  memcached: EffectiveSize & { memoryMb: number };
  store: EffectiveSize & { enabled: boolean; indexCacheSize: string; cachingBucketSize: string };
  compactor: EffectiveSize & { enabled: boolean };
  ruler: EffectiveSize & { enabled: boolean };
}

const parseResources = (input: Parameters<typeof resourcesSchema.parse>[0]) =>
  resourcesSchema.parse(input);

export function effective(values: ParsedThanosValues): Effective {
  const on = roleSwitches(values);
  const dev = on.dev;
  const preset = PRESETS[values.preset];
  const pick = <T>(explicit: T | undefined, devValue: T | undefined, presetValue: T): T =>
    explicit ?? (dev && devValue !== undefined ? devValue : presetValue);
  const memcachedDeploy =
    values.queryFrontend.cache.type === "memcached" ? values.queryFrontend.cache.deploy : undefined;
  const replicationFactor = pick(
    values.receive.replicationFactor,
    DEV_OVERRIDES.receive.replicationFactor,
    preset.receive.replicationFactor,
  );
  return {
    dev,
    receive: {
      // Without an explicit count, enough receives to hold every copy of a series.
      replicas:
        values.receive.replicas ??
        Math.max(dev ? DEV_OVERRIDES.receive.replicas : preset.receive.replicas, replicationFactor),
      replicationFactor,
      retention: values.receive.retention ?? (dev ? "15d" : "1d"),
      resources: values.receive.resources ?? parseResources(preset.receive.resources),
      storage: pick(
        values.receive.persistence.size,
        DEV_OVERRIDES.receive.storage,
        preset.receive.storage,
      ),
    },
    receiveRouter: {
      replicas: pick(values.receive.router.replicas, 1, preset.receiveRouter.replicas),
      resources: values.receive.router.resources ?? parseResources(preset.receiveRouter.resources),
      storage: "",
    },
    query: {
      replicas: pick(values.query.replicas, DEV_OVERRIDES.query.replicas, preset.query.replicas),
      resources: values.query.resources ?? parseResources(preset.query.resources),
      storage: "",
    },
    queryFrontend: {
      enabled: on.queryFrontend,
      replicas: pick(
        values.queryFrontend.replicas,
        DEV_OVERRIDES.queryFrontend.replicas,
        preset.queryFrontend.replicas,
      ),
      resources: values.queryFrontend.resources ?? parseResources(preset.queryFrontend.resources),
      storage: "",
    },
    memcached: {
      replicas: pick(
        memcachedDeploy?.replicas,
        DEV_OVERRIDES.memcached.replicas,
        preset.memcached.replicas,
      ),
      memoryMb: memcachedDeploy?.memoryMb ?? preset.memcached.memoryMb,
      resources: memcachedDeploy?.resources ?? parseResources(preset.memcached.resources),
      storage: "",
    },
    store: {
      enabled: on.store,
      replicas: values.store.replicas ?? preset.store.replicas,
      resources: values.store.resources ?? parseResources(preset.store.resources),
      storage: values.store.persistence.size ?? preset.store.storage,
      indexCacheSize:
        (values.store.indexCache.type === "in-memory"
          ? values.store.indexCache.maxSize
          : undefined) ?? preset.store.indexCacheSize,
      cachingBucketSize:
        (values.store.cachingBucket.type === "in-memory"
          ? values.store.cachingBucket.maxSize
          : undefined) ?? preset.store.cachingBucketSize,
    },
    compactor: {
      enabled: on.compactor,
      replicas: values.compactor.replicas,
      resources: values.compactor.resources ?? parseResources(preset.compactor.resources),
      storage: values.compactor.persistence.size ?? preset.compactor.storage,
    },
    ruler: {
      enabled: on.ruler,
      replicas: pick(values.ruler.replicas, DEV_OVERRIDES.ruler.replicas, preset.ruler.replicas),
      resources: values.ruler.resources ?? parseResources(preset.ruler.resources),
      storage: pick(
        values.ruler.persistence.size,
        DEV_OVERRIDES.ruler.storage,
        preset.ruler.storage,
      ),
    },
  };
}
