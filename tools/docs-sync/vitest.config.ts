import { sharedTestConfig } from "../../vitest.shared.js";

export default sharedTestConfig(import.meta.dirname, { testTimeout: 120_000 });
