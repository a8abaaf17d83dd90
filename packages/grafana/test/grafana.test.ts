import { type KubeObject, toYamlStream, ValuesError } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { type GrafanaValues, grafana } from "../src/index.js";

/** Core's validator has no schema for Gateway API kinds: skipped on purpose, checked by shape below. */
const SKIP = ["gateway.networking.k8s.io/v1/HTTPRoute"];

const postgresHa: GrafanaValues = {
  replicas: 3,
  database: {
    type: "postgres",
    host: "grafana-db.example.internal",
    password: { name: "grafana-db", key: "password" },
    caCert: { name: "grafana-db", key: "ca.crt" },
    sslMode: "verify-full",
  },
  ingress: {
    enabled: true,
    className: "nginx",
    host: "grafana.example.com",
    tlsSecretName: "grafana-tls",
  },
  networkPolicy: {
    ingressFrom: [{ namespace: "ingress-nginx" }],
    metricsFrom: [{ podLabels: { "app.kubernetes.io/name": "alloy-gateway" } }],
    egress: {
      thanosQuery: {
        peers: [
          {
            podLabels: {
              "app.kubernetes.io/name": "thanos",
              "app.kubernetes.io/component": "query",
            },
          },
        ],
        ports: [9090],
      },
      lokiRead: {
        peers: [
          {
            podLabels: { "app.kubernetes.io/name": "loki", "app.kubernetes.io/component": "read" },
          },
        ],
        ports: [3100],
      },
      alertmanager: {
        peers: [{ podLabels: { "app.kubernetes.io/name": "alertmanager" } }],
        ports: [9093],
      },
      database: [{ cidr: "10.20.0.0/16" }],
    },
  },
};

const presets: Record<string, GrafanaValues> = {
  default: {},
  "postgres-ha": postgresHa,
  "mysql-httproute": {
    replicas: 2,
    database: {
      type: "mysql",
      host: "mysql.databases.svc",
      password: { name: "grafana-mysql", key: "password" },
    },
    httpRoute: {
      enabled: true,
      parentRefs: [{ name: "public", namespace: "gateway-system", sectionName: "https" }],
      hostnames: ["grafana.example.com"],
    },
    networkPolicy: { ingressFrom: [{ namespace: "gateway-system" }] },
    config: { "auth.generic_oauth": { enabled: true, name: "SSO" } },
    secretEnv: [
      {
        name: "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET",
        secret: { name: "grafana-oauth", key: "client-secret" },
      },
    ],
  },
  "sqlite-ephemeral": {
    database: { type: "sqlite", persistence: { enabled: false } },
    networkPolicy: { enabled: false },
  },
};

function find<T = Record<string, unknown>>(
  objects: KubeObject[],
  kind: string,
  name?: string,
): T[] {
  return objects.filter(
    (o) => o.kind === kind && (name === undefined || o.metadata.name === name),
  ) as unknown as T[];
}

interface Deployment {
  spec: {
    replicas: number;
    strategy: { type: string };
    template: {
      spec: {
        automountServiceAccountToken: boolean;
        securityContext: Record<string, unknown>;
        topologySpreadConstraints?: unknown[];
        volumes: {
          name: string;
          persistentVolumeClaim?: { claimName: string };
          emptyDir?: unknown;
        }[];
        containers: {
          image: string;
          env: {
            name: string;
            value?: string;
            valueFrom?: { secretKeyRef?: { name: string; key: string } };
          }[];
          ports: { name: string; containerPort: number; protocol: string }[];
          readinessProbe: { httpGet: { path: string; port: string } };
          livenessProbe: { httpGet: { path: string; port: string } };
          startupProbe: { httpGet: { path: string; port: string } };
          securityContext: Record<string, unknown>;
        }[];
      };
    };
  };
}

function ini(objects: KubeObject[]): string {
  return find<{ data: Record<string, string> }>(objects, "ConfigMap")[0]!.data["grafana.ini"]!;
}

describe.each(Object.entries(presets))("preset %s", (_name, values) => {
  const component = grafana(values);

  it("matches the snapshot", () => {
    expect(toYamlStream(component.objects)).toMatchSnapshot();
  });

  it("validates against the Kubernetes schemas (HTTPRoute skipped: no schema in core)", async () => {
    expect(await validateObjects(component.objects, { skip: SKIP })).toEqual([]);
  });

  it("never writes a credential: admin, secret_key and database password are secret references", () => {
    const yaml = toYamlStream(component.objects);
    expect(yaml).not.toMatch(/admin_password|secret_key =|^\s*password\s*=/m);
    const container = find<Deployment>(component.objects, "Deployment")[0]!.spec.template.spec
      .containers[0]!;
    for (const name of [
      "GF_SECURITY_ADMIN_USER",
      "GF_SECURITY_ADMIN_PASSWORD",
      "GF_SECURITY_SECRET_KEY",
    ]) {
      const variable = container.env.find((e) => e.name === name);
      expect(variable?.valueFrom?.secretKeyRef, name).toBeDefined();
      expect(variable?.value, name).toBeUndefined();
    }
  });

  it("keeps anonymous access off", () => {
    expect(ini(component.objects)).toContain("[auth.anonymous]\nenabled = false");
  });
});

describe("defaults: SQLite on a PVC, one replica", () => {
  const { objects, endpoints } = grafana();
  const deployment = find<Deployment>(objects, "Deployment")[0]!;
  const container = deployment.spec.template.spec.containers[0]!;

  it("runs the pinned Grafana 12 image on port 3000 with /api/health probes", () => {
    expect(container.image).toBe("docker.io/grafana/grafana:12.4.10");
    expect(container.ports).toEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    for (const probe of [
      container.readinessProbe,
      container.livenessProbe,
      container.startupProbe,
    ]) {
      expect(probe.httpGet).toMatchObject({ path: "/api/health", port: "http" });
    }
  });

  it("stores SQLite on a ReadWriteOnce PVC and replaces the pod with Recreate", () => {
    const [pvc] = find<{
      spec: { accessModes: string[]; resources: { requests: { storage: string } } };
    }>(objects, "PersistentVolumeClaim");
    expect(pvc?.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(pvc?.spec.resources.requests.storage).toBe("10Gi");
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: "storage",
      persistentVolumeClaim: { claimName: "grafana" },
    });
    expect(ini(objects)).toContain(
      "[database]\ntype = sqlite3\npath = /var/lib/grafana/grafana.db\nwal = true",
    );
  });

  it("runs restricted: non-root 472, read-only root filesystem, no service account token", () => {
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 472,
      fsGroup: 472,
    });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  it("has no HA peers, headless Service or gossip port with one replica", () => {
    expect(ini(objects)).not.toContain("ha_peers");
    expect(
      find(objects, "Service").map((s) => (s as { metadata: { name: string } }).metadata.name),
    ).toEqual(["grafana"]);
  });

  it("lets only the operator in, and only DNS out", () => {
    const [policy] = find<{
      spec: { ingress: unknown[]; egress: { ports: { port: number }[] }[] };
    }>(objects, "NetworkPolicy");
    expect(policy?.spec.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchLabels: {
                "app.kubernetes.io/name": "grafana-operator",
                "app.kubernetes.io/instance": "materialize-monitoring",
              },
            },
          },
        ],
        ports: [{ protocol: "TCP", port: 3000 }],
      },
    ]);
    expect(policy?.spec.egress.map((rule) => rule.ports.map((p) => p.port))).toEqual([[53, 53]]);
  });

  it("offers its URL, pod labels, admin secret references, scrape target and clients", () => {
    const podLabels = {
      "app.kubernetes.io/name": "grafana",
      "app.kubernetes.io/instance": "materialize-monitoring",
    };
    expect(endpoints).toEqual({
      url: "http://grafana.monitoring.svc.cluster.local:3000",
      service: { name: "grafana", namespace: "monitoring", port: 3000 },
      podLabels,
      adminUser: { name: "grafana-credentials", key: "admin-user" },
      adminPassword: { name: "grafana-credentials", key: "admin-password" },
      secretKey: { name: "grafana-credentials", key: "secret-key" },
      services: {
        web: {
          service: "grafana",
          namespace: "monitoring",
          host: "grafana.monitoring.svc.cluster.local",
          ports: { http: { name: "http", port: 3000, protocol: "TCP" } },
          podLabels,
        },
      },
      scrapeTargets: [
        {
          name: "grafana",
          job: "grafana",
          namespace: "monitoring",
          podLabels,
          portName: "http",
          path: "/metrics",
          scheme: "http",
          hostNetwork: false,
        },
      ],
      clients: { query: { podLabels, namespace: "monitoring" } },
    });
  });
});

describe("PostgreSQL, three replicas, Ingress", () => {
  const { objects, endpoints } = grafana(postgresHa);
  const deployment = find<Deployment>(objects, "Deployment")[0]!;
  const container = deployment.spec.template.spec.containers[0]!;

  it("reads the database password from its secret reference as GF_DATABASE_PASSWORD", () => {
    expect(container.env).toContainEqual({
      name: "GF_DATABASE_PASSWORD",
      valueFrom: { secretKeyRef: { name: "grafana-db", key: "password" } },
    });
    expect(ini(objects)).toContain(
      "[database]\ntype = postgres\nhost = grafana-db.example.internal:5432\nname = grafana\nuser = grafana\nssl_mode = verify-full\nca_cert_path = /etc/grafana/database-ca/ca.crt",
    );
    expect(find(objects, "PersistentVolumeClaim")).toEqual([]);
  });

  it("clusters unified alerting through a headless Service", () => {
    const text = ini(objects);
    expect(text).toContain("ha_peers = grafana-headless.monitoring.svc.cluster.local:9094");
    expect(text).toContain("ha_advertise_address = $__env{POD_IP}:9094");
    const [headless] = find<{
      spec: { clusterIP: string; ports: { protocol: string; port: number }[] };
    }>(objects, "Service", "grafana-headless");
    expect(headless?.spec.clusterIP).toBe("None");
    expect(headless?.spec.ports.map((p) => `${p.protocol}/${p.port}`)).toEqual([
      "TCP/9094",
      "UDP/9094",
    ]);
    expect(container.env.find((e) => e.name === "POD_IP")).toBeDefined();
  });

  it("rolls without downtime, spreads replicas and keeps a disruption budget", () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.strategy.type).toBe("RollingUpdate");
    expect(deployment.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(find(objects, "PodDisruptionBudget")[0]).toMatchObject({ spec: { maxUnavailable: 1 } });
  });

  it("derives the root URL from the Ingress host and sets secure cookies", () => {
    expect(endpoints.externalUrl).toBe("https://grafana.example.com/");
    expect(ini(objects)).toContain("root_url = https://grafana.example.com/");
    expect(ini(objects)).toContain("cookie_secure = true");
    expect(find(objects, "Ingress")[0]).toMatchObject({
      spec: {
        ingressClassName: "nginx",
        tls: [{ hosts: ["grafana.example.com"], secretName: "grafana-tls" }],
      },
    });
  });

  it("allows exactly the wired peers: ingress controller, operator, scrapers, peers; Thanos, Loki, Alertmanager, database", () => {
    const [policy] = find<{
      spec: {
        ingress: { from: unknown[]; ports: { port: number; protocol: string }[] }[];
        egress: { to?: unknown[]; ports: { port: number; protocol: string }[] }[];
      };
    }>(objects, "NetworkPolicy");
    expect(policy?.spec.ingress.map((rule) => rule.from)).toEqual([
      [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
      [
        {
          podSelector: {
            matchLabels: {
              "app.kubernetes.io/name": "grafana-operator",
              "app.kubernetes.io/instance": "materialize-monitoring",
            },
          },
        },
      ],
      [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "alloy-gateway" } } }],
      [{ podSelector: { matchLabels: endpoints.podLabels } }],
    ]);
    expect(
      policy?.spec.egress.map((rule) => rule.ports.map((p) => `${p.protocol}/${p.port}`)),
    ).toEqual([
      ["UDP/53", "TCP/53"],
      ["TCP/9090"],
      ["TCP/3100"],
      ["TCP/9093"],
      ["TCP/5432"],
      ["TCP/9094", "UDP/9094"],
    ]);
    expect(policy?.spec.egress[4]?.to).toEqual([{ ipBlock: { cidr: "10.20.0.0/16" } }]);
  });
});

describe("HTTPRoute", () => {
  const { objects, endpoints } = grafana(presets["mysql-httproute"]);

  it("attaches to the given Gateway and routes to the Service's port 3000", () => {
    const [route] = find<{ spec: Record<string, unknown> }>(objects, "HTTPRoute");
    expect(route).toMatchObject({
      apiVersion: "gateway.networking.k8s.io/v1",
      spec: {
        parentRefs: [
          {
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: "public",
            namespace: "gateway-system",
            sectionName: "https",
          },
        ],
        hostnames: ["grafana.example.com"],
        rules: [
          {
            matches: [{ path: { type: "PathPrefix", value: "/" } }],
            backendRefs: [{ name: "grafana", port: 3000 }],
          },
        ],
      },
    });
    expect(endpoints.externalUrl).toBe("https://grafana.example.com/");
  });

  it("passes extra config through and takes secrets as env from secret references", () => {
    expect(ini(objects)).toContain("[auth.generic_oauth]\nenabled = true\nname = SSO");
    const container = find<Deployment>(objects, "Deployment")[0]!.spec.template.spec.containers[0]!;
    expect(container.env).toContainEqual({
      name: "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET",
      valueFrom: { secretKeyRef: { name: "grafana-oauth", key: "client-secret" } },
    });
    expect(ini(objects)).toContain("[database]\ntype = mysql\nhost = mysql.databases.svc:3306");
  });
});

describe("render errors", () => {
  function message(values: GrafanaValues): string {
    try {
      grafana(values);
    } catch (error) {
      expect(error).toBeInstanceOf(ValuesError);
      return (error as Error).message;
    }
    throw new Error("expected a ValuesError");
  }

  it("refuses more than one replica on SQLite", () => {
    expect(message({ replicas: 2 })).toBe(
      "grafana.replicas: SQLite supports a single replica, not 2: each pod would have its own database, or fight over one file (use database.type: postgres or mysql for more replicas, or set replicas: 1)",
    );
  });

  it("refuses a RollingUpdate with the ReadWriteOnce SQLite volume, which would deadlock", () => {
    expect(message({ strategy: "RollingUpdate" })).toBe(
      "grafana.strategy: a RollingUpdate with a ReadWriteOnce volume deadlocks: the new pod cannot attach the volume while the old pod, which waits for it to become ready, still holds it (use strategy: auto (Recreate for SQLite), or an external PostgreSQL/MySQL database)",
    );
  });

  it("refuses a RollingUpdate on a shared (ReadWriteMany) SQLite volume too", () => {
    expect(
      message({
        strategy: "RollingUpdate",
        database: { type: "sqlite", persistence: { accessModes: ["ReadWriteMany"] } },
      }),
    ).toBe(
      "grafana.strategy: a RollingUpdate would run two Grafana processes on the same SQLite file (use strategy: auto (Recreate for SQLite), or an external PostgreSQL/MySQL database)",
    );
  });

  it("refuses credentials and typed keys in config, and turning anonymous access on", () => {
    expect(message({ config: { smtp: { password: "x" } } })).toBe(
      'grafana.config.smtp.password: credentials cannot be written into grafana.ini (a ConfigMap) (use secretEnv: [{ name: "GF_SMTP_PASSWORD", secret: { name, key } }])',
    );
    expect(message({ config: { database: { host: "elsewhere" } } })).toBe(
      "grafana.config.database.host: set by a typed value (use database)",
    );
    expect(message({ config: { "auth.anonymous": { enabled: true } } })).toMatch(
      /^grafana\.config\.auth\.anonymous\.enabled: anonymous access stays off/,
    );
  });

  it("refuses an exposed Grafana whose NetworkPolicy lets no proxy in", () => {
    expect(message({ ingress: { enabled: true, host: "grafana.example.com" } })).toBe(
      'grafana.networkPolicy.ingressFrom: Grafana is exposed through an Ingress or HTTPRoute, but the NetworkPolicy lets no proxy in (add the ingress controller or gateway pods, e.g. [{ namespace: "ingress-nginx" }])',
    );
  });

  it("refuses an Ingress without host and an HTTPRoute without Gateway", () => {
    expect(message({ ingress: { enabled: true }, networkPolicy: { enabled: false } })).toBe(
      "grafana.ingress.host: an Ingress needs a host (set ingress.host, e.g. grafana.example.com)",
    );
    expect(message({ httpRoute: { enabled: true }, networkPolicy: { enabled: false } })).toMatch(
      /^grafana\.httpRoute\.parentRefs: an HTTPRoute needs at least one parent Gateway/,
    );
  });

  it("requires the external database password as a secret reference", () => {
    expect(
      message({ database: { type: "postgres", host: "db" } as GrafanaValues["database"] }),
    ).toMatch(/^grafana\.database\.password: /);
  });

  it("refuses a secret env that shadows a typed credential", () => {
    expect(
      message({
        secretEnv: [{ name: "GF_SECURITY_ADMIN_PASSWORD", secret: { name: "x", key: "y" } }],
      }),
    ).toBe(
      "grafana.secretEnv: GF_SECURITY_ADMIN_PASSWORD is set twice (admin credentials, secret_key and the database password have their own values)",
    );
  });
});

describe("determinism", () => {
  it("renders byte-identical output for the same values", () => {
    expect(toYamlStream(grafana(postgresHa).objects)).toBe(
      toYamlStream(grafana(postgresHa).objects),
    );
  });

  it("rolls the pods when grafana.ini changes", () => {
    const checksum = (values: GrafanaValues) =>
      find<{ spec: { template: { metadata: { annotations: Record<string, string> } } } }>(
        grafana(values).objects,
        "Deployment",
      )[0]!.spec.template.metadata.annotations["checksum/config"];
    expect(checksum({})).not.toBe(checksum({ log: { level: "debug" } }));
  });
});

describe("name prefix from the build context", () => {
  const { objects, endpoints } = grafana(postgresHa, {
    namePrefix: "mz",
    namespace: "observability",
  });

  it("prefixes every name and reference consistently", () => {
    expect(endpoints.url).toBe("http://mz-grafana.observability.svc.cluster.local:3000");
    expect(ini(objects)).toContain(
      "ha_peers = mz-grafana-headless.observability.svc.cluster.local:9094",
    );
    const deployment = find<Deployment & { metadata: { name: string } }>(objects, "Deployment")[0]!;
    expect(deployment.metadata.name).toBe("mz-grafana");
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: "config",
      configMap: { name: "mz-grafana" },
    });
    expect(find(objects, "Ingress")[0]).toMatchObject({
      spec: { rules: [{ http: { paths: [{ backend: { service: { name: "mz-grafana" } } }] } }] },
    });
  });
});

describe("hostile ingress hosts", () => {
  it.each([
    "grafana example.com",
    "https://grafana.example.com",
    "grafana.example.com:443",
    "Grafana.Example.com",
    "grafana.example.com/x",
    "",
  ])("refuses %j with the path and the fix, never an internal error", (host) => {
    let error: unknown;
    try {
      grafana({ ingress: { enabled: true, host } } as GrafanaValues);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValuesError);
    expect((error as ValuesError).problems[0]?.path).toBe("grafana.ingress.host");
    expect((error as ValuesError).problems[0]?.message).toContain("must be a DNS name");
  });

  it("accepts a host name and a wildcard", () => {
    const np = { networkPolicy: { ingressFrom: [{ namespace: "ingress-nginx" }] } };
    for (const host of ["grafana.example.com", "*.example.com"]) {
      const objects = grafana({ ingress: { enabled: true, host }, ...np }).objects;
      expect(JSON.stringify(objects.find((o) => o.kind === "Ingress"))).toContain(
        `"host":"${host}"`,
      );
    }
  });
});
