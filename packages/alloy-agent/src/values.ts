import {
  cidrSchema,
  duration,
  httpUrlSchema,
  imageSchema,
  labelsSchema,
  namespaceNameSchema,
  nodeAgentSchedulingDefault,
  type PodNetworkPeer,
  podNetworkPeerSchema,
  promLabelNameSchema,
  resourcesSchema,
  singleLineText,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { ALLOY_IMAGE } from "./constants.js";

const dnsLabel = namespaceNameSchema;

/** Pod labels to select on: keys and values the API server takes in a label selector. */
const labelMap = labelsSchema;

/** Pods selected by labels, in the namespace(s) `namespace`/`namespaceLabels` select (default: the stack's). */
export const peer = podNetworkPeerSchema;
export type Peer = PodNetworkPeer;

const cidr = cidrSchema;

const labelName = promLabelNameSchema;

/** System directories of a node the agent (root, read-write) must never be given. */
const SYSTEM_DIRECTORIES = [
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/lib",
  "/lib64",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/sys",
  "/usr",
];

/** Why `path` is not a directory of the agent's own on the node, or undefined when it is one. */
export function dedicatedHostDirectory(path: string): string | undefined {
  const parts = path.split("/").filter(Boolean);
  if (parts.some((p) => p === "." || p === ".."))
    return "must be a plain absolute path without . or .. (e.g. /var/lib/alloy-agent)";
  if ([...path].some((ch) => ch.charCodeAt(0) < 0x20)) return "must not contain control characters";
  const normal = `/${parts.join("/")}`;
  if (parts.length < 2)
    return `${normal} is not a directory of the agent's own: the agent mounts it read-write as root (use e.g. /var/lib/alloy-agent)`;
  const system = SYSTEM_DIRECTORIES.find((d) => normal === d || normal.startsWith(`${d}/`));
  if (system)
    return `${normal} is under the node's system directory ${system}, which the agent would mount read-write as root (use e.g. /var/lib/alloy-agent)`;
  if (
    ["/var/lib", "/var/log", "/var/run", "/home", "/opt", "/srv", "/mnt", "/tmp"].includes(normal)
  )
    return `${normal} holds other programs' data; give the agent a directory of its own below it (e.g. ${normal}/alloy-agent)`;
  return undefined;
}

export const alloyAgentValues = z.strictObject({
  /** Grafana Alloy container image of the agent */
  image: imageSchema(ALLOY_IMAGE).describe("Grafana Alloy container image of the agent"),
  /** least severe messages Alloy logs */
  logLevel: z
    .enum(["error", "warn", "info", "debug"])
    .default("info")
    .describe("least severe messages Alloy logs"),
  /** requests and limits of the agent container on each node */
  resources: resourcesSchema({
    requests: { cpu: "50m", memory: "128Mi" },
    limits: { memory: "256Mi" },
  }).describe("requests and limits of the agent container on each node"),
  /**
   * where the agent runs; global.scheduling does not apply, so a node agent covers every Linux node
   */
  scheduling: nodeAgentSchedulingDefault.describe(
    "where the agent runs; global.scheduling does not apply, so a node agent covers every Linux node",
  ),
  /** run on every node whatever its taints (a node without the agent loses its logs) */
  tolerateAllTaints: z
    .boolean()
    .default(true)
    .describe("run on every node whatever its taints (a node without the agent loses its logs)"),
  /** nodes whose agent a rolling update replaces at once: a count or a percentage */
  maxUnavailable: z
    .union([z.int32().min(1), z.string().regex(/^\d+%$/)])
    .default("10%")
    .describe("nodes whose agent a rolling update replaces at once: a count or a percentage"),
  /**
   * run in a namespace of its own, rendered here with the privileged Pod Security labels; leave out
   * to share the stack's namespace
   */
  namespace: dnsLabel
    .optional()
    .describe(
      "run in a namespace of its own, rendered here with the privileged Pod Security labels; leave out to share the stack's namespace",
    ),
  /** where the agent pushes the logs: the Alloy gateway */
  gateway: z
    .strictObject({
      /**
       * the gateway's Loki push URL (the gateway's endpoints.pushUrl); defaults to alloy-gateway in
       * the stack's namespace
       */
      pushUrl: httpUrlSchema(
        "http://alloy-gateway.monitoring.svc.cluster.local:3100/loki/api/v1/push",
      )
        .optional()
        .describe(
          "the gateway's Loki push URL (the gateway's endpoints.pushUrl); defaults to alloy-gateway in the stack's namespace",
        ),
      /** the gateway's pod labels, for the egress NetworkPolicy; defaults to its selector labels */
      podLabels: labelMap
        .optional()
        .describe(
          "the gateway's pod labels, for the egress NetworkPolicy; defaults to its selector labels",
        ),
      /** the gateway's namespace; the stack's by default */
      namespace: dnsLabel.optional().describe("the gateway's namespace; the stack's by default"),
      /** the gateway's push container port */
      port: z.int32().min(1).max(65535).default(3100).describe("the gateway's push container port"),
      /**
       * the gateway serves the stack's internal TLS: the agent verifies it with the stack's CA and
       * presents its own certificate (needs global.internalTls); by default, whenever the internal
       * TLS is on and pushUrl is unset (the stack's own gateway)
       */
      internalTls: z
        .boolean()
        .optional()
        .describe(
          "the gateway serves the stack's internal TLS: the agent verifies it with the stack's CA and presents its own certificate (needs global.internalTls); by default, whenever the internal TLS is on and pushUrl is unset (the stack's own gateway)",
        ),
    })
    .prefault({})
    .describe("where the agent pushes the logs: the Alloy gateway"),
  /** which pod logs are collected and how they are labelled */
  logs: z
    .strictObject({
      /** add the node name as a stream label (otherwise it is structured metadata) */
      nodeLabel: z
        .boolean()
        .default(false)
        .describe("add the node name as a stream label (otherwise it is structured metadata)"),
      /**
       * pod labels attached to every line as structured metadata (e.g. Materialize's organization
       * and replica ids)
       */
      podLabelsAsMetadata: z
        .array(
          z.strictObject({
            /** the pod label to read, e.g. app.kubernetes.io/name */
            podLabel: z
              .string()
              .min(1)
              .describe("the pod label to read, e.g. app.kubernetes.io/name"),
            /** name of the structured metadata field it becomes */
            name: labelName.describe("name of the structured metadata field it becomes"),
          }),
        )
        .default([])
        .describe(
          "pod labels attached to every line as structured metadata (e.g. Materialize's organization and replica ids)",
        ),
      /** namespaces whose pod logs are not collected */
      excludeNamespaces: z
        .array(dnsLabel)
        .default([])
        .describe("namespaces whose pod logs are not collected"),
    })
    .prefault({})
    .describe("which pod logs are collected and how they are labelled"),
  /** where the agent remembers how far it has read each log file */
  positions: z
    .strictObject({
      /**
       * node directory keeping the read positions (and Alloy's state) across restarts;
       * /var/lib/<instance>-alloy-agent by default
       */
      hostPath: z
        .string()
        .startsWith("/")
        .refine((p) => dedicatedHostDirectory(p) === undefined, {
          error: (issue) => dedicatedHostDirectory(String(issue.input)) ?? "",
        })
        .optional()
        .describe(
          "node directory keeping the read positions (and Alloy's state) across restarts; /var/lib/<instance>-alloy-agent by default",
        ),
    })
    .prefault({})
    .describe("where the agent remembers how far it has read each log file"),
  /** the node's systemd journal, beside the pod logs */
  journal: z
    .strictObject({
      /** ship the node's systemd journal (the kubelet and the container runtime) */
      enabled: z
        .boolean()
        .default(true)
        .describe("ship the node's systemd journal (the kubelet and the container runtime)"),
      /** units to keep (the kubelet and the container runtime by default) */
      units: z
        .array(
          z.string().regex(/^[A-Za-z0-9@._-]+\.(service|socket|scope)$/, "not a systemd unit name"),
        )
        .min(1)
        .default(["kubelet.service", "containerd.service"])
        .describe("units to keep (the kubelet and the container runtime by default)"),
      /** journal directory on the node; must be under /var/log/ (a persistent journal) */
      path: z
        .string()
        .startsWith("/var/log/")
        .default("/var/log/journal")
        .describe("journal directory on the node; must be under /var/log/ (a persistent journal)"),
      /** how far back to read on first start */
      maxAge: duration.default("12h").describe("how far back to read on first start"),
      /** the `job` label of the journal's streams */
      job: singleLineText(256)
        .min(1)
        .default("integrations/kubernetes/journal")
        .describe("the `job` label of the journal's streams"),
    })
    .prefault({})
    .describe("the node's systemd journal, beside the pod logs"),
  /** the NetworkPolicy of the agent pods */
  networkPolicy: z
    .strictObject({
      /** render a NetworkPolicy: scrapers in; DNS, the API server and the gateway out */
      enabled: z
        .boolean()
        .default(true)
        .describe("render a NetworkPolicy: scrapers in; DNS, the API server and the gateway out"),
      /** who scrapes the agents' metrics on 12345; the gateway by default */
      scrapers: z
        .array(peer)
        .optional()
        .describe("who scrapes the agents' metrics on 12345; the gateway by default"),
      /** the Kubernetes API server, which the agent asks for the pods on its node */
      apiServer: z
        .strictObject({
          /** API server addresses; empty admits any address */
          cidrs: z
            .array(cidr)
            .default([])
            .describe("API server addresses; empty admits any address"),
          /** API server ports the agent may reach */
          ports: z
            .array(z.int32().min(1).max(65535))
            .min(1)
            .default([443, 6443])
            .describe("API server ports the agent may reach"),
        })
        .prefault({})
        .describe("the Kubernetes API server, which the agent asks for the pods on its node"),
    })
    .prefault({})
    .describe("the NetworkPolicy of the agent pods"),
});

export type AlloyAgentValues = z.input<typeof alloyAgentValues>;
export type ResolvedAlloyAgentValues = z.output<typeof alloyAgentValues>;
