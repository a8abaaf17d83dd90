/**
 * `otelcol.*` components: receive OTLP, batch, and export OTLP (gRPC or
 * HTTP) or convert to Loki logs and Prometheus metrics.
 */
import { defineComponent } from "../builder.js";
import { rule, type Schema } from "../schema.js";
import type {
  BoolValue,
  DurationValue,
  Expression,
  LogsReceiverList,
  MetricsReceiverList,
  NumberValue,
  OtelConsumerList,
  SecretValue,
  SizeValue,
  StringListValue,
  StringMapValue,
  StringValue,
} from "../values.js";
import { componentExports } from "./registry.js";

/** `output`: where a component sends each signal (all optional; unset signals are dropped). */
export interface OtelOutput {
  readonly metrics?: OtelConsumerList;
  readonly logs?: OtelConsumerList;
  readonly traces?: OtelConsumerList;
}

const outputFields = {
  metrics: rule.attr(),
  logs: rule.attr(),
  traces: rule.attr(),
} as const satisfies Schema<OtelOutput>;

/** `debug_metrics`: the component's own metrics. */
export interface OtelDebugMetrics {
  readonly disableHighCardinalityMetrics?: BoolValue;
  /** `"none"`, `"basic"`, `"normal"` or `"detailed"`. */
  readonly level?: StringValue;
}

const debugMetricsFields = {
  disableHighCardinalityMetrics: rule.attr(),
  level: rule.oneOf(["none", "basic", "normal", "detailed"]),
} as const satisfies Schema<OtelDebugMetrics>;

/** An `otelcol.auth.*` handler export. */
export type OtelAuthHandler = Expression<"otelcol.Handler">;

/** `tls` of an OTLP server. */
export interface OtelServerTls {
  readonly caFile?: StringValue;
  readonly caPem?: StringValue;
  readonly certFile?: StringValue;
  readonly certPem?: StringValue;
  readonly keyFile?: StringValue;
  readonly keyPem?: SecretValue;
  /** Require and verify client certificates signed by this CA. */
  readonly clientCaFile?: StringValue;
  readonly includeSystemCaCertsPool?: BoolValue;
  /** Default `"TLS 1.2"`. */
  readonly minVersion?: StringValue;
  readonly maxVersion?: StringValue;
  readonly cipherSuites?: StringListValue;
  readonly curvePreferences?: StringListValue;
  readonly reloadInterval?: DurationValue;
}

const serverTlsFields = {
  caFile: rule.attr(),
  caPem: rule.attr(),
  certFile: rule.attr(),
  certPem: rule.attr(),
  keyFile: rule.attr(),
  keyPem: rule.attr(),
  clientCaFile: rule.attr(),
  includeSystemCaCertsPool: rule.attr(),
  minVersion: rule.attr(),
  maxVersion: rule.attr(),
  cipherSuites: rule.attr(),
  curvePreferences: rule.attr(),
  reloadInterval: rule.duration(),
} as const satisfies Schema<OtelServerTls>;

/** `tls` of an OTLP client. */
export interface OtelClientTls {
  /** Disable TLS (plain-text connection). */
  readonly insecure?: BoolValue;
  readonly insecureSkipVerify?: BoolValue;
  readonly caFile?: StringValue;
  readonly caPem?: StringValue;
  readonly certFile?: StringValue;
  readonly certPem?: StringValue;
  readonly keyFile?: StringValue;
  readonly keyPem?: SecretValue;
  readonly serverName?: StringValue;
  readonly includeSystemCaCertsPool?: BoolValue;
  readonly minVersion?: StringValue;
  readonly maxVersion?: StringValue;
  readonly cipherSuites?: StringListValue;
  readonly curvePreferences?: StringListValue;
  readonly reloadInterval?: DurationValue;
}

const clientTlsFields = {
  insecure: rule.attr(),
  insecureSkipVerify: rule.attr(),
  caFile: rule.attr(),
  caPem: rule.attr(),
  certFile: rule.attr(),
  certPem: rule.attr(),
  keyFile: rule.attr(),
  keyPem: rule.attr(),
  serverName: rule.attr(),
  includeSystemCaCertsPool: rule.attr(),
  minVersion: rule.attr(),
  maxVersion: rule.attr(),
  cipherSuites: rule.attr(),
  curvePreferences: rule.attr(),
  reloadInterval: rule.duration(),
} as const satisfies Schema<OtelClientTls>;

/** `keepalive` > `enforcement_policy` of a gRPC server. */
export interface OtelEnforcementPolicy {
  readonly minTime?: DurationValue;
  readonly permitWithoutStream?: BoolValue;
}

/** `keepalive` > `server_parameters` of a gRPC server. */
export interface OtelServerParameters {
  readonly maxConnectionIdle?: DurationValue;
  readonly maxConnectionAge?: DurationValue;
  readonly maxConnectionAgeGrace?: DurationValue;
  readonly time?: DurationValue;
  readonly timeout?: DurationValue;
}

/** `keepalive` of a gRPC server. */
export interface OtelServerKeepalive {
  readonly enforcementPolicy?: OtelEnforcementPolicy;
  readonly serverParameters?: OtelServerParameters;
}

/** `grpc` server of `otelcol.receiver.otlp` (OTLP/gRPC). */
export interface OtlpGrpcServer {
  /** Default `"0.0.0.0:4317"`. */
  readonly endpoint?: StringValue;
  readonly transport?: StringValue;
  /** Default `"4MiB"`. */
  readonly maxRecvMsgSize?: SizeValue;
  readonly maxConcurrentStreams?: NumberValue;
  readonly readBufferSize?: SizeValue;
  readonly writeBufferSize?: SizeValue;
  readonly includeMetadata?: BoolValue;
  readonly auth?: OtelAuthHandler;
  readonly tls?: OtelServerTls;
  readonly keepalive?: OtelServerKeepalive;
}

/** `cors` of the OTLP/HTTP server. */
export interface OtlpCors {
  readonly allowedOrigins?: StringListValue;
  readonly allowedHeaders?: StringListValue;
  readonly exposedHeaders?: StringListValue;
  readonly maxAge?: NumberValue;
}

/** `http` server of `otelcol.receiver.otlp` (OTLP/HTTP). */
export interface OtlpHttpServer {
  /** Default `"0.0.0.0:4318"`. */
  readonly endpoint?: StringValue;
  readonly includeMetadata?: BoolValue;
  /** Default `"20MiB"`. */
  readonly maxRequestBodySize?: SizeValue;
  readonly compressionAlgorithms?: StringListValue;
  readonly logsUrlPath?: StringValue;
  readonly metricsUrlPath?: StringValue;
  readonly tracesUrlPath?: StringValue;
  readonly readHeaderTimeout?: DurationValue;
  readonly readTimeout?: DurationValue;
  readonly writeTimeout?: DurationValue;
  readonly idleTimeout?: DurationValue;
  readonly keepAlivesEnabled?: BoolValue;
  readonly auth?: OtelAuthHandler;
  readonly cors?: OtlpCors;
  readonly tls?: OtelServerTls;
}

/** Arguments of `otelcol.receiver.otlp`. Exports nothing. */
export interface OtelcolReceiverOtlpArgs {
  /** Start the gRPC server (`true` for defaults). */
  readonly grpc?: OtlpGrpcServer | true;
  /** Start the HTTP server (`true` for defaults). */
  readonly http?: OtlpHttpServer | true;
  readonly output: OtelOutput;
  readonly debugMetrics?: OtelDebugMetrics;
}

const receiverOtlpFields = {
  grpc: rule.block({
    endpoint: rule.attr(),
    transport: rule.attr(),
    maxRecvMsgSize: rule.size(),
    maxConcurrentStreams: rule.uint(),
    readBufferSize: rule.size(),
    writeBufferSize: rule.size(),
    includeMetadata: rule.attr(),
    auth: rule.attr(),
    tls: rule.block(serverTlsFields),
    keepalive: rule.block({
      enforcementPolicy: rule.block({
        minTime: rule.duration(),
        permitWithoutStream: rule.attr(),
      } satisfies Schema<OtelEnforcementPolicy>),
      serverParameters: rule.block({
        maxConnectionIdle: rule.duration(),
        maxConnectionAge: rule.duration(),
        maxConnectionAgeGrace: rule.duration(),
        time: rule.duration(),
        timeout: rule.duration(),
      } satisfies Schema<OtelServerParameters>),
    } satisfies Schema<OtelServerKeepalive>),
  } satisfies Schema<OtlpGrpcServer>),
  http: rule.block({
    endpoint: rule.attr(),
    includeMetadata: rule.attr(),
    maxRequestBodySize: rule.size(),
    compressionAlgorithms: rule.attr(),
    logsUrlPath: rule.attr(),
    metricsUrlPath: rule.attr(),
    tracesUrlPath: rule.attr(),
    readHeaderTimeout: rule.duration(),
    readTimeout: rule.duration(),
    writeTimeout: rule.duration(),
    idleTimeout: rule.duration(),
    keepAlivesEnabled: rule.attr(),
    auth: rule.attr(),
    cors: rule.block({
      allowedOrigins: rule.attr(),
      allowedHeaders: rule.attr(),
      exposedHeaders: rule.attr(),
      maxAge: rule.uint(),
    } satisfies Schema<OtlpCors>),
    tls: rule.block(serverTlsFields),
  } satisfies Schema<OtlpHttpServer>),
  output: rule.block(outputFields, true),
  debugMetrics: rule.block(debugMetricsFields),
} as const satisfies Schema<OtelcolReceiverOtlpArgs>;

/** `otelcol.receiver.otlp`: accepts OTLP over gRPC and/or HTTP. */
export const otelcolReceiverOtlp = defineComponent<
  OtelcolReceiverOtlpArgs,
  (typeof componentExports)["otelcol.receiver.otlp"]
>("otelcol.receiver.otlp", receiverOtlpFields, componentExports["otelcol.receiver.otlp"]);

/** Arguments of `otelcol.processor.batch`. Exports `input`. */
export interface OtelcolProcessorBatchArgs {
  /** Flush after this long (default `"200ms"`). */
  readonly timeout?: DurationValue;
  /** Flush at this many items (default 8192). */
  readonly sendBatchSize?: NumberValue;
  /** Upper bound of a batch (0: none). */
  readonly sendBatchMaxSize?: NumberValue;
  readonly metadataKeys?: StringListValue;
  readonly metadataCardinalityLimit?: NumberValue;
  readonly output: OtelOutput;
  readonly debugMetrics?: OtelDebugMetrics;
}

const batchFields = {
  timeout: rule.duration(),
  sendBatchSize: rule.uint(),
  sendBatchMaxSize: rule.uint(),
  metadataKeys: rule.attr(),
  metadataCardinalityLimit: rule.uint(),
  output: rule.block(outputFields, true),
  debugMetrics: rule.block(debugMetricsFields),
} as const satisfies Schema<OtelcolProcessorBatchArgs>;

/** `otelcol.processor.batch`: batches telemetry before export. */
export const otelcolProcessorBatch = defineComponent<
  OtelcolProcessorBatchArgs,
  (typeof componentExports)["otelcol.processor.batch"]
>("otelcol.processor.batch", batchFields, componentExports["otelcol.processor.batch"]);

/** `retry_on_failure` of an exporter. */
export interface OtelRetryOnFailure {
  readonly enabled?: BoolValue;
  readonly initialInterval?: DurationValue;
  readonly maxInterval?: DurationValue;
  readonly maxElapsedTime?: DurationValue;
  readonly multiplier?: NumberValue;
  readonly randomizationFactor?: NumberValue;
}

const retryFields = {
  enabled: rule.attr(),
  initialInterval: rule.duration(),
  maxInterval: rule.duration(),
  maxElapsedTime: rule.duration(),
  multiplier: rule.attr(),
  randomizationFactor: rule.attr(),
} as const satisfies Schema<OtelRetryOnFailure>;

/** `sending_queue` of an exporter. */
export interface OtelSendingQueue {
  readonly enabled?: BoolValue;
  /** Default 10. */
  readonly numConsumers?: NumberValue;
  /** Default 1000. */
  readonly queueSize?: NumberValue;
  readonly blockOnOverflow?: BoolValue;
  /** `"requests"` (default), `"items"` or `"bytes"`. */
  readonly sizer?: StringValue;
  /** An `otelcol.storage.*` handler for a persistent queue. */
  readonly storage?: OtelAuthHandler;
}

const queueFields = {
  enabled: rule.attr(),
  numConsumers: rule.uint(),
  queueSize: rule.uint(),
  blockOnOverflow: rule.attr(),
  sizer: rule.oneOf(["requests", "items", "bytes"]),
  storage: rule.attr(),
} as const satisfies Schema<OtelSendingQueue>;

/** `keepalive` of a gRPC client. */
export interface OtelClientKeepalive {
  readonly pingWait?: DurationValue;
  readonly pingResponseTimeout?: DurationValue;
  readonly pingWithoutStream?: BoolValue;
}

/** `client` of `otelcol.exporter.otlp` (gRPC). */
export interface OtlpGrpcClient {
  /** `host:port` to send to. */
  readonly endpoint: StringValue;
  /** Default `"gzip"`. */
  readonly compression?: StringValue;
  readonly headers?: StringMapValue;
  readonly auth?: OtelAuthHandler;
  readonly authority?: StringValue;
  readonly balancerName?: StringValue;
  readonly readBufferSize?: SizeValue;
  readonly writeBufferSize?: SizeValue;
  readonly waitForReady?: BoolValue;
  readonly tls?: OtelClientTls;
  readonly keepalive?: OtelClientKeepalive;
}

/** Arguments of `otelcol.exporter.otlp`. Exports `input`. */
export interface OtelcolExporterOtlpArgs {
  /** Request timeout (default `"5s"`). */
  readonly timeout?: DurationValue;
  readonly client: OtlpGrpcClient;
  readonly retryOnFailure?: OtelRetryOnFailure;
  readonly sendingQueue?: OtelSendingQueue;
  readonly debugMetrics?: OtelDebugMetrics;
}

const exporterOtlpFields = {
  timeout: rule.duration(),
  client: rule.block(
    {
      endpoint: rule.required(),
      compression: rule.attr(),
      headers: rule.attr(),
      auth: rule.attr(),
      authority: rule.attr(),
      balancerName: rule.attr(),
      readBufferSize: rule.size(),
      writeBufferSize: rule.size(),
      waitForReady: rule.attr(),
      tls: rule.block(clientTlsFields),
      keepalive: rule.block({
        pingWait: rule.duration(),
        pingResponseTimeout: rule.duration(),
        pingWithoutStream: rule.attr(),
      } satisfies Schema<OtelClientKeepalive>),
    } satisfies Schema<OtlpGrpcClient>,
    true,
  ),
  retryOnFailure: rule.block(retryFields),
  sendingQueue: rule.block(queueFields),
  debugMetrics: rule.block(debugMetricsFields),
} as const satisfies Schema<OtelcolExporterOtlpArgs>;

/** `otelcol.exporter.otlp`: sends telemetry over OTLP/gRPC. */
export const otelcolExporterOtlp = defineComponent<
  OtelcolExporterOtlpArgs,
  (typeof componentExports)["otelcol.exporter.otlp"]
>("otelcol.exporter.otlp", exporterOtlpFields, componentExports["otelcol.exporter.otlp"]);

/** `client` of `otelcol.exporter.otlphttp`. */
export interface OtlpHttpClient {
  /** Base URL; signals go to `/v1/metrics`, `/v1/logs`, `/v1/traces` under it. */
  readonly endpoint: StringValue;
  readonly proxyUrl?: StringValue;
  /** Default `"30s"`. */
  readonly timeout?: DurationValue;
  readonly headers?: StringMapValue;
  /** Default `"gzip"`. */
  readonly compression?: StringValue;
  readonly readBufferSize?: SizeValue;
  readonly writeBufferSize?: SizeValue;
  readonly maxIdleConns?: NumberValue;
  readonly maxIdleConnsPerHost?: NumberValue;
  readonly maxConnsPerHost?: NumberValue;
  readonly idleConnTimeout?: DurationValue;
  readonly disableKeepAlives?: BoolValue;
  readonly http2ReadIdleTimeout?: DurationValue;
  readonly http2PingTimeout?: DurationValue;
  readonly auth?: OtelAuthHandler;
  readonly tls?: OtelClientTls;
  readonly cookies?: { readonly enabled?: BoolValue };
}

/** Arguments of `otelcol.exporter.otlphttp`. Exports `input`. */
export interface OtelcolExporterOtlphttpArgs {
  readonly metricsEndpoint?: StringValue;
  readonly logsEndpoint?: StringValue;
  readonly tracesEndpoint?: StringValue;
  /** `"proto"` (default) or `"json"`. */
  readonly encoding?: "proto" | "json" | Expression<"string">;
  readonly client: OtlpHttpClient;
  readonly retryOnFailure?: OtelRetryOnFailure;
  readonly sendingQueue?: OtelSendingQueue;
  readonly debugMetrics?: OtelDebugMetrics;
}

const exporterOtlphttpFields = {
  metricsEndpoint: rule.attr(),
  logsEndpoint: rule.attr(),
  tracesEndpoint: rule.attr(),
  encoding: rule.oneOf(["proto", "json"]),
  client: rule.block(
    {
      endpoint: rule.required(),
      proxyUrl: rule.attr(),
      timeout: rule.duration(),
      headers: rule.attr(),
      compression: rule.attr(),
      readBufferSize: rule.size(),
      writeBufferSize: rule.size(),
      maxIdleConns: rule.uint(),
      maxIdleConnsPerHost: rule.uint(),
      maxConnsPerHost: rule.uint(),
      idleConnTimeout: rule.duration(),
      disableKeepAlives: rule.attr(),
      http2ReadIdleTimeout: rule.duration(),
      http2PingTimeout: rule.duration(),
      auth: rule.attr(),
      tls: rule.block(clientTlsFields),
      cookies: rule.block({ enabled: rule.attr() }),
    } satisfies Schema<OtlpHttpClient>,
    true,
  ),
  retryOnFailure: rule.block(retryFields),
  sendingQueue: rule.block(queueFields),
  debugMetrics: rule.block(debugMetricsFields),
} as const satisfies Schema<OtelcolExporterOtlphttpArgs>;

/** `otelcol.exporter.otlphttp`: sends telemetry over OTLP/HTTP. */
export const otelcolExporterOtlphttp = defineComponent<
  OtelcolExporterOtlphttpArgs,
  (typeof componentExports)["otelcol.exporter.otlphttp"]
>(
  "otelcol.exporter.otlphttp",
  exporterOtlphttpFields,
  componentExports["otelcol.exporter.otlphttp"],
);

/** Arguments of `otelcol.exporter.loki`. Exports `input` (logs only). */
export interface OtelcolExporterLokiArgs {
  /** Loki receivers for the converted entries. */
  readonly forwardTo: LogsReceiverList;
}

/** `otelcol.exporter.loki`: converts OTLP logs to Loki entries. */
export const otelcolExporterLoki = defineComponent<
  OtelcolExporterLokiArgs,
  (typeof componentExports)["otelcol.exporter.loki"]
>(
  "otelcol.exporter.loki",
  { forwardTo: rule.required() } satisfies Schema<OtelcolExporterLokiArgs>,
  componentExports["otelcol.exporter.loki"],
);

/** Arguments of `otelcol.exporter.prometheus`. Exports `input` (metrics only). */
export interface OtelcolExporterPrometheusArgs {
  readonly forwardTo: MetricsReceiverList;
  /** Default true. */
  readonly includeTargetInfo?: BoolValue;
  /** Default false. */
  readonly includeScopeInfo?: BoolValue;
  /** Default true. */
  readonly includeScopeLabels?: BoolValue;
  /** Default true. */
  readonly addMetricSuffixes?: BoolValue;
  /** Default `"5m"`. */
  readonly gcFrequency?: DurationValue;
  readonly resourceToTelemetryConversion?: BoolValue;
  readonly keepIdentifyingResourceAttributes?: BoolValue;
  readonly honorMetadata?: BoolValue;
  readonly convertClassicHistogramsToNhcb?: BoolValue;
  readonly startTimestampZeroIngestion?: BoolValue;
  readonly debugMetrics?: OtelDebugMetrics;
}

const exporterPrometheusFields = {
  forwardTo: rule.required(),
  includeTargetInfo: rule.attr(),
  includeScopeInfo: rule.attr(),
  includeScopeLabels: rule.attr(),
  addMetricSuffixes: rule.attr(),
  gcFrequency: rule.duration(),
  resourceToTelemetryConversion: rule.attr(),
  keepIdentifyingResourceAttributes: rule.attr(),
  honorMetadata: rule.attr(),
  convertClassicHistogramsToNhcb: rule.attr(),
  startTimestampZeroIngestion: rule.attr(),
  debugMetrics: rule.block(debugMetricsFields),
} as const satisfies Schema<OtelcolExporterPrometheusArgs>;

/** `otelcol.exporter.prometheus`: converts OTLP metrics to Prometheus samples. */
export const otelcolExporterPrometheus = defineComponent<
  OtelcolExporterPrometheusArgs,
  (typeof componentExports)["otelcol.exporter.prometheus"]
>(
  "otelcol.exporter.prometheus",
  exporterPrometheusFields,
  componentExports["otelcol.exporter.prometheus"],
);

/** The `otelcol.*` namespace. */
export const otelcol = {
  receiver: { otlp: otelcolReceiverOtlp },
  processor: { batch: otelcolProcessorBatch },
  exporter: {
    otlp: otelcolExporterOtlp,
    otlphttp: otelcolExporterOtlphttp,
    loki: otelcolExporterLoki,
    prometheus: otelcolExporterPrometheus,
  },
};
