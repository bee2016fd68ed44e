// The query's tokens. One pass over the text, no regular expressions built from it, and every token
// knows where it started, for ARG's ParserFailure details (line, characterPositionInLine, token).

import { KqlError, type KqlPosition } from './errors.js';

export type TokenKind =
  | 'ident' // names and keywords: where, mv-expand, project-away, !has, in~, has_cs ...
  | 'string'
  | 'number'
  | 'timespan' // 7d, 1.5h, 100ms
  | 'raw' // the text inside datetime(...) / timespan(...)
  | 'op' // | ( ) [ ] , . = == != =~ !~ < <= > >= + - * / % ; $ :
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (the decoded value for strings, the milliseconds for timespans). */
  text: string;
  value?: string | number;
  start: number;
  position: KqlPosition;
}

/** ARG refuses long queries; the emulator's bound (docs/resource-graph.md#limits). */
export const MAX_QUERY_LENGTH = 65_536;
/** Tokens are a function of the length, but a bound keeps a pathological query cheap to refuse. */
const MAX_TOKENS = 20_000;

const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdentChar = (c: string) => isLetter(c) || isDigit(c);

/** Kusto's timespan units, in milliseconds (learn.microsoft.com/kusto/query/scalar-data-types/timespan). */
const TIMESPAN_UNITS: Record<string, number> = {
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  microsecond: 0.001, microseconds: 0.001, tick: 0.0001, ticks: 0.0001,
};

/** Operator names written with a hyphen, read as one word. */
const HYPHENATED = new Set([
  'mv-expand', 'mv-apply', 'project-away', 'project-rename', 'project-keep', 'project-reorder', 'make-series', 'parse-where', 'parse-kv',
  'top-nested', 'top-hitters', 'sample-distinct',
]);
/** Words that may follow `!` to make a negated string operator. */
const NEGATABLE = new Set(['has', 'has_cs', 'contains', 'contains_cs', 'startswith', 'startswith_cs', 'endswith', 'endswith_cs', 'in', 'hasprefix', 'hassuffix', 'has_any', 'has_all', 'between']);

export function tokenize(text: string): Token[] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new KqlError('limit', `The query is ${text.length} characters long; the limit is ${MAX_QUERY_LENGTH}.`);
  }
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const positionOf = (offset: number): KqlPosition => ({ line, column: offset - lineStart });
  const push = (kind: TokenKind, start: number, tokenText: string, value?: string | number) => {
    if (tokens.length >= MAX_TOKENS) throw new KqlError('limit', `The query has more than ${MAX_TOKENS} tokens.`);
    tokens.push({ kind, text: tokenText, start, position: positionOf(start), ...(value !== undefined ? { value } : {}) });
  };
  const fail = (offset: number, token: string): never => {
    throw new KqlError('parser', 'ParserFailure', positionOf(offset), token);
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    // A comment runs to the end of the line.
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // Strings: '...' and "..." with backslash escapes; @'...' and @"..." verbatim (a doubled quote is one).
    if (c === '"' || c === "'" || (c === '@' && (text[i + 1] === '"' || text[i + 1] === "'"))) {
      const verbatim = c === '@';
      if (verbatim) i++;
      const quote = text[i]!;
      i++;
      let value = '';
      for (;;) {
        if (i >= text.length || text[i] === '\n') fail(start, text.slice(start, i));
        const ch = text[i]!;
        if (ch === quote) {
          if (verbatim && text[i + 1] === quote) {
            value += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (ch === '\\' && !verbatim) {
          const next = text[i + 1];
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
          if (next === undefined || escapes[next] === undefined) fail(i, text.slice(i, i + 2));
          value += escapes[next!]!;
          i += 2;
          continue;
        }
        value += ch;
        i++;
      }
      push('string', start, text.slice(start, i), value);
      continue;
    }
    // The range of `between (1..10)`: one token, so that `..10` is not read as the number .10.
    if (c === '.' && text[i + 1] === '.') {
      push('op', start, '..');
      i += 2;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      while (i < text.length && isDigit(text[i]!)) i++;
      if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
        i++;
        while (i < text.length && isDigit(text[i]!)) i++;
      }
      if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text[i + 1] ?? '') || ((text[i + 1] === '-' || text[i + 1] === '+') && isDigit(text[i + 2] ?? '')))) {
        i += 2;
        while (i < text.length && isDigit(text[i]!)) i++;
      }
      const numberText = text.slice(start, i);
      // A unit glued to the number makes a timespan: 7d, 30m, 100ms.
      if (isLetter(text[i] ?? '')) {
        const unitStart = i;
        while (i < text.length && isIdentChar(text[i]!)) i++;
        const unit = text.slice(unitStart, i).toLowerCase();
        const factor = TIMESPAN_UNITS[unit];
        if (factor === undefined) fail(start, text.slice(start, i));
        push('timespan', start, text.slice(start, i), Number(numberText) * factor!);
        continue;
      }
      push('number', start, numberText, Number(numberText));
      continue;
    }
    if (isLetter(c) || (c === '!' && isLetter(text[i + 1] ?? ''))) {
      if (c === '!') i++;
      while (i < text.length && isIdentChar(text[i]!)) i++;
      let word = text.slice(start, i);
      // mv-expand, project-away ...
      if (text[i] === '-' && isLetter(text[i + 1] ?? '')) {
        let end = i + 1;
        while (end < text.length && isIdentChar(text[end]!)) end++;
        const joined = text.slice(start, end);
        if (HYPHENATED.has(joined.toLowerCase())) {
          word = joined;
          i = end;
        }
      }
      // in~, !in~
      if (text[i] === '~' && (word.toLowerCase() === 'in' || word.toLowerCase() === '!in')) {
        i++;
        word += '~';
      }
      if (word.startsWith('!') && !NEGATABLE.has(word.slice(1).toLowerCase().replace(/~$/, ''))) fail(start, word);
      push('ident', start, word);
      // datetime(...) and timespan(...) take their argument as raw text: 2024-01-01T10:00:00Z.
      const lower = word.toLowerCase();
      if (lower === 'datetime' || lower === 'timespan') {
        let j = i;
        while (text[j] === ' ' || text[j] === '\t') j++;
        if (text[j] === '(') {
          push('op', j, '(');
          const close = text.indexOf(')', j + 1);
          const newline = text.indexOf('\n', j + 1);
          if (close < 0 || (newline >= 0 && newline < close)) fail(j, '(');
          push('raw', j + 1, text.slice(j + 1, close).trim(), text.slice(j + 1, close).trim());
          push('op', close, ')');
          i = close + 1;
        }
      }
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '=~' || two === '!~' || two === '<=' || two === '>=' || two === '<>') {
      if (two === '<>') fail(start, two);
      push('op', start, two);
      i += 2;
      continue;
    }
    if ('|()[],.=<>+-*/%;$:'.includes(c)) {
      push('op', start, c);
      i++;
      continue;
    }
    fail(start, c);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', start: text.length, position: positionOf(text.length) });
  return tokens;
}
