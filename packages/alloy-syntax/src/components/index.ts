/** Typed constructors for the Alloy components the stack uses, grouped as Alloy names them. */
import {
  lokiRelabel,
  lokiSourceApi,
  lokiSourceFile,
  lokiSourceKubernetes,
  lokiSourceKubernetesEvents,
  lokiWrite,
} from "./loki.js";
import { lokiProcess } from "./loki-process.js";

export * from "./common.js";
export * from "./config.js";
export * from "./discovery.js";
export * from "./local.js";
export * from "./loki.js";
export * from "./loki-process.js";
export * from "./otelcol.js";
export * from "./prometheus.js";
export * from "./registry.js";
export * from "./remote.js";

/** The `loki.*` namespace. */
export const loki = {
  source: {
    file: lokiSourceFile,
    kubernetes: lokiSourceKubernetes,
    kubernetesEvents: lokiSourceKubernetesEvents,
    api: lokiSourceApi,
  },
  process: lokiProcess,
  relabel: lokiRelabel,
  write: lokiWrite,
};
