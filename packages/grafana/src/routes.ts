import type { BuildContext, GenericKubeObject } from "@materialize-monitoring/core";
import { objectMeta, resourceName, valuesError } from "@materialize-monitoring/core";
import { GRAFANA_HTTP_PORT, type ParsedGrafanaValues } from "./values.js";

/** A networking.k8s.io/v1 Ingress to the Grafana Service. */
export function grafanaIngress(
  ctx: BuildContext,
  values: ParsedGrafanaValues,
  serviceName: string,
  version: string,
): GenericKubeObject {
  const ingress = values.ingress;
  if (!ingress.host) {
    throw valuesError(
      "grafana.ingress.host",
      "an Ingress needs a host",
      "set ingress.host, e.g. grafana.example.com",
    );
  }
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: objectMeta(ctx, {
      name: "grafana",
      objectName: resourceName(ctx, "grafana"),
      version,
      annotations: ingress.annotations,
    }),
    spec: {
      ...(ingress.className ? { ingressClassName: ingress.className } : {}),
      ...(ingress.tlsSecretName
        ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] }
        : {}),
      rules: [
        {
          host: ingress.host,
          http: {
            paths: [
              {
                path: ingress.path,
                pathType: "Prefix",
                backend: { service: { name: serviceName, port: { name: "http" } } },
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * A Gateway API HTTPRoute (gateway.networking.k8s.io/v1) to the Grafana
 * Service. The Gateway itself (listeners, TLS) belongs to the cluster.
 */
export function grafanaHttpRoute(
  ctx: BuildContext,
  values: ParsedGrafanaValues,
  serviceName: string,
  version: string,
): GenericKubeObject {
  const route = values.httpRoute;
  if (route.parentRefs.length === 0) {
    throw valuesError(
      "grafana.httpRoute.parentRefs",
      "an HTTPRoute needs at least one parent Gateway",
      'set httpRoute.parentRefs: [{ name: "my-gateway", namespace: "gateway-system" }]',
    );
  }
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: objectMeta(ctx, {
      name: "grafana",
      objectName: resourceName(ctx, "grafana"),
      version,
      annotations: route.annotations,
    }),
    spec: {
      parentRefs: route.parentRefs.map((ref) => ({
        group: "gateway.networking.k8s.io",
        kind: "Gateway",
        name: ref.name,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
        ...(ref.sectionName ? { sectionName: ref.sectionName } : {}),
      })),
      ...(route.hostnames.length ? { hostnames: [...route.hostnames] } : {}),
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: route.path } }],
          backendRefs: [{ name: serviceName, port: GRAFANA_HTTP_PORT }],
        },
      ],
    },
  };
}
