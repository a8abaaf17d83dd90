import { valuesError } from "@materialize-monitoring/core";

/** An ini value as Grafana reads it; numbers and booleans are written in their plain form. */
export type IniValue = string | number | boolean;

/** Ordered sections of ordered keys; the global section (no header) is `""`. */
export type Ini = [section: string, entries: [key: string, value: IniValue][]][];

// A trailing backslash would make go-ini join the next line to this value.
const NEEDS_QUOTES = /[;#"'`]|^\s|\s$|\n|\\\s*$/;

/**
 * One value, quoted when Grafana's ini parser (go-ini) would otherwise cut it
 * at a comment character or trim it: such values go into triple quotes, which
 * go-ini reads verbatim (also across lines).
 */
export function iniValue(path: string, value: IniValue): string {
  const text = String(value);
  if (!NEEDS_QUOTES.test(text)) return text;
  if (text.includes('"""')) {
    throw valuesError(path, 'a value cannot contain """', "go-ini has no way to escape it");
  }
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
