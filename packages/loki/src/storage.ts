import {
  type CredentialWiring,
  type ObjectStorage,
  objectStorageCredentials,
  type WorkloadIdentity,
} from "@materialize-monitoring/core";
import type { z } from "zod";
import type { lokiCommonStorage, OBJECT_STORES } from "./config-schema.js";
import { type EnvRefField, envRef } from "./expand-env.js";

export type ObjectStoreName = (typeof OBJECT_STORES)[number];

/** What one object-storage choice means for the config, the pods and the NetworkPolicy. */
export interface StorageWiring {
  /** `schema_config.configs[].object_store` and `compactor.delete_request_store`. */
  objectStore: ObjectStoreName;
  /** `common.storage` */
  common: z.output<typeof lokiCommonStorage>;
  /** Secret-backed env and files the Loki containers need. */
  credentials: CredentialWiring;
  /** TCP ports of the object store the pods must reach (none for the filesystem). */
  egressPorts: number[];
  /**
   * The fields of `common` that hold an `envRef` (Loki expands them at
   * startup, `-config.expand-env=true`), as keys under `common.storage`:
   * the only text of the config not escaped for that expansion.
   */
  envRefs: EnvRefField[];
}

function endpointPort(endpoint: string | undefined, insecure: boolean): number {
  const match = endpoint?.match(/:(\d+)$/);
  if (match?.[1]) return Number(match[1]);
  return insecure ? 80 : 443;
}

export function lokiStorage(storage: ObjectStorage, identity: WorkloadIdentity): StorageWiring {
  const credentials = objectStorageCredentials(storage);
  const hasEnv = (name: string) => credentials.env.some((env) => env.name === name);
  switch (storage.type) {
    case "s3":
      return {
        objectStore: "s3",
        common: {
          s3: {
            bucketnames: storage.bucket,
            region: storage.region,
            ...(storage.endpoint ? { endpoint: storage.endpoint } : {}),
            s3forcepathstyle: storage.forcePathStyle,
            insecure: storage.insecure,
            ...(hasEnv("AWS_ACCESS_KEY_ID") && hasEnv("AWS_SECRET_ACCESS_KEY")
              ? {
                  access_key_id: envRef("AWS_ACCESS_KEY_ID"),
                  secret_access_key: envRef("AWS_SECRET_ACCESS_KEY"),
                }
              : {}),
          },
        },
        credentials,
        egressPorts: [endpointPort(storage.endpoint, storage.insecure)],
        envRefs:
          hasEnv("AWS_ACCESS_KEY_ID") && hasEnv("AWS_SECRET_ACCESS_KEY")
            ? [
                ["s3", "access_key_id"],
                ["s3", "secret_access_key"],
              ]
            : [],
      };
    case "gcs":
      // A key file, when given, is found through GOOGLE_APPLICATION_CREDENTIALS (credentials.fileEnv).
      return {
        objectStore: "gcs",
        common: { gcs: { bucket_name: storage.bucket } },
        credentials,
        egressPorts: [443],
        envRefs: [],
      };
    case "azure":
      return {
        objectStore: "azure",
        common: {
          azure: {
            account_name: storage.storageAccount,
            container_name: storage.container,
            endpoint_suffix: storage.endpointSuffix,
            ...(hasEnv("AZURE_STORAGE_KEY")
              ? { account_key: envRef("AZURE_STORAGE_KEY") }
              : identity.azure
                ? { use_federated_token: true }
                : {}),
          },
        },
        credentials,
        egressPorts: [443],
        envRefs: hasEnv("AZURE_STORAGE_KEY") ? [["azure", "account_key"]] : [],
      };
    case "filesystem":
      return {
        objectStore: "filesystem",
        common: { filesystem: { chunks_directory: storage.path } },
        credentials,
        egressPorts: [],
        envRefs: [],
      };
  }
}
