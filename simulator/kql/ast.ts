// The syntax tree of a Resource Graph query: a table (or, as in ARG, nothing: the `resources` table)
// followed by tabular operators, each with its scalar expressions.

import type { KqlPosition } from './errors.js';

export type Expr =
  | { kind: 'literal'; value: LiteralValue; at: KqlPosition }
  | { kind: 'column'; name: string; at: KqlPosition }
  /** `$left.x` / `$right.x` in a join's `on`. */
  | { kind: 'side'; side: 'left' | 'right'; name: string; at: KqlPosition }
  | { kind: 'member'; target: Expr; key: Expr; at: KqlPosition }
  | { kind: 'call'; name: string; args: Expr[]; at: KqlPosition }
  /** `tostring(rgName = split(...))`: a name given inside an argument list (docs/resource-graph.md#naming). */
  | { kind: 'named'; name: string; expr: Expr; at: KqlPosition }
  | { kind: 'unary'; op: '-' | '+'; operand: Expr; at: KqlPosition }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; at: KqlPosition }
  /** `x in (a, b)`, `x !in~ (dynamic([...]))`, `x has_any (a, b)`, `x has_all (dynamic([...]))`. */
  | { kind: 'in'; op: string; target: Expr; list: Expr[]; at: KqlPosition }
  /** `x between (a .. b)`, `x !between (a .. b)`: both ends included. */
  | { kind: 'between'; negated: boolean; target: Expr; low: Expr; high: Expr; at: KqlPosition }
  /** `*` as an argument (arg_max(x, *)). */
  | { kind: 'star'; at: KqlPosition };

export type LiteralValue =
  | null
  | boolean
  | number
  | string
  | { datetime: number }
  | { timespan: number }
  | { dynamic: unknown };

/** `name = expr` or a bare expression, in extend / project / summarize / mv-expand. */
export interface Assignment {
  name?: string;
  expr: Expr;
}

export interface SortKey {
  expr: Expr;
  descending: boolean;
  nullsFirst: boolean;
}

export type Operator =
  | { kind: 'where'; predicate: Expr; at: KqlPosition }
  | { kind: 'extend'; columns: Assignment[]; at: KqlPosition }
  | { kind: 'project'; columns: Assignment[]; at: KqlPosition }
  | { kind: 'project-away'; names: string[]; at: KqlPosition }
  | { kind: 'project-rename'; renames: Array<{ name: string; from: string }>; at: KqlPosition }
  | { kind: 'summarize'; aggregates: Assignment[]; by: Assignment[]; at: KqlPosition }
  | { kind: 'count'; at: KqlPosition }
  | { kind: 'order'; keys: SortKey[]; at: KqlPosition }
  | { kind: 'take'; count: number; at: KqlPosition }
  | { kind: 'top'; count: number; key: SortKey; at: KqlPosition }
  | { kind: 'distinct'; columns: Assignment[] | '*'; at: KqlPosition }
  | { kind: 'mv-expand'; columns: Assignment[]; limit: number | undefined; at: KqlPosition }
  | { kind: 'join'; joinKind: string; right: Query; on: JoinKey[]; at: KqlPosition }
  | { kind: 'parse'; source: Expr; pattern: ParsePart[]; at: KqlPosition };

/** One element of a `parse ... with` pattern: a literal to find, `*` to skip, or a column to extract. */
export type ParsePart = { literal: string } | { skip: true } | { column: string; type: string };

export interface JoinKey {
  left: string;
  right: string;
}

export interface Query {
  /** The table as written; undefined when the query starts with an operator (ARG reads `resources`). */
  table: { name: string; at: KqlPosition } | undefined;
  operators: Operator[];
}
