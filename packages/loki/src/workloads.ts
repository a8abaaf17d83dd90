import {
  type Autoscaling,
  autoscalerObjects,
  type BuildContext,
  configMapVolume,
  container,
  containerPort,
  deployment,
  deploymentReplicas,
  emptyDirVolume,
  httpProbe,
  imageRef,
  internalProbeScheme,
  internalTlsOn,
  type KubeObject,
  mostReplicas,
  objectMeta,
  type Persistence,
  podTemplate,
  type Resources,
  service,
  servicePort,
  standardLabels,
  statefulSet,
  tcpProbe,
  type Volume,
  type VolumeMount,
  volumeClaimTemplate,
  workloadIdentityPodLabels,
} from "@materialize-monitoring/core";
import { effectiveTenant, readTenants } from "./config.js";
import {
  APP,
  LOKI_UID,
  type LokiNames,
  type LokiTarget,
  MEMBERLIST_LABEL,
  memberlistSelector,
  PATH,
  PORT,
  roleSelector,
} from "./names.js";
import { rolePdb, roleScheduling } from "./scheduling.js";
import type { StorageWiring } from "./storage.js";
import { tlsMounts, tlsVolumes } from "./tls.js";
import type { ResolvedLokiValues } from "./values.js";

/** How one Loki target runs. */
interface TargetSpec {
  target: LokiTarget;
  replicas: number;
  resources: Resources;
  /** A StatefulSet with this PVC at /var/loki; a Deployment with an emptyDir otherwise. */
  persistence?: Persistence;
  extraArgs?: string[];
  terminationGracePeriodSeconds: number;
  /** Flush in-memory chunks and leave the ring before the pod stops (ingesters). */
  flushOnStop?: boolean;
  /** Runs the ruler, so it mounts the rule files. */
  ruler?: boolean;
  /** A stateless Deployment an HPA may scale (`replicas` is its minimum). */
  autoscaling?: Autoscaling;
}

export interface TargetInputs {
  ctx: BuildContext;
  values: ResolvedLokiValues;
  names: LokiNames;
  storage: StorageWiring;
}

/** The `-target` flag of a role; single-binary runs every component (`all`). */
function targetFlag(target: LokiTarget): string {
  return target === "single-binary" ? "all" : target;
}

const RULES_VOLUME = "rules";

/** The rule files the ruler reads: `/etc/loki/rules/<tenant>/<file>`, from ConfigMaps. */
function rulesVolume(inputs: TargetInputs): { volume: Volume; mounts: VolumeMount[] } {
  const { values, names } = inputs;
  const sources = [
    ...(Object.keys(values.ruler.ruleFiles).length > 0 ? [names.rules] : []),
    ...values.ruler.ruleConfigMaps,
  ];
  if (sources.length === 0) {
    // The local rule store needs its directory to exist even when it holds no rules.
    return {
      volume: emptyDirVolume(RULES_VOLUME, "1Mi"),
      mounts: [{ name: RULES_VOLUME, mountPath: PATH.rules, readOnly: true }],
    };
  }
  // The same rules in every tenant the logs land in: a Loki rule sees its own tenant's logs only.
  const tenants = readTenants(values);
  return {
    volume: {
      name: RULES_VOLUME,
      projected: { sources: sources.map((name) => ({ configMap: { name } })) },
    },
    mounts: (tenants.length > 0 ? tenants : [effectiveTenant(values)]).map((tenant) => ({
      name: RULES_VOLUME,
      mountPath: `${PATH.rules}/${tenant}`,
      readOnly: true,
    })),
  };
}

function lokiPodLabels(inputs: TargetInputs, target: LokiTarget): Record<string, string> {
  const { ctx, values } = inputs;
  return {
    ...standardLabels(ctx, { name: APP, component: target, version: values.image.tag }),
    [MEMBERLIST_LABEL]: "true",
    ...workloadIdentityPodLabels(values.workloadIdentity),
  };
}

function targetWorkload(inputs: TargetInputs, spec: TargetSpec): KubeObject {
  const { ctx, values, names, storage } = inputs;
  const name = names.role(spec.target);
  const selector = roleSelector(ctx, spec.target);
  const scalable = values.mode === "simple-scalable";

  const volumes: Volume[] = [
    configMapVolume("config", names.config),
    configMapVolume("runtime-config", names.runtimeConfig),
    emptyDirVolume("tmp", "1Gi"),
    ...(spec.persistence ? [] : [emptyDirVolume("data", "10Gi")]),
    ...storage.credentials.volumes,
    ...tlsVolumes(ctx),
  ];
  const mounts: VolumeMount[] = [
    { name: "config", mountPath: PATH.config, readOnly: true },
    { name: "runtime-config", mountPath: PATH.runtime, readOnly: true },
    { name: "tmp", mountPath: PATH.tmp },
    { name: "data", mountPath: PATH.data },
    ...storage.credentials.volumeMounts,
    ...tlsMounts(ctx),
  ];
  const chunksDirectory = storage.common.object_store.filesystem?.dir;
  if (chunksDirectory && !chunksDirectory.startsWith(`${PATH.data}/`)) {
    // Filesystem chunks outside /var/loki still live on the data PVC, under chunks/.
    mounts.push({ name: "data", mountPath: chunksDirectory, subPath: "chunks" });
  }
  if (spec.ruler && values.ruler.enabled) {
    const rules = rulesVolume(inputs);
    volumes.push(rules.volume);
    mounts.push(...rules.mounts);
  }

  const lokiContainer = container({
    name: APP,
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    args: [
      `-config.file=${PATH.configFile}`,
      `-target=${targetFlag(spec.target)}`,
      // Credentials are written as ${VAR} in the config and expanded from the env at startup.
      "-config.expand-env=true",
      ...(spec.extraArgs ?? []),
    ],
    env: [...storage.credentials.env, ...storage.credentials.fileEnv],
    ports: [
      containerPort(PORT.http.name, PORT.http.port),
      containerPort(PORT.grpc.name, PORT.grpc.port),
      ...(scalable ? [containerPort(PORT.memberlist.name, PORT.memberlist.port)] : []),
    ],
    volumeMounts: mounts,
    resources: spec.resources,
    probes: {
      readiness: httpProbe(
        "/ready",
        PORT.http.name,
        { initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
        internalProbeScheme(ctx),
      ),
      // /ready stays false during WAL replay and ring joins, which can be long: liveness only checks the server.
      liveness: tcpProbe(PORT.http.name, { initialDelaySeconds: 30, failureThreshold: 10 }),
    },
    ...(spec.flushOnStop
      ? {
          lifecycle: {
            preStop: {
              httpGet: {
                path: "/ingester/shutdown?terminate=false",
                port: PORT.http.name,
                ...(internalTlsOn(ctx) ? { scheme: "HTTPS" } : {}),
              },
            },
          },
        }
      : {}),
    security: { runAsUser: LOKI_UID, runAsGroup: LOKI_UID },
  });

  const template = podTemplate(ctx, {
    labels: lokiPodLabels(inputs, spec.target),
    containers: [lokiContainer],
    volumes,
    serviceAccountName: names.serviceAccount,
    scheduling: roleScheduling(ctx, values, spec.target),
    security: { runAsUser: LOKI_UID, runAsGroup: LOKI_UID, fsGroup: LOKI_UID },
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
  });
  const metadata = objectMeta(ctx, {
    name: APP,
    component: spec.target,
    version: values.image.tag,
    objectName: name,
  });

  if (!spec.persistence) {
    return deployment({
      metadata,
      replicas: spec.autoscaling
        ? deploymentReplicas(spec.replicas, spec.autoscaling)
        : spec.replicas,
      selector,
      template,
    });
  }
  return statefulSet({
    metadata,
    replicas: spec.replicas,
    selector,
    serviceName: names.headless(spec.target),
    template,
    volumeClaimTemplates: [
      volumeClaimTemplate(ctx, { name: "data", persistence: spec.persistence, labels: selector }),
    ],
  });
}

function targetServices(inputs: TargetInputs, target: LokiTarget): KubeObject[] {
  const { ctx, names, values } = inputs;
  const ports = [
    servicePort(PORT.http.name, PORT.http.port),
    servicePort(PORT.grpc.name, PORT.grpc.port),
  ];
  const meta = (objectName: string) =>
    objectMeta(ctx, { name: APP, component: target, version: values.image.tag, objectName });
  return [
    service({ metadata: meta(names.role(target)), selector: roleSelector(ctx, target), ports }),
    service({
      metadata: meta(names.headless(target)),
      selector: roleSelector(ctx, target),
      ports,
      headless: true,
    }),
  ];
}

function targetSpecs(values: ResolvedLokiValues): TargetSpec[] {
  if (values.mode === "single-binary") {
    return [
      {
        target: "single-binary",
        replicas: 1,
        resources: values.singleBinary.resources,
        persistence: values.singleBinary.persistence,
        terminationGracePeriodSeconds: values.write.terminationGracePeriodSeconds,
        flushOnStop: true,
        ruler: true,
      },
    ];
  }
  return [
    {
      target: "write",
      replicas: values.write.replicas,
      resources: values.write.resources,
      persistence: values.write.persistence,
      terminationGracePeriodSeconds: values.write.terminationGracePeriodSeconds,
      flushOnStop: true,
    },
    {
      target: "read",
      replicas: values.read.replicas,
      resources: values.read.resources,
      autoscaling: values.read.autoscaling,
      // The read target is stateless: queriers and query-frontends only (Loki's default since the
      // deprecated, hidden -legacy-read-mode defaults to false); the scheduler runs in backend.
      terminationGracePeriodSeconds: 30,
    },
    {
      target: "backend",
      replicas: values.backend.replicas,
      resources: values.backend.resources,
      persistence: values.backend.persistence,
      terminationGracePeriodSeconds: 300,
      ruler: true,
    },
    ...(values.queryFrontend.enabled
      ? [
          {
            target: "query-frontend" as const,
            replicas: values.queryFrontend.replicas,
            resources: values.queryFrontend.resources,
            autoscaling: values.queryFrontend.autoscaling,
            terminationGracePeriodSeconds: 30,
          },
        ]
      : []),
  ];
}

/** The targets that run in this mode. */
export function runningTargets(values: ResolvedLokiValues): LokiTarget[] {
  return targetSpecs(values).map((spec) => spec.target);
}

/** Workloads, Services and PDBs of every Loki target, plus the memberlist Service. */
export function lokiTargets(inputs: TargetInputs): KubeObject[] {
  const { ctx, values, names } = inputs;
  const objects: KubeObject[] = [];
  for (const spec of targetSpecs(values)) {
    objects.push(targetWorkload(inputs, spec));
    objects.push(...targetServices(inputs, spec.target));
    const scale = spec.autoscaling;
    if (scale) {
      objects.push(
        ...autoscalerObjects(
          objectMeta(ctx, {
            name: APP,
            component: spec.target,
            objectName: names.role(spec.target),
          }),
          names.role(spec.target),
          spec.replicas,
          scale,
        ),
      );
    }
    objects.push(
      ...rolePdb(
        ctx,
        names,
        spec.target,
        scale ? mostReplicas(spec.replicas, scale) : spec.replicas,
      ),
    );
  }
  if (values.mode === "simple-scalable") {
    objects.push(
      service({
        metadata: objectMeta(ctx, {
          name: APP,
          component: "memberlist",
          version: values.image.tag,
          objectName: names.memberlist,
        }),
        selector: memberlistSelector(ctx),
        ports: [servicePort(PORT.memberlist.name, PORT.memberlist.port)],
        headless: true,
        // Members gossip before they are ready: an ingester only becomes ready after joining the ring.
        publishNotReadyAddresses: true,
      }),
    );
  }
  return objects;
}
