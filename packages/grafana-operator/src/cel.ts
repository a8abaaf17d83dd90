/**
 * Every CEL rule (`x-kubernetes-validations`) of the CRDs this package builds
 * resources for, on the fields the builders set, and how the package enforces
 * it before the API server would. `test/cel.test.ts` fails when a vendored
 * CRD gains a rule that is not listed here, so a CRD upgrade cannot slip a
 * new constraint past the builders.
 */
export interface CelRule {
  kind: "Grafana" | "GrafanaDatasource" | "GrafanaFolder" | "GrafanaDashboard" | "GrafanaManifest";
  /** Where the rule sits in the schema, e.g. `spec.valuesFrom[].valueFrom`. */
  path: string;
  /** The rule's message, as the API server reports it. */
  message: string;
  /** How the package keeps it. */
  enforcedBy: string;
}

const UID_CREATE = "builders always set a deterministic spec.uid";
const IMMUTABLE = "immutableFieldChanges(live, next)";

const instanceRules = (kind: CelRule["kind"], withUid: boolean): CelRule[] => [
  ...(withUid
    ? [
        {
          kind,
          path: "spec",
          message: "spec.uid is immutable",
          enforcedBy: `${UID_CREATE}; ${IMMUTABLE}`,
        },
        { kind, path: "spec.uid", message: "spec.uid is immutable", enforcedBy: IMMUTABLE },
      ]
    : []),
  {
    kind,
    path: "spec",
    message: "disabling spec.allowCrossNamespaceImport requires a recreate to ensure desired state",
    enforcedBy: IMMUTABLE,
  },
  {
    kind,
    path: "spec.instanceSelector",
    message: "spec.instanceSelector is immutable",
    enforcedBy: IMMUTABLE,
  },
];

export const CEL_RULES: readonly CelRule[] = [
  {
    kind: "GrafanaDashboard",
    path: "spec",
    message: "Only one of folderUID or folderRef can be declared at the same time",
    enforcedBy: "grafanaDashboard (render error)",
  },
  {
    kind: "GrafanaDashboard",
    path: "spec",
    message: "folder field cannot be set when folderUID or folderRef is already declared",
    enforcedBy: "grafanaDashboard (render error)",
  },
  ...instanceRules("GrafanaDashboard", true),
  ...instanceRules("GrafanaDatasource", true),
  {
    kind: "GrafanaDatasource",
    path: "spec.valuesFrom[].valueFrom",
    message: "Either configMapKeyRef or secretKeyRef must be set",
    enforcedBy: "grafanaDatasource (always exactly one secretKeyRef)",
  },
  {
    kind: "GrafanaFolder",
    path: "spec",
    message: "Only one of parentFolderUID or parentFolderRef can be set",
    enforcedBy: "grafanaFolder (render error)",
  },
  ...instanceRules("GrafanaFolder", true),
  ...instanceRules("GrafanaManifest", false),
  {
    kind: "GrafanaManifest",
    path: "spec.template.kind",
    message: "Value is immutable",
    enforcedBy: IMMUTABLE,
  },
  {
    kind: "GrafanaManifest",
    path: "spec.template.metadata",
    message: "namespace is immutable",
    enforcedBy: IMMUTABLE,
  },
  {
    kind: "GrafanaManifest",
    path: "spec.template.metadata.name",
    message: "Value is immutable",
    enforcedBy: IMMUTABLE,
  },
  {
    kind: "GrafanaManifest",
    path: "spec.template.metadata.namespace",
    message: "Value is immutable",
    enforcedBy: IMMUTABLE,
  },
  {
    kind: "Grafana",
    path: "spec.client.tls",
    message: "insecureSkipVerify and certSecretRef cannot be set at the same time",
    enforcedBy: "grafanaInstance (render error; one of the two is required)",
  },
  {
    kind: "Grafana",
    path: "spec.external.tls",
    message: "insecureSkipVerify and certSecretRef cannot be set at the same time",
    enforcedBy: "grafanaInstance (render error; one of the two is required)",
  },
  {
    kind: "Grafana",
    path: "spec.external.tenantNamespace",
    message: "Value is immutable",
    enforcedBy: IMMUTABLE,
  },
];

/**
 * Parts of the `Grafana` schema the builders never write (the operator-managed
 * Deployment, Service, Ingress, Route, HTTPRoute, PVC and ServiceAccount
 * overrides), so their CEL rules (mostly embedded Gateway API types) do not
 * apply to our objects. `spec.deployment` is written only for the container's
 * env, which carries no rule.
 */
export const UNBUILT_GRAFANA_FIELDS: readonly string[] = [
  "spec.deployment",
  "spec.service",
  "spec.ingress",
  "spec.route",
  "spec.httpRoute",
  "spec.persistentVolumeClaim",
  "spec.serviceAccount",
];
