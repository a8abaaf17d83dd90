/**
 * Credentials of destinations, from Secrets: secret values are mounted as
 * files (read with `*_file` arguments or `local.file`), user names arrive in
 * environment variables from `secretKeyRef`. No credential is ever written
 * into the configuration.
 */
import type { EnvVar, SecretRef, Volume, VolumeMount } from "@materialize-monitoring/core";
import { PATHS } from "./constants.js";
import type { DestinationAuth } from "./values.js";

/** How one destination authenticates, in Alloy terms. */
export interface AuthWiring {
  /** `basic_auth`: the user name's env variable and the password file. */
  basic?: { usernameEnv: string; passwordFile: string };
  /** `bearer_token_file`. */
  bearerTokenFile?: string;
}

/** Volumes, mounts and env variables that carry every destination's credentials into the pod. */
export class SecretWiring {
  private readonly keysBySecret = new Map<string, Set<string>>();
  readonly env: EnvVar[] = [];

  private file(ref: SecretRef): string {
    const keys = this.keysBySecret.get(ref.name) ?? new Set<string>();
    keys.add(ref.key);
    this.keysBySecret.set(ref.name, keys);
    return `${PATHS.secrets}/${ref.name}/${ref.key}`;
  }

  /** Registers a destination's credentials; `name` makes the env variable unique. */
  add(name: string, auth: DestinationAuth | undefined): AuthWiring {
    if (!auth) return {};
    if (auth.type === "bearer") return { bearerTokenFile: this.file(auth.token) };
    const usernameEnv = `${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_USERNAME`;
    this.env.push({
      name: usernameEnv,
      valueFrom: { secretKeyRef: { name: auth.username.name, key: auth.username.key } },
    });
    return { basic: { usernameEnv, passwordFile: this.file(auth.password) } };
  }

  /** One read-only secret volume per Secret, holding only the referenced keys. */
  volumes(): { volume: Volume; mount: VolumeMount }[] {
    return [...this.keysBySecret.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([secretName, keys]) => {
        const volumeName = `secret-${secretName}`.slice(0, 63).replace(/-+$/, "");
        return {
          volume: {
            name: volumeName,
            secret: {
              secretName,
              items: [...keys].sort().map((key) => ({ key, path: key })),
            },
          },
          mount: { name: volumeName, mountPath: `${PATHS.secrets}/${secretName}`, readOnly: true },
        };
      });
  }
}
