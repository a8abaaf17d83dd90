import { checkAutoscaling, valuesError } from "@materialize-monitoring/core";
import type { ResolvedLokiValues } from "./values.js";

/** `0`, `0s`, `0h0m`: Loki treats a zero retention as "keep forever". */
function isZeroDuration(value: string): boolean {
  return /^0+(\.0+)?[a-zµ]*$/.test(value) || /^(0+[a-zµ]+)+$/.test(value);
}

/**
 * Values that parse but cannot work together. Each throws a ValuesError
 * naming the path and the fix; paths are prefixed with the component's
 * section, like parse errors.
 */
export function checkLokiValues(values: ResolvedLokiValues, section = "loki"): void {
  const path = (p: string) => `${section}.${p}`;
  const scalable = values.mode === "simple-scalable";

  if (values.tenancy.tenants.length > 0 && !values.tenancy.authEnabled) {
    throw valuesError(
      path("tenancy.tenants"),
      "lists tenants, but authEnabled is false: single-tenant Loki files every line under one tenant",
      "set tenancy.authEnabled: true, or drop tenants",
    );
  }

  if (values.read.autoscaling.enabled && !scalable) {
    throw valuesError(
      path("read.autoscaling.enabled"),
      "is true, but the read path runs only in simple-scalable mode",
      "set mode: simple-scalable, or turn the autoscaling off",
    );
  }
  if (values.queryFrontend.autoscaling.enabled && !(scalable && values.queryFrontend.enabled)) {
    throw valuesError(
      path("queryFrontend.autoscaling.enabled"),
      "is true, but no query-frontend of its own runs",
      "set queryFrontend.enabled: true (simple-scalable mode), or turn the autoscaling off",
    );
  }
  checkAutoscaling(path("read"), values.read.replicas, values.read.autoscaling);
  checkAutoscaling(
    path("queryFrontend"),
    values.queryFrontend.replicas,
    values.queryFrontend.autoscaling,
  );

  const external = values.gateway.externalAccess;
  if (external.enabled && !values.gateway.enabled) {
    throw valuesError(
      path("gateway.externalAccess.enabled"),
      "the authenticated listener is a server of the gateway, and the gateway is off",
      "set gateway.enabled: true, or drop gateway.externalAccess",
    );
  }
  if (external.enabled && external.tenantFromUser && !values.tenancy.authEnabled) {
    throw valuesError(
      path("gateway.externalAccess.tenantFromUser"),
      "makes each user name a tenant, but authEnabled is false: single-tenant Loki ignores the tenant",
      "set tenancy.authEnabled: true, or tenantFromUser: false",
    );
  }

  if (scalable && !values.storage) {
    throw valuesError(
      path("storage"),
      "simple-scalable mode keeps chunks and index in object storage, and no bucket is set",
      "set storage to { type: s3, bucket, region } (or gcs / azure), or use mode: single-binary",
    );
  }
  if (scalable && values.storage?.type === "filesystem") {
    throw valuesError(
      path("storage.type"),
      "simple-scalable mode cannot use filesystem storage: write, read and backend pods run on different nodes and must share one object store",
      "use s3, gcs or azure storage, or mode: single-binary for a filesystem install",
    );
  }

  const writers = scalable ? values.write.replicas : 1;
  if (values.replicationFactor > writers) {
    throw valuesError(
      path("replicationFactor"),
      scalable
        ? `replication factor ${values.replicationFactor} is greater than the ${writers} write replicas; every push would fail for lack of ingesters`
        : `replication factor ${values.replicationFactor} needs ${values.replicationFactor} ingesters, and single-binary mode runs one`,
      scalable
        ? `set write.replicas to at least ${values.replicationFactor}, or lower replicationFactor`
        : "set replicationFactor to 1, or use mode: simple-scalable",
    );
  }

  const retains =
    !isZeroDuration(values.limits.retentionPeriod) ||
    values.limits.retentionStreams.length > 0 ||
    Object.values(values.tenantOverrides).some(
      (o) => o.retentionPeriod !== undefined && !isZeroDuration(o.retentionPeriod),
    );
  if (retains && !values.compactor.retentionEnabled) {
    throw valuesError(
      path("compactor.retentionEnabled"),
      `a retention period is set (limits.retentionPeriod: ${values.limits.retentionPeriod}) but the compactor does not apply retention, so nothing would ever be deleted`,
      "set compactor.retentionEnabled: true, or set limits.retentionPeriod: 0s to keep logs forever",
    );
  }
}
