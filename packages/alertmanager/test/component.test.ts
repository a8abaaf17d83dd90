import { type KubeObject, toYamlStream, ValuesError } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type AlertmanagerValues, alertmanager } from "../src/index.js";
import { everyReceiver028 } from "./inputs.js";

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into rendered objects by path
type Anything = Record<string, any>;

function find(objects: KubeObject[], kind: string, name?: string): Anything {
  const found = objects.find(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (!found) throw new Error(`no ${kind} ${name ?? ""}`);
  return found as Anything;
}

function problemsOf(values: AlertmanagerValues, ctx = {}): string[] {
  try {
    alertmanager(values, ctx);
  } catch (error) {
    if (error instanceof ValuesError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected a ValuesError");
}

const PRESETS: Record<string, AlertmanagerValues> = {
  ha: {},
  small: { mode: "small" },
  "ha-every-receiver": {
    config: everyReceiver028,
    externalUrl: "https://alerts.example.com/",
    networkPolicy: {
      egress: {
        receivers: [
          { to: [{ cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] }], ports: [{ port: 443 }] },
          {
            to: [{ podLabels: { app: "incident-bridge" }, namespace: "ops" }],
            ports: [{ port: 8080 }],
          },
        ],
      },
    },
  },
};

describe.each(Object.entries(PRESETS))("preset %s", (_name, values) => {
  const component = alertmanager(values);

  it("matches the committed snapshot", () => {
    expect(toYamlStream(component.objects)).toMatchSnapshot();
  });

  it("validates against the Kubernetes schemas", async () => {
    expect(await validateObjects(component.objects)).toEqual([]);
  });

  it("is byte-identical on every render", () => {
    expect(toYamlStream(alertmanager(values).objects)).toBe(toYamlStream(component.objects));
  });
});

describe("HA (default)", () => {
  const { objects, endpoints } = alertmanager();
  const sts = find(objects, "StatefulSet", "alertmanager");
  const pod = sts.spec.template.spec;
  const args: string[] = pod.containers[0].args;

  it("runs 2 gossiping replicas with a peer flag for every replica", () => {
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.podManagementPolicy).toBe("Parallel");
    expect(args.filter((a) => a.startsWith("--cluster.peer="))).toEqual([
      "--cluster.peer=alertmanager-0.alertmanager-headless.monitoring.svc.cluster.local:9094",
      "--cluster.peer=alertmanager-1.alertmanager-headless.monitoring.svc.cluster.local:9094",
    ]);
    expect(args).toContain("--cluster.listen-address=0.0.0.0:9094");
    expect(args).toContain("--cluster.advertise-address=[$(POD_IP)]:9094");
    expect(args).toContain("--cluster.label=monitoring/alertmanager");
    expect(args).toContain(
      "--web.external-url=http://alertmanager.monitoring.svc.cluster.local:9093",
    );
    expect(pod.containers[0].env).toEqual([
      { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
    ]);
  });

  it("exposes gossip on 9094 TCP and UDP on the headless Service, which publishes not-ready peers", () => {
    const headless = find(objects, "Service", "alertmanager-headless");
    expect(sts.spec.serviceName).toBe("alertmanager-headless");
    expect(headless.spec.clusterIP).toBe("None");
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    expect(headless.spec.ports).toEqual([
      { protocol: "TCP", name: "http-web", port: 9093, targetPort: "http-web" },
      { protocol: "TCP", name: "mesh-tcp", port: 9094, targetPort: "mesh-tcp" },
      { protocol: "UDP", name: "mesh-udp", port: 9094, targetPort: "mesh-udp" },
    ]);
    const ui = find(objects, "Service", "alertmanager");
    expect(ui.spec.clusterIP).toBeUndefined();
    expect(ui.spec.ports).toEqual([
      { protocol: "TCP", name: "http-web", port: 9093, targetPort: "http-web" },
    ]);
    expect(ui.spec.selector).toEqual(sts.spec.selector.matchLabels);
  });

  it("keeps silences and the notification log on a PVC no smaller than the storage floor", () => {
    expect(args).toContain("--storage.path=/alertmanager");
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("1Gi");
    const bigger = find(alertmanager({ persistence: { size: "2Gi" } }).objects, "StatefulSet");
    expect(bigger.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("2Gi");
    const gke = find(
      alertmanager({ persistence: { storageFloor: "10Gi", storageClass: "standard-rwo" } }).objects,
      "StatefulSet",
    );
    expect(gke.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: "standard-rwo",
      resources: { requests: { storage: "10Gi" } },
    });
    const none = find(alertmanager({ persistence: { enabled: false } }).objects, "StatefulSet");
    expect(none.spec.volumeClaimTemplates).toBeUndefined();
    expect(none.spec.template.spec.volumes).toContainEqual({ name: "storage", emptyDir: {} });
  });

  it("has a PDB and spreads replicas across zones and hosts", () => {
    expect(find(objects, "PodDisruptionBudget").spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: sts.spec.selector.matchLabels },
    });
    expect(
      pod.topologySpreadConstraints.map((c: Anything) => [c.topologyKey, c.whenUnsatisfiable]),
    ).toEqual([
      ["topology.kubernetes.io/zone", "ScheduleAnyway"],
      ["kubernetes.io/hostname", "ScheduleAnyway"],
    ]);
    const hard = find(alertmanager({ hardHostSpread: true }).objects, "StatefulSet");
    expect(hard.spec.template.spec.topologySpreadConstraints[1].whenUnsatisfiable).toBe(
      "DoNotSchedule",
    );
    const zones = find(alertmanager({ zoneSpread: "hard" }).objects, "StatefulSet");
    expect(
      zones.spec.template.spec.topologySpreadConstraints.map((c: Anything) => [
        c.topologyKey,
        c.whenUnsatisfiable,
      ]),
    ).toEqual([
      ["topology.kubernetes.io/zone", "DoNotSchedule"],
      ["kubernetes.io/hostname", "ScheduleAnyway"],
    ]);
  });

  it("runs restricted: non-root, read-only root, no token, requests and a memory limit", () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 65534,
      fsGroup: 65534,
    });
    expect(pod.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: "25m", memory: "64Mi" },
      limits: { memory: "256Mi" },
    });
    expect(pod.containers[0].readinessProbe.httpGet.path).toBe("/-/ready");
    expect(pod.containers[0].livenessProbe.httpGet.path).toBe("/-/healthy");
  });

  it("rolls the pods when the configuration changes", () => {
    const checksum = sts.spec.template.metadata.annotations["checksum/config"];
    const changed = find(
      alertmanager({ config: { repeatInterval: "12h" } }).objects,
      "StatefulSet",
    );
    expect(changed.spec.template.metadata.annotations["checksum/config"]).not.toBe(checksum);
  });

  it("allows rulers, Grafana and scrapers in, gossip between replicas, DNS and HTTPS out", () => {
    const policy = find(objects, "NetworkPolicy").spec;
    const selector = sts.spec.selector.matchLabels;
    expect(policy.podSelector.matchLabels).toEqual(selector);
    expect(
      policy.ingress.map((r: Anything) => [
        r.from.map((p: Anything) => p.podSelector.matchLabels),
        r.ports,
      ]),
    ).toEqual([
      [
        [
          { "app.kubernetes.io/name": "thanos", "app.kubernetes.io/component": "ruler" },
          { "app.kubernetes.io/name": "loki", "app.kubernetes.io/component": "backend" },
        ],
        [{ protocol: "TCP", port: 9093 }],
      ],
      [[{ "app.kubernetes.io/name": "grafana" }], [{ protocol: "TCP", port: 9093 }]],
      [
        [{ "app.kubernetes.io/name": "alloy", "app.kubernetes.io/component": "gateway" }],
        [{ protocol: "TCP", port: 9093 }],
      ],
      [
        [selector],
        [
          { protocol: "TCP", port: 9094 },
          { protocol: "UDP", port: 9094 },
        ],
      ],
    ]);
    expect(policy.egress[1]).toEqual({
      to: [{ podSelector: { matchLabels: selector } }],
      ports: [
        { protocol: "TCP", port: 9094 },
        { protocol: "UDP", port: 9094 },
      ],
    });
    expect(policy.egress[2]).toEqual({
      to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
      ports: [{ protocol: "TCP", port: 443 }],
    });
  });

  it("gives rulers the SRV address and every replica's URL, and the UI/API URL", () => {
    expect(endpoints).toMatchObject({
      url: "http://alertmanager.monitoring.svc.cluster.local:9093",
      apiUrl: "http://alertmanager.monitoring.svc.cluster.local:9093/api/v2",
      srvRecord: "_http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local",
      dnsSrv: "dnssrv+_http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local",
      dnsSrvUrl: "dnssrv+http://_http-web._tcp.alertmanager-headless.monitoring.svc.cluster.local",
      replicaUrls: [
        "http://alertmanager-0.alertmanager-headless.monitoring.svc.cluster.local:9093",
        "http://alertmanager-1.alertmanager-headless.monitoring.svc.cluster.local:9093",
      ],
      port: 9093,
      clusterPort: 9094,
    });
    // The SRV name is only real if the headless Service has a port of that name.
    const headless = find(objects, "Service", "alertmanager-headless");
    expect(headless.spec.ports.map((p: Anything) => p.name)).toContain(
      endpoints.srvRecord.split(".")[0]?.slice(1),
    );
  });

  it("follows the build context: namespace, prefix, registry, priority class, cluster domain", () => {
    const c = alertmanager(
      { routePrefix: "/alertmanager" },
      {
        namespace: "obs",
        namePrefix: "mz",
        clusterDomain: "corp.local",
        imageRegistry: "mirror.example.com",
        priorityClasses: { critical: "mz-critical" },
      },
    );
    const s = find(c.objects, "StatefulSet", "mz-alertmanager");
    expect(s.spec.template.spec.containers[0].image).toBe(
      "mirror.example.com/prometheus/alertmanager:v0.28.1",
    );
    expect(s.spec.template.spec.priorityClassName).toBe("mz-critical");
    expect(s.spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe(
      "/alertmanager/-/ready",
    );
    expect(c.endpoints.url).toBe("http://mz-alertmanager.obs.svc.corp.local:9093/alertmanager");
    expect(c.endpoints.dnsSrvUrl).toBe(
      "dnssrv+http://_http-web._tcp.mz-alertmanager-headless.obs.svc.corp.local/alertmanager",
    );
    expect(s.spec.template.spec.containers[0].args).toContain(
      "--cluster.peer=mz-alertmanager-1.mz-alertmanager-headless.obs.svc.corp.local:9094",
    );
  });
});

describe("small", () => {
  const { objects, endpoints } = alertmanager({ mode: "small" });
  const sts = find(objects, "StatefulSet");

  it("runs one replica with clustering off and no PDB or gossip ports", () => {
    expect(sts.spec.replicas).toBe(1);
    const args: string[] = sts.spec.template.spec.containers[0].args;
    expect(args).toContain("--cluster.listen-address=");
    expect(args.some((a) => a.startsWith("--cluster.peer"))).toBe(false);
    expect(objects.some((o) => o.kind === "PodDisruptionBudget")).toBe(false);
    expect(find(objects, "Service", "alertmanager-headless").spec.ports).toHaveLength(1);
    expect(find(objects, "NetworkPolicy").spec.ingress).toHaveLength(3);
    expect(endpoints.replicaUrls).toHaveLength(1);
  });
});

describe("with receivers", () => {
  const { objects } = alertmanager(PRESETS["ha-every-receiver"]);
  const sts = find(objects, "StatefulSet");
  const pod = sts.spec.template.spec;
  const config = parse(find(objects, "ConfigMap", "alertmanager-config").data["alertmanager.yml"]);

  it("mounts every Secret key the config reads, at the path the config names", () => {
    const files: string[] = [];
    const collect = (value: unknown, key = ""): void => {
      if (typeof value === "string" && (key.endsWith("_file") || key === "credentials_file"))
        files.push(value);
      else if (Array.isArray(value)) for (const v of value) collect(v);
      else if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value)) collect(v, k);
    };
    collect(config);
    expect(files.length).toBeGreaterThan(10);
    const mounted = new Set<string>();
    for (const mount of pod.containers[0].volumeMounts as Anything[]) {
      const volume = (pod.volumes as Anything[]).find((v) => v.name === mount.name);
      if (!volume?.secret) continue;
      expect(volume.secret.defaultMode).toBe(0o440);
      for (const item of volume.secret.items) mounted.add(`${mount.mountPath}/${item.path}`);
    }
    for (const file of files) expect(mounted, file).toContain(file);
  });

  it("mounts template ConfigMaps and renders inline templates into its own ConfigMap", () => {
    expect(config.templates).toEqual([
      "/etc/alertmanager/templates/configmaps/team-templates/*.tmpl",
      "/etc/alertmanager/templates/configmaps/shared-templates/shared.tmpl",
      "/etc/alertmanager/templates/inline/mz.tmpl",
    ]);
    const inline = find(objects, "ConfigMap", "alertmanager-templates");
    expect(Object.keys(inline.data)).toEqual(["mz.tmpl"]);
    expect(pod.volumes).toContainEqual({
      name: "tmpl-team-templates",
      configMap: { name: "team-templates" },
    });
    expect(pod.volumes).toContainEqual({
      name: "tmpl-shared-templates",
      configMap: { name: "shared-templates", items: [{ key: "shared.tmpl", path: "shared.tmpl" }] },
    });
  });

  it("opens the SMTP port of the email receivers and the configured receiver egress", () => {
    const egress = find(objects, "NetworkPolicy").spec.egress as Anything[];
    expect(egress.at(-1)).toEqual({
      to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
      ports: [{ protocol: "TCP", port: 587 }],
    });
    expect(egress).toContainEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ops" } },
          podSelector: { matchLabels: { app: "incident-bridge" } },
        },
      ],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
  });

  it("uses the external URL for links", () => {
    expect(pod.containers[0].args).toContain("--web.external-url=https://alerts.example.com/");
  });
});

describe("versions", () => {
  it("follows the image tag, and gates flags older versions lack", () => {
    const old = find(alertmanager({ image: { tag: "v0.25.0" } }).objects, "StatefulSet");
    const args: string[] = old.spec.template.spec.containers[0].args;
    expect(args.some((a) => a.startsWith("--cluster.label"))).toBe(false);
    expect(args.some((a) => a.startsWith("--enable-feature"))).toBe(false);
    const current = find(alertmanager().objects, "StatefulSet").spec.template.spec.containers[0]
      .args;
    expect(current).toContain("--enable-feature=auto-gomemlimit,auto-gomaxprocs");
  });

  it("takes alertmanagerVersion for custom tags", () => {
    const c = alertmanager({
      image: { tag: "custom-build" },
      alertmanagerVersion: "0.27",
      featureFlags: [],
    });
    const args: string[] = find(c.objects, "StatefulSet").spec.template.spec.containers[0].args;
    expect(args).toContain("--cluster.label=monitoring/alertmanager");
    expect(args.some((a) => a.startsWith("--enable-feature"))).toBe(false);
  });
});

describe("render-time errors", () => {
  it("a version that contradicts the image tag", () => {
    expect(problemsOf({ alertmanagerVersion: "0.25" })).toEqual([
      "alertmanager.alertmanagerVersion: is 0.25 but image.tag v0.28.1 is 0.28 (leave alertmanagerVersion unset to follow the tag, or make them agree)",
    ]);
  });

  it("a tag it cannot read without alertmanagerVersion", () => {
    expect(problemsOf({ image: { tag: "main-abc123" } })).toEqual([
      'alertmanager.image.tag: "main-abc123" names no Alertmanager release, so the version the config is written for is unknown (set alertmanagerVersion (one of 0.25, 0.26, 0.27, 0.28), or use a release tag such as v0.28.1)',
    ]);
  });

  it("flags the version does not have", () => {
    expect(problemsOf({ image: { tag: "v0.25.0" }, featureFlags: ["utf8-strict-mode"] })).toEqual([
      "alertmanager.featureFlags: --enable-feature needs Alertmanager 0.27 or newer (alertmanagerVersion is 0.25) (remove featureFlags or use a newer image)",
    ]);
    expect(problemsOf({ image: { tag: "v0.25.0" }, cluster: { label: "x" } })).toEqual([
      "alertmanager.cluster.label: --cluster.label needs Alertmanager 0.26 or newer (alertmanagerVersion is 0.25) (remove cluster.label or use a newer image)",
    ]);
  });

  it("config problems carry the component's path", () => {
    expect(problemsOf({ config: { routes: [{ receiver: "nope" }] } })).toEqual([
      'alertmanager.config.routes[0].receiver: unknown receiver "nope" (defined receivers: null)',
    ]);
  });

  it("typos in values name the nearest key", () => {
    expect(
      problemsOf({
        config: { severityRouting: { critcal: { receiver: "x" } } },
      } as AlertmanagerValues),
    ).toEqual([
      'alertmanager.config.severityRouting.critcal: unknown key (did you mean "critical"?)',
    ]);
  });
});
