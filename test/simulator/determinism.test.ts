import t from 'tap';
import { guidFrom, unitDraw } from '../../simulator/random.js';
import { parseDurationMs } from '../../simulator/duration.js';
import { armTimestamp, armTimestampUtc } from '../../simulator/time-format.js';
import { advancedBy, simulatedNow, startClock, withFrozen, withSpeed } from '../../simulator/clock.js';
import { parseCompletionMode, stateAt } from '../../simulator/progress.js';

t.test('draws and ids depend on their inputs only', async (t) => {
  t.equal(unitDraw('a', 'b'), unitDraw('a', 'b'));
  t.not(unitDraw('a', 'b'), unitDraw('a', 'c'));
  t.equal(guidFrom('seed', 'x'), guidFrom('seed', 'x'));
  t.match(guidFrom('seed', 'x'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.not(guidFrom('seed', 'x'), guidFrom('seed', 'y'));
});

t.test('ISO-8601 durations', async (t) => {
  t.equal(parseDurationMs('PT4H'), 4 * 3600_000);
  t.equal(parseDurationMs('PT120M'), 120 * 60_000);
  t.equal(parseDurationMs('P1DT2H'), 26 * 3600_000);
  t.equal(parseDurationMs('PT1.5S'), 1500);
  for (const bad of ['', 'P', 'PT', '4H', 'PT4X', 'P1Y', 'PTH']) t.equal(parseDurationMs(bad), undefined, bad);
});

t.test('timestamps as Azure writes them: up to seven fractional digits, trailing zeros left out, an explicit offset', async (t) => {
  t.equal(armTimestamp(Date.parse('2024-11-23T01:32:33.651Z')), '2024-11-23T01:32:33.651+00:00');
  t.equal(armTimestamp(Date.parse('2024-11-23T01:32:34.000Z')), '2024-11-23T01:32:34+00:00', 'a whole second has no fraction');
  t.equal(armTimestamp(Date.parse('2024-11-23T01:32:33.650Z') + 0.686), '2024-11-23T01:32:33.650686+00:00');
  t.equal(armTimestampUtc(Date.parse('2020-04-24T21:02:04.255Z') + 0.5), '2020-04-24T21:02:04.2555Z');
});

t.test('the clock runs at its speed, freezes and advances', async (t) => {
  const clock = startClock(1_000, 600);
  t.equal(simulatedNow(clock, 2_000), 1_000 + 600_000);
  const frozen = withFrozen(clock, 2_000, true);
  t.equal(simulatedNow(frozen, 50_000), simulatedNow(clock, 2_000));
  t.equal(simulatedNow(advancedBy(frozen, 50_000, 60_000), 99_000), simulatedNow(clock, 2_000) + 60_000);
  const slower = withSpeed(clock, 2_000, 1);
  t.equal(simulatedNow(slower, 3_000), simulatedNow(clock, 2_000) + 1_000, 'a new speed does not move time already passed');
});

t.test('completion modes', async (t) => {
  const plan = { startMs: 0, durationMs: 10_000 };
  t.same(stateAt(plan, parseCompletionMode('instant')!, 5, 0), { terminal: false });
  t.same(stateAt(plan, parseCompletionMode('instant')!, 5, 1), { terminal: true, endMs: 5 });
  t.same(stateAt(plan, parseCompletionMode('polls:3')!, 5, 2), { terminal: false });
  t.same(stateAt(plan, parseCompletionMode('polls:3')!, 5, 3), { terminal: true, endMs: 5 });
  t.same(stateAt(plan, parseCompletionMode('time')!, 9_999, 50), { terminal: false });
  t.same(stateAt(plan, parseCompletionMode('time')!, 12_000, 0), { terminal: true, endMs: 10_000 });
  for (const bad of ['polls:0', 'polls:x', 'soon', 'polls:1001']) t.equal(parseCompletionMode(bad), undefined, bad);
});
