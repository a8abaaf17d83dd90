import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { alloyAgentConfigOf } from "@materialize-monitoring/alloy-agent";
import { alloyGatewayConfigOf } from "@materialize-monitoring/alloy-gateway";
import {
  formatProblems,
  type KubeObject,
  toYamlStream,
  ValuesError,
} from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generatedFiles } from "../src/generated-files.js";
import { deepMerge } from "../src/merge.js";
import { PROFILE_NAMES, PROFILES } from "../src/profiles.js";
import { type Stack, stack } from "../src/stack.js";
import { validateStack } from "../src/validate.js";
import type { StackValues } from "../src/values.js";

const PACKAGE = join(import.meta.dirname, "..");

function text(objects: readonly KubeObject[]): string {
  return toYamlStream(objects);
}

function find(built: Stack, kind: string, name: string): KubeObject & Record<string, unknown> {
  const object = built.objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`no ${kind}/${name}`);
  return object as KubeObject & Record<string, unknown>;
}

function configMapFile(built: Stack, name: string, key: string): string {
  return ((find(built, "ConfigMap", name) as { data: Record<string, string> }).data[key] ??
    "") as string;
}

function valuesErrorOf(values: StackValues): string {
  try {
    stack(values);
  } catch (error) {
    if (error instanceof ValuesError) return formatProblems(error.problems);
    throw error;
  }
  return "";
}

/** The rendered Alloy configuration of the gateway and of the agent. */
function gatewayConfig(built: Stack): string {
  return alloyGatewayConfigOf({
    name: "alloy-gateway",
    objects: built.objects,
    endpoints: built.endpoints.alloyGateway!,
  });
}
function agentConfig(built: Stack): string {
  return alloyAgentConfigOf({
    name: "alloy-agent",
    objects: built.objects,
    endpoints: built.endpoints.alloyAgent!,
  });
}

describe("profiles", () => {
  for (const name of PROFILE_NAMES) {
    it(`${name}: renders and passes every validation layer`, async () => {
      const built = stack(structuredClone(PROFILES[name].values) as StackValues);
      const problems = await validateStack(built);
      expect(problems.map((p) => `${p.layer}: ${p.message}`)).toEqual([]);
    });
  }

  it("compose in order like values files", () => {
    const built = stack(deepMerge(PROFILES.large.values, PROFILES.dev.values) as StackValues);
    expect(built.values.global.size).toBe("small");
    expect(built.values.loki.mode).toBe("single-binary");
    expect(built.values.thanos.mode).toBe("dev");
  });
});

describe("determinism", () => {
  it("renders byte-identical output for the same values", () => {
    expect(text(stack().objects)).toBe(text(stack().objects));
    expect(text(stack(PROFILES.aws.values as StackValues).objects)).toBe(
      text(stack(PROFILES.aws.values as StackValues).objects),
    );
  });
});

describe("values errors", () => {
  it("refuses a typo with the path and the closest valid key", () => {
    expect(valuesErrorOf({ lokki: {} } as StackValues)).toBe(
      'lokki: unknown key (did you mean "loki"?)',
    );
    expect(valuesErrorOf({ loki: { rulr: {} } } as StackValues)).toBe(
      'loki.rulr: unknown key (did you mean "ruler"?)',
    );
  });

  it("asks for an external address when a component is disabled without one", () => {
    expect(valuesErrorOf({ loki: { enabled: false } })).toBe(
      "loki.external: required when loki.enabled is false: the rest of the stack needs its address",
    );
  });
});

describe("wiring", () => {
  const built = stack();
  const thanos = built.endpoints.thanos!;
  const loki = built.endpoints.loki!;
  const am = built.endpoints.alertmanager!;

  it("points Grafana's datasources at the Thanos and Loki query endpoints and Alertmanager", () => {
    const urls = Object.fromEntries(
      built.objects
        .filter((o) => o.kind === "GrafanaDatasource")
        .map((o) => {
          const spec = (o as unknown as { spec: { datasource: { type: string; url: string } } })
            .spec.datasource;
          return [spec.type, spec.url];
        }),
    );
    expect(urls).toEqual({
      prometheus: thanos.promqlUrl,
      loki: loki.queryUrl,
      alertmanager: am.url,
    });
  });

  it("sends every alert from both rulers to every Alertmanager replica", () => {
    expect(am.replicaUrls).toHaveLength(2);
    const lokiConfig = parse(configMapFile(built, "loki", "config.yaml"));
    expect(lokiConfig.ruler.alertmanager_url).toBe(am.replicaUrls.join(","));
    const rulerConfig = JSON.stringify(
      built.objects.filter((o) => o.metadata.name.startsWith("thanos-ruler")),
    );
    expect(rulerConfig).toContain(`dnssrv+${am.srvRecord}`);
  });

  it("admits the pipeline's pods to every exporter, Loki and Thanos", () => {
    const pipeline = {
      "app.kubernetes.io/name": "alloy-gateway",
      "app.kubernetes.io/instance": "materialize-monitoring",
    };
    // metrics-server is the exception: its port admits the API server, which no selector can
    // name, so it is open unless exporters.metricsServer.networkPolicy.apiServerSourceCidrs is set.
    for (const name of ["kube-state-metrics", "node-exporter"]) {
      const policy = find(built, "NetworkPolicy", name) as {
        spec: { ingress: { from?: { podSelector?: { matchLabels: unknown } }[] }[] };
      };
      const selectors = policy.spec.ingress
        .flatMap((r) => r.from ?? [])
        .map((f) => f.podSelector?.matchLabels);
      expect(selectors, name).toContainEqual(pipeline);
    }
  });

  it("loads the Materialize rules into the Thanos ruler and the log rules into the Loki ruler", () => {
    const artifacts = built.endpoints.materialize!.artifacts;
    const rulerFiles = built.objects
      .filter((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("thanos-ruler"))
      .flatMap((o) => Object.values((o as unknown as { data: Record<string, string> }).data));
    const groups = rulerFiles
      .flatMap((f) => (parse(f)?.groups ?? []) as { name: string }[])
      .map((g) => g.name);
    expect(groups).toEqual(expect.arrayContaining(artifacts.ruleGroups.map((g) => g.name)));
    const lokiRules = built.objects
      .filter((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("loki"))
      .flatMap((o) => Object.values((o as unknown as { data: Record<string, string> }).data))
      .join("\n");
    for (const group of artifacts.logRuleGroups) expect(lokiRules).toContain(group.name);
  });

  it("renders every Materialize dashboard for the Grafana instance the datasources select", () => {
    const artifacts = built.endpoints.materialize!.artifacts;
    const selector = built.endpoints.grafanaOperator!.instanceSelector;
    const dashboards = built.objects.filter((o) => o.kind === "GrafanaDashboard") as unknown as {
      spec: { uid: string; instanceSelector: unknown; folderRef: string };
    }[];
    expect(dashboards.map((d) => d.spec.uid).sort()).toEqual(
      Object.keys(artifacts.dashboards).sort(),
    );
    for (const d of dashboards) {
      expect(d.spec.instanceSelector).toEqual(selector);
      expect(d.spec.folderRef).toBe("materialize-dashboards");
    }
  });

  it("sends the pipeline's logs to Loki and metrics to Thanos receive, and the agents' logs to the pipeline", () => {
    const gateway = built.endpoints.alloyGateway!;
    const _agent = built.endpoints.alloyAgent!;
    const url = (value: string) =>
      new RegExp(`\\burl\\s+= "${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`);
    expect(gatewayConfig(built)).toMatch(url(loki.pushUrl));
    expect(gatewayConfig(built)).toMatch(url(thanos.remoteWriteUrl));
    expect(agentConfig(built)).toMatch(url(gateway.pushUrl));
  });

  it("scrapes the Materialize targets, the exporters and the stack's own components", () => {
    const config = gatewayConfig(built);
    for (const target of built.endpoints.materialize!.artifacts.targets)
      expect(config).toContain(`"${target.job}"`);
    for (const job of ["kube-state-metrics", "node-exporter", "loki", "thanos", "alertmanager"]) {
      expect(config, job).toMatch(new RegExp(`job_name\\s+= "[^"]*${job}`));
    }
  });

  it("inhibits a warning only by a critical alert of the same Materialize environment and cluster", () => {
    const config = parse(configMapFile(built, "alertmanager-config", "alertmanager.yml"));
    const equal = config.inhibit_rules[0].equal as string[];
    expect(equal).toEqual(
      expect.arrayContaining(["materialize_cloud_organization_name", "instance_id"]),
    );
  });

  it("lets Alertmanager in from both rulers and Grafana only", async () => {
    expect((await validateStack(built)).filter((p) => p.layer === "network")).toEqual([]);
  });
});

/** Everything a disabled component would have been reached at. */
function hostsOf(built: Stack, component: string): string[] {
  const objects = built.components.find((c) => c.name === component)?.objects ?? [];
  return objects
    .filter((o) => o.kind === "Service")
    .map((o) => `${o.metadata.name}.${o.metadata.namespace}.svc`);
}

describe("disabling a component and replacing it with an external endpoint", () => {
  const full = stack();

  it("loki: nothing points at the bundled Loki; Grafana reads the external one", () => {
    const built = stack({
      loki: {
        enabled: false,
        external: {
          pushUrl: "https://logs.example.com/loki/api/v1/push",
          queryUrl: "https://logs.example.com",
        },
      },
    });
    expect(built.components.map((c) => c.name)).not.toContain("loki");
    const output = text(built.objects);
    for (const host of hostsOf(full, "loki")) expect(output).not.toContain(host);
    const datasource = built.objects.find(
      (o) => o.kind === "GrafanaDatasource" && JSON.stringify(o).includes('"loki"'),
    );
    expect(JSON.stringify(datasource)).toContain("https://logs.example.com");
    expect(JSON.stringify(find(built, "NetworkPolicy", "grafana"))).toContain('"port":443');
  });

  it("thanos: nothing points at the bundled Thanos; Grafana queries the external one", () => {
    const built = stack({
      thanos: {
        enabled: false,
        external: {
          remoteWriteUrl: "https://metrics.example.com/api/v1/write",
          queryUrl: "https://metrics.example.com",
        },
      },
    });
    const output = text(built.objects);
    for (const host of hostsOf(full, "thanos")) expect(output).not.toContain(host);
    expect(output).toContain("https://metrics.example.com");
    expect(gatewayConfig(built)).toContain('"https://metrics.example.com/api/v1/write"');
  });

  it("alertmanager: both rulers and Grafana use the external replicas", () => {
    const urls = ["http://am-0.ops.example.com:9093", "http://am-1.ops.example.com:9093"];
    const built = stack({ alertmanager: { enabled: false, external: { urls } } });
    const output = text(built.objects);
    for (const host of hostsOf(full, "alertmanager")) expect(output).not.toContain(host);
    expect(parse(configMapFile(built, "loki", "config.yaml")).ruler.alertmanager_url).toBe(
      urls.join(","),
    );
    expect(output).toContain("am-0.ops.example.com:9093");
    expect(output).toContain("am-1.ops.example.com:9093");
  });

  it("grafana: the operator manages the external Grafana", () => {
    const built = stack(PROFILES["existing-grafana"].values as StackValues);
    const output = text(built.objects);
    for (const host of hostsOf(full, "grafana")) expect(output).not.toContain(host);
    const grafanaCr = built.objects.find((o) => o.kind === "Grafana") as unknown as {
      spec: { external: { url: string } };
    };
    expect(grafanaCr.spec.external.url).toBe("https://grafana.example.com");
  });

  it("exporters: each can be turned off and nothing refers to it", () => {
    for (const exporter of ["metricsServer", "kubeStateMetrics", "nodeExporter"] as const) {
      const built = stack({ exporters: { [exporter]: { enabled: false } } });
      const hosts = hostsOf(full, "exporters").filter((h) =>
        h.startsWith(
          {
            metricsServer: "metrics-server",
            kubeStateMetrics: "kube-state-metrics",
            nodeExporter: "node-exporter",
          }[exporter],
        ),
      );
      expect(hosts.length, exporter).toBeGreaterThan(0);
      const output = text(built.objects);
      for (const host of hosts) expect(output, exporter).not.toContain(host);
    }
  });

  it("grafanaOperator: no custom resources are rendered without it", () => {
    const built = stack({ grafanaOperator: { enabled: false } });
    expect(built.objects.filter((o) => o.apiVersion.startsWith("grafana.integreatly.org"))).toEqual(
      [],
    );
  });
});

describe("generated files", () => {
  it("values.schema.json and profiles/*.yaml are in sync with the code (pnpm generate)", () => {
    for (const [path, expected] of Object.entries(generatedFiles())) {
      expect(readFileSync(join(PACKAGE, path), "utf8"), path).toBe(expected);
    }
  });

  it("each profile file parses back to its typed values", () => {
    for (const name of PROFILE_NAMES) {
      expect(parse(readFileSync(join(PACKAGE, "profiles", `${name}.yaml`), "utf8"))).toEqual(
        PROFILES[name].values,
      );
    }
  });
});

describe("snapshots", () => {
  for (const name of ["default", ...PROFILE_NAMES] as const) {
    it(`${name}: objects and their content digests`, () => {
      const values = name === "default" ? {} : (PROFILES[name].values as StackValues);
      const built = stack(structuredClone(values) as StackValues);
      const digest = built.objects.map((o) => {
        const hash = createHash("sha256").update(JSON.stringify(o)).digest("hex").slice(0, 16);
        return `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name} ${hash}`;
      });
      expect(digest).toMatchSnapshot();
    });
  }
});
