/**
 * The umbrella's checks around the gateway's destinations and log protection: protection no
 * looser than the bundled Loki's ingestion limits, and unverified destination TLS reported.
 */
import { type KubeObject, ValuesError } from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { stack } from "../src/index.js";

/** The text of every value of the ConfigMap `name`. */
function configMapText(built: { objects: readonly KubeObject[] }, name: string): string {
  const map = built.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name) as
    | { data?: Record<string, string> }
    | undefined;
  if (!map) throw new Error(`no ConfigMap ${name}`);
  return Object.values(map.data ?? {}).join("\n");
}

function valuesError(render: () => unknown): ValuesError {
  try {
    render();
  } catch (error) {
    if (error instanceof ValuesError) return error;
    throw error;
  }
  throw new Error("expected a ValuesError");
}

describe("log protection against the bundled Loki", () => {
  it("refuses a maxAge above Loki's rejectOldSamplesMaxAge, naming both values", () => {
    const error = valuesError(() =>
      stack({ alloyGateway: { logs: { protection: { maxAge: "200h" } } } }),
    );
    expect(error.problems.map((p) => p.path)).toEqual(["alloyGateway.logs.protection.maxAge"]);
    expect(error.message).toContain("above loki.limits.rejectOldSamplesMaxAge (168h)");
    expect(error.message).toContain(
      "lower it to 168h or less, or raise loki.limits.rejectOldSamplesMaxAge",
    );
  });

  it("follows Loki's limit when it is raised", () => {
    expect(() =>
      stack({
        alloyGateway: { logs: { protection: { maxAge: "200h" } } },
        loki: { limits: { rejectOldSamplesMaxAge: "336h" } },
      }),
    ).not.toThrow();
  });

  it("refuses a maxLineSize above Loki's max_line_size (KB and KiB read as Loki reads them)", () => {
    const error = valuesError(() =>
      stack({ alloyGateway: { logs: { protection: { maxLineSize: "256KiB" } } } }),
    );
    expect(error.problems.map((p) => p.path)).toEqual(["alloyGateway.logs.protection.maxLineSize"]);
    expect(() =>
      stack({ alloyGateway: { logs: { protection: { maxLineSize: "250KiB" } } } }),
    ).not.toThrow();
  });

  it("does not check against an external Loki, nor with protection off", () => {
    expect(() =>
      stack({
        loki: {
          enabled: false,
          external: { pushUrl: "https://logs.example.com/loki/api/v1/push" },
        },
        alloyGateway: { logs: { protection: { maxAge: "2000h" } } },
      }),
    ).not.toThrow();
    expect(() =>
      stack({
        alloyGateway: { logs: { protection: { enabled: false, maxAge: "2000h" } } },
      }),
    ).not.toThrow();
  });
});

describe("destination TLS at render", () => {
  it("reports insecureSkipVerify on a destination with the other unverified TLS", () => {
    const built = stack({
      alloyGateway: {
        destinations: {
          prometheus: {
            extra: [
              {
                name: "lab",
                url: "https://prometheus.lab.example/api/v1/write",
                tls: { insecureSkipVerify: true },
              },
            ],
          },
        },
      },
    });
    const notice = built.notices.find((n) => n.startsWith("TLS certificates are not verified"));
    expect(notice).toContain(
      "alloyGateway.destinations.prometheus.extra[0].tls.insecureSkipVerify",
    );
    expect(stack().notices.some((n) => n.startsWith("TLS certificates are not verified"))).toBe(
      false,
    );
  });
});

describe("Loki tenants routed by a label", () => {
  const ROUTED = {
    loki: { tenancy: { authEnabled: true, tenants: ["materialize-prod", "materialize-staging"] } },
    alloyGateway: { destinations: { loki: { tenantFrom: "namespace" } } },
  } as const;

  it("the gateway routes, Loki answers across tenants, Grafana reads them all and the ruler evaluates in each", () => {
    const built = stack(structuredClone(ROUTED) as never);
    // the gateway sets each entry's tenant from its namespace label
    const gateway = configMapText(built, "alloy-gateway-config");
    expect(gateway).toMatch(
      /loki\.process "tenant" \{[\s\S]*?stage\.tenant \{\n\s*label = "namespace"/,
    );
    // Loki's querier takes X-Scope-OrgID a|b
    expect(configMapText(built, "loki").includes("multi_tenant_queries_enabled: true")).toBe(true);
    const datasource = built.objects.find(
      (o) => o.kind === "GrafanaDatasource" && JSON.stringify(o).includes('"type":"loki"'),
    ) as unknown as {
      spec: {
        datasource: { jsonData: Record<string, unknown>; secureJsonData: Record<string, string> };
      };
    };
    expect(datasource.spec.datasource.jsonData.httpHeaderName1).toBe("X-Scope-OrgID");
    expect(datasource.spec.datasource.secureJsonData.httpHeaderValue1).toBe(
      "materialize|materialize-prod|materialize-staging",
    );
    // the same rules under every tenant directory of the ruler
    const mounts = built.objects
      .flatMap((o) => {
        const spec = (
          o as {
            spec?: {
              template?: { spec?: { containers?: { volumeMounts?: { mountPath: string }[] }[] } };
            };
          }
        ).spec;
        return spec?.template?.spec?.containers?.flatMap((c) => c.volumeMounts ?? []) ?? [];
      })
      .map((m) => m.mountPath)
      .filter((p) => p.startsWith("/etc/loki/rules/"));
    for (const tenant of ["materialize", "materialize-prod", "materialize-staging"])
      expect(mounts).toContain(`/etc/loki/rules/${tenant}`);
  });

  it("refuses routing into a single-tenant Loki, and routing no reader knows", () => {
    const single = valuesError(() =>
      stack({ alloyGateway: { destinations: { loki: { tenantFrom: "namespace" } } } }),
    );
    expect(single.problems[0]?.path).toBe("alloyGateway.destinations.loki.tenantFrom");
    expect(single.message).toContain("set loki.tenancy.authEnabled: true");
    const unknown = valuesError(() =>
      stack({
        loki: { tenancy: { authEnabled: true } },
        alloyGateway: { destinations: { loki: { tenantFrom: "namespace" } } },
      }),
    );
    expect(unknown.message).toContain(
      "list the tenants (the values namespace takes) in loki.tenancy.tenants",
    );
  });

  it("leaves the single-tenant render alone: no routing, no header, no multi-tenant queries", () => {
    const built = stack();
    expect(configMapText(built, "alloy-gateway-config").includes('loki.process "tenant"')).toBe(
      false,
    );
    expect(configMapText(built, "loki").includes("multi_tenant_queries_enabled")).toBe(false);
    expect(JSON.stringify(built.objects).includes("X-Scope-OrgID")).toBe(false);
  });
});

describe("the agents' gateway", () => {
  it("is wired from the bundled gateway: a user value there is refused naming the path and the fix", () => {
    const error = valuesError(() => stack({ alloyAgent: { gateway: { namespace: "elsewhere" } } }));
    expect(error.problems.map((p) => p.path)).toEqual(["alloyAgent.gateway"]);
    expect(error.message).toContain("set alloyGateway.enabled: false");
    expect(() =>
      stack({
        alloyGateway: { enabled: false },
        alloyAgent: {
          gateway: { pushUrl: "http://gw.elsewhere.svc.cluster.local:3100/loki/api/v1/push" },
        },
      } as never),
    ).not.toThrow();
  });
});
