import {
  configMap,
  type KubeObject,
  resourceName,
  service,
  servicePort,
  statefulSet,
  toYaml,
  volumeClaimTemplate,
} from "@materialize-monitoring/core";
import {
  listenArgs,
  logArgs,
  maybePdb,
  meta,
  type RoleContext,
  selector,
  thanosContainer,
  thanosPod,
} from "./common.js";
import { APP, PATH, PORT, type ThanosNames } from "./names.js";
import type { BucketWiring } from "./objstore.js";
import type { Effective } from "./resolve.js";

/** Label every store pod carries to say which shard it serves. */
export const SHARD_LABEL = "thanos.io/store-shard";

/** One store gateway StatefulSet: the whole bucket, one hash shard, or one time range. */
export interface StoreShard {
  /** Suffix of the StatefulSet name, "" when unsharded. */
  name: string;
  args: string[];
  /** Config file keys this shard reads. */
  files: Record<string, string>;
}

export function storeShards(rc: RoleContext): StoreShard[] {
  const sharding = rc.values.store.sharding;
  switch (sharding.mode) {
    case "none":
      return [{ name: "", args: [], files: {} }];
    case "hashmod":
      // Blocks are spread by a hash of their ULID (`__block_id`), so each shard loads a disjoint subset.
      return Array.from({ length: sharding.shards }, (_, i) => {
        const key = `selector-shard-${i}.yaml`;
        return {
          name: `shard-${i}`,
          args: [`--selector.relabel-config-file=${PATH.storeConfig}/${key}`],
          files: {
            [key]: toYaml([
              {
                action: "hashmod",
                source_labels: ["__block_id"],
                target_label: "shard",
                modulus: sharding.shards,
              },
              { action: "keep", source_labels: ["shard"], regex: String(i) },
            ]),
          },
        };
      });
    case "time":
      return sharding.partitions.map((p) => ({
        name: p.name,
        args: [`--min-time=${p.minTime}`, `--max-time=${p.maxTime}`],
        files: {},
      }));
  }
}

/** A store-gateway cache in the user's memcached, as Thanos's MEMCACHED client config. */
function memcachedClientConfig(cache: {
  addresses: readonly string[];
  timeout: string;
}): Record<string, unknown> {
  return {
    type: "MEMCACHED",
    config: {
      addresses: cache.addresses,
      timeout: cache.timeout,
      max_idle_connections: 100,
      max_async_concurrency: 20,
      max_get_multi_batch_size: 0,
      max_item_size: "1MiB",
      dns_provider_update_interval: "10s",
    },
  };
}

export function indexCacheConfig(rc: RoleContext, eff: Effective): Record<string, unknown> {
  const cache = rc.values.store.indexCache;
  if (cache.type === "memcached") {
    return memcachedClientConfig(cache);
  }
  return { type: "IN-MEMORY", config: { max_size: eff.store.indexCacheSize } };
}

/**
 * The caching bucket's file, or undefined when it is off. Only the backend is
 * written: the chunk and metafile TTLs keep Thanos's defaults
 * (CachingWithBackendConfig.Defaults, pkg/store/cache/caching_bucket_factory.go).
 */
export function cachingBucketConfig(
  rc: RoleContext,
  eff: Effective,
): Record<string, unknown> | undefined {
  const cache = rc.values.store.cachingBucket;
  switch (cache.type) {
    case "none":
      return undefined;
    case "memcached":
      return memcachedClientConfig(cache);
    case "in-memory":
      return { type: "IN-MEMORY", config: { max_size: eff.store.cachingBucketSize } };
  }
}

export function buildStore(
  rc: RoleContext,
  names: ThanosNames,
  eff: Effective,
  bucket: BucketWiring,
): KubeObject[] {
  const values = rc.values.store;
  const shards = storeShards(rc);
  const bucketCache = cachingBucketConfig(rc, eff);
  const files: Record<string, string> = {
    "index-cache.yaml": toYaml(indexCacheConfig(rc, eff)),
    ...(bucketCache ? { "caching-bucket.yaml": toYaml(bucketCache) } : {}),
  };
  for (const shard of shards) Object.assign(files, shard.files);
  const storeSelector = selector(rc.ctx, "store");
  const objects: KubeObject[] = [
    configMap(meta(rc, "store", names.storeConfig), files),
    // One headless Service over every shard: query's SRV lookup reaches all of them.
    service({
      metadata: meta(rc, "store", names.storeHeadless),
      selector: storeSelector,
      headless: true,
      ports: [
        servicePort(PORT.grpc.name, PORT.grpc.port),
        servicePort(PORT.http.name, PORT.http.port),
      ],
    }),
  ];
  for (const shard of shards) {
    const name = shard.name ? resourceName(rc.ctx, APP, "store", shard.name) : names.store;
    const shardLabels: Record<string, string> = shard.name ? { [SHARD_LABEL]: shard.name } : {};
    const args = [
      "store",
      ...logArgs(rc.values),
      ...listenArgs(rc.ctx, true),
      `--data-dir=${PATH.storeData}`,
      `--index-cache.config-file=${PATH.storeConfig}/index-cache.yaml`,
      // Documented in docs/components/store.md ("Caching Bucket") though kept out of --help upstream.
      ...(bucketCache
        ? [`--store.caching-bucket.config-file=${PATH.storeConfig}/caching-bucket.yaml`]
        : []),
      // Index headers are mmapped only when a query needs the block: lower memory, faster start.
      "--store.enable-index-header-lazy-reader",
      ...shard.args,
      ...bucket.args,
      ...values.extraArgs,
    ];
    objects.push(
      statefulSet({
        metadata: meta(rc, "store", name),
        replicas: eff.store.replicas,
        selector: { ...storeSelector, ...shardLabels },
        serviceName: names.storeHeadless,
        template: thanosPod(rc, {
          role: "store",
          extraLabels: shardLabels,
          containers: [
            thanosContainer(rc, {
              name: "thanos-store",
              args,
              resources: eff.store.resources,
              grpc: true,
              env: bucket.env,
              volumeMounts: [
                { name: "data", mountPath: PATH.storeData },
                { name: "config", mountPath: PATH.storeConfig, readOnly: true },
                ...bucket.volumeMounts,
              ],
              // The first index-header sync of a large bucket takes a while.
              startupSeconds: 600,
            }),
          ],
          volumes: [{ name: "config", configMap: { name: names.storeConfig } }, ...bucket.volumes],
          replicas: eff.store.replicas,
          usesBucket: true,
        }),
        volumeClaimTemplates: [
          volumeClaimTemplate(rc.ctx, {
            name: "data",
            persistence: {
              enabled: true,
              size: eff.store.storage,
              accessModes: values.persistence.accessModes,
              ...(values.persistence.storageClass
                ? { storageClass: values.persistence.storageClass }
                : {}),
            },
          }),
        ],
      }),
      ...maybePdb(rc, "store", name, eff.store.replicas, shardLabels),
    );
  }
  return objects;
}
