import {
  AlloyConfig,
  expr,
  parse,
  print,
  stripPositions,
} from "@materialize-monitoring/alloy-syntax";
import { describe, expect, it } from "vitest";
import { addMaterializeLogProcess, addMaterializeScrapes, alloyLogStages } from "../src/alloy.js";
import { materializeArtifacts } from "../src/materialize.js";
import { materializeValues } from "../src/values.js";

const values = materializeValues.parse({});
const artifacts = materializeArtifacts();

function scrapeConfig(): string {
  const config = new AlloyConfig();
  addMaterializeScrapes(config, artifacts.targets, values, {
    forwardTo: [expr.raw("prometheus.remote_write.default.receiver") as never],
    clustering: true,
  });
  return config.toString();
}

describe("Alloy export", () => {
  const text = scrapeConfig();

  it("writes discovery, relabel, scrape, allow-list and secret components", () => {
    expect(text).toContain('discovery.kubernetes "materialize_environmentd" {');
    expect(text).toContain('discovery.relabel "materialize_environmentd" {');
    expect(text).toContain('prometheus.scrape "materialize_environmentd_mz_compute" {');
    expect(text).toContain('prometheus.relabel "materialize_allow_list" {');
    expect(text).toContain('remote.kubernetes.secret "materialize_sql_monitor" {');
    expect(text).toContain(
      'username = convert.nonsensitive(remote.kubernetes.secret.materialize_sql_monitor.data["username"])',
    );
    expect(text).toContain(
      'password = remote.kubernetes.secret.materialize_sql_monitor.data["password"]',
    );
    expect(text).toContain('regex     = "environmentd;.*|.*;environmentd"');
    // The SQL-derived endpoints reuse environmentd's discovery instead of watching the pods again.
    expect(text.match(/discovery\.kubernetes "/g)).toHaveLength(4);
    expect(text.match(/prometheus\.scrape "/g)).toHaveLength(8);
  });

  it("parses back and prints identically (alloy fmt-compatible)", () => {
    const parsed = parse(text);
    expect(print(parsed)).toBe(text);
    expect(stripPositions(parsed)).toEqual(stripPositions(parse(print(parsed))));
  });

  it("turns the log stages into a loki.process", () => {
    const config = new AlloyConfig();
    addMaterializeLogProcess(config, artifacts.logStages, [
      expr.raw("loki.write.default.receiver") as never,
    ]);
    const logText = config.toString();
    expect(logText).toContain('loki.process "materialize" {');
    expect(logText).toContain("stage.match {");
    expect(logText).toContain("stage.structured_metadata {");
    expect(logText).toContain("stage.label_keep {");
    expect(print(parse(logText))).toBe(logText);
    expect(alloyLogStages(artifacts.logStages)).toHaveLength(1);
    expect(logText).toMatchSnapshot();
  });

  it("pins the scrape configuration", () => {
    expect(text).toMatchSnapshot();
  });
});
