import { gunzipSync } from "node:zlib";
import { defaultBuildContext, type KubeObject, toYamlStream } from "@materialize-monitoring/core";
import { validateObjects } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import {
  alertmanagerDatasource,
  DEFAULT_GZIP_THRESHOLD_BYTES,
  dashboardManifest,
  grafanaConfig,
  grafanaDashboard,
  grafanaDatasource,
  grafanaFolder,
  grafanaInstance,
  grafanaInstanceSelector,
  grafanaManifest,
  gzipBase64,
  lokiDatasource,
  prometheusDatasource,
  selectorMatches,
  vendoredCrds,
} from "../src/index.js";

const ctx = defaultBuildContext();
const credentials = {
  adminUser: { name: "grafana-credentials", key: "admin-user" },
  adminPassword: { name: "grafana-credentials", key: "admin-password" },
};

function smallDashboard(uid = "materialize-overview") {
  return {
    uid,
    title: "Materialize overview",
    schemaVersion: 41,
    panels: [{ id: 1, type: "timeseries", title: "Queries", targets: [{ expr: "up" }] }],
  };
}

/** A dashboard well above the gzip threshold, built deterministically. */
function largeDashboard() {
  const panels = Array.from({ length: 600 }, (_, i) => ({
    id: i + 1,
    type: "timeseries",
    title: `Panel ${i + 1}`,
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    targets: [{ refId: "A", expr: `sum by (cluster) (rate(mz_metric_${i}_total[5m]))` }],
  }));
  return { uid: "materialize-large", title: "Large", schemaVersion: 41, panels };
}

async function expectValid(objects: KubeObject[]) {
  expect(await validateObjects(objects, { crds: vendoredCrds() })).toEqual([]);
}

describe("Grafana", () => {
  it("points at an external Grafana with admin credentials from secret references", async () => {
    const grafana = grafanaInstance(ctx, {
      external: { url: "http://grafana.monitoring.svc.cluster.local:3000", ...credentials },
    });
    expect(grafana.spec.external?.adminPassword).toEqual(credentials.adminPassword);
    expect(selectorMatches(grafana.metadata.labels, grafanaInstanceSelector(ctx))).toBe(true);
    await expectValid([grafana]);
  });

  it("lets extra labels through but never overrides the selector labels", () => {
    const grafana = grafanaInstance(ctx, {
      external: { url: "http://grafana:3000", ...credentials },
      labels: { team: "obs", "app.kubernetes.io/component": "other" },
    });
    expect(grafana.metadata.labels).toMatchObject({
      team: "obs",
      "app.kubernetes.io/component": "instance",
    });
  });

  it("requires exactly one of external and managed", () => {
    expect(() => grafanaInstance(ctx, {})).toThrow(
      "Grafana/grafana: set exactly one of external and managed",
    );
  });

  it("enforces the CRD's CEL rule on TLS: insecureSkipVerify and certSecretRef exclude each other", () => {
    expect(() =>
      grafanaInstance(ctx, {
        external: {
          url: "https://grafana.example.com",
          ...credentials,
          // @ts-expect-error the type forbids both; the runtime check covers untyped callers
          tls: { insecureSkipVerify: true, certSecretRef: { name: "ca" } },
        },
      }),
    ).toThrow(
      "Grafana/grafana.external.tls: insecureSkipVerify and certSecretRef cannot be set at the same time, and one of them is required",
    );
  });

  it("refuses an external Grafana with both basic auth and an API key", () => {
    expect(() =>
      grafanaInstance(ctx, {
        external: { url: "http://g:3000", ...credentials, apiKey: { name: "t", key: "token" } },
      }),
    ).toThrow("Grafana/grafana.external: set either adminUser and adminPassword, or apiKey");
  });
});

describe("config values are strings (the CRD's additionalProperties: string)", () => {
  it("turns numbers and booleans into strings, sorted", () => {
    expect(
      grafanaConfig("config", { users: { allow_sign_up: false }, dataproxy: { timeout: 60 } }),
    ).toEqual({ dataproxy: { timeout: "60" }, users: { allow_sign_up: "false" } });
  });

  it("refuses anything else with the path", () => {
    expect(() =>
      grafanaConfig("config", { server: { domain: { nested: true } as unknown as string } }),
    ).toThrow("config.server.domain: config values must be strings (got object)");
    expect(() =>
      grafanaConfig("config", { server: ["a"] as unknown as Record<string, string> }),
    ).toThrow("config.server: each config section must be a map of keys to values");
  });

  it("refuses turning anonymous access on", () => {
    expect(() => grafanaConfig("config", { "auth.anonymous": { enabled: true } })).toThrow(
      "config.auth.anonymous.enabled: anonymous access stays off",
    );
  });

  it("refuses credentials, which belong in secret references", () => {
    expect(() =>
      grafanaConfig("config", { "auth.generic_oauth": { client_secret: "s3cr3t" } }),
    ).toThrow(
      "config.auth.generic_oauth.client_secret: credentials cannot be written into the Grafana config",
    );
  });
});

/** The operator's placeholder for a secret key, `${key}` (not a template literal). */
const placeholder = (key: string) => "$" + "{" + key + "}";

describe("GrafanaDatasource", () => {
  it("builds Thanos, Loki and Alertmanager datasources that validate against the CRD", async () => {
    await expectValid([
      prometheusDatasource(ctx, { url: "http://thanos-query:9090" }),
      lokiDatasource(ctx, { url: "http://loki-read:3100" }),
      alertmanagerDatasource(ctx, { url: "http://alertmanager:9093" }),
    ]);
  });

  it("places secrets through valuesFrom with a secretKeyRef, never inline", async () => {
    const ds = grafanaDatasource(ctx, {
      name: "remote",
      uid: "remote",
      displayName: "Remote",
      type: "prometheus",
      url: "https://prom.example.com",
      secrets: [
        {
          targetPath: "secureJsonData.httpHeaderValue1",
          secretKeyRef: { name: "remote-prom", key: "token" },
          template: `Bearer ${placeholder("token")}`,
        },
      ],
      jsonData: { httpHeaderName1: "Authorization" },
    });
    expect(ds.spec.datasource.secureJsonData).toEqual({
      httpHeaderValue1: `Bearer ${placeholder("token")}`,
    });
    expect(ds.spec.valuesFrom).toEqual([
      {
        targetPath: "secureJsonData.httpHeaderValue1",
        valueFrom: { secretKeyRef: { name: "remote-prom", key: "token" } },
      },
    ]);
    await expectValid([ds]);
  });

  it("refuses a template without the secret's placeholder", () => {
    expect(() =>
      grafanaDatasource(ctx, {
        name: "remote",
        uid: "remote",
        displayName: "Remote",
        type: "prometheus",
        url: "https://prom.example.com",
        secrets: [
          {
            targetPath: "secureJsonData.password",
            secretKeyRef: { name: "s", key: "pw" },
            template: "x",
          },
        ],
      }),
    ).toThrow(
      `GrafanaDatasource/remote.secrets[0].template: the template must contain ${placeholder("pw")}`,
    );
  });

  it("refuses an invalid uid with the rule", () => {
    expect(() => prometheusDatasource(ctx, { url: "http://t:9090", uid: "has space" })).toThrow(
      'GrafanaDatasource/thanos.uid: "has space" is not a valid Grafana uid (use at most 40 characters of letters, digits, - and _)',
    );
  });

  it("refuses an empty instanceSelector, which would match every Grafana", () => {
    expect(() =>
      lokiDatasource(ctx, { url: "http://loki:3100", instanceSelector: { matchLabels: {} } }),
    ).toThrow(
      "GrafanaDatasource/loki.instanceSelector: an empty instanceSelector matches every Grafana",
    );
  });
});

describe("GrafanaFolder", () => {
  it("builds a nested folder that validates", async () => {
    const parent = grafanaFolder(ctx, { name: "materialize", title: "Materialize" });
    const child = grafanaFolder(ctx, {
      name: "materialize-clusters",
      parentFolderRef: "materialize",
    });
    expect(child.spec).toMatchObject({
      uid: "materialize-clusters",
      parentFolderRef: "materialize",
    });
    await expectValid([parent, child]);
  });

  it("enforces the CEL-only rule: parentFolderRef and parentFolderUID exclude each other", () => {
    expect(() =>
      grafanaFolder(ctx, { name: "child", parentFolderRef: "parent", parentFolderUID: "abc" }),
    ).toThrow(
      "GrafanaFolder/child.parentFolderRef/parentFolderUID: only one of parentFolderRef, parentFolderUID can be set (remove parentFolderUID)",
    );
  });

  it("passes the CRD's structural schema although it breaks the CEL rule: only the builder catches it", async () => {
    // The same object, forced past the builder, is valid for the openAPIV3Schema;
    // the API server would reject it with CEL, which no offline validator runs.
    const folder = grafanaFolder(ctx, { name: "child", parentFolderRef: "parent" });
    folder.spec.parentFolderUID = "abc";
    await expectValid([folder]);
  });
});

describe("GrafanaDashboard", () => {
  it("keeps small dashboards as readable JSON", async () => {
    const dashboard = grafanaDashboard(ctx, {
      name: "materialize-overview",
      dashboard: smallDashboard(),
      folderRef: "materialize",
    });
    expect(dashboard.spec.gzipJson).toBeUndefined();
    expect(JSON.parse(dashboard.spec.json ?? "")).toEqual(smallDashboard());
    expect(dashboard.spec.uid).toBe("materialize-overview");
    await expectValid([dashboard]);
  });

  it(`gzips dashboards above ${DEFAULT_GZIP_THRESHOLD_BYTES} bytes into gzipJson, losslessly`, async () => {
    const model = largeDashboard();
    const dashboard = grafanaDashboard(ctx, { name: "large", dashboard: model });
    expect(dashboard.spec.json).toBeUndefined();
    const raw = Buffer.from(dashboard.spec.gzipJson ?? "", "base64");
    const text = gunzipSync(raw).toString("utf8");
    expect(Buffer.byteLength(text)).toBeGreaterThan(DEFAULT_GZIP_THRESHOLD_BYTES);
    expect(JSON.parse(text)).toEqual(model);
    expect(dashboard.spec.gzipJson!.length).toBeLessThan(text.length / 4);
    await expectValid([dashboard]);
  });

  it("compresses deterministically: same input, same bytes; mtime 0 and a fixed OS byte", () => {
    const text = JSON.stringify(largeDashboard());
    const a = gzipBase64(text);
    const b = gzipBase64(text);
    expect(a).toBe(b);
    const header = Buffer.from(a, "base64").subarray(0, 10);
    expect([...header.subarray(0, 3)]).toEqual([0x1f, 0x8b, 0x08]);
    expect(header.readUInt32LE(4)).toBe(0);
    expect(header[9]).toBe(3);
    const first = grafanaDashboard(ctx, { name: "large", dashboard: largeDashboard() });
    const second = grafanaDashboard(ctx, { name: "large", dashboard: largeDashboard() });
    expect(toYamlStream([first])).toBe(toYamlStream([second]));
  });

  it("honours compression overrides", () => {
    const forced = grafanaDashboard(ctx, {
      name: "d",
      dashboard: smallDashboard(),
      compression: "gzip",
    });
    expect(forced.spec.gzipJson).toBeDefined();
    const never = grafanaDashboard(ctx, {
      name: "d",
      dashboard: largeDashboard(),
      compression: "none",
    });
    expect(never.spec.json).toBeDefined();
  });

  it("enforces the CEL rules on folders: folderUID/folderRef exclusive, folder not with either", () => {
    expect(() =>
      grafanaDashboard(ctx, {
        name: "d",
        dashboard: smallDashboard(),
        folderRef: "a",
        folderUID: "b",
      }),
    ).toThrow(
      "GrafanaDashboard/d.folderUID/folderRef: only one of folderUID, folderRef can be set",
    );
    expect(() =>
      grafanaDashboard(ctx, {
        name: "d",
        dashboard: smallDashboard(),
        folder: "Materialize",
        folderUID: "b",
      }),
    ).toThrow(
      "GrafanaDashboard/d.folder/folderUID: only one of folder, folderUID, folderRef can be set",
    );
  });

  it("takes the uid from the model, then the name; refuses names that cannot be uids", () => {
    const fromModel = grafanaDashboard(ctx, { name: "x", dashboard: smallDashboard("from-model") });
    expect(fromModel.spec.uid).toBe("from-model");
    const { uid: _dropped, ...withoutUid } = smallDashboard();
    expect(grafanaDashboard(ctx, { name: "by-name", dashboard: withoutUid }).spec.uid).toBe(
      "by-name",
    );
    expect(() => grafanaDashboard(ctx, { name: "a.b", dashboard: withoutUid })).toThrow(
      'GrafanaDashboard/a.b.uid: no uid given and the name "a.b" is not usable as one',
    );
  });

  it("refuses JSON that does not parse", () => {
    expect(() => grafanaDashboard(ctx, { name: "d", dashboard: "{not json" })).toThrow(
      "GrafanaDashboard/d.dashboard: the dashboard is not valid JSON",
    );
  });
});

describe("GrafanaManifest", () => {
  it("wraps a Grafana 12+ dashboard resource with its folder annotation", async () => {
    const manifest = dashboardManifest(ctx, {
      name: "materialize-v2",
      dashboard: {
        title: "Materialize (v2)",
        elements: {},
        layout: { kind: "GridLayout", spec: { items: [] } },
      },
      version: "v2beta1",
      folderUID: "materialize",
    });
    expect(manifest.spec.template).toMatchObject({
      apiVersion: "dashboard.grafana.app/v2beta1",
      kind: "Dashboard",
      metadata: { name: "materialize-v2", annotations: { "grafana.app/folder": "materialize" } },
    });
    expect(manifest.spec.instanceSelector).toEqual(grafanaInstanceSelector(ctx));
    await expectValid([manifest]);
  });

  it("refuses an API group that is not a Grafana app", () => {
    expect(() =>
      grafanaManifest(ctx, {
        name: "m",
        template: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" } },
      }),
    ).toThrow(
      'GrafanaManifest/m.template.apiVersion: "apps/v1" is not a Grafana app-platform API version',
    );
  });
});

describe("datasource headers", () => {
  it("sends non-secret headers as httpHeaderName/Value pairs, and never lets a secret overwrite one", () => {
    const ctx = defaultBuildContext();
    const ds = lokiDatasource(ctx, {
      url: "http://loki:3100",
      headers: { "X-Scope-OrgID": "a|b" },
    }) as unknown as {
      spec: {
        datasource: { jsonData: Record<string, unknown>; secureJsonData: Record<string, string> };
      };
    };
    expect(ds.spec.datasource.jsonData.httpHeaderName1).toBe("X-Scope-OrgID");
    expect(ds.spec.datasource.secureJsonData.httpHeaderValue1).toBe("a|b");
    expect(() =>
      lokiDatasource(ctx, {
        url: "http://loki:3100",
        headers: { "X-Scope-OrgID": "a" },
        secrets: [
          { targetPath: "secureJsonData.httpHeaderValue1", secretKeyRef: { name: "s", key: "k" } },
        ],
      }),
    ).toThrow("is filled twice");
  });
});
