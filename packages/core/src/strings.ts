import { isIP } from "node:net";
import { z } from "zod";

/**
 * Upper bounds of the string kinds in user values. Each is where the output
 * would otherwise break or a reader refuses it: Kubernetes names and label
 * values, URLs as browsers and proxies take them, and free text that ends up
 * in a ConfigMap (whose whole object is capped at 1 MiB by the API server).
 */
export const MAX_LENGTH = {
  /** a Kubernetes object name (DNS-1123 subdomain) */
  kubernetesName: 253,
  /** a DNS label, a Kubernetes label value or namespace name */
  dnsLabel: 63,
  /** a URL */
  url: 2048,
  /** an RE2 regular expression */
  regex: 4096,
  /** a LogQL stream selector, with or without a pipeline */
  selector: 4096,
  /** a PromQL or LogQL rule expression */
  query: 16384,
  /** a short free-text value: a name, a title, a label value of Prometheus or Loki */
  text: 1024,
  /** a message template or a description meant to hold a paragraph or more */
  template: 16384,
} as const;

/**
 * `s` in backticks for a message, cut to `max` characters; control and
 * invisible characters are shown as \u{...} so the message stays one line.
 */
export function excerpt(s: string, max = 40): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return `\`${cut.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`)}\``;
}

function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Control characters, line and paragraph separators, and invisible format characters. */
const CONTROL = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/u;

/**
 * Why `value` holds a character that does not survive being written into a
 * one-line setting (a raw control character, a line or paragraph separator,
 * an invisible format character such as a bidi override), or undefined.
 * `allow` lists the control characters the field takes, e.g. "\t".
 */
export function controlCharacterProblem(value: string, allow = ""): string | undefined {
  for (let i = 0; i < value.length; i++) {
    const char = value[i] ?? "";
    if (!CONTROL.test(char) || allow.includes(char)) continue;
    const what = LINE_BREAK.test(char) ? "a line break" : "a control or invisible character";
    return `contains ${what} (${codePoint(char)} at column ${i + 1}); remove it`;
  }
  return undefined;
}

/**
 * A string of at most `max` characters; longer ones are refused with the
 * length and the bound, so the output (a ConfigMap, a label) cannot be
 * broken by a pasted document.
 */
export function boundedString(max: number = MAX_LENGTH.text) {
  return z.string().max(max, {
    error: (issue) =>
      `too long: ${String(issue.input).length} characters where at most ${max} are allowed; shorten it`,
  });
}

/**
 * A one-line free-text value: at most `max` characters, with no raw control
 * character, line break or invisible format character (tabs are kept).
 */
export function singleLineText(max: number = MAX_LENGTH.text) {
  return boundedString(max).superRefine((value, ctx) => {
    if (value.length > max) return;
    const problem = controlCharacterProblem(value, "\t");
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
  });
}

/**
 * Why `value` is not an http(s) URL that every reader takes the same way
 * (the WHATWG parser here, Go's net/url in Alloy, Loki, Thanos and
 * Alertmanager), or undefined when it is one.
 */
export function httpUrlProblem(value: string): string | undefined {
  if (value === "") return "empty";
  if (value.length > MAX_LENGTH.url)
    return `${value.length} characters where at most ${MAX_LENGTH.url} are allowed`;
  for (let i = 0; i < value.length; i++) {
    const char = value[i] ?? "";
    if (/\s/u.test(char) || CONTROL.test(char))
      return `contains whitespace or a control character (${codePoint(char)} at column ${i + 1}); remove it or percent-encode it (a space is %20)`;
    if (char === "\\")
      return `contains a backslash at column ${i + 1}; URLs use / (Go and browsers read \\ differently)`;
    if (char === "%" && !/^%[0-9A-Fa-f]{2}/.test(value.slice(i)))
      return `contains % at column ${i + 1} without two hex digits after it; write a literal % as %25`;
    if ('{}|^`"<>'.includes(char))
      return `contains ${char} at column ${i + 1}, which URL readers escape differently; percent-encode it (${encodeURIComponent(char)})`;
    if (char.charCodeAt(0) > 0x7e)
      return `contains the non-ASCII character ${codePoint(char)} at column ${i + 1}; percent-encode it, or use the punycode (xn--) form of the host name`;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1];
  if (scheme === undefined) return "it has no scheme; start it with http:// or https://";
  if (!/^https?$/i.test(scheme))
    return `the scheme ${scheme}: is not supported; use http:// or https://`;
  if (!/^https?:\/\//i.test(value)) return `write ${scheme}:// with two slashes before the host`;
  if (!URL.canParse(value))
    return "it does not parse as a URL (check the host name and that the port is a number up to 65535)";
  const url = new URL(value);
  if (url.hostname === "") return "it has no host name";
  return undefined;
}

/**
 * An http(s) URL, refused with the reason and `example` (a valid value for
 * the field) otherwise; never an `Invalid URL` error later.
 */
export function httpUrlSchema(example: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = httpUrlProblem(value);
    if (problem)
      ctx.addIssue({
        code: "custom",
        message: `not an http(s) URL: ${problem} (for example ${example})`,
        input: value,
      });
  });
}

const GO_ESCAPES: Record<string, string> = {
  a: "\u0007",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

/** The result of reading a Go (PromQL, LogQL) string literal. */
export type UnquoteResult = { ok: true; value: string } | { ok: false; message: string };

/**
 * Reads a string literal the way Go's strconv.Unquote does (which PromQL
 * and LogQL use): `"..."` and, where `singleQuotes`, `'...'` with Go escapes,
 * and raw `` `...` ``. A JavaScript-only escape such as `\d` is an error there,
 * so it is one here.
 */
export function goUnquote(literal: string, singleQuotes = false): UnquoteResult {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote)
    return { ok: false, message: "unterminated string" };
  const body = literal.slice(1, -1);
  if (quote === "`") {
    return body.includes("`")
      ? { ok: false, message: "a backtick inside a raw string" }
      : { ok: true, value: body };
  }
  if (quote !== '"' && !(singleQuotes && quote === "'"))
    return { ok: false, message: `${quote} does not start a string` };
  let value = "";
  for (let i = 0; i < body.length; i++) {
    const char = body[i] ?? "";
    if (char === "\n") return { ok: false, message: "a line break inside a quoted string" };
    if (char === quote) return { ok: false, message: `an unescaped ${quote} inside the string` };
    if (char !== "\\") {
      value += char;
      continue;
    }
    const next = body[i + 1] ?? "";
    const simple = next === quote ? quote : GO_ESCAPES[next];
    if (simple !== undefined) {
      value += simple;
      i++;
      continue;
    }
    const hex = { x: 2, u: 4, U: 8 }[next];
    const digits = hex ? body.slice(i + 2, i + 2 + hex) : body.slice(i + 1, i + 4);
    const valid = hex ? new RegExp(`^[0-9a-fA-F]{${hex}}$`) : /^[0-7]{3}$/;
    const code = valid.test(digits) ? Number.parseInt(digits, hex ? 16 : 8) : Number.NaN;
    if (
      Number.isNaN(code) ||
      code > 0x10ffff ||
      (code >= 0xd800 && code <= 0xdfff) ||
      (!hex && code > 255)
    ) {
      return {
        ok: false,
        message: `the escape \\${next} is not one Go strings have (write \\\\${next} for a backslash followed by ${next}, as in "\\\\d+")`,
      };
    }
    value += String.fromCodePoint(code);
    i += hex ? 1 + hex : 3;
  }
  return { ok: true, value };
}

const HOST_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_NAME = new RegExp(`^${HOST_LABEL}(\\.${HOST_LABEL})*$`);

/** Why `value` is not a DNS name (lower-case labels of at most 63 joined by dots), or undefined. */
export function dnsNameProblem(value: string, { wildcard = false } = {}): string | undefined {
  const name = wildcard && value.startsWith("*.") ? value.slice(2) : value;
  if (
    value.length > 253 ||
    !DNS_NAME.test(name) ||
    name.split(".").some((label) => label.length > 63)
  ) {
    return `must be a DNS name: lower-case letters, digits and '-' in labels joined by dots${wildcard ? ", optionally after *." : ""}, no scheme, port or path (e.g. grafana.example.com)`;
  }
  return undefined;
}

/** A DNS name, e.g. grafana.example.com; `wildcard` also takes `*.example.com`. */
export function dnsNameSchema(options: { wildcard?: boolean } = {}) {
  return z.string().superRefine((value, ctx) => {
    const problem = dnsNameProblem(value, options);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
  });
}

/** A host to connect to: a DNS name, an IPv4 address or a bracket-less IPv6 address. */
export const hostSchema = z.string().superRefine((value, ctx) => {
  if (isIP(value) !== 0) return;
  const problem = dnsNameProblem(value);
  if (problem) {
    ctx.addIssue({
      code: "custom",
      message: `must be a host name or IP address (e.g. postgres.databases.svc.cluster.local or 10.0.0.5), without scheme or port`,
      input: value,
    });
  }
});

/** Characters RFC 3986 allows in a URL path, with percent-escapes. */
const URL_PATH = /^\/([A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

/** A URL path such as `/grafana`: starts with '/', only characters a URL path may hold unescaped. */
export const urlPathSchema = z
  .string()
  .max(MAX_LENGTH.url)
  .regex(
    URL_PATH,
    "must be a URL path starting with '/', of letters, digits and -._~!$&'()*+,;=:@/ or %XX escapes (e.g. /grafana)",
  );
