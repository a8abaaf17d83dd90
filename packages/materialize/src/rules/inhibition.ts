/**
 * Hydration- and rollout-aware alerting. Two inhibitor alerts (severity
 * `none`, never notified) say when other alerts are expected to fire: a
 * replica that hydrates lags and fills its memory, and a rollout of
 * environmentd rehydrates the whole environment (Materialize's docs warn that
 * rehydration during maintenance trips alerts). The pairs below are the one
 * description of what each inhibitor mutes and on which labels; the umbrella
 * turns them into Alertmanager inhibit rules.
 *
 * The alerts that mean a hydration or a rollout is not ending are never
 * muted: MaterializeHydrationStuck, MaterializeSystemClusterHydrationStuck,
 * MaterializeSystemClusterStale, MaterializeEnvironmentdPodPending and the
 * restarts, OOM kills and down alerts of environmentd stay as they are.
 */
import { MZ_LABEL } from "../constants.js";
import type { AlertDefinition } from "./definitions.js";

/** What an inhibition pair is about; each can be turned off on its own. */
export type InhibitionReason = "hydration" | "rollout";

/** One Alertmanager inhibition: while `source` fires, `targets` sharing the `equal` labels are muted. */
export interface InhibitionPair {
  reason: InhibitionReason;
  /** The inhibitor alert. */
  source: string;
  /** The alerts it mutes. */
  targets: readonly string[];
  /**
   * Labels source and target must have in common. Alertmanager treats a label
   * missing on both sides as equal and missing on one side as different, so
   * these are exactly labels both the inhibitor and every target carry.
   */
  equal: readonly string[];
}

export const REPLICA_HYDRATING = "MaterializeReplicaHydrating";
export const ENVIRONMENTD_ROLLING_OUT = "MaterializeEnvironmentdRollingOut";

/** The alerts that only serve as inhibition sources: nobody is notified of them. */
export const INHIBITOR_ALERTS: readonly string[] = [REPLICA_HYDRATING, ENVIRONMENTD_ROLLING_OUT];

const ENV = `{{ $labels.${MZ_LABEL.environment} }}`;

export const INHIBITOR_ALERT_DEFINITIONS: readonly AlertDefinition[] = [
  {
    name: REPLICA_HYDRATING,
    group: "materialize-freshness",
    component: "freshness",
    query: "inhibition.replica_hydrating",
    condition: { type: "query" },
    tiers: [{ severity: "none", for: "0m" }],
    enabled: true,
    summary: "A replica is hydrating; its freshness and memory alerts are muted.",
    description: `{{ $value }} collections on cluster {{ $labels.instance_id }} replica {{ $labels.replica_id }} (environment ${ENV}) are still hydrating. Not notified: it mutes the cluster's freshness alerts and the replica's memory alerts in Alertmanager until hydration ends.`,
    valueFormat: "humanize",
  },
  {
    name: ENVIRONMENTD_ROLLING_OUT,
    group: "materialize-availability",
    component: "environmentd",
    query: "inhibition.environmentd_rolling_out",
    condition: { type: "query" },
    tiers: [{ severity: "none", for: "0m" }],
    enabled: true,
    summary: "environmentd is rolling out; the environment's expected alerts are muted.",
    description: `{{ $value }} environmentd pods run in namespace {{ $labels.namespace }} (environment ${ENV}): a new generation rolls out beside the old one and rehydrates. Not notified: it mutes the environment's freshness, memory, pending-pod, readiness, process-down and CPU-throttling alerts in Alertmanager until the old generation is gone.`,
    valueFormat: "humanize",
  },
];

const FRESHNESS = ["MaterializeUserClusterFreshnessLag", "MaterializeSystemClusterFreshnessLag"];
const MEMORY = ["MaterializeReplicaMemoryNearLimit", "MaterializeSystemClusterMemoryNearLimit"];

export const INHIBITION_PAIRS: readonly InhibitionPair[] = [
  // Freshness alerts are per cluster (environment and instance_id).
  {
    reason: "hydration",
    source: REPLICA_HYDRATING,
    targets: FRESHNESS,
    equal: [MZ_LABEL.environment, "instance_id"],
  },
  // Memory alerts are per clusterd pod; the inhibitor carries the pods of the hydrating replica.
  { reason: "hydration", source: REPLICA_HYDRATING, targets: MEMORY, equal: ["namespace", "pod"] },
  {
    reason: "rollout",
    source: ENVIRONMENTD_ROLLING_OUT,
    targets: FRESHNESS,
    equal: [MZ_LABEL.environment],
  },
  // The new generation's pods: scheduled, started, hydrating, throttled; the old one's go away.
  {
    reason: "rollout",
    source: ENVIRONMENTD_ROLLING_OUT,
    targets: [
      ...MEMORY,
      "MaterializePodPending",
      "MaterializeReplicaNotReady",
      "MaterializeProcessDown",
      "MaterializeCPUThrottling",
    ],
    equal: ["namespace"],
  },
];

/** An inhibition pair as Alertmanager matchers (the camelCase shape of the alertmanager package's `inhibitRules`). */
export interface InhibitRuleMatchers {
  sourceMatchers: string[];
  targetMatchers: string[];
  equal: string[];
}

const alternation = (names: readonly string[]) =>
  names.length === 1 ? `alertname="${names[0]}"` : `alertname=~"${names.join("|")}"`;

/** The pair as Alertmanager matchers on `alertname`. */
export function inhibitRuleMatchers(pair: InhibitionPair): InhibitRuleMatchers {
  return {
    sourceMatchers: [alternation([pair.source])],
    targetMatchers: [alternation(pair.targets)],
    equal: [...pair.equal],
  };
}

/** A matcher every alert of this package about Materialize carries (for maintenance windows). */
export const MATERIALIZE_ALERT_MATCHER = 'alertname=~"Materialize.+"';

/** A matcher of the inhibitor alerts (for a route that discards them). */
export const INHIBITOR_ALERT_MATCHER = alternation(INHIBITOR_ALERTS);
