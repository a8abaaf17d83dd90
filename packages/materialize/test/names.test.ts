import { afterAll, describe, expect, it } from "vitest";
import { substituteGrafanaIntervals } from "../src/queries/parse.js";
import { queryRegistry } from "../src/queries/registry.js";
import { materializeValues, queryScope } from "../src/values.js";
import {
  promtool,
  promtoolUnitTestFile,
  removeTempDirs,
  tempDir,
  writeFile,
} from "./support/promtool.js";

const registry = queryRegistry(queryScope(materializeValues.parse({})));
const ENV = "materialize_cloud_organization_name";

/** A dashboard query as Prometheus sees it with every variable on "All". */
const evaluable = (id: string) =>
  substituteGrafanaIntervals(registry.get(id).expr).replace(
    /\$(environment|cluster|replica)/g,
    ".*",
  );

type Sample = { labels: string; value: number };

/** Evaluates `expr` at 10m over `series` with the real promtool and checks the samples. */
function check(series: { series: string; values: string }[], expr: string, expected: Sample[]) {
  const dir = tempDir("mz-names-");
  writeFile(dir, "rules.yaml", "groups: []\n");
  const file = writeFile(
    dir,
    "test.yaml",
    promtoolUnitTestFile("rules.yaml", {
      series,
      exprs: [{ evalTime: "10m", expr, expSamples: expected }],
    }),
  );
  const result = promtool(["test", "rules", file], dir);
  expect(result.output, expr).toMatch(/SUCCESS/);
  expect(result.ok).toBe(true);
}

const lag = (cluster: string, collection: string, value: number) => ({
  series: `mz_dataflow_wallclock_lag_seconds{${ENV}="prod", quantile="1", instance_id="${cluster}", replica_id="${cluster}r", collection_id="${collection}"}`,
  values: `${value}x12`,
});
const clusterInfo = (id: string, name: string, pod = "envd-0") => ({
  series: `mz_cluster_info{${ENV}="prod", pod="${pod}", cluster_id="${id}", name="${name}", size="25cc"}`,
  values: "1x12",
});
const objectInfo = (globalId: string, schema: string, name: string) => ({
  series: `mz_object_info{${ENV}="prod", object_id="${globalId}", global_id="${globalId}", schema_name="${schema}", name="${name}", database_name="materialize", type="materialized-view"}`,
  values: "1x12",
});

describe.runIf(promtool(["--version"], ".").ok)(
  "names from the catalog info metrics (promtool)",
  () => {
    afterAll(removeTempDirs);
    const expr = evaluable("compute.lag_by_cluster");

    it("names clusters from mz_cluster_info", () => {
      check([lag("u1", "u5", 3), clusterInfo("u1", "quickstart")], expr, [
        { labels: `{${ENV}="prod", instance_id="u1", cluster_name="quickstart"}`, value: 3 },
      ]);
    });

    it("degrades to the id without the info metric (Materialize before v26.29.0)", () => {
      check([lag("u1", "u5", 3)], expr, [
        { labels: `{${ENV}="prod", instance_id="u1", cluster_name="u1"}`, value: 3 },
      ]);
    });

    it("falls back per id: a cluster the info metric does not know yet keeps its id", () => {
      check([lag("u1", "u5", 3), lag("u2", "u6", 7), clusterInfo("u1", "quickstart")], expr, [
        { labels: `{${ENV}="prod", instance_id="u1", cluster_name="quickstart"}`, value: 3 },
        { labels: `{${ENV}="prod", instance_id="u2", cluster_name="u2"}`, value: 7 },
      ]);
    });

    it("joins one-to-one while two environmentd generations or a rename export the same id", () => {
      check(
        [
          lag("u1", "u5", 3),
          clusterInfo("u1", "quickstart", "envd-gen1-0"),
          clusterInfo("u1", "quickstart", "envd-gen2-0"),
          clusterInfo("u1", "renamed", "envd-gen2-0"),
        ],
        `count(${expr})`,
        [{ labels: "{}", value: 1 }],
      );
    });

    it("does not mix environments that reuse an id", () => {
      check(
        [
          lag("u1", "u5", 3),
          {
            series: `mz_cluster_info{${ENV}="staging", cluster_id="u1", name="other", size="25cc"}`,
            values: "1x12",
          },
        ],
        expr,
        [{ labels: `{${ENV}="prod", instance_id="u1", cluster_name="u1"}`, value: 3 }],
      );
    });

    it("names objects as schema.name with their type, or by id and type unknown", () => {
      const objects = evaluable("compute.most_lagged_objects");
      check(
        [lag("u1", "u5", 3), clusterInfo("u1", "quickstart"), objectInfo("u5", "public", "orders")],
        objects,
        [
          {
            labels: `{${ENV}="prod", instance_id="u1", collection_id="u5", object_name="public.orders", object_type="materialized-view", cluster_name="quickstart"}`,
            value: 3,
          },
        ],
      );
      check([lag("u1", "u5", 3)], objects, [
        {
          labels: `{${ENV}="prod", instance_id="u1", collection_id="u5", object_name="u5", object_type="unknown", cluster_name="u1"}`,
          value: 3,
        },
      ]);
    });
  },
);
