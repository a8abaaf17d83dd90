/**
 * The stack's internal mutual TLS, as the umbrella sets it up: the
 * `global.internalTls` values, the cert-manager issuer every component's
 * certificate comes from, and cert-manager's CRDs for `validate`.
 *
 * cert-manager itself is the cluster owner's: the stack renders `Issuer` and
 * `Certificate` objects only, never cert-manager or its CRDs.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type BuildContext,
  type GenericKubeObject,
  type InternalTls,
  objectMeta,
  objectName,
  resourceName,
} from "@materialize-monitoring/core";
import type { CustomResourceDefinition } from "@materialize-monitoring/core/validate";
import { parse } from "yaml";
import { z } from "zod";

/** The cert-manager release whose CRDs `validate` checks the stack's Issuers and Certificates against. */
export const CERT_MANAGER_CRDS = "cert-manager-v1.21.1";

/** A Go duration of whole hours, as cert-manager takes a certificate's lifetime. */
const HOURS = /^[1-9][0-9]{0,5}h$/;
const hours = z.string().regex(HOURS, "a whole number of hours such as 2160h (90 days)");

export const internalTlsValues = z
  .strictObject({
    /**
     * mutual TLS between the stack's components, with certificates from cert-manager (which must be
     * installed); today Thanos's roles and their clients in the stack (the gateway's remote write
     * and scrapes of Thanos, Grafana's Thanos datasource)
     */
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "mutual TLS between the stack's components, with certificates from cert-manager (which must be installed); today Thanos's roles and their clients in the stack (the gateway's remote write and scrapes of Thanos, Grafana's Thanos datasource)",
      ),
    /**
     * an Issuer or ClusterIssuer of yours that signs every certificate; unset, the stack renders
     * its own CA (a self-signed root, kept in a Secret cert-manager writes)
     */
    issuerRef: z
      .strictObject({
        /** the issuer's name */
        name: objectName.describe("the issuer's name"),
        /** Issuer (in the stack's namespace) or ClusterIssuer */
        kind: z
          .enum(["Issuer", "ClusterIssuer"])
          .default("Issuer")
          .describe("Issuer (in the stack's namespace) or ClusterIssuer"),
      })
      .optional()
      .describe(
        "an Issuer or ClusterIssuer of yours that signs every certificate; unset, the stack renders its own CA (a self-signed root, kept in a Secret cert-manager writes)",
      ),
    /** lifetime of each component's certificate */
    duration: hours.default("2160h").describe("lifetime of each component's certificate"),
    /** how long before expiry cert-manager renews a certificate; less than duration */
    renewBefore: hours
      .default("720h")
      .describe("how long before expiry cert-manager renews a certificate; less than duration"),
    /** lifetime of the stack's own CA, when no issuerRef is given */
    caDuration: hours
      .default("87600h")
      .describe("lifetime of the stack's own CA, when no issuerRef is given"),
  })
  // Only when both are well-formed: a malformed one is refused alone, at its own path.
  .refine(
    (v) =>
      !HOURS.test(v.renewBefore) ||
      !HOURS.test(v.duration) ||
      Number.parseInt(v.renewBefore, 10) < Number.parseInt(v.duration, 10),
    {
      message:
        "renewBefore must be shorter than duration, or cert-manager renews the certificate forever; lower renewBefore or raise duration",
      path: ["renewBefore"],
    },
  )
  .prefault({})
  .describe("mutual TLS inside the stack, with cert-manager certificates");
export type InternalTlsValues = z.output<typeof internalTlsValues>;

function caNames(ctx: Pick<BuildContext, "namePrefix">) {
  return {
    bootstrap: resourceName(ctx, "internal-ca", "bootstrap"),
    ca: resourceName(ctx, "internal-ca"),
  };
}

/** What the build context carries when internal TLS is on. */
export function internalTlsContext(
  values: InternalTlsValues,
  ctx: Pick<BuildContext, "namePrefix">,
): InternalTls | undefined {
  if (!values.enabled) return undefined;
  const issuerRef = values.issuerRef ?? { name: caNames(ctx).ca, kind: "Issuer" as const };
  return {
    issuerRef: { ...issuerRef, group: "cert-manager.io" },
    duration: values.duration,
    renewBefore: values.renewBefore,
  };
}

/**
 * The stack's own CA when no issuer is given: a self-signed Issuer that only
 * signs the CA certificate, the CA certificate (its key re-created on each
 * renewal), and the CA Issuer that signs every component's certificate. A
 * renewed CA reaches each component's `ca.crt` as its certificate is renewed.
 */
export function internalCaObjects(
  values: InternalTlsValues,
  ctx: BuildContext,
): GenericKubeObject[] {
  if (!values.enabled || values.issuerRef) return [];
  const names = caNames(ctx);
  const meta = (objectName: string) =>
    objectMeta(ctx, { name: "internal-ca", component: "internal-tls", objectName });
  const caMeta = meta(names.ca);
  return [
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Issuer",
      metadata: meta(names.bootstrap),
      spec: { selfSigned: {} },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: caMeta,
      spec: {
        isCA: true,
        commonName: `${ctx.namespace} materialize-monitoring internal CA`,
        secretName: names.ca,
        secretTemplate: { labels: { ...caMeta.labels } },
        duration: values.caDuration,
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { name: names.bootstrap, kind: "Issuer", group: "cert-manager.io" },
      },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Issuer",
      metadata: meta(names.ca),
      spec: { ca: { secretName: names.ca } },
    },
  ];
}

let crds: readonly CustomResourceDefinition[] | undefined;

/** cert-manager's CRDs (Certificate, Issuer, ClusterIssuer), vendored verbatim, read when first needed. */
export function certManagerCrds(): readonly CustomResourceDefinition[] {
  if (!crds) {
    // dist/ and src/ are both one level below the package root, where vendor/ lives.
    const dir = join(
      dirname(fileURLToPath(import.meta.url)),
      "..",
      "vendor",
      CERT_MANAGER_CRDS,
      "crds",
    );
    crds = readdirSync(dir)
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => parse(readFileSync(join(dir, f), "utf8")) as CustomResourceDefinition);
  }
  return crds;
}
