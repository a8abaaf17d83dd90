/**
 * Blocks shared by many components: TLS, authentication, HTTP client and
 * proxy settings, relabeling rules, clustering and the Kubernetes client.
 * Arguments follow the Alloy component reference.
 */
import { rule, type Schema } from "../schema.js";
import type {
  BoolValue,
  DurationValue,
  Expression,
  HeaderMapValue,
  NumberValue,
  SecretValue,
  StringListValue,
  StringMapValue,
  StringValue,
} from "../values.js";

/** `tls_config`: TLS settings for connecting to an HTTP server. */
export interface TlsConfig {
  /** CA PEM-encoded text to validate the server with (exclusive with `caFile`). */
  readonly caPem?: StringValue;
  /** CA certificate file to validate the server with. */
  readonly caFile?: StringValue;
  /** Certificate PEM-encoded text for client authentication. */
  readonly certPem?: StringValue;
  /** Certificate file for client authentication. */
  readonly certFile?: StringValue;
  /** Disables validation of the server certificate. */
  readonly insecureSkipVerify?: BoolValue;
  /** Key file for client authentication. */
  readonly keyFile?: StringValue;
  /** Key PEM-encoded text for client authentication. */
  readonly keyPem?: SecretValue;
  /** Minimum TLS version (default TLS 1.2). */
  readonly minVersion?: "TLS10" | "TLS11" | "TLS12" | "TLS13" | Expression<"string">;
  /** ServerName extension to indicate the name of the server. */
  readonly serverName?: StringValue;
}

export const tlsConfigFields = {
  caPem: rule.attr(),
  caFile: rule.attr(),
  certPem: rule.attr(),
  certFile: rule.attr(),
  insecureSkipVerify: rule.attr(),
  keyFile: rule.attr(),
  keyPem: rule.attr(),
  minVersion: rule.oneOf(["TLS10", "TLS11", "TLS12", "TLS13"]),
  serverName: rule.attr(),
} as const satisfies Schema<TlsConfig>;

/** How a TLS server treats client certificates (Go's `tls.ClientAuthType` names). */
export type ClientAuthType =
  | "NoClientCert"
  | "RequestClientCert"
  | "RequireAnyClientCert"
  | "VerifyClientCertIfGiven"
  | "RequireAndVerifyClientCert";

/** A server's `tls` block (`loki.source.api`'s `http`, the `http` config block): files on disk. */
export interface ServerTls {
  readonly certFile: StringValue;
  readonly keyFile: StringValue;
  /** The CA client certificates are verified with. */
  readonly clientCaFile?: StringValue;
  /** Default `"NoClientCert"`. */
  readonly clientAuthType?: ClientAuthType | Expression<"string">;
}

export const serverTlsFields = {
  certFile: rule.required(),
  keyFile: rule.required(),
  clientCaFile: rule.attr(),
  clientAuthType: rule.oneOf([
    "NoClientCert",
    "RequestClientCert",
    "RequireAnyClientCert",
    "VerifyClientCertIfGiven",
    "RequireAndVerifyClientCert",
  ]),
} as const satisfies Schema<ServerTls>;

/** `basic_auth` */
export interface BasicAuth {
  readonly username?: StringValue;
  /** Exclusive with `passwordFile`. */
  readonly password?: SecretValue;
  readonly passwordFile?: StringValue;
}

export const basicAuthFields = {
  username: rule.attr(),
  password: rule.attr(),
  passwordFile: rule.attr(),
} as const satisfies Schema<BasicAuth>;

/** `authorization`: a generic `Authorization` header. */
export interface Authorization {
  /** Authorization type, for example `"Bearer"`. */
  readonly type?: StringValue;
  /** Exclusive with `credentialsFile`. */
  readonly credentials?: SecretValue;
  readonly credentialsFile?: StringValue;
}

export const authorizationFields = {
  type: rule.attr(),
  credentials: rule.attr(),
  credentialsFile: rule.attr(),
} as const satisfies Schema<Authorization>;

/** Proxy settings shared by HTTP clients. */
export interface ProxyConfig {
  /** HTTP proxy to send requests through. */
  readonly proxyUrl?: StringValue;
  /** Comma-separated IPs, CIDRs and domains to exclude from proxying. */
  readonly noProxy?: StringValue;
  /** Use the proxy URL from the environment (`HTTP_PROXY`, ...). */
  readonly proxyFromEnvironment?: BoolValue;
  /** Headers to send to proxies during CONNECT requests. */
  readonly proxyConnectHeader?: HeaderMapValue;
}

export const proxyFields = {
  proxyUrl: rule.attr(),
  noProxy: rule.attr(),
  proxyFromEnvironment: rule.attr(),
  proxyConnectHeader: rule.attr(),
} as const satisfies Schema<ProxyConfig>;

/** `oauth2` */
export interface OAuth2 extends ProxyConfig {
  readonly clientId: StringValue;
  /** URL to fetch the token from. */
  readonly tokenUrl: StringValue;
  /** Used with the `client_credentials` grant; exclusive with `clientSecretFile`. */
  readonly clientSecret?: SecretValue;
  readonly clientSecretFile?: StringValue;
  readonly scopes?: StringListValue;
  /** Parameters to append to the token URL. */
  readonly endpointParams?: StringMapValue;
  /** `"client_credentials"` (default) or `"urn:ietf:params:oauth:grant-type:jwt-bearer"`. */
  readonly grantType?: StringValue;
  readonly audience?: StringValue;
  readonly claims?: Readonly<Record<string, StringValue | NumberValue | BoolValue>>;
  readonly clientCertificateKey?: SecretValue;
  readonly clientCertificateKeyFile?: StringValue;
  readonly clientCertificateKeyId?: StringValue;
  readonly iss?: StringValue;
  /** `RS256` (default), `RS384` or `RS512`. */
  readonly signatureAlgorithm?: StringValue;
  readonly tlsConfig?: TlsConfig;
}

export const oauth2Fields = {
  clientId: rule.required(),
  tokenUrl: rule.required(),
  clientSecret: rule.attr(),
  clientSecretFile: rule.attr(),
  scopes: rule.attr(),
  endpointParams: rule.attr(),
  grantType: rule.attr(),
  audience: rule.attr(),
  claims: rule.attr(),
  clientCertificateKey: rule.attr(),
  clientCertificateKeyFile: rule.attr(),
  clientCertificateKeyId: rule.attr(),
  iss: rule.attr(),
  signatureAlgorithm: rule.attr(),
  ...proxyFields,
  tlsConfig: rule.block(tlsConfigFields),
} as const satisfies Schema<OAuth2>;

/**
 * Settings of an HTTP client talking to a server: at most one of
 * `bearerToken`, `bearerTokenFile`, `basicAuth`, `authorization` and
 * `oauth2`.
 */
export interface HttpClientConfig extends ProxyConfig {
  readonly bearerToken?: SecretValue;
  /** File containing a bearer token. */
  readonly bearerTokenFile?: StringValue;
  /** Whether HTTP2 is supported for requests. */
  readonly enableHttp2?: BoolValue;
  /** Whether redirects returned by the server should be followed. */
  readonly followRedirects?: BoolValue;
  readonly basicAuth?: BasicAuth;
  readonly authorization?: Authorization;
  readonly oauth2?: OAuth2;
  readonly tlsConfig?: TlsConfig;
}

export const httpClientFields = {
  bearerToken: rule.attr(),
  bearerTokenFile: rule.attr(),
  enableHttp2: rule.attr(),
  followRedirects: rule.attr(),
  ...proxyFields,
  basicAuth: rule.block(basicAuthFields),
  authorization: rule.block(authorizationFields),
  oauth2: rule.block(oauth2Fields),
  tlsConfig: rule.block(tlsConfigFields),
} as const satisfies Schema<HttpClientConfig>;

/** Relabeling actions. */
export type RelabelAction =
  | "replace"
  | "keep"
  | "drop"
  | "hashmod"
  | "labelmap"
  | "labeldrop"
  | "labelkeep"
  | "keepequal"
  | "dropequal"
  | "lowercase"
  | "uppercase";

export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  "replace",
  "keep",
  "drop",
  "hashmod",
  "labelmap",
  "labeldrop",
  "labelkeep",
  "keepequal",
  "dropequal",
  "lowercase",
  "uppercase",
];

/** A `rule` block: one relabeling step, applied in order. */
export interface RelabelRule {
  /** Default `"replace"`. */
  readonly action?: RelabelAction | Expression<"string">;
  /** Labels whose values are joined with `separator` and matched against `regex`. */
  readonly sourceLabels?: StringListValue;
  /** Default `";"`. */
  readonly separator?: StringValue;
  /** RE2 expression; default `"(.*)"`. */
  readonly regex?: StringValue;
  /** Default `"$1"`. */
  readonly replacement?: StringValue;
  readonly targetLabel?: StringValue;
  /** Modulus for `hashmod`. */
  readonly modulus?: NumberValue;
}

export const relabelRuleFields = {
  action: rule.oneOf(RELABEL_ACTIONS),
  sourceLabels: rule.attr(),
  separator: rule.attr(),
  regex: rule.attr(),
  replacement: rule.attr(),
  targetLabel: rule.attr(),
  modulus: rule.uint(),
} as const satisfies Schema<RelabelRule>;

/** `clustering`: share the work with the other members of an Alloy cluster. */
export interface Clustering {
  readonly enabled: BoolValue;
}

export const clusteringFields = {
  enabled: rule.required(),
} as const satisfies Schema<Clustering>;

/** `client`: how a component talks to the Kubernetes API (default: in-cluster service account). */
export interface KubernetesClient extends HttpClientConfig {
  /** URL of the Kubernetes API server. */
  readonly apiServer?: StringValue;
  /** Path of a kubeconfig file. */
  readonly kubeconfigFile?: StringValue;
}

export const kubernetesClientFields = {
  apiServer: rule.attr(),
  kubeconfigFile: rule.attr(),
  ...httpClientFields,
} as const satisfies Schema<KubernetesClient>;

/** A Kubernetes client that may also send custom HTTP headers. */
export interface KubernetesClientWithHeaders extends KubernetesClient {
  /** Custom HTTP headers sent with each request. */
  readonly httpHeaders?: HeaderMapValue;
}

export const kubernetesClientWithHeadersFields = {
  ...kubernetesClientFields,
  httpHeaders: rule.attr(),
} as const satisfies Schema<KubernetesClientWithHeaders>;

/** Duration check helper for schemas. */
export const duration = rule.duration;

export type { DurationValue };
