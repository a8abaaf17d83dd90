/**
 * TLS between the stack's own components (mutual TLS inside the namespace).
 *
 * The umbrella sets `BuildContext.internalTls` once; every component that
 * supports it then asks cert-manager for one certificate of its own (a
 * `Certificate` naming each of its Services, and every pod behind its headless
 * Services), mounts the Secret cert-manager writes, serves TLS with it and
 * presents it as its client certificate to the other components. All
 * certificates come from one issuer, so the `ca.crt` in each Secret verifies
 * every peer.
 *
 * One certificate per component, not per workload: a component's roles find
 * each other through rings and DNS SRV records (pod addresses), so a client
 * verifies a peer of the same component by one name its certificate holds.
 */
import type { BuildContext } from "./component.js";
import { type ServiceEndpoint, serviceFqdn } from "./endpoint.js";
import { valuesError } from "./errors.js";
import type { GenericKubeObject, KubeObject, Service, Volume, VolumeMount } from "./k8s.js";
import { objectMeta, resourceName } from "./labels.js";

/** What the umbrella decides once for every component's certificate. */
export interface InternalTls {
  /** The cert-manager issuer that signs every component's certificate. */
  issuerRef: { name: string; kind: "Issuer" | "ClusterIssuer"; group: "cert-manager.io" };
  /** Lifetime of each certificate, a Go duration (`2160h`). */
  duration: string;
  /** How long before expiry cert-manager renews it (`720h`). */
  renewBefore: string;
}

/** Where every component mounts its certificate (the keys cert-manager writes). */
export const INTERNAL_TLS = {
  volume: "internal-tls",
  dir: "/etc/internal-tls",
  cert: "/etc/internal-tls/tls.crt",
  key: "/etc/internal-tls/tls.key",
  ca: "/etc/internal-tls/ca.crt",
} as const;

/** Oldest TLS version the stack's own servers and clients accept. */
export const INTERNAL_TLS_MIN_VERSION = "TLS13";

/** Whether the build context asks for the stack's internal TLS. */
export function internalTlsOn(ctx: Pick<BuildContext, "internalTls">): boolean {
  return ctx.internalTls !== undefined;
}

/** The URL scheme of a component's HTTP APIs: `https` under the internal TLS. */
export function internalHttpScheme(ctx: Pick<BuildContext, "internalTls">): "http" | "https" {
  return internalTlsOn(ctx) ? "https" : "http";
}

/** The kubelet's probe scheme of a component's HTTP listener under the same rule. */
export function internalProbeScheme(ctx: Pick<BuildContext, "internalTls">): "HTTP" | "HTTPS" {
  return internalTlsOn(ctx) ? "HTTPS" : "HTTP";
}

/** The Secret (and Certificate) name of a component's certificate: `<prefix><component>-internal-tls`. */
export function internalTlsSecretName(ctx: Pick<BuildContext, "namePrefix">, component: string) {
  return resourceName(ctx, component, "internal-tls");
}

/** Every name a component's certificate must hold: each Service host and each pod behind a headless Service. */
export function internalTlsDnsNames(
  services: readonly Pick<ServiceEndpoint, "host">[],
  headless: readonly Pick<ServiceEndpoint, "host">[] = [],
): string[] {
  const names = new Set<string>();
  for (const s of services) names.add(s.host);
  for (const h of headless) {
    names.add(h.host);
    names.add(`*.${h.host}`);
  }
  return [...names].sort();
}

/**
 * The names a component's certificate holds for the Services it rendered:
 * each Service host, every pod behind a headless one, and `extraHosts` (the
 * name its clients verify). `exclude` leaves out Services of a part that
 * speaks no TLS (memcached), whose names are not the component's to claim.
 * Computed from the render, so a Service added later is covered.
 */
export function renderedServiceDnsNames(
  ctx: Pick<BuildContext, "namespace" | "clusterDomain">,
  objects: readonly KubeObject[],
  options: { exclude?: readonly string[]; extraHosts?: readonly string[] } = {},
): string[] {
  const excluded = new Set(options.exclude ?? []);
  const services = objects.filter(
    (o) => o.kind === "Service" && !excluded.has(o.metadata.name ?? ""),
  ) as (Service & { metadata: { name: string } })[];
  const host = (s: { metadata: { name: string } }) => ({ host: serviceFqdn(ctx, s.metadata.name) });
  return internalTlsDnsNames(
    [
      ...services.filter((s) => s.spec?.clusterIP !== "None").map(host),
      ...(options.extraHosts ?? []).map((h) => ({ host: h })),
    ],
    services.filter((s) => s.spec?.clusterIP === "None").map(host),
  );
}

/**
 * The cert-manager `Certificate` of one component. The key is ECDSA P-256,
 * re-created on every renewal; the certificate serves and authenticates
 * (server auth and client auth), so one Secret covers both directions.
 */
export function internalCertificate(
  ctx: BuildContext,
  tls: InternalTls,
  options: {
    component: string;
    dnsNames: readonly string[];
    /** For a certificate that only authenticates a client (no Service of its own to name). */
    commonName?: string;
    /** The namespace of the pods that mount it, when not the context's. */
    namespace?: string;
  },
): GenericKubeObject {
  const secretName = internalTlsSecretName(ctx, options.component);
  const metadata = objectMeta(ctx, {
    name: options.component,
    component: "internal-tls",
    objectName: secretName,
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata,
    spec: {
      secretName,
      secretTemplate: { labels: { ...metadata.labels } },
      ...(options.commonName ? { commonName: options.commonName } : {}),
      ...(options.dnsNames.length > 0 ? { dnsNames: [...options.dnsNames] } : {}),
      duration: tls.duration,
      renewBefore: tls.renewBefore,
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      usages: ["digital signature", "server auth", "client auth"],
      issuerRef: { ...tls.issuerRef },
    },
  };
}

/** The pod volume holding a component's certificate, key and CA. */
export function internalTlsVolume(
  ctx: Pick<BuildContext, "namePrefix">,
  component: string,
): Volume {
  return {
    name: INTERNAL_TLS.volume,
    secret: { secretName: internalTlsSecretName(ctx, component) },
  };
}

/** The read-only mount of that volume at `INTERNAL_TLS.dir`. */
export function internalTlsMount(): VolumeMount {
  return { name: INTERNAL_TLS.volume, mountPath: INTERNAL_TLS.dir, readOnly: true };
}

/**
 * How a server that speaks the Prometheus exporter-toolkit web configuration
 * (Thanos's `--http.config`, Alertmanager's `--web.config.file`) serves TLS.
 * `client_auth_type` is `VerifyClientCertIfGiven` on HTTP listeners: the
 * kubelet's HTTP probes carry no client certificate, so a certificate is
 * verified when one is presented (every wired client presents one; `validate`
 * checks that) and the NetworkPolicy decides who may connect at all; a
 * listener no probe reaches (Alertmanager's gossip) passes
 * `RequireAndVerifyClientCert`. The
 * certificate files are read again on every handshake, so a renewed
 * certificate is served without a restart.
 */
export function webTlsServerConfig(
  clientAuth: "VerifyClientCertIfGiven" | "RequireAndVerifyClientCert" = "VerifyClientCertIfGiven",
): Record<string, unknown> {
  return {
    tls_server_config: {
      cert_file: INTERNAL_TLS.cert,
      key_file: INTERNAL_TLS.key,
      client_ca_file: INTERNAL_TLS.ca,
      client_auth_type: clientAuth,
      min_version: INTERNAL_TLS_MIN_VERSION,
    },
  };
}

/**
 * A Prometheus-style client `tls_config` (Thanos's query, Alertmanager and
 * downstream configs): verify the peer with the stack's CA by `serverName`
 * and present this component's own certificate. No `min_version`: Thanos's
 * client `tls_config` has none (its Go client offers TLS 1.3, which every
 * server here accepts).
 */
export function clientTlsConfig(serverName: string): Record<string, string> {
  return {
    ca_file: INTERNAL_TLS.ca,
    cert_file: INTERNAL_TLS.cert,
    key_file: INTERNAL_TLS.key,
    server_name: serverName,
  };
}

/**
 * The TLS of a scrape of a component under internal TLS: verified by the
 * stack's CA by `serverName` (the scraper reaches pod addresses), presenting
 * the scraper's own certificate, which every component mounts at the same path.
 */
export function internalScrapeTls(serverName: string) {
  return {
    insecureSkipVerify: false,
    serverName,
    caFile: INTERNAL_TLS.ca,
    certFile: INTERNAL_TLS.cert,
    keyFile: INTERNAL_TLS.key,
  };
}

/**
 * A server's TLS by file paths, as Alloy's `tls` blocks name them: the
 * component's certificate, and a client certificate verified by the stack's
 * CA when one is presented (the kubelet's probes carry none).
 */
export function internalServerTlsFiles() {
  return {
    certFile: INTERNAL_TLS.cert,
    keyFile: INTERNAL_TLS.key,
    clientCaFile: INTERNAL_TLS.ca,
    clientAuthType: "VerifyClientCertIfGiven" as const,
  };
}

/**
 * Refuses a component whose pods run outside the context's namespace while
 * the issuer is a namespaced `Issuer`, which signs certificates in its own
 * namespace only. `path` is the values path of the namespace.
 */
export function checkIssuerNamespace(
  ctx: Pick<BuildContext, "internalTls" | "namespace">,
  options: { component: string; namespace: string; path: string },
): void {
  const tls = ctx.internalTls;
  if (tls?.issuerRef.kind !== "Issuer" || options.namespace === ctx.namespace) return;
  throw valuesError(
    options.path,
    `${options.component} runs in namespace ${options.namespace}, but the internal TLS issuer ${tls.issuerRef.name} is an Issuer, which signs certificates in namespace ${ctx.namespace} only`,
    `give global.internalTls.issuerRef a ClusterIssuer, or run ${options.component} in the stack's namespace`,
  );
}
