// assessPatches results and the stateful inventory: what is available depends on the image's
// catalogue, what the VM installed, and the simulated date.

import t from 'tap';
import { planAssessment } from '../../simulator/assessment.js';
import { availablePatches } from '../../simulator/inventory.js';
import { installedPatchIdsAt } from '../../simulator/plan.js';
import { assessResult } from '../../simulator/results.js';
import { linuxPatch, plan, START_MS, windowsPatch, lookup, TEST_CATALOGUE, catalogueOf } from './fixtures.js';

const catalogue = catalogueOf;
const everything = { seed: 'seed', vmResourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm' };

t.test('an assessment lists what is available, with the operation id and tallied counts', async (t) => {
  const patches = [
    windowsPatch({ classifications: ['Critical'] }),
    windowsPatch({ classifications: ['Security'] }),
    windowsPatch({ classifications: ['Definition'], rebootBehavior: 'NeverReboots' }),
  ];
  const p = planAssessment({ catalogue: TEST_CATALOGUE, operationId: 'op-9', osFamily: 'Windows', startMs: START_MS, available: patches, rebootPending: true });
  const result = assessResult(p, START_MS + p.durationMs, lookup);
  t.equal(result.status, 'Succeeded');
  t.equal(result.assessmentActivityId, 'op-9');
  t.equal(result.rebootPending, true);
  t.equal(result.criticalAndSecurityPatchCount, 2);
  t.equal(result.otherPatchCount, 1);
  t.ok(result.availablePatches.every((x) => x.activityId === 'op-9' && x.assessmentState === 'Available'));
  t.same(Object.keys(result.availablePatches[0]!), [
    'patchId', 'name', 'kbId', 'classifications', 'rebootBehavior', 'publishedDate', 'activityId', 'lastModifiedDateTime', 'assessmentState',
  ]);
  const linux = assessResult(planAssessment({ catalogue: TEST_CATALOGUE, operationId: 'l', osFamily: 'Linux', startMs: START_MS, available: [linuxPatch('curl')], rebootPending: false }), START_MS, lookup);
  t.equal(linux.availablePatches[0]!.version, '1.0-1');
  t.notOk('kbId' in linux.availablePatches[0]!, 'Linux items carry a version and no kbId');
});

t.test('a superseded assessment reports nothing and fails', async (t) => {
  const p = planAssessment({ catalogue: TEST_CATALOGUE, operationId: 'op', osFamily: 'Linux', startMs: START_MS, available: [linuxPatch('curl')], rebootPending: false });
  const result = assessResult(p, START_MS, lookup, true);
  t.equal(result.status, 'Failed');
  t.same(result.availablePatches, []);
  t.equal(result.error.details[0]!.code, 'NEWER_OPERATION_SUPERSEDED');
});

t.test('inventory: installed patches leave it; failed and pending ones stay', async (t) => {
  const patches = [windowsPatch({ installSeconds: 600 }), windowsPatch({ failureRate: 1, installSeconds: 600 }), windowsPatch({ installSeconds: 600 })];
  const c = catalogue(patches);
  // Which entries apply to a VM is drawn from the seed and its id: take a VM that has all three.
  const fresh = { installedPatchIds: [], rebootPending: false };
  const vm = Array.from({ length: 50 }, (_, i) => `${everything.vmResourceId}${i}`).find(
    (id) => availablePatches(c, { seed: 'seed', vmResourceId: id, asOfMs: START_MS, patchState: fresh }).length === 3,
  )!;
  const before = availablePatches(c, { seed: 'seed', vmResourceId: vm, asOfMs: START_MS, patchState: fresh });
  const p = plan(before, { maximumDuration: 'PT31M', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Security'] } });
  t.same(p.patches.map((x) => x.state), ['Installed', 'Failed', 'Pending']);
  const installed = installedPatchIdsAt(p, p.durationMs);
  const after = availablePatches(c, { seed: 'seed', vmResourceId: vm, asOfMs: START_MS, patchState: { installedPatchIds: installed, rebootPending: false } });
  t.same(after.map((x) => x.patchId), before.filter((x) => !installed.includes(x.patchId)).map((x) => x.patchId));
  t.equal(after.length, before.length - 1);
});

t.test('inventory: grows as the simulated clock passes publish dates', async (t) => {
  const c = catalogue(['2025-01-10', '2025-02-11', '2025-03-11'].map((d) => windowsPatch({ publishedDate: `${d}T00:00:00Z` })));
  const at = (date: string) =>
    availablePatches(c, { ...everything, asOfMs: Date.parse(date), patchState: { installedPatchIds: [], rebootPending: false } }).length;
  t.ok(at('2025-01-01') <= at('2025-02-15'));
  t.ok(at('2025-02-15') <= at('2025-12-31'));
  t.equal(at('2025-01-01'), 0, 'nothing published yet');
  t.ok(at('2025-12-31') > 0);
});
