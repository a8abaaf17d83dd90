import {
  type BuildContext,
  type KubeObject,
  objectMeta,
  type PodScheduling,
  podDisruptionBudget,
  priorityClassFor,
  spreadConstraints,
} from "@materialize-monitoring/core";
import { APP, type LokiNames, type Role, roleSelector } from "./names.js";
import type { ResolvedLokiValues } from "./values.js";

/**
 * The user's scheduling values with this role's topology spread (zones
 * soft, or hard for the write pods with `write.zoneSpread: hard`; hosts soft
 * or hard) unless the user gave constraints of their own.
 * Loki is a store (and the gateway and caches sit on its push and query
 * paths), so every role takes the context's `critical` priority class.
 */
export function roleScheduling(
  ctx: BuildContext,
  values: ResolvedLokiValues,
  role: Role,
): PodScheduling {
  const own = values.scheduling;
  const priorityClassName = own.priorityClassName ?? priorityClassFor(ctx, "critical");
  return {
    ...own,
    topologySpreadConstraints:
      own.topologySpreadConstraints.length > 0
        ? own.topologySpreadConstraints
        : spreadConstraints(ctx, roleSelector(ctx, role), {
            zones:
              role === "write" && values.write.zoneSpread
                ? values.write.zoneSpread
                : values.topologySpread.zones,
            hardHostSpread: values.topologySpread.hosts === "hard",
          }),
    ...(priorityClassName ? { priorityClassName } : {}),
  };
}

/** One voluntary disruption at a time; none for a single replica (it would block node drains). */
export function rolePdb(
  ctx: BuildContext,
  names: LokiNames,
  role: Role,
  replicas: number,
): KubeObject[] {
  if (replicas < 2) return [];
  return [
    podDisruptionBudget(
      objectMeta(ctx, { name: APP, component: role, objectName: names.role(role) }),
      roleSelector(ctx, role),
      { maxUnavailable: 1 },
    ),
  ];
}
