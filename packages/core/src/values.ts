import { z } from "zod";
import { labelKeySchema, labelsSchema, labelValueSchema } from "./labels.js";

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

/** A key of a Secret or ConfigMap: letters, digits, '-', '_' and '.', not '.' or '..'-prefixed. */
export const secretKeySchema = z
  .string()
  .regex(/^[-._a-zA-Z0-9]+$/, "a Secret key has only letters, digits, '-', '_' and '.'")
  .refine((key) => !key.startsWith(".."), "a Secret key may not be '.' or start with '..'")
  .refine((key) => key !== ".", "a Secret key may not be '.' or start with '..'")
  .max(253);

/**
 * A Loki tenant id (X-Scope-OrgID) as Loki takes it: 1 to 150 of letters, digits and
 * `! - _ . * ' ( )`, and not `.` or `..`. One definition for every component that names tenants.
 */
export const lokiTenantIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9!_.*'()-]{1,150}$/,
    "a Loki tenant id is 1 to 150 of letters, digits and ! - _ . * ' ( )",
  )
  .refine((value) => value !== "." && value !== "..", "a Loki tenant id cannot be . or ..");

/** A reference to one key of a Kubernetes Secret. Credentials are only ever passed this way. */
export const secretRef = z.strictObject({
  /** Secret name */
  name: objectName.describe("Secret name"),
  /** key inside the Secret */
  key: secretKeySchema.describe("key inside the Secret"),
});
export type SecretRef = z.output<typeof secretRef>;

export const imagePullPolicy = z
  .enum(["Always", "IfNotPresent", "Never"])
  .describe("when the kubelet pulls the image (Kubernetes imagePullPolicy)");

/*
 * Image reference parts, after the distribution reference grammar that every
 * container runtime applies: anything else is refused by the kubelet only at
 * pull time, so it is refused here, before anything reaches a cluster.
 */
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REGISTRY = new RegExp(
  `^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?(?:/${PATH_COMPONENT})*$`,
);
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;

/** A registry host with an optional port and path prefix (`registry.example.com:5000/mirror`). */
export const imageRegistry = z
  .string()
  .max(255)
  .regex(
    REGISTRY,
    "must be a registry host with an optional port and path, e.g. registry.example.com:5000/mirror",
  );

/** An image repository (`grafana/loki`): lower-case path components joined by '/'. */
export const imageRepository = z
  .string()
  .max(255)
  .regex(
    REPOSITORY,
    "must be an image repository: lower-case letters, digits and '.', '_', '-' separators, in components joined by '/', e.g. grafana/loki",
  );

/** A container image. `tag` is required (never `latest`); `digest` pins it further. */
export function imageSchema(defaults: { registry: string; repository: string; tag: string }) {
  return z
    .strictObject({
      /**
       * registry host of the image; empty pulls `repository` as written; global.imageRegistry
       * replaces it
       */
      registry: z
        .union([z.literal(""), imageRegistry])
        .default(defaults.registry)
        .describe(
          "registry host of the image; empty pulls `repository` as written; global.imageRegistry replaces it",
        ),
      /** image repository within the registry */
      repository: imageRepository
        .default(defaults.repository)
        .describe("image repository within the registry"),
      /**
       * image tag; the default is the version this release is tested with, and `latest` is refused
       */
      tag: z
        .string()
        .regex(
          TAG,
          "must be an image tag: letters, digits, '_', '.' and '-', at most 128, not starting with '.' or '-'",
        )
        .refine((t) => t !== "latest", {
          message: 'the tag "latest" is not allowed (pin a version such as the default)',
        })
        .default(defaults.tag)
        .describe(
          "image tag; the default is the version this release is tested with, and `latest` is refused",
        ),
      /** sha256:<64 hex> digest pinned after the tag, so the exact image is pulled */
      digest: z
        .string()
        .regex(/^sha256:[a-f0-9]{64}$/, "digest must look like sha256:<64 hex characters>")
        .optional()
        .describe("sha256:<64 hex> digest pinned after the tag, so the exact image is pulled"),
      /** when the kubelet pulls the image (Kubernetes imagePullPolicy) */
      pullPolicy: imagePullPolicy.default("IfNotPresent"),
    })
    .describe("container image; set only the fields to change")
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
  /** CPU above which the container is throttled, in cores (`1`, `500m`) */
  cpu: quantity
    .optional()
    .describe("CPU above which the container is throttled, in cores (`1`, `500m`)"),
  /** memory above which the container is OOM-killed (`1Gi`); recommended */
  memory: quantity
    .optional()
    .describe("memory above which the container is OOM-killed (`1Gi`); recommended"),
  /** local scratch disk above which the pod is evicted (`2Gi`) */
  "ephemeral-storage": quantity
    .optional()
    .describe("local scratch disk above which the pod is evicted (`2Gi`)"),
});

/** Requests are required (cpu and memory); limits are optional but memory limits are recommended. */
export const resources = z
  .strictObject({
    /** what the scheduler reserves for the container; cpu and memory are required */
    requests: z
      .strictObject({
        /** CPU the scheduler reserves for the container, in cores (`500m` is half a core) */
        cpu: quantity.describe(
          "CPU the scheduler reserves for the container, in cores (`500m` is half a core)",
        ),
        /**
         * memory the scheduler reserves for the container, in bytes with a suffix (`512Mi`, `2Gi`)
         */
        memory: quantity.describe(
          "memory the scheduler reserves for the container, in bytes with a suffix (`512Mi`, `2Gi`)",
        ),
        /** local scratch disk the scheduler reserves for the container (`1Gi`) */
        "ephemeral-storage": quantity
          .optional()
          .describe("local scratch disk the scheduler reserves for the container (`1Gi`)"),
      })
      .describe("what the scheduler reserves for the container; cpu and memory are required"),
    /** caps on the container; an unset one is unbounded, and none may be below its request */
    limits: resourceList
      .default({})
      .describe(
        "caps on the container; an unset one is unbounded, and none may be below its request",
      ),
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
  return resources
    .default(resources.parse(defaults))
    .describe(
      "CPU and memory requests and limits of the container; each field overrides the size's default",
    );
}

const toleration = z.strictObject({
  /** taint key to tolerate; unset with operator Exists tolerates every taint */
  key: z
    .string()
    .optional()
    .describe("taint key to tolerate; unset with operator Exists tolerates every taint"),
  /** Equal (the Kubernetes default) needs the taint's value to match; Exists ignores it */
  operator: z
    .enum(["Exists", "Equal"])
    .optional()
    .describe("Equal (the Kubernetes default) needs the taint's value to match; Exists ignores it"),
  /** taint value to match, with operator Equal */
  value: z.string().optional().describe("taint value to match, with operator Equal"),
  /** taint effect to tolerate; every effect when unset */
  effect: z
    .enum(["NoSchedule", "PreferNoSchedule", "NoExecute"])
    .optional()
    .describe("taint effect to tolerate; every effect when unset"),
  /** seconds a pod stays on a node after a matching NoExecute taint appears; forever when unset */
  tolerationSeconds: z
    .int32()
    .optional()
    .describe(
      "seconds a pod stays on a node after a matching NoExecute taint appears; forever when unset",
    ),
});

const labelSelector = z.strictObject({
  /** labels a pod must carry, every one of them */
  matchLabels: labelsSchema.optional().describe("labels a pod must carry, every one of them"),
  /** set-based label requirements, all of which must hold */
  matchExpressions: z
    .array(
      z.strictObject({
        /** label key the requirement tests */
        key: labelKeySchema.describe("label key the requirement tests"),
        /** In/NotIn compare with `values`; Exists/DoesNotExist test only the key */
        operator: z
          .enum(["In", "NotIn", "Exists", "DoesNotExist"])
          .describe("In/NotIn compare with `values`; Exists/DoesNotExist test only the key"),
        /** label values, for In and NotIn (leave out for Exists and DoesNotExist) */
        values: z
          .array(labelValueSchema)
          .optional()
          .describe("label values, for In and NotIn (leave out for Exists and DoesNotExist)"),
      }),
    )
    .optional()
    .describe("set-based label requirements, all of which must hold"),
});

const topologySpreadConstraint = z.strictObject({
  /** how many more matching pods one domain may hold than the emptiest one */
  maxSkew: z
    .int32()
    .min(1)
    .describe("how many more matching pods one domain may hold than the emptiest one"),
  /** node label whose values are the domains, e.g. topology.kubernetes.io/zone */
  topologyKey: z
    .string()
    .min(1)
    .describe("node label whose values are the domains, e.g. topology.kubernetes.io/zone"),
  /** DoNotSchedule leaves a pod pending; ScheduleAnyway places it and only prefers balance */
  whenUnsatisfiable: z
    .enum(["DoNotSchedule", "ScheduleAnyway"])
    .describe(
      "DoNotSchedule leaves a pod pending; ScheduleAnyway places it and only prefers balance",
    ),
  /** the pods counted per domain; when unset, the workload's own pods (its selector labels) */
  labelSelector: labelSelector
    .optional()
    .describe(
      "the pods counted per domain; when unset, the workload's own pods (its selector labels)",
    ),
  /** domains to count as existing even when fewer have nodes (only with DoNotSchedule) */
  minDomains: z
    .int32()
    .min(1)
    .optional()
    .describe("domains to count as existing even when fewer have nodes (only with DoNotSchedule)"),
});

/** Scheduling hooks every workload takes. Affinity is passed through as Kubernetes YAML. */
export const scheduling = z.strictObject({
  /** node labels the pods must run on (Kubernetes nodeSelector) */
  nodeSelector: labelsSchema
    .default({})
    .describe("node labels the pods must run on (Kubernetes nodeSelector)"),
  /** taints the pods tolerate, in addition to any the component needs */
  tolerations: z
    .array(toleration)
    .default([])
    .describe("taints the pods tolerate, in addition to any the component needs"),
  /** Kubernetes affinity of the pods (nodeAffinity, podAffinity, podAntiAffinity), as written */
  affinity: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      "Kubernetes affinity of the pods (nodeAffinity, podAffinity, podAntiAffinity), as written",
    ),
  /**
   * how the pods spread over zones and nodes, replacing the component's default zone and host
   * spread (which applies when this is empty); each workload counts its own pods unless a
   * constraint names a labelSelector
   */
  topologySpreadConstraints: z
    .array(topologySpreadConstraint)
    .default([])
    .describe(
      "how the pods spread over zones and nodes, replacing the component's default zone and host spread (which applies when this is empty); each workload counts its own pods unless a constraint names a labelSelector",
    ),
  /** PriorityClass of the pods; when unset, the one global.priorityClasses names for the role */
  priorityClassName: z
    .string()
    .optional()
    .describe(
      "PriorityClass of the pods; when unset, the one global.priorityClasses names for the role",
    ),
});
export type Scheduling = z.output<typeof scheduling>;
export const schedulingDefault = scheduling.default({
  nodeSelector: {},
  tolerations: [],
  topologySpreadConstraints: [],
});

/**
 * Scheduling of a node agent (a DaemonSet): where it runs, its tolerations and
 * priority, but no spread constraints, which place the replicas of a
 * Deployment or StatefulSet and have nothing to spread in a DaemonSet's one
 * pod per node. Setting them is refused as an unknown key, naming the others.
 */
export const nodeAgentSchedulingDefault = scheduling
  .omit({ topologySpreadConstraints: true })
  .default({ nodeSelector: {}, tolerations: [] });

/** A PVC request. */
export function persistenceSchema(defaults: { size: string; enabled?: boolean }) {
  return z
    .strictObject({
      /** keep the data on a PersistentVolumeClaim; false uses an emptyDir, lost with the pod */
      enabled: z
        .boolean()
        .default(defaults.enabled ?? true)
        .describe(
          "keep the data on a PersistentVolumeClaim; false uses an emptyDir, lost with the pod",
        ),
      /** requested volume size, e.g. 10Gi */
      size: quantity.default(defaults.size).describe("requested volume size, e.g. 10Gi"),
      /** StorageClass of the claim; global.storageClass, else the cluster default, when unset */
      storageClass: z
        .string()
        .optional()
        .describe(
          "StorageClass of the claim; global.storageClass, else the cluster default, when unset",
        ),
      /** access modes of the claim */
      accessModes: z
        .array(z.enum(["ReadWriteOnce", "ReadWriteOncePod", "ReadOnlyMany", "ReadWriteMany"]))
        .min(1)
        .default(["ReadWriteOnce"])
        .describe("access modes of the claim"),
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
    /** EKS IAM roles for service accounts: sets eks.amazonaws.com/role-arn on the ServiceAccount */
    aws: z
      .strictObject({
        /** ARN of the IAM role the pods assume */
        roleArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
            "must be an IAM role ARN (arn:aws:iam::123456789012:role/name)",
          )
          .describe("ARN of the IAM role the pods assume"),
      })
      .optional()
      .describe(
        "EKS IAM roles for service accounts: sets eks.amazonaws.com/role-arn on the ServiceAccount",
      ),
    /** GKE Workload Identity: sets iam.gke.io/gcp-service-account on the ServiceAccount */
    gcp: z
      .strictObject({
        /** e-mail of the Google service account the pods act as */
        serviceAccount: z
          .string()
          .regex(
            /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/,
            "must be a Google service account e-mail (name@project.iam.gserviceaccount.com)",
          )
          .describe("e-mail of the Google service account the pods act as"),
      })
      .optional()
      .describe("GKE Workload Identity: sets iam.gke.io/gcp-service-account on the ServiceAccount"),
    /**
     * Azure Workload Identity: sets the client id on the ServiceAccount and the
     * azure.workload.identity/use label on the pods
     */
    azure: z
      .strictObject({
        /** client id of the user-assigned managed identity */
        clientId: z
          .string()
          .uuid("must be the managed identity's client id (a UUID)")
          .describe("client id of the user-assigned managed identity"),
      })
      .optional()
      .describe(
        "Azure Workload Identity: sets the client id on the ServiceAccount and the azure.workload.identity/use label on the pods",
      ),
  })
  .default({})
  .describe("cloud identity bound to the ServiceAccount, so object storage needs no static key");
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

/*
 * Bucket, container and account names after each provider's naming rules: a
 * name outside them is refused by the store only when the first block is
 * written, so it is refused here. They also keep every name free of the
 * characters that mean something in the configs they reach (`%`, `$`, quotes).
 */
const s3Bucket = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "must be an S3 bucket name: 3 to 63 lower-case letters, digits, '.' and '-', starting and ending alphanumeric",
  );
const gcsBucket = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/,
    "must be a GCS bucket name: 3 to 222 lower-case letters, digits, '.', '_' and '-', starting and ending alphanumeric",
  );
const region = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a region name such as us-east-1");
const hostPort = z
  .string()
  .max(260)
  .regex(
    /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*(:\d{1,5})?$/,
    "must be host[:port] without a scheme or path, e.g. minio.storage.svc:9000",
  );

/** An absolute directory inside a container: plain components, no `.` or `..`, not `/` itself. */
export const containerDirectory = z
  .string()
  .max(1024)
  .regex(
    /^(\/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)+\/?$/,
    "must be an absolute directory of plain components (letters, digits, '.', '_', '-', '@', '+'), not / itself, e.g. /var/lib/data",
  )
  .refine((path) => !path.split("/").some((part) => part === "." || part === ".."), {
    message: "must not contain . or .. components",
  });

const s3Storage = z.strictObject({
  /** S3, or an S3-compatible store with `endpoint` */
  type: z.literal("s3").describe("S3, or an S3-compatible store with `endpoint`"),
  /** bucket name */
  bucket: s3Bucket.describe("bucket name"),
  /** the bucket's region, e.g. us-east-1; also picks the AWS endpoint when `endpoint` is empty */
  region: region.describe(
    "the bucket's region, e.g. us-east-1; also picks the AWS endpoint when `endpoint` is empty",
  ),
  /** host[:port] of an S3-compatible store; empty for AWS */
  endpoint: hostPort.optional().describe("host[:port] of an S3-compatible store; empty for AWS"),
  /** plain HTTP to the endpoint instead of HTTPS (port 80 unless the endpoint names one) */
  insecure: z
    .boolean()
    .default(false)
    .describe(
      "plain HTTP to the endpoint instead of HTTPS (port 80 unless the endpoint names one)",
    ),
  /** path-style addressing (<endpoint>/<bucket>), which most S3-compatible stores need */
  forcePathStyle: z
    .boolean()
    .default(false)
    .describe("path-style addressing (<endpoint>/<bucket>), which most S3-compatible stores need"),
  /** static keys from a Secret; leave out to use workload identity (IRSA) */
  credentials: z
    .strictObject({
      /** Secret key holding the access key id */
      accessKeyId: secretRef.describe("Secret key holding the access key id"),
      /** Secret key holding the secret access key */
      secretAccessKey: secretRef.describe("Secret key holding the secret access key"),
    })
    .optional()
    .describe("static keys from a Secret; leave out to use workload identity (IRSA)"),
});
const gcsStorage = z.strictObject({
  /** Google Cloud Storage */
  type: z.literal("gcs").describe("Google Cloud Storage"),
  /** bucket name */
  bucket: gcsBucket.describe("bucket name"),
  /** a service-account key JSON from a Secret; leave out to use workload identity */
  credentials: z
    .strictObject({
      /** Secret key holding the service-account key JSON */
      serviceAccountKey: secretRef.describe("Secret key holding the service-account key JSON"),
    })
    .optional()
    .describe("a service-account key JSON from a Secret; leave out to use workload identity"),
});
const azureStorage = z.strictObject({
  /** Azure Blob Storage */
  type: z.literal("azure").describe("Azure Blob Storage"),
  /** blob container name */
  container: z
    .string()
    .regex(
      /^[a-z0-9](-?[a-z0-9]){2,62}$/,
      "must be an Azure container name: 3 to 63 lower-case letters, digits and single '-', starting and ending alphanumeric",
    )
    .max(63)
    .describe("blob container name"),
  /** storage account that holds the container */
  storageAccount: z
    .string()
    .regex(
      /^[a-z0-9]{3,24}$/,
      "must be an Azure storage account name: 3 to 24 lower-case letters and digits",
    )
    .describe("storage account that holds the container"),
  /** blob service domain after the account name; change it for sovereign clouds */
  endpointSuffix: z
    .string()
    .max(253)
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/,
      "must be a DNS domain such as blob.core.windows.net",
    )
    .default("blob.core.windows.net")
    .describe("blob service domain after the account name; change it for sovereign clouds"),
  /** the storage account key from a Secret; leave out to use workload identity */
  credentials: z
    .strictObject({
      /** Secret key holding the storage account key */
      accountKey: secretRef.describe("Secret key holding the storage account key"),
    })
    .optional()
    .describe("the storage account key from a Secret; leave out to use workload identity"),
});
const filesystemStorage = z.strictObject({
  /** a directory on a volume, for single-node installs: no bucket, no redundancy */
  type: z
    .literal("filesystem")
    .describe("a directory on a volume, for single-node installs: no bucket, no redundancy"),
  /** directory in the pods where the data is kept */
  path: containerDirectory
    .default("/var/lib/data")
    .describe("directory in the pods where the data is kept"),
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
