import { alertmanagerValues } from "@materialize-monitoring/alertmanager";
import { alloyAgentValues } from "@materialize-monitoring/alloy-agent";
import { alloyGatewayValues, logStage, scrapeJob } from "@materialize-monitoring/alloy-gateway";
import {
  clusterDomainSchema,
  labelsSchema,
  objectStorage,
  scheduling,
  secretRef,
} from "@materialize-monitoring/core";
import { exportersValues } from "@materialize-monitoring/exporters";
import { grafanaValues } from "@materialize-monitoring/grafana";
import { grafanaOperatorValues } from "@materialize-monitoring/grafana-operator";
import { lokiValues } from "@materialize-monitoring/loki";
import { materializeValues } from "@materialize-monitoring/materialize";
import { ruleGroup, thanosValues } from "@materialize-monitoring/thanos";
import { z } from "zod";

const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS label: lower-case letters, digits and '-'",
  )
  .max(63);

const httpUrl = z
  .string()
  .refine(
    (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol),
    "must be an http(s) URL",
  );

/**
 * Built-in lists a user may replace, only by naming them in
 * `global.replaceBuiltIn`; each has an additive key beside it.
 */
export const REPLACEABLE_LISTS = [
  "alloyGateway.scrape.jobs",
  "alloyGateway.logs.stages",
  "thanos.ruler.ruleGroups",
] as const;
export type ReplaceableList = (typeof REPLACEABLE_LISTS)[number];

/** The bucket used when none is set: a placeholder the render warns about. */
export const PLACEHOLDER_BUCKET = "materialize-monitoring";

/** Settings every component shares, applied once through the build context. */
export const globalValues = z.strictObject({
  namespace: dnsLabel.default("monitoring").describe("namespace of the monitoring stack"),
  createNamespace: z.boolean().default(true).describe("render the Namespace object"),
  nodeAgentsNamespace: dnsLabel
    .optional()
    .describe(
      "run the node agents (alloy-agent, node-exporter) in their own namespace with the privileged Pod Security level, so the stack's namespace can enforce restricted",
    ),
  instance: dnsLabel
    .default("materialize-monitoring")
    .describe("app.kubernetes.io/instance of every object"),
  namePrefix: z.string().default("").describe("prefix of every object name"),
  clusterName: z
    .string()
    .min(1)
    .default("kubernetes")
    .describe("the `cluster` label on every metric, log stream and alert"),
  clusterDomain: clusterDomainSchema
    .default("cluster.local")
    .describe(
      "the cluster's DNS domain (kubelet --cluster-domain): every in-cluster address is <service>.<namespace>.svc.<clusterDomain>",
    ),
  size: z
    .enum(["small", "medium", "large"])
    .default("medium")
    .describe("sizing of every component (replicas, resources, volumes); each is overridable"),
  commonLabels: labelsSchema.default({}),
  imageRegistry: z
    .string()
    .optional()
    .describe("mirror registry that replaces every image's registry"),
  imagePullSecrets: z.array(z.string()).default([]),
  scheduling: scheduling.partial().default({}),
  storageClass: z.string().optional().describe("storage class of every PVC without its own"),
  objectStorage: objectStorage
    .optional()
    .describe(
      `bucket shared by Loki and Thanos unless they set their own; when left out, an S3 bucket named "${PLACEHOLDER_BUCKET}" with workload identity is assumed and the render says so`,
    ),
  zoneTopologyKey: z.string().default("topology.kubernetes.io/zone"),
  priorityClasses: z
    .strictObject({
      create: z.boolean().default(false).describe("render the PriorityClasses named below"),
      node: z.string().optional().describe("for node agents (alloy-agent, node-exporter)"),
      critical: z.string().optional().describe("for the pipeline and stores"),
      default: z
        .string()
        .optional()
        .describe(
          "for every other pod (Grafana, the operator, exporters), and any role left unset",
        ),
    })
    .prefault({})
    .describe(
      "PriorityClasses of the stack's pods; rendered ones never preempt (preemptionPolicy: Never), so monitoring cannot evict Materialize",
    ),
  replaceBuiltIn: z
    .array(z.enum(REPLACEABLE_LISTS))
    .default([])
    .describe(
      "built-in lists your values replace instead of extending (each is reported); without this, setting one is refused and the extra* key next to it adds to it",
    ),
});
export type GlobalValues = z.output<typeof globalValues>;

const enabled = { enabled: z.boolean().default(true) };

const labelMap = labelsSchema;
const cidr = z
  .string()
  .regex(/^[0-9a-fA-F.:]+\/\d{1,3}$/, "not a CIDR (examples: 10.0.0.0/16, 203.0.113.7/32)");

/**
 * Who an external peer is, for the NetworkPolicies. In the cluster (a
 * `<service>.<namespace>.svc.<clusterDomain>` URL) its namespace comes from
 * the URL and `podLabels` narrows it to its pods; outside, `cidrs` are its
 * addresses.
 */
export const externalPeer = z
  .strictObject({
    podLabels: labelMap
      .optional()
      .describe("its pods' labels, for an in-cluster peer (every pod of its namespace when unset)"),
    cidrs: z
      .array(cidr)
      .min(1)
      .optional()
      .describe("its addresses, for a peer outside the cluster (0.0.0.0/0 when unset)"),
    ports: z
      .array(z.int32().min(1).max(65535))
      .min(1)
      .optional()
      .describe(
        "the ports its pods listen on behind the Service, when they differ from the URLs' ports (NetworkPolicies match the pod's port)",
      ),
  })
  .prefault({});
export type ExternalPeerValues = z.output<typeof externalPeer>;

/** Replacements for a disabled component: the addresses the rest of the stack uses instead. */
export const externalLoki = z.strictObject({
  pushUrl: httpUrl.describe("Loki push URL, e.g. https://logs.example.com/loki/api/v1/push"),
  queryUrl: httpUrl.optional().describe("base URL for the Grafana Loki datasource"),
  tenantId: z.string().optional().describe("sent as X-Scope-OrgID"),
  peer: externalPeer,
});
export const externalThanos = z.strictObject({
  remoteWriteUrl: httpUrl.describe("Prometheus remote-write URL"),
  queryUrl: httpUrl.optional().describe("PromQL base URL for the Grafana datasource"),
  peer: externalPeer,
});
export const externalAlertmanager = z.strictObject({
  urls: z
    .array(httpUrl)
    .min(1)
    .describe("every Alertmanager replica's base URL; rulers send each alert to all of them"),
  peer: externalPeer,
});
export const externalGrafana = z.strictObject({
  url: httpUrl.describe("the Grafana the operator manages dashboards and datasources in"),
  adminUser: secretRef,
  adminPassword: secretRef,
  peer: externalPeer.describe(
    "the Grafana pods, admitted by the Loki read path, the Thanos query path and Alertmanager",
  ),
});

/** A dashboard of the user's, beside the built-in ones. */
export const extraDashboard = z.strictObject({
  name: dnsLabel.describe("metadata.name of the GrafanaDashboard"),
  folder: z
    .string()
    .min(1)
    .optional()
    .describe("Grafana folder title; the Materialize dashboards' folder when unset"),
  json: z.record(z.string(), z.unknown()).describe("the dashboard model, as Grafana exports it"),
});

/** The umbrella values: `global`, then one section per component. */
export const stackValues = z
  .strictObject({
    global: globalValues.prefault({}),
    exporters: exportersValues.prefault({}),
    loki: lokiValues.extend({ ...enabled, external: externalLoki.optional() }).prefault({}),
    thanos: thanosValues
      .extend({
        ...enabled,
        external: externalThanos.optional(),
        ruler: thanosValues.shape.ruler
          .unwrap()
          .extend({
            extraRuleGroups: z
              .array(ruleGroup)
              .default([])
              .describe("your rule groups, beside Materialize's"),
          })
          .prefault({}),
      })
      .prefault({}),
    alertmanager: alertmanagerValues
      .extend({ ...enabled, external: externalAlertmanager.optional() })
      .prefault({}),
    grafana: grafanaValues
      .extend({ ...enabled, external: externalGrafana.optional() })
      .prefault({}),
    grafanaOperator: grafanaOperatorValues
      .extend({
        ...enabled,
        extraDashboards: z
          .array(extraDashboard)
          .default([])
          .describe("your dashboards, beside the Materialize ones"),
      })
      .prefault({}),
    materialize: materializeValues
      .extend({
        ...enabled,
        dashboardsFolder: z
          .string()
          .min(1)
          .default("Materialize")
          .describe("Grafana folder of the Materialize dashboards"),
      })
      .prefault({})
      .describe("Materialize scrape targets, rules, dashboards and log parsing"),
    alloyAgent: alloyAgentValues
      .extend(enabled)
      .prefault({})
      .describe("the node log agent (DaemonSet)"),
    alloyGateway: alloyGatewayValues
      .extend({
        ...enabled,
        scrape: alloyGatewayValues.shape.scrape
          .unwrap()
          .extend({
            extraJobs: z
              .array(scrapeJob)
              .default([])
              .describe(
                "your scrape jobs, beside the built-in ones (Materialize, exporters, the stack)",
              ),
          })
          .prefault({}),
        logs: alloyGatewayValues.shape.logs
          .unwrap()
          .extend({
            extraStages: z
              .array(logStage)
              .default([])
              .describe("your log stages, after Materialize's"),
          })
          .prefault({}),
      })
      .prefault({})
      .describe("the pipeline: receives, scrapes, processes and writes logs and metrics"),
  })
  .superRefine((values, issue) => {
    for (const key of ["loki", "thanos", "alertmanager", "grafana"] as const) {
      const section = values[key];
      if (!section.enabled && !section.external) {
        issue.addIssue({
          code: "custom",
          path: [key, "external"],
          message: `required when ${key}.enabled is false: the rest of the stack needs its address`,
        });
      }
      if (section.enabled && section.external) {
        issue.addIssue({
          code: "custom",
          path: [key, "external"],
          message: `only used when ${key}.enabled is false: remove it, or disable the bundled ${key}`,
        });
      }
    }
  });
export type StackValues = z.input<typeof stackValues>;
export type ParsedStackValues = z.output<typeof stackValues>;

/** Umbrella keys of the component sections, in build order. */
export const SECTIONS = [
  "exporters",
  "alertmanager",
  "loki",
  "thanos",
  "grafana",
  "grafanaOperator",
  "materialize",
  "alloyAgent",
  "alloyGateway",
] as const;
export type SectionKey = (typeof SECTIONS)[number];
