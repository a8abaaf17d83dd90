import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import {
  type AlertmanagerEndpoints,
  type AlertmanagerValues,
  alertmanager,
  alertmanagerEndpoints,
  peerAddresses,
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

/** Values a platform team writes; in-cluster receivers are addressed by FQDN, as they should be. */
function valueSets(domain: string): Record<string, AlertmanagerValues> {
  return {
    defaults: {},
    small: { mode: "small" },
    "three replicas behind a proxy path": {
      replicas: 3,
      routePrefix: "/alertmanager/",
      externalUrl: "https://ops.example.com/alertmanager/",
      persistence: { storageFloor: "10Gi", storageClass: "standard-rwo" },
    },
    "in-cluster webhook receiver": {
      config: {
        receivers: [
          {
            name: "bridge",
            webhook: [{ url: `http://incident-bridge.ops.svc.${domain}:8080/alertmanager` }],
          },
        ],
        defaultReceiver: "bridge",
      },
      networkPolicy: {
        egress: {
          receivers: [
            {
              to: [{ podLabels: { app: "incident-bridge" }, namespace: "ops" }],
              ports: [{ port: 8080 }],
            },
          ],
        },
      },
    },
  };
}

/** Every host an Alertmanager endpoint names, so none can escape the domain check. */
function hostsOf(endpoints: AlertmanagerEndpoints): string[] {
  const urlHost = (url: string) => new URL(url.replace(/^dnssrv\+/, "")).hostname;
  return [
    urlHost(endpoints.url),
    urlHost(endpoints.apiUrl),
    urlHost(endpoints.dnsSrvUrl),
    ...endpoints.replicaUrls.map(urlHost),
    ...endpoints.replicaHosts,
    endpoints.srvRecord,
    endpoints.dnsSrv.replace(/^dnssrv\+/, ""),
    endpoints.services.web.host,
    endpoints.services.headless.host,
  ];
}

const SHORT_SVC = /\.svc[:/"]/;

describe.each(Object.entries(CONTEXTS))("build context %s", (_name, { ctx, domain }) => {
  describe.each(Object.entries(valueSets(domain)))("values: %s", (_set, values) => {
    const component = alertmanager(values, ctx);
    const json = JSON.stringify(component.objects);

    it("publishes exactly the endpoints alertmanagerEndpoints computes without building", () => {
      expect(alertmanagerEndpoints(values, ctx)).toEqual(component.endpoints);
    });

    it("writes every in-cluster host fully qualified with the context's domain", () => {
      expect(json).not.toMatch(SHORT_SVC);
      if (domain !== "cluster.local") expect(json).not.toContain("cluster.local");
      for (const host of hostsOf(component.endpoints))
        expect(host.endsWith(`.svc.${domain}`)).toBe(true);
    });

    it("gossips with every replica at the hosts it publishes", () => {
      const sts = component.objects.find((o) => o.kind === "StatefulSet") as KubeObject & {
        spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
      };
      const args = sts.spec.template.spec.containers[0]?.args ?? [];
      const peers = args.filter((a) => a.startsWith("--cluster.peer=")).map((a) => a.slice(15));
      expect(component.endpoints.replicaHosts).toHaveLength(sts.spec.replicas);
      expect(peers).toEqual(sts.spec.replicas > 1 ? peerAddresses(component.endpoints) : []);
    });
  });
});

describe("in a non-default context", () => {
  const endpoints = alertmanagerEndpoints({ routePrefix: "/alertmanager" }, CORP);

  it("names its Services, replicas and SRV record under the namespace and domain", () => {
    expect(endpoints.services.web).toEqual({
      service: "mz-alertmanager",
      namespace: "observability",
      host: "mz-alertmanager.observability.svc.corp.example",
      ports: { web: { name: "http-web", port: 9093, protocol: "TCP" } },
      podLabels: {
        "app.kubernetes.io/name": "alertmanager",
        "app.kubernetes.io/instance": "materialize-monitoring",
      },
    });
    expect(endpoints.services.headless.host).toBe(
      "mz-alertmanager-headless.observability.svc.corp.example",
    );
    expect(endpoints.replicaHosts).toEqual([
      "mz-alertmanager-0.mz-alertmanager-headless.observability.svc.corp.example",
      "mz-alertmanager-1.mz-alertmanager-headless.observability.svc.corp.example",
    ]);
    expect(endpoints.srvRecord).toBe(
      "_http-web._tcp.mz-alertmanager-headless.observability.svc.corp.example",
    );
    expect(endpoints.url).toBe(
      "http://mz-alertmanager.observability.svc.corp.example:9093/alertmanager",
    );
    expect(endpoints.externalUrl).toBe(endpoints.url);
  });

  it("wants its web port scraped under the route prefix, as job alertmanager", () => {
    expect(endpoints.scrapeTargets).toEqual([
      {
        name: "alertmanager",
        job: "alertmanager",
        namespace: "observability",
        podLabels: endpoints.selectorLabels,
        portName: "http-web",
        path: "/alertmanager/metrics",
        scheme: "http",
        hostNetwork: false,
        source: "alertmanager",
      },
    ]);
    expect(alertmanagerEndpoints({}, CORP).scrapeTargets[0]?.path).toBe("/metrics");
  });

  it("names its notifying pods, so an in-cluster receiver can admit them", () => {
    expect(endpoints.clients).toEqual({
      notifier: { podLabels: endpoints.selectorLabels, namespace: "observability" },
    });
  });

  it("scrapes a port its pods really have", () => {
    const sts = alertmanager({}, CORP).objects.find(
      (o) => o.kind === "StatefulSet",
    ) as KubeObject & {
      spec: { template: { spec: { containers: { ports: { name: string }[] }[] } } };
    };
    const names = sts.spec.template.spec.containers.flatMap((c) => c.ports.map((p) => p.name));
    expect(names).toContain(endpoints.scrapeTargets[0]?.portName);
  });
});

describe("priority class", () => {
  const classOf = (values: AlertmanagerValues, ctx: Partial<BuildContext>) => {
    const sts = alertmanager(values, ctx).objects.find((o) => o.kind === "StatefulSet") as
      | (KubeObject & { spec: { template: { spec: { priorityClassName?: string } } } })
      | undefined;
    return sts?.spec.template.spec.priorityClassName;
  };

  it("runs as critical, falls back to the default class, and yields to its own value", () => {
    const both = { priorityClasses: { critical: "mz-critical", default: "mz-default" } };
    expect(classOf({}, both)).toBe("mz-critical");
    expect(classOf({}, { priorityClasses: { default: "mz-default" } })).toBe("mz-default");
    expect(classOf({ scheduling: { priorityClassName: "own" } }, both)).toBe("own");
    expect(classOf({}, {})).toBeUndefined();
  });
});
