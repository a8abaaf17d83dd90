/**
 * Stack-wide hostile-input property (issue 17, Deliver 6). Every string leaf
 * of the umbrella values schema is enumerated (`stringLeaves`); the deep paths
 * (`DEEP_PATHS`, a selection covering every component, every output language
 * and every kind of string, checked against the enumeration) are filled with
 * every hostile payload, raw and inside a realistic value. Each case is either
 * refused with a ValuesError naming its path, or renders output whose every
 * embedded language re-parses with the real tool (where one exists here) and
 * in which the value reads back unchanged, after the decoding each consumer
 * applies (YAML, the kubelet's `$(VAR)` expansion, Loki's envsubst, Thanos'
 * `$(VAR)` substitution, go-ini and Grafana's expanders, nginx's lexer and
 * variables, the Alloy parser and relabel `$1` expansion, Prometheus
 * templates, Go-quoted flag values, comma-separated list flags).
 *
 * Everything here is a pure function of its inputs except `RenderPool` (worker
 * threads that call what the CLI's `render` calls), `runTools` (promtool,
 * amtool and nginx, many files per call) and `runHostile`, which drives both.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Worker } from "node:worker_threads";
import { parse as parseAlloy } from "@materialize-monitoring/alloy-syntax";
import { EXTERNAL_ACCESS_FILES, INTERNAL_TLS } from "@materialize-monitoring/core";
import { COMPONENT_PREFIXES } from "materialize-monitoring";
import { parseAllDocuments } from "yaml";
import { htpasswdLine, selfSignedCertificate } from "../../test-support/nginx.js";

const run = promisify(execFile);

// ---------------------------------------------------------------------------
// 1. String leaves of the values JSON Schema
// ---------------------------------------------------------------------------

export type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  required?: string[];
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
};

/** A path segment: a key, a list index, or (last) `KEY`, the key of a record. */
export type Segment = string | number;
/** Marks a leaf that is the key of a record rather than a value. */
export const KEY = "<key>";
/** The key used for a record's entry when the path does not name one. */
export const RECORD_KEY = "k";

export interface StringLeaf {
  /** `global.commonLabels.k`, `alloyGateway.scrape.jobs[0].name`, `global.commonLabels.<key>`. */
  name: string;
  path: Segment[];
  /** True when the leaf is a record's key (`propertyNames`). */
  isKey: boolean;
  schema: JsonSchema;
  /** Union variants chosen on the way (their `const` discriminators), e.g. `objectStorage<type=gcs>`. */
  variants: string[];
}

export interface LeafEnumeration {
  leaves: StringLeaf[];
  /** Leaves whose string is an enum or a const: no free choice, not tested. */
  enumOnly: string[];
  /** Leaves under a repeat of a list they are already under (`stages[0].stages[0]`): same schema, not re-enumerated. */
  nested: number;
}

export function resolveRef(
  root: JsonSchema,
  schema: JsonSchema | undefined,
): JsonSchema | undefined {
  let current = schema;
  for (let depth = 0; current?.$ref && depth < 20; depth++) {
    const name = current.$ref.split("/").pop() ?? "";
    const { $ref: _ref, ...rest } = current;
    current = { ...root.$defs?.[name], ...rest };
  }
  return current;
}

export function typesOf(schema: JsonSchema): string[] {
  return Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
}

function isEnumString(schema: JsonSchema): boolean {
  return schema.enum !== undefined || schema.const !== undefined;
}

/** `a.b[0].c`, records as `k`, a record's key as `<key>`. */
export function leafName(path: readonly Segment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else {
      // A key holding a dot (a rule file such as app.yaml) is escaped, as parsePath reads it.
      const key = segment.replace(/[\\.[]/g, "\\$&");
      out += out ? `.${key}` : key;
    }
  }
  return out;
}

function variantTag(variant: JsonSchema): string {
  const consts = Object.entries(variant.properties ?? {})
    .filter(([, s]) => s.const !== undefined)
    .map(([k, s]) => `${k}=${String(s.const)}`);
  return consts.join(",");
}

/**
 * Every string leaf of a values JSON Schema: object properties, list items
 * (index 0), record values (key `k`) and record keys, through `$ref`s and
 * union variants. A list nested under a list of the same name (the recursive
 * `stages` of `stage.match`, nested `routes`) is not walked again.
 */
export function stringLeaves(root: JsonSchema): LeafEnumeration {
  const leaves: StringLeaf[] = [];
  const enumOnly: string[] = [];
  let nested = 0;
  const walk = (
    raw: JsonSchema | undefined,
    path: Segment[],
    lists: string[],
    variants: string[],
    depth: number,
  ): void => {
    const schema = resolveRef(root, raw);
    if (!schema || depth > 24) return;
    const types = typesOf(schema);
    if (types.includes("string")) {
      if (isEnumString(schema)) enumOnly.push(leafName(path));
      else leaves.push({ name: leafName(path), path, isKey: false, schema, variants });
    }
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      walk(sub, [...path, key], lists, variants, depth + 1);
    }
    if (schema.items) {
      const listName = String(path.at(-1));
      if (lists.includes(listName)) nested++;
      else walk(schema.items, [...path, 0], [...lists, listName], variants, depth + 1);
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      walk(schema.additionalProperties, [...path, RECORD_KEY], lists, variants, depth + 1);
    }
    const keys = resolveRef(root, schema.propertyNames);
    if (keys && typesOf(keys).includes("string")) {
      const keyPath = [...path, KEY];
      if (isEnumString(keys)) enumOnly.push(leafName(keyPath));
      else
        leaves.push({
          name: leafName(keyPath),
          path: keyPath,
          isKey: true,
          schema: keys,
          variants,
        });
    }
    const unions = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
    for (const option of unions) {
      const variant = resolveRef(root, option);
      if (!variant) continue;
      const tag = variant.properties ? variantTag(variant) : "";
      walk(
        variant,
        path,
        lists,
        tag ? [...variants, `${leafName(path)}<${tag}>`] : variants,
        depth + 1,
      );
    }
  };
  walk(root, [], [], [], 0);
  // A union of string forms (`int | "10%"`) lists the same leaf once per form.
  const seen = new Set<string>();
  const unique = leaves.filter((leaf) => {
    const id = `${leaf.name}|${leaf.variants.join(";")}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return { leaves: unique, enumOnly: [...new Set(enumOnly)], nested };
}

/** A leaf's name with concrete record keys replaced by `k` (how `stringLeaves` names it). */
export function schemaLeafName(root: JsonSchema, path: readonly Segment[]): string | undefined {
  let schema = resolveRef(root, root);
  const out: Segment[] = [];
  for (const segment of path) {
    if (!schema) return undefined;
    if (segment === KEY) {
      out.push(KEY);
      break;
    }
    const candidates = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]
      .map((s) => resolveRef(root, s))
      .filter((s): s is JsonSchema => s !== undefined);
    let next: JsonSchema | undefined;
    let named: Segment = segment;
    for (const candidate of candidates) {
      if (typeof segment === "number" && candidate.items) next = candidate.items;
      else if (typeof segment === "string" && candidate.properties?.[segment])
        next = candidate.properties[segment];
      else if (
        typeof segment === "string" &&
        candidate.additionalProperties &&
        typeof candidate.additionalProperties === "object"
      ) {
        next = candidate.additionalProperties;
        named = RECORD_KEY;
      }
      if (next) break;
    }
    out.push(named);
    schema = resolveRef(root, next);
  }
  return leafName(out);
}

// ---------------------------------------------------------------------------
// 2. Payloads
// ---------------------------------------------------------------------------

export interface Payload {
  /** A short name for tables, e.g. `U+2028` or `${VAR}`. */
  name: string;
  value: string;
}

const cp = (code: number) => String.fromCodePoint(code);

/** What an attacker or a careless user writes. Each is tried raw and after a valid base value. */
export const PAYLOADS: readonly Payload[] = [
  { name: 'double quote "', value: '"' },
  { name: "single quote '", value: "'" },
  { name: "backslash \\", value: "\\" },
  { name: "trailing backslash a\\", value: "a\\" },
  { name: "LF", value: "\n" },
  { name: "CRLF", value: "\r\n" },
  { name: "LF + key", value: "x\ninjected: true" },
  { name: "open brace {", value: "{" },
  { name: "close brace }", value: "}" },
  { name: "template {{ .x }}", value: "{{ .x }}" },
  { name: "${HOSTNAME}", value: "${HOSTNAME}" },
  { name: "${AWS_SECRET_ACCESS_KEY}", value: "${AWS_SECRET_ACCESS_KEY}" },
  { name: "$(HOSTNAME)", value: "$(HOSTNAME)" },
  { name: "$(POD_NAME)", value: "$(POD_NAME)" },
  { name: "$$", value: "$$" },
  { name: "$__file{}", value: "$__file{/etc/passwd}" },
  { name: "#comment", value: "#comment" },
  { name: "a # b", value: "a # b" },
  { name: "a ; b", value: "a ; b" },
  { name: "a,b", value: "a,b" },
  { name: "U+2028", value: cp(0x2028) },
  { name: "U+2029", value: cp(0x2029) },
  { name: "U+0085", value: cp(0x85) },
  { name: "U+0001", value: cp(0x01) },
  { name: "U+007F", value: cp(0x7f) },
  { name: "U+001B", value: cp(0x1b) },
  { name: "BOM U+FEFF", value: cp(0xfeff) },
  { name: "emoji", value: cp(0x1f600) },
  { name: "lone surrogate", value: String.fromCharCode(0xd800) },
  { name: "%(x)s", value: "%(x)s" },
  { name: "%s%n", value: "%s%n" },
  { name: "</script>", value: "</script>" },
  { name: "colon-space", value: "a: b" },
  { name: "dash-space", value: "- a" },
  { name: "5000 chars", value: "x".repeat(5000) },
  { name: "empty", value: "" },
];

const CORE_NAMES = new Set([
  'double quote "',
  "trailing backslash a\\",
  "LF + key",
  "template {{ .x }}",
  "${HOSTNAME}",
  "$(POD_NAME)",
  "$$",
  "#comment",
  "a # b",
  "a,b",
  "U+2028",
  "U+0001",
  "emoji",
  "lone surrogate",
  "%(x)s",
  "5000 chars",
]);

/** The payloads that together hit every escaping rule (for paths whose cases are expensive). */
export const CORE_PAYLOADS: readonly Payload[] = PAYLOADS.filter((p) => CORE_NAMES.has(p.name));

// ---------------------------------------------------------------------------
// 3. The paths tested in depth, with what makes each one rendered
// ---------------------------------------------------------------------------

export type Values = Record<string, unknown>;

export interface DeepPath {
  /** Dotted path with concrete keys: `global.commonLabels.team`, `...headers.<key>` for a key. */
  path: string;
  /** Values merged in first so the leaf is rendered (a feature switched on, a list item to hold it). */
  enable?: Values;
  /**
   * A realistic value the payload is embedded in: `base + payload`, or with `§` in the base, the
   * payload in its place (`{app="§"}`). Without one: the schema default, then the value the
   * enabler sets; none means raw payloads only.
   */
  base?: string;
  /** For a record key: the value written under it. */
  keyValue?: unknown;
  /**
   * A transformation the schema documents, applied before reading back (e.g. a pod label
   * becomes `__meta_kubernetes_pod_label_<name with non-word characters as _>`).
   */
  readsBackAs?: (value: string) => string;
  /**
   * Sections switched off although the value reaches them, because it reaches them through the
   * same shared helper as a section kept on (context-wide scheduling, storage class, labels):
   * a full render per case would triple the run time for no new code path.
   */
  pruneAnyway?: readonly string[];
  /**
   * The field is text in a template or query language the user writes on purpose (Alertmanager
   * notification templates, rule annotations, LogQL/PromQL): `{{ }}` there is the user's, and it is
   * read back as the YAML string, not expanded.
   */
  userLanguage?: boolean;
  /**
   * The schema leaf the path writes, when the caller knows it (a union whose variants share a
   * key, such as each storage type's `credentials`, is named by its first variant otherwise).
   */
  leaf?: string;
  /** Only the payloads alone, not inside the base value (the base is a marker, not realistic). */
  rawOnly?: boolean;
  /**
   * The payloads tried (default: all). Paths whose every case is a full render (the value
   * reaches Materialize's rule and dashboard generation) try the core set.
   */
  payloads?: readonly Payload[];
}

const S3 = { type: "s3", bucket: "mz-monitoring", region: "us-east-1" };
const TOLERATION = {
  key: "dedicated",
  operator: "Equal",
  value: "monitoring",
  effect: "NoSchedule",
};
const EXTRA_JOB = {
  name: "app",
  job: "app",
  namespaces: ["apps"],
  selectors: [{ label: "app", value: "web" }],
  portName: "metrics",
};
const RELABEL = { sourceLabels: ["__meta_kubernetes_pod_label_app"], regex: "web", action: "keep" };
const RECEIVER = (extra: Values) => ({
  alertmanager: {
    config: { receivers: [{ name: "team", ...extra }], defaultReceiver: "team" },
  },
});
const SECRET = { name: "alerting", key: "token" };
const RULE_GROUP = (rule: Values) => ({
  name: "app",
  rules: [{ alert: "AppDown", expr: 'up{job="app"} == 0', for: "5m", ...rule }],
});
const LOKI_RULES = (rule: Values) => ({
  loki: {
    ruler: {
      ruleFiles: {
        "app.yaml": {
          groups: [
            {
              name: "app",
              rules: [
                { alert: "AppErrors", expr: 'sum(rate({app="x"} |= "error" [5m])) > 0', ...rule },
              ],
            },
          ],
        },
      },
    },
  },
});
const GRAFANA_EXPOSED = { networkPolicy: { ingressFrom: [{ namespace: "ingress-nginx" }] } };

/**
 * The context-wide settings every workload gets through the same core helpers (labels,
 * scheduling, images, storage class): checked on the core sections, not on all of them.
 */
const CONTEXT_WIDE = [
  "materialize",
  "grafanaOperator",
  "alloyAgent",
  "alloyGateway",
  "exporters",
] as const;

/** The paths every payload is tried on: each component, each output language, each string kind. */
export const DEEP_PATHS: readonly DeepPath[] = [
  // global: reaches every component (labels, names, addresses, images, scheduling, buckets)
  {
    pruneAnyway: ["materialize", "alloyAgent", "exporters"],
    path: "global.namePrefix",
    base: "mz-",
    payloads: CORE_PAYLOADS,
  },
  { path: "global.clusterName", base: "prod-eu" },
  { path: "global.clusterDomain" },
  { path: "global.commonLabels.team", base: "platform", pruneAnyway: CONTEXT_WIDE },
  {
    path: "global.commonLabels.<key>",
    base: "example.com/team",
    keyValue: "platform",
    pruneAnyway: CONTEXT_WIDE,
  },
  { path: "global.imageRegistry", base: "registry.example.com", pruneAnyway: CONTEXT_WIDE },
  { path: "global.imagePullSecrets[0]", base: "regcred", pruneAnyway: CONTEXT_WIDE },
  {
    payloads: CORE_PAYLOADS,
    path: "global.scheduling.nodeSelector.pool",
    base: "monitoring",
    pruneAnyway: CONTEXT_WIDE,
  },
  {
    payloads: CORE_PAYLOADS,
    path: "global.scheduling.nodeSelector.<key>",
    base: "example.com/pool",
    keyValue: "monitoring",
    pruneAnyway: CONTEXT_WIDE,
  },
  {
    payloads: CORE_PAYLOADS,
    path: "global.scheduling.tolerations[0].key",
    enable: { global: { scheduling: { tolerations: [TOLERATION] } } },
    pruneAnyway: CONTEXT_WIDE,
  },
  {
    payloads: CORE_PAYLOADS,
    path: "global.scheduling.tolerations[0].value",
    enable: { global: { scheduling: { tolerations: [TOLERATION] } } },
    pruneAnyway: CONTEXT_WIDE,
  },
  { payloads: CORE_PAYLOADS, path: "global.storageClass", base: "gp3", pruneAnyway: CONTEXT_WIDE },
  { payloads: CORE_PAYLOADS, path: "global.zoneTopologyKey", pruneAnyway: CONTEXT_WIDE },
  {
    payloads: CORE_PAYLOADS,
    path: "global.priorityClasses.critical",
    base: "monitoring-critical",
    enable: { global: { priorityClasses: { create: true } } },
    pruneAnyway: CONTEXT_WIDE,
  },
  { path: "global.objectStorage.bucket", enable: { global: { objectStorage: S3 } } },
  { path: "global.objectStorage.region", enable: { global: { objectStorage: S3 } } },
  {
    path: "global.objectStorage.endpoint",
    base: "s3.example.com",
    enable: { global: { objectStorage: S3 } },
  },
  {
    path: "global.objectStorage.bucket",
    enable: { global: { objectStorage: { type: "gcs", bucket: "mz-monitoring" } } },
  },
  {
    path: "global.objectStorage.storageAccount",
    enable: {
      global: {
        objectStorage: { type: "azure", container: "mz-data", storageAccount: "mzaccount" },
      },
    },
  },
  {
    path: "global.objectStorage.container",
    enable: {
      global: {
        objectStorage: { type: "azure", container: "mz-data", storageAccount: "mzaccount" },
      },
    },
  },
  // exporters: flags of node-exporter, kube-state-metrics
  { path: "exporters.nodeExporter.filesystem.mountPointsExclude" },
  { path: "exporters.nodeExporter.network.devicesExclude" },
  {
    path: "exporters.nodeExporter.extraArgs[0]",
    base: "--collector.textfile.directory=/tmp/§",
    userLanguage: true,
  },
  { path: "exporters.kubeStateMetrics.metricAllowlist[0]", base: "kube_pod_info" },
  { path: "exporters.kubeStateMetrics.metricLabelsAllowlist.pods[0]", base: "app" },
  { path: "exporters.nodeExporter.image.tag", base: "v1.12.1-§" },
  // loki: config.yaml (envsubst), runtime config, rule files, nginx gateway
  {
    path: "loki.limits.retentionStreams[0].selector",
    base: '{namespace="dev§"}',
    userLanguage: true,
    enable: {
      loki: {
        limits: {
          retentionStreams: [{ selector: '{namespace="dev"}', priority: 1, period: "24h" }],
        },
      },
    },
  },
  { path: "loki.ruler.ruleFiles.app\\.yaml.groups[0].name", enable: LOKI_RULES({}) },
  { path: "loki.ruler.ruleFiles.app\\.yaml.groups[0].rules[0].alert", enable: LOKI_RULES({}) },
  {
    path: "loki.ruler.ruleFiles.app\\.yaml.groups[0].rules[0].expr",
    base: 'sum(rate({app="x§"} |= "error" [5m])) > 0',
    userLanguage: true,
    enable: LOKI_RULES({}),
  },
  {
    path: "loki.ruler.ruleFiles.app\\.yaml.groups[0].rules[0].annotations.summary",
    base: "errors in {{ $labels.app }}",
    userLanguage: true,
    enable: LOKI_RULES({}),
  },
  {
    path: "loki.ruler.ruleFiles.app\\.yaml.groups[0].rules[0].labels.team",
    base: "platform",
    userLanguage: true,
    enable: LOKI_RULES({}),
  },
  { path: "loki.ruler.alertmanagerUrls[0]", base: "http://alertmanager.example.com:9093/§" },
  { path: "loki.ruler.externalLabels.env", base: "prod" },
  { path: "loki.ruler.externalLabels.<key>", base: "env", keyValue: "prod" },
  { path: "loki.storage.bucket", enable: { loki: { storage: S3 } } },
  { path: "loki.storage.endpoint", base: "s3.example.com", enable: { loki: { storage: S3 } } },
  { path: "loki.memberlist.clusterLabel", base: "mz-loki" },
  { path: "loki.tenancy.tenantId", enable: { loki: { tenancy: { authEnabled: true } } } },
  { path: "loki.write.persistence.storageClass", base: "gp3" },
  {
    path: "loki.external.pushUrl",
    base: "http://loki.example.com/loki/api/v1/push",
    enable: {
      loki: {
        enabled: false,
        external: {
          pushUrl: "http://loki.example.com/loki/api/v1/push",
          queryUrl: "http://loki.example.com",
        },
      },
    },
  },
  {
    path: "loki.external.tenantId",
    base: "team",
    enable: {
      loki: {
        enabled: false,
        external: {
          pushUrl: "http://loki.example.com/loki/api/v1/push",
          queryUrl: "http://loki.example.com",
        },
      },
    },
  },
  // thanos: flags (Go-quoted labels), files with $(VAR) substitution, rule files (promtool)
  { path: "thanos.externalLabels.region", base: "eu-west-1" },
  { path: "thanos.externalLabels.<key>", base: "region", keyValue: "eu-west-1" },
  { path: "thanos.objectStorage.bucket", enable: { thanos: { objectStorage: S3 } } },
  {
    path: "thanos.objectStorage.endpoint",
    base: "s3.example.com",
    enable: { thanos: { objectStorage: S3 } },
  },
  { path: "thanos.serviceAccount.annotations.owner", base: "platform" },
  { path: "thanos.receive.tenantHeader" },
  { path: "thanos.receive.defaultTenant" },
  { path: "thanos.receive.extraArgs[0]", base: "--tsdb.max-exemplars=§", userLanguage: true },
  { path: "thanos.query.extraEndpoints[0]", base: "thanos-sidecar.apps.svc:10901" },
  {
    path: "thanos.queryFrontend.cache.addresses[0]",
    base: "memcached§.monitoring.svc:11211",
    enable: {
      thanos: {
        queryFrontend: {
          enabled: true,
          cache: {
            type: "memcached",
            addresses: ["memcached.monitoring.svc:11211"],
            deploy: { enabled: false },
          },
        },
      },
    },
  },
  {
    path: "thanos.store.indexCache.addresses[0]",
    base: "memcached§.monitoring.svc:11211",
    enable: {
      thanos: {
        store: { indexCache: { type: "memcached", addresses: ["memcached.monitoring.svc:11211"] } },
      },
    },
  },
  {
    path: "thanos.ruler.extraRuleGroups[0].name",
    enable: { thanos: { ruler: { extraRuleGroups: [RULE_GROUP({})] } } },
  },
  {
    path: "thanos.ruler.extraRuleGroups[0].rules[0].alert",
    enable: { thanos: { ruler: { extraRuleGroups: [RULE_GROUP({})] } } },
  },
  {
    path: "thanos.ruler.extraRuleGroups[0].rules[0].expr",
    base: 'up{job="app§"} == 0',
    userLanguage: true,
    enable: { thanos: { ruler: { extraRuleGroups: [RULE_GROUP({})] } } },
  },
  {
    path: "thanos.ruler.extraRuleGroups[0].rules[0].labels.team",
    base: "platform",
    userLanguage: true,
    enable: { thanos: { ruler: { extraRuleGroups: [RULE_GROUP({})] } } },
  },
  {
    path: "thanos.ruler.extraRuleGroups[0].rules[0].annotations.summary",
    base: "{{ $labels.job }} is down",
    userLanguage: true,
    enable: { thanos: { ruler: { extraRuleGroups: [RULE_GROUP({})] } } },
  },
  {
    path: "thanos.ruler.alertmanagers[0].url",
    base: "http://alertmanager.example.com:9093/§",
    // Thanos' alertmanagers config takes the URL apart: the host goes to static_configs, the path
    // to path_prefix, which is what reads back.
    readsBackAs: (v) => v.replace(/^[a-z]+:\/\/[^/]*/i, ""),
    enable: {
      thanos: { ruler: { alertmanagers: [{ url: "http://alertmanager.example.com:9093" }] } },
    },
  },
  { path: "thanos.ruler.alertQueryUrl", base: "https://thanos.example.com" },
  {
    path: "thanos.external.remoteWriteUrl",
    base: "http://thanos.example.com:19291/api/v1/receive",
    enable: {
      thanos: {
        enabled: false,
        external: {
          remoteWriteUrl: "http://thanos.example.com:19291/api/v1/receive",
          queryUrl: "http://thanos.example.com:9090",
        },
      },
    },
  },
  // alertmanager: alertmanager.yml (amtool), flags
  { path: "alertmanager.externalUrl", base: "https://alertmanager.example.com" },
  { path: "alertmanager.cluster.label", base: "mz-alertmanager" },
  { path: "alertmanager.extraArgs[0]", base: "--log.format=§", userLanguage: true },
  {
    path: "alertmanager.config.global.smtp.from",
    base: "alerts@example.com",
    enable: {
      alertmanager: {
        config: {
          global: { smtp: { smarthost: "smtp.example.com:587", from: "alerts@example.com" } },
        },
      },
    },
  },
  {
    path: "alertmanager.config.global.smtp.hello",
    base: "example.com",
    enable: {
      alertmanager: {
        config: {
          global: { smtp: { smarthost: "smtp.example.com:587", from: "alerts@example.com" } },
        },
      },
    },
  },
  {
    path: "alertmanager.config.receivers[0].name",
    enable: { alertmanager: { config: { receivers: [{ name: "team" }] } } },
  },
  {
    path: "alertmanager.config.receivers[0].webhook[0].url",
    base: "https://hooks.example.com/§",
    enable: RECEIVER({ webhook: [{ url: "https://hooks.example.com/alerts" }] }),
  },
  {
    path: "alertmanager.config.receivers[0].slack[0].channel",
    base: "#alerts",
    userLanguage: true,
    enable: RECEIVER({ slack: [{ apiUrl: SECRET, channel: "#alerts" }] }),
  },
  {
    path: "alertmanager.config.receivers[0].slack[0].title",
    base: "{{ .CommonLabels.alertname }}",
    userLanguage: true,
    enable: RECEIVER({ slack: [{ apiUrl: SECRET }] }),
  },
  {
    path: "alertmanager.config.receivers[0].pagerduty[0].description",
    userLanguage: true,
    base: "{{ .CommonAnnotations.summary }}",
    enable: RECEIVER({ pagerduty: [{ routingKey: SECRET }] }),
  },
  {
    path: "alertmanager.config.receivers[0].pagerduty[0].details.team",
    userLanguage: true,
    base: "platform",
    enable: RECEIVER({ pagerduty: [{ routingKey: SECRET }] }),
  },
  {
    path: "alertmanager.config.receivers[0].pagerduty[0].details.<key>",
    base: "team",
    keyValue: "platform",
    enable: RECEIVER({ pagerduty: [{ routingKey: SECRET }] }),
  },
  {
    path: "alertmanager.config.receivers[0].email[0].to",
    base: "oncall@example.com",
    enable: RECEIVER({
      email: [
        { to: "oncall@example.com", smarthost: "smtp.example.com:587", from: "alerts@example.com" },
      ],
    }),
  },
  {
    path: "alertmanager.config.receivers[0].email[0].headers.X-Team",
    base: "platform",
    userLanguage: true,
    enable: RECEIVER({
      email: [
        { to: "oncall@example.com", smarthost: "smtp.example.com:587", from: "alerts@example.com" },
      ],
    }),
  },
  {
    path: "alertmanager.config.receivers[0].opsgenie[0].tags",
    base: "mz,prod",
    userLanguage: true,
    enable: RECEIVER({ opsgenie: [{ apiKey: SECRET }] }),
  },
  { path: "alertmanager.config.groupBy[0]", base: "alertname" },
  {
    path: "alertmanager.config.routes[0].matchers[0]",
    base: 'team="§"',
    enable: {
      alertmanager: { config: { routes: [{ receiver: "null", matchers: ['team="db"'] }] } },
    },
  },
  {
    path: "alertmanager.config.inhibitRules[0].sourceMatchers[0]",
    base: 'severity="§"',
    enable: {
      alertmanager: {
        config: {
          inhibitRules: [
            {
              sourceMatchers: ['severity="critical"'],
              targetMatchers: ['severity="info"'],
              equal: ["alertname"],
            },
          ],
        },
      },
    },
  },
  {
    path: "alertmanager.config.inhibitRules[0].equal[0]",
    base: "alertname",
    enable: {
      alertmanager: {
        config: {
          inhibitRules: [
            {
              sourceMatchers: ['severity="critical"'],
              targetMatchers: ['severity="info"'],
              equal: ["alertname"],
            },
          ],
        },
      },
    },
  },
  {
    path: "alertmanager.config.timeIntervals[0].name",
    base: "offhours",
    enable: {
      alertmanager: {
        config: {
          timeIntervals: [{ name: "offhours", intervals: [{ weekdays: ["monday:friday"] }] }],
        },
      },
    },
  },
  {
    path: "alertmanager.config.timeIntervals[0].intervals[0].location",
    base: "Local",
    enable: {
      alertmanager: {
        config: {
          timeIntervals: [{ name: "offhours", intervals: [{ weekdays: ["monday:friday"] }] }],
        },
      },
    },
  },
  {
    path: "alertmanager.config.templates.inline.custom\\.tmpl",
    base: '{{ define "custom" }}§{{ end }}',
    userLanguage: true,
  },
  { path: "alertmanager.config.severityRouting.label" },
  { path: "alertmanager.config.watchdog.alertname" },
  // grafana: grafana.ini (go-ini and Grafana's expanders), Ingress, HTTPRoute, annotations
  { path: "grafana.server.rootUrl", base: "https://grafana.example.com/§" },
  { path: "grafana.config.smtp.from_name", base: "Grafana" },
  { path: "grafana.config.smtp.<key>", base: "ehlo_identity", keyValue: "grafana.example.com" },
  { path: "grafana.config.<key>", base: "feature_toggles", keyValue: { enable: "newNavigation" } },
  {
    path: "grafana.database.host",
    base: "postgres.example.com",
    enable: {
      grafana: {
        database: {
          type: "postgres",
          host: "postgres.example.com",
          password: { name: "grafana-db", key: "password" },
        },
      },
    },
  },
  {
    path: "grafana.database.user",
    enable: {
      grafana: {
        database: {
          type: "postgres",
          host: "postgres.example.com",
          password: { name: "grafana-db", key: "password" },
        },
      },
    },
  },
  { path: "grafana.service.annotations.owner", base: "platform" },
  { path: "grafana.service.annotations.<key>", base: "example.com/owner", keyValue: "platform" },
  {
    path: "grafana.ingress.host",
    base: "grafana.example.com",
    enable: {
      grafana: { ingress: { enabled: true, host: "grafana.example.com" }, ...GRAFANA_EXPOSED },
    },
  },
  {
    path: "grafana.ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/rewrite-target",
    base: "/",
    enable: {
      grafana: { ingress: { enabled: true, host: "grafana.example.com" }, ...GRAFANA_EXPOSED },
    },
  },
  {
    path: "grafana.httpRoute.hostnames[0]",
    base: "grafana.example.com",
    enable: {
      grafana: {
        httpRoute: {
          enabled: true,
          parentRefs: [{ name: "gateway" }],
          hostnames: ["grafana.example.com"],
        },
        ...GRAFANA_EXPOSED,
      },
    },
  },
  {
    path: "grafana.httpRoute.parentRefs[0].name",
    base: "gateway",
    enable: {
      grafana: {
        httpRoute: {
          enabled: true,
          parentRefs: [{ name: "gateway" }],
          hostnames: ["grafana.example.com"],
        },
        ...GRAFANA_EXPOSED,
      },
    },
  },
  { path: "grafana.podAnnotations.owner", base: "platform" },
  // grafana-operator: datasources, dashboards
  {
    path: "grafanaOperator.datasources.thanos.displayName",
    base: "Thanos",
    enable: {
      grafanaOperator: {
        datasources: { thanos: { url: "http://thanos-query.monitoring.svc.cluster.local:9090" } },
      },
    },
  },
  {
    path: "grafanaOperator.datasources.loki.uid",
    base: "loki",
    enable: {
      grafanaOperator: {
        datasources: { loki: { url: "http://loki-gateway.monitoring.svc.cluster.local" } },
      },
    },
  },
  {
    payloads: CORE_PAYLOADS,
    path: "grafanaOperator.extraDashboards[0].folder",
    base: "Apps",
    enable: {
      grafanaOperator: {
        extraDashboards: [{ name: "app", folder: "Apps", json: { title: "App", panels: [] } }],
      },
    },
  },
  // materialize: rules (promtool), dashboards, LogQL
  { payloads: CORE_PAYLOADS, path: "materialize.logs.kubernetesEventsJob" },
  { payloads: CORE_PAYLOADS, path: "materialize.logs.correctnessPattern" },
  { payloads: CORE_PAYLOADS, path: "materialize.stackJobs.loki" },
  { payloads: CORE_PAYLOADS, path: "materialize.rules.runbookBaseUrl" },
  { payloads: CORE_PAYLOADS, path: "materialize.rules.labels.team", base: "platform" },
  {
    payloads: CORE_PAYLOADS,
    path: "materialize.rules.labels.<key>",
    base: "team",
    keyValue: "platform",
  },
  { payloads: CORE_PAYLOADS, path: "materialize.dashboards.tags[0]", base: "materialize" },
  { payloads: CORE_PAYLOADS, path: "materialize.dashboardsFolder" },
  // alloy-agent: config.alloy
  // The agents' own gateway: only without the bundled one, whose endpoints the umbrella wires in.
  {
    path: "alloyAgent.gateway.pushUrl",
    base: "http://alloy-gateway.example.com:3100/§",
    enable: { alloyGateway: { enabled: false } },
  },
  {
    path: "alloyAgent.logs.podLabelsAsMetadata[0].podLabel",
    base: "app.kubernetes.io/name",
    // Kubernetes service discovery names the label `__meta_kubernetes_pod_label_<name>`, non-word characters as `_`.
    readsBackAs: (v) => `__meta_kubernetes_pod_label_${v.replace(/[^a-zA-Z0-9_]/g, "_")}`,
    enable: {
      alloyAgent: {
        logs: { podLabelsAsMetadata: [{ podLabel: "app.kubernetes.io/name", name: "app" }] },
      },
    },
  },
  { path: "alloyAgent.positions.hostPath", base: "/var/lib/alloy-positions" },
  { path: "alloyAgent.journal.job", enable: { alloyAgent: { journal: { enabled: true } } } },
  // alloy-gateway: config.alloy (the project's parser), scrape jobs, log stages, headers
  { path: "alloyGateway.destinations.loki.tenantId", base: "materialize" },
  { path: "alloyGateway.destinations.prometheus.headers.X-Team", base: "platform" },
  {
    path: "alloyGateway.destinations.prometheus.headers.<key>",
    base: "X-Team",
    keyValue: "platform",
  },
  {
    path: "alloyGateway.destinations.otlp.endpoint",
    base: "otel§.example.com:4317",
    enable: {
      alloyGateway: {
        destinations: { otlp: { enabled: true, endpoint: "otel-collector.example.com:4317" } },
      },
    },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].job",
    enable: { alloyGateway: { scrape: { extraJobs: [EXTRA_JOB] } } },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].selectors[0].value",
    enable: { alloyGateway: { scrape: { extraJobs: [EXTRA_JOB] } } },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].podLabels.tier",
    base: "web",
    enable: { alloyGateway: { scrape: { extraJobs: [EXTRA_JOB] } } },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].discoverySelectors.label",
    base: "app=web",
    enable: { alloyGateway: { scrape: { extraJobs: [EXTRA_JOB] } } },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].path",
    base: "/metrics",
    enable: { alloyGateway: { scrape: { extraJobs: [EXTRA_JOB] } } },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].tls.serverName",
    base: "app.example.com",
    enable: { alloyGateway: { scrape: { extraJobs: [EXTRA_JOB] } } },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].relabelings[0].regex",
    base: "web§",
    enable: {
      alloyGateway: {
        scrape: { extraJobs: [{ ...EXTRA_JOB, relabelings: [RELABEL] }] },
      },
    },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].relabelings[0].replacement",
    base: "$1",
    userLanguage: true,
    enable: {
      alloyGateway: {
        scrape: {
          extraJobs: [
            {
              ...EXTRA_JOB,
              relabelings: [
                { sourceLabels: ["__meta_kubernetes_pod_label_app"], targetLabel: "app" },
              ],
            },
          ],
        },
      },
    },
  },
  {
    path: "alloyGateway.scrape.extraJobs[0].relabelings[0].targetLabel",
    base: "app",
    enable: {
      alloyGateway: {
        scrape: {
          extraJobs: [
            {
              ...EXTRA_JOB,
              relabelings: [
                { sourceLabels: ["__meta_kubernetes_pod_label_app"], targetLabel: "app" },
              ],
            },
          ],
        },
      },
    },
  },
  { path: "alloyGateway.logs.externalLabels.env", base: "prod" },
  { path: "alloyGateway.logs.externalLabels.<key>", base: "env", keyValue: "prod" },
  {
    path: "alloyGateway.logs.extraStages[0].selector",
    base: '{namespace="apps§"}',
    userLanguage: true,
    enable: {
      alloyGateway: {
        logs: {
          extraStages: [
            { type: "match", selector: '{namespace="apps"}', stages: [{ type: "cri" }] },
          ],
        },
      },
    },
  },
  {
    path: "alloyGateway.logs.extraStages[0].expression",
    base: "level=(?P<level>\\w+)§",
    userLanguage: true,
    enable: {
      alloyGateway: {
        logs: { extraStages: [{ type: "regex", expression: "level=(?P<level>\\w+)" }] },
      },
    },
  },
  {
    path: "alloyGateway.logs.extraStages[0].template",
    base: "{{ .level }}§",
    userLanguage: true,
    enable: {
      alloyGateway: {
        logs: { extraStages: [{ type: "template", source: "level", template: "{{ .level }}" }] },
      },
    },
  },
  { path: "alloyGateway.logs.events.jobName" },
  { path: "alloyGateway.rbac.nonResourceUrls[0]", base: "/metrics/§" },
];

/** `a.b[0].c\.d` into segments; `\.` keeps a dot in a key, `<key>` is the record-key marker. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  let current = "";
  let pending = false;
  const push = () => {
    if (pending || current) out.push(current);
    current = "";
    pending = false;
  };
  for (let i = 0; i < path.length; i++) {
    const ch = path[i] as string;
    if (ch === "\\" && i + 1 < path.length) {
      current += path[i + 1];
      pending = true;
      i++;
    } else if (ch === ".") push();
    else if (ch === "[") {
      push();
      const end = path.indexOf("]", i);
      out.push(Number(path.slice(i + 1, end)));
      i = end;
    } else current += ch;
  }
  push();
  return out;
}

export function isTree(value: unknown): value is Values {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Maps merge, lists and scalars replace (the CLI's merge of profiles, files and --set). */
export function merge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isTree(base) || !isTree(override)) return structuredClone(override);
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = merge(base[key], value);
  return out;
}

export function getAt(values: unknown, path: readonly Segment[]): unknown {
  let node: unknown = values;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** Sets `path` in a copy of `values`, creating maps and lists on the way. */
export function setAt(values: Values, path: readonly Segment[], value: unknown): Values {
  const root = structuredClone(values);
  let node: Record<string | number, unknown> = root;
  path.forEach((segment, index) => {
    if (index === path.length - 1) {
      node[segment] = value;
      return;
    }
    const nextIsIndex = typeof path[index + 1] === "number";
    const existing = node[segment];
    if (existing === null || typeof existing !== "object") node[segment] = nextIsIndex ? [{}] : {};
    if (nextIsIndex && Array.isArray(node[segment])) {
      const list = node[segment] as unknown[];
      const i = path[index + 1] as number;
      if (list[i] === undefined && typeof path[index + 2] !== "undefined") list[i] = {};
    }
    node = node[segment] as Record<string | number, unknown>;
  });
  return root;
}

// ---------------------------------------------------------------------------
// 4. Cases
// ---------------------------------------------------------------------------

export interface HostileCase {
  id: number;
  /** The deep path as written in DEEP_PATHS. */
  path: string;
  /** Index of the deep path in its table (a path may appear twice, with different enablers). */
  plan: number;
  /** The umbrella path a refusal must name (record keys as written). */
  refusalPath: string;
  payload: string;
  /** `raw` (the payload alone) or `embedded` (in a realistic base value). */
  form: "raw" | "embedded";
  /** The string written into the values. */
  value: string;
  /** What must read back: the value, or its documented transformation. */
  expected: string;
  /** Values handed to the CLI's code path. */
  values: Values;
  /** The baseline these values differ from: the enabler, with the base value or the default. */
  baselineKey: string;
  baseline: Values;
  isKey: boolean;
  userLanguage: boolean;
}

/** One deep path, ready to be probed and turned into cases. */
export interface PathPlan {
  index: number;
  path: string;
  /** The values with a marker in place of the value: where it shows up decides what is rendered. */
  probe: Values;
  marker: string;
  /** The path's section (`loki`, `global`, ...). */
  section: string;
  /** Sections pruned even when the probe reaches them (see DeepPath.pruneAnyway). */
  pruneAnyway: readonly string[];
  /** The plan's enablers switch a section off (`loki.enabled: false`): probed alone. */
  disablesSection: boolean;
  /** Cases, with `prune` (sections switched off) merged under every case and baseline. */
  cases: (prune: Values) => Omit<HostileCase, "id">[];
}

export interface PlanSet {
  plans: PathPlan[];
  /** Deep paths the schema no longer has (the table went stale). */
  unknownPaths: string[];
  /** Leaf names the deep paths cover. */
  coveredLeaves: Set<string>;
}

function embed(base: string, payload: string): string {
  return base.includes("§") ? base.replace("§", payload) : base + payload;
}

/**
 * The marker a plan's probe writes: plain lower-case letters (valid almost anywhere, unchanged by
 * any escaping), one per plan so that many plans can be probed in one render.
 */
export function markerFor(index: number): string {
  const letters = [2, 1, 0]
    .map((p) => String.fromCharCode(97 + (Math.floor(index / 26 ** p) % 26)))
    .join("");
  return `zqhp${letters}q`;
}

/** Every deep path's plan, deterministic in order. */
export function buildPlans(
  root: JsonSchema,
  paths: readonly DeepPath[] = DEEP_PATHS,
  payloads: readonly Payload[] = PAYLOADS,
): PlanSet {
  const enumeration = stringLeaves(root);
  const known = new Set(enumeration.leaves.map((l) => l.name));
  const plans: PathPlan[] = [];
  const unknownPaths: string[] = [];
  const coveredLeaves = new Set<string>();
  paths.forEach((deep, index) => {
    const segments = parsePath(deep.path);
    const schemaName = deep.leaf ?? schemaLeafName(root, segments);
    if (!schemaName || !known.has(schemaName)) {
      unknownPaths.push(`${deep.path} (schema leaf ${schemaName ?? "none"})`);
      return;
    }
    coveredLeaves.add(schemaName);
    const isKey = segments.at(-1) === KEY;
    const recordPath = isKey ? segments.slice(0, -1) : segments;
    let enable: Values = merge({}, deep.enable ?? {}) as Values;
    // Debian's amtool is 0.25: the config a path of alertmanager.config changes is rendered for
    // 0.25, so that amtool can check every field of it.
    if (deep.path.startsWith("alertmanager.config."))
      enable = merge({ alertmanager: { image: { tag: "v0.25.0" } } }, enable) as Values;
    const leaf = enumeration.leaves.find((l) => l.name === schemaName);
    const schemaDefault =
      typeof leaf?.schema.default === "string" ? leaf.schema.default : undefined;
    const enablerValue = isKey ? undefined : getAt(enable, segments);
    const base =
      deep.base ??
      (schemaDefault || undefined) ??
      (typeof enablerValue === "string" && enablerValue ? enablerValue : undefined);
    const write = (value: string): Values => {
      if (!isKey) return setAt(enable, segments, value);
      const existing = getAt(enable, recordPath);
      return setAt(enable, recordPath, {
        ...(isTree(existing) ? existing : {}),
        [value]: deep.keyValue ?? "x",
      });
    };
    // The baseline writes the base (a valid value): the output a payload is compared against.
    const baselineValue = base ? embed(base, "") : undefined;
    const refusalPath = leafName(recordPath);
    plans.push({
      index,
      path: deep.path,
      probe: write(base ? embed(base, markerFor(index)) : markerFor(index)),
      marker: markerFor(index),
      section: String(segments[0]),
      pruneAnyway: deep.pruneAnyway ?? [],
      disablesSection: JSON.stringify(enable).includes('"enabled":false'),
      cases: (prune) => {
        const baseline = merge(
          prune,
          baselineValue !== undefined ? write(baselineValue) : enable,
        ) as Values;
        const baselineKey = JSON.stringify(baseline);
        const out: Omit<HostileCase, "id">[] = [];
        const seen = new Set<string>();
        for (const payload of deep.payloads ?? payloads) {
          const forms: ["raw" | "embedded", string][] = [["raw", payload.value]];
          if (base && !deep.rawOnly) forms.push(["embedded", embed(base, payload.value)]);
          for (const [form, value] of forms) {
            if (seen.has(value) || value === baselineValue) continue;
            seen.add(value);
            out.push({
              path: deep.path,
              plan: index,
              refusalPath,
              payload: payload.name,
              form,
              value,
              expected: deep.readsBackAs ? deep.readsBackAs(value) : value,
              values: merge(prune, write(value)) as Values,
              baselineKey,
              baseline,
              isKey,
              userLanguage: deep.userLanguage ?? false,
            });
          }
        }
        return out;
      },
    });
  });
  return { plans, unknownPaths, coveredLeaves };
}

/**
 * Sections a path's value never reaches (its probe's marker is in none of
 * their objects), switched off for its cases: a render then costs a fraction.
 * Only sections that can be off without an `external` replacement.
 */
export const PRUNABLE: Readonly<Record<string, Values>> = {
  grafanaOperator: { grafanaOperator: { enabled: false } },
  alloyGateway: { alloyGateway: { enabled: false } },
  alloyAgent: { alloyAgent: { enabled: false } },
  materialize: { materialize: { enabled: false } },
  exporters: {
    exporters: {
      nodeExporter: { enabled: false },
      kubeStateMetrics: { enabled: false },
      metricsServer: { enabled: false },
    },
  },
};

// ---------------------------------------------------------------------------
// 5. Rendering in worker threads: the CLI's code path, many cases at once
// ---------------------------------------------------------------------------

export interface ChangedObject {
  key: string;
  /** The object as JSON (what YAML must read back as). */
  json: string;
  /** Its document in the YAML stream, `---\n` included. */
  yaml: string;
}

export type RenderResult =
  | { kind: "refused"; problems: { path: string; message: string; hint?: string }[] }
  | { kind: "crash"; error: string }
  | { kind: "rendered"; changed: ChangedObject[]; removed: string[] };

export type ProbeResult =
  | { kind: "probed"; reached: Record<string, string[]> }
  | Exclude<RenderResult, { kind: "rendered" }>;

export interface BaselineResult {
  ok: boolean;
  error?: string;
  /** Every object, as JSON, by key. */
  objects: Record<string, string>;
  /** Every object's YAML document. */
  yaml: Record<string, string>;
  /** `renderStream(built, "yaml")` is the concatenation of the documents, in apply order. */
  streamIsConcatenation: boolean;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const stackLib = await import(workerData.stackUrl);
  const core = await import(workerData.coreUrl);
  const baselines = new Map();
  const shapes = new Set();
  // Equal JSON, equal YAML (toYaml starts from a JSON copy): documents rendered once.
  const yamlCache = new Map();
  const yamlOf = (o, j) => {
    let y = yamlCache.get(j);
    if (y === undefined) { y = "---\\n" + core.toYaml(o); yamlCache.set(j, y); }
    return y;
  };
  const keyOf = (o) => o.apiVersion + "/" + o.kind + "/" + (o.metadata.namespace || "") + "/" + o.metadata.name;
  // The CLI's render: values merged like profiles and files (loadValues), then stack().
  const build = (values) => stackLib.stack(stackLib.loadValues({ profiles: [values], files: [], sets: [] }));
  const describe = (error) => {
    if (error && error.name === "ValuesError" && Array.isArray(error.problems))
      return { kind: "refused", problems: error.problems.map((p) => ({ path: p.path, message: p.message, hint: p.hint })) };
    const name = error && error.name ? error.name : "Error";
    const message = error && error.message !== undefined ? String(error.message) : String(error);
    return { kind: "crash", error: name + ": " + message };
  };
  parentPort.on("message", (msg) => {
    try {
      const reply = (result) => parentPort.postMessage({ id: msg.id, direct: msg.direct, result });
      if (msg.type === "drop") { baselines.delete(msg.key); reply(true); return; }
      if (msg.type === "baseline") {
        let built;
        try { built = build(msg.values); } catch (error) {
          const d = describe(error);
          reply({ ok: false, error: d.kind === "refused" ? d.problems.map((p) => p.path + ": " + p.message).join("; ") : d.error, objects: {}, yaml: {}, streamIsConcatenation: false });
          return;
        }
        const objects = {}; const yaml = {}; const json = new Map();
        const sorted = core.sortForApply(built.objects);
        const docs = [];
        for (const o of sorted) {
          const k = keyOf(o); const j = JSON.stringify(o); const y = yamlOf(o, j);
          objects[k] = j; yaml[k] = y; json.set(k, j); docs.push(y);
        }
        baselines.set(msg.key, json);
        // renderStream is the documents in apply order: checked once per set of objects.
        const shape = sorted.map(keyOf).join("\\n");
        let streamIsConcatenation = true;
        if (!shapes.has(shape)) {
          shapes.add(shape);
          streamIsConcatenation = stackLib.renderStream(built, "yaml") === docs.join("");
        }
        reply({ ok: true, objects, yaml, streamIsConcatenation });
        return;
      }
      if (msg.type === "probe") {
        let built;
        try { built = build(msg.values); } catch (error) { reply(describe(error)); return; }
        const texts = built.components.map((c) => [c.name, JSON.stringify(c.objects)]);
        const reached = {};
        for (const marker of msg.markers) reached[marker] = texts.filter(([, t]) => t.includes(marker)).map(([n]) => n);
        reply({ kind: "probed", reached });
        return;
      }
      const base = baselines.get(msg.key);
      let built;
      try { built = build(msg.values); } catch (error) { reply(describe(error)); return; }
      const changed = []; const present = new Set();
      for (const o of built.objects) {
        const k = keyOf(o); present.add(k);
        const j = JSON.stringify(o);
        if (!base || base.get(k) !== j) changed.push({ key: k, json: j, yaml: "---\\n" + core.toYaml(o) });
      }
      const removed = base ? [...base.keys()].filter((k) => !present.has(k)) : [];
      reply({ kind: "rendered", changed, removed });
    } catch (error) {
      parentPort.postMessage({ id: msg.id, direct: msg.direct, result: { kind: "crash", error: "harness: " + String(error && error.stack || error) } });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((error) => parentPort.postMessage({ fatal: String(error && error.stack || error) }));
`;

function packageEntry(name: string): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(join(dirname(require.resolve(`${name}/package.json`)), "dist/index.js"))
    .href;
}

/**
 * Worker threads that each load the built `materialize-monitoring` and
 * render cases: `stack(loadValues({ profiles: [values] }))`, what `render -f`
 * does with a values file. A case's objects are compared with its baseline's
 * in the worker; only the objects that differ come back (as JSON and as their
 * document of the YAML stream). Baselines are loaded into every worker, one
 * group of cases at a time.
 */
export class RenderPool {
  private readonly workers: Worker[] = [];
  private readonly ready: Promise<void>[] = [];
  private readonly pending = new Map<number, (result: unknown) => void>();
  private readonly idle: Worker[] = [];
  private readonly queue: { message: Record<string, unknown>; id: number }[] = [];
  private nextId = 0;

  constructor(size = Math.max(1, Math.min(4, availableParallelism()))) {
    const workerData = {
      stackUrl: packageEntry("materialize-monitoring"),
      coreUrl: packageEntry("@materialize-monitoring/core"),
    };
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
      this.workers.push(worker);
      this.ready.push(
        new Promise<void>((resolve, reject) => {
          worker.on("message", (message: WorkerMessage) => {
            if (message.ready) {
              this.idle.push(worker);
              resolve();
              this.pump();
            } else if (message.fatal) reject(new Error(message.fatal));
            else if (message.id !== undefined) {
              const done = this.pending.get(message.id);
              this.pending.delete(message.id);
              if (!message.direct) this.idle.push(worker);
              done?.(message.result);
              this.pump();
            }
          });
          worker.on("error", reject);
        }),
      );
    }
  }

  get size(): number {
    return this.workers.length;
  }

  async start(): Promise<void> {
    await Promise.all(this.ready);
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const next = this.queue.shift();
      const worker = this.idle.pop();
      if (!next || !worker) return;
      worker.postMessage({ ...next.message, id: next.id });
    }
  }

  private direct<T>(worker: Worker, message: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.pending.set(id, resolve as (result: unknown) => void);
      worker.postMessage({ ...message, id, direct: true });
    });
  }

  /** Renders a baseline in every worker, which keeps it for `render`; call between groups of cases. */
  async loadBaseline(key: string, values: Values): Promise<BaselineResult> {
    await this.start();
    const results = await Promise.all(
      this.workers.map((w) => this.direct<BaselineResult>(w, { type: "baseline", key, values })),
    );
    return results[0] as BaselineResult;
  }

  async dropBaseline(key: string): Promise<void> {
    await Promise.all(this.workers.map((w) => this.direct(w, { type: "drop", key })));
  }

  /** Renders `values` and returns, for each marker, the stack components whose objects hold it. */
  probe(values: Values, markers: readonly string[]): Promise<ProbeResult> {
    const id = this.nextId++;
    return new Promise<ProbeResult>((resolve) => {
      this.pending.set(id, resolve as (result: unknown) => void);
      this.queue.push({ message: { type: "probe", values, markers }, id });
      this.pump();
    });
  }

  render(key: string, values: Values): Promise<RenderResult> {
    const id = this.nextId++;
    return new Promise<RenderResult>((resolve) => {
      this.pending.set(id, resolve as (result: unknown) => void);
      this.queue.push({ message: { type: "case", key, values }, id });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

interface WorkerMessage {
  ready?: boolean;
  fatal?: string;
  id?: number;
  direct?: boolean;
  result?: unknown;
}

// ---------------------------------------------------------------------------
// 6. Expansions the consumers apply (ported from their sources)
// ---------------------------------------------------------------------------

/**
 * The kubelet's `$(VAR)` expansion of `command`, `args` and `env[].value`
 * (Kubernetes third_party/forked/golang/expansion `Expand`): `$$` is `$`,
 * `$(NAME)` is the env var NAME when the container declares it (else kept as
 * written), `$` before anything else stays.
 */
export function kubeletExpand(input: string, env: ReadonlyMap<string, string>): string {
  let out = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    const first = String.fromCodePoint(rest.codePointAt(0) as number);
    let read: string;
    let advance: number;
    if (first === "$") {
      read = "$";
      advance = 1;
    } else if (first === "(") {
      const close = rest.indexOf(")", 1);
      if (close === -1) {
        read = "$(";
        advance = 1;
      } else {
        const name = rest.slice(1, close);
        read = env.has(name) ? (env.get(name) as string) : `$(${name})`;
        advance = close + 1;
      }
    } else {
      read = `$${first}`;
      advance = first.length;
    }
    out += read;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** Thrown where a consumer would refuse to start; the message says why. */
export class ConsumerError extends Error {}

/**
 * What Loki does to config.yaml with `-config.expand-env=true`: drone/envsubst
 * v1.0.3 `EvalEnv` over the file text (a port of its scanner for the forms
 * that matter: `$$` and `\\`/`\/` escapes, `${NAME}`; `${` without its `}` and
 * the function forms fail, as Loki does not start then).
 */
export function envsubst(text: string, env: ReadonlyMap<string, string>): string {
  let out = "";
  let i = 0;
  const isIdent = (ch: string) => /^[\p{L}\p{Nd}_]$/u.test(ch);
  while (i < text.length) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (ch === "$" && next === "$") {
      out += "$";
      i += 2;
    } else if (ch === "\\" && (next === "\\" || next === "/")) {
      out += next;
      i += 2;
    } else if (ch === "$" && next === "{") {
      let j = i + 2;
      let name = "";
      while (j < text.length) {
        const c = String.fromCodePoint(text.codePointAt(j) as number);
        if (!isIdent(c)) break;
        name += c;
        j += c.length;
      }
      if (!name)
        throw new ConsumerError(
          `envsubst: bad substitution at ${JSON.stringify(text.slice(i, i + 20))}`,
        );
      if (text[j] !== "}") {
        throw new ConsumerError(
          `envsubst: \${${name}${text[j] ?? ""}... is not a plain reference (missing closing brace or a function form)`,
        );
      }
      out += env.get(name) ?? "";
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/**
 * Thanos' env substitution of the files given with `--*.config-file` flags
 * registered `WithEnvSubstitution` (objstore, index cache, caches, ruler's
 * query and alertmanagers configs): every `$(NAME)` in the text is replaced by
 * the env var; an unset one fails the start. There is no escape.
 */
export function thanosExpandEnv(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(/\$\(([a-zA-Z_0-9]+)\)/g, (_m, name: string) => {
    if (!env.has(name))
      throw new ConsumerError(`thanos: found reference to unset environment variable "${name}"`);
    return env.get(name) as string;
  });
}

/** The Thanos flags whose file gets `thanosExpandEnv` (cmd/thanos, `extflag.WithEnvSubstitution()`). */
export const THANOS_ENV_SUBSTITUTED_FLAGS = new Set([
  "objstore.config-file",
  "index-cache.config-file",
  "store.caching-bucket.config-file",
  "query-range.response-cache-config-file",
  "labels.response-cache-config-file",
  "query-frontend.downstream-tripper-config-file",
  "query.config-file",
  "alertmanagers.config-file",
  "alert.relabel-config-file",
  "selector.relabel-config-file",
  "receive.relabel-config-file",
  "receive.limits-config-file",
  "remote-write.config-file",
  "tracing.config-file",
  "request.logging-config-file",
]);

/** A placeholder for what a consumer substitutes at run time, so a rewritten value cannot read back. */
const SUBSTITUTED = (what: string) => `\u27e8${what}\u27e9`;

export interface IniKey {
  section: string;
  key: string;
  value: string;
}

/**
 * go-ini v1 (gopkg.in/ini.v1) `ini.Load` with default options, as Grafana
 * loads grafana.ini: `#`/`;` lines are comments; a value starting with `"""`
 * or a backtick runs to the last closing quote (across lines); otherwise it is
 * trimmed, a trailing `\` joins the next line, the first `#` or `;` starts a
 * comment, and one pair of surrounding `"` or `'` is removed. A key set twice
 * keeps the last value.
 */
export function parseGoIni(text: string): IniKey[] {
  const lines = text.split(/(?<=\n)/);
  let index = 0;
  const nextLine = (): string | undefined => lines[index++];
  const keys = new Map<string, IniKey>();
  let section = "DEFAULT";
  const trimLeft = (s: string) => s.replace(/^\s+/u, "");
  const readMultiline = (first: string, quote: string): string => {
    let value = first;
    for (;;) {
      const line = nextLine();
      if (line === undefined) throw new ConsumerError(`go-ini: missing closing quote ${quote}`);
      const pos = line.lastIndexOf(quote);
      if (pos > -1) return value + line.slice(0, pos);
      value += line;
    }
  };
  const surrounded = (s: string, q: string) =>
    s.length >= 2 && s[0] === q && s.at(-1) === q && s.indexOf(q, 1) === s.length - 1;
  for (let raw = nextLine(); raw !== undefined; raw = nextLine()) {
    const line = trimLeft(raw);
    if (line.length === 0) continue;
    if (line[0] === "#" || line[0] === ";") continue;
    if (line[0] === "[") {
      const close = line.lastIndexOf("]");
      if (close === -1) throw new ConsumerError(`go-ini: unclosed section: ${line.trim()}`);
      section = line.slice(1, close);
      continue;
    }
    const delimiter = line.search(/[=:]/);
    if (delimiter < 0)
      throw new ConsumerError(`go-ini: key-value delimiter not found: ${line.trim()}`);
    if (delimiter === 0) throw new ConsumerError(`go-ini: empty key name: ${line.trim()}`);
    const key = line.slice(0, delimiter).trim();
    let rest = trimLeft(line.slice(delimiter + 1));
    let value: string;
    if (rest.length === 0) value = "";
    else if (rest.length > 3 && rest.startsWith('"""')) {
      const body = rest.slice(3);
      const pos = body.lastIndexOf('"""');
      value = pos === -1 ? readMultiline(body, '"""') : body.slice(0, pos);
    } else if (rest[0] === "`") {
      const body = rest.slice(1);
      const pos = body.lastIndexOf("`");
      value = pos === -1 ? readMultiline(body, "`") : body.slice(0, pos);
    } else {
      rest = rest.trim();
      if (rest.endsWith("\\")) {
        // Continuation: the next lines, trimmed, until one does not end with a backslash.
        value = rest.slice(0, -1);
        for (;;) {
          const next = nextLine();
          if (next === undefined) break;
          const t = next.trim();
          if (t.length === 0) break;
          value += t;
          if (!value.endsWith("\\")) break;
          value = value.slice(0, -1);
        }
      } else {
        const comment = rest.search(/[#;]/);
        value = comment > -1 ? rest.slice(0, comment).trim() : rest;
        if (surrounded(value, "'") || surrounded(value, '"')) value = value.slice(1, -1);
      }
    }
    keys.set(`${section}\u0000${key}`, { section, key, value });
  }
  return [...keys.values()];
}

/**
 * What Grafana reads from an ini value: go-ini's `%(name)s` interpolation
 * (`Key.String`; any `%(...)s` counts as rewritten: what it becomes depends on
 * other keys), then Grafana's expanders (pkg/setting/expanders.go, regex
 * `\$(|__\w+){([^}]+)}`): `${NAME}` and `$__env{NAME}` from the env (HOSTNAME
 * falls back to the host name), `$__file{path}` the file's content. There is
 * no escape for either.
 */
export function grafanaIniValue(value: string, env: ReadonlyMap<string, string>): string {
  let out = value.replace(/%\(([^)]+)\)s/g, (m) => SUBSTITUTED(`go-ini interpolation ${m}`));
  out = out.replace(/\$(|__\w+)\{([^}]+)\}/g, (m, kind: string, name: string) => {
    if (kind === "" || kind === "__env")
      return env.get(name) ?? (name === "HOSTNAME" ? SUBSTITUTED("hostname") : "");
    if (kind === "__file") return SUBSTITUTED(`content of file ${name}`);
    if (kind === "__vault") return SUBSTITUTED(`vault ${name}`);
    return m;
  });
  return out;
}

/**
 * nginx's lexer (ngx_conf_read_token): tokens split at whitespace, `;`, `{`
 * and `}` outside quotes; `"`/`'` quote; `#` at a token's start comments to the
 * end of the line; a backslash escapes the next character and `\"`, `\'`, `\\`,
 * `\t`, `\r`, `\n` are unescaped in the token.
 */
export function nginxTokens(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  const unescapeToken = (raw: string) =>
    raw.replace(/\\(["'\\trn])/g, (_m, c: string) =>
      c === "t" ? "\t" : c === "r" ? "\r" : c === "n" ? "\n" : c,
    );
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch) || ch === ";" || ch === "{" || ch === "}") {
      i++;
      continue;
    }
    if (ch === "#") {
      const end = text.indexOf("\n", i);
      i = end === -1 ? text.length : end;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === "\\" ? 2 : 1;
      tokens.push(unescapeToken(text.slice(i + 1, j)));
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s;{}]/.test(text[j] as string)) j += text[j] === "\\" ? 2 : 1;
    tokens.push(unescapeToken(text.slice(i, j)));
    i = j;
  }
  return tokens;
}

/** nginx evaluates `$name` and `${name}` in most directive values at request time. */
function nginxVariables(token: string): string {
  return token.replace(/\$(\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)/g, (m) =>
    SUBSTITUTED(`nginx variable ${m}`),
  );
}

/**
 * Go's `strconv.Unquote` for a double-quoted string (what Thanos applies to
 * `--label=name="value"`); undefined when it is not one.
 */
export function goUnquote(text: string): string | undefined {
  if (text.length < 2 || text[0] !== '"' || text.at(-1) !== '"') return undefined;
  try {
    const value: unknown = JSON.parse(
      text
        .replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1")
        .replace(/\\U([0-9a-fA-F]{8})/g, (_m, h: string) => {
          const code = Number.parseInt(h, 16);
          return JSON.stringify(String.fromCodePoint(code)).slice(1, -1);
        }),
    );
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The contents of the double-quoted strings in an expression (PromQL, LogQL, matchers), unquoted. */
export function quotedStrings(text: string): string[] {
  const out: string[] = [];
  const re = /"(?:[^"\\\n]|\\.)*"/g;
  for (const match of text.matchAll(re)) {
    const value = goUnquote(match[0]);
    if (value !== undefined) out.push(value);
  }
  return out;
}

/**
 * Go `text/template` as Prometheus runs it over alerting rules' labels and
 * annotations: a string literal action `{{ "x" }}` reads as its text, any
 * other action is what the template computes.
 */
export function prometheusTemplate(text: string): string {
  if (!text.includes("{{")) return text;
  return text.replace(/\{\{-?\s*(.*?)\s*-?\}\}/gs, (m, body: string) => {
    const literal =
      body.startsWith("`") && body.endsWith("`") ? body.slice(1, -1) : goUnquote(body);
    return literal ?? SUBSTITUTED(`template ${m}`);
  });
}

// ---------------------------------------------------------------------------
// 7. Reading a render back: every string as its consumer reads it
// ---------------------------------------------------------------------------

export interface Leaf {
  /** The string as the consumer reads it. */
  text: string;
  /** How it was read: `yaml`, `kubelet $(VAR)`, `loki envsubst`, `grafana.ini`, ... */
  via: string;
  /** Where: object, then field or file. */
  where: string;
  /** Counts only for a field whose language the user writes (a rule's template text). */
  userLanguageOnly?: boolean;
}

export interface ToolFile {
  tool: "promtool" | "amtool" | "nginx";
  /** Other files the consumer sees (templates next to alertmanager.yml), by absolute path. */
  files?: MountedFile[];
  /** The file's name in its ConfigMap or Secret (promtool and amtool look at the extension). */
  name: string;
  content: string;
  where: string;
}

export interface ReadBack {
  leaves: Leaf[];
  /** Consumers that would not start or parse: `where: why`. */
  broken: string[];
  toolFiles: ToolFile[];
}

interface KubeLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  [key: string]: unknown;
}

interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}

interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  volumes?: {
    name: string;
    configMap?: { name: string; items?: { key: string; path: string }[] };
    secret?: { secretName: string; items?: { key: string; path: string }[] };
    projected?: {
      sources?: {
        configMap?: { name: string; items?: { key: string; path: string }[] };
        secret?: { name: string; items?: { key: string; path: string }[] };
      }[];
    };
  }[];
}

export const objectKey = (o: KubeLike): string =>
  `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;

function podSpecOf(o: KubeLike): PodSpec | undefined {
  const spec = o.spec as Record<string, unknown> | undefined;
  if (!spec) return undefined;
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(o.kind ?? ""))
    return (spec.template as { spec?: PodSpec } | undefined)?.spec;
  if (o.kind === "CronJob")
    return (spec.jobTemplate as { spec?: { template?: { spec?: PodSpec } } } | undefined)?.spec
      ?.template?.spec;
  if (o.kind === "Pod") return spec as PodSpec;
  return undefined;
}

/** The env the kubelet expands `$(VAR)` from (declared vars, in order) and the process's env. */
function containerEnv(container: Container): {
  kubelet: Map<string, string>;
  process: Map<string, string>;
} {
  const kubelet = new Map<string, string>();
  for (const variable of container.env ?? []) {
    const value =
      variable.value !== undefined
        ? kubeletExpand(variable.value, kubelet)
        : SUBSTITUTED(`env ${variable.name} from valueFrom`);
    kubelet.set(variable.name, value);
  }
  const process = new Map(kubelet);
  for (const name of ["HOSTNAME", "HOME", "PATH"])
    if (!process.has(name)) process.set(name, SUBSTITUTED(`runtime env ${name}`));
  return { kubelet, process };
}

/** `--name=value` / `-name=value` flags of an arg list (after expansion). */
function flags(args: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const arg of args) {
    const m = /^--?([A-Za-z0-9][A-Za-z0-9._-]*)=([\s\S]*)$/.exec(arg);
    if (m) out.set(m[1] as string, [...(out.get(m[1] as string) ?? []), m[2] as string]);
  }
  return out;
}

function globMatch(glob: string, path: string): boolean {
  const re = new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, "[^/]*")
      .replace(/\?/g, "[^/]")}$`,
  );
  return re.test(path);
}

/** The amtool CI installs (Debian's prometheus-alertmanager): configs for newer releases skip it. */
const AMTOOL_VERSION = [0, 25] as const;

type FileReader =
  | { kind: "loki-config"; env: Map<string, string> }
  | { kind: "thanos-env"; env: Map<string, string> }
  | { kind: "prometheus-rules" }
  | { kind: "alertmanager"; files: () => MountedFile[]; version?: readonly number[] }
  | { kind: "nginx" }
  | { kind: "alloy" }
  | { kind: "grafana-ini"; env: Map<string, string> }
  | { kind: "by-extension" };

interface Consumption {
  reader: FileReader;
  who: string;
}

/** A file a container sees, from a mounted ConfigMap (Secrets: a placeholder, never a value). */
export interface MountedFile {
  path: string;
  content: string;
}

type VolumeSource = {
  kind: "ConfigMap" | "Secret";
  name: string;
  items?: { key: string; path: string }[];
};

/**
 * Which containers read which ConfigMap/Secret key, and how (from the mounts
 * and the flags): `(source, key) => readers`, `source` as `ConfigMap/ns/name`.
 */
function consumers(objects: readonly KubeLike[]): (source: string, key: string) => Consumption[] {
  const resolvers: { source: string; resolve: (key: string) => Consumption | undefined }[] = [];
  const sourcesByName = new Map<string, KubeLike>();
  for (const o of objects)
    if (o.kind === "ConfigMap" || o.kind === "Secret")
      sourcesByName.set(`${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`, o);
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const ns = o.metadata?.namespace ?? "";
    for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      const { kubelet, process } = containerEnv(container);
      const args = [...(container.command ?? []), ...(container.args ?? [])].map((a) =>
        kubeletExpand(a, kubelet),
      );
      const flagValues = flags(args);
      const configFile = flagValues.get("config.file") ?? [];
      const who = `${o.kind}/${o.metadata?.name}/${container.name}`;
      const mountedFiles: (() => MountedFile[])[] = [];
      const filesOfContainer = () => mountedFiles.flatMap((f) => f());
      const readerFor = (path: string, key: string): FileReader => {
        if (args.includes("-config.expand-env=true") && configFile.includes(path))
          return { kind: "loki-config", env: process };
        for (const [flag, values] of flagValues) {
          if (THANOS_ENV_SUBSTITUTED_FLAGS.has(flag) && values.includes(path))
            return { kind: "thanos-env", env: process };
        }
        if ((flagValues.get("rule-file") ?? []).some((g) => globMatch(g, path)))
          return { kind: "prometheus-rules" };
        if (/alertmanager/.test(container.image ?? "") && configFile.includes(path))
          return {
            kind: "alertmanager",
            files: filesOfContainer,
            version: /:v?(\d+)\.(\d+)/
              .exec(container.image ?? "")
              ?.slice(1)
              .map(Number),
          };
        const c = args.indexOf("-c");
        if (args[0] === "nginx" && c >= 0 && args[c + 1] === path) return { kind: "nginx" };
        if (key.endsWith(".alloy")) return { kind: "alloy" };
        if (key.endsWith(".ini")) return { kind: "grafana-ini", env: process };
        return { kind: "by-extension" };
      };
      for (const mount of container.volumeMounts ?? []) {
        const volume = pod.volumes?.find((v) => v.name === mount.name);
        if (!volume) continue;
        const sources: VolumeSource[] = [];
        if (volume.configMap) sources.push({ kind: "ConfigMap", ...volume.configMap });
        if (volume.secret)
          sources.push({
            kind: "Secret",
            name: volume.secret.secretName,
            items: volume.secret.items,
          });
        for (const s of volume.projected?.sources ?? []) {
          if (s.configMap) sources.push({ kind: "ConfigMap", ...s.configMap });
          if (s.secret) sources.push({ kind: "Secret", ...s.secret });
        }
        for (const source of sources) {
          const fileOf = (key: string): string | undefined => {
            if (mount.subPath !== undefined) {
              const item = source.items?.find((i) => i.path === mount.subPath);
              return (item?.key ?? mount.subPath) === key ? mount.mountPath : undefined;
            }
            if (source.items) {
              const item = source.items.find((i) => i.key === key);
              return item ? `${mount.mountPath}/${item.path}` : undefined;
            }
            return `${mount.mountPath}/${key}`;
          };
          const id = `${source.kind}/${ns}/${source.name}`;
          mountedFiles.push(() => {
            const object = sourcesByName.get(id);
            const data = {
              ...((object?.data ?? {}) as Record<string, string>),
              ...((object?.stringData ?? {}) as Record<string, string>),
            };
            return Object.entries(data).flatMap(([key, value]) => {
              const path = fileOf(key);
              if (path === undefined) return [];
              return [{ path, content: source.kind === "Secret" ? "placeholder\n" : value }];
            });
          });
          resolvers.push({
            source: id,
            resolve: (key) => {
              const path = fileOf(key);
              return path === undefined
                ? undefined
                : { reader: readerFor(path, key), who: `${who} ${path}` };
            },
          });
        }
      }
    }
  }
  return (source, key) =>
    resolvers
      .filter((r) => r.source === source)
      .map((r) => r.resolve(key))
      .filter((c): c is Consumption => c !== undefined);
}

function yamlLeaves(value: unknown, where: string, via: string, out: Leaf[]): void {
  if (typeof value === "string") out.push({ text: value, via, where });
  else if (Array.isArray(value)) for (const item of value) yamlLeaves(item, where, via, out);
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      out.push({ text: key, via: `${via} key`, where });
      yamlLeaves(child, `${where}.${key}`, via, out);
    }
  }
}

/** Strict YAML: a multi-document file must parse without errors or duplicate keys. */
function parseYamlFile(text: string): unknown[] {
  const docs = parseAllDocuments(text, { strict: true, uniqueKeys: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) throw new ConsumerError(`YAML: ${error.message.split("\n")[0]}`);
  }
  return list.map((d) => d.toJS());
}

function ruleLeaves(doc: unknown, where: string, via: string, out: Leaf[]): void {
  yamlLeaves(doc, where, via, out);
  const groups = (doc as { groups?: { rules?: Record<string, unknown>[] }[] } | null)?.groups ?? [];
  for (const group of groups) {
    for (const rule of group.rules ?? []) {
      if (typeof rule.expr === "string")
        for (const s of quotedStrings(rule.expr))
          out.push({ text: s, via: "PromQL/LogQL string", where });
      if (rule.alert === undefined) continue;
      for (const field of ["labels", "annotations"] as const) {
        const map = rule[field] as Record<string, unknown> | undefined;
        for (const value of Object.values(map ?? {})) {
          if (typeof value !== "string" || !value.includes("{{")) continue;
          // The YAML string counts only where the user writes the template; Prometheus reads the expansion.
          const raw = out.findLast((l) => l.text === value && l.via === via);
          if (raw) raw.userLanguageOnly = true;
          out.push({ text: prometheusTemplate(value), via: "Prometheus template", where });
        }
      }
    }
  }
}

function readFile(
  name: string,
  text: string,
  reader: FileReader,
  where: string,
  result: ReadBack,
): void {
  const leaves = result.leaves;
  const yamlOf = (t: string, via: string, rules = false) => {
    for (const doc of parseYamlFile(t)) (rules ? ruleLeaves : yamlLeaves)(doc, where, via, leaves);
  };
  try {
    switch (reader.kind) {
      case "loki-config":
        yamlOf(envsubst(text, reader.env), "Loki config (envsubst, YAML)");
        return;
      case "thanos-env":
        yamlOf(thanosExpandEnv(text, reader.env), "Thanos config ($(VAR), YAML)");
        return;
      case "prometheus-rules":
        yamlOf(text, "Prometheus rules (YAML)", true);
        result.toolFiles.push({ tool: "promtool", name, content: text, where });
        return;
      case "alertmanager": {
        const start = leaves.length;
        yamlOf(text, "alertmanager.yml (YAML)");
        // Matchers (`name="value"`) are read with Go-style escapes.
        for (const leaf of leaves.slice(start))
          for (const q of quotedStrings(leaf.text))
            leaves.push({ text: q, via: "alertmanager matcher value", where: leaf.where });
        // Debian's amtool is 0.25: a config rendered for a newer Alertmanager (receivers and
        // fields 0.25 does not know, gated by the alertmanager package's typed version) is read
        // as YAML and read back here; the alertmanager package checks those fields against the
        // upstream configuration reference of their version.
        const [major = 0, minor = 0] = reader.version ?? [];
        if (major > AMTOOL_VERSION[0] || (major === AMTOOL_VERSION[0] && minor > AMTOOL_VERSION[1]))
          return;
        result.toolFiles.push({
          tool: "amtool",
          name,
          content: text,
          where,
          files: reader.files(),
        });
        return;
      }
      case "nginx":
        for (const token of nginxTokens(text))
          leaves.push({ text: nginxVariables(token), via: "nginx.conf", where });
        result.toolFiles.push({ tool: "nginx", name, content: text, where });
        return;
      case "alloy":
        alloyLeaves(text, where, leaves);
        return;
      case "grafana-ini":
        for (const { section, key, value } of parseGoIni(text)) {
          leaves.push({ text: section, via: "grafana.ini section", where });
          leaves.push({ text: key, via: "grafana.ini key", where });
          leaves.push({
            text: grafanaIniValue(value, reader.env),
            via: "grafana.ini (go-ini, expanders)",
            where,
          });
        }
        return;
      case "by-extension":
        if (/\.ya?ml$/.test(name)) {
          const rules = /^\s*groups:/m.test(text);
          yamlOf(text, "YAML file", rules);
        } else if (name.endsWith(".json")) yamlLeaves(JSON.parse(text), where, "JSON file", leaves);
        else if (name.endsWith(".alloy")) alloyLeaves(text, where, leaves);
        else if (name.endsWith(".ini"))
          readFile(name, text, { kind: "grafana-ini", env: new Map() }, where, result);
        else leaves.push({ text, via: "file text", where });
        return;
    }
  } catch (error) {
    result.broken.push(`${where} (${reader.kind}): ${firstLine(error)}`);
  }
}

/**
 * Go's `Regexp.Expand`, which relabel rules apply to `replacement`: `$$` is
 * `$`, `$name` and `${name}` are capture groups, any other `$` stays.
 */
export function relabelReplacement(text: string): string {
  return text.replace(/\$(\$|\{[A-Za-z0-9_]+\}|[A-Za-z0-9_]+)?/g, (m, ref?: string) => {
    if (ref === undefined) return "$";
    if (ref === "$") return "$";
    return SUBSTITUTED(`relabel group ${m}`);
  });
}

function alloyLeaves(text: string, where: string, out: Leaf[]): void {
  const walk = (node: unknown, inRule: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, inRule);
      return;
    }
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (record.type === "String" && typeof record.value === "string") {
      out.push({ text: record.value, via: "Alloy string", where });
      for (const s of quotedStrings(record.value))
        out.push({ text: s, via: "LogQL string in Alloy", where });
    }
    if (record.type === "Block" && typeof record.label === "string")
      out.push({ text: record.label, via: "Alloy block label", where });
    if (record.type === "Object" && Array.isArray(record.fields)) {
      for (const field of record.fields as { key?: unknown }[])
        if (typeof field.key === "string")
          out.push({ text: field.key, via: "Alloy object key", where });
    }
    const value = record.value as { type?: string; value?: unknown } | undefined;
    if (
      inRule &&
      record.type === "Attribute" &&
      record.name === "replacement" &&
      value?.type === "String" &&
      typeof value.value === "string"
    ) {
      // The rule's replacement is a template of the regex's groups: the raw text counts only where the user writes it.
      out.push({ text: value.value, via: "Alloy string", where, userLanguageOnly: true });
      out.push({
        text: relabelReplacement(value.value),
        via: "relabel replacement ($1 expansion)",
        where,
      });
      return;
    }
    const rule = record.type === "Block" ? record.name === "rule" : inRule;
    for (const [key, child] of Object.entries(record))
      if (key !== "raw" && key !== "pos") walk(child, rule);
  };
  walk(parseAlloy(text), false);
}

const LIST_FLAGS = new Set([
  "metric-allowlist",
  "metric-denylist",
  "resources",
  "namespaces",
  "namespaces-denylist",
]);
const LABEL_LIST_FLAGS = new Set(["metric-labels-allowlist", "metric-annotations-allowlist"]);

function argLeaves(arg: string, image: string, where: string, out: Leaf[], broken: string[]): void {
  const m = /^--?([A-Za-z0-9][A-Za-z0-9._-]*)=([\s\S]*)$/.exec(arg);
  const flag = m?.[1];
  const value = m?.[2] ?? "";
  if (flag && /thanos/.test(image) && flag === "label") {
    // Thanos parses `name="value"`: the value is a Go string (strconv.Unquote).
    const eq = value.indexOf("=");
    const unquoted = eq > 0 ? goUnquote(value.slice(eq + 1)) : undefined;
    if (unquoted === undefined)
      broken.push(`${where}: thanos --label ${JSON.stringify(value)} is not name="Go string"`);
    else {
      out.push({ text: value.slice(0, eq), via: "thanos --label name", where });
      out.push({ text: unquoted, via: "thanos --label value (Go string)", where });
    }
    return;
  }
  if (flag && LIST_FLAGS.has(flag) && /kube-state-metrics/.test(image)) {
    for (const item of value.split(",")) out.push({ text: item, via: `--${flag} item`, where });
    return;
  }
  if (flag && LABEL_LIST_FLAGS.has(flag) && /kube-state-metrics/.test(image)) {
    for (const g of value.matchAll(/([^=,[\]]+)=\[([^\]]*)\]/g)) {
      out.push({ text: g[1] as string, via: `--${flag} resource`, where });
      for (const item of (g[2] as string).split(","))
        out.push({ text: item, via: `--${flag} item`, where });
    }
    return;
  }
  out.push({ text: arg, via: "container arg (kubelet $(VAR))", where });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? "";
}

/**
 * Every string of `objects` as its consumer reads it. `all` is the whole
 * render (mounts and flags of unchanged workloads decide how a changed
 * ConfigMap is read).
 */
export function readBack(objects: readonly KubeLike[], all: readonly KubeLike[]): ReadBack {
  const result: ReadBack = { leaves: [], broken: [], toolFiles: [] };
  const readersOf = consumers(all);
  for (const o of objects) {
    const name = objectKey(o);
    const pod = podSpecOf(o);
    const containers = pod ? [...(pod.containers ?? []), ...(pod.initContainers ?? [])] : [];
    const skip = new Set<unknown>();
    for (const container of containers) {
      const { kubelet } = containerEnv(container);
      const where = `${name} container ${container.name}`;
      for (const arg of [...(container.command ?? []), ...(container.args ?? [])]) {
        argLeaves(
          kubeletExpand(arg, kubelet),
          container.image ?? "",
          where,
          result.leaves,
          result.broken,
        );
        // `extraArgs` are Kubernetes args the user writes: their `$(VAR)` is the user's.
        result.leaves.push({
          text: arg,
          via: "container arg as written",
          where,
          userLanguageOnly: true,
        });
      }
      for (const variable of container.env ?? []) {
        if (variable.value !== undefined)
          result.leaves.push({
            text: kubelet.get(variable.name) ?? "",
            via: "env value (kubelet $(VAR))",
            where,
          });
      }
      skip.add(container.command);
      skip.add(container.args);
      for (const variable of container.env ?? []) skip.add(variable);
    }
    const files: [string, string][] = [];
    if (o.kind === "ConfigMap" || o.kind === "Secret") {
      const data = (o.data ?? {}) as Record<string, string>;
      const stringData = (o.stringData ?? {}) as Record<string, string>;
      for (const [key, value] of Object.entries(data))
        files.push([
          key,
          o.kind === "Secret" ? Buffer.from(value, "base64").toString("utf8") : value,
        ]);
      for (const [key, value] of Object.entries(stringData)) files.push([key, value]);
      skip.add(o.data);
      skip.add(o.stringData);
    }
    if (o.kind === "GrafanaDashboard" && typeof (o.spec as { json?: unknown })?.json === "string") {
      const spec = o.spec as { json: string };
      try {
        const dashboard: unknown = JSON.parse(spec.json);
        const leaves: Leaf[] = [];
        yamlLeaves(dashboard, `${name} spec.json`, "dashboard JSON", leaves);
        for (const leaf of [...leaves])
          for (const s of quotedStrings(leaf.text))
            leaves.push({ text: s, via: "query string in dashboard", where: leaf.where });
        result.leaves.push(...leaves);
      } catch (error) {
        result.broken.push(`${name} spec.json: ${firstLine(error)}`);
      }
      skip.add(spec.json);
    }
    // The object's own strings (labels, annotations, names, specs) as the API server stores them.
    const walk = (value: unknown, where: string): void => {
      if (skip.has(value)) return;
      if (typeof value === "string") result.leaves.push({ text: value, via: "YAML", where });
      else if (Array.isArray(value)) for (const item of value) walk(item, where);
      else if (value && typeof value === "object") {
        for (const [key, child] of Object.entries(value)) {
          if (skip.has(child)) continue;
          result.leaves.push({ text: key, via: "YAML key", where });
          walk(child, `${where}.${key}`);
        }
      }
    };
    walk(o, name);
    for (const [key, text] of files) {
      const source = `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
      const where = `${name} ${key}`;
      const readers = readersOf(source, key);
      const seen = new Set<string>();
      const distinct = readers.filter((r) => {
        const id = JSON.stringify({
          kind: r.reader.kind,
          env: "env" in r.reader ? [...r.reader.env] : [],
        });
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (distinct.length === 0) readFile(key, text, { kind: "by-extension" }, where, result);
      for (const r of distinct)
        readFile(key, text, r.reader, `${where} (read by ${r.who})`, result);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------
// 8. The verdict of one case
// ---------------------------------------------------------------------------

export type Verdict = "refused" | "ok" | "crash" | "broken" | "rewritten";

export interface CaseResult {
  id: number;
  path: string;
  payload: string;
  /** The string written (not printed: the table groups by what varies less). */
  value: string;
  form: "raw" | "embedded";
  verdict: Verdict;
  /** Why, for anything but `ok` and `refused` (first line). */
  reason: string;
}

function normalizePath(path: string): string {
  // Problems name keys unescaped (loki.ruler.ruleFiles.app.yaml); leaf paths escape their dots.
  let out = path.replace(/\\(.)/g, "$1").replace(/\[(\d+)\]/g, ".$1");
  const first = out.split(".")[0] ?? "";
  // The umbrella names the user's keys already; a component's own name is mapped as it maps it.
  const alias = COMPONENT_PREFIXES[first];
  if (alias) out = alias + out.slice(first.length);
  return out;
}

/** A problem names the leaf when its path is the leaf's path or below it. */
export function namesPath(problemPath: string, leafPath: string): boolean {
  const p = normalizePath(problemPath);
  const l = normalizePath(leafPath);
  return p === l || p.startsWith(`${l}.`);
}

/** The first character YAML readers other than `yaml` (go-yaml, PyYAML) would misread, if any. */
export function unsafeCharacter(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        return `raw U+${text.codePointAt(i)?.toString(16).toUpperCase()} (beyond the BMP) at offset ${i}`;
      }
      return `lone surrogate U+${code.toString(16).toUpperCase()} at offset ${i}`;
    }
    if (code >= 0xdc00 && code <= 0xdfff)
      return `lone surrogate U+${code.toString(16).toUpperCase()} at offset ${i}`;
    const bad =
      (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      code === 0xfeff;
    if (bad) return `raw U+${code.toString(16).toUpperCase().padStart(4, "0")} at offset ${i}`;
  }
  return undefined;
}

/**
 * A document of the stream, re-read strictly as YAML 1.1 (what kubectl's and
 * Helm's go-yaml and PyYAML implement; the writer quotes for 1.1), must equal
 * the object, and hold no character other readers misread.
 */
export function yamlDocumentProblem(yaml: string, json: string): string | undefined {
  const unsafe = unsafeCharacter(yaml);
  if (unsafe) return `YAML stream: ${unsafe}`;
  const expected: unknown = JSON.parse(json);
  for (const version of ["1.1"] as const) {
    const docs = parseAllDocuments(yaml, {
      version,
      strict: true,
      uniqueKeys: true,
      prettyErrors: true,
    });
    const list = Array.isArray(docs) ? docs : [docs];
    if (list.length !== 1) return `YAML ${version}: ${list.length} documents where 1 was written`;
    const doc = list[0];
    const error = doc?.errors[0];
    if (error) return `YAML ${version}: ${error.message.split("\n")[0]}`;
    if (!isDeepStrictEqual(doc?.toJS(), expected))
      return `YAML ${version}: reads back as a different object`;
  }
  return undefined;
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => isDeepStrictEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.hasOwn(b as object, k) && isDeepStrictEqual((a as Values)[k], (b as Values)[k]),
    )
  );
}

// The API server's own rules for names, labels and annotations (k8s.io/apimachinery
// pkg/util/validation and pkg/api/validation): the YAML re-parses, but kubectl apply is refused.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** Kinds whose names are DNS-1123 labels (the rest: subdomains). */
const LABEL_NAMED_KINDS = new Set(["Namespace", "Service"]);

/** `IsQualifiedName`: `[prefix/]name`, the prefix a DNS subdomain, the name at most 63 characters. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "more than one /";
  const name = parts.at(-1) as string;
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (!prefix || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
      return "prefix is not a DNS subdomain";
  }
  if (!name || name.length > 63 || !QUALIFIED_NAME_PART.test(name))
    return "name part is not [A-Za-z0-9][-A-Za-z0-9_.]* (at most 63)";
  return undefined;
}

function labelMapProblems(map: unknown, where: string, out: string[]): void {
  if (!isTree(map)) return;
  for (const [key, value] of Object.entries(map)) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) out.push(`${where} key ${JSON.stringify(key.slice(0, 40))}: ${keyProblem}`);
    if (typeof value === "string" && (value.length > 63 || !LABEL_VALUE.test(value)))
      out.push(
        `${where}.${key.slice(0, 40)}: ${JSON.stringify(value.slice(0, 40))} is not a label value`,
      );
  }
}

/**
 * What the API server refuses in an object that YAML reads fine: its name,
 * label keys and values (metadata, selectors, pod templates, node selectors),
 * annotation keys and total size, ConfigMap/Secret keys.
 */
export function apiServerProblems(object: KubeLike): string[] {
  const out: string[] = [];
  const name = object.metadata?.name ?? "";
  const nameRule = LABEL_NAMED_KINDS.has(object.kind ?? "") ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  if (!nameRule.test(name) || name.length > (nameRule === DNS1123_LABEL ? 63 : 253))
    out.push(
      `metadata.name ${JSON.stringify(name.slice(0, 40))} is not a DNS-1123 ${nameRule === DNS1123_LABEL ? "label" : "subdomain"}`,
    );
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        walk(item, `${where}[${i}]`);
      });
      return;
    }
    if (!isTree(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const at = `${where}.${key}`;
      if ((key === "labels" || key === "matchLabels" || key === "nodeSelector") && isTree(child))
        labelMapProblems(child, at, out);
      else if (key === "annotations" && isTree(child)) {
        let size = 0;
        for (const [k, v] of Object.entries(child)) {
          const problem = qualifiedNameProblem(k);
          if (problem) out.push(`${at} key ${JSON.stringify(k.slice(0, 40))}: ${problem}`);
          size += k.length + String(v).length;
        }
        if (size > 256 * 1024) out.push(`${at}: ${size} bytes where at most 256 KiB are allowed`);
      } else walk(child, at);
    }
  };
  walk(object.metadata, "metadata");
  // Only built-in kinds' specs: a CRD's schema or a custom resource may have maps named `labels`.
  if (
    /^(v1|apps\/v1|batch\/v1|policy\/v1|networking\.k8s\.io\/v1|autoscaling\/v2)$/.test(
      object.apiVersion ?? "",
    )
  )
    walk(object.spec, "spec");
  if (object.kind === "ConfigMap" || object.kind === "Secret") {
    for (const field of ["data", "stringData", "binaryData"]) {
      for (const key of Object.keys((object[field] as Values | undefined) ?? {}))
        if (!CONFIG_KEY.test(key) || key.length > 253)
          out.push(`${field} key ${JSON.stringify(key.slice(0, 40))} is not [-._a-zA-Z0-9]+`);
    }
  }
  return out;
}

/** Leaves of `after` that `before` does not have (as a multiset of texts). */
export function newLeaves(after: readonly Leaf[], before: readonly Leaf[]): Leaf[] {
  const counts = new Map<string, number>();
  for (const leaf of before) counts.set(leaf.text, (counts.get(leaf.text) ?? 0) + 1);
  const out: Leaf[] = [];
  for (const leaf of after) {
    const n = counts.get(leaf.text) ?? 0;
    if (n > 0) counts.set(leaf.text, n - 1);
    else out.push(leaf);
  }
  return out;
}

function snippet(text: string, around: number, width = 60): string {
  const start = Math.max(0, around - width / 2);
  return JSON.stringify(text.slice(start, start + width));
}

/**
 * Does the value read back unchanged: is it (part of) a string a consumer
 * reads that the baseline did not have? Returns why not, or undefined.
 */
export function readBackProblem(
  value: string,
  after: readonly Leaf[],
  before: readonly Leaf[],
  userLanguage: boolean,
  anyChange: boolean,
): string | undefined {
  if (value === "") return undefined;
  const fresh = newLeaves(after, before).filter((l) => userLanguage || !l.userLanguageOnly);
  if (fresh.some((l) => l.text.includes(value))) return undefined;
  if (!anyChange) return "the value changed nothing in the output";
  // Explain: the closest string that holds part of the value (its longest plain-word runs first).
  const words = [...new Set(value.match(/[A-Za-z0-9]{3,}/g) ?? [])].sort(
    (a, b) => b.length - a.length,
  );
  const probe = [...words.slice(0, 3), value.slice(0, 12), value.slice(-12)].filter(
    (p) => p.length >= 3,
  );
  for (const part of probe) {
    for (const leaf of fresh) {
      const at = leaf.text.indexOf(part);
      if (at >= 0) return `reads back as ${snippet(leaf.text, at)} (${leaf.via}, ${leaf.where})`;
    }
  }
  const first = fresh[0];
  return first
    ? `not found in the ${fresh.length} changed strings; first: ${snippet(first.text, 0)} (${first.via}, ${first.where})`
    : "not found: no string changed where a consumer reads it";
}

export interface CaseInput {
  hostile: HostileCase;
  render: RenderResult;
  /** The baseline's objects by key, parsed. */
  baseline: ReadonlyMap<string, KubeLike>;
}

export interface CaseOutcome {
  result: CaseResult;
  /** Files for promtool/amtool/nginx; the case is broken if one fails. */
  toolFiles: ToolFile[];
}

/** True when `b` differs from `a` only in `checksum/*` annotations holding hex digests. */
export function onlyChecksumsDiffer(a: unknown, b: unknown, key = ""): boolean {
  if (a === b) return true;
  if (typeof a === "string" && typeof b === "string")
    return key.startsWith("checksum/") && /^[0-9a-f]{16,}$/.test(b);
  if (!a || !b || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => onlyChecksumsDiffer(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) => Object.hasOwn(b, k) && onlyChecksumsDiffer((a as Values)[k], (b as Values)[k], k),
  );
}

/** Read-backs of baseline objects, by object key (computed once per baseline). */
export type BaselineCache = Map<string, ReadBack>;

/** Checks one case's render: refusal naming, YAML stream, read-back of every consumer. */
export function checkCase(input: CaseInput, cache: BaselineCache): CaseOutcome {
  const { hostile, render } = input;
  const result = (verdict: Verdict, reason = ""): CaseOutcome => ({
    result: {
      id: hostile.id,
      path: hostile.path,
      payload: hostile.payload,
      value: hostile.value,
      form: hostile.form,
      verdict,
      reason: reason.split("\n")[0]?.slice(0, Number(process.env.HOSTILE_REASON ?? 300)) ?? "",
    },
    toolFiles: [],
  });
  if (render.kind === "crash") return result("crash", render.error);
  if (render.kind === "refused") {
    if (render.problems.some((p) => namesPath(p.path, hostile.refusalPath)))
      return result("refused");
    const first = render.problems[0];
    return result(
      "broken",
      `refused without naming ${hostile.refusalPath}: ${first?.path}: ${first?.message}`,
    );
  }
  const all = new Map(input.baseline);
  for (const key of render.removed) all.delete(key);
  // Objects that differ from the baseline only in a config checksum (a hex digest the tool
  // computes) hold nothing new to read: their documents are not re-parsed.
  const changed: KubeLike[] = [];
  for (const entry of render.changed) {
    const object = JSON.parse(entry.json) as KubeLike;
    all.set(entry.key, object);
    const original = input.baseline.get(entry.key);
    if (original && onlyChecksumsDiffer(original, object)) continue;
    const problem = yamlDocumentProblem(entry.yaml, entry.json);
    if (problem) return result("broken", `${entry.key}: ${problem}`);
    const refused = apiServerProblems(object);
    if (refused.length > 0)
      return result("broken", `${entry.key}: the API server refuses it: ${refused[0]}`);
    changed.push(object);
  }
  const after = readBack(changed, [...all.values()]);
  const before: Leaf[] = [];
  for (const object of changed) {
    const key = objectKey(object);
    const original = input.baseline.get(key);
    if (original === undefined) continue;
    let cached = cache.get(key);
    if (!cached) {
      cached = readBack([original], [...input.baseline.values()]);
      cache.set(key, cached);
    }
    before.push(...cached.leaves);
  }
  if (after.broken.length > 0) return result("broken", after.broken[0]);
  const problem = readBackProblem(
    hostile.expected,
    after.leaves,
    before,
    hostile.userLanguage,
    render.changed.length > 0 || render.removed.length > 0,
  );
  const outcome = problem ? result("rewritten", problem) : result("ok");
  outcome.toolFiles = after.toolFiles;
  return outcome;
}

// ---------------------------------------------------------------------------
// 9. The real tools, on many files at once
// ---------------------------------------------------------------------------

export const TOOLS = {
  promtool: process.env.PROMTOOL ?? "/usr/bin/promtool",
  amtool: process.env.AMTOOL ?? "/usr/bin/amtool",
  nginx: process.env.NGINX ?? "/usr/sbin/nginx",
};

const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** The verdict of a tool on each distinct file: undefined for success, else the first error line. */
export type ToolVerdicts = Map<string, string | undefined>;

export function toolFileId(file: ToolFile): string {
  return `${file.tool}:${sha(JSON.stringify([file.content, file.files ?? []]))}`;
}

/**
 * Writes the files a consumer sees under `root` and points the config's
 * absolute paths there (`/etc/alertmanager/...` becomes `<root>/etc/alertmanager/...`).
 */
function withMountedFiles(file: ToolFile, root: string): string {
  let content = file.content;
  const prefixes = new Set<string>();
  for (const mounted of file.files ?? []) {
    const target = join(root, mounted.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, mounted.content);
    const top = mounted.path.split("/").slice(0, 3).join("/");
    if (top.length > 1) prefixes.add(`${top}/`);
  }
  for (const prefix of prefixes) content = content.split(prefix).join(`${root}${prefix}`);
  return content;
}

async function runTool(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return {
      code: typeof e.code === "number" ? e.code : 1,
      output: (e.stdout ?? "") + (e.stderr ?? "") || e.message,
    };
  }
}

/** Rewrites what only exists in a pod (DNS names of upstreams, /tmp paths) so `nginx -t` runs here. */
export function nginxForTest(conf: string, dir: string, standIns?: string): string {
  let text = conf
    .replace(/\bserver ([a-z0-9]([-a-z0-9.]*[a-z0-9])?):(\d+);/g, "server 127.0.0.1:$3;")
    .replaceAll(" /tmp/", ` ${dir}/`)
    .replace(/access_log \/dev\/stdout/g, `access_log ${dir}/access.log`);
  // The files an authenticated listener mounts from the user's Secrets: stand-ins here.
  if (standIns) {
    for (const [name, path] of Object.entries(EXTERNAL_ACCESS_FILES))
      text = text.replaceAll(path, join(standIns, name));
    // The stack's internal TLS: the certificate cert-manager writes, a stand-in pair here.
    text = text.replaceAll(INTERNAL_TLS.dir, join(standIns, "internal-tls"));
  }
  return text;
}

/**
 * Runs each tool once over every distinct file (promtool and amtool take many
 * files per call; nginx one config per call, in parallel).
 */
export async function runTools(files: readonly ToolFile[], dir: string): Promise<ToolVerdicts> {
  const verdicts: ToolVerdicts = new Map();
  const distinct = new Map<string, ToolFile>();
  for (const file of files) distinct.set(toolFileId(file), file);
  const byTool = (tool: ToolFile["tool"]) => [...distinct].filter(([, f]) => f.tool === tool);
  mkdirSync(dir, { recursive: true });
  // promtool check rules: "Checking <file>\n  SUCCESS: ..." or "  FAILED:\n<errors>".
  const batch = async (tool: "promtool" | "amtool", entries: [string, ToolFile][]) => {
    const paths = new Map<string, string>();
    for (const [id, file] of entries) {
      const ext = tool === "promtool" ? "yaml" : "yml";
      const path = join(dir, `${id.replace(":", "-")}.${ext}`);
      writeFileSync(path, withMountedFiles(file, join(dir, `${id.replace(":", "-")}.root`)));
      paths.set(path, id);
    }
    const list = [...paths.keys()];
    for (let i = 0; i < list.length; i += 200) {
      const chunk = list.slice(i, i + 200);
      const args =
        tool === "promtool"
          ? ["check", "rules", "--lint=none", ...chunk]
          : ["check-config", ...chunk];
      const { output } = await runTool(TOOLS[tool], args);
      for (const path of chunk) {
        const id = paths.get(path) as string;
        const marker = tool === "promtool" ? `Checking ${path}\n` : `Checking '${path}'`;
        const start = output.indexOf(marker);
        if (start === -1) {
          verdicts.set(id, `${tool} printed nothing for the file: ${output.split("\n")[0]}`);
          continue;
        }
        const end = output.indexOf("Checking ", start + marker.length);
        const section = output.slice(start + marker.length, end === -1 ? undefined : end);
        // promtool prints "Checking" and "SUCCESS" on stdout, "FAILED" and the errors on
        // stderr: the two streams interleave, so a file's errors are found by their path
        // prefix (`<file>: group ...`), never by where they landed.
        const own = output
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l.startsWith(`${path}:`));
        const failed =
          tool === "promtool" ? own.length > 0 || !/SUCCESS/.test(section) : /FAILED/.test(section);
        const detail =
          tool === "promtool"
            ? own[0]
            : section
                .split("\n")
                .map((l) => l.trim())
                .filter((l) => l && !/^(FAILED:?|SUCCESS.*)$/.test(l))[0];
        verdicts.set(
          id,
          failed ? `${tool}: ${detail ?? section.trim()}`.replaceAll(path, "<file>") : undefined,
        );
      }
    }
  };
  await batch("promtool", byTool("promtool"));
  await batch("amtool", byTool("amtool"));
  const nginx = byTool("nginx");
  const nginxDir = join(dir, "nginx");
  mkdirSync(nginxDir, { recursive: true });
  const standIns = join(nginxDir, "secrets");
  if (nginx.length > 0 && !existsSync(standIns)) {
    mkdirSync(standIns, { recursive: true });
    const pair = selfSignedCertificate("gateway.example.com");
    writeFileSync(join(standIns, "certificate"), pair.cert);
    writeFileSync(join(standIns, "key"), pair.key);
    writeFileSync(join(standIns, "htpasswd"), `${htpasswdLine("user")}\n`);
    const internal = join(standIns, "internal-tls");
    mkdirSync(internal);
    writeFileSync(join(internal, "tls.crt"), pair.cert);
    writeFileSync(join(internal, "tls.key"), pair.key);
    writeFileSync(join(internal, "ca.crt"), pair.cert);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (;;) {
        const entry = nginx[next++];
        if (!entry) return;
        const [id, file] = entry;
        const prefix = join(nginxDir, id.replace(":", "-"));
        mkdirSync(prefix, { recursive: true });
        const path = join(prefix, "nginx.conf");
        writeFileSync(path, nginxForTest(file.content, prefix, standIns));
        const { code, output } = await runTool(TOOLS.nginx, [
          "-t",
          "-q",
          "-e",
          "stderr",
          "-p",
          prefix,
          "-c",
          path,
        ]);
        verdicts.set(
          id,
          code === 0
            ? undefined
            : `nginx -t: ${output.trim().split("\n")[0]?.replaceAll(path, "<file>")}`,
        );
      }
    }),
  );
  return verdicts;
}

// ---------------------------------------------------------------------------
// 10. The report
// ---------------------------------------------------------------------------

export interface Summary {
  cases: number;
  refused: number;
  ok: number;
  crash: number;
  broken: number;
  rewritten: number;
}

export function summarize(results: readonly CaseResult[]): Summary {
  const count = (v: Verdict) => results.filter((r) => r.verdict === v).length;
  return {
    cases: results.length,
    refused: count("refused"),
    ok: count("ok"),
    crash: count("crash"),
    broken: count("broken"),
    rewritten: count("rewritten"),
  };
}

/** A reason without what varies between payloads (the payload, offsets, object hashes). */
function reasonClass(reason: string, value: string): string {
  let out = reason;
  // The value itself, and its escaped forms, vary with the payload: they are not the reason.
  const forms = [value, JSON.stringify(value).slice(1, -1), value.slice(0, 40)].filter(
    (f) => f.length >= 2,
  );
  for (const form of forms.sort((x, y) => y.length - x.length))
    out = out.split(form).join("<value>");
  return out
    .replace(/"(?:[^"\\]|\\.)*"/g, "…")
    .replace(/(offset|column) \d+/g, "$1 n")
    .replace(/U\+[0-9A-F]{4,8}/g, "U+…")
    .replace(/\d{3,}/g, "n")
    .slice(0, 160);
}

/**
 * Failures grouped by path and reason, with the payloads that hit each:
 * `VERDICT path [payload, payload (embedded)]: reason`.
 */
export function failureTable(results: readonly CaseResult[]): string {
  const groups = new Map<
    string,
    { verdict: Verdict; path: string; reason: string; payloads: string[] }
  >();
  for (const r of results) {
    if (r.verdict === "ok" || r.verdict === "refused") continue;
    const key = `${r.verdict}\u0000${r.path}\u0000${reasonClass(r.reason, r.value)}`;
    const group = groups.get(key) ?? {
      verdict: r.verdict,
      path: r.path,
      reason: r.reason,
      payloads: [],
    };
    group.payloads.push(r.form === "raw" ? r.payload : `${r.payload} (embedded)`);
    groups.set(key, group);
  }
  const order: Verdict[] = ["crash", "broken", "rewritten"];
  return [...groups.values()]
    .sort(
      (a, b) =>
        order.indexOf(a.verdict) - order.indexOf(b.verdict) ||
        (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    )
    .map((g) => {
      const payloads = [...new Set(g.payloads)];
      const shown =
        payloads.length > 8 ? [...payloads.slice(0, 8), `+${payloads.length - 8} more`] : payloads;
      return `${g.verdict.toUpperCase()} ${g.path} [${shown.join(", ")}]: ${g.reason}`;
    })
    .join("\n");
}

/** True when merging `b` over `a` would change a value `a` sets (so one render cannot hold both). */
export function conflicts(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (isTree(a) && isTree(b)) return Object.keys(b).some((k) => conflicts(a[k], b[k]));
  return JSON.stringify(a) !== JSON.stringify(b);
}

/**
 * Where each plan's value shows up: plans are probed many at a time (each
 * with its own marker) when their values do not collide, else alone; a plan
 * whose marker a shared render does not show is probed alone.
 */
export async function probeAll(
  plans: readonly PathPlan[],
  pool: RenderPool,
): Promise<Map<number, ProbeResult>> {
  const out = new Map<number, ProbeResult>();
  const batches: { values: Values; plans: PathPlan[] }[] = [];
  const alone: PathPlan[] = [];
  for (const plan of plans) {
    if (plan.disablesSection) {
      alone.push(plan);
      continue;
    }
    const batch = batches.find((b) => b.plans.length < 40 && !conflicts(b.values, plan.probe));
    if (batch) {
      batch.values = merge(batch.values, plan.probe) as Values;
      batch.plans.push(plan);
    } else batches.push({ values: plan.probe, plans: [plan] });
  }
  // A shared render that is refused is split in halves until the refused plans are alone.
  const probeGroup = async (group: PathPlan[], values: Values): Promise<void> => {
    const result = await pool.probe(
      values,
      group.map((p) => p.marker),
    );
    if (result.kind !== "probed" && group.length > 1) {
      // The plans a refusal names are probed alone and the rest together again; a refusal that
      // names none of them (or all) is split in halves.
      const named =
        result.kind === "refused"
          ? group.filter((plan) => {
              const segments = parsePath(plan.path);
              const own = leafName(segments.at(-1) === KEY ? segments.slice(0, -1) : segments);
              return result.problems.some((p) => namesPath(p.path, own) || namesPath(own, p.path));
            })
          : [];
      if (named.length > 0 && named.length < group.length) {
        const rest = group.filter((plan) => !named.includes(plan));
        await Promise.all([
          ...named.map((plan) => probeGroup([plan], plan.probe)),
          probeGroup(
            rest,
            rest.reduce<Values>((acc, p) => merge(acc, p.probe) as Values, {}),
          ),
        ]);
        return;
      }
      const half = Math.ceil(group.length / 2);
      const parts = [group.slice(0, half), group.slice(half)];
      await Promise.all(
        parts.map((part) =>
          probeGroup(
            part,
            part.reduce<Values>((acc, p) => merge(acc, p.probe) as Values, {}),
          ),
        ),
      );
      return;
    }
    for (const plan of group) {
      const reached = result.kind === "probed" ? result.reached[plan.marker] : undefined;
      if (result.kind !== "probed") out.set(plan.index, result);
      else if (reached && reached.length > 0)
        out.set(plan.index, { kind: "probed", reached: { [plan.marker]: reached } });
      else if (group.length === 1) out.set(plan.index, result);
      else alone.push(plan);
    }
  };
  await Promise.all(batches.map((batch) => probeGroup(batch.plans, batch.values)));
  await Promise.all(
    alone.map(async (plan) => out.set(plan.index, await pool.probe(plan.probe, [plan.marker]))),
  );
  return out;
}

/** Why a probe did not render: the refusal's problems, or the crash. */
export function probeFailure(probe: Exclude<ProbeResult, { kind: "probed" }>): string {
  return probe.kind === "refused"
    ? probe.problems.map((p) => `${p.path}: ${p.message}`).join("; ")
    : probe.error;
}

// ---------------------------------------------------------------------------
// 11. The whole run
// ---------------------------------------------------------------------------

export interface RunReport {
  results: CaseResult[];
  /** Problems of the harness itself (a baseline that does not render, a value rendered nowhere). */
  harness: string[];
  /** Deep paths whose probe was refused: rendered with every section on. */
  unprobed: string[];
  /** Tool checks (cases and baselines) and distinct files checked. */
  toolChecks: number;
  toolFilesChecked: number;
  timings: { probeMs: number; renderMs: number; toolsMs: number };
}

/**
 * Probes every plan, then renders and checks its cases one baseline at a
 * time, then runs the tools over every file any case (or baseline) produced.
 */
export interface RunOptions {
  /**
   * What each plan reaches, found by the caller: no probes are run, and each
   * plan's values are taken as they are (sections already switched off).
   */
  probes?: Map<number, ProbeResult>;
}

export async function runHostile(
  plans: readonly PathPlan[],
  pool: RenderPool,
  toolDir: string,
  progress?: (line: string) => void,
  options: RunOptions = {},
): Promise<RunReport> {
  const harness: string[] = [];
  const unprobed: string[] = [];
  const t0 = Date.now();
  await pool.start();
  // Every baseline starts from the defaults: if they do not render, nothing below means anything.
  const defaults = await pool.probe({}, []);
  if (defaults.kind !== "probed") {
    const why = probeFailure(defaults);
    return {
      results: [],
      harness: [`the default values do not render: ${why.slice(0, 500)}`],
      unprobed,
      toolChecks: 0,
      toolFilesChecked: 0,
      timings: { probeMs: Date.now() - t0, renderMs: 0, toolsMs: 0 },
    };
  }
  const probes = options.probes ?? (await probeAll(plans, pool));
  const prunes = new Map<number, Values>();
  if (options.probes) {
    for (const plan of plans) {
      prunes.set(plan.index, {});
      const probe = probes.get(plan.index);
      if (probe && probe.kind !== "probed") unprobed.push(`${plan.path}: ${probeFailure(probe)}`);
    }
  }
  const pruneOf = (sections: readonly string[]) =>
    sections.reduce<Values>((acc, s) => merge(acc, PRUNABLE[s]) as Values, {});
  await Promise.all(
    plans.map(async (plan) => {
      if (prunes.has(plan.index)) return;
      const probe = probes.get(plan.index) as ProbeResult;
      if (probe.kind !== "probed") {
        unprobed.push(`${plan.path}: ${probeFailure(probe)}`);
        prunes.set(plan.index, {});
        return;
      }
      const reached = probe.reached[plan.marker] ?? [];
      if (reached.length === 0) {
        harness.push(`${plan.path}: the value is rendered nowhere (an enabler is missing)`);
        prunes.set(plan.index, {});
        return;
      }
      // Pruned, the value must still reach every section kept on (a section may need another):
      // sections are switched back on one at a time until it does.
      const kept = reached.filter(
        (s) => !(s in PRUNABLE) || s === plan.section || !plan.pruneAnyway.includes(s),
      );
      let pruned = Object.keys(PRUNABLE).filter((s) => s !== plan.section && !kept.includes(s));
      const holds = async (sections: readonly string[]) => {
        const check = await pool.probe(merge(pruneOf(sections), plan.probe) as Values, [
          plan.marker,
        ]);
        const still = check.kind === "probed" ? (check.reached[plan.marker] ?? []) : [];
        return kept.every((s) => still.includes(s));
      };
      while (pruned.length > 0 && !(await holds(pruned))) {
        // Switch back on the first section that is enough on its own, else the first one.
        let next: string[] | undefined;
        for (const section of pruned) {
          const candidate = pruned.filter((s) => s !== section);
          if (await holds(candidate)) {
            next = candidate;
            break;
          }
        }
        pruned = next ?? pruned.slice(1);
        if (next) break;
      }
      prunes.set(plan.index, pruneOf(pruned));
      progress?.(
        `probe ${plan.path}: reaches ${reached.join(", ")}; off: ${pruned.join(", ") || "none"}`,
      );
    }),
  );
  const cases: HostileCase[] = [];
  for (const plan of plans) {
    for (const c of plan.cases(prunes.get(plan.index) ?? {}))
      cases.push({ ...c, id: cases.length });
  }
  const t1 = Date.now();
  const groups = new Map<string, HostileCase[]>();
  for (const c of cases) groups.set(c.baselineKey, [...(groups.get(c.baselineKey) ?? []), c]);
  const results: CaseResult[] = [];
  const toolFiles: { caseId: number; file: ToolFile }[] = [];
  const seenDocs = new Set<string>();
  // The next group's baseline renders while this group's cases do (the workers keep both).
  const entries = [...groups];
  const load = (i: number) => {
    const entry = entries[i];
    return entry ? pool.loadBaseline(entry[0], (entry[1][0] as HostileCase).baseline) : undefined;
  };
  let pendingBaseline = load(0);
  for (const [index, [key, group]] of entries.entries()) {
    const first = group[0] as HostileCase;
    const started = Date.now();
    const baseline = (await pendingBaseline) as BaselineResult;
    pendingBaseline = load(index + 1);
    if (!baseline.ok) {
      harness.push(
        `${first.path}: the baseline (enablers and base value) does not render: ${baseline.error}`,
      );
      continue;
    }
    if (!baseline.streamIsConcatenation)
      harness.push(`${first.path}: renderStream is not the objects' documents in order`);
    const parsed = new Map<string, KubeLike>();
    for (const [k, json] of Object.entries(baseline.objects))
      parsed.set(k, JSON.parse(json) as KubeLike);
    // The baseline itself must be sound: its documents (each distinct one once) and its configs.
    for (const [k, yaml] of Object.entries(baseline.yaml)) {
      const id = sha(yaml);
      if (seenDocs.has(id)) continue;
      seenDocs.add(id);
      const problem = yamlDocumentProblem(yaml, baseline.objects[k] as string);
      if (problem) harness.push(`${first.path}: baseline ${k}: ${problem}`);
    }
    for (const [k, object] of parsed)
      for (const p of apiServerProblems(object)) harness.push(`${first.path}: baseline ${k}: ${p}`);
    const own = readBack([...parsed.values()], [...parsed.values()]);
    for (const b of own.broken) harness.push(`${first.path}: baseline: ${b}`);
    for (const file of own.toolFiles)
      toolFiles.push({
        caseId: -1,
        file: { ...file, where: `baseline of ${first.path}: ${file.where}` },
      });
    const cache: BaselineCache = new Map();
    let checking = 0;
    const outcomes = await Promise.all(
      group.map(async (hostile) => {
        const render = await pool.render(key, hostile.values);
        const t = Date.now();
        const outcome = checkCase({ hostile, render, baseline: parsed }, cache);
        checking += Date.now() - t;
        return outcome;
      }),
    );
    for (const outcome of outcomes) {
      results.push(outcome.result);
      for (const file of outcome.toolFiles) toolFiles.push({ caseId: outcome.result.id, file });
    }
    void pool.dropBaseline(key);
    progress?.(
      `${first.path}: ${group.length} cases, ${outcomes.filter((o) => o.result.verdict !== "refused").length} rendered, ${Date.now() - started} ms (checks ${checking} ms)`,
    );
  }
  const t2 = Date.now();
  const verdicts = await runTools(
    toolFiles.map((t) => t.file),
    toolDir,
  );
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const { caseId, file } of toolFiles) {
    const failure = verdicts.get(toolFileId(file));
    if (!failure) continue;
    if (caseId === -1) {
      harness.push(`${file.where}: ${failure}`);
      continue;
    }
    const result = byId.get(caseId);
    if (result && result.verdict !== "broken" && result.verdict !== "crash") {
      result.verdict = "broken";
      result.reason = `${file.where}: ${failure}`;
    }
  }
  results.sort((a, b) => a.id - b.id);
  return {
    results,
    harness: [...new Set(harness)],
    unprobed,
    toolChecks: toolFiles.length,
    toolFilesChecked: new Set(toolFiles.map((t) => toolFileId(t.file))).size,
    timings: { probeMs: t1 - t0, renderMs: t2 - t1, toolsMs: Date.now() - t2 },
  };
}
