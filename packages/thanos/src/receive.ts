import {
  type BuildContext,
  configMap,
  deployment,
  emptyDirVolume,
  type KubeObject,
  kubeArg,
  podFqdn,
  service,
  servicePort,
  statefulSet,
  volumeClaimTemplate,
} from "@materialize-monitoring/core";
import {
  externalLabels,
  labelArgs,
  listenArgs,
  logArgs,
  maybePdb,
  meta,
  POD_NAME,
  POD_NAME_ENV,
  type RoleContext,
  selector,
  thanosContainer,
  thanosPod,
} from "./common.js";
import type { ThanosEndpoints } from "./endpoints.js";
import { PATH, PORT, type ThanosNames } from "./names.js";
import type { BucketWiring } from "./objstore.js";
import type { Effective } from "./resolve.js";
import { forwardClientTlsArgs, remoteWriteServerTlsArgs } from "./tls.js";

/** One hashring in the Thanos hashrings file format. */
export interface Hashring {
  hashring: string;
  endpoints: string[];
}

/**
 * The hashring: every ingesting receive pod by its stable StatefulSet DNS
 * name and gRPC port. Rendered from the replica count, so scaling the
 * StatefulSet re-renders it (and the config checksum rolls the pods).
 */
export function thanosReceiveHashring(
  ctx: Pick<BuildContext, "namespace" | "clusterDomain">,
  names: Pick<ThanosNames, "receive" | "receiveHeadless">,
  replicas: number,
): Hashring[] {
  const endpoints = Array.from(
    { length: replicas },
    (_, i) => `${podFqdn(ctx, `${names.receive}-${i}`, names.receiveHeadless)}:${PORT.grpc.port}`,
  );
  return [{ hashring: "default", endpoints }];
}

/**
 * `--receive.local-endpoint` must equal this pod's own hashring entry exactly.
 * Kubernetes expands `$(POD_NAME)` (from the downward API) in args before the
 * process starts, so pod `thanos-receive-1` gets
 * `thanos-receive-1.thanos-receive-headless.<ns>.svc.<cluster domain>:10901`,
 * the same string as the second hashring entry.
 */
export function localEndpointArg(
  ctx: Pick<BuildContext, "namespace" | "clusterDomain">,
  headless: ThanosEndpoints["services"]["storeApiReceive"],
): string {
  const host = podFqdn(ctx, "$(POD_NAME)", headless.service, headless.namespace);
  return `--receive.local-endpoint=${host}:${headless.ports.grpc.port}`;
}

export function buildReceive(
  rc: RoleContext,
  names: ThanosNames,
  eff: Effective,
  bucket: BucketWiring,
  endpoints: ThanosEndpoints,
): KubeObject[] {
  const values = rc.values.receive;
  const split = values.mode === "split";
  const hashring = thanosReceiveHashring(rc.ctx, names, eff.receive.replicas);
  const hashringObject = configMap(
    meta(rc, split ? "receive-router" : "receive", names.receiveHashring),
    {
      "hashrings.json": `${JSON.stringify(hashring, null, 2)}\n`,
    },
  );
  const hashringArgs = [
    `--receive.hashrings-file=${PATH.hashringFile}`,
    "--receive.hashrings-algorithm=ketama",
    `--receive.replication-factor=${eff.receive.replicationFactor}`,
  ];
  const hashringVolume = { name: "hashring", configMap: { name: names.receiveHashring } };
  const hashringMount = { name: "hashring", mountPath: PATH.hashring, readOnly: true };
  const tenantArgs = [
    kubeArg`--receive.tenant-header=${values.tenantHeader}`,
    kubeArg`--receive.default-tenant-id=${values.defaultTenant}`,
  ];

  // Ingesting receives: a StatefulSet, so each pod keeps its name, its volume and its place in the hashring.
  const ingestArgs = [
    "receive",
    ...logArgs(rc.values),
    ...listenArgs(rc.ctx, true),
    `--remote-write.address=0.0.0.0:${PORT.remoteWrite.port}`,
    `--tsdb.path=${PATH.receiveData}`,
    `--tsdb.retention=${eff.receive.retention}`,
    ...labelArgs(externalLabels(rc), { [rc.values.replicaLabels.receive]: POD_NAME }),
    localEndpointArg(rc.ctx, endpoints.services.storeApiReceive),
    // Split mode: no hashring file here, so the pod runs as an ingestor only.
    ...(split ? [] : hashringArgs),
    ...remoteWriteServerTlsArgs(rc.ctx),
    // Without routers, each receive forwards to its hashring peers over gRPC.
    ...(split ? [] : forwardClientTlsArgs(rc.ctx, names)),
    ...tenantArgs,
    ...bucket.args,
    ...values.extraArgs,
  ];
  const ingestContainer = thanosContainer(rc, {
    name: "thanos-receive",
    args: ingestArgs,
    resources: eff.receive.resources,
    grpc: true,
    extraPorts: [PORT.remoteWrite],
    env: [POD_NAME_ENV, ...bucket.env],
    volumeMounts: [
      { name: "data", mountPath: PATH.receiveData },
      ...(split ? [] : [hashringMount]),
      ...bucket.volumeMounts,
    ],
    // WAL replay after a restart can take minutes on a large head block.
    startupSeconds: 600,
  });
  const receiveSelector = selector(rc.ctx, "receive");
  const ingest = statefulSet({
    metadata: meta(rc, "receive", names.receive),
    replicas: eff.receive.replicas,
    selector: receiveSelector,
    serviceName: names.receiveHeadless,
    podManagementPolicy: "Parallel",
    template: thanosPod(rc, {
      role: "receive",
      containers: [ingestContainer],
      volumes: [...(split ? [] : [hashringVolume]), ...bucket.volumes],
      replicas: eff.receive.replicas,
      // Long enough to flush the head block and upload it to the bucket on shutdown.
      terminationGracePeriodSeconds: values.terminationGracePeriodSeconds,
      usesBucket: !eff.dev,
      zoneSpread: values.zoneSpread,
    }),
    volumeClaimTemplates: [
      volumeClaimTemplate(rc.ctx, {
        name: "data",
        persistence: {
          enabled: true,
          size: eff.receive.storage,
          accessModes: values.persistence.accessModes,
          ...(values.persistence.storageClass
            ? { storageClass: values.persistence.storageClass }
            : {}),
        },
      }),
    ],
  });
  const headless = service({
    metadata: meta(rc, "receive", names.receiveHeadless),
    selector: receiveSelector,
    headless: true,
    // Peers must resolve each other's stable names while a pod is still starting.
    publishNotReadyAddresses: true,
    ports: [
      servicePort(PORT.grpc.name, PORT.grpc.port),
      servicePort(PORT.http.name, PORT.http.port),
      servicePort(PORT.remoteWrite.name, PORT.remoteWrite.port),
    ],
  });
  const objects: KubeObject[] = [
    hashringObject,
    ingest,
    headless,
    ...maybePdb(rc, "receive", names.receive, eff.receive.replicas),
  ];

  if (!split) {
    objects.push(
      service({
        metadata: meta(rc, "receive", names.receive),
        selector: receiveSelector,
        ports: [
          servicePort(PORT.remoteWrite.name, PORT.remoteWrite.port),
          servicePort(PORT.http.name, PORT.http.port),
        ],
      }),
    );
    return objects;
  }

  // Routers: stateless, they only hash, replicate and forward to the ingestors over gRPC.
  const routerSelector = selector(rc.ctx, "receive-router");
  const routerContainer = thanosContainer(rc, {
    name: "thanos-receive",
    args: [
      "receive",
      ...logArgs(rc.values),
      ...listenArgs(rc.ctx, true),
      `--remote-write.address=0.0.0.0:${PORT.remoteWrite.port}`,
      `--tsdb.path=${PATH.receiveData}`,
      ...hashringArgs,
      ...remoteWriteServerTlsArgs(rc.ctx),
      ...forwardClientTlsArgs(rc.ctx, names),
      ...tenantArgs,
      ...values.extraArgs,
    ],
    resources: eff.receiveRouter.resources,
    grpc: true,
    extraPorts: [PORT.remoteWrite],
    env: [POD_NAME_ENV],
    volumeMounts: [{ name: "data", mountPath: PATH.receiveData }, hashringMount],
  });
  objects.push(
    deployment({
      metadata: meta(rc, "receive-router", names.receiveRouter),
      replicas: eff.receiveRouter.replicas,
      selector: routerSelector,
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: thanosPod(rc, {
        role: "receive-router",
        containers: [routerContainer],
        volumes: [emptyDirVolume("data", "1Gi"), hashringVolume],
        replicas: eff.receiveRouter.replicas,
        usesBucket: false,
      }),
    }),
    service({
      metadata: meta(rc, "receive-router", names.receiveRouter),
      selector: routerSelector,
      ports: [
        servicePort(PORT.remoteWrite.name, PORT.remoteWrite.port),
        servicePort(PORT.http.name, PORT.http.port),
      ],
    }),
    ...maybePdb(rc, "receive-router", names.receiveRouter, eff.receiveRouter.replicas),
  );
  return objects;
}
