/**
 * What a connection is for ("PromQL", "push", "alerts"), read from the
 * addresses the components publish in their `endpoints` (and the external
 * replacements in the values), never from retyped ports or service names.
 */
import type { ParsedStackValues } from "../values.js";
import type { StackEndpoints } from "../wiring.js";

/** One address a component publishes, with what clients use it for. */
export interface EndpointPurpose {
  purpose: string;
  url: string;
}

/** Every address the built components publish, with its purpose. */
export function internalPurposes(endpoints: StackEndpoints): EndpointPurpose[] {
  const entries: EndpointPurpose[] = [];
  const add = (purpose: string, url: string | undefined) => {
    if (url) entries.push({ purpose, url });
  };
  const thanos = endpoints.thanos;
  if (thanos) {
    add("remote-write", thanos.remoteWriteUrl);
    add("PromQL", thanos.promqlUrl);
    add("PromQL", thanos.queryUrl);
    add("rules API", thanos.rulerUrl);
    for (const url of Object.values(thanos.storeApi)) add("StoreAPI", url);
  }
  const loki = endpoints.loki;
  if (loki) {
    add("push", loki.pushUrl);
    add("OTLP push", loki.otlpUrl);
    add("LogQL", loki.queryUrl);
    add("rules API", loki.rulerApiUrl);
  }
  const am = endpoints.alertmanager;
  if (am) {
    for (const url of [am.url, am.apiUrl, am.dnsSrv, am.dnsSrvUrl, ...am.replicaUrls])
      add("alerts", url);
  }
  add("Grafana API", endpoints.grafana?.url);
  const exporters = endpoints.exporters;
  for (const scrape of [
    exporters?.metricsServer?.metrics,
    exporters?.kubeStateMetrics?.metrics,
    exporters?.kubeStateMetrics?.telemetry,
    exporters?.nodeExporter?.metrics,
  ]) {
    add("scrape", scrape?.url);
  }
  return entries;
}

/** A disabled component's replacement: one node, the addresses the stack uses instead. */
export interface ExternalEndpoint {
  /** Node id, `external/<section>`. */
  id: string;
  section: "loki" | "thanos" | "alertmanager" | "grafana";
  title: string;
  entries: EndpointPurpose[];
}

/** The external replacements the values configure for disabled components, in section order. */
export function externalEndpoints(values: ParsedStackValues): ExternalEndpoint[] {
  const found: ExternalEndpoint[] = [];
  const push = (
    section: ExternalEndpoint["section"],
    title: string,
    entries: (EndpointPurpose | undefined)[],
  ) => {
    const defined = entries.filter((e): e is EndpointPurpose => Boolean(e?.url));
    if (defined.length > 0)
      found.push({ id: `external/${section}`, section, title, entries: defined });
  };
  const { alertmanager, loki, thanos, grafana } = values;
  if (!alertmanager.enabled && alertmanager.external) {
    push(
      "alertmanager",
      "external Alertmanager",
      alertmanager.external.urls.map((url) => ({ purpose: "alerts", url })),
    );
  }
  if (!loki.enabled && loki.external) {
    const { pushUrl, queryUrl } = loki.external;
    push("loki", "external Loki", [
      { purpose: "push", url: pushUrl },
      queryUrl ? { purpose: "LogQL", url: queryUrl } : undefined,
    ]);
  }
  if (!thanos.enabled && thanos.external) {
    const { remoteWriteUrl, queryUrl } = thanos.external;
    push("thanos", "external Thanos", [
      { purpose: "remote-write", url: remoteWriteUrl },
      queryUrl ? { purpose: "PromQL", url: queryUrl } : undefined,
    ]);
  }
  if (!grafana.enabled && grafana.external) {
    push("grafana", "external Grafana", [{ purpose: "Grafana API", url: grafana.external.url }]);
  }
  return found;
}

/**
 * A comparable form of an address: no scheme (configs write the same address
 * with and without one), lower-case host, the scheme's default port dropped,
 * `.svc.<cluster domain>` shortened to `.svc`, no trailing slash.
 */
export function normalizeAddress(address: string, clusterDomain: string): string {
  const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/?#]*)(.*)$/i.exec(address.trim());
  const scheme = (match?.[1] ?? "").toLowerCase();
  let host = (match?.[2] ?? "").toLowerCase();
  const rest = (match?.[3] ?? "").replace(/\/+$/, "");
  if (/(^|\+)http$/.test(scheme) && host.endsWith(":80")) host = host.slice(0, -3);
  if (/(^|\+)https$/.test(scheme) && host.endsWith(":443")) host = host.slice(0, -4);
  host = host.replace(`.svc.${clusterDomain.toLowerCase()}`, ".svc");
  return `${host}${rest}`;
}

function isPrefix(prefix: string, of: string): boolean {
  if (!of.startsWith(prefix)) return false;
  const next = of[prefix.length];
  return next === undefined || next === "/" || next === "?" || next === "#";
}

/**
 * The purposes of the dialled URLs among the candidates serving the same
 * pods and port: the candidate whose address is the longest prefix of each
 * URL wins (`.../loki/api/v1/push` is "push", the bare base is "LogQL"); when
 * none is a prefix (another Service in front of the same pods), the shortest
 * candidate, i.e. the base address, names it.
 */
export function purposesOf(
  candidates: readonly EndpointPurpose[],
  dialled: readonly string[],
  clusterDomain: string,
): string[] {
  if (candidates.length === 0) return [];
  const distinct = [...new Set(candidates.map((c) => c.purpose))];
  if (distinct.length === 1) return distinct;
  const normalized = candidates
    .map((c) => ({ purpose: c.purpose, url: normalizeAddress(c.url, clusterDomain) }))
    .sort((a, b) => a.url.length - b.url.length || compare(a.url, b.url));
  const found = new Set<string>();
  for (const url of dialled) {
    const target = normalizeAddress(url, clusterDomain);
    let best: { purpose: string; url: string } | undefined;
    for (const candidate of normalized) {
      if (isPrefix(candidate.url, target) && (!best || candidate.url.length > best.url.length))
        best = candidate;
    }
    if (best) found.add(best.purpose);
  }
  if (found.size === 0 && normalized[0]) found.add(normalized[0].purpose);
  return [...found].sort(compare);
}

/** Names for conventional port names, for connections no published address explains. */
const PORT_NAME_PURPOSES: Record<string, string> = {
  grpc: "gRPC",
  http: "HTTP",
  "http-metrics": "HTTP",
  "http-web": "HTTP",
  https: "HTTPS",
  memberlist: "memberlist",
  "tcp-memberlist": "memberlist",
  "mesh-tcp": "gossip",
  "mesh-udp": "gossip",
  memcached: "memcached",
  metrics: "metrics",
  "remote-write": "remote-write",
};

/** What a port is for, from its container port name (`grpc` -> "gRPC"), else the protocol. */
export function portNamePurpose(name: string | undefined, protocol: string): string {
  if (!name) return protocol;
  return PORT_NAME_PURPOSES[name] ?? name;
}

/** Code-unit order, independent of the locale. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
