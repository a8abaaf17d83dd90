/**
 * The readers behind validate's internal TLS check (`graph/tls.ts`), one by
 * one, on small hand-written pods and configs: what a server listens with,
 * what a client dials with, and `unknown` where no setting says it.
 */
import type { KubeObject } from "@materialize-monitoring/core";
import type { PodInfo } from "@materialize-monitoring/core/validate";
import { describe, expect, it } from "vitest";
import { clientTls, mergeTls, serverTls } from "../src/graph/tls.js";

type Container = NonNullable<PodInfo["spec"]["containers"]>[number];

function pod(containers: Partial<Container>[], volumes: PodInfo["spec"]["volumes"] = []): PodInfo {
  return {
    owner: "Deployment/ns/x",
    kind: "Deployment",
    name: "x",
    namespace: "ns",
    replicas: 1,
    labels: {},
    spec: { containers: containers.map((c) => ({ name: "c", ...c })), volumes },
    template: {},
  };
}
const configMap = (name: string, data: Record<string, string>) =>
  ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "ns" },
    data,
  }) as KubeObject & {
    data: Record<string, string>;
  };
const mounted = (cm: ReturnType<typeof configMap>, mountPath: string) => ({
  pod: (c: Partial<Container>) =>
    pod(
      [{ ...c, volumeMounts: [{ name: "cfg", mountPath }] }],
      [{ name: "cfg", configMap: { name: cm.metadata.name } }],
    ),
  maps: new Map([[`ns/${cm.metadata.name}`, cm]]),
});
const none = new Map();

describe("serverTls: what a listener serves", () => {
  it("reads a listen flag beside the flag that gives it TLS, in every address form", () => {
    const am = pod([
      {
        args: [
          "--web.listen-address=:9093",
          "--web.config.file=/w.yaml",
          "--cluster.listen-address=0.0.0.0:9094",
        ],
      },
    ]);
    expect(serverTls(am, 9093, none)).toBe("tls");
    expect(serverTls(am, 9094, none)).toBe("plain");
    const ne = pod([{ args: ["--web.listen-address=[$(HOST_IP)]:9100"] }]);
    expect(serverTls(ne, 9100, none)).toBe("plain");
    expect(serverTls(pod([{ args: ["--secure-port=10250"] }]), 10250, none)).toBe("tls");
  });

  it("reads Loki's server and memberlist TLS from the mounted config file", () => {
    const cm = configMap("loki", {
      "config.yaml":
        "server:\n  http_listen_port: 3100\n  grpc_listen_port: 9095\n  grpc_tls_config:\n    cert_file: /t/tls.crt\nmemberlist:\n  bind_port: 7946\n  tls_enabled: true\n",
    });
    const { pod: p, maps } = mounted(cm, "/etc/loki/config");
    const loki = p({ args: ["-config.file=/etc/loki/config/config.yaml"] });
    expect(serverTls(loki, 3100, maps)).toBe("plain");
    expect(serverTls(loki, 9095, maps)).toBe("tls");
    expect(serverTls(loki, 7946, maps)).toBe("tls");
  });

  it("reads nginx's listen lines, grafana.ini's protocol, memcached's -Z and Alloy's http block", () => {
    const nginx = mounted(
      configMap("gw", {
        "nginx.conf":
          "http {\n  server {\n    listen 8080 ssl;\n  }\n  server {\n    listen 8081;\n  }\n}\n",
      }),
      "/etc/nginx",
    );
    const n = nginx.pod({ args: ["-c", "/etc/nginx/nginx.conf"] });
    expect(serverTls(n, 8080, nginx.maps)).toBe("tls");
    expect(serverTls(n, 8081, nginx.maps)).toBe("plain");
    const grafana = mounted(
      configMap("g", { "grafana.ini": "[server]\nprotocol = https\nhttp_port = 3000\n[auth]\n" }),
      "/etc/grafana",
    );
    expect(serverTls(grafana.pod({}), 3000, grafana.maps)).toBe("tls");
    expect(serverTls(pod([{ args: ["-m", "64", "-p", "11211"] }]), 11211, none)).toBe("plain");
    expect(serverTls(pod([{ args: ["-p", "11211", "-Z"] }]), 11211, none)).toBe("tls");
    const alloy = mounted(
      configMap("a", { "config.alloy": 'http {\n\ttls {\n\t\tcert_file = "/t"\n\t}\n}\n' }),
      "/etc/alloy",
    );
    const run = alloy.pod({
      args: ["run", "/etc/alloy/config.alloy", "--server.http.listen-addr=0.0.0.0:12345"],
    });
    expect(serverTls(run, 12345, alloy.maps)).toBe("tls");
    const plainAlloy = mounted(
      configMap("a", { "config.alloy": 'logging {\n\tlevel = "info"\n}\n' }),
      "/etc/alloy",
    );
    expect(
      serverTls(
        plainAlloy.pod({
          args: ["run", "/etc/alloy/config.alloy", "--server.http.listen-addr=0.0.0.0:12345"],
        }),
        12345,
        plainAlloy.maps,
      ),
    ).toBe("plain");
  });

  it("falls back to the kubelet's probe of the port, and says unknown where nothing tells", () => {
    const probed = pod([
      {
        ports: [{ name: "web", containerPort: 3000 }],
        readinessProbe: { httpGet: { port: "web", scheme: "HTTPS" } },
      },
    ]);
    expect(serverTls(probed, 3000, none)).toBe("tls");
    expect(serverTls(pod([{}]), 3000, none)).toBe("unknown");
  });
});

describe("clientTls: what a client dials with", () => {
  it("reads a URL's scheme, SRV forms included", () => {
    const cm = configMap("c", {});
    expect(clientTls(cm, "https://a.ns.svc:443", undefined)).toBe("tls");
    expect(clientTls(cm, "dnssrv+http://_web._tcp.a.ns.svc", undefined)).toBe("plain");
  });

  it("reads the nearest TLS setting above an address in a YAML config, plain without one", () => {
    const cm = configMap("c", {
      "endpoints.yaml":
        "default_client_config:\n  tls_config:\n    enabled: true\nendpoint_groups:\n  - address: dnssrv+_grpc._tcp.store.ns.svc\n",
      "loki.yaml":
        "common:\n  compactor_grpc_address: backend.ns.svc:9095\ncompactor_grpc_client:\n  tls_enabled: true\nchunks:\n  memcached_client:\n    addresses: dnssrvnoa+_memcached._tcp.cache.ns.svc\n",
    });
    expect(clientTls(cm, "dnssrv+_grpc._tcp.store.ns.svc", undefined)).toBe("tls");
    expect(clientTls(cm, "backend.ns.svc:9095", undefined)).toBe("tls");
    expect(clientTls(cm, "dnssrvnoa+_memcached._tcp.cache.ns.svc", undefined)).toBe("plain");
  });

  it("reads nginx's proxy_pass scheme for an upstream's server", () => {
    const cm = configMap("n", {
      "nginx.conf":
        "upstream a {\n  server a.ns.svc:3100;\n}\nupstream b {\n  server b.ns.svc:3100;\n}\nlocation / { proxy_pass https://a; }\nlocation /b { proxy_pass http://b; }\n",
    });
    expect(clientTls(cm, "a.ns.svc:3100", undefined)).toBe("tls");
    expect(clientTls(cm, "b.ns.svc:3100", undefined)).toBe("plain");
  });

  it("reads a peer flag beside its TLS flag, and a file a flag of the consumer secures", () => {
    const source = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "am" },
    } as KubeObject;
    const tls = pod([
      { args: ["--cluster.peer=am-0.h.ns.svc:9094", "--cluster.tls-config=/c.yaml"] },
    ]);
    const plain = pod([{ args: ["--cluster.peer=am-0.h.ns.svc:9094"] }]);
    expect(clientTls(source, "am-0.h.ns.svc:9094", tls)).toBe("tls");
    expect(clientTls(source, "am-0.h.ns.svc:9094", plain)).toBe("plain");
    const hashring = configMap("h", { "hashrings.json": '[{"endpoints":["r-0.ns.svc:10901"]}]' });
    expect(
      clientTls(
        hashring,
        "r-0.ns.svc:10901",
        pod([{ args: ["--remote-write.client-tls-secure"] }]),
      ),
    ).toBe("tls");
    expect(clientTls(hashring, "r-0.ns.svc:10901", pod([{ args: [] }]))).toBe("plain");
    expect(clientTls(source, "elsewhere:1", plain)).toBe("unknown");
  });
});

describe("mergeTls: several uses of one connection", () => {
  it("keeps the weakest: unknown, then plain, then tls", () => {
    expect(mergeTls(undefined, "tls")).toBe("tls");
    expect(mergeTls("tls", "plain")).toBe("plain");
    expect(mergeTls("plain", "unknown")).toBe("unknown");
  });
});
