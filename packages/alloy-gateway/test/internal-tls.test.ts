/**
 * The Alloy gateway under the stack's internal TLS: its HTTP server (UI,
 * metrics, probes, clustering peers) and its Loki push receiver serve TLS
 * with the gateway's certificate, and the clustering peers dial each other
 * with it. No Alloy binary runs here: the rendered arguments are checked
 * against the Alloy reference (docs/sources at the commit the fixture names:
 * config-blocks/http.md and the shared server-tls-config-block.md).
 */
import { type Block, parse } from "@materialize-monitoring/alloy-syntax";
import {
  type BuildContext,
  type Deployment,
  defaultBuildContext,
  INTERNAL_TLS,
} from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { TEST_INTERNAL_TLS } from "../../../test-support/tls.js";
import { alloyGatewayConfigOf } from "../src/index.js";
import reference from "./fixtures/alloy-reference-attributes.json" with { type: "json" };
import { buildGateway, find } from "./helpers.js";

const REFERENCE = reference.blocks as Record<string, string[]>;
const TLS_CTX: Partial<BuildContext> = { internalTls: TEST_INTERNAL_TLS };
const SERVER_TLS = {
  cert_file: INTERNAL_TLS.cert,
  key_file: INTERNAL_TLS.key,
  client_ca_file: INTERNAL_TLS.ca,
  client_auth_type: "VerifyClientCertIfGiven",
};

/** A block's attributes as plain values (string literals unquoted). */
function attributes(block: Block): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of block.body)
    if (s.type === "Attribute") out[s.name] = JSON.parse(JSON.stringify(s.value)).value;
  return out;
}
const child = (block: Block, name: string) =>
  block.body.find((s): s is Block => s.type === "Block" && s.name === name);

describe("the Alloy gateway under internal TLS", () => {
  const component = buildGateway({ clustering: { enabled: true } }, TLS_CTX);
  const file = parse(alloyGatewayConfigOf(component));
  const top = (name: string, label?: string) =>
    file.body.find(
      (s): s is Block =>
        s.type === "Block" && s.name === name && (label === undefined || s.label === label),
    );

  it("serves its HTTP server with TLS: the http block, documented arguments only", () => {
    const tls = child(top("http") as Block, "tls") as Block;
    expect(attributes(tls)).toEqual({ ...SERVER_TLS, min_version: "TLS13" });
    for (const name of Object.keys(attributes(tls))) expect(REFERENCE["http.tls"]).toContain(name);
  });

  it("serves the Loki push receiver with TLS, documented arguments only", () => {
    const http = child(top("loki.source.api", "push") as Block, "http") as Block;
    const tls = child(http, "tls") as Block;
    expect(attributes(tls)).toEqual(SERVER_TLS);
    for (const name of Object.keys(attributes(tls)))
      expect(REFERENCE["loki.source.api.http.tls"]).toContain(name);
  });

  it("dials its clustering peers with TLS, verifying the cluster Service's name", () => {
    const pod = find<Deployment>(component.objects, "Deployment").spec?.template.spec;
    const args = pod?.containers[0]?.args ?? [];
    expect(args).toEqual(
      expect.arrayContaining([
        "--cluster.enable-tls",
        `--cluster.tls-ca-path=${INTERNAL_TLS.ca}`,
        `--cluster.tls-cert-path=${INTERNAL_TLS.cert}`,
        `--cluster.tls-key-path=${INTERNAL_TLS.key}`,
        "--cluster.tls-server-name=alloy-gateway-cluster.monitoring.svc.cluster.local",
      ]),
    );
    expect(pod?.containers[0]?.readinessProbe?.httpGet?.scheme).toBe("HTTPS");
  });

  it("publishes an https push URL and a scrape of itself that verifies and presents certificates", () => {
    const e = component.endpoints;
    expect(e.pushUrl).toBe(
      "https://alloy-gateway.monitoring.svc.cluster.local:3100/loki/api/v1/push",
    );
    expect(e.tlsServerName).toBe("alloy-gateway.monitoring.svc.cluster.local");
    expect(e.scrapeTargets[0]).toMatchObject({
      scheme: "https",
      tls: { serverName: "alloy-gateway.monitoring.svc.cluster.local", caFile: INTERNAL_TLS.ca },
    });
    expect(e.selfMetricsTarget).toMatchObject({ scheme: "https" });
  });

  it("renders no TLS without it", () => {
    const plain = buildGateway({ clustering: { enabled: true } }, defaultBuildContext());
    expect(alloyGatewayConfigOf(plain)).not.toMatch(/\btls \{/);
    expect(plain.endpoints.pushUrl).toMatch(/^http:/);
  });
});
