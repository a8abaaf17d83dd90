import type {
  Container,
  KubeObject,
  NetworkPolicy,
  PodSpec,
  PolicyRule,
  Service,
  ValuesError,
  Workload,
} from "@materialize-monitoring/core";
import { isWorkload } from "@materialize-monitoring/core";

export function find<T = KubeObject>(
  objects: readonly KubeObject[],
  kind: string,
  name?: string,
): T {
  const found = objects.filter(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? `/${name}` : ""}, found ${found.length}`);
  }
  return found[0] as T;
}

export function kinds(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

export function workload(objects: readonly KubeObject[], name?: string): Workload {
  const found = objects.filter(
    (o): o is Workload => isWorkload(o) && (!name || o.metadata.name === name),
  );
  if (found.length !== 1) throw new Error(`expected one workload, found ${found.length}`);
  return found[0] as Workload;
}

export function podSpec(objects: readonly KubeObject[], name?: string): PodSpec {
  const spec = workload(objects, name).spec?.template.spec;
  if (!spec) throw new Error("workload without a pod spec");
  return spec;
}

export function mainContainer(objects: readonly KubeObject[], name?: string): Container {
  const first = podSpec(objects, name).containers[0];
  if (!first) throw new Error("pod without containers");
  return first;
}

export function rules(objects: readonly KubeObject[], kind: string, name: string): PolicyRule[] {
  return find<{ rules?: PolicyRule[] }>(objects, kind, name).rules ?? [];
}

export function spec<T extends { spec?: unknown }>(object: T): NonNullable<T["spec"]> {
  if (!object.spec) throw new Error("object without spec");
  return object.spec as NonNullable<T["spec"]>;
}

export function networkPolicySpec(
  objects: readonly KubeObject[],
  name: string,
): NonNullable<NetworkPolicy["spec"]> {
  return spec(find<NetworkPolicy>(objects, "NetworkPolicy", name));
}

export function serviceSpec(
  objects: readonly KubeObject[],
  name: string,
): NonNullable<Service["spec"]> {
  return spec(find<Service>(objects, "Service", name));
}

/** The message of the ValuesError `render` throws (fails the test when it does not throw one). */
export function valuesErrorOf(render: () => unknown): string {
  try {
    render();
  } catch (error) {
    if ((error as ValuesError).name === "ValuesError") return (error as Error).message;
    throw error;
  }
  throw new Error("expected a ValuesError, but rendering succeeded");
}

/** Every Service selects the labels of some pod template in the same namespace. */
export function unselectedServices(objects: readonly KubeObject[]): string[] {
  const templates = objects.filter(isWorkload).map((w) => ({
    namespace: w.metadata.namespace,
    labels: w.spec?.template.metadata?.labels ?? {},
  }));
  return objects
    .filter((o): o is KubeObject & Service => o.kind === "Service")
    .filter((svc) => {
      const selector = svc.spec?.selector ?? {};
      return !templates.some(
        (t) =>
          t.namespace === svc.metadata?.namespace &&
          Object.entries(selector).every(([k, v]) => t.labels[k] === v),
      );
    })
    .map((svc) => svc.metadata?.name ?? "?");
}
