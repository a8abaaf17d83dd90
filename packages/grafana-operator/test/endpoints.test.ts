import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  defaultGrafanaUrl,
  type GrafanaOperatorEndpoints,
  type GrafanaOperatorValues,
  grafanaOperator,
  grafanaOperatorEndpoints,
} from "../src/index.js";

const CORP = {
  namespace: "observability",
  clusterDomain: "corp.example",
  namePrefix: "mz-",
} satisfies Partial<BuildContext>;

const CONTEXTS: Record<string, { ctx: Partial<BuildContext>; namespace: string; domain: string }> =
  {
    default: { ctx: {}, namespace: "monitoring", domain: "cluster.local" },
    corp: { ctx: CORP, namespace: "observability", domain: "corp.example" },
  };

/** Values as a composer wires them: every datasource URL an FQDN in the stack's namespace. */
function valueSets(namespace: string, domain: string): Record<string, GrafanaOperatorValues> {
  const at = (service: string, port: number) =>
    `http://${service}.${namespace}.svc.${domain}:${port}`;
  return {
    defaults: {},
    wired: {
      datasources: {
        thanos: { url: at("mz-thanos-query-frontend", 9090), flavorVersion: "0.39.2" },
        loki: { url: at("mz-loki-read", 3100), uid: "logs" },
        alertmanager: { url: at("mz-alertmanager", 9093) },
      },
      networkPolicy: { metricsFrom: [{ podLabels: { "app.kubernetes.io/name": "alloy" } }] },
    },
    "cluster scope, managed Grafana": {
      watch: { scope: "cluster", namespaces: [namespace, "team-a"] },
      grafana: { mode: "managed", name: "team-grafana" },
    },
    "no Grafana": { grafana: { mode: "none" }, crds: { install: false } },
  };
}

function hostsOf(endpoints: GrafanaOperatorEndpoints): string[] {
  return [
    endpoints.services.metrics.host,
    ...(endpoints.grafana?.url ? [new URL(endpoints.grafana.url).hostname] : []),
  ];
}

const SHORT_SVC = /\.svc[:/"]/;

describe.each(Object.entries(CONTEXTS))("build context %s", (_name, { ctx, namespace, domain }) => {
  describe.each(Object.entries(valueSets(namespace, domain)))("values: %s", (_set, values) => {
    const component = grafanaOperator(values, ctx);
    const json = JSON.stringify(component.objects);

    it("publishes exactly the endpoints grafanaOperatorEndpoints computes without building", () => {
      expect(grafanaOperatorEndpoints(values, ctx)).toEqual(component.endpoints);
    });

    it("writes every in-cluster host fully qualified with the context's domain", () => {
      expect(json).not.toMatch(SHORT_SVC);
      if (domain !== "cluster.local") expect(json).not.toContain("cluster.local");
      for (const host of hostsOf(component.endpoints)) {
        expect(host.endsWith(`.svc.${domain}`)).toBe(true);
      }
    });

    it("renders the datasources with the uids it publishes", () => {
      const uids = component.objects
        .filter((o) => o.kind === "GrafanaDatasource")
        .map((o) => (o as KubeObject & { spec: { uid: string } }).spec.uid)
        .sort();
      expect(uids).toEqual(Object.values(component.endpoints.datasourceUids).sort());
    });
  });
});

describe("in a non-default context", () => {
  const endpoints = grafanaOperatorEndpoints({}, CORP);
  const podLabels = {
    "app.kubernetes.io/name": "grafana-operator",
    "app.kubernetes.io/instance": "materialize-monitoring",
  };

  it("defaults the Grafana URL to the grafana package's Service, fully qualified", () => {
    expect(defaultGrafanaUrl(CORP)).toBe("http://mz-grafana.observability.svc.corp.example:3000");
    expect(endpoints.grafana).toEqual({
      name: "mz-grafana",
      mode: "external",
      url: "http://mz-grafana.observability.svc.corp.example:3000",
      adminUser: { name: "grafana-credentials", key: "admin-user" },
      adminPassword: { name: "grafana-credentials", key: "admin-password" },
    });
  });

  it("wants its metrics port scraped as job grafana-operator", () => {
    expect(endpoints.scrapeTargets).toEqual([
      {
        name: "grafana_operator",
        job: "grafana-operator",
        namespace: "observability",
        podLabels,
        portName: "metrics",
        path: endpoints.metrics.path,
        scheme: "http",
        hostNetwork: false,
      },
    ]);
    expect(endpoints.services.metrics).toEqual({
      service: "mz-grafana-operator",
      namespace: "observability",
      host: "mz-grafana-operator.observability.svc.corp.example",
      ports: { metrics: { name: "metrics", port: 9090, protocol: "TCP" } },
      podLabels,
    });
  });

  it("names its pods as Grafana's API client", () => {
    expect(endpoints.clients).toEqual({ operator: { podLabels, namespace: "observability" } });
    expect(endpoints.operatorPodLabels).toEqual(podLabels);
  });

  it("scrapes a port its pods really have, behind the Service it publishes", () => {
    const { objects } = grafanaOperator({}, CORP);
    const deployment = objects.find((o) => o.kind === "Deployment") as KubeObject & {
      spec: { template: { spec: { containers: { ports: { name: string }[] }[] } } };
    };
    const names = deployment.spec.template.spec.containers.flatMap((c) =>
      c.ports.map((p) => p.name),
    );
    expect(names).toContain(endpoints.scrapeTargets[0]?.portName);
    const svc = objects.find((o) => o.kind === "Service") as KubeObject & {
      spec: { selector: Record<string, string> };
    };
    expect(svc.metadata.name).toBe(endpoints.services.metrics.service);
    expect(svc.spec.selector).toEqual(endpoints.services.metrics.podLabels);
  });
});

describe("priority class", () => {
  const classOf = (values: GrafanaOperatorValues, ctx: Partial<BuildContext>) => {
    const deployment = grafanaOperator(values, ctx).objects.find((o) => o.kind === "Deployment") as
      | (KubeObject & { spec: { template: { spec: { priorityClassName?: string } } } })
      | undefined;
    return deployment?.spec.template.spec.priorityClassName;
  };

  it("runs with the default class, and yields to its own value", () => {
    const classes = { priorityClasses: { critical: "mz-critical", default: "mz-default" } };
    expect(classOf({}, classes)).toBe("mz-default");
    expect(classOf({ scheduling: { priorityClassName: "own" } }, classes)).toBe("own");
    expect(classOf({}, { priorityClasses: { critical: "mz-critical" } })).toBeUndefined();
  });
});
