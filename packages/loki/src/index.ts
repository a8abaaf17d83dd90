import {
  type BuildContext,
  configMap,
  defineComponent,
  type KubeObject,
  type ObjectStorage,
  objectMeta,
  serviceAccount,
  toYaml,
  workloadIdentityAnnotations,
} from "@materialize-monitoring/core";
import type { z } from "zod";
import { lokiCaches } from "./caches.js";
import { checkLokiValues } from "./checks.js";
import { lokiConfig, lokiRuntimeConfig, memberlistClusterLabel } from "./config.js";
import { gatewayTopology, lokiGateway } from "./gateway.js";
import {
  APP,
  type LokiNames,
  lokiNames,
  memberlistSelector,
  PATH,
  PORT,
  roleSelector,
  serviceHost,
} from "./names.js";
import { lokiNetworkPolicies } from "./network-policies.js";
import { matchRoute, routeTarget } from "./routes.js";
import { lokiStorage } from "./storage.js";
import { lokiValues, type ResolvedLokiValues, resolveLokiValues } from "./values.js";
import { lokiTargets, runningTargets } from "./workloads.js";

/** Addresses and selectors other components connect to. */
export interface LokiEndpoints {
  /** Where the pipeline pushes logs (`loki.write` endpoint URL). */
  pushUrl: string;
  /** OTLP/HTTP logs base URL (an OpenTelemetry exporter appends `/v1/logs`). */
  otlpUrl: string;
  /** The Grafana Loki datasource URL (a base URL; Grafana appends `/loki/api/v1/...`). */
  queryUrl: string;
  /** The ruler API (`GET /loki/api/v1/rules` lists the loaded rule groups). */
  rulerApiUrl: string;
  /**
   * The tenant to send as `X-Scope-OrgID` when multi-tenancy is on; absent
   * when it is off (Loki then files everything under its `fake` tenant).
   */
  tenantId?: string;
  /** The pods and container port clients connect to, for their egress NetworkPolicies. */
  clientPeer: { podLabels: Record<string, string>; port: number };
  /** The Loki pods (ruler included), for Alertmanager's ingress allow-list. */
  serverPeer: { podLabels: Record<string, string> };
  /** The memberlist cluster label of this install. */
  memberlistClusterLabel?: string;
}

function endpoints(ctx: BuildContext, values: ResolvedLokiValues, names: LokiNames): LokiEndpoints {
  const host = (service: string) => serviceHost(ctx, service, values.clusterDomain);
  const topology = gatewayTopology(values);
  const baseFor = (path: string): string => {
    if (values.gateway.enabled) {
      return `http://${host(names.role("gateway"))}:${PORT.gatewayService.port}`;
    }
    const route = matchRoute(path);
    if (!route) throw new Error(`no gateway route serves ${path}`);
    return `http://${host(names.role(routeTarget(route, topology)))}:${PORT.http.port}`;
  };
  return {
    pushUrl: `${baseFor("/loki/api/v1/push")}/loki/api/v1/push`,
    otlpUrl: `${baseFor("/otlp/v1/logs")}/otlp`,
    queryUrl: baseFor("/loki/api/v1/query_range"),
    rulerApiUrl: `${baseFor("/loki/api/v1/rules")}/loki/api/v1/rules`,
    ...(values.tenancy.authEnabled ? { tenantId: values.tenancy.tenantId } : {}),
    clientPeer: values.gateway.enabled
      ? { podLabels: roleSelector(ctx, "gateway"), port: PORT.gateway.port }
      : { podLabels: memberlistSelector(ctx), port: PORT.http.port },
    serverPeer: { podLabels: memberlistSelector(ctx) },
    ...(values.mode === "simple-scalable"
      ? { memberlistClusterLabel: memberlistClusterLabel({ values, ctx, names }) }
      : {}),
  };
}

/** Without a bucket, single-binary mode keeps chunks on its PVC. */
function effectiveStorage(values: ResolvedLokiValues): ObjectStorage {
  return values.storage ?? { type: "filesystem", path: `${PATH.data}/chunks` };
}

function build(parsed: z.output<typeof lokiValues>, ctx: BuildContext) {
  const values = resolveLokiValues(parsed);
  checkLokiValues(values);
  const names = lokiNames(ctx);
  const storage = lokiStorage(effectiveStorage(values), values.workloadIdentity);
  const meta = (component: string, objectName: string, annotations?: Record<string, string>) =>
    objectMeta(ctx, {
      name: APP,
      component,
      version: values.image.tag,
      objectName,
      ...(annotations ? { annotations } : {}),
    });
  const ruleFiles = Object.keys(values.ruler.ruleFiles).sort();

  const objects: KubeObject[] = [
    serviceAccount(
      meta("server", names.serviceAccount, workloadIdentityAnnotations(values.workloadIdentity)),
    ),
    configMap(meta("server", names.config), {
      "config.yaml": toYaml(lokiConfig({ values, ctx, names, storage })),
    }),
    configMap(meta("server", names.runtimeConfig), {
      "runtime.yaml": toYaml(lokiRuntimeConfig(values)),
    }),
    ...(values.ruler.enabled && ruleFiles.length > 0
      ? [
          configMap(
            meta("ruler", names.rules),
            Object.fromEntries(
              ruleFiles.map((file) => [file, toYaml(values.ruler.ruleFiles[file])]),
            ),
          ),
        ]
      : []),
    ...lokiTargets({ ctx, values, names, storage }),
    ...(values.gateway.enabled
      ? lokiGateway({ ctx, values, names, targets: runningTargets(values) })
      : []),
    ...lokiCaches({ ctx, values, names }),
    ...lokiNetworkPolicies({ ctx, values, names, storage }),
  ];
  return { objects, endpoints: endpoints(ctx, values, names) };
}

/**
 * Loki, in simple-scalable mode (write, read and backend targets behind an
 * nginx gateway, with optional query-frontend and memcached caches) or
 * single-binary mode.
 */
export const loki = defineComponent({ name: "loki", schema: lokiValues, build });

export { checkLokiValues } from "./checks.js";
export { DATA_DIR, effectiveTenant, lokiConfig, lokiRuntimeConfig } from "./config.js";
export {
  type LokiConfig,
  type LokiRuntimeConfig,
  lokiConfigSchema,
  lokiRuntimeConfigSchema,
} from "./config-schema.js";
export { gatewayNginxConfig } from "./gateway.js";
export {
  LOKI_IMAGE,
  LOKI_UID,
  type LokiNames,
  type LokiTarget,
  lokiNames,
  MEMBERLIST_LABEL,
  MEMCACHED_IMAGE,
  memberlistSelector,
  NGINX_IMAGE,
  PATH,
  PORT,
  type Role,
} from "./names.js";
export { SIZES, SIZING, type Size, type Sizing } from "./presets.js";
export {
  GATEWAY_ROUTES,
  type GatewayRoute,
  type GatewayTopology,
  matchRoute,
  renderNginxConfig,
  routeTarget,
} from "./routes.js";
export {
  LOKI_MODES,
  type LokiMode,
  type LokiRuleGroup,
  type LokiValues,
  lokiRuleGroup,
  lokiValues,
  type ParsedLokiValues,
  type Peer,
  type ResolvedLokiValues,
  resolveLokiValues,
} from "./values.js";
