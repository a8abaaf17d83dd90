import {
  httpUrlSchema,
  imageSchema,
  labelsSchema,
  namespaceNameSchema,
  quantity,
  resourcesSchema,
  schedulingDefault,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { alertingConfig } from "./schema.js";
import { alertmanagerVersion, DEFAULT_IMAGE } from "./version.js";

/** A NetworkPolicy peer: an IP block, or pods by labels (same namespace unless a namespace is given). */
export const networkPeer = z.union([
  z.strictObject({
    /** e.g. 0.0.0.0/0 or 10.0.0.0/8 */
    cidr: z.string().min(1).describe("e.g. 0.0.0.0/0 or 10.0.0.0/8"),
    /** IP blocks cut out of `cidr` */
    except: z.array(z.string().min(1)).default([]).describe("IP blocks cut out of `cidr`"),
  }),
  z.strictObject({
    /** pod label selector; {} selects every pod */
    podLabels: labelsSchema.describe("pod label selector; {} selects every pod"),
    /** namespace label selector; {} selects every namespace */
    namespaceLabels: labelsSchema
      .optional()
      .describe("namespace label selector; {} selects every namespace"),
    /** a namespace by name */
    namespace: namespaceNameSchema.optional().describe("a namespace by name"),
  }),
]);
export type NetworkPeer = z.output<typeof networkPeer>;

/** A Go duration, as command-line flags take it: `15s`, `1m30s`, `120h` (no days). */
const goDuration = z
  .string()
  .regex(
    /^(\d+(\.\d+)?(h|m|s|ms|us|ns))+$/,
    "a Go duration such as 15s, 1m30s or 120h (no d, w, y)",
  );

const port = z.strictObject({
  /** destination port number */
  port: z.int32().min(1).max(65535).describe("destination port number"),
  /** transport protocol of the port */
  protocol: z.enum(["TCP", "UDP"]).default("TCP").describe("transport protocol of the port"),
});

export const egressRule = z.strictObject({
  /** destinations this rule allows */
  to: z.array(networkPeer).min(1).describe("destinations this rule allows"),
  /** ports allowed on those destinations */
  ports: z.array(port).min(1).describe("ports allowed on those destinations"),
});
export type EgressRule = z.output<typeof egressRule>;

const ANYWHERE = [
  { cidr: "0.0.0.0/0", except: [] },
  { cidr: "::/0", except: [] },
];

export const networkPolicyValues = z
  .strictObject({
    /** render a NetworkPolicy that admits only the peers below (plus DNS and gossip) */
    enabled: z
      .boolean()
      .default(true)
      .describe("render a NetworkPolicy that admits only the peers below (plus DNS and gossip)"),
    /** who may connect to the UI/API port (9093); replicas always reach each other's gossip port */
    ingress: z
      .strictObject({
        /** pods that send alerts (POST /api/v2/alerts) */
        rulers: z
          .array(networkPeer)
          .default([
            {
              podLabels: {
                "app.kubernetes.io/name": "thanos",
                "app.kubernetes.io/component": "ruler",
              },
            },
            {
              podLabels: {
                "app.kubernetes.io/name": "loki",
                "app.kubernetes.io/component": "backend",
              },
            },
          ])
          .describe("pods that send alerts (POST /api/v2/alerts)"),
        /** Grafana, for its Alertmanager data source */
        grafana: z
          .array(networkPeer)
          .default([{ podLabels: { "app.kubernetes.io/name": "grafana" } }])
          .describe("Grafana, for its Alertmanager data source"),
        /** what scrapes /metrics */
        scrapers: z
          .array(networkPeer)
          .default([
            {
              podLabels: {
                "app.kubernetes.io/name": "alloy",
                "app.kubernetes.io/component": "gateway",
              },
            },
          ])
          .describe("what scrapes /metrics"),
        /** anything else allowed to reach the UI/API port */
        extra: z
          .array(networkPeer)
          .default([])
          .describe("anything else allowed to reach the UI/API port"),
      })
      .prefault({})
      .describe(
        "who may connect to the UI/API port (9093); replicas always reach each other's gossip port",
      ),
    /** where Alertmanager may connect besides DNS and its own replicas */
    egress: z
      .strictObject({
        /** where notifications go; HTTPS anywhere by default */
        receivers: z
          .array(egressRule)
          .default([{ to: ANYWHERE, ports: [{ port: 443, protocol: "TCP" }] }])
          .describe("where notifications go; HTTPS anywhere by default"),
        /** where the SMTP ports of configured email receivers may be reached */
        smtpTo: z
          .array(networkPeer)
          .min(1, "list at least one peer (an empty list would allow every destination)")
          .default(ANYWHERE)
          .describe("where the SMTP ports of configured email receivers may be reached"),
      })
      .prefault({})
      .describe("where Alertmanager may connect besides DNS and its own replicas"),
  })
  .prefault({})
  .describe("the NetworkPolicy of the Alertmanager pods");

export const persistenceValues = z
  .strictObject({
    /** false: silences and the notification log live in an emptyDir */
    enabled: z
      .boolean()
      .default(true)
      .describe("false: silences and the notification log live in an emptyDir"),
    /** what Alertmanager needs for silences and the notification log */
    size: quantity
      .default("256Mi")
      .describe("what Alertmanager needs for silences and the notification log"),
    /** smallest volume the storage class provisions; the claim is max(size, storageFloor) */
    storageFloor: quantity
      .default("1Gi")
      .describe(
        "smallest volume the storage class provisions; the claim is max(size, storageFloor)",
      ),
    /** StorageClass of the claim; global.storageClass, else the cluster default, when unset */
    storageClass: z
      .string()
      .optional()
      .describe(
        "StorageClass of the claim; global.storageClass, else the cluster default, when unset",
      ),
    /** access modes of the claim */
    accessModes: z
      .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"]))
      .min(1)
      .default(["ReadWriteOnce"])
      .describe("access modes of the claim"),
  })
  .prefault({})
  .describe("the volume of each replica for silences and the notification log");

export const alertmanagerValues = z.strictObject({
  /** ha: 2 gossiping replicas; small: 1 replica, clustering off */
  mode: z
    .enum(["ha", "small"])
    .default("ha")
    .describe("ha: 2 gossiping replicas; small: 1 replica, clustering off"),
  /** overrides the mode's replica count */
  replicas: z.int32().min(1).optional().describe("overrides the mode's replica count"),
  /** Alertmanager container image */
  image: imageSchema(DEFAULT_IMAGE).describe("Alertmanager container image"),
  /** minor version the config and flags are written for; read from image.tag when unset */
  alertmanagerVersion: alertmanagerVersion
    .optional()
    .describe("minor version the config and flags are written for; read from image.tag when unset"),
  /** requests and limits of the Alertmanager container */
  resources: resourcesSchema({
    requests: { cpu: "25m", memory: "64Mi" },
    limits: { memory: "256Mi" },
  }).describe("requests and limits of the Alertmanager container"),
  /** the volume of each replica for silences and the notification log */
  persistence: persistenceValues,
  /** --data.retention: how long silences and the notification log are kept */
  retention: goDuration
    .default("120h")
    .describe("--data.retention: how long silences and the notification log are kept"),
  /**
   * --web.external-url, used in links, e.g. https://alerts.example.com; the in-cluster Service URL
   * (http://alertmanager.monitoring.svc.cluster.local:9093) when unset
   */
  externalUrl: httpUrlSchema("https://alerts.example.com")
    .optional()
    .describe(
      "--web.external-url, used in links, e.g. https://alerts.example.com; the in-cluster Service URL (http://alertmanager.monitoring.svc.cluster.local:9093) when unset",
    ),
  /** --web.route-prefix; keep / when a proxy strips the external URL's path */
  routePrefix: z
    .string()
    .regex(/^\/([A-Za-z0-9._~-]+\/?)*$/, "a path starting with /")
    .default("/")
    .describe("--web.route-prefix; keep / when a proxy strips the external URL's path"),
  /** gossip between the replicas (mode ha), which shares silences and deduplicates notifications */
  cluster: z
    .strictObject({
      /** --cluster.label (0.26+); <namespace>/<name> when unset */
      label: z
        .string()
        .min(1)
        .optional()
        .describe("--cluster.label (0.26+); <namespace>/<name> when unset"),
      /**
       * --cluster.peer-timeout: each replica waits this long per position in the peer list before
       * notifying, so its peers' notifications are deduplicated
       */
      peerTimeout: goDuration
        .default("15s")
        .describe(
          "--cluster.peer-timeout: each replica waits this long per position in the peer list before notifying, so its peers' notifications are deduplicated",
        ),
    })
    .prefault({})
    .describe(
      "gossip between the replicas (mode ha), which shares silences and deduplicates notifications",
    ),
  /** --log.level: least severe messages logged */
  logLevel: z
    .enum(["debug", "info", "warn", "error"])
    .default("info")
    .describe("--log.level: least severe messages logged"),
  /** --log.format of the logs */
  logFormat: z.enum(["logfmt", "json"]).default("logfmt").describe("--log.format of the logs"),
  /** --enable-feature (0.27+); auto-gomemlimit and auto-gomaxprocs on 0.28+ when unset */
  featureFlags: z
    .array(z.string().regex(/^[a-z0-9-]+$/, "a feature flag name"))
    .optional()
    .describe("--enable-feature (0.27+); auto-gomemlimit and auto-gomaxprocs on 0.28+ when unset"),
  /**
   * flags appended to the Alertmanager command line, after the generated ones (container args:
   * Kubernetes expands $(VAR) in them, and $$ is a literal $)
   */
  extraArgs: z
    .array(z.string().regex(/^--/, "flags start with --"))
    .default([])
    .describe(
      "flags appended to the Alertmanager command line, after the generated ones (container args: Kubernetes expands $(VAR) in them, and $$ is a literal $)",
    ),
  /** where the Alertmanager pods run */
  scheduling: schedulingDefault.describe("where the Alertmanager pods run"),
  /** require replicas on different nodes (DoNotSchedule) instead of preferring it */
  hardHostSpread: z
    .boolean()
    .default(false)
    .describe("require replicas on different nodes (DoNotSchedule) instead of preferring it"),
  /**
   * spread of the replicas across zones: hard (DoNotSchedule) keeps the replicas per zone within
   * one of each other, so a zone outage leaves a replica that still notifies; a replica stays
   * Pending where no node carries the zone label (the context's zone topology key)
   */
  zoneSpread: z
    .enum(["soft", "hard"])
    .default("soft")
    .describe(
      "spread of the replicas across zones: hard (DoNotSchedule) keeps the replicas per zone within one of each other, so a zone outage leaves a replica that still notifies; a replica stays Pending where no node carries the zone label (the context's zone topology key)",
    ),
  /** PodDisruptionBudget of the replicas */
  podDisruptionBudget: z
    .strictObject({
      /** render a PodDisruptionBudget when there is more than one replica */
      enabled: z
        .boolean()
        .default(true)
        .describe("render a PodDisruptionBudget when there is more than one replica"),
      /** replicas a voluntary disruption (a node drain) may take down at once */
      maxUnavailable: z
        .int32()
        .min(1)
        .default(1)
        .describe("replicas a voluntary disruption (a node drain) may take down at once"),
    })
    .prefault({})
    .describe("PodDisruptionBudget of the replicas"),
  /** the NetworkPolicy of the Alertmanager pods */
  networkPolicy: networkPolicyValues,
  /**
   * the alerting configuration rendered to alertmanager.yml: receivers, routes, inhibition, time
   * intervals, templates
   */
  config: alertingConfig.describe(
    "the alerting configuration rendered to alertmanager.yml: receivers, routes, inhibition, time intervals, templates",
  ),
});

export type AlertmanagerValues = z.input<typeof alertmanagerValues>;
export type ParsedAlertmanagerValues = z.output<typeof alertmanagerValues>;
