// The platform's schedule as a pure function: the monthly release, the seeded off-peak rollout,
// the 24-hour assessments and the bound on a long jump.

import t from 'tap';
import { dueRuns, MAX_ASSESSMENTS_PER_CATCH_UP, monthlyReleaseMs, nextRuns, rolloutMs, type ScheduleInput } from '../../simulator/platform-schedule.js';

const HOUR = 3_600_000;
const base: ScheduleInput = {
  seed: 'seed',
  vmKey: '/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm',
  location: 'westeurope',
  duties: { assessment: true, installation: true },
  sinceMs: Date.UTC(2026, 0, 1),
  marks: {},
  nowMs: Date.UTC(2026, 0, 1),
};

t.test('the monthly release is the second Tuesday', async (t) => {
  t.equal(new Date(monthlyReleaseMs(2026, 10)).toISOString(), '2026-11-10T00:00:00.000Z');
  t.equal(new Date(monthlyReleaseMs(2024, 9)).toISOString(), '2024-10-08T00:00:00.000Z');
  for (let month = 0; month < 12; month++) t.equal(new Date(monthlyReleaseMs(2027, month)).getUTCDay(), 2);
});

t.test("a rollout is drawn from the seed: in the 21 days after the release, 22:00-03:00 local", async (t) => {
  for (let month = 0; month < 24; month++) {
    const at = rolloutMs('seed', base.vmKey, 'westeurope', 2026 + Math.floor(month / 12), month % 12);
    const release = monthlyReleaseMs(2026 + Math.floor(month / 12), month % 12);
    t.ok(at >= release && at < release + 22 * 24 * HOUR);
    const localHour = new Date(at + HOUR).getUTCHours();
    t.ok(localHour >= 22 || localHour < 3, `off-peak (${new Date(at).toISOString()})`);
  }
  t.equal(rolloutMs('seed', base.vmKey, 'westeurope', 2026, 3), rolloutMs('seed', base.vmKey, 'westeurope', 2026, 3), 'the same seed, the same time');
  t.not(rolloutMs('seed', base.vmKey, 'westeurope', 2026, 3), rolloutMs('other', base.vmKey, 'westeurope', 2026, 3));
});

t.test('due runs: in order, assessments every 24 hours, rollouts once a month, bounded', async (t) => {
  const week = dueRuns({ ...base, duties: { assessment: true, installation: false }, nowMs: base.sinceMs + 3 * 24 * HOUR + HOUR });
  t.same(week.runs.map((r) => r.dueMs - base.sinceMs), [24 * HOUR, 48 * HOUR, 72 * HOUR]);
  t.same(week.marks, { assessedMs: base.sinceMs + 72 * HOUR });
  t.same(dueRuns({ ...base, marks: week.marks, duties: { assessment: true, installation: false }, nowMs: base.sinceMs + 3 * 24 * HOUR + 2 * HOUR }).runs, [], 'nothing twice');

  const century = dueRuns({ ...base, nowMs: base.sinceMs + 36_500 * 24 * HOUR });
  t.equal(century.runs.filter((r) => r.kind === 'assessPatches').length, MAX_ASSESSMENTS_PER_CATCH_UP);
  t.equal(century.runs.filter((r) => r.kind === 'installPatches').length, 2);
  t.same(century.runs.map((r) => r.dueMs), [...century.runs.map((r) => r.dueMs)].sort((a, b) => a - b), 'oldest first');

  const year = dueRuns({ ...base, duties: { assessment: false, installation: true }, nowMs: Date.UTC(2026, 3, 1) });
  t.ok(year.runs.length <= 2 && year.runs.length >= 1);
  t.same(dueRuns({ ...base, duties: { assessment: false, installation: false }, nowMs: Date.UTC(2030, 0, 1) }), { runs: [], marks: {} }, 'no duty, nothing due');
});

t.test('next runs', async (t) => {
  const next = nextRuns({ ...base, nowMs: base.sinceMs + 5 * HOUR });
  t.equal(next.assessment, base.sinceMs + 24 * HOUR);
  t.ok(next.installation! > base.sinceMs + 5 * HOUR);
});
