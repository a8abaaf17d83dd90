import type { StackValues } from "./values.js";

/**
 * Profiles: typed values objects applied before values files, in the order
 * given (`--profile dev --profile split-namespace`). Each is also shipped as
 * `profiles/<name>.yaml` (generated from these objects and kept in sync by a test)
 * for users who compose values files by hand.
 */
export const PROFILES = {
  small: {
    description: "small sizing: fewer replicas and smaller requests and volumes",
    values: { global: { size: "small" } },
  },
  medium: {
    description: "medium sizing (the default)",
    values: { global: { size: "medium" } },
  },
  large: {
    description: "large sizing: more replicas, caches and larger volumes",
    values: { global: { size: "large" } },
  },
  ha: {
    description: "every stateful component replicated (the default shape, stated explicitly)",
    values: {
      alertmanager: { mode: "ha" },
      loki: { mode: "simple-scalable" },
      thanos: { mode: "ha" },
      exporters: { metricsServer: { replicas: 2 } },
    },
  },
  "single-replica": {
    description:
      "one replica of everything: a smaller footprint that gives up availability during restarts",
    values: {
      alertmanager: { mode: "small" },
      loki: { mode: "single-binary" },
      thanos: {
        receive: { replicas: 1, replicationFactor: 1 },
        query: { replicas: 1 },
        queryFrontend: { replicas: 1 },
        store: { replicas: 1 },
        ruler: { replicas: 1 },
      },
      exporters: { metricsServer: { replicas: 1 } },
    },
  },
  dev: {
    description:
      "for kind-like clusters: filesystem storage and no bucket, single replicas, metrics-server without kubelet TLS verification",
    values: {
      global: { size: "small" },
      alertmanager: { mode: "small" },
      loki: { mode: "single-binary" },
      thanos: { mode: "dev" },
      exporters: { metricsServer: { replicas: 1, kubeletInsecureTLS: true } },
    },
  },
  aws: {
    description:
      "S3 with IAM roles for service accounts (IRSA); replace the bucket and role ARN with yours",
    values: {
      global: {
        objectStorage: {
          type: "s3",
          bucket: "example-materialize-monitoring",
          region: "us-east-1",
        },
      },
      loki: {
        workloadIdentity: {
          aws: { roleArn: "arn:aws:iam::123456789012:role/materialize-monitoring" },
        },
      },
      thanos: {
        serviceAccount: {
          workloadIdentity: {
            aws: { roleArn: "arn:aws:iam::123456789012:role/materialize-monitoring" },
          },
        },
      },
    },
  },
  gcp: {
    description:
      "GCS with GKE workload identity; replace the bucket and service account with yours",
    values: {
      global: { objectStorage: { type: "gcs", bucket: "example-materialize-monitoring" } },
      loki: {
        workloadIdentity: {
          gcp: { serviceAccount: "materialize-monitoring@example-project.iam.gserviceaccount.com" },
        },
      },
      thanos: {
        serviceAccount: {
          workloadIdentity: {
            gcp: {
              serviceAccount: "materialize-monitoring@example-project.iam.gserviceaccount.com",
            },
          },
        },
      },
    },
  },
  azure: {
    description:
      "Azure Blob Storage with Azure workload identity; replace the account, container and client id",
    values: {
      global: {
        objectStorage: {
          type: "azure",
          storageAccount: "examplemonitoring",
          container: "materialize-monitoring",
        },
      },
      loki: { workloadIdentity: { azure: { clientId: "00000000-0000-4000-8000-000000000000" } } },
      thanos: {
        serviceAccount: {
          workloadIdentity: { azure: { clientId: "00000000-0000-4000-8000-000000000000" } },
        },
      },
    },
  },
  "existing-grafana": {
    description:
      "use a Grafana you already run: the operator manages datasources and dashboards there; replace the URL and secret names",
    values: {
      grafana: {
        enabled: false,
        external: {
          url: "https://grafana.example.com",
          adminUser: { name: "grafana-admin", key: "user" },
          adminPassword: { name: "grafana-admin", key: "password" },
        },
      },
    },
  },
  "split-namespace": {
    description:
      "node-level agents in their own namespace with the privileged Pod Security level, so the stack's namespace enforces restricted",
    values: { global: { nodeAgentsNamespace: "monitoring-agents" } },
  },
} as const satisfies Record<string, { description: string; values: StackValues }>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];
