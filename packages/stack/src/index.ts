export { applySet, deepMerge, loadValues, readValuesFile } from "./load-values.js";
export { renderStream, writeDirectory } from "./output.js";
export { COMPONENTS, type ComponentEntry } from "./registry.js";
export { valuesJsonSchema } from "./schema.js";
export { buildContext, type Stack, type StackComponent, stack } from "./stack.js";
export { type GlobalValues, globalValues, type StackValues, stackValues } from "./values.js";
