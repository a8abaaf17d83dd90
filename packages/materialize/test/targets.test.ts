import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ValuesError } from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { metricAllowLists } from "../src/allowlists.js";
import { prometheusScrapeConfigs, prometheusScrapeConfigYaml } from "../src/targets/prometheus.js";
import { scrapeTargets } from "../src/targets/targets.js";
import { materializeValues } from "../src/values.js";
import { promtool, removeTempDirs, tempDir, writeFile } from "./support/promtool.js";

const defaults = materializeValues.parse({});
const allowList = metricAllowLists(defaults).materialize.metrics;
const targets = scrapeTargets(defaults, { allowList });
const byName = new Map(targets.map((t) => [t.name, t]));

describe("scrape targets", () => {
  it("scrape environmentd, its four SQL-derived endpoints, clusterd, balancerd and the operator", () => {
    expect(targets.map((t) => [t.name, t.job, t.path, t.portName])).toEqual([
      ["environmentd", "materialize-environmentd", "/metrics", "internal-http"],
      [
        "environmentd_mz_compute",
        "materialize-environmentd-mz-compute",
        "/metrics/mz_compute",
        "internal-http",
      ],
      [
        "environmentd_mz_frontier",
        "materialize-environmentd-mz-frontier",
        "/metrics/mz_frontier",
        "internal-http",
      ],
      [
        "environmentd_mz_storage",
        "materialize-environmentd-mz-storage",
        "/metrics/mz_storage",
        "internal-http",
      ],
      [
        "environmentd_mz_usage",
        "materialize-environmentd-mz-usage",
        "/metrics/mz_usage",
        "internal-http",
      ],
      ["clusterd", "materialize-clusterd", "/metrics", "internal-http"],
      ["balancerd", "materialize-balancerd", "/metrics", "internal-http"],
      ["operator", "materialize-operator", "/metrics", "metrics"],
    ]);
    expect(byName.get("operator")?.namespaces).toEqual(["materialize"]);
    expect(byName.get("clusterd")?.namespaces).toEqual(["materialize-environment"]);
  });

  it("select environmentd by app.kubernetes.io/name with the app=environmentd fallback (before v26.24.0)", () => {
    const environmentd = byName.get("environmentd");
    expect(environmentd?.selectors.map((s) => `${s.label}=${s.value}`)).toEqual([
      "app.kubernetes.io/name=environmentd",
      "app=environmentd",
    ]);
    expect(environmentd?.relabelings[1]).toEqual({
      sourceLabels: [
        "__meta_kubernetes_pod_label_app_kubernetes_io_name",
        "__meta_kubernetes_pod_label_app",
      ],
      separator: ";",
      regex: "environmentd;.*|.*;environmentd",
      action: "keep",
    });
    const modern = scrapeTargets(
      materializeValues.parse({ scrape: { legacyEnvironmentdSelector: false } }),
    );
    expect(modern[0]?.selectors).toHaveLength(1);
    expect(modern[0]?.discoverySelectors).toEqual({
      label: "app.kubernetes.io/name=environmentd",
      field: "status.phase=Running",
    });
  });

  it("keep only Running pods and copy the Materialize pod labels", () => {
    for (const target of targets) {
      expect(target.relabelings[0]).toEqual({
        sourceLabels: ["__meta_kubernetes_pod_phase"],
        regex: "Running",
        action: "keep",
      });
      const copied = target.relabelings.filter((r) => r.targetLabel).map((r) => r.targetLabel);
      expect(copied).toEqual([
        "namespace",
        "pod",
        "container",
        "materialize_cloud_organization_name",
        "materialize_cloud_organization_namespace",
        "materialize_cloud_organization_id",
        "cluster_environmentd_materialize_cloud_cluster_id",
        "cluster_environmentd_materialize_cloud_replica_id",
      ]);
    }
  });

  it("authenticate the SQL-derived endpoints from the materialize-sql-monitor Secret", () => {
    const sql = targets.filter((t) => t.basicAuth);
    expect(sql).toHaveLength(4);
    for (const target of sql) {
      expect(target.basicAuth).toEqual({
        secretName: "materialize-sql-monitor",
        usernameKey: "username",
        passwordKey: "password",
      });
      expect(target.interval).toBe("60s");
    }
  });

  it("filter with the Materialize allow-list when filterMetrics is on", () => {
    expect(byName.get("clusterd")?.metricRelabelings[0]?.regex).toBe(allowList.join("|"));
    expect(
      scrapeTargets(materializeValues.parse({ scrape: { filterMetrics: false } }), { allowList })[0]
        ?.metricRelabelings,
    ).toEqual([]);
  });

  it("reject a timeout longer than the interval", () => {
    expect(() =>
      scrapeTargets(materializeValues.parse({ scrape: { interval: "15s", timeout: "20s" } })),
    ).toThrow(
      "materialize.scrape.timeout: the scrape timeout (20s) is longer than the interval (15s) (Prometheus and Alloy reject a timeout above the interval; lower the timeout)",
    );
  });
});

describe("Prometheus scrape_configs", () => {
  const yaml = prometheusScrapeConfigYaml(targets, defaults);

  it("read basic auth from files, never a literal credential", () => {
    const configs = prometheusScrapeConfigs(targets, defaults);
    const sql = configs.filter((c) => "basic_auth" in c);
    expect(sql).toHaveLength(4);
    expect(sql[0]?.basic_auth).toEqual({
      username_file: "/etc/prometheus/secrets/materialize-sql-monitor/username",
      password_file: "/etc/prometheus/secrets/materialize-sql-monitor/password",
    });
    expect(yaml).not.toMatch(/^\s*password:/m);
  });

  it("gate username_file on the Prometheus version", () => {
    const old = materializeValues.parse({ scrape: { prometheusVersion: "2.42" } });
    expect(() => prometheusScrapeConfigs(scrapeTargets(old), old)).toThrow(ValuesError);
    expect(() => prometheusScrapeConfigs(scrapeTargets(old), old)).toThrow(
      /materialize\.scrape\.sqlMetrics\.username: Prometheus 2\.42 cannot read the user name from a file/,
    );
    const withUser = materializeValues.parse({
      scrape: { prometheusVersion: "2.42", sqlMetrics: { username: "mz_support" } },
    });
    const configs = prometheusScrapeConfigs(scrapeTargets(withUser), withUser);
    expect(configs[1]?.basic_auth).toEqual({
      username: "mz_support",
      password_file: "/etc/prometheus/secrets/materialize-sql-monitor/password",
    });
  });

  it("discover pods with kubernetes_sd_configs per the upstream reference (the Debian 2.42 build has no Kubernetes SD)", () => {
    const configs = prometheusScrapeConfigs(targets, defaults);
    expect(configs[0]?.kubernetes_sd_configs).toEqual([
      {
        role: "pod",
        namespaces: { names: ["materialize-environment"] },
        selectors: [{ role: "pod", field: "status.phase=Running" }],
      },
    ]);
  });

  it("pass promtool check config with the real tool (Kubernetes SD swapped for static targets)", () => {
    const old = materializeValues.parse({
      scrape: { prometheusVersion: "2.42", sqlMetrics: { username: "mz_support" } },
    });
    const dir = tempDir("mz-promcfg-");
    const configs = prometheusScrapeConfigs(scrapeTargets(old, { allowList }), old).map(
      ({ kubernetes_sd_configs: _sd, ...rest }) => ({
        ...rest,
        static_configs: [{ targets: ["127.0.0.1:6878"] }],
      }),
    );
    writeFile(dir, "prometheus.yml", stringify({ scrape_configs: configs }));
    const result = promtool(["check", "config", "prometheus.yml"], dir);
    expect(result.ok, result.output).toBe(true);
  });

  it("pins the YAML", () => {
    expect(yaml).toMatchSnapshot();
  });
});

/**
 * The relabelings, allow-list and basic auth run in a real Prometheus 2.42:
 * static targets stand in for Kubernetes discovery by carrying the same
 * `__meta_kubernetes_*` labels, all pointing at a local metrics server.
 */
describe("relabeling in a real Prometheus", () => {
  const dir = tempDir("mz-prom-");
  let server: Server;
  let prometheus: ChildProcess | undefined;
  let promUrl = "";
  const password = "s3cret-from-file";

  const pod = (
    name: string,
    labels: Record<string, string>,
    phase = "Running",
    port = "internal-http",
  ) => ({
    labels: {
      __meta_kubernetes_namespace: "materialize-environment",
      __meta_kubernetes_pod_name: name,
      __meta_kubernetes_pod_container_name: name.includes("cluster") ? "clusterd" : "environmentd",
      __meta_kubernetes_pod_phase: phase,
      __meta_kubernetes_pod_container_port_name: port,
      ...Object.fromEntries(
        Object.entries(labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${k}`, v]),
      ),
    },
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.startsWith("/metrics/mz_")) {
        const expected = `Basic ${Buffer.from(`mz_support:${password}`).toString("base64")}`;
        if (req.headers.authorization !== expected) {
          res.writeHead(401).end();
          return;
        }
      }
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end("mz_active_sessions 3\nmz_not_on_any_allow_list 1\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    writeFile(dir, "username", "mz_support");
    writeFile(dir, "password", password);
    const values = materializeValues.parse({
      scrape: {
        interval: "1s",
        timeout: "1s",
        balancerd: false,
        operator: false,
        prometheusVersion: "2.42",
        sqlMetrics: {
          interval: "1s",
          timeout: "1s",
          username: "mz_support",
          prometheusSecretDir: dir,
        },
      },
    });
    const org = { materialize_cloud_organization_name: "prod" };
    const fakePods = [
      {
        targets: [address],
        ...pod("mz1-environmentd-1-0", { app_kubernetes_io_name: "environmentd", ...org }),
      },
      {
        targets: [address],
        ...pod("mz1-environmentd-0-0", {
          app: "environmentd",
          materialize_cloud_organization_name: "legacy",
        }),
      },
      {
        targets: [address],
        ...pod(
          "mz1-environmentd-2-0",
          { app_kubernetes_io_name: "environmentd", ...org },
          "Pending",
        ),
      },
      {
        targets: [address],
        ...pod(
          "mz1-environmentd-1-0",
          { app_kubernetes_io_name: "environmentd", ...org },
          "Running",
          "sql",
        ),
      },
      {
        targets: [address],
        ...pod("mz1-cluster-u1-replica-u2-gen-1-0", {
          cluster_environmentd_materialize_cloud_type: "cluster",
          cluster_environmentd_materialize_cloud_cluster_id: "u1",
          cluster_environmentd_materialize_cloud_replica_id: "u2",
          ...org,
        }),
      },
    ];
    const configs = prometheusScrapeConfigs(scrapeTargets(values, { allowList }), values).map(
      ({ kubernetes_sd_configs: _sd, ...rest }) => ({ ...rest, static_configs: fakePods }),
    );
    writeFile(
      dir,
      "prometheus.yml",
      stringify({ global: { scrape_interval: "1s" }, scrape_configs: configs }),
    );
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const promPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    promUrl = `http://127.0.0.1:${promPort}`;
    prometheus = spawn(
      "/usr/bin/prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      try {
        const up = await query("count(up == 1)");
        if (Number(up[0]?.value[1] ?? 0) >= 11) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 30_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once("exit", resolve));
      prometheus.kill("SIGTERM");
      await exited;
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function query(
    expr: string,
  ): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await response.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return body.data.result;
  }

  it("keeps Running pods on the internal-http port, selected by label or by the legacy fallback", async () => {
    const up = await query('up{job="materialize-environmentd"}');
    expect(up.map((s) => s.metric.pod).sort()).toEqual([
      "mz1-environmentd-0-0",
      "mz1-environmentd-1-0",
    ]);
    const clusterd = await query('up{job="materialize-clusterd"}');
    expect(clusterd.map((s) => s.metric.pod)).toEqual(["mz1-cluster-u1-replica-u2-gen-1-0"]);
  });

  it("copies the Materialize pod labels onto the series", async () => {
    const [series] = await query('mz_active_sessions{job="materialize-clusterd"}');
    expect(series?.metric).toMatchObject({
      namespace: "materialize-environment",
      pod: "mz1-cluster-u1-replica-u2-gen-1-0",
      container: "clusterd",
      materialize_cloud_organization_name: "prod",
      cluster_environmentd_materialize_cloud_cluster_id: "u1",
      cluster_environmentd_materialize_cloud_replica_id: "u2",
    });
  });

  it("authenticates the SQL-derived endpoints with the credentials read from files", async () => {
    const up = await query('up{job=~"materialize-environmentd-mz-.*"} == 1');
    expect(up).toHaveLength(8);
  });

  it("drops metrics that are not on the allow-list", async () => {
    expect(await query("mz_active_sessions")).not.toHaveLength(0);
    expect(await query("mz_not_on_any_allow_list")).toHaveLength(0);
  });
});

afterAll(removeTempDirs);
