import { type KubeObject, toYamlStream, ValuesError } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { deepMerge } from "../src/merge.js";
import { PROFILES } from "../src/profiles.js";
import { stack } from "../src/stack.js";
import type { StackValues } from "../src/values.js";

type Spread = { topologyKey: string; whenUnsatisfiable: string };
type Workload = KubeObject & {
  spec: {
    replicas?: number;
    template: { spec: { topologySpreadConstraints?: Spread[]; containers: { args?: string[] }[] } };
  };
};

const HA = PROFILES.ha.values;
const ha = (extra: StackValues = {}): StackValues => deepMerge(HA, extra) as StackValues;

function workload(objects: readonly KubeObject[], name: string): Workload {
  const found = objects.find(
    (o) => (o.kind === "StatefulSet" || o.kind === "Deployment") && o.metadata.name === name,
  );
  if (!found) throw new Error(`${name} not rendered`);
  return found as Workload;
}

function spread(objects: readonly KubeObject[], name: string, key: string): string | undefined {
  return workload(objects, name).spec.template.spec.topologySpreadConstraints?.find(
    (c) => c.topologyKey === key,
  )?.whenUnsatisfiable;
}

function refusal(values: StackValues): ValuesError {
  try {
    stack(values);
  } catch (error) {
    if (error instanceof ValuesError) return error;
    throw error;
  }
  throw new Error("the values were accepted");
}

const ZONE = "topology.kubernetes.io/zone";
const HOST = "kubernetes.io/hostname";
const QUORUMS = ["loki-write", "thanos-receive", "alertmanager"];

describe("the ha profile", () => {
  const built = stack(HA);
  const plain = stack({});

  it("does not render like the default", () => {
    expect(toYamlStream(built.objects)).not.toBe(toYamlStream(plain.objects));
  });

  it("spreads every quorum hard across zones, where the default spreads them softly", () => {
    for (const name of QUORUMS) {
      expect(spread(built.objects, name, ZONE)).toBe("DoNotSchedule");
      expect(spread(plain.objects, name, ZONE)).toBe("ScheduleAnyway");
    }
  });

  it("keeps Loki's and Alertmanager's replicas on different nodes (hard host spread)", () => {
    for (const name of ["loki-write", "loki-read", "loki-backend", "alertmanager"]) {
      expect(spread(built.objects, name, HOST)).toBe("DoNotSchedule");
      expect(spread(plain.objects, name, HOST)).toBe("ScheduleAnyway");
    }
  });

  it("keeps 3 copies of every write in Thanos receive and Loki, on 3 or more replicas", () => {
    const receive = workload(built.objects, "thanos-receive");
    expect(receive.spec.template.spec.containers[0]?.args).toContain(
      "--receive.replication-factor=3",
    );
    expect(receive.spec.replicas).toBeGreaterThanOrEqual(3);
    expect(workload(built.objects, "loki-write").spec.replicas).toBeGreaterThanOrEqual(3);
    expect(built.values.global.zones).toBe(3);
  });

  it("lets one quorum pod go at a time", () => {
    for (const name of QUORUMS) {
      const pdb = built.objects.find(
        (o) => o.kind === "PodDisruptionBudget" && o.metadata.name === name,
      ) as { spec?: { maxUnavailable?: number } } | undefined;
      expect(pdb?.spec?.maxUnavailable).toBe(1);
    }
  });
});

describe("zones against hard zone spreads (global.zones)", () => {
  it("refuses fewer zones than the copies of a write, naming global.zones and the fix", () => {
    const error = refusal(ha({ global: { zones: 2 } }));
    const paths = error.problems.map((p) => p.path);
    expect(paths).toContain("global.zones");
    expect(error.message).toMatch(
      /global\.zones: 2 zone\(s\) cannot give each of the 3 copies of a write to StatefulSet\/loki-write its own zone/,
    );
    expect(error.message).toMatch(/set global\.zones to the number of zones your nodes span/);
    expect(error.message).toMatch(/thanos\.receive\.zoneSpread: soft/);
  });

  it("refuses a disruption budget that takes a write quorum down", () => {
    const error = refusal(ha({ thanos: { podDisruptionBudget: { maxUnavailable: 2 } } }));
    expect(error.problems[0]).toMatchObject({
      path: "thanos.podDisruptionBudget.maxUnavailable",
      hint: "set thanos.podDisruptionBudget.maxUnavailable to 1",
    });
  });

  it("refuses one zone for Alertmanager's hard spread", () => {
    const values: StackValues = {
      global: { zones: 1 },
      alertmanager: { mode: "ha", zoneSpread: "hard" },
    };
    expect(refusal(values).problems.map((p) => p.path)).toEqual(["global.zones"]);
  });

  it("accepts more zones than copies, and checks nothing while global.zones is unset", () => {
    expect(() => stack(ha({ global: { zones: 4 } }))).not.toThrow();
    const { global: _zones, ...withoutZones } = HA;
    expect(() => stack({ ...withoutZones, global: {} })).not.toThrow();
    // The same hard spreads on 2 zones are refused only once the user says there are 2.
    expect(refusal(ha({ global: { zones: 2 } })).problems.length).toBeGreaterThan(0);
  });

  it.each([0, -1, 1.5, 65, "3"])("refuses global.zones %j with the path", (zones) => {
    const error = refusal({ global: { zones } } as unknown as StackValues);
    expect(error.problems[0]?.path).toBe("global.zones");
  });
});
