/**
 * Issue 19, point 7: the gateway's authenticated listener for clients outside
 * the stack. The rendered objects are asserted here; the nginx config runs
 * under the real nginx binary with stub targets (CI installs nginx-light and
 * openssl; outside CI the real-nginx cases skip where nginx is missing).
 */
import { createServer, type Server } from "node:http";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import type { NetworkPolicy, Service } from "@materialize-monitoring/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  HTPASSWD_PASSWORD,
  htpasswdLine,
  nginxBinary,
  runNginx,
  selfSignedCertificate,
} from "../../../test-support/nginx.js";
import { GATEWAY_ROUTES, type LokiValues, loki, lokiEndpoints } from "../src/index.js";
import { configText, find, mainContainer, podSpec, S3, thrown } from "./helpers.js";

const ACCESS = { enabled: true, htpasswd: { name: "loki-users" } } as const;

describe("the authenticated listener's objects", () => {
  it("is off by default: no second port, Service or mount", () => {
    const built = loki({ storage: S3 });
    expect(built.objects.some((o) => o.metadata.name === "loki-gateway-external")).toBe(false);
    expect(configText(built, "loki-gateway", "nginx.conf")).not.toContain("auth_basic");
  });

  it("opens port 8081 with the htpasswd Secret mounted, and a Service of its own", () => {
    const { objects, endpoints } = loki({
      storage: S3,
      gateway: {
        externalAccess: {
          ...ACCESS,
          service: {
            type: "LoadBalancer",
            annotations: { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" },
            loadBalancerSourceRanges: ["10.20.0.0/16"],
          },
        },
      },
    });
    const nginx = mainContainer(objects, "loki-gateway");
    expect(nginx.ports).toContainEqual({
      name: "http-external",
      containerPort: 8081,
      protocol: "TCP",
    });
    expect(nginx.volumeMounts).toContainEqual({
      name: "htpasswd",
      mountPath: "/etc/nginx-auth",
      readOnly: true,
    });
    expect(podSpec(objects, "loki-gateway").volumes).toContainEqual({
      name: "htpasswd",
      secret: { secretName: "loki-users", items: [{ key: "htpasswd", path: "htpasswd" }] },
    });
    const svc = find<Service>(objects, "Service", "loki-gateway-external");
    expect(svc.spec?.type).toBe("LoadBalancer");
    expect(svc.spec?.loadBalancerSourceRanges).toEqual(["10.20.0.0/16"]);
    expect(
      svc.metadata?.annotations?.["service.beta.kubernetes.io/aws-load-balancer-internal"],
    ).toBe("true");
    expect(svc.spec?.ports).toEqual([
      { name: "http", port: 80, targetPort: "http-external", protocol: "TCP" },
    ]);
    // The in-namespace Service is untouched.
    expect(find<Service>(objects, "Service", "loki-gateway").spec?.type).toBe("ClusterIP");
    expect(endpoints.external?.pushUrl).toBe(
      "http://loki-gateway-external.monitoring.svc.cluster.local:80/loki/api/v1/push",
    );
    expect(endpoints.external?.queryUrl).toBe(
      "http://loki-gateway-external.monitoring.svc.cluster.local:80",
    );
    expect(lokiEndpoints({ storage: S3, gateway: { externalAccess: ACCESS } })).toEqual(
      loki({ storage: S3, gateway: { externalAccess: ACCESS } }).endpoints,
    );
  });

  it("serves HTTPS on 443 with a kubernetes.io/tls Secret", () => {
    const built = loki({
      storage: S3,
      gateway: { externalAccess: { ...ACCESS, tls: { secretName: "loki-external-tls" } } },
    });
    const { objects, endpoints } = built;
    expect(podSpec(objects, "loki-gateway").volumes).toContainEqual({
      name: "external-tls",
      secret: {
        secretName: "loki-external-tls",
        items: [
          { key: "tls.crt", path: "tls.crt" },
          { key: "tls.key", path: "tls.key" },
        ],
      },
    });
    expect(configText(built, "loki-gateway", "nginx.conf")).toContain("listen 8081 ssl;");
    expect(
      find<Service>(objects, "Service", "loki-gateway-external").spec?.ports?.[0],
    ).toMatchObject({
      name: "https",
      port: 443,
    });
    expect(endpoints.external?.pushUrl).toMatch(/^https:\/\/.*:443\/loki\/api\/v1\/push$/);
  });

  it("admits anyone on 8081 by default and only the listed peers when `from` is set, the in-namespace port unchanged", () => {
    const policy = (values: LokiValues) =>
      find<NetworkPolicy>(loki(values).objects, "NetworkPolicy", "loki-gateway").spec?.ingress ??
      [];
    const open = policy({ storage: S3, gateway: { externalAccess: ACCESS } });
    expect(open).toContainEqual({ ports: [{ protocol: "TCP", port: 8081 }] });
    const narrowed = policy({
      storage: S3,
      gateway: {
        externalAccess: { ...ACCESS, from: [{ cidr: "10.30.0.0/16" }, { namespace: "agents" }] },
      },
    });
    expect(narrowed).toContainEqual({
      from: [
        { ipBlock: { cidr: "10.30.0.0/16" } },
        { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "agents" } } },
      ],
      ports: [{ protocol: "TCP", port: 8081 }],
    });
    const without = policy({ storage: S3 });
    for (const rule of open.filter((r) => r.ports?.[0]?.port === 8080))
      expect(without).toContainEqual(rule);
  });

  it("refuses what cannot work, naming the path and the fix", () => {
    expect(
      thrown(() => loki({ storage: S3, gateway: { externalAccess: { enabled: true } } })).message,
    ).toMatch(
      /^loki\.gateway\.externalAccess\.htpasswd: set htpasswd\.name to a Secret holding an htpasswd file/,
    );
    expect(
      thrown(() => loki({ storage: S3, gateway: { enabled: false, externalAccess: ACCESS } }))
        .message,
    ).toBe(
      "loki.gateway.externalAccess.enabled: the authenticated listener is a server of the gateway, and the gateway is off (set gateway.enabled: true, or drop gateway.externalAccess)",
    );
    expect(
      thrown(() =>
        loki({ storage: S3, gateway: { externalAccess: { ...ACCESS, tenantFromUser: true } } }),
      ).message,
    ).toMatch(/^loki\.gateway\.externalAccess\.tenantFromUser: .*set tenancy\.authEnabled: true/);
    expect(
      thrown(() =>
        loki({
          storage: S3,
          gateway: {
            externalAccess: { ...ACCESS, service: { loadBalancerSourceRanges: ["10.0.0.0"] } },
          },
        }),
      ).message,
    ).toMatch(/loadBalancerSourceRanges\[0\].*not a CIDR/);
  });

  it("never writes a credential: the config names only the mounted file", () => {
    const text = configText(
      loki({ storage: S3, gateway: { externalAccess: ACCESS } }),
      "loki-gateway",
      "nginx.conf",
    );
    expect(text).toContain("auth_basic_user_file /etc/nginx-auth/htpasswd;");
    expect(text).not.toMatch(/\$2[aby]\$|\$apr1\$/);
  });
});

interface Stub {
  server: Server;
  port: number;
}

async function stub(target: string): Promise<Stub> {
  const server = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        target,
        url: req.url,
        tenant: req.headers["x-scope-orgid"] ?? null,
        authorization: req.headers.authorization ?? null,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe.skipIf(!nginxBinary)("the authenticated listener under the real nginx", () => {
  const stubs: Record<string, Stub> = {};
  const running: { stop(): Promise<void> }[] = [];
  let plain: { internal: number; external: number };
  let tenants: { internal: number; external: number };
  let tls: { external: number; cert: string };

  async function start(values: LokiValues, files: Record<string, string>) {
    const conf = configText(loki(values), "loki-gateway", "nginx.conf").replace(
      /server loki-([a-z-]+)\.monitoring\.svc\.cluster\.local:3100;/g,
      (_m, target: string) => `server 127.0.0.1:${stubs[target]?.port};`,
    );
    const nginx = await runNginx(conf, {
      files,
      rewrite: (text, dir) =>
        text.replaceAll("/etc/nginx-auth/", `${dir}/`).replaceAll("/etc/nginx-tls/", `${dir}/`),
    });
    running.push(nginx);
    return { internal: nginx.ports[8080] as number, external: nginx.ports[8081] as number };
  }

  beforeAll(async () => {
    for (const target of ["write", "read", "backend"]) stubs[target] = await stub(target);
    const htpasswd = `${htpasswdLine("team-a")}\n${htpasswdLine("team-b")}\n`;
    plain = await start({ storage: S3, gateway: { externalAccess: ACCESS } }, { htpasswd });
    tenants = await start(
      {
        storage: S3,
        tenancy: { authEnabled: true, tenantId: "materialize" },
        gateway: { externalAccess: { ...ACCESS, tenantFromUser: true } },
      },
      { htpasswd },
    );
    const cert = selfSignedCertificate("localhost");
    const withTls = await start(
      { storage: S3, gateway: { externalAccess: { ...ACCESS, tls: { secretName: "t" } } } },
      { htpasswd, "tls.crt": cert.cert, "tls.key": cert.key },
    );
    tls = { external: withTls.external, cert: cert.cert };
  }, 30_000);

  afterAll(async () => {
    await Promise.all(running.map((n) => n.stop()));
    await Promise.all(Object.values(stubs).map((s) => new Promise((r) => s.server.close(r))));
  });

  const basic = (user: string, password = HTPASSWD_PASSWORD) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  async function call(port: number, path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "GET", headers });
    const text = await res.text();
    return {
      status: res.status,
      body: res.status === 200 && text.startsWith("{") ? JSON.parse(text) : text,
    };
  }

  it("asks for credentials on every route, and refuses a wrong password", async () => {
    for (const route of GATEWAY_ROUTES.filter((r) => r.match === "exact")) {
      expect((await call(plain.external, route.path)).status, route.path).toBe(401);
      expect(
        (await call(plain.external, route.path, { authorization: basic("team-a", "wrong") }))
          .status,
        route.path,
      ).toBe(401);
      expect(
        (await call(plain.external, route.path, { authorization: basic("nobody") })).status,
        route.path,
      ).toBe(401);
    }
  });

  it("forwards a signed-in request to the target the route table names, the health check open", async () => {
    const push = await call(plain.external, "/loki/api/v1/push", {
      authorization: basic("team-a"),
    });
    expect(push).toMatchObject({
      status: 200,
      body: { target: "write", url: "/loki/api/v1/push" },
    });
    const query = await call(plain.external, "/loki/api/v1/query_range?query=%7Ba%3D%22b%22%7D", {
      authorization: basic("team-b"),
    });
    expect(query.body).toMatchObject({
      target: "read",
      url: "/loki/api/v1/query_range?query=%7Ba%3D%22b%22%7D",
    });
    expect((await call(plain.external, "/")).status).toBe(200);
    expect((await call(plain.external, "/config", { authorization: basic("team-a") })).status).toBe(
      404,
    );
    // The in-namespace listener asks for nothing: the NetworkPolicy limits it to the stack.
    expect((await call(plain.internal, "/loki/api/v1/push")).body).toMatchObject({
      target: "write",
    });
  });

  it("makes the user name the tenant, whatever tenant the client sends", async () => {
    const own = await call(tenants.external, "/loki/api/v1/push", {
      authorization: basic("team-a"),
    });
    expect(own.body.tenant).toBe("team-a");
    const forged = await call(tenants.external, "/loki/api/v1/query", {
      authorization: basic("team-b"),
      "X-Scope-OrgID": "team-a",
    });
    expect(forged.body.tenant).toBe("team-b");
    // Inside the stack the install's tenant still fills in a missing header.
    expect((await call(tenants.internal, "/loki/api/v1/labels")).body.tenant).toBe("materialize");
  });

  it("serves TLS with the mounted certificate", async () => {
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port: tls.external,
            path: "/loki/api/v1/push",
            ca: tls.cert,
            servername: "localhost",
            headers,
          },
          (res) => {
            let body = "";
            res.on("data", (chunk) => {
              body += chunk;
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on("error", reject);
        req.end();
      });
    expect((await get({})).status).toBe(401);
    const ok = await get({ authorization: basic("team-a") });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).target).toBe("write");
    // Plain HTTP on the TLS port is refused by nginx.
    expect((await call(tls.external, "/loki/api/v1/push")).status).toBe(400);
  });
});
