// Runs a parsed query over in-memory tables. Every expression is compiled against the columns its
// operator sees before any row is read, so an unknown column or function fails the query as Kusto
// does (at compile time, even over an empty table). Work is bounded: rows per operator, mv-expand
// growth, joins and mv-expands per query (docs/resource-graph.md#limits).

import type { Assignment, Expr, Operator, Query, SortKey } from './ast.js';
import { KqlError } from './errors.js';
import {
  compare,
  DateTimeValue,
  equals,
  equalsIgnoreCase,
  hasTerm,
  isBag,
  MAX_STRING_LENGTH,
  TimespanValue,
  toBool,
  toDateTime,
  toNumber,
  toText,
  typeRank,
  type Value,
} from './values.js';
import { parseTimespanText } from './parser.js';
import { jsonDepth } from '../json-depth.js';

export interface Table {
  columns: string[];
  rows: Value[][];
}

export interface EvaluationContext {
  /** The simulated clock's now, for ago() and now(). */
  nowMs: number;
  /** A table by its lower-case name; undefined when there is none. */
  table(name: string): Table | undefined;
}

/** Rows any operator may produce (the emulator's bound; ARG's own is not published). */
export const MAX_ROWS = 200_000;
/** ARG: at most 3 joins and 2 mv-expands per query; mv-expand makes at most 128 rows per row unless `limit` says up to 400 (arg-language). */
export const MAX_JOINS = 3;
export const MAX_MV_EXPANDS = 2;
export const MV_EXPAND_DEFAULT_LIMIT = 128;
export const MV_EXPAND_MAX_LIMIT = 400;
/** Nesting parse_json() reads (JSON.stringify of a deeper value would overflow the stack). */
export const MAX_JSON_DEPTH = 128;
/** ARG's join kinds (arg-language). */
const JOIN_KINDS = new Set(['innerunique', 'inner', 'leftouter']);

type Row = Value[];
type Fn = (row: Row) => Value;

interface Scope {
  columns: string[];
  index: Map<string, number>;
}

const scopeOf = (columns: string[]): Scope => ({ columns, index: new Map(columns.map((name, i) => [name, i])) });

export function evaluate(query: Query, context: EvaluationContext): Table {
  let joins = 0;
  let expands = 0;
  const count = (q: Query) => {
    for (const operator of q.operators) {
      if (operator.kind === 'join') {
        joins++;
        count(operator.right);
      }
      if (operator.kind === 'mv-expand') expands++;
    }
  };
  count(query);
  if (joins > MAX_JOINS) throw new KqlError('limit', `The query has ${joins} joins; at most ${MAX_JOINS} are allowed.`);
  if (expands > MAX_MV_EXPANDS) throw new KqlError('limit', `The query has ${expands} mv-expand operators; at most ${MAX_MV_EXPANDS} are allowed.`);
  return run(query, context);
}

function run(query: Query, context: EvaluationContext): Table {
  const name = query.table?.name ?? 'resources';
  const source = context.table(name.toLowerCase());
  if (!source) throw new KqlError('table', `Table ${name} is invalid, unsupported or disallowed.`, query.table?.at, name);
  checkRows(source.rows.length);
  let table = source;
  for (const operator of query.operators) {
    table = apply(operator, table, context);
    checkRows(table.rows.length);
  }
  return table;
}

function checkRows(count: number): void {
  if (count > MAX_ROWS) throw new KqlError('limit', `The query produced more than ${MAX_ROWS} rows at one step; narrow it with where or take.`);
}

function apply(operator: Operator, table: Table, context: EvaluationContext): Table {
  const scope = scopeOf(table.columns);
  switch (operator.kind) {
    case 'where': {
      const predicate = compile(operator.predicate, scope, context);
      return { columns: table.columns, rows: table.rows.filter((row) => predicate(row) === true) };
    }
    case 'extend': {
      const columns = [...table.columns];
      const current = scopeOf(columns);
      // A later column of the same extend sees the earlier ones (Kusto).
      const steps: Array<{ at: number; fn: Fn }> = [];
      let auto = 0;
      for (const assignment of operator.columns) {
        const fn = compile(assignment.expr, current, context);
        const name = assignment.name ?? autoName(assignment.expr) ?? `Column${++auto}`;
        let at = current.index.get(name);
        if (at === undefined) {
          at = columns.length;
          columns.push(name);
          current.index.set(name, at);
        }
        steps.push({ at, fn });
      }
      const rows = table.rows.map((row) => {
        const out = row.slice();
        for (const step of steps) out[step.at] = step.fn(out);
        return out;
      });
      return { columns, rows };
    }
    case 'project': {
      const { names, fns } = projection(operator.columns, scope, context, 'project');
      return { columns: names, rows: table.rows.map((row) => fns.map((fn) => fn(row))) };
    }
    case 'project-away': {
      for (const name of operator.names) if (!scope.index.has(name)) throw unresolved(name);
      const keep = table.columns.map((_c, i) => i).filter((i) => !operator.names.includes(table.columns[i]!));
      return { columns: keep.map((i) => table.columns[i]!), rows: table.rows.map((row) => keep.map((i) => row[i]!)) };
    }
    case 'project-rename': {
      const columns = [...table.columns];
      for (const { name, from } of operator.renames) {
        const at = columns.indexOf(from);
        if (at < 0) throw unresolved(from);
        columns[at] = name;
      }
      if (new Set(columns).size !== columns.length) throw new KqlError('semantic', 'project-rename: a column name is used twice.');
      return { columns, rows: table.rows };
    }
    case 'summarize':
      return summarize(operator.aggregates, operator.by, table, scope, context);
    case 'count':
      return { columns: ['Count'], rows: [[table.rows.length]] };
    case 'order':
      return { columns: table.columns, rows: sortRows(table.rows, operator.keys, scope, context) };
    case 'take':
      return { columns: table.columns, rows: table.rows.slice(0, operator.count) };
    case 'top':
      return { columns: table.columns, rows: sortRows(table.rows, [operator.key], scope, context).slice(0, operator.count) };
    case 'distinct': {
      if (operator.columns === '*') return { columns: table.columns, rows: uniqueRows(table.rows) };
      const { names, fns } = projection(operator.columns, scope, context, 'distinct');
      return { columns: names, rows: uniqueRows(table.rows.map((row) => fns.map((fn) => fn(row)))) };
    }
    case 'mv-expand':
      return mvExpand(operator.columns, operator.limit, table, scope, context);
    case 'join':
      return join(operator, table, context);
    case 'parse':
      return parse(operator, table, scope, context);
  }
}

/**
 * parse, kind=simple: the pattern is matched from the start of the text; a column or `*` takes the
 * text up to the first occurrence of the literal after it, or the rest at the end; the whole text
 * must be used. A text that does not match gives empty strings (nulls for other types).
 */
function parse(operator: Extract<Operator, { kind: 'parse' }>, table: Table, scope: Scope, context: EvaluationContext): Table {
  const source = compile(operator.source, scope, context);
  const columns = [...table.columns];
  const targets = new Map<string, number>();
  for (const part of operator.pattern) {
    if (!('column' in part)) continue;
    let at = columns.indexOf(part.column);
    if (at < 0) {
      at = columns.length;
      columns.push(part.column);
    }
    targets.set(part.column, at);
  }
  const convert = (text: string, type: string): Value => {
    switch (type) {
      case 'string':
        return text;
      case 'long':
      case 'int': {
        const n = toNumber(text);
        return n === null ? null : Math.trunc(n);
      }
      case 'real':
      case 'double':
        return toNumber(text);
      case 'bool':
        return toBool(text);
      case 'datetime':
        return toDateTime(text);
      case 'timespan': {
        const ms = parseTimespanText(text);
        return ms === undefined ? null : new TimespanValue(ms);
      }
      default:
        try {
          return JSON.parse(text) as Value;
        } catch {
          return text;
        }
    }
  };
  const rows = table.rows.map((row) => {
    const text = toText(source(row));
    const out = row.slice();
    const captured = new Map<string, string>();
    let position = 0;
    let ok = true;
    for (let i = 0; i < operator.pattern.length && ok; i++) {
      const part = operator.pattern[i]!;
      if ('literal' in part) {
        ok = text.startsWith(part.literal, position);
        position += part.literal.length;
        continue;
      }
      const next = operator.pattern[i + 1];
      let end: number;
      if (next && 'literal' in next) {
        end = text.indexOf(next.literal, position);
        if (end < 0) ok = false;
      } else {
        end = text.length;
      }
      if (ok && 'column' in part) captured.set(part.column, text.slice(position, end));
      position = end;
    }
    if (position !== text.length) ok = false;
    for (const part of operator.pattern) {
      if (!('column' in part)) continue;
      out[targets.get(part.column)!] = ok ? convert(captured.get(part.column) ?? '', part.type) : part.type === 'string' ? '' : null;
    }
    return out;
  });
  return { columns, rows };
}

function projection(columns: Assignment[], scope: Scope, context: EvaluationContext, operator: string): { names: string[]; fns: Fn[] } {
  const names: string[] = [];
  const fns: Fn[] = [];
  let auto = 0;
  for (const assignment of columns) {
    const name = assignment.name ?? autoName(assignment.expr) ?? `Column${++auto}`;
    if (names.includes(name)) throw new KqlError('semantic', `${operator}: the column name '${name}' is used twice.`, assignment.expr.at);
    names.push(name);
    fns.push(compile(assignment.expr, scope, context));
  }
  return { names, fns };
}

/**
 * The name Kusto gives an unnamed column: a column's own name, a property path with underscores
 * (`properties.osType` -> `properties_osType`), through a conversion function; or the name given
 * inside an argument (`tostring(rgName = split(id, "/", 4))` -> `rgName`, docs/resource-graph.md#naming).
 */
export function autoName(expr: Expr): string | undefined {
  const named = findNamed(expr);
  if (named) return named;
  return pathName(expr);
}

const CONVERSIONS = new Set(['tostring', 'toint', 'tolong', 'todouble', 'toreal', 'tobool', 'toboolean', 'todatetime', 'totimespan', 'todynamic', 'toobject', 'parse_json', 'todecimal']);

function pathName(expr: Expr): string | undefined {
  if (expr.kind === 'column') return expr.name;
  if (expr.kind === 'member') {
    const target = pathName(expr.target);
    if (target === undefined || expr.key.kind !== 'literal') return undefined;
    const key = expr.key.value;
    return typeof key === 'string' || typeof key === 'number' ? `${target}_${key}` : undefined;
  }
  if (expr.kind === 'call' && CONVERSIONS.has(expr.name) && expr.args.length === 1) return pathName(expr.args[0]!);
  return undefined;
}

function findNamed(expr: Expr): string | undefined {
  if (expr.kind === 'named') return expr.name;
  if (expr.kind === 'call') {
    for (const arg of expr.args) {
      const found = findNamed(arg);
      if (found) return found;
    }
  }
  return undefined;
}

const unresolved = (name: string, at?: Expr['at']) => new KqlError('semantic', `Failed to resolve scalar expression named '${name}'.`, at, name);

// --- Scalar expressions ---------------------------------------------------------------------------

function compile(expr: Expr, scope: Scope, context: EvaluationContext): Fn {
  switch (expr.kind) {
    case 'literal': {
      const v = expr.value;
      const value: Value =
        v !== null && typeof v === 'object'
          ? 'datetime' in v ? new DateTimeValue(v.datetime) : 'timespan' in v ? new TimespanValue(v.timespan) : (v.dynamic as Value)
          : v;
      return () => value;
    }
    case 'column': {
      const at = scope.index.get(expr.name);
      if (at === undefined) throw unresolved(expr.name, expr.at);
      return (row) => row[at] ?? null;
    }
    case 'side':
      throw new KqlError('semantic', `'$${expr.side}' can only be used in a join's 'on' clause.`, expr.at, `$${expr.side}`);
    case 'star':
      throw new KqlError('semantic', "'*' is only an argument of arg_max / arg_min.", expr.at, '*');
    case 'named':
      return compile(expr.expr, scope, context);
    case 'member': {
      const target = compile(expr.target, scope, context);
      const key = compile(expr.key, scope, context);
      return (row) => member(target(row), key(row));
    }
    case 'unary': {
      const operand = compile(expr.operand, scope, context);
      if (expr.op === '+') return operand;
      return (row) => {
        const v = operand(row);
        if (v instanceof TimespanValue) return new TimespanValue(-v.ms);
        const n = toNumber(v);
        return typeof v === 'number' && n !== null ? -n : null;
      };
    }
    case 'between': {
      const target = compile(expr.target, scope, context);
      const low = compile(expr.low, scope, context);
      const high = compile(expr.high, scope, context);
      return (row) => {
        const value = target(row);
        const from = low(row);
        let to = high(row);
        // A range of datetimes may end in a timespan, counted from its start: between (t .. 1d).
        if (from instanceof DateTimeValue && to instanceof TimespanValue) to = new DateTimeValue(from.ms + to.ms);
        const above = compare(value, from);
        const below = compare(value, to);
        if (above === null || below === null) return null;
        const inside = above >= 0 && below <= 0;
        return expr.negated ? !inside : inside;
      };
    }
    case 'in': {
      const target = compile(expr.target, scope, context);
      const items = expr.list.map((item) => compile(item, scope, context));
      if (expr.op === 'has_any' || expr.op === 'has_all') {
        const all = expr.op === 'has_all';
        return (row) => {
          const hay = toText(target(row));
          // Whole terms, case-insensitive, as `has`; a dynamic array in the list stands for its elements.
          const terms = items.flatMap((item) => {
            const candidate = item(row);
            return Array.isArray(candidate) ? candidate : [candidate];
          });
          const has = (term: unknown) => hasTerm(hay, toText(term as Value), false);
          return all ? terms.every(has) : terms.some(has);
        };
      }
      const ignoreCase = expr.op.endsWith('~');
      const negated = expr.op.startsWith('!');
      return (row) => {
        const value = target(row);
        if (value === null) return negated ? true : false;
        let found = false;
        for (const item of items) {
          const candidate = item(row);
          // A dynamic array in the list stands for its elements.
          const options = Array.isArray(candidate) ? candidate : [candidate];
          for (const option of options) {
            if ((ignoreCase ? equalsIgnoreCase(value, option) : equals(value, option)) === true) {
              found = true;
              break;
            }
          }
          if (found) break;
        }
        return negated ? !found : found;
      };
    }
    case 'binary':
      return binary(expr.op, compile(expr.left, scope, context), compile(expr.right, scope, context));
    case 'call':
      return call(expr, scope, context);
  }
}

function member(target: Value, key: Value): Value {
  if (Array.isArray(target)) {
    const n = toNumber(key);
    if (n === null || !Number.isInteger(n)) return null;
    const index = n < 0 ? target.length + n : n;
    return (target[index] as Value | undefined) ?? null;
  }
  if (isBag(target) && typeof key === 'string') {
    return Object.hasOwn(target, key) ? ((target[key] as Value | undefined) ?? null) : null;
  }
  return null;
}

function binary(op: string, left: Fn, right: Fn): Fn {
  switch (op) {
    case 'and':
      return (row) => {
        const a = toBool(left(row));
        if (a === false) return false;
        const b = toBool(right(row));
        if (b === false) return false;
        return a === true && b === true ? true : null;
      };
    case 'or':
      return (row) => {
        const a = toBool(left(row));
        if (a === true) return true;
        const b = toBool(right(row));
        if (b === true) return true;
        return a === false && b === false ? false : null;
      };
    case '==':
      return (row) => equals(left(row), right(row));
    case '!=':
      return (row) => negate(equals(left(row), right(row)));
    case '=~':
      return (row) => equalsIgnoreCase(left(row), right(row));
    case '!~':
      return (row) => negate(equalsIgnoreCase(left(row), right(row)));
    case '<':
      return (row) => ordered(compare(left(row), right(row)), (c) => c < 0);
    case '<=':
      return (row) => ordered(compare(left(row), right(row)), (c) => c <= 0);
    case '>':
      return (row) => ordered(compare(left(row), right(row)), (c) => c > 0);
    case '>=':
      return (row) => ordered(compare(left(row), right(row)), (c) => c >= 0);
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return (row) => arithmetic(op, left(row), right(row));
  }
  // The string operators: has, contains, startswith, endswith, their _cs and negated forms.
  const negated = op.startsWith('!');
  const base = negated ? op.slice(1) : op;
  const caseSensitive = base.endsWith('_cs');
  const name = caseSensitive ? base.slice(0, -3) : base;
  const test = (hay: string, needle: string): boolean => {
    switch (name) {
      case 'has':
        return hasTerm(hay, needle, caseSensitive);
      case 'hasprefix':
        return hasTerm(hay, needle, caseSensitive, 'prefix');
      case 'hassuffix':
        return hasTerm(hay, needle, caseSensitive, 'suffix');
      case 'contains':
        return caseSensitive ? hay.includes(needle) : hay.toLowerCase().includes(needle.toLowerCase());
      case 'startswith':
        return caseSensitive ? hay.startsWith(needle) : hay.toLowerCase().startsWith(needle.toLowerCase());
      default:
        return caseSensitive ? hay.endsWith(needle) : hay.toLowerCase().endsWith(needle.toLowerCase());
    }
  };
  return (row) => {
    const result = test(toText(left(row)), toText(right(row)));
    return negated ? !result : result;
  };
}

const negate = (value: boolean | null) => (value === null ? null : !value);
const ordered = (c: number | null, test: (c: number) => boolean) => (c === null ? null : test(c));

function arithmetic(op: string, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  if (a instanceof DateTimeValue || b instanceof DateTimeValue) {
    if (a instanceof DateTimeValue && b instanceof TimespanValue) return op === '+' ? new DateTimeValue(a.ms + b.ms) : op === '-' ? new DateTimeValue(a.ms - b.ms) : null;
    if (a instanceof TimespanValue && b instanceof DateTimeValue && op === '+') return new DateTimeValue(a.ms + b.ms);
    if (a instanceof DateTimeValue && b instanceof DateTimeValue && op === '-') return new TimespanValue(a.ms - b.ms);
    return null;
  }
  if (a instanceof TimespanValue || b instanceof TimespanValue) {
    if (a instanceof TimespanValue && b instanceof TimespanValue) {
      if (op === '+') return new TimespanValue(a.ms + b.ms);
      if (op === '-') return new TimespanValue(a.ms - b.ms);
      if (op === '/') return b.ms === 0 ? null : a.ms / b.ms;
      return null;
    }
    const span = a instanceof TimespanValue ? a : (b as TimespanValue);
    const n = toNumber(a instanceof TimespanValue ? b : a);
    if (n === null) return null;
    if (op === '*') return new TimespanValue(span.ms * n);
    if (op === '/' && a instanceof TimespanValue) return n === 0 ? null : new TimespanValue(span.ms / n);
    return null;
  }
  if (typeof a !== 'number' || typeof b !== 'number') return null;
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) return null;
      // long / long stays a long in Kusto.
      return Number.isInteger(a) && Number.isInteger(b) ? Math.trunc(a / b) : a / b;
    default:
      return b === 0 ? null : a % b;
  }
}

/** Kusto functions that exist but the emulator does not implement: named as unsupported, not unknown. */
const KNOWN_UNSUPPORTED = new Set([
  'extract', 'extract_all', 'parse_url', 'parse_path', 'format_datetime', 'datetime_diff', 'datetime_add', 'startofday', 'startofweek',
  'startofmonth', 'endofday', 'dayofweek', 'bag_keys', 'bag_pack', 'pack', 'pack_array', 'array_concat', 'array_slice', 'set_union',
  'trim', 'trim_start', 'trim_end', 'replace', 'replace_regex', 'countof', 'round', 'floor', 'ceiling', 'abs', 'hash', 'base64_encode_tostring',
  'base64_decode_tostring', 'typeof', 'gettype', 'ipv4_is_match', 'parse_ipv4', 'max_of', 'min_of', 'todecimal', 'toguid', 'strcat_delim',
  'strcat_array', 'array_index_of', 'reverse', 'unixtime_seconds_todatetime', 'make_datetime', 'format_timespan', 'bag_merge', 'zip', 'percentile',
]);
const AGGREGATES = new Set(['count', 'countif', 'dcount', 'dcountif', 'sum', 'sumif', 'avg', 'avgif', 'min', 'max', 'make_list', 'make_set', 'take_any', 'any', 'arg_max', 'arg_min', 'make_bag']);

function call(expr: Extract<Expr, { kind: 'call' }>, scope: Scope, context: EvaluationContext): Fn {
  const name = expr.name;
  const args = expr.args.map((arg) => compile(arg, scope, context));
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) {
      throw new KqlError('semantic', `The function '${name}' expects ${min === max ? min : `${min} to ${max}`} argument(s).`, expr.at, name);
    }
  };
  const [a, b, c] = args as [Fn, Fn, Fn];
  switch (name) {
    case 'tostring':
      arity(1);
      return (row) => toText(a(row));
    case 'toint':
    case 'tolong':
      arity(1);
      return (row) => {
        const n = toNumber(a(row));
        return n === null ? null : Math.trunc(n);
      };
    case 'todouble':
    case 'toreal':
      arity(1);
      return (row) => toNumber(a(row));
    case 'tobool':
    case 'toboolean':
      arity(1);
      return (row) => toBool(a(row));
    case 'todatetime':
      arity(1);
      return (row) => toDateTime(a(row));
    case 'totimespan':
      arity(1);
      return (row) => {
        const v = a(row);
        if (v instanceof TimespanValue) return v;
        const ms = typeof v === 'string' ? parseTimespanText(v) : undefined;
        return ms === undefined ? null : new TimespanValue(ms);
      };
    case 'parse_json':
    case 'todynamic':
    case 'toobject':
      arity(1);
      return (row) => {
        const v = a(row);
        if (typeof v !== 'string') return v;
        if (jsonDepth(v) > MAX_JSON_DEPTH) throw new KqlError('limit', `${name}(): the JSON nests deeper than ${MAX_JSON_DEPTH} levels.`, expr.at, name);
        try {
          return JSON.parse(v) as Value;
        } catch {
          return v;
        }
      };
    case 'tolower':
      arity(1);
      return (row) => toText(a(row)).toLowerCase();
    case 'toupper':
      arity(1);
      return (row) => toText(a(row)).toUpperCase();
    case 'strlen':
      arity(1);
      return (row) => toText(a(row)).length;
    case 'strcat':
      arity(1, 64);
      return (row) => {
        let out = '';
        for (const arg of args) {
          out += toText(arg(row));
          if (out.length > MAX_STRING_LENGTH) throw new KqlError('limit', `strcat() built a string longer than ${MAX_STRING_LENGTH} characters.`);
        }
        return out;
      };
    case 'substring':
      arity(2, 3);
      return (row) => {
        const text = toText(a(row));
        const start = toNumber(b(row));
        if (start === null) return null;
        const from = Math.max(0, Math.trunc(start));
        const length = c ? toNumber(c(row)) : text.length;
        return length === null ? null : text.substr(from, Math.max(0, Math.trunc(length)));
      };
    case 'indexof':
      arity(2);
      return (row) => toText(a(row)).indexOf(toText(b(row)));
    case 'replace_string':
      arity(3);
      return (row) => {
        const lookup = toText(b(row));
        const text = toText(a(row));
        if (lookup === '') return text;
        const out = text.split(lookup).join(toText(c(row)));
        if (out.length > MAX_STRING_LENGTH) throw new KqlError('limit', `replace_string() built a string longer than ${MAX_STRING_LENGTH} characters.`);
        return out;
      };
    case 'split':
      // Kusto: split(s, d) is the array of parts; split(s, d, n) a one-element array, or empty.
      arity(2, 3);
      return (row) => {
        const delimiter = toText(b(row));
        const text = toText(a(row));
        const parts = delimiter === '' ? [text] : text.split(delimiter);
        if (!c) return parts;
        const n = toNumber(c(row));
        if (n === null || !Number.isInteger(n) || n < 0) return null;
        return n < parts.length ? [parts[n]!] : [];
      };
    case 'isnull':
      arity(1);
      return (row) => a(row) === null;
    case 'isnotnull':
      arity(1);
      return (row) => a(row) !== null;
    case 'isempty':
      arity(1);
      return (row) => toText(a(row)) === '';
    case 'isnotempty':
      arity(1);
      return (row) => toText(a(row)) !== '';
    case 'not':
      arity(1);
      return (row) => negate(toBool(a(row)));
    case 'iff':
    case 'iif':
      arity(3);
      return (row) => (toBool(a(row)) === true ? b(row) : c(row));
    case 'case':
      if (args.length < 3 || args.length % 2 === 0) throw new KqlError('semantic', "The function 'case' expects pairs of predicate and value, then an else value.", expr.at, name);
      return (row) => {
        for (let i = 0; i + 1 < args.length; i += 2) if (toBool(args[i]!(row)) === true) return args[i + 1]!(row);
        return args[args.length - 1]!(row);
      };
    case 'coalesce':
      arity(1, 64);
      return (row) => {
        for (const arg of args) {
          const v = arg(row);
          if (v !== null && v !== '') return v;
        }
        return null;
      };
    case 'array_length':
      arity(1);
      return (row) => {
        const v = a(row);
        return Array.isArray(v) ? v.length : null;
      };
    case 'now':
      arity(0, 1);
      return (row) => {
        const offset = b === undefined && a ? a(row) : null;
        return new DateTimeValue(context.nowMs + (offset instanceof TimespanValue ? offset.ms : 0));
      };
    case 'ago':
      arity(1);
      return (row) => {
        const span = a(row);
        return span instanceof TimespanValue ? new DateTimeValue(context.nowMs - span.ms) : null;
      };
    case 'bin':
    case 'floor':
      arity(2);
      return (row) => {
        const v = a(row);
        const size = b(row);
        if (v instanceof DateTimeValue && size instanceof TimespanValue && size.ms > 0) return new DateTimeValue(Math.floor(v.ms / size.ms) * size.ms);
        const n = toNumber(v);
        const s = toNumber(size);
        return n !== null && s !== null && s > 0 && typeof v === 'number' ? Math.floor(n / s) * s : null;
      };
  }
  if (AGGREGATES.has(name)) throw new KqlError('semantic', `The aggregate function '${name}' can only be used in summarize.`, expr.at, name);
  if (KNOWN_UNSUPPORTED.has(name)) throw new KqlError('unsupported', `The function '${name}' is not supported by the emulator.`, expr.at, name);
  throw new KqlError('semantic', `Unknown function: '${name}'.`, expr.at, name);
}

// --- Tabular operators ----------------------------------------------------------------------------

/** A value as a map key: equal values (by ==) share one. */
function keyOf(value: Value): string {
  if (value === null) return 'n';
  if (value instanceof DateTimeValue) return `d${value.ms}`;
  if (value instanceof TimespanValue) return `t${value.ms}`;
  return `${typeRank(value)}${toText(value)}`;
}

const rowKey = (values: Value[]) => values.map(keyOf).join('\u0000');

function uniqueRows(rows: Row[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = rowKey(row);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortRows(rows: Row[], keys: SortKey[], scope: Scope, context: EvaluationContext): Row[] {
  const fns = keys.map((key) => compile(key.expr, scope, context));
  const decorated = rows.map((row) => ({ row, values: fns.map((fn) => fn(row)) }));
  decorated.sort((x, y) => {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const a = x.values[i]!;
      const b = y.values[i]!;
      if (a === null || b === null) {
        if (a === null && b === null) continue;
        return (a === null) === key.nullsFirst ? -1 : 1;
      }
      const rank = typeRank(a) - typeRank(b);
      let c = rank !== 0 ? rank : (compare(a, b) ?? 0);
      if (key.descending) c = -c;
      if (c !== 0) return c;
    }
    return 0;
  });
  return decorated.map((d) => d.row);
}

interface Aggregate {
  names: string[];
  init(): unknown;
  add(state: unknown, row: Row): unknown;
  result(state: unknown): Value[];
}

function aggregateOf(assignment: Assignment, scope: Scope, context: EvaluationContext, byNames: string[]): Aggregate {
  const expr = assignment.expr;
  if (expr.kind !== 'call' || !AGGREGATES.has(expr.name)) {
    throw new KqlError('semantic', 'summarize: each aggregate must be an aggregation function such as count() or sum(x).', expr.at);
  }
  const fn = expr.name;
  const argName = (i: number) => (expr.args[i] ? (autoName(expr.args[i]!) ?? '') : '');
  const named = (prefix: string, i = 0) => assignment.name ?? (argName(i) ? `${prefix}_${argName(i)}` : `${prefix}_`);
  const arity = (n: number) => {
    if (expr.args.length !== n) throw new KqlError('semantic', `The function '${fn}' expects ${n} argument(s).`, expr.at, fn);
  };
  const arg = (i: number) => compile(expr.args[i]!, scope, context);
  switch (fn) {
    case 'count':
      arity(0);
      return { names: [assignment.name ?? 'count_'], init: () => 0, add: (s) => (s as number) + 1, result: (s) => [s as number] };
    case 'countif': {
      arity(1);
      const p = arg(0);
      return { names: [assignment.name ?? 'countif_'], init: () => 0, add: (s, row) => (s as number) + (p(row) === true ? 1 : 0), result: (s) => [s as number] };
    }
    case 'dcount': {
      if (expr.args.length < 1 || expr.args.length > 2) arity(1);
      const x = arg(0);
      return {
        names: [named('dcount')],
        init: () => new Set<string>(),
        add: (s, row) => {
          const v = x(row);
          if (v !== null) (s as Set<string>).add(keyOf(v));
          return s;
        },
        result: (s) => [(s as Set<string>).size],
      };
    }
    case 'sum':
    case 'avg': {
      arity(1);
      const x = arg(0);
      return {
        names: [named(fn)],
        init: () => ({ sum: 0, n: 0 }),
        add: (s, row) => {
          const state = s as { sum: number; n: number };
          const v = x(row);
          const n = typeof v === 'number' ? v : null;
          if (n !== null) {
            state.sum += n;
            state.n++;
          }
          return state;
        },
        result: (s) => {
          const state = s as { sum: number; n: number };
          return [fn === 'sum' ? state.sum : state.n === 0 ? null : state.sum / state.n];
        },
      };
    }
    case 'min':
    case 'max': {
      arity(1);
      const x = arg(0);
      return {
        names: [named(fn)],
        init: () => ({ value: null as Value }),
        add: (s, row) => {
          const state = s as { value: Value };
          const v = x(row);
          if (v === null) return state;
          const c = state.value === null ? null : compare(v, state.value);
          if (state.value === null || (c !== null && (fn === 'max' ? c > 0 : c < 0))) state.value = v;
          return state;
        },
        result: (s) => [(s as { value: Value }).value],
      };
    }
    case 'make_list':
    case 'make_set': {
      if (expr.args.length < 1 || expr.args.length > 2) arity(1);
      const x = arg(0);
      const set = fn === 'make_set';
      return {
        names: [named(set ? 'set' : 'list')],
        init: () => ({ items: [] as Value[], seen: new Set<string>() }),
        add: (s, row) => {
          const state = s as { items: Value[]; seen: Set<string> };
          const v = x(row);
          if (v === null) return state;
          if (set) {
            const key = keyOf(v);
            if (state.seen.has(key)) return state;
            state.seen.add(key);
          }
          state.items.push(v);
          return state;
        },
        result: (s) => [(s as { items: Value[] }).items],
      };
    }
    case 'take_any':
    case 'any': {
      arity(1);
      const x = arg(0);
      return {
        names: [assignment.name ?? (argName(0) ? `any_${argName(0)}` : 'any_')],
        init: () => ({ set: false, value: null as Value }),
        add: (s, row) => {
          const state = s as { set: boolean; value: Value };
          if (!state.set) {
            state.set = true;
            state.value = x(row);
          }
          return state;
        },
        result: (s) => [(s as { value: Value }).value],
      };
    }
    case 'arg_max':
    case 'arg_min': {
      if (expr.args.length < 2) throw new KqlError('semantic', `The function '${fn}' expects at least 2 argument(s).`, expr.at, fn);
      const x = arg(0);
      const firstName = assignment.name ?? argName(0) ?? '';
      const extras: Array<{ name: string; index: number | undefined; fn: Fn | undefined }> = [];
      for (const extra of expr.args.slice(1)) {
        if (extra.kind === 'star') {
          for (const [i, column] of scope.columns.entries()) {
            if (column !== firstName && !byNames.includes(column)) extras.push({ name: column, index: i, fn: undefined });
          }
        } else {
          extras.push({ name: autoName(extra) ?? `Column${extras.length + 1}`, index: undefined, fn: compile(extra, scope, context) });
        }
      }
      const wantMax = fn === 'arg_max';
      return {
        names: [firstName || (wantMax ? 'max_' : 'min_'), ...extras.map((e) => e.name)],
        init: () => ({ best: null as Value, row: null as Row | null }),
        add: (s, row) => {
          const state = s as { best: Value; row: Row | null };
          const v = x(row);
          if (v === null) return state;
          const c = state.best === null ? null : compare(v, state.best);
          if (state.best === null || (c !== null && (wantMax ? c > 0 : c < 0))) {
            state.best = v;
            state.row = row;
          }
          return state;
        },
        result: (s) => {
          const state = s as { best: Value; row: Row | null };
          const row = state.row;
          return [state.best, ...extras.map((e) => (row === null ? null : e.fn ? e.fn(row) : (row[e.index!] ?? null)))];
        },
      };
    }
    default:
      throw new KqlError('unsupported', `The aggregate function '${fn}' is not supported by the emulator.`, expr.at, fn);
  }
}

function summarize(aggregates: Assignment[], by: Assignment[], table: Table, scope: Scope, context: EvaluationContext): Table {
  const byProjection = projection(by, scope, context, 'summarize');
  const aggs = aggregates.map((assignment) => aggregateOf(assignment, scope, context, byProjection.names));
  const columns = [...byProjection.names, ...aggs.flatMap((agg) => agg.names)];
  if (new Set(columns).size !== columns.length) throw new KqlError('semantic', 'summarize: a column name is used twice.');
  const groups = new Map<string, { keys: Value[]; states: unknown[] }>();
  for (const row of table.rows) {
    const keys = byProjection.fns.map((fn) => fn(row));
    const key = rowKey(keys);
    let group = groups.get(key);
    if (!group) {
      group = { keys, states: aggs.map((agg) => agg.init()) };
      groups.set(key, group);
    }
    for (let i = 0; i < aggs.length; i++) group.states[i] = aggs[i]!.add(group.states[i], row);
  }
  // Without `by`, an empty input still summarizes to one row (count() = 0).
  if (by.length === 0 && groups.size === 0) groups.set('', { keys: [], states: aggs.map((agg) => agg.init()) });
  const rows = [...groups.values()].map((group) => [...group.keys, ...aggs.flatMap((agg, i) => agg.result(group.states[i]))]);
  return { columns, rows };
}

function mvExpand(columns: Assignment[], limit: number | undefined, table: Table, scope: Scope, context: EvaluationContext): Table {
  if (limit !== undefined && limit > MV_EXPAND_MAX_LIMIT) {
    throw new KqlError('limit', `mv-expand's limit is at most ${MV_EXPAND_MAX_LIMIT}.`);
  }
  const perRow = limit ?? MV_EXPAND_DEFAULT_LIMIT;
  const outColumns = [...table.columns];
  const targets = columns.map((assignment) => {
    const name = assignment.name ?? pathName(assignment.expr);
    if (name === undefined) throw new KqlError('semantic', 'mv-expand: name the expanded expression (name = expression).', assignment.expr.at);
    let at = outColumns.indexOf(name);
    if (at < 0) {
      at = outColumns.length;
      outColumns.push(name);
    }
    return { at, fn: compile(assignment.expr, scope, context) };
  });
  const rows: Row[] = [];
  for (const row of table.rows) {
    const lists = targets.map((target) => {
      const value = target.fn(row);
      if (Array.isArray(value)) return value as Value[];
      // A property bag expands to one single-property bag per property.
      if (isBag(value)) return Object.keys(value).map((k) => ({ [k]: value[k] }) as Value);
      return [value];
    });
    const length = Math.min(perRow, Math.max(...lists.map((list) => list.length)));
    for (let i = 0; i < length; i++) {
      const out = row.slice();
      targets.forEach((target, t) => {
        out[target.at] = lists[t]![i] ?? null;
      });
      rows.push(out);
    }
    checkRows(rows.length);
  }
  return { columns: outColumns, rows };
}

function join(operator: Extract<Operator, { kind: 'join' }>, left: Table, context: EvaluationContext): Table {
  if (!JOIN_KINDS.has(operator.joinKind)) {
    throw new KqlError('unsupported', `The join kind '${operator.joinKind}' is not supported (ARG supports innerunique, inner and leftouter).`, operator.at, operator.joinKind);
  }
  const right = run(operator.right, context);
  const leftScope = scopeOf(left.columns);
  const rightScope = scopeOf(right.columns);
  const leftKeys = operator.on.map((key) => {
    const at = leftScope.index.get(key.left);
    if (at === undefined) throw unresolved(key.left, operator.at);
    return at;
  });
  const rightKeys = operator.on.map((key) => {
    const at = rightScope.index.get(key.right);
    if (at === undefined) throw unresolved(key.right, operator.at);
    return at;
  });
  // Right columns whose names the left has get a number (id -> id1), as Kusto names them.
  const columns = [...left.columns];
  for (const name of right.columns) {
    let unique = name;
    for (let n = 1; columns.includes(unique); n++) unique = `${name}${n}`;
    columns.push(unique);
  }
  const index = new Map<string, Row[]>();
  for (const row of right.rows) {
    const values = rightKeys.map((i) => row[i]!);
    if (values.some((v) => v === null)) continue;
    const key = rowKey(values);
    const list = index.get(key);
    if (list) list.push(row);
    else index.set(key, [row]);
  }
  const seenLeft = new Set<string>();
  const empty: Row = right.columns.map(() => null);
  const rows: Row[] = [];
  for (const row of left.rows) {
    const values = leftKeys.map((i) => row[i]!);
    const key = rowKey(values);
    if (operator.joinKind === 'innerunique') {
      if (seenLeft.has(key)) continue;
      seenLeft.add(key);
    }
    const matches = values.some((v) => v === null) ? undefined : index.get(key);
    if (matches) {
      for (const match of matches) rows.push([...row, ...match]);
    } else if (operator.joinKind === 'leftouter') {
      rows.push([...row, ...empty]);
    }
    checkRows(rows.length);
  }
  return { columns, rows };
}
