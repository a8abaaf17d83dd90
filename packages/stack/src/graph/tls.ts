/**
 * Whether each wired connection is TLS on both ends, read from the rendered
 * objects, never from the values: what a server listens with and what a client
 * dials with, each from the setting the upstream program reads.
 *
 * Servers, by the port a listener binds:
 * - exporter-toolkit and Thanos flags: a listen flag (`--web.listen-address`,
 *   `--http-address`, `--grpc-address`, ...) beside the flag that gives it TLS
 *   (`--web.config.file`, `--http.config`, `--grpc-server-tls-cert`, ...);
 *   metrics-server's `--secure-port` is TLS by itself;
 * - Loki's config file (`server.http_tls_config`, `grpc_tls_config`,
 *   `memberlist.tls_enabled`), nginx's `listen N ssl`, grafana.ini's
 *   `[server] protocol`, memcached's `-Z`, an Alloy component's `tls` block;
 * - else the kubelet's probe of the port (its scheme has to match the server).
 *
 * Clients, by the address they dial: a URL's scheme; in a YAML or JSON config,
 * the TLS settings beside the address or above it (`scheme`, `tls_enabled`,
 * `tls_config`, Thanos's `default_client_config`), and a few settings that sit
 * elsewhere (Loki's `compactor_grpc_client`, receive's
 * `--remote-write.client-tls-secure` for its hashring); nginx's `proxy_pass
 * https://` to the upstream that holds the address; a peer flag beside its TLS
 * flag (`--cluster.peer` with `--cluster.tls-config`). Connections the wiring
 * declares (rings, scrapes) say themselves. Anything else is `unknown`, which
 * `validate` reports instead of guessing.
 */
import type { KubeObject } from "@materialize-monitoring/core";
import type { PodInfo } from "@materialize-monitoring/core/validate";
import { parse as parseYaml } from "yaml";

export type TlsState = "tls" | "plain" | "unknown";

export interface EdgeTls {
  client: TlsState;
  server: TlsState;
}

type Container = NonNullable<PodInfo["spec"]["containers"]>[number];
type ConfigMapObject = KubeObject & { data?: Record<string, string> };

/** `--flag=value` and `-flag=value` arguments of a container, by flag. */
function flagsOf(container: Container): Map<string, string> {
  const flags = new Map<string, string>();
  for (const arg of [...(container.command ?? []), ...(container.args ?? [])]) {
    const match = /^(--?[A-Za-z0-9][A-Za-z0-9._-]*)(?:=(.*))?$/s.exec(arg);
    if (match?.[1]) flags.set(match[1], match[2] ?? "");
  }
  return flags;
}

/** The port number at the end of a listen address (`0.0.0.0:9093`, `:9093`, `[$(HOST_IP)]:9100`, `8080`). */
function listenPort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /(?:^|:)(\d+)$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/**
 * Listen flags and what makes that listener TLS: a flag beside it, `true` (TLS
 * by itself), or `http-block` (Alloy: the config file's top-level `http`
 * block with a `tls` block).
 */
const LISTENERS: readonly [listen: string, tls: string | true | "http-block" | undefined][] = [
  ["--web.listen-address", "--web.config.file"],
  ["--cluster.listen-address", "--cluster.tls-config"],
  ["--http-address", "--http.config"],
  ["--grpc-address", "--grpc-server-tls-cert"],
  ["--remote-write.address", "--remote-write.server-tls-cert"],
  ["--port", "--tls-config"],
  ["--telemetry-port", "--tls-config"],
  ["--secure-port", true],
  ["--metrics-bind-address", undefined],
  ["--health-probe-bind-address", undefined],
  ["--server.http.listen-addr", "http-block"],
];

/** The files a pod mounts from ConfigMaps, by their path in the container. */
function mountedFiles(
  pod: PodInfo,
  container: Container,
  configMaps: ReadonlyMap<string, ConfigMapObject>,
): Map<string, string> {
  const files = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.spec.volumes ?? []).find((v) => v.name === mount.name);
    const cm = volume?.configMap?.name
      ? configMaps.get(`${pod.namespace}/${volume.configMap.name}`)
      : undefined;
    if (!cm) continue;
    for (const [key, text] of Object.entries(cm.data ?? {})) {
      if (mount.subPath) {
        if (mount.subPath === key) files.set(mount.mountPath, text);
      } else files.set(`${mount.mountPath.replace(/\/$/, "")}/${key}`, text);
    }
  }
  return files;
}

function loose(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Loki's config file: which of its listeners serve TLS. */
function lokiListeners(config: unknown): Map<number, TlsState> {
  const found = new Map<number, TlsState>();
  if (!isTree(config) || !isTree(config.server)) return found;
  const server = config.server;
  const state = (tls: unknown) => (isTree(tls) && tls.cert_file ? "tls" : "plain");
  if (typeof server.http_listen_port === "number")
    found.set(server.http_listen_port, state(server.http_tls_config));
  if (typeof server.grpc_listen_port === "number")
    found.set(server.grpc_listen_port, state(server.grpc_tls_config));
  const memberlist = config.memberlist;
  if (isTree(memberlist) && typeof memberlist.bind_port === "number")
    found.set(memberlist.bind_port, memberlist.tls_enabled === true ? "tls" : "plain");
  return found;
}

/** nginx's listeners: `listen N` or `listen N ssl`. */
function nginxListeners(conf: string): Map<number, TlsState> {
  const found = new Map<number, TlsState>();
  for (const m of conf.matchAll(/^\s*listen\s+(?:[^\s;]*:)?(\d+)(\s+ssl)?\s*;/gm))
    found.set(Number(m[1]), m[2] ? "tls" : "plain");
  return found;
}

/** grafana.ini's `[server]` section: `protocol` and `http_port`. */
function grafanaListener(ini: string): [number, TlsState] {
  const section = /^\[server\]\s*$([\s\S]*?)(?=^\[|$(?![\s\S]))/m.exec(ini)?.[1] ?? "";
  const value = (key: string) =>
    new RegExp(`^\\s*${key}\\s*=\\s*(\\S+)`, "m").exec(section)?.[1]?.replace(/^"|"$/g, "");
  const protocol = value("protocol") ?? "http";
  return [
    Number(value("http_port") ?? 3000),
    protocol === "https" || protocol === "h2" ? "tls" : "plain",
  ];
}

/** An Alloy config's listeners: each component's `listen_port`, TLS when its block has a `tls` block. */
function alloyListeners(config: string): Map<number, TlsState> {
  const found = new Map<number, TlsState>();
  const blocks = config.split(/^(?=[a-z][a-z0-9_.]* "[^"]*" \{)/m);
  for (const block of blocks) {
    for (const m of block.matchAll(/\blisten_port\s*=\s*(\d+)/g))
      found.set(Number(m[1]), /\btls\s*\{/.test(block) ? "tls" : "plain");
  }
  return found;
}

/** The TLS of a listener on `port` of a pod, from its programs' settings, else its probes. */
export function serverTls(
  pod: PodInfo,
  port: number,
  configMaps: ReadonlyMap<string, ConfigMapObject>,
): TlsState {
  for (const container of pod.spec.containers ?? []) {
    const flags = flagsOf(container);
    const files = mountedFiles(pod, container, configMaps);
    for (const [listen, tls] of LISTENERS) {
      if (listenPort(flags.get(listen)) !== port) continue;
      if (tls === true) return "tls";
      if (tls === "http-block") {
        // `alloy run <config file>`: the file's `http` block.
        const args = container.args ?? [];
        const config = files.get(args[args.indexOf("run") + 1] ?? "") ?? "";
        return /^http \{[^}]*\btls \{/m.test(config) ? "tls" : "plain";
      }
      return tls !== undefined && flags.has(tls) ? "tls" : "plain";
    }
    const lokiConfig = flags.get("-config.file");
    if (lokiConfig !== undefined) {
      const state = lokiListeners(loose(files.get(lokiConfig) ?? "")).get(port);
      if (state) return state;
    }
    const args = container.args ?? [];
    const nginxConf = args[args.indexOf("-c") + 1];
    if (args.includes("-c") && nginxConf) {
      const state = nginxListeners(files.get(nginxConf) ?? "").get(port);
      if (state) return state;
    }
    for (const [path, text] of files) {
      if (path.endsWith("grafana.ini")) {
        const [grafanaPort, state] = grafanaListener(text);
        if (grafanaPort === port) return state;
      }
      if (path.endsWith(".alloy")) {
        const state = alloyListeners(text).get(port);
        if (state) return state;
      }
    }
    const p = args.indexOf("-p");
    if (p >= 0 && Number(args[p + 1]) === port) return args.includes("-Z") ? "tls" : "plain";
  }
  // The kubelet probes with the scheme the server speaks, or the pod never becomes ready.
  for (const container of pod.spec.containers ?? []) {
    const named = (container.ports ?? []).find((p) => p.containerPort === port)?.name;
    for (const probe of [
      container.readinessProbe,
      container.livenessProbe,
      container.startupProbe,
    ]) {
      const get = probe?.httpGet;
      if (get && (get.port === port || (named !== undefined && get.port === named)))
        return get.scheme === "HTTPS" ? "tls" : "plain";
    }
  }
  return "unknown";
}

const URL_SCHEME = /^(?:[a-z]+\+)?(https?):\/\//i;

/** Where `text` sits in a parsed config: the chain of objects from the root to the value holding it. */
function ancestorsOf(tree: unknown, text: string): Tree[] | undefined {
  const walk = (value: unknown, chain: Tree[]): Tree[] | undefined => {
    if (typeof value === "string") return value.includes(text) ? chain : undefined;
    if (Array.isArray(value)) {
      for (const v of value) {
        const found = walk(v, chain);
        if (found) return found;
      }
      return undefined;
    }
    if (!isTree(value)) return undefined;
    for (const v of Object.values(value)) {
      const found = walk(v, [...chain, value]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(tree, []);
}

/** A TLS setting of one config object, if it has one. */
function tlsSetting(node: Tree): TlsState | undefined {
  if (node.scheme === "https") return "tls";
  if (node.scheme === "http") return "plain";
  if (typeof node.tls_enabled === "boolean") return node.tls_enabled ? "tls" : "plain";
  for (const key of ["tls_config", "grpc_client_config", "default_client_config"]) {
    const child = node[key];
    if (!isTree(child)) continue;
    const nested = tlsSetting(child);
    if (nested) return nested;
    if (typeof child.enabled === "boolean") return child.enabled ? "tls" : "plain";
    if (child.cert_file || child.ca_file) return "tls";
  }
  return undefined;
}

/**
 * The TLS of an address in a config file: the nearest TLS setting above it.
 * Every Go client these configs feed (Prometheus, Thanos, dskit) dials plain
 * text unless told otherwise, so a config without one is plain.
 */
function configClientTls(tree: unknown, text: string): TlsState | undefined {
  const chain = ancestorsOf(tree, text);
  if (!chain) return undefined;
  for (const node of [...chain].reverse()) {
    const state = tlsSetting(node);
    if (state) return state;
  }
  // Loki reaches the compactor over gRPC with a client configured at the top level.
  const root = chain[0];
  if (root && isTree(root.common) && root.common.compactor_grpc_address === text) {
    const client = root.compactor_grpc_client;
    return isTree(client) && client.tls_enabled === true ? "tls" : "plain";
  }
  return "plain";
}

/** nginx: the address is a `server` of an upstream; TLS when the upstream is proxied to with `https://`. */
function nginxClientTls(conf: string, text: string): TlsState | undefined {
  for (const m of conf.matchAll(/upstream\s+(\S+)\s*\{([^}]*)\}/g)) {
    if (!m[2]?.includes(`server ${text}`)) continue;
    const name = m[1] ?? "";
    const passes = [...conf.matchAll(/proxy_pass\s+(https?):\/\/([^\s;/]+)/g)].filter(
      (p) => p[2] === name,
    );
    if (passes.length === 0) return undefined;
    return passes.every((p) => p[1] === "https") ? "tls" : "plain";
  }
  return undefined;
}

/** Peer flags and the flag that turns TLS on for them. */
const PEER_FLAGS: Record<string, string> = {
  "--cluster.peer": "--cluster.tls-config",
  "--cluster.join-addresses": "--cluster.enable-tls",
};

/** Config files whose addresses are dialled with TLS set by a flag of the consumer. */
const FILE_CLIENT_FLAGS: Record<string, string> = {
  // Thanos receive forwards to the hashring's endpoints with the --remote-write.client-tls-* flags.
  "hashrings.json": "--remote-write.client-tls-secure",
};

/**
 * The TLS of a client that dials `text`, written in `source` and acted on by
 * the `client` pod.
 */
export function clientTls(source: KubeObject, text: string, client: PodInfo | undefined): TlsState {
  const scheme = URL_SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme) return scheme === "https" ? "tls" : "plain";
  if (source.kind === "ConfigMap") {
    for (const [key, value] of Object.entries((source as ConfigMapObject).data ?? {})) {
      if (!value.includes(text)) continue;
      const flag = FILE_CLIENT_FLAGS[key];
      if (flag)
        return (client?.spec.containers ?? []).some((c) => flagsOf(c).has(flag)) ? "tls" : "plain";
      if (key.endsWith(".conf")) return nginxClientTls(value, text) ?? "unknown";
      const tree = loose(value);
      if (tree !== undefined && typeof tree === "object")
        return configClientTls(tree, text) ?? "unknown";
    }
    return "unknown";
  }
  for (const container of client?.spec.containers ?? []) {
    const flags = flagsOf(container);
    for (const arg of container.args ?? []) {
      const [peer, value] = arg.split(/=(.*)/s);
      const tls = PEER_FLAGS[peer ?? ""];
      if (tls && value?.includes(text)) return flags.has(tls) ? "tls" : "plain";
    }
  }
  return "unknown";
}

/** The state of several uses of one connection: the weakest wins (unknown, then plain). */
export function mergeTls(a: TlsState | undefined, b: TlsState): TlsState {
  if (a === undefined) return b;
  if (a === "unknown" || b === "unknown") return "unknown";
  return a === "plain" || b === "plain" ? "plain" : "tls";
}
