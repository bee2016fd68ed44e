// A maintenance configuration's window (Microsoft.Maintenance, docs/update-manager-wire-format.md#recurrence-grammar):
// its start, duration, time zone, recurrence and expiration parsed and checked, and the windows it
// opens computed. Pure: times are milliseconds, time zones are read through Intl (deterministic).
//
// Windows are computed in "wall" time first (the civil time in the configuration's zone, written
// as if it were UTC), where days, weeks and months are plain arithmetic, then placed on the real
// clock through the zone's offset. Every enumeration seeks close to where it is asked to start, so
// a window far in the future or a clock advanced by a century costs the same as the next window.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
const ORDINALS = ['First', 'Second', 'Third', 'Fourth', 'Last'] as const;

export type Recurrence =
  | { unit: 'once' }
  | { unit: 'hour' | 'day'; every: number }
  | { unit: 'week'; every: number; weekdays: number[] }
  | { unit: 'month'; every: number; days: number[] }
  | { unit: 'month'; every: number; ordinal: number; weekday: number; offset: number };

export interface MaintenanceWindow {
  /** The first window's start, in wall time. */
  startWall: number;
  /** No window starts after this wall time. */
  expirationWall: number;
  durationMs: number;
  /** The IANA zone the window's wall times are in. */
  zone: string;
  recurrence: Recurrence;
}

/** What the configuration says, as sent (`properties.maintenanceWindow`). */
export interface MaintenanceWindowInput {
  startDateTime?: string;
  expirationDateTime?: string;
  duration?: string;
  timeZone?: string;
  recurEvery?: string;
}

export type WindowCheck = { window: MaintenanceWindow } | { error: string };

/** InGuestPatch's documented limits (docs/update-manager-wire-format.md#inguestpatch-window-rules). */
export const IN_GUEST_PATCH_MIN_DURATION_MS = 90 * MINUTE;
export const IN_GUEST_PATCH_MAX_DURATION_MS = 235 * MINUTE;
export const IN_GUEST_PATCH_MIN_HOURS = 6;
/** The emulator's choice when no duration is given (the InGuestPatch maximum, the portal's default). */
export const IN_GUEST_PATCH_DEFAULT_DURATION = '03:55';
/** The default expiration (maint-py `expiration_date_time`). */
export const DEFAULT_EXPIRATION = '9999-12-31 23:59:59';
/** A recurrence's multiplier is bounded: nobody schedules every 10,000 days, and the arithmetic stays small. */
const MAX_EVERY = 9999;

// Windows time zone ids (what the service documents) to IANA zones: the zones of the maint-configs
// page and the Update Manager examples, and the common ones of each region. IANA names are accepted too.
const WINDOWS_ZONES: Record<string, string> = {
  'utc': 'UTC',
  'coordinated universal time': 'UTC',
  'gmt standard time': 'Europe/London',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'w. europe standard time': 'Europe/Berlin',
  'central europe standard time': 'Europe/Budapest',
  'central european standard time': 'Europe/Warsaw',
  'romance standard time': 'Europe/Paris',
  'e. europe standard time': 'Europe/Chisinau',
  'fle standard time': 'Europe/Kiev',
  'gtb standard time': 'Europe/Bucharest',
  'russian standard time': 'Europe/Moscow',
  'turkey standard time': 'Europe/Istanbul',
  'israel standard time': 'Asia/Jerusalem',
  'south africa standard time': 'Africa/Johannesburg',
  'egypt standard time': 'Africa/Cairo',
  'arabian standard time': 'Asia/Dubai',
  'arab standard time': 'Asia/Riyadh',
  'pakistan standard time': 'Asia/Karachi',
  'india standard time': 'Asia/Kolkata',
  'sri lanka standard time': 'Asia/Colombo',
  'nepal standard time': 'Asia/Kathmandu',
  'bangladesh standard time': 'Asia/Dhaka',
  'se asia standard time': 'Asia/Bangkok',
  'singapore standard time': 'Asia/Singapore',
  'china standard time': 'Asia/Shanghai',
  'taipei standard time': 'Asia/Taipei',
  'tokyo standard time': 'Asia/Tokyo',
  'korea standard time': 'Asia/Seoul',
  'w. australia standard time': 'Australia/Perth',
  'cen. australia standard time': 'Australia/Adelaide',
  'aus central standard time': 'Australia/Darwin',
  'e. australia standard time': 'Australia/Brisbane',
  'aus eastern standard time': 'Australia/Sydney',
  'tasmania standard time': 'Australia/Hobart',
  'new zealand standard time': 'Pacific/Auckland',
  'hawaiian standard time': 'Pacific/Honolulu',
  'alaskan standard time': 'America/Anchorage',
  'pacific standard time': 'America/Los_Angeles',
  'us mountain standard time': 'America/Phoenix',
  'mountain standard time': 'America/Denver',
  'central standard time': 'America/Chicago',
  'eastern standard time': 'America/New_York',
  'atlantic standard time': 'America/Halifax',
  'newfoundland standard time': 'America/St_Johns',
  'canada central standard time': 'America/Regina',
  'central america standard time': 'America/Guatemala',
  'sa pacific standard time': 'America/Bogota',
  'e. south america standard time': 'America/Sao_Paulo',
  'argentina standard time': 'America/Buenos_Aires',
  'pacific sa standard time': 'America/Santiago',
  'mexico standard time': 'America/Mexico_City',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The IANA zone a configuration's `timeZone` names, or undefined when neither a known Windows id nor an IANA zone. */
export function resolveTimeZone(name: string): string | undefined {
  if (name.length === 0 || name.length > 64) return undefined;
  const windows = WINDOWS_ZONES[name.trim().toLowerCase()];
  if (windows) return windows;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    if (formatters.size > 256) formatters.clear();
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The wall time (civil time in `zone`, as if UTC) of an instant. */
export function wallOf(instantMs: number, zone: string): number {
  if (zone === 'UTC') return instantMs;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(Math.floor(instantMs / 1000) * 1000))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall + (instantMs - Math.floor(instantMs / 1000) * 1000);
}

/** The instant a wall time names (a wall time in a DST gap moves forward by the gap, as clocks do). */
export function instantOf(wallMs: number, zone: string): number {
  if (zone === 'UTC') return wallMs;
  const first = wallMs - (wallOf(wallMs, zone) - wallMs);
  const second = wallMs - (wallOf(first, zone) - first);
  if (wallOf(second, zone) === wallMs) return second;
  // In a gap (the clocks jumped over this wall time): the later candidate, past the jump.
  return Math.max(first, second);
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** `YYYY-MM-DD hh:mm[:ss]` as wall milliseconds, or undefined. */
export function parseWallDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // 2026-02-30 rolls into March with Date.UTC: refuse it.
  if (new Date(wall).getUTCDate() !== day) return undefined;
  return wall;
}

/** `HH:mm` as milliseconds. */
export function parseWindowDuration(text: string): number | undefined {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return undefined;
  const minutes = Number(match[2]);
  return minutes > 59 ? undefined : Number(match[1]) * HOUR + minutes * MINUTE;
}

const weekdayIndex = (name: string) => WEEKDAYS.findIndex((day) => day.toLowerCase() === name.toLowerCase());

/** The recurrence grammar; the error is the service's sentence after "Error: " (docs/maintenance.md). */
export function parseRecurrence(text: string | undefined): { recurrence: Recurrence } | { error: string } {
  if (text === undefined || text.trim() === '') return { recurrence: { unit: 'once' } };
  if (text.length > 200) return { error: `Recurrence '${text.slice(0, 50)}...' is not valid` };
  const tokens = text.trim().split(/\s+/);
  const head = /^(\d{0,4})(hour|day|week|month)s?$/i.exec(tokens[0]!);
  if (!head) return { error: `Recurrence '${text}' is not valid. Expected [n]Hour(s), [n]Day(s), [n]Week(s) or [n]Month(s)` };
  const every = head[1] === '' ? 1 : Number(head[1]);
  if (every < 1 || every > MAX_EVERY) return { error: `Recurrence '${text}' is not valid. The interval must be between 1 and ${MAX_EVERY}` };
  const unit = head[2]!.toLowerCase() as 'hour' | 'day' | 'week' | 'month';
  const rest = tokens.slice(1);
  if (unit === 'hour' || unit === 'day') {
    if (rest.length > 0) return { error: `Recurrence '${text}' is not valid. ${unit === 'hour' ? 'Hourly' : 'Daily'} recurrence takes no further values` };
    return { recurrence: { unit, every } };
  }
  if (unit === 'week') {
    if (rest.length === 0) return { recurrence: { unit, every, weekdays: [] } };
    const names = rest.join('').split(',').filter((name) => name !== '');
    const weekdays = names.map(weekdayIndex);
    if (names.length === 0 || weekdays.some((day) => day < 0)) return { error: `Weekly maintenance window has an invalid day of week in '${text}'` };
    return { recurrence: { unit, every, weekdays: [...new Set(weekdays)].sort((a, b) => a - b) } };
  }
  // Monthly: `dayN[,dayM]` or `{First..Fourth|Last} {weekday} [OffsetK]`. A bare `Month` is refused
  // by the service (hashicorp/terraform-provider-azurerm#29348).
  if (rest.length === 0) return { error: 'Monthly maintenance window is missing day of month or week of month' };
  if (/^day/i.test(rest[0]!)) {
    const items = rest.join('').split(',').filter((item) => item !== '');
    const days = items.map((item) => {
      const match = /^day(\d{1,2})$/i.exec(item);
      const day = match ? Number(match[1]) : 0;
      return day >= 1 && day <= 31 ? day : 0;
    });
    if (days.some((day) => day === 0)) return { error: `Monthly maintenance window has an invalid day of month in '${text}'` };
    return { recurrence: { unit, every, days: [...new Set(days)].sort((a, b) => a - b) } };
  }
  const ordinal = ORDINALS.findIndex((name) => name.toLowerCase() === rest[0]!.toLowerCase());
  const weekday = rest[1] === undefined ? -1 : weekdayIndex(rest[1]);
  if (ordinal < 0 || weekday < 0 || rest.length > 3) return { error: `Monthly maintenance window has an invalid week of month in '${text}'` };
  let offset = 0;
  if (rest[2] !== undefined) {
    const match = /^offset(-?\d)$/i.exec(rest[2]);
    offset = match ? Number(match[1]) : 99;
    if (offset < -6 || offset > 6) return { error: `Monthly maintenance window has an invalid offset in '${text}'. The offset must be between -6 and 6` };
  }
  return { recurrence: { unit, every, ordinal, weekday, offset } };
}

/**
 * Parses and checks a window. `inGuestPatch` applies that scope's rules (duration 1:30 to 3:55,
 * hourly recurrence at least 6 hours); `nowMs` is when the configuration is written: its start
 * date must be today or later in its zone.
 */
export function checkWindow(input: MaintenanceWindowInput, options: { inGuestPatch: boolean; nowMs: number }): WindowCheck {
  if (input.startDateTime === undefined || input.startDateTime === '') return { error: 'StartDateTime is not set for maintenance window' };
  if (input.timeZone === undefined || input.timeZone === '') return { error: 'TimeZone is not set for maintenance window' };
  const zone = resolveTimeZone(input.timeZone);
  if (!zone) return { error: `TimeZone '${input.timeZone}' is not a supported time zone` };
  const startWall = parseWallDateTime(input.startDateTime);
  if (startWall === undefined) return { error: `StartDateTime '${input.startDateTime}' is not in the format 'yyyy-MM-dd HH:mm'` };
  const expirationText = input.expirationDateTime ?? DEFAULT_EXPIRATION;
  const expirationWall = parseWallDateTime(expirationText);
  if (expirationWall === undefined) return { error: `ExpirationDateTime '${expirationText}' is not in the format 'yyyy-MM-dd HH:mm'` };
  const durationText = input.duration ?? (options.inGuestPatch ? IN_GUEST_PATCH_DEFAULT_DURATION : '02:00');
  const durationMs = parseWindowDuration(durationText);
  if (durationMs === undefined || durationMs <= 0) return { error: `Duration '${durationText}' is not in the format 'HH:mm'` };
  const parsed = parseRecurrence(input.recurEvery);
  if ('error' in parsed) return parsed;
  const nowWall = wallOf(options.nowMs, zone);
  if (startWall < nowWall - (nowWall % DAY)) return { error: 'StartDateTime must be the current date or a future date' };
  if (expirationWall <= nowWall) return { error: 'ExpirationDateTime must be in the future' };
  if (expirationWall <= startWall) return { error: 'ExpirationDateTime must be after StartDateTime' };
  if (options.inGuestPatch) {
    if (durationMs < IN_GUEST_PATCH_MIN_DURATION_MS || durationMs > IN_GUEST_PATCH_MAX_DURATION_MS) {
      return { error: `Duration '${durationText}' is not valid for maintenance scope InGuestPatch. The duration must be between 01:30 and 03:55` };
    }
    const { recurrence } = parsed;
    if (recurrence.unit === 'hour' && recurrence.every < IN_GUEST_PATCH_MIN_HOURS) {
      return { error: `Recurrence '${input.recurEvery}' is not valid for maintenance scope InGuestPatch. The recurrence must be at least 6 hours` };
    }
  }
  return { window: { startWall, expirationWall, durationMs, zone, recurrence: parsed.recurrence } };
}

const timeOfDay = (wall: number) => ((wall % DAY) + DAY) % DAY;

/** A month's candidate days (wall times at the window's time of day), ascending. */
function monthStarts(recurrence: Extract<Recurrence, { unit: 'month' }>, year: number, month: number, time: number): number[] {
  const first = Date.UTC(year, month, 1);
  const length = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  if ('days' in recurrence) {
    // A day the month lacks (day31 in April) opens no window that month: the emulator's choice.
    return recurrence.days.filter((day) => day <= length).map((day) => first + (day - 1) * DAY + time);
  }
  let dayIndex: number;
  if (recurrence.ordinal === 4) {
    const last = first + (length - 1) * DAY;
    const back = (new Date(last).getUTCDay() - recurrence.weekday + 7) % 7;
    dayIndex = length - 1 - back;
  } else {
    const ahead = (recurrence.weekday - new Date(first).getUTCDay() + 7) % 7;
    dayIndex = ahead + recurrence.ordinal * 7;
  }
  return [first + (dayIndex + recurrence.offset) * DAY + time];
}

/** The largest gap between two windows of a recurrence, to seek back from a point without missing one. */
function maxGap(recurrence: Recurrence): number {
  switch (recurrence.unit) {
    case 'once':
      return Number.POSITIVE_INFINITY;
    case 'hour':
      return recurrence.every * HOUR;
    case 'day':
      return recurrence.every * DAY;
    case 'week':
      return (recurrence.every + 1) * WEEK;
    case 'month':
      return (recurrence.every + 1) * 31 * DAY + 2 * WEEK;
  }
}

/** Wall starts at or after `fromWall`, ascending, up to the expiration. */
function* wallStartsFrom(window: MaintenanceWindow, fromWall: number): Generator<number> {
  const { recurrence, startWall, expirationWall } = window;
  const from = Math.max(fromWall, startWall);
  const inRange = (wall: number) => wall >= from && wall >= startWall && wall <= expirationWall;
  if (recurrence.unit === 'once') {
    if (inRange(startWall)) yield startWall;
    return;
  }
  if (recurrence.unit === 'hour' || recurrence.unit === 'day') {
    const step = recurrence.every * (recurrence.unit === 'hour' ? HOUR : DAY);
    for (let wall = startWall + Math.ceil((from - startWall) / step) * step; wall <= expirationWall; wall += step) yield wall;
    return;
  }
  const time = timeOfDay(startWall);
  if (recurrence.unit === 'week') {
    const block = recurrence.every * WEEK;
    const startDay = startWall - time;
    const startWeekday = new Date(startDay).getUTCDay();
    // Each block's first day is the start's date; within its seven days, the listed weekdays (the start's own when none).
    const offsets = (recurrence.weekdays.length > 0 ? recurrence.weekdays : [startWeekday]).map((day) => ((day - startWeekday + 7) % 7) * DAY).sort((a, b) => a - b);
    for (let k = Math.max(0, Math.floor((from - startWall) / block)); startDay + k * block <= expirationWall; k++) {
      for (const offset of offsets) {
        const wall = startDay + k * block + offset + time;
        if (inRange(wall)) yield wall;
      }
    }
    return;
  }
  const start = new Date(startWall);
  const base = start.getUTCFullYear() * 12 + start.getUTCMonth();
  const fromDate = new Date(from);
  const fromIndex = fromDate.getUTCFullYear() * 12 + fromDate.getUTCMonth();
  // Start a step early: an offset can move a window into the month before.
  for (let k = Math.max(0, (Math.floor((fromIndex - base) / recurrence.every) - 1) * recurrence.every); ; k += recurrence.every) {
    const index = base + k;
    const monthFirst = Date.UTC(Math.floor(index / 12), index % 12, 1);
    if (monthFirst - WEEK > expirationWall) return;
    for (const wall of monthStarts(recurrence as Extract<Recurrence, { unit: 'month' }>, Math.floor(index / 12), index % 12, time)) if (inRange(wall)) yield wall;
  }
}

/** A window on the real clock. */
export interface WindowOccurrence {
  startMs: number;
  endMs: number;
}

const occurrence = (window: MaintenanceWindow, wall: number): WindowOccurrence => {
  const startMs = instantOf(wall, window.zone);
  return { startMs, endMs: startMs + window.durationMs };
};

/** The first window that starts after `afterMs`, if any. */
export function nextWindow(window: MaintenanceWindow, afterMs: number): WindowOccurrence | undefined {
  // Two hours back in wall time covers any zone offset change around `afterMs`.
  let guard = 0;
  for (const wall of wallStartsFrom(window, wallOf(afterMs, window.zone) - 2 * HOUR)) {
    const found = occurrence(window, wall);
    if (found.startMs > afterMs) return found;
    if (++guard > 1000) return undefined;
  }
  return undefined;
}

/**
 * The windows that started in (afterMs, untilMs], oldest first, at most `limit` of them: the latest
 * ones when more opened (a clock advanced by years), with how many earlier ones were left out.
 */
export function windowsBetween(window: MaintenanceWindow, afterMs: number, untilMs: number, limit: number): { windows: WindowOccurrence[]; skipped: boolean } {
  if (untilMs <= afterMs || limit <= 0) return { windows: [], skipped: false };
  const untilWall = wallOf(untilMs, window.zone);
  const afterWall = wallOf(afterMs, window.zone) - 2 * HOUR;
  const gap = maxGap(window.recurrence);
  const seek = Number.isFinite(gap) ? Math.max(afterWall, untilWall - (limit + 1) * gap) : afterWall;
  const found: WindowOccurrence[] = [];
  for (const wall of wallStartsFrom(window, seek)) {
    if (wall > untilWall + 2 * HOUR) break;
    const next = occurrence(window, wall);
    if (next.startMs > untilMs) break;
    if (next.startMs > afterMs) found.push(next);
  }
  // Windows before the seek point were left out only if one opened there.
  const first = seek > afterWall ? nextWindow(window, afterMs) : undefined;
  const leftOut = first !== undefined && first.startMs < instantOf(seek, window.zone);
  return { windows: found.slice(-limit), skipped: leftOut || found.length > limit };
}
