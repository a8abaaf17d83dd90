/**
 * Helpers for the scenario matrix: load a committed values file, render it
 * with profiles, and read what a scenario exists to prove out of the objects
 * themselves (independently of the umbrella's own checks).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { KubeObject } from "@materialize-monitoring/core";
import { NetworkPolicyModel, type PodInfo, podsOf } from "@materialize-monitoring/core/validate";
import { loadValues, PROFILES, type ProfileName, readValuesFile } from "materialize-monitoring";

export const SCENARIO_DIR = join(import.meta.dirname, "..", "scenarios");

export function scenarioFiles(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
}

export function scenarioValues(file: string, profiles: readonly ProfileName[] = []) {
  return loadValues({
    profiles: profiles.map((p) => PROFILES[p].values as Record<string, unknown>),
    files: [join(SCENARIO_DIR, file)],
  });
}

export function readScenario(file: string): Record<string, unknown> {
  return readValuesFile(join(SCENARIO_DIR, file));
}

/** A pod that is not rendered here (an existing Grafana, Loki...), as the policy model sees it. */
export function externalPod(namespace: string, labels: Record<string, string>): PodInfo {
  return {
    owner: `external/${namespace}`,
    kind: "Pod",
    name: "external",
    namespace,
    replicas: 1,
    labels,
    spec: { containers: [] },
    template: {},
  };
}

interface ServiceShape {
  spec?: {
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: number | string }[];
  };
}

/** The pods behind a rendered Service, with the pod port its `port` forwards to. */
export function serviceBackends(
  objects: readonly KubeObject[],
  namespace: string,
  name: string,
  port: number,
): { pod: PodInfo; port: number }[] {
  const service = objects.find(
    (o) => o.kind === "Service" && o.metadata.name === name && o.metadata.namespace === namespace,
  ) as (KubeObject & ServiceShape) | undefined;
  if (!service) throw new Error(`no Service ${namespace}/${name}`);
  const servicePort = service.spec?.ports?.find((p) => p.port === port);
  if (!servicePort) throw new Error(`Service ${namespace}/${name} has no port ${port}`);
  const selector = service.spec?.selector ?? {};
  const target = servicePort.targetPort ?? servicePort.port;
  const backends: { pod: PodInfo; port: number }[] = [];
  for (const pod of podsOf(objects)) {
    if (pod.namespace !== namespace) continue;
    if (!Object.entries(selector).every(([k, v]) => pod.labels[k] === v)) continue;
    const resolved =
      typeof target === "number"
        ? target
        : pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === target)
            ?.containerPort;
    if (resolved !== undefined) backends.push({ pod, port: resolved });
  }
  return backends;
}

/** `host:port` of an in-cluster URL as Service namespace/name/port. */
export function serviceOfUrl(url: string): { namespace: string; name: string; port: number } {
  const u = new URL(url);
  const [name, namespace] = u.hostname.split(".") as [string, string];
  const port = u.port ? Number(u.port) : u.protocol === "https:" ? 443 : 80;
  return { namespace, name, port };
}

export function policyModel(objects: readonly KubeObject[]): NetworkPolicyModel {
  return new NetworkPolicyModel(objects, { "kube-system": {} });
}

/** Every distinct host written into the rendered objects' strings. */
export function svcHosts(text: string): string[] {
  return [
    ...new Set(text.match(/[a-z0-9-]+(?:\.[a-z0-9-]+)*\.svc(?:\.[a-z0-9.-]+)?/g) ?? []),
  ].sort();
}
