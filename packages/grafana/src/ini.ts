import { controlCharacterProblem, MAX_LENGTH, valuesError } from "@materialize-monitoring/core";
import { z } from "zod";

/** An ini value as Grafana reads it; numbers and booleans are written in their plain form. */
export type IniValue = string | number | boolean;

/** Ordered sections of ordered keys; the global section (no header) is `""`. */
export type Ini = [section: string, entries: [key: string, value: IniValue][]][];

// A trailing backslash would make go-ini join the next line to this value.
const NEEDS_QUOTES = /[;#"'`]|^\s|\s$|\n|\\\s*$/;

/**
 * Why `text` cannot be written into grafana.ini so that Grafana reads it back
 * as given, or undefined. go-ini joins a line ending in a backslash to the
 * next (quoting handles that), replaces `%(key)s` with another key's value
 * and has no escape for `"""`; Grafana then expands `$__env{X}`,
 * `$__file{path}` (and the other `$__provider{}` forms) and `${X}` in every
 * value, with no escape either. `expansion` allows the Grafana forms, for the
 * keys this package writes itself (`$__env{POD_IP}`); user values never get it.
 */
export function iniTextProblem(text: string, { expansion = false } = {}): string | undefined {
  const control = controlCharacterProblem(text, "\t");
  if (control) return control;
  if (text.includes('"""')) return 'contains """, which go-ini cannot escape; remove it';
  if (/%\([^)]*\)s/.test(text)) {
    return "contains `%(name)s`, which go-ini replaces with another key's value and cannot escape; remove it";
  }
  if (!expansion && /\$__\w+\{|\$\{\w*\}/.test(text)) {
    return "contains `$__provider{...}` or `${NAME}`, which Grafana expands in grafana.ini with no escape; remove it, or set the key from a Secret with secretEnv (GF_<SECTION>_<KEY>)";
  }
  return undefined;
}

/** A string that reaches grafana.ini and reads back unchanged (see iniTextProblem). */
export function iniTextSchema(options: { expansion?: boolean; max?: number } = {}) {
  const max = options.max ?? MAX_LENGTH.text;
  return z
    .string()
    .max(max, { error: `too long: at most ${max} characters` })
    .superRefine((text, ctx) => {
      const problem = iniTextProblem(text, options);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: text });
    });
}

/**
 * One value, quoted when Grafana's ini parser (go-ini) would otherwise cut it
 * at a comment character or trim it: such values go into triple quotes, which
 * go-ini reads verbatim (also across lines).
 */
export function iniValue(path: string, value: IniValue): string {
  const text = String(value);
  // The schemas refuse these already; this keeps a direct caller from writing a broken file.
  const problem = iniTextProblem(text, { expansion: true });
  if (problem) throw valuesError(path, problem);
  if (!NEEDS_QUOTES.test(text)) return text;
  return `"""${text}"""`;
}

function checkName(path: string, name: string, what: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw valuesError(
      path,
      `"${name}" is not a valid ini ${what} name`,
      "use letters, digits, _, . and -",
    );
  }
}

/** Renders sections in the given order, keys in the given order: same model, same bytes. */
export function renderIni(ini: Ini): string {
  const blocks: string[] = [];
  for (const [section, entries] of ini) {
    if (entries.length === 0) continue;
    if (section) checkName(section, section, "section");
    const lines = section ? [`[${section}]`] : [];
    for (const [key, value] of entries) {
      checkName(`${section}.${key}`, key, "key");
      lines.push(`${key} = ${iniValue(`${section}.${key}`, value)}`);
    }
    blocks.push(lines.join("\n"));
  }
  return `${blocks.join("\n\n")}\n`;
}
