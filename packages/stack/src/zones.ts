import { type KubeObject, ValuesError, valuesError } from "@materialize-monitoring/core";
import { parse } from "yaml";

/**
 * A quorum workload the stack may spread hard across zones: how to find it
 * among the rendered objects, where its values live, and how many copies of
 * each write it keeps.
 */
interface QuorumWorkload {
  /** `app.kubernetes.io/name` and `app.kubernetes.io/component` of its pods. */
  app: string;
  component?: string;
  /** Where the replicas are set (each component already refuses fewer replicas than copies). */
  replicasPath: string;
  /** Where the replication factor is set; absent for Alertmanager (gossip, no write quorum). */
  replicationPath?: string;
  pdbPath: string;
  spreadPath: string;
  copies(objects: readonly KubeObject[], workload: KubeObject): number;
}

type Workload = KubeObject & {
  spec?: {
    replicas?: number;
    template?: {
      metadata?: { labels?: Record<string, string> };
      spec?: {
        containers?: { args?: string[] }[];
        topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[];
      };
    };
  };
};

type Budget = KubeObject & {
  spec?: { maxUnavailable?: number | string; selector?: { matchLabels?: Record<string, string> } };
};

function lokiReplicationFactor(objects: readonly KubeObject[], workload: KubeObject): number {
  const config = objects.find(
    (o) =>
      o.kind === "ConfigMap" &&
      o.metadata.namespace === workload.metadata.namespace &&
      (o as { data?: Record<string, string> }).data?.["config.yaml"] !== undefined &&
      o.metadata.labels?.["app.kubernetes.io/name"] === "loki",
  ) as { data?: Record<string, string> } | undefined;
  const parsed = parse(config?.data?.["config.yaml"] ?? "{}") as {
    common?: { replication_factor?: number };
  };
  return parsed.common?.replication_factor ?? 1;
}

function receiveReplicationFactor(_objects: readonly KubeObject[], workload: KubeObject): number {
  const args = (workload as Workload).spec?.template?.spec?.containers?.[0]?.args ?? [];
  const flag = args.find((a) => a.startsWith("--receive.replication-factor="));
  return flag ? Number(flag.split("=")[1]) : 1;
}

const QUORUMS: readonly QuorumWorkload[] = [
  {
    app: "loki",
    component: "write",
    replicasPath: "loki.write.replicas",
    replicationPath: "loki.replicationFactor",
    pdbPath: "loki.write",
    spreadPath: "loki.write.zoneSpread",
    copies: lokiReplicationFactor,
  },
  {
    app: "thanos",
    component: "receive",
    replicasPath: "thanos.receive.replicas",
    replicationPath: "thanos.receive.replicationFactor",
    pdbPath: "thanos.podDisruptionBudget.maxUnavailable",
    spreadPath: "thanos.receive.zoneSpread",
    copies: receiveReplicationFactor,
  },
  {
    app: "alertmanager",
    replicasPath: "alertmanager.replicas",
    pdbPath: "alertmanager.podDisruptionBudget.maxUnavailable",
    spreadPath: "alertmanager.zoneSpread",
    copies: () => 1,
  },
];

function hasHardZoneSpread(workload: Workload, zoneKey: string): boolean {
  return (workload.spec?.template?.spec?.topologySpreadConstraints ?? []).some(
    (c) => c.topologyKey === zoneKey && c.whenUnsatisfiable === "DoNotSchedule",
  );
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * Checks that every hard zone spread of a quorum (Loki's write pods, Thanos
 * receive, Alertmanager) can keep its promise on `global.zones` zones: a
 * zone for each copy of a write, and a disruption budget that never takes a
 * write quorum down. (Fewer replicas than copies is refused by the
 * components themselves.) Only runs when `global.zones`
 * is set (the stack cannot know the cluster's zones otherwise). Throws a
 * ValuesError naming the value to change.
 */
export function checkZoneQuorums(
  objects: readonly KubeObject[],
  zones: number | undefined,
  zoneKey: string,
): void {
  if (zones === undefined) return;
  const problems: ValuesError[] = [];
  for (const quorum of QUORUMS) {
    const workloads = objects.filter(
      (o): o is Workload =>
        o.kind === "StatefulSet" &&
        o.metadata.labels?.["app.kubernetes.io/name"] === quorum.app &&
        (quorum.component === undefined ||
          o.metadata.labels?.["app.kubernetes.io/component"] === quorum.component),
    );
    for (const workload of workloads) {
      if (!hasHardZoneSpread(workload, zoneKey)) continue;
      const replicas = workload.spec?.replicas ?? 1;
      const copies = quorum.copies(objects, workload);
      const quorumSize = Math.floor(copies / 2) + 1;
      const name = `${workload.kind}/${workload.metadata.name}`;
      const needed = quorum.replicationPath ? copies : Math.min(replicas, 2);
      if (zones < needed) {
        problems.push(
          valuesError(
            "global.zones",
            quorum.replicationPath
              ? `${zones} zone(s) cannot give each of the ${copies} copies of a write to ${name} its own zone: losing one zone could lose ${copies - quorumSize + 1} copies, more than the ${copies - quorumSize} a quorum of ${quorumSize} survives`
              : `${zones} zone: the hard zone spread of ${name} keeps no replica through the loss of that zone`,
            `set global.zones to the number of zones your nodes span if it is ${needed} or more; otherwise add zones, lower ${quorum.replicationPath ?? quorum.replicasPath}, or set ${quorum.spreadPath}: soft`,
          ),
        );
      }
      const labels = workload.spec?.template?.metadata?.labels ?? {};
      const budget = objects.find(
        (o): o is Budget =>
          o.kind === "PodDisruptionBudget" &&
          o.metadata.namespace === workload.metadata.namespace &&
          selects((o as Budget).spec?.selector?.matchLabels ?? {}, labels),
      );
      const maxUnavailable = budget?.spec?.maxUnavailable;
      const tolerated = quorum.replicationPath ? copies - quorumSize : replicas - 1;
      if (typeof maxUnavailable === "number" && maxUnavailable > Math.max(tolerated, 1)) {
        problems.push(
          valuesError(
            quorum.pdbPath,
            `the PodDisruptionBudget of ${name} lets ${maxUnavailable} pods go at once, more than the ${tolerated} its quorum survives`,
            `set ${quorum.pdbPath} to ${Math.max(tolerated, 1)}`,
          ),
        );
      }
    }
  }
  if (problems.length === 1 && problems[0]) throw problems[0];
  if (problems.length > 1) {
    throw new ValuesError(problems.flatMap((p) => p.problems));
  }
}
