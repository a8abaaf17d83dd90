import { z } from "zod";

/** A Kubernetes quantity: a number with an exponent or a unit suffix (or neither). */
const QUANTITY = /^[+]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+|[KMGTPE]i?|[munk]|)$/;

/** Kubernetes resource quantity, e.g. `100m`, `1`, `512Mi`, `1.5Gi`. */
export const quantity = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((v) => QUANTITY.test(v), {
    message: "not a Kubernetes quantity (examples: 100m, 0.5, 512Mi, 2Gi)",
  });

const QUANTITY_SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  u: 1e-6,
  n: 1e-9,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The number a Kubernetes quantity stands for (`500m` is 0.5, `1Gi` is 2^30); NaN if it is not one. */
export function quantityValue(q: string | number): number {
  const m = QUANTITY.exec(String(q));
  if (!m) return Number.NaN;
  const [, number, suffix = ""] = m;
  if (/^[eE]/.test(suffix)) return Number(number) * 10 ** Number(suffix.slice(1));
  return Number(number) * (QUANTITY_SUFFIX[suffix] ?? Number.NaN);
}

/** A Go-style duration such as `30s`, `5m`, `1h30m`, `720h`. */
export const duration = z
  .string()
  .regex(
    /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|y))+$/,
    "not a duration (examples: 30s, 5m, 1h30m, 720h)",
  );

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

/** Seconds in a Go/Prometheus duration such as `1m30s` (the units `duration` accepts). */
export function durationSeconds(duration: string): number {
  let total = 0;
  for (const match of duration.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)/g)) {
    total += Number(match[1]) * (UNIT_SECONDS[match[2] ?? "s"] ?? 1);
  }
  return total;
}

/** A Kubernetes object name (DNS-1123 subdomain): lower-case alphanumerics, '-' and '.', at most 253. */
export const objectName = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    "must be a Kubernetes name: lower-case letters, digits, '-' and '.', starting and ending alphanumeric",
  );

/** A reference to one key of a Kubernetes Secret. Credentials are only ever passed this way. */
export const secretRef = z.strictObject({
  name: objectName.describe("Secret name"),
  key: z
    .string()
    .regex(/^[-._a-zA-Z0-9]+$/, "a Secret key has only letters, digits, '-', '_' and '.'")
    .refine((key) => !key.startsWith(".."), "a Secret key may not be '.' or start with '..'")
    .refine((key) => key !== ".", "a Secret key may not be '.' or start with '..'")
    .max(253)
    .describe("key inside the Secret"),
});
export type SecretRef = z.output<typeof secretRef>;

export const imagePullPolicy = z.enum(["Always", "IfNotPresent", "Never"]);

/** A container image. `tag` is required (never `latest`); `digest` pins it further. */
export function imageSchema(defaults: { registry: string; repository: string; tag: string }) {
  return z
    .strictObject({
      registry: z.string().default(defaults.registry),
      repository: z.string().min(1).default(defaults.repository),
      tag: z
        .string()
        .min(1)
        .refine((t) => t !== "latest", {
          message: 'the tag "latest" is not allowed (pin a version such as the default)',
        })
        .default(defaults.tag),
      digest: z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, "digest must look like sha256:<64 hex characters>")
        .optional(),
      pullPolicy: imagePullPolicy.default("IfNotPresent"),
    })
    .default({
      registry: defaults.registry,
      repository: defaults.repository,
      tag: defaults.tag,
      pullPolicy: "IfNotPresent",
    });
}
export type Image = z.output<ReturnType<typeof imageSchema>>;

/** The image reference, with the context's registry override applied. */
export function imageRef(image: Image, registryOverride?: string): string {
  const registry = registryOverride || image.registry;
  const base = registry ? `${registry}/${image.repository}` : image.repository;
  return image.digest ? `${base}:${image.tag}@${image.digest}` : `${base}:${image.tag}`;
}

const resourceList = z.strictObject({
  cpu: quantity.optional(),
  memory: quantity.optional(),
  "ephemeral-storage": quantity.optional(),
});

/** Requests are required (cpu and memory); limits are optional but memory limits are recommended. */
export const resources = z
  .strictObject({
    requests: z.strictObject({
      cpu: quantity,
      memory: quantity,
      "ephemeral-storage": quantity.optional(),
    }),
    limits: resourceList.default({}),
  })
  .superRefine((r, ctx) => {
    // The API server refuses a container whose request is above its limit.
    for (const key of ["cpu", "memory", "ephemeral-storage"] as const) {
      const request = r.requests[key];
      const limit = r.limits[key];
      if (request === undefined || limit === undefined) continue;
      if (quantityValue(request) > quantityValue(limit)) {
        ctx.addIssue({
          code: "custom",
          path: ["requests", key],
          message: `the ${key} request ${request} is above its limit ${limit}; lower the request or raise limits.${key}`,
        });
      }
    }
  });
export type Resources = z.output<typeof resources>;
export type ResourcesInput = z.input<typeof resources>;

/** Resources with a default, overridable field by field in user values. */
export function resourcesSchema(defaults: ResourcesInput) {
  return resources.default(resources.parse(defaults));
}

const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: z.int32().optional(),
});

const labelSelector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

const topologySpreadConstraint = z.strictObject({
  maxSkew: z.int32().min(1),
  topologyKey: z.string().min(1),
  whenUnsatisfiable: z.enum(["DoNotSchedule", "ScheduleAnyway"]),
  labelSelector: labelSelector.optional(),
  minDomains: z.int32().min(1).optional(),
});

/** Scheduling hooks every workload takes. Affinity is passed through as Kubernetes YAML. */
export const scheduling = z.strictObject({
  nodeSelector: z.record(z.string(), z.string()).default({}),
  tolerations: z.array(toleration).default([]),
  affinity: z.record(z.string(), z.unknown()).optional(),
  topologySpreadConstraints: z.array(topologySpreadConstraint).default([]),
  priorityClassName: z.string().optional(),
});
export type Scheduling = z.output<typeof scheduling>;
export const schedulingDefault = scheduling.default({
  nodeSelector: {},
  tolerations: [],
  topologySpreadConstraints: [],
});

/** A PVC request. */
export function persistenceSchema(defaults: { size: string; enabled?: boolean }) {
  return z
    .strictObject({
      enabled: z.boolean().default(defaults.enabled ?? true),
      size: quantity.default(defaults.size),
      storageClass: z.string().optional(),
      accessModes: z
        .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"]))
        .min(1)
        .default(["ReadWriteOnce"]),
    })
    .default({
      enabled: defaults.enabled ?? true,
      size: defaults.size,
      accessModes: ["ReadWriteOnce"],
    });
}
export type Persistence = z.output<ReturnType<typeof persistenceSchema>>;

/**
 * Cloud workload identity for a ServiceAccount: the cloud role is bound to
 * the Kubernetes identity, so no static credential exists anywhere.
 */
export const workloadIdentity = z
  .strictObject({
    aws: z
      .strictObject({
        roleArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
            "must be an IAM role ARN (arn:aws:iam::123456789012:role/name)",
          ),
      })
      .optional(),
    gcp: z
      .strictObject({
        serviceAccount: z
          .string()
          .regex(
            /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/,
            "must be a Google service account e-mail (name@project.iam.gserviceaccount.com)",
          ),
      })
      .optional(),
    azure: z
      .strictObject({
        clientId: z.string().uuid("must be the managed identity's client id (a UUID)"),
      })
      .optional(),
  })
  .default({});
export type WorkloadIdentity = z.output<typeof workloadIdentity>;

export function workloadIdentityAnnotations(identity: WorkloadIdentity): Record<string, string> {
  return {
    ...(identity.aws ? { "eks.amazonaws.com/role-arn": identity.aws.roleArn } : {}),
    ...(identity.gcp ? { "iam.gke.io/gcp-service-account": identity.gcp.serviceAccount } : {}),
    ...(identity.azure ? { "azure.workload.identity/client-id": identity.azure.clientId } : {}),
  };
}

/** Azure workload identity also needs a label on the pod. */
export function workloadIdentityPodLabels(identity: WorkloadIdentity): Record<string, string> {
  return identity.azure ? { "azure.workload.identity/use": "true" } : {};
}

const s3Storage = z.strictObject({
  type: z.literal("s3"),
  bucket: z.string().min(1, "a bucket name is required"),
  region: z.string().min(1),
  endpoint: z.string().optional().describe("host[:port] of an S3-compatible store; empty for AWS"),
  insecure: z.boolean().default(false),
  forcePathStyle: z.boolean().default(false),
  credentials: z
    .strictObject({ accessKeyId: secretRef, secretAccessKey: secretRef })
    .optional()
    .describe("static keys from a Secret; leave out to use workload identity (IRSA)"),
});
const gcsStorage = z.strictObject({
  type: z.literal("gcs"),
  bucket: z.string().min(1, "a bucket name is required"),
  credentials: z
    .strictObject({ serviceAccountKey: secretRef })
    .optional()
    .describe("a service-account key JSON from a Secret; leave out to use workload identity"),
});
const azureStorage = z.strictObject({
  type: z.literal("azure"),
  container: z.string().min(1, "a container name is required"),
  storageAccount: z.string().min(1),
  endpointSuffix: z.string().default("blob.core.windows.net"),
  credentials: z
    .strictObject({ accountKey: secretRef })
    .optional()
    .describe("the storage account key from a Secret; leave out to use workload identity"),
});
const filesystemStorage = z.strictObject({
  type: z.literal("filesystem"),
  path: z.string().default("/var/lib/data"),
});

/** Object storage for Loki and Thanos. Credentials only by secret reference or workload identity. */
export const objectStorage = z.discriminatedUnion("type", [
  s3Storage,
  gcsStorage,
  azureStorage,
  filesystemStorage,
]);
export type ObjectStorage = z.output<typeof objectStorage>;
export type ObjectStorageInput = z.input<typeof objectStorage>;

/** Env, volumes and mounts that carry object-storage credentials from their Secrets into a pod. */
export interface CredentialWiring {
  env: { name: string; valueFrom: { secretKeyRef: SecretRef } }[];
  volumes: {
    name: string;
    secret: { secretName: string; items: { key: string; path: string }[] };
  }[];
  volumeMounts: { name: string; mountPath: string; readOnly: true }[];
  /** Environment variables that point at mounted files (e.g. GOOGLE_APPLICATION_CREDENTIALS). */
  fileEnv: { name: string; value: string }[];
}

export const GCS_KEY_MOUNT_PATH = "/etc/object-storage/gcs";

export function objectStorageCredentials(storage: ObjectStorage): CredentialWiring {
  const none: CredentialWiring = { env: [], volumes: [], volumeMounts: [], fileEnv: [] };
  const env = (name: string, ref: SecretRef) => ({
    name,
    valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
  });
  switch (storage.type) {
    case "s3":
      return storage.credentials
        ? {
            ...none,
            env: [
              env("AWS_ACCESS_KEY_ID", storage.credentials.accessKeyId),
              env("AWS_SECRET_ACCESS_KEY", storage.credentials.secretAccessKey),
            ],
          }
        : none;
    case "gcs":
      return storage.credentials
        ? {
            env: [],
            volumes: [
              {
                name: "gcs-credentials",
                secret: {
                  secretName: storage.credentials.serviceAccountKey.name,
                  items: [{ key: storage.credentials.serviceAccountKey.key, path: "key.json" }],
                },
              },
            ],
            volumeMounts: [
              { name: "gcs-credentials", mountPath: GCS_KEY_MOUNT_PATH, readOnly: true },
            ],
            fileEnv: [
              { name: "GOOGLE_APPLICATION_CREDENTIALS", value: `${GCS_KEY_MOUNT_PATH}/key.json` },
            ],
          }
        : none;
    case "azure":
      return storage.credentials
        ? { ...none, env: [env("AZURE_STORAGE_KEY", storage.credentials.accountKey)] }
        : none;
    case "filesystem":
      return none;
  }
}
