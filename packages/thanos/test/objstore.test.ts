import { type KubeObject, toYamlStream } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { thanos } from "../src/index.js";
import {
  configMapData,
  find,
  mainContainer,
  S3,
  S3_IRSA,
  secretData,
  template,
  yaml,
} from "./helpers.js";

const workloadNames = (objects: readonly KubeObject[]) =>
  objects
    .filter((o) => ["Deployment", "StatefulSet"].includes(o.kind))
    .map((o) => o.metadata.name)
    .sort();

const BUCKET_USERS = ["thanos-receive", "thanos-store", "thanos-compactor", "thanos-ruler"];

function objstore(objects: readonly KubeObject[], kind: "ConfigMap" | "Secret") {
  const data =
    kind === "Secret"
      ? secretData(objects, "thanos-objstore")
      : configMapData(objects, "thanos-objstore");
  return yaml<{ type: string; config: Record<string, unknown> }>(data["objstore.yaml"]);
}

describe("object storage", () => {
  it("static S3 keys: a Secret holding only $(ENV) placeholders, the keys come from secretKeyRef env", () => {
    const c = thanos({ objectStorage: S3 });
    expect(find(c.objects, "Secret", "thanos-objstore").kind).toBe("Secret");
    expect(
      c.objects.some((o) => o.kind === "ConfigMap" && o.metadata.name === "thanos-objstore"),
    ).toBe(false);
    expect(objstore(c.objects, "Secret")).toEqual({
      type: "S3",
      config: {
        bucket: "metrics",
        endpoint: "s3.eu-west-1.amazonaws.com",
        region: "eu-west-1",
        insecure: false,
        bucket_lookup_type: "auto",
        // Thanos expands $(NAME) from the environment when it reads --objstore.config-file.
        access_key: "$(AWS_ACCESS_KEY_ID)",
        secret_key: "$(AWS_SECRET_ACCESS_KEY)",
      },
    });
    for (const name of BUCKET_USERS) {
      const env = mainContainer(c.objects, name).env ?? [];
      expect(env).toContainEqual({
        name: "AWS_SECRET_ACCESS_KEY",
        valueFrom: { secretKeyRef: { name: "thanos-bucket", key: "secret-access-key" } },
      });
      expect(template(c.objects, name).spec?.volumes).toContainEqual({
        name: "objstore",
        secret: { secretName: "thanos-objstore" },
      });
    }
    // Pods that never touch the bucket get no credentials.
    for (const name of ["thanos-query", "thanos-query-frontend"]) {
      expect(JSON.stringify(mainContainer(c.objects, name).env ?? [])).not.toContain("AWS_");
    }
  });

  it("no credential literal appears anywhere in the output", () => {
    const c = thanos({ objectStorage: S3 });
    const out = toYamlStream(c.objects);
    expect(out).not.toMatch(/AKIA[0-9A-Z]{16}/);
    expect(out).not.toMatch(/(access_key|secret_key|storage_account_key):\s*(?!"?\$\()\S+/);
    const azure = toYamlStream(
      thanos({
        objectStorage: {
          type: "azure",
          container: "metrics",
          storageAccount: "mzmetrics",
          credentials: { accountKey: { name: "azure-bucket", key: "key" } },
        },
      }).objects,
    );
    expect(azure).toContain("storage_account_key: $(AZURE_STORAGE_KEY)");
    expect(azure).toContain("key: key");
  });

  it("workload identity: a ConfigMap without credentials and annotations on the ServiceAccount", () => {
    const c = thanos({
      objectStorage: S3_IRSA,
      serviceAccount: {
        workloadIdentity: { aws: { roleArn: "arn:aws:iam::123456789012:role/thanos" } },
      },
    });
    expect(c.objects.some((o) => o.kind === "Secret")).toBe(false);
    expect(objstore(c.objects, "ConfigMap").config).toMatchObject({ aws_sdk_auth: true });
    expect(objstore(c.objects, "ConfigMap").config).not.toHaveProperty("access_key");
    const sa = find(c.objects, "ServiceAccount", "thanos");
    expect(sa.metadata.annotations).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/thanos",
    });
    for (const name of BUCKET_USERS) {
      expect(template(c.objects, name).spec?.serviceAccountName).toBe("thanos");
    }
    // Pods that never touch the bucket do not get the cloud identity.
    for (const name of ["thanos-query", "thanos-query-frontend"]) {
      expect(template(c.objects, name).spec?.serviceAccountName).toBeUndefined();
    }
  });

  it("Azure workload identity labels the bucket users' pods", () => {
    const c = thanos({
      objectStorage: { type: "azure", container: "metrics", storageAccount: "mzmetrics" },
      serviceAccount: {
        workloadIdentity: { azure: { clientId: "00000000-0000-4000-8000-000000000000" } },
      },
    });
    expect(objstore(c.objects, "ConfigMap")).toEqual({
      type: "AZURE",
      config: {
        storage_account: "mzmetrics",
        container: "metrics",
        endpoint: "blob.core.windows.net",
      },
    });
    for (const name of BUCKET_USERS) {
      expect(template(c.objects, name).metadata?.labels?.["azure.workload.identity/use"]).toBe(
        "true",
      );
    }
    expect(
      template(c.objects, "thanos-query").metadata?.labels?.["azure.workload.identity/use"],
    ).toBeUndefined();
  });

  it("GCS with a key: the key file is mounted and found through GOOGLE_APPLICATION_CREDENTIALS", () => {
    const c = thanos({
      objectStorage: {
        type: "gcs",
        bucket: "metrics",
        credentials: { serviceAccountKey: { name: "gcs", key: "key.json" } },
      },
    });
    expect(objstore(c.objects, "ConfigMap")).toEqual({
      type: "GCS",
      config: { bucket: "metrics" },
    });
    const container = mainContainer(c.objects, "thanos-store");
    expect(container.env).toContainEqual({
      name: "GOOGLE_APPLICATION_CREDENTIALS",
      value: "/etc/object-storage/gcs/key.json",
    });
    expect(container.volumeMounts).toContainEqual({
      name: "gcs-credentials",
      mountPath: "/etc/object-storage/gcs",
      readOnly: true,
    });
  });

  it("S3-compatible endpoints keep their host, port and path-style lookup", () => {
    const c = thanos({
      objectStorage: {
        ...S3,
        endpoint: "minio.storage.svc:9000",
        insecure: true,
        forcePathStyle: true,
      },
    });
    expect(objstore(c.objects, "Secret").config).toMatchObject({
      endpoint: "minio.storage.svc:9000",
      insecure: true,
      bucket_lookup_type: "path",
    });
  });

  it("filesystem buckets mount one shared PVC into every bucket user", () => {
    const c = thanos({
      objectStorage: { type: "filesystem", path: "/var/thanos/bucket" },
      bucketVolume: { claimName: "thanos-bucket" },
    });
    expect(objstore(c.objects, "ConfigMap")).toEqual({
      type: "FILESYSTEM",
      config: { directory: "/var/thanos/bucket" },
    });
    for (const name of BUCKET_USERS) {
      expect(template(c.objects, name).spec?.volumes).toContainEqual({
        name: "bucket",
        persistentVolumeClaim: { claimName: "thanos-bucket" },
      });
      expect(mainContainer(c.objects, name).volumeMounts).toContainEqual({
        name: "bucket",
        mountPath: "/var/thanos/bucket",
      });
    }
  });

  it("dev mode: no bucket, no store gateway, no compactor, one unreplicated receive", () => {
    const c = thanos({ mode: "dev" });
    const kinds = c.objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds.filter((k) => /objstore|thanos-store|compactor/.test(k))).toEqual([]);
    expect(workloadNames(c.objects)).toEqual(["thanos-query", "thanos-receive", "thanos-ruler"]);
    const receive = mainContainer(c.objects, "thanos-receive").args ?? [];
    expect(receive).toContain("--receive.replication-factor=1");
    expect(receive.some((a) => a.startsWith("--objstore"))).toBe(false);
    expect(receive).toContain("--tsdb.retention=15d");
  });
});
