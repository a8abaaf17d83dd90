/**
 * The Alloy agents under the stack's internal TLS: their HTTP server (metrics,
 * probes) serves TLS with the agents' one certificate, and the push to the
 * gateway verifies it with the stack's CA and presents theirs. No Alloy binary
 * runs here; the arguments are those of the Alloy reference's `http` block and
 * `tls_config` block (see the gateway's fixture of documented arguments).
 */
import {
  type BuildContext,
  type DaemonSet,
  defaultBuildContext,
  INTERNAL_TLS,
  type KubeObject,
  ValuesError,
} from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { TEST_INTERNAL_TLS } from "../../../test-support/tls.js";
import { alloyAgent, alloyAgentConfigOf } from "../src/index.js";

const TLS_CTX: BuildContext = defaultBuildContext({ internalTls: TEST_INTERNAL_TLS });
const NAME = "alloy-agent.monitoring.svc.cluster.local";
const byKind = (objects: readonly KubeObject[], kind: string) =>
  objects.filter((o) => o.kind === kind);

describe("the Alloy agents under internal TLS", () => {
  const component = alloyAgent({}, TLS_CTX);
  const config = alloyAgentConfigOf(component);

  it("serve their HTTP server with the agents' certificate, probes over HTTPS", () => {
    expect(config).toMatch(
      /^http \{\n\ttls \{\n\t\tcert_file\s+= "\/etc\/internal-tls\/tls.crt"\n\t\tkey_file\s+= "\/etc\/internal-tls\/tls.key"\n\t\tclient_ca_file\s+= "\/etc\/internal-tls\/ca.crt"\n\t\tclient_auth_type = "VerifyClientCertIfGiven"\n\t\tmin_version\s+= "TLS13"\n\t\}\n\}$/m,
    );
    const ds = byKind(component.objects, "DaemonSet")[0] as DaemonSet;
    const pod = ds.spec?.template.spec;
    expect(pod?.containers[0]?.readinessProbe?.httpGet?.scheme).toBe("HTTPS");
    expect(pod?.volumes).toContainEqual({
      name: INTERNAL_TLS.volume,
      secret: { secretName: "alloy-agent-internal-tls" },
    });
    const cert = byKind(component.objects, "Certificate")[0] as unknown as {
      spec: { dnsNames: string[] };
    };
    expect(cert.spec.dnsNames).toEqual([NAME]);
  });

  it("push to the stack's gateway over https with the stack's CA and their certificate", () => {
    expect(component.endpoints.pushUrl).toBe(
      "https://alloy-gateway.monitoring.svc.cluster.local:3100/loki/api/v1/push",
    );
    expect(config).toMatch(
      /tls_config \{\n\t\t\tca_file\s+= "\/etc\/internal-tls\/ca.crt"\n\t\t\tcert_file\s+= "\/etc\/internal-tls\/tls.crt"\n\t\t\tkey_file\s+= "\/etc\/internal-tls\/tls.key"\n\t\t\tmin_version = "TLS13"/,
    );
  });

  it("keep a push URL of the user's own plain, unless gateway.internalTls says otherwise", () => {
    const own = alloyAgentConfigOf(
      alloyAgent({ gateway: { pushUrl: "https://logs.example.com/loki/api/v1/push" } }, TLS_CTX),
    );
    expect(own).not.toMatch(/tls_config/);
    const wired = alloyAgentConfigOf(
      alloyAgent(
        {
          gateway: {
            pushUrl: "https://gw.monitoring.svc.cluster.local:3100/loki/api/v1/push",
            internalTls: true,
          },
        },
        TLS_CTX,
      ),
    );
    expect(wired).toMatch(/tls_config/);
  });

  it("publish a scrape that verifies the agents' name and presents the scraper's certificate", () => {
    expect(component.endpoints.tlsServerName).toBe(NAME);
    expect(component.endpoints.scrapeTargets[0]).toMatchObject({
      scheme: "https",
      tls: { serverName: NAME, caFile: INTERNAL_TLS.ca, certFile: INTERNAL_TLS.cert },
    });
    expect(component.endpoints.selfMetricsTarget).toMatchObject({ scheme: "https" });
  });

  it("refuse gateway.internalTls without the internal TLS, and another namespace under a namespaced Issuer", () => {
    expect(() => alloyAgent({ gateway: { internalTls: true } })).toThrow(
      /alloy-agent\.gateway\.internalTls.*turn global\.internalTls on/s,
    );
    const error = (() => {
      try {
        alloyAgent({ namespace: "monitoring-agents" }, TLS_CTX);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValuesError);
    expect(String((error as Error).message)).toMatch(/alloy-agent\.namespace.*ClusterIssuer/s);
  });

  it("render no TLS without it", () => {
    const plain = alloyAgent({}, defaultBuildContext());
    expect(alloyAgentConfigOf(plain)).not.toMatch(/tls/);
    expect(byKind(plain.objects, "Certificate")).toEqual([]);
  });
});
