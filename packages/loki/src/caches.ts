import {
  type BuildContext,
  container,
  containerPort,
  imageRef,
  type KubeObject,
  objectMeta,
  podTemplate,
  service,
  serviceAccount,
  servicePort,
  standardLabels,
  statefulSet,
  tcpProbe,
} from "@materialize-monitoring/core";
import { APP, type LokiNames, MEMCACHED_UID, PORT, roleSelector } from "./names.js";
import { rolePdb, roleScheduling } from "./scheduling.js";
import type { ResolvedCache, ResolvedLokiValues } from "./values.js";

export type CacheRole = "chunks-cache" | "results-cache";

export interface CacheInputs {
  ctx: BuildContext;
  values: ResolvedLokiValues;
  names: LokiNames;
}

/** The caches that are on, by role. */
export function enabledCaches(values: ResolvedLokiValues): [CacheRole, ResolvedCache][] {
  const caches: [CacheRole, ResolvedCache][] = [
    ["chunks-cache", values.caches.chunks],
    ["results-cache", values.caches.results],
  ];
  return caches.filter(([, cache]) => cache.enabled);
}

function memcached(inputs: CacheInputs, role: CacheRole, cache: ResolvedCache): KubeObject[] {
  const { ctx, values, names } = inputs;
  const image = values.caches.image;
  const selector = roleSelector(ctx, role);
  const meta = (objectName: string) =>
    objectMeta(ctx, { name: APP, component: role, version: image.tag, objectName });
  const server = container({
    name: "memcached",
    image: imageRef(image, ctx.imageRegistry),
    imagePullPolicy: image.pullPolicy,
    args: [
      `-m ${cache.memoryMb}`,
      `-I ${cache.maxItemMb}m`,
      "-c 16384",
      `-p ${PORT.memcached.port}`,
    ].flatMap((flag) => flag.split(" ")),
    ports: [containerPort(PORT.memcached.name, PORT.memcached.port)],
    resources: cache.resources,
    probes: {
      readiness: tcpProbe(PORT.memcached.name, { initialDelaySeconds: 5, failureThreshold: 3 }),
      liveness: tcpProbe(PORT.memcached.name, { initialDelaySeconds: 10 }),
    },
    security: { runAsUser: MEMCACHED_UID, runAsGroup: MEMCACHED_UID },
  });
  return [
    statefulSet({
      metadata: meta(names.role(role)),
      replicas: cache.replicas,
      selector,
      serviceName: names.role(role),
      template: podTemplate(ctx, {
        labels: standardLabels(ctx, { name: APP, component: role, version: image.tag }),
        containers: [server],
        serviceAccountName: names.cacheServiceAccount,
        scheduling: roleScheduling(ctx, values, role),
        security: { runAsUser: MEMCACHED_UID, runAsGroup: MEMCACHED_UID },
        terminationGracePeriodSeconds: 30,
      }),
    }),
    // Headless: Loki finds every memcached pod through the SRV record and shards keys across them.
    service({
      metadata: meta(names.role(role)),
      selector,
      ports: [servicePort(PORT.memcached.name, PORT.memcached.port)],
      headless: true,
    }),
    ...rolePdb(ctx, names, role, cache.replicas),
  ];
}

/** memcached StatefulSets for the chunks and results caches that are on. */
export function lokiCaches(inputs: CacheInputs): KubeObject[] {
  const caches = enabledCaches(inputs.values);
  if (caches.length === 0) return [];
  const { ctx, names, values } = inputs;
  return [
    serviceAccount(
      objectMeta(ctx, {
        name: APP,
        component: "cache",
        version: values.caches.image.tag,
        objectName: names.cacheServiceAccount,
      }),
    ),
    ...caches.flatMap(([role, cache]) => memcached(inputs, role, cache)),
  ];
}
