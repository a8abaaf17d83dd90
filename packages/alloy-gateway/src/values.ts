import {
  type LogStageData,
  RELABEL_ACTIONS,
  type RelabelAction,
} from "@materialize-monitoring/alloy-syntax";
import {
  duration,
  imageSchema,
  namespaceNameSchema,
  type PodNetworkPeer,
  podNetworkPeerSchema,
  quantity,
  resourcesSchema,
  schedulingDefault,
  secretRef,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { ALLOY_IMAGE } from "./constants.js";

const dnsLabel = namespaceNameSchema;

const labelMap = z.record(z.string().min(1, "a label key cannot be empty"), z.string());

const cidr = z
  .string()
  .regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, "not a CIDR (examples: 10.0.0.1/32, fd00::/8)");

const port = z.union([z.int32().min(1).max(65535), z.string().min(1).max(15)]);

/** A component label: letters, digits and `_`. */
const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier (letters, digits and _)");

/** A Prometheus metric name. */
export const metricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "not a Prometheus metric name");

/** Pods selected by labels, in the namespace `namespace` (by name) or `namespaceLabels` select; the gateway's own when neither. */
export const peer = podNetworkPeerSchema;
export type Peer = PodNetworkPeer;

/** An egress allowance: pods (`peers`) and/or addresses (`cidrs`) on `ports`. */
export const egressRule = z.strictObject({
  peers: z.array(peer).default([]),
  cidrs: z.array(cidr).default([]),
  ports: z.array(port).min(1),
});
export type EgressRule = z.output<typeof egressRule>;

/** Egress to a destination; ports default to the destination URL's port. */
const destinationEgress = z
  .strictObject({
    peers: z.array(peer).default([]),
    cidrs: z.array(cidr).default([]),
    ports: z.array(port).min(1).optional().describe("pod ports; the URL's port by default"),
  })
  .describe(
    "who the destination is, for the egress NetworkPolicy (pods, or CIDRs; neither admits any address on the ports)",
  );

/** One Prometheus relabel rule as data (`sourceLabels`, `regex`, `action`, ...). */
export const relabelRule = z.strictObject({
  sourceLabels: z.array(z.string().min(1)).optional(),
  separator: z.string().optional(),
  regex: z.string().optional(),
  targetLabel: z.string().min(1).optional(),
  replacement: z.string().optional(),
  action: z.enum(RELABEL_ACTIONS as [RelabelAction, ...RelabelAction[]]).optional(),
  modulus: z.int32().min(1).optional(),
});

/**
 * A Kubernetes scrape job as data: the shape the materialize package's
 * targets have (plus `source`, the allow-list that applies, and `podLabels`
 * for the egress NetworkPolicy), converted by alloy-syntax's recipe.
 */
export const scrapeJob = z.strictObject({
  name: identifier.describe("unique; the base of the Alloy component labels"),
  job: z.string().min(1).describe("the job label"),
  role: z.enum(["pod", "node"]).default("pod"),
  source: z
    .string()
    .min(1)
    .optional()
    .describe("the allow-list (a key of allowLists) that filters this job's metrics"),
  namespaces: z.array(dnsLabel).default([]).describe("namespaces to discover in; all when empty"),
  selectors: z
    .array(
      z.strictObject({
        label: z.string().min(1),
        value: z.string(),
        note: z.string().optional(),
      }),
    )
    .default([])
    .describe("alternative pod labels (any one matches), for the egress NetworkPolicy"),
  podLabels: labelMap
    .optional()
    .describe("pod labels that all match, for the egress NetworkPolicy (preferred over selectors)"),
  discoverySelectors: z
    .strictObject({ label: z.string().optional(), field: z.string().optional() })
    .default({}),
  portName: z.string().min(1).optional().describe("the container port scraped (egress rule)"),
  hostNetwork: z
    .boolean()
    .default(false)
    .describe(
      "the pods run in the host network (node-exporter; a ScrapeTarget's hostNetwork): the egress NetworkPolicy also reaches them by node address (networkPolicy.nodeEgress), since pod selectors do not match them on every CNI",
    ),
  port: z
    .int32()
    .min(1)
    .max(65535)
    .optional()
    .describe(
      "the number of the port named portName; needed with hostNetwork (unless listed in networkPolicy.nodeEgress.ports), as a node-address rule cannot use a port name",
    ),
  path: z.string().startsWith("/").default("/metrics"),
  scheme: z.enum(["http", "https"]).default("http"),
  interval: duration.default("30s"),
  timeout: duration.default("10s"),
  basicAuth: z
    .strictObject({
      secretName: z.string().min(1),
      usernameKey: z.string().min(1),
      passwordKey: z.string().min(1),
      namespace: dnsLabel
        .optional()
        .describe("the Secret's namespace; the job's first namespace by default"),
    })
    .optional()
    .describe("read through the API with remote.kubernetes.secret; the gateway gets a Role for it"),
  bearerTokenFile: z.string().startsWith("/").optional(),
  tls: z
    .strictObject({
      caFile: z.string().startsWith("/").optional(),
      serverName: z.string().optional(),
      insecureSkipVerify: z.boolean().optional(),
    })
    .optional(),
  honorLabels: z.boolean().optional(),
  relabelings: z.array(relabelRule).default([]),
  metricRelabelings: z.array(relabelRule).default([]),
});
export type ScrapeJobInput = z.input<typeof scrapeJob>;
export type ScrapeJob = z.output<typeof scrapeJob>;

const stageValues = z.record(z.string().min(1), z.string());
const stageList = z.array(z.string().min(1));

/** One loki.process stage as data (alloy-syntax's `LogStageData`), e.g. the Materialize log stages. */
export const logStage: z.ZodType<LogStageData, LogStageData> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.strictObject({
      type: z.literal("match"),
      selector: z.string().min(1),
      stages: z.array(logStage).optional(),
      action: z.enum(["keep", "drop"]).optional(),
      dropCounterReason: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal("json"),
      expressions: stageValues,
      source: z.string().optional(),
      dropMalformed: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal("logfmt"),
      mapping: stageValues,
      source: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal("regex"),
      expression: z.string().min(1),
      source: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal("template"),
      source: z.string().min(1),
      template: z.string(),
    }),
    z.strictObject({
      type: z.literal("timestamp"),
      source: z.string().min(1),
      format: z.string().min(1),
      fallbackFormats: z.array(z.string()).optional(),
      location: z.string().optional(),
      actionOnFailure: z.enum(["fudge", "skip"]).optional(),
    }),
    z.strictObject({ type: z.literal("labels"), values: stageValues }),
    z.strictObject({ type: z.literal("structuredMetadata"), values: stageValues }),
    z.strictObject({ type: z.literal("staticLabels"), values: stageValues }),
    z.strictObject({ type: z.literal("labelDrop"), values: stageList }),
    z.strictObject({ type: z.literal("labelKeep"), values: stageList }),
    z.strictObject({
      type: z.literal("drop"),
      source: z.string().optional(),
      expression: z.string().optional(),
      value: z.string().optional(),
      olderThan: duration.optional(),
      longerThan: z.string().optional(),
      dropCounterReason: z.string().optional(),
    }),
    z.strictObject({ type: z.literal("cri") }),
    z.strictObject({ type: z.literal("output"), source: z.string().min(1) }),
    z.strictObject({
      type: z.literal("multiline"),
      firstline: z.string().min(1),
      maxLines: z.int32().min(1).optional(),
      maxWaitTime: duration.optional(),
    }),
    z.strictObject({
      type: z.literal("replace"),
      expression: z.string().min(1),
      source: z.string().optional(),
      replace: z.string().optional(),
    }),
  ]),
);

/** Credentials of a destination, from Secrets (mounted as files; the user name through an env variable). */
export const destinationAuth = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("basic"), username: secretRef, password: secretRef }),
  z.strictObject({ type: z.literal("bearer"), token: secretRef }),
]);
export type DestinationAuth = z.output<typeof destinationAuth>;

const extraLoki = z.strictObject({
  name: identifier,
  url: z.url(),
  tenantId: z.string().min(1).optional(),
  auth: destinationAuth.optional(),
  egress: destinationEgress.prefault({ cidrs: ["0.0.0.0/0"] }),
});

const extraRemoteWrite = z.strictObject({
  name: identifier,
  url: z.url(),
  headers: z.record(z.string().min(1), z.string()).default({}),
  auth: destinationAuth.optional(),
  egress: destinationEgress.prefault({ cidrs: ["0.0.0.0/0"] }),
});

const byName = (name: string) => ({ podLabels: { "app.kubernetes.io/name": name } });

/** Every IPv4 and IPv6 address: the node-egress default, until narrowed to the node CIDRs. */
export const ANY_NODE_ADDRESS = ["0.0.0.0/0", "::/0"] as const;

export const alloyGatewayValues = z.strictObject({
  image: imageSchema(ALLOY_IMAGE),
  logLevel: z.enum(["error", "warn", "info", "debug"]).default("info"),
  replicas: z.int32().min(1).default(2).describe("2 or more for HA (clustered)"),
  autoscaling: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxReplicas: z.int32().min(1).default(6),
      cpuUtilization: z.int32().min(1).max(100).default(75),
      memoryUtilization: z.int32().min(1).max(100).default(80),
    })
    .prefault({})
    .describe("an HPA on CPU and memory between replicas and maxReplicas"),
  clustering: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe(
          "required whenever more than one replica may run, so work is shared, not repeated",
        ),
    })
    .prefault({}),
  podDisruptionBudget: z
    .strictObject({ maxUnavailable: z.union([z.int32().min(1), z.string()]).default(1) })
    .prefault({}),
  topologySpread: z
    .strictObject({
      zones: z.boolean().default(true),
      hosts: z.enum(["soft", "hard"]).default("soft"),
    })
    .prefault({}),
  resources: resourcesSchema({
    requests: { cpu: "200m", memory: "512Mi" },
    limits: { memory: "2Gi" },
  }),
  scheduling: schedulingDefault,
  storage: z
    .strictObject({
      sizeLimit: quantity.default("10Gi").describe("emptyDir for the remote-write WAL"),
    })
    .prefault({}),
  destinations: z
    .strictObject({
      loki: z
        .strictObject({
          url: z
            .url()
            .optional()
            .describe(
              "Loki push URL (the loki package's endpoints.pushUrl, which the umbrella fills), e.g. http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push; required to build",
            ),
          tenantId: z
            .string()
            .min(1)
            .optional()
            .describe("X-Scope-OrgID, when Loki runs with auth enabled"),
          auth: destinationAuth.optional(),
          egress: destinationEgress.prefault({ peers: [byName("loki")] }),
          extra: z
            .array(extraLoki)
            .default([])
            .describe("more Loki destinations (every entry goes to each)"),
        })
        .prefault({}),
      prometheus: z
        .strictObject({
          url: z
            .url()
            .optional()
            .describe(
              "remote-write URL (the thanos package's endpoints.remoteWriteUrl, which the umbrella fills), e.g. http://thanos-receive.monitoring.svc.cluster.local:19291/api/v1/receive; required to build when the gateway writes metrics",
            ),
          headers: z.record(z.string().min(1), z.string()).default({}),
          auth: destinationAuth.optional(),
          egress: destinationEgress.prefault({ peers: [byName("thanos")] }),
          extra: z.array(extraRemoteWrite).default([]),
          queue: z
            .strictObject({
              capacity: z.int32().min(1).default(10000),
              minShards: z.int32().min(1).default(1),
              maxShards: z.int32().min(1).default(50),
              maxSamplesPerSend: z.int32().min(1).default(2000),
              batchSendDeadline: duration.default("5s"),
              minBackoff: duration.default("30ms"),
              maxBackoff: duration.default("5s"),
              sampleAgeLimit: duration
                .optional()
                .describe("drop samples older than this instead of retrying them forever"),
            })
            .prefault({}),
          wal: z
            .strictObject({
              truncateFrequency: duration.default("2h"),
              minKeepaliveTime: duration.default("5m"),
              maxKeepaliveTime: duration.default("8h"),
            })
            .prefault({}),
        })
        .prefault({}),
      otlp: z
        .strictObject({
          enabled: z.boolean().default(false),
          protocol: z.enum(["grpc", "http"]).default("grpc"),
          endpoint: z
            .string()
            .min(1)
            .optional()
            .describe("host:port for gRPC, a base URL for HTTP"),
          insecure: z.boolean().default(false).describe("plain-text gRPC (no TLS)"),
          signals: z
            .strictObject({ logs: z.boolean().default(true), metrics: z.boolean().default(true) })
            .prefault({}),
          auth: destinationAuth.optional(),
          egress: destinationEgress.prefault({ cidrs: ["0.0.0.0/0"] }),
        })
        .prefault({})
        .describe("also export logs and metrics over OTLP"),
    })
    .prefault({}),
  receivers: z
    .strictObject({
      otlp: z
        .strictObject({ enabled: z.boolean().default(false) })
        .prefault({})
        .describe("an OTLP receiver (4317 gRPC, 4318 HTTP) for logs and metrics"),
    })
    .prefault({}),
  scrape: z
    .strictObject({
      jobs: z
        .array(scrapeJob)
        .default([])
        .describe(
          "pod-role scrape jobs: Materialize targets, exporters, the stack's components, the agents",
        ),
      self: z
        .strictObject({
          enabled: z.boolean().default(true),
          interval: duration.default("30s"),
          timeout: duration.default("10s"),
        })
        .prefault({})
        .describe("scrape the gateway's own pods (allow-list source alloy)"),
      kubelet: z
        .strictObject({
          enabled: z.boolean().default(true),
          mode: z
            .enum(["direct", "apiServerProxy"])
            .default("direct")
            .describe(
              "direct: node IP:10250 with the service-account token; apiServerProxy: through the API server",
            ),
          insecureSkipVerify: z
            .boolean()
            .default(false)
            .describe(
              "skip kubelet certificate verification (kind, self-signed kubelet certificates)",
            ),
          interval: duration.default("30s"),
          timeout: duration.default("10s"),
          endpoints: z
            .strictObject({
              metrics: z.boolean().default(true).describe("/metrics (allow-list source kubelet)"),
              cadvisor: z
                .boolean()
                .default(true)
                .describe("/metrics/cadvisor (allow-list source cadvisor)"),
              resource: z
                .boolean()
                .default(true)
                .describe("/metrics/resource (allow-list source kubeletResource)"),
            })
            .prefault({}),
          cidrs: z
            .array(cidr)
            .default([])
            .describe(
              "node addresses for the egress rule to 10250 alone; empty: the kubelet port joins networkPolicy.nodeEgress",
            ),
        })
        .prefault({}),
    })
    .prefault({}),
  allowLists: z
    .record(z.string().min(1), z.array(metricName))
    .default({})
    .describe("per source, the metric names kept; a source without a list is not filtered"),
  logs: z
    .strictObject({
      stages: z
        .array(logStage)
        .default([])
        .describe("stages for Materialize streams (materialize artifacts.logStages)"),
      levelNormalisation: z
        .boolean()
        .default(true)
        .describe("set a normalised level label on streams that have none"),
      events: z
        .strictObject({
          enabled: z.boolean().default(true),
          jobName: z.string().min(1).default("integrations/kubernetes/eventhandler"),
          namespaces: z.array(dnsLabel).default([]).describe("all namespaces when empty"),
          logFormat: z.enum(["logfmt", "json"]).default("logfmt"),
        })
        .prefault({}),
      agentLogs: z
        .strictObject({
          enabled: z.boolean().default(true),
          namespace: dnsLabel.optional().describe("the agents' namespace; the stack's by default"),
          podLabels: labelMap
            .optional()
            .describe("the agents' selector labels (agent endpoints.podLabels)"),
        })
        .prefault({})
        .describe(
          "tail the agents' own logs through the API, so a failing agent still leaves its logs",
        ),
      externalLabels: z.record(z.string().min(1), z.string()).default({}),
    })
    .prefault({}),
  rbac: z
    .strictObject({
      nonResourceUrls: z
        .array(z.string().startsWith("/"))
        .default([])
        .describe(
          "non-resource URLs the service-account token may get, e.g. /metrics for scraping metrics-server with the token",
        ),
    })
    .prefault({}),
  networkPolicy: z
    .strictObject({
      enabled: z.boolean().default(true),
      agents: z.array(peer).optional().describe("who pushes logs (3100): the agents by default"),
      applications: z
        .array(peer)
        .default([])
        .describe("other pods that push logs (3100) or OTLP (4317/4318)"),
      metricsScrapers: z
        .array(peer)
        .default([])
        .describe("other pods that scrape the gateway's metrics (12345)"),
      scrapeEgress: z
        .array(egressRule)
        .default([])
        .describe(
          "scrape destinations the jobs do not describe (jobs with podLabels/selectors are derived)",
        ),
      apiServer: z
        .strictObject({
          cidrs: z.array(cidr).default([]),
          ports: z.array(z.int32().min(1).max(65535)).min(1).default([443, 6443]),
        })
        .prefault({}),
      nodeEgress: z
        .strictObject({
          cidrs: z
            .array(cidr)
            .default([...ANY_NODE_ADDRESS])
            .describe(
              "node addresses, where hostNetwork scrape targets and the kubelets listen; narrow it to the cluster's node CIDR(s), e.g. [10.0.0.0/16]. Empty admits any address",
            ),
          ports: z
            .array(z.int32().min(1).max(65535))
            .default([])
            .describe(
              "more node ports, besides the derived ones (each hostNetwork job's port, the kubelet port in direct mode)",
            ),
        })
        .prefault({})
        .describe(
          "egress by node address (ipBlock): pods in the host network and host processes are not matched by pod selectors on every CNI",
        ),
    })
    .prefault({}),
});

export type AlloyGatewayValues = z.input<typeof alloyGatewayValues>;
export type ResolvedAlloyGatewayValues = z.output<typeof alloyGatewayValues>;
