import { toYaml } from "@materialize-monitoring/core";
import type { LokiConfig } from "./config-schema.js";

/**
 * Loki runs with `-config.expand-env=true` (credentials are `${VAR}` in the
 * config, expanded from the pod's env). Loki 3.7 then reads config.yaml
 * through `envsubst.EvalEnv` of github.com/drone/envsubst v1.0.3
 * (pkg/util/cfg/files.go), over the whole file text. Its grammar
 * (parse/scan.go, parse/parse.go):
 *
 * - `${NAME}` and `${NAME:-default}`-style forms are replaced (an undefined
 *   NAME by ""), and a `${` without its `}` is an error: Loki does not start;
 * - `$$` is one literal `$`; `$NAME` without braces is left as written;
 * - `\\` is one literal `\`, `\/` is `/`: a backslash before a backslash or a
 *   slash is dropped.
 *
 * Only config.yaml goes through it: the runtime config (dskit runtimeconfig)
 * and the ruler's rule files are read as plain YAML, where `$labels` in an
 * annotation must stay as written.
 */

/**
 * Text that reads back unchanged after drone/envsubst: every `$` and every
 * `\` doubled. Backslashes are doubled before the YAML is written, so a
 * double-quoted scalar's `\\` (YAML's own escape of one backslash) becomes
 * `\\\\`, which envsubst turns back into `\\`.
 */
export function envsubstLiteral(text: string): string {
  return text.replace(/[$\\]/g, (ch) => ch + ch);
}

/** A reference Loki expands at startup: the value itself only exists in the Secret and the env. */
export function envRef(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`internal error: ${JSON.stringify(name)} is not an env var name`);
  }
  return `\${${name}}`;
}

/** A config field the tool writes an `envRef` into, as its keys from the config's root. */
export type EnvRefField = readonly string[];

function isRefField(path: readonly string[], fields: readonly EnvRefField[]): boolean {
  return fields.some((f) => f.length === path.length && f.every((key, i) => key === path[i]));
}

function escapeTree(value: unknown, path: string[], fields: readonly EnvRefField[]): unknown {
  if (typeof value === "string") {
    if (isRefField(path, fields)) {
      if (!/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value)) {
        throw new Error(`internal error: ${path.join(".")} is not an env reference`);
      }
      return value;
    }
    return envsubstLiteral(value);
  }
  if (Array.isArray(value))
    return value.map((item, i) => escapeTree(item, [...path, `${i}`], fields));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        envsubstLiteral(key),
        escapeTree(child, [...path, key], fields),
      ]),
    );
  }
  return value;
}

/**
 * config.yaml: every key and string of `config` written as literal text for
 * drone/envsubst (user values such as `global.clusterName: prod-${HOSTNAME}`
 * or a `${AWS_SECRET_ACCESS_KEY}` in a label reach Loki as written), except
 * the fields in `references`, where the tool writes its own `${VAR}`.
 */
export function lokiConfigYaml(config: LokiConfig, references: readonly EnvRefField[]): string {
  return toYaml(escapeTree(config, [], references));
}
