// The maintenance window arithmetic: the recurrence grammar, time zones (daylight saving
// included), and the windows a configuration opens between two instants, bounded.

import t from 'tap';
import { checkWindow, nextWindow, parseRecurrence, windowsBetween, type MaintenanceWindow } from '../../simulator/maintenance-window.js';

const NOW = Date.parse('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function window(input: Record<string, string>, inGuestPatch = true): MaintenanceWindow {
  const checked = checkWindow({ duration: '02:00', timeZone: 'UTC', ...input }, { inGuestPatch, nowMs: NOW });
  if ('error' in checked) throw new Error(checked.error);
  return checked.window;
}
const starts = (w: MaintenanceWindow, from: string, until: string, limit = 100) =>
  windowsBetween(w, Date.parse(from), Date.parse(until), limit).windows.map((o) => new Date(o.startMs).toISOString());

t.test('the grammar', async (t) => {
  t.same(parseRecurrence('Day'), { recurrence: { unit: 'day', every: 1 } });
  t.same(parseRecurrence('20days'), { recurrence: { unit: 'day', every: 20 } });
  t.same(parseRecurrence('Week Saturday,Sunday'), { recurrence: { unit: 'week', every: 1, weekdays: [0, 6] } });
  t.same(parseRecurrence('Month day23,day24'), { recurrence: { unit: 'month', every: 1, days: [23, 24] } });
  t.same(parseRecurrence('Month Last Sunday Offset-3'), { recurrence: { unit: 'month', every: 1, ordinal: 4, weekday: 0, offset: -3 } });
  t.same(parseRecurrence(undefined), { recurrence: { unit: 'once' } });
  for (const bad of ['Month', '2Months', '0Days', 'Day Monday', 'Week Someday', 'Month day32', 'Month Fifth Monday', 'Month First Monday Offset9', 'Yearly']) {
    t.ok('error' in parseRecurrence(bad), bad);
  }
});

t.test('days, weeks and months in UTC', async (t) => {
  t.same(starts(window({ startDateTime: '2026-03-02 02:00', recurEvery: '2Days' }), '2026-03-01T00:00:00Z', '2026-03-08T00:00:00Z'), [
    '2026-03-02T02:00:00.000Z', '2026-03-04T02:00:00.000Z', '2026-03-06T02:00:00.000Z',
  ]);
  // 2026-03-02 is a Monday; every second week, on Saturday and Sunday.
  t.same(starts(window({ startDateTime: '2026-03-02 22:00', recurEvery: '2Weeks Saturday,Sunday' }), '2026-03-01T00:00:00Z', '2026-03-22T00:00:00Z'), [
    '2026-03-07T22:00:00.000Z', '2026-03-08T22:00:00.000Z', '2026-03-21T22:00:00.000Z',
  ]);
  t.same(starts(window({ startDateTime: '2026-03-02 03:00', recurEvery: 'Month Last Sunday' }), '2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z'), [
    '2026-03-29T03:00:00.000Z', '2026-04-26T03:00:00.000Z', '2026-05-31T03:00:00.000Z',
  ]);
  t.same(starts(window({ startDateTime: '2026-03-02 03:00', recurEvery: 'Month Second Tuesday Offset2' }), '2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z'), [
    '2026-03-12T03:00:00.000Z', '2026-04-16T03:00:00.000Z',
  ]);
  t.same(starts(window({ startDateTime: '2026-03-02 03:00', recurEvery: 'Month day31' }), '2026-03-01T00:00:00Z', '2026-06-01T00:00:00Z'), [
    '2026-03-31T03:00:00.000Z', '2026-05-31T03:00:00.000Z',
  ], 'a month without the day opens no window');
  t.same(starts(window({ startDateTime: '2026-03-02 03:00', expirationDateTime: '2026-03-04 00:00', recurEvery: 'Day' }), '2026-03-01T00:00:00Z', '2026-03-10T00:00:00Z'), [
    '2026-03-02T03:00:00.000Z', '2026-03-03T03:00:00.000Z',
  ], 'none after the expiration');
});

t.test('time zones: Windows ids, and daylight saving', async (t) => {
  // Pacific: 02:00 local is 10:00 UTC in winter, 09:00 UTC from 2026-03-09; on 2026-03-08 the clocks
  // jump from 02:00 to 03:00, and the window opens at 03:00 PDT, 10:00 UTC.
  const pacific = window({ startDateTime: '2026-03-06 02:00', timeZone: 'Pacific Standard Time', recurEvery: 'Day' });
  t.same(starts(pacific, '2026-03-06T00:00:00Z', '2026-03-10T00:00:00Z'), [
    '2026-03-06T10:00:00.000Z', '2026-03-07T10:00:00.000Z', '2026-03-08T10:00:00.000Z', '2026-03-09T09:00:00.000Z',
  ]);
  const india = window({ startDateTime: '2026-03-06 02:00', timeZone: 'India Standard Time', recurEvery: 'Day' });
  t.equal(new Date(nextWindow(india, NOW)!.startMs).toISOString(), '2026-03-05T20:30:00.000Z');
  t.equal(window({ startDateTime: '2026-03-06 02:00', timeZone: 'Europe/Paris' }).zone, 'Europe/Paris', 'IANA names too');
});

t.test('a long jump is bounded to the latest windows', async (t) => {
  const hourly = window({ startDateTime: '2026-03-02 00:00', recurEvery: '6Hours', duration: '01:30' });
  const century = windowsBetween(hourly, NOW, NOW + 36_500 * DAY, 24);
  t.equal(century.windows.length, 24);
  t.equal(century.skipped, true);
  t.equal(century.windows.at(-1)!.startMs, NOW + 36_500 * DAY, 'the last one opened at the end of the jump');
  const few = windowsBetween(hourly, NOW, NOW + 2 * DAY, 24);
  t.equal(few.windows.length, 5, 'from 2026-03-02 00:00 to 2026-03-03 00:00, every 6 hours');
  t.equal(few.skipped, false);
});

t.test('the InGuestPatch rules', async (t) => {
  const error = (input: Record<string, string>) => {
    const checked = checkWindow({ startDateTime: '2026-03-02 02:00', duration: '02:00', timeZone: 'UTC', recurEvery: 'Day', ...input }, { inGuestPatch: true, nowMs: NOW });
    return 'error' in checked ? checked.error : undefined;
  };
  t.match(error({ duration: '01:29' }), /between 01:30 and 03:55/);
  t.match(error({ duration: '03:56' }), /between 01:30 and 03:55/);
  t.equal(error({ duration: '01:30' }), undefined);
  t.equal(error({ duration: '03:55' }), undefined);
  t.match(error({ recurEvery: '5Hours' }), /at least 6 hours/);
  t.match(error({ startDateTime: '2026-02-28 23:00' }), /current date or a future date/);
  t.equal(error({ startDateTime: '2026-03-01 00:00' }), undefined, 'today is allowed');
  t.match(error({ startDateTime: '2026-02-30 02:00' }), /format/);
  t.match(error({ expirationDateTime: '2026-02-01 00:00' }), /ExpirationDateTime must be in the future/);
});
