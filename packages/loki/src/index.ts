import {
  type BuildContext,
  configMap,
  defineComponent,
  type KubeObject,
  type ObjectStorage,
  objectMeta,
  serviceAccount,
  toYaml,
  valuesError,
  workloadIdentityAnnotations,
} from "@materialize-monitoring/core";
import type { z } from "zod";
import { lokiCaches } from "./caches.js";
import { checkLokiValues } from "./checks.js";
import { lokiConfigFile, lokiRuntimeConfig } from "./config.js";
import { computeLokiEndpoints, type LokiEndpoints } from "./endpoints.js";
import { lokiGateway } from "./gateway.js";
import { APP, lokiNames, PATH } from "./names.js";
import { lokiNetworkPolicies } from "./network-policies.js";
import { lokiStorage } from "./storage.js";
import { tlsCertificate } from "./tls.js";
import { lokiValues, type ResolvedLokiValues, resolveLokiValues } from "./values.js";
import { lokiTargets, runningTargets } from "./workloads.js";

/** Without a bucket, single-binary mode keeps chunks on its PVC. */
function effectiveStorage(values: ResolvedLokiValues): ObjectStorage {
  return values.storage ?? { type: "filesystem", path: `${PATH.data}/chunks` };
}

function endpointsOf(parsed: z.output<typeof lokiValues>, ctx: BuildContext): LokiEndpoints {
  return computeLokiEndpoints(resolveLokiValues(parsed), ctx);
}

function build(
  parsed: z.output<typeof lokiValues>,
  ctx: BuildContext,
  endpoints: LokiEndpoints,
): { objects: KubeObject[] } {
  const values = resolveLokiValues(parsed);
  checkLokiValues(values);
  const names = lokiNames(ctx);
  const storage = lokiStorage(effectiveStorage(values));
  const meta = (component: string, objectName: string, annotations?: Record<string, string>) =>
    objectMeta(ctx, {
      name: APP,
      component,
      version: values.image.tag,
      objectName,
      ...(annotations ? { annotations } : {}),
    });
  const ruleFiles = Object.keys(values.ruler.ruleFiles).sort();

  if (values.ruler.alertmanagerInternalTls && !ctx.internalTls) {
    throw valuesError(
      "loki.ruler.alertmanagerInternalTls",
      "the stack's internal TLS is off, so Loki has no certificate to present",
      "remove alertmanagerInternalTls, or turn global.internalTls on",
    );
  }
  const objects: KubeObject[] = [
    serviceAccount(
      meta("server", names.serviceAccount, workloadIdentityAnnotations(values.workloadIdentity)),
    ),
    configMap(meta("server", names.config), {
      "config.yaml": lokiConfigFile({ values, ctx, names, storage }),
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
    ...(endpoints.services.gateway
      ? lokiGateway({
          ctx,
          values,
          names,
          targets: runningTargets(values),
          endpoint: endpoints.services.gateway,
        })
      : []),
    ...lokiCaches({ ctx, values, names }),
    ...lokiNetworkPolicies({ ctx, values, names, storage }),
  ];
  objects.push(...tlsCertificate(ctx, names, objects));
  return { objects };
}

/**
 * Loki, in simple-scalable mode (write, read and backend targets behind an
 * nginx gateway, with optional query-frontend and memcached caches) or
 * single-binary mode.
 */
export const loki = defineComponent({
  name: "loki",
  schema: lokiValues,
  endpoints: endpointsOf,
  build,
});

/**
 * The endpoints `loki(values, ctx)` returns (push, query and ruler URLs, the
 * Services behind them, the scrape target, the ruler as a client of
 * Alertmanager), computed from names and constants without building any
 * object: a composer learns them before it builds anything.
 */
export const lokiEndpoints = loki.endpoints;

export { checkLokiValues } from "./checks.js";
export {
  DATA_DIR,
  effectiveTenant,
  lokiConfig,
  lokiConfigFile,
  lokiRuntimeConfig,
} from "./config.js";
export {
  type LokiConfig,
  type LokiRuntimeConfig,
  lokiConfigSchema,
  lokiRuntimeConfigSchema,
} from "./config-schema.js";
export type { LokiEndpoints, LokiService } from "./endpoints.js";
export { type EnvRefField, envRef, envsubstLiteral, lokiConfigYaml } from "./expand-env.js";
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
