import type { z } from "zod";
import { withConfigChecksums } from "./checksum.js";
import { checkClusterDomain } from "./endpoint.js";
import { parseValues } from "./errors.js";
import type { InternalTls } from "./internal-tls.js";
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
  /**
   * Mutual TLS between the stack's components (`internal-tls.ts`): set, every
   * component that supports it gets a cert-manager certificate from this
   * issuer, serves TLS and presents it to its peers.
   */
  internalTls?: InternalTls;
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
  /** Typed addresses others connect to; equal to the package's `xEndpoints(values, ctx)`. */
  endpoints: E;
}

export interface ComponentDefinition<S extends z.ZodType, E> {
  name: string;
  schema: S;
  /**
   * The endpoints, computed from the parsed values and the context alone
   * (names and constants, no objects): pure and cheap, so a composer can learn
   * every component's addresses before building any of them.
   */
  endpoints: (values: z.output<S>, ctx: BuildContext) => E;
  /** Builds the objects; `endpoints` is what `endpoints(values, ctx)` returned. */
  build: (values: z.output<S>, ctx: BuildContext, endpoints: E) => { objects: KubeObject[] };
}

/** A component function, with its endpoints function beside it. */
export interface ComponentFunction<S extends z.ZodType, E> {
  (values?: z.input<S>, ctx?: Partial<BuildContext>): Component<E>;
  /** The endpoints `(values, ctx)` would have, without building any object. */
  endpoints: (values?: z.input<S>, ctx?: Partial<BuildContext>) => E;
  /** The build from already-parsed values (a composer that parsed them once). */
  fromParsed: (values: z.output<S>, ctx?: Partial<BuildContext>) => Component<E>;
  /** The component's values schema. */
  schema: S;
}

/**
 * Makes a component function from a schema, a pure endpoints function and a
 * pure build function: values parse once at the boundary (errors name
 * `<name>.<path>`), the build sees the fully-defaulted type and the same
 * endpoints the endpoints function computes, and pod templates get checksums
 * of their configuration.
 */
export function defineComponent<S extends z.ZodType, E>(
  definition: ComponentDefinition<S, E>,
): ComponentFunction<S, E> {
  const parse = (values: z.input<S> | undefined) =>
    parseValues(definition.schema, values ?? {}, [definition.name]);
  const fromParsed = (parsed: z.output<S>, ctx?: Partial<BuildContext>): Component<E> => {
    const context = defaultBuildContext(ctx);
    checkClusterDomain(context);
    const endpoints = definition.endpoints(parsed, context);
    const built = definition.build(parsed, context, endpoints);
    return {
      name: definition.name,
      objects: withConfigChecksums(built.objects),
      endpoints,
    };
  };
  const component = (values?: z.input<S>, ctx?: Partial<BuildContext>) =>
    fromParsed(parse(values), ctx);
  component.endpoints = (values?: z.input<S>, ctx?: Partial<BuildContext>): E => {
    const context = defaultBuildContext(ctx);
    checkClusterDomain(context);
    return definition.endpoints(parse(values), context);
  };
  component.fromParsed = fromParsed;
  component.schema = definition.schema;
  return component;
}
