/**
 * `prometheus.*` components: scrape, relabel and remote-write metrics, and
 * expose Alloy's own and the host's metrics.
 */
import { defineComponent } from "../builder.js";
import { rule, type Schema } from "../schema.js";
import type {
  BoolValue,
  DurationValue,
  Expression,
  HeaderMapValue,
  MetricsReceiverList,
  NumberValue,
  SecretValue,
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
  type RelabelRule,
  relabelRuleFields,
} from "./common.js";
import { componentExports } from "./registry.js";

/** Arguments of `prometheus.scrape`. Exports nothing. */
export interface PrometheusScrapeArgs extends HttpClientConfig {
  /** Targets to scrape (`__address__`, plus labels). */
  readonly targets: TargetsValue;
  /** Receivers for the scraped metrics. */
  readonly forwardTo: MetricsReceiverList;
  /** `job` label when the target has none (default: the component id). */
  readonly jobName?: StringValue;
  /** How often to scrape (default `"60s"`). */
  readonly scrapeInterval?: DurationValue;
  /** Scrape timeout (default `"10s"`). */
  readonly scrapeTimeout?: DurationValue;
  /** Default `"/metrics"`. */
  readonly metricsPath?: StringValue;
  /** `http` or `https`. */
  readonly scheme?: StringValue;
  /** Query parameters for each scrape. */
  readonly params?: Readonly<Record<string, StringListValue>>;
  /** Keep the target's labels when they clash with Alloy's (default false). */
  readonly honorLabels?: BoolValue;
  /** Use timestamps from the target (default true). */
  readonly honorTimestamps?: BoolValue;
  readonly trackTimestampsStaleness?: BoolValue;
  /** Protocols to negotiate, in order of preference. */
  readonly scrapeProtocols?: StringListValue;
  readonly scrapeFallbackProtocol?: StringValue;
  readonly scrapeNativeHistograms?: BoolValue;
  readonly scrapeClassicHistograms?: BoolValue;
  readonly convertClassicHistogramsToNhcb?: BoolValue;
  readonly nativeHistogramBucketLimit?: NumberValue;
  readonly nativeHistogramMinBucketFactor?: NumberValue;
  readonly enableCompression?: BoolValue;
  /** Deprecated: use `scrapeProtocols`. */
  readonly enableProtobufNegotiation?: BoolValue;
  readonly extraMetrics?: BoolValue;
  readonly honorMetadata?: BoolValue;
  /** Fail a scrape whose body is larger than this many bytes (0: no limit). */
  readonly bodySizeLimit?: NumberValue;
  /** Fail a scrape with more samples than this after relabeling. */
  readonly sampleLimit?: NumberValue;
  readonly targetLimit?: NumberValue;
  readonly labelLimit?: NumberValue;
  readonly labelNameLengthLimit?: NumberValue;
  readonly labelValueLengthLimit?: NumberValue;
  /** `"legacy"` (default) or `"utf8"`. */
  readonly metricNameValidationScheme?: StringValue;
  readonly metricNameEscapingScheme?: StringValue;
  readonly scrapeFailureLogFile?: StringValue;
  /** Custom HTTP headers sent with each scrape. */
  readonly httpHeaders?: HeaderMapValue;
  /** Share targets with the other members of the cluster. */
  readonly clustering?: Clustering;
}

const scrapeFields = {
  targets: rule.required(),
  forwardTo: rule.required(),
  jobName: rule.attr(),
  scrapeInterval: rule.duration(),
  scrapeTimeout: rule.duration(),
  metricsPath: rule.attr(),
  scheme: rule.oneOf(["http", "https"]),
  params: rule.attr(),
  honorLabels: rule.attr(),
  honorTimestamps: rule.attr(),
  trackTimestampsStaleness: rule.attr(),
  scrapeProtocols: rule.attr(),
  scrapeFallbackProtocol: rule.attr(),
  scrapeNativeHistograms: rule.attr(),
  scrapeClassicHistograms: rule.attr(),
  convertClassicHistogramsToNhcb: rule.attr(),
  nativeHistogramBucketLimit: rule.uint(),
  nativeHistogramMinBucketFactor: rule.attr(),
  enableCompression: rule.attr(),
  enableProtobufNegotiation: rule.attr(),
  extraMetrics: rule.attr(),
  honorMetadata: rule.attr(),
  bodySizeLimit: rule.uint(),
  sampleLimit: rule.uint(),
  targetLimit: rule.uint(),
  labelLimit: rule.uint(),
  labelNameLengthLimit: rule.uint(),
  labelValueLengthLimit: rule.uint(),
  metricNameValidationScheme: rule.oneOf(["legacy", "utf8"]),
  metricNameEscapingScheme: rule.oneOf(["allow-utf-8", "underscores", "dots", "values"]),
  scrapeFailureLogFile: rule.attr(),
  httpHeaders: rule.attr(),
  ...httpClientFields,
  clustering: rule.block(clusteringFields),
} as const satisfies Schema<PrometheusScrapeArgs>;

/** `prometheus.scrape`: scrapes `targets` and forwards the samples to `forwardTo`. */
export const prometheusScrape = defineComponent<
  PrometheusScrapeArgs,
  (typeof componentExports)["prometheus.scrape"]
>("prometheus.scrape", scrapeFields, componentExports["prometheus.scrape"]);

/** Arguments of `prometheus.relabel`. Exports `receiver` and `rules`. */
export interface PrometheusRelabelArgs {
  /** Where relabeled metrics go. */
  readonly forwardTo: MetricsReceiverList;
  /** Size of the relabeling cache (default 100000). */
  readonly maxCacheSize?: NumberValue;
  /** Rules, applied in order; a series left without labels is dropped. */
  readonly rule?: readonly RelabelRule[];
}

const relabelFields = {
  forwardTo: rule.required(),
  maxCacheSize: rule.uint(),
  rule: rule.blocks(relabelRuleFields),
} as const satisfies Schema<PrometheusRelabelArgs>;

/** `prometheus.relabel`: rewrites or drops series on their way to `forwardTo`. */
export const prometheusRelabel = defineComponent<
  PrometheusRelabelArgs,
  (typeof componentExports)["prometheus.relabel"]
>("prometheus.relabel", relabelFields, componentExports["prometheus.relabel"]);

/** `queue_config` of a remote-write endpoint. */
export interface RemoteWriteQueueConfig {
  /** Samples buffered per shard (default 10000). */
  readonly capacity?: NumberValue;
  readonly minShards?: NumberValue;
  /** Default 50. */
  readonly maxShards?: NumberValue;
  /** Default 2000. */
  readonly maxSamplesPerSend?: NumberValue;
  /** Default `"5s"`. */
  readonly batchSendDeadline?: DurationValue;
  /** Default `"30ms"`. */
  readonly minBackoff?: DurationValue;
  /** Default `"5s"`. */
  readonly maxBackoff?: DurationValue;
  readonly retryOnHttp429?: BoolValue;
  /** Drop samples older than this (default `"0s"`: never). */
  readonly sampleAgeLimit?: DurationValue;
}

const queueConfigFields = {
  capacity: rule.uint(),
  minShards: rule.uint(),
  maxShards: rule.uint(),
  maxSamplesPerSend: rule.uint(),
  batchSendDeadline: rule.duration(),
  minBackoff: rule.duration(),
  maxBackoff: rule.duration(),
  retryOnHttp429: { ...rule.attr(), alloy: "retry_on_http_429" },
  sampleAgeLimit: rule.duration(),
} as const satisfies Schema<RemoteWriteQueueConfig>;

/** `metadata_config` of a remote-write endpoint. */
export interface RemoteWriteMetadataConfig {
  readonly send?: BoolValue;
  readonly sendInterval?: DurationValue;
  readonly maxSamplesPerSend?: NumberValue;
}

/** `sigv4`: AWS Signature Version 4 authentication. */
export interface SigV4 {
  readonly region?: StringValue;
  readonly accessKey?: StringValue;
  readonly secretKey?: SecretValue;
  readonly profile?: StringValue;
  readonly roleArn?: StringValue;
  /** External ID used when assuming `roleArn` through STS. */
  readonly externalId?: StringValue;
  /** AWS service the requests are signed for (default `"aps"`). */
  readonly serviceName?: StringValue;
  readonly useFipsStsEndpoint?: BoolValue;
}

/** `azuread`: Microsoft Entra ID; exactly one of its four identity blocks. */
export interface AzureAd {
  /** `"AzurePublic"` (default), `"AzureChina"` or `"AzureGovernment"`. */
  readonly cloud?: "AzurePublic" | "AzureChina" | "AzureGovernment" | Expression<"string">;
  /** OAuth 2.0 scope (audience) requested with the token. */
  readonly scope?: StringValue;
  readonly managedIdentity?: { readonly clientId: StringValue };
  readonly oauth?: {
    readonly clientId: StringValue;
    readonly clientSecret: SecretValue;
    readonly tenantId: StringValue;
  };
  readonly sdk?: { readonly tenantId: StringValue };
  readonly workloadIdentity?: {
    readonly clientId: StringValue;
    readonly tenantId: StringValue;
    readonly tokenFilePath?: StringValue;
  };
}

/** `google_iam`: Google IAM; without a credentials file, Application Default Credentials. */
export interface GoogleIam {
  readonly credentialsFile?: StringValue;
}

/** One `endpoint` of `prometheus.remote_write`. */
export interface RemoteWriteEndpoint extends HttpClientConfig {
  /** Full URL to send metrics to, e.g. `http://thanos-receive:19291/api/v1/receive`. */
  readonly url: StringValue;
  /** Name of the endpoint in debug metrics. */
  readonly name?: StringValue;
  /** Request timeout (default `"30s"`). */
  readonly remoteTimeout?: DurationValue;
  /** Extra headers, e.g. `{ "THANOS-TENANT": "materialize" }`. */
  readonly headers?: StringMapValue;
  readonly httpHeaders?: HeaderMapValue;
  readonly sendExemplars?: BoolValue;
  readonly sendNativeHistograms?: BoolValue;
  readonly roundRobinDns?: BoolValue;
  /** `"prometheus.WriteRequest"` (default) or `"io.prometheus.write.v2.Request"`. */
  readonly protobufMessage?: StringValue;
  readonly queueConfig?: RemoteWriteQueueConfig;
  readonly metadataConfig?: RemoteWriteMetadataConfig;
  readonly writeRelabelConfig?: readonly RelabelRule[];
  readonly sigv4?: SigV4;
  readonly azuread?: AzureAd;
  readonly googleIam?: GoogleIam;
}

const endpointFields = {
  url: rule.required(),
  name: rule.attr(),
  remoteTimeout: rule.duration(),
  headers: rule.attr(),
  httpHeaders: rule.attr(),
  sendExemplars: rule.attr(),
  sendNativeHistograms: rule.attr(),
  roundRobinDns: rule.attr(),
  protobufMessage: rule.oneOf(["prometheus.WriteRequest", "io.prometheus.write.v2.Request"]),
  ...httpClientFields,
  queueConfig: rule.block(queueConfigFields),
  metadataConfig: rule.block({
    send: rule.attr(),
    sendInterval: rule.duration(),
    maxSamplesPerSend: rule.uint(),
  } satisfies Schema<RemoteWriteMetadataConfig>),
  writeRelabelConfig: rule.blocks(relabelRuleFields),
  sigv4: rule.block({
    region: rule.attr(),
    accessKey: rule.attr(),
    secretKey: rule.attr(),
    profile: rule.attr(),
    roleArn: rule.attr(),
    externalId: rule.attr(),
    serviceName: rule.attr(),
    useFipsStsEndpoint: rule.attr(),
  } satisfies Schema<SigV4>),
  azuread: rule.block({
    cloud: rule.oneOf(["AzurePublic", "AzureChina", "AzureGovernment"]),
    scope: rule.attr(),
    managedIdentity: rule.block({ clientId: rule.required() }),
    oauth: rule.block({
      clientId: rule.required(),
      clientSecret: rule.required(),
      tenantId: rule.required(),
    }),
    sdk: rule.block({ tenantId: rule.required() }),
    workloadIdentity: rule.block({
      clientId: rule.required(),
      tenantId: rule.required(),
      tokenFilePath: rule.attr(),
    }),
  } satisfies Schema<AzureAd>),
  googleIam: rule.block({ credentialsFile: rule.attr() } satisfies Schema<GoogleIam>),
} as const satisfies Schema<RemoteWriteEndpoint>;

/** `wal` of `prometheus.remote_write`. */
export interface RemoteWriteWal {
  /** Default `"2h"`. */
  readonly truncateFrequency?: DurationValue;
  /** Default `"5m"`. */
  readonly minKeepaliveTime?: DurationValue;
  /** Default `"8h"`. */
  readonly maxKeepaliveTime?: DurationValue;
}

/** Arguments of `prometheus.remote_write`. Exports `receiver`. */
export interface PrometheusRemoteWriteArgs {
  /** Labels added to every series sent. */
  readonly externalLabels?: StringMapValue;
  /** Where to send metrics; every endpoint gets every sample. */
  readonly endpoint?: readonly RemoteWriteEndpoint[];
  readonly wal?: RemoteWriteWal;
}

const remoteWriteFields = {
  externalLabels: rule.attr(),
  endpoint: rule.blocks(endpointFields),
  wal: rule.block({
    truncateFrequency: rule.duration(),
    minKeepaliveTime: rule.duration(),
    maxKeepaliveTime: rule.duration(),
  } satisfies Schema<RemoteWriteWal>),
} as const satisfies Schema<PrometheusRemoteWriteArgs>;

/** `prometheus.remote_write`: buffers metrics in a WAL and sends them to each `endpoint`. */
export const prometheusRemoteWrite = defineComponent<
  PrometheusRemoteWriteArgs,
  (typeof componentExports)["prometheus.remote_write"]
>("prometheus.remote_write", remoteWriteFields, componentExports["prometheus.remote_write"]);

/** `prometheus.exporter.self`: Alloy's own metrics as a target. Takes no arguments; exports `targets`. */
export const prometheusExporterSelf = defineComponent<
  Record<never, never>,
  (typeof componentExports)["prometheus.exporter.self"]
>("prometheus.exporter.self", {}, componentExports["prometheus.exporter.self"]);

/** `filesystem` collector settings of `prometheus.exporter.unix`. */
export interface UnixFilesystem {
  readonly fsTypesExclude?: StringValue;
  readonly mountPointsExclude?: StringValue;
  readonly mountTimeout?: DurationValue;
}

/** `netclass` collector settings. */
export interface UnixNetclass {
  readonly ignoreInvalidSpeedDevice?: BoolValue;
  readonly ignoredDevices?: StringValue;
}

/** `netdev` collector settings. */
export interface UnixNetdev {
  readonly addressInfo?: BoolValue;
  readonly deviceExclude?: StringValue;
  readonly deviceInclude?: StringValue;
}

/** `disk` (diskstats) collector settings. */
export interface UnixDisk {
  readonly deviceExclude?: StringValue;
  readonly deviceInclude?: StringValue;
}

/** `textfile` collector settings. */
export interface UnixTextfile {
  /** Directory of `*.prom` files to read. */
  readonly directory?: StringValue;
}

/** Arguments of `prometheus.exporter.unix` (the embedded node_exporter). Exports `targets`. */
export interface PrometheusExporterUnixArgs {
  /** Replace the default collector set. */
  readonly setCollectors?: StringListValue;
  readonly enableCollectors?: StringListValue;
  readonly disableCollectors?: StringListValue;
  readonly includeExporterMetrics?: BoolValue;
  /** Default `/proc`; `/host/proc` when the host's is mounted there. */
  readonly procfsPath?: StringValue;
  /** Default `/sys`. */
  readonly sysfsPath?: StringValue;
  /** Default `/`. */
  readonly rootfsPath?: StringValue;
  readonly udevDataPath?: StringValue;
  readonly filesystem?: UnixFilesystem;
  readonly netclass?: UnixNetclass;
  readonly netdev?: UnixNetdev;
  readonly disk?: UnixDisk;
  readonly textfile?: UnixTextfile;
}

const unixFields = {
  setCollectors: rule.attr(),
  enableCollectors: rule.attr(),
  disableCollectors: rule.attr(),
  includeExporterMetrics: rule.attr(),
  procfsPath: rule.attr(),
  sysfsPath: rule.attr(),
  rootfsPath: rule.attr(),
  udevDataPath: rule.attr(),
  filesystem: rule.block({
    fsTypesExclude: rule.attr(),
    mountPointsExclude: rule.attr(),
    mountTimeout: rule.duration(),
  } satisfies Schema<UnixFilesystem>),
  netclass: rule.block({
    ignoreInvalidSpeedDevice: rule.attr(),
    ignoredDevices: rule.attr(),
  } satisfies Schema<UnixNetclass>),
  netdev: rule.block({
    addressInfo: rule.attr(),
    deviceExclude: rule.attr(),
    deviceInclude: rule.attr(),
  } satisfies Schema<UnixNetdev>),
  disk: rule.block({
    deviceExclude: rule.attr(),
    deviceInclude: rule.attr(),
  } satisfies Schema<UnixDisk>),
  textfile: rule.block({ directory: rule.attr() } satisfies Schema<UnixTextfile>),
} as const satisfies Schema<PrometheusExporterUnixArgs>;

/** `prometheus.exporter.unix`: host metrics from the embedded node_exporter; exports `targets`. */
export const prometheusExporterUnix = defineComponent<
  PrometheusExporterUnixArgs,
  (typeof componentExports)["prometheus.exporter.unix"]
>("prometheus.exporter.unix", unixFields, componentExports["prometheus.exporter.unix"]);

/** The `prometheus.*` namespace. */
export const prometheus = {
  scrape: prometheusScrape,
  relabel: prometheusRelabel,
  remoteWrite: prometheusRemoteWrite,
  exporter: { self: prometheusExporterSelf, unix: prometheusExporterUnix },
};
