/**
 * Hydration- and rollout-aware alerting as the umbrella wires it: the
 * Materialize package's inhibition pairs become Alertmanager inhibit rules,
 * its inhibitor alerts are discarded, and `materialize.alerting` turns each
 * part off or adds maintenance windows. The real Alertmanager runs the result
 * in e2e/test/inhibition.e2e.test.ts.
 */
import { INHIBITION_PAIRS } from "@materialize-monitoring/materialize";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Stack, type StackValues, stack } from "../src/index.js";

const S3 = { type: "s3" as const, bucket: "acme-monitoring", region: "us-east-1" };

interface Route {
  receiver?: string;
  matchers?: string[];
  mute_time_intervals?: string[];
  routes?: Route[];
}
interface AlertmanagerFile {
  route: { receiver: string; routes: Route[] };
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal?: string[] }[];
  time_intervals?: { name: string; time_intervals: Record<string, unknown>[] }[];
}

function alertmanagerFile(built: Stack): AlertmanagerFile {
  const configMap = built.objects.find(
    (o) => o.kind === "ConfigMap" && o.metadata.name === "alertmanager-config",
  ) as unknown as { data: Record<string, string> };
  return parse(configMap.data["alertmanager.yml"] ?? "") as AlertmanagerFile;
}

const render = (values: StackValues = {}) =>
  alertmanagerFile(stack({ global: { objectStorage: S3 }, ...values }));

describe("Materialize alerting in the bundled Alertmanager", () => {
  const config = render();
  const [criticalInhibitsWarning, ...materialize] = config.inhibit_rules;

  it("inhibits by default: each inhibition pair of the Materialize package is one inhibit rule after the critical-over-warning one", () => {
    expect(criticalInhibitsWarning?.source_matchers).toEqual(['severity="critical"']);
    expect(materialize).toEqual([
      {
        source_matchers: ['alertname="MaterializeReplicaHydrating"'],
        // The user-cluster freshness alert is opt-in, so only the system cluster's is listed.
        target_matchers: ['alertname="MaterializeSystemClusterFreshnessLag"'],
        equal: ["materialize_cloud_organization_name", "instance_id"],
      },
      {
        source_matchers: ['alertname="MaterializeReplicaHydrating"'],
        target_matchers: [
          'alertname=~"MaterializeReplicaMemoryNearLimit|MaterializeSystemClusterMemoryNearLimit"',
        ],
        equal: ["namespace", "pod"],
      },
      {
        source_matchers: ['alertname="MaterializeEnvironmentdRollingOut"'],
        target_matchers: ['alertname="MaterializeSystemClusterFreshnessLag"'],
        equal: ["materialize_cloud_organization_name"],
      },
      {
        source_matchers: ['alertname="MaterializeEnvironmentdRollingOut"'],
        target_matchers: [
          'alertname=~"MaterializeReplicaMemoryNearLimit|MaterializeSystemClusterMemoryNearLimit|MaterializePodPending|MaterializeReplicaNotReady|MaterializeProcessDown|MaterializeCPUThrottling"',
        ],
        equal: ["namespace"],
      },
    ]);
    expect(INHIBITION_PAIRS).toHaveLength(materialize.length);
  });

  it("sends the inhibitor alerts to the null receiver before any other route", () => {
    expect(config.route.routes[0]).toEqual({
      receiver: "null",
      matchers: ['alertname=~"MaterializeReplicaHydrating|MaterializeEnvironmentdRollingOut"'],
    });
    expect(config.route.routes[1]?.matchers).toEqual(['alertname="Watchdog"']);
    expect(config.time_intervals).toBeUndefined();
  });

  it("follows the Materialize rules: an opted-in alert becomes a target, a disabled inhibitor inhibits nothing", () => {
    const optedIn = render({
      materialize: {
        rules: {
          alerts: {
            MaterializeUserClusterFreshnessLag: { enabled: true },
            MaterializeEnvironmentdRollingOut: { enabled: false },
          },
        },
      },
    });
    expect(optedIn.inhibit_rules.slice(1).map((r) => r.target_matchers[0])).toEqual([
      'alertname=~"MaterializeUserClusterFreshnessLag|MaterializeSystemClusterFreshnessLag"',
      'alertname=~"MaterializeReplicaMemoryNearLimit|MaterializeSystemClusterMemoryNearLimit"',
    ]);
  });

  it("turns each kind off with materialize.alerting, and keeps the user's inhibit rules beside the wired ones", () => {
    const userRule = {
      sourceMatchers: ['alertname="ClusterDown"'],
      targetMatchers: ['severity="warning"'],
      equal: ["cluster"],
    };
    const off = render({
      materialize: { alerting: { inhibitDuringHydration: false } },
      alertmanager: { config: { inhibitRules: [userRule] } },
    });
    expect(off.inhibit_rules.map((r) => r.source_matchers[0])).toEqual([
      'severity="critical"',
      'alertname="MaterializeEnvironmentdRollingOut"',
      'alertname="MaterializeEnvironmentdRollingOut"',
      'alertname="ClusterDown"',
    ]);
    const none = render({
      materialize: { alerting: { inhibitDuringHydration: false, inhibitDuringRollout: false } },
    });
    expect(none.inhibit_rules).toHaveLength(1);
    // The inhibitors stay discarded: they are never meant for a receiver.
    expect(none.route.routes[0]?.receiver).toBe("null");
  });

  it("renders maintenance windows as a time interval that mutes every Materialize alert on every delivering route", () => {
    const withWindow = render({
      materialize: {
        alerting: {
          maintenanceWindows: [
            {
              weekdays: ["saturday"],
              times: [{ startTime: "02:00", endTime: "04:00" }],
              location: "Europe/Berlin",
            },
          ],
        },
      },
    });
    expect(withWindow.time_intervals).toEqual([
      {
        name: "materialize-maintenance",
        time_intervals: [
          {
            times: [{ start_time: "02:00", end_time: "04:00" }],
            weekdays: ["saturday"],
            location: "Europe/Berlin",
          },
        ],
      },
    ]);
    const [discard, watchdog, ...delivering] = withWindow.route.routes;
    expect(discard?.routes).toBeUndefined();
    expect(watchdog?.routes).toBeUndefined();
    expect(delivering.map((r) => r.matchers)).toEqual([
      ['severity="critical"'],
      ['severity="warning"'],
      ['severity=~"info|notice"'],
      ['alertname=~"Materialize.+"'],
    ]);
    for (const route of delivering.slice(0, 3)) {
      expect(route.routes).toEqual([
        {
          matchers: ['alertname=~"Materialize.+"'],
          mute_time_intervals: ["materialize-maintenance"],
        },
      ]);
    }
  });

  it("refuses a maintenance window Alertmanager would refuse, naming its path", () => {
    expect(() =>
      render({
        materialize: { alerting: { maintenanceWindows: [{ weekdays: ["friday:monday"] }] } },
      }),
    ).toThrow(/materialize\.alerting\.maintenanceWindows\[0\]\.weekdays\[0\]/);
  });

  it("leaves an Alertmanager without Materialize alone", () => {
    const plain = render({ materialize: { enabled: false } });
    expect(plain.inhibit_rules).toHaveLength(1);
    expect(plain.route.routes[0]?.matchers).toEqual(['alertname="Watchdog"']);
  });
});
