/**
 * Every typed component constructor: the Alloy text it writes, its exports,
 * its literal checks, and (with `// @ts-expect-error`, checked by
 * `tsc --noEmit`) the mistakes its types rule out.
 */
import { describe, expect, it } from "vitest";
import {
  AlloyConfig,
  AlloyValueError,
  attr,
  type ComponentSpec,
  componentExports,
  convert,
  discovery,
  type ExportTypes,
  expr,
  livedebugging,
  local,
  logging,
  loki,
  otelcol,
  prometheus,
  remote,
  snakeCase,
  stage,
  sys,
} from "../src/index.js";

/** The block a spec prints to, in a file of its own. */
function text(spec: ComponentSpec<ExportTypes>): string {
  const config = new AlloyConfig();
  config.add(spec);
  return config.toString();
}

/** A config with one component of each kind of export, for wiring tests. */
function sinks() {
  const config = new AlloyConfig();
  const metrics = config.add(prometheus.remoteWrite("m", { endpoint: [{ url: "http://m/push" }] }));
  const logs = config.add(loki.write("l", { endpoint: [{ url: "http://l/push" }] }));
  const otlp = config.add(otelcol.exporter.otlp("o", { client: { endpoint: "tempo:4317" } }));
  const pods = config.add(discovery.kubernetes("pods", { role: "pod" }));
  return { config, metrics, logs, otlp, pods };
}

describe("discovery.kubernetes", () => {
  it("writes role, namespaces, selectors and attach_metadata", () => {
    expect(
      text(
        discovery.kubernetes("pods", {
          role: "pod",
          namespaces: { ownNamespace: true, names: ["materialize"] },
          selectors: [
            { role: "pod", label: "app=environmentd" },
            { role: "pod", field: expr.concat("spec.nodeName=", sys.env("HOSTNAME")) },
          ],
          attachMetadata: { node: true },
          kubeconfigFile: "/etc/kubeconfig",
        }),
      ),
    ).toBe(
      [
        'discovery.kubernetes "pods" {',
        '\trole            = "pod"',
        '\tkubeconfig_file = "/etc/kubeconfig"',
        "",
        "\tnamespaces {",
        "\t\town_namespace = true",
        '\t\tnames         = ["materialize"]',
        "\t}",
        "",
        "\tselectors {",
        '\t\trole  = "pod"',
        '\t\tlabel = "app=environmentd"',
        "\t}",
        "",
        "\tselectors {",
        '\t\trole  = "pod"',
        '\t\tfield = "spec.nodeName=" + sys.env("HOSTNAME")',
        "\t}",
        "",
        "\tattach_metadata {",
        "\t\tnode = true",
        "\t}",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("checks the role", () => {
    expect(() => discovery.kubernetes("x", { role: "pods" as "pod" })).toThrow(
      'discovery.kubernetes "x".role: "pods" is not allowed (use one of node, pod, service, endpoints, endpointslice, ingress)',
    );
  });

  it("rules out mistakes at compile time", () => {
    // @ts-expect-error role is required
    expect(() => discovery.kubernetes("x", {})).toThrow("role: missing required argument");
    // @ts-expect-error "pods" is not a role
    expect(() => discovery.kubernetes("x", { role: "pods" })).toThrow(AlloyValueError);
    // @ts-expect-error selectors is a list of blocks
    expect(() => discovery.kubernetes("x", { role: "pod", selectors: { role: "pod" } })).toThrow(
      "expected a list of blocks",
    );
  });
});

describe("discovery.relabel", () => {
  it("writes rules in order and exports output and rules", () => {
    const { config, pods } = sinks();
    const relabel = config.add(
      discovery.relabel("keep", {
        targets: pods.exports.targets,
        rule: [
          {
            sourceLabels: ["__meta_kubernetes_pod_label_app"],
            regex: "environmentd|clusterd",
            action: "keep",
          },
          { action: "labelmap", regex: "__meta_kubernetes_pod_label_(.+)" },
          {
            sourceLabels: ["__address__"],
            modulus: 4,
            targetLabel: "__tmp_hash",
            action: "hashmod",
          },
        ],
      }),
    );
    expect(relabel.exports.output.toString()).toBe("discovery.relabel.keep.output");
    expect(relabel.exports.rules.toString()).toBe("discovery.relabel.keep.rules");
    expect(config.toString()).toContain(
      [
        'discovery.relabel "keep" {',
        "\ttargets = discovery.kubernetes.pods.targets",
        "",
        "\trule {",
        '\t\taction        = "keep"',
        '\t\tsource_labels = ["__meta_kubernetes_pod_label_app"]',
        '\t\tregex         = "environmentd|clusterd"',
        "\t}",
        "",
        "\trule {",
        '\t\taction = "labelmap"',
        '\t\tregex  = "__meta_kubernetes_pod_label_(.+)"',
        "\t}",
        "",
        "\trule {",
        '\t\taction        = "hashmod"',
        '\t\tsource_labels = ["__address__"]',
        '\t\ttarget_label  = "__tmp_hash"',
        "\t\tmodulus       = 4",
        "\t}",
        "}",
      ].join("\n"),
    );
  });

  it("checks actions and rules out wrong targets", () => {
    const { metrics } = sinks();
    expect(() =>
      discovery.relabel("x", { targets: [], rule: [{ action: "keeep" as "keep" }] }),
    ).toThrow('.rule[0].action: "keeep" is not allowed');
    // @ts-expect-error a metrics receiver is not a list of targets
    discovery.relabel("x", { targets: metrics.exports.receiver });
    // @ts-expect-error modulus is a number
    discovery.relabel("x", { targets: [], rule: [{ modulus: "4" }] });
  });
});

describe("prometheus.scrape", () => {
  it("writes targets, forward_to, durations and clustering", () => {
    const { config, metrics, pods } = sinks();
    config.add(
      prometheus.scrape("pods", {
        targets: pods.exports.targets,
        forwardTo: [metrics.exports.receiver],
        scrapeInterval: "30s",
        scrapeTimeout: "10s",
        metricsPath: "/metrics",
        honorLabels: true,
        sampleLimit: 50000,
        params: { module: ["http_2xx"] },
        clustering: { enabled: true },
        basicAuth: { username: "u", passwordFile: "/secrets/p" },
        tlsConfig: { caFile: "/ca.crt", insecureSkipVerify: false },
      }),
    );
    expect(config.toString()).toContain(
      [
        'prometheus.scrape "pods" {',
        "\ttargets         = discovery.kubernetes.pods.targets",
        "\tforward_to      = [prometheus.remote_write.m.receiver]",
        '\tscrape_interval = "30s"',
        '\tscrape_timeout  = "10s"',
        '\tmetrics_path    = "/metrics"',
        "\tparams          = {",
        '\t\tmodule = ["http_2xx"],',
        "\t}",
        "\thonor_labels = true",
        "\tsample_limit = 50000",
        "",
        "\tbasic_auth {",
        '\t\tusername      = "u"',
        '\t\tpassword_file = "/secrets/p"',
        "\t}",
        "",
        "\ttls_config {",
        '\t\tca_file              = "/ca.crt"',
        "\t\tinsecure_skip_verify = false",
        "\t}",
        "",
        "\tclustering {",
        "\t\tenabled = true",
        "\t}",
        "}",
      ].join("\n"),
    );
  });

  it("checks durations and limits", () => {
    const args = { targets: [], forwardTo: [] };
    expect(() => prometheus.scrape("x", { ...args, scrapeInterval: "30" })).toThrow(
      'prometheus.scrape "x".scrape_interval: "30" is not a duration (use Go duration syntax',
    );
    expect(() => prometheus.scrape("x", { ...args, scrapeInterval: "1d" })).toThrow(
      "is not a duration",
    );
    expect(() => prometheus.scrape("x", { ...args, sampleLimit: -1 })).toThrow(
      "is not a non-negative integer",
    );
    expect(() => prometheus.scrape("x", { ...args, scheme: "ftp" })).toThrow(
      '"ftp" is not allowed',
    );
  });

  it("rules out mistakes at compile time", () => {
    const { logs, metrics } = sinks();
    // @ts-expect-error forwardTo is required
    expect(() => prometheus.scrape("x", { targets: [] })).toThrow(
      "forward_to: missing required argument",
    );
    // @ts-expect-error a logs receiver cannot receive metrics
    prometheus.scrape("x", { targets: [], forwardTo: [logs.exports.receiver] });
    prometheus.scrape("x", {
      targets: [],
      forwardTo: [metrics.exports.receiver],
      // @ts-expect-error durations are strings
      scrapeInterval: 30,
    });
    // @ts-expect-error forward_to is spelled forwardTo
    expect(() => prometheus.scrape("x", { targets: [], forwardTo: [], forward_to: [] })).toThrow(
      ".forward_to: unknown argument (did you mean forwardTo?)",
    );
  });
});

describe("prometheus.relabel", () => {
  it("writes forward_to, cache size and rules; exports receiver and rules", () => {
    const { config, metrics } = sinks();
    const relabel = config.add(
      prometheus.relabel("drop", {
        forwardTo: [metrics.exports.receiver],
        maxCacheSize: 100000,
        rule: [{ sourceLabels: ["__name__"], regex: "go_.*", action: "drop" }],
      }),
    );
    expect(relabel.exports.receiver.toString()).toBe("prometheus.relabel.drop.receiver");
    expect(config.toString()).toContain(
      'prometheus.relabel "drop" {\n\tforward_to     = [prometheus.remote_write.m.receiver]\n\tmax_cache_size = 100000\n\n\trule {',
    );
  });
});

describe("prometheus.remote_write", () => {
  it("writes endpoints with queue, auth, write relabeling and the WAL", () => {
    const config = new AlloyConfig();
    const secret = config.add(
      remote.kubernetes.secret("creds", { namespace: "monitoring", name: "rw" }),
    );
    config.add(
      prometheus.remoteWrite("thanos", {
        externalLabels: { cluster: "prod" },
        endpoint: [
          {
            url: "http://thanos-receive:19291/api/v1/receive",
            headers: { "THANOS-TENANT": "materialize" },
            remoteTimeout: "30s",
            basicAuth: { username: "mz", password: expr.index(secret.exports.data, "password") },
            queueConfig: { capacity: 10000, maxShards: 50, minBackoff: "30ms", maxBackoff: "5s" },
            writeRelabelConfig: [{ sourceLabels: ["__name__"], regex: "debug_.*", action: "drop" }],
          },
        ],
        wal: { truncateFrequency: "2h", maxKeepaliveTime: "8h" },
      }),
    );
    const out = config.toString();
    expect(out).toContain('\t\tpassword = remote.kubernetes.secret.creds.data["password"]');
    expect(out).toContain('\t\theaders        = {\n\t\t\t"THANOS-TENANT" = "materialize",\n\t\t}');
    expect(out).toContain("\t\tqueue_config {\n\t\t\tcapacity    = 10000\n\t\t\tmax_shards  = 50");
    expect(out).toContain(
      '\t\twrite_relabel_config {\n\t\t\taction        = "drop"\n\t\t\tsource_labels = ["__name__"]',
    );
    expect(out).toContain(
      '\twal {\n\t\ttruncate_frequency = "2h"\n\t\tmax_keepalive_time = "8h"\n\t}',
    );
  });

  it("requires url and checks durations", () => {
    // @ts-expect-error url is required
    expect(() => prometheus.remoteWrite("x", { endpoint: [{}] })).toThrow(
      'prometheus.remote_write "x".endpoint[0].url: missing required argument',
    );
    expect(() =>
      prometheus.remoteWrite("x", { endpoint: [{ url: "u", queueConfig: { maxBackoff: "5 s" } }] }),
    ).toThrow('endpoint[0].queue_config.max_backoff: "5 s" is not a duration');
    const { logs } = sinks();
    prometheus.remoteWrite("x", {
      endpoint: [
        {
          url: "u",
          basicAuth: {
            // @ts-expect-error a password is a secret or a string, not a logs receiver
            password: logs.exports.receiver,
          },
        },
      ],
    });
  });
});

describe("prometheus.exporter.self and prometheus.exporter.unix", () => {
  it("export targets", () => {
    const config = new AlloyConfig();
    const self = config.add(prometheus.exporter.self("alloy"));
    const unix = config.add(
      prometheus.exporter.unix("host", {
        procfsPath: "/host/proc",
        sysfsPath: "/host/sys",
        rootfsPath: "/host/root",
        setCollectors: ["cpu", "meminfo"],
        filesystem: { mountPointsExclude: "^/(dev|proc|sys)($|/)", mountTimeout: "5s" },
        textfile: { directory: "/var/lib/node_exporter" },
      }),
    );
    expect(self.exports.targets.toString()).toBe("prometheus.exporter.self.alloy.targets");
    expect(unix.exports.targets.toString()).toBe("prometheus.exporter.unix.host.targets");
    expect(config.toString()).toContain('prometheus.exporter.self "alloy" { }\n');
    expect(config.toString()).toContain('\tprocfs_path    = "/host/proc"');
    expect(() => prometheus.exporter.unix("x", { filesystem: { mountTimeout: "5" } })).toThrow(
      "mount_timeout",
    );
  });
});

describe("local.file_match", () => {
  it("writes path_targets and exports targets", () => {
    const { config, pods } = sinks();
    const files = config.add(
      local.fileMatch("logs", { pathTargets: pods.exports.targets, syncPeriod: "10s" }),
    );
    expect(files.exports.targets.toString()).toBe("local.file_match.logs.targets");
    expect(config.toString()).toContain(
      'local.file_match "logs" {\n\tpath_targets = discovery.kubernetes.pods.targets\n\tsync_period  = "10s"\n}',
    );
    expect(
      text(
        local.fileMatch("static", {
          pathTargets: [{ __path__: "/var/log/*.log", job: "varlogs" }],
        }),
      ),
    ).toBe(
      'local.file_match "static" {\n\tpath_targets = [\n\t\t{\n\t\t\t__path__ = "/var/log/*.log",\n\t\t\tjob      = "varlogs",\n\t\t},\n\t]\n}\n',
    );
    // @ts-expect-error pathTargets is required
    expect(() => local.fileMatch("x", {})).toThrow("path_targets: missing required argument");
  });
});

describe("loki sources", () => {
  it("loki.source.file tails targets", () => {
    const { config, logs, pods } = sinks();
    config.add(
      loki.source.file("pods", {
        targets: pods.exports.targets,
        forwardTo: [logs.exports.receiver],
        tailFromEnd: true,
        fileWatch: { minPollFrequency: "250ms", maxPollFrequency: "1s" },
      }),
    );
    expect(config.toString()).toContain(
      'loki.source.file "pods" {\n\ttargets       = discovery.kubernetes.pods.targets\n\tforward_to    = [loki.write.l.receiver]\n\ttail_from_end = true\n\n\tfile_watch {',
    );
    const { metrics } = sinks();
    // @ts-expect-error a metrics receiver cannot receive logs
    loki.source.file("x", { targets: [], forwardTo: [metrics.exports.receiver] });
  });

  it("loki.source.kubernetes tails through the API, optionally clustered", () => {
    const { config, logs, pods } = sinks();
    config.add(
      loki.source.kubernetes("pods", {
        targets: pods.exports.targets,
        forwardTo: [logs.exports.receiver],
        clustering: { enabled: true },
      }),
    );
    expect(config.toString()).toContain("\tclustering {\n\t\tenabled = true\n\t}");
  });

  it("loki.source.kubernetes_events writes job, format and namespaces", () => {
    const { config, logs } = sinks();
    config.add(
      loki.source.kubernetesEvents("events", {
        forwardTo: [logs.exports.receiver],
        jobName: "integrations/kubernetes/eventhandler",
        logFormat: "json",
        namespaces: ["materialize"],
      }),
    );
    expect(config.toString()).toContain(
      '\tjob_name   = "integrations/kubernetes/eventhandler"\n\tlog_format = "json"',
    );
    // @ts-expect-error logfmt or json
    expect(() => loki.source.kubernetesEvents("e", { forwardTo: [], logFormat: "yaml" })).toThrow(
      '"yaml" is not allowed',
    );
  });

  it("loki.source.api listens for pushes", () => {
    const { config, logs } = sinks();
    config.add(
      loki.source.api("push", {
        forwardTo: [logs.exports.receiver],
        labels: { source: "agent" },
        maxSendMessageSize: "100MiB",
        http: { listenAddress: "0.0.0.0", listenPort: 3100 },
      }),
    );
    const out = config.toString();
    expect(out).toContain('\tmax_send_message_size = "100MiB"');
    expect(out).toContain(
      '\thttp {\n\t\tlisten_address = "0.0.0.0"\n\t\tlisten_port    = 3100\n\t}',
    );
    expect(() => loki.source.api("x", { forwardTo: [], maxSendMessageSize: "100 MiB" })).toThrow(
      '"100 MiB" is not a byte size',
    );
    expect(() => loki.source.api("x", { forwardTo: [], http: { listenPort: 3100.5 } })).toThrow(
      "is not a non-negative integer",
    );
  });
});

describe("loki.process", () => {
  it("writes every stage in order, with nested match stages", () => {
    const { config, logs } = sinks();
    const process = config.add(
      loki.process("pods", {
        forwardTo: [logs.exports.receiver],
        stages: [
          stage.cri({ maxPartialLines: 100 }),
          stage.docker(),
          stage.decolorize(),
          stage.json({
            expressions: { level: "", msg: "message" },
            source: "content",
            dropMalformed: true,
          }),
          stage.logfmt({ mapping: { level: "" } }),
          stage.regex({ expression: "^(?P<ts>\\S+) (?P<level>\\w+)" }),
          stage.labels({ values: { level: "" } }),
          stage.labelDrop({ values: ["filename"] }),
          stage.labelKeep({ values: ["namespace", "pod"] }),
          stage.structuredMetadata({ values: { trace_id: "" } }),
          stage.staticLabels({ values: { source: "pods" } }),
          stage.match({
            selector: '{app="environmentd"}',
            pipelineName: "environmentd",
            stages: [stage.json({ expressions: { msg: "" } }), stage.output({ source: "msg" })],
          }),
          stage.match({ selector: '{level="debug"}', action: "drop", dropCounterReason: "debug" }),
          stage.drop({ olderThan: "24h", longerThan: "8KB", dropCounterReason: "too_big" }),
          stage.timestamp({ source: "ts", format: "RFC3339Nano", actionOnFailure: "skip" }),
          stage.template({ source: "msg", template: "{{ .level }}: {{ .Entry }}" }),
          stage.output({ source: "msg" }),
          stage.multiline({ firstline: "^\\d{4}-", maxWaitTime: "3s", maxLines: 128 }),
          stage.tenant({ value: "materialize" }),
          stage.replace({ expression: "password=(\\S+)", replace: "***" }),
          stage.pack({ labels: ["pod"] }),
          stage.limit({ rate: 100, burst: 200, drop: true }),
          stage.sampling({ rate: 0.5 }),
        ],
      }),
    );
    expect(process.exports.receiver.toString()).toBe("loki.process.pods.receiver");
    const out = config.toString();
    const order = [...out.matchAll(/^\t(stage\.\w+)/gm)].map((m) => m[1]);
    expect(order).toEqual([
      "stage.cri",
      "stage.docker",
      "stage.decolorize",
      "stage.json",
      "stage.logfmt",
      "stage.regex",
      "stage.labels",
      "stage.label_drop",
      "stage.label_keep",
      "stage.structured_metadata",
      "stage.static_labels",
      "stage.match",
      "stage.match",
      "stage.drop",
      "stage.timestamp",
      "stage.template",
      "stage.output",
      "stage.multiline",
      "stage.tenant",
      "stage.replace",
      "stage.pack",
      "stage.limit",
      "stage.sampling",
    ]);
    expect(out).toContain("\tstage.docker { }\n");
    expect(out).toContain(
      '\tstage.match {\n\t\tselector      = "{app=\\"environmentd\\"}"\n\t\tpipeline_name = "environmentd"\n\n\t\tstage.json {',
    );
    expect(out).toContain(
      '\tstage.regex {\n\t\texpression = "^(?P<ts>\\\\S+) (?P<level>\\\\w+)"\n\t}',
    );
    expect(out).toContain('\t\tolder_than          = "24h"\n\t\tlonger_than         = "8KB"');
  });

  it("checks stage arguments", () => {
    expect(() => stage.drop({ olderThan: "1 day" })).toThrow(
      'stage.drop.older_than: "1 day" is not a duration',
    );
    expect(() => stage.drop({ longerThan: "8 kilobytes" })).toThrow("is not a byte size");
    expect(() => stage.sampling({ rate: 2 })).toThrow("stage.sampling.rate: 2 is not a fraction");
    expect(() => stage.match({ selector: "{}", action: "keeep" as "keep" })).toThrow(
      '"keeep" is not allowed',
    );
    expect(() => loki.process("x", { forwardTo: [], stages: [attr("a", 1) as never] })).toThrow(
      "stages[0]: expected a stage built by stage.cri(), stage.json(), ...",
    );
  });

  it("rules out mistakes at compile time", () => {
    // @ts-expect-error expressions is required
    expect(() => stage.json({})).toThrow("stage.json.expressions: missing required argument");
    // @ts-expect-error timestamp needs a format
    expect(() => stage.timestamp({ source: "ts" })).toThrow("format: missing required argument");
    // @ts-expect-error only stages go into stages
    expect(() => loki.process("x", { forwardTo: [], stages: [attr("a", 1)] })).toThrow(
      AlloyValueError,
    );
    // @ts-expect-error label_drop takes a list
    stage.labelDrop({ values: { a: "" } });
  });
});

describe("loki.relabel and loki.write", () => {
  it("write rules, endpoints, batching and backoff", () => {
    const config = new AlloyConfig();
    const write = config.add(
      loki.write("default", {
        externalLabels: { cluster: "prod" },
        endpoint: [
          {
            url: "http://loki-write:3100/loki/api/v1/push",
            tenantId: "materialize",
            batchSize: "1MiB",
            batchWait: "1s",
            minBackoffPeriod: "500ms",
            maxBackoffPeriod: "5m",
            maxBackoffRetries: 10,
            queueConfig: { capacity: "10MiB", drainTimeout: "1m" },
          },
        ],
      }),
    );
    const relabel = config.add(
      loki.relabel("errors", {
        forwardTo: [write.exports.receiver],
        rule: [{ sourceLabels: ["level"], regex: "error", action: "keep" }],
      }),
    );
    expect(relabel.exports.rules.toString()).toBe("loki.relabel.errors.rules");
    const out = config.toString();
    expect(out).toContain(
      '\t\ttenant_id           = "materialize"\n\t\tbatch_size          = "1MiB"',
    );
    expect(out).toContain(
      '\t\tqueue_config {\n\t\t\tcapacity      = "10MiB"\n\t\t\tdrain_timeout = "1m"\n\t\t}',
    );
    expect(() => loki.write("x", { endpoint: [{ url: "u", batchSize: "1 MiB" }] })).toThrow(
      'loki.write "x".endpoint[0].batch_size: "1 MiB" is not a byte size',
    );
  });
});

describe("remote.kubernetes.secret", () => {
  it("exports data as secrets, usable through convert.nonsensitive", () => {
    const config = new AlloyConfig();
    const secret = config.add(
      remote.kubernetes.secret("creds", {
        namespace: "monitoring",
        name: "creds",
        pollFrequency: "1m",
      }),
    );
    const password = expr.index(secret.exports.data, "password");
    expect(password.toString()).toBe('remote.kubernetes.secret.creds.data["password"]');
    expect(convert.nonsensitive(password).toString()).toBe(
      'convert.nonsensitive(remote.kubernetes.secret.creds.data["password"])',
    );
    // @ts-expect-error a secret is not a plain string
    loki.write("x", { endpoint: [{ url: "u", tenantId: password }] });
    loki.write("x", { endpoint: [{ url: "u", tenantId: convert.nonsensitive(password) }] });
    // @ts-expect-error name and namespace are required
    expect(() => remote.kubernetes.secret("x", { name: "a" })).toThrow(
      "namespace: missing required argument",
    );
  });
});

describe("otelcol", () => {
  it("wires a receiver through a batch processor to exporters", () => {
    const { config, logs, metrics } = sinks();
    const otlphttp = config.add(
      otelcol.exporter.otlphttp("tempo", {
        client: { endpoint: "http://tempo:4318", tls: { insecure: true }, timeout: "30s" },
        retryOnFailure: { maxElapsedTime: "5m" },
        sendingQueue: { queueSize: 1000 },
      }),
    );
    const toLoki = config.add(
      otelcol.exporter.loki("logs", { forwardTo: [logs.exports.receiver] }),
    );
    const toProm = config.add(
      otelcol.exporter.prometheus("metrics", {
        forwardTo: [metrics.exports.receiver],
        includeTargetInfo: false,
      }),
    );
    const batch = config.add(
      otelcol.processor.batch("default", {
        timeout: "200ms",
        sendBatchSize: 8192,
        output: {
          metrics: [toProm.exports.input],
          logs: [toLoki.exports.input],
          traces: [otlphttp.exports.input],
        },
      }),
    );
    config.add(
      otelcol.receiver.otlp("default", {
        grpc: { endpoint: "0.0.0.0:4317", maxRecvMsgSize: "4MiB" },
        http: true,
        output: {
          metrics: [batch.exports.input],
          logs: [batch.exports.input],
          traces: [batch.exports.input],
        },
      }),
    );
    const out = config.toString();
    expect(out).toContain(
      'otelcol.receiver.otlp "default" {\n\tgrpc {\n\t\tendpoint          = "0.0.0.0:4317"\n\t\tmax_recv_msg_size = "4MiB"\n\t}\n\n\thttp { }\n\n\toutput {\n\t\tmetrics = [otelcol.processor.batch.default.input]',
    );
    expect(out).toContain(
      '\tclient {\n\t\tendpoint = "http://tempo:4318"\n\t\ttimeout  = "30s"\n\n\t\ttls {\n\t\t\tinsecure = true',
    );
    expect(out).toContain(
      'otelcol.exporter.prometheus "metrics" {\n\tforward_to          = [prometheus.remote_write.m.receiver]',
    );
  });

  it("checks and types its arguments", () => {
    // @ts-expect-error output is required
    expect(() => otelcol.processor.batch("b", {})).toThrow("output: missing required argument");
    // @ts-expect-error client is required
    expect(() => otelcol.exporter.otlp("o", {})).toThrow("client: missing required argument");
    expect(() => otelcol.processor.batch("b", { timeout: "200", output: {} })).toThrow(
      "is not a duration",
    );
    const { metrics } = sinks();
    // @ts-expect-error a metrics receiver is not an otelcol consumer
    otelcol.processor.batch("b", { output: { metrics: [metrics.exports.receiver] } });
  });

  it("writes the gRPC exporter's client block", () => {
    expect(
      text(
        otelcol.exporter.otlp("tempo", {
          client: { endpoint: "tempo:4317", tls: { insecure: true } },
        }),
      ),
    ).toBe(
      'otelcol.exporter.otlp "tempo" {\n\tclient {\n\t\tendpoint = "tempo:4317"\n\n\t\ttls {\n\t\t\tinsecure = true\n\t\t}\n\t}\n}\n',
    );
  });
});

describe("configuration blocks", () => {
  it("logging and livedebugging", () => {
    const config = new AlloyConfig();
    config.addStatement(logging({ level: "info", format: "json" }));
    config.addStatement(livedebugging({ enabled: false }));
    expect(config.toString()).toBe(
      'logging {\n\tlevel  = "info"\n\tformat = "json"\n}\n\nlivedebugging {\n\tenabled = false\n}\n',
    );
    // @ts-expect-error not a level
    expect(() => logging({ level: "verbose" })).toThrow('"verbose" is not allowed');
  });
});

describe("the export table", () => {
  it("names every typed component with its documented exports", () => {
    expect(Object.keys(componentExports).sort()).toEqual([
      "discovery.kubernetes",
      "discovery.relabel",
      "local.file_match",
      "loki.process",
      "loki.relabel",
      "loki.source.api",
      "loki.source.file",
      "loki.source.kubernetes",
      "loki.source.kubernetes_events",
      "loki.write",
      "otelcol.exporter.loki",
      "otelcol.exporter.otlp",
      "otelcol.exporter.otlphttp",
      "otelcol.exporter.prometheus",
      "otelcol.processor.batch",
      "otelcol.receiver.otlp",
      "prometheus.exporter.self",
      "prometheus.exporter.unix",
      "prometheus.relabel",
      "prometheus.remote_write",
      "prometheus.scrape",
      "remote.kubernetes.secret",
    ]);
  });

  it("maps camelCase keys to Alloy's snake_case names", () => {
    expect(snakeCase("forwardTo")).toBe("forward_to");
    expect(snakeCase("enableHttp2")).toBe("enable_http2");
    expect(snakeCase("http2ReadIdleTimeout")).toBe("http2_read_idle_timeout");
    expect(snakeCase("oauth2")).toBe("oauth2");
  });
});

describe("attribute names that do not follow the camelCase rule", () => {
  it("writes retry_on_http_429 (Alloy's spelling) for retryOnHttp429", () => {
    const config = new AlloyConfig();
    config.add(
      prometheus.remoteWrite("thanos", {
        endpoint: [
          {
            url: "http://thanos-receive:19291/api/v1/receive",
            queueConfig: { retryOnHttp429: true },
          },
        ],
      }),
    );
    const text = config.render();
    expect(text).toContain("retry_on_http_429 = true");
    expect(text).not.toContain("retry_on_http429");
  });

  it("gives loki.source.kubernetes_events a clustering block", () => {
    const config = new AlloyConfig();
    const write = config.add(
      loki.write("default", { endpoint: [{ url: "http://loki:3100/loki/api/v1/push" }] }),
    );
    config.add(
      loki.source.kubernetesEvents("events", {
        forwardTo: [write.exports.receiver],
        clustering: { enabled: true },
      }),
    );
    expect(config.render()).toContain("clustering {\n\t\tenabled = true\n\t}");
  });
});
