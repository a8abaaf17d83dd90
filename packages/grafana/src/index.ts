export * from "./component.js";
export * from "./config.js";
export type { GrafanaEndpoints } from "./endpoints.js";
export * from "./ini.js";
export * from "./network.js";
export * from "./routes.js";
export * from "./values.js";
