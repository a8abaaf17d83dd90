import {
  annotationsSchema,
  dnsNameSchema,
  hostSchema,
  httpUrlSchema,
  imageSchema,
  namespaceNameSchema,
  objectName,
  persistenceSchema,
  resourcesSchema,
  schedulingDefault,
  secretRef,
  urlPathSchema,
  workloadIdentity,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { iniTextSchema } from "./ini.js";
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
  /** a SQLite file in the pod: one replica only; the default */
  type: z.literal("sqlite").describe("a SQLite file in the pod: one replica only; the default"),
  /** PVC for /var/lib/grafana (the SQLite file); disabled: an emptyDir, lost on restart */
  persistence: persistenceSchema({ size: "10Gi" }).describe(
    "PVC for /var/lib/grafana (the SQLite file); disabled: an emptyDir, lost on restart",
  ),
  /** SQLite write-ahead log: fewer 'database is locked' errors */
  wal: z
    .boolean()
    .default(true)
    .describe("SQLite write-ahead log: fewer 'database is locked' errors"),
});

const sqlCommon = {
  /** host name of the database server, e.g. postgres.databases.svc.cluster.local */
  host: hostSchema.describe(
    "host name of the database server, e.g. postgres.databases.svc.cluster.local",
  ),
  /** database name */
  name: iniTextSchema().min(1).default("grafana").describe("database name"),
  /** database user Grafana logs in as */
  user: iniTextSchema().min(1).default("grafana").describe("database user Grafana logs in as"),
  /** the user's password, from a Secret (env GF_DATABASE_PASSWORD) */
  password: secretRef.describe("the user's password, from a Secret (env GF_DATABASE_PASSWORD)"),
  /** CA certificate (PEM) to verify the server, from a Secret */
  caCert: secretRef.optional().describe("CA certificate (PEM) to verify the server, from a Secret"),
  /** most open connections per replica; 0 is unlimited */
  maxOpenConnections: z
    .int32()
    .min(0)
    .default(20)
    .describe("most open connections per replica; 0 is unlimited"),
  /** idle connections kept open per replica */
  maxIdleConnections: z
    .int32()
    .min(0)
    .default(5)
    .describe("idle connections kept open per replica"),
  /** seconds after which a connection is closed and reopened */
  connMaxLifetimeSeconds: z
    .int32()
    .min(0)
    .default(14400)
    .describe("seconds after which a connection is closed and reopened"),
};

const postgres = z.strictObject({
  /** an external PostgreSQL database; allows several replicas */
  type: z.literal("postgres").describe("an external PostgreSQL database; allows several replicas"),
  ...sqlCommon,
  /** port of the database server */
  port: port.default(5432).describe("port of the database server"),
  /** TLS to the server: require encrypts; verify-ca and verify-full also check the certificate */
  sslMode: z
    .enum(["disable", "require", "verify-ca", "verify-full"])
    .default("require")
    .describe(
      "TLS to the server: require encrypts; verify-ca and verify-full also check the certificate",
    ),
});

const mysql = z.strictObject({
  /** an external MySQL database; allows several replicas */
  type: z.literal("mysql").describe("an external MySQL database; allows several replicas"),
  ...sqlCommon,
  /** port of the database server */
  port: port.default(3306).describe("port of the database server"),
  /** TLS to the server: true verifies the certificate, skip-verify encrypts without checking it */
  sslMode: z
    .enum(["false", "true", "skip-verify"])
    .default("true")
    .describe(
      "TLS to the server: true verifies the certificate, skip-verify encrypts without checking it",
    ),
});

const egressTarget = z.strictObject({
  /** destinations Grafana may reach */
  peers: z.array(networkPeer).min(1).describe("destinations Grafana may reach"),
  /** their ports */
  ports: z.array(port).min(1).describe("their ports"),
});

const configValue = z.union([iniTextSchema({ max: 16384 }), z.number(), z.boolean()]);
const iniName = (what: string) =>
  z
    .string()
    .max(128)
    .regex(/^[A-Za-z0-9_.-]+$/, `an ini ${what} name has only letters, digits, '_', '.' and '-'`);

export const grafanaValues = z.strictObject({
  /** Grafana container image */
  image: imageSchema(GRAFANA_IMAGE).describe("Grafana container image"),
  /** more than one needs PostgreSQL or MySQL; alerting then runs as an HA cluster */
  replicas: z
    .int32()
    .min(1)
    .default(1)
    .describe("more than one needs PostgreSQL or MySQL; alerting then runs as an HA cluster"),
  /** requests and limits of the Grafana container */
  resources: resourcesSchema({
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { memory: "1Gi" },
  }).describe("requests and limits of the Grafana container"),
  /** auto: Recreate with a SQLite volume, RollingUpdate otherwise */
  strategy: z
    .enum(["auto", "Recreate", "RollingUpdate"])
    .default("auto")
    .describe("auto: Recreate with a SQLite volume, RollingUpdate otherwise"),
  /** the initial admin user, from a Secret (env GF_SECURITY_ADMIN_USER/PASSWORD) */
  admin: z
    .strictObject({
      /** the Secret key holding the admin user name */
      user: secretRef
        .default(defaultAdmin.user)
        .describe("the Secret key holding the admin user name"),
      /** the Secret key holding the admin password */
      password: secretRef
        .default(defaultAdmin.password)
        .describe("the Secret key holding the admin password"),
    })
    .default(defaultAdmin)
    .describe("the initial admin user, from a Secret (env GF_SECURITY_ADMIN_USER/PASSWORD)"),
  /** [security] secret_key, encrypts datasource secrets; never the upstream default */
  secretKey: secretRef
    .default(defaultSecretKey)
    .describe("[security] secret_key, encrypts datasource secrets; never the upstream default"),
  /** where Grafana keeps users, dashboards and alert state; SQLite on a PVC by default */
  database: z
    .discriminatedUnion("type", [sqlite, postgres, mysql])
    .default({
      type: "sqlite",
      persistence: { enabled: true, size: "10Gi", accessModes: ["ReadWriteOnce"] },
      wal: true,
    })
    .describe("where Grafana keeps users, dashboards and alert state; SQLite on a PVC by default"),
  /** the [server] section of grafana.ini */
  server: z
    .strictObject({
      /** the URL users open; derived from the Ingress or HTTPRoute host when unset */
      rootUrl: httpUrlSchema("https://grafana.example.com/")
        .optional()
        .describe("the URL users open; derived from the Ingress or HTTPRoute host when unset"),
      /** serve under the path of rootUrl itself, for proxies that do not strip it */
      serveFromSubPath: z
        .boolean()
        .default(false)
        .describe("serve under the path of rootUrl itself, for proxies that do not strip it"),
      /** gzip-compress HTTP responses */
      enableGzip: z.boolean().default(true).describe("gzip-compress HTTP responses"),
    })
    .default({ serveFromSubPath: false, enableGzip: true })
    .describe("the [server] section of grafana.ini"),
  /** Grafana's logging */
  log: z
    .strictObject({
      /** least severe messages Grafana logs */
      level: z
        .enum(["debug", "info", "warn", "error", "critical"])
        .default("info")
        .describe("least severe messages Grafana logs"),
      /** format of the log lines */
      format: z
        .enum(["json", "text", "console"])
        .default("json")
        .describe("format of the log lines"),
    })
    .default({ level: "info", format: "json" })
    .describe("Grafana's logging"),
  /** Grafana's own alerting; with several replicas its instances gossip on 9094 */
  alerting: z
    .strictObject({
      /** Grafana unified alerting */
      enabled: z.boolean().default(true).describe("Grafana unified alerting"),
    })
    .default({ enabled: true })
    .describe("Grafana's own alerting; with several replicas its instances gossip on 9094"),
  /** extra grafana.ini keys by section; credentials go in secretEnv instead */
  config: z
    .record(iniName("section"), z.record(iniName("key"), configValue))
    .default({})
    .describe("extra grafana.ini keys by section; credentials go in secretEnv instead"),
  /** more grafana.ini keys from Secrets, e.g. GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET */
  secretEnv: z
    .array(
      z.strictObject({
        /** environment variable, GF_<SECTION>_<KEY> */
        name: z
          .string()
          .regex(/^GF_[A-Z0-9_]+$/, "must be a Grafana override variable (GF_<SECTION>_<KEY>)")
          .describe("environment variable, GF_<SECTION>_<KEY>"),
        /** the Secret key holding its value */
        secret: secretRef.describe("the Secret key holding its value"),
      }),
    )
    .default([])
    .describe("more grafana.ini keys from Secrets, e.g. GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET"),
  /** the Grafana Service (ClusterIP, port 3000) */
  service: z
    .strictObject({
      /** annotations of the Service, e.g. for a cloud load balancer */
      annotations: annotationsSchema
        .default({})
        .describe("annotations of the Service, e.g. for a cloud load balancer"),
    })
    .default({ annotations: {} })
    .describe("the Grafana Service (ClusterIP, port 3000)"),
  /** an Ingress in front of Grafana */
  ingress: z
    .strictObject({
      /** render an Ingress for the UI */
      enabled: z.boolean().default(false).describe("render an Ingress for the UI"),
      /** ingressClassName; the cluster's default IngressClass when unset */
      className: objectName
        .optional()
        .describe("ingressClassName; the cluster's default IngressClass when unset"),
      /** host name users open, e.g. grafana.example.com */
      host: dnsNameSchema({ wildcard: true })
        .optional()
        .describe("host name users open, e.g. grafana.example.com"),
      /** path prefix routed to Grafana */
      path: urlPathSchema.default("/").describe("path prefix routed to Grafana"),
      /** TLS certificate Secret; the URL is https when set */
      tlsSecretName: objectName
        .optional()
        .describe("TLS certificate Secret; the URL is https when set"),
      /** annotations of the Ingress, e.g. for the controller or cert-manager */
      annotations: annotationsSchema
        .default({})
        .describe("annotations of the Ingress, e.g. for the controller or cert-manager"),
    })
    .default({ enabled: false, path: "/", annotations: {} })
    .describe("an Ingress in front of Grafana"),
  /** a Gateway API HTTPRoute in front of Grafana */
  httpRoute: z
    .strictObject({
      /** render a Gateway API HTTPRoute for the UI */
      enabled: z.boolean().default(false).describe("render a Gateway API HTTPRoute for the UI"),
      /** the Gateways the route attaches to; required when enabled */
      parentRefs: z
        .array(
          z.strictObject({
            /** name of the Gateway */
            name: objectName.describe("name of the Gateway"),
            /** namespace of the Gateway; the route's own when unset */
            namespace: namespaceNameSchema
              .optional()
              .describe("namespace of the Gateway; the route's own when unset"),
            /** listener of the Gateway to attach to */
            sectionName: objectName.optional().describe("listener of the Gateway to attach to"),
          }),
        )
        .default([])
        .describe("the Gateways the route attaches to; required when enabled"),
      /** host names the route matches; the first one makes the root URL */
      hostnames: z
        .array(dnsNameSchema({ wildcard: true }))
        .max(16)
        .default([])
        .describe("host names the route matches; the first one makes the root URL"),
      /** path prefix routed to Grafana */
      path: urlPathSchema.default("/").describe("path prefix routed to Grafana"),
      /** how users reach the Gateway */
      scheme: z.enum(["https", "http"]).default("https").describe("how users reach the Gateway"),
      /** annotations of the HTTPRoute */
      annotations: annotationsSchema.default({}).describe("annotations of the HTTPRoute"),
    })
    .default({
      enabled: false,
      parentRefs: [],
      hostnames: [],
      path: "/",
      scheme: "https",
      annotations: {},
    })
    .describe("a Gateway API HTTPRoute in front of Grafana"),
  /** cloud identity of Grafana's ServiceAccount, e.g. for cloud datasources */
  workloadIdentity: workloadIdentity.describe(
    "cloud identity of Grafana's ServiceAccount, e.g. for cloud datasources",
  ),
  /** annotations of the Grafana pods */
  podAnnotations: annotationsSchema.default({}).describe("annotations of the Grafana pods"),
  /** where the Grafana pods run */
  scheduling: schedulingDefault.describe("where the Grafana pods run"),
  /** the NetworkPolicy of the Grafana pods */
  networkPolicy: z
    .strictObject({
      /** render a NetworkPolicy that admits only the peers below and allows the egress listed */
      enabled: z
        .boolean()
        .default(true)
        .describe(
          "render a NetworkPolicy that admits only the peers below and allows the egress listed",
        ),
      /** who reaches the UI: the ingress controller or gateway pods, users' namespaces */
      ingressFrom: z
        .array(networkPeer)
        .default([])
        .describe("who reaches the UI: the ingress controller or gateway pods, users' namespaces"),
      /** grafana-operator pods; defaults to the grafana-operator package's labels */
      operator: z
        .array(networkPeer)
        .optional()
        .describe("grafana-operator pods; defaults to the grafana-operator package's labels"),
      /** scrapers of /metrics */
      metricsFrom: z.array(networkPeer).default([]).describe("scrapers of /metrics"),
      /** where Grafana may connect besides DNS */
      egress: z
        .strictObject({
          /** Thanos query (PromQL datasource) */
          thanosQuery: egressTarget.optional().describe("Thanos query (PromQL datasource)"),
          /** Loki read path (LogQL datasource) */
          lokiRead: egressTarget.optional().describe("Loki read path (LogQL datasource)"),
          /** Alertmanager (alerting datasource) */
          alertmanager: egressTarget.optional().describe("Alertmanager (alerting datasource)"),
          /** PostgreSQL/MySQL peers; defaults to any address on the database port */
          database: z
            .array(networkPeer)
            .optional()
            .describe("PostgreSQL/MySQL peers; defaults to any address on the database port"),
          /** e.g. an identity provider, SMTP */
          extra: z.array(egressTarget).default([]).describe("e.g. an identity provider, SMTP"),
        })
        .default({ extra: [] })
        .describe("where Grafana may connect besides DNS"),
    })
    .default({ enabled: true, ingressFrom: [], metricsFrom: [], egress: { extra: [] } })
    .describe("the NetworkPolicy of the Grafana pods"),
});

export type GrafanaValues = z.input<typeof grafanaValues>;
export type ParsedGrafanaValues = z.output<typeof grafanaValues>;
export type GrafanaDatabase = ParsedGrafanaValues["database"];
