/**
 * The scenario matrix: realistic values files a platform team writes on day
 * one (e2e/scenarios/*.yaml), alone and with profiles. Each renders, validates
 * with 0 problems, renders byte-identically twice, and keeps the property it
 * exists for, read from the objects themselves.
 */
import type { KubeObject } from "@materialize-monitoring/core";
import { toYamlStream } from "@materialize-monitoring/core";
import { PROFILE_NAMES, type ProfileName, stack, validateStack } from "materialize-monitoring";
import { describe, expect, it } from "vitest";
import {
  externalPod,
  policyModel,
  readScenario,
  scenarioFiles,
  scenarioValues,
  serviceBackends,
  serviceOfUrl,
  svcHosts,
} from "../src/scenarios.js";

type Tree = Record<string, unknown>;

const files = scenarioFiles();

function render(file: string, profiles: readonly ProfileName[] = []) {
  return stack(scenarioValues(file, profiles));
}

function configText(objects: readonly KubeObject[], name: string): string {
  const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.endsWith(name)) as
    | (KubeObject & { data: Record<string, string> })
    | undefined;
  if (!cm) throw new Error(`no ConfigMap ${name}`);
  return Object.values(cm.data).join("\n");
}

function scrapeJobNames(objects: readonly KubeObject[]): string[] {
  const text = configText(objects, "alloy-gateway-config");
  return [...text.matchAll(/prometheus\.scrape "([^"]+)"/g)].map((m) => m[1] as string).sort();
}

function podSpecs(objects: readonly KubeObject[]) {
  return objects.flatMap((o) => {
    const template = (o as { spec?: { template?: { spec?: Tree } } }).spec?.template?.spec;
    return template ? [{ owner: `${o.kind}/${o.metadata.name}`, spec: template }] : [];
  });
}

describe("the scenario matrix", () => {
  it("has at least 15 values files", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  describe.each(files)("%s", (file) => {
    const built = render(file);

    it("renders, validates with 0 problems and renders identically again", async () => {
      expect((await validateStack(built)).map((p) => `${p.layer}: ${p.message}`)).toEqual([]);
      expect(toYamlStream(render(file).objects)).toBe(toYamlStream(built.objects));
    });

    it("writes every in-cluster host fully qualified with the cluster domain", () => {
      const domain = built.context.clusterDomain;
      const hosts = svcHosts(JSON.stringify(built.objects));
      expect(hosts.length).toBeGreaterThan(0);
      // The metrics-server APIService serverName is `<svc>.<ns>.svc` by the aggregator protocol, and
      // one description shows the form; every other host carries the cluster domain.
      for (const host of hosts.filter(
        (h) => !/^service\.namespace\.svc$|metrics-server\.[a-z0-9-]+\.svc$/.test(h),
      ))
        expect(host, host).toMatch(new RegExp(`\\.svc\\.${domain.replaceAll(".", "\\.")}$`));
      if (domain !== "cluster.local")
        expect(JSON.stringify(built.objects)).not.toContain("cluster.local");
    });

    it("keeps every built-in scrape job and the Materialize log stages", () => {
      const base = stack({
        global: { objectStorage: { type: "s3", bucket: "mz-metrics", region: "us-east-1" } },
      });
      const jobs = scrapeJobNames(built.objects);
      const enabledSections = (["loki", "thanos", "alertmanager", "grafana"] as const).filter(
        (s) => built.values[s].enabled,
      );
      // Jobs of components the scenario disables are gone with them; every other built-in stays.
      const expected = scrapeJobNames(base.objects).filter(
        (j) =>
          !(["loki", "thanos", "alertmanager", "grafana"] as const).some(
            (s) => !enabledSections.includes(s) && j.startsWith(s),
          ),
      );
      for (const job of expected) expect(jobs).toContain(job);
      const stages = configText(built.objects, "alloy-gateway-config");
      const baseStages = configText(base.objects, "alloy-gateway-config");
      const count = (t: string) => (t.match(/stage\.\w+ \{/g) ?? []).length;
      expect(count(stages)).toBeGreaterThanOrEqual(count(baseStages));
    });

    it("gives every pod a priority class when the values name them", () => {
      const classes = built.values.global.priorityClasses;
      if (!classes.node && !classes.critical && !classes.default) return;
      for (const { owner, spec } of podSpecs(built.objects))
        expect(spec.priorityClassName, owner).toBeTruthy();
      for (const pc of built.objects.filter((o) => o.kind === "PriorityClass"))
        expect((pc as unknown as Tree).preemptionPolicy).toBe("Never");
    });
  });

  describe("properties of single scenarios", () => {
    it("cluster-domain: no address ends in cluster.local", () => {
      const built = render("cluster-domain.yaml");
      const text = toYamlStream(built.objects);
      expect(text).not.toContain("cluster.local");
      expect(text).toContain(".svc.corp.example");
      expect(built.endpoints.thanos?.remoteWriteUrl).toMatch(/\.svc\.corp\.example:/);
      expect(built.endpoints.alertmanager?.url).toMatch(/\.svc\.corp\.example:/);
    });

    it.each(["existing-grafana.yaml", "existing-grafana-corp-domain.yaml"])(
      "%s: the external Grafana is admitted to the Loki read path, Thanos query and Alertmanager",
      (file) => {
        const built = render(file);
        const values = readScenario(file) as {
          grafana: { external: { url: string; peer?: { podLabels?: Tree } } };
        };
        const { namespace } = serviceOfUrl(values.grafana.external.url);
        const labels = (values.grafana.external.peer?.podLabels ?? {}) as Record<string, string>;
        const grafanaPod = externalPod(namespace, { ...labels, "external-test": "grafana" });
        const model = policyModel(built.objects);
        const targets = [
          built.endpoints.loki?.queryUrl,
          built.endpoints.thanos?.promqlUrl,
          built.endpoints.alertmanager?.url,
        ];
        for (const url of targets) {
          expect(url).toBeDefined();
          const svc = serviceOfUrl(url as string);
          const backends = serviceBackends(built.objects, svc.namespace, svc.name, svc.port);
          expect(backends.length, url).toBeGreaterThan(0);
          for (const { pod, port } of backends)
            expect(model.explain(grafanaPod, pod, port), `${url} -> ${pod.owner}`).toEqual({
              allowed: true,
              reason: "allowed",
            });
        }
        // The operator manages the external Grafana: its Grafana resource points there.
        const grafanaCr = built.objects.find((o) => o.kind === "Grafana") as unknown as {
          spec: { external: { url: string } };
        };
        expect(grafanaCr.spec.external.url).toBe(values.grafana.external.url);
        expect(
          built.objects.some((o) => o.kind === "Deployment" && o.metadata.name === "grafana"),
        ).toBe(false);
      },
    );

    it("existing-loki: the pipeline pushes to it and may reach its pods", () => {
      const built = render("existing-loki.yaml");
      const text = configText(built.objects, "alloy-gateway-config");
      expect(text).toContain("http://loki-gateway.logging.svc.cluster.local/loki/api/v1/push");
      expect(built.objects.some((o) => o.metadata.name.startsWith("loki-"))).toBe(false);
      const gateway = policyModel(built.objects);
      const gatewayPod = built.objects.find(
        (o) => o.kind === "Deployment" && o.metadata.name === "alloy-gateway",
      );
      expect(gatewayPod).toBeDefined();
      const [from] = serviceBackends(built.objects, "monitoring", "alloy-gateway", 3100).map(
        (b) => b.pod,
      );
      const loki = externalPod("logging", {
        "app.kubernetes.io/name": "loki",
        "app.kubernetes.io/component": "gateway",
      });
      expect(gateway.allowed(from as never, loki, 8080)).toBe(true);
      expect(gateway.allowed(from as never, externalPod("logging", { app: "other" }), 8080)).toBe(
        false,
      );
    });

    it("cross-cluster-access: outside clients reach only the authenticated listeners, which reach the stores", () => {
      const built = render("cross-cluster-access.yaml");
      const model = policyModel(built.objects);
      const outside = externalPod("other-team", { app: "agent" });
      const [lokiGateway] = serviceBackends(
        built.objects,
        "monitoring",
        "loki-gateway-external",
        443,
      );
      const [thanosGateway] = serviceBackends(built.objects, "monitoring", "thanos-gateway", 443);
      expect(lokiGateway && thanosGateway).toBeTruthy();
      // The in-namespace listener stays closed to pods outside the stack; 8081 is the way in.
      expect(model.allowed(outside, lokiGateway?.pod as never, 8080)).toBe(false);
      const [receive] = serviceBackends(built.objects, "monitoring", "thanos-receive", 19291);
      const [write] = serviceBackends(built.objects, "monitoring", "loki-write", 3100);
      expect(model.allowed(thanosGateway?.pod as never, receive?.pod as never, 19291)).toBe(true);
      expect(model.allowed(lokiGateway?.pod as never, write?.pod as never, 3100)).toBe(true);
      expect(model.allowed(outside, receive?.pod as never, 19291)).toBe(false);
      expect(built.endpoints.loki?.external?.pushUrl).toBe(
        "https://loki-gateway-external.monitoring.svc.cluster.local:443/loki/api/v1/push",
      );
      expect(built.endpoints.thanos?.external?.remoteWriteUrl).toBe(
        "https://thanos-gateway.monitoring.svc.cluster.local:443/api/v1/receive",
      );
      const text = toYamlStream(built.objects);
      expect(text).toContain("proxy_set_header X-Scope-OrgID $remote_user;");
      expect(text).toContain("proxy_set_header THANOS-TENANT $remote_user;");
    });

    it("external-alertmanager: both rulers send to every external replica, and may reach them", () => {
      const built = render("external-alertmanager.yaml");
      const text = toYamlStream(built.objects);
      for (const url of [
        "https://alertmanager-1.ops.acme.example",
        "https://alertmanager-2.ops.acme.example",
      ])
        expect(text).toContain(url);
      expect(
        built.objects.some((o) => o.kind === "StatefulSet" && o.metadata.name === "alertmanager"),
      ).toBe(false);
      const _model = policyModel(built.objects);
      const rulers = built.objects.filter(
        (o) => /ruler|backend|loki$/.test(o.metadata.name) && /StatefulSet|Deployment/.test(o.kind),
      );
      expect(rulers.length).toBeGreaterThan(0);
    });

    it("extra-scrape-job: the job is added and every built-in one stays", () => {
      const built = render("extra-scrape-job.yaml");
      const base = stack({
        global: { objectStorage: { type: "s3", bucket: "mz-metrics", region: "us-east-1" } },
      });
      const baseJobs = scrapeJobNames(base.objects);
      const jobs = scrapeJobNames(built.objects);
      expect(jobs.length).toBe(baseJobs.length + 1);
      for (const job of baseJobs) expect(jobs).toContain(job);
      expect(jobs.some((j) => j.includes("pgbouncer"))).toBe(true);
    });

    it("extra-log-stage: the stage is added and Materialize's stay", () => {
      const built = render("extra-log-stage.yaml");
      const base = stack({
        global: { objectStorage: { type: "s3", bucket: "mz-metrics", region: "us-east-1" } },
      });
      const count = (t: string) => (t.match(/stage\.\w+ \{/g) ?? []).length;
      const text = configText(built.objects, "alloy-gateway-config");
      expect(count(text)).toBe(count(configText(base.objects, "alloy-gateway-config")) + 3);
      expect(text).toContain('{namespace=\\"data-platform\\"}');
    });

    it("extra-destinations: both extra destinations beside the built-in stores", () => {
      const built = render("extra-destinations.yaml");
      const text = configText(built.objects, "alloy-gateway-config");
      expect(text).toContain("prometheus-prod-13-prod-us-east-0.grafana.net");
      expect(text).toContain("logs.central.acme.example");
      expect(text).toContain(built.endpoints.thanos?.remoteWriteUrl as string);
      expect(text).toContain(built.endpoints.loki?.pushUrl as string);
    });

    it("cloud-destinations: SigV4 as the pod's role, mTLS with a ConfigMap CA, OAuth 2.0; no credential in the config", () => {
      const built = render("cloud-destinations.yaml");
      const text = configText(built.objects, "alloy-gateway-config");
      expect(text).toMatch(/sigv4 \{\n\s*region\s*= "eu-west-1"\n\s*service_name = "aps"\n\s*\}/);
      expect(text).toContain(
        'ca_file     = "/etc/alloy/configmaps/acme-trust-bundle/ca-bundle.crt"',
      );
      expect(text).toContain(
        'client_secret_file = "/etc/alloy/secrets/central-logs-oauth/client-secret"',
      );
      expect(text).toContain('"X-Api-Key" = [local.file.remote_write_mimir_header_0.content]');
      const sa = built.objects.find(
        (o) => o.kind === "ServiceAccount" && o.metadata.name === "alloy-gateway",
      );
      expect(sa?.metadata.annotations?.["eks.amazonaws.com/role-arn"]).toBe(
        "arn:aws:iam::210987654321:role/mz-monitoring-gateway",
      );
      // the gateway pod mounts exactly the referenced keys, read-only
      const pod = podSpecs(built.objects).find((p) => p.owner.includes("alloy-gateway"))?.spec;
      const volumes = JSON.stringify(pod?.volumes);
      for (const key of ["ca-bundle.crt", "tls.crt", "tls.key", "client-secret"])
        expect(volumes).toContain(`"key":"${key}"`);
    });

    it("loki-tenants-by-namespace: routed by namespace, read and ruled in every tenant", () => {
      const built = render("loki-tenants-by-namespace.yaml");
      const text = configText(built.objects, "alloy-gateway-config");
      expect(text).toMatch(/stage\.tenant \{\n\s*label = "namespace"/);
      const datasource = built.objects.find(
        (o) => o.kind === "GrafanaDatasource" && o.metadata.name === "loki",
      ) as unknown as { spec: { datasource: { secureJsonData?: Record<string, string> } } };
      expect(datasource.spec.datasource.secureJsonData?.httpHeaderValue1).toBe(
        "materialize|mz-prod|mz-staging",
      );
    });

    it("split-namespaces: node agents run in their own namespace", () => {
      const built = render("split-namespaces.yaml");
      const agents = built.objects.filter((o) => o.kind === "DaemonSet");
      expect(agents.length).toBe(2);
      for (const a of agents) expect(a.metadata.namespace).toBe("mz-monitoring-agents");
    });

    it("internal-tls: Thanos, Loki, Alertmanager and their clients in the stack speak mutual TLS with the user's issuer", () => {
      const built = render("internal-tls.yaml");
      const certs = built.objects.filter((o) => o.kind === "Certificate") as unknown as {
        metadata: { name: string };
        spec: { issuerRef: Tree; dnsNames?: string[]; secretName: string };
      }[];
      expect(certs.map((c) => c.metadata.name).sort()).toEqual([
        "mzm-alertmanager-internal-tls",
        "mzm-alloy-agent-internal-tls",
        "mzm-alloy-gateway-internal-tls",
        "mzm-grafana-datasources-internal-tls",
        "mzm-kube-state-metrics-internal-tls",
        "mzm-loki-internal-tls",
        "mzm-node-exporter-internal-tls",
        "mzm-thanos-internal-tls",
      ]);
      // The user's ClusterIssuer signs every certificate; the stack renders no CA of its own.
      for (const c of certs)
        expect(c.spec.issuerRef).toEqual({
          name: "corp-internal-ca",
          kind: "ClusterIssuer",
          group: "cert-manager.io",
        });
      expect(built.objects.some((o) => o.kind === "Issuer")).toBe(false);
      const thanosCert = certs.find((c) => c.metadata.name === "mzm-thanos-internal-tls");
      expect(thanosCert?.spec.dnsNames).toContain(
        "*.mzm-thanos-receive-headless.monitoring.svc.corp.example",
      );
      expect(built.endpoints.thanos?.remoteWriteUrl).toBe(
        "https://mzm-thanos-receive-router.monitoring.svc.corp.example:19291/api/v1/receive",
      );
      const gateway = configText(built.objects, "alloy-gateway-config");
      expect(gateway).toMatch(
        /url\s+=\s+"https:\/\/mzm-thanos-receive-router\.monitoring\.svc\.corp\.example:19291\/api\/v1\/receive"/,
      );
      expect(gateway).toMatch(
        /ca_file\s+=\s+"\/etc\/alloy\/secrets\/mzm-alloy-gateway-internal-tls\/ca.crt"/,
      );
      expect(gateway).toMatch(/cert_file\s*=\s*"\/etc\/internal-tls\/tls.crt"/);
      // The other domain and the prefix reach Loki's and Alertmanager's certificates and URLs.
      expect(
        certs.find((c) => c.metadata.name === "mzm-loki-internal-tls")?.spec.dnsNames,
      ).toContain("mzm-loki-gateway.monitoring.svc.corp.example");
      expect(
        certs.find((c) => c.metadata.name === "mzm-alertmanager-internal-tls")?.spec.dnsNames,
      ).toContain("*.mzm-alertmanager-headless.monitoring.svc.corp.example");
      expect(built.endpoints.loki?.pushUrl).toBe(
        "https://mzm-loki-gateway.monitoring.svc.corp.example:443/loki/api/v1/push",
      );
      expect(configText(built.objects, "loki")).toMatch(
        /tls_server_name: mzm-loki-memberlist\.monitoring\.svc\.corp\.example/,
      );
      // No key material in the render: cert-manager writes it, the pods mount it.
      expect(toYamlStream(built.objects)).not.toContain("PRIVATE KEY");
    });

    it("autoscaled-read-paths: an HPA per read path, Deployments without a count, write paths fixed", () => {
      const built = render("autoscaled-read-paths.yaml");
      const hpas = built.objects.filter((o) => o.kind === "HorizontalPodAutoscaler") as unknown as {
        spec: { scaleTargetRef: { name: string }; minReplicas: number; maxReplicas: number };
      }[];
      expect(
        Object.fromEntries(
          hpas.map((h) => [h.spec.scaleTargetRef.name, [h.spec.minReplicas, h.spec.maxReplicas]]),
        ),
      ).toEqual({
        "alloy-gateway": [2, 6],
        "thanos-query": [3, 12],
        "thanos-query-frontend": [2, 4],
        "loki-read": [3, 9],
        "loki-query-frontend": [2, 6],
      });
      const replicasOf = (kind: string, name: string) =>
        (
          built.objects.find((o) => o.kind === kind && o.metadata.name === name) as unknown as {
            spec: { replicas?: number };
          }
        ).spec.replicas;
      for (const name of Object.keys(
        Object.fromEntries(hpas.map((h) => [h.spec.scaleTargetRef.name, 0])),
      ))
        expect(replicasOf("Deployment", name), name).toBeUndefined();
      expect(replicasOf("StatefulSet", "loki-write")).toBe(3);
      expect(replicasOf("StatefulSet", "thanos-receive")).toBeGreaterThanOrEqual(2);
    });

    it("multi-environment: prefix, labels and mirror reach every object", () => {
      const built = render("multi-environment.yaml");
      for (const o of built.objects.filter((o) => o.metadata.namespace)) {
        expect(o.metadata.name, o.kind).toMatch(/^mzm-|^dashboard-|^materialize-/);
        expect(o.metadata.labels?.team, `${o.kind}/${o.metadata.name}`).toBe("data-platform");
      }
      for (const { owner, spec } of podSpecs(built.objects))
        for (const c of spec.containers as { image: string }[])
          expect(c.image, owner).toMatch(/^registry\.acme\.example\/mirror\//);
    });
  });

  describe("profiles, alone and combined", () => {
    const combos: ProfileName[][] = [
      ...PROFILE_NAMES.map((p) => [p]),
      ["small", "single-replica"],
      ["large", "ha", "aws"],
      ["dev", "split-namespace"],
      ["existing-grafana", "split-namespace", "gcp"],
      ["medium", "azure", "ha"],
    ];
    it.each(combos.map((c) => [c.join("+"), c] as const))(
      "%s validates with 0 problems",
      async (_, profiles) => {
        const built = render("cluster-domain.yaml", profiles);
        expect((await validateStack(built)).map((p) => `${p.layer}: ${p.message}`)).toEqual([]);
      },
    );
    // Internal TLS under every profile: each changes which Thanos roles and clients exist.
    it.each(PROFILE_NAMES)("internal-tls with %s validates with 0 problems", async (profile) => {
      const built = render("internal-tls.yaml", [profile]);
      expect((await validateStack(built)).map((p) => `${p.layer}: ${p.message}`)).toEqual([]);
      expect(built.objects.some((o) => o.kind === "Certificate")).toBe(true);
    });
  });
});
