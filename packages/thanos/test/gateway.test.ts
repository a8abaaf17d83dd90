/**
 * Issue 19, point 7: the Thanos gateway, nginx with HTTP basic auth in front of
 * receive (remote write) and the PromQL read API, for clients outside the
 * stack. The objects are asserted here, and the rendered nginx.conf runs under
 * the real nginx with stub receive and query-frontend servers (CI installs
 * nginx-light; elsewhere the real-nginx cases skip without it).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type NetworkPolicy, type Service, ValuesError } from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HTPASSWD_PASSWORD,
  htpasswdLine,
  nginxBinary,
  runNginx,
} from "../../../test-support/nginx.js";
import { type ThanosValues, thanos, thanosEndpoints } from "../src/index.js";
import { configMapData, find, mainContainer, S3, template } from "./helpers.js";

const ACCESS = { enabled: true, htpasswd: { name: "thanos-users", key: "users" } } as const;
const WITH_GATEWAY: ThanosValues = { objectStorage: S3, gateway: { externalAccess: ACCESS } };

function ingress(values: ThanosValues, name: string) {
  return (find(thanos(values).objects, "NetworkPolicy", name) as NetworkPolicy).spec?.ingress ?? [];
}

describe("the Thanos gateway's objects", () => {
  it("is not rendered unless externalAccess is enabled", () => {
    const objects = thanos({ objectStorage: S3 }).objects;
    expect(objects.filter((o) => o.metadata.name === "thanos-gateway")).toEqual([]);
    expect(thanos({ objectStorage: S3 }).endpoints.external).toBeUndefined();
  });

  it("runs nginx with the htpasswd Secret, its own tokenless ServiceAccount and a Service of its own", () => {
    const { objects, endpoints } = thanos(WITH_GATEWAY);
    const nginx = mainContainer(objects, "thanos-gateway");
    expect(nginx.ports?.map((p) => [p.name, p.containerPort])).toEqual([
      ["health", 8080],
      ["http-external", 8081],
    ]);
    expect(nginx.readinessProbe?.httpGet).toMatchObject({ path: "/", port: "health" });
    const spec = template(objects, "thanos-gateway").spec;
    expect(spec?.serviceAccountName).toBe("thanos-gateway");
    expect(spec?.volumes).toContainEqual({
      name: "htpasswd",
      secret: { secretName: "thanos-users", items: [{ key: "users", path: "htpasswd" }] },
    });
    expect(
      (
        find(objects, "ServiceAccount", "thanos-gateway") as {
          automountServiceAccountToken?: boolean;
        }
      ).automountServiceAccountToken,
    ).toBe(false);
    expect((find(objects, "Service", "thanos-gateway") as Service).spec?.ports).toEqual([
      { name: "http", port: 80, targetPort: "http-external", protocol: "TCP" },
    ]);
    expect(find(objects, "PodDisruptionBudget", "thanos-gateway")).toBeTruthy();
    expect(endpoints.external?.remoteWriteUrl).toBe(
      "http://thanos-gateway.monitoring.svc.cluster.local:80/api/v1/receive",
    );
    expect(thanosEndpoints(WITH_GATEWAY)).toEqual(endpoints);
  });

  it("proxies to the Services the endpoints publish: receive (or the routers) and the frontend (or query)", () => {
    const conf = (values: ThanosValues) =>
      configMapData(thanos(values).objects, "thanos-gateway")["nginx.conf"];
    expect(conf(WITH_GATEWAY)).toContain(
      "server thanos-receive.monitoring.svc.cluster.local:19291;",
    );
    expect(conf(WITH_GATEWAY)).toContain(
      "server thanos-query-frontend.monitoring.svc.cluster.local:10902;",
    );
    const split = conf({ ...WITH_GATEWAY, receive: { mode: "split", replicas: 3 } });
    expect(split).toContain("server thanos-receive-router.monitoring.svc.cluster.local:19291;");
    const noFrontend = conf({ ...WITH_GATEWAY, queryFrontend: { enabled: false } });
    expect(noFrontend).toContain("server thanos-query.monitoring.svc.cluster.local:10902;");
  });

  it("is let in by exactly what it calls, and lets in anyone on 8081 unless `from` narrows it", () => {
    const gatewayPeer = {
      podSelector: {
        matchLabels: {
          "app.kubernetes.io/name": "thanos",
          "app.kubernetes.io/instance": "materialize-monitoring",
          "app.kubernetes.io/component": "gateway",
        },
      },
    };
    expect(ingress(WITH_GATEWAY, "thanos-receive")).toContainEqual({
      from: [gatewayPeer],
      ports: [{ protocol: "TCP", port: 19291 }],
    });
    expect(ingress(WITH_GATEWAY, "thanos-query-frontend")).toContainEqual({
      from: [gatewayPeer],
      ports: [{ protocol: "TCP", port: 10902 }],
    });
    expect(JSON.stringify(ingress({ objectStorage: S3 }, "thanos-receive"))).not.toContain(
      '"gateway"',
    );
    expect(ingress(WITH_GATEWAY, "thanos-gateway")).toEqual([
      { ports: [{ protocol: "TCP", port: 8081 }] },
    ]);
    expect(
      ingress(
        {
          objectStorage: S3,
          gateway: { externalAccess: { ...ACCESS, from: [{ cidr: "192.0.2.0/24" }] } },
        },
        "thanos-gateway",
      ),
    ).toEqual([
      { from: [{ ipBlock: { cidr: "192.0.2.0/24" } }], ports: [{ protocol: "TCP", port: 8081 }] },
    ]);
  });

  it("refuses an enabled listener without an htpasswd Secret, naming the path", () => {
    let error: unknown;
    try {
      thanos({ objectStorage: S3, gateway: { externalAccess: { enabled: true } } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValuesError);
    expect((error as Error).message).toMatch(
      /^thanos\.gateway\.externalAccess\.htpasswd: set htpasswd\.name/,
    );
  });
});

interface Stub {
  server: Server;
  port: number;
  bodies: number[];
}

async function stub(target: string): Promise<Stub> {
  const bodies: number[] = [];
  const server = createServer((req, res) => {
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
    });
    req.on("end", () => {
      bodies.push(size);
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          target,
          url: req.url,
          method: req.method,
          tenant: req.headers["thanos-tenant"] ?? null,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, bodies };
}

describe.skipIf(!nginxBinary)("the Thanos gateway under the real nginx", () => {
  let receive: Stub;
  let frontend: Stub;
  const running: { stop(): Promise<void> }[] = [];
  let plain: number;
  let tenants: number;

  async function start(values: ThanosValues) {
    const conf = (configMapData(thanos(values).objects, "thanos-gateway")["nginx.conf"] ?? "")
      .replace("thanos-receive.monitoring.svc.cluster.local:19291", `127.0.0.1:${receive.port}`)
      .replace(
        "thanos-query-frontend.monitoring.svc.cluster.local:10902",
        `127.0.0.1:${frontend.port}`,
      );
    const nginx = await runNginx(conf, {
      files: { htpasswd: `${htpasswdLine("cluster-a")}\n${htpasswdLine("cluster-b")}\n` },
      rewrite: (text, dir) => text.replaceAll("/etc/nginx-auth/", `${dir}/`),
    });
    running.push(nginx);
    return nginx.ports[8081] as number;
  }

  beforeAll(async () => {
    receive = await stub("receive");
    frontend = await stub("query-frontend");
    plain = await start(WITH_GATEWAY);
    tenants = await start({
      objectStorage: S3,
      gateway: { externalAccess: { ...ACCESS, tenantFromUser: true } },
    });
  }, 30_000);

  afterAll(async () => {
    await Promise.all(running.map((n) => n.stop()));
    for (const s of [receive, frontend]) await new Promise((r) => s.server.close(r));
  });

  const basic = (user: string, password = HTPASSWD_PASSWORD) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  async function call(port: number, path: string, init: RequestInit = {}) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: text.startsWith("{") ? JSON.parse(text) : text };
  }

  it("asks for credentials and refuses a wrong password", async () => {
    for (const path of ["/api/v1/receive", "/api/v1/query", "/api/v1/label/job/values"]) {
      expect((await call(plain, path)).status, path).toBe(401);
      expect(
        (await call(plain, path, { headers: { authorization: basic("cluster-a", "x") } })).status,
      ).toBe(401);
    }
  });

  it("sends remote write to receive, with the whole body, and PromQL reads to the frontend", async () => {
    const body = new Uint8Array(2 * 1024 * 1024).fill(7);
    const write = await call(plain, "/api/v1/receive", {
      method: "POST",
      body,
      headers: { authorization: basic("cluster-a"), "content-type": "application/x-protobuf" },
    });
    expect(write.body).toMatchObject({ target: "receive", url: "/api/v1/receive", method: "POST" });
    expect(receive.bodies.at(-1)).toBe(body.length);
    for (const path of [
      "/api/v1/query_range?query=up&start=1&end=2&step=1",
      "/api/v1/label/job/values",
      "/api/v1/series?match[]=up",
    ]) {
      const read = await call(plain, path, { headers: { authorization: basic("cluster-b") } });
      expect(read.body, path).toMatchObject({ target: "query-frontend", url: path });
    }
    // Admin and UI paths of the components stay inside.
    for (const path of [
      "/-/reload",
      "/api/v1/status/flags",
      "/graph",
      "/api/v1/admin/tsdb/delete_series",
    ]) {
      expect(
        (await call(plain, path, { headers: { authorization: basic("cluster-a") } })).status,
        path,
      ).toBe(404);
    }
    expect((await call(plain, "/")).status).toBe(200);
  });

  it("makes the user name the tenant of a write, whatever tenant the client sends", async () => {
    const forged = await call(tenants, "/api/v1/receive", {
      method: "POST",
      body: "x",
      headers: { authorization: basic("cluster-b"), "THANOS-TENANT": "cluster-a" },
    });
    expect(forged.body.tenant).toBe("cluster-b");
    const plainWrite = await call(plain, "/api/v1/receive", {
      method: "POST",
      body: "x",
      headers: { authorization: basic("cluster-b"), "THANOS-TENANT": "cluster-a" },
    });
    expect(plainWrite.body.tenant).toBe("cluster-a");
  });
});
