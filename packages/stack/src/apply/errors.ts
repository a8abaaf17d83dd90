import { isFieldManagerConflict, KubeApiError, KubeConnectionError } from "./client.js";
import { UnknownKindError } from "./resources.js";

/** One field another manager owns, from a server-side apply 409. */
export interface FieldConflict {
  field: string;
  manager: string;
  /** e.g. `using apps/v1`, `with subresource "scale" using apps/v1` */
  detail: string;
}

/** The conflicting fields and managers named by a server-side apply conflict. */
export function fieldConflicts(error: KubeApiError): FieldConflict[] {
  return (error.status.details?.causes ?? [])
    .filter((cause) => cause.reason === "FieldManagerConflict")
    .map((cause) => {
      const match = /^conflict with "([^"]*)"\s*(.*)$/.exec(cause.message ?? "");
      return {
        field: cause.field ?? "(unknown field)",
        manager: match?.[1] ?? cause.message ?? "another manager",
        detail: match?.[2] ?? "",
      };
    });
}

/**
 * A readable message for a conflict: which fields, which managers, and the
 * two ways out (leave the field to them, or take it with --force-conflicts).
 */
export function formatConflict(error: KubeApiError): string {
  const conflicts = fieldConflicts(error);
  const fields = conflicts.map(
    (c) => `${c.field} (managed by "${c.manager}"${c.detail ? ` ${c.detail}` : ""})`,
  );
  return (
    `${conflicts.length} field${conflicts.length === 1 ? " is" : "s are"} managed by another field manager: ` +
    `${fields.join(", ")}. Remove the value from your values so the other manager keeps it, ` +
    "or re-run with --force-conflicts to take ownership"
  );
}

/** One line explaining why an API call failed, without a stack. */
export function describeError(error: unknown): string {
  if (isFieldManagerConflict(error)) return formatConflict(error);
  if (error instanceof KubeApiError) {
    const message = error.status.message ?? error.message;
    switch (error.statusCode) {
      case 401:
        return `unauthorized: ${message} (check the kubeconfig's credentials)`;
      case 403:
        return `forbidden: ${message}`;
      case 404:
        return `not found: ${message}`;
      case 422:
        return `invalid: ${message}`;
      default:
        return `${error.statusCode}${error.reason ? ` ${error.reason}` : ""}: ${message}`;
    }
  }
  if (error instanceof UnknownKindError || error instanceof KubeConnectionError)
    return error.message;
  return error instanceof Error ? error.message : String(error);
}
