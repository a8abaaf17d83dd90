export { GRAPH_FORMATS, type GraphFormat, registerGraphCommand, renderGraph } from "./command.js";
export { type Link, linksOf } from "./links.js";
export { toMermaid } from "./mermaid.js";
export {
  type GraphEdge,
  type GraphGroup,
  type GraphNode,
  type GraphNodeKind,
  type StackGraph,
  stackGraph,
} from "./model.js";
export { toSvg } from "./svg.js";
