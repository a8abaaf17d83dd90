import { parser as logqlParser } from "@grafana/lezer-logql";
import type { SyntaxNode, Tree } from "@lezer/common";
import { parser as promqlParser } from "@prometheus-io/lezer-promql";
import { z } from "zod";
import { re2MatchesEmpty, re2Problem } from "./re2.js";
import { controlCharacterProblem, excerpt, goUnquote, MAX_LENGTH } from "./strings.js";

/** The query languages the stack parses with their official Lezer grammars. */
export type QueryLanguage = "promql" | "logql";

const TREE_CACHE_LIMIT = 4096;
const treeCache: Record<QueryLanguage, Map<string, Tree>> = {
  promql: new Map(),
  logql: new Map(),
};

/**
 * The parse tree of `text`. Lezer trees are immutable, and a render parses the
 * same dashboard, rule and selector expressions many times (validation, metric
 * names, the catalogue check), so each distinct text is parsed once per process;
 * the cache is dropped whole when it grows past 4,096 texts.
 */
export function queryTree(language: QueryLanguage, text: string): Tree {
  const cache = treeCache[language];
  let tree = cache.get(text);
  if (!tree) {
    tree = (language === "promql" ? promqlParser : logqlParser).parse(text);
    if (cache.size >= TREE_CACHE_LIMIT) cache.clear();
    cache.set(text, tree);
  }
  return tree;
}

/**
 * LogQL and PromQL values, checked with the Lezer grammars Grafana and
 * Prometheus maintain (@grafana/lezer-logql, @prometheus-io/lezer-promql),
 * plus what those grammars leave to Loki and Prometheus: string escapes as Go
 * reads them, RE2 regexes in `=~`/`!~` matchers and `|~` line filters, and a
 * selector that does not match everything.
 */

const SELECTOR_EXAMPLE = '{namespace="materialize", container=~"environmentd|clusterd"}';

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

function firstError(node: SyntaxNode): SyntaxNode | undefined {
  for (const n of subtree(node)) if (n.type.isError) return n;
  return undefined;
}

function syntaxProblem(text: string, root: SyntaxNode): string | undefined {
  const error = firstError(root);
  if (!error) return undefined;
  if (error.from >= text.trimEnd().length)
    return "it ends too early: a closing }, ), ] or quote is missing";
  const column = error.from + 1;
  return `syntax error at column ${column}, near ${excerpt(text.slice(error.from, error.from + 20), 20)}`;
}

/** The subtree of `node` in document order, without recursion (deeply nested input stays safe). */
function* subtree(node: SyntaxNode): Generator<SyntaxNode> {
  const stack: SyntaxNode[] = [node];
  while (stack.length > 0) {
    const next = stack.pop() as SyntaxNode;
    yield next;
    const kids = childrenOf(next);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i] as SyntaxNode);
  }
}

/** The nodes named `name` in the subtree of `node`, in document order. */
function* descendants(node: SyntaxNode, name: string): Generator<SyntaxNode> {
  for (const n of subtree(node)) if (n.name === name) yield n;
}

/** Shared first checks: length, emptiness, characters no reader takes raw. */
function textProblem(text: string, max: number): string | undefined {
  if (text.length > max)
    return `${text.length} characters where at most ${max} are allowed; shorten it`;
  if (text.trim() === "") return "empty";
  return controlCharacterProblem(text, "\t\n\r");
}

/** A label matcher read from the tree: `label op "value"`. */
interface ReadMatcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

function matchesEmpty(m: ReadMatcher): boolean {
  switch (m.op) {
    case "=":
      return m.value === "";
    case "!=":
      return m.value !== "";
    case "=~":
      return re2MatchesEmpty(m.value);
    case "!~":
      return !re2MatchesEmpty(m.value);
  }
}

type Read<T> = { ok: true; value: T } | { ok: false; message: string };

/** Reads a string node, refusing escapes Go would refuse. */
function readString(text: string, node: SyntaxNode, singleQuotes: boolean): Read<string> {
  const literal = text.slice(node.from, node.to);
  const result = goUnquote(literal, singleQuotes);
  return result.ok
    ? result
    : {
        ok: false,
        message: `the string ${excerpt(literal)} at column ${node.from + 1}: ${result.message}`,
      };
}

/** Why a regex matcher or filter value is not RE2, with where it is. */
function regexProblem(what: string, value: string, anchored: boolean, reader: string) {
  const problem = re2Problem(value, { anchored, reader });
  return problem ? `${what}: ${problem}` : undefined;
}

const LOGQL_OPS: Record<string, ReadMatcher["op"]> = { Eq: "=", Neq: "!=", Re: "=~", Nre: "!~" };

function readLogqlMatcher(text: string, node: SyntaxNode): Read<ReadMatcher> {
  const kids = childrenOf(node);
  const label = kids.find((k) => k.name === "Identifier");
  const op = kids.find((k) => LOGQL_OPS[k.name] !== undefined);
  const value = kids.find((k) => k.name === "String");
  if (!label || !op || !value) return { ok: false, message: "an incomplete label matcher" };
  const read = readString(text, value, false);
  if (!read.ok) return read;
  return {
    ok: true,
    value: {
      label: text.slice(label.from, label.to),
      op: LOGQL_OPS[op.name] as ReadMatcher["op"],
      value: read.value,
    },
  };
}

/** Checks every string, regex matcher, regex line filter and stream selector of a LogQL tree. */
function logqlContentProblem(text: string, root: SyntaxNode): string | undefined {
  for (const node of descendants(root, "String")) {
    const read = readString(text, node, false);
    if (!read.ok) return read.message;
  }
  for (const node of descendants(root, "Matcher")) {
    const read = readLogqlMatcher(text, node);
    if (!read.ok) return read.message;
    const m = read.value;
    if (m.op === "=~" || m.op === "!~") {
      const problem = regexProblem(`the regex of ${m.label}${m.op}`, m.value, true, "Loki");
      if (problem) return problem;
    }
  }
  for (const node of descendants(root, "LineFilter")) {
    const filter = node.getChild("Filter");
    const value = node.getChild("String");
    if (!filter || !value || !(filter.getChild("PipeMatch") || filter.getChild("Nre"))) continue;
    const read = readString(text, value, false);
    if (!read.ok) return read.message;
    const op = text.slice(filter.from, filter.to);
    const problem = regexProblem(`the line filter ${op}`, read.value, false, "Loki");
    if (problem) return problem;
  }
  for (const selector of descendants(root, "Selector")) {
    const matchers: ReadMatcher[] = [];
    for (const node of descendants(selector, "Matcher")) {
      const read = readLogqlMatcher(text, node);
      if (read.ok) matchers.push(read.value);
    }
    if (!matchers.some((m) => !matchesEmpty(m)))
      return `the stream selector ${excerpt(text.slice(selector.from, selector.to))} matches every stream; Loki needs at least one matcher that does not match an empty value, e.g. {namespace="dev"} (not {app=~".*"} or {app=""})`;
  }
  return undefined;
}

/** Options of a LogQL selector value. */
export interface LogqlSelectorOptions {
  /**
   * Also take a pipeline after the selector (line filters, parsers, label
   * filters), as Alloy's stage.match does. Loki's retention_stream takes a
   * stream selector alone.
   */
  pipeline: boolean;
}

/**
 * Why `text` is not one LogQL stream selector (`{label="value", ...}`,
 * followed by a pipeline when `options.pipeline`), or undefined when it is.
 */
export function logqlSelectorProblem(
  text: string,
  options: LogqlSelectorOptions,
): string | undefined {
  const what = options.pipeline
    ? "not a LogQL stream selector (with optional pipeline)"
    : "not a LogQL stream selector";
  const fix = `write one such as ${SELECTOR_EXAMPLE}${options.pipeline ? ' |= "error"' : ""}`;
  const early = textProblem(text, MAX_LENGTH.selector);
  if (early) return `${what}: ${early}; ${fix}`;
  if (/^\s*\{\s*\}/.test(text))
    return `${what}: {} matches every stream, which Loki refuses; name at least one label, e.g. ${SELECTOR_EXAMPLE}`;
  const root = queryTree("logql", text).topNode;
  const syntax = syntaxProblem(text, root);
  if (syntax) return `${what}: ${syntax}; ${fix}`;
  const exprs = childrenOf(root);
  let node = exprs.length === 1 ? exprs[0]?.firstChild : undefined;
  if (node?.name === "MetricExpr")
    return `${what}: it is a metric query; write only the stream selector, e.g. ${SELECTOR_EXAMPLE}`;
  while (node?.name === "LogExpr" && node.firstChild?.name === "LogExpr") node = node.firstChild;
  if (node?.name !== "LogExpr" || node.firstChild?.name !== "Selector") return `${what}; ${fix}`;
  if (!options.pipeline && node.getChild("PipelineExpr"))
    return `${what}: Loki takes a stream selector alone here; remove the pipeline (|= "...", | json, ...) after the closing }`;
  const content = logqlContentProblem(text, root);
  return content ? `${what}: ${content}` : undefined;
}

/**
 * A LogQL stream selector value, refused with the reason and an example;
 * `options.pipeline` also takes line filters and parsers after it.
 */
export function logqlSelectorSchema(options: LogqlSelectorOptions) {
  return z
    .string()
    .max(MAX_LENGTH.selector, {
      error: (issue) => logqlSelectorProblem(String(issue.input), options),
    })
    .superRefine((text, ctx) => {
      if (text.length > MAX_LENGTH.selector) return;
      const problem = logqlSelectorProblem(text, options);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: text });
    });
}

/**
 * Why `expr` is not a LogQL metric query Loki's ruler evaluates (e.g.
 * `sum(rate({app="x"} |= "error" [5m])) > 0`), or undefined when it is.
 */
export function logqlMetricProblem(expr: string): string | undefined {
  const what = "not a LogQL metric query";
  const fix = 'write one such as sum(rate({namespace="dev"} |= "error" [5m])) > 0';
  const early = textProblem(expr, MAX_LENGTH.query);
  if (early) return `${what}: ${early}; ${fix}`;
  const root = queryTree("logql", expr).topNode;
  const syntax = syntaxProblem(expr, root);
  if (syntax) return `${what}: ${syntax}; ${fix}`;
  const exprs = childrenOf(root);
  if (exprs.length !== 1 || exprs[0]?.firstChild?.name !== "MetricExpr")
    return `${what}: a log query returns lines, which a rule cannot evaluate; ${fix}`;
  const content = logqlContentProblem(expr, root);
  return content ? `${what}: ${content}` : undefined;
}

const PROMQL_OPS: Record<string, ReadMatcher["op"]> = {
  EqlSingle: "=",
  Neq: "!=",
  EqlRegex: "=~",
  NeqRegex: "!~",
};

function readPromqlMatcher(text: string, node: SyntaxNode): Read<ReadMatcher> {
  const name = node.getChild("LabelName") ?? node.getChild("QuotedLabelName");
  const op = node.getChild("MatchOp")?.firstChild;
  const value = node.getChild("StringLiteral");
  if (!name || !op || !value) return { ok: false, message: "an incomplete label matcher" };
  const read = readString(text, value, true);
  if (!read.ok) return read;
  return {
    ok: true,
    value: {
      label: text.slice(name.from, name.to),
      op: PROMQL_OPS[op.name] ?? "=",
      value: read.value,
    },
  };
}

/**
 * Why `expr` is not a PromQL expression Prometheus (and the Thanos ruler)
 * evaluates, or undefined when it is: the grammar, Go string escapes, RE2
 * regex matchers, and no vector selector that matches every series.
 */
export function promqlProblem(expr: string, reader = "Prometheus"): string | undefined {
  const what = "not a PromQL expression";
  const fix = 'write one such as sum by (job) (rate(http_requests_total{job="api"}[5m])) > 0';
  const early = textProblem(expr, MAX_LENGTH.query);
  if (early) return `${what}: ${early}; ${fix}`;
  const root = queryTree("promql", expr).topNode;
  const syntax = syntaxProblem(expr, root);
  if (syntax) return `${what}: ${syntax}; ${fix}`;
  for (const node of descendants(root, "StringLiteral")) {
    const read = readString(expr, node, true);
    if (!read.ok) return `${what}: ${read.message}`;
  }
  for (const selector of descendants(root, "VectorSelector")) {
    const matchers: ReadMatcher[] = [];
    const list = selector.getChild("LabelMatchers");
    let named = selector.getChild("Identifier") !== null;
    for (const node of list ? childrenOf(list) : []) {
      if (node.name === "QuotedLabelName") named = true;
      if (node.name !== "UnquotedLabelMatcher" && node.name !== "QuotedLabelMatcher") continue;
      const read = readPromqlMatcher(expr, node);
      if (!read.ok) return `${what}: ${read.message}`;
      const m = read.value;
      if (m.op === "=~" || m.op === "!~") {
        const problem = regexProblem(`the regex of ${m.label}${m.op}`, m.value, true, reader);
        if (problem) return `${what}: ${problem}`;
      }
      matchers.push(m);
    }
    if (!named && !matchers.some((m) => !matchesEmpty(m)))
      return `${what}: the selector ${excerpt(expr.slice(selector.from, selector.to))} matches every series; give it a metric name or a matcher that does not match an empty value, e.g. {job="api"}`;
  }
  return undefined;
}

/** A PromQL expression value (a rule's `expr`), refused with the reason and an example. */
export function promqlSchema(reader = "Prometheus") {
  return z
    .string()
    .max(MAX_LENGTH.query, {
      error: (issue) => promqlProblem(String(issue.input), reader),
    })
    .superRefine((expr, ctx) => {
      if (expr.length > MAX_LENGTH.query) return;
      const problem = promqlProblem(expr, reader);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: expr });
    });
}

/** A LogQL metric query value (a Loki rule's `expr`), refused with the reason and an example. */
export function logqlMetricSchema() {
  return z
    .string()
    .max(MAX_LENGTH.query, {
      error: (issue) => logqlMetricProblem(String(issue.input)),
    })
    .superRefine((expr, ctx) => {
      if (expr.length > MAX_LENGTH.query) return;
      const problem = logqlMetricProblem(expr);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: expr });
    });
}
