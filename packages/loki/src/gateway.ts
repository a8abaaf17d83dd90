import {
  type BuildContext,
  configMap,
  configMapVolume,
  container,
  containerPort,
  deployment,
  EXTERNAL_ACCESS_PORT,
  emptyDirVolume,
  endpointAddress,
  externalAccessService,
  externalAccessVolumes,
  httpProbe,
  imageRef,
  internalProbeScheme,
  internalTlsOn,
  type KubeObject,
  objectMeta,
  podTemplate,
  service,
  serviceAccount,
  servicePort,
  standardLabels,
} from "@materialize-monitoring/core";
import { type LokiService, lokiService } from "./endpoints.js";
import { APP, type LokiNames, type LokiTarget, NGINX_UID, PATH, PORT } from "./names.js";
import { gatewayTopology, renderNginxConfig } from "./routes.js";
import { rolePdb, roleScheduling } from "./scheduling.js";
import { tlsMounts, tlsServerName, tlsVolumes } from "./tls.js";
import type { ResolvedLokiValues } from "./values.js";

export interface GatewayInputs {
  ctx: BuildContext;
  values: ResolvedLokiValues;
  names: LokiNames;
  targets: LokiTarget[];
}

/** The gateway's nginx.conf for these values. */
export function gatewayNginxConfig(inputs: GatewayInputs): string {
  const { ctx, values, names } = inputs;
  const upstreams: Partial<Record<LokiTarget, string>> = {};
  for (const target of inputs.targets) {
    upstreams[target] = endpointAddress(lokiService(ctx, names, target), "http");
  }
  const tenancy = values.tenancy;
  return renderNginxConfig({
    topology: gatewayTopology(values),
    upstreams,
    listenPort: PORT.gateway.port,
    ...(tenancy.authEnabled && tenancy.gatewayDefaultTenant
      ? { defaultTenant: tenancy.tenantId }
      : {}),
    externalAccess: values.gateway.externalAccess,
    ...(internalTlsOn(ctx) ? { internalTls: { serverName: tlsServerName(ctx, names) } } : {}),
  });
}

/**
 * nginx in front of every Loki target: one address for pushes, queries and
 * the ruler API. Its Service is the one the endpoints publish.
 */
export function lokiGateway(inputs: GatewayInputs & { endpoint: LokiService }): KubeObject[] {
  const { ctx, values, names, endpoint } = inputs;
  const gateway = values.gateway;
  const role = "gateway" as const;
  const selector = endpoint.podLabels;
  const external = gateway.externalAccess;
  const externalFiles = externalAccessVolumes(external);
  const meta = (objectName: string) =>
    objectMeta(ctx, { name: APP, component: role, version: gateway.image.tag, objectName });

  const nginx = container({
    name: "nginx",
    image: imageRef(gateway.image, ctx.imageRegistry),
    imagePullPolicy: gateway.image.pullPolicy,
    // Skip the image's entrypoint scripts: they rewrite files under /etc/nginx, which is read-only here.
    command: ["nginx"],
    args: ["-c", PATH.gatewayConfigFile, "-g", "daemon off;"],
    ports: [
      containerPort(PORT.gateway.name, PORT.gateway.port),
      ...(external.enabled
        ? [containerPort(EXTERNAL_ACCESS_PORT.name, EXTERNAL_ACCESS_PORT.port)]
        : []),
    ],
    volumeMounts: [
      { name: "config", mountPath: PATH.gatewayConfig, readOnly: true },
      { name: "tmp", mountPath: PATH.tmp },
      ...externalFiles.mounts,
      ...tlsMounts(ctx),
    ],
    resources: gateway.resources,
    probes: {
      readiness: httpProbe(
        "/",
        PORT.gateway.name,
        { initialDelaySeconds: 5, failureThreshold: 3 },
        internalProbeScheme(ctx),
      ),
      liveness: httpProbe(
        "/",
        PORT.gateway.name,
        { initialDelaySeconds: 10 },
        internalProbeScheme(ctx),
      ),
    },
    security: { runAsUser: NGINX_UID, runAsGroup: NGINX_UID },
  });

  return [
    serviceAccount(meta(names.gatewayServiceAccount)),
    configMap(meta(names.gatewayConfig), { "nginx.conf": gatewayNginxConfig(inputs) }),
    deployment({
      metadata: meta(names.role(role)),
      replicas: gateway.replicas,
      selector,
      template: podTemplate(ctx, {
        labels: standardLabels(ctx, { name: APP, component: role, version: gateway.image.tag }),
        containers: [nginx],
        volumes: [
          configMapVolume("config", names.gatewayConfig),
          emptyDirVolume("tmp", "1Gi"),
          ...externalFiles.volumes,
          ...tlsVolumes(ctx),
        ],
        serviceAccountName: names.gatewayServiceAccount,
        scheduling: roleScheduling(ctx, values, role),
        security: { runAsUser: NGINX_UID, runAsGroup: NGINX_UID },
        terminationGracePeriodSeconds: 30,
      }),
    }),
    service({
      metadata: meta(endpoint.service),
      selector,
      ports: [servicePort(endpoint.ports.http.name, endpoint.ports.http.port, PORT.gateway.name)],
    }),
    ...(external.enabled
      ? [externalAccessService(meta(names.gatewayExternal), selector, external)]
      : []),
    ...rolePdb(ctx, names, role, gateway.replicas),
  ];
}
