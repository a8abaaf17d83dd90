import {
  type BuildContext,
  checkAutoscaling,
  type ValueProblem,
  ValuesError,
} from "@materialize-monitoring/core";
import type { Effective } from "./resolve.js";
import type { ParsedThanosValues } from "./values.js";

const P = "thanos";

/**
 * Render-time checks: values that parse but cannot work together. All problems
 * are collected and thrown at once, each with its path and the fix.
 */
export function checkValues(
  values: ParsedThanosValues,
  eff: Effective,
  ctx: Pick<BuildContext, "internalTls">,
): void {
  const problems: ValueProblem[] = [];
  const add = (path: string, message: string, hint: string) =>
    problems.push({ path: `${P}.${path}`, message, hint });

  if (!eff.dev && !values.objectStorage) {
    add(
      "objectStorage",
      "a bucket is required in ha mode (receive uploads blocks, store gateway and compactor read them)",
      'set objectStorage (s3, gcs, azure or filesystem), or use mode: "dev" for a bucket-less single receive',
    );
  }
  if (eff.dev && values.objectStorage) {
    add(
      "objectStorage",
      "dev mode keeps metrics in the receive's local TSDB only and uses no bucket",
      'remove objectStorage or use mode: "ha"',
    );
  }
  if (eff.dev && values.store.enabled === true) {
    add(
      "store.enabled",
      "the store gateway serves blocks from a bucket, and dev mode has none",
      'remove store.enabled or use mode: "ha"',
    );
  }
  if (eff.dev && values.compactor.enabled === true) {
    add(
      "compactor.enabled",
      "the compactor works on a bucket, and dev mode has none",
      'remove compactor.enabled or use mode: "ha"',
    );
  }
  if (values.objectStorage?.type === "filesystem" && !eff.dev && !values.bucketVolume) {
    add(
      "bucketVolume",
      "a filesystem bucket must be one volume shared by receive, store, compactor and ruler",
      "set bucketVolume.claimName to an existing ReadWriteMany PVC, or use s3, gcs or azure",
    );
  }
  if (values.bucketVolume && values.objectStorage?.type !== "filesystem") {
    add("bucketVolume", "only used with objectStorage.type filesystem", "remove bucketVolume");
  }

  if (ctx.internalTls) {
    values.query.extraEndpoints.forEach((address, i) => {
      if (/^dns(srv)?(noa)?\+/.test(address)) {
        add(
          `query.extraEndpoints[${i}]`,
          "under the stack's internal TLS, Thanos gives every endpoint it finds by DNS the stack's client certificate and CA, which your StoreAPI does not share",
          "use a static host:port, which keeps a plain connection, or turn global.internalTls off",
        );
      }
    });
  } else {
    values.ruler.alertmanagers.forEach((target, i) => {
      if (target.internalTls) {
        add(
          `ruler.alertmanagers[${i}].internalTls`,
          "the stack's internal TLS is off, so the ruler has no certificate to present",
          "remove internalTls, or turn global.internalTls on",
        );
      }
    });
  }

  const ingestors = eff.receive.replicas;
  if (eff.receive.replicationFactor > ingestors) {
    add(
      "receive.replicationFactor",
      `replication factor ${eff.receive.replicationFactor} exceeds the ${ingestors} receive replica(s): every write would fail quorum`,
      `raise receive.replicas to at least ${eff.receive.replicationFactor}, or lower receive.replicationFactor`,
    );
  }
  if (values.compactor.replicas > 1) {
    add(
      "compactor.replicas",
      `${values.compactor.replicas} compactors would compact and delete the same blocks concurrently and corrupt the bucket`,
      "set compactor.replicas to 1: exactly one compactor per bucket",
    );
  }
  const { receive: receiveLabel, ruler: rulerLabel } = values.replicaLabels;
  if (receiveLabel === rulerLabel) {
    add(
      "replicaLabels.ruler",
      "receive and ruler replica labels must differ: the compactor merges receive replicas sample by sample, which is wrong for independently evaluating rulers",
      `use a different name, e.g. "rule_replica"`,
    );
  }
  for (const label of [receiveLabel, rulerLabel, "cluster"]) {
    if (label in values.externalLabels) {
      add(
        `externalLabels.${label}`,
        `"${label}" is set by the component itself`,
        label === "cluster" ? "set the cluster name in the build context instead" : "remove it",
      );
    }
  }
  if (eff.queryFrontend.enabled) {
    const cache = values.queryFrontend.cache;
    if (cache.type === "memcached" && !cache.deploy.enabled && cache.addresses.length === 0) {
      add(
        "queryFrontend.cache.addresses",
        "a memcached cache needs servers",
        "list your memcached addresses, or set queryFrontend.cache.deploy.enabled: true to run one",
      );
    }
  }

  // Ruler: rule sources must load cleanly side by side.
  const groupNames = new Set<string>();
  values.ruler.ruleGroups.forEach((group, i) => {
    if (groupNames.has(group.name)) {
      add(
        `ruler.ruleGroups[${i}].name`,
        `rule group "${group.name}" is defined twice`,
        "give every group a unique name",
      );
    }
    groupNames.add(group.name);
  });
  const configMapNames = new Set<string>();
  values.ruler.ruleConfigMaps.forEach((ref, i) => {
    if (ref.name === "generated" || configMapNames.has(ref.name)) {
      add(
        `ruler.ruleConfigMaps[${i}].name`,
        `"${ref.name}" is ${ref.name === "generated" ? "reserved for the typed rule groups" : "listed twice"}`,
        "reference each ConfigMap once, and not one named generated",
      );
    }
    configMapNames.add(ref.name);
    ref.keys?.forEach((key, k) => {
      if (!key.endsWith(".yaml")) {
        add(
          `ruler.ruleConfigMaps[${i}].keys[${k}]`,
          `"${key}" would not be loaded: the ruler reads *.yaml rule files`,
          "rename the ConfigMap key to end in .yaml",
        );
      }
    });
  });

  if (problems.length > 0) throw new ValuesError(problems);
  checkAutoscaling(`${P}.query`, eff.query.replicas, values.query.autoscaling);
  if (!eff.queryFrontend.enabled && values.queryFrontend.autoscaling.enabled) {
    throw new ValuesError([
      {
        path: `${P}.queryFrontend.autoscaling.enabled`,
        message: "is true, but the query-frontend does not run",
        hint: "turn queryFrontend.enabled on, or the autoscaling off",
      },
    ]);
  }
  if (eff.queryFrontend.enabled)
    checkAutoscaling(
      `${P}.queryFrontend`,
      eff.queryFrontend.replicas,
      values.queryFrontend.autoscaling,
    );
}
