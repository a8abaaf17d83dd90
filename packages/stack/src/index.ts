export { COMPONENT_PREFIXES, EXTENSION_POINTS } from "./extensions.js";
export type { ExternalPeer, ExternalPeers } from "./external.js";
export { generatedFiles } from "./generated-files.js";
export {
  registerGraphCommand,
  renderGraph,
  type StackGraph,
  stackGraph,
  toMermaid,
  toSvg,
} from "./graph/index.js";
export { applySet, loadValues, readValuesFile } from "./load-values.js";
export { deepMerge } from "./merge.js";
export { renderStream, writeDirectory } from "./output.js";
export {
  PROFILE_NAMES,
  PROFILES,
  type Profile,
  type ProfileName,
  profileNotices,
} from "./profiles.js";
export { valuesJsonSchema } from "./schema.js";
export { valuesYaml } from "./show-values.js";
export {
  buildContext,
  defaultedValues,
  type Stack,
  type StackComponent,
  stack,
  stackEndpoints,
} from "./stack.js";
export {
  internalTlsLine,
  internalTlsReport,
  type StackProblem,
  type TlsConnection,
  validateStack,
} from "./validate.js";
export { type GlobalValues, globalValues, type StackValues, stackValues } from "./values.js";
export type { StackEndpoints } from "./wiring-types.js";
