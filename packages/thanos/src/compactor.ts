import {
  type KubeObject,
  service,
  servicePort,
  statefulSet,
  volumeClaimTemplate,
} from "@materialize-monitoring/core";
import {
  listenArgs,
  logArgs,
  meta,
  type RoleContext,
  selector,
  thanosContainer,
  thanosPod,
} from "./common.js";
import { PATH, PORT, type ThanosNames } from "./names.js";
import type { BucketWiring } from "./objstore.js";
import type { Effective } from "./resolve.js";

/**
 * The compactor: the only writer that deletes from the bucket, so exactly one
 * runs per bucket (a StatefulSet of one; more is a render error). It keeps
 * running (`--wait`) instead of being a CronJob, so halts show up as metrics.
 */
export function compactorArgs(rc: RoleContext, bucket: BucketWiring): string[] {
  const values = rc.values.compactor;
  return [
    "compact",
    ...logArgs(rc.values),
    ...listenArgs(rc.ctx, false),
    "--wait",
    `--wait-interval=${values.waitInterval}`,
    `--data-dir=${PATH.compactData}`,
    `--retention.resolution-raw=${values.retention.raw}`,
    `--retention.resolution-5m=${values.retention.fiveMinutes}`,
    `--retention.resolution-1h=${values.retention.oneHour}`,
    ...(values.downsampling ? [] : ["--downsampling.disable"]),
    // Replicated receives write the same samples twice under different `replica` labels:
    // deduplication merges those streams into one. A replica label turns vertical compaction
    // on by itself (cmd/thanos/compact.go, v0.42.4), so --compact.enable-vertical-compaction
    // would only restate it.
    ...(values.deduplication
      ? [`--deduplication.replica-label=${rc.values.replicaLabels.receive}`]
      : []),
    `--delete-delay=${values.deleteDelay}`,
    `--compact.concurrency=${values.concurrency}`,
    ...bucket.args,
    ...values.extraArgs,
  ];
}

export function buildCompactor(
  rc: RoleContext,
  names: ThanosNames,
  eff: Effective,
  bucket: BucketWiring,
): KubeObject[] {
  const values = rc.values.compactor;
  const compactorSelector = selector(rc.ctx, "compactor");
  return [
    statefulSet({
      metadata: meta(rc, "compactor", names.compactor),
      replicas: 1,
      selector: compactorSelector,
      serviceName: names.compactor,
      podManagementPolicy: "OrderedReady",
      template: thanosPod(rc, {
        role: "compactor",
        containers: [
          thanosContainer(rc, {
            name: "thanos-compactor",
            args: compactorArgs(rc, bucket),
            resources: eff.compactor.resources,
            grpc: false,
            env: bucket.env,
            volumeMounts: [{ name: "data", mountPath: PATH.compactData }, ...bucket.volumeMounts],
          }),
        ],
        volumes: bucket.volumes,
        replicas: 1,
        usesBucket: true,
      }),
      volumeClaimTemplates: [
        volumeClaimTemplate(rc.ctx, {
          name: "data",
          persistence: {
            enabled: true,
            size: eff.compactor.storage,
            accessModes: values.persistence.accessModes,
            ...(values.persistence.storageClass
              ? { storageClass: values.persistence.storageClass }
              : {}),
          },
        }),
      ],
    }),
    service({
      metadata: meta(rc, "compactor", names.compactor),
      selector: compactorSelector,
      headless: true,
      ports: [servicePort(PORT.http.name, PORT.http.port)],
    }),
  ];
}
