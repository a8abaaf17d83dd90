/**
 * Character classes, identifier rules and string quoting shared by the
 * scanner, the parser and the printer. Alloy inherits Go's rules here, so
 * these follow Go's `unicode` and `strconv` behaviour.
 */

const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** `[A-Za-z_]` or any Unicode letter. */
export function isLetter(cp: number): boolean {
  if (cp < 0x80) {
    return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f;
  }
  return LETTER.test(String.fromCodePoint(cp));
}

/** `[0-9]` or any Unicode decimal digit. */
export function isDigit(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x30 && cp <= 0x39;
  return DIGIT.test(String.fromCodePoint(cp));
}

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x20 || cp === 0x7f) return false;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(cp));
}

const KEYWORDS = new Set(["true", "false", "null"]);

/**
 * Whether `name` is a valid Alloy identifier: a letter or `_`, then letters,
 * digits or `_`, and not one of the keywords `true`, `false`, `null`.
 */
export function isValidIdentifier(name: string): boolean {
  if (name.length === 0 || KEYWORDS.has(name)) return false;
  let first = true;
  for (const ch of name) {
    const cp = ch.codePointAt(0) ?? 0;
    if (first ? !isLetter(cp) : !(isLetter(cp) || isDigit(cp))) return false;
    first = false;
  }
  return true;
}

/**
 * Turns any string into a valid identifier by replacing every character that
 * is not allowed with `_` (and prefixing `_` when it starts with a digit), as
 * Alloy's own converters do. Different inputs can map to the same identifier.
 */
export function sanitizeIdentifier(name: string): string {
  if (name === "") throw new Error("cannot make an identifier from an empty string");
  if (isValidIdentifier(name)) return name;
  let out = "";
  let first = true;
  for (const ch of name) {
    const cp = ch.codePointAt(0) ?? 0;
    if (first && isDigit(cp)) out += "_";
    out += isLetter(cp) || isDigit(cp) ? ch : "_";
    first = false;
  }
  return KEYWORDS.has(out) ? `_${out}` : out;
}

/** Number of bytes `s` takes in UTF-8 (lone surrogates count as the 3-byte replacement character). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Bytes a single code point takes in UTF-8. */
export function utf8Width(cp: number): number {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

/** Number of code points in `s` (what Go's tabwriter counts as width). */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const HEX = "0123456789abcdef";

function hex(value: number, digits: number): string {
  let out = "";
  for (let i = digits - 1; i >= 0; i--) out += HEX[(value >> (4 * i)) & 0xf];
  return out;
}

/**
 * Go's `strconv.Quote`: a double-quoted string literal with Go escapes for
 * control and non-printable characters. Every such literal is valid Alloy.
 */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    let cp = ch.codePointAt(0) ?? 0;
    if (cp === 0x22 || cp === 0x5c) {
      out += `\\${ch}`;
      continue;
    }
    if (isPrint(cp)) {
      out += ch;
      continue;
    }
    switch (cp) {
      case 0x07:
        out += "\\a";
        continue;
      case 0x08:
        out += "\\b";
        continue;
      case 0x0c:
        out += "\\f";
        continue;
      case 0x0a:
        out += "\\n";
        continue;
      case 0x0d:
        out += "\\r";
        continue;
      case 0x09:
        out += "\\t";
        continue;
      case 0x0b:
        out += "\\v";
        continue;
    }
    if (cp < 0x20 || cp === 0x7f) {
      out += `\\x${hex(cp, 2)}`;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    out += cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}

/** Go's `%#U` verb: `U+0041 'A'` (the character only when printable). */
export function describeCodePoint(cp: number): string {
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  return isPrint(cp) ? `${code} '${String.fromCodePoint(cp)}'` : code;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
  "\\": 0x5c,
  '"': 0x22,
  "'": 0x27,
};

/**
 * The value of a string literal as the scanner produced it: a double-quoted
 * string with Go escapes, or a backtick raw string (whose carriage returns
 * are dropped, as in Go). Assumes the literal is well formed.
 */
export function unquote(raw: string): string {
  const quoteChar = raw[0];
  const inner = raw.slice(1, raw.length > 1 ? -1 : undefined);
  if (quoteChar === "`") return inner.replaceAll("\r", "");
  if (!inner.includes("\\")) return inner;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const pushText = (s: string) => {
    for (const b of encoder.encode(s)) bytes.push(b);
  };
  let i = 0;
  while (i < inner.length) {
    const slash = inner.indexOf("\\", i);
    if (slash < 0) {
      pushText(inner.slice(i));
      break;
    }
    pushText(inner.slice(i, slash));
    const kind = inner[slash + 1] ?? "";
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      bytes.push(simple);
      i = slash + 2;
    } else if (kind >= "0" && kind <= "7") {
      bytes.push((Number.parseInt(inner.slice(slash + 1, slash + 4), 8) || 0) & 0xff);
      i = slash + 4;
    } else if (kind === "x") {
      bytes.push((Number.parseInt(inner.slice(slash + 2, slash + 4), 16) || 0) & 0xff);
      i = slash + 4;
    } else if (kind === "u" || kind === "U") {
      const n = kind === "u" ? 4 : 8;
      const cp = Number.parseInt(inner.slice(slash + 2, slash + 2 + n), 16);
      pushText(String.fromCodePoint(Number.isInteger(cp) && cp <= 0x10ffff ? cp : 0xfffd));
      i = slash + 2 + n;
    } else {
      pushText(kind);
      i = slash + 2;
    }
  }
  // ignoreBOM: a leading U+FEFF is part of the string (Go keeps it), not a byte order mark.
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array(bytes));
}
