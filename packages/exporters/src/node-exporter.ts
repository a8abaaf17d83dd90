import type { PolicyException } from "@materialize-monitoring/core";
import {
  type BuildContext,
  type ContainerPort,
  container,
  daemonSet,
  defineComponent,
  type EnvVar,
  httpProbe,
  imageRef,
  imageSchema,
  internalProbeScheme,
  type KubeObject,
  kubeArg,
  kubeEnvRef,
  namespace as namespaceObject,
  networkPolicy,
  nodeAgentSchedulingDefault,
  objectMeta,
  podSecurityLabels,
  podTemplate,
  priorityClassFor,
  resourceName,
  resourcesSchema,
  type ScrapeTarget,
  type ServiceEndpoint,
  selectorLabels,
  service,
  serviceAccount,
  serviceEndpoint,
  servicePort,
  standardLabels,
  TOLERATE_EVERYTHING,
  tcpPorts,
  type Volume,
  type VolumeMount,
  valuesError,
} from "@materialize-monitoring/core";
import { z } from "zod";
import {
  collectorAvailable,
  NODE_EXPORTER_COLLECTOR_NAMES,
  NODE_EXPORTER_COLLECTORS,
  NODE_EXPORTER_VERSIONS,
  type NodeExporterCollector,
  type NodeExporterVersion,
  nodeExporterVersionFromTag,
  RECOMMENDED_NODE_EXPORTER_COLLECTORS,
} from "./node-exporter-collectors.js";
import {
  NODE_EXPORTER_POD_SECURITY_LEVEL,
  nodeExporterPolicyExceptions,
  type PodSecurityException,
  podSecurityExceptions,
} from "./pod-security.js";
import {
  exporterScrapeTls,
  exporterTls,
  namedEnum,
  type ScrapeEndpoint,
  scrapeEndpoint,
  scraperNetworkPeer,
  scraperPeer,
  scrapeTargetOf,
  workloadScheduling,
} from "./shared.js";

export const NODE_EXPORTER_NAME = "node-exporter";
export const NODE_EXPORTER_JOB = "node-exporter";
export const NODE_EXPORTER_PORT_NAME = "metrics";
/** The scraper's component label of the node metrics job. */
export const NODE_EXPORTER_TARGET = "node_exporter";
/** The allow-list (materialize's catalogue) that filters the node metrics. */
export const NODE_EXPORTER_SOURCE = "node-exporter";
export const NODE_EXPORTER_DEFAULT_IMAGE = {
  registry: "quay.io",
  repository: "prometheus/node-exporter",
  tag: "v1.12.1",
} as const;

/** Where the node's filesystems appear inside the container. */
export const NODE_EXPORTER_HOST_PATHS = {
  procfs: "/host/proc",
  sysfs: "/host/sys",
  rootfs: "/host/root",
} as const;

/**
 * Mount points never reported. node-exporter strips the `--path.rootfs`
 * prefix before matching, so these are the node's own paths: pseudo
 * filesystems, and everything container runtimes and the kubelet mount per
 * container or pod (overlay roots, shm, secret and projected volumes).
 */
export const DEFAULT_MOUNT_POINTS_EXCLUDE =
  "^/(dev|proc|sys|run/credentials/.+|run/containerd/.+|run/k3s/containerd/.+|var/lib/containerd/.+|var/lib/docker/.+|var/lib/containers/storage/.+|var/lib/kubelet/pods/.+)($|/)";

/** Filesystem types never reported: pseudo filesystems and container image layers. */
export const DEFAULT_FS_TYPES_EXCLUDE =
  "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|erofs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$";

/**
 * Network devices never reported: loopback, and the virtual interfaces
 * container runtimes and CNI plugins create per pod or per node (veth pairs,
 * Calico, Cilium, Flannel, AWS VPC CNI, GKE, Azure CNI, bridges and tunnels).
 */
export const DEFAULT_NETWORK_DEVICES_EXCLUDE =
  "^(lo|veth.*|cali.*|cilium_.*|lxc.*|flannel.*|cni.*|cbr0|vxlan.*|genev_sys_.*|tunl.*|kube-ipvs.*|kube-bridge|nodelocaldns|docker.*|br-.*|virbr.*|eni[0-9a-f]+.*|gke[0-9a-f]+.*|azv.*|antrea-.*|[a-f0-9]{15})$";

const collectorName = namedEnum(NODE_EXPORTER_COLLECTOR_NAMES, "node-exporter collector");

const dns1123Label = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "not a namespace name (lower-case letters, digits and '-')",
  );

export const nodeExporterValues = z.strictObject({
  /** node-exporter container image */
  image: imageSchema(NODE_EXPORTER_DEFAULT_IMAGE).describe("node-exporter container image"),
  /**
   * the node-exporter release (major.minor) the image contains; read from the image tag when left
   * out. Collectors newer than this release are not rendered.
   */
  nodeExporterVersion: z
    .enum(NODE_EXPORTER_VERSIONS)
    .optional()
    .describe(
      "the node-exporter release (major.minor) the image contains; read from the image tag when left out. Collectors newer than this release are not rendered.",
    ),
  /** which collectors run (--collector.<name> and --no-collector.<name> flags) */
  collectors: z
    .strictObject({
      /** start from RECOMMENDED_NODE_EXPORTER_COLLECTORS (those the version lacks are left out) */
      recommended: z
        .boolean()
        .default(true)
        .describe(
          "start from RECOMMENDED_NODE_EXPORTER_COLLECTORS (those the version lacks are left out)",
        ),
      /** collectors added to the set; each must exist in nodeExporterVersion */
      enable: z
        .array(collectorName)
        .default([])
        .describe("collectors added to the set; each must exist in nodeExporterVersion"),
      /** collectors removed from the set */
      disable: z.array(collectorName).default([]).describe("collectors removed from the set"),
    })
    .prefault({})
    .describe("which collectors run (--collector.<name> and --no-collector.<name> flags)"),
  /** the filesystem collector's exclusions (pseudo and container filesystems by default) */
  filesystem: z
    .strictObject({
      /** regular expression of mount points the filesystem collector skips */
      mountPointsExclude: z
        .string()
        .min(1)
        .default(DEFAULT_MOUNT_POINTS_EXCLUDE)
        .describe("regular expression of mount points the filesystem collector skips"),
      /** regular expression of filesystem types the filesystem collector skips */
      fsTypesExclude: z
        .string()
        .min(1)
        .default(DEFAULT_FS_TYPES_EXCLUDE)
        .describe("regular expression of filesystem types the filesystem collector skips"),
    })
    .prefault({})
    .describe(
      "the filesystem collector's exclusions (pseudo and container filesystems by default)",
    ),
  /** the network collectors' exclusions (virtual interfaces by default) */
  network: z
    .strictObject({
      /** regular expression of interfaces the netdev and netclass collectors skip */
      devicesExclude: z
        .string()
        .min(1)
        .default(DEFAULT_NETWORK_DEVICES_EXCLUDE)
        .describe("regular expression of interfaces the netdev and netclass collectors skip"),
    })
    .prefault({})
    .describe("the network collectors' exclusions (virtual interfaces by default)"),
  /** port on every node */
  port: z.int32().min(1).max(65535).default(9100).describe("port on every node"),
  /** hostIP: bind the node's primary address only; all: every interface of the node */
  listenOn: z
    .enum(["hostIP", "all"])
    .default("hostIP")
    .describe("hostIP: bind the node's primary address only; all: every interface of the node"),
  /**
   * flags appended to the node-exporter command line, after the generated ones (container args:
   * Kubernetes expands $(VAR) in them, and $$ is a literal $)
   */
  extraArgs: z
    .array(
      z.string().regex(/^--[a-z]/, "must be a long flag such as --collector.textfile.directory=/x"),
    )
    .default([])
    .describe(
      "flags appended to the node-exporter command line, after the generated ones (container args: Kubernetes expands $(VAR) in them, and $$ is a literal $)",
    ),
  /** requests and limits of the node-exporter container on each node */
  resources: resourcesSchema({
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { memory: "180Mi" },
  }).describe("requests and limits of the node-exporter container on each node"),
  /** where node-exporter runs; global.scheduling does not apply, so it covers every Linux node */
  scheduling: nodeAgentSchedulingDefault.describe(
    "where node-exporter runs; global.scheduling does not apply, so it covers every Linux node",
  ),
  /** run on every node whatever its taints (a node without node-exporter is a blind spot) */
  tolerateAllTaints: z
    .boolean()
    .default(true)
    .describe(
      "run on every node whatever its taints (a node without node-exporter is a blind spot)",
    ),
  /** nodes whose pod a rolling update replaces at once: a count or a percentage */
  maxUnavailable: z
    .union([z.int32().min(1), z.string().regex(/^\d+%$/)])
    .default("10%")
    .describe("nodes whose pod a rolling update replaces at once: a count or a percentage"),
  /**
   * run in a namespace of its own, rendered here with the privileged Pod Security labels; leave out
   * to share the stack's namespace
   */
  namespace: dns1123Label
    .optional()
    .describe(
      "run in a namespace of its own, rendered here with the privileged Pod Security labels; leave out to share the stack's namespace",
    ),
  /** the NetworkPolicy of the node-exporter pods */
  networkPolicy: z
    .strictObject({
      /** render a NetworkPolicy: only the scraper may connect, nothing goes out */
      enabled: z
        .boolean()
        .default(true)
        .describe("render a NetworkPolicy: only the scraper may connect, nothing goes out"),
      /** who may scrape the metrics port */
      scraper: scraperPeer.describe("who may scrape the metrics port"),
    })
    .prefault({})
    .describe("the NetworkPolicy of the node-exporter pods"),
});
export type NodeExporterValues = z.input<typeof nodeExporterValues>;
/** Values after parsing: every default filled in. What the `build*` functions take. */
export type ResolvedNodeExporterValues = z.output<typeof nodeExporterValues>;

export interface NodeExporterEndpoints {
  metrics: ScrapeEndpoint;
  services: {
    /** The headless Service over every node's pod, for per-node discovery. */
    nodeExporter: ServiceEndpoint<"metrics">;
  };
  /**
   * What it wants scraped: every node's pod (`node_exporter`, job
   * `node-exporter`, port `metrics`, allow-list `node-exporter`). The pods
   * run in the host network (`hostNetwork: true`): the scrape goes to node
   * addresses, so the scraper's egress needs a node-address rule for `metrics.port`.
   */
  scrapeTargets: ScrapeTarget[];
  /** It connects to nothing. */
  clients: Record<string, never>;
  /** The release the collector set was rendered for. */
  version: NodeExporterVersion;
  /** The enabled collectors, sorted. */
  collectors: NodeExporterCollector[];
  podSecurity: {
    /** The namespace the pods run in. */
    namespace: string;
    /** The Pod Security level that namespace must enforce. */
    level: typeof NODE_EXPORTER_POD_SECURITY_LEVEL;
    /** True when this component renders that namespace (with its labels); otherwise its owner must label it. */
    namespaceRendered: boolean;
    /** `Kind/namespace/name` of the DaemonSet the exceptions apply to. */
    daemonSet: string;
    exceptions: PodSecurityException[];
    /** The same exceptions for core's `checkPolicies({ exceptions })`. */
    policyExceptions: PolicyException[];
  };
}

/** The release the collector set is rendered for: the explicit value, or the image tag's. */
export function resolveNodeExporterVersion(
  values: Pick<ResolvedNodeExporterValues, "image" | "nodeExporterVersion">,
  path = NODE_EXPORTER_NAME,
): NodeExporterVersion {
  const tag = values.image.tag;
  const fromTag = nodeExporterVersionFromTag(tag);
  if (fromTag && "tooOld" in fromTag) {
    throw valuesError(
      `${path}.image.tag`,
      `node-exporter ${fromTag.tooOld} is older than 1.5, the oldest release this package renders for`,
      "use v1.5.0 or newer",
    );
  }
  const explicit = values.nodeExporterVersion;
  if (explicit) {
    if (fromTag && "version" in fromTag && fromTag.version !== explicit) {
      throw valuesError(
        `${path}.nodeExporterVersion`,
        `is "${explicit}" but the image tag "${tag}" is node-exporter ${fromTag.version}`,
        `set nodeExporterVersion: "${fromTag.version}", or leave it out to follow the tag`,
      );
    }
    return explicit;
  }
  if (fromTag && "version" in fromTag) return fromTag.version;
  if (fromTag && "unknown" in fromTag) {
    throw valuesError(
      `${path}.nodeExporterVersion`,
      `the image tag "${tag}" names node-exporter ${fromTag.unknown}, whose collectors this package does not know`,
      `set nodeExporterVersion to the newest compatible release (${NODE_EXPORTER_VERSIONS.join(", ")})`,
    );
  }
  throw valuesError(
    `${path}.nodeExporterVersion`,
    `the node-exporter release cannot be read from the image tag "${tag}"`,
    `set nodeExporterVersion to the release the image contains (${NODE_EXPORTER_VERSIONS.join(", ")})`,
  );
}

/**
 * The collectors rendered for `version`: the recommended set (without those
 * `version` lacks) plus `enable`, minus `disable`. Asking for a collector the
 * version lacks is an error, never a silent drop.
 */
export function resolveNodeExporterCollectors(
  collectors: ResolvedNodeExporterValues["collectors"],
  version: NodeExporterVersion,
  path = NODE_EXPORTER_NAME,
): NodeExporterCollector[] {
  const both = collectors.enable.filter((name) => collectors.disable.includes(name));
  if (both.length > 0) {
    throw valuesError(
      `${path}.collectors`,
      `${both.map((n) => `"${n}"`).join(", ")} is both enabled and disabled`,
      "keep it in one of the two lists",
    );
  }
  const missing = collectors.enable.filter((name) => !collectorAvailable(name, version));
  if (missing.length > 0) {
    const detail = missing
      .map((name) => `"${name}" needs node-exporter ${NODE_EXPORTER_COLLECTORS[name].since}`)
      .join(", ");
    throw valuesError(
      `${path}.collectors.enable`,
      `${detail} or newer, but this renders for node-exporter ${version}`,
      "remove it, or use a newer image",
    );
  }
  const chosen = new Set<NodeExporterCollector>(
    collectors.recommended
      ? RECOMMENDED_NODE_EXPORTER_COLLECTORS.filter((name) => collectorAvailable(name, version))
      : [],
  );
  for (const name of collectors.enable) chosen.add(name);
  for (const name of collectors.disable) chosen.delete(name);
  if (chosen.size === 0) {
    throw valuesError(
      `${path}.collectors`,
      "no collector is enabled",
      "keep recommended: true or list collectors in enable",
    );
  }
  return [...chosen].sort();
}

/** The command-line flags of the node-exporter container, in a stable order. */
export function nodeExporterArgs(
  values: ResolvedNodeExporterValues,
  collectors: readonly NodeExporterCollector[],
): string[] {
  // The node's IP, from the HOST_IP env: a reference the kubelet expands, the rest is literal.
  const listenAddress =
    values.listenOn === "hostIP"
      ? kubeArg`--web.listen-address=[${kubeEnvRef("HOST_IP")}]:${values.port}`
      : kubeArg`--web.listen-address=:${values.port}`;
  const enabled = new Set(collectors);
  return [
    `--path.procfs=${NODE_EXPORTER_HOST_PATHS.procfs}`,
    `--path.sysfs=${NODE_EXPORTER_HOST_PATHS.sysfs}`,
    `--path.rootfs=${NODE_EXPORTER_HOST_PATHS.rootfs}`,
    `--path.udev.data=${NODE_EXPORTER_HOST_PATHS.rootfs}/run/udev/data`,
    listenAddress,
    "--collector.disable-defaults",
    ...collectors.map((name) => `--collector.${name}`),
    ...(enabled.has("filesystem")
      ? [
          kubeArg`--collector.filesystem.mount-points-exclude=${values.filesystem.mountPointsExclude}`,
          kubeArg`--collector.filesystem.fs-types-exclude=${values.filesystem.fsTypesExclude}`,
        ]
      : []),
    ...(enabled.has("netclass")
      ? [kubeArg`--collector.netclass.ignored-devices=${values.network.devicesExclude}`]
      : []),
    ...(enabled.has("netdev")
      ? [kubeArg`--collector.netdev.device-exclude=${values.network.devicesExclude}`]
      : []),
    ...values.extraArgs,
  ];
}

/**
 * The endpoints of node-exporter from its names and the parsed values alone
 * (the release and collector set are resolved here, so their errors come
 * before any object is built); `path` prefixes the paths of values errors.
 */
export function computeNodeExporterEndpoints(
  values: ResolvedNodeExporterValues,
  ctx: BuildContext,
  path = NODE_EXPORTER_NAME,
): NodeExporterEndpoints {
  if (values.namespace !== undefined && values.namespace === ctx.namespace) {
    throw valuesError(
      `${path}.namespace`,
      `"${values.namespace}" is the stack's namespace, which this component does not own`,
      "leave namespace out to share the stack's namespace, or name a namespace of its own",
    );
  }
  const version = resolveNodeExporterVersion(values, path);
  const collectors = resolveNodeExporterCollectors(values.collectors, version, path);
  const namespace = values.namespace ?? ctx.namespace;
  const service = serviceEndpoint(ctx, {
    service: resourceName(ctx, NODE_EXPORTER_NAME),
    namespace,
    ports: { metrics: { name: NODE_EXPORTER_PORT_NAME, port: values.port } },
    podLabels: selectorLabels(ctx, { name: NODE_EXPORTER_NAME }),
  });
  const metrics = scrapeEndpoint(service, "metrics", {
    jobName: NODE_EXPORTER_JOB,
    ...exporterScrapeTls(ctx, service.host),
  });
  const daemonSetKey = `DaemonSet/${namespace}/${service.service}`;
  return {
    metrics,
    services: { nodeExporter: service },
    scrapeTargets: [
      scrapeTargetOf(metrics, {
        name: NODE_EXPORTER_TARGET,
        source: NODE_EXPORTER_SOURCE,
        hostNetwork: true,
      }),
    ],
    clients: {},
    version,
    collectors,
    podSecurity: {
      namespace,
      level: NODE_EXPORTER_POD_SECURITY_LEVEL,
      namespaceRendered: values.namespace !== undefined,
      daemonSet: daemonSetKey,
      exceptions: podSecurityExceptions(),
      policyExceptions: nodeExporterPolicyExceptions(daemonSetKey),
    },
  };
}

/**
 * The build behind `nodeExporter()`, for composing with already-parsed
 * values and the endpoints `computeNodeExporterEndpoints` gave for them.
 */
export function buildNodeExporter(
  values: ResolvedNodeExporterValues,
  ctx: BuildContext,
  endpoints: NodeExporterEndpoints,
  path = NODE_EXPORTER_NAME,
): { objects: KubeObject[] } {
  const { collectors } = endpoints;
  const svc = endpoints.services.nodeExporter;
  const namespace = svc.namespace;
  const name = svc.service;
  const parts = { name: NODE_EXPORTER_NAME, version: values.image.tag };
  const meta = () => objectMeta(ctx, { ...parts, namespace, objectName: name });
  const selector = svc.podLabels;
  // Scrapers reach node addresses and verify the Service host, which the certificate holds.
  const tls = exporterTls(ctx, {
    component: NODE_EXPORTER_NAME,
    serverName: svc.host,
    namespace,
    namespacePath: `${path}.namespace`,
    meta: (objectName) => objectMeta(ctx, { ...parts, namespace, objectName }),
    webConfigName: resourceName(ctx, NODE_EXPORTER_NAME, "web-config"),
  });
  const probeScheme = internalProbeScheme(ctx);

  const hostVolumes: { volume: Volume; mount: VolumeMount }[] = [
    {
      volume: { name: "proc", hostPath: { path: "/proc" } },
      mount: { name: "proc", mountPath: NODE_EXPORTER_HOST_PATHS.procfs, readOnly: true },
    },
    {
      volume: { name: "sys", hostPath: { path: "/sys" } },
      mount: { name: "sys", mountPath: NODE_EXPORTER_HOST_PATHS.sysfs, readOnly: true },
    },
    {
      volume: { name: "root", hostPath: { path: "/" } },
      mount: {
        name: "root",
        mountPath: NODE_EXPORTER_HOST_PATHS.rootfs,
        readOnly: true,
        mountPropagation: "HostToContainer",
      },
    },
  ];
  const env: EnvVar[] =
    values.listenOn === "hostIP"
      ? [{ name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }]
      : [];
  // With hostNetwork the container port is a node port; the API records it as hostPort.
  const metricsPort: ContainerPort = {
    name: NODE_EXPORTER_PORT_NAME,
    containerPort: values.port,
    hostPort: values.port,
    protocol: "TCP",
  };
  const exporter = container({
    name: NODE_EXPORTER_NAME,
    image: imageRef(values.image, ctx.imageRegistry),
    imagePullPolicy: values.image.pullPolicy,
    args: [
      ...nodeExporterArgs(values, collectors),
      ...(tls ? [`--web.config.file=${tls.webConfigFile}`] : []),
    ],
    env,
    ports: [metricsPort],
    volumeMounts: [...hostVolumes.map((v) => v.mount), ...(tls?.mounts ?? [])],
    resources: values.resources,
    probes: {
      liveness: httpProbe("/", NODE_EXPORTER_PORT_NAME, {}, probeScheme),
      readiness: httpProbe("/", NODE_EXPORTER_PORT_NAME, { initialDelaySeconds: 0 }, probeScheme),
    },
    security: { runAsUser: 65534, runAsGroup: 65534 },
  });

  const serviceAccountName = name;
  // The context's scheduling defaults place workloads on chosen nodes; a node agent must cover
  // every node, so only this component's own scheduling values apply.
  const template = podTemplate(
    { ...ctx, scheduling: {} },
    {
      labels: standardLabels(ctx, parts),
      containers: [exporter],
      volumes: [...hostVolumes.map((v) => v.volume), ...(tls?.volumes ?? [])],
      serviceAccountName,
      automountServiceAccountToken: false,
      security: { runAsUser: 65534, runAsGroup: 65534, hostNetwork: true, hostPID: true },
      scheduling: workloadScheduling(values.scheduling, priorityClassFor(ctx, "node"), {
        tolerations: values.tolerateAllTaints ? TOLERATE_EVERYTHING : [],
      }),
      terminationGracePeriodSeconds: 30,
    },
  );

  const objects: KubeObject[] = [];
  if (endpoints.podSecurity.namespaceRendered) {
    objects.push(
      namespaceObject(namespace, {
        ...ctx.commonLabels,
        "app.kubernetes.io/part-of": "materialize-monitoring",
        ...podSecurityLabels(NODE_EXPORTER_POD_SECURITY_LEVEL),
      }),
    );
  }
  objects.push(
    serviceAccount(meta(), { automountToken: false }),
    daemonSet({ metadata: meta(), selector, template, maxUnavailable: values.maxUnavailable }),
    service({
      metadata: meta(),
      selector,
      headless: true,
      ports: [servicePort(NODE_EXPORTER_PORT_NAME, values.port)],
    }),
    ...(tls?.objects ?? []),
  );
  if (values.networkPolicy.enabled) {
    objects.push(
      networkPolicy({
        metadata: meta(),
        podSelector: selector,
        // The pods run in the host network. Many CNIs do not enforce NetworkPolicies on
        // hostNetwork pods at all, and those that do may see the scraper's traffic arrive
        // from a node address that no pod selector matches. The rule still protects where
        // it is enforced; the scraper's side needs a node-address egress rule for this port.
        ingress: [
          {
            peers: [scraperNetworkPeer(ctx, values.networkPolicy.scraper, namespace)],
            ports: tcpPorts(svc.ports.metrics.port),
          },
        ],
        // node-exporter opens no connections; it only answers scrapes.
        egress: [],
      }),
    );
  }

  return { objects };
}

/**
 * node-exporter: a DaemonSet on every node (host network and PID namespace,
 * the node's /proc, /sys and / mounted read-only), an explicit collector
 * allowlist for the node-exporter release in the image, and a headless
 * Service for per-node discovery.
 */
export const nodeExporter = defineComponent({
  name: NODE_EXPORTER_NAME,
  schema: nodeExporterValues,
  endpoints: (values, ctx) => computeNodeExporterEndpoints(values, ctx),
  build: (values, ctx, endpoints) => buildNodeExporter(values, ctx, endpoints),
});

/**
 * node-exporter's endpoints for `(values, ctx)` without building any object:
 * its headless Service (FQDN from the context's cluster domain), the scrape
 * endpoint and the host-network scrape target, the resolved release and
 * collectors, and its Pod Security needs.
 */
export const nodeExporterEndpoints = nodeExporter.endpoints;
