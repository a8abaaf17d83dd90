import type { ResolvedMaterializeValues } from "../values.js";

/** An alert's runbook: `<rules.runbookBaseUrl>#<alert name in lower case>`. */
export function runbookUrl(values: ResolvedMaterializeValues, alertName: string): string {
  return `${values.rules.runbookBaseUrl}#${alertName.toLowerCase()}`;
}
