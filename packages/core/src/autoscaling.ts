/**
 * Horizontal autoscaling of a stateless Deployment: one value shape for every
 * component that offers it, the checks it needs, and the objects.
 *
 * With the autoscaler on, the Deployment carries no `replicas`: the HPA owns
 * the count, and an apply (server-side or not) that wrote one would reset it
 * to the minimum each time. `replicas` of the role is the HPA's minimum.
 */
import { z } from "zod";
import { valuesError } from "./errors.js";
import type { KubeObject, ObjectMeta } from "./k8s.js";
import { horizontalPodAutoscaler } from "./objects.js";

const percent = z.int32().min(1).max(100);

/** The `autoscaling` values of a role, with the component's defaults. */
export function autoscalingValues(defaults: {
  enabled: boolean;
  maxReplicas: number;
  cpuUtilization?: number;
  memoryUtilization?: number;
}) {
  return z
    .strictObject({
      /** render a HorizontalPodAutoscaler; `replicas` is its minimum */
      enabled: z
        .boolean()
        .default(defaults.enabled)
        .describe("render a HorizontalPodAutoscaler; `replicas` is its minimum"),
      /** most replicas the autoscaler runs */
      maxReplicas: z
        .int32()
        .min(1)
        .default(defaults.maxReplicas)
        .describe("most replicas the autoscaler runs"),
      /** target average CPU use, in percent of the CPU request */
      cpuUtilization: (defaults.cpuUtilization !== undefined
        ? percent.default(defaults.cpuUtilization)
        : percent.optional()
      ).describe("target average CPU use, in percent of the CPU request"),
      /** target average memory use, in percent of the memory request */
      memoryUtilization: (defaults.memoryUtilization !== undefined
        ? percent.default(defaults.memoryUtilization)
        : percent.optional()
      ).describe("target average memory use, in percent of the memory request"),
    })
    .prefault({})
    .describe("an HPA on CPU and memory between replicas and maxReplicas");
}

export interface Autoscaling {
  enabled: boolean;
  maxReplicas: number;
  cpuUtilization?: number | undefined;
  memoryUtilization?: number | undefined;
}

/** The replicas a Deployment writes: none when the autoscaler owns them. */
export function deploymentReplicas(replicas: number, scale: Autoscaling): number | undefined {
  return scale.enabled ? undefined : replicas;
}

/** The most replicas that may run (for PDBs and clustering decisions). */
export function mostReplicas(replicas: number, scale: Autoscaling): number {
  return scale.enabled ? Math.max(replicas, scale.maxReplicas) : replicas;
}

/**
 * Checks an enabled autoscaler against its role: a maximum below the minimum
 * is refused. (Every role's resources schema requires CPU and memory
 * requests, which the utilization targets are percentages of.) `path` is the
 * values path of the role (`thanos.query`).
 */
export function checkAutoscaling(path: string, replicas: number, scale: Autoscaling): void {
  if (scale.enabled && scale.maxReplicas < replicas) {
    throw valuesError(
      `${path}.autoscaling.maxReplicas`,
      `is ${scale.maxReplicas}, below replicas (${replicas})`,
      "raise maxReplicas, or lower replicas (the HPA's minimum)",
    );
  }
}

/** The HPA of a role's Deployment, or nothing when it is off. */
export function autoscalerObjects(
  metadata: ObjectMeta & { name: string },
  deploymentName: string,
  replicas: number,
  scale: Autoscaling,
): KubeObject[] {
  if (!scale.enabled) return [];
  return [
    horizontalPodAutoscaler(
      metadata,
      { kind: "Deployment", name: deploymentName },
      {
        minReplicas: replicas,
        maxReplicas: scale.maxReplicas,
        ...(scale.cpuUtilization !== undefined ? { cpuUtilization: scale.cpuUtilization } : {}),
        ...(scale.memoryUtilization !== undefined
          ? { memoryUtilization: scale.memoryUtilization }
          : {}),
      },
    ),
  ];
}
