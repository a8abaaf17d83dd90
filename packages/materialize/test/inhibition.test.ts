import { describe, expect, it } from "vitest";
import { ALERT_DEFINITIONS } from "../src/rules/definitions.js";
import {
  INHIBITION_PAIRS,
  INHIBITOR_ALERT_MATCHER,
  INHIBITOR_ALERTS,
  inhibitRuleMatchers,
  MATERIALIZE_ALERT_MATCHER,
} from "../src/rules/inhibition.js";
import { inhibitionPairs } from "../src/rules/render.js";
import { materializeValues } from "../src/values.js";
import { RULE_CASES } from "./support/rule-cases.js";

const byName = new Map(ALERT_DEFINITIONS.map((a) => [a.name, a]));

/** Every label set an alert fires with in its promtool cases. */
function firingLabelSets(alert: string): Record<string, string>[] {
  const cases = RULE_CASES[alert];
  if (!cases) return [];
  return [cases.fires, ...Object.values(cases.more ?? {})].flatMap((c) =>
    c.fires.map((f) => f.labels),
  );
}

describe("inhibition pairs", () => {
  it("have inhibitor alerts as sources: severity none only, always routed away, never a target", () => {
    for (const name of INHIBITOR_ALERTS) {
      expect(
        byName.get(name)?.tiers.map((t) => t.severity),
        name,
      ).toEqual(["none"]);
    }
    const sources = new Set(INHIBITION_PAIRS.map((p) => p.source));
    expect([...sources].sort()).toEqual([...INHIBITOR_ALERTS].sort());
    for (const pair of INHIBITION_PAIRS) {
      for (const target of pair.targets) {
        expect(byName.has(target), target).toBe(true);
        expect(INHIBITOR_ALERTS).not.toContain(target);
        expect(
          byName.get(target)?.tiers.some((t) => t.severity === "none"),
          target,
        ).toBe(false);
      }
    }
  });

  it("never mute the alerts that say a hydration or a rollout does not end", () => {
    const targets = new Set(INHIBITION_PAIRS.flatMap((p) => p.targets));
    for (const backstop of [
      "MaterializeHydrationStuck",
      "MaterializeSystemClusterHydrationStuck",
      "MaterializeSystemClusterStale",
      "MaterializeEnvironmentdPodPending",
      "MaterializeEnvironmentdDown",
      "MaterializeEnvironmentdUnexpectedRestart",
      "MaterializeContainerOOMKilled",
    ]) {
      expect(targets.has(backstop), backstop).toBe(false);
    }
  });

  it("compare only labels that every target fires with and that the inhibitor carries", () => {
    for (const pair of INHIBITION_PAIRS) {
      const sources = firingLabelSets(pair.source);
      expect(
        sources.some((labels) => pair.equal.every((l) => l in labels)),
        `${pair.source} fires with ${pair.equal.join(", ")}`,
      ).toBe(true);
      for (const target of pair.targets) {
        const sets = firingLabelSets(target);
        expect(sets.length, `${target} has firing cases`).toBeGreaterThan(0);
        for (const labels of sets) {
          for (const label of pair.equal) {
            expect(labels, `${target} fires without ${label}`).toHaveProperty(label);
          }
        }
      }
    }
  });

  it("mute a replica's freshness and memory while it hydrates, and the environment's expected alerts during a rollout", () => {
    expect(
      INHIBITION_PAIRS.map((p) => [p.reason, p.source, p.equal.join(","), p.targets.length]),
    ).toEqual([
      [
        "hydration",
        "MaterializeReplicaHydrating",
        "materialize_cloud_organization_name,instance_id",
        2,
      ],
      ["hydration", "MaterializeReplicaHydrating", "namespace,pod", 2],
      ["rollout", "MaterializeEnvironmentdRollingOut", "materialize_cloud_organization_name", 2],
      ["rollout", "MaterializeEnvironmentdRollingOut", "namespace", 6],
    ]);
  });

  it("render as alertname matchers", () => {
    expect(inhibitRuleMatchers(INHIBITION_PAIRS[0] ?? INHIBITION_PAIRS[1]!)).toEqual({
      sourceMatchers: ['alertname="MaterializeReplicaHydrating"'],
      targetMatchers: [
        'alertname=~"MaterializeUserClusterFreshnessLag|MaterializeSystemClusterFreshnessLag"',
      ],
      equal: ["materialize_cloud_organization_name", "instance_id"],
    });
    expect(INHIBITOR_ALERT_MATCHER).toBe(
      'alertname=~"MaterializeReplicaHydrating|MaterializeEnvironmentdRollingOut"',
    );
    const materialize = new RegExp(`^${MATERIALIZE_ALERT_MATCHER.split('"')[1]}$`);
    const named = ALERT_DEFINITIONS.filter((a) => materialize.test(a.name)).map((a) => a.name);
    expect(named.length).toBeGreaterThan(20);
    expect(named).not.toContain("Watchdog");
    expect(named).not.toContain("KubePodCrashLooping");
  });

  it("follow the enabled alerts: a disabled inhibitor or target drops out, and reasons pick the pairs", () => {
    const defaults = inhibitionPairs(materializeValues.parse({}));
    // MaterializeUserClusterFreshnessLag is opt-in, so only the system cluster's is muted by default.
    expect(defaults[0]?.targets).toEqual(["MaterializeSystemClusterFreshnessLag"]);
    expect(defaults).toHaveLength(4);

    const noHydrating = materializeValues.parse({
      rules: { alerts: { MaterializeReplicaHydrating: { enabled: false } } },
    });
    expect(inhibitionPairs(noHydrating).map((p) => p.source)).toEqual([
      "MaterializeEnvironmentdRollingOut",
      "MaterializeEnvironmentdRollingOut",
    ]);
    expect(inhibitionPairs(materializeValues.parse({}), ["rollout"]).map((p) => p.reason)).toEqual([
      "rollout",
      "rollout",
    ]);
    const noFreshness = materializeValues.parse({
      rules: { alerts: { MaterializeSystemClusterFreshnessLag: { enabled: false } } },
    });
    expect(inhibitionPairs(noFreshness).map((p) => p.equal[0])).toEqual(["namespace", "namespace"]);
  });
});
