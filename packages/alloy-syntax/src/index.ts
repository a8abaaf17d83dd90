export type {
  AccessExpr,
  ArrayExpr,
  Attribute,
  BinaryExpr,
  BinaryOperator,
  Block,
  BoolLiteral,
  CallExpr,
  Comment,
  CommentGroup,
  Expr,
  File,
  Identifier,
  IndexExpr,
  Literal,
  Node,
  NullLiteral,
  NumberLiteral,
  ObjectExpr,
  ObjectField,
  ParenExpr,
  Position,
  Statement,
  StringLiteral,
  UnaryExpr,
  UnaryOperator,
} from "./ast.js";
export * as ast from "./ast.js";
export { referencePath, stripPositions, walkExpressions } from "./ast.js";
export * from "./builder.js";
export * from "./components/index.js";
export * from "./errors.js";
export * from "./literals.js";
export * from "./parser.js";
export * from "./printer.js";
export * from "./recipes/index.js";
export * from "./references.js";
export * from "./scanner.js";
export * from "./schema.js";
export * from "./strings.js";
export * from "./units.js";
export * from "./values.js";
