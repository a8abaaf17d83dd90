/**
 * External peers: an existing Grafana, Loki, Prometheus-compatible store or
 * Alertmanager the user declares instead of the bundled one. Each is resolved
 * once into where it is (in the cluster by namespace and pod labels, or
 * outside by addresses) and on which ports, so the wiring points at it, the
 * NetworkPolicies admit it, and validation knows it is not rendered here.
 */
import {
  type BuildContext,
  type PodPeerRef,
  urlPort,
  type ValueProblem,
  ValuesError,
} from "@materialize-monitoring/core";
import type { ExternalPeerValues, ParsedStackValues } from "./values.js";

/** Where an external peer is, resolved from its URLs and its `peer` value. */
export interface ExternalPeer {
  /** Its URLs, as the user wrote them. */
  urls: string[];
  /** Their host names (validation leaves them unresolved: no Service of ours serves them). */
  hosts: string[];
  /** The ports the stack connects to (from the URLs). */
  ports: number[];
  /** The ports its pods listen on (NetworkPolicy ports): `peer.ports`, else the URLs' ports. */
  podPorts: number[];
  /** In the cluster: its namespace (from the URL) and pods (every pod of the namespace when `{}`). */
  inCluster?: PodPeerRef;
  /** Outside the cluster: its addresses. */
  cidrs: string[];
}

export interface ExternalPeers {
  grafana?: ExternalPeer;
  loki?: ExternalPeer;
  thanos?: ExternalPeer;
  alertmanager?: ExternalPeer;
}

const ANYWHERE = "0.0.0.0/0";

/**
 * `<service>.<namespace>.svc[.<domain>]` → the namespace and the domain written
 * (`undefined` for the short `.svc` form); nothing for a host outside the cluster.
 */
function clusterHost(host: string): { namespace: string; domain?: string } | undefined {
  const labels = host.toLowerCase().split(".");
  const svc = labels.indexOf("svc");
  if (svc < 2) return undefined;
  const namespace = labels[svc - 1] as string;
  const domain = labels.slice(svc + 1).join(".");
  return { namespace, ...(domain ? { domain } : {}) };
}

function resolvePeer(
  path: string,
  urls: readonly string[],
  peer: ExternalPeerValues,
  ctx: BuildContext,
  problems: ValueProblem[],
): ExternalPeer {
  const hosts = [...new Set(urls.map((url) => new URL(url).hostname))];
  const ports = [...new Set(urls.map(urlPort))].sort((a, b) => a - b);
  const places = hosts.map(clusterHost);
  const inside = places.filter((p) => p !== undefined);
  for (const [i, place] of places.entries()) {
    if (!place) continue;
    const expected = `.svc.${ctx.clusterDomain}`;
    if (place.domain !== ctx.clusterDomain) {
      problems.push({
        path,
        message: `${hosts[i]} is an in-cluster host ${place.domain ? `of the domain ${place.domain}` : "without its domain"}, but global.clusterDomain is ${ctx.clusterDomain}`,
        hint: `write the host as <service>.${place.namespace}${expected}, or set global.clusterDomain`,
      });
    }
  }
  if (inside.length > 0 && inside.length < places.length) {
    problems.push({
      path,
      message: "mixes in-cluster and outside URLs",
      hint: "declare one peer: all its URLs in the cluster, or all outside",
    });
  }
  const namespaces = [...new Set(inside.map((p) => p.namespace))];
  if (namespaces.length > 1) {
    problems.push({
      path,
      message: `its URLs name several namespaces (${namespaces.join(", ")})`,
      hint: "an external peer lives in one namespace",
    });
  }
  if (inside.length > 0 && peer.cidrs) {
    problems.push({
      path: `${path}.peer.cidrs`,
      message: "is for a peer outside the cluster, but the URL is an in-cluster Service",
      hint: "remove cidrs, or set podLabels to narrow the peer to its pods",
    });
  }
  if (inside.length === 0 && peer.podLabels) {
    problems.push({
      path: `${path}.peer.podLabels`,
      message: "is for an in-cluster peer, but the URL is outside the cluster",
      hint: "use cidrs for a peer outside the cluster, or an <service>.<namespace>.svc URL",
    });
  }
  const namespace = namespaces[0];
  return {
    urls: [...urls],
    hosts,
    ports,
    podPorts: peer.ports ? [...new Set(peer.ports)].sort((a, b) => a - b) : ports,
    ...(namespace ? { inCluster: { namespace, podLabels: { ...(peer.podLabels ?? {}) } } } : {}),
    cidrs: namespace ? [] : (peer.cidrs ?? [ANYWHERE]),
  };
}

/** Resolves every declared external peer; throws a ValuesError naming each bad one. */
export function externalPeers(values: ParsedStackValues, ctx: BuildContext): ExternalPeers {
  const problems: ValueProblem[] = [];
  const peers: ExternalPeers = {};
  const { grafana, loki, thanos, alertmanager } = values;
  if (!grafana.enabled && grafana.external) {
    peers.grafana = resolvePeer(
      "grafana.external",
      [grafana.external.url],
      grafana.external.peer,
      ctx,
      problems,
    );
  }
  if (!loki.enabled && loki.external) {
    const { pushUrl, queryUrl } = loki.external;
    peers.loki = resolvePeer(
      "loki.external",
      [pushUrl, ...(queryUrl ? [queryUrl] : [])],
      loki.external.peer,
      ctx,
      problems,
    );
  }
  if (!thanos.enabled && thanos.external) {
    const { remoteWriteUrl, queryUrl } = thanos.external;
    peers.thanos = resolvePeer(
      "thanos.external",
      [remoteWriteUrl, ...(queryUrl ? [queryUrl] : [])],
      thanos.external.peer,
      ctx,
      problems,
    );
  }
  if (!alertmanager.enabled && alertmanager.external) {
    peers.alertmanager = resolvePeer(
      "alertmanager.external",
      alertmanager.external.urls,
      alertmanager.external.peer,
      ctx,
      problems,
    );
  }
  // A server the pipeline pushes to must be selectable by pod labels: an egress rule to a whole
  // namespace would let the pipeline reach every pod there.
  for (const key of ["loki", "thanos", "alertmanager"] as const) {
    const peer = peers[key];
    if (peer?.inCluster && Object.keys(peer.inCluster.podLabels).length === 0) {
      problems.push({
        path: `${key}.external.peer.podLabels`,
        message: `is required for an in-cluster ${key}: the stack's egress NetworkPolicies select its pods by these labels`,
        hint: "set the labels of its pods, e.g. app.kubernetes.io/name",
      });
    }
  }
  if (problems.length > 0) throw new ValuesError(problems);
  return peers;
}

/** Every host of an external peer, for the address check. */
export function externalHosts(peers: ExternalPeers): string[] {
  return Object.values(peers)
    .flatMap((p: ExternalPeer) => p.hosts)
    .sort();
}
