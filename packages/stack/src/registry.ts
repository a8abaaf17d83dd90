import type { BuildContext, KubeObject } from "@materialize-monitoring/core";
import { z } from "zod";

/**
 * A component as the umbrella sees it: its values section, whether it is on,
 * and how to build it from its values and the shared context. The wiring
 * between components is the umbrella's (see stack.ts).
 */
export interface ComponentEntry {
  key: string;
  description: string;
  schema: z.ZodType;
  build(values: unknown, ctx: BuildContext): { objects: KubeObject[]; endpoints: unknown };
}

/** Components are added here as their packages land. */
export const COMPONENTS: readonly ComponentEntry[] = [];

export const componentEnabled = z.object({ enabled: z.boolean() }).partial();
