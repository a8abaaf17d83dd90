/**
 * `remote.kubernetes.secret`: read a Kubernetes Secret through the API.
 */
import { defineComponent } from "../builder.js";
import { rule, type Schema } from "../schema.js";
import type { DurationValue, StringValue } from "../values.js";
import { type KubernetesClient, kubernetesClientFields } from "./common.js";
import { componentExports } from "./registry.js";

/**
 * Arguments of `remote.kubernetes.secret`. Exports `data` (`map(secret)`);
 * use `expr.index(secret.exports.data, "password")` for one key.
 */
export interface RemoteKubernetesSecretArgs {
  readonly namespace: StringValue;
  readonly name: StringValue;
  /** Default `"1m"`. */
  readonly pollFrequency?: DurationValue;
  /** Default `"15s"`. */
  readonly pollTimeout?: DurationValue;
  /** Kubernetes client (default: in-cluster). */
  readonly client?: KubernetesClient;
}

const secretFields = {
  namespace: rule.required(),
  name: rule.required(),
  pollFrequency: rule.duration(),
  pollTimeout: rule.duration(),
  client: rule.block(kubernetesClientFields),
} as const satisfies Schema<RemoteKubernetesSecretArgs>;

/** `remote.kubernetes.secret`: polls a Secret and exports its keys as secrets. */
export const remoteKubernetesSecret = defineComponent<
  RemoteKubernetesSecretArgs,
  (typeof componentExports)["remote.kubernetes.secret"]
>("remote.kubernetes.secret", secretFields, componentExports["remote.kubernetes.secret"]);

/** The `remote.*` namespace. */
export const remote = { kubernetes: { secret: remoteKubernetesSecret } };
