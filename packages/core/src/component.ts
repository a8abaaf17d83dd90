import type { z } from "zod";
import { withConfigChecksums } from "./checksum.js";
import { parseValues } from "./errors.js";
import type { KubeObject } from "./k8s.js";
import type { PodScheduling } from "./workloads.js";

/**
 * What the umbrella sets once for every component. A component used alone
 * gets `defaultBuildContext()`.
 */
export interface BuildContext {
  /** Namespace of the stack's namespaced objects. */
  namespace: string;
  /** `app.kubernetes.io/instance`, distinguishes several installs in one cluster. */
  instance: string;
  /** Optional prefix of every object name; empty by default. */
  namePrefix: string;
  /** Labels added to every object. */
  commonLabels: Record<string, string>;
  /** The cluster's name, e.g. the `cluster` external label on metrics. */
  clusterName: string;
  /** Overrides the registry of every image (air-gapped mirrors). */
  imageRegistry?: string;
  /** Pull secrets added to every pod. */
  imagePullSecrets: string[];
  /** Scheduling defaults merged under each workload's own. */
  scheduling: PodScheduling;
  /** Priority classes by role; workloads pick theirs. */
  priorityClasses: { node?: string; critical?: string; default?: string };
  /** Default storage class for PVCs without one. */
  storageClass?: string;
  /** Topology key for zone spreading. */
  zoneTopologyKey: string;
  /** The cluster's DNS domain, for fully qualified Service names. */
  clusterDomain: string;
}

export function defaultBuildContext(overrides: Partial<BuildContext> = {}): BuildContext {
  return {
    namespace: "monitoring",
    instance: "materialize-monitoring",
    namePrefix: "",
    commonLabels: {},
    clusterName: "kubernetes",
    imagePullSecrets: [],
    scheduling: {},
    priorityClasses: {},
    zoneTopologyKey: "topology.kubernetes.io/zone",
    clusterDomain: "cluster.local",
    ...overrides,
  };
}

/** The shape every component package exports. */
export interface Component<E = Record<string, never>> {
  name: string;
  objects: KubeObject[];
  endpoints: E;
}

export interface ComponentDefinition<S extends z.ZodType, E> {
  name: string;
  schema: S;
  build: (values: z.output<S>, ctx: BuildContext) => { objects: KubeObject[]; endpoints: E };
}

/**
 * Makes a component function from a schema and a pure build function: values
 * parse once at the boundary (errors name `<name>.<path>`), the build sees the
 * fully-defaulted type, and pod templates get checksums of their configuration.
 */
export function defineComponent<S extends z.ZodType, E>(
  definition: ComponentDefinition<S, E>,
): (values?: z.input<S>, ctx?: Partial<BuildContext>) => Component<E> {
  return (values, ctx) => {
    const parsed = parseValues(definition.schema, values ?? {}, [definition.name]);
    const context = defaultBuildContext(ctx);
    const built = definition.build(parsed, context);
    return {
      name: definition.name,
      objects: withConfigChecksums(built.objects),
      endpoints: built.endpoints,
    };
  };
}
