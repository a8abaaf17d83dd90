import { RE2JS, RE2JSSyntaxException } from "re2js";
import { z } from "zod";
import { controlCharacterProblem, MAX_LENGTH } from "./strings.js";

/**
 * RE2 regular expressions, checked with re2js (a port of Go's regexp/syntax
 * parser): the syntax Alloy, Prometheus, Loki, Thanos and Alertmanager
 * compile. JavaScript's RegExp is no guide: it accepts lookaround and
 * backreferences, which Go refuses, and refuses `(?i)`, `(?P<name>...)`,
 * `\z` and `[[:alpha:]]`, which Go accepts.
 */
export interface Re2Options {
  /**
   * The reader fully anchors the pattern, as Prometheus and Alloy relabel
   * rules and label matchers do (`^(?:regex)$`): the anchored form is checked
   * too, and a pattern that only parses once wrapped (`a)|(b`) is refused.
   */
  anchored?: boolean;
  /** Who compiles it, for the message; "Alloy" by default. */
  reader?: string;
}

/** A fix for each RE2 refusal that JavaScript (or PCRE) habits lead to. */
function explain(error: string, input: string | null): string {
  const at = input ?? "";
  if (at.startsWith("(?="))
    return "lookahead (?=...) is not supported; rewrite without it (match the text itself, or split it into two rules)";
  if (at.startsWith("(?!"))
    return "negative lookahead (?!...) is not supported; rewrite without it (exclude with a separate !~ matcher or a drop rule instead)";
  if (at.startsWith("(?<=") || at.startsWith("(?<!"))
    return `lookbehind ${at.slice(0, 4)}...) is not supported; rewrite without it (match the preceding text too, or use a capture group)`;
  if (at.startsWith("(?>"))
    return "atomic groups (?>...) are not supported; use a plain group (?:...)";
  if (at.startsWith("(?#")) return "comments (?#...) are not supported; remove the comment";
  if (/^\\[1-9]/.test(at) || at.startsWith("\\k") || at.startsWith("\\g"))
    return `backreferences such as ${at} are not supported (RE2 matches in linear time and cannot refer back); rewrite without it`;
  if (at === "\\Z") return "\\Z is not supported; use \\z (end of text) or $";
  if (at.startsWith("\\u") || at.startsWith("\\x") || at.startsWith("\\U"))
    return `the escape ${at} is not RE2 syntax; write a code point as \\x{41} or \\x41`;
  if (at.startsWith("\\c")) return "control escapes such as \\cA are not supported; write \\x01";
  if (error === "invalid nested repetition operator" && /^[*+?}][+]/.test(at.slice(-2)))
    return `possessive quantifiers such as ${at} are not supported; use the plain quantifier (${at.slice(0, -1)})`;
  if (error === "invalid nested repetition operator")
    return `${at} repeats a repetition; put the inner one in a group, e.g. (?:a+)*`;
  if (error === "invalid repeat count")
    return `the repeat count ${at} is above RE2's 1000 (or min > max); use a smaller count or + and *`;
  if (error === "missing closing )" || error === "unexpected )")
    return `unbalanced parentheses (${error}); escape a literal parenthesis as \\( or \\)`;
  if (error === "missing closing ]")
    return `unterminated character class ${at}; close it with ] or escape a literal [ as \\[`;
  if (error === "trailing backslash at end of expression")
    return "it ends in a backslash; escape a literal backslash as \\\\";
  if (error === "invalid escape sequence")
    return `the escape ${at} is not RE2 syntax; escape only punctuation (\\.) or use an RE2 class (\\d, \\s, \\w, \\pL)`;
  if (error === "invalid named capture")
    return `invalid group name in ${at}; names are letters, digits and _ as in (?P<name>...)`;
  if (error === "duplicate capture group name")
    return `the group name ${at} is used twice; give each named group its own name`;
  if (error === "invalid character class range")
    return `invalid character class ${at}; check the range order (a-z) and the class name ([[:alpha:]], \\p{Greek})`;
  if (error === "invalid or unsupported Perl syntax")
    return `${at} is not RE2 syntax; groups are (...), (?:...), (?P<name>...) and flags (?i), (?s), (?m), (?U)`;
  if (error === "missing argument to repetition operator")
    return `a repetition has nothing to repeat at ${at}; escape a literal * + ? as \\* \\+ \\?`;
  if (error === "expression nests too deeply" || error === "expression too large")
    return `the ${error.replace("expression ", "")}; simplify it`;
  return input ? `${error}: ${input}` : error;
}

/** A named group's opening, `(?P<` or `(?<`, outside escapes and character classes. */
interface NamedGroup {
  at: number;
  /** the opening as written: `(?P<` or `(?<` */
  open: string;
  name: string;
}

/** The named groups of a pattern, found the way Go's parser reads escapes, \Q...\E and classes. */
function namedGroups(pattern: string): NamedGroup[] {
  const groups: NamedGroup[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "\\") {
      if (pattern[i + 1] === "Q") {
        const end = pattern.indexOf("\\E", i + 2);
        i = end < 0 ? pattern.length : end + 1;
      } else i++;
      continue;
    }
    if (inClass) {
      if (pattern.startsWith("[:", i)) {
        const end = pattern.indexOf(":]", i + 2);
        if (end > 0) i = end + 1;
      } else if (char === "]") inClass = false;
      continue;
    }
    if (char === "[") {
      inClass = true;
      if (pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") i++;
      continue;
    }
    const open = pattern.startsWith("(?P<", i) ? "(?P<" : pattern.startsWith("(?<", i) ? "(?<" : "";
    if (!open || pattern[i + open.length] === "=" || pattern[i + open.length] === "!") continue;
    const end = pattern.indexOf(">", i + open.length);
    if (end > 0) groups.push({ at: i, open, name: pattern.slice(i + open.length, end) });
  }
  return groups;
}

/** `pattern` with every named group renamed uniquely: Go allows a name twice, re2js does not. */
function uniqueGroupNames(pattern: string, groups: readonly NamedGroup[]): string {
  let out = "";
  let last = 0;
  groups.forEach((group, index) => {
    const nameEnd = group.at + group.open.length + group.name.length;
    out += `${pattern.slice(last, nameEnd)}_${index}`;
    last = nameEnd;
  });
  return out + pattern.slice(last);
}

function compileProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    if (!(error instanceof RE2JSSyntaxException))
      return error instanceof Error ? error.message : String(error);
    if (error.error === "duplicate capture group name") {
      const groups = namedGroups(pattern);
      if (groups.length > 1) return compileProblem(uniqueGroupNames(pattern, groups));
    }
    return explain(error.error, error.input);
  }
}

/**
 * Why `pattern` is not a regex Go's regexp compiles (RE2 syntax), or
 * undefined when it is. The message names the construct and the fix, e.g.
 * `not an RE2 regex (Go regexp, as Alloy uses): lookahead (?=...) is not
 * supported; rewrite without it ...`.
 */
export function re2Problem(pattern: string, options: Re2Options = {}): string | undefined {
  const prefix = `not an RE2 regex (Go regexp, as ${options.reader ?? "Alloy"} uses)`;
  if (pattern.length > MAX_LENGTH.regex)
    return `${prefix}: ${pattern.length} characters where at most ${MAX_LENGTH.regex} are allowed; split it into several rules`;
  const control = controlCharacterProblem(pattern);
  if (control)
    return `${prefix}: ${control.replace(/; remove it$/, "")}; write it as an escape (\\n, \\t, \\x{2028})`;
  const problem =
    compileProblem(pattern) ?? (options.anchored ? compileProblem(`^(?:${pattern})$`) : undefined);
  if (problem) return `${prefix}: ${problem}`;
  const modern = namedGroups(pattern).find((group) => group.open === "(?<");
  if (modern)
    return `${prefix}: the named group (?<${modern.name}>...) needs Go 1.22 or newer, which older Alertmanager, Prometheus and Thanos builds predate; write (?P<${modern.name}>...)`;
  return undefined;
}

/** True when the fully anchored `pattern` matches the empty string (a Loki "empty-compatible" matcher). */
export function re2MatchesEmpty(pattern: string): boolean {
  try {
    return RE2JS.compile(`^(?:${pattern})$`).matches("");
  } catch {
    return false;
  }
}

/**
 * An RE2 regex value: at most MAX_LENGTH.regex characters, refused with the
 * construct and its fix when Go's regexp would refuse it.
 */
export function re2Schema(options: Re2Options = {}) {
  return z
    .string()
    .max(MAX_LENGTH.regex, {
      error: (issue) => re2Problem(String(issue.input), options),
    })
    .superRefine((pattern, ctx) => {
      if (pattern.length > MAX_LENGTH.regex) return;
      const problem = re2Problem(pattern, options);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: pattern });
    });
}
