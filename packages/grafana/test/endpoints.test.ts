import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  type GrafanaEndpoints,
  type GrafanaValues,
  grafana,
  grafanaEndpoints,
} from "../src/index.js";

const CORP: Partial<BuildContext> = {
  namespace: "observability",
  clusterDomain: "corp.example",
  namePrefix: "mz-",
};

const CONTEXTS: Record<string, { ctx: Partial<BuildContext>; domain: string }> = {
  default: { ctx: {}, domain: "cluster.local" },
  corp: { ctx: CORP, domain: "corp.example" },
};

/** Values a platform team writes; an in-cluster database is addressed by FQDN, as it should be. */
function valueSets(domain: string): Record<string, GrafanaValues> {
  return {
    defaults: {},
    "postgres HA behind an Ingress": {
      replicas: 2,
      database: {
        type: "postgres",
        host: `grafana-db.databases.svc.${domain}`,
        password: { name: "grafana-db", key: "password" },
      },
      ingress: { enabled: true, host: "grafana.example.com", tlsSecretName: "grafana-tls" },
      networkPolicy: { ingressFrom: [{ namespace: "ingress-nginx" }] },
    },
    "sqlite, no policy, own priority class": {
      database: { type: "sqlite", persistence: { enabled: false } },
      networkPolicy: { enabled: false },
      scheduling: { priorityClassName: "observability-ui" },
    },
  };
}

function hostsOf(endpoints: GrafanaEndpoints): string[] {
  return [new URL(endpoints.url).hostname, endpoints.services.web.host];
}

const SHORT_SVC = /\.svc[:/"]/;

describe.each(Object.entries(CONTEXTS))("build context %s", (_name, { ctx, domain }) => {
  describe.each(Object.entries(valueSets(domain)))("values: %s", (_set, values) => {
    const component = grafana(values, ctx);
    const json = JSON.stringify(component.objects);

    it("publishes exactly the endpoints grafanaEndpoints computes without building", () => {
      expect(grafanaEndpoints(values, ctx)).toEqual(component.endpoints);
    });

    it("writes every in-cluster host fully qualified with the context's domain", () => {
      expect(json).not.toMatch(SHORT_SVC);
      if (domain !== "cluster.local") expect(json).not.toContain("cluster.local");
      for (const host of hostsOf(component.endpoints)) {
        expect(host.endsWith(`.svc.${domain}`)).toBe(true);
      }
    });

    it("serves the Service it publishes, and its scrape port is a pod port", () => {
      const web = component.endpoints.services.web;
      const svc = component.objects.find(
        (o) => o.kind === "Service" && o.metadata.name === web.service,
      ) as
        | (KubeObject & {
            spec: { selector: Record<string, string>; ports: { name: string; port: number }[] };
          })
        | undefined;
      expect(svc?.spec.selector).toEqual(web.podLabels);
      expect(svc?.spec.ports.map((p) => [p.name, p.port])).toEqual([["http", 3000]]);
      const deployment = component.objects.find((o) => o.kind === "Deployment") as KubeObject & {
        spec: { template: { spec: { containers: { ports: { name: string }[] }[] } } };
      };
      const names = deployment.spec.template.spec.containers.flatMap((c) =>
        c.ports.map((p) => p.name),
      );
      for (const target of component.endpoints.scrapeTargets)
        expect(names).toContain(target.portName);
    });
  });
});

describe("in a non-default context", () => {
  const endpoints = grafanaEndpoints({}, CORP);
  const podLabels = {
    "app.kubernetes.io/name": "grafana",
    "app.kubernetes.io/instance": "materialize-monitoring",
  };

  it("gives the operator an FQDN URL in the context's namespace and domain", () => {
    expect(endpoints.url).toBe("http://mz-grafana.observability.svc.corp.example:3000");
    expect(endpoints.service).toEqual({
      name: "mz-grafana",
      namespace: "observability",
      port: 3000,
    });
  });

  it("wants /metrics on port http scraped as job grafana, from its own pods", () => {
    expect(endpoints.scrapeTargets).toEqual([
      {
        name: "grafana",
        job: "grafana",
        namespace: "observability",
        podLabels,
        portName: "http",
        path: "/metrics",
        scheme: "http",
        hostNetwork: false,
      },
    ]);
  });

  it("names its querying pods, so Loki, Thanos and Alertmanager can admit them", () => {
    expect(endpoints.clients).toEqual({ query: { podLabels, namespace: "observability" } });
  });

  it("finds its HA peers through the headless Service's FQDN", () => {
    const { objects } = grafana(valueSets("corp.example")["postgres HA behind an Ingress"], CORP);
    const ini = objects.find((o) => o.kind === "ConfigMap") as KubeObject & {
      data: Record<string, string>;
    };
    expect(ini.data["grafana.ini"]).toContain(
      "ha_peers = mz-grafana-headless.observability.svc.corp.example:9094",
    );
  });
});

describe("priority class", () => {
  const classOf = (values: GrafanaValues, ctx: Partial<BuildContext>) => {
    const deployment = grafana(values, ctx).objects.find((o) => o.kind === "Deployment") as
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
