/**
 * A TypeScript port of the kubelet's `$(VAR)` expansion of container
 * `command`, `args` and `env[].value`: `Expand` and `MappingFuncFor` of
 * Kubernetes' third_party/forked/golang/expansion/expand.go (the version that
 * reads the character after `$` as a UTF-8 rune), line by line. Its own
 * expand_test.go cases are replayed in kube-expansion.test.ts. It is checked
 * against the upstream source, not a kubelet.
 */

/** `MappingFuncFor(env)`: an undefined NAME is written back as `$(NAME)`. */
export function mappingFor(...contexts: Readonly<Record<string, string>>[]) {
  return (input: string): string => {
    for (const vars of contexts) {
      if (Object.hasOwn(vars, input)) return vars[input] as string;
    }
    return `$(${input})`;
  };
}

/** Returns what was read, whether it is a variable name, and how much of `input` it took. */
function tryReadVariableName(input: string): [string, boolean, number] {
  const r = String.fromCodePoint(input.codePointAt(0) as number);
  switch (r) {
    case "$":
      // Escaped operator; return it.
      return [r, false, r.length];
    case "(":
      // Scan to expression closer
      for (let i = 1; i < input.length; i++) {
        if (input[i] === ")") return [input.slice(1, i), true, i + 1];
      }
      // Incomplete reference; return it.
      return ["$(", false, 1];
    default:
      // Not the beginning of an expression: the operator and the first rune.
      return [`$${r}`, false, r.length];
  }
}

/** `expansion.Expand(input, mapping)`. */
export function kubeletExpand(input: string, mapping: (name: string) => string): string {
  let buf = "";
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] === "$" && cursor + 1 < input.length) {
      buf += input.slice(checkpoint, cursor);
      const [read, isVar, advance] = tryReadVariableName(input.slice(cursor + 1));
      buf += isVar ? mapping(read) : read;
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return buf + input.slice(checkpoint);
}
