import { type KubeObject, sortForApply, toYaml, toYamlStream } from "@materialize-monitoring/core";
import { escapeForHelm } from "./formats.js";
import { MANIFEST_NAME, type RenderedFile } from "./owned-folder.js";
import { requiredSecretLines } from "./secrets.js";
import type { Stack } from "./stack.js";

export interface HelmChartOptions {
  /** The chart's version and appVersion (SemVer): the tool's version. */
  version: string;
  /** The command that rendered the chart, as the user can run it again. */
  command?: string;
  /** The chart's folder as the user named it, for the commands in NOTES.txt. */
  chartDir?: string;
}

/** A word for a POSIX shell: as is when safe, else in single quotes. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** What a `render --format helm` was given, in command-line order. */
export interface RenderArguments {
  profiles: readonly string[];
  files: readonly string[];
  /** Every `--set*`, in the order given (without `--namespace`). */
  sets: readonly { kind: string; text: string }[];
  namespace?: string;
  argocd: boolean;
  output: string;
}

/** The `mzmon render --format helm` command of these arguments, to run again (values.yaml, NOTES.txt). */
export function renderCommand(args: RenderArguments): string {
  const words = ["mzmon", "render", "--format", "helm"];
  for (const name of args.profiles) words.push("-p", name);
  for (const file of args.files) words.push("-f", file);
  for (const { kind, text } of args.sets) words.push(`--${kind}`, text);
  if (args.namespace !== undefined) words.push("-n", args.namespace);
  if (args.argocd) words.push("--argocd");
  words.push("-o", args.output);
  return words.map(shellWord).join(" ");
}

const GUARD = "materialize-monitoring.namespace-guard";

/** A Go template string literal (JSON's escapes are Go's too). */
const goString = (text: string) => JSON.stringify(text);

/** The namespaces the rendered objects are in (and create), sorted. */
export function renderedNamespaces(built: Stack): string[] {
  const names = new Set<string>();
  for (const object of built.objects) {
    if (object.metadata.namespace) names.add(object.metadata.namespace);
    if (object.kind === "Namespace") names.add(object.metadata.name);
  }
  return [...names].sort();
}

/**
 * `templates/_guard.tpl`: fails the render unless Helm's release namespace is
 * the stack's namespace. The namespace is baked into the rendered configs
 * (service addresses in the Alloy and Grafana configs, RBAC subjects,
 * NetworkPolicies), so Helm cannot move the objects: a render for the other
 * namespace can.
 */
function guardTemplate(built: Stack): string {
  const namespace = built.context.namespace;
  const all = renderedNamespaces(built);
  const where =
    all.length > 1
      ? `namespace "${namespace}" (its objects are in ${all.join(", ")})`
      : `namespace "${namespace}"`;
  // A printf format: %[1]q and %[1]s are the release namespace, any other `%` is text.
  const message = `materialize-monitoring rendered this chart for ${where}, and the namespace is written into its configs (service addresses, RBAC, NetworkPolicies): Helm cannot move it to namespace %[1]q. Install it with -n ${namespace}, or render the chart for %[1]q: mzmon render --format helm -n %[1]s -o DIR (with the values of the command in values.yaml)`;
  const format = message.replace(/%(?!\[1\][qs])/g, "%%");
  return `{{/* Fails unless the release namespace is the one the chart was rendered for (global.namespace). */}}
{{- define ${goString(GUARD)} -}}
{{- if ne .Release.Namespace ${goString(namespace)} -}}
{{- fail (printf ${goString(format)} .Release.Namespace) -}}
{{- end -}}
{{- end -}}
`;
}

/** Where the release namespace goes: beside the chart, outside templates/, so Helm never owns it. */
export const NAMESPACE_FILE = "namespace.yaml";

/**
 * The Namespace object of the release namespace, if the stack renders one.
 * Helm needs the release namespace to exist before it installs (it keeps the
 * release record there), and a chart that also templates it fails on install
 * ("cannot be imported into the current release"); owned by the release,
 * `helm uninstall` would delete it with everything in it. So it is applied
 * once with kubectl, before helm install, and never deleted by Helm.
 */
function releaseNamespace(built: Stack): KubeObject | undefined {
  return built.objects.find(
    (o) => o.kind === "Namespace" && o.metadata.name === built.context.namespace,
  );
}

function namespaceFile(namespace: KubeObject): string {
  return `# The release namespace, with its labels (Pod Security level). Apply it once, before
# helm install: Helm keeps its release record in this namespace, and must not own it
# (helm uninstall would delete it with everything in it).
#   kubectl apply -f ${NAMESPACE_FILE}
${toYaml(namespace)}`;
}

/** The command lines of `command`, each as a comment line of a YAML file. */
function commentLines(command: string): string {
  return command
    .split(/\r\n|\r|\n/)
    .map((line) => `#   ${line}\n`)
    .join("");
}

function valuesFile(built: Stack, version: string, command: string): string {
  return `# This chart takes no values. materialize-monitoring ${version} applied its values when it
# rendered the chart (for namespace ${built.context.namespace}), with:
#
${commentLines(command)}#
# Install: ${releaseNamespace(built) ? `kubectl apply -f ${NAMESPACE_FILE} (the namespace, once), then` : `the namespace ${built.context.namespace} must exist, then`}
#   helm install materialize-monitoring . -n ${built.context.namespace}
# To change a value, change it in that command (or in its values files), run it again,
# then helm upgrade. values.schema.json refuses every value given to helm (--set, -f):
# none would change the rendered manifests, so none is silently ignored.
{}
`;
}

/** A JSON Schema that accepts only `{}`, and says why in Helm's error message. */
function valuesSchema(): Record<string, unknown> {
  const why =
    "this chart takes no values: materialize-monitoring applied them when it rendered the chart; change them in mzmon render --format helm (see values.yaml) and render again";
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "materialize-monitoring (values applied at render time)",
    description: `Accepts only an empty object: ${why}.`,
    type: "object",
    additionalProperties: false,
    // Helm prints the value a property name must have: it carries the reason into the error.
    propertyNames: { const: why },
  };
}

function notesFile(built: Stack, options: Required<HelmChartOptions>): string {
  const lines: string[] = [];
  lines.push(
    `materialize-monitoring ${options.version} rendered this chart for namespace ${built.context.namespace}, its values applied at render time by:`,
    `  ${options.command.replace(/\r\n|\r|\n/g, " ")}`,
    "To change a value, run that command again with the change, then helm upgrade (helm --set and -f are refused).",
    "",
  );
  const secrets = requiredSecretLines(built.objects);
  if (releaseNamespace(built)) {
    lines.push(
      `Namespace: ${built.context.namespace} is not part of the release (helm uninstall never deletes it). Before the first install, apply it with its labels:`,
      `  kubectl apply -f ${options.chartDir}/${NAMESPACE_FILE}`,
      `  helm install materialize-monitoring ${options.chartDir} -n ${built.context.namespace}`,
      "",
    );
  }
  lines.push("Secrets to create (the pods read them; the chart does not create them):");
  if (secrets.length === 0) lines.push("  none: the pods read only Secrets the chart creates.");
  for (const line of secrets) lines.push(`  ${line}`);
  lines.push("");
  const grafana = built.endpoints.grafana;
  if (grafana) {
    const { name, namespace, port } = grafana.service;
    const local = port < 1024 ? port + 8000 : port;
    lines.push(
      "Open Grafana:",
      `  kubectl -n ${namespace} port-forward service/${name} ${local}:${port}`,
      `  then http://localhost:${local}; the admin user is in Secret ${namespace}/${grafana.adminUser.name} (key ${grafana.adminUser.key}), its password in Secret ${namespace}/${grafana.adminPassword.name} (key ${grafana.adminPassword.key})`,
    );
    if (grafana.externalUrl) lines.push(`  or ${grafana.externalUrl}`);
  } else if (built.values.grafana.external) {
    lines.push(
      `Grafana: the dashboards and datasources go into your Grafana at ${built.values.grafana.external.url}.`,
    );
  } else {
    lines.push("Grafana: none is rendered.");
  }
  lines.push("");
  const crds = built.objects.filter((o) => o.kind === "CustomResourceDefinition").length;
  if (crds > 0)
    lines.push(
      `CRDs: the ${crds} CustomResourceDefinitions are in crds/. Helm installs them before the templates on the first install only: helm upgrade never updates them and helm uninstall never removes them. Before each helm upgrade, apply them with kubectl:`,
      `  kubectl apply --server-side --force-conflicts -f ${options.chartDir}/crds/`,
    );
  else lines.push("CRDs: none.");
  return escapeForHelm(`${lines.join("\n")}\n`);
}

/**
 * The stack as a Helm chart, as files (nothing is written): `crds/` (installed
 * first by Helm, never templated or upgraded), `templates/` (one file per
 * component, `{{` escaped, each guarded to the namespace it was rendered for),
 * `NOTES.txt` with the next steps, and values that admit nothing: the values
 * were applied at render time; change them and render again.
 */
export function helmChartFiles(built: Stack, options: HelmChartOptions): RenderedFile[] {
  const full: Required<HelmChartOptions> = {
    version: options.version,
    chartDir: options.chartDir ?? "CHART",
    command:
      options.command ??
      `mzmon render --format helm -n ${built.context.namespace} -o ${options.chartDir ?? "DIR"}`,
  };
  const files: RenderedFile[] = [
    {
      path: "Chart.yaml",
      text: toYaml({
        apiVersion: "v2",
        name: "materialize-monitoring",
        description:
          "The observability stack for self-managed Materialize, rendered by materialize-monitoring",
        type: "application",
        version: full.version,
        appVersion: full.version,
        kubeVersion: ">=1.27.0-0",
      }),
    },
    {
      path: ".helmignore",
      text: `# materialize-monitoring's record of this folder\n${MANIFEST_NAME}\n`,
    },
    { path: "values.yaml", text: valuesFile(built, full.version, full.command) },
    { path: "values.schema.json", text: `${JSON.stringify(valuesSchema(), null, 2)}\n` },
    { path: "templates/_guard.tpl", text: guardTemplate(built) },
    { path: "templates/NOTES.txt", text: notesFile(built, full) },
  ];
  const crds = built.objects.filter((o) => o.kind === "CustomResourceDefinition");
  for (const crd of crds) files.push({ path: `crds/${crd.metadata.name}.yaml`, text: toYaml(crd) });
  const release = releaseNamespace(built);
  if (release) files.push({ path: NAMESPACE_FILE, text: namespaceFile(release) });
  for (const component of built.components) {
    const objects = sortForApply(
      component.objects.filter((o) => o.kind !== "CustomResourceDefinition" && o !== release),
    );
    if (objects.length === 0) continue;
    files.push({
      path: `templates/${component.name}.yaml`,
      text: `{{- include ${goString(GUARD)} . }}\n${escapeForHelm(toYamlStream(objects))}`,
    });
  }
  return files;
}
