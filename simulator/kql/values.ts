// Kusto's scalar values as the evaluator holds them: null, bool, number (long and real alike),
// string, datetime, timespan, and dynamic (JSON arrays and property bags). String matching is done
// with string functions, never with a regular expression made from the query.

import { armTimestampUtc } from '../time-format.js';
import { parseDateTime } from './parser.js';

export class DateTimeValue {
  constructor(readonly ms: number) {}
}

export class TimespanValue {
  constructor(readonly ms: number) {}
}

export type Value = null | boolean | number | string | DateTimeValue | TimespanValue | unknown[] | Record<string, unknown>;

export const isBag = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof DateTimeValue) && !(value instanceof TimespanValue);

/** Strings a query can build (strcat, replace_string) stay under this many characters. */
export const MAX_STRING_LENGTH = 1_048_576;

/** `[d.]hh:mm:ss[.fffffff]`, as Kusto writes a timespan. */
export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / 86_400_000);
  rest -= days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const ticks = Math.round((rest - seconds * 1000) * 10_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${days > 0 ? `${days}.` : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}${ticks > 0 ? `.${String(ticks).padStart(7, '0')}` : ''}`;
}

/** A value as JSON would carry it in a response (datetimes as ISO 8601 UTC text). */
export function toJson(value: unknown): unknown {
  if (value instanceof DateTimeValue) return armTimestampUtc(value.ms);
  if (value instanceof TimespanValue) return formatTimespan(value.ms);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value === undefined ? null : value;
}

/** Kusto's tostring(): null is "", a dynamic array or bag its JSON text. */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof DateTimeValue) return armTimestampUtc(value.ms);
  if (value instanceof TimespanValue) return formatTimespan(value.ms);
  return JSON.stringify(value, (_key, inner: unknown) => toJson(inner));
}

export function toDateTime(value: unknown): DateTimeValue | null {
  if (value instanceof DateTimeValue) return value;
  if (typeof value === 'string') {
    const ms = parseDateTime(value);
    return ms === undefined ? null : new DateTimeValue(ms);
  }
  return null;
}

export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export function toBool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : null;
  }
  return null;
}

/** Equality as `==` does it; null when either side is null (which `where` reads as false). */
export function equals(a: unknown, b: unknown): boolean | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (a instanceof DateTimeValue || b instanceof DateTimeValue) {
    const x = toDateTime(a);
    const y = toDateTime(b);
    return x !== null && y !== null ? x.ms === y.ms : false;
  }
  if (a instanceof TimespanValue || b instanceof TimespanValue) {
    return a instanceof TimespanValue && b instanceof TimespanValue ? a.ms === b.ms : false;
  }
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'object' || typeof b === 'object') return toText(a) === toText(b);
  return toText(a) === toText(b);
}

/** Case-insensitive equality (`=~`): both sides as text. */
export function equalsIgnoreCase(a: unknown, b: unknown): boolean | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  return toText(a).toLowerCase() === toText(b).toLowerCase();
}

/** Ordering for <, >, order by: negative, zero, positive, or null when the two do not compare. */
export function compare(a: unknown, b: unknown): number | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (a instanceof DateTimeValue || b instanceof DateTimeValue) {
    const x = toDateTime(a);
    const y = toDateTime(b);
    return x !== null && y !== null ? x.ms - y.ms : null;
  }
  if (a instanceof TimespanValue && b instanceof TimespanValue) return a.ms - b.ms;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toNumber(a);
    const y = toNumber(b);
    return x !== null && y !== null ? x - y : null;
  }
  const x = toText(a);
  const y = toText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A rank per type, so that a sort over mixed values is still a total order. */
export function typeRank(value: unknown): number {
  if (typeof value === 'boolean') return 1;
  if (typeof value === 'number') return 2;
  if (value instanceof DateTimeValue) return 3;
  if (value instanceof TimespanValue) return 4;
  if (typeof value === 'string') return 5;
  return 6;
}

const isTermChar = (code: number) => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 127;

/**
 * Kusto's `has`: the needle found where it starts and ends on term boundaries (a term is a run of
 * alphanumeric characters), so `has "patches"` is false on "softwarepatches". `prefix` / `suffix`
 * relax the end or the start (hasprefix, hassuffix).
 */
export function hasTerm(haystack: string, needle: string, caseSensitive: boolean, mode: 'term' | 'prefix' | 'suffix' = 'term'): boolean {
  if (needle === '') return true;
  const hay = caseSensitive ? haystack : haystack.toLowerCase();
  const find = caseSensitive ? needle : needle.toLowerCase();
  const checkStart = mode !== 'suffix' && isTermChar(find.charCodeAt(0));
  const checkEnd = mode !== 'prefix' && isTermChar(find.charCodeAt(find.length - 1));
  let from = 0;
  for (;;) {
    const at = hay.indexOf(find, from);
    if (at < 0) return false;
    const startOk = !checkStart || at === 0 || !isTermChar(hay.charCodeAt(at - 1));
    const end = at + find.length;
    const endOk = !checkEnd || end === hay.length || !isTermChar(hay.charCodeAt(end));
    if (startOk && endOk) return true;
    // No later match can start inside the term that holds this one (it would not start on a
    // boundary): go past it, so the search stays linear in the haystack.
    let next = at + 1;
    if (checkStart) while (next < hay.length && isTermChar(hay.charCodeAt(next))) next++;
    from = next;
  }
}

/** The type name of a column in ARG's table format (arg-spec ColumnDataType). */
export function columnType(values: Iterable<unknown>): 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'datetime' {
  let type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'datetime' | undefined;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const next =
      typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number')
      : typeof value === 'boolean' ? 'boolean'
      : value instanceof DateTimeValue ? 'datetime'
      : typeof value === 'string' || value instanceof TimespanValue ? 'string'
      : 'object';
    if (type === undefined || (type === 'integer' && next === 'number')) type = next;
    else if (type !== next && !(type === 'number' && next === 'integer')) return 'object';
  }
  return type ?? 'string';
}
