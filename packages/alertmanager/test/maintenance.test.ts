import { ValuesError } from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlertingConfigInput, buildAlertmanagerConfig } from "../src/index.js";
import { AMTOOL, checkConfig, renderToDir, requireBinary, routesTest, tempDir } from "./helpers.js";

type Route = {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  mute_time_intervals?: string[];
  active_time_intervals?: string[];
  routes?: Route[];
};

const tmp = tempDir("am-maintenance");
afterAll(() => tmp.remove());
beforeAll(() => requireBinary(AMTOOL));

const hook = (name: string) => ({
  name,
  webhook: [{ url: `https://hooks.example.com/${name}` }],
});

const input: AlertingConfigInput = {
  receivers: [hook("pager"), hook("chat"), hook("team-db"), hook("fallback")],
  defaultReceiver: "fallback",
  severityRouting: {
    critical: { receiver: "pager", muteTimeIntervals: ["nights"] },
    warning: { receiver: "chat" },
  },
  routes: [
    {
      receiver: "team-db",
      matchers: ['team="db"'],
      continue: true,
      routes: [{ matchers: ['severity="critical"'], receiver: "pager" }],
    },
  ],
  timeIntervals: [
    { name: "nights", intervals: [{ times: [{ startTime: "00:00", endTime: "06:00" }] }] },
  ],
  discard: [{ matchers: ['alertname=~"ReplicaHydrating|RollingOut"'] }],
  maintenanceWindows: [
    {
      name: "upgrades",
      intervals: [{ weekdays: ["saturday"], times: [{ startTime: "02:00", endTime: "04:00" }] }],
      matchers: ['alertname=~"Materialize.+"'],
    },
  ],
};

function routesOf(config: AlertingConfigInput): Route[] {
  return (buildAlertmanagerConfig(config, { version: "0.25" }).config.route as { routes: Route[] })
    .routes;
}

describe("discard routes", () => {
  it("come first and go to the built-in null receiver, before the watchdog", () => {
    const routes = routesOf(input);
    expect(routes[0]).toEqual({
      receiver: "null",
      matchers: ['alertname=~"ReplicaHydrating|RollingOut"'],
    });
    expect(routes[1]?.matchers).toEqual(['alertname="Watchdog"']);
  });

  it("refuse a matcher that does not parse, naming its path", () => {
    expect(() => routesOf({ discard: [{ matchers: ["alertname=="] }] })).toThrow(
      /config\.discard\[0\]\.matchers\[0\]: cannot parse matcher/,
    );
  });
});

describe("maintenance windows", () => {
  const routes = routesOf(input);
  const muted = (route: Route | undefined) => route?.routes?.at(-1);

  it("render as a time interval beside the named ones", () => {
    const built = buildAlertmanagerConfig(input, { version: "0.25" });
    expect(built.config.time_intervals?.map((t) => t.name)).toEqual(["nights", "upgrades"]);
    expect(built.config.time_intervals?.[1]).toEqual({
      name: "upgrades",
      time_intervals: [
        { times: [{ start_time: "02:00", end_time: "04:00" }], weekdays: ["saturday"] },
      ],
    });
  });

  it("give every delivering route a last child that mutes the window's alerts, keeping the route's own mutes", () => {
    const [discard, watchdog, team, critical, warning, info, rootCatchAll] = routes;
    expect(discard?.routes).toBeUndefined();
    expect(watchdog?.routes).toBeUndefined();
    expect(muted(critical)).toEqual({
      matchers: ['alertname=~"Materialize.+"'],
      mute_time_intervals: ["nights", "upgrades"],
    });
    expect(muted(warning)?.mute_time_intervals).toEqual(["upgrades"]);
    expect(muted(info)?.mute_time_intervals).toEqual(["upgrades"]);
    // A user route: its own child gets one too, then the route itself.
    expect(team?.routes?.map((r) => r.matchers)).toEqual([
      ['severity="critical"'],
      ['alertname=~"Materialize.+"'],
    ]);
    expect(muted(team?.routes?.[0])?.mute_time_intervals).toEqual(["upgrades"]);
    expect(team?.continue).toBe(true);
    // Alerts no route takes reach the root's receiver through a muted route as well.
    expect(rootCatchAll).toEqual({
      matchers: ['alertname=~"Materialize.+"'],
      mute_time_intervals: ["upgrades"],
    });
  });

  it("leave routing as it was: amtool sends every alert to the same receivers, and check-config passes", async () => {
    const { file } = renderToDir(`${tmp.path}/with`, input, "0.25");
    const { maintenanceWindows: _w, ...without } = input;
    const { file: plain } = renderToDir(`${tmp.path}/without`, without, "0.25");
    const check = await checkConfig(file);
    expect(check.stdout + check.stderr).toContain("SUCCESS");
    const cases: Record<string, string>[] = [
      { alertname: "MaterializeEnvironmentdDown", severity: "critical" },
      { alertname: "MaterializePodPending", severity: "warning" },
      { alertname: "MaterializeX", severity: "info" },
      { alertname: "MaterializeX", severity: "none" },
      { alertname: "MaterializeX", severity: "critical", team: "db" },
      { alertname: "MaterializeX", severity: "warning", team: "db" },
      { alertname: "NodeDiskPressure", severity: "warning" },
      { alertname: "Watchdog", severity: "none" },
      { alertname: "ReplicaHydrating", severity: "none", team: "db" },
    ];
    for (const labels of cases) {
      expect(await routesTest(file, labels), JSON.stringify(labels)).toBe(
        await routesTest(plain, labels),
      );
    }
    expect(await routesTest(file, { alertname: "ReplicaHydrating", team: "db" })).toBe("null");
  });

  it("combine windows with the same matchers into one child", () => {
    const twice = routesOf({
      maintenanceWindows: [
        { name: "a", intervals: [{ weekdays: ["monday"] }], matchers: ['alertname=~"M.+"'] },
        { name: "b", intervals: [{ weekdays: ["friday"] }], matchers: ["alertname=~M.+"] },
      ],
    });
    expect(twice.at(-1)).toEqual({
      matchers: ['alertname=~"M.+"'],
      mute_time_intervals: ["a", "b"],
    });
    expect(twice.at(-2)?.matchers).toEqual(['severity=~"info|notice"']);
  });

  it("refuse a window named like a time interval, and need intervals and matchers", () => {
    expect(() =>
      routesOf({
        timeIntervals: [{ name: "x", intervals: [{ weekdays: ["monday"] }] }],
        maintenanceWindows: [{ name: "x", intervals: [{}], matchers: ['a="b"'] }],
      }),
    ).toThrow(/config\.maintenanceWindows\[0\]\.name: duplicate time interval name "x"/);
    expect(() =>
      routesOf({ maintenanceWindows: [{ name: "x", intervals: [], matchers: [] }] }),
    ).toThrow(ValuesError);
  });

  it("can be referenced by name from a route's muteTimeIntervals", () => {
    const config: AlertingConfigInput = {
      routes: [{ matchers: ['a="b"'], muteTimeIntervals: ["upgrades"] }],
      maintenanceWindows: [{ name: "upgrades", intervals: [{}], matchers: ['c="d"'] }],
    };
    expect(routesOf(config)[1]?.mute_time_intervals).toEqual(["upgrades"]);
  });
});
