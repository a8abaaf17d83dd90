import {
  type LogStageData,
  RELABEL_ACTIONS,
  type RelabelAction,
} from "@materialize-monitoring/alloy-syntax";
import {
  autoscalingValues,
  boundedString,
  cidrSchema,
  controlCharacterProblem,
  dnsNameSchema,
  duration,
  httpUrlSchema,
  imageSchema,
  labelKeyProblem,
  labelsSchema,
  labelValueProblem,
  logqlSelectorSchema,
  lokiTenantIdSchema,
  MAX_LENGTH,
  namespaceNameSchema,
  objectName,
  type PodNetworkPeer,
  podNetworkPeerSchema,
  promLabelNameSchema,
  quantity,
  re2Schema,
  resourcesSchema,
  schedulingDefault,
  secretKeySchema,
  secretRef,
  singleLineText,
  workloadIdentity,
} from "@materialize-monitoring/core";
import { z } from "zod";
import { ALLOY_IMAGE } from "./constants.js";

const dnsLabel = namespaceNameSchema;

/** Pod labels to select on: keys and values the API server takes in a label selector. */
const labelMap = labelsSchema;

/** A short free-text value (a label value, a name): one line, at most 1024 characters. */
const text = singleLineText();

/** HTTP headers: token names, one-line values (a line break would start a header of its own). */
const httpHeaders = z.record(
  z
    .string()
    .regex(
      /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
      "not an HTTP header name (letters, digits and -, such as X-Scope-OrgID)",
    ),
  singleLineText(),
);

const cidr = cidrSchema;

const port = z.union([z.int32().min(1).max(65535), z.string().min(1).max(15)]);

/** A byte size as Alloy's stage.drop reads it, e.g. 256KB. */
const byteSize = z
  .string()
  .regex(/^[1-9]\d{0,9}(B|KB|MB|KiB|MiB)$/, "a size such as 256KB or 1MiB (B, KB, MB, KiB, MiB)");

/** A component label: letters, digits and `_`. */
const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier (letters, digits and _)");

/** A Prometheus metric name. */
export const metricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "not a Prometheus metric name");

/** How much of each allow-list source a metrics destination receives (narrowest first). */
export const metricTier = z
  .enum(["essential", "recommended", "all"])
  .describe(
    "how much of each allow-list source the destination receives: essential (what the shipped dashboards and rules read), recommended (essential plus series for ad-hoc diagnosis) or all (no filter)",
  );
export type MetricTier = z.infer<typeof metricTier>;

/** Pods selected by labels, in the namespace `namespace` (by name) or `namespaceLabels` select; the gateway's own when neither. */
export const peer = podNetworkPeerSchema;
export type Peer = PodNetworkPeer;

/** An egress allowance: pods (`peers`) and/or addresses (`cidrs`) on `ports`. */
export const egressRule = z.strictObject({
  /** pods the gateway may reach */
  peers: z.array(peer).default([]).describe("pods the gateway may reach"),
  /** addresses the gateway may reach */
  cidrs: z.array(cidr).default([]).describe("addresses the gateway may reach"),
  /** ports allowed, by number or by container port name */
  ports: z.array(port).min(1).describe("ports allowed, by number or by container port name"),
});
export type EgressRule = z.output<typeof egressRule>;

/** Egress to a destination; ports default to the destination URL's port. */
const destinationEgress = z
  .strictObject({
    /** the destination's pods, when it runs in the cluster */
    peers: z
      .array(peer)
      .default([])
      .describe("the destination's pods, when it runs in the cluster"),
    /** the destination's addresses, when it runs outside */
    cidrs: z.array(cidr).default([]).describe("the destination's addresses, when it runs outside"),
    /** pod ports; the URL's port by default */
    ports: z.array(port).min(1).optional().describe("pod ports; the URL's port by default"),
  })
  .describe(
    "who the destination is, for the egress NetworkPolicy (pods, or CIDRs; neither admits any address on the ports)",
  );

/** A relabel rule's regex: Alloy compiles it fully anchored, as ^(?:regex)$. */
const relabelRegex = re2Schema({ anchored: true });

/** A regex of a loki.process stage (matched anywhere in the line, not anchored). */
const stageRegex = re2Schema();

/** One Prometheus relabel rule as data (`sourceLabels`, `regex`, `action`, ...). */
export const relabelRule = z.strictObject({
  /** labels whose values, joined by `separator`, the regex is matched against */
  sourceLabels: z
    .array(text.min(1))
    .optional()
    .describe("labels whose values, joined by `separator`, the regex is matched against"),
  /** string between the source label values (default ;) */
  separator: boundedString()
    .optional()
    .describe("string between the source label values (default ;)"),
  /** RE2 expression the joined value must match in full (default (.*)) */
  regex: relabelRegex
    .optional()
    .describe("RE2 expression the joined value must match in full (default (.*))"),
  /** label the result is written to (replace, hashmod and similar actions) */
  targetLabel: text
    .min(1)
    .optional()
    .describe("label the result is written to (replace, hashmod and similar actions)"),
  /** value written to targetLabel, with $1-style group references (default $1) */
  replacement: singleLineText()
    .optional()
    .describe("value written to targetLabel, with $1-style group references (default $1)"),
  /** what the rule does: replace (the default), keep, drop, hashmod, labelmap, ... */
  action: z
    .enum(RELABEL_ACTIONS as [RelabelAction, ...RelabelAction[]])
    .optional()
    .describe("what the rule does: replace (the default), keep, drop, hashmod, labelmap, ..."),
  /** modulus of the hash, for action hashmod */
  modulus: z.int32().min(1).optional().describe("modulus of the hash, for action hashmod"),
});

/**
 * A Kubernetes scrape job as data: the shape the materialize package's
 * targets have (plus `source`, the allow-list that applies, and `podLabels`
 * for the egress NetworkPolicy), converted by alloy-syntax's recipe.
 */
export const scrapeJob = z.strictObject({
  /** unique; the base of the Alloy component labels */
  name: identifier.describe("unique; the base of the Alloy component labels"),
  /** the job label */
  job: text.min(1).describe("the job label"),
  /** what Kubernetes discovery lists as targets: pods, or nodes */
  role: z
    .enum(["pod", "node"])
    .default("pod")
    .describe("what Kubernetes discovery lists as targets: pods, or nodes"),
  /** the allow-list (a key of allowLists) that filters this job's metrics */
  source: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,62}$/,
      "an allow-list name: lower-case letters, digits and '-' (e.g. kube-state-metrics)",
    )
    .optional()
    .describe("the allow-list (a key of allowLists) that filters this job's metrics"),
  /** namespaces to discover in; all when empty */
  namespaces: z.array(dnsLabel).default([]).describe("namespaces to discover in; all when empty"),
  /** alternative pod labels (any one matches), for the egress NetworkPolicy */
  selectors: z
    .array(
      z.strictObject({
        /** pod label key */
        label: z
          .string()
          .superRefine((key, ctx) => {
            const problem = labelKeyProblem(key);
            if (problem) ctx.addIssue({ code: "custom", message: problem, input: key });
          })
          .describe("pod label key"),
        /** value the label must have */
        value: z
          .string()
          .superRefine((value, ctx) => {
            const problem = labelValueProblem(value);
            if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
          })
          .describe("value the label must have"),
        /** why this alternative exists, for readers of the values */
        note: boundedString()
          .optional()
          .describe("why this alternative exists, for readers of the values"),
      }),
    )
    .default([])
    .describe("alternative pod labels (any one matches), for the egress NetworkPolicy"),
  /** pod labels that all match, for the egress NetworkPolicy (preferred over selectors) */
  podLabels: labelMap
    .optional()
    .describe("pod labels that all match, for the egress NetworkPolicy (preferred over selectors)"),
  /** server-side selectors that shrink what discovery lists (relabelings still decide) */
  discoverySelectors: z
    .strictObject({
      /** label selector the discovery sends to the API, e.g. app=environmentd */
      label: singleLineText(MAX_LENGTH.selector)
        .optional()
        .describe("label selector the discovery sends to the API, e.g. app=environmentd"),
      /** field selector the discovery sends to the API, e.g. status.phase=Running */
      field: singleLineText(MAX_LENGTH.selector)
        .optional()
        .describe("field selector the discovery sends to the API, e.g. status.phase=Running"),
    })
    .default({})
    .describe("server-side selectors that shrink what discovery lists (relabelings still decide)"),
  /** the container port scraped (egress rule) */
  portName: z
    .string()
    .min(1)
    .max(15)
    .optional()
    .describe("the container port scraped (egress rule)"),
  /**
   * the pods run in the host network (node-exporter; a ScrapeTarget's hostNetwork): the egress
   * NetworkPolicy also reaches them by node address (networkPolicy.nodeEgress), since pod selectors
   * do not match them on every CNI
   */
  hostNetwork: z
    .boolean()
    .default(false)
    .describe(
      "the pods run in the host network (node-exporter; a ScrapeTarget's hostNetwork): the egress NetworkPolicy also reaches them by node address (networkPolicy.nodeEgress), since pod selectors do not match them on every CNI",
    ),
  /**
   * the number of the port named portName; needed with hostNetwork (unless listed in
   * networkPolicy.nodeEgress.ports), as a node-address rule cannot use a port name
   */
  port: z
    .int32()
    .min(1)
    .max(65535)
    .optional()
    .describe(
      "the number of the port named portName; needed with hostNetwork (unless listed in networkPolicy.nodeEgress.ports), as a node-address rule cannot use a port name",
    ),
  /** HTTP path of the metrics */
  path: singleLineText(MAX_LENGTH.url)
    .startsWith("/")
    .default("/metrics")
    .describe("HTTP path of the metrics"),
  /** scheme of the scrape requests */
  scheme: z.enum(["http", "https"]).default("http").describe("scheme of the scrape requests"),
  /** how often each target is scraped */
  interval: duration.default("30s").describe("how often each target is scraped"),
  /** how long one scrape may take; keep it below the interval */
  timeout: duration
    .default("10s")
    .describe("how long one scrape may take; keep it below the interval"),
  /** read through the API with remote.kubernetes.secret; the gateway gets a Role for it */
  basicAuth: z
    .strictObject({
      /** Secret holding the credentials */
      secretName: objectName.describe("Secret holding the credentials"),
      /** key of the user name in the Secret */
      usernameKey: secretRef.shape.key.describe("key of the user name in the Secret"),
      /** key of the password in the Secret */
      passwordKey: secretRef.shape.key.describe("key of the password in the Secret"),
      /** the Secret's namespace; the job's first namespace by default */
      namespace: dnsLabel
        .optional()
        .describe("the Secret's namespace; the job's first namespace by default"),
    })
    .optional()
    .describe("read through the API with remote.kubernetes.secret; the gateway gets a Role for it"),
  /** file in the gateway pod sent as a bearer token, e.g. the service-account token */
  bearerTokenFile: z
    .string()
    .startsWith("/")
    .optional()
    .describe("file in the gateway pod sent as a bearer token, e.g. the service-account token"),
  /** TLS settings of https scrapes */
  tls: z
    .strictObject({
      /** CA bundle in the gateway pod that verifies the targets */
      caFile: z
        .string()
        .startsWith("/")
        .optional()
        .describe("CA bundle in the gateway pod that verifies the targets"),
      /** client certificate file in the gateway pod, presented to the targets (with keyFile) */
      certFile: z
        .string()
        .startsWith("/")
        .optional()
        .describe(
          "client certificate file in the gateway pod, presented to the targets (with keyFile)",
        ),
      /** the client certificate's private key file in the gateway pod (with certFile) */
      keyFile: z
        .string()
        .startsWith("/")
        .optional()
        .describe("the client certificate's private key file in the gateway pod (with certFile)"),
      /** name the target certificates must carry */
      serverName: singleLineText(MAX_LENGTH.kubernetesName)
        .optional()
        .describe("name the target certificates must carry"),
      /** accept any target certificate; for testing only */
      insecureSkipVerify: z
        .boolean()
        .optional()
        .describe("accept any target certificate; for testing only"),
    })
    .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
      message: "a client certificate needs both files: set certFile and keyFile, or neither",
    })
    .optional()
    .describe("TLS settings of https scrapes"),
  /** on a clash, keep the labels the target exposes instead of the scrape's own */
  honorLabels: z
    .boolean()
    .optional()
    .describe("on a clash, keep the labels the target exposes instead of the scrape's own"),
  /** rules on the discovered targets: what is scraped and how it is labelled */
  relabelings: z
    .array(relabelRule)
    .default([])
    .describe("rules on the discovered targets: what is scraped and how it is labelled"),
  /** rules on every scraped sample, applied before the allow-list */
  metricRelabelings: z
    .array(relabelRule)
    .default([])
    .describe("rules on every scraped sample, applied before the allow-list"),
});
export type ScrapeJobInput = z.input<typeof scrapeJob>;
export type ScrapeJob = z.output<typeof scrapeJob>;

const stageValues = z.record(text.min(1), singleLineText(MAX_LENGTH.selector));
const stageList = z.array(text.min(1));

/** One loki.process stage as data (alloy-syntax's `LogStageData`), e.g. the Materialize log stages. */
export const logStage: z.ZodType<LogStageData, LogStageData> = z.lazy(() =>
  z.discriminatedUnion("type", [
    z.strictObject({
      /** run nested stages on, or drop, the entries a stream selector matches */
      type: z
        .literal("match")
        .describe("run nested stages on, or drop, the entries a stream selector matches"),
      /** LogQL stream selector with optional line filters, e.g. {app="x"} |= "error" */
      selector: logqlSelectorSchema({ pipeline: true }).describe(
        'LogQL stream selector with optional line filters, e.g. {app="x"} |= "error"',
      ),
      /** stages run on the matching entries */
      stages: z.array(logStage).optional().describe("stages run on the matching entries"),
      /** keep (the default) runs `stages` on matches; drop discards them */
      action: z
        .enum(["keep", "drop"])
        .optional()
        .describe("keep (the default) runs `stages` on matches; drop discards them"),
      /** reason label of the dropped-entries counter, with action drop */
      dropCounterReason: text
        .optional()
        .describe("reason label of the dropped-entries counter, with action drop"),
    }),
    z.strictObject({
      /** parse the line (or `source`) as JSON into extracted fields */
      type: z
        .literal("json")
        .describe("parse the line (or `source`) as JSON into extracted fields"),
      /** extracted field name to JMESPath expression (empty: the field of that name) */
      expressions: stageValues.describe(
        "extracted field name to JMESPath expression (empty: the field of that name)",
      ),
      /** extracted field to parse instead of the line */
      source: text.optional().describe("extracted field to parse instead of the line"),
      /** drop entries that are not valid JSON */
      dropMalformed: z.boolean().optional().describe("drop entries that are not valid JSON"),
    }),
    z.strictObject({
      /** parse the line (or `source`) as logfmt into extracted fields */
      type: z
        .literal("logfmt")
        .describe("parse the line (or `source`) as logfmt into extracted fields"),
      /** extracted field name to logfmt key (empty: the key of that name) */
      mapping: stageValues.describe(
        "extracted field name to logfmt key (empty: the key of that name)",
      ),
      /** extracted field to parse instead of the line */
      source: text.optional().describe("extracted field to parse instead of the line"),
    }),
    z.strictObject({
      /** extract fields with a regular expression's named groups */
      type: z.literal("regex").describe("extract fields with a regular expression's named groups"),
      /** RE2 expression; each named group becomes an extracted field */
      expression: stageRegex
        .min(1)
        .describe("RE2 expression; each named group becomes an extracted field"),
      /** extracted field to match instead of the line */
      source: text.optional().describe("extracted field to match instead of the line"),
    }),
    z.strictObject({
      /** compute an extracted field with a Go template */
      type: z.literal("template").describe("compute an extracted field with a Go template"),
      /** extracted field the result is written to */
      source: text.min(1).describe("extracted field the result is written to"),
      /** Go template over the extracted fields */
      template: boundedString(MAX_LENGTH.template)
        .superRefine((template, ctx) => {
          // Line breaks and tabs lay a template out; any other control or format character is refused.
          const problem = controlCharacterProblem(template, "\t\n");
          if (problem) ctx.addIssue({ code: "custom", message: problem });
        })
        .describe("Go template over the extracted fields"),
    }),
    z.strictObject({
      /** take the entry's timestamp from an extracted field */
      type: z.literal("timestamp").describe("take the entry's timestamp from an extracted field"),
      /** extracted field holding the time */
      source: text.min(1).describe("extracted field holding the time"),
      /** Go reference layout, or a name such as RFC3339, Unix or UnixMs */
      format: text
        .min(1)
        .describe("Go reference layout, or a name such as RFC3339, Unix or UnixMs"),
      /** layouts tried in order when `format` does not parse */
      fallbackFormats: z
        .array(text)
        .optional()
        .describe("layouts tried in order when `format` does not parse"),
      /** IANA time zone for times that carry none, e.g. Europe/Berlin */
      location: text
        .optional()
        .describe("IANA time zone for times that carry none, e.g. Europe/Berlin"),
      /** on a parse failure, fudge moves the last timestamp on by 1ns; skip keeps the entry's */
      actionOnFailure: z
        .enum(["fudge", "skip"])
        .optional()
        .describe(
          "on a parse failure, fudge moves the last timestamp on by 1ns; skip keeps the entry's",
        ),
    }),
    z.strictObject({
      /** turn extracted fields into stream labels */
      type: z.literal("labels").describe("turn extracted fields into stream labels"),
      /** label name to extracted field (empty: the field of that name) */
      values: stageValues.describe("label name to extracted field (empty: the field of that name)"),
    }),
    z.strictObject({
      /** attach extracted fields as structured metadata, not labels */
      type: z
        .literal("structuredMetadata")
        .describe("attach extracted fields as structured metadata, not labels"),
      /** metadata name to extracted field (empty: the field of that name) */
      values: stageValues.describe(
        "metadata name to extracted field (empty: the field of that name)",
      ),
    }),
    z.strictObject({
      /** add fixed stream labels */
      type: z.literal("staticLabels").describe("add fixed stream labels"),
      /** label name to its value */
      values: stageValues.describe("label name to its value"),
    }),
    z.strictObject({
      /** remove stream labels */
      type: z.literal("labelDrop").describe("remove stream labels"),
      /** names of the labels to remove */
      values: stageList.describe("names of the labels to remove"),
    }),
    z.strictObject({
      /** keep only the named stream labels */
      type: z.literal("labelKeep").describe("keep only the named stream labels"),
      /** names of the labels to keep */
      values: stageList.describe("names of the labels to keep"),
    }),
    z.strictObject({
      /** discard entries that meet every condition given */
      type: z.literal("drop").describe("discard entries that meet every condition given"),
      /** extracted field to test; the log line when unset */
      source: text.optional().describe("extracted field to test; the log line when unset"),
      /** RE2 expression; entries whose source matches are dropped */
      expression: stageRegex
        .optional()
        .describe("RE2 expression; entries whose source matches are dropped"),
      /** drop when the source equals this exactly */
      value: boundedString().optional().describe("drop when the source equals this exactly"),
      /** drop entries whose timestamp is older than this */
      olderThan: duration.optional().describe("drop entries whose timestamp is older than this"),
      /** drop lines longer than this size, e.g. 8KB */
      longerThan: byteSize.optional().describe("drop lines longer than this size, e.g. 8KB"),
      /** reason label of the dropped-entries counter */
      dropCounterReason: text.optional().describe("reason label of the dropped-entries counter"),
    }),
    z.strictObject({
      /** parse the CRI container log format: timestamp, stream, partial lines */
      type: z
        .literal("cri")
        .describe("parse the CRI container log format: timestamp, stream, partial lines"),
    }),
    z.strictObject({
      /** replace the log line with an extracted field */
      type: z.literal("output").describe("replace the log line with an extracted field"),
      /** extracted field that becomes the line */
      source: text.min(1).describe("extracted field that becomes the line"),
    }),
    z.strictObject({
      /** join continuation lines into one entry */
      type: z.literal("multiline").describe("join continuation lines into one entry"),
      /** RE2 expression matching the first line of an entry */
      firstline: stageRegex.min(1).describe("RE2 expression matching the first line of an entry"),
      /** most lines joined into one entry */
      maxLines: z.int32().min(1).optional().describe("most lines joined into one entry"),
      /** send a pending entry after this long without a new line */
      maxWaitTime: duration
        .optional()
        .describe("send a pending entry after this long without a new line"),
    }),
    z.strictObject({
      /** rewrite the parts of the line that a regular expression captures */
      type: z
        .literal("replace")
        .describe("rewrite the parts of the line that a regular expression captures"),
      /** RE2 expression whose capture groups are replaced */
      expression: stageRegex.min(1).describe("RE2 expression whose capture groups are replaced"),
      /** extracted field to rewrite instead of the line */
      source: text.optional().describe("extracted field to rewrite instead of the line"),
      /** replacement of each captured group (a template); empty removes it */
      replace: boundedString()
        .optional()
        .describe("replacement of each captured group (a template); empty removes it"),
    }),
  ]),
);

/** A rate limit of log lines, per value of a label (token bucket: `burst` lines, refilled at the rate). */
function lineRate(defaults: { enabled: boolean; linesPerSecond: number; burst: number }) {
  return z
    .strictObject({
      /** drop the lines over the rate */
      enabled: z.boolean().default(defaults.enabled).describe("drop the lines over the rate"),
      /** lines per second each value may send */
      linesPerSecond: z
        .int32()
        .min(1)
        .default(defaults.linesPerSecond)
        .describe("lines per second each value may send"),
      /** lines a value may send at once before the rate applies */
      burst: z
        .int32()
        .min(1)
        .default(defaults.burst)
        .describe("lines a value may send at once before the rate applies"),
    })
    .prefault({});
}

const logProtection = z
  .strictObject({
    /** drop lines the limits below refuse (off: every line is forwarded) */
    enabled: z
      .boolean()
      .default(true)
      .describe("drop lines the limits below refuse (off: every line is forwarded)"),
    /**
     * drop entries older than this (reason too_old); at most Loki's rejectOldSamplesMaxAge, which
     * refuses them anyway
     */
    maxAge: duration
      .default("24h")
      .describe(
        "drop entries older than this (reason too_old); at most Loki's rejectOldSamplesMaxAge, which refuses them anyway",
      ),
    /**
     * drop lines longer than this (reason line_too_long); at most Loki's max_line_size (256KB),
     * which refuses them anyway
     */
    maxLineSize: byteSize
      .default("256KB")
      .describe(
        "drop lines longer than this (reason line_too_long); at most Loki's max_line_size (256KB), which refuses them anyway",
      ),
    /** lines per second of each namespace (the namespace label) */
    perNamespace: lineRate({ enabled: true, linesPerSecond: 5000, burst: 20000 }).describe(
      "lines per second of each namespace (the namespace label)",
    ),
    /** lines per second of each pod, the stream's source (the pod label) */
    perPod: lineRate({ enabled: true, linesPerSecond: 1000, burst: 5000 }).describe(
      "lines per second of each pod, the stream's source (the pod label)",
    ),
    /** lines per second at level debug and at level trace, each (after level normalisation) */
    debug: lineRate({ enabled: true, linesPerSecond: 200, burst: 1000 }).describe(
      "lines per second at level debug and at level trace, each (after level normalisation)",
    ),
  })
  .prefault({})
  .describe(
    "flood protection of the log pipeline, per gateway replica; every dropped line is counted in loki_process_dropped_lines_total with its reason",
  );

const basicAuth = z.strictObject({
  /** HTTP basic authentication */
  type: z.literal("basic").describe("HTTP basic authentication"),
  /** the Secret key holding the user name */
  username: secretRef.describe("the Secret key holding the user name"),
  /** the Secret key holding the password */
  password: secretRef.describe("the Secret key holding the password"),
});

const bearerAuth = z.strictObject({
  /** a bearer token in the Authorization header */
  type: z.literal("bearer").describe("a bearer token in the Authorization header"),
  /** the Secret key holding the token */
  token: secretRef.describe("the Secret key holding the token"),
});

const oauth2Auth = z.strictObject({
  /** OAuth 2.0 client credentials: a token from tokenUrl, refreshed before it expires */
  type: z
    .literal("oauth2")
    .describe("OAuth 2.0 client credentials: a token from tokenUrl, refreshed before it expires"),
  /** the client id (not a secret) */
  clientId: text.min(1).describe("the client id (not a secret)"),
  /** the Secret key holding the client secret */
  clientSecret: secretRef.describe("the Secret key holding the client secret"),
  /** where tokens come from, e.g. https://auth.example.com/oauth2/token */
  tokenUrl: httpUrlSchema("https://auth.example.com/oauth2/token").describe(
    "where tokens come from, e.g. https://auth.example.com/oauth2/token",
  ),
  /** scopes requested with the token */
  scopes: z.array(text.min(1)).default([]).describe("scopes requested with the token"),
  /** more parameters of the token request, such as audience */
  endpointParams: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]+$/, "a parameter name has only letters, digits, _ . -"),
      text,
    )
    .default({})
    .describe("more parameters of the token request, such as audience"),
});

const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1");

const sigv4Auth = z.strictObject({
  /**
   * AWS Signature Version 4 (Amazon Managed Service for Prometheus); credentials from the pod's
   * identity (IRSA or EKS Pod Identity) unless accessKey is set
   */
  type: z
    .literal("sigv4")
    .describe(
      "AWS Signature Version 4 (Amazon Managed Service for Prometheus); credentials from the pod's identity (IRSA or EKS Pod Identity) unless accessKey is set",
    ),
  /** region of the workspace, e.g. us-east-1 */
  region: awsRegion.describe("region of the workspace, e.g. us-east-1"),
  /** an IAM role to assume before signing */
  roleArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
      "must be an IAM role ARN (arn:aws:iam::123456789012:role/name)",
    )
    .optional()
    .describe("an IAM role to assume before signing"),
  /** external id the role's trust policy requires */
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, "an external id has 2 to 1224 of letters, digits and +=,.@:/-")
    .optional()
    .describe("external id the role's trust policy requires"),
  /** AWS service the requests are signed for */
  serviceName: z
    .string()
    .regex(/^[a-z0-9-]+$/, "an AWS service name such as aps")
    .default("aps")
    .describe("AWS service the requests are signed for"),
  /** a static access key instead of the pod's identity */
  accessKey: z
    .strictObject({
      /** the Secret key holding the access key id */
      id: secretRef.describe("the Secret key holding the access key id"),
      /** the Secret key holding the secret access key */
      secret: secretRef.describe("the Secret key holding the secret access key"),
    })
    .optional()
    .describe("a static access key instead of the pod's identity"),
});

const uuid = (what: string) => z.string().uuid(`must be the ${what} (a UUID)`);

const azureAuth = z.strictObject({
  /** Microsoft Entra ID (Azure Monitor managed service for Prometheus) */
  type: z
    .literal("azure")
    .describe("Microsoft Entra ID (Azure Monitor managed service for Prometheus)"),
  /** the Azure cloud */
  cloud: z
    .enum(["AzurePublic", "AzureChina", "AzureGovernment"])
    .default("AzurePublic")
    .describe("the Azure cloud"),
  /**
   * how the pod proves who it is: workload identity (the gateway's workloadIdentity.azure), a
   * managed identity of the node, or an application's client secret
   */
  identity: z
    .discriminatedUnion("kind", [
      z.strictObject({
        /** Microsoft Entra Workload ID: the projected token the webhook mounts */
        kind: z
          .literal("workload")
          .describe("Microsoft Entra Workload ID: the projected token the webhook mounts"),
        /** client id of the application or user-assigned identity */
        clientId: uuid("client id").describe(
          "client id of the application or user-assigned identity",
        ),
        /** tenant id of the application */
        tenantId: uuid("tenant id").describe("tenant id of the application"),
      }),
      z.strictObject({
        /** a user-assigned managed identity of the node */
        kind: z.literal("managed").describe("a user-assigned managed identity of the node"),
        /** client id of the managed identity */
        clientId: uuid("client id").describe("client id of the managed identity"),
      }),
      z.strictObject({
        /** an application's client secret */
        kind: z.literal("clientSecret").describe("an application's client secret"),
        /** client id of the application */
        clientId: uuid("client id").describe("client id of the application"),
        /** tenant id of the application */
        tenantId: uuid("tenant id").describe("tenant id of the application"),
        /** the Secret key holding the client secret */
        clientSecret: secretRef.describe("the Secret key holding the client secret"),
      }),
    ])
    .describe(
      "how the pod proves who it is: workload identity (the gateway's workloadIdentity.azure), a managed identity of the node, or an application's client secret",
    ),
});

const googleAuth = z.strictObject({
  /**
   * Google IAM (Google Cloud Managed Service for Prometheus); Application Default Credentials (GKE
   * Workload Identity) unless credentials is set
   */
  type: z
    .literal("google")
    .describe(
      "Google IAM (Google Cloud Managed Service for Prometheus); Application Default Credentials (GKE Workload Identity) unless credentials is set",
    ),
  /** the Secret key holding a service account key (JSON) */
  credentials: secretRef.optional().describe("the Secret key holding a service account key (JSON)"),
});

/**
 * Credentials of a Loki push or an OTLP export, from Secrets (mounted as files; user names through
 * env variables).
 */
export const destinationAuth = z.discriminatedUnion("type", [basicAuth, bearerAuth, oauth2Auth]);
export type DestinationAuth = z.output<typeof destinationAuth>;

/**
 * Credentials of a remote-write endpoint: those of every destination, and the clouds' own (AWS
 * SigV4, Microsoft Entra ID, Google IAM), which prometheus.remote_write alone supports.
 */
export const remoteWriteAuth = z.discriminatedUnion("type", [
  basicAuth,
  bearerAuth,
  oauth2Auth,
  sigv4Auth,
  azureAuth,
  googleAuth,
]);
export type RemoteWriteAuth = z.output<typeof remoteWriteAuth>;

/** TLS of a connection to a destination; without it the system CAs verify the server. */
export const destinationTls = z.strictObject({
  /** CA bundle that verifies the server, from a Secret or a ConfigMap (trust-manager's bundles) */
  ca: z
    .strictObject({
      /** the object holding the bundle */
      from: z
        .enum(["Secret", "ConfigMap"])
        .default("Secret")
        .describe("the object holding the bundle"),
      /** its name */
      name: objectName.describe("its name"),
      /** the key holding the PEM bundle */
      key: secretKeySchema.default("ca.crt").describe("the key holding the PEM bundle"),
    })
    .optional()
    .describe(
      "CA bundle that verifies the server, from a Secret or a ConfigMap (trust-manager's bundles)",
    ),
  /** a client certificate (mTLS): a kubernetes.io/tls Secret, as cert-manager writes it */
  clientCertificate: z
    .strictObject({
      /** the Secret's name */
      secretName: objectName.describe("the Secret's name"),
      /** the key holding the certificate chain */
      certKey: secretKeySchema.default("tls.crt").describe("the key holding the certificate chain"),
      /** the key holding the private key */
      keyKey: secretKeySchema.default("tls.key").describe("the key holding the private key"),
    })
    .optional()
    .describe("a client certificate (mTLS): a kubernetes.io/tls Secret, as cert-manager writes it"),
  /** the name the server's certificate must carry, when it differs from the URL's host */
  serverName: dnsNameSchema()
    .optional()
    .describe("the name the server's certificate must carry, when it differs from the URL's host"),
  /** oldest TLS version accepted */
  minVersion: z.enum(["TLS12", "TLS13"]).default("TLS12").describe("oldest TLS version accepted"),
  /** accept any server certificate: anyone on the path can impersonate it; reported at render */
  insecureSkipVerify: z
    .boolean()
    .default(false)
    .describe(
      "accept any server certificate: anyone on the path can impersonate it; reported at render",
    ),
});
export type DestinationTls = z.output<typeof destinationTls>;

/** Headers whose values are credentials (API keys), each from a Secret key. */
const secretHeaders = z
  .record(
    z
      .string()
      .regex(
        /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
        "not an HTTP header name (letters, digits and -, such as X-Api-Key)",
      ),
    secretRef,
  )
  .default({})
  .describe("headers whose values are credentials (API keys), each from a Secret key");

const extraLoki = z.strictObject({
  /** unique name of this destination in the Alloy config */
  name: identifier.describe("unique name of this destination in the Alloy config"),
  /** Loki push URL, e.g. https://logs.example.com/loki/api/v1/push */
  url: httpUrlSchema("https://logs.example.com/loki/api/v1/push").describe(
    "Loki push URL, e.g. https://logs.example.com/loki/api/v1/push",
  ),
  /** sent as X-Scope-OrgID */
  tenantId: lokiTenantIdSchema.optional().describe("sent as X-Scope-OrgID"),
  /** credentials of the push, from Secrets */
  auth: destinationAuth.optional().describe("credentials of the push, from Secrets"),
  /** TLS of the connection (CA, client certificate, server name) */
  tls: destinationTls
    .optional()
    .describe("TLS of the connection (CA, client certificate, server name)"),
  /** headers whose values are credentials (API keys), each from a Secret key */
  secretHeaders,
  /**
   * who the destination is, for the egress NetworkPolicy (pods, or CIDRs; neither admits any
   * address on the ports)
   */
  egress: destinationEgress.prefault({ cidrs: ["0.0.0.0/0"] }),
});

const extraRemoteWrite = z.strictObject({
  /** unique name of this destination in the Alloy config */
  name: identifier.describe("unique name of this destination in the Alloy config"),
  /** Prometheus remote-write URL */
  url: httpUrlSchema("https://metrics.example.com/api/v1/write").describe(
    "Prometheus remote-write URL",
  ),
  /** HTTP headers sent with every request */
  headers: httpHeaders.default({}).describe("HTTP headers sent with every request"),
  /** credentials of the writes, from Secrets */
  auth: remoteWriteAuth.optional().describe("credentials of the writes, from Secrets"),
  /** TLS of the connection (CA, client certificate, server name) */
  tls: destinationTls
    .optional()
    .describe("TLS of the connection (CA, client certificate, server name)"),
  /** headers whose values are credentials (API keys), each from a Secret key */
  secretHeaders,
  /**
   * metric tier this endpoint receives (metricTiers); narrower than the widest in use: filtered
   * before writing
   */
  tier: metricTier
    .default("essential")
    .describe(
      "metric tier this endpoint receives (metricTiers); narrower than the widest in use: filtered before writing",
    ),
  /**
   * who the destination is, for the egress NetworkPolicy (pods, or CIDRs; neither admits any
   * address on the ports)
   */
  egress: destinationEgress.prefault({ cidrs: ["0.0.0.0/0"] }),
});

const byName = (name: string) => ({ podLabels: { "app.kubernetes.io/name": name } });

/** Every IPv4 and IPv6 address: the node-egress default, until narrowed to the node CIDRs. */
export const ANY_NODE_ADDRESS = ["0.0.0.0/0", "::/0"] as const;

export const alloyGatewayValues = z.strictObject({
  /** Grafana Alloy container image of the gateway */
  image: imageSchema(ALLOY_IMAGE).describe("Grafana Alloy container image of the gateway"),
  /** least severe messages Alloy logs */
  logLevel: z
    .enum(["error", "warn", "info", "debug"])
    .default("info")
    .describe("least severe messages Alloy logs"),
  /** 2 or more for HA (clustered) */
  replicas: z.int32().min(1).default(2).describe("2 or more for HA (clustered)"),
  /** an HPA on CPU and memory between replicas and maxReplicas */
  autoscaling: autoscalingValues({
    enabled: true,
    maxReplicas: 6,
    cpuUtilization: 75,
    memoryUtilization: 80,
  }),
  /** Alloy clustering: the replicas split the scrape targets and event reading */
  clustering: z
    .strictObject({
      /** required whenever more than one replica may run, so work is shared, not repeated */
      enabled: z
        .boolean()
        .default(true)
        .describe(
          "required whenever more than one replica may run, so work is shared, not repeated",
        ),
    })
    .prefault({})
    .describe("Alloy clustering: the replicas split the scrape targets and event reading"),
  /** PodDisruptionBudget, rendered whenever more than one replica may run */
  podDisruptionBudget: z
    .strictObject({
      /** pods a voluntary disruption may take down at once: a count or a percentage */
      maxUnavailable: z
        .union([z.int32().min(1), z.string().regex(/^\d{1,3}%$/, "a percentage such as 25%")])
        .default(1)
        .describe("pods a voluntary disruption may take down at once: a count or a percentage"),
    })
    .prefault({})
    .describe("PodDisruptionBudget, rendered whenever more than one replica may run"),
  /** the default spread, used while scheduling.topologySpreadConstraints is empty */
  topologySpread: z
    .strictObject({
      /** prefer spreading the replicas across zones */
      zones: z.boolean().default(true).describe("prefer spreading the replicas across zones"),
      /** soft prefers replicas on different nodes; hard requires it */
      hosts: z
        .enum(["soft", "hard"])
        .default("soft")
        .describe("soft prefers replicas on different nodes; hard requires it"),
    })
    .prefault({})
    .describe("the default spread, used while scheduling.topologySpreadConstraints is empty"),
  /** requests and limits of the gateway container */
  resources: resourcesSchema({
    requests: { cpu: "200m", memory: "512Mi" },
    limits: { memory: "2Gi" },
  }).describe("requests and limits of the gateway container"),
  /** where the gateway pods run */
  scheduling: schedulingDefault.describe("where the gateway pods run"),
  /** the gateway's scratch volume (--storage.path) */
  storage: z
    .strictObject({
      /** emptyDir for the remote-write WAL */
      sizeLimit: quantity.default("10Gi").describe("emptyDir for the remote-write WAL"),
    })
    .prefault({})
    .describe("the gateway's scratch volume (--storage.path)"),
  /**
   * cloud identity of the gateway's ServiceAccount, for destinations that authenticate as the pod
   * (sigv4 without accessKey, azure workload identity, google without credentials)
   */
  workloadIdentity: workloadIdentity.describe(
    "cloud identity of the gateway's ServiceAccount, for destinations that authenticate as the pod (sigv4 without accessKey, azure workload identity, google without credentials)",
  ),
  /** where the gateway writes logs and metrics */
  destinations: z
    .strictObject({
      /** where logs are written */
      loki: z
        .strictObject({
          /**
           * Loki push URL (the loki package's endpoints.pushUrl, which the umbrella fills), e.g.
           * http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push; required to build
           */
          url: httpUrlSchema("http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push")
            .optional()
            .describe(
              "Loki push URL (the loki package's endpoints.pushUrl, which the umbrella fills), e.g. http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push; required to build",
            ),
          /** X-Scope-OrgID, when Loki runs with auth enabled */
          tenantId: lokiTenantIdSchema
            .optional()
            .describe("X-Scope-OrgID, when Loki runs with auth enabled"),
          /**
           * route each entry to the tenant its value of this label names (namespace: one tenant per
           * namespace); entries without the label go to tenantId. Every value must be a tenant id
           * Loki accepts, and a reader must know the tenants (the loki package's tenancy.tenants)
           */
          tenantFrom: promLabelNameSchema
            .optional()
            .describe(
              "route each entry to the tenant its value of this label names (namespace: one tenant per namespace); entries without the label go to tenantId. Every value must be a tenant id Loki accepts, and a reader must know the tenants (the loki package's tenancy.tenants)",
            ),
          /** credentials of the push, from Secrets */
          auth: destinationAuth.optional().describe("credentials of the push, from Secrets"),
          /** TLS of the connection (CA, client certificate, server name) */
          tls: destinationTls
            .optional()
            .describe("TLS of the connection (CA, client certificate, server name)"),
          /** headers whose values are credentials (API keys), each from a Secret key */
          secretHeaders,
          /**
           * who the destination is, for the egress NetworkPolicy (pods, or CIDRs; neither admits
           * any address on the ports)
           */
          egress: destinationEgress.prefault({ peers: [byName("loki")] }),
          /** more Loki destinations (every entry goes to each) */
          extra: z
            .array(extraLoki)
            .default([])
            .describe("more Loki destinations (every entry goes to each)"),
        })
        .prefault({})
        .describe("where logs are written"),
      /** where metrics are written (Prometheus remote write) */
      prometheus: z
        .strictObject({
          /**
           * remote-write URL (the thanos package's endpoints.remoteWriteUrl, which the umbrella
           * fills), e.g. http://thanos-receive.monitoring.svc.cluster.local:19291/api/v1/receive;
           * required to build when the gateway writes metrics
           */
          url: httpUrlSchema(
            "http://thanos-receive.monitoring.svc.cluster.local:19291/api/v1/receive",
          )
            .optional()
            .describe(
              "remote-write URL (the thanos package's endpoints.remoteWriteUrl, which the umbrella fills), e.g. http://thanos-receive.monitoring.svc.cluster.local:19291/api/v1/receive; required to build when the gateway writes metrics",
            ),
          /** HTTP headers sent with every remote-write request */
          headers: httpHeaders
            .default({})
            .describe("HTTP headers sent with every remote-write request"),
          /** credentials of the writes, from Secrets */
          auth: remoteWriteAuth.optional().describe("credentials of the writes, from Secrets"),
          /** TLS of the connection (CA, client certificate, server name) */
          tls: destinationTls
            .optional()
            .describe("TLS of the connection (CA, client certificate, server name)"),
          /** headers whose values are credentials (API keys), each from a Secret key */
          secretHeaders,
          /**
           * who the destination is, for the egress NetworkPolicy (pods, or CIDRs; neither admits
           * any address on the ports)
           */
          egress: destinationEgress.prefault({ peers: [byName("thanos")] }),
          /**
           * metric tier the remote-write URL receives (metricTiers); the umbrella sets recommended
           * for the bundled Thanos
           */
          tier: metricTier
            .default("essential")
            .describe(
              "metric tier the remote-write URL receives (metricTiers); the umbrella sets recommended for the bundled Thanos",
            ),
          /** more remote-write destinations (every sample goes to each) */
          extra: z
            .array(extraRemoteWrite)
            .default([])
            .describe("more remote-write destinations (every sample goes to each)"),
          /** remote-write queue of every destination (queue_config) */
          queue: z
            .strictObject({
              /** samples each shard buffers before reading from the WAL pauses */
              capacity: z
                .int32()
                .min(1)
                .default(10000)
                .describe("samples each shard buffers before reading from the WAL pauses"),
              /** fewest concurrent senders */
              minShards: z.int32().min(1).default(1).describe("fewest concurrent senders"),
              /** most concurrent senders, when sending falls behind */
              maxShards: z
                .int32()
                .min(1)
                .default(50)
                .describe("most concurrent senders, when sending falls behind"),
              /** most samples in one request */
              maxSamplesPerSend: z
                .int32()
                .min(1)
                .default(2000)
                .describe("most samples in one request"),
              /** longest a shard waits to fill a request before sending it */
              batchSendDeadline: duration
                .default("5s")
                .describe("longest a shard waits to fill a request before sending it"),
              /** first retry delay after a failed send */
              minBackoff: duration
                .default("30ms")
                .describe("first retry delay after a failed send"),
              /** longest retry delay; delays double up to it */
              maxBackoff: duration
                .default("5s")
                .describe("longest retry delay; delays double up to it"),
              /** drop samples older than this instead of retrying them forever */
              sampleAgeLimit: duration
                .optional()
                .describe("drop samples older than this instead of retrying them forever"),
            })
            .prefault({})
            .describe("remote-write queue of every destination (queue_config)"),
          /** the write-ahead log that buffers samples during an outage of the destination */
          wal: z
            .strictObject({
              /** how often samples already sent are cut from the WAL */
              truncateFrequency: duration
                .default("2h")
                .describe("how often samples already sent are cut from the WAL"),
              /** shortest time samples stay in the WAL, even once sent */
              minKeepaliveTime: duration
                .default("5m")
                .describe("shortest time samples stay in the WAL, even once sent"),
              /** longest time samples stay in the WAL, even if never sent */
              maxKeepaliveTime: duration
                .default("8h")
                .describe("longest time samples stay in the WAL, even if never sent"),
            })
            .prefault({})
            .describe(
              "the write-ahead log that buffers samples during an outage of the destination",
            ),
        })
        .prefault({})
        .describe("where metrics are written (Prometheus remote write)"),
      /**
       * also send metrics to Datadog (otelcol.exporter.datadog, an Alloy community component:
       * enabling it sets --feature.community-components.enabled); Datadog's exporter takes no logs
       */
      datadog: z
        .strictObject({
          /** send the metrics to Datadog too */
          enabled: z.boolean().default(false).describe("send the metrics to Datadog too"),
          /** the Datadog site of the account */
          site: z
            .enum([
              "datadoghq.com",
              "us3.datadoghq.com",
              "us5.datadoghq.com",
              "datadoghq.eu",
              "ap1.datadoghq.com",
              "ap2.datadoghq.com",
              "ddog-gov.com",
            ])
            .default("datadoghq.com")
            .describe("the Datadog site of the account"),
          /** the Secret key holding the API key; required when enabled */
          apiKey: secretRef
            .optional()
            .describe("the Secret key holding the API key; required when enabled"),
          /**
           * metric tier Datadog receives (metricTiers); filtered before the export when narrower
           */
          tier: metricTier
            .default("essential")
            .describe(
              "metric tier Datadog receives (metricTiers); filtered before the export when narrower",
            ),
          /**
           * who the destination is, for the egress NetworkPolicy (pods, or CIDRs; neither admits
           * any address on the ports)
           */
          egress: destinationEgress.prefault({ cidrs: ["0.0.0.0/0"] }),
        })
        .prefault({})
        .describe(
          "also send metrics to Datadog (otelcol.exporter.datadog, an Alloy community component: enabling it sets --feature.community-components.enabled); Datadog's exporter takes no logs",
        ),
      /** also export logs and metrics over OTLP */
      otlp: z
        .strictObject({
          /** export to the OTLP endpoint too */
          enabled: z.boolean().default(false).describe("export to the OTLP endpoint too"),
          /** OTLP transport: gRPC or HTTP/protobuf */
          protocol: z
            .enum(["grpc", "http"])
            .default("grpc")
            .describe("OTLP transport: gRPC or HTTP/protobuf"),
          /** host:port for gRPC, a base URL for HTTP */
          endpoint: singleLineText(MAX_LENGTH.url)
            .min(1)
            .optional()
            .describe("host:port for gRPC, a base URL for HTTP"),
          /** plain-text gRPC (no TLS) */
          insecure: z.boolean().default(false).describe("plain-text gRPC (no TLS)"),
          /** which signals go to the OTLP endpoint */
          signals: z
            .strictObject({
              /** export the logs */
              logs: z.boolean().default(true).describe("export the logs"),
              /** export the metrics */
              metrics: z.boolean().default(true).describe("export the metrics"),
            })
            .prefault({})
            .describe("which signals go to the OTLP endpoint"),
          /** credentials of the export, from Secrets */
          auth: destinationAuth.optional().describe("credentials of the export, from Secrets"),
          /**
           * TLS of the export (CA, client certificate, server name); insecure still means plain
           * text
           */
          tls: destinationTls
            .optional()
            .describe(
              "TLS of the export (CA, client certificate, server name); insecure still means plain text",
            ),
          /**
           * metric tier the OTLP metrics receive (metricTiers); filtered before the export when
           * narrower than the widest in use
           */
          tier: metricTier
            .default("essential")
            .describe(
              "metric tier the OTLP metrics receive (metricTiers); filtered before the export when narrower than the widest in use",
            ),
          /**
           * who the destination is, for the egress NetworkPolicy (pods, or CIDRs; neither admits
           * any address on the ports)
           */
          egress: destinationEgress.prefault({ cidrs: ["0.0.0.0/0"] }),
        })
        .prefault({})
        .describe("also export logs and metrics over OTLP"),
    })
    .prefault({})
    .describe("where the gateway writes logs and metrics"),
  /** what the gateway accepts besides the agents' log pushes */
  receivers: z
    .strictObject({
      /** an OTLP receiver (4317 gRPC, 4318 HTTP) for logs and metrics */
      otlp: z
        .strictObject({
          /** listen for OTLP on 4317 and 4318 */
          enabled: z.boolean().default(false).describe("listen for OTLP on 4317 and 4318"),
        })
        .prefault({})
        .describe("an OTLP receiver (4317 gRPC, 4318 HTTP) for logs and metrics"),
    })
    .prefault({})
    .describe("what the gateway accepts besides the agents' log pushes"),
  /** what the gateway scrapes */
  scrape: z
    .strictObject({
      /**
       * pod-role scrape jobs: Materialize targets, exporters, the stack's components, the agents
       */
      jobs: z
        .array(scrapeJob)
        .default([])
        .describe(
          "pod-role scrape jobs: Materialize targets, exporters, the stack's components, the agents",
        ),
      /** scrape the gateway's own pods (allow-list source alloy) */
      self: z
        .strictObject({
          /** scrape the gateway's own metrics */
          enabled: z.boolean().default(true).describe("scrape the gateway's own metrics"),
          /** how often each pod is scraped */
          interval: duration.default("30s").describe("how often each pod is scraped"),
          /** how long one scrape may take */
          timeout: duration.default("10s").describe("how long one scrape may take"),
        })
        .prefault({})
        .describe("scrape the gateway's own pods (allow-list source alloy)"),
      /** the kubelets' metrics: the node, cAdvisor container and resource metrics */
      kubelet: z
        .strictObject({
          /** scrape every node's kubelet */
          enabled: z.boolean().default(true).describe("scrape every node's kubelet"),
          /**
           * direct: node IP:10250 with the service-account token; apiServerProxy: through the API
           * server
           */
          mode: z
            .enum(["direct", "apiServerProxy"])
            .default("direct")
            .describe(
              "direct: node IP:10250 with the service-account token; apiServerProxy: through the API server",
            ),
          /** skip kubelet certificate verification (kind, self-signed kubelet certificates) */
          insecureSkipVerify: z
            .boolean()
            .default(false)
            .describe(
              "skip kubelet certificate verification (kind, self-signed kubelet certificates)",
            ),
          /** how often each kubelet is scraped */
          interval: duration.default("30s").describe("how often each kubelet is scraped"),
          /** how long one scrape may take */
          timeout: duration.default("10s").describe("how long one scrape may take"),
          /** which kubelet endpoints are scraped */
          endpoints: z
            .strictObject({
              /** /metrics (allow-list source kubelet) */
              metrics: z.boolean().default(true).describe("/metrics (allow-list source kubelet)"),
              /** /metrics/cadvisor (allow-list source cadvisor) */
              cadvisor: z
                .boolean()
                .default(true)
                .describe("/metrics/cadvisor (allow-list source cadvisor)"),
              /** /metrics/resource (allow-list source kubeletResource) */
              resource: z
                .boolean()
                .default(true)
                .describe("/metrics/resource (allow-list source kubeletResource)"),
            })
            .prefault({})
            .describe("which kubelet endpoints are scraped"),
          /**
           * node addresses for the egress rule to 10250 alone; empty: the kubelet port joins
           * networkPolicy.nodeEgress
           */
          cidrs: z
            .array(cidr)
            .default([])
            .describe(
              "node addresses for the egress rule to 10250 alone; empty: the kubelet port joins networkPolicy.nodeEgress",
            ),
        })
        .prefault({})
        .describe("the kubelets' metrics: the node, cAdvisor container and resource metrics"),
    })
    .prefault({})
    .describe("what the gateway scrapes"),
  /**
   * per source, the metric names the essential tier keeps (metricTiers.essential wins per source);
   * a source without a list is not filtered
   */
  allowLists: z
    .record(text.min(1), z.array(metricName))
    .default({})
    .describe(
      "per source, the metric names the essential tier keeps (metricTiers.essential wins per source); a source without a list is not filtered",
    ),
  /** per tier and source, the metric names kept (the materialize package's metricTiers) */
  metricTiers: z
    .strictObject({
      /** per source, what the essential tier keeps; a source without a list is not filtered */
      essential: z
        .record(text.min(1), z.array(metricName))
        .default({})
        .describe(
          "per source, what the essential tier keeps; a source without a list is not filtered",
        ),
      /** per source, what the recommended tier keeps beside the essential list */
      recommended: z
        .record(text.min(1), z.array(metricName))
        .default({})
        .describe("per source, what the recommended tier keeps beside the essential list"),
    })
    .prefault({})
    .describe("per tier and source, the metric names kept (the materialize package's metricTiers)"),
  /** processing of the logs that pass through the gateway */
  logs: z
    .strictObject({
      /** stages for Materialize streams (materialize artifacts.logStages) */
      stages: z
        .array(logStage)
        .default([])
        .describe("stages for Materialize streams (materialize artifacts.logStages)"),
      /**
       * flood protection of the log pipeline, per gateway replica; every dropped line is counted in
       * loki_process_dropped_lines_total with its reason
       */
      protection: logProtection,
      /** set a normalised level label on streams that have none */
      levelNormalisation: z
        .boolean()
        .default(true)
        .describe("set a normalised level label on streams that have none"),
      /** Kubernetes events, read from the API */
      events: z
        .strictObject({
          /** write Kubernetes events to Loki as log lines */
          enabled: z
            .boolean()
            .default(true)
            .describe("write Kubernetes events to Loki as log lines"),
          /** the `job` label of the event streams */
          jobName: text
            .min(1)
            .default("integrations/kubernetes/eventhandler")
            .describe("the `job` label of the event streams"),
          /** all namespaces when empty */
          namespaces: z.array(dnsLabel).default([]).describe("all namespaces when empty"),
          /** format of the event lines */
          logFormat: z
            .enum(["logfmt", "json"])
            .default("logfmt")
            .describe("format of the event lines"),
        })
        .prefault({})
        .describe("Kubernetes events, read from the API"),
      /** tail the agents' own logs through the API, so a failing agent still leaves its logs */
      agentLogs: z
        .strictObject({
          /** tail the agents' logs */
          enabled: z.boolean().default(true).describe("tail the agents' logs"),
          /** the agents' namespace; the stack's by default */
          namespace: dnsLabel.optional().describe("the agents' namespace; the stack's by default"),
          /** the agents' selector labels (agent endpoints.podLabels) */
          podLabels: labelMap
            .optional()
            .describe("the agents' selector labels (agent endpoints.podLabels)"),
        })
        .prefault({})
        .describe(
          "tail the agents' own logs through the API, so a failing agent still leaves its logs",
        ),
      /** labels added to every log stream written, beside `cluster` */
      externalLabels: z
        .record(text.min(1), text)
        .default({})
        .describe("labels added to every log stream written, beside `cluster`"),
    })
    .prefault({})
    .describe("processing of the logs that pass through the gateway"),
  /** extra permissions of the gateway's ServiceAccount */
  rbac: z
    .strictObject({
      /**
       * non-resource URLs the service-account token may get, e.g. /metrics for scraping
       * metrics-server with the token
       */
      nonResourceUrls: z
        .array(singleLineText(MAX_LENGTH.url).startsWith("/"))
        .default([])
        .describe(
          "non-resource URLs the service-account token may get, e.g. /metrics for scraping metrics-server with the token",
        ),
    })
    .prefault({})
    .describe("extra permissions of the gateway's ServiceAccount"),
  /** the NetworkPolicy of the gateway pods */
  networkPolicy: z
    .strictObject({
      /** render a NetworkPolicy that admits only the peers below and the derived egress */
      enabled: z
        .boolean()
        .default(true)
        .describe("render a NetworkPolicy that admits only the peers below and the derived egress"),
      /** who pushes logs (3100): the agents by default */
      agents: z.array(peer).optional().describe("who pushes logs (3100): the agents by default"),
      /** other pods that push logs (3100) or OTLP (4317/4318) */
      applications: z
        .array(peer)
        .default([])
        .describe("other pods that push logs (3100) or OTLP (4317/4318)"),
      /** other pods that scrape the gateway's metrics (12345) */
      metricsScrapers: z
        .array(peer)
        .default([])
        .describe("other pods that scrape the gateway's metrics (12345)"),
      /**
       * scrape destinations the jobs do not describe (jobs with podLabels/selectors are derived)
       */
      scrapeEgress: z
        .array(egressRule)
        .default([])
        .describe(
          "scrape destinations the jobs do not describe (jobs with podLabels/selectors are derived)",
        ),
      /** the Kubernetes API server, for discovery, events, Secrets and agent logs */
      apiServer: z
        .strictObject({
          /** API server addresses; empty admits any address */
          cidrs: z
            .array(cidr)
            .default([])
            .describe("API server addresses; empty admits any address"),
          /** API server ports the gateway may reach */
          ports: z
            .array(z.int32().min(1).max(65535))
            .min(1)
            .default([443, 6443])
            .describe("API server ports the gateway may reach"),
        })
        .prefault({})
        .describe("the Kubernetes API server, for discovery, events, Secrets and agent logs"),
      /**
       * egress by node address (ipBlock): pods in the host network and host processes are not
       * matched by pod selectors on every CNI
       */
      nodeEgress: z
        .strictObject({
          /**
           * node addresses, where hostNetwork scrape targets and the kubelets listen; narrow it to
           * the cluster's node CIDR(s), e.g. [10.0.0.0/16]. Empty admits any address
           */
          cidrs: z
            .array(cidr)
            .default([...ANY_NODE_ADDRESS])
            .describe(
              "node addresses, where hostNetwork scrape targets and the kubelets listen; narrow it to the cluster's node CIDR(s), e.g. [10.0.0.0/16]. Empty admits any address",
            ),
          /**
           * more node ports, besides the derived ones (each hostNetwork job's port, the kubelet
           * port in direct mode)
           */
          ports: z
            .array(z.int32().min(1).max(65535))
            .default([])
            .describe(
              "more node ports, besides the derived ones (each hostNetwork job's port, the kubelet port in direct mode)",
            ),
        })
        .prefault({})
        .describe(
          "egress by node address (ipBlock): pods in the host network and host processes are not matched by pod selectors on every CNI",
        ),
    })
    .prefault({})
    .describe("the NetworkPolicy of the gateway pods"),
});

export type AlloyGatewayValues = z.input<typeof alloyGatewayValues>;
export type ResolvedAlloyGatewayValues = z.output<typeof alloyGatewayValues>;
