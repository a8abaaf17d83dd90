import { alertmanagerValues, timeIntervalSpec } from "@materialize-monitoring/alertmanager";
import { alloyAgentValues } from "@materialize-monitoring/alloy-agent";
import { alloyGatewayValues, logStage, scrapeJob } from "@materialize-monitoring/alloy-gateway";
import {
  cidrSchema,
  clusterDomainSchema,
  httpUrlSchema,
  imageRegistry,
  labelsSchema,
  lokiTenantIdSchema,
  MAX_LENGTH,
  objectName,
  objectStorage,
  scheduling,
  secretRef,
  singleLineText,
} from "@materialize-monitoring/core";
import { exportersValues } from "@materialize-monitoring/exporters";
import { grafanaValues } from "@materialize-monitoring/grafana";
import { grafanaOperatorValues } from "@materialize-monitoring/grafana-operator";
import { lokiValues } from "@materialize-monitoring/loki";
import { materializeValues } from "@materialize-monitoring/materialize";
import { ruleGroup, thanosValues } from "@materialize-monitoring/thanos";
import { z } from "zod";
import { internalTlsValues } from "./cert-manager.js";

const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS label: lower-case letters, digits and '-'",
  )
  .max(63);

/** Loki's tenant id (X-Scope-OrgID), core's rule. */
const tenantId = lokiTenantIdSchema;

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
  /** namespace of the monitoring stack */
  namespace: dnsLabel.default("monitoring").describe("namespace of the monitoring stack"),
  /** render the Namespace object */
  createNamespace: z.boolean().default(true).describe("render the Namespace object"),
  /**
   * run the node agents (alloy-agent, node-exporter) in their own namespace with the privileged Pod
   * Security level, so the stack's namespace can enforce restricted
   */
  nodeAgentsNamespace: dnsLabel
    .optional()
    .describe(
      "run the node agents (alloy-agent, node-exporter) in their own namespace with the privileged Pod Security level, so the stack's namespace can enforce restricted",
    ),
  /** app.kubernetes.io/instance of every object */
  instance: dnsLabel
    .default("materialize-monitoring")
    .describe("app.kubernetes.io/instance of every object"),
  /** prefix of every object name */
  namePrefix: z
    .string()
    .max(20, "at most 20 characters, so every derived object name stays within 63")
    .regex(
      /^([a-z0-9][-a-z0-9]*)?$/,
      "must be empty or lower-case letters, digits and '-', starting with a letter or digit (e.g. mz-)",
    )
    .default("")
    .describe("prefix of every object name"),
  /** the `cluster` label on every metric, log stream and alert */
  clusterName: singleLineText(MAX_LENGTH.dnsLabel * 4)
    .min(1)
    .default("kubernetes")
    .describe("the `cluster` label on every metric, log stream and alert"),
  /**
   * the cluster's DNS domain (kubelet --cluster-domain): every in-cluster address is
   * <service>.<namespace>.svc.<clusterDomain>
   */
  clusterDomain: clusterDomainSchema
    .default("cluster.local")
    .describe(
      "the cluster's DNS domain (kubelet --cluster-domain): every in-cluster address is <service>.<namespace>.svc.<clusterDomain>",
    ),
  /** sizing of every component (replicas, resources, volumes); each is overridable */
  size: z
    .enum(["small", "medium", "large"])
    .default("medium")
    .describe("sizing of every component (replicas, resources, volumes); each is overridable"),
  /** labels added to every object the stack renders (not to pod selectors) */
  commonLabels: labelsSchema
    .default({})
    .describe("labels added to every object the stack renders (not to pod selectors)"),
  /** mirror registry that replaces every image's registry */
  imageRegistry: imageRegistry
    .optional()
    .describe("mirror registry that replaces every image's registry"),
  /** names of Secrets (in each pod's namespace) used to pull every image */
  imagePullSecrets: z
    .array(objectName)
    .max(100)
    .default([])
    .describe("names of Secrets (in each pod's namespace) used to pull every image"),
  /**
   * node selector, tolerations, affinity and spread of every pod but the node agents' (which must
   * reach every node and take only their own); a component's own scheduling replaces it field by
   * field
   */
  scheduling: scheduling
    .partial()
    .default({})
    .describe(
      "node selector, tolerations, affinity and spread of every pod but the node agents' (which must reach every node and take only their own); a component's own scheduling replaces it field by field",
    ),
  /** storage class of every PVC without its own */
  storageClass: z.string().optional().describe("storage class of every PVC without its own"),
  /**
   * bucket shared by Loki and Thanos unless they set their own; when left out, an S3 bucket named
   * "materialize-monitoring" with workload identity is assumed and the render says so
   */
  objectStorage: objectStorage
    .optional()
    .describe(
      `bucket shared by Loki and Thanos unless they set their own; when left out, an S3 bucket named "${PLACEHOLDER_BUCKET}" with workload identity is assumed and the render says so`,
    ),
  /**
   * how many zones your nodes span (the values of global.zoneTopologyKey); when set, every hard
   * zone spread is checked against it: a quorum's copies need a zone each
   */
  zones: z
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe(
      "how many zones your nodes span (the values of global.zoneTopologyKey); when set, every hard zone spread is checked against it: a quorum's copies need a zone each",
    ),
  /** the node label that names a node's zone, used by every zone spread */
  zoneTopologyKey: z
    .string()
    .default("topology.kubernetes.io/zone")
    .describe("the node label that names a node's zone, used by every zone spread"),
  /**
   * PriorityClasses of the stack's pods; rendered ones never preempt (preemptionPolicy: Never), so
   * monitoring cannot evict Materialize
   */
  priorityClasses: z
    .strictObject({
      /** render the PriorityClasses named below */
      create: z.boolean().default(false).describe("render the PriorityClasses named below"),
      /** for node agents (alloy-agent, node-exporter) */
      node: objectName.optional().describe("for node agents (alloy-agent, node-exporter)"),
      /** for the pipeline and stores */
      critical: objectName.optional().describe("for the pipeline and stores"),
      /** for every other pod (Grafana, the operator, exporters), and any role left unset */
      default: objectName
        .optional()
        .describe(
          "for every other pod (Grafana, the operator, exporters), and any role left unset",
        ),
    })
    .prefault({})
    .describe(
      "PriorityClasses of the stack's pods; rendered ones never preempt (preemptionPolicy: Never), so monitoring cannot evict Materialize",
    ),
  /**
   * built-in lists your values replace instead of extending (each is reported); without this,
   * setting one is refused and the extra* key next to it adds to it
   */
  /** mutual TLS inside the stack, with cert-manager certificates */
  internalTls: internalTlsValues,
  /**
   * built-in lists your values replace instead of extending (each is reported); without this,
   * setting one is refused and the extra* key next to it adds to it
   */
  replaceBuiltIn: z
    .array(z.enum(REPLACEABLE_LISTS))
    .default([])
    .describe(
      "built-in lists your values replace instead of extending (each is reported); without this, setting one is refused and the extra* key next to it adds to it",
    ),
});
export type GlobalValues = z.output<typeof globalValues>;

const enabled = {
  /** render this component; when false, `external` says where the stack finds it instead */
  enabled: z
    .boolean()
    .default(true)
    .describe(
      "render this component; when false, `external` says where the stack finds it instead",
    ),
};

const labelMap = labelsSchema;
const cidr = cidrSchema;

/**
 * Who an external peer is, for the NetworkPolicies. In the cluster (a
 * `<service>.<namespace>.svc.<clusterDomain>` URL) its namespace comes from
 * the URL and `podLabels` narrows it to its pods; outside, `cidrs` are its
 * addresses.
 */
export const externalPeer = z
  .strictObject({
    /** its pods' labels, for an in-cluster peer (every pod of its namespace when unset) */
    podLabels: labelMap
      .optional()
      .describe("its pods' labels, for an in-cluster peer (every pod of its namespace when unset)"),
    /** its addresses, for a peer outside the cluster (0.0.0.0/0 when unset) */
    cidrs: z
      .array(cidr)
      .min(1)
      .optional()
      .describe("its addresses, for a peer outside the cluster (0.0.0.0/0 when unset)"),
    /**
     * the ports its pods listen on behind the Service, when they differ from the URLs' ports
     * (NetworkPolicies match the pod's port)
     */
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
  /** Loki push URL, e.g. https://logs.example.com/loki/api/v1/push */
  pushUrl: httpUrlSchema("https://logs.example.com/loki/api/v1/push").describe(
    "Loki push URL, e.g. https://logs.example.com/loki/api/v1/push",
  ),
  /** base URL for the Grafana Loki datasource */
  queryUrl: httpUrlSchema("https://logs.example.com")
    .optional()
    .describe("base URL for the Grafana Loki datasource"),
  /** sent as X-Scope-OrgID */
  tenantId: tenantId.optional().describe("sent as X-Scope-OrgID"),
  /** who the external Loki is, for the NetworkPolicies that let the stack reach it */
  peer: externalPeer.describe(
    "who the external Loki is, for the NetworkPolicies that let the stack reach it",
  ),
});
export const externalThanos = z.strictObject({
  /** Prometheus remote-write URL */
  remoteWriteUrl: httpUrlSchema("https://metrics.example.com/api/v1/receive").describe(
    "Prometheus remote-write URL",
  ),
  /** PromQL base URL for the Grafana datasource */
  queryUrl: httpUrlSchema("https://metrics.example.com")
    .optional()
    .describe("PromQL base URL for the Grafana datasource"),
  /** who the external Thanos is, for the NetworkPolicies that let the stack reach it */
  peer: externalPeer.describe(
    "who the external Thanos is, for the NetworkPolicies that let the stack reach it",
  ),
});
export const externalAlertmanager = z.strictObject({
  /** every Alertmanager replica's base URL; rulers send each alert to all of them */
  urls: z
    .array(httpUrlSchema("http://alertmanager-0.alerting.svc.cluster.local:9093"))
    .min(1)
    .describe("every Alertmanager replica's base URL; rulers send each alert to all of them"),
  /** who the external Alertmanager is, for the NetworkPolicies that let the rulers reach it */
  peer: externalPeer.describe(
    "who the external Alertmanager is, for the NetworkPolicies that let the rulers reach it",
  ),
});
export const externalGrafana = z.strictObject({
  /** the Grafana the operator manages dashboards and datasources in */
  url: httpUrlSchema("https://grafana.example.com").describe(
    "the Grafana the operator manages dashboards and datasources in",
  ),
  /** the Secret key holding the Grafana admin user name the operator logs in with */
  adminUser: secretRef.describe(
    "the Secret key holding the Grafana admin user name the operator logs in with",
  ),
  /** the Secret key holding that user's password */
  adminPassword: secretRef.describe("the Secret key holding that user's password"),
  /** the Grafana pods, admitted by the Loki read path, the Thanos query path and Alertmanager */
  peer: externalPeer.describe(
    "the Grafana pods, admitted by the Loki read path, the Thanos query path and Alertmanager",
  ),
});

/** A dashboard of the user's, beside the built-in ones. */
export const extraDashboard = z.strictObject({
  /** metadata.name of the GrafanaDashboard */
  name: dnsLabel.describe("metadata.name of the GrafanaDashboard"),
  /** Grafana folder title; the Materialize dashboards' folder when unset */
  folder: z
    .string()
    .min(1)
    .optional()
    .describe("Grafana folder title; the Materialize dashboards' folder when unset"),
  /** the dashboard model, as Grafana exports it */
  json: z.record(z.string(), z.unknown()).describe("the dashboard model, as Grafana exports it"),
});

/** The umbrella values: `global`, then one section per component. */
/** What the umbrella makes of the Materialize alerts in the bundled Alertmanager. */
export const materializeAlerting = z
  .strictObject({
    /**
     * mute a cluster's freshness alerts and a replica's memory alerts while the replica hydrates
     * (inhibited by MaterializeReplicaHydrating)
     */
    inhibitDuringHydration: z
      .boolean()
      .default(true)
      .describe(
        "mute a cluster's freshness alerts and a replica's memory alerts while the replica hydrates (inhibited by MaterializeReplicaHydrating)",
      ),
    /**
     * mute an environment's freshness, memory, pending-pod, readiness, process-down and
     * CPU-throttling alerts while a new environmentd generation rolls out (inhibited by
     * MaterializeEnvironmentdRollingOut)
     */
    inhibitDuringRollout: z
      .boolean()
      .default(true)
      .describe(
        "mute an environment's freshness, memory, pending-pod, readiness, process-down and CPU-throttling alerts while a new environmentd generation rolls out (inhibited by MaterializeEnvironmentdRollingOut)",
      ),
    /**
     * periods (Alertmanager time intervals: times, weekdays, daysOfMonth, months, years, location)
     * during which no Materialize alert is notified; rendered as the time interval
     * "materialize-maintenance"
     */
    maintenanceWindows: z
      .array(timeIntervalSpec)
      .default([])
      .describe(
        'periods (Alertmanager time intervals: times, weekdays, daysOfMonth, months, years, location) during which no Materialize alert is notified; rendered as the time interval "materialize-maintenance"',
      ),
  })
  .prefault({});

export const stackValues = z
  .strictObject({
    /** settings every component shares */
    global: globalValues.prefault({}).describe("settings every component shares"),
    /** the metric exporters: metrics-server, kube-state-metrics, node-exporter */
    exporters: exportersValues
      .prefault({})
      .describe("the metric exporters: metrics-server, kube-state-metrics, node-exporter"),
    /** Loki, the log store */
    loki: lokiValues
      .extend({
        ...enabled,
        /** the Loki the stack writes logs to and Grafana reads, when loki.enabled is false */
        external: externalLoki
          .optional()
          .describe(
            "the Loki the stack writes logs to and Grafana reads, when loki.enabled is false",
          ),
      })
      .prefault({})
      .describe("Loki, the log store"),
    /** Thanos, the metric store (receive, query, store gateway, compactor, ruler) */
    thanos: thanosValues
      .extend({
        ...enabled,
        /**
         * the Prometheus-compatible store the stack writes metrics to and Grafana reads, when
         * thanos.enabled is false
         */
        external: externalThanos
          .optional()
          .describe(
            "the Prometheus-compatible store the stack writes metrics to and Grafana reads, when thanos.enabled is false",
          ),
        /** the Thanos ruler: evaluates the alerting and recording rules */
        ruler: thanosValues.shape.ruler
          .unwrap()
          .extend({
            /** your rule groups, beside Materialize's */
            extraRuleGroups: z
              .array(ruleGroup)
              .default([])
              .describe("your rule groups, beside Materialize's"),
          })
          .prefault({})
          .describe("the Thanos ruler: evaluates the alerting and recording rules"),
      })
      .prefault({})
      .describe("Thanos, the metric store (receive, query, store gateway, compactor, ruler)"),
    /** Alertmanager, which routes the alerts */
    alertmanager: alertmanagerValues
      .extend({
        ...enabled,
        /** the Alertmanager the rulers send alerts to, when alertmanager.enabled is false */
        external: externalAlertmanager
          .optional()
          .describe(
            "the Alertmanager the rulers send alerts to, when alertmanager.enabled is false",
          ),
      })
      .prefault({})
      .describe("Alertmanager, which routes the alerts"),
    /** Grafana, run by the stack */
    grafana: grafanaValues
      .extend({
        ...enabled,
        /** an existing Grafana the operator manages, when grafana.enabled is false */
        external: externalGrafana
          .optional()
          .describe("an existing Grafana the operator manages, when grafana.enabled is false"),
      })
      .prefault({})
      .describe("Grafana, run by the stack"),
    /** grafana-operator, which provisions the datasources and dashboards into Grafana */
    grafanaOperator: grafanaOperatorValues
      .extend({
        ...enabled,
        /** your dashboards, beside the Materialize ones */
        extraDashboards: z
          .array(extraDashboard)
          .default([])
          .describe("your dashboards, beside the Materialize ones"),
      })
      .prefault({})
      .describe("grafana-operator, which provisions the datasources and dashboards into Grafana"),
    /** Materialize scrape targets, rules, dashboards and log parsing */
    materialize: materializeValues
      .extend({
        ...enabled,
        /** Grafana folder of the Materialize dashboards */
        dashboardsFolder: z
          .string()
          .min(1)
          .default("Materialize")
          .describe("Grafana folder of the Materialize dashboards"),
        /** how the bundled Alertmanager treats the Materialize alerts */
        alerting: materializeAlerting.describe(
          "how the bundled Alertmanager treats the Materialize alerts",
        ),
      })
      .prefault({})
      .describe("Materialize scrape targets, rules, dashboards and log parsing"),
    /** the node log agent (DaemonSet) */
    alloyAgent: alloyAgentValues
      .extend(enabled)
      .prefault({})
      .describe("the node log agent (DaemonSet)"),
    /** the pipeline: receives, scrapes, processes and writes logs and metrics */
    alloyGateway: alloyGatewayValues
      .extend({
        ...enabled,
        /** what the gateway scrapes, and how often */
        scrape: alloyGatewayValues.shape.scrape
          .unwrap()
          .extend({
            /** your scrape jobs, beside the built-in ones (Materialize, exporters, the stack) */
            extraJobs: z
              .array(scrapeJob)
              .default([])
              .describe(
                "your scrape jobs, beside the built-in ones (Materialize, exporters, the stack)",
              ),
          })
          .prefault({})
          .describe("what the gateway scrapes, and how often"),
        /** how the gateway parses and labels log lines before Loki */
        logs: alloyGatewayValues.shape.logs
          .unwrap()
          .extend({
            /** your log stages, after Materialize's */
            extraStages: z
              .array(logStage)
              .default([])
              .describe("your log stages, after Materialize's"),
          })
          .prefault({})
          .describe("how the gateway parses and labels log lines before Loki"),
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
