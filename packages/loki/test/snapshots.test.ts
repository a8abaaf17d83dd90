import { toYamlStream } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { type LokiValues, loki, SIZES } from "../src/index.js";
import { S3 } from "./helpers.js";

/** One render per mode and preset; each is snapshotted and validated against the Kubernetes schemas. */
const CASES: [string, LokiValues][] = [
  ...SIZES.map((size): [string, LokiValues] => [
    `simple-scalable ${size} on S3`,
    { size, storage: S3 },
  ]),
  ["single-binary small on the filesystem", { mode: "single-binary", size: "small" }],
  [
    "single-binary medium on GCS with workload identity",
    {
      mode: "single-binary",
      storage: { type: "gcs", bucket: "materialize-logs" },
      workloadIdentity: { gcp: { serviceAccount: "loki@project.iam.gserviceaccount.com" } },
    },
  ],
  [
    "simple-scalable on Azure, multi-tenant, with rules and Alertmanager",
    {
      storage: { type: "azure", container: "logs", storageAccount: "mzlogs" },
      workloadIdentity: { azure: { clientId: "00000000-0000-4000-8000-000000000000" } },
      tenancy: { authEnabled: true, tenantId: "materialize" },
      ruler: {
        alertmanagerUrls: ["http://alertmanager.monitoring.svc.cluster.local:9093"],
        ruleFiles: {
          "materialize.yaml": {
            groups: [
              {
                name: "materialize-logs",
                rules: [
                  {
                    alert: "MaterializePanics",
                    expr: 'sum by (namespace) (count_over_time({container="environmentd"} |= "panicked" [5m])) > 0',
                    for: "1m",
                    labels: { severity: "critical" },
                  },
                ],
              },
            ],
          },
        },
      },
    },
  ],
];

describe("rendered manifests", () => {
  it.each(CASES)("%s matches its snapshot", (_name, values) => {
    expect(toYamlStream(loki(values).objects)).toMatchSnapshot();
  });

  it.each(CASES)("%s passes Kubernetes schema validation", async (_name, values) => {
    expect(await validateObjects(loki(values).objects)).toEqual([]);
  });

  it.each(CASES)("%s renders byte-identical output twice", (_name, values) => {
    expect(toYamlStream(loki(values).objects)).toBe(toYamlStream(loki(values).objects));
  });
});
