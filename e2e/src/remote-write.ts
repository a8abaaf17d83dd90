/**
 * The settings of an Alloy `prometheus.remote_write` endpoint as the
 * equivalent Prometheus `remote_write` entry, for checking them with a real
 * Prometheus. Only arguments with a Prometheus counterpart are translated;
 * anything else is reported, never dropped, so a test built on this fails
 * when the gateway starts writing an argument nobody checked.
 */
import type { Attribute, Block, Expr, Statement } from "@materialize-monitoring/alloy-syntax";

export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

/** Environment variables the config reads with sys.env, by name. */
export type Env = Record<string, string>;

/** The value of a literal, list, object or `sys.env("NAME")` expression. */
export function evaluate(expr: Expr, env: Env): Plain {
  switch (expr.type) {
    case "String":
    case "Number":
    case "Bool":
      return expr.value;
    case "Null":
      return null;
    case "Array":
      return expr.elements.map((e) => evaluate(e, env));
    case "Object":
      return Object.fromEntries(expr.fields.map((f) => [f.key, evaluate(f.value, env)]));
    case "Call": {
      const callee = expr.callee;
      const arg = expr.args[0];
      if (
        callee.type === "Access" &&
        callee.name === "env" &&
        callee.object.type === "Identifier" &&
        callee.object.name === "sys" &&
        arg?.type === "String"
      ) {
        const value = env[arg.value];
        if (value === undefined) throw new Error(`sys.env("${arg.value}") is not set`);
        return value;
      }
      throw new Error("a call other than sys.env(...) cannot be translated");
    }
    default:
      throw new Error(`a ${expr.type} expression cannot be translated`);
  }
}

function attributes(block: Block): Attribute[] {
  return block.body.filter((s): s is Attribute => s.type === "Attribute");
}

function blocks(statements: readonly Statement[]): Block[] {
  return statements.filter((s): s is Block => s.type === "Block");
}

/** The arguments of each block that Prometheus takes under the same name. */
const FIELDS: Record<string, readonly string[]> = {
  endpoint: [
    "url",
    "name",
    "headers",
    "remote_timeout",
    "send_exemplars",
    "send_native_histograms",
    "proxy_url",
    "follow_redirects",
    "enable_http2",
  ],
  basic_auth: ["username", "password", "password_file"],
  tls_config: [
    "ca_file",
    "cert_file",
    "key_file",
    "server_name",
    "insecure_skip_verify",
    "min_version",
  ],
  queue_config: [
    "capacity",
    "min_shards",
    "max_shards",
    "max_samples_per_send",
    "batch_send_deadline",
    "min_backoff",
    "max_backoff",
    "retry_on_http_429",
    "sample_age_limit",
  ],
  metadata_config: ["send", "send_interval", "max_samples_per_send"],
  write_relabel_config: [
    "source_labels",
    "separator",
    "regex",
    "modulus",
    "target_label",
    "replacement",
    "action",
  ],
};

/** Alloy block name to Prometheus field; a list when Prometheus takes several. */
const BLOCKS: Record<string, { field: string; list?: boolean }> = {
  basic_auth: { field: "basic_auth" },
  tls_config: { field: "tls_config" },
  queue_config: { field: "queue_config" },
  metadata_config: { field: "metadata_config" },
  write_relabel_config: { field: "write_relabel_configs", list: true },
};

export interface Translation {
  remoteWrite: Record<string, Plain>;
  /** Arguments and blocks without a Prometheus counterpart here, as `block.argument`. */
  untranslated: string[];
}

/**
 * The endpoint block as a Prometheus remote_write entry. `bearer_token_file`
 * becomes `authorization.credentials_file` (Prometheus 2.x's spelling); a
 * relabel `regex` is anchored by both tools alike and passes as written.
 */
export function translateEndpoint(endpoint: Block, env: Env): Translation {
  const untranslated: string[] = [];
  const fieldsOf = (block: Block, kind: string): Record<string, Plain> => {
    const known = FIELDS[kind] ?? [];
    const out: Record<string, Plain> = {};
    for (const a of attributes(block)) {
      if (kind === "endpoint" && a.name === "bearer_token_file") {
        out.authorization = { type: "Bearer", credentials_file: evaluate(a.value, env) };
        continue;
      }
      if (!known.includes(a.name)) {
        untranslated.push(`${kind}.${a.name}`);
        continue;
      }
      out[a.name] = evaluate(a.value, env);
    }
    return out;
  };
  const remoteWrite = fieldsOf(endpoint, "endpoint");
  for (const child of blocks(endpoint.body)) {
    const target = BLOCKS[child.name];
    if (!target) {
      untranslated.push(`endpoint.${child.name}`);
      continue;
    }
    const value = fieldsOf(child, child.name);
    if (target.list) {
      const list = (remoteWrite[target.field] as Plain[] | undefined) ?? [];
      list.push(value);
      remoteWrite[target.field] = list;
    } else remoteWrite[target.field] = value;
  }
  return { remoteWrite, untranslated };
}

/** The component's `external_labels`, which Prometheus takes globally. */
export function externalLabelsOf(component: Block, env: Env): Record<string, string> {
  const attr = attributes(component).find((a) => a.name === "external_labels");
  return attr ? (evaluate(attr.value, env) as Record<string, string>) : {};
}
