/**
 * The shallow pass of the hostile-input test: every string leaf of the values
 * schema that the deep table (DEEP_PATHS) does not cover, tried with a few
 * payloads that between them hit every escaping rule of the output languages.
 *
 * The deep table says by hand what makes a path rendered. Here that is found
 * per leaf: the leaf is written into the values of the deep path it shares the
 * longest prefix with (so it lands in an item that already validates), the
 * required fields of every object its path creates are filled from the schema,
 * and opt-in sections on its path are switched on. Candidates are probed in
 * shared renders, most specific first; the first one whose marker is rendered
 * (or refused by the leaf's own rule) is kept. A leaf no candidate reaches is
 * reported by name, never counted as tested.
 */
import {
  buildPlans,
  conflicts,
  DEEP_PATHS,
  type DeepPath,
  getAt,
  isTree,
  type JsonSchema,
  KEY,
  leafName,
  markerFor,
  merge,
  namesPath,
  PAYLOADS,
  type PathPlan,
  type Payload,
  type ProbeResult,
  parsePath,
  probeAll,
  probeFailure,
  type RenderPool,
  resolveRef,
  type Segment,
  type StringLeaf,
  schemaLeafName,
  setAt,
  stringLeaves,
  typesOf,
  type Values,
} from "./hostile.js";

/**
 * One payload per hazard class issue 17 names, which between them break every output language
 * the stack writes if a value is not escaped for it: quotes (YAML, Alloy, Go strings, nginx),
 * backslashes (escapes, ini continuation), line breaks (every line-based format), braces
 * (templates, Alloy blocks), `${}` (Loki's and Grafana's expansion), `$()` (the kubelet and
 * Thanos), `#` (comments), the Unicode line separators (JSON and YAML readers), a control
 * character, a value too long for a name or a label, and the empty string. The deep table tries
 * the full PAYLOADS list on its paths.
 */
export const SHALLOW_PAYLOADS: readonly Payload[] = PAYLOADS.filter((p) =>
  [
    'double quote "',
    "single quote '",
    "backslash \\",
    "trailing backslash a\\",
    "LF + key",
    "CRLF",
    "open brace {",
    "close brace }",
    "${HOSTNAME}",
    "$(POD_NAME)",
    "#comment",
    "U+2028",
    "U+2029",
    "U+0085",
    "U+0001",
    "5000 chars",
    "empty",
  ].includes(p.name),
);

/** The smallest value a schema accepts, if one can be built without guessing a pattern. */
export function minimalValue(
  root: JsonSchema,
  raw: JsonSchema | undefined,
  depth = 0,
  field = "",
): unknown {
  const schema = resolveRef(root, raw);
  if (!schema || depth > 12) return undefined;
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const types = typesOf(schema);
  if (types.length === 0) {
    for (const option of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
      const value = minimalValue(root, option, depth + 1);
      if (value !== undefined) return value;
    }
    if (!schema.properties) return undefined;
  }
  if (types.includes("object") || schema.properties) {
    const out: Values = {};
    for (const name of schema.required ?? []) {
      const value = minimalValue(root, schema.properties?.[name], depth + 1, name);
      if (value === undefined) return undefined;
      out[name] = value;
    }
    // A record (labels, headers) gets one entry: an empty selector is often refused.
    const entries = schema.additionalProperties;
    if (!schema.properties && typeof entries === "object") {
      const value = minimalValue(root, entries, depth + 1);
      // The entry's key must pass the record's key rule (a rule file name ending in .yaml).
      const names = (schema as { propertyNames?: JsonSchema }).propertyNames;
      const key = names?.pattern ? plainString(names) : "app";
      if (value !== undefined && key) out[key] = value;
    }
    return out;
  }
  if (types.includes("array")) {
    if (!schema.minItems) return [];
    const item = minimalValue(root, schema.items, depth + 1, field);
    return item === undefined ? undefined : Array.from({ length: schema.minItems }, () => item);
  }
  if (types.includes("boolean")) return false;
  if (types.includes("integer") || types.includes("number")) {
    // An SLO objective the page alert can fire for (a bound the schema cannot show).
    if (field === "objective") return 0.99;
    const low =
      schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    const high = (schema as { exclusiveMaximum?: number }).exclusiveMaximum;
    // A fraction below an exclusive bound (an SLO objective below 1).
    if (high !== undefined && low >= high && !types.includes("integer"))
      return ((schema.exclusiveMinimum ?? schema.minimum ?? 0) + high) / 2;
    return low;
  }
  if (types.includes("string")) return plainString(schema, field);
  return undefined;
}

/** Strings tried, in order, for a required string field with a pattern or a format. */
const PLAIN_STRINGS = [
  "x",
  "abc",
  "x1",
  "a.b",
  "example.com",
  "https://example.com",
  "/x",
  "1",
  "1s",
  "1m",
  "v1",
  "a=b",
  "x@example.com",
  "us-east-1",
  "0b5a2f7e-3c1d-4e8a-9f6b-2d7c8e9a1b3c",
  "arn:aws:iam::123456789012:role/x",
  "x.yaml",
  "GF_X",
];

/** What a field's name or description says it holds, for a string rule the schema cannot show. */
function hinted(schema: JsonSchema, field: string): string | undefined {
  const text = `${field} ${(schema as { description?: string }).description ?? ""}`;
  if (/urls?$/i.test(field) || /url\b|URL/.test(text)) return "https://example.com/x";
  if (/cidr/i.test(field)) return "10.0.0.0/8";
  // Certificate lifetimes in whole hours; a renewal window shorter than the default lifetime.
  if (/^(duration|caDuration)$/.test(field) && /lifetime/.test(text)) return "2160h";
  if (field === "renewBefore") return "1h";
  // Kubernetes quantities, Alertmanager's clock times and time zones: rules the JSON Schema
  // cannot show, named by the field.
  if (field === "cpu") return "100m";
  if (/^(memory|ephemeral-storage|storage|size)$/.test(field)) return "64Mi";
  // Alertmanager matchers, LogQL selectors and Materialize ids: refinements the JSON Schema
  // shows only as a string.
  if (/matchers$/i.test(field)) return 'alertname="x"';
  if (field === "selector") return '{namespace="x"}';
  if (field === "clusterId") return "u1";
  if (/^(clientId|tenantId)$/.test(field) && /UUID|uuid|client id|tenant/.test(text))
    return "0b5a2f7e-3c1d-4e8a-9f6b-2d7c8e9a1b3c";
  if (field === "source") return "materialize";
  if (field === "objectIds") return "u42";
  if (field === "weekdays") return "monday";
  if (field === "months") return "january";
  if (field === "years") return "2030";
  if (field === "daysOfMonth") return "1";
  if (field === "startTime") return "00:00";
  if (field === "endTime") return "24:00";
  if (field === "location" && /time zone|IANA/i.test(text)) return "UTC";
  return undefined;
}

/** The first plain string the schema's pattern, format and length accept. */
function plainString(schema: JsonSchema, field = ""): string | undefined {
  const hint = hinted(schema, field);
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Number.POSITIVE_INFINITY;
  let pattern: RegExp | undefined;
  try {
    pattern = schema.pattern ? new RegExp(schema.pattern, "u") : undefined;
  } catch {
    return undefined;
  }
  const format = schema.format;
  const fits = (value: string) =>
    value.length >= Math.max(1, min) &&
    value.length <= max &&
    (!pattern || pattern.test(value)) &&
    (!format ||
      (format === "uri"
        ? /^https?:\/\//.test(value)
        : format === "email"
          ? value.includes("@")
          : format !== "uuid" ||
            /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(
              value,
            )));
  if (hint && fits(hint)) return hint;
  return PLAIN_STRINGS.find(fits) ?? (fits("x".repeat(min)) ? "x".repeat(min) : undefined);
}

/**
 * The schema one path segment leads to, and the object schema (union variant) that holds it.
 * Of the union variants that have the segment, the first that also holds `rest` (the path after
 * it) wins: `credentials.accountKey.name` is in the azure variant, not the first with
 * `credentials`.
 */
function step(
  root: JsonSchema,
  schema: JsonSchema,
  segment: Segment,
  rest: readonly Segment[] = [],
): { holder?: JsonSchema; next?: JsonSchema } {
  const candidates = [schema, ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]
    .map((s) => resolveRef(root, s))
    .filter((s): s is JsonSchema => s !== undefined);
  let fallback: { holder?: JsonSchema; next?: JsonSchema } | undefined;
  for (const candidate of candidates) {
    if (typeof segment === "number" && candidate.items) return { next: candidate.items };
    if (typeof segment === "string" && candidate.properties?.[segment]) {
      const found = { holder: candidate, next: candidate.properties[segment] };
      if (holdsPath(root, found.next, rest)) return found;
      fallback ??= found;
    }
  }
  if (fallback) return fallback;
  for (const candidate of candidates) {
    if (
      typeof segment === "string" &&
      candidate.additionalProperties &&
      typeof candidate.additionalProperties === "object"
    )
      return { next: candidate.additionalProperties };
  }
  return {};
}

/** Whether `path` leads somewhere from `schema` (union variants tried as `step` tries them). */
function holdsPath(
  root: JsonSchema,
  schema: JsonSchema | undefined,
  path: readonly Segment[],
): boolean {
  let current = resolveRef(root, schema);
  for (let i = 0; i < path.length; i++) {
    if (!current) return false;
    const segment = path[i] as Segment;
    if (segment === KEY) return true;
    current = resolveRef(root, step(root, current, segment, path.slice(i + 1)).next);
  }
  return current !== undefined;
}

/** The schema at a path (record entries through `additionalProperties`), if the path exists. */
export function schemaAt(root: JsonSchema, path: readonly Segment[]): JsonSchema | undefined {
  let schema = resolveRef(root, root);
  for (let i = 0; i < path.length; i++) {
    if (!schema) return undefined;
    schema = resolveRef(root, step(root, schema, path[i] as Segment, path.slice(i + 1)).next);
  }
  return schema;
}

/** Whether the object at `path` is one of several shapes (a union). */
function isUnion(root: JsonSchema, path: readonly Segment[]): boolean {
  const schema = schemaAt(root, path);
  return Boolean(schema && ((schema.anyOf?.length ?? 0) > 1 || (schema.oneOf?.length ?? 0) > 1));
}

/**
 * Values a leaf needs around it that the schema cannot show, by the leaf's path: a feature
 * gated on a newer Alertmanager (rendered for that version; amtool, which is 0.25 here, then
 * checks nothing of that file, see readFile), TLS or credentials toward a destination that
 * must be https (the bundled stores are plain http inside the namespace, so an external one),
 * and sections whose switch needs a companion value.
 */
const CONTEXTS: readonly { match: RegExp; values: Values }[] = [
  // The issuer and the lifetimes are written only with internal TLS on.
  { match: /^global\.internalTls\b/, values: { global: { internalTls: { enabled: true } } } },
  {
    match: /^alertmanager\.config\.receivers\[\d+\]\.msteamsv2\b/,
    values: { alertmanager: { image: { tag: "v0.28.1" } } },
  },
  {
    match: /^alertmanager\.config\.receivers\[\d+\]\.msteams\b/,
    values: { alertmanager: { image: { tag: "v0.27.0" } } },
  },
  {
    match:
      /^alertmanager\.config\.(receivers\[\d+\]\.webhook\[\d+\]\.urlSecret|watchdog\.heartbeatUrl)\b/,
    values: { alertmanager: { image: { tag: "v0.26.0" } } },
  },
  {
    match: /^alloyGateway\.destinations\.prometheus\.(tls|auth|secretHeaders)\b/,
    values: {
      thanos: {
        enabled: false,
        external: {
          remoteWriteUrl: "https://metrics.example.com/api/v1/receive",
          queryUrl: "https://metrics.example.com",
        },
      },
    },
  },
  {
    match: /^alloyGateway\.destinations\.loki\.(tls|auth|secretHeaders)\b/,
    values: {
      loki: {
        enabled: false,
        external: {
          pushUrl: "https://logs.example.com/loki/api/v1/push",
          queryUrl: "https://logs.example.com",
        },
      },
    },
  },
  {
    match: /^alloyGateway\.destinations\.prometheus\.(extra\[\d+\]\.)?auth\.identity\b/,
    values: {
      alloyGateway: {
        workloadIdentity: { azure: { clientId: "0b5a2f7e-3c1d-4e8a-9f6b-2d7c8e9a1b3c" } },
      },
    },
  },
  {
    // metrics-server's secure port is open to any source until the API server's are named:
    // only then does the scraper get a rule of its own.
    match: /^exporters\.metricsServer\.networkPolicy\.scraper\./,
    values: {
      exporters: {
        metricsServer: { enabled: true, networkPolicy: { apiServerSourceCidrs: ["10.0.0.0/8"] } },
      },
    },
  },
  {
    // Database egress peers apply to a database Grafana connects to: PostgreSQL here.
    match: /^grafana\.networkPolicy\.egress\.database\[/,
    values: {
      grafana: {
        database: {
          type: "postgres",
          host: "db.example.com",
          password: { name: "grafana-db", key: "password" },
        },
      },
    },
  },
  {
    match: /^loki\.singleBinary\./,
    values: { loki: { mode: "single-binary" } },
  },
  {
    // Filesystem storage is one volume: Loki's single binary, Thanos with a shared bucket volume.
    match: /^loki\.storage\.path$/,
    values: { loki: { mode: "single-binary", storage: { type: "filesystem" } } },
  },
  {
    match: /^thanos\.(objectStorage\.path|bucketVolume\.)/,
    values: {
      thanos: {
        objectStorage: { type: "filesystem" },
        bucketVolume: { claimName: "thanos-bucket" },
      },
    },
  },
  {
    match: /^alloyGateway\.destinations\.loki\.tenantFrom\b/,
    values: { loki: { tenancy: { authEnabled: true } } },
  },
  {
    // The SMTP egress rule exists once an email receiver does.
    match: /^alertmanager\.networkPolicy\.egress\.smtpTo\b/,
    values: {
      alertmanager: {
        config: {
          receivers: [
            {
              name: "mail",
              email: [
                {
                  to: "oncall@example.com",
                  smarthost: "smtp.example.com:587",
                  from: "alerts@example.com",
                },
              ],
            },
          ],
          defaultReceiver: "mail",
        },
      },
    },
  },
  {
    match: /^alertmanager\.external\.peer\.podLabels\b/,
    values: {
      alertmanager: {
        enabled: false,
        external: { urls: ["http://alertmanager.alerting.svc.cluster.local:9093"] },
      },
    },
  },
  {
    match: /^alertmanager\.external\./,
    values: { alertmanager: { enabled: false } },
  },
  {
    // A peer by pod labels is a server in the cluster: its URL must be one.
    match: /^loki\.external\.peer\.podLabels\b/,
    values: {
      loki: {
        enabled: false,
        external: { pushUrl: "http://loki-gateway.logging.svc.cluster.local/loki/api/v1/push" },
      },
    },
  },
  {
    match: /^thanos\.external\.peer\.podLabels\b/,
    values: {
      thanos: {
        enabled: false,
        external: {
          remoteWriteUrl: "http://thanos-receive.metrics.svc.cluster.local:19291/api/v1/receive",
        },
      },
    },
  },
  {
    match: /^grafana\.external\.peer\.podLabels\b/,
    values: {
      grafana: {
        enabled: false,
        external: { url: "http://grafana.observability.svc.cluster.local:3000" },
      },
    },
  },
  {
    match: /^grafana\.external\./,
    values: { grafana: { enabled: false } },
  },
  {
    match: /^alloyGateway\.scrape\.jobs\[\d+\]\.basicAuth\./,
    values: { alloyGateway: { scrape: { jobs: [{ namespaces: ["apps"] }] } } },
  },
  {
    match: /^alloyGateway\.scrape\.extraJobs\[\d+\]\.basicAuth\./,
    values: { alloyGateway: { scrape: { extraJobs: [{ namespaces: ["apps"] }] } } },
  },
  {
    match: /\.externalAccess\./,
    values: {
      loki: { gateway: { externalAccess: { htpasswd: { name: "users" } } } },
      thanos: { gateway: { externalAccess: { htpasswd: { name: "users" } } } },
    },
  },
  {
    match: /^alloyGateway\.destinations\.datadog\./,
    values: {
      alloyGateway: { destinations: { datadog: { apiKey: { name: "datadog", key: "api-key" } } } },
    },
  },
];

/** A field and the one it is refused without, where both are in one object. */
const COMPANIONS: Record<string, string> = {
  cert: "key",
  key: "cert",
  certFile: "keyFile",
  keyFile: "certFile",
  authPassword: "authUsername",
  except: "cidr",
  startTime: "endTime",
  endTime: "startTime",
};

/** Record keys a record's own rule checks beyond its JSON Schema (an alert the package knows). */
const RECORD_KEYS: Record<string, string> = {
  "materialize.rules.alerts": "MaterializeEnvironmentdDown",
  "loki.ruler.ruleFiles": "app.yaml",
  // A metric list names the source of a scrape job; an allow-list one without an essential tier
  // list (which would win over it).
  "alloyGateway.allowLists": "kubeletResource",
  "alloyGateway.metricTiers.essential": "materialize",
  "alloyGateway.metricTiers.recommended": "materialize",
};

/** Fields an object takes instead of the path's field: written, they would refuse it. */
const EXCLUSIVE: Record<string, readonly string[]> = {
  botToken: ["apiUrl"],
  apiUrl: ["botToken"],
  // A recording rule is not an alerting rule.
  record: ["alert", "for", "keepFiringFor", "annotations"],
};

/**
 * Fills, in every object on `path`, the required fields it lacks (a union
 * variant's discriminator included) and, where `enable` is set, switches on
 * each opt-in section (`enabled: false` by default) the path goes through.
 */
export function completePath(
  root: JsonSchema,
  values: Values,
  path: readonly Segment[],
  enable: boolean,
): Values {
  let out = structuredClone(values);
  let schema = resolveRef(root, root);
  for (let i = 0; i < path.length && schema; i++) {
    const segment = path[i] as Segment;
    if (segment === KEY) break;
    const { holder, next } = step(root, schema, segment, path.slice(i + 1));
    const here = path.slice(0, i);
    if (holder) {
      // The variant of a union the path goes through is named by its discriminator, even where
      // the schema does not require it (a default would pick another variant); an object of
      // another variant (a borrowed S3 bucket where the path is Azure's) starts over as this one.
      if (isUnion(root, here))
        for (const [name, raw] of Object.entries(holder.properties ?? {})) {
          const discriminator = resolveRef(root, raw)?.const;
          if (discriminator === undefined || name === segment) continue;
          const existing = getAt(out, here);
          const had = isTree(existing) ? existing[name] : undefined;
          if (had === discriminator) continue;
          out =
            had === undefined
              ? setAt(out, [...here, name], discriminator)
              : setAt(out, here, { [name]: discriminator });
        }
      let node = getAt(out, here);
      for (const other of typeof segment === "string" ? (EXCLUSIVE[segment] ?? []) : [])
        if (isTree(node) && node[other] !== undefined) {
          const { [other]: _dropped, ...rest } = node;
          out = setAt(out, here, rest);
          node = rest;
        }
      const current = isTree(node) ? node : {};
      for (const name of holder.required ?? []) {
        if (name === segment || current[name] !== undefined) continue;
        const value = minimalValue(root, holder.properties?.[name], 0, name);
        if (value !== undefined) out = setAt(out, [...here, name], value);
      }
      // Fields that only go together (a client certificate and its key, a password and its
      // user name): the path's field brings its companion.
      const companion = typeof segment === "string" ? COMPANIONS[segment] : undefined;
      if (companion && holder.properties?.[companion] && current[companion] === undefined) {
        const value = minimalValue(root, holder.properties[companion], 0, companion);
        if (value !== undefined) out = setAt(out, [...here, companion], value);
      }
      const enabled = resolveRef(root, holder.properties?.enabled);
      if (
        enable &&
        segment !== "enabled" &&
        enabled &&
        typesOf(enabled).includes("boolean") &&
        enabled.default === false &&
        current.enabled === undefined
      )
        out = setAt(out, [...here, "enabled"], true);
    }
    schema = resolveRef(root, next);
  }
  return out;
}

export interface ShallowLeaf {
  leaf: StringLeaf;
  /** The concrete path written (record keys and list items of the borrowed deep path). */
  path: string;
  /** Candidate values that may render it, most specific first. */
  candidates: Values[];
}

const segmentsEqual = (a: Segment, b: Segment) => String(a) === String(b);

/** The deep paths as schema leaf names, split into segments, with their concrete paths. */
function deepIndex(root: JsonSchema, deep: readonly DeepPath[]) {
  return deep.map((d) => {
    const concrete = parsePath(d.path);
    const name = schemaLeafName(root, concrete) ?? "";
    return { deep: d, concrete, named: parsePath(name) };
  });
}

/**
 * The path with each record key its record's key rule refuses (`propertyNames`, e.g. a rule file
 * name ending in .yaml) replaced by the first plain string the rule takes.
 */
function recordKeysFitted(root: JsonSchema, path: readonly Segment[]): Segment[] {
  const out = [...path];
  for (let i = 0; i < out.length; i++) {
    const segment = out[i];
    if (typeof segment !== "string" || segment === KEY) continue;
    const known = RECORD_KEYS[leafName(out.slice(0, i))];
    if (known) {
      out[i] = known;
      continue;
    }
    const parent = schemaAt(root, out.slice(0, i));
    const names = (parent as { propertyNames?: JsonSchema } | undefined)?.propertyNames;
    if (!parent || parent.properties?.[segment] || !names?.pattern) continue;
    const rule = new RegExp(names.pattern, "u");
    if (rule.test(segment)) continue;
    const fitting = plainString(names);
    if (fitting) out[i] = fitting;
  }
  return out;
}

/** Every string leaf the deep table does not cover, with the values to try it in. */
export function shallowLeaves(
  root: JsonSchema,
  covered: ReadonlySet<string>,
  deep: readonly DeepPath[] = DEEP_PATHS,
  /** Built-in lists a user may replace only when `global.replaceBuiltIn` names them. */
  replaceable: readonly string[] = [],
): ShallowLeaf[] {
  const index = deepIndex(root, deep);
  const seen = new Set<string>();
  const out: ShallowLeaf[] = [];
  for (const leaf of stringLeaves(root).leaves) {
    if (covered.has(leaf.name) || seen.has(leaf.name)) continue;
    seen.add(leaf.name);
    // The deep path sharing the longest prefix, at least the section and one more segment.
    let best: { deep: DeepPath; concrete: Segment[]; shared: number } | undefined;
    for (const entry of index) {
      let shared = 0;
      while (
        shared < leaf.path.length - 1 &&
        shared < entry.named.length - 1 &&
        segmentsEqual(leaf.path[shared] as Segment, entry.named[shared] as Segment)
      )
        shared++;
      if (shared >= 2 && (!best || shared > best.shared))
        best = { deep: entry.deep, concrete: entry.concrete, shared };
    }
    const concrete = recordKeysFitted(
      root,
      best
        ? [...best.concrete.slice(0, best.shared), ...leaf.path.slice(best.shared)]
        : [...leaf.path],
    );
    const borrowed = best?.deep.enable ?? {};
    const path = leafName(concrete);
    const replaces = replaceable.filter((list) => path.startsWith(`${list}[`));
    const candidates: Values[] = [];
    const add = (values: Values) => {
      // Under a replaceable built-in list, the list can only be set when the user says so.
      const full =
        replaces.length > 0
          ? (merge(values, { global: { replaceBuiltIn: replaces } }) as Values)
          : values;
      if (!candidates.some((c) => JSON.stringify(c) === JSON.stringify(full)))
        candidates.push(full);
    };
    const contexts = CONTEXTS.filter((c) => c.match.test(path));
    // Every context the path needs at once first (an https destination with workload identity).
    if (contexts.length > 1) {
      const all = contexts.reduce<Values>((acc, c) => merge(acc, c.values) as Values, {});
      add(completePath(root, merge(borrowed, all) as Values, concrete, true));
    }
    for (const context of contexts) {
      add(completePath(root, merge(borrowed, context.values) as Values, concrete, true));
      add(completePath(root, context.values, concrete, true));
    }
    add(completePath(root, borrowed, concrete, true));
    add(completePath(root, {}, concrete, true));
    add(completePath(root, borrowed, concrete, false));
    add(completePath(root, {}, concrete, false));
    add({});
    out.push({ leaf, path, candidates });
  }
  return out;
}

export interface ShallowSelection {
  /**
   * One plan per tested leaf. Plans come in batches of up to 40 leaves that
   * share one baseline: every leaf of a batch holds its own marker there, and
   * each case replaces one marker with a payload.
   */
  plans: PathPlan[];
  /** What each plan's value reaches (for runHostile, which then needs no probes of its own). */
  probes: Map<number, ProbeResult>;
  /** Leaves whose probe the leaf's own rule refused: every case must be refused naming it. */
  refusedByRule: string[];
  /** Leaves no candidate renders, with the last reason. */
  unreached: { leaf: string; reason: string }[];
  /** Shared baselines the plans use. */
  batches: number;
}

interface Chosen {
  leaf: number;
  enable: Values;
  /** Sections the marker reached; undefined when the leaf's own rule refused it. */
  reached?: string[];
  refusal?: string;
}

/** The sections `values` switches off (`<section>.enabled: false`). */
function sectionsOff(values: Values): string[] {
  return Object.entries(values)
    .filter(([, section]) => isTree(section) && section.enabled === false)
    .map(([name]) => name);
}

/** `path` with `value` written: the value itself, or for a record key, a key holding `keyValue`. */
function writeLeaf(
  values: Values,
  segments: readonly Segment[],
  value: string,
  keyValue: unknown,
): Values {
  if (segments.at(-1) !== KEY) return setAt(values, segments, value);
  const recordPath = segments.slice(0, -1);
  const existing = getAt(values, recordPath);
  return setAt(values, recordPath, { ...(isTree(existing) ? existing : {}), [value]: keyValue });
}

function keyValueFor(root: JsonSchema, segments: readonly Segment[]): unknown {
  if (segments.at(-1) !== KEY) return undefined;
  const record = schemaAt(root, segments.slice(0, -1))?.additionalProperties;
  return (typeof record === "object" ? minimalValue(root, record) : undefined) ?? "x";
}

/**
 * Probes every leaf's candidates in rounds and keeps the first that reaches
 * the output (or whose only refusal is the leaf's own rule), then packs the
 * leaves into shared baselines, each checked to render with the sections its
 * leaves never reach switched off.
 */
export async function selectShallowPlans(
  root: JsonSchema,
  leaves: readonly ShallowLeaf[],
  pool: RenderPool,
  defaults: Values,
  prunable: Readonly<Record<string, Values>>,
): Promise<ShallowSelection> {
  const started = Date.now();
  const chosen: Chosen[] = [];
  const reasons = new Map<number, string>();
  // The first candidate's refusal is kept: it is the most specific one, the one to fix.
  const setReason = (leaf: number, reason: string) => {
    const first = reasons.get(leaf);
    reasons.set(leaf, first ? `${first.split(" | last: ")[0]} | last: ${reason}` : reason);
  };
  let pending = leaves.map((_, i) => i);
  const rounds = Math.max(...leaves.map((l) => l.candidates.length));
  for (let round = 0; round < rounds && pending.length > 0; round++) {
    const trying = pending.filter((i) => (leaves[i] as ShallowLeaf).candidates[round]);
    const paths: DeepPath[] = trying.map((i) => {
      const shallow = leaves[i] as ShallowLeaf;
      const keyValue = keyValueFor(root, parsePath(shallow.path));
      return {
        path: shallow.path,
        leaf: shallow.leaf.name,
        enable: shallow.candidates[round],
        base: "",
        ...(keyValue !== undefined ? { keyValue } : {}),
      };
    });
    const { plans } = buildPlans(root, paths, SHALLOW_PAYLOADS);
    const byIndex = new Map(plans.map((p) => [p.index, p]));
    const probes = await probeAll(plans, pool);
    const next: number[] = [];
    trying.forEach((leafIndex, planIndex) => {
      const plan = byIndex.get(planIndex);
      const probe = probes.get(planIndex);
      const enable = (paths[planIndex] as DeepPath).enable as Values;
      if (!plan || !probe) {
        setReason(leafIndex, "the harness found no schema leaf for the path");
        next.push(leafIndex);
        return;
      }
      const reached = probe.kind === "probed" ? (probe.reached[plan.marker] ?? []) : [];
      if (reached.length > 0) {
        chosen.push({ leaf: leafIndex, enable, reached });
        return;
      }
      if (probe.kind === "refused") {
        const segments = parsePath(plan.path);
        const own = leafName(segments.at(-1) === KEY ? segments.slice(0, -1) : segments);
        const why = probeFailure(probe);
        if (probe.problems.every((p) => namesPath(p.path, own))) {
          chosen.push({ leaf: leafIndex, enable, refusal: why });
          return;
        }
        setReason(leafIndex, `refused: ${why}`);
      } else if (probe.kind === "probed") setReason(leafIndex, "rendered nowhere");
      else setReason(leafIndex, `crashed: ${probe.error}`);
      next.push(leafIndex);
    });
    pending = [...next, ...pending.filter((i) => !trying.includes(i))];
    if (process.env.HOSTILE_PROGRESS)
      process.stderr.write(
        `shallow round ${round}: ${trying.length} tried, ${pending.length} left, ${Date.now() - started} ms\n`,
      );
  }
  if (process.env.HOSTILE_PROGRESS)
    process.stderr.write(`shallow: candidates chosen in ${Date.now() - started} ms\n`);

  // Each chosen leaf's values in a shared baseline: its marker, or for a leaf its own rule
  // refuses, its default (or nothing).
  interface Member {
    chosen: Chosen;
    segments: Segment[];
    marker: string;
    keyValue: unknown;
    values: Values;
    base: string;
    /** The leaf's candidate values, before its base is written. */
    pinned: Values;
    /** Other bases to try, in order, when the member's baseline fails alone. */
    alternatives: string[];
  }
  const withBase = (m: Member, base: string): Member => ({
    ...m,
    base,
    values: base ? writeLeaf(m.pinned, m.segments, base, m.keyValue) : m.pinned,
  });
  const members: Member[] = chosen
    .sort((a, b) => a.leaf - b.leaf)
    .map((c) => {
      const shallow = leaves[c.leaf] as ShallowLeaf;
      const segments = parsePath(shallow.path);
      const marker = markerFor(c.leaf);
      const keyValue = keyValueFor(root, segments);
      const fallback = segments.at(-1) === KEY ? undefined : getAt(defaults, segments);
      // A required leaf whose own rule refuses the marker still needs a value its rule takes, or
      // its object is invalid: the default, else the filler's plain string. An optional one is
      // left out, unless its baseline then fails alone: a list item (the list must hold one) or
      // a field whose object exists only through it (an interval holding just a time zone) is
      // then tried with the plain string its name hints at.
      const field = segments.at(-1);
      const schema = schemaAt(root, segments);
      const parent = schemaAt(root, segments.slice(0, -1));
      const holder =
        parent && typeof field === "string" ? step(root, parent, field).holder : undefined;
      const hintField =
        typeof field === "number"
          ? String(segments.findLast((s) => typeof s === "string" && s !== KEY) ?? "")
          : String(field);
      const plain = schema ? plainString(schema, hintField) : undefined;
      const bases: string[] = c.reached
        ? [marker]
        : typeof fallback === "string"
          ? [fallback]
          : field === KEY
            ? [""]
            : holder?.required?.includes(field as string)
              ? [plain ?? ""]
              : ["", ...(plain ? [plain] : [])];
      // buildPlans renders a path of alertmanager.config for Alertmanager 0.25 (Debian's amtool)
      // unless its values say otherwise: the shared baseline is checked the same way.
      const pinned = shallow.path.startsWith("alertmanager.config.")
        ? (merge({ alertmanager: { image: { tag: "v0.25.0" } } }, c.enable) as Values)
        : c.enable;
      const member: Member = {
        chosen: c,
        segments,
        marker,
        keyValue,
        base: "",
        values: pinned,
        pinned,
        alternatives: bases.slice(1),
      };
      return withBase(member, bases[0] ?? "");
    });
  const pruneFor = (m: Member): string[] =>
    m.chosen.reached
      ? Object.keys(prunable).filter(
          (s) => s !== String(m.segments[0]) && !(m.chosen.reached as string[]).includes(s),
        )
      : Object.keys(prunable).filter((s) => s !== String(m.segments[0]));
  const pruneValues = (sections: readonly string[]) =>
    sections.reduce<Values>((acc, s) => merge(acc, prunable[s]) as Values, {});

  const accepted: { values: Values; members: Member[] }[] = [];
  const unreached = new Map<number, string>();
  /**
   * Packs members into batches of non-colliding values and keeps the batches that render. A
   * member that fails in a batch is returned for the next pass: pruned baselines first, then
   * shared unpruned ones, then a baseline of its own (another member's values can take its
   * section's output away: a component's own bucket hides the shared bucket's credentials).
   */
  const pack = async (group: Member[], mode: "pruned" | "shared" | "alone"): Promise<Member[]> => {
    const prune = mode === "pruned";
    const byPrune = new Map<string, Member[]>();
    for (const m of group) {
      const key = prune ? pruneFor(m).join(",") : "";
      byPrune.set(key, [...(byPrune.get(key) ?? []), m]);
    }
    const batches: { values: Values; members: Member[] }[] = [];
    for (const [key, list] of byPrune) {
      const pruned = pruneValues(key ? key.split(",") : []);
      const local: { values: Values; members: Member[] }[] = [];
      for (const m of list) {
        // Two fields of one union-typed object (`url` and `srv` of an Alertmanager target) fit
        // no variant together: such members never share a baseline.
        const parent = leafName(m.segments.slice(0, -1));
        const unionParent = isUnion(root, m.segments.slice(0, -1));
        const fits = local.find(
          (b) =>
            mode !== "alone" &&
            b.members.length < 40 &&
            !conflicts(b.values, m.values) &&
            // A member that switches a section off (an external Alertmanager's leaves) never
            // shares a baseline with that section's other leaves: theirs would change nothing.
            !b.members.some(
              (o) =>
                sectionsOff(m.values).includes(String(o.segments[0])) ||
                sectionsOff(o.values).includes(String(m.segments[0])),
            ) &&
            !(unionParent && b.members.some((o) => leafName(o.segments.slice(0, -1)) === parent)),
        );
        if (fits) {
          fits.values = merge(fits.values, m.values) as Values;
          fits.members.push(m);
        } else local.push({ values: merge(pruned, m.values) as Values, members: [m] });
      }
      batches.push(...local);
    }
    const retry: Member[] = [];
    const check = async (batch: { values: Values; members: Member[] }): Promise<void> => {
      const markers = batch.members.filter((m) => m.chosen.reached).map((m) => m.marker);
      const result = await pool.probe(batch.values, markers);
      if (result.kind !== "probed") {
        if (batch.members.length > 1) {
          const half = Math.ceil(batch.members.length / 2);
          const parts = [batch.members.slice(0, half), batch.members.slice(half)];
          const base = prune ? pruneValues(pruneFor(batch.members[0] as Member)) : {};
          await Promise.all(
            parts.map((part) =>
              check({
                members: part,
                values: part.reduce<Values>((acc, m) => merge(acc, m.values) as Values, base),
              }),
            ),
          );
          return;
        }
        // Alone in its baseline already: another pass would probe the same values, unless the
        // member has another base to try.
        const member = batch.members[0] as Member;
        if (mode === "pruned") retry.push(member);
        else if (member.alternatives.length > 0) {
          const [next, ...rest] = member.alternatives as [string, ...string[]];
          const other = { ...withBase(member, next), alternatives: rest };
          await check({ members: [other], values: other.values });
        } else
          unreached.set(
            member.chosen.leaf,
            `its baseline does not render: ${probeFailure(result)}`,
          );
        return;
      }
      const good: Member[] = [];
      for (const m of batch.members) {
        const still = result.reached[m.marker] ?? [];
        if (!m.chosen.reached || (m.chosen.reached as string[]).every((s) => still.includes(s)))
          good.push(m);
        else if (mode === "pruned" || (mode === "shared" && batch.members.length > 1))
          retry.push(m);
        else unreached.set(m.chosen.leaf, "rendered nowhere in a baseline of its own");
      }
      if (good.length === batch.members.length) accepted.push(batch);
      else if (good.length > 0) {
        const base = prune ? pruneValues(pruneFor(good[0] as Member)) : {};
        await check({
          members: good,
          values: good.reduce<Values>((acc, m) => merge(acc, m.values) as Values, base),
        });
      }
    };
    await Promise.all(batches.map(check));
    return retry;
  };
  // Retried in leaf order (not the order the checks finished in): the same batches every run.
  const byLeaf = (list: Member[]) => list.sort((a, b) => a.chosen.leaf - b.chosen.leaf);
  const unpruned = await pack(members, "pruned");
  const unshared = await pack(byLeaf(unpruned), "shared");
  await pack(byLeaf(unshared), "alone");

  const paths: DeepPath[] = [];
  const reachedOf: (string[] | undefined)[] = [];
  const refusedByRule: string[] = [];
  accepted.sort(
    (a, b) => (a.members[0] as Member).chosen.leaf - (b.members[0] as Member).chosen.leaf,
  );
  for (const batch of accepted) {
    for (const m of batch.members) {
      const shallow = leaves[m.chosen.leaf] as ShallowLeaf;
      paths.push({
        path: shallow.path,
        leaf: shallow.leaf.name,
        enable: batch.values,
        base: m.base,
        rawOnly: true,
        payloads: SHALLOW_PAYLOADS,
        ...(m.keyValue !== undefined ? { keyValue: m.keyValue } : {}),
      });
      reachedOf.push(m.chosen.reached);
      if (!m.chosen.reached) refusedByRule.push(shallow.leaf.name);
    }
  }
  const { plans } = buildPlans(root, paths, SHALLOW_PAYLOADS);
  const probes = new Map<number, ProbeResult>();
  for (const plan of plans) {
    const reached = reachedOf[plan.index];
    const member = accepted.flatMap((b) => b.members)[plan.index] as Member;
    probes.set(
      plan.index,
      reached
        ? { kind: "probed", reached: { [plan.marker]: reached } }
        : {
            kind: "refused",
            problems: [
              { path: leafName(member.segments), message: member.chosen.refusal ?? "refused" },
            ],
          },
    );
  }
  for (const i of pending) unreached.set(i, reasons.get(i) ?? "no candidate");
  return {
    plans,
    probes,
    refusedByRule: refusedByRule.sort(),
    batches: accepted.length,
    unreached: [...unreached.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([i, reason]) => ({
        leaf: (leaves[i] as ShallowLeaf).leaf.name,
        reason: reason.slice(0, 300),
      })),
  };
}

/**
 * Leaves the render never writes, by design. They cannot break the output, and that is what
 * is checked of them: every payload leaves the render byte-identical to one with a plain value
 * (or is refused naming the leaf). A leaf listed here that starts to be rendered fails the test.
 */
export const UNRENDERED: readonly { match: RegExp; why: string }[] = [
  { match: /\.selectors\[\d+\]\.note$/, why: "a note for readers of the values file" },
  {
    match: /^materialize\.scrape\.sqlMetrics\.username$/,
    why: "read by `mzmon export prometheus` only, for a Prometheus older than 2.48",
  },
];

export const isUnrendered = (path: string) => UNRENDERED.some((u) => u.match.test(path));

/** For each UNRENDERED leaf: how many payloads left the render unchanged, and what did not. */
export async function checkUnrendered(
  leaves: readonly ShallowLeaf[],
  pool: RenderPool,
  payloads: readonly Payload[] = PAYLOADS,
): Promise<{ leaf: string; unchanged: number; problems: string[] }[]> {
  const out: { leaf: string; unchanged: number; problems: string[] }[] = [];
  for (const [index, leaf] of leaves.filter((l) => isUnrendered(l.path)).entries()) {
    const segments = parsePath(leaf.path);
    const key = `unrendered-${index}`;
    const problems: string[] = [];
    let unchanged = 0;
    let chosen: Values | undefined;
    for (const candidate of leaf.candidates) {
      const baseline = await pool.loadBaseline(key, setAt(candidate, segments, "plain note"));
      if (baseline.ok) {
        chosen = candidate;
        break;
      }
    }
    if (!chosen) problems.push("no candidate renders with a plain value");
    else {
      for (const payload of payloads) {
        const result = await pool.render(key, setAt(chosen, segments, payload.value));
        if (
          result.kind === "rendered" &&
          result.changed.length === 0 &&
          result.removed.length === 0
        )
          unchanged++;
        else if (
          result.kind === "refused" &&
          result.problems.every((p) => namesPath(p.path, leaf.path))
        )
          unchanged++;
        else
          problems.push(
            `${payload.name}: ${result.kind === "rendered" ? `changed ${result.changed.length} object(s), removed ${result.removed.length}` : result.kind === "refused" ? `refused elsewhere: ${result.problems.map((p) => p.path).join(", ")}` : result.error}`,
          );
      }
    }
    await pool.dropBaseline(key);
    out.push({ leaf: leaf.path, unchanged, problems });
  }
  return out;
}
