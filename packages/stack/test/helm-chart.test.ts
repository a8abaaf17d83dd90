import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MANIFEST_NAME } from "../src/owned-folder.js";
import { requiredSecretLines } from "../src/secrets.js";
import { stack } from "../src/stack.js";
import { runCli as run } from "./run-cli.js";
import { describeWithK8sTools, type K8sTools, runTool } from "./support/k8s-tools.js";
import {
  type Doc,
  GRAFANA_OFF,
  identity,
  objectsOf,
  snapshot,
  streamObjects,
  temp,
} from "./support/rendered.js";

/** Text Go templates would read as actions, trim markers, comments and printf verbs. */
const TRICKY = '{{ "{{" }} {{- .Values.x -}} {{/* c */}} }} {{{{ %s %[1]q {{ fail "no" }}';
const TRICKY_DASHBOARD = [
  "--set-json",
  `grafanaOperator.extraDashboards=${JSON.stringify([
    { name: "tricky", json: { title: TRICKY, panels: [{ title: TRICKY, type: "text" }] } },
  ])}`,
];

async function chart(args: string[] = [], dir = temp("chart")): Promise<string> {
  const { code, err } = await run(["render", "-q", "--format", "helm", "-o", dir, ...args]);
  expect(err).toBe("");
  expect(code).toBe(0);
  return dir;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), "utf8");

/** Every string in a value, depth first. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

/** What the chart templates: the plain render without the release Namespace (namespace.yaml holds it). */
const withoutReleaseNamespace = (objects: Doc[], namespace: string) =>
  objects.filter((o) => !(o.kind === "Namespace" && o.metadata.name === namespace));

describe("the Helm chart's files", () => {
  it("has a Chart.yaml helm accepts: apiVersion v2, a SemVer version, a kubeVersion", async () => {
    const meta = parse(read(await chart(), "Chart.yaml"));
    expect(meta).toMatchObject({ apiVersion: "v2", name: "materialize-monitoring" });
    expect(meta.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    expect(meta.appVersion).toBe(meta.version);
    expect(meta.kubeVersion).toBe(">=1.27.0-0");
  });

  it("holds {} in values.yaml, with the command that rendered it to run again", async () => {
    const root = temp("values");
    const file = join(root, "my values.yaml");
    writeFileSync(file, "global:\n  clusterName: prod\n");
    const dir = join(root, "out");
    await chart(["-p", "dev", "-f", file, "--set", "loki.mode=single-binary", "-n", "obs"], dir);
    const text = read(dir, "values.yaml");
    expect(parse(text)).toEqual({});
    expect(text).toContain(
      `#   mzmon render --format helm -p dev -f '${file}' --set loki.mode=single-binary -n obs -o ${dir}\n`,
    );
    expect(text).toContain("applied its values when it\n# rendered the chart");
    expect(text).toContain(
      "# Install: kubectl apply -f namespace.yaml (the namespace, once), then\n#   helm install materialize-monitoring . -n obs\n",
    );
  });

  it("has a values schema that admits only an empty object, and says why", async () => {
    const schema = JSON.parse(read(await chart(), "values.schema.json"));
    expect(schema).toMatchObject({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: false,
    });
    expect(schema.properties).toBeUndefined();
    expect(schema.description).toContain("applied them when it rendered the chart");
  });

  it("has NOTES.txt with the Secrets to create, the Grafana port-forward and the CRDs, from the stack", async () => {
    const dir = await chart();
    const notes = read(dir, "templates/NOTES.txt");
    const built = stack();
    const secrets = requiredSecretLines(built.objects);
    expect(secrets.length).toBeGreaterThan(0);
    for (const line of secrets) expect(notes).toContain(`  ${line}\n`);
    const service = built.endpoints.grafana?.service;
    if (!service) throw new Error("no Grafana service");
    expect(notes).toContain(
      `kubectl -n ${service.namespace} port-forward service/${service.name} ${service.port}:${service.port}\n`,
    );
    const crds = built.objects.filter((o) => o.kind === "CustomResourceDefinition");
    expect(readdirSync(join(dir, "crds")).length).toBe(crds.length);
    expect(notes).toContain(`the ${crds.length} CustomResourceDefinitions are in crds/`);
    expect(notes).toContain(
      `  kubectl apply -f ${dir}/namespace.yaml\n  helm install materialize-monitoring ${dir} -n monitoring\n`,
    );
    expect(notes).toContain(`kubectl apply --server-side --force-conflicts -f ${dir}/crds/\n`);

    const external = read(await chart(GRAFANA_OFF), "templates/NOTES.txt");
    expect(external).not.toContain("port-forward");
    expect(external).toContain("your Grafana at https://grafana.example.com");
  });

  it("keeps its manifest out of the chart with .helmignore", async () => {
    const dir = await chart();
    expect(read(dir, ".helmignore").split("\n")).toContain(MANIFEST_NAME);
    expect(JSON.parse(read(dir, MANIFEST_NAME))).toMatchObject({ format: "helm" });
  });
});

function template(tools: K8sTools, dir: string, args: string[]) {
  return runTool(tools, tools.helm, ["template", "mzmon", dir, ...args]);
}

describeWithK8sTools("the Helm chart with real helm", (tools) => {
  it("passes helm lint --strict", async () => {
    const lint = runTool(tools, tools.helm, [
      "lint",
      "--strict",
      await chart(),
      "-n",
      "monitoring",
    ]);
    expect(lint.out).toContain("1 chart(s) linted, 0 chart(s) failed");
    expect(`${lint.out}${lint.err}`).not.toMatch(/ERROR|WARNING|fail"/);
    expect(lint.code).toBe(0);
  });

  it("templates the plain render's objects, texts with {{ byte for byte, CRDs with --include-crds", async () => {
    const stream = await streamObjects(TRICKY_DASHBOARD);
    const withTemplates = strings(stream).filter((s) => s.includes("{{"));
    // Alloy's config, the rules and the dashboards all hold Go template text.
    // The dashboard's model is a JSON text in the GrafanaDashboard: TRICKY is in it, JSON-escaped.
    expect(withTemplates.some((s) => s.includes(JSON.stringify(TRICKY).slice(1, -1)))).toBe(true);
    const kinds = new Set(
      stream.filter((o) => strings(o).some((s) => s.includes("{{"))).map((o) => o.kind),
    );
    expect(kinds).toContain("ConfigMap");
    expect(kinds).toContain("GrafanaDashboard");
    const dir = await chart(TRICKY_DASHBOARD);
    const rendered = template(tools, dir, ["-n", "monitoring", "--include-crds"]);
    expect(rendered.err).toBe("");
    expect(rendered.code).toBe(0);
    const objects = objectsOf(rendered.out);
    const released = withoutReleaseNamespace(stream, "monitoring");
    expect(objects.map(identity)).toEqual(released.map(identity));
    expect(objects).toEqual(released);
    expect(strings(objects).filter((s) => s.includes("{{"))).toEqual(withTemplates);
    // The release namespace is applied once with kubectl, from namespace.yaml, never owned by Helm.
    expect(objectsOf(read(dir, "namespace.yaml"))).toEqual(
      stream.filter((o) => o.kind === "Namespace" && o.metadata.name === "monitoring"),
    );

    const withoutCrds = objectsOf(template(tools, dir, ["-n", "monitoring"]).out);
    expect(withoutCrds).toEqual(released.filter((o) => o.kind !== "CustomResourceDefinition"));
  });

  it("re-renders without stale templates: no Grafana after disabling it, as a fresh chart", async () => {
    const dir = await chart();
    expect(template(tools, dir, ["-n", "monitoring"]).out).toMatch(
      /kind: Deployment\n.*\n {2}name: grafana\n/,
    );
    const again = await run(["render", "--format", "helm", "-o", dir, ...GRAFANA_OFF]);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/removed 1 stale file\n/);
    const fresh = await chart(GRAFANA_OFF);
    const [a, b] = [snapshot(dir), snapshot(fresh)];
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect(a.has("templates/grafana.yaml")).toBe(false);
    for (const [path, text] of a)
      if (!["values.yaml", "templates/NOTES.txt", MANIFEST_NAME].includes(path))
        expect(text, path).toBe(b.get(path));
    const listed = JSON.parse(a.get(MANIFEST_NAME) ?? "{}").files.map(
      (f: { path: string }) => f.path,
    );
    expect(listed).toEqual([...a.keys()].filter((p) => p !== MANIFEST_NAME));

    const rendered = template(tools, dir, ["-n", "monitoring", "--include-crds"]);
    expect(rendered.code).toBe(0);
    const objects = objectsOf(rendered.out);
    expect(objects.some((o) => o.kind === "Deployment" && o.metadata.name === "grafana")).toBe(
      false,
    );
    expect(objects).toEqual(
      withoutReleaseNamespace(await streamObjects(GRAFANA_OFF), "monitoring"),
    );
    expect(runTool(tools, tools.helm, ["lint", "--strict", dir, "-n", "monitoring"]).code).toBe(0);
  });

  it("refuses another release namespace, naming the rendered one and the re-render command", async () => {
    const dir = await chart();
    const other = template(tools, dir, ["-n", "other"]);
    expect(other.code).toBe(1);
    expect(other.out).toBe("");
    expect(other.err).toContain(
      'materialize-monitoring rendered this chart for namespace "monitoring" (its objects are in kube-system, materialize-environment, monitoring), and the namespace is written into its configs (service addresses, RBAC, NetworkPolicies): Helm cannot move it to namespace "other". Install it with -n monitoring, or render the chart for "other": mzmon render --format helm -n other -o DIR',
    );
    // helm's default namespace is no exception.
    expect(template(tools, dir, []).err).toContain('cannot move it to namespace "default"');
    expect(template(tools, dir, ["-n", "monitoring"]).code).toBe(0);
  });

  it("guards a split-namespace render to the stack's namespace, naming every namespace", async () => {
    const dir = await chart(["-p", "split-namespace"]);
    const agents = template(tools, dir, ["-n", "monitoring-agents"]);
    expect(agents.code).toBe(1);
    expect(agents.err).toContain("monitoring, monitoring-agents)");
    expect(agents.err).toContain("Install it with -n monitoring,");
    const ok = template(tools, dir, ["-n", "monitoring"]);
    expect(ok.code).toBe(0);
    expect(objectsOf(ok.out).some((o) => o.metadata.namespace === "monitoring-agents")).toBe(true);
  });

  it("installs a chart rendered with -n other only into other", async () => {
    const dir = await chart(["-n", "other"]);
    expect(template(tools, dir, ["-n", "monitoring"]).err).toContain(
      'rendered this chart for namespace "other"',
    );
    const ok = template(tools, dir, ["-n", "other", "--include-crds"]);
    expect(ok.code).toBe(0);
    expect(objectsOf(ok.out)).toEqual(
      withoutReleaseNamespace(await streamObjects(["-n", "other"]), "other"),
    );
    expect(objectsOf(read(dir, "namespace.yaml")).map(identity)).toEqual(["Namespace//other"]);
  });

  it("refuses values given to helm through its schema, saying why", async () => {
    const dir = await chart();
    const set = template(tools, dir, ["-n", "monitoring", "--set", "loki.write.replicas=5"]);
    expect(set.code).toBe(1);
    expect(set.out).toBe("");
    expect(set.err).toContain("values don't meet the specifications of the schema");
    expect(set.err).toContain("additional properties 'loki' not allowed");
    expect(set.err).toContain(
      "this chart takes no values: materialize-monitoring applied them when it rendered the chart",
    );
    const file = join(temp("helm-values"), "values.yaml");
    writeFileSync(file, "global:\n  namespace: other\n");
    const fromFile = template(tools, dir, ["-n", "monitoring", "-f", file]);
    expect(fromFile.code).toBe(1);
    expect(fromFile.err).toContain("additional properties 'global' not allowed");
  });

  it("prints NOTES.txt on install with template text in it verbatim", async () => {
    const dir = await chart(TRICKY_DASHBOARD);
    const install = runTool(tools, tools.helm, [
      "install",
      "mzmon",
      dir,
      "-n",
      "monitoring",
      "--dry-run=client",
    ]);
    expect(install.err).toBe("");
    expect(install.code).toBe(0);
    const notes = install.out.slice(install.out.indexOf("\nNOTES:\n") + 8);
    const command = /^# {3}(mzmon render .*)$/m.exec(read(dir, "values.yaml"))?.[1];
    expect(command).toContain(TRICKY.replace(/"/g, '\\"'));
    expect(notes).toContain(`  ${command}\n`);
    expect(notes).toContain("Secrets to create");
    expect(notes).toContain("port-forward service/grafana 3000:3000");
  });
});
