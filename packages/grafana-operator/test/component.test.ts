import {
  type KubeObject,
  renderGroup,
  sortForApply,
  toYamlStream,
  ValuesError,
} from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import {
  type GrafanaOperatorValues,
  grafanaOperator,
  selectorMatches,
  vendoredCrds,
} from "../src/index.js";

const endpoints = {
  thanos: "http://thanos-query-frontend.monitoring.svc.cluster.local:9090",
  loki: "http://loki-read.monitoring.svc.cluster.local:3100",
  alertmanager: "http://alertmanager.monitoring.svc.cluster.local:9093",
};

const wired: GrafanaOperatorValues = {
  grafana: { mode: "external", url: "http://grafana.monitoring.svc.cluster.local:3000" },
  datasources: {
    thanos: { url: endpoints.thanos, flavorVersion: "0.39.2" },
    loki: { url: endpoints.loki },
    alertmanager: { url: endpoints.alertmanager },
  },
  networkPolicy: { metricsFrom: [{ podLabels: { "app.kubernetes.io/name": "alloy-gateway" } }] },
};

const presets: Record<string, GrafanaOperatorValues> = {
  default: {},
  wired,
  "cluster-scope": { watch: { scope: "cluster", namespaces: ["monitoring", "team-a"] } },
  managed: {
    grafana: {
      mode: "managed",
      version: "12.4.10",
      config: {
        server: { root_url: "https://grafana.example.com" },
        "auth.anonymous": { enabled: false },
      },
      secretKey: { name: "grafana-credentials", key: "secret-key" },
    },
  },
  "no-grafana-no-crds": { grafana: { mode: "none" }, crds: { install: false } },
};

function find(objects: KubeObject[], kind: string, name?: string) {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

describe.each(Object.entries(presets))("preset %s", (_name, values) => {
  const component = grafanaOperator(values);

  it("matches the snapshot (CRDs left out: they are the vendored files)", () => {
    const withoutCrds = component.objects.filter((o) => o.kind !== "CustomResourceDefinition");
    expect(toYamlStream(withoutCrds)).toMatchSnapshot();
  });

  it("validates: built-ins against Kubernetes, custom resources against the vendored CRDs", async () => {
    expect(await validateObjects(component.objects, { crds: vendoredCrds() })).toEqual([]);
  });

  it("binds every custom resource to the Grafana resource it renders", () => {
    const custom = component.objects.filter((o) =>
      o.apiVersion.startsWith("grafana.integreatly.org/"),
    );
    const grafana = custom.find((o) => o.kind === "Grafana");
    for (const object of custom.filter((o) => o.kind !== "Grafana")) {
      const selector = (
        object as unknown as { spec: { instanceSelector: { matchLabels: Record<string, string> } } }
      ).spec.instanceSelector;
      expect(selector).toEqual(component.endpoints.instanceSelector);
      if (grafana) expect(selectorMatches(grafana.metadata.labels, selector)).toBe(true);
    }
    if (grafana) {
      expect(selectorMatches(grafana.metadata.labels, component.endpoints.instanceSelector)).toBe(
        true,
      );
    }
  });
});

describe("grafana-operator defaults", () => {
  const { objects, endpoints: out } = grafanaOperator();
  const deployment = find(objects, "Deployment")[0] as unknown as {
    spec: {
      replicas: number;
      template: {
        spec: {
          automountServiceAccountToken: boolean;
          containers: { args: string[]; env: { name: string; value?: string }[]; image: string }[];
        };
      };
    };
  };
  const manager = deployment.spec.template.spec.containers[0]!;

  it("renders the 13 vendored CRDs into the setup group, sorted before everything else", () => {
    const crds = find(objects, "CustomResourceDefinition");
    expect(crds).toHaveLength(13);
    expect(crds.every((crd) => renderGroup(crd) === "setup")).toBe(true);
    const sorted = sortForApply(objects);
    expect(sorted.slice(0, 13).every((o) => o.kind === "CustomResourceDefinition")).toBe(true);
    // Custom resources come after the operator's workload.
    const lastBuiltin = sorted.findLastIndex(
      (o) => !o.apiVersion.startsWith("grafana.integreatly.org/"),
    );
    const firstCustom = sorted.findIndex((o) =>
      o.apiVersion.startsWith("grafana.integreatly.org/"),
    );
    expect(firstCustom).toBeGreaterThan(lastBuiltin);
  });

  it("runs the pinned operator with leader election, upstream's ports and a namespace scope", () => {
    expect(manager.image).toBe("ghcr.io/grafana/grafana-operator:v5.24.0");
    expect(manager.args).toContain("--leader-elect");
    expect(manager.args).toContain("--metrics-bind-address=:9090");
    expect(manager.args).toContain("--health-probe-bind-address=:8081");
    expect(manager.env).toContainEqual({ name: "WATCH_NAMESPACE", value: "monitoring" });
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
  });

  it("grants a Role in its namespace (no cluster-wide RBAC) plus the leader-election Role", () => {
    expect(find(objects, "ClusterRole")).toEqual([]);
    expect(find(objects, "ClusterRoleBinding")).toEqual([]);
    expect(find(objects, "Role").map((r) => r.metadata.name)).toEqual([
      "grafana-operator",
      "grafana-operator-leader-election",
    ]);
  });

  it("points the Grafana resource at the grafana package's Service with secret references", () => {
    const grafana = find(objects, "Grafana")[0] as unknown as { spec: { external: unknown } };
    expect(grafana.spec.external).toEqual({
      url: "http://grafana.monitoring.svc.cluster.local:3000",
      adminUser: { name: "grafana-credentials", key: "admin-user" },
      adminPassword: { name: "grafana-credentials", key: "admin-password" },
    });
    expect(out.grafana).toMatchObject({
      name: "grafana",
      url: "http://grafana.monitoring.svc.cluster.local:3000",
    });
  });

  it("renders no datasource without a URL", () => {
    expect(find(objects, "GrafanaDatasource")).toEqual([]);
    expect(out.datasourceUids).toEqual({});
  });

  it("limits egress to DNS, the API server and Grafana", () => {
    const policy = find(objects, "NetworkPolicy")[0] as unknown as {
      spec: { ingress: unknown[]; egress: { to: unknown[]; ports: { port: number }[] }[] };
    };
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress.map((rule) => rule.ports.map((p) => p.port))).toEqual([
      [53, 53],
      [443, 6443],
      [3000],
    ]);
    expect(policy.spec.egress[2]!.to).toEqual([
      {
        podSelector: {
          matchLabels: {
            "app.kubernetes.io/name": "grafana",
            "app.kubernetes.io/instance": "materialize-monitoring",
          },
        },
      },
    ]);
  });
});

describe("wired to the stack's endpoints", () => {
  const { objects, endpoints: out } = grafanaOperator(wired);
  const datasources = find(objects, "GrafanaDatasource") as unknown as {
    metadata: { name: string };
    spec: {
      uid: string;
      datasource: {
        url: string;
        type: string;
        isDefault: boolean;
        jsonData: Record<string, unknown>;
      };
    };
  }[];
  const byName = Object.fromEntries(datasources.map((d) => [d.metadata.name, d.spec]));

  it("uses exactly the Thanos, Loki and Alertmanager URLs passed in", () => {
    expect(byName.thanos?.datasource.url).toBe(endpoints.thanos);
    expect(byName.loki?.datasource.url).toBe(endpoints.loki);
    expect(byName.alertmanager?.datasource.url).toBe(endpoints.alertmanager);
  });

  it("makes Thanos the default Prometheus-type datasource, linked to the Alertmanager", () => {
    expect(byName.thanos?.datasource).toMatchObject({ type: "prometheus", isDefault: true });
    expect(byName.thanos?.datasource.jsonData).toMatchObject({
      prometheusType: "Thanos",
      prometheusVersion: "0.39.2",
      alertmanagerUid: "alertmanager",
    });
    expect(byName.loki?.datasource).toMatchObject({ type: "loki", isDefault: false });
    expect(byName.alertmanager?.datasource.type).toBe("alertmanager");
    expect(out.datasourceUids).toEqual({
      thanos: "thanos",
      loki: "loki",
      alertmanager: "alertmanager",
    });
  });

  it("lets only the given scrapers reach the metrics port", () => {
    const policy = find(objects, "NetworkPolicy")[0] as unknown as {
      spec: { ingress: { from: unknown[]; ports: { port: number }[] }[] };
    };
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } } }],
        ports: [{ protocol: "TCP", port: 9090 }],
      },
    ]);
  });
});

describe("cluster scope", () => {
  const { objects } = grafanaOperator(presets["cluster-scope"]);

  it("binds a namespaced-named ClusterRole and watches the listed namespaces", () => {
    expect(find(objects, "ClusterRole").map((o) => o.metadata.name)).toEqual([
      "monitoring-grafana-operator",
    ]);
    expect(find(objects, "ClusterRoleBinding")[0]).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "monitoring-grafana-operator" },
      subjects: [{ kind: "ServiceAccount", name: "grafana-operator", namespace: "monitoring" }],
    });
    const yaml = toYamlStream(find(objects, "Deployment"));
    expect(yaml).toContain("value: monitoring,team-a");
  });
});

describe("managed Grafana", () => {
  const grafana = find(grafanaOperator(presets.managed).objects, "Grafana")[0] as unknown as {
    spec: Record<string, unknown>;
  };

  it("writes config values as strings and credentials only as secret references", () => {
    expect(grafana.spec.config).toEqual({
      "auth.anonymous": { enabled: "false" },
      server: { root_url: "https://grafana.example.com" },
    });
    expect(grafana.spec.disableDefaultAdminSecret).toBe(true);
    const yaml = toYamlStream([grafana as unknown as KubeObject]);
    expect(yaml).toContain("name: GF_SECURITY_ADMIN_PASSWORD");
    expect(yaml).toContain("secretKeyRef:");
    expect(yaml).toContain("name: GF_SECURITY_SECRET_KEY");
  });

  it("lets the operator reach the Grafana it deploys: any pod of the namespace on 3000", () => {
    const policy = find(
      grafanaOperator(presets.managed).objects,
      "NetworkPolicy",
    )[0] as unknown as {
      spec: { egress: { to: unknown[]; ports: { port: number }[] }[] };
    };
    expect(policy.spec.egress[2]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
      ports: [{ protocol: "TCP", port: 3000 }],
    });
  });

  it("refuses a credential written into the config", () => {
    expect(() =>
      grafanaOperator({
        grafana: { mode: "managed", config: { security: { admin_password: "hunter2" } } },
      }),
    ).toThrow(
      "Grafana/grafana.config.security.admin_password: credentials cannot be written into the Grafana config (pass them as secret references (adminUser, adminPassword, secretKey) instead)",
    );
  });
});

describe("values errors", () => {
  it("names the path of a bad datasource URL", () => {
    try {
      grafanaOperator({ datasources: { loki: { url: "loki-read:3100" } } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValuesError);
      expect((error as ValuesError).message).toBe(
        "grafana-operator.datasources.loki.url: not an http(s) URL: the scheme loki-read: is not supported; use http:// or https:// (for example http://thanos-query.monitoring.svc.cluster.local:9090)",
      );
    }
  });

  it("refuses a peer that is neither pods nor an IP block", () => {
    expect(() => grafanaOperator({ networkPolicy: { metricsFrom: [{}] } })).toThrow(
      "grafana-operator.networkPolicy.metricsFrom[0]: a peer needs podLabels, namespace, namespaceLabels or cidr",
    );
  });
});

describe("name prefix and namespace from the build context", () => {
  const { objects, endpoints: out } = grafanaOperator(
    { datasources: { loki: { url: "http://mz-loki-read.observability.svc.cluster.local:3100" } } },
    { namePrefix: "mz", namespace: "observability" },
  );

  it("prefixes object names and follows the namespace, keeping the binding intact", () => {
    expect(find(objects, "Deployment")[0]?.metadata).toMatchObject({
      name: "mz-grafana-operator",
      namespace: "observability",
    });
    const grafana = find(objects, "Grafana")[0] as unknown as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { external: { url: string } };
    };
    expect(grafana.metadata.name).toBe("mz-grafana");
    expect(grafana.spec.external.url).toBe(
      "http://mz-grafana.observability.svc.cluster.local:3000",
    );
    expect(find(objects, "GrafanaDatasource")[0]?.metadata.name).toBe("mz-loki");
    expect(selectorMatches(grafana.metadata.labels, out.instanceSelector)).toBe(true);
    expect(out.grafana?.name).toBe("mz-grafana");
  });
});
