import {
  type CredentialWiring,
  type ObjectStorage,
  objectStorageCredentials,
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

/**
 * The objstore (thanos-io/objstore) form of one bucket, the same client
 * library and the same keys the Thanos package writes for this storage.
 * Loki 3.7 documents the move from its older clients in
 * docs/sources/setup/migrate/migrate-storage-clients: object keys are
 * unchanged, so chunks and index already written stay readable.
 */
export function lokiStorage(storage: ObjectStorage): StorageWiring {
  const credentials = objectStorageCredentials(storage);
  const hasEnv = (name: string) => credentials.env.some((env) => env.name === name);
  switch (storage.type) {
    case "s3": {
      const keys = hasEnv("AWS_ACCESS_KEY_ID") && hasEnv("AWS_SECRET_ACCESS_KEY");
      return {
        objectStore: "s3",
        common: {
          object_store: {
            s3: {
              bucket_name: storage.bucket,
              // The objstore S3 client needs an endpoint; AWS's regional one when none is given.
              endpoint: storage.endpoint ?? `s3.${storage.region}.amazonaws.com`,
              region: storage.region,
              insecure: storage.insecure,
              bucket_lookup_type: storage.forcePathStyle ? "path" : "auto",
              ...(keys
                ? {
                    access_key_id: envRef("AWS_ACCESS_KEY_ID"),
                    secret_access_key: envRef("AWS_SECRET_ACCESS_KEY"),
                  }
                : // The AWS SDK chain: IRSA / EKS Pod Identity web-identity tokens, then instance roles.
                  { native_aws_auth_enabled: true }),
            },
          },
        },
        credentials,
        egressPorts: [endpointPort(storage.endpoint, storage.insecure)],
        envRefs: keys
          ? [
              ["object_store", "s3", "access_key_id"],
              ["object_store", "s3", "secret_access_key"],
            ]
          : [],
      };
    }
    case "gcs":
      // A key file, when given, is found through GOOGLE_APPLICATION_CREDENTIALS (credentials.fileEnv);
      // without one, Application Default Credentials (GKE workload identity).
      return {
        objectStore: "gcs",
        common: { object_store: { gcs: { bucket_name: storage.bucket } } },
        credentials,
        egressPorts: [443],
        envRefs: [],
      };
    case "azure":
      // Without a key the objstore client uses Azure's default credential chain, which
      // reads the federated token the workload identity webhook injects.
      return {
        objectStore: "azure",
        common: {
          object_store: {
            azure: {
              account_name: storage.storageAccount,
              container_name: storage.container,
              endpoint_suffix: storage.endpointSuffix,
              ...(hasEnv("AZURE_STORAGE_KEY") ? { account_key: envRef("AZURE_STORAGE_KEY") } : {}),
            },
          },
        },
        credentials,
        egressPorts: [443],
        envRefs: hasEnv("AZURE_STORAGE_KEY") ? [["object_store", "azure", "account_key"]] : [],
      };
    case "filesystem":
      return {
        objectStore: "filesystem",
        common: { object_store: { filesystem: { dir: storage.path } } },
        credentials,
        egressPorts: [],
        envRefs: [],
      };
  }
}
