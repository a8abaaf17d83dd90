/**
 * Go's `%.4g` and Prometheus' humanize template functions, so promtool unit
 * tests can state the exact annotation text an alert renders.
 */
export function goG4(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value === 0) return "0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential(3).split("e");
  const exponent = Number(exponentText);
  const strip = (text: string) =>
    text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  if (exponent < -4 || exponent >= 4) {
    const sign = exponent < 0 ? "-" : "+";
    return `${strip(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return strip(value.toFixed(Math.max(0, 3 - exponent)));
}

export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return goG4(value);
  let v = value;
  let prefix = "";
  if (Math.abs(v) >= 1) {
    for (const p of ["k", "M", "G", "T", "P", "E", "Z", "Y"]) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return `${goG4(v)}${prefix}`;
  }
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}`;
}

export function humanizePercentage(value: number): string {
  return `${goG4(value * 100)}%`;
}

export function humanizeDuration(value: number): string {
  if (!Number.isFinite(value)) return goG4(value);
  if (value === 0) return "0s";
  let v = value;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? "-" : "";
    v = Math.abs(v);
    const whole = Math.trunc(v);
    const seconds = whole % 60;
    const minutes = Math.trunc(whole / 60) % 60;
    const hours = Math.trunc(whole / 3600) % 24;
    const days = Math.trunc(whole / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${goG4(v)}s`;
  }
  let prefix = "";
  for (const p of ["m", "u", "n", "p", "f", "a", "z", "y"]) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${goG4(v)}${prefix}s`;
}

/** Expands the two template forms our annotations use: `{{ $labels.x }}` and `{{ $value | f }}`. */
export function expandAnnotation(
  template: string,
  labels: Record<string, string>,
  value: number,
): string {
  return template
    .replace(
      /\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g,
      (_, name: string) => labels[name] ?? "",
    )
    .replace(
      /\{\{ \$value \| (humanize|humanizeDuration|humanizePercentage) \}\}/g,
      (_, fn: string) =>
        fn === "humanize"
          ? humanize(value)
          : fn === "humanizeDuration"
            ? humanizeDuration(value)
            : humanizePercentage(value),
    )
    .replace(/\{\{ \$value \}\}/g, () => goG4(value));
}
