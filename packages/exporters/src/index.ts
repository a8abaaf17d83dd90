export * from "./collection.js";
export * from "./exporters.js";
export * from "./kube-state-metrics.js";
export * from "./kube-state-metrics-resources.js";
export * from "./metrics-server.js";
export * from "./node-exporter.js";
export * from "./node-exporter-collectors.js";
export * from "./pod-security.js";
export {
  type ApiServerPeer,
  apiServerPeer,
  type ScrapeEndpoint,
  type ScraperPeer,
  scraperPeer,
} from "./shared.js";
