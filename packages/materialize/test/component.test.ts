import { toYamlStream, ValuesError } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { materialize, materializeArtifacts, materializeEndpoints } from "../src/materialize.js";
import { materializeValues } from "../src/values.js";

describe("materialize component", () => {
  const component = materialize();

  it("renders ConfigMaps for the rule files and the dashboards", () => {
    expect(component.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "ConfigMap/materialize-rules",
      "ConfigMap/materialize-log-rules",
      "ConfigMap/materialize-dashboards",
    ]);
    expect(component.endpoints.rules).toEqual({
      configMap: "materialize-rules",
      key: "materialize.rules.yaml",
    });
    expect(component.endpoints.dashboards.keys["mz-overview"]).toBe("mz-overview.json");
    for (const object of component.objects) expect(object.metadata.namespace).toBe("monitoring");
  });

  it("validates against the Kubernetes schemas", async () => {
    expect(await validateObjects(component.objects)).toEqual([]);
  });

  it("exposes every artifact for the gateway and the umbrella", () => {
    const { artifacts } = component.endpoints;
    expect(artifacts.targets.length).toBe(8);
    expect(artifacts.prometheusScrapeConfigs.length).toBe(8);
    expect(Object.keys(artifacts.dashboards)).toHaveLength(10);
    expect(artifacts.ruleGroups.length).toBeGreaterThan(3);
    expect(artifacts.logRuleGroups[0]?.name).toBe("materialize-logs");
    expect(artifacts.allowLists.materialize.metrics).toContain("mz_dataflow_wallclock_lag_seconds");
    expect(artifacts.logStages[0]?.type).toBe("match");
  });

  it("is deterministic", () => {
    expect(toYamlStream(materialize().objects)).toBe(toYamlStream(component.objects));
  });

  it("follows the build context's namespace and name prefix", () => {
    const other = materialize({}, { namespace: "obs", namePrefix: "prod" });
    expect(other.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "obs/prod-materialize-rules",
      "obs/prod-materialize-log-rules",
      "obs/prod-materialize-dashboards",
    ]);
  });

  it("names the path of bad values", () => {
    expect(() => materialize({ namespaces: { environments: ["Bad_NS"] } })).toThrow(ValuesError);
    expect(() => materialize({ namespaces: { environments: ["Bad_NS"] } })).toThrow(
      "materialize.namespaces.environments[0]: must be a Kubernetes namespace name (lower-case DNS label)",
    );
    expect(() => materializeArtifacts({ scrape: { intervall: "1m" } } as never)).toThrow(
      'materialize.scrape.intervall: unknown key (did you mean "interval"?)',
    );
    expect(() => materializeValues.parse({ stackJobs: { loki: "(" } })).toThrow(
      /not an RE2 regex.*unbalanced parentheses/s,
    );
  });

  it("pins the rendered objects", () => {
    expect(toYamlStream(component.objects)).toMatchSnapshot();
  });
});

describe("materialize endpoints", () => {
  const ctx = { namespace: "observability", clusterDomain: "corp.example", namePrefix: "mz-" };
  const values = [
    {},
    { namespaces: { environments: ["mz-prod", "mz-staging"] }, scrape: { balancerd: false } },
    { configMaps: { rules: false, dashboards: false } },
  ];

  it.each(values)("equal the built component's endpoints for %j", (v) => {
    expect(materializeEndpoints(v, ctx)).toEqual(materialize(v, ctx).endpoints);
    expect(materializeEndpoints(v)).toEqual(materialize(v).endpoints);
  });

  it("name the ConfigMaps with the context's prefix", () => {
    expect(materializeEndpoints({}, ctx).rules.configMap).toBe("mz-materialize-rules");
  });

  it("leave out the ConfigMaps a composer does not need, keeping every artifact", () => {
    const bare = materialize({ configMaps: { rules: false, dashboards: false } });
    expect(bare.objects).toEqual([]);
    expect(bare.endpoints.artifacts).toEqual(materialize().endpoints.artifacts);
    expect(
      materialize({ configMaps: { rules: false } }).objects.map((o) => o.metadata.name),
    ).toEqual(["materialize-dashboards"]);
  });
});
