// The query language of Azure Resource Graph, as far as the emulator speaks it (docs/resource-graph.md):
// text -> tokens (lexer.ts) -> syntax tree (parser.ts) -> rows (evaluate.ts). Pure: the tables and
// the clock's now come from the caller.

import { evaluate, type EvaluationContext, type Table } from './evaluate.js';
import { parseQuery } from './parser.js';

export { KqlError, type KqlErrorKind } from './errors.js';
export { evaluate, MAX_ROWS, type EvaluationContext, type Table } from './evaluate.js';
export { parseExpression, parseQuery } from './parser.js';
export { MAX_QUERY_LENGTH } from './lexer.js';
export { columnType, DateTimeValue, TimespanValue, toJson, type Value } from './values.js';
export type { Query } from './ast.js';

/** Parses and runs a query. */
export function runQuery(text: string, context: EvaluationContext): Table {
  return evaluate(parseQuery(text), context);
}
