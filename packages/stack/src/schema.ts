import { z } from "zod";
import { stackValues } from "./values.js";

/** JSON Schema of the umbrella values, input side (what a user may write). */
export function valuesJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(stackValues, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: "https://materialize-monitoring.dev/values.schema.json",
    title: "materialize-monitoring values",
  };
}
