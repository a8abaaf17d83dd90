import { randomBytes } from "node:crypto";
import { TOOL_NAME } from "./applyset.js";
import { KubeApiError } from "./client.js";
import { describeError } from "./errors.js";
import type { Reporter } from "./progress.js";
import type { LiveObject, ObjectRef, ResourceApi } from "./resources.js";

/** A Secret the values reference, to be created with random values when it does not exist. */
export interface MissingSecretSpec {
  namespace: string;
  name: string;
  keys: string[];
  /** `password`: 32 characters; `token`: 43 characters (256 bits). Both base64url. */
  generate: "password" | "token";
}

export type SecretAction = "created" | "exists" | "incomplete" | "failed";

/** What happened to one Secret. Names and keys only: values never leave this module. */
export interface SecretOutcome {
  namespace: string;
  name: string;
  keys: string[];
  action: SecretAction;
  missingKeys?: string[];
  message?: string;
}

/** Label on generated Secrets; they are not ApplySet members, so prune and uninstall keep them. */
export const GENERATED_SECRET_LABEL = "materialize-monitoring.dev/generated-secret";

const BYTES: Record<MissingSecretSpec["generate"], number> = { password: 24, token: 32 };

/** A random value from the OS's CSPRNG, base64url without padding (safe in URLs, env and config files). */
export function generateSecretValue(
  kind: MissingSecretSpec["generate"],
  random: (size: number) => Buffer = randomBytes,
): string {
  return random(BYTES[kind]).toString("base64url");
}

function secretKeys(live: LiveObject): Set<string> {
  const data = (live.data ?? {}) as Record<string, unknown>;
  const stringData = (live.stringData ?? {}) as Record<string, unknown>;
  return new Set([...Object.keys(data), ...Object.keys(stringData)]);
}

export interface CreateSecretsOptions {
  dryRun?: boolean;
  reporter: Reporter;
  random?: (size: number) => Buffer;
}

/**
 * For every referenced Secret that does not exist (GET 404), creates one
 * with a generated value per key. Existing Secrets are never changed; one
 * that lacks a referenced key is reported. The generated values are sent to
 * the API server and nowhere else: not returned, not reported, not logged.
 */
export async function createMissingSecrets(
  api: ResourceApi,
  specs: readonly MissingSecretSpec[],
  options: CreateSecretsOptions,
): Promise<SecretOutcome[]> {
  const outcomes: SecretOutcome[] = [];
  const { reporter } = options;
  for (const spec of specs) {
    const ref: ObjectRef = {
      apiVersion: "v1",
      kind: "Secret",
      namespace: spec.namespace,
      name: spec.name,
    };
    const keys = [...new Set(spec.keys)].sort();
    const base = { namespace: spec.namespace, name: spec.name, keys };
    try {
      const live = await api.get(ref);
      if (live) {
        const present = secretKeys(live);
        const missing = keys.filter((key) => !present.has(key));
        if (missing.length > 0) {
          const message = `exists but has no key ${missing.join(", ")}; not changed (add the key yourself)`;
          outcomes.push({ ...base, action: "incomplete", missingKeys: missing, message });
          reporter.emit({
            type: "warning",
            message: `Secret ${spec.namespace}/${spec.name} ${message}`,
          });
        } else {
          outcomes.push({ ...base, action: "exists" });
          reporter.emit({ type: "object", ref, action: "unchanged", message: "exists" });
        }
        continue;
      }
      const data: Record<string, string> = {};
      for (const key of keys) {
        data[key] = Buffer.from(generateSecretValue(spec.generate, options.random)).toString(
          "base64",
        );
      }
      await api.create(
        {
          apiVersion: "v1",
          kind: "Secret",
          metadata: {
            name: spec.name,
            namespace: spec.namespace,
            labels: { "app.kubernetes.io/managed-by": TOOL_NAME, [GENERATED_SECRET_LABEL]: "true" },
          },
          type: "Opaque",
          data,
        },
        { dryRun: options.dryRun ?? false },
      );
      const message = `generated ${spec.generate} for ${keys.join(", ")} (values not shown)`;
      outcomes.push({ ...base, action: "created", message });
      reporter.emit({
        type: "object",
        ref,
        action: "created",
        message,
        ...(options.dryRun ? { dryRun: true } : {}),
      });
    } catch (error) {
      if (error instanceof KubeApiError && error.reason === "AlreadyExists") {
        outcomes.push({
          ...base,
          action: "exists",
          message: "created concurrently by someone else",
        });
        reporter.emit({ type: "object", ref, action: "unchanged", message: "exists" });
        continue;
      }
      const message =
        options.dryRun && error instanceof KubeApiError && error.statusCode === 404
          ? "namespace does not exist yet; would be created with generated values"
          : describeError(error);
      const action: SecretAction =
        options.dryRun && message.startsWith("namespace") ? "created" : "failed";
      outcomes.push({ ...base, action, message });
      reporter.emit({
        type: "object",
        ref,
        action: action === "created" ? "created" : "failed",
        message,
        ...(options.dryRun ? { dryRun: true } : {}),
      });
    }
  }
  return outcomes;
}
