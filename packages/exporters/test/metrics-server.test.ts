import type { Deployment, KubeObject } from "@materialize-monitoring/core";
import { toYamlStream } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import {
  METRICS_SERVER_SECURE_PORT,
  type MetricsServerValues,
  metricsServer,
} from "../src/index.js";
import {
  find,
  kinds,
  mainContainer,
  networkPolicySpec,
  podSpec,
  rules,
  serviceSpec,
  spec,
  unselectedServices,
  valuesErrorOf,
} from "./helpers.js";

const CA = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString(
  "base64",
);

interface ApiServiceSpec {
  group: string;
  version: string;
  groupPriorityMinimum: number;
  versionPriority: number;
  service: { name: string; namespace: string; port: number };
  insecureSkipTLSVerify?: boolean;
  caBundle?: string;
}

function apiService(objects: readonly KubeObject[]): ApiServiceSpec {
  return find<{ spec: ApiServiceSpec }>(objects, "APIService", "v1beta1.metrics.k8s.io").spec;
}

describe("metrics-server", () => {
  const component = metricsServer();
  const { objects } = component;

  it("renders the default (HA) profile", () => {
    expect(toYamlStream(objects)).toMatchSnapshot();
  });

  it("renders the single-replica kind profile", () => {
    const kind = metricsServer({ replicas: 1, kubeletInsecureTLS: true });
    expect(toYamlStream(kind.objects)).toMatchSnapshot();
  });

  it("renders the verified-TLS profile", () => {
    const tls = metricsServer({ tls: { secretName: "metrics-server-tls", caBundle: CA } });
    expect(toYamlStream(tls.objects)).toMatchSnapshot();
  });

  it("passes the Kubernetes schemas in every profile", async () => {
    for (const values of [
      {},
      { replicas: 1, kubeletInsecureTLS: true },
      { tls: { secretName: "metrics-server-tls", caBundle: CA } },
      { networkPolicy: { apiServerSourceCidrs: ["10.0.0.0/24"], nodeCidrs: ["10.1.0.0/16"] } },
    ] satisfies MetricsServerValues[]) {
      expect(await validateObjects(metricsServer(values).objects)).toEqual([]);
    }
  });

  it("renders exactly the objects of an aggregated API server", () => {
    expect(kinds(objects)).toEqual([
      "APIService/v1beta1.metrics.k8s.io",
      "ClusterRole/metrics-server",
      "ClusterRole/metrics-server-aggregated-reader",
      "ClusterRoleBinding/metrics-server",
      "ClusterRoleBinding/metrics-server-auth-delegator",
      "Deployment/metrics-server",
      "NetworkPolicy/metrics-server",
      "PodDisruptionBudget/metrics-server",
      "RoleBinding/metrics-server-auth-reader",
      "Service/metrics-server",
      "ServiceAccount/metrics-server",
    ]);
    expect(unselectedServices(objects)).toEqual([]);
  });

  it("wires the APIService to the Service's name, namespace and port", () => {
    const api = apiService(objects);
    const svc = serviceSpec(objects, "metrics-server");
    expect(api).toMatchObject({
      group: "metrics.k8s.io",
      version: "v1beta1",
      groupPriorityMinimum: 100,
      versionPriority: 100,
      service: { name: "metrics-server", namespace: "monitoring", port: 443 },
      insecureSkipTLSVerify: true,
    });
    expect(svc.ports).toEqual([{ name: "https", port: 443, targetPort: "https", protocol: "TCP" }]);
    expect(mainContainer(objects).ports).toEqual([
      { name: "https", containerPort: METRICS_SERVER_SECURE_PORT, protocol: "TCP" },
    ]);
    const other = metricsServer({}, { namespace: "observability", namePrefix: "mm" });
    expect(apiService(other.objects).service).toEqual({
      name: "mm-metrics-server",
      namespace: "observability",
      port: 443,
    });
  });

  it("verifies the serving certificate when a CA bundle is given", () => {
    const tls = metricsServer({ tls: { secretName: "metrics-server-tls", caBundle: CA } });
    const api = apiService(tls.objects);
    expect(api.caBundle).toBe(CA);
    expect(api.insecureSkipTLSVerify).toBeUndefined();
    const args = mainContainer(tls.objects).args ?? [];
    expect(args).toContain("--tls-cert-file=/etc/metrics-server/tls/tls.crt");
    expect(args).toContain("--tls-private-key-file=/etc/metrics-server/tls/tls.key");
    expect(podSpec(tls.objects).volumes).toContainEqual({
      name: "tls",
      secret: { secretName: "metrics-server-tls" },
    });
    // The aggregator verifies the certificate as <service>.<namespace>.svc, whatever the cluster
    // domain; a scraper verifying the same certificate must ask for that name.
    expect(tls.endpoints.metrics.tls).toEqual({
      insecureSkipVerify: false,
      serverName: "metrics-server.monitoring.svc",
    });
    expect(tls.endpoints.scrapeTargets[0]?.tls).toEqual(tls.endpoints.metrics.tls);
    const corp = metricsServer(
      { tls: { secretName: "metrics-server-tls", caBundle: CA } },
      { namespace: "observability", clusterDomain: "corp.example", namePrefix: "mz-" },
    );
    expect(corp.endpoints.metrics.tls?.serverName).toBe("mz-metrics-server.observability.svc");
    expect(apiService(corp.objects).service).toEqual({
      name: "mz-metrics-server",
      namespace: "observability",
      port: 443,
    });
  });

  it("grants the upstream RBAC: kubelet metrics, nodes and pods, delegation, and aggregated readers", () => {
    expect(rules(objects, "ClusterRole", "metrics-server")).toEqual([
      { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
      { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
    ]);
    const reader = find<KubeObject & { rules: unknown[] }>(
      objects,
      "ClusterRole",
      "metrics-server-aggregated-reader",
    );
    expect(reader.rules).toEqual([
      {
        apiGroups: ["metrics.k8s.io"],
        resources: ["pods", "nodes"],
        verbs: ["get", "list", "watch"],
      },
    ]);
    expect(reader.metadata.labels).toMatchObject({
      "rbac.authorization.k8s.io/aggregate-to-view": "true",
      "rbac.authorization.k8s.io/aggregate-to-edit": "true",
      "rbac.authorization.k8s.io/aggregate-to-admin": "true",
    });
    const subject = [{ kind: "ServiceAccount", name: "metrics-server", namespace: "monitoring" }];
    expect(find(objects, "ClusterRoleBinding", "metrics-server-auth-delegator")).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: subject,
    });
    expect(find(objects, "ClusterRoleBinding", "metrics-server")).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "metrics-server" },
      subjects: subject,
    });
    const authReader = find<KubeObject>(objects, "RoleBinding", "metrics-server-auth-reader");
    expect(authReader.metadata.namespace).toBe("kube-system");
    expect(authReader).toMatchObject({
      roleRef: { kind: "Role", name: "extension-apiserver-authentication-reader" },
      subjects: subject,
    });
  });

  it("serves on the secure port with upstream kubelet flags; insecure kubelet TLS only on request", () => {
    const args = mainContainer(objects).args ?? [];
    expect(args).toEqual([
      "--cert-dir=/tmp",
      "--secure-port=10250",
      "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
      "--kubelet-use-node-status-port",
      "--metric-resolution=15s",
    ]);
    expect(args).not.toContain("--kubelet-insecure-tls");
    const kind = metricsServer({
      kubeletInsecureTLS: true,
      kubeletPreferredAddressTypes: ["InternalIP"],
    });
    expect(mainContainer(kind.objects).args).toEqual(
      expect.arrayContaining([
        "--kubelet-insecure-tls",
        "--kubelet-preferred-address-types=InternalIP",
      ]),
    );
  });

  it("probes /livez and /readyz over HTTPS and runs hardened with a writable /tmp only", () => {
    const c = mainContainer(objects);
    expect(c.livenessProbe?.httpGet).toEqual({ path: "/livez", port: "https", scheme: "HTTPS" });
    expect(c.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "https", scheme: "HTTPS" });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(c.volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    expect(c.resources?.requests).toEqual({ cpu: "100m", memory: "200Mi" });
    expect(c.resources?.limits).toEqual({ memory: "400Mi" });
    expect(podSpec(objects).automountServiceAccountToken).toBe(true);
  });

  it("is highly available by default: 2 replicas, PDB, required host anti-affinity", () => {
    const dep = spec(find<Deployment>(objects, "Deployment", "metrics-server"));
    expect(dep.replicas).toBe(2);
    expect(dep.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    const anti = podSpec(objects).affinity?.podAntiAffinity;
    expect(anti?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      {
        labelSelector: {
          matchLabels: {
            "app.kubernetes.io/name": "metrics-server",
            "app.kubernetes.io/instance": "materialize-monitoring",
          },
        },
        topologyKey: "kubernetes.io/hostname",
      },
    ]);
    expect(find(objects, "PodDisruptionBudget", "metrics-server")).toMatchObject({
      spec: { maxUnavailable: 1, selector: { matchLabels: dep.selector.matchLabels } },
    });
    const preferred = metricsServer({ antiAffinity: "preferred" });
    expect(podSpec(preferred.objects).affinity?.podAntiAffinity).toHaveProperty(
      "preferredDuringSchedulingIgnoredDuringExecution",
    );
  });

  it("single replica: no PDB, no anti-affinity, surges on rollout", () => {
    const single = metricsServer({ replicas: 1 });
    expect(single.objects.some((o) => o.kind === "PodDisruptionBudget")).toBe(false);
    expect(podSpec(single.objects).affinity).toBeUndefined();
    expect(spec(find<Deployment>(single.objects, "Deployment")).strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
  });

  it("takes the critical priority class from the context unless the values name one", () => {
    expect(podSpec(objects).priorityClassName).toBeUndefined();
    const ctx = { priorityClasses: { critical: "mm-critical", node: "mm-node" } };
    expect(podSpec(metricsServer({}, ctx).objects).priorityClassName).toBe("mm-critical");
    const own = metricsServer(
      { scheduling: { priorityClassName: "system-cluster-critical" } },
      ctx,
    );
    expect(podSpec(own.objects).priorityClassName).toBe("system-cluster-critical");
  });

  it("NetworkPolicy: the API server reaches the secure port; egress to kubelets, the API server and DNS", () => {
    const policy = networkPolicySpec(objects, "metrics-server");
    expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
    // The API server cannot be selected by labels: the port is open to any source by default.
    expect(policy.ingress).toEqual([{ ports: [{ protocol: "TCP", port: 10250 }] }]);
    expect(policy.egress).toContainEqual({ ports: [{ protocol: "TCP", port: 10250 }] });
    expect(policy.egress).toContainEqual({
      ports: [
        { protocol: "TCP", port: 443 },
        { protocol: "TCP", port: 6443 },
      ],
    });
    expect(JSON.stringify(policy.egress)).toContain("kube-dns");
  });

  it("NetworkPolicy with known control-plane and node CIDRs admits the API server and the scraper only", () => {
    const scoped = metricsServer({
      networkPolicy: {
        apiServerSourceCidrs: ["10.0.0.0/24"],
        nodeCidrs: ["10.1.0.0/16"],
        scraper: { podLabels: { app: "scraper" }, namespaceLabels: { team: "obs" } },
      },
    });
    const policy = networkPolicySpec(scoped.objects, "metrics-server");
    expect(policy.ingress).toEqual([
      { from: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 10250 }] },
      {
        from: [
          {
            podSelector: { matchLabels: { app: "scraper" } },
            namespaceSelector: { matchLabels: { team: "obs" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 10250 }],
      },
    ]);
    expect(policy.egress).toContainEqual({
      to: [{ ipBlock: { cidr: "10.1.0.0/16" } }],
      ports: [{ protocol: "TCP", port: 10250 }],
    });
    expect(
      metricsServer({ networkPolicy: { enabled: false } }).objects.some(
        (o) => o.kind === "NetworkPolicy",
      ),
    ).toBe(false);
  });

  it("publishes its endpoints", () => {
    expect(component.endpoints).toEqual({
      metrics: {
        jobName: "metrics-server",
        address: "metrics-server.monitoring.svc.cluster.local:443",
        url: "https://metrics-server.monitoring.svc.cluster.local:443/metrics",
        scheme: "https",
        path: "/metrics",
        portName: "https",
        port: 443,
        serviceName: "metrics-server",
        namespace: "monitoring",
        selector: {
          "app.kubernetes.io/name": "metrics-server",
          "app.kubernetes.io/instance": "materialize-monitoring",
        },
        bearerTokenAuth: true,
        tls: { insecureSkipVerify: true },
        honorLabels: false,
      },
      apiService: { name: "v1beta1.metrics.k8s.io", group: "metrics.k8s.io", version: "v1beta1" },
      service: { name: "metrics-server", namespace: "monitoring", port: 443 },
      services: {
        metricsServer: {
          service: "metrics-server",
          namespace: "monitoring",
          host: "metrics-server.monitoring.svc.cluster.local",
          ports: { https: { name: "https", port: 443, protocol: "TCP" } },
          podLabels: {
            "app.kubernetes.io/name": "metrics-server",
            "app.kubernetes.io/instance": "materialize-monitoring",
          },
        },
      },
      scrapeTargets: [
        {
          name: "metrics_server",
          job: "metrics-server",
          namespace: "monitoring",
          podLabels: {
            "app.kubernetes.io/name": "metrics-server",
            "app.kubernetes.io/instance": "materialize-monitoring",
          },
          portName: "https",
          path: "/metrics",
          scheme: "https",
          hostNetwork: false,
          bearerTokenAuth: true,
          tls: { insecureSkipVerify: true },
        },
      ],
      clients: {},
    });
    const selector = component.endpoints.metrics.selector;
    expect(podSpec(objects)).toBeDefined();
    expect(find<Deployment>(objects, "Deployment").spec?.template.metadata?.labels).toMatchObject(
      selector,
    );
  });

  describe("errors", () => {
    it("a certificate Secret without its CA bundle", () => {
      expect(valuesErrorOf(() => metricsServer({ tls: { secretName: "tls" } }))).toBe(
        "metrics-server.tls.caBundle: is required with tls.secretName: the APIService must verify the certificate it serves (set caBundle to the base64 PEM of the CA that signed the certificate)",
      );
    });

    it("a CA bundle without the certificate Secret", () => {
      expect(valuesErrorOf(() => metricsServer({ tls: { caBundle: CA } }))).toBe(
        "metrics-server.tls.secretName: is required with tls.caBundle: without it metrics-server serves a self-signed certificate the CA did not sign (name the kubernetes.io/tls Secret that holds the serving certificate)",
      );
    });

    it("zero replicas, a bad CIDR, a bad duration, a misspelt key", () => {
      expect(valuesErrorOf(() => metricsServer({ replicas: 0 }))).toMatch(
        /^metrics-server\.replicas: /,
      );
      expect(
        valuesErrorOf(() => metricsServer({ networkPolicy: { nodeCidrs: ["10.0.0.0"] } })),
      ).toBe(
        "metrics-server.networkPolicy.nodeCidrs[0]: not a CIDR (examples: 10.0.0.0/16, fd00::/8)",
      );
      expect(valuesErrorOf(() => metricsServer({ metricResolution: "15" }))).toBe(
        "metrics-server.metricResolution: not a duration (examples: 30s, 5m, 1h30m, 720h)",
      );
      expect(
        valuesErrorOf(() =>
          metricsServer({ kubeletInsecureTls: true } as unknown as MetricsServerValues),
        ),
      ).toBe('metrics-server.kubeletInsecureTls: unknown key (did you mean "kubeletInsecureTLS"?)');
    });
  });
});
