import { type ValueProblem, ValuesError } from "./errors.js";
import type { KubeObject } from "./k8s.js";

/**
 * The most a ConfigMap's `data` plus `binaryData`, or a Secret's `data`
 * (with `stringData` merged in), may hold: the API server's
 * `ValidateConfigMap`/`ValidateSecret` sum the bytes of the values (decoded,
 * for base64 fields) and refuse more than `MaxSecretSize`, 1 MiB.
 */
export const MAX_CONFIG_DATA_BYTES = 1024 * 1024;

/**
 * The most any object may take in etcd: etcd refuses a request over
 * `--max-request-bytes`, 1.5 MiB by default, so the API server cannot store a
 * bigger object. Measured here as the object's JSON, which is how custom
 * resources are stored and more than the protobuf of built-in kinds.
 */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function base64Bytes(text: string): number {
  return Buffer.byteLength(text, "base64");
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `ConfigMap monitoring/loki-config`, as kubectl names an object. */
export function objectDisplayName(object: Pick<KubeObject, "kind" | "metadata">): string {
  const namespace = object.metadata.namespace ? `${object.metadata.namespace}/` : "";
  return `${object.kind} ${namespace}${object.metadata.name}`;
}

/** The bytes of each key the API server counts against MAX_CONFIG_DATA_BYTES. */
function dataSizes(object: KubeObject): Map<string, number> | undefined {
  const sizes = new Map<string, number>();
  const raw = object as {
    data?: Record<string, string>;
    binaryData?: Record<string, string>;
    stringData?: Record<string, string>;
  };
  if (object.apiVersion !== "v1") return undefined;
  if (object.kind === "ConfigMap") {
    for (const [key, value] of Object.entries(raw.data ?? {})) sizes.set(key, utf8Bytes(value));
    for (const [key, value] of Object.entries(raw.binaryData ?? {}))
      sizes.set(key, base64Bytes(value));
    return sizes;
  }
  if (object.kind === "Secret") {
    for (const [key, value] of Object.entries(raw.data ?? {})) sizes.set(key, base64Bytes(value));
    // stringData is merged into data (and wins) before the API server validates the size.
    for (const [key, value] of Object.entries(raw.stringData ?? {}))
      sizes.set(key, utf8Bytes(value));
    return sizes;
  }
  return undefined;
}

/** The longest string in an object and where it is (`spec.json`, `data["rules.yaml"]`). */
function largestString(value: unknown, path = ""): { path: string; bytes: number } | undefined {
  if (typeof value === "string") return { path, bytes: utf8Bytes(value) };
  let best: { path: string; bytes: number } | undefined;
  const consider = (child: unknown, childPath: string) => {
    const found = largestString(child, childPath);
    if (found && (!best || found.bytes > best.bytes)) best = found;
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      consider(item, `${path}[${i}]`);
    });
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key);
      consider(child, plain ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`);
    }
  }
  return best;
}

/**
 * Objects the API server would refuse for their size: a ConfigMap or Secret
 * holding more than 1 MiB of data, or any object (CRDs included) over the
 * 1.5 MiB etcd stores. `source` names what built them, for the hint.
 */
export function objectSizeProblems(
  objects: readonly KubeObject[],
  source?: (object: KubeObject) => string | undefined,
): ValueProblem[] {
  const problems: ValueProblem[] = [];
  for (const object of objects) {
    const from = source?.(object);
    const built = from ? ` (built from the ${from} values)` : "";
    const sizes = dataSizes(object);
    const data = sizes ? [...sizes.values()].reduce((a, b) => a + b, 0) : 0;
    if (sizes && data > MAX_CONFIG_DATA_BYTES) {
      const [key, bytes] = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0] as [string, number];
      problems.push({
        path: objectDisplayName(object),
        message: `is ${mib(data)} of data (${data} bytes), over the 1 MiB (${MAX_CONFIG_DATA_BYTES} bytes) the API server accepts in a ${object.kind}`,
        hint: `shorten what fills its key ${JSON.stringify(key)} (${mib(bytes)})${built}`,
      });
      continue;
    }
    const total = utf8Bytes(JSON.stringify(object));
    if (total > MAX_OBJECT_BYTES) {
      const largest = largestString(object);
      problems.push({
        path: objectDisplayName(object),
        message: `is ${mib(total)} (${total} bytes as JSON), over the 1.5 MiB (${MAX_OBJECT_BYTES} bytes) etcd stores for one object`,
        hint: largest
          ? `shorten what fills ${largest.path} (${mib(largest.bytes)})${built}`
          : `shorten the values that fill it${built}`,
      });
    }
  }
  return problems;
}

/** Throws a ValuesError naming every object too big for the API server. */
export function assertObjectSizes(
  objects: readonly KubeObject[],
  source?: (object: KubeObject) => string | undefined,
): void {
  const problems = objectSizeProblems(objects, source);
  if (problems.length > 0) throw new ValuesError(problems);
}
