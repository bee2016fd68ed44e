// A recursive-descent parser for the part of the Kusto Query Language that Azure Resource Graph's
// Update Manager samples and the common operators need (docs/resource-graph.md). Anything it does not
// know is a ParserFailure at the token it stopped at; a Kusto operator or function the emulator does
// not implement is said to be unsupported, never read as something else. Nesting is bounded.

import type { Assignment, Expr, JoinKey, LiteralValue, Operator, ParsePart, Query, SortKey } from './ast.js';
import { KqlError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/** Expression and sub-query nesting the parser follows before refusing the query. */
export const MAX_DEPTH = 64;
/**
 * How deep an expression's tree may grow, chains included (`a or b or c ...` nests to the left
 * without nesting the parser): the evaluator compiles it recursively, so it is bounded too.
 */
export const MAX_TREE_DEPTH = 256;

/** Tabular operators Kusto (and some of them ARG) has that the emulator does not implement. */
const UNSUPPORTED_OPERATORS = new Set([
  'parse-where', 'parse-kv', 'union', 'let', 'mv-apply', 'make-series', 'evaluate', 'render', 'as', 'invoke', 'lookup',
  'project-keep', 'project-reorder', 'sample', 'sample-distinct', 'serialize', 'range', 'print', 'getschema', 'search',
  'find', 'facet', 'fork', 'partition', 'scan', 'externaldata', 'datatable', 'sort-by', 'reduce', 'top-nested', 'top-hitters',
]);

/** The column types `parse` extracts to. */
const PARSE_TYPES = new Set(['string', 'long', 'int', 'real', 'double', 'bool', 'datetime', 'timespan', 'dynamic']);
const COMPARISON = new Set(['==', '!=', '=~', '!~', '<', '<=', '>', '>=']);
const STRING_OPERATORS = new Set([
  'has', '!has', 'has_cs', '!has_cs', 'contains', '!contains', 'contains_cs', '!contains_cs',
  'startswith', '!startswith', 'startswith_cs', '!startswith_cs', 'endswith', '!endswith', 'endswith_cs', '!endswith_cs',
  'hasprefix', '!hasprefix', 'hassuffix', '!hassuffix',
]);
// Kusto has no negated has_any / has_all.
const UNSUPPORTED_BINARY = new Set(['matches', '!has_any', '!has_all']);
/** Operators that take a parenthesised list: `in` and its forms, and the term tests over a list. */
const IN_OPERATORS = new Set(['in', '!in', 'in~', '!in~', 'has_any', 'has_all']);
const BETWEEN_OPERATORS = new Set(['between', '!between']);

export function parseQuery(text: string): Query {
  return new Parser(tokenize(text)).query();
}

/** One scalar expression on its own (facet expressions and filters). */
export function parseExpression(text: string): Expr {
  const parser = new Parser(tokenize(text));
  const expr = parser.expression();
  parser.expectEnd();
  return expr;
}

class Parser {
  private index = 0;
  private depth = 0;
  /** Each expression node's tree depth. */
  private readonly treeDepth = new WeakMap<Expr, number>();

  constructor(private readonly tokens: Token[]) {}

  private get token(): Token {
    return this.tokens[this.index]!;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  private fail(token: Token = this.token): never {
    throw new KqlError('parser', 'ParserFailure', token.position, token.text);
  }

  private isOp(text: string, token: Token = this.token): boolean {
    return token.kind === 'op' && token.text === text;
  }

  private isWord(word: string, token: Token = this.token): boolean {
    return token.kind === 'ident' && token.text.toLowerCase() === word;
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.fail();
    return this.tokens[this.index++]!;
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail();
    return this.tokens[this.index++]!;
  }

  private next(): Token {
    return this.tokens[this.index++]!;
  }

  private atEnd(): boolean {
    return this.token.kind === 'eof';
  }

  expectEnd(): void {
    if (this.token.kind !== 'eof') this.fail();
  }

  /** Records a new node's tree depth (one more than its deepest child) and refuses one too deep. */
  private node<T extends Expr>(expr: T, ...children: Expr[]): T {
    let depth = 1;
    for (const child of children) depth = Math.max(depth, (this.treeDepth.get(child) ?? 1) + 1);
    if (depth > MAX_TREE_DEPTH) throw new KqlError('limit', `The query nests deeper than ${MAX_TREE_DEPTH} levels.`, expr.at);
    this.treeDepth.set(expr, depth);
    return expr;
  }

  private nested<T>(work: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new KqlError('limit', `The query nests deeper than ${MAX_DEPTH} levels.`, this.token.position);
    try {
      return work();
    } finally {
      this.depth--;
    }
  }

  query(): Query {
    const query = this.tabular(false);
    while (this.isOp(';')) this.next();
    this.expectEnd();
    return query;
  }

  /** A table and its operators; `inParens` stops at the closing parenthesis of a join's right side. */
  private tabular(inParens: boolean): Query {
    let table: Query['table'];
    if (this.isWord('let')) throw new KqlError('unsupported', "The 'let' statement is not supported by the emulator.", this.token.position, this.token.text);
    if (this.token.kind === 'ident' && !this.isOp('(', this.peek()) && !this.startsOperator()) {
      const name = this.next();
      table = { name: name.text, at: name.position };
    } else if (!(this.token.kind === 'ident' && this.startsOperator())) {
      this.fail();
    }
    const operators: Operator[] = [];
    if (table === undefined) operators.push(this.operator());
    while (this.isOp('|')) {
      this.next();
      operators.push(this.operator());
    }
    if (inParens ? !this.isOp(')') : !this.atEnd() && !this.isOp(';')) this.fail();
    return { table, operators };
  }

  /** Whether the current word begins a tabular operator (a query may start with one: ARG applies it to `resources`). */
  private startsOperator(): boolean {
    const word = this.token.text.toLowerCase();
    if (['where', 'filter', 'extend', 'parse', 'project', 'project-away', 'project-rename', 'summarize', 'count', 'take', 'limit', 'top', 'distinct', 'mv-expand', 'join'].includes(word)) return true;
    if ((word === 'order' || word === 'sort') && this.isWord('by', this.peek())) return true;
    return false;
  }

  private operator(): Operator {
    const token = this.token;
    if (token.kind !== 'ident') this.fail();
    const word = token.text.toLowerCase();
    const at = token.position;
    if (UNSUPPORTED_OPERATORS.has(word)) {
      throw new KqlError('unsupported', `The '${token.text}' operator is not supported by the emulator.`, at, token.text);
    }
    this.next();
    switch (word) {
      case 'where':
      case 'filter':
        return { kind: 'where', predicate: this.expression(), at };
      case 'extend':
        return { kind: 'extend', columns: this.assignments(), at };
      case 'project':
        return { kind: 'project', columns: this.assignments(), at };
      case 'project-away':
        return { kind: 'project-away', names: this.nameList(), at };
      case 'project-rename': {
        const renames: Array<{ name: string; from: string }> = [];
        do {
          const name = this.columnName();
          this.expectOp('=');
          renames.push({ name, from: this.columnName() });
        } while (this.isOp(',') && this.next());
        return { kind: 'project-rename', renames, at };
      }
      case 'summarize': {
        const aggregates = this.isWord('by') ? [] : this.assignments();
        let by: Assignment[] = [];
        if (this.isWord('by')) {
          this.next();
          by = this.assignments();
        }
        if (aggregates.length === 0 && by.length === 0) this.fail();
        return { kind: 'summarize', aggregates, by, at };
      }
      case 'count':
        return { kind: 'count', at };
      case 'order':
      case 'sort': {
        this.expectWord('by');
        const keys: SortKey[] = [this.sortKey()];
        while (this.isOp(',')) {
          this.next();
          keys.push(this.sortKey());
        }
        return { kind: 'order', keys, at };
      }
      case 'take':
      case 'limit':
        return { kind: 'take', count: this.count(), at };
      case 'top': {
        const count = this.count();
        this.expectWord('by');
        return { kind: 'top', count, key: this.sortKey(), at };
      }
      case 'distinct': {
        if (this.isOp('*')) {
          this.next();
          return { kind: 'distinct', columns: '*', at };
        }
        return { kind: 'distinct', columns: this.assignments(), at };
      }
      case 'mv-expand': {
        let limit: number | undefined;
        if (this.isWord('limit')) {
          this.next();
          limit = this.count();
        }
        const columns = this.assignments();
        if (this.isWord('to')) throw new KqlError('unsupported', "mv-expand's 'to typeof()' is not supported by the emulator.", this.token.position, this.token.text);
        if (this.isWord('limit')) {
          if (limit !== undefined) this.fail();
          this.next();
          limit = this.count();
        }
        return { kind: 'mv-expand', columns, limit, at };
      }
      case 'join':
        return this.join(at);
      case 'parse':
        return this.parseOperator(at);
      default:
        return this.fail(token);
    }
  }

  private join(at: Operator['at']): Operator {
    let joinKind = 'innerunique';
    while (this.token.kind === 'ident' && this.isOp('=', this.peek())) {
      const parameter = this.next().text.toLowerCase();
      this.next();
      const value = this.next();
      if (value.kind !== 'ident') this.fail(value);
      if (parameter !== 'kind') throw new KqlError('unsupported', `The join parameter '${parameter}' is not supported by the emulator.`, value.position, value.text);
      joinKind = value.text.toLowerCase();
    }
    let right: Query;
    if (this.isOp('(')) {
      this.next();
      right = this.nested(() => this.tabular(true));
      this.expectOp(')');
    } else if (this.token.kind === 'ident') {
      const name = this.next();
      right = { table: { name: name.text, at: name.position }, operators: [] };
    } else {
      return this.fail();
    }
    this.expectWord('on');
    const on: JoinKey[] = [];
    do {
      if (this.isOp('$')) {
        const left = this.sideColumn();
        this.expectOp('==');
        const rightKey = this.sideColumn();
        if (left.side === rightKey.side) this.fail();
        on.push(left.side === 'left' ? { left: left.name, right: rightKey.name } : { left: rightKey.name, right: left.name });
      } else {
        const name = this.columnName();
        on.push({ left: name, right: name });
      }
    } while (this.isOp(',') && this.next());
    return { kind: 'join', joinKind, right, on, at };
  }

  /** `parse [kind=simple] expr with ("literal" | * | column[:type])...` (docs/resource-graph.md#operators). */
  private parseOperator(at: Operator['at']): Operator {
    if (this.isWord('kind') && this.isOp('=', this.peek())) {
      this.next();
      this.next();
      const kind = this.next();
      if (kind.text.toLowerCase() !== 'simple') throw new KqlError('unsupported', `parse kind=${kind.text} is not supported by the emulator (kind=simple is).`, kind.position, kind.text);
    }
    const source = this.expression();
    this.expectWord('with');
    const pattern: ParsePart[] = [];
    const columns = new Set<string>();
    for (;;) {
      const token = this.token;
      if (token.kind === 'string') {
        this.next();
        pattern.push({ literal: String(token.value) });
      } else if (this.isOp('*')) {
        this.next();
        pattern.push({ skip: true });
      } else if (token.kind === 'ident' && !token.text.startsWith('!')) {
        this.next();
        let type = 'string';
        if (this.isOp(':')) {
          this.next();
          const typeToken = this.next();
          type = typeToken.text.toLowerCase();
          if (!PARSE_TYPES.has(type)) this.fail(typeToken);
        }
        if (columns.has(token.text)) throw new KqlError('semantic', `parse: the column '${token.text}' is extracted twice.`, token.position, token.text);
        columns.add(token.text);
        pattern.push({ column: token.text, type });
      } else {
        break;
      }
      // Two captures side by side have nothing between them to end the first.
      const last = pattern.at(-1)!;
      const before = pattern.at(-2);
      if (before && !('literal' in before) && !('literal' in last)) this.fail(token);
    }
    if (pattern.length === 0) this.fail();
    return { kind: 'parse', source, pattern, at };
  }

  private sideColumn(): { side: 'left' | 'right'; name: string } {
    this.expectOp('$');
    const side = this.next();
    if (!this.isWord('left', side) && !this.isWord('right', side)) this.fail(side);
    this.expectOp('.');
    return { side: side.text.toLowerCase() as 'left' | 'right', name: this.columnName() };
  }

  private count(): number {
    const token = this.token;
    if (token.kind !== 'number' || !Number.isInteger(token.value) || (token.value as number) < 0) this.fail();
    this.next();
    return token.value as number;
  }

  private sortKey(): SortKey {
    const expr = this.expression();
    let descending = true;
    if (this.isWord('asc') || this.isWord('desc')) descending = this.next().text.toLowerCase() === 'desc';
    // Kusto: nulls last when descending, first when ascending, unless said.
    let nullsFirst = !descending;
    if (this.isWord('nulls')) {
      this.next();
      if (this.isWord('first')) nullsFirst = true;
      else if (this.isWord('last')) nullsFirst = false;
      else this.fail();
      this.next();
    }
    return { expr, descending, nullsFirst };
  }

  /** A column name: a word, or `['name']` / `["name"]`. */
  private columnName(): string {
    if (this.token.kind === 'ident' && !this.token.text.startsWith('!')) return this.next().text;
    if (this.isOp('[') && this.peek().kind === 'string' && this.isOp(']', this.peek(2))) {
      this.next();
      const name = String(this.next().value);
      this.next();
      return name;
    }
    return this.fail();
  }

  private nameList(): string[] {
    const names = [this.columnName()];
    while (this.isOp(',')) {
      this.next();
      names.push(this.columnName());
    }
    return names;
  }

  private assignments(): Assignment[] {
    const list = [this.assignment()];
    while (this.isOp(',')) {
      this.next();
      list.push(this.assignment());
    }
    return list;
  }

  private assignment(): Assignment {
    if (this.token.kind === 'ident' && this.isOp('=', this.peek())) {
      const name = this.next().text;
      this.next();
      return { name, expr: this.expression() };
    }
    if (this.isOp('[') && this.peek().kind === 'string' && this.isOp(']', this.peek(2)) && this.isOp('=', this.peek(3))) {
      const name = this.columnName();
      this.next();
      return { name, expr: this.expression() };
    }
    return { expr: this.expression() };
  }

  expression(): Expr {
    return this.nested(() => this.or());
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      const at = this.next().position;
      {
        const right = this.and();
        left = this.node({ kind: 'binary', op: 'or', left, right, at }, left, right);
      }
    }
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.isWord('and')) {
      const at = this.next().position;
      {
        const right = this.comparison();
        left = this.node({ kind: 'binary', op: 'and', left, right, at }, left, right);
      }
    }
    return left;
  }

  private comparison(): Expr {
    let left = this.additive();
    for (;;) {
      const token = this.token;
      const word = token.kind === 'ident' ? token.text.toLowerCase() : token.kind === 'op' ? token.text : '';
      if (token.kind === 'op' && COMPARISON.has(word)) {
        this.next();
        {
          const right = this.additive();
          left = this.node({ kind: 'binary', op: word, left, right, at: token.position }, left, right);
        }
      } else if (token.kind === 'ident' && STRING_OPERATORS.has(word)) {
        this.next();
        {
          const right = this.additive();
          left = this.node({ kind: 'binary', op: word, left, right, at: token.position }, left, right);
        }
      } else if (token.kind === 'ident' && IN_OPERATORS.has(word)) {
        this.next();
        this.expectOp('(');
        const list: Expr[] = [];
        if (!this.isOp(')')) {
          if (this.token.kind === 'ident' && this.startsOperatorAt(this.token)) {
            throw new KqlError('unsupported', `A sub-query in '${token.text}' is not supported by the emulator.`, this.token.position, this.token.text);
          }
          list.push(this.expression());
          while (this.isOp(',')) {
            this.next();
            list.push(this.expression());
          }
        }
        this.expectOp(')');
        left = this.node({ kind: 'in', op: word, target: left, list, at: token.position }, left, ...list);
      } else if (token.kind === 'ident' && BETWEEN_OPERATORS.has(word)) {
        this.next();
        this.expectOp('(');
        const low = this.additive();
        this.expectOp('..');
        const high = this.additive();
        this.expectOp(')');
        left = this.node({ kind: 'between', negated: word.startsWith('!'), target: left, low, high, at: token.position }, left, low, high);
      } else if (token.kind === 'ident' && UNSUPPORTED_BINARY.has(word)) {
        throw new KqlError('unsupported', `The '${token.text}' operator is not supported by the emulator.`, token.position, token.text);
      } else {
        return left;
      }
    }
  }

  private startsOperatorAt(token: Token): boolean {
    const saved = this.index;
    this.index = this.tokens.indexOf(token);
    const result = this.startsOperator() || (this.token.kind === 'ident' && this.isOp('|', this.peek()));
    this.index = saved;
    return result;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const token = this.next();
      {
        const right = this.multiplicative();
        left = this.node({ kind: 'binary', op: token.text, left, right, at: token.position }, left, right);
      }
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const token = this.next();
      {
        const right = this.unary();
        left = this.node({ kind: 'binary', op: token.text, left, right, at: token.position }, left, right);
      }
    }
    return left;
  }

  private unary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const token = this.next();
      return this.nested(() => {
        const operand = this.unary();
        return this.node({ kind: 'unary', op: token.text as '-' | '+', operand, at: token.position }, operand);
      });
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let expr = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.next();
        const key = this.token;
        if (key.kind !== 'ident' || key.text.startsWith('!')) this.fail();
        this.next();
        expr = this.node({ kind: 'member', target: expr, key: { kind: 'literal', value: key.text, at: key.position }, at: dot.position }, expr);
      } else if (this.isOp('[')) {
        const open = this.next();
        const key = this.expression();
        this.expectOp(']');
        expr = this.node({ kind: 'member', target: expr, key, at: open.position }, expr, key);
      } else {
        return expr;
      }
    }
  }

  private primary(): Expr {
    const token = this.token;
    const at = token.position;
    switch (token.kind) {
      case 'string':
        this.next();
        return { kind: 'literal', value: token.value as string, at };
      case 'number':
        this.next();
        return { kind: 'literal', value: token.value as number, at };
      case 'timespan':
        this.next();
        return { kind: 'literal', value: { timespan: token.value as number }, at };
      case 'op':
        if (token.text === '(') {
          this.next();
          const inner = this.expression();
          this.expectOp(')');
          return inner;
        }
        if (token.text === '[') {
          // ['column name']
          if (this.peek().kind === 'string' && this.isOp(']', this.peek(2))) return { kind: 'column', name: this.columnName(), at };
          return this.fail();
        }
        if (token.text === '$') {
          const side = this.sideColumn();
          return { kind: 'side', side: side.side, name: side.name, at };
        }
        if (token.text === '*') {
          this.next();
          return { kind: 'star', at };
        }
        return this.fail();
      case 'ident': {
        if (token.text.startsWith('!')) return this.fail();
        const word = token.text.toLowerCase();
        if (word === 'true' || word === 'false') {
          this.next();
          return { kind: 'literal', value: word === 'true', at };
        }
        if (this.isOp('(', this.peek())) {
          this.next();
          if (word === 'datetime' || word === 'timespan') return this.typedLiteral(word, at);
          if (word === 'dynamic') return this.dynamicLiteral(at);
          this.next();
          const args: Expr[] = [];
          if (!this.isOp(')')) {
            args.push(this.argument());
            while (this.isOp(',')) {
              this.next();
              args.push(this.argument());
            }
          }
          this.expectOp(')');
          return this.node({ kind: 'call', name: word, args, at }, ...args);
        }
        // These words begin operators, never name a column: `where where` fails at the second one.
        if (['where', 'extend', 'project', 'summarize', 'join', 'mv-expand'].includes(word) && !this.isOp('=', this.peek())) return this.fail();
        this.next();
        return { kind: 'column', name: token.text, at };
      }
      default:
        return this.fail();
    }
  }

  /** An argument, which ARG lets name a column: tostring(rgName = split(id, "/", 4)). */
  private argument(): Expr {
    if (this.token.kind === 'ident' && this.isOp('=', this.peek())) {
      const name = this.next();
      this.next();
      const expr = this.expression();
      return this.node({ kind: 'named', name: name.text, expr, at: name.position }, expr);
    }
    return this.expression();
  }

  private typedLiteral(word: 'datetime' | 'timespan', at: Expr['at']): Expr {
    this.expectOp('(');
    const raw = this.token;
    if (raw.kind !== 'raw') this.fail();
    this.next();
    this.expectOp(')');
    let text = String(raw.value).trim();
    if ((text.startsWith('"') && text.endsWith('"')) || (text.startsWith("'") && text.endsWith("'"))) text = text.slice(1, -1);
    let value: LiteralValue = null;
    if (word === 'datetime') {
      const ms = parseDateTime(text);
      if (ms === undefined) this.fail(raw);
      value = { datetime: ms! };
    } else {
      const ms = parseTimespanText(text);
      if (ms === undefined) this.fail(raw);
      value = { timespan: ms! };
    }
    return { kind: 'literal', value, at };
  }

  /** dynamic([...]), dynamic({...}), dynamic(null), dynamic("text"), dynamic(12). */
  private dynamicLiteral(at: Expr['at']): Expr {
    this.expectOp('(');
    const value = this.nested(() => this.jsonValue());
    this.expectOp(')');
    return { kind: 'literal', value: { dynamic: value }, at };
  }

  private jsonValue(): unknown {
    const token = this.token;
    if (token.kind === 'string' || token.kind === 'number') {
      this.next();
      return token.value;
    }
    if (this.isOp('-') && this.peek().kind === 'number') {
      this.next();
      return -(this.next().value as number);
    }
    if (this.isWord('true') || this.isWord('false') || this.isWord('null')) {
      const word = this.next().text.toLowerCase();
      return word === 'null' ? null : word === 'true';
    }
    if (this.isOp('[')) {
      this.next();
      const items: unknown[] = [];
      if (!this.isOp(']')) {
        items.push(this.nested(() => this.jsonValue()));
        while (this.isOp(',')) {
          this.next();
          items.push(this.nested(() => this.jsonValue()));
        }
      }
      this.expectOp(']');
      return items;
    }
    // Objects would need ':' and '{', which the lexer does not make tokens of.
    return this.fail();
  }
}

/** An ISO 8601 date or date-time (UTC unless it says otherwise), as Kusto's datetime() reads it. */
export function parseDateTime(text: string): number | undefined {
  const trimmed = text.trim();
  // Cheap shape check before Date.parse: digits, then date-time punctuation only.
  if (trimmed.length < 4 || trimmed.length > 40) return undefined;
  for (const c of trimmed) {
    if (!((c >= '0' && c <= '9') || c === '-' || c === ':' || c === '.' || c === 'T' || c === 't' || c === 'Z' || c === 'z' || c === '+' || c === ' ')) return undefined;
  }
  if (!(trimmed[0]! >= '0' && trimmed[0]! <= '9')) return undefined;
  let iso = trimmed.replace(' ', 'T');
  // A date-time without a zone is UTC in Kusto.
  if (iso.includes('T') && !/(Z|[+-]\d\d:?\d\d)$/i.test(iso)) iso += 'Z';
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** timespan(1.02:03:04), timespan(7d). */
export function parseTimespanText(text: string): number | undefined {
  const t = text.trim();
  try {
    const tokens = tokenize(t);
    if (tokens.length === 2 && tokens[0]!.kind === 'timespan') return tokens[0]!.value as number;
  } catch {
    // not the short form
  }
  const [daysPart, clock] = t.includes('.') && t.indexOf('.') < t.indexOf(':') ? [t.slice(0, t.indexOf('.')), t.slice(t.indexOf('.') + 1)] : ['0', t];
  const parts = clock.split(':');
  if (parts.length !== 3) return undefined;
  const numbers = [daysPart, ...parts].map(Number);
  if (numbers.some((n) => !Number.isFinite(n) || n < 0)) return undefined;
  const [d, h, m, s] = numbers as [number, number, number, number];
  return ((d * 24 + h) * 60 + m) * 60_000 + s * 1000;
}
