import {
  duration,
  imageSchema,
  resourcesSchema,
  schedulingDefault,
  secretRef,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { networkPeer } from "./network.js";
import { OPERATOR_DEFAULT_GRAFANA_IMAGE, OPERATOR_VERSION } from "./version.js";

const defaultAdminUser = { name: "grafana-credentials", key: "admin-user" };
const defaultAdminPassword = { name: "grafana-credentials", key: "admin-password" };

const watchScope = z.discriminatedUnion("scope", [
  z.strictObject({
    scope: z.literal("namespace"),
  }),
  z.strictObject({
    scope: z.literal("cluster"),
    namespaces: z
      .array(z.string().min(1))
      .default([])
      .describe("namespaces to watch (empty: all); still needs cluster-wide RBAC"),
    namespaceSelector: z
      .string()
      .optional()
      .describe("watch namespaces with this label, e.g. `team: observability`"),
  }),
]);

const configValue = z.union([z.string(), z.number(), z.boolean()]);

const externalGrafana = z.strictObject({
  mode: z.literal("external"),
  name: z
    .string()
    .min(1)
    .optional()
    .describe("metadata.name of the Grafana resource (default: grafana)"),
  url: z
    .string()
    .regex(/^https?:\/\/.+$/, "must be an http(s) URL")
    .optional()
    .describe(
      "Grafana's in-cluster URL, e.g. http://grafana.monitoring.svc.cluster.local:3000; defaults to the grafana package's Service in this namespace, with the build context's cluster domain",
    ),
  adminUser: secretRef.default(defaultAdminUser),
  adminPassword: secretRef.default(defaultAdminPassword),
});

const managedGrafana = z.strictObject({
  mode: z.literal("managed"),
  name: z
    .string()
    .min(1)
    .optional()
    .describe("metadata.name of the Grafana resource (default: grafana)"),
  version: z
    .string()
    .optional()
    .describe("image tag or reference; the operator's default when unset"),
  config: z.record(z.string(), z.record(z.string(), configValue)).default({}),
  adminUser: secretRef.default(defaultAdminUser),
  adminPassword: secretRef.default(defaultAdminPassword),
  secretKey: secretRef.optional(),
});

const noGrafana = z.strictObject({ mode: z.literal("none") });

const datasourceBase = {
  url: z.string().regex(/^https?:\/\/.+$/, "must be an http(s) URL"),
  uid: z.string().optional(),
  displayName: z.string().optional(),
};

export const grafanaOperatorValues = z.strictObject({
  image: imageSchema({
    registry: "ghcr.io",
    repository: "grafana/grafana-operator",
    tag: OPERATOR_VERSION,
  }),
  replicas: z
    .int32()
    .min(1)
    .max(3)
    .default(1)
    .describe("more than one only adds a standby: leader election keeps one active"),
  resources: resourcesSchema({
    requests: { cpu: "50m", memory: "128Mi" },
    limits: { memory: "550Mi" },
  }),
  crds: z
    .strictObject({
      install: z.boolean().default(true).describe("render the CRDs (setup group)"),
    })
    .default({ install: true }),
  watch: watchScope
    .default({ scope: "namespace" })
    .describe("namespace: only the stack's namespace, with a Role; cluster: a ClusterRole"),
  logging: z
    .strictObject({
      level: z.enum(["debug", "info", "error"]).default("info"),
      format: z.enum(["json", "console"]).default("json"),
    })
    .default({ level: "info", format: "json" }),
  maxConcurrentReconciles: z.int32().min(1).max(64).default(1),
  defaultResyncPeriod: duration.default("10m"),
  managedGrafanaImage: imageSchema(OPERATOR_DEFAULT_GRAFANA_IMAGE).describe(
    "image the operator deploys for managed Grafana instances (RELATED_IMAGE_GRAFANA)",
  ),
  scheduling: schedulingDefault,
  networkPolicy: z
    .strictObject({
      enabled: z.boolean().default(true),
      apiServer: z
        .strictObject({
          cidrs: z.array(z.string().min(1)).min(1).default(["0.0.0.0/0"]),
          ports: z.array(z.int32().min(1).max(65535)).min(1).default([443, 6443]),
        })
        .default({ cidrs: ["0.0.0.0/0"], ports: [443, 6443] })
        .describe("the Kubernetes API server; narrow `cidrs` to its endpoint addresses"),
      grafana: z
        .strictObject({
          peers: z
            .array(networkPeer)
            .optional()
            .describe(
              "Grafana pods; default: the grafana package's pods (external) or the namespace (managed)",
            ),
          ports: z.array(z.int32().min(1).max(65535)).min(1).default([3000]),
        })
        .default({ ports: [3000] }),
      metricsFrom: z
        .array(networkPeer)
        .default([])
        .describe("who may scrape the operator's metrics port"),
      extraEgress: z
        .array(
          z.strictObject({
            peers: z.array(networkPeer).min(1),
            ports: z.array(z.int32().min(1).max(65535)).default([]),
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
    }),
  grafana: z
    .discriminatedUnion("mode", [externalGrafana, managedGrafana, noGrafana])
    .default({
      mode: "external",
      adminUser: defaultAdminUser,
      adminPassword: defaultAdminPassword,
    })
    .describe("the Grafana resource every datasource, folder and dashboard targets"),
  datasources: z
    .strictObject({
      thanos: z
        .strictObject({
          ...datasourceBase,
          flavor: z.enum(["Prometheus", "Thanos", "Mimir", "Cortex"]).default("Thanos"),
          flavorVersion: z.string().optional(),
          scrapeInterval: duration.default("30s"),
          isDefault: z.boolean().default(true),
        })
        .optional()
        .describe(
          "Thanos query (or query-frontend) URL, e.g. http://thanos-query-frontend.monitoring.svc.cluster.local:9090",
        ),
      loki: z
        .strictObject({ ...datasourceBase, maxLines: z.int32().min(1).default(1000) })
        .optional()
        .describe("Loki read path URL, e.g. http://loki-read.monitoring.svc.cluster.local:3100"),
      alertmanager: z
        .strictObject({
          ...datasourceBase,
          implementation: z.enum(["prometheus", "mimir", "cortex"]).default("prometheus"),
        })
        .optional()
        .describe("Alertmanager URL, e.g. http://alertmanager.monitoring.svc.cluster.local:9093"),
    })
    .default({}),
});

export type GrafanaOperatorValues = z.input<typeof grafanaOperatorValues>;
export type ParsedGrafanaOperatorValues = z.output<typeof grafanaOperatorValues>;
