/**
 * The gateway's log protection against what the bundled Loki refuses at ingestion: a gateway
 * that forwards entries older, or lines longer, than Loki takes has them refused downstream,
 * where the drop is not counted with a reason. Refused at render, naming the value to change.
 */
import { durationSeconds, ValuesError } from "@materialize-monitoring/core";
import type { ParsedStackValues } from "./values.js";
import type { StackEndpoints } from "./wiring-types.js";

const UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  KiB: 1024,
  MiB: 1024 ** 2,
};

/** Bytes of a size such as 256KB or 1MiB (KB is 1000 bytes, KiB 1024, as Loki and Alloy read them). */
export function sizeBytes(size: string): number {
  const match = /^(\d+)(B|KB|MB|KiB|MiB)$/.exec(size);
  if (!match) throw new Error(`internal error: not a size: ${size}`);
  return Number(match[1]) * (UNIT_BYTES[match[2] as string] ?? 1);
}

export function checkLogLimits(values: ParsedStackValues, endpoints: StackEndpoints): void {
  const limits = endpoints.loki?.ingestLimits;
  const protection = values.alloyGateway.logs.protection;
  if (!limits || !endpoints.alloyGateway || !protection.enabled) return;
  const problems = [];
  if (durationSeconds(protection.maxAge) > durationSeconds(limits.rejectOldSamplesMaxAge)) {
    problems.push({
      path: "alloyGateway.logs.protection.maxAge",
      message: `is ${protection.maxAge}, above loki.limits.rejectOldSamplesMaxAge (${limits.rejectOldSamplesMaxAge}): Loki refuses the entries in between, and those drops are not counted`,
      hint: `lower it to ${limits.rejectOldSamplesMaxAge} or less, or raise loki.limits.rejectOldSamplesMaxAge`,
    });
  }
  if (sizeBytes(protection.maxLineSize) > sizeBytes(limits.maxLineSize)) {
    problems.push({
      path: "alloyGateway.logs.protection.maxLineSize",
      message: `is ${protection.maxLineSize}, above Loki's max_line_size (${limits.maxLineSize}): Loki refuses the lines in between, and those drops are not counted`,
      hint: `lower it to ${limits.maxLineSize} or less`,
    });
  }
  if (problems.length > 0) throw new ValuesError(problems);
}

/**
 * Routing entries to tenants by a label needs a multi-tenant Loki and readers that know the
 * tenants: otherwise the lines land where no dashboard and no rule looks.
 */
export function checkTenantRouting(values: ParsedStackValues, endpoints: StackEndpoints): void {
  const label = values.alloyGateway.destinations.loki.tenantFrom;
  const loki = endpoints.loki;
  if (!label || !loki || !endpoints.alloyGateway) return;
  const path = "alloyGateway.destinations.loki.tenantFrom";
  if (!values.loki.tenancy.authEnabled) {
    throw new ValuesError([
      {
        path,
        message: `routes each entry to the tenant its ${label} label names, but loki.tenancy.authEnabled is false: single-tenant Loki files every line under one tenant`,
        hint: "set loki.tenancy.authEnabled: true and list the tenants in loki.tenancy.tenants",
      },
    ]);
  }
  if (loki.readTenants.length < 2) {
    throw new ValuesError([
      {
        path,
        message: `routes each entry to the tenant its ${label} label names, but loki.tenancy.tenants lists none: Grafana and the ruler read only ${loki.readTenants[0]}`,
        hint: `list the tenants (the values ${label} takes) in loki.tenancy.tenants`,
      },
    ]);
  }
}
