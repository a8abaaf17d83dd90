/**
 * The Alloy arguments of a destination's credentials and TLS: endpoint blocks
 * of `prometheus.remote_write` and `loki.write`, and the `otelcol.auth.*`
 * handler and client `tls` of the OTLP exporter. Values Alloy takes only as
 * secrets without a file argument (the SigV4 secret key, an Entra client
 * secret, credential headers, the OTLP basic and bearer secrets) are read
 * with `local.file` and passed by reference; everything else is a path.
 */
import {
  type AlloyConfig,
  component,
  type Expression,
  sys,
} from "@materialize-monitoring/alloy-syntax";
import type { AuthWiring, TlsWiring } from "./auth.js";

/** A `local.file` of a mounted secret, returned as its `content` export. */
export function secretFile(
  config: AlloyConfig,
  label: string,
  filename: string,
): Expression<"secret"> {
  return config.add(
    component("local.file", label, { filename, is_secret: true }, { content: "secret" }),
  ).exports.content;
}

/** `tls_config` of an HTTP client. */
function tlsConfig(tls: TlsWiring) {
  return {
    ...(tls.caFile ? { caFile: tls.caFile } : {}),
    ...(tls.certFile ? { certFile: tls.certFile } : {}),
    ...(tls.keyFile ? { keyFile: tls.keyFile } : {}),
    ...(tls.serverName ? { serverName: tls.serverName } : {}),
    minVersion: tls.minVersion,
    ...(tls.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
  };
}

/**
 * Credentials, credential headers and TLS of one `loki.write` or `prometheus.remote_write`
 * endpoint; `label` names the `local.file` components it needs.
 */
export function endpointSecurityArgs(config: AlloyConfig, label: string, auth: AuthWiring) {
  const headers = Object.entries(auth.secretHeaders);
  const azure = auth.azure;
  const sigv4 = auth.sigv4;
  return {
    ...(auth.basic
      ? {
          basicAuth: {
            username: sys.env(auth.basic.usernameEnv),
            passwordFile: auth.basic.passwordFile,
          },
        }
      : {}),
    ...(auth.bearerTokenFile ? { bearerTokenFile: auth.bearerTokenFile } : {}),
    ...(auth.oauth2
      ? {
          oauth2: {
            clientId: auth.oauth2.clientId,
            clientSecretFile: auth.oauth2.clientSecretFile,
            tokenUrl: auth.oauth2.tokenUrl,
            ...(auth.oauth2.scopes.length > 0 ? { scopes: auth.oauth2.scopes } : {}),
            ...(Object.keys(auth.oauth2.endpointParams).length > 0
              ? { endpointParams: auth.oauth2.endpointParams }
              : {}),
          },
        }
      : {}),
    ...(sigv4
      ? {
          sigv4: {
            region: sigv4.region,
            serviceName: sigv4.serviceName,
            ...(sigv4.roleArn ? { roleArn: sigv4.roleArn } : {}),
            ...(sigv4.externalId ? { externalId: sigv4.externalId } : {}),
            ...(sigv4.accessKey
              ? {
                  accessKey: sys.env(sigv4.accessKey.idEnv),
                  secretKey: secretFile(
                    config,
                    `${label}_aws_secret_key`,
                    sigv4.accessKey.secretFile,
                  ),
                }
              : {}),
          },
        }
      : {}),
    ...(azure
      ? {
          azuread: {
            cloud: azure.cloud,
            ...(azure.identity.kind === "workload"
              ? {
                  workloadIdentity: {
                    clientId: azure.identity.clientId,
                    tenantId: azure.identity.tenantId,
                  },
                }
              : azure.identity.kind === "managed"
                ? { managedIdentity: { clientId: azure.identity.clientId } }
                : {
                    oauth: {
                      clientId: azure.identity.clientId,
                      tenantId: azure.identity.tenantId,
                      clientSecret: secretFile(
                        config,
                        `${label}_azure_client_secret`,
                        azure.identity.clientSecretFile,
                      ),
                    },
                  }),
          },
        }
      : {}),
    ...(auth.google
      ? {
          googleIam: auth.google.credentialsFile
            ? { credentialsFile: auth.google.credentialsFile }
            : {},
        }
      : {}),
    ...(headers.length > 0
      ? {
          httpHeaders: Object.fromEntries(
            headers.map(([header, file], i) => [
              header,
              [secretFile(config, `${label}_header_${i}`, file)],
            ]),
          ),
        }
      : {}),
    ...(auth.tls ? { tlsConfig: tlsConfig(auth.tls) } : {}),
  };
}

/**
 * The `otelcol.auth.*` handler of the OTLP export, when it authenticates: basic and bearer read
 * their secrets with `local.file`, OAuth 2.0 its client secret from the mounted file.
 */
export function otlpAuthHandler(
  config: AlloyConfig,
  auth: AuthWiring,
): Expression<"otelcol.Handler"> | undefined {
  const handler = { handler: "otelcol.Handler" } as const;
  if (auth.basic) {
    const password = secretFile(config, "otlp_password", auth.basic.passwordFile);
    return config.add(
      component(
        "otelcol.auth.basic",
        "otlp",
        { username: sys.env(auth.basic.usernameEnv), password },
        handler,
      ),
    ).exports.handler;
  }
  if (auth.bearerTokenFile) {
    const token = secretFile(config, "otlp_token", auth.bearerTokenFile);
    return config.add(component("otelcol.auth.bearer", "otlp", { token }, handler)).exports.handler;
  }
  if (auth.oauth2) {
    const o = auth.oauth2;
    return config.add(
      component(
        "otelcol.auth.oauth2",
        "otlp",
        {
          client_id: o.clientId,
          client_secret_file: o.clientSecretFile,
          token_url: o.tokenUrl,
          ...(o.scopes.length > 0 ? { scopes: o.scopes } : {}),
          // otelcol's endpoint_params is map(list(string))
          ...(Object.keys(o.endpointParams).length > 0
            ? {
                endpoint_params: Object.fromEntries(
                  Object.entries(o.endpointParams).map(([k, v]) => [k, [v]]),
                ),
              }
            : {}),
        },
        handler,
      ),
    ).exports.handler;
  }
  return undefined;
}

/** The client `tls` block of the OTLP exporter (otelcol spells the TLS versions "1.2", "1.3"). */
export function otlpClientTls(tls: TlsWiring | undefined, insecure: boolean) {
  if (insecure) return { insecure: true };
  if (!tls) return undefined;
  return {
    ...(tls.caFile ? { caFile: tls.caFile } : {}),
    ...(tls.certFile ? { certFile: tls.certFile } : {}),
    ...(tls.keyFile ? { keyFile: tls.keyFile } : {}),
    ...(tls.serverName ? { serverName: tls.serverName } : {}),
    minVersion: tls.minVersion === "TLS13" ? "1.3" : "1.2",
    ...(tls.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
  };
}
