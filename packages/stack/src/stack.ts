import {
  assertUnique,
  type BuildContext,
  defaultBuildContext,
  type KubeObject,
  namespace,
  parseValues,
  priorityClass,
  sortForApply,
  withConfigChecksums,
} from "@materialize-monitoring/core";
import { COMPONENTS } from "./registry.js";
import { type ParsedStackValues, type StackValues, stackValues } from "./values.js";

export interface StackComponent {
  name: string;
  objects: KubeObject[];
  endpoints: unknown;
}

export interface Stack {
  values: ParsedStackValues;
  context: BuildContext;
  /** Objects grouped by the component that owns them; `setup` holds the namespace. */
  components: StackComponent[];
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

/** Builds the whole stack from umbrella values. Throws ValuesError for bad values. */
export function stack(input: StackValues = {}): Stack {
  const values = parseValues(stackValues, input);
  const context = buildContext(values);
  const setup: KubeObject[] = [];
  if (values.global.createNamespace)
    setup.push(namespace(values.global.namespace, context.commonLabels));
  if (values.global.priorityClasses.create) {
    const { node, critical } = values.global.priorityClasses;
    if (node)
      setup.push(priorityClass(context, node, 1_000_000, "materialize-monitoring node agents"));
    if (critical)
      setup.push(
        priorityClass(context, critical, 100_000, "materialize-monitoring pipeline and stores"),
      );
  }
  const components: StackComponent[] = [{ name: "setup", objects: setup, endpoints: {} }];
  const sections = values as unknown as Record<string, unknown>;
  for (const entry of COMPONENTS) {
    const built = entry.build(sections[entry.key], context);
    components.push({
      name: entry.key,
      objects: withConfigChecksums(built.objects),
      endpoints: built.endpoints,
    });
  }
  const objects = sortForApply(components.flatMap((c) => c.objects));
  assertUnique(objects);
  return { values, context, components, objects };
}
