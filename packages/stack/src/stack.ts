import { alertmanager } from "@materialize-monitoring/alertmanager";
import { alloyAgent } from "@materialize-monitoring/alloy-agent";
import { alloyGateway } from "@materialize-monitoring/alloy-gateway";
import {
  assertUnique,
  type BuildContext,
  defaultBuildContext,
  type KubeObject,
  namespace,
  parseValues,
  podSecurityLabels,
  priorityClass,
  sortForApply,
} from "@materialize-monitoring/core";
import { exporters } from "@materialize-monitoring/exporters";
import { grafana } from "@materialize-monitoring/grafana";
import { grafanaOperator } from "@materialize-monitoring/grafana-operator";
import { loki } from "@materialize-monitoring/loki";
import {
  type MaterializeArtifacts,
  materializeArtifacts,
} from "@materialize-monitoring/materialize";
import { thanos } from "@materialize-monitoring/thanos";
import { materializeDashboards } from "./dashboards.js";
import { deepMerge } from "./merge.js";
import {
  type ParsedStackValues,
  SECTIONS,
  type SectionKey,
  type StackValues,
  stackValues,
} from "./values.js";
import { materializeWiring, type StackEndpoints, wiredValues } from "./wiring.js";

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
  /** Every component's endpoints, as wired. */
  endpoints: StackEndpoints;
  /** Notices for a person (e.g. a placeholder bucket is in use); never part of the output. */
  notices: string[];
  /** Every object, in apply order. */
  objects: KubeObject[];
}

export function buildContext(values: ParsedStackValues): BuildContext {
  const g = values.global;
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
    },
    ...(g.storageClass ? { storageClass: g.storageClass } : {}),
    zoneTopologyKey: g.zoneTopologyKey,
  });
}

type Tree = Record<string, unknown>;

/** The user's section without the umbrella-only keys (`enabled`, `external`). */
function userSection(input: StackValues, key: SectionKey): Tree {
  const section = ((input as Tree)[key] ?? {}) as Tree;
  const { enabled: _enabled, external: _external, dashboardsFolder: _folder, ...rest } = section;
  return rest;
}

function isEnabled(values: ParsedStackValues, key: SectionKey): boolean {
  const section = values[key] as { enabled?: boolean };
  return section.enabled ?? true;
}

type Builder = (
  values: Tree,
  ctx: BuildContext,
  built: StackEndpoints,
  stackValues: ParsedStackValues,
) => { objects: KubeObject[]; endpoints: unknown };

const BUILDERS: Record<SectionKey, Builder> = {
  exporters: (v, ctx) => exporters(v, ctx),
  alertmanager: (v, ctx) => alertmanager(v, ctx),
  loki: (v, ctx) => loki(v, ctx),
  thanos: (v, ctx) => thanos(v, ctx),
  grafana: (v, ctx) => grafana(v, ctx),
  grafanaOperator: (v, ctx) => grafanaOperator(v, ctx),
  alloyAgent: (v, ctx) => alloyAgent(v, ctx),
  alloyGateway: (v, ctx) => alloyGateway(v, ctx),
  // The Materialize section renders its dashboards as grafana-operator resources; its rules and
  // targets reach the rulers and the pipeline through the wiring.
  materialize: (_v, ctx, built, values) => {
    const artifacts = built.materialize;
    const operator = built.grafanaOperator;
    const objects =
      artifacts && operator
        ? materializeDashboards(ctx, artifacts, {
            folder: values.materialize.dashboardsFolder,
            instanceSelector: operator.instanceSelector,
          })
        : [];
    return { objects, endpoints: artifacts };
  },
};

function buildAll(
  input: StackValues,
  values: ParsedStackValues,
  ctx: BuildContext,
  endpoints: StackEndpoints,
  artifacts: MaterializeArtifacts | undefined,
): { components: StackComponent[]; endpoints: StackEndpoints } {
  const known: StackEndpoints = { ...endpoints, ...(artifacts ? { materialize: artifacts } : {}) };
  const wired = wiredValues(ctx, values, known);
  const components: StackComponent[] = [];
  const next: StackEndpoints = artifacts ? { materialize: artifacts } : {};
  for (const key of SECTIONS) {
    if (!isEnabled(values, key)) continue;
    // The user's values win over the wiring; maps merge, lists replace.
    const sectionValues = deepMerge(wired[key], userSection(input, key)) as Tree;
    const built = BUILDERS[key](sectionValues, ctx, { ...known, ...next }, values);
    components.push({ name: key, objects: built.objects, endpoints: built.endpoints });
    (next as Record<string, unknown>)[key] = built.endpoints;
  }
  return { components, endpoints: next };
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
  if (g.priorityClasses.create) {
    const { node, critical } = g.priorityClasses;
    if (node) setup.push(priorityClass(ctx, node, 1_000_000, "materialize-monitoring node agents"));
    if (critical)
      setup.push(
        priorityClass(ctx, critical, 100_000, "materialize-monitoring pipeline and stores"),
      );
  }
  return setup;
}

/** Builds the whole stack from umbrella values. Throws ValuesError for bad values. */
export function stack(input: StackValues = {}): Stack {
  const values = parseValues(stackValues, input);
  const context = buildContext(values);
  // Two passes: the first learns every component's endpoints, the second wires them together.
  const artifacts = values.materialize.enabled
    ? materializeArtifacts(
        deepMerge(materializeWiring(context), userSection(input, "materialize")) as Tree,
      )
    : undefined;
  const first = buildAll(input, values, context, {}, artifacts);
  const { components, endpoints } = buildAll(input, values, context, first.endpoints, artifacts);
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
  const notices: string[] = [];
  const lokiUsesPlaceholder =
    values.loki.enabled && values.loki.mode === "simple-scalable" && !values.loki.storage;
  const thanosUsesPlaceholder =
    values.thanos.enabled && values.thanos.mode === "ha" && !values.thanos.objectStorage;
  if (!values.global.objectStorage && (lokiUsesPlaceholder || thanosUsesPlaceholder)) {
    notices.push(
      'global.objectStorage is not set: Loki and Thanos use a placeholder S3 bucket "materialize-monitoring" (us-east-1, workload identity). Set your bucket, or use --profile dev for filesystem storage.',
    );
  }
  return { values, context, components: all, endpoints, notices, objects };
}
