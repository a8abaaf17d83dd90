import {
  duration,
  httpUrlSchema,
  imageSchema,
  lokiTenantIdSchema,
  objectName,
  resourcesSchema,
  schedulingDefault,
  secretRef,
  singleLineText,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { networkPeer } from "./network.js";
import { OPERATOR_DEFAULT_GRAFANA_IMAGE, OPERATOR_VERSION } from "./version.js";

const defaultAdminUser = { name: "grafana-credentials", key: "admin-user" };
const defaultAdminPassword = { name: "grafana-credentials", key: "admin-password" };

const watchScope = z.discriminatedUnion("scope", [
  z.strictObject({
    /** watch only the stack's namespace, with a Role */
    scope: z.literal("namespace").describe("watch only the stack's namespace, with a Role"),
  }),
  z.strictObject({
    /** watch other namespaces too, with a ClusterRole */
    scope: z.literal("cluster").describe("watch other namespaces too, with a ClusterRole"),
    /** namespaces to watch (empty: all); still needs cluster-wide RBAC */
    namespaces: z
      .array(z.string().min(1))
      .default([])
      .describe("namespaces to watch (empty: all); still needs cluster-wide RBAC"),
    /** watch namespaces with this label, e.g. `team: observability` */
    namespaceSelector: z
      .string()
      .optional()
      .describe("watch namespaces with this label, e.g. `team: observability`"),
  }),
]);

const configValue = z.union([z.string(), z.number(), z.boolean()]);

const externalGrafana = z.strictObject({
  /** a Grafana deployed elsewhere (by default the grafana package's), reached by URL */
  mode: z
    .literal("external")
    .describe("a Grafana deployed elsewhere (by default the grafana package's), reached by URL"),
  /** metadata.name of the Grafana resource (default: grafana) */
  name: objectName.optional().describe("metadata.name of the Grafana resource (default: grafana)"),
  /**
   * Grafana's in-cluster URL, e.g. http://grafana.monitoring.svc.cluster.local:3000; defaults to
   * the grafana package's Service in this namespace, with the build context's cluster domain
   */
  url: httpUrlSchema("https://grafana.example.com")
    .optional()
    .describe(
      "Grafana's in-cluster URL, e.g. http://grafana.monitoring.svc.cluster.local:3000; defaults to the grafana package's Service in this namespace, with the build context's cluster domain",
    ),
  /** the Secret key holding the admin user name the operator logs in with */
  adminUser: secretRef
    .default(defaultAdminUser)
    .describe("the Secret key holding the admin user name the operator logs in with"),
  /** the Secret key holding the admin password */
  adminPassword: secretRef
    .default(defaultAdminPassword)
    .describe("the Secret key holding the admin password"),
});

const managedGrafana = z.strictObject({
  /** the operator deploys and runs Grafana itself */
  mode: z.literal("managed").describe("the operator deploys and runs Grafana itself"),
  /** metadata.name of the Grafana resource (default: grafana) */
  name: objectName.optional().describe("metadata.name of the Grafana resource (default: grafana)"),
  /** image tag or reference; the operator's default when unset */
  version: z
    .string()
    .optional()
    .describe("image tag or reference; the operator's default when unset"),
  /** grafana.ini keys by section; credential keys and anonymous access are refused */
  config: z
    .record(z.string(), z.record(z.string(), configValue))
    .default({})
    .describe("grafana.ini keys by section; credential keys and anonymous access are refused"),
  /** the Secret key holding the admin user name */
  adminUser: secretRef
    .default(defaultAdminUser)
    .describe("the Secret key holding the admin user name"),
  /** the Secret key holding the admin password */
  adminPassword: secretRef
    .default(defaultAdminPassword)
    .describe("the Secret key holding the admin password"),
  /** the Secret key holding [security] secret_key, which encrypts datasource secrets */
  secretKey: secretRef
    .optional()
    .describe("the Secret key holding [security] secret_key, which encrypts datasource secrets"),
});

const noGrafana = z.strictObject({
  /** render no Grafana resource; dashboards and datasources wait for one labelled to match */
  mode: z
    .literal("none")
    .describe(
      "render no Grafana resource; dashboards and datasources wait for one labelled to match",
    ),
});

const datasourceBase = {
  /** URL Grafana queries */
  url: httpUrlSchema("http://thanos-query.monitoring.svc.cluster.local:9090").describe(
    "URL Grafana queries",
  ),
  /** datasource uid that dashboards refer to; a fixed default per datasource when unset */
  uid: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{1,40}$/, "a Grafana uid: 1 to 40 letters, digits, '-' and '_'")
    .optional()
    .describe("datasource uid that dashboards refer to; a fixed default per datasource when unset"),
  /** name shown in Grafana; the product name when unset */
  displayName: singleLineText(190)
    .min(1)
    .optional()
    .describe("name shown in Grafana; the product name when unset"),
  /**
   * reach the server with the stack's internal mutual TLS: Grafana verifies it with the stack's CA
   * and presents the datasources' certificate (needs global.internalTls)
   */
  internalTls: z
    .boolean()
    .default(false)
    .describe(
      "reach the server with the stack's internal mutual TLS: Grafana verifies it with the stack's CA and presents the datasources' certificate (needs global.internalTls)",
    ),
};

export const grafanaOperatorValues = z.strictObject({
  /** grafana-operator container image */
  image: imageSchema({
    registry: "ghcr.io",
    repository: "grafana/grafana-operator",
    tag: OPERATOR_VERSION,
  }).describe("grafana-operator container image"),
  /** more than one only adds a standby: leader election keeps one active */
  replicas: z
    .int32()
    .min(1)
    .max(3)
    .default(1)
    .describe("more than one only adds a standby: leader election keeps one active"),
  /** requests and limits of the operator container */
  resources: resourcesSchema({
    requests: { cpu: "50m", memory: "128Mi" },
    limits: { memory: "550Mi" },
  }).describe("requests and limits of the operator container"),
  /** the grafana-operator CustomResourceDefinitions */
  crds: z
    .strictObject({
      /** render the CRDs (setup group) */
      install: z.boolean().default(true).describe("render the CRDs (setup group)"),
    })
    .default({ install: true })
    .describe("the grafana-operator CustomResourceDefinitions"),
  /** namespace: only the stack's namespace, with a Role; cluster: a ClusterRole */
  watch: watchScope
    .default({ scope: "namespace" })
    .describe("namespace: only the stack's namespace, with a Role; cluster: a ClusterRole"),
  /** the operator's logging */
  logging: z
    .strictObject({
      /** --zap-log-level: least severe messages logged */
      level: z
        .enum(["debug", "info", "error"])
        .default("info")
        .describe("--zap-log-level: least severe messages logged"),
      /** --zap-encoder of the logs */
      format: z.enum(["json", "console"]).default("json").describe("--zap-encoder of the logs"),
    })
    .default({ level: "info", format: "json" })
    .describe("the operator's logging"),
  /** --max-concurrent-reconciles: resources of one kind reconciled in parallel */
  maxConcurrentReconciles: z
    .int32()
    .min(1)
    .max(64)
    .default(1)
    .describe("--max-concurrent-reconciles: resources of one kind reconciled in parallel"),
  /** --default-resync-period: how often every resource is reconciled again without a change */
  defaultResyncPeriod: duration
    .default("10m")
    .describe(
      "--default-resync-period: how often every resource is reconciled again without a change",
    ),
  /** image the operator deploys for managed Grafana instances (RELATED_IMAGE_GRAFANA) */
  managedGrafanaImage: imageSchema(OPERATOR_DEFAULT_GRAFANA_IMAGE).describe(
    "image the operator deploys for managed Grafana instances (RELATED_IMAGE_GRAFANA)",
  ),
  /** where the operator pods run */
  scheduling: schedulingDefault.describe("where the operator pods run"),
  /** the NetworkPolicy of the operator pods */
  networkPolicy: z
    .strictObject({
      /** render a NetworkPolicy: scrapers in; DNS, the API server and Grafana out */
      enabled: z
        .boolean()
        .default(true)
        .describe("render a NetworkPolicy: scrapers in; DNS, the API server and Grafana out"),
      /** the Kubernetes API server; narrow `cidrs` to its endpoint addresses */
      apiServer: z
        .strictObject({
          /** API server addresses; any address by default */
          cidrs: z
            .array(z.string().min(1))
            .min(1)
            .default(["0.0.0.0/0"])
            .describe("API server addresses; any address by default"),
          /** API server ports the operator may reach */
          ports: z
            .array(z.int32().min(1).max(65535))
            .min(1)
            .default([443, 6443])
            .describe("API server ports the operator may reach"),
        })
        .default({ cidrs: ["0.0.0.0/0"], ports: [443, 6443] })
        .describe("the Kubernetes API server; narrow `cidrs` to its endpoint addresses"),
      /** the Grafana API the operator writes datasources, folders and dashboards to */
      grafana: z
        .strictObject({
          /**
           * Grafana pods; default: the grafana package's pods (external) or the namespace (managed)
           */
          peers: z
            .array(networkPeer)
            .optional()
            .describe(
              "Grafana pods; default: the grafana package's pods (external) or the namespace (managed)",
            ),
          /** Grafana's HTTP port(s) */
          ports: z
            .array(z.int32().min(1).max(65535))
            .min(1)
            .default([3000])
            .describe("Grafana's HTTP port(s)"),
        })
        .default({ ports: [3000] })
        .describe("the Grafana API the operator writes datasources, folders and dashboards to"),
      /** who may scrape the operator's metrics port */
      metricsFrom: z
        .array(networkPeer)
        .default([])
        .describe("who may scrape the operator's metrics port"),
      /** e.g. grafana.com or an OCI registry, for dashboards fetched by URL */
      extraEgress: z
        .array(
          z.strictObject({
            /** destinations the operator may reach */
            peers: z.array(networkPeer).min(1).describe("destinations the operator may reach"),
            /** their ports; every port when empty */
            ports: z
              .array(z.int32().min(1).max(65535))
              .default([])
              .describe("their ports; every port when empty"),
          }),
        )
        .default([])
        .describe("e.g. grafana.com or an OCI registry, for dashboards fetched by URL"),
    })
    .default({
      enabled: true,
      apiServer: { cidrs: ["0.0.0.0/0"], ports: [443, 6443] },
      grafana: { ports: [3000] },
      metricsFrom: [],
      extraEgress: [],
    })
    .describe("the NetworkPolicy of the operator pods"),
  /** the Grafana resource every datasource, folder and dashboard targets */
  grafana: z
    .discriminatedUnion("mode", [externalGrafana, managedGrafana, noGrafana])
    .default({
      mode: "external",
      adminUser: defaultAdminUser,
      adminPassword: defaultAdminPassword,
    })
    .describe("the Grafana resource every datasource, folder and dashboard targets"),
  /** the GrafanaDatasources to render; one left out is not rendered */
  datasources: z
    .strictObject({
      /**
       * Thanos query (or query-frontend) URL, e.g.
       * http://thanos-query-frontend.monitoring.svc.cluster.local:9090
       */
      thanos: z
        .strictObject({
          ...datasourceBase,
          /** the Prometheus-compatible server behind the URL, so Grafana uses its API */
          flavor: z
            .enum(["Prometheus", "Thanos", "Mimir", "Cortex"])
            .default("Thanos")
            .describe("the Prometheus-compatible server behind the URL, so Grafana uses its API"),
          /** its version, for version-dependent query features */
          flavorVersion: z
            .string()
            .optional()
            .describe("its version, for version-dependent query features"),
          /** the scrape interval, Grafana's lower bound for the query step */
          scrapeInterval: duration
            .default("30s")
            .describe("the scrape interval, Grafana's lower bound for the query step"),
          /** make it Grafana's default datasource */
          isDefault: z.boolean().default(true).describe("make it Grafana's default datasource"),
        })
        .optional()
        .describe(
          "Thanos query (or query-frontend) URL, e.g. http://thanos-query-frontend.monitoring.svc.cluster.local:9090",
        ),
      /** Loki read path URL, e.g. http://loki-read.monitoring.svc.cluster.local:3100 */
      loki: z
        .strictObject({
          ...datasourceBase,
          /** most log lines a query returns */
          maxLines: z.int32().min(1).default(1000).describe("most log lines a query returns"),
          /**
           * the Loki tenants to read, sent as X-Scope-OrgID (several: a|b, which needs Loki's
           * multi-tenant queries); the loki package's endpoints.readTenants
           */
          tenants: z
            .array(lokiTenantIdSchema)
            .default([])
            .describe(
              "the Loki tenants to read, sent as X-Scope-OrgID (several: a|b, which needs Loki's multi-tenant queries); the loki package's endpoints.readTenants",
            ),
        })
        .optional()
        .describe("Loki read path URL, e.g. http://loki-read.monitoring.svc.cluster.local:3100"),
      /** Alertmanager URL, e.g. http://alertmanager.monitoring.svc.cluster.local:9093 */
      alertmanager: z
        .strictObject({
          ...datasourceBase,
          /** the Alertmanager API flavour: prometheus for a plain Alertmanager */
          implementation: z
            .enum(["prometheus", "mimir", "cortex"])
            .default("prometheus")
            .describe("the Alertmanager API flavour: prometheus for a plain Alertmanager"),
        })
        .optional()
        .describe("Alertmanager URL, e.g. http://alertmanager.monitoring.svc.cluster.local:9093"),
    })
    .default({})
    .describe("the GrafanaDatasources to render; one left out is not rendered"),
});

export type GrafanaOperatorValues = z.input<typeof grafanaOperatorValues>;
export type ParsedGrafanaOperatorValues = z.output<typeof grafanaOperatorValues>;
