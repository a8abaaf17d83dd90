import { quantityValue } from "@materialize-monitoring/core";

/** The numeric value of a Kubernetes quantity (`512Mi`, `1Gi`, `1.5G`, `1e9`), for comparisons. */
function quantityNumber(text: string): number {
  const value = quantityValue(text);
  if (Number.isNaN(value)) throw new Error(`not a Kubernetes quantity: ${text}`);
  return value;
}

/** The larger of two quantities, as written. */
export function maxQuantity(a: string, b: string): string {
  return quantityNumber(b) > quantityNumber(a) ? b : a;
}
