export * from "../selectors.js";
export * from "./connections.js";
export * from "./graph.js";
export * from "./netpol.js";
export * from "./pods.js";
export * from "./policy.js";
