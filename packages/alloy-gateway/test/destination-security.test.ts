/**
 * Destinations' credentials and TLS: every auth kind on every destination kind that supports it,
 * rendered, parsed, and checked three ways — the blocks carry what the values say, every
 * argument is one the Alloy reference documents for that block (fixtures/alloy-reference-
 * attributes.json, extracted from grafana/alloy's docs), and no credential is in the text: every
 * secret is a file of a mounted Secret key or an env variable from a secretKeyRef, and each one
 * resolves to the key the values named.
 */
import {
  type Attribute,
  type Block,
  type Expr,
  parse,
  type Statement,
} from "@materialize-monitoring/alloy-syntax";
import type {
  Container,
  Deployment,
  NetworkPolicy,
  ServiceAccount,
} from "@materialize-monitoring/core";
import { describe, expect, it } from "vitest";
import { type AlloyGatewayValues, alloyGatewayConfigOf } from "../src/index.js";
import reference from "./fixtures/alloy-reference-attributes.json" with { type: "json" };
import { buildGateway, find, valuesErrorOf } from "./helpers.js";

const REFERENCE = reference.blocks as Record<string, string[]>;
const HTTPS_WRITE = "https://prometheus.example.com/api/v1/write";
const HTTPS_PUSH = "https://logs.example.com/loki/api/v1/push";

const secret = (name: string, key: string) => ({ name, key });

type ExtraWrite = NonNullable<
  NonNullable<NonNullable<AlloyGatewayValues["destinations"]>["prometheus"]>["extra"]
>[number];

/** Values with one extra remote-write endpoint `x` (an https URL) carrying `fields`. */
const extraWrite = (fields: Partial<ExtraWrite>): AlloyGatewayValues => ({
  destinations: { prometheus: { extra: [{ name: "x", url: HTTPS_WRITE, ...fields }] } },
});

const AUTHS = {
  basic: { type: "basic", username: secret("dest", "user"), password: secret("dest", "pass") },
  bearer: { type: "bearer", token: secret("dest", "token") },
  oauth2: {
    type: "oauth2",
    clientId: "monitoring",
    clientSecret: secret("idp", "client-secret"),
    tokenUrl: "https://auth.example.com/oauth2/token",
    scopes: ["metrics:write"] as string[],
    endpointParams: { audience: "metrics" },
  },
  sigv4: {
    type: "sigv4",
    region: "eu-west-1",
    roleArn: "arn:aws:iam::123456789012:role/amp-writer",
    accessKey: { id: secret("aws", "id"), secret: secret("aws", "secret") },
  },
  sigv4Identity: { type: "sigv4", region: "us-east-1" },
  azure: {
    type: "azure",
    identity: {
      kind: "clientSecret",
      clientId: "0b5a2f7e-3c1d-4e8a-9f6b-2d7c8e9a1b3c",
      tenantId: "7d1e4c2a-5b3f-4a6d-8e9c-1f2a3b4c5d6e",
      clientSecret: secret("entra", "secret"),
    },
  },
  azureWorkload: {
    type: "azure",
    identity: {
      kind: "workload",
      clientId: "0b5a2f7e-3c1d-4e8a-9f6b-2d7c8e9a1b3c",
      tenantId: "7d1e4c2a-5b3f-4a6d-8e9c-1f2a3b4c5d6e",
    },
  },
  google: { type: "google", credentials: secret("gcp", "key.json") },
  googleAdc: { type: "google" },
} as const;

const TLS = {
  ca: { from: "ConfigMap", name: "trust-bundle", key: "ca-bundle.crt" },
  clientCertificate: { secretName: "gateway-client-cert" },
  serverName: "metrics.internal.example.com",
  minVersion: "TLS13",
} as const;

type Rendered = { text: string; container: Container; deployment: Deployment; objects: unknown[] };

function render(values: AlloyGatewayValues): Rendered {
  const built = buildGateway(values);
  const deployment = find<Deployment>(built.objects, "Deployment");
  const container = deployment.spec?.template.spec?.containers.find((c) => c.name === "alloy");
  if (!container) throw new Error("no alloy container");
  return { text: alloyGatewayConfigOf(built), container, deployment, objects: built.objects };
}

function blocks(statements: readonly Statement[], name: string): Block[] {
  return statements.filter((s): s is Block => s.type === "Block" && s.name === name);
}

function attrs(block: Block): Record<string, Expr> {
  return Object.fromEntries(
    block.body.filter((s): s is Attribute => s.type === "Attribute").map((a) => [a.name, a.value]),
  );
}

function literal(expr: Expr | undefined): unknown {
  if (!expr) return undefined;
  if (expr.type === "String" || expr.type === "Number" || expr.type === "Bool") return expr.value;
  return expr;
}

/** The endpoint blocks of the config's loki.write and prometheus.remote_write components. */
function endpoints(text: string): { component: string; block: Block }[] {
  const file = parse(text);
  return file.body.flatMap((s) =>
    s.type === "Block" && (s.name === "loki.write" || s.name === "prometheus.remote_write")
      ? blocks(s.body, "endpoint").map((block) => ({ component: s.name, block }))
      : [],
  );
}

function endpointNamed(text: string, name: string): Block {
  const found = endpoints(text).find((e) => literal(attrs(e.block).name) === name);
  if (!found) throw new Error(`no endpoint ${name}`);
  return found.block;
}

/** Every argument of the security blocks is one the Alloy reference documents for its block. */
function expectDocumentedArguments(text: string): void {
  const undocumented: string[] = [];
  const check = (path: string, block: Block) => {
    const documented = REFERENCE[path];
    if (!documented) return;
    for (const s of block.body) {
      if (s.type === "Attribute" && !documented.includes(s.name))
        undocumented.push(`${path}.${s.name}`);
      // a nested block is documented under its parent (azuread.oauth) or on its own (tls_config)
      if (s.type === "Block")
        check(REFERENCE[`${path}.${s.name}`] ? `${path}.${s.name}` : s.name, s);
    }
  };
  for (const { component, block } of endpoints(text)) {
    for (const s of block.body) {
      if (s.type === "Attribute" && !REFERENCE[`${component}.endpoint`]?.includes(s.name))
        undocumented.push(`${component}.endpoint.${s.name}`);
      if (s.type === "Block") {
        if (
          !REFERENCE[s.name] &&
          !["queue_config", "write_relabel_config", "metadata_config"].includes(s.name)
        )
          undocumented.push(`${component}.endpoint.${s.name} (block)`);
        check(s.name, s);
      }
    }
  }
  for (const s of parse(text).body) {
    if (s.type !== "Block") continue;
    if (s.name.startsWith("otelcol.auth.")) {
      for (const a of s.body)
        if (a.type === "Attribute" && !REFERENCE[s.name]?.includes(a.name))
          undocumented.push(`${s.name}.${a.name}`);
    }
    if (s.name === "otelcol.exporter.datadog") {
      for (const a of s.body) {
        if (a.type === "Attribute" && !REFERENCE[s.name]?.includes(a.name))
          undocumented.push(`${s.name}.${a.name}`);
        if (a.type === "Block")
          for (const b of a.body)
            if (b.type === "Attribute" && !REFERENCE[`${s.name}.${a.name}`]?.includes(b.name))
              undocumented.push(`${s.name}.${a.name}.${b.name}`);
      }
    }
    if (s.name.startsWith("otelcol.exporter.otlp")) {
      for (const client of blocks(s.body, "client"))
        for (const tls of blocks(client.body, "tls"))
          for (const a of tls.body)
            if (a.type === "Attribute" && !REFERENCE["otelcol.client.tls"]?.includes(a.name))
              undocumented.push(`${s.name}.client.tls.${a.name}`);
    }
  }
  expect(undocumented).toEqual([]);
}

/**
 * No credential is in the text: every file the config reads lies under a mounted Secret or
 * ConfigMap volume that projects exactly that key, and every env variable it reads comes from a
 * secretKeyRef. Returns the (object, key) pairs the config reads, to compare with the values.
 */
function expectResolvedSecrets(rendered: Rendered): string[] {
  const { text, container, deployment } = rendered;
  const volumes = deployment.spec?.template.spec?.volumes ?? [];
  const resolved: string[] = [];
  const files = [
    ...text.matchAll(/(?:_file|filename|ca_file|cert_file|key_file)\s*=\s*"([^"]+)"/g),
  ].map((m) => m[1] as string);
  for (const file of files.filter(
    (f) => f.startsWith("/etc/alloy/secrets/") || f.startsWith("/etc/alloy/configmaps/"),
  )) {
    const mount = [...(container.volumeMounts ?? [])]
      .sort((a, b) => b.mountPath.length - a.mountPath.length)
      .find((m) => file.startsWith(`${m.mountPath}/`));
    expect(mount, file).toBeDefined();
    const volume = volumes.find((v) => v.name === mount?.name);
    const key = file.slice((mount?.mountPath.length ?? 0) + 1);
    const source = volume?.secret
      ? { kind: "Secret", name: volume.secret.secretName, items: volume.secret.items }
      : { kind: "ConfigMap", name: volume?.configMap?.name, items: volume?.configMap?.items };
    expect(
      source.items?.some((i) => i.key === key && i.path === key),
      file,
    ).toBe(true);
    expect(mount?.readOnly, file).toBe(true);
    resolved.push(`${source.kind}/${source.name}/${key}`);
  }
  for (const m of text.matchAll(/sys\.env\("([^"]+)"\)/g)) {
    const env = container.env?.find((e) => e.name === m[1]);
    const ref = env?.valueFrom?.secretKeyRef;
    if (
      m[1] === "HOSTNAME" ||
      m[1] === "POD_NAME" ||
      m[1] === "POD_NAMESPACE" ||
      m[1] === "NODE_NAME"
    )
      continue;
    expect(ref, m[1]).toBeDefined();
    expect(env?.value, m[1]).toBeUndefined();
    resolved.push(`Secret/${ref?.name}/${ref?.key}`);
  }
  // Nothing secret-typed is written as a literal.
  expect(text).not.toMatch(/(?:password|client_secret|secret_key|token|credentials)\s*=\s*"/);
  return [...new Set(resolved)].sort();
}

describe("credentials per destination kind", () => {
  for (const [kind, auth] of Object.entries(AUTHS)) {
    it(`remote-write with ${kind}: documented arguments, every credential a resolved Secret key`, () => {
      const rendered = render({
        ...(kind === "azureWorkload"
          ? { workloadIdentity: { azure: { clientId: "0b5a2f7e-3c1d-4e8a-9f6b-2d7c8e9a1b3c" } } }
          : {}),
        destinations: {
          prometheus: { extra: [{ name: "central", url: HTTPS_WRITE, auth: auth as never }] },
        },
      });
      expectDocumentedArguments(rendered.text);
      const resolved = expectResolvedSecrets(rendered);
      const refs = JSON.stringify(auth).match(/\{"name":"[^"]+","key":"[^"]+"\}/g) ?? [];
      for (const ref of refs) {
        const { name, key } = JSON.parse(ref) as { name: string; key: string };
        expect(resolved, `${name}/${key}`).toContain(`Secret/${name}/${key}`);
      }
    });
  }

  it("renders each kind as the block Alloy expects", () => {
    const text = render({
      destinations: {
        prometheus: {
          extra: [
            { name: "idp", url: HTTPS_WRITE, auth: AUTHS.oauth2 },
            { name: "amp", url: HTTPS_WRITE, auth: AUTHS.sigv4 },
            { name: "amp_pod", url: HTTPS_WRITE, auth: AUTHS.sigv4Identity },
            { name: "azure", url: HTTPS_WRITE, auth: AUTHS.azure },
            { name: "gmp", url: HTTPS_WRITE, auth: AUTHS.googleAdc },
          ],
        },
      },
    }).text;
    const oauth = blocks(endpointNamed(text, "idp").body, "oauth2")[0] as Block;
    expect(literal(attrs(oauth).client_id)).toBe("monitoring");
    expect(literal(attrs(oauth).client_secret_file)).toBe("/etc/alloy/secrets/idp/client-secret");
    expect(literal(attrs(oauth).token_url)).toBe("https://auth.example.com/oauth2/token");
    const sigv4 = attrs(blocks(endpointNamed(text, "amp").body, "sigv4")[0] as Block);
    expect(literal(sigv4.region)).toBe("eu-west-1");
    expect(literal(sigv4.service_name)).toBe("aps");
    expect(literal(sigv4.role_arn)).toBe("arn:aws:iam::123456789012:role/amp-writer");
    expect(sigv4.secret_key).toMatchObject({ type: "Access" });
    const podIdentity = attrs(blocks(endpointNamed(text, "amp_pod").body, "sigv4")[0] as Block);
    expect(Object.keys(podIdentity).sort()).toEqual(["region", "service_name"]);
    const azure = blocks(endpointNamed(text, "azure").body, "azuread")[0] as Block;
    expect(blocks(azure.body, "oauth")).toHaveLength(1);
    expect(blocks(endpointNamed(text, "gmp").body, "google_iam")).toHaveLength(1);
  });

  it("Loki and OTLP take basic, bearer and oauth2; the cloud kinds are refused naming the path", () => {
    for (const kind of ["sigv4", "azure", "google"] as const) {
      const message = valuesErrorOf(() =>
        render({
          destinations: {
            loki: { extra: [{ name: "l", url: HTTPS_PUSH, auth: AUTHS[kind] as never }] },
          },
        }),
      );
      expect(message).toContain("destinations.loki.extra[0].auth.type");
    }
    for (const kind of ["basic", "bearer", "oauth2"] as const) {
      const rendered = render({
        destinations: {
          loki: { extra: [{ name: "l", url: HTTPS_PUSH, auth: AUTHS[kind] }] },
          otlp: { enabled: true, endpoint: "otel.example.com:4317", auth: AUTHS[kind] },
        },
      });
      expectDocumentedArguments(rendered.text);
      expectResolvedSecrets(rendered);
      expect(rendered.text).toMatch(new RegExp(`otelcol\\.auth\\.${kind} "otlp"`));
    }
  });

  it("credential headers come from Secret keys through http_headers", () => {
    const rendered = render({
      destinations: {
        prometheus: {
          extra: [
            {
              name: "vendor",
              url: HTTPS_WRITE,
              secretHeaders: { "X-Api-Key": secret("vendor", "api-key") },
            },
          ],
        },
      },
    });
    expect(rendered.text).toMatch(
      /http_headers = \{\n\s*"X-Api-Key" = \[local\.file\.remote_write_vendor_header_0\.content\]/,
    );
    expect(expectResolvedSecrets(rendered)).toContain("Secret/vendor/api-key");
    expectDocumentedArguments(rendered.text);
  });
});

describe("TLS per destination", () => {
  it("a CA from a ConfigMap, a client certificate, a server name and a minimum version", () => {
    const rendered = render({
      destinations: { prometheus: { extra: [{ name: "mtls", url: HTTPS_WRITE, tls: TLS }] } },
    });
    const tls = attrs(blocks(endpointNamed(rendered.text, "mtls").body, "tls_config")[0] as Block);
    expect(literal(tls.ca_file)).toBe("/etc/alloy/configmaps/trust-bundle/ca-bundle.crt");
    expect(literal(tls.cert_file)).toBe("/etc/alloy/secrets/gateway-client-cert/tls.crt");
    expect(literal(tls.key_file)).toBe("/etc/alloy/secrets/gateway-client-cert/tls.key");
    expect(literal(tls.server_name)).toBe("metrics.internal.example.com");
    expect(literal(tls.min_version)).toBe("TLS13");
    expect(tls.insecure_skip_verify).toBeUndefined();
    expect(expectResolvedSecrets(rendered)).toEqual([
      "ConfigMap/trust-bundle/ca-bundle.crt",
      "Secret/gateway-client-cert/tls.crt",
      "Secret/gateway-client-cert/tls.key",
    ]);
    expectDocumentedArguments(rendered.text);
  });

  it("OTLP's client tls spells the versions as otelcol does", () => {
    const rendered = render({
      destinations: {
        otlp: {
          enabled: true,
          endpoint: "otel.example.com:4317",
          tls: { ...TLS, minVersion: "TLS12" },
        },
      },
    });
    expect(rendered.text).toMatch(
      /tls \{\n\s*ca_file\s*= "\/etc\/alloy\/configmaps\/trust-bundle\/ca-bundle\.crt"/,
    );
    expect(rendered.text).toMatch(/min_version\s*= "1\.2"/);
    expectDocumentedArguments(rendered.text);
  });

  it("refuses TLS that cannot work, naming the path and the fix", () => {
    expect(
      valuesErrorOf(() =>
        render({
          destinations: { loki: { url: "http://loki.example.com/loki/api/v1/push", tls: TLS } },
        }),
      ),
    ).toMatch(/destinations\.loki\.tls.*is plain http.*use the https URL/s);
    expect(
      valuesErrorOf(() =>
        render(extraWrite({ tls: { ca: { name: "ca" }, insecureSkipVerify: true } })),
      ),
    ).toContain("destinations.prometheus.extra[0].tls.insecureSkipVerify");
    expect(
      valuesErrorOf(() =>
        render({
          destinations: {
            otlp: { enabled: true, endpoint: "otel.example.com:4317", insecure: true, tls: TLS },
          },
        }),
      ),
    ).toMatch(/destinations\.otlp\.tls.*plain text/s);
    expect(
      valuesErrorOf(() =>
        render(
          extraWrite({ auth: { ...AUTHS.oauth2, tokenUrl: "http://auth.example.com/token" } }),
        ),
      ),
    ).toContain("destinations.prometheus.extra[0].auth.tokenUrl");
  });
});

describe("workload identity", () => {
  it("Entra workload identity needs the gateway's workloadIdentity.azure, which labels the pods", () => {
    const values: AlloyGatewayValues = {
      destinations: {
        prometheus: { extra: [{ name: "azure", url: HTTPS_WRITE, auth: AUTHS.azureWorkload }] },
      },
    };
    expect(valuesErrorOf(() => render(values))).toMatch(
      /destinations\.prometheus\.extra\[0\]\.auth\.identity.*workloadIdentity\.azure\.clientId/s,
    );
    const rendered = render({
      ...values,
      workloadIdentity: { azure: { clientId: "0b5a2f7e-3c1d-4e8a-9f6b-2d7c8e9a1b3c" } },
    });
    expect(
      rendered.deployment.spec?.template.metadata?.labels?.["azure.workload.identity/use"],
    ).toBe("true");
  });

  it("annotates the ServiceAccount for IRSA and GKE, and opens the metadata servers they need", () => {
    const built = buildGateway({
      workloadIdentity: {
        aws: { roleArn: "arn:aws:iam::123456789012:role/amp-writer" },
        gcp: { serviceAccount: "writer@project.iam.gserviceaccount.com" },
      },
      destinations: {
        prometheus: {
          extra: [
            { name: "amp", url: HTTPS_WRITE, auth: AUTHS.sigv4Identity },
            { name: "gmp", url: HTTPS_WRITE, auth: AUTHS.googleAdc },
          ],
        },
      },
    });
    const sa = find<ServiceAccount>(built.objects, "ServiceAccount");
    expect(sa.metadata?.annotations).toEqual({
      "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/amp-writer",
      "iam.gke.io/gcp-service-account": "writer@project.iam.gserviceaccount.com",
    });
    const policy = find<NetworkPolicy>(built.objects, "NetworkPolicy");
    const egress = JSON.stringify(policy.spec?.egress);
    expect(egress).toContain("169.254.169.252/32");
    expect(egress).toContain("169.254.170.23/32");
    // the token services (STS, Google OAuth) on 443
    expect(
      policy.spec?.egress?.some(
        (r) =>
          r.to?.some((p) => p.ipBlock?.cidr === "::/0") && r.ports?.some((p) => p.port === 443),
      ),
    ).toBe(true);
  });

  it("renders no identity egress, annotations or labels when nothing asks for them", () => {
    const built = buildGateway({});
    expect(
      find<ServiceAccount>(built.objects, "ServiceAccount").metadata?.annotations,
    ).toBeUndefined();
    const egress = JSON.stringify(find<NetworkPolicy>(built.objects, "NetworkPolicy").spec?.egress);
    expect(egress).not.toContain("169.254.");
  });
});

describe("Datadog", () => {
  const DATADOG: AlloyGatewayValues = {
    destinations: {
      datadog: { enabled: true, site: "datadoghq.eu", apiKey: secret("datadog", "api-key") },
    },
  };

  it("exports the metrics through otelcol.exporter.datadog, the key read from its Secret", () => {
    const rendered = render(DATADOG);
    const exporter = parse(rendered.text).body.find(
      (s): s is Block => s.type === "Block" && s.name === "otelcol.exporter.datadog",
    ) as Block;
    const api = attrs(blocks(exporter.body, "api")[0] as Block);
    expect(literal(api.site)).toBe("datadoghq.eu");
    expect(api.api_key).toMatchObject({ type: "Access" });
    expect(expectResolvedSecrets(rendered)).toEqual(["Secret/datadog/api-key"]);
    expectDocumentedArguments(rendered.text);
    // the community component needs Alloy's flag, and only then
    expect(rendered.container.args).toContain("--feature.community-components.enabled=true");
    expect(render({}).container.args).not.toContain("--feature.community-components.enabled=true");
    // every scraped sample reaches it: the scrape forwards to its receiver too
    expect(rendered.text).toMatch(
      /forward_to\s*= \[[^\]]*otelcol\.receiver\.prometheus\.datadog\.receiver/,
    );
  });

  it("is narrowed to its tier when the scrape keeps more", () => {
    const text = render({
      ...DATADOG,
      destinations: { ...DATADOG.destinations, prometheus: { tier: "recommended" } },
      allowLists: { materialize: ["mz_a"] },
      metricTiers: { recommended: { materialize: ["mz_b"] } },
      scrape: {
        jobs: [
          {
            name: "mz",
            job: "mz",
            namespaces: ["m"],
            podLabels: { a: "b" },
            portName: "metrics",
            source: "materialize",
          },
        ],
      },
    }).text;
    expect(text).toContain('prometheus.relabel "datadog_tier"');
  });

  it("requires the API key, naming the path", () => {
    expect(valuesErrorOf(() => render({ destinations: { datadog: { enabled: true } } }))).toContain(
      "destinations.datadog.apiKey",
    );
  });
});
