/**
 * The kubelet expands `$(VAR_NAME)` in a container's `command`, `args` and
 * `env[].value` before the process starts (Kubernetes'
 * third_party/forked/golang/expansion `Expand`, used by the kubelet's
 * `ExpandContainerCommandAndArgs` and for env values):
 *
 * - `$(NAME)` becomes the container's env var NAME; an undefined NAME (or an
 *   unclosed `$(`) is left as written;
 * - `$$` becomes `$`, anywhere: `$$(NAME)` is the literal text `$(NAME)`;
 * - `$` before any other character, or at the end, stays.
 *
 * A value the tool writes into such a field is literal text unless it is a
 * reference the tool means: `kubeArg` escapes what it interpolates and keeps
 * its template text (and `kubeEnvRef` parts) as written.
 */

/** A `$(NAME)` reference the kubelet replaces with the container's env var NAME. */
export class KubeEnvRef {
  readonly name: string;
  constructor(name: string) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(`internal error: ${JSON.stringify(name)} is not an env var name`);
    }
    this.name = name;
  }
  toString(): string {
    return `$(${this.name})`;
  }
}

/** `$(NAME)`, expanded by the kubelet from the container's env (declare NAME in `env`). */
export function kubeEnvRef(name: string): KubeEnvRef {
  return new KubeEnvRef(name);
}

/** What `kubeArg` interpolates: text and numbers as literals, references as references. */
export type KubeArgPart = string | number | boolean | KubeEnvRef;

interface Segment {
  text: string;
  /** Literal text: every `$` the kubelet would read as an operator is doubled. */
  literal: boolean;
}

function escapeSegments(segments: readonly Segment[]): string {
  let out = "";
  segments.forEach((segment, index) => {
    if (!segment.literal) {
      out += segment.text;
      return;
    }
    const { text } = segment;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (ch !== "$") {
        out += ch;
        continue;
      }
      // The character the kubelet reads after this `$`: from this segment or the next non-empty one.
      let next = text[i + 1];
      for (let s = index + 1; next === undefined && s < segments.length; s++) {
        next = segments[s]?.text[0];
      }
      out += next === "$" || next === "(" ? "$$" : "$";
    }
  });
  return out;
}

/**
 * A container arg (or command word, or env value) from a template: the
 * template text is written as is (it may hold `$(POD_NAME)` the tool means),
 * every interpolated string or number is literal (a `$` the kubelet would
 * expand is doubled, so `a$(HOSTNAME)b` reaches the process unchanged), and a
 * `kubeEnvRef` part is written as the `$(NAME)` reference it is.
 *
 * kubeArg`--label=cluster=${JSON.stringify(name)}`; kubeArg`--pod=${kubeEnvRef("POD_NAME")}`.
 */
export function kubeArg(strings: TemplateStringsArray, ...parts: readonly KubeArgPart[]): string {
  const segments: Segment[] = [];
  strings.forEach((text, i) => {
    if (text) segments.push({ text, literal: false });
    if (i < parts.length) {
      const part = parts[i];
      if (part instanceof KubeEnvRef) segments.push({ text: part.toString(), literal: false });
      else segments.push({ text: String(part), literal: true });
    }
  });
  return escapeSegments(segments);
}

/**
 * A whole arg or env value that is literal text: what the process receives
 * after the kubelet's expansion is `value` itself. Values users write as raw
 * flags (`extraArgs`) or env are not passed through this: there `$(VAR)` is
 * the reference a Kubernetes user means.
 */
export function kubeArgLiteral(value: string): string {
  return escapeSegments([{ text: value, literal: true }]);
}
