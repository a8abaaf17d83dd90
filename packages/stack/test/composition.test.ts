/**
 * The single-pass composition: endpoints before objects, typed wiring, external
 * peers, additive extension points, and the checks that know about them, each
 * shown catching a planted defect.
 */

import { alloyGatewayConfigOf } from "@materialize-monitoring/alloy-gateway";
import type { KubeObject } from "@materialize-monitoring/core";
import { ValuesError } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  type Stack,
  type StackValues,
  stack,
  stackEndpoints,
  validateStack,
} from "../src/index.js";

const S3 = { type: "s3" as const, bucket: "acme-monitoring", region: "us-east-1" };
const GRAFANA_ADMIN = {
  adminUser: { name: "grafana-admin", key: "user" },
  adminPassword: { name: "grafana-admin", key: "password" },
};

const existingGrafana: StackValues = {
  global: { objectStorage: S3 },
  grafana: {
    enabled: false,
    external: {
      url: "http://grafana.observability.svc.cluster.local:3000",
      ...GRAFANA_ADMIN,
      peer: { podLabels: { "app.kubernetes.io/name": "grafana" } },
    },
  },
};

function problems(built: Stack) {
  return validateStack(built).then((list) => list.map((p) => `${p.layer}: ${p.message}`));
}

function valuesError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ValuesError) return error.message;
    throw error;
  }
  throw new Error("no ValuesError");
}

function planted(
  built: Stack,
  kind: string,
  name: string,
  change: (o: Record<string, unknown>) => void,
): Stack {
  const objects = built.objects.map((o) => {
    if (o.kind !== kind || o.metadata.name !== name) return o;
    const copy = structuredClone(o) as KubeObject & Record<string, unknown>;
    change(copy);
    return copy;
  });
  expect(objects).not.toEqual(built.objects);
  return { ...built, objects };
}

describe("endpoints before objects", () => {
  it.each<[string, StackValues]>([
    ["default", {}],
    [
      "another domain and namespace",
      {
        global: {
          clusterDomain: "corp.example",
          namespace: "obs",
          namePrefix: "mz-",
          objectStorage: S3,
        },
      },
    ],
    ["existing Grafana", existingGrafana],
    [
      "split namespaces, small",
      { global: { size: "small", nodeAgentsNamespace: "agents", objectStorage: S3 } },
    ],
  ])("are what the built components serve (%s)", (_, values) => {
    const built = stack(values);
    expect(stackEndpoints(values)).toEqual(built.endpoints);
    for (const component of built.components.filter((c) => c.name !== "setup")) {
      expect(component.endpoints, component.name).toEqual(
        built.endpoints[component.name as keyof Stack["endpoints"]],
      );
    }
  });

  it("follow another cluster domain everywhere", () => {
    const built = stack({ global: { clusterDomain: "corp.example", objectStorage: S3 } });
    const text = JSON.stringify(built.objects);
    expect(text).not.toContain("cluster.local");
    expect(text).not.toMatch(/\.svc[:/"]/);
    expect(built.endpoints.loki?.pushUrl).toMatch(/\.monitoring\.svc\.corp\.example[:/]/);
  });

  it("refuse a cluster domain that is not a DNS domain", () => {
    expect(valuesError(() => stack({ global: { clusterDomain: "corp example" } }))).toMatch(
      /^global\.clusterDomain: must be a DNS domain/,
    );
    expect(valuesError(() => stack({ global: { clusterDomain: "cluster.local." } }))).toMatch(
      /global\.clusterDomain/,
    );
  });
});

describe("extension points", () => {
  const job = {
    name: "pgbouncer",
    job: "pgbouncer",
    namespaces: ["data-platform"],
    podLabels: { app: "pgbouncer" },
    portName: "metrics",
  };
  const jobsOf = (built: Stack) => {
    const config = built.objects.find(
      (o) => o.metadata.name === "alloy-gateway-config",
    ) as unknown as {
      data: Record<string, string>;
    };
    return [
      ...Object.values(config.data)
        .join("\n")
        .matchAll(/prometheus\.scrape "([^"]+)"/g),
    ].map((m) => m[1]);
  };
  const base = stack({ global: { objectStorage: S3 } });

  it("add a scrape job beside every built-in one", () => {
    const built = stack({
      global: { objectStorage: S3 },
      alloyGateway: { scrape: { extraJobs: [job] } },
    });
    expect(jobsOf(built)).toHaveLength(jobsOf(base).length + 1);
    for (const name of jobsOf(base)) expect(jobsOf(built)).toContain(name);
    expect(jobsOf(built)).toContain("pgbouncer");
    expect(built.notices.join("\n")).not.toMatch(/replaces/);
  });

  it("refuse replacing the built-in jobs unless global.replaceBuiltIn names them, then report it", () => {
    const replacing: StackValues = {
      global: { objectStorage: S3 },
      alloyGateway: { scrape: { jobs: [job] } },
    };
    expect(valuesError(() => stack(replacing))).toMatch(
      /^alloyGateway\.scrape\.jobs: would replace the \d+ built-in scrape jobs .*\(add yours under alloyGateway\.scrape\.extraJobs, or list "alloyGateway\.scrape\.jobs" in global\.replaceBuiltIn/,
    );
    const built = stack({
      ...replacing,
      global: { objectStorage: S3, replaceBuiltIn: ["alloyGateway.scrape.jobs"] },
    });
    expect(jobsOf(built)).not.toContain("kube_state_metrics");
    expect(jobsOf(built)).toContain("pgbouncer");
    expect(built.notices).toContainEqual(
      expect.stringMatching(/^alloyGateway\.scrape\.jobs replaces the \d+ built-in/),
    );
  });

  it("add a log stage after Materialize's and refuse replacing them silently", () => {
    const stage = {
      type: "match" as const,
      selector: '{namespace="data"}',
      stages: [{ type: "json" as const, expressions: { level: "level" } }],
    };
    const built = stack({
      global: { objectStorage: S3 },
      alloyGateway: { logs: { extraStages: [stage] } },
    });
    const count = (b: Stack) =>
      (
        JSON.stringify(b.objects.find((o) => o.metadata.name === "alloy-gateway-config")).match(
          /stage\.\w+ \{/g,
        ) ?? []
      ).length;
    expect(count(built)).toBe(count(base) + 2);
    expect(
      valuesError(() =>
        stack({ global: { objectStorage: S3 }, alloyGateway: { logs: { stages: [stage] } } }),
      ),
    ).toMatch(/^alloyGateway\.logs\.stages: would replace/);
  });

  it("add rule groups beside Materialize's", () => {
    const group = { name: "team", rules: [{ alert: "TeamDown", expr: 'up{job="team"} == 0' }] };
    const built = stack({
      global: { objectStorage: S3 },
      thanos: { ruler: { extraRuleGroups: [group] } },
    });
    const rules = JSON.stringify(
      built.objects.filter((o) => o.metadata.name.startsWith("thanos-ruler")),
    );
    expect(rules).toContain("TeamDown");
    expect(rules).toContain("MaterializeEnvironmentdUnexpectedRestart");
  });

  it("admit a user's NetworkPolicy peer beside the wired ones", () => {
    const built = stack({
      global: { objectStorage: S3 },
      loki: { networkPolicy: { grafana: [{ podLabels: { app: "team-grafana" } }] } },
    });
    const policy = JSON.stringify(
      built.objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "loki-gateway"),
    );
    expect(policy).toContain("team-grafana");
    expect(policy).toContain('"app.kubernetes.io/name":"grafana"');
  });

  it("add dashboards of the user's to the Materialize folder or their own", () => {
    const built = stack({
      global: { objectStorage: S3 },
      grafanaOperator: {
        extraDashboards: [
          { name: "team", json: { title: "Team", uid: "team-overview", panels: [] } },
          { name: "ops", folder: "Ops", json: { title: "Ops", panels: [] } },
        ],
      },
    });
    const dashboards = built.objects.filter((o) => o.kind === "GrafanaDashboard") as unknown as {
      metadata: { name: string };
      spec: { uid: string; folderRef: string };
    }[];
    expect(dashboards.find((d) => d.metadata.name === "dashboard-team")?.spec).toMatchObject({
      uid: "team-overview",
      folderRef: "materialize-dashboards",
    });
    const ops = dashboards.find((d) => d.metadata.name === "dashboard-ops");
    expect(ops?.spec.folderRef).not.toBe("materialize-dashboards");
    expect(built.objects.filter((o) => o.kind === "GrafanaFolder")).toHaveLength(2);
  });
});

describe("external peers", () => {
  it("an existing Grafana in another namespace validates and is admitted where it reads", async () => {
    const built = stack(existingGrafana);
    expect(await problems(built)).toEqual([]);
    expect(built.externals.grafana?.inCluster).toEqual({
      namespace: "observability",
      podLabels: { "app.kubernetes.io/name": "grafana" },
    });
  });

  it("catch a policy that misses the existing Grafana (planted defect)", async () => {
    const built = stack(existingGrafana);
    const broken = planted(built, "NetworkPolicy", "thanos-query-frontend", (policy) => {
      // Drop the rule that admits the existing Grafana (an empty `from` would admit everyone).
      const spec = policy.spec as { ingress: { from?: { namespaceSelector?: unknown }[] }[] };
      spec.ingress = spec.ingress.filter(
        (rule) => !(rule.from ?? []).some((peer) => peer.namespaceSelector),
      );
    });
    expect(await problems(broken)).toContainEqual(
      expect.stringMatching(
        /^network: the existing Grafana \(namespace observability\) -> Deployment\/monitoring\/thanos-query-frontend:\d+ \(PromQL/,
      ),
    );
  });

  it("refuse an in-cluster URL of another cluster domain, naming the fix", () => {
    const message = valuesError(() =>
      stack({ ...existingGrafana, global: { objectStorage: S3, clusterDomain: "corp.example" } }),
    );
    expect(message).toMatch(
      /^grafana\.external: grafana\.observability\.svc\.cluster\.local is an in-cluster host of the domain cluster\.local, but global\.clusterDomain is corp\.example \(write the host as <service>\.observability\.svc\.corp\.example/,
    );
  });

  it("refuse a short .svc URL and an in-cluster server without pod labels", () => {
    expect(
      valuesError(() =>
        stack({
          global: { objectStorage: S3 },
          loki: {
            enabled: false,
            external: { pushUrl: "http://loki-gateway.logging.svc/loki/api/v1/push" },
          },
        }),
      ),
    ).toMatch(
      /loki\.external: .* without its domain.*\n?.*loki\.external\.peer\.podLabels: is required/s,
    );
  });

  it("let the rulers out to an Alertmanager outside the cluster, and only there", async () => {
    const built = stack({
      global: { objectStorage: S3 },
      alertmanager: {
        enabled: false,
        // Not on 443: the bucket egress already lets the rulers out to any address there.
        external: { urls: ["https://am.ops.example:9443"], peer: { cidrs: ["203.0.113.0/28"] } },
      },
    });
    expect(await problems(built)).toEqual([]);
    const broken = planted(built, "NetworkPolicy", "thanos-ruler", (policy) => {
      const spec = policy.spec as { egress: { to?: { ipBlock?: { cidr: string } }[] }[] };
      for (const rule of spec.egress)
        rule.to = (rule.to ?? []).filter((peer) => peer.ipBlock?.cidr !== "203.0.113.0/28");
    });
    expect(await problems(broken)).toContainEqual(
      expect.stringMatching(
        /^network: StatefulSet\/monitoring\/thanos-ruler -> Alertmanager at 203\.0\.113\.1 \(203\.0\.113\.0\/28\):9443 is wired but egress/,
      ),
    );
  });
});

describe("node agents and priority classes", () => {
  it("catch a hostNetwork scrape target without a node-address egress rule (planted defect)", async () => {
    const built = stack({ global: { objectStorage: S3 } });
    expect(await problems(built)).toEqual([]);
    const broken = planted(built, "NetworkPolicy", "alloy-gateway", (policy) => {
      const spec = policy.spec as {
        egress: { to?: { ipBlock?: unknown }[]; ports?: { port?: unknown }[] }[];
      };
      spec.egress = spec.egress.filter(
        (rule) =>
          !(
            (rule.to ?? []).some((p) => p.ipBlock) &&
            (rule.ports ?? []).some((p) => p.port === 9100)
          ),
      );
    });
    expect(await problems(broken)).toContainEqual(
      expect.stringMatching(/node-exporter:9100\/TCP .* host network and, to node address/),
    );
  });

  it("give every pod a non-preempting priority class, and catch one without (planted defect)", async () => {
    const built = stack({
      global: {
        objectStorage: S3,
        priorityClasses: {
          create: true,
          node: "mon-node",
          critical: "mon-critical",
          default: "mon-default",
        },
      },
    });
    expect(await problems(built)).toEqual([]);
    const classes = built.objects.filter((o) => o.kind === "PriorityClass") as unknown as {
      metadata: { name: string };
      preemptionPolicy: string;
    }[];
    expect(classes.map((c) => [c.metadata.name, c.preemptionPolicy])).toEqual([
      ["mon-critical", "Never"],
      ["mon-default", "Never"],
      ["mon-node", "Never"],
    ]);
    const broken = planted(built, "StatefulSet", "thanos-receive", (sts) => {
      delete (sts.spec as { template: { spec: { priorityClassName?: string } } }).template.spec
        .priorityClassName;
    });
    expect(await problems(broken)).toContainEqual(
      expect.stringMatching(
        /^policy: StatefulSet\/monitoring\/thanos-receive: has no priorityClassName/,
      ),
    );
  });
});

describe("spread constraints written once for every workload", () => {
  const zone = {
    maxSkew: 2,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "DoNotSchedule" as const,
  };

  it("reach every Deployment and StatefulSet, each counting its own pods, and no DaemonSet", () => {
    const built = stack({
      global: { objectStorage: S3, scheduling: { topologySpreadConstraints: [zone] } },
    });
    type Workload = KubeObject & {
      spec: {
        selector: { matchLabels: Record<string, string> };
        template: { spec: { topologySpreadConstraints?: unknown[] } };
      };
    };
    const workloads = built.objects.filter((o) =>
      ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind),
    ) as Workload[];
    expect(workloads.filter((w) => w.kind !== "DaemonSet").length).toBeGreaterThan(10);
    for (const w of workloads) {
      const spread = w.spec.template.spec.topologySpreadConstraints;
      if (w.kind === "DaemonSet") expect(spread, w.metadata.name).toBeUndefined();
      else
        expect(spread, `${w.kind}/${w.metadata.name}`).toEqual([
          { ...zone, labelSelector: { matchLabels: w.spec.selector.matchLabels } },
        ]);
    }
  });

  it("give way to a component's own", () => {
    const own = { ...zone, maxSkew: 1, topologyKey: "kubernetes.io/hostname" };
    const built = stack({
      global: { objectStorage: S3, scheduling: { topologySpreadConstraints: [zone] } },
      alertmanager: { scheduling: { topologySpreadConstraints: [own] } },
    });
    const am = built.objects.find(
      (o) => o.kind === "StatefulSet" && o.metadata.name === "alertmanager",
    ) as
      | (KubeObject & { spec: { template: { spec: { topologySpreadConstraints?: unknown[] } } } })
      | undefined;
    expect(am?.spec.template.spec.topologySpreadConstraints).toEqual([
      { ...own, labelSelector: { matchLabels: expect.any(Object) } },
    ]);
  });
});

describe("the SQL-derived endpoints' Secret", () => {
  it("is read from materialize.scrape.sqlMetrics.secret.namespace, with a Role there", () => {
    const built = stack({
      global: { objectStorage: S3 },
      materialize: { scrape: { sqlMetrics: { secret: { namespace: "mz-secrets" } } } },
    });
    const config = alloyGatewayConfigOf({
      name: "alloy-gateway",
      objects: built.objects,
      endpoints: built.endpoints.alloyGateway!,
    });
    expect(config).toMatch(
      /remote\.kubernetes\.secret "[a-z_]+" \{\n\s*namespace\s*= "mz-secrets"/,
    );
    expect(
      built.objects.filter((o) => o.metadata.namespace === "mz-secrets").map((o) => o.kind),
    ).toEqual(expect.arrayContaining(["Role", "RoleBinding"]));
  });
});

describe("scrape jobs keep the labels of what an exporter reports on", () => {
  it("honors kube-state-metrics' namespace, pod and container labels, and no other job's", () => {
    const built = stack();
    const config = alloyGatewayConfigOf({
      name: "alloy-gateway",
      objects: built.objects,
      endpoints: built.endpoints.alloyGateway!,
    });
    const honoring = [
      ...config.matchAll(/^prometheus\.scrape "([a-z_]+)" \{\n([\s\S]*?)^\}/gm),
    ].flatMap((m) => (/^\s*honor_labels\s*=\s*true$/m.test(m[2] ?? "") ? [m[1]] : []));
    // Without it, kube_pod_* series of Materialize pods would carry the exporter's own
    // namespace and pod, and every rule selecting namespace or pod would miss them.
    expect(honoring).toEqual(["kube_state_metrics"]);
  });
});

describe("a refusal names the value the user wrote, not the component it reaches", () => {
  const problem = (values: StackValues) => {
    try {
      stack(values);
    } catch (error) {
      if (error instanceof ValuesError) return error.message;
      throw error;
    }
    return "";
  };

  it.each([
    [{ global: { clusterName: "prod\nx" } }, /^global\.clusterName: contains a line break/],
    [{ global: { namePrefix: "MZ_" } }, /^global\.namePrefix: must be empty or lower-case/],
    [{ global: { namePrefix: "a".repeat(21) } }, /^global\.namePrefix: at most 20 characters/],
    [
      { global: { priorityClasses: { critical: "Critical Pods" } } },
      /^global\.priorityClasses\.critical: must be a Kubernetes name/,
    ],
    [
      {
        loki: {
          enabled: false,
          external: { pushUrl: "https://logs.example.com/push", tenantId: "team a" },
        },
      },
      /^loki\.external\.tenantId: a Loki tenant id is 1 to 150 of letters/,
    ],
    [
      { loki: { enabled: false, external: { pushUrl: "https://logs.example.com/%zz" } } },
      /^loki\.external\.pushUrl: not an http\(s\) URL: contains % at column 26 without two hex digits/,
    ],
    [
      { global: { scheduling: { nodeSelector: { pool: "a b" } } } },
      /^global\.scheduling\.nodeSelector\.pool: a label value/,
    ],
    // The user's entry of a list the wiring or the built-in entries come before: its own index.
    [
      {
        alertmanager: {
          config: {
            inhibitRules: [{ sourceMatchers: ['severity="critical"'], targetMatchers: ["bad"] }],
          },
        },
      },
      /^alertmanager\.config\.inhibitRules\[0\]\.targetMatchers\[0\]: cannot parse matcher "bad"/,
    ],
    [
      {
        alloyGateway: {
          scrape: {
            extraJobs: [
              { name: "ok", job: "ok", namespaces: ["apps"], portName: "metrics" },
              {
                name: "app",
                job: "app",
                source: "nosuch",
                namespaces: ["apps"],
                portName: "metrics",
              },
            ],
          },
        },
      },
      /^alloyGateway\.scrape\.extraJobs\[1\]\.source: "nosuch" has no allow-list/,
    ],
    // A list under a source no job has would filter nothing: a typo keeps every metric.
    [
      { alloyGateway: { allowLists: { node_exporter: ["up"] } } },
      /^alloyGateway\.allowLists\.node_exporter: no scrape job has source "node_exporter".*node-exporter/,
    ],
    [
      { alloyGateway: { allowLists: { materialize: ["mz_up"] } } },
      /^alloyGateway\.allowLists\.materialize: "materialize" has an essential tier list, which wins/,
    ],
    [
      { alloyGateway: { metricTiers: { essential: { kubelets: ["up"] } } } },
      /^alloyGateway\.metricTiers\.essential\.kubelets: no scrape job has source "kubelets"/,
    ],
  ] as [StackValues, RegExp][])("%j", (values, expected) => {
    expect(problem(values)).toMatch(expected);
  });

  it("takes a Helm-style prefix that ends in a dash", () => {
    expect(problem({ global: { namePrefix: "mz-" } } as StackValues)).toBe("");
  });
});

describe("a user's choice of variant replaces the wiring's, instead of meeting it", () => {
  it("a scraper by namespace labels replaces the wired namespace of the gateway", async () => {
    const built = stack({
      global: { objectStorage: S3 },
      exporters: {
        kubeStateMetrics: {
          networkPolicy: { scraper: { namespaceLabels: { "team.example.com/obs": "true" } } },
        },
      },
    });
    const policy = built.objects.find(
      (o) => o.kind === "NetworkPolicy" && o.metadata.name === "kube-state-metrics",
    ) as { spec: { ingress: { from?: Record<string, unknown>[] }[] } } | undefined;
    const peers = policy?.spec.ingress.flatMap((r) => r.from ?? []) ?? [];
    expect(peers).toContainEqual({
      namespaceSelector: { matchLabels: { "team.example.com/obs": "true" } },
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "alloy-gateway",
          "app.kubernetes.io/instance": "materialize-monitoring",
        },
      },
    });
    expect(JSON.stringify(peers)).not.toContain("kubernetes.io/metadata.name");
  });

  it("an operator-managed Grafana renders beside the bundled one, without the wired external target", () => {
    const built = stack({
      global: { objectStorage: S3 },
      grafanaOperator: {
        grafana: { mode: "managed", ...GRAFANA_ADMIN },
      } as StackValues["grafanaOperator"],
    });
    const cr = built.objects.find((o) => o.kind === "Grafana") as
      | { spec: Record<string, unknown> }
      | undefined;
    expect(cr).toBeDefined();
    expect(cr?.spec.external).toBeUndefined();
    // No wired egress to the bundled Grafana: the operator's own managed-mode rule (its
    // namespace on 3000, as the managed pods' labels are the operator's) is all that remains.
    const operator = built.objects.find(
      (o) => o.kind === "NetworkPolicy" && o.metadata.name === "grafana-operator",
    );
    expect(JSON.stringify(operator)).not.toContain('"app.kubernetes.io/name":"grafana"');
  });
});

describe("a component's own storage of another kind replaces the shared one", () => {
  it("Loki on Azure while Thanos keeps the shared bucket: no S3 field reaches Loki", () => {
    const built = stack({
      global: { objectStorage: S3 },
      loki: { storage: { type: "azure", storageAccount: "mzlogs", container: "loki" } },
    });
    const config = built.objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === "loki",
    ) as { data: Record<string, string> } | undefined;
    const text = config?.data["config.yaml"] ?? "";
    expect(text).toContain("account_name: mzlogs");
    expect(text).not.toContain("acme-monitoring");
    const thanos = built.objects.find(
      (o) => o.kind === "Secret" && /objstore/.test(o.metadata.name),
    );
    expect(JSON.stringify(thanos ?? built.objects)).toContain("acme-monitoring");
  });

  it("names only the store that still uses the placeholder bucket", () => {
    const own = stack({
      loki: { storage: { type: "azure", storageAccount: "mzlogs", container: "loki" } },
    });
    expect(own.notices.filter((n) => n.includes("placeholder"))).toEqual([
      'global.objectStorage is not set: Thanos uses a placeholder S3 bucket "materialize-monitoring" (us-east-1, workload identity). Set your bucket, or use --profile dev for filesystem storage.',
    ]);
    expect(stack({}).notices.some((n) => n.includes("Loki and Thanos use a placeholder"))).toBe(
      true,
    );
  });
});
