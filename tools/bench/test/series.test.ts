import { describe, expect, it } from "vitest";
import { applyAllowList, countSeries, sampleNames } from "../src/series.js";

const EXPOSITION = `# HELP node_filesystem_size_bytes Filesystem size in bytes.
# TYPE node_filesystem_size_bytes gauge
node_filesystem_size_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 1.0e+11
node_filesystem_size_bytes{device="/dev/sdb1",fstype="xfs",mountpoint="/data"} 2.0e+11
# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 100
node_cpu_seconds_total{cpu="0",mode="user"} 5
node_cpu_seconds_total{cpu="1",mode="idle"} 99
node_load1 0.5

# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0.5"} 1e-05
go_gc_duration_seconds_sum 0.1
go_gc_duration_seconds_count 12
node_label_with_braces{path="/a{b}",note="x y"} 1
`;

describe("series counting", () => {
  it("takes every non-comment, non-blank line as one series and reads its metric name", () => {
    expect(sampleNames(EXPOSITION)).toEqual([
      "node_filesystem_size_bytes",
      "node_filesystem_size_bytes",
      "node_cpu_seconds_total",
      "node_cpu_seconds_total",
      "node_cpu_seconds_total",
      "node_load1",
      "go_gc_duration_seconds",
      "go_gc_duration_seconds_sum",
      "go_gc_duration_seconds_count",
      "node_label_with_braces",
    ]);
  });

  it("counts series and distinct names, per name sorted by name", () => {
    expect(countSeries(["b", "a", "b", "c", "b"])).toEqual({
      series: 5,
      names: 3,
      byName: { a: 1, b: 3, c: 1 },
    });
    expect(countSeries([])).toEqual({ series: 0, names: 0, byName: {} });
  });

  it("keeps only exact metric names of the allow-list, like the keep relabeling on __name__", () => {
    const effect = applyAllowList(EXPOSITION, [
      "node_filesystem_size_bytes",
      "go_gc_duration_seconds",
      "up",
    ]);
    expect(effect.before.series).toBe(10);
    expect(effect.before.names).toBe(7);
    // go_gc_duration_seconds_sum/_count are other names: an exact list does not keep them.
    expect(effect.after).toEqual({
      series: 3,
      names: 2,
      byName: { go_gc_duration_seconds: 1, node_filesystem_size_bytes: 2 },
    });
    // `up` is added by the scraper, never exposed by the target.
    expect(effect.absent).toEqual(["up"]);
  });

  it("an empty allow-list keeps nothing", () => {
    expect(applyAllowList(EXPOSITION, []).after.series).toBe(0);
  });

  it("rejects a line that is not a sample, instead of miscounting", () => {
    expect(() => sampleNames("node_load1 1\n{broken} 2\n")).toThrow(
      "not a sample line: {broken} 2",
    );
  });

  it("accepts CRLF line endings and indented lines", () => {
    expect(sampleNames("# HELP x y\r\nnode_a 1\r\n  node_b 2\r\n")).toEqual(["node_a", "node_b"]);
  });
});
