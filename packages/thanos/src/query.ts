import {
  configMap,
  deployment,
  deploymentReplicas,
  type KubeObject,
  service,
  servicePort,
  toYaml,
} from "@materialize-monitoring/core";
import {
  listenArgs,
  logArgs,
  meta,
  type RoleContext,
  scaledRoleObjects,
  selector,
  thanosContainer,
  thanosPod,
} from "./common.js";
import type { ThanosEndpoints } from "./endpoints.js";
import { PATH, PORT, type ThanosNames } from "./names.js";
import type { Effective } from "./resolve.js";
import { storeApiClientConfig } from "./tls.js";

/**
 * The StoreAPI endpoints query fans out to: one DNS SRV name per headless
 * Service, resolved to every pod behind it through the `grpc` named port.
 * Receive (ingestors), store gateways and rulers all serve StoreAPI.
 */
export function queryStoreEndpoints(rc: RoleContext, endpoints: ThanosEndpoints): string[] {
  const { receive, store, ruler } = endpoints.storeApi;
  return [
    receive,
    ...(store ? [store] : []),
    ...(ruler ? [ruler] : []),
    ...rc.values.query.extraEndpoints,
  ];
}

/**
 * `--endpoint.sd-config-file` content; the `--endpoint` flags are deprecated
 * upstream. Under internal TLS, `default_client_config` holds the stack's
 * client TLS: Thanos applies it to every endpoint found by DNS (the stack's
 * own, all `dnssrv+`), while each of `plain` (the user's static
 * `extraEndpoints`, not signed by the stack's CA) keeps a plain connection.
 */
export function endpointSdConfig(
  addresses: readonly string[],
  tls?: { defaultClientConfig: Record<string, unknown>; plain: readonly string[] },
): string {
  const plain = new Set(tls?.plain ?? []);
  return toYaml({
    ...(tls ? { default_client_config: tls.defaultClientConfig } : {}),
    endpoints: addresses.map((address) =>
      plain.has(address)
        ? { address, client_config: { tls_config: { enabled: false } } }
        : { address },
    ),
  });
}

function queryTls(rc: RoleContext, names: ThanosNames) {
  const defaultClientConfig = storeApiClientConfig(rc.ctx, names);
  return defaultClientConfig
    ? { defaultClientConfig, plain: rc.values.query.extraEndpoints }
    : undefined;
}

export function buildQuery(
  rc: RoleContext,
  names: ThanosNames,
  eff: Effective,
  endpoints: ThanosEndpoints,
): KubeObject[] {
  const values = rc.values.query;
  const addresses = queryStoreEndpoints(rc, endpoints);
  const endpointsFile = `${PATH.queryConfig}/endpoints.yaml`;
  const args = [
    "query",
    ...logArgs(rc.values),
    ...listenArgs(rc.ctx, true),
    `--endpoint.sd-config-file=${endpointsFile}`,
    `--query.replica-label=${rc.values.replicaLabels.receive}`,
    `--query.replica-label=${rc.values.replicaLabels.ruler}`,
    `--query.timeout=${values.timeout}`,
    `--query.max-concurrent=${values.maxConcurrent}`,
    ...(values.lookbackDelta ? [`--query.lookback-delta=${values.lookbackDelta}`] : []),
    ...(values.autoDownsampling ? ["--query.auto-downsampling"] : []),
    ...(values.deduplicationFunc === "chain" ? ["--deduplication.func=chain"] : []),
    ...values.extraArgs,
  ];
  const querySelector = selector(rc.ctx, "query");
  return [
    configMap(meta(rc, "query", names.queryEndpoints), {
      "endpoints.yaml": endpointSdConfig(addresses, queryTls(rc, names)),
    }),
    deployment({
      metadata: meta(rc, "query", names.query),
      replicas: deploymentReplicas(eff.query.replicas, rc.values.query.autoscaling),
      selector: querySelector,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: thanosPod(rc, {
        role: "query",
        containers: [
          thanosContainer(rc, {
            name: "thanos-query",
            args,
            resources: eff.query.resources,
            grpc: true,
            volumeMounts: [{ name: "config", mountPath: PATH.queryConfig, readOnly: true }],
          }),
        ],
        volumes: [{ name: "config", configMap: { name: names.queryEndpoints } }],
        replicas: eff.query.replicas,
        usesBucket: false,
      }),
    }),
    service({
      metadata: meta(rc, "query", names.query),
      selector: querySelector,
      ports: [
        servicePort(PORT.http.name, PORT.http.port),
        servicePort(PORT.grpc.name, PORT.grpc.port),
      ],
    }),
    // Headless, so the ruler can discover every querier by DNS SRV on the `http` port.
    service({
      metadata: meta(rc, "query", names.queryHeadless),
      selector: querySelector,
      headless: true,
      ports: [
        servicePort(PORT.http.name, PORT.http.port),
        servicePort(PORT.grpc.name, PORT.grpc.port),
      ],
    }),
    ...scaledRoleObjects(rc, "query", names.query, eff.query.replicas, rc.values.query.autoscaling),
  ];
}
