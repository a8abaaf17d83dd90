import type {
  ConfigMap,
  Container,
  KubeObject,
  PodTemplateSpec,
  Secret,
  Service,
  Workload,
} from "@materialize-monitoring/core";
import { isWorkload } from "@materialize-monitoring/core";
import { parse } from "yaml";

/** A bucket with static keys from a Secret. */
export const S3 = {
  type: "s3",
  bucket: "metrics",
  region: "eu-west-1",
  credentials: {
    accessKeyId: { name: "thanos-bucket", key: "access-key-id" },
    secretAccessKey: { name: "thanos-bucket", key: "secret-access-key" },
  },
} as const;

/** A bucket reached through workload identity (IRSA): no key anywhere. */
export const S3_IRSA = { type: "s3", bucket: "metrics", region: "eu-west-1" } as const;

export function find<K extends KubeObject["kind"]>(
  objects: readonly KubeObject[],
  kind: K,
  name: string,
): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    const have = objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ");
    throw new Error(`no ${kind}/${name}; have: ${have}`);
  }
  return found;
}

export function configMapData(
  objects: readonly KubeObject[],
  name: string,
): Record<string, string> {
  return (find(objects, "ConfigMap", name) as ConfigMap).data ?? {};
}

export function secretData(objects: readonly KubeObject[], name: string): Record<string, string> {
  return (find(objects, "Secret", name) as Secret).stringData ?? {};
}

export function workload(objects: readonly KubeObject[], name: string): Workload {
  const found = objects.find((o) => isWorkload(o) && o.metadata.name === name);
  if (!found || !isWorkload(found)) throw new Error(`no workload ${name}`);
  return found;
}

export function template(objects: readonly KubeObject[], name: string): PodTemplateSpec {
  const t = workload(objects, name).spec?.template;
  if (!t) throw new Error(`workload ${name} has no template`);
  return t;
}

export function mainContainer(objects: readonly KubeObject[], name: string): Container {
  const c = template(objects, name).spec?.containers[0];
  if (!c) throw new Error(`workload ${name} has no container`);
  return c;
}

export function args(objects: readonly KubeObject[], name: string): string[] {
  return mainContainer(objects, name).args ?? [];
}

/** The value of `--flag=value` (the last one when repeated). */
export function flag(list: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return list
    .filter((a) => a.startsWith(prefix))
    .map((a) => a.slice(prefix.length))
    .at(-1);
}

export function flags(list: readonly string[], name: string): string[] {
  const prefix = `--${name}=`;
  return list.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length));
}

export function yaml<T = unknown>(text: string | undefined): T {
  if (text === undefined) throw new Error("no text to parse");
  return parse(text) as T;
}

export function services(
  objects: readonly KubeObject[],
): (Service & { metadata: { name: string } })[] {
  return objects.filter((o) => o.kind === "Service") as (Service & {
    metadata: { name: string };
  })[];
}

export function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * Resolves a Thanos `dnssrv+_<port>._tcp.<service>.<ns>.svc.<domain>`
 * against the rendered objects the way cluster DNS would: the domain must be
 * the cluster's, the Service must exist in that namespace, be headless, name
 * the port, and select pods whose containers expose a port of that name.
 * Returns the resolved port number.
 */
export function resolveSrv(
  objects: readonly KubeObject[],
  address: string,
  clusterDomain = "cluster.local",
): { service: string; port: number } {
  const match =
    /^dnssrv\+_([a-z0-9-]+)\._tcp\.([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.([a-z0-9.-]+)$/.exec(address);
  if (!match) throw new Error(`${address} is not an in-cluster dnssrv+ address`);
  if (match[4] !== clusterDomain)
    throw new Error(`${address} is not in the cluster domain ${clusterDomain}`);
  const [, portName = "", serviceName = "", namespace = ""] = match;
  const svc = services(objects).find(
    (s) => s.metadata.name === serviceName && s.metadata.namespace === namespace,
  );
  if (!svc) throw new Error(`${address}: no Service ${namespace}/${serviceName}`);
  if (svc.spec?.clusterIP !== "None")
    throw new Error(`${address}: Service ${serviceName} is not headless`);
  const port = svc.spec.ports?.find((p) => p.name === portName);
  if (!port) throw new Error(`${address}: Service ${serviceName} has no port named ${portName}`);
  const selector = svc.spec.selector ?? {};
  const backends = objects.filter(
    (o): o is Workload =>
      isWorkload(o) && matches(selector, o.spec?.template.metadata?.labels ?? {}),
  );
  if (backends.length === 0) throw new Error(`${address}: Service ${serviceName} selects no pods`);
  for (const backend of backends) {
    const named = backend.spec?.template.spec?.containers.some((c) =>
      (c.ports ?? []).some((p) => p.name === port.targetPort && p.containerPort === port.port),
    );
    if (!named)
      throw new Error(
        `${address}: ${backend.metadata.name} has no container port ${String(port.targetPort)}`,
      );
  }
  return { service: serviceName, port: port.port };
}
