import { isDeepStrictEqual } from "node:util";
import { type AlertmanagerValues, alertmanager } from "@materialize-monitoring/alertmanager";
import { type AlloyAgentValues, alloyAgent } from "@materialize-monitoring/alloy-agent";
import {
  type AlloyGatewayValues,
  alloyGateway,
  alloyGatewayValues,
  SOURCES,
  scrapeLists,
} from "@materialize-monitoring/alloy-gateway";
import {
  assertObjectSizes,
  assertUnique,
  type BuildContext,
  defaultBuildContext,
  type KubeObject,
  namespace,
  parseValues,
  podSecurityLabels,
  priorityClass,
  sortForApply,
  type ValueProblem,
  ValuesError,
} from "@materialize-monitoring/core";
import {
  type ExportersCollection,
  type ExportersValues,
  exporters,
  exportersCollectionFor,
} from "@materialize-monitoring/exporters";
import { type GrafanaValues, grafana } from "@materialize-monitoring/grafana";
import {
  type GrafanaOperatorValues,
  grafanaOperator,
} from "@materialize-monitoring/grafana-operator";
import { type LokiValues, loki } from "@materialize-monitoring/loki";
import { type MaterializeValues, materialize } from "@materialize-monitoring/materialize";
import { type ThanosValues, thanos } from "@materialize-monitoring/thanos";
import { internalCaObjects, internalTlsContext } from "./cert-manager.js";
import { materializeDashboards } from "./dashboards.js";
import {
  addAdditiveOrigins,
  applyExtensions,
  type EntryOrigins,
  mergeSection,
  withoutExtraKeys,
  withUserPaths,
} from "./extensions.js";
import { type ExternalPeers, externalPeers } from "./external.js";
import { checkLogLimits, checkTenantRouting } from "./log-limits.js";
import { isTree } from "./merge.js";
import { gatewayTierWiring } from "./pipeline.js";
import {
  type ParsedStackValues,
  type SectionKey,
  type StackValues,
  stackValues,
} from "./values.js";
import {
  baseValues,
  type StackEndpoints,
  type Wiring,
  wireAlertmanager,
  wireAlloyAgent,
  wireAlloyGateway,
  wireExporters,
  wireGrafana,
  wireGrafanaOperator,
  wireLoki,
  wireMaterialize,
  wireThanos,
} from "./wiring.js";
import { checkZoneQuorums } from "./zones.js";

export interface StackComponent {
  name: string;
  objects: KubeObject[];
  endpoints: unknown;
}

export interface Stack {
  values: ParsedStackValues;
  context: BuildContext;
  /** Objects grouped by the component that owns them; `setup` holds namespaces and priority classes. */
  components: StackComponent[];
  /** Every enabled component's endpoints, computed before any object was built. */
  endpoints: StackEndpoints;
  /** The existing Grafana, Loki, Thanos-compatible store or Alertmanager the values declare. */
  externals: ExternalPeers;
  /** Built-in lists the values replace (named in `global.replaceBuiltIn`). */
  replaced: string[];
  /** Notices for a person (e.g. a placeholder bucket is in use); never part of the output. */
  notices: string[];
  /** Every object, in apply order. */
  objects: KubeObject[];
}

export function buildContext(values: ParsedStackValues): BuildContext {
  const g = values.global;
  const internalTls = internalTlsContext(g.internalTls, g);
  return defaultBuildContext({
    namespace: g.namespace,
    instance: g.instance,
    namePrefix: g.namePrefix,
    commonLabels: g.commonLabels,
    clusterName: g.clusterName,
    clusterDomain: g.clusterDomain,
    ...(g.imageRegistry ? { imageRegistry: g.imageRegistry } : {}),
    imagePullSecrets: g.imagePullSecrets,
    scheduling: g.scheduling,
    priorityClasses: {
      ...(g.priorityClasses.node ? { node: g.priorityClasses.node } : {}),
      ...(g.priorityClasses.critical ? { critical: g.priorityClasses.critical } : {}),
      ...(g.priorityClasses.default ? { default: g.priorityClasses.default } : {}),
    },
    ...(g.storageClass ? { storageClass: g.storageClass } : {}),
    zoneTopologyKey: g.zoneTopologyKey,
    ...(internalTls ? { internalTls } : {}),
  });
}

/** The user's sections without the umbrella-only keys (`enabled`, `external`, ...). */
function userSections(input: StackValues) {
  const { enabled: _e1, ...exportersValues } = { enabled: true, ...input.exporters };
  const { enabled: _e2, external: _x2, ...alertmanagerValues } = { ...input.alertmanager };
  const { enabled: _e3, external: _x3, ...lokiValues } = { ...input.loki };
  const { enabled: _e4, external: _x4, ...thanosValues } = { ...input.thanos };
  const { enabled: _e5, external: _x5, ...grafanaValues } = { ...input.grafana };
  const {
    enabled: _e6,
    extraDashboards: _d6,
    ...grafanaOperatorValues
  } = {
    ...input.grafanaOperator,
  };
  const {
    enabled: _e7,
    dashboardsFolder: _f7,
    alerting: _a7,
    ...materializeValues
  } = { ...input.materialize };
  const { enabled: _e8, ...alloyAgentValues } = { ...input.alloyAgent };
  const { enabled: _e9, ...alloyGatewayValues } = { ...input.alloyGateway };
  return {
    exporters: exportersValues,
    alertmanager: alertmanagerValues,
    loki: lokiValues,
    thanos: thanosValues,
    grafana: grafanaValues,
    grafanaOperator: grafanaOperatorValues,
    materialize: materializeValues,
    alloyAgent: alloyAgentValues,
    alloyGateway: alloyGatewayValues,
  };
}

/** The values each enabled component is built with, by section. */
interface SectionInputs {
  exporters?: ExportersValues;
  alertmanager?: AlertmanagerValues;
  loki?: LokiValues;
  thanos?: ThanosValues;
  grafana?: GrafanaValues;
  grafanaOperator?: GrafanaOperatorValues;
  materialize?: MaterializeValues;
  alloyAgent?: AlloyAgentValues;
  alloyGateway?: AlloyGatewayValues;
}

interface Composition {
  endpoints: StackEndpoints;
  inputs: SectionInputs;
  /** Built-in lists the user replaced (`global.replaceBuiltIn`), as notices. */
  replaced: string[];
  /** What the wiring filled in, per section (before the user's values). */
  wired: Partial<Record<SectionKey, unknown>>;
  /** Where the user's list entries land in the components' lists, for their refusals. */
  origins: EntryOrigins;
}

/**
 * Steps 2 to 4 of the composition: every enabled component's endpoints from
 * its base values (global settings and the user's section), then each
 * section's wiring from those endpoints, under the user's values. Two
 * sections serve what follows from the others' endpoints, so they come last
 * and their wiring is part of their endpoints' input: grafana-operator (the
 * Grafana and datasources it manages) and Materialize (the stack's job names
 * in its rules).
 */
function compose(
  input: StackValues,
  values: ParsedStackValues,
  ctx: BuildContext,
  externals: ExternalPeers,
): Composition {
  const user = userSections(input);
  const base = baseValues(values);
  const on = (key: SectionKey) => isEnabled(values, key);
  // The agents push to the bundled gateway, whose address its endpoints name: a user value there
  // would point them elsewhere while every policy admits the bundled one.
  const agentGateway = (user.alloyAgent as { gateway?: Record<string, unknown> } | undefined)
    ?.gateway;
  if (
    on("alloyAgent") &&
    on("alloyGateway") &&
    agentGateway &&
    Object.keys(agentGateway).length > 0
  )
    throw new ValuesError([
      {
        path: "alloyAgent.gateway",
        message: "is wired from the bundled gateway's endpoints (its push URL, pods and namespace)",
        hint: "leave it out, or set alloyGateway.enabled: false to push to a gateway of your own",
      },
    ]);
  const endpoints: StackEndpoints = {};
  // Endpoints first, from the values that decide them (never from the wiring).
  const ownLoki = mergeSection(base.loki, user.loki);
  const ownThanos = mergeSection(base.thanos, withoutExtraKeys("thanos", user.thanos));
  const ownAgent = mergeSection(base.alloyAgent, user.alloyAgent);
  const ownGateway = withoutExtraKeys("alloyGateway", user.alloyGateway);
  if (on("alertmanager")) endpoints.alertmanager = alertmanager.endpoints(user.alertmanager, ctx);
  if (on("loki")) endpoints.loki = loki.endpoints(ownLoki, ctx);
  if (on("thanos")) endpoints.thanos = thanos.endpoints(ownThanos, ctx);
  if (on("grafana")) endpoints.grafana = grafana.endpoints(user.grafana, ctx);
  if (on("alloyAgent")) endpoints.alloyAgent = alloyAgent.endpoints(ownAgent, ctx);
  if (on("alloyGateway")) endpoints.alloyGateway = alloyGateway.endpoints(ownGateway, ctx);
  // The operator's endpoints name the Grafana it manages and the datasources it creates: they
  // follow from the other components' endpoints, so its wiring is part of its endpoints' input.
  const operatorWiring = wireGrafanaOperator({ ctx, values, endpoints, externals });
  const ownOperator = mergeSection(operatorWiring, user.grafanaOperator);
  if (on("grafanaOperator"))
    endpoints.grafanaOperator = grafanaOperator.endpoints(ownOperator, ctx);
  const materializeWiring = wireMaterialize(ctx, endpoints);
  const ownMaterialize = mergeSection(materializeWiring, user.materialize);
  if (on("materialize")) endpoints.materialize = materialize.endpoints(ownMaterialize, ctx);
  // The exporters collect what the widest metric tier the gateway forwards needs: that follows
  // from the Materialize and gateway endpoints, and nothing before reads the exporters'.
  const collection = on("exporters")
    ? exportersCollection(endpoints, ownGateway, user.exporters)
    : { values: {}, unserved: [] };
  const exportersBase = mergeSection(base.exporters, collection.values);
  if (on("exporters"))
    endpoints.exporters = exporters.endpoints(mergeSection(exportersBase, user.exporters), ctx);

  // Then the wiring of each section, under the user's values.
  const w: Wiring = { ctx, values, endpoints, externals };
  const replaced: string[] = [...collection.unserved.map((line) => `exporters: ${line}`)];
  const origins: EntryOrigins = new Map();
  const under = <T extends object>(key: SectionKey, wired: T, userValues: T | undefined): T => {
    addAdditiveOrigins(origins, key, wired, userValues);
    return mergeSection(wired, userValues);
  };
  const extend = <T extends object>(key: SectionKey, own: T, wired: T, userValues: T): T => {
    const extended = applyExtensions(key, wired, userValues, values, origins);
    replaced.push(...extended.replaced);
    return under(key, mergeSection(own, extended.wired), extended.user);
  };
  const inputs: SectionInputs = {};
  // What the wiring fills in (with the base values), each computed once: the inputs are
  // these under the user's values, and `defaultedValues` leaves them out.
  const wired: Partial<Record<SectionKey, unknown>> = {
    grafanaOperator: operatorWiring,
    materialize: materializeWiring,
  };
  if (on("exporters")) {
    const exportersWiring = mergeSection(exportersBase, wireExporters(w));
    wired.exporters = exportersWiring;
    inputs.exporters = under("exporters", exportersWiring, user.exporters);
  }
  if (on("alertmanager")) {
    const alertmanagerWiring = wireAlertmanager(w);
    wired.alertmanager = alertmanagerWiring;
    inputs.alertmanager = under("alertmanager", alertmanagerWiring, user.alertmanager);
  }
  if (on("loki")) {
    const lokiWiring = mergeSection(base.loki, wireLoki(w));
    wired.loki = lokiWiring;
    inputs.loki = under("loki", lokiWiring, user.loki);
  }
  if (on("thanos")) {
    const thanosWiring = wireThanos(w);
    wired.thanos = mergeSection(base.thanos, thanosWiring);
    inputs.thanos = extend("thanos", base.thanos, thanosWiring, user.thanos);
  }
  if (on("grafana")) {
    const grafanaWiring = wireGrafana(w);
    wired.grafana = grafanaWiring;
    inputs.grafana = under("grafana", grafanaWiring, user.grafana);
  }
  if (on("grafanaOperator")) inputs.grafanaOperator = ownOperator;
  if (on("materialize")) inputs.materialize = ownMaterialize;
  if (on("alloyAgent")) {
    const agentWiring = mergeSection(base.alloyAgent, wireAlloyAgent(w));
    wired.alloyAgent = agentWiring;
    inputs.alloyAgent = under("alloyAgent", agentWiring, user.alloyAgent);
  }
  if (on("alloyGateway")) {
    const gatewayWiring = wireAlloyGateway(w);
    wired.alloyGateway = gatewayWiring;
    inputs.alloyGateway = extend("alloyGateway", {}, gatewayWiring, user.alloyGateway);
  }
  return { endpoints, inputs, replaced, wired, origins };
}

/**
 * What the exporters collect for the gateway's scrape: the lists of the widest tier its
 * destinations receive (the tier wiring under the user's gateway values, parsed as the gateway
 * parses them). Nothing when there is no gateway or no Materialize lists to narrow to.
 */
function exportersCollection(
  endpoints: StackEndpoints,
  userGateway: AlloyGatewayValues,
  userExporters: ExportersValues | undefined,
): ExportersCollection {
  if (!endpoints.alloyGateway || !endpoints.materialize) return { values: {}, unserved: [] };
  const gateway = parseValues(
    alloyGatewayValues,
    mergeSection(gatewayTierWiring(endpoints), userGateway),
    ["alloyGateway"],
  );
  return exportersCollectionFor(
    scrapeLists(gateway, "alloyGateway"),
    userExporters?.nodeExporter?.collectors?.disable ?? [],
  );
}

function isEnabled(values: ParsedStackValues, key: SectionKey): boolean {
  const section = values[key] as { enabled?: boolean };
  return section.enabled ?? true;
}

/** Builds each enabled component once, from its composed values. */
function buildComponents(inputs: SectionInputs, ctx: BuildContext): StackComponent[] {
  const built: StackComponent[] = [];
  const add = (name: SectionKey, component: { objects: KubeObject[]; endpoints: unknown }) =>
    built.push({ name, objects: component.objects, endpoints: component.endpoints });
  if (inputs.exporters) add("exporters", exporters(inputs.exporters, ctx));
  if (inputs.alertmanager) add("alertmanager", alertmanager(inputs.alertmanager, ctx));
  if (inputs.loki) add("loki", loki(inputs.loki, ctx));
  if (inputs.thanos) add("thanos", thanos(inputs.thanos, ctx));
  if (inputs.grafana) add("grafana", grafana(inputs.grafana, ctx));
  if (inputs.grafanaOperator) add("grafanaOperator", grafanaOperator(inputs.grafanaOperator, ctx));
  if (inputs.materialize) add("materialize", materialize(inputs.materialize, ctx));
  if (inputs.alloyAgent) add("alloyAgent", alloyAgent(inputs.alloyAgent, ctx));
  if (inputs.alloyGateway) add("alloyGateway", alloyGateway(inputs.alloyGateway, ctx));
  return built;
}

function setupObjects(values: ParsedStackValues, ctx: BuildContext): KubeObject[] {
  const g = values.global;
  const setup: KubeObject[] = [];
  // Node agents need host access (the privileged level); with their own namespace the stack's
  // namespace can enforce restricted.
  const agentsHere =
    !g.nodeAgentsNamespace && (values.exporters.nodeExporter.enabled || values.alloyAgent.enabled);
  if (g.createNamespace) {
    setup.push(
      namespace(g.namespace, {
        ...ctx.commonLabels,
        ...podSecurityLabels("restricted"),
        ...(agentsHere ? { "pod-security.kubernetes.io/enforce": "privileged" } : {}),
      }),
    );
  }
  if (g.nodeAgentsNamespace) {
    // Node agents need host access: their own namespace runs at the privileged level.
    setup.push(
      namespace(g.nodeAgentsNamespace, {
        ...ctx.commonLabels,
        ...podSecurityLabels("privileged"),
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/audit": "baseline",
      }),
    );
  }
  setup.push(...internalCaObjects(g.internalTls, ctx));
  if (g.priorityClasses.create) {
    const { node, critical, default: other } = g.priorityClasses;
    if (node) setup.push(priorityClass(ctx, node, 1_000_000, "materialize-monitoring node agents"));
    if (critical)
      setup.push(
        priorityClass(ctx, critical, 100_000, "materialize-monitoring pipeline and stores"),
      );
    if (other && other !== node && other !== critical)
      setup.push(priorityClass(ctx, other, 10_000, "materialize-monitoring other pods"));
  }
  return setup;
}

/**
 * The values that turn certificate verification off and take effect: the
 * gateway's kubelet scrapes (direct mode), metrics-server's kubelet scrapes
 * and the user's scrape jobs. Each is an explicit choice, reported as a notice.
 */
function unverifiedTls(values: ParsedStackValues): string[] {
  const paths: string[] = [];
  const gateway = values.alloyGateway;
  const kubelet = gateway.scrape.kubelet;
  const gatewayOn = isEnabled(values, "alloyGateway");
  if (gatewayOn && kubelet.enabled && kubelet.mode === "direct" && kubelet.insecureSkipVerify)
    paths.push("alloyGateway.scrape.kubelet.insecureSkipVerify");
  if (gatewayOn) {
    const d = gateway.destinations;
    const destinations: [string, { tls?: { insecureSkipVerify: boolean } | undefined }][] = [
      ["loki", d.loki],
      ...d.loki.extra.map((e, i) => [`loki.extra[${i}]`, e] as [string, typeof e]),
      ["prometheus", d.prometheus],
      ...d.prometheus.extra.map((e, i) => [`prometheus.extra[${i}]`, e] as [string, typeof e]),
      ...(d.otlp.enabled ? [["otlp", d.otlp] as [string, typeof d.otlp]] : []),
    ];
    for (const [where, destination] of destinations)
      if (destination.tls?.insecureSkipVerify)
        paths.push(`alloyGateway.destinations.${where}.tls.insecureSkipVerify`);
    for (const key of ["jobs", "extraJobs"] as const) {
      gateway.scrape[key].forEach((job, i) => {
        if (job.tls?.insecureSkipVerify)
          paths.push(`alloyGateway.scrape.${key}[${i}].tls.insecureSkipVerify`);
      });
    }
  }
  const metricsServer = values.exporters.metricsServer;
  if (isEnabled(values, "exporters") && metricsServer.enabled && metricsServer.kubeletInsecureTLS)
    paths.push("exporters.metricsServer.kubeletInsecureTLS");
  return paths;
}

/**
 * The user's metric lists (`alloyGateway.allowLists`, `metricTiers.<tier>`) each name the source
 * of a scrape job: a list under a source no job has filters nothing, so it is refused, naming
 * the sources there are (a typo such as `node_exporter` would otherwise keep every metric).
 */
function checkListSources(input: StackValues, inputs: SectionInputs): void {
  const gateway = inputs.alloyGateway;
  const user = input.alloyGateway;
  if (!gateway || !user) return;
  // The built-in jobs with the user's extra ones appended (applyExtensions).
  const jobs = gateway.scrape?.jobs ?? [];
  // Those and the gateway's own jobs (its self-scrape, the kubelet and cAdvisor).
  const sources = [
    ...new Set([...jobs.flatMap((j) => (j.source ? [j.source] : [])), ...Object.values(SOURCES)]),
  ].sort();
  const problems: ValueProblem[] = [];
  const check = (where: string, lists: Record<string, unknown> | undefined) => {
    for (const key of Object.keys(lists ?? {}))
      if (!sources.includes(key))
        problems.push({
          path: `${where}.${key}`,
          message: `no scrape job has source "${key}", so this list would filter nothing`,
          hint: `use one of ${sources.join(", ")}, or give a job of yours (alloyGateway.scrape.extraJobs) source: ${key}`,
        });
  };
  check("alloyGateway.allowLists", user.allowLists);
  // An essential tier list of a source wins over its allow-list: the allow-list would be unused.
  const essential = gateway.metricTiers?.essential ?? {};
  for (const key of Object.keys(user.allowLists ?? {}))
    if (sources.includes(key) && essential[key])
      problems.push({
        path: `alloyGateway.allowLists.${key}`,
        message: `"${key}" has an essential tier list, which wins over its allow-list: this list would filter nothing`,
        hint: `set alloyGateway.metricTiers.essential.${key} (and metricTiers.recommended.${key}) instead`,
      });
  check("alloyGateway.metricTiers.essential", user.metricTiers?.essential);
  check("alloyGateway.metricTiers.recommended", user.metricTiers?.recommended);
  if (problems.length > 0) throw new ValuesError(problems);
}

/** Builds the whole stack from umbrella values. Throws ValuesError for bad values. */
export function stack(input: StackValues = {}): Stack {
  const values = parseValues(stackValues, input);
  const context = buildContext(values);
  const externals = externalPeers(values, context);
  const composition = compose(input, values, context, externals);
  checkLogLimits(values, composition.endpoints);
  checkTenantRouting(values, composition.endpoints);
  checkListSources(input, composition.inputs);
  let built: StackComponent[];
  try {
    built = buildComponents(composition.inputs, context);
  } catch (error) {
    throw error instanceof ValuesError ? withUserPaths(error, composition.origins) : error;
  }
  const components = built.map((component) => {
    const key = component.name as SectionKey;
    // Single pass: the wiring must not change what a component serves.
    if (!isDeepStrictEqual(component.endpoints, composition.endpoints[key])) {
      throw new Error(`internal error: the wiring of ${key} changed its endpoints`);
    }
    return key === "materialize"
      ? {
          ...component,
          objects: [
            ...component.objects,
            ...materializeDashboards(context, values, composition.endpoints),
          ],
        }
      : component;
  });
  // Components that run in the node agents' namespace render it when used alone; the umbrella
  // renders it once, in setup.
  const agentsNamespace = values.global.nodeAgentsNamespace;
  const owned = agentsNamespace
    ? components.map((c) => ({
        ...c,
        objects: c.objects.filter(
          (o) => !(o.kind === "Namespace" && o.metadata.name === agentsNamespace),
        ),
      }))
    : components;
  const all: StackComponent[] = [
    { name: "setup", objects: setupObjects(values, context), endpoints: {} },
    ...owned,
  ];
  const objects = sortForApply(all.flatMap((c) => c.objects));
  assertUnique(objects);
  // An object the API server (or etcd) would refuse for its size fails the render, naming it.
  const section = new Map<KubeObject, string>();
  for (const c of all)
    for (const o of c.objects) section.set(o, c.name === "setup" ? "global" : c.name);
  assertObjectSizes(objects, (o) => section.get(o));
  // Hard zone spreads of quorums, against the zones the user says the nodes span.
  checkZoneQuorums(objects, values.global.zones, values.global.zoneTopologyKey);
  const notices: string[] = [...composition.replaced];
  const lokiUsesPlaceholder =
    values.loki.enabled && values.loki.mode === "simple-scalable" && !values.loki.storage;
  const thanosUsesPlaceholder =
    values.thanos.enabled && values.thanos.mode === "ha" && !values.thanos.objectStorage;
  if (!values.global.objectStorage && (lokiUsesPlaceholder || thanosUsesPlaceholder)) {
    const stores = [
      ...(lokiUsesPlaceholder ? ["Loki"] : []),
      ...(thanosUsesPlaceholder ? ["Thanos"] : []),
    ];
    notices.push(
      `global.objectStorage is not set: ${stores.join(" and ")} ${stores.length > 1 ? "use" : "uses"} a placeholder S3 bucket "materialize-monitoring" (us-east-1, workload identity). Set your bucket, or use --profile dev for filesystem storage.`,
    );
  }
  const unverified = unverifiedTls(values);
  if (unverified.length > 0) {
    notices.push(
      `TLS certificates are not verified (${unverified.join(", ")}): anyone on the path can impersonate those endpoints. Fine on kind-like clusters whose kubelets serve self-signed certificates; set them to false where the certificates are signed by a CA the pods trust.`,
    );
  }
  const metricsServer = values.exporters.metricsServer;
  if (
    isEnabled(values, "alloyGateway") &&
    isEnabled(values, "exporters") &&
    metricsServer.enabled &&
    !metricsServer.tls.caBundle
  ) {
    notices.push(
      "the gateway scrapes metrics-server without verifying its certificate: it is self-signed while exporters.metricsServer.tls.caBundle is unset. Give metrics-server a certificate (tls.secretName) and its CA (tls.caBundle) to have both the API server and the gateway verify it.",
    );
  }
  // The HPAs read CPU and memory from the resource metrics API, which metrics-server serves.
  const autoscaled = objects.filter((o) => o.kind === "HorizontalPodAutoscaler");
  if (autoscaled.length > 0 && !(isEnabled(values, "exporters") && metricsServer.enabled)) {
    notices.push(
      `${autoscaled.map((o) => o.metadata.name).join(", ")} ${autoscaled.length > 1 ? "scale" : "scales"} on CPU and memory from the resource metrics API, and the stack's metrics-server is off: make sure the cluster runs one (kubectl get apiservice v1beta1.metrics.k8s.io), or the autoscalers never act.`,
    );
  }
  return {
    values,
    context,
    components: all,
    endpoints: composition.endpoints,
    externals,
    replaced: composition.replaced,
    notices,
    objects,
  };
}

/** Every enabled component's endpoints, without building any object. */
export function stackEndpoints(input: StackValues = {}): StackEndpoints {
  const values = parseValues(stackValues, input);
  const context = buildContext(values);
  return compose(input, values, context, externalPeers(values, context)).endpoints;
}

/** Removes from `values` every leaf `wired` sets that `user` does not: what the wiring owns. */
function withoutWired(values: unknown, wired: unknown, user: unknown): unknown {
  if (!isTree(values) || !isTree(wired)) return values;
  const out: Record<string, unknown> = { ...values };
  for (const [key, w] of Object.entries(wired)) {
    if (w === undefined) continue;
    const u = isTree(user) ? user[key] : undefined;
    // A discriminated map (`mode`, `type`) the user did not write belongs to the wiring whole.
    const tagged = isTree(w) && ("mode" in w || "type" in w);
    // An empty map the wiring writes (no labels) is a value of its own, not a place to merge into.
    const empty = isTree(w) && Object.keys(w).length === 0;
    if (isTree(w) && isTree(out[key]) && !empty && !(tagged && u === undefined)) {
      const rest = withoutWired(out[key], w, u);
      if (isTree(rest) && Object.keys(rest).length === 0 && u === undefined) delete out[key];
      else out[key] = rest;
    } else if (u === undefined) delete out[key];
  }
  return out;
}

/**
 * The values as a user would write them with every default filled in, minus
 * what the umbrella's wiring fills in (addresses, scrape jobs, datasources,
 * built-in rules): passed back with `-f`, they render the same stack.
 */
export function defaultedValues(input: StackValues = {}): Record<string, unknown> {
  const values = parseValues(stackValues, input);
  const context = buildContext(values);
  const { wired } = compose(input, values, context, externalPeers(values, context));
  const user = input as Record<string, unknown>;
  const out: Record<string, unknown> = { ...values };
  for (const [key, w] of Object.entries(wired)) out[key] = withoutWired(out[key], w, user[key]);
  return out;
}
