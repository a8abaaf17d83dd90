/** The grafana-operator release this package vendors and deploys. */
export const OPERATOR_VERSION = "v5.24.0";

/** API group and version of every grafana-operator custom resource. */
export const GRAFANA_API_GROUP = "grafana.integreatly.org";
export const GRAFANA_API_VERSION = `${GRAFANA_API_GROUP}/v1beta1`;

/**
 * The Grafana image the operator itself deploys for operator-managed `Grafana`
 * instances (`RELATED_IMAGE_GRAFANA` in the upstream manager manifest, and the
 * CRD's documented default of `spec.version`).
 */
export const OPERATOR_DEFAULT_GRAFANA_IMAGE = {
  registry: "docker.io",
  repository: "grafana/grafana",
  tag: "13.0.1",
} as const;
