import type { KubeObject } from "@materialize-monitoring/core";
import { afterEach } from "vitest";
import { type ApplySet, createApplySet, defaultApplySetParent } from "../../src/apply/applyset.js";
import { createKubeClient, loadKubeConfig } from "../../src/apply/client.js";
import type { ProgressEvent, Reporter } from "../../src/apply/progress.js";
import { createResourceApi, type ResourceApi } from "../../src/apply/resources.js";
import { type FakeApiOptions, FakeApiServer, type FakeClock, fakeClock } from "./fake-api.js";

export const NS = "monitoring";
export const INSTANCE = "materialize-monitoring";

function crd(plural: string, kind: string): KubeObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.grafana.integreatly.org` },
    spec: {
      group: "grafana.integreatly.org",
      names: { kind, plural, listKind: `${kind}List`, singular: kind.toLowerCase() },
      scope: "Namespaced",
      versions: [
        {
          name: "v1beta1",
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
          },
        },
      ],
    },
  };
}

const meta = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: NS,
  labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "materialize-monitoring" },
  ...extra,
});

const podTemplate = (name: string) => ({
  metadata: { labels: { "app.kubernetes.io/name": name } },
  spec: { containers: [{ name, image: `example.invalid/${name}:1.0.0` }] },
});

/**
 * A small stack shaped like the real one, deliberately out of order: a
 * namespace, grafana-operator's CRDs, RBAC, config, a Service, the three
 * workload kinds and two Grafana custom resources.
 */
export function stackObjects(): KubeObject[] {
  return [
    {
      apiVersion: "grafana.integreatly.org/v1beta1",
      kind: "GrafanaDashboard",
      metadata: meta("materialize-overview"),
      spec: { instanceSelector: { matchLabels: { dashboards: "grafana" } }, json: "{}" },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("grafana-operator"),
      spec: {
        replicas: 1,
        selector: { matchLabels: { "app.kubernetes.io/name": "grafana-operator" } },
        template: podTemplate("grafana-operator"),
      },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("loki-config"),
      data: { "config.yaml": "auth_enabled: false\n" },
    },
    crd("grafanadashboards", "GrafanaDashboard"),
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta("loki"),
      spec: {
        replicas: 3,
        serviceName: "loki-headless",
        selector: { matchLabels: { "app.kubernetes.io/name": "loki" } },
        template: podTemplate("loki"),
      },
    },
    {
      apiVersion: "grafana.integreatly.org/v1beta1",
      kind: "Grafana",
      metadata: meta("grafana", { labels: { dashboards: "grafana" } }),
      spec: { config: { log: { mode: "console" } } },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("grafana-operator") },
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: meta("alloy-agent"),
      spec: {
        selector: { matchLabels: { "app.kubernetes.io/name": "alloy-agent" } },
        template: podTemplate("alloy-agent"),
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("loki"),
      spec: {
        selector: { "app.kubernetes.io/name": "loki" },
        ports: [{ name: "http", port: 3100 }],
      },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta("loki-runtime"),
      type: "Opaque",
      stringData: { "runtime.yaml": "overrides: {}\n" },
    },
    crd("grafanas", "Grafana"),
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: {
        name: "grafana-operator",
        labels: { "app.kubernetes.io/name": "grafana-operator" },
      },
      rules: [{ apiGroups: ["grafana.integreatly.org"], resources: ["*"], verbs: ["*"] }],
    },
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: NS, labels: { "kubernetes.io/metadata.name": NS } },
    },
  ];
}

export function without(objects: KubeObject[], ...names: string[]): KubeObject[] {
  return objects.filter((o) => !names.includes(`${o.kind}/${o.metadata.name}`));
}

export interface Harness {
  server: FakeApiServer;
  kubeconfig: string;
  clock: FakeClock;
  api: ResourceApi;
  events: ProgressEvent[];
  reporter: Reporter;
  retries: { method: string; path: string; attempt: number; delayMs: number }[];
  set: ApplySet;
}

const running: FakeApiServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

/** A fake API server, a kubeconfig for it, and a client that goes through real HTTP. */
export async function harness(options: FakeApiOptions = {}): Promise<Harness> {
  const server = await new FakeApiServer(options).start();
  running.push(server);
  const kubeconfig = server.writeKubeconfig();
  const clock = fakeClock();
  const retries: Harness["retries"] = [];
  const client = createKubeClient(await loadKubeConfig({ kubeconfig }), {
    clock,
    retry: { jitter: 0 },
    onRetry: (info) =>
      retries.push({
        method: info.request.method,
        path: info.request.path,
        attempt: info.attempt,
        delayMs: info.delayMs,
      }),
  });
  const events: ProgressEvent[] = [];
  return {
    server,
    kubeconfig,
    clock,
    api: createResourceApi(client),
    events,
    reporter: { emit: (event) => events.push(event), close: () => {} },
    retries,
    set: createApplySet(defaultApplySetParent(INSTANCE, NS), "1.2.3"),
  };
}

/** `PATCH deployments/grafana-operator`-style summaries of the recorded writes. */
export function writeLog(server: FakeApiServer): string[] {
  return server.writes().map((r) => {
    const parts = r.path.split("/");
    return `${r.method} ${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
  });
}

/** An object's annotations (empty when it has none or does not exist). */
export function annotationsOf(object: { metadata: Record<string, unknown> } | undefined) {
  return (object?.metadata.annotations ?? {}) as Record<string, string>;
}

/** A Secret's data (empty when it has none or does not exist). */
export function dataOf(object: Record<string, unknown> | undefined) {
  return (object?.data ?? {}) as Record<string, string>;
}
