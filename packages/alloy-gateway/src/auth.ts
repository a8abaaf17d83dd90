/**
 * Credentials and TLS material of destinations, from Secrets and ConfigMaps:
 * secret values are mounted as files (read with `*_file` arguments, or with
 * `local.file` where Alloy has no file argument), non-secret identifiers
 * such as user names and access key ids arrive in environment variables from
 * `secretKeyRef`. No credential is ever written into the configuration.
 */
import { createHash } from "node:crypto";
import type { EnvVar, SecretRef, Volume, VolumeMount } from "@materialize-monitoring/core";
import { PATHS } from "./constants.js";
import type { DestinationTls, RemoteWriteAuth } from "./values.js";

/** TLS of one destination, as files in the pod. */
export interface TlsWiring {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  minVersion: "TLS12" | "TLS13";
  insecureSkipVerify: boolean;
}

/** How one destination authenticates, in Alloy terms: env variable names and file paths. */
export interface AuthWiring {
  /** `basic_auth`: the user name's env variable and the password file. */
  basic?: { usernameEnv: string; passwordFile: string };
  /** `bearer_token_file`. */
  bearerTokenFile?: string;
  /** `oauth2` with the client-credentials grant. */
  oauth2?: {
    clientId: string;
    clientSecretFile: string;
    tokenUrl: string;
    scopes: string[];
    endpointParams: Record<string, string>;
  };
  /** `sigv4`; a static key's id in an env variable and its secret in a file, else the pod's identity. */
  sigv4?: {
    region: string;
    serviceName: string;
    roleArn?: string;
    externalId?: string;
    accessKey?: { idEnv: string; secretFile: string };
  };
  /** `azuread`. */
  azure?: {
    cloud: "AzurePublic" | "AzureChina" | "AzureGovernment";
    identity:
      | { kind: "workload"; clientId: string; tenantId: string }
      | { kind: "managed"; clientId: string }
      | { kind: "clientSecret"; clientId: string; tenantId: string; clientSecretFile: string };
  };
  /** `google_iam`; without a file, Application Default Credentials. */
  google?: { credentialsFile?: string };
  tls?: TlsWiring;
  /** Header name to the file holding its value. */
  secretHeaders: Record<string, string>;
}

/** What a destination carries besides its credentials. */
export interface DestinationSecrets {
  auth?: RemoteWriteAuth | undefined;
  tls?: DestinationTls | undefined;
  secretHeaders?: Readonly<Record<string, SecretRef>> | undefined;
}

type Source = "secret" | "configMap";

/** Volumes, mounts and env variables that carry every destination's credentials into the pod. */
export class SecretWiring {
  private readonly keysByObject = new Map<string, Set<string>>();
  readonly env: EnvVar[] = [];

  /** Mounts one Secret (or ConfigMap) key and returns its path in the pod. */
  file(ref: SecretRef, source: Source = "secret"): string {
    const id = `${source}/${ref.name}`;
    const keys = this.keysByObject.get(id) ?? new Set<string>();
    keys.add(ref.key);
    this.keysByObject.set(id, keys);
    return `${source === "secret" ? PATHS.secrets : PATHS.configMaps}/${ref.name}/${ref.key}`;
  }

  private envVar(name: string, purpose: string, ref: SecretRef): string {
    const variable = `${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_${purpose}`;
    this.env.push({
      name: variable,
      valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
    });
    return variable;
  }

  /** Registers a destination's credentials and TLS files; `name` makes the env variables unique. */
  add(name: string, destination: DestinationSecrets): AuthWiring {
    const { auth, tls } = destination;
    const wiring: AuthWiring = {
      secretHeaders: Object.fromEntries(
        Object.entries(destination.secretHeaders ?? {})
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([header, ref]) => [header, this.file(ref)]),
      ),
    };
    if (tls) wiring.tls = this.tls(tls);
    if (!auth) return wiring;
    switch (auth.type) {
      case "basic":
        wiring.basic = {
          usernameEnv: this.envVar(name, "USERNAME", auth.username),
          passwordFile: this.file(auth.password),
        };
        break;
      case "bearer":
        wiring.bearerTokenFile = this.file(auth.token);
        break;
      case "oauth2":
        wiring.oauth2 = {
          clientId: auth.clientId,
          clientSecretFile: this.file(auth.clientSecret),
          tokenUrl: auth.tokenUrl,
          scopes: [...auth.scopes],
          endpointParams: { ...auth.endpointParams },
        };
        break;
      case "sigv4":
        wiring.sigv4 = {
          region: auth.region,
          serviceName: auth.serviceName,
          ...(auth.roleArn ? { roleArn: auth.roleArn } : {}),
          ...(auth.externalId ? { externalId: auth.externalId } : {}),
          ...(auth.accessKey
            ? {
                accessKey: {
                  idEnv: this.envVar(name, "AWS_ACCESS_KEY_ID", auth.accessKey.id),
                  secretFile: this.file(auth.accessKey.secret),
                },
              }
            : {}),
        };
        break;
      case "azure": {
        const id = auth.identity;
        wiring.azure = {
          cloud: auth.cloud,
          identity:
            id.kind === "clientSecret"
              ? {
                  kind: "clientSecret",
                  clientId: id.clientId,
                  tenantId: id.tenantId,
                  clientSecretFile: this.file(id.clientSecret),
                }
              : { ...id },
        };
        break;
      }
      case "google":
        wiring.google = auth.credentials ? { credentialsFile: this.file(auth.credentials) } : {};
        break;
    }
    return wiring;
  }

  private tls(tls: DestinationTls): TlsWiring {
    const ca = tls.ca;
    const cert = tls.clientCertificate;
    return {
      ...(ca
        ? {
            caFile: this.file(
              { name: ca.name, key: ca.key },
              ca.from === "ConfigMap" ? "configMap" : "secret",
            ),
          }
        : {}),
      ...(cert
        ? {
            certFile: this.file({ name: cert.secretName, key: cert.certKey }),
            keyFile: this.file({ name: cert.secretName, key: cert.keyKey }),
          }
        : {}),
      ...(tls.serverName ? { serverName: tls.serverName } : {}),
      minVersion: tls.minVersion,
      insecureSkipVerify: tls.insecureSkipVerify,
    };
  }

  /** One read-only volume per Secret or ConfigMap, holding only the referenced keys. */
  volumes(): { volume: Volume; mount: VolumeMount }[] {
    return [...this.keysByObject.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([id, keys]) => {
        const [source, objectName] = id.split("/") as [Source, string];
        const prefix = source === "secret" ? "secret" : "cm";
        const volumeName = volumeNameFor(prefix, objectName);
        const items = [...keys].sort().map((key) => ({ key, path: key }));
        return {
          volume:
            source === "secret"
              ? { name: volumeName, secret: { secretName: objectName, items } }
              : { name: volumeName, configMap: { name: objectName, items } },
          mount: {
            name: volumeName,
            mountPath: `${source === "secret" ? PATHS.secrets : PATHS.configMaps}/${objectName}`,
            readOnly: true,
          },
        };
      });
  }
}

/**
 * A volume name (a DNS label) for an object: `<prefix>-<name>`, or, when the name holds dots or
 * is too long, its label-safe form with a hash of the name, so two objects never share one.
 */
function volumeNameFor(prefix: string, objectName: string): string {
  const plain = `${prefix}-${objectName}`;
  if (plain.length <= 63 && !objectName.includes(".")) return plain;
  const hash = createHash("sha256").update(objectName).digest("hex").slice(0, 8);
  const safe = plain.replace(/\./g, "-").slice(0, 54).replace(/-+$/, "");
  return `${safe}-${hash}`;
}
