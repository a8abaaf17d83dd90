import type { Tree, TreeCursor } from "@lezer/common";
import { type QueryLanguage, queryTree } from "@materialize-monitoring/core";

export type { QueryLanguage };

/** Where an expression fails to parse: the offset, and the text around it. */
export interface ParseProblem {
  offset: number;
  near: string;
}

/**
 * Grafana's interval variables are not PromQL/LogQL; for parsing they stand
 * in as an ordinary duration. Other `$variables` only ever appear inside
 * label-matcher strings, where the grammar accepts anything.
 */
const GRAFANA_INTERVALS = /\$(__rate_interval|__interval|__range|__auto)\b/g;

export function substituteGrafanaIntervals(expr: string): string {
  return expr.replace(GRAFANA_INTERVALS, "5m");
}

function parseTree(language: QueryLanguage, expr: string): Tree {
  const source = substituteGrafanaIntervals(expr);
  return queryTree(language, source);
}

/** Syntax errors of an expression with the official Lezer grammar; empty when it parses. */
export function parseProblems(language: QueryLanguage, expr: string): ParseProblem[] {
  const source = substituteGrafanaIntervals(expr);
  if (source.trim() === "") return [{ offset: 0, near: "(empty expression)" }];
  const tree = parseTree(language, expr);
  const problems: ParseProblem[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        problems.push({
          offset: node.from,
          near: source.slice(Math.max(0, node.from - 20), node.from + 20),
        });
      }
    },
  });
  return problems;
}

function childrenOf(cursor: TreeCursor): string[] {
  const names: string[] = [];
  if (cursor.firstChild()) {
    do names.push(cursor.name);
    while (cursor.nextSibling());
    cursor.parent();
  }
  return names;
}

function unquote(literal: string): string {
  const quote = literal[0];
  if (quote === "`") return literal.slice(1, -1);
  if (quote === '"' || quote === "'") {
    try {
      // A double-quoted literal is already a JSON string; a single-quoted one needs its quotes swapped.
      const body = literal.slice(1, -1);
      return JSON.parse(quote === '"' ? literal : `"${body.replace(/"/g, '\\"')}"`) as string;
    } catch {
      return literal.slice(1, -1);
    }
  }
  return literal;
}

/**
 * Metric names a PromQL expression reads, from the parse tree: the name in
 * front of each vector selector, and `{__name__="..."}` equality matchers.
 */
export function promqlMetricNames(expr: string): string[] {
  const source = substituteGrafanaIntervals(expr);
  const tree = queryTree("promql", source);
  const names = new Set<string>();
  const cursor = tree.cursor();
  do {
    if (cursor.name === "VectorSelector") {
      const kids = childrenOf(cursor);
      if (kids[0] === "Identifier" && cursor.firstChild()) {
        names.add(source.slice(cursor.from, cursor.to));
        cursor.parent();
      }
    }
    if (cursor.name === "UnquotedLabelMatcher" || cursor.name === "QuotedLabelMatcher") {
      const text = source.slice(cursor.from, cursor.to);
      const match = /^"?__name__"?\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)$/.exec(text);
      if (match?.[1]) names.add(unquote(match[1]));
    }
  } while (cursor.next());
  return [...names].sort();
}

/** Stream selectors a LogQL expression reads: `{label op "value"}` as matcher objects. */
export interface LogStreamMatcher {
  label: string;
  op: string;
  value: string;
}

export function logqlStreamSelectors(expr: string): LogStreamMatcher[][] {
  const source = substituteGrafanaIntervals(expr);
  const tree = queryTree("logql", source);
  const selectors: LogStreamMatcher[][] = [];
  const cursor = tree.cursor();
  do {
    if (cursor.name === "Selector") {
      const matchers: LogStreamMatcher[] = [];
      const sub = cursor.node.cursor();
      do {
        if (sub.name === "Matcher") {
          const text = source.slice(sub.from, sub.to);
          const match = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*)$/s.exec(text);
          if (match?.[1] && match[2] && match[3]) {
            matchers.push({ label: match[1], op: match[2], value: unquote(match[3].trim()) });
          }
        }
      } while (sub.next() && sub.from < cursor.to);
      selectors.push(matchers);
    }
  } while (cursor.next());
  return selectors;
}
