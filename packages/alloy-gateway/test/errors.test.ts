/** Every render-time error of the gateway, with its message. */
import {
  AlloyConfig,
  component,
  loki,
  parse,
  prometheus,
} from "@materialize-monitoring/alloy-syntax";
import { describe, expect, it } from "vitest";
import {
  alloyGateway,
  alloyGatewayConfigOf,
  alloyGatewayEndpoints,
  checkGatewayConfig,
} from "../src/index.js";
import { buildGateway, DESTINATION_URLS, valuesErrorOf } from "./helpers.js";

describe("values errors", () => {
  it("names the path of a bad value", () => {
    expect(valuesErrorOf(() => buildGateway({ replicas: 0 }))).toContain("alloy-gateway.replicas");
    expect(valuesErrorOf(() => buildGateway({ allowLists: { x: ["not a metric"] } }))).toBe(
      "alloy-gateway.allowLists.x[0]: not a Prometheus metric name",
    );
    expect(
      valuesErrorOf(() =>
        buildGateway({ logs: { stages: [{ type: "jsonn", expressions: {} } as never] } }),
      ),
    ).toContain("alloy-gateway.logs.stages[0]");
  });
});

describe("render-time errors", () => {
  it("clustering off while more than one replica may run", () => {
    expect(valuesErrorOf(() => buildGateway({ clustering: { enabled: false } }))).toBe(
      "alloy-gateway.clustering.enabled: is false, but the gateway may run 6 replicas: each would scrape every target and read every event (enable clustering, or run one replica (replicas: 1, autoscaling.enabled: false))",
    );
    expect(
      valuesErrorOf(() =>
        buildGateway({ clustering: { enabled: false }, autoscaling: { enabled: false } }),
      ),
    ).toContain("may run 2 replicas");
  });

  it("maxReplicas below replicas", () => {
    expect(
      valuesErrorOf(() => buildGateway({ replicas: 4, autoscaling: { maxReplicas: 3 } })),
    ).toBe(
      "alloy-gateway.autoscaling.maxReplicas: is 3, below replicas (4) (raise maxReplicas, or lower replicas (the HPA's minimum))",
    );
  });

  it("OTLP destination without (or with a malformed) endpoint, or with nothing to send", () => {
    expect(valuesErrorOf(() => buildGateway({ destinations: { otlp: { enabled: true } } }))).toBe(
      "alloy-gateway.destinations.otlp.endpoint: is required when the OTLP destination is enabled (e.g. otel-collector.observability.svc.cluster.local:4317)",
    );
    expect(
      valuesErrorOf(() =>
        buildGateway({
          destinations: { otlp: { enabled: true, protocol: "http", endpoint: "collector:4318" } },
        }),
      ),
    ).toBe("alloy-gateway.destinations.otlp.endpoint: must be an http(s) URL for protocol http");
    expect(
      valuesErrorOf(() =>
        buildGateway({ destinations: { otlp: { enabled: true, endpoint: "http://c:4317" } } }),
      ),
    ).toBe("alloy-gateway.destinations.otlp.endpoint: must be host:port for protocol grpc");
    expect(
      valuesErrorOf(() =>
        buildGateway({
          destinations: {
            otlp: { enabled: true, endpoint: "c:4317", signals: { logs: false, metrics: false } },
          },
        }),
      ),
    ).toBe("alloy-gateway.destinations.otlp.signals: sends nothing (enable logs or metrics)");
  });

  it("a destination name used twice (or named default)", () => {
    expect(
      valuesErrorOf(() =>
        buildGateway({
          destinations: {
            loki: { extra: [{ name: "default", url: "https://l.example.com/push" }] },
          },
        }),
      ),
    ).toBe(
      'alloy-gateway.destinations.loki.extra[0].name: "default" is already used (give every destination a unique name other than default)',
    );
  });

  it("scrape jobs: a gateway job's name, a duplicate, a Secret without namespace, a long timeout, an unknown source", () => {
    const job = { name: "kubelet", job: "k" };
    expect(valuesErrorOf(() => buildGateway({ scrape: { jobs: [job] } }))).toBe(
      "alloy-gateway.scrape.jobs[0].name: \"kubelet\" is the name of one of the gateway's own jobs (rename the job, or turn off the gateway's own (scrape.kubelet, scrape.self))",
    );
    expect(
      valuesErrorOf(() =>
        buildGateway({
          scrape: {
            jobs: [
              { name: "a", job: "a" },
              { name: "a", job: "b" },
            ],
          },
        }),
      ),
    ).toBe(
      'alloy-gateway.scrape.jobs[1].name: "a" is used by another job (job names must be unique)',
    );
    expect(
      valuesErrorOf(() =>
        buildGateway({
          scrape: {
            jobs: [
              {
                name: "a",
                job: "a",
                basicAuth: { secretName: "s", usernameKey: "u", passwordKey: "p" },
              },
            ],
          },
        }),
      ),
    ).toBe(
      "alloy-gateway.scrape.jobs[0].basicAuth.namespace: the Secret's namespace is unknown (the job discovers in every namespace) (set basicAuth.namespace)",
    );
    expect(
      valuesErrorOf(() =>
        buildGateway({
          scrape: { jobs: [{ name: "a", job: "a", interval: "10s", timeout: "30s" }] },
        }),
      ),
    ).toBe(
      "alloy-gateway.scrape.jobs[0].timeout: the scrape timeout (30s) is longer than the interval (10s) (Alloy rejects a timeout above the interval; lower the timeout)",
    );
    expect(
      valuesErrorOf(() =>
        buildGateway({
          scrape: { jobs: [{ name: "a", job: "a", source: "materialise" }] },
          allowLists: { materialize: ["up"] },
        }),
      ),
    ).toBe(
      'alloy-gateway.scrape.jobs[0].source: "materialise" has no allow-list (use one of materialize, add allowLists.materialise, or leave source out to keep every metric)',
    );
  });
});

describe("destinations and node addresses", () => {
  it("the Loki push URL is required; the remote-write URL when the gateway writes metrics", () => {
    expect(valuesErrorOf(() => alloyGateway())).toBe(
      [
        "alloy-gateway.destinations.loki.url: is required: the gateway writes every log it receives or tails to Loki (set it to Loki's push URL (the loki package's endpoints.pushUrl, which the umbrella fills), e.g. http://<loki service>.<namespace>.svc.cluster.local/loki/api/v1/push)",
        "alloy-gateway.destinations.prometheus.url: is required when the gateway writes metrics (scrape jobs, its kubelet and self scrapes, or the OTLP receiver) (set it to the remote-write URL (the thanos package's endpoints.remoteWriteUrl, which the umbrella fills), or turn off every metrics source)",
      ].join("\n"),
    );
    const lokiOnly = { destinations: { loki: { url: DESTINATION_URLS.loki } } };
    expect(valuesErrorOf(() => alloyGateway(lokiOnly))).toMatch(
      /^alloy-gateway\.destinations\.prometheus\.url: is required when the gateway writes metrics/,
    );
    // Nothing produces metrics: no remote write is rendered, so none is needed.
    const logsOnly = alloyGateway({
      ...lokiOnly,
      scrape: { kubelet: { enabled: false }, self: { enabled: false } },
    });
    expect(alloyGatewayConfigOf(logsOnly)).not.toContain("prometheus.remote_write");
    // The endpoints do not need the destinations: the umbrella reads them first.
    expect(alloyGatewayEndpoints().pushUrl).toBe(
      "http://alloy-gateway.monitoring.svc.cluster.local:3100/loki/api/v1/push",
    );
  });

  it("a hostNetwork job without the number of its port", () => {
    const job = {
      name: "node_exporter",
      job: "node-exporter",
      podLabels: { "app.kubernetes.io/name": "node-exporter" },
      portName: "metrics",
      hostNetwork: true,
    };
    expect(valuesErrorOf(() => buildGateway({ scrape: { jobs: [job] } }))).toBe(
      'alloy-gateway.scrape.jobs[0].port: is required with hostNetwork: the egress rule to node addresses needs the number of the port named "metrics" (a NetworkPolicy ipBlock rule cannot use a port name) (set port to the container port\'s number, or list it in networkPolicy.nodeEgress.ports)',
    );
    expect(() =>
      buildGateway({ scrape: { jobs: [job] }, networkPolicy: { nodeEgress: { ports: [9100] } } }),
    ).not.toThrow();
    expect(() =>
      buildGateway({ scrape: { jobs: [job] }, networkPolicy: { enabled: false } }),
    ).not.toThrow();
  });
});

describe("configuration checks", () => {
  it("a dangling reference", () => {
    // The builder cannot write one; a file edited by hand can.
    const config = new AlloyConfig();
    config.add(loki.source.api("push", { forwardTo: [] }));
    const text = config
      .toString()
      .replace("forward_to = []", "forward_to = [loki.write.missing.receiver]");
    expect(valuesErrorOf(() => checkGatewayConfig(parse(text), false, "alloy-gateway"))).toContain(
      'alloy-gateway.config: loki.source.api "push".forward_to: reference to a component that is not defined in config: loki.write.missing.receiver',
    );
  });

  it("a source that reaches no writer", () => {
    const config = new AlloyConfig();
    const relabel = config.add(prometheus.relabel("dead_end", { forwardTo: [] }));
    config.add(
      component("prometheus.scrape", "orphan", {
        targets: [],
        forward_to: [relabel.exports.receiver],
      }),
    );
    expect(valuesErrorOf(() => checkGatewayConfig(config.toAst(), false, "alloy-gateway"))).toBe(
      [
        "alloy-gateway.config: prometheus.relabel.dead_end: receives data but forwards it to nothing",
        "alloy-gateway.config: prometheus.scrape.orphan: forwards to components that reach no writer",
      ].join("\n"),
    );
  });

  it("a clusterable component without clustering in a clustered gateway", () => {
    const config = new AlloyConfig();
    const write = config.add(prometheus.remoteWrite("w", { endpoint: [{ url: "http://w/push" }] }));
    config.add(prometheus.scrape("lonely", { targets: [], forwardTo: [write.exports.receiver] }));
    expect(valuesErrorOf(() => checkGatewayConfig(config.toAst(), true, "alloy-gateway"))).toBe(
      "alloy-gateway.config: prometheus.scrape.lonely: runs on every replica without clustering, so its work is repeated (enable clustering in the component)",
    );
    expect(() => checkGatewayConfig(config.toAst(), false, "alloy-gateway")).not.toThrow();
  });
});
