import {
  type BuildContext,
  configMap,
  type EnvVar,
  type KubeObject,
  nonSensitiveSecret,
  type ObjectStorage,
  objectMeta,
  objectStorageCredentials,
  toYaml,
  type Volume,
  type VolumeMount,
} from "@materialize-monitoring/core";
import { APP, PATH, type ThanosNames } from "./names.js";

/**
 * Thanos reads `$(NAME)` references in its objstore config from the
 * environment (`--objstore.config-file` is registered with env substitution),
 * so credentials stay in their Secrets and reach the process only as env
 * vars from `secretKeyRef`. The rendered file holds placeholders, never keys.
 */
export function objstoreConfig(storage: ObjectStorage): Record<string, unknown> {
  switch (storage.type) {
    case "s3": {
      const endpoint = storage.endpoint ?? `s3.${storage.region}.amazonaws.com`;
      return {
        type: "S3",
        config: {
          bucket: storage.bucket,
          endpoint,
          region: storage.region,
          insecure: storage.insecure,
          bucket_lookup_type: storage.forcePathStyle ? "path" : "auto",
          ...(storage.credentials
            ? { access_key: "$(AWS_ACCESS_KEY_ID)", secret_key: "$(AWS_SECRET_ACCESS_KEY)" }
            : // The AWS SDK chain: IRSA / EKS Pod Identity web-identity tokens, then instance roles.
              { aws_sdk_auth: true }),
        },
      };
    }
    case "gcs":
      // With no service_account, the client uses Application Default Credentials:
      // GOOGLE_APPLICATION_CREDENTIALS (a mounted key) or GKE workload identity.
      return { type: "GCS", config: { bucket: storage.bucket } };
    case "azure":
      return {
        type: "AZURE",
        config: {
          storage_account: storage.storageAccount,
          container: storage.container,
          endpoint: storage.endpointSuffix,
          // Without a key the client uses the Azure default credential chain (workload identity).
          ...(storage.credentials ? { storage_account_key: "$(AZURE_STORAGE_KEY)" } : {}),
        },
      };
    case "filesystem":
      return { type: "FILESYSTEM", config: { directory: storage.path } };
  }
}

/** True when the config file carries `$(ENV)` credential placeholders. */
export function usesEnvCredentials(storage: ObjectStorage): boolean {
  return (storage.type === "s3" || storage.type === "azure") && storage.credentials !== undefined;
}

/** How a bucket-using pod gets the config and its credentials. */
export interface BucketWiring {
  objects: KubeObject[];
  /** `--objstore.config-file=...` */
  args: string[];
  env: EnvVar[];
  volumes: Volume[];
  volumeMounts: VolumeMount[];
}

export const NO_BUCKET: BucketWiring = {
  objects: [],
  args: [],
  env: [],
  volumes: [],
  volumeMounts: [],
};

export function bucketWiring(
  ctx: BuildContext,
  names: ThanosNames,
  storage: ObjectStorage,
  version: string,
  bucketClaim: string | undefined,
): BucketWiring {
  const file = toYaml(objstoreConfig(storage));
  const meta = objectMeta(ctx, {
    name: APP,
    component: "objstore",
    objectName: names.objstore,
    version,
  });
  const asSecret = usesEnvCredentials(storage);
  const object = asSecret
    ? nonSensitiveSecret(meta, { "objstore.yaml": file })
    : configMap(meta, { "objstore.yaml": file });
  const credentials = objectStorageCredentials(storage);
  const configVolume: Volume = asSecret
    ? { name: "objstore", secret: { secretName: names.objstore } }
    : { name: "objstore", configMap: { name: names.objstore } };
  const bucketVolume: Volume[] =
    storage.type === "filesystem" && bucketClaim
      ? [{ name: "bucket", persistentVolumeClaim: { claimName: bucketClaim } }]
      : [];
  return {
    objects: [object],
    args: [`--objstore.config-file=${PATH.objstoreFile}`],
    env: [...credentials.env, ...credentials.fileEnv],
    volumes: [configVolume, ...credentials.volumes, ...bucketVolume],
    volumeMounts: [
      { name: "objstore", mountPath: PATH.objstore, readOnly: true },
      ...credentials.volumeMounts,
      ...(bucketVolume.length > 0 && storage.type === "filesystem"
        ? [{ name: "bucket", mountPath: storage.path }]
        : []),
    ],
  };
}
