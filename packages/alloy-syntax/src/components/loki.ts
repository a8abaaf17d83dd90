/**
 * `loki.*` components (except `loki.process`, see loki-process.ts): read
 * logs from files, the Kubernetes API and the push API; relabel and write them.
 */
import { defineComponent } from "../builder.js";
import { rule, type Schema } from "../schema.js";
import type {
  BoolValue,
  DurationValue,
  Expression,
  HeaderMapValue,
  LogsReceiverList,
  NumberValue,
  RelabelRulesValue,
  SizeValue,
  StringListValue,
  StringMapValue,
  StringValue,
  TargetsValue,
} from "../values.js";
import {
  type Clustering,
  clusteringFields,
  type HttpClientConfig,
  httpClientFields,
  type KubernetesClient,
  type KubernetesClientWithHeaders,
  kubernetesClientFields,
  kubernetesClientWithHeadersFields,
  type RelabelRule,
  relabelRuleFields,
  type ServerTls,
  serverTlsFields,
} from "./common.js";
import { componentExports } from "./registry.js";

/** `decompression` of `loki.source.file`. */
export interface FileDecompression {
  readonly enabled: BoolValue;
  /** `gz`, `z` or `bz2`. */
  readonly format: "gz" | "z" | "bz2" | Expression<"string">;
  readonly initialDelay?: DurationValue;
}

/** `file_watch` of `loki.source.file`. */
export interface FileWatch {
  /** Default `"250ms"`. */
  readonly minPollFrequency?: DurationValue;
  /** Default `"250ms"`. */
  readonly maxPollFrequency?: DurationValue;
}

/** Arguments of `loki.source.file`. Exports nothing. */
export interface LokiSourceFileArgs {
  /** Files to tail: targets with `__path__`. */
  readonly targets: TargetsValue;
  readonly forwardTo: LogsReceiverList;
  /** IANA encoding of the files (default UTF-8). */
  readonly encoding?: StringValue;
  /** Start at the end of a file that has no saved position. */
  readonly tailFromEnd?: BoolValue;
  readonly legacyPositionsFile?: StringValue;
  readonly decompression?: FileDecompression;
  readonly fileWatch?: FileWatch;
}

const sourceFileFields = {
  targets: rule.required(),
  forwardTo: rule.required(),
  encoding: rule.attr(),
  tailFromEnd: rule.attr(),
  legacyPositionsFile: rule.attr(),
  decompression: rule.block({
    enabled: rule.required(),
    format: rule.oneOf(["gz", "z", "bz2"], true),
    initialDelay: rule.duration(),
  } satisfies Schema<FileDecompression>),
  fileWatch: rule.block({
    minPollFrequency: rule.duration(),
    maxPollFrequency: rule.duration(),
  } satisfies Schema<FileWatch>),
} as const satisfies Schema<LokiSourceFileArgs>;

/** `loki.source.file`: tails files (for example `/var/log/pods/...`) and forwards each line. */
export const lokiSourceFile = defineComponent<
  LokiSourceFileArgs,
  (typeof componentExports)["loki.source.file"]
>("loki.source.file", sourceFileFields, componentExports["loki.source.file"]);

/** Arguments of `loki.source.kubernetes`. Exports nothing. */
export interface LokiSourceKubernetesArgs {
  /** Pods and containers to tail, usually from `discovery.kubernetes` with role `pod`. */
  readonly targets: TargetsValue;
  readonly forwardTo: LogsReceiverList;
  readonly client?: KubernetesClientWithHeaders;
  /** Share the pods with the other members of the cluster. */
  readonly clustering?: Clustering;
}

const sourceKubernetesFields = {
  targets: rule.required(),
  forwardTo: rule.required(),
  client: rule.block(kubernetesClientWithHeadersFields),
  clustering: rule.block(clusteringFields),
} as const satisfies Schema<LokiSourceKubernetesArgs>;

/** `loki.source.kubernetes`: tails container logs through the Kubernetes API. */
export const lokiSourceKubernetes = defineComponent<
  LokiSourceKubernetesArgs,
  (typeof componentExports)["loki.source.kubernetes"]
>("loki.source.kubernetes", sourceKubernetesFields, componentExports["loki.source.kubernetes"]);

/** Arguments of `loki.source.kubernetes_events`. Exports nothing. */
export interface LokiSourceKubernetesEventsArgs {
  readonly forwardTo: LogsReceiverList;
  /** `job` label (default `"loki.source.kubernetes_events"`). */
  readonly jobName?: StringValue;
  /** `"logfmt"` (default) or `"json"`. */
  readonly logFormat?: "logfmt" | "json" | Expression<"string">;
  /** Namespaces to watch (default: all, which needs cluster-wide RBAC). */
  readonly namespaces?: StringListValue;
  readonly client?: KubernetesClient;
  /** Share the work among the members of an Alloy cluster, so each event is read once (Alloy 1.16+). */
  readonly clustering?: Clustering;
}

const sourceEventsFields = {
  forwardTo: rule.required(),
  jobName: rule.attr(),
  logFormat: rule.oneOf(["logfmt", "json"]),
  namespaces: rule.attr(),
  client: rule.block(kubernetesClientFields),
  clustering: rule.block(clusteringFields),
} as const satisfies Schema<LokiSourceKubernetesEventsArgs>;

/** `loki.source.kubernetes_events`: turns Kubernetes events into log lines. */
export const lokiSourceKubernetesEvents = defineComponent<
  LokiSourceKubernetesEventsArgs,
  (typeof componentExports)["loki.source.kubernetes_events"]
>(
  "loki.source.kubernetes_events",
  sourceEventsFields,
  componentExports["loki.source.kubernetes_events"],
);

/** `http` server of `loki.source.api`. */
export interface ApiHttpServer {
  /** Default `""` (all addresses). */
  readonly listenAddress?: StringValue;
  /** Default 8080. */
  readonly listenPort?: NumberValue;
  readonly connLimit?: NumberValue;
  readonly serverReadTimeout?: DurationValue;
  readonly serverWriteTimeout?: DurationValue;
  readonly serverIdleTimeout?: DurationValue;
  /** Serve TLS; the certificate files are read on each handshake. */
  readonly tls?: ServerTls;
}

/** `grpc` server of `loki.source.api` (older Alloy releases). */
export interface ApiGrpcServer {
  readonly listenAddress?: StringValue;
  readonly listenPort?: NumberValue;
  readonly connLimit?: NumberValue;
  readonly maxConnectionAge?: DurationValue;
  readonly maxConnectionAgeGrace?: DurationValue;
  readonly maxConnectionIdle?: DurationValue;
  readonly serverMaxRecvMsgSize?: NumberValue;
  readonly serverMaxSendMsgSize?: NumberValue;
  readonly serverMaxConcurrentStreams?: NumberValue;
}

/** Arguments of `loki.source.api`. Exports nothing. */
export interface LokiSourceApiArgs {
  readonly forwardTo: LogsReceiverList;
  /** Labels added to every received entry. */
  readonly labels?: StringMapValue;
  /** Rules (from a `loki.relabel` `rules` export) applied to received entries. */
  readonly relabelRules?: RelabelRulesValue;
  /** Keep the timestamps of pushed entries (default false). */
  readonly useIncomingTimestamp?: BoolValue;
  /** Default `"100MiB"`. */
  readonly maxSendMessageSize?: SizeValue;
  readonly gracefulShutdownTimeout?: DurationValue;
  readonly http?: ApiHttpServer;
  readonly grpc?: ApiGrpcServer;
}

const httpServerFields = {
  listenAddress: rule.attr(),
  listenPort: rule.uint(),
  connLimit: rule.uint(),
  serverReadTimeout: rule.duration(),
  serverWriteTimeout: rule.duration(),
  serverIdleTimeout: rule.duration(),
  tls: rule.block(serverTlsFields),
} as const satisfies Schema<ApiHttpServer>;

const sourceApiFields = {
  forwardTo: rule.required(),
  labels: rule.attr(),
  relabelRules: rule.attr(),
  useIncomingTimestamp: rule.attr(),
  maxSendMessageSize: rule.size(),
  gracefulShutdownTimeout: rule.duration(),
  http: rule.block(httpServerFields),
  grpc: rule.block({
    listenAddress: rule.attr(),
    listenPort: rule.uint(),
    connLimit: rule.uint(),
    maxConnectionAge: rule.duration(),
    maxConnectionAgeGrace: rule.duration(),
    maxConnectionIdle: rule.duration(),
    serverMaxRecvMsgSize: rule.uint(),
    serverMaxSendMsgSize: rule.uint(),
    serverMaxConcurrentStreams: rule.uint(),
  } satisfies Schema<ApiGrpcServer>),
} as const satisfies Schema<LokiSourceApiArgs>;

/** `loki.source.api`: a Loki push API endpoint (`/loki/api/v1/push`) other agents write to. */
export const lokiSourceApi = defineComponent<
  LokiSourceApiArgs,
  (typeof componentExports)["loki.source.api"]
>("loki.source.api", sourceApiFields, componentExports["loki.source.api"]);

/** Arguments of `loki.relabel`. Exports `receiver` and `rules`. */
export interface LokiRelabelArgs {
  readonly forwardTo: LogsReceiverList;
  /** Default 10000. */
  readonly maxCacheSize?: NumberValue;
  readonly rule?: readonly RelabelRule[];
}

const lokiRelabelFields = {
  forwardTo: rule.required(),
  maxCacheSize: rule.uint(),
  rule: rule.blocks(relabelRuleFields),
} as const satisfies Schema<LokiRelabelArgs>;

/** `loki.relabel`: rewrites (or drops) log entries by their labels. */
export const lokiRelabel = defineComponent<
  LokiRelabelArgs,
  (typeof componentExports)["loki.relabel"]
>("loki.relabel", lokiRelabelFields, componentExports["loki.relabel"]);

/** `queue_config` of a `loki.write` endpoint. */
export interface LokiQueueConfig {
  /** Default `"10MiB"`. */
  readonly capacity?: SizeValue;
  readonly drainTimeout?: DurationValue;
  readonly blockOnOverflow?: BoolValue;
  readonly minShards?: NumberValue;
}

/** One `endpoint` of `loki.write`. */
export interface LokiWriteEndpoint extends HttpClientConfig {
  /** Push URL, e.g. `http://loki-write:3100/loki/api/v1/push`. */
  readonly url: StringValue;
  readonly name?: StringValue;
  /** Tenant (`X-Scope-OrgID`); leave out for single-tenant Loki. */
  readonly tenantId?: StringValue;
  /** Default `"1MiB"`. */
  readonly batchSize?: SizeValue;
  /** Default `"1s"`. */
  readonly batchWait?: DurationValue;
  /** Default `"10s"`. */
  readonly remoteTimeout?: DurationValue;
  readonly headers?: StringMapValue;
  readonly httpHeaders?: HeaderMapValue;
  /** Default `"500ms"`. */
  readonly minBackoffPeriod?: DurationValue;
  /** Default `"5m"`. */
  readonly maxBackoffPeriod?: DurationValue;
  /** Default 10. */
  readonly maxBackoffRetries?: NumberValue;
  readonly retryOnHttp429?: BoolValue;
  readonly queueConfig?: LokiQueueConfig;
}

const lokiEndpointFields = {
  url: rule.required(),
  name: rule.attr(),
  tenantId: rule.attr(),
  batchSize: rule.size(),
  batchWait: rule.duration(),
  remoteTimeout: rule.duration(),
  headers: rule.attr(),
  httpHeaders: rule.attr(),
  minBackoffPeriod: rule.duration(),
  maxBackoffPeriod: rule.duration(),
  maxBackoffRetries: rule.uint(),
  retryOnHttp429: { ...rule.attr(), alloy: "retry_on_http_429" },
  ...httpClientFields,
  queueConfig: rule.block({
    capacity: rule.size(),
    drainTimeout: rule.duration(),
    blockOnOverflow: rule.attr(),
    minShards: rule.uint(),
  } satisfies Schema<LokiQueueConfig>),
} as const satisfies Schema<LokiWriteEndpoint>;

/** `wal` of `loki.write` (experimental in Alloy). */
export interface LokiWal {
  readonly enabled?: BoolValue;
  readonly maxSegmentAge?: DurationValue;
  readonly minReadFrequency?: DurationValue;
  readonly maxReadFrequency?: DurationValue;
  readonly drainTimeout?: DurationValue;
}

/** Arguments of `loki.write`. Exports `receiver`. */
export interface LokiWriteArgs {
  /** Labels added to every entry sent. */
  readonly externalLabels?: StringMapValue;
  /** Maximum active streams (0: no limit). */
  readonly maxStreams?: NumberValue;
  readonly endpoint?: readonly LokiWriteEndpoint[];
  readonly wal?: LokiWal;
}

const lokiWriteFields = {
  externalLabels: rule.attr(),
  maxStreams: rule.uint(),
  endpoint: rule.blocks(lokiEndpointFields),
  wal: rule.block({
    enabled: rule.attr(),
    maxSegmentAge: rule.duration(),
    minReadFrequency: rule.duration(),
    maxReadFrequency: rule.duration(),
    drainTimeout: rule.duration(),
  } satisfies Schema<LokiWal>),
} as const satisfies Schema<LokiWriteArgs>;

/** `loki.write`: sends log entries to Loki's push API. */
export const lokiWrite = defineComponent<LokiWriteArgs, (typeof componentExports)["loki.write"]>(
  "loki.write",
  lokiWriteFields,
  componentExports["loki.write"],
);
