import { objectStorage, scheduling, secretRef } from "@materialize-monitoring/core";
import { z } from "zod";
import { COMPONENTS } from "./registry.js";

const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "must be a DNS label: lower-case letters, digits and '-'",
  )
  .max(63);

/** Settings every component shares, applied once through the build context. */
export const globalValues = z.strictObject({
  namespace: dnsLabel.default("monitoring").describe("namespace of the monitoring stack"),
  createNamespace: z.boolean().default(true).describe("render the Namespace object"),
  instance: dnsLabel
    .default("materialize-monitoring")
    .describe("app.kubernetes.io/instance of every object"),
  namePrefix: z.string().default("").describe("prefix of every object name"),
  clusterName: z
    .string()
    .min(1)
    .default("kubernetes")
    .describe("the `cluster` label on every metric and log stream"),
  commonLabels: z.record(z.string(), z.string()).default({}),
  imageRegistry: z
    .string()
    .optional()
    .describe("mirror registry that replaces every image's registry"),
  imagePullSecrets: z.array(z.string()).default([]),
  scheduling: scheduling.partial().default({}),
  storageClass: z.string().optional().describe("storage class of every PVC without its own"),
  objectStorage: objectStorage
    .optional()
    .describe("bucket shared by Loki and Thanos unless they set their own"),
  zoneTopologyKey: z.string().default("topology.kubernetes.io/zone"),
  priorityClasses: z
    .strictObject({
      create: z.boolean().default(false).describe("render the PriorityClasses named below"),
      node: z.string().optional().describe("for node agents (alloy-agent, node-exporter)"),
      critical: z.string().optional().describe("for the pipeline and stores"),
    })
    .default({ create: false }),
  materialize: z
    .strictObject({
      namespaces: z.array(z.string()).default(["materialize-environment"]),
      operatorNamespace: z.string().default("materialize"),
      sqlMonitorSecret: secretRef.optional(),
    })
    .default({ namespaces: ["materialize-environment"], operatorNamespace: "materialize" }),
});
export type GlobalValues = z.output<typeof globalValues>;

const componentSections = Object.fromEntries(
  COMPONENTS.map((entry) => [entry.key, entry.schema.optional()]),
) as Record<string, z.ZodOptional<z.ZodType>>;

/** The umbrella values: `global`, then one section per component. */
export const stackValues = z.strictObject({
  global: globalValues.default(globalValues.parse({})),
  ...componentSections,
});
export type StackValues = z.input<typeof stackValues>;
export type ParsedStackValues = z.output<typeof stackValues>;
