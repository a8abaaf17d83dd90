import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxBinary, runNginx } from "../../../test-support/nginx.js";
import {
  GATEWAY_ROUTES,
  type GatewayTopology,
  type LokiTarget,
  type LokiValues,
  loki,
  matchRoute,
  routeTarget,
} from "../src/index.js";
import { configText, mainContainer, podSpec, S3, service } from "./helpers.js";

const SCALABLE = { mode: "simple-scalable", queryFrontend: false } as const;
const WITH_FRONTEND = { mode: "simple-scalable", queryFrontend: true } as const;
const SINGLE = { mode: "single-binary", queryFrontend: false } as const;

function targetOf(path: string, topology: GatewayTopology = SCALABLE): LokiTarget | undefined {
  const route = matchRoute(path);
  return route ? routeTarget(route, topology) : undefined;
}

describe("the gateway route table", () => {
  it.each([
    ["/loki/api/v1/push", "write"],
    ["/otlp/v1/logs", "write"],
    ["/api/prom/push", "write"],
    ["/distributor/ring", "write"],
    ["/ring", "write"],
  ])("sends %s to the write target", (path, target) => {
    expect(targetOf(path)).toBe(target);
  });

  it.each([
    "/loki/api/v1/query",
    "/loki/api/v1/query_range",
    "/loki/api/v1/labels",
    "/loki/api/v1/label/namespace/values",
    "/loki/api/v1/series",
    "/loki/api/v1/index/stats",
    "/loki/api/v1/index/volume",
    "/loki/api/v1/index/volume_range",
    "/loki/api/v1/patterns",
    "/loki/api/v1/detected_labels",
    "/loki/api/v1/detected_fields",
    "/loki/api/v1/detected_field/level/values",
    "/loki/api/v1/tail",
    "/api/prom/query",
    "/api/prom/label/app/values",
  ])("sends the query path %s to the read target", (path) => {
    expect(targetOf(path)).toBe("read");
  });

  it.each([
    "/loki/api/v1/query",
    "/loki/api/v1/query_range",
    "/loki/api/v1/labels",
    "/loki/api/v1/label/namespace/values",
    "/loki/api/v1/series",
    "/loki/api/v1/index/volume",
  ])("sends %s to the query-frontend when one runs", (path) => {
    expect(targetOf(path, WITH_FRONTEND)).toBe("query-frontend");
  });

  it("keeps live tail on the queriers even with a query-frontend", () => {
    expect(targetOf("/loki/api/v1/tail", WITH_FRONTEND)).toBe("read");
  });

  it.each([
    "/loki/api/v1/rules",
    "/loki/api/v1/rules/materialize",
    "/loki/api/v1/rules/materialize/panics",
    "/api/prom/rules",
    "/prometheus/api/v1/rules",
    "/prometheus/api/v1/alerts",
    "/loki/api/v1/delete",
    "/ruler/ring",
    "/compactor/ring",
    "/indexgateway/ring",
    "/scheduler/ring",
  ])("sends the rules/compactor/ring path %s to the backend target", (path) => {
    expect(targetOf(path)).toBe("backend");
  });

  it.each([
    "/flush",
    "/ingester/shutdown",
    "/config",
    "/log_level",
    "/metrics",
    "/loki/api/v1/label//values",
  ])("does not expose %s", (path) => {
    expect(matchRoute(path)).toBeUndefined();
  });

  it("sends everything to the single binary in single-binary mode", () => {
    for (const route of GATEWAY_ROUTES) expect(routeTarget(route, SINGLE)).toBe("single-binary");
  });

  it("has one location per route, each forwarding to its target's upstream", () => {
    const text = configText(
      loki({ storage: S3, queryFrontend: { enabled: true } }),
      "loki-gateway",
      "nginx.conf",
    );
    const upstreamOf = (target: LokiTarget) => `loki_${target.replace(/-/g, "_")}`;
    for (const route of GATEWAY_ROUTES) {
      const modifier = { exact: "=", prefix: "^~", regex: "~" }[route.match];
      const block = text.split(`location ${modifier} ${route.path} {`)[1]?.split("}")[0] ?? "";
      expect(block, route.path).toContain(
        `proxy_pass http://${upstreamOf(routeTarget(route, WITH_FRONTEND))};`,
      );
    }
    expect(text).toContain("server loki-query-frontend.monitoring.svc.cluster.local:3100;");
  });

  it("upgrades the connection for live tail only", () => {
    const text = configText(loki({ storage: S3 }), "loki-gateway", "nginx.conf");
    const tail = text.split("location = /loki/api/v1/tail {")[1]?.split("}")[0] ?? "";
    expect(tail).toContain('proxy_set_header Connection "upgrade";');
    const push = text.split("location = /loki/api/v1/push {")[1]?.split("}")[0] ?? "";
    expect(push).toContain('proxy_set_header Connection "";');
  });

  it("sets the install's tenant on requests without X-Scope-OrgID when multi-tenancy is on", () => {
    const off = configText(loki({ storage: S3 }), "loki-gateway", "nginx.conf");
    expect(off).not.toContain("X-Scope-OrgID");
    const on = configText(
      loki({ storage: S3, tenancy: { authEnabled: true, tenantId: "mz" } }),
      "loki-gateway",
      "nginx.conf",
    );
    expect(on).toContain('"" "mz";');
    expect(on).toContain("proxy_set_header X-Scope-OrgID $loki_tenant;");
    const passthrough = configText(
      loki({ storage: S3, tenancy: { authEnabled: true, gatewayDefaultTenant: false } }),
      "loki-gateway",
      "nginx.conf",
    );
    expect(passthrough).not.toContain("$loki_tenant");
  });
});

describe("the gateway workload", () => {
  const c = loki({ storage: S3 });

  it("runs unprivileged nginx on 8080 with a read-only root filesystem and /tmp on an emptyDir", () => {
    const nginx = mainContainer(c.objects, "loki-gateway");
    expect(nginx.image).toBe("docker.io/nginxinc/nginx-unprivileged:1.30.4-alpine");
    expect(nginx.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(nginx.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 101,
      allowPrivilegeEscalation: false,
    });
    expect(nginx.command).toEqual(["nginx"]);
    expect(nginx.args).toEqual(["-c", "/etc/nginx-gateway/nginx.conf", "-g", "daemon off;"]);
    expect(nginx.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(podSpec(c.objects, "loki-gateway").volumes).toContainEqual({
      name: "tmp",
      emptyDir: { sizeLimit: "1Gi" },
    });
  });

  it("is reached on port 80 of its Service", () => {
    expect(service(c.objects, "loki-gateway").spec?.ports).toEqual([
      { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
    ]);
  });
});

// Each rendered gateway runs under the real nginx, with stub HTTP servers for the targets, and
// every route must reach the target the route table names. Skipped where nginx is not installed.

interface Stub {
  server: Server;
  port: number;
}

async function stubTarget(target: string): Promise<Stub> {
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ target, url: req.url, tenant: req.headers["x-scope-orgid"] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

interface RunningGateway {
  /** The in-namespace listener. */
  port: number;
  /** The authenticated listener, when externalAccess is on. */
  externalPort?: number;
  stop(): Promise<void>;
}

async function runGateway(
  values: LokiValues,
  stubs: Record<string, Stub>,
  files: Record<string, string> = {},
): Promise<RunningGateway> {
  const conf = configText(loki(values), "loki-gateway", "nginx.conf").replace(
    /server loki-([a-z-]+)\.monitoring\.svc\.cluster\.local:3100;/g,
    (_m, target: string) => {
      const stub = stubs[target];
      if (!stub) throw new Error(`no stub for ${target}`);
      return `server 127.0.0.1:${stub.port};`;
    },
  );
  const nginx = await runNginx(conf, {
    files,
    // The Secret mounts: the htpasswd file and the certificate, from the test's folder.
    rewrite: (text, dir) =>
      text.replaceAll("/etc/nginx-auth/", `${dir}/`).replaceAll("/etc/nginx-tls/", `${dir}/`),
  });
  return {
    port: nginx.ports[8080] as number,
    ...(nginx.ports[8081] ? { externalPort: nginx.ports[8081] } : {}),
    stop: nginx.stop,
  };
}

// CI installs nginx-light (scripts/test-all.sh); there a missing binary is a failure, not a skip.
it.runIf(process.env.CI === "true")(
  "CI has the nginx binary for the real-nginx gateway tests",
  () => {
    expect(nginxBinary, "install Debian's nginx-light").toBeTruthy();
  },
);

describe.skipIf(!nginxBinary)("the rendered nginx.conf under the real nginx binary", () => {
  const stubs: Record<string, Stub> = {};
  let scalable: RunningGateway;
  let frontend: RunningGateway;
  let tenant: RunningGateway;

  beforeAll(async () => {
    for (const target of ["write", "read", "backend", "query-frontend"])
      stubs[target] = await stubTarget(target);
    scalable = await runGateway({ storage: S3 }, stubs);
    frontend = await runGateway({ storage: S3, queryFrontend: { enabled: true } }, stubs);
    tenant = await runGateway(
      { storage: S3, tenancy: { authEnabled: true, tenantId: "mz" } },
      stubs,
    );
  }, 30_000);

  afterAll(async () => {
    await Promise.all([scalable, frontend, tenant].filter(Boolean).map((g) => g.stop()));
    await Promise.all(Object.values(stubs).map((s) => new Promise((r) => s.server.close(r))));
  });

  async function get(gateway: RunningGateway, path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`http://127.0.0.1:${gateway.port}${path}`, { headers });
    return { status: res.status, body: res.status === 200 ? await res.text() : "" };
  }

  it("answers every route from the target the table names", async () => {
    for (const route of GATEWAY_ROUTES) {
      const path =
        route.match === "regex"
          ? route.path.replace("[^/]+", "x").replace(/^\^|\$$/g, "")
          : route.path;
      const probe =
        route.match === "prefix" ? `${path}${path.endsWith("/") ? "" : "/"}volume` : path;
      const { status, body } = await get(scalable, probe);
      expect(status, probe).toBe(200);
      expect(JSON.parse(body), probe).toMatchObject({
        target: routeTarget(route, SCALABLE),
        url: probe,
      });
    }
  });

  it("keeps the query string and sends queries to the query-frontend when it runs", async () => {
    const { body } = await get(
      frontend,
      "/loki/api/v1/query_range?query=%7Bapp%3D%22x%22%7D&limit=5",
    );
    expect(JSON.parse(body)).toEqual({
      target: "query-frontend",
      url: "/loki/api/v1/query_range?query=%7Bapp%3D%22x%22%7D&limit=5",
      tenant: null,
    });
    expect(JSON.parse((await get(frontend, "/loki/api/v1/push")).body).target).toBe("write");
  });

  it("answers 200 on / and 404 on paths it does not route", async () => {
    expect((await get(scalable, "/")).status).toBe(200);
    for (const path of ["/flush", "/ingester/shutdown", "/config", "/metrics", "/nope"]) {
      expect((await get(scalable, path)).status, path).toBe(404);
    }
  });

  it("fills in the tenant only where the client sent none", async () => {
    expect(JSON.parse((await get(tenant, "/loki/api/v1/labels")).body).tenant).toBe("mz");
    expect(
      JSON.parse((await get(tenant, "/loki/api/v1/labels", { "X-Scope-OrgID": "other" })).body)
        .tenant,
    ).toBe("other");
    expect(JSON.parse((await get(scalable, "/loki/api/v1/labels")).body).tenant).toBeNull();
  });
});
