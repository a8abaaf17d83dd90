import {
  imageSchema,
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
    cidr: z.string().min(1).describe("e.g. 0.0.0.0/0 or 10.0.0.0/8"),
    except: z.array(z.string().min(1)).default([]),
  }),
  z.strictObject({
    podLabels: z
      .record(z.string(), z.string())
      .describe("pod label selector; {} selects every pod"),
    namespaceLabels: z
      .record(z.string(), z.string())
      .optional()
      .describe("namespace label selector; {} selects every namespace"),
    namespace: z.string().min(1).optional().describe("a namespace by name"),
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
  port: z.int32().min(1).max(65535),
  protocol: z.enum(["TCP", "UDP"]).default("TCP"),
});

export const egressRule = z.strictObject({
  to: z.array(networkPeer).min(1),
  ports: z.array(port).min(1),
});
export type EgressRule = z.output<typeof egressRule>;

const ANYWHERE = [
  { cidr: "0.0.0.0/0", except: [] },
  { cidr: "::/0", except: [] },
];

export const networkPolicyValues = z
  .strictObject({
    enabled: z.boolean().default(true),
    ingress: z
      .strictObject({
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
        grafana: z
          .array(networkPeer)
          .default([{ podLabels: { "app.kubernetes.io/name": "grafana" } }])
          .describe("Grafana, for its Alertmanager data source"),
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
        extra: z
          .array(networkPeer)
          .default([])
          .describe("anything else allowed to reach the UI/API port"),
      })
      .prefault({}),
    egress: z
      .strictObject({
        receivers: z
          .array(egressRule)
          .default([{ to: ANYWHERE, ports: [{ port: 443, protocol: "TCP" }] }])
          .describe("where notifications go; HTTPS anywhere by default"),
        smtpTo: z
          .array(networkPeer)
          .min(1, "list at least one peer (an empty list would allow every destination)")
          .default(ANYWHERE)
          .describe("where the SMTP ports of configured email receivers may be reached"),
      })
      .prefault({}),
  })
  .prefault({});

export const persistenceValues = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe("false: silences and the notification log live in an emptyDir"),
    size: quantity
      .default("256Mi")
      .describe("what Alertmanager needs for silences and the notification log"),
    storageFloor: quantity
      .default("1Gi")
      .describe(
        "smallest volume the storage class provisions; the claim is max(size, storageFloor)",
      ),
    storageClass: z.string().optional(),
    accessModes: z
      .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"]))
      .min(1)
      .default(["ReadWriteOnce"]),
  })
  .prefault({});

export const alertmanagerValues = z.strictObject({
  mode: z
    .enum(["ha", "small"])
    .default("ha")
    .describe("ha: 2 gossiping replicas; small: 1 replica, clustering off"),
  replicas: z.int32().min(1).optional().describe("overrides the mode's replica count"),
  image: imageSchema(DEFAULT_IMAGE),
  alertmanagerVersion: alertmanagerVersion
    .optional()
    .describe("minor version the config and flags are written for; read from image.tag when unset"),
  resources: resourcesSchema({
    requests: { cpu: "25m", memory: "64Mi" },
    limits: { memory: "256Mi" },
  }),
  persistence: persistenceValues,
  retention: goDuration
    .default("120h")
    .describe("--data.retention: how long silences and the notification log are kept"),
  externalUrl: z
    .string()
    .refine(
      (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol),
      "must be an http(s) URL",
    )
    .optional()
    .describe(
      "--web.external-url, used in links, e.g. https://alerts.example.com; the in-cluster Service URL (http://alertmanager.monitoring.svc.cluster.local:9093) when unset",
    ),
  routePrefix: z
    .string()
    .regex(/^\/([A-Za-z0-9._~-]+\/?)*$/, "a path starting with /")
    .default("/")
    .describe("--web.route-prefix; keep / when a proxy strips the external URL's path"),
  cluster: z
    .strictObject({
      label: z
        .string()
        .min(1)
        .optional()
        .describe("--cluster.label (0.26+); <namespace>/<name> when unset"),
      peerTimeout: goDuration.default("15s").describe("--cluster.peer-timeout"),
    })
    .prefault({}),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
  logFormat: z.enum(["logfmt", "json"]).default("logfmt"),
  featureFlags: z
    .array(z.string().regex(/^[a-z0-9-]+$/, "a feature flag name"))
    .optional()
    .describe("--enable-feature (0.27+); auto-gomemlimit and auto-gomaxprocs on 0.28+ when unset"),
  extraArgs: z.array(z.string().regex(/^--/, "flags start with --")).default([]),
  scheduling: schedulingDefault,
  hardHostSpread: z
    .boolean()
    .default(false)
    .describe("require replicas on different nodes (DoNotSchedule) instead of preferring it"),
  podDisruptionBudget: z
    .strictObject({
      enabled: z.boolean().default(true),
      maxUnavailable: z.int32().min(1).default(1),
    })
    .prefault({}),
  networkPolicy: networkPolicyValues,
  config: alertingConfig,
});

export type AlertmanagerValues = z.input<typeof alertmanagerValues>;
export type ParsedAlertmanagerValues = z.output<typeof alertmanagerValues>;
