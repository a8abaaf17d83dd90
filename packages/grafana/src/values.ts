import {
  imageSchema,
  persistenceSchema,
  resourcesSchema,
  schedulingDefault,
  secretRef,
  workloadIdentity,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { networkPeer } from "./network.js";

/** The Grafana image pinned by this package (the 12.4 line). */
export const GRAFANA_IMAGE = {
  registry: "docker.io",
  repository: "grafana/grafana",
  tag: "12.4.10",
};

/** Grafana's HTTP port (UI, API, /metrics, /api/health). */
export const GRAFANA_HTTP_PORT = 3000;
/** Unified alerting's HA gossip port (memberlist, TCP and UDP). */
export const GRAFANA_GOSSIP_PORT = 9094;

const CREDENTIALS = "grafana-credentials";
const defaultAdmin = {
  user: { name: CREDENTIALS, key: "admin-user" },
  password: { name: CREDENTIALS, key: "admin-password" },
};
const defaultSecretKey = { name: CREDENTIALS, key: "secret-key" };

const port = z.int32().min(1).max(65535);

const sqlite = z.strictObject({
  type: z.literal("sqlite"),
  persistence: persistenceSchema({ size: "10Gi" }).describe(
    "PVC for /var/lib/grafana (the SQLite file); disabled: an emptyDir, lost on restart",
  ),
  wal: z
    .boolean()
    .default(true)
    .describe("SQLite write-ahead log: fewer 'database is locked' errors"),
});

const sqlCommon = {
  host: z
    .string()
    .min(1)
    .describe("host name of the database server, e.g. postgres.databases.svc.cluster.local"),
  name: z.string().min(1).default("grafana").describe("database name"),
  user: z.string().min(1).default("grafana"),
  password: secretRef.describe("the user's password, from a Secret (env GF_DATABASE_PASSWORD)"),
  caCert: secretRef.optional().describe("CA certificate (PEM) to verify the server, from a Secret"),
  maxOpenConnections: z.int32().min(0).default(20),
  maxIdleConnections: z.int32().min(0).default(5),
  connMaxLifetimeSeconds: z.int32().min(0).default(14400),
};

const postgres = z.strictObject({
  type: z.literal("postgres"),
  ...sqlCommon,
  port: port.default(5432),
  sslMode: z.enum(["disable", "require", "verify-ca", "verify-full"]).default("require"),
});

const mysql = z.strictObject({
  type: z.literal("mysql"),
  ...sqlCommon,
  port: port.default(3306),
  sslMode: z.enum(["false", "true", "skip-verify"]).default("true"),
});

const egressTarget = z.strictObject({
  peers: z.array(networkPeer).min(1),
  ports: z.array(port).min(1),
});

const configValue = z.union([z.string(), z.number(), z.boolean()]);

export const grafanaValues = z.strictObject({
  image: imageSchema(GRAFANA_IMAGE),
  replicas: z
    .int32()
    .min(1)
    .default(1)
    .describe("more than one needs PostgreSQL or MySQL; alerting then runs as an HA cluster"),
  resources: resourcesSchema({
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { memory: "1Gi" },
  }),
  strategy: z
    .enum(["auto", "Recreate", "RollingUpdate"])
    .default("auto")
    .describe("auto: Recreate with a SQLite volume, RollingUpdate otherwise"),
  admin: z
    .strictObject({
      user: secretRef.default(defaultAdmin.user),
      password: secretRef.default(defaultAdmin.password),
    })
    .default(defaultAdmin)
    .describe("the initial admin user, from a Secret (env GF_SECURITY_ADMIN_USER/PASSWORD)"),
  secretKey: secretRef
    .default(defaultSecretKey)
    .describe("[security] secret_key, encrypts datasource secrets; never the upstream default"),
  database: z.discriminatedUnion("type", [sqlite, postgres, mysql]).default({
    type: "sqlite",
    persistence: { enabled: true, size: "10Gi", accessModes: ["ReadWriteOnce"] },
    wal: true,
  }),
  server: z
    .strictObject({
      rootUrl: z
        .string()
        .regex(/^https?:\/\/.+/, "must be an http(s) URL")
        .optional()
        .describe("the URL users open; derived from the Ingress or HTTPRoute host when unset"),
      serveFromSubPath: z.boolean().default(false),
      enableGzip: z.boolean().default(true),
    })
    .default({ serveFromSubPath: false, enableGzip: true }),
  log: z
    .strictObject({
      level: z.enum(["debug", "info", "warn", "error", "critical"]).default("info"),
      format: z.enum(["json", "text", "console"]).default("json"),
    })
    .default({ level: "info", format: "json" }),
  alerting: z
    .strictObject({
      enabled: z.boolean().default(true).describe("Grafana unified alerting"),
    })
    .default({ enabled: true }),
  config: z
    .record(z.string(), z.record(z.string(), configValue))
    .default({})
    .describe("extra grafana.ini keys by section; credentials go in secretEnv instead"),
  secretEnv: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^GF_[A-Z0-9_]+$/, "must be a Grafana override variable (GF_<SECTION>_<KEY>)"),
        secret: secretRef,
      }),
    )
    .default([])
    .describe("more grafana.ini keys from Secrets, e.g. GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET"),
  service: z
    .strictObject({ annotations: z.record(z.string(), z.string()).default({}) })
    .default({ annotations: {} }),
  ingress: z
    .strictObject({
      enabled: z.boolean().default(false),
      className: z.string().optional(),
      host: z
        .string()
        .max(253)
        .regex(
          /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
          "a DNS host name such as grafana.example.com (lowercase, no scheme, port or path)",
        )
        .optional(),
      path: z.string().startsWith("/").default("/"),
      tlsSecretName: z
        .string()
        .optional()
        .describe("TLS certificate Secret; the URL is https when set"),
      annotations: z.record(z.string(), z.string()).default({}),
    })
    .default({ enabled: false, path: "/", annotations: {} }),
  httpRoute: z
    .strictObject({
      enabled: z.boolean().default(false),
      parentRefs: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            namespace: z.string().optional(),
            sectionName: z.string().optional(),
          }),
        )
        .default([]),
      hostnames: z.array(z.string().min(1)).default([]),
      path: z.string().startsWith("/").default("/"),
      scheme: z.enum(["https", "http"]).default("https").describe("how users reach the Gateway"),
      annotations: z.record(z.string(), z.string()).default({}),
    })
    .default({
      enabled: false,
      parentRefs: [],
      hostnames: [],
      path: "/",
      scheme: "https",
      annotations: {},
    }),
  workloadIdentity,
  podAnnotations: z.record(z.string(), z.string()).default({}),
  scheduling: schedulingDefault,
  networkPolicy: z
    .strictObject({
      enabled: z.boolean().default(true),
      ingressFrom: z
        .array(networkPeer)
        .default([])
        .describe("who reaches the UI: the ingress controller or gateway pods, users' namespaces"),
      operator: z
        .array(networkPeer)
        .optional()
        .describe("grafana-operator pods; defaults to the grafana-operator package's labels"),
      metricsFrom: z.array(networkPeer).default([]).describe("scrapers of /metrics"),
      egress: z
        .strictObject({
          thanosQuery: egressTarget.optional().describe("Thanos query (PromQL datasource)"),
          lokiRead: egressTarget.optional().describe("Loki read path (LogQL datasource)"),
          alertmanager: egressTarget.optional().describe("Alertmanager (alerting datasource)"),
          database: z
            .array(networkPeer)
            .optional()
            .describe("PostgreSQL/MySQL peers; defaults to any address on the database port"),
          extra: z.array(egressTarget).default([]).describe("e.g. an identity provider, SMTP"),
        })
        .default({ extra: [] }),
    })
    .default({ enabled: true, ingressFrom: [], metricsFrom: [], egress: { extra: [] } }),
});

export type GrafanaValues = z.input<typeof grafanaValues>;
export type ParsedGrafanaValues = z.output<typeof grafanaValues>;
export type GrafanaDatabase = ParsedGrafanaValues["database"];
