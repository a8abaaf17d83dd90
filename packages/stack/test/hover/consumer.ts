// A package user's file: the hover test asks the TypeScript language service what an editor shows
// over each property access below. Only types are imported, from the built packages.
import type { LokiValues } from "@materialize-monitoring/loki";
import type { StackValues } from "materialize-monitoring";

export function touch(stack: StackValues, loki: LokiValues): unknown[] {
  return [
    stack.global?.clusterDomain,
    stack.alloyGateway?.scrape?.extraJobs,
    stack.grafana?.external?.adminPassword,
    loki.write?.replicas,
    loki.limits?.retentionPeriod,
  ];
}
