// What a run is doing at each point of its plan's timeline (the dashboard's "step"), and its progress.

import t from 'tap';
import { ASSESSMENT_MS, REBOOT_MS } from '../../simulator/plan.js';
import { installActivityAt, runProgress } from '../../simulator/run-activity.js';
import { plan, START_MS, windowsPatch } from './fixtures.js';

const MINUTE = 60_000;

t.test('assessing, each patch in turn, the reboot, the closing assessment, done', async (t) => {
  const first = windowsPatch({ installSeconds: 600, rebootBehavior: 'AlwaysRequiresReboot' });
  const second = windowsPatch({ installSeconds: 600 });
  const notSelected = windowsPatch({ classifications: ['Tools'] });
  const p = plan([first, second, notSelected], { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Security'] } });
  const [one, two] = p.patches;
  t.ok(p.finalReboot, 'the first patch asks for a reboot');

  t.same(installActivityAt(p, 0), { phase: 'Assessing' });
  t.same(installActivityAt(p, one!.startOffsetMs!), { phase: 'Installing', patchId: first.patchId });
  t.same(installActivityAt(p, one!.endOffsetMs! - 1), { phase: 'Installing', patchId: first.patchId });
  t.same(installActivityAt(p, two!.startOffsetMs!), { phase: 'Installing', patchId: second.patchId });
  t.same(installActivityAt(p, p.finalReboot!.startOffsetMs + REBOOT_MS.Windows / 2), { phase: 'Rebooting' });
  t.same(installActivityAt(p, p.durationMs - ASSESSMENT_MS / 2), { phase: 'Assessing' }, 'the implicit assessment closes the run');
  t.same(installActivityAt(p, p.durationMs), { phase: 'Done' });
});

t.test('a run that selects nothing only assesses', async (t) => {
  const p = plan([windowsPatch()], { rebootSetting: 'Never', windowsParameters: { classificationsToInclude: ['Tools'] } });
  t.same(installActivityAt(p, ASSESSMENT_MS + 1), { phase: 'Assessing' });
});

t.test('progress runs from 0 at the start to 1 at the planned end, and no further', async (t) => {
  const run = { startMs: START_MS, durationMs: 40 * MINUTE };
  t.equal(runProgress(run, START_MS - MINUTE), 0);
  t.equal(runProgress(run, START_MS + 10 * MINUTE), 0.25);
  t.equal(runProgress(run, START_MS + 40 * MINUTE), 1);
  t.equal(runProgress(run, START_MS + 400 * MINUTE), 1);
  t.equal(runProgress({ startMs: START_MS, durationMs: 0 }, START_MS), 1);
});
