const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The numeric value of a Kubernetes quantity (`512Mi`, `1Gi`, `1.5G`, `1e9`), for comparisons. */
export function quantityValue(text: string): number {
  const match = /^([+]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|([KMGTPE]i)|([mkMGTPE])?)$/.exec(
    text,
  );
  if (!match) throw new Error(`not a Kubernetes quantity: ${text}`);
  const base = Number(match[1]);
  if (match[2] !== undefined) return base * 10 ** Number(match[2]);
  if (match[3] !== undefined) return base * (BINARY[match[3]] ?? 1);
  return base * (DECIMAL[match[4] ?? ""] ?? 1);
}

/** The larger of two quantities, as written. */
export function maxQuantity(a: string, b: string): string {
  return quantityValue(b) > quantityValue(a) ? b : a;
}
