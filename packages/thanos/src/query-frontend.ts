import {
  configMap,
  container,
  containerPort,
  deployment,
  deploymentReplicas,
  imageRef,
  type KubeObject,
  service,
  servicePort,
  tcpProbe,
  toYaml,
} from "@materialize-monitoring/core";
import {
  listenArgs,
  logArgs,
  maybePdb,
  meta,
  type RoleContext,
  scaledRoleObjects,
  selector,
  thanosContainer,
  thanosPod,
} from "./common.js";
import { dnssrv, memcachedService, type ThanosEndpoints } from "./endpoints.js";
import { MEMCACHED_UID, PATH, PORT, type ThanosNames } from "./names.js";
import type { Effective } from "./resolve.js";
import { peerTlsConfig } from "./tls.js";

/** The response cache config file, or undefined when caching is off. */
export function responseCacheConfig(
  rc: RoleContext,
  names: ThanosNames,
): Record<string, unknown> | undefined {
  const cache = rc.values.queryFrontend.cache;
  switch (cache.type) {
    case "none":
      return undefined;
    case "in-memory":
      return { type: "IN-MEMORY", config: { max_size: cache.maxSize } };
    case "memcached": {
      const addresses = cache.deploy.enabled
        ? [dnssrv(memcachedService(rc.ctx, names), "memcached")]
        : cache.addresses;
      return {
        type: "MEMCACHED",
        config: {
          addresses,
          timeout: cache.timeout,
          max_idle_connections: 100,
          max_async_concurrency: 10,
          max_async_buffer_size: 10000,
          max_get_multi_concurrency: 100,
          max_get_multi_batch_size: 0,
          // memcached's own -I below is 1m; larger items would be refused anyway.
          max_item_size: "1MiB",
          dns_provider_update_interval: "10s",
          expiration: cache.expiration,
        },
      };
    }
  }
}

export function buildQueryFrontend(
  rc: RoleContext,
  names: ThanosNames,
  eff: Effective,
  endpoints: ThanosEndpoints,
): KubeObject[] {
  const values = rc.values.queryFrontend;
  const cache = responseCacheConfig(rc, names);
  const files: Record<string, string> = {
    // One downstream host (the query Service): keep-alive needs more than Go's 2 idle conns per host.
    "downstream-tripper.yaml": toYaml({
      max_idle_conns_per_host: 100,
      ...peerTlsConfig(rc.ctx, names),
    }),
    ...(cache ? { "response-cache.yaml": toYaml(cache) } : {}),
  };
  const args = [
    "query-frontend",
    ...logArgs(rc.values),
    ...listenArgs(rc.ctx, false),
    `--query-frontend.downstream-url=${endpoints.queryUrl}`,
    `--query-frontend.downstream-tripper-config-file=${PATH.frontendConfig}/downstream-tripper.yaml`,
    `--query-range.split-interval=${values.splitInterval}`,
    `--query-range.max-retries-per-request=${values.maxRetries}`,
    "--query-range.align-range-with-step",
    `--query-frontend.log-queries-longer-than=${values.logQueriesLongerThan}`,
    "--query-frontend.compress-responses",
    ...(cache
      ? [`--query-range.response-cache-config-file=${PATH.frontendConfig}/response-cache.yaml`]
      : []),
    ...values.extraArgs,
  ];
  const frontendSelector = selector(rc.ctx, "query-frontend");
  const objects: KubeObject[] = [
    configMap(meta(rc, "query-frontend", names.queryFrontendConfig), files),
    deployment({
      metadata: meta(rc, "query-frontend", names.queryFrontend),
      replicas: deploymentReplicas(eff.queryFrontend.replicas, rc.values.queryFrontend.autoscaling),
      selector: frontendSelector,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: thanosPod(rc, {
        role: "query-frontend",
        containers: [
          thanosContainer(rc, {
            name: "thanos-query-frontend",
            args,
            resources: eff.queryFrontend.resources,
            grpc: false,
            volumeMounts: [{ name: "config", mountPath: PATH.frontendConfig, readOnly: true }],
          }),
        ],
        volumes: [{ name: "config", configMap: { name: names.queryFrontendConfig } }],
        replicas: eff.queryFrontend.replicas,
        usesBucket: false,
      }),
    }),
    service({
      metadata: meta(rc, "query-frontend", names.queryFrontend),
      selector: frontendSelector,
      ports: [servicePort(PORT.http.name, PORT.http.port)],
    }),
    ...scaledRoleObjects(
      rc,
      "query-frontend",
      names.queryFrontend,
      eff.queryFrontend.replicas,
      rc.values.queryFrontend.autoscaling,
    ),
  ];
  if (values.cache.type === "memcached" && values.cache.deploy.enabled) {
    objects.push(...buildMemcached(rc, names, eff, values.cache.deploy.image));
  }
  return objects;
}

type MemcachedImage = Extract<
  RoleContext["values"]["queryFrontend"]["cache"],
  { type: "memcached" }
>["deploy"]["image"];

function buildMemcached(
  rc: RoleContext,
  names: ThanosNames,
  eff: Effective,
  image: MemcachedImage,
): KubeObject[] {
  const memcachedSelector = selector(rc.ctx, "query-frontend-memcached");
  const memcachedContainer = container({
    name: "memcached",
    image: imageRef(image, rc.ctx.imageRegistry),
    imagePullPolicy: image.pullPolicy,
    args: [
      "-m",
      String(eff.memcached.memoryMb),
      "-I",
      "1m",
      "-c",
      "4096",
      "-p",
      String(PORT.memcached.port),
    ],
    ports: [containerPort(PORT.memcached.name, PORT.memcached.port)],
    resources: eff.memcached.resources,
    probes: {
      liveness: tcpProbe(PORT.memcached.name, { initialDelaySeconds: 5, periodSeconds: 15 }),
      readiness: tcpProbe(PORT.memcached.name, { initialDelaySeconds: 2, periodSeconds: 5 }),
    },
    security: { runAsUser: MEMCACHED_UID, runAsGroup: MEMCACHED_UID },
  });
  return [
    deployment({
      metadata: meta(rc, "query-frontend-memcached", names.memcached),
      replicas: eff.memcached.replicas,
      selector: memcachedSelector,
      template: thanosPod(rc, {
        role: "query-frontend-memcached",
        containers: [memcachedContainer],
        replicas: eff.memcached.replicas,
        usesBucket: false,
        uid: MEMCACHED_UID,
      }),
    }),
    // Headless: the frontend's memcached client shards keys over every pod it resolves by SRV.
    service({
      metadata: meta(rc, "query-frontend-memcached", names.memcached),
      selector: memcachedSelector,
      headless: true,
      ports: [servicePort(PORT.memcached.name, PORT.memcached.port)],
    }),
    ...maybePdb(rc, "query-frontend-memcached", names.memcached, eff.memcached.replicas),
  ];
}
