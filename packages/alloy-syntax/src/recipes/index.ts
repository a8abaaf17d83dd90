/**
 * Recipes: plain-data descriptions of common pipelines (Kubernetes scrape
 * jobs, relabel rules, log stages) and their conversion to components, so
 * every package that writes Alloy converts the same data the same way.
 */
export * from "./kubernetes-scrape.js";
export * from "./log-stages.js";
export * from "./pipeline-graph.js";
export * from "./relabel.js";
