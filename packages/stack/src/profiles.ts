import { isDeepStrictEqual } from "node:util";
import { isTree } from "./merge.js";
import type { StackValues } from "./values.js";

/** A profile: values applied before values files, and what they promise. */
export interface Profile {
  /** What the profile renders, exactly; test/profiles.test.ts holds each profile to it. */
  readonly description: string;
  readonly values: StackValues;
  /**
   * Dotted paths (into `values`) of example identifiers: a bucket, a role ARN,
   * a URL that is not yours. `profileNotices` reports each one the merged
   * values still hold unchanged.
   */
  readonly examples?: readonly string[];
}

/** Requests and limits of one container, for the dev profile's laptop-sized requests. */
const res = (cpu: string, memory: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { memory: memoryLimit },
});

const AWS_ROLE = "arn:aws:iam::123456789012:role/materialize-monitoring";
const GCP_SERVICE_ACCOUNT = "materialize-monitoring@example-project.iam.gserviceaccount.com";
const AZURE_CLIENT_ID = "00000000-0000-4000-8000-000000000000";

/**
 * Profiles: typed values objects applied before values files, in the order
 * given (`--profile dev --profile split-namespace`). Each is also shipped as
 * `profiles/<name>.yaml` (generated from these objects and kept in sync by a test)
 * for users who compose values files by hand.
 */
export const PROFILES = {
  small: {
    description:
      "small sizing: no workload gets more replicas, memory or volume than with medium, and in total fewer replicas, less memory and smaller volumes",
    values: { global: { size: "small" } },
  },
  medium: {
    description: "medium sizing, the default: renders exactly what no profile renders",
    values: { global: { size: "medium" } },
  },
  large: {
    description:
      "large sizing: no workload gets fewer replicas, memory or volume than with medium, and in total more replicas, more memory, more Loki cache replicas and larger volumes",
    values: { global: { size: "large" } },
  },
  ha: {
    description:
      "zone-redundant quorums on 3 zones (global.zones: 3, checked against every hard spread): Loki simple-scalable with replication factor 3, Thanos receive with replication factor 3 on at least 3 replicas, and 2 Alertmanager replicas, each spread hard across zones (global.zoneTopologyKey, DoNotSchedule: their pods stay Pending on nodes without the zone label; 3 zones survive the loss of one) and Loki's and Alertmanager's pods spread hard across nodes, with PodDisruptionBudgets that let one pod go at a time so 2 of 3 copies (the write quorum) stay up; 2 metrics-server replicas. Grafana stays at one replica (SQLite)",
    values: {
      global: { zones: 3 },
      alertmanager: {
        mode: "ha",
        zoneSpread: "hard",
        hardHostSpread: true,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
      },
      loki: {
        mode: "simple-scalable",
        replicationFactor: 3,
        write: { zoneSpread: "hard" },
        topologySpread: { hosts: "hard" },
      },
      thanos: {
        mode: "ha",
        receive: { replicationFactor: 3, zoneSpread: "hard" },
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
      },
      exporters: { metricsServer: { replicas: 2 } },
    },
  },
  "single-replica": {
    description:
      "exactly one replica of every Deployment and StatefulSet (the Alloy and Loki gateways, the Loki caches, Loki single-binary, every Thanos role and the query-frontend's memcached, Alertmanager, Grafana, grafana-operator, kube-state-metrics, metrics-server; DaemonSets still run on every node), the gateway without autoscaling: a smaller footprint that gives up availability during restarts and node drains",
    values: {
      alertmanager: { mode: "small", replicas: 1 },
      loki: {
        mode: "single-binary",
        gateway: { replicas: 1 },
        caches: { chunks: { replicas: 1 }, results: { replicas: 1 } },
      },
      thanos: {
        receive: { replicas: 1, replicationFactor: 1, router: { replicas: 1 } },
        query: { replicas: 1 },
        queryFrontend: { replicas: 1, cache: { type: "memcached", deploy: { replicas: 1 } } },
        store: { replicas: 1 },
        ruler: { replicas: 1 },
      },
      grafana: { replicas: 1 },
      grafanaOperator: { replicas: 1 },
      exporters: { metricsServer: { replicas: 1 }, kubeStateMetrics: { replicas: 1 } },
      alloyGateway: { replicas: 1, autoscaling: { enabled: false } },
    },
  },
  dev: {
    description:
      "for a laptop kind cluster: one replica of every Deployment and StatefulSet, at most 2 GiB of memory requests over all pods (each DaemonSet's pod counted once) and at most 10 GiB of volumes, filesystem storage and no bucket (Loki single-binary, Thanos dev mode), and kubelet certificates not verified by metrics-server nor by the gateway's kubelet and cAdvisor scrapes (kind's kubelets serve self-signed certificates; reported as a notice)",
    values: {
      global: { size: "small" },
      alertmanager: { mode: "small", replicas: 1, resources: res("10m", "32Mi", "256Mi") },
      loki: {
        mode: "single-binary",
        singleBinary: {
          resources: { requests: { cpu: "100m", memory: "512Mi" } },
          persistence: { size: "3Gi" },
        },
        gateway: { replicas: 1, resources: { requests: { cpu: "10m", memory: "32Mi" } } },
        caches: { chunks: { replicas: 1 }, results: { replicas: 1 } },
      },
      thanos: {
        mode: "dev",
        receive: {
          replicas: 1,
          replicationFactor: 1,
          resources: res("100m", "256Mi", "2Gi"),
          persistence: { size: "3Gi" },
        },
        query: { replicas: 1, resources: res("50m", "128Mi", "1Gi") },
        ruler: {
          replicas: 1,
          resources: res("20m", "128Mi", "512Mi"),
          persistence: { size: "1Gi" },
        },
      },
      grafana: {
        replicas: 1,
        resources: res("50m", "128Mi", "1Gi"),
        database: { type: "sqlite", persistence: { size: "1Gi" } },
      },
      grafanaOperator: { replicas: 1, resources: res("20m", "64Mi", "550Mi") },
      exporters: {
        metricsServer: {
          replicas: 1,
          kubeletInsecureTLS: true,
          resources: res("50m", "64Mi", "400Mi"),
        },
        kubeStateMetrics: { replicas: 1, resources: res("20m", "64Mi", "512Mi") },
        nodeExporter: { resources: res("20m", "32Mi", "180Mi") },
      },
      alloyAgent: { resources: res("20m", "64Mi", "256Mi") },
      alloyGateway: {
        replicas: 1,
        autoscaling: { enabled: false },
        resources: res("100m", "256Mi", "2Gi"),
        scrape: { kubelet: { insecureSkipVerify: true } },
      },
    },
  },
  aws: {
    description:
      "S3 with IAM roles for service accounts (IRSA); the bucket and role ARNs are examples, reported as notices until you set yours",
    values: {
      global: {
        objectStorage: {
          type: "s3",
          bucket: "example-materialize-monitoring",
          region: "us-east-1",
        },
      },
      loki: { workloadIdentity: { aws: { roleArn: AWS_ROLE } } },
      thanos: { serviceAccount: { workloadIdentity: { aws: { roleArn: AWS_ROLE } } } },
    },
    examples: [
      "global.objectStorage.bucket",
      "loki.workloadIdentity.aws.roleArn",
      "thanos.serviceAccount.workloadIdentity.aws.roleArn",
    ],
  },
  gcp: {
    description:
      "GCS with GKE workload identity; the bucket and service accounts are examples, reported as notices until you set yours",
    values: {
      global: { objectStorage: { type: "gcs", bucket: "example-materialize-monitoring" } },
      loki: { workloadIdentity: { gcp: { serviceAccount: GCP_SERVICE_ACCOUNT } } },
      thanos: {
        serviceAccount: { workloadIdentity: { gcp: { serviceAccount: GCP_SERVICE_ACCOUNT } } },
      },
    },
    examples: [
      "global.objectStorage.bucket",
      "loki.workloadIdentity.gcp.serviceAccount",
      "thanos.serviceAccount.workloadIdentity.gcp.serviceAccount",
    ],
  },
  azure: {
    description:
      "Azure Blob Storage with Azure workload identity; the storage account, container and client ids are examples, reported as notices until you set yours",
    values: {
      global: {
        objectStorage: {
          type: "azure",
          storageAccount: "examplemonitoring",
          container: "materialize-monitoring",
        },
      },
      loki: { workloadIdentity: { azure: { clientId: AZURE_CLIENT_ID } } },
      thanos: { serviceAccount: { workloadIdentity: { azure: { clientId: AZURE_CLIENT_ID } } } },
    },
    examples: [
      "global.objectStorage.storageAccount",
      "global.objectStorage.container",
      "loki.workloadIdentity.azure.clientId",
      "thanos.serviceAccount.workloadIdentity.azure.clientId",
    ],
  },
  "existing-grafana": {
    description:
      "use a Grafana you already run: no Grafana is deployed, the operator manages the datasources and dashboards there; the URL and Secret names are examples, reported as notices until you set yours",
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
    examples: [
      "grafana.external.url",
      "grafana.external.adminUser.name",
      "grafana.external.adminPassword.name",
    ],
  },
  "split-namespace": {
    description:
      "node-level agents (alloy-agent, node-exporter) in their own namespace, monitoring-agents, with the privileged Pod Security level, so the stack's namespace enforces restricted",
    values: { global: { nodeAgentsNamespace: "monitoring-agents" } },
  },
} as const satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** The value at a dotted path of a values tree, or undefined. */
export function valueAt(values: unknown, path: string): unknown {
  let node = values;
  for (const key of path.split(".")) {
    if (!isTree(node)) return undefined;
    node = node[key];
  }
  return node;
}

function shown(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * One notice per example identifier of the named profiles that the merged
 * values (profiles, then files, then `--set`) still hold unchanged, in profile
 * then path order; a path two profiles share is reported once, by the first.
 * Names that are not profiles are skipped (the caller refuses them first).
 */
export function profileNotices(profileNames: readonly string[], mergedValues: unknown): string[] {
  const notices: string[] = [];
  const seen = new Set<string>();
  for (const name of profileNames) {
    if (!Object.hasOwn(PROFILES, name)) continue;
    const profile: Profile = PROFILES[name as ProfileName];
    for (const path of profile.examples ?? []) {
      if (seen.has(path)) continue;
      const example = valueAt(profile.values, path);
      if (example === undefined || !isDeepStrictEqual(valueAt(mergedValues, path), example))
        continue;
      seen.add(path);
      notices.push(
        `profile ${name}: ${path} is the example value ${shown(example)}; set yours with -f or --set`,
      );
    }
  }
  return notices;
}
