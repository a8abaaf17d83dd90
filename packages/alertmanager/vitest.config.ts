import { sharedTestConfig } from "../../vitest.shared.js";

// The e2e suite starts real Alertmanager processes; its own hooks bound every wait.
export default sharedTestConfig(import.meta.dirname, { testTimeout: 60_000 });
