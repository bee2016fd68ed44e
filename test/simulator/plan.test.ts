import t from 'tap';
import type { CataloguePatch } from '../../simulator/catalogue.js';
import { planInstallation, REBOOT_NOT_ALLOWED_MESSAGE, WINDOW_EXCEEDED_MESSAGE, type PlanInput } from '../../simulator/plan.js';
import { installResult } from '../../simulator/results.js';
import { loadCatalogues } from '../../server/catalogues.js';
import { availablePatches, FRESH_PATCH_STATE } from '../../simulator/inventory.js';

const patch = (n: number, overrides: Partial<CataloguePatch> = {}): CataloguePatch => ({
  patchId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name: `Update ${n} (KB50000${n})`,
  kbId: `50000${n}`,
  classifications: ['Security'],
  rebootBehavior: 'NeverReboots',
  publishedDate: '2024-01-01T00:00:00Z',
  installMinutes: 10,
  failureRate: 0,
  ...overrides,
});

const input = (overrides: Partial<PlanInput> = {}): PlanInput => ({
  seed: 'test-seed',
  operationId: 'op-1',
  osFamily: 'Windows',
  startMs: Date.parse('2026-01-01T00:00:00Z'),
  available: [patch(1), patch(2), patch(3, { classifications: ['Tools'] })],
  parameters: { rebootSetting: 'IfRequired', maximumDuration: 'PT4H', windowsParameters: { classificationsToInclude: ['Security'] } },
  rebootPendingBefore: false,
  ...overrides,
});

t.test('counts equal the tallies of the patch list, on every catalogue', async (t) => {
  for (const catalogue of loadCatalogues().values()) {
    const available = availablePatches(catalogue, { seed: 's', vmResourceId: `/vm/${catalogue.key}`, asOfMs: Date.now(), patchState: FRESH_PATCH_STATE });
    const osFamily = catalogue.osFamily;
    const plan = planInstallation(
      input({
        osFamily,
        available,
        parameters: {
          rebootSetting: 'Never',
          maximumDuration: 'PT1H',
          windowsParameters: { classificationsToInclude: ['Critical', 'Security', 'Updates'], excludeKbsRequiringReboot: false },
          linuxParameters: { classificationsToInclude: ['Security', 'Other'], packageNameMasksToExclude: ['lib*'] },
        },
      }),
    );
    const result = installResult(plan);
    const tally = (state: string) => result.patches.filter((p) => p.installationState === state).length;
    t.same(
      [result.installedPatchCount, result.failedPatchCount, result.pendingPatchCount, result.excludedPatchCount, result.notSelectedPatchCount],
      [tally('Installed'), tally('Failed'), tally('Pending'), tally('Excluded'), tally('NotSelected')],
      catalogue.key,
    );
    t.equal(result.patches.length, available.length, `${catalogue.key}: every available patch is listed`);
  }
});

t.test('the same seed and inputs give the same plan; another seed may not', async (t) => {
  const flaky = [patch(1, { failureRate: 0.5 }), patch(2, { failureRate: 0.5 }), patch(3, { failureRate: 0.5 }), patch(4, { failureRate: 0.5 })];
  t.same(planInstallation(input({ available: flaky })), planInstallation(input({ available: flaky })));
  const outcomes = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((seed) => JSON.stringify(planInstallation(input({ seed, available: flaky })).patches.map((p) => p.state))));
  t.ok(outcomes.size > 1, 'failure draws depend on the seed');
});

t.test('a window too short for the next patch leaves it and the rest Pending, status Failed', async (t) => {
  // 1 min assessment + 8-12 min for the first patch leaves under 15 min of a 22-min window.
  const plan = planInstallation(input({ parameters: { rebootSetting: 'Never', maximumDuration: 'PT22M', windowsParameters: { classificationsToInclude: ['Security'] } } }));
  t.same(plan.patches.map((p) => p.state), ['Installed', 'Pending', 'NotSelected']);
  t.equal(plan.maintenanceWindowExceeded, true);
  t.equal(plan.status, 'Failed');
  t.same(plan.errors.map((e) => e.message), [WINDOW_EXCEEDED_MESSAGE]);
});

t.test('rebootSetting Never with a reboot-requiring install: Required and CompletedWithWarnings', async (t) => {
  const available = [patch(1, { rebootBehavior: 'AlwaysRequiresReboot' })];
  const never = planInstallation(input({ available, parameters: { rebootSetting: 'Never', windowsParameters: { classificationsToInclude: ['Security'] } } }));
  t.equal(never.rebootStatus, 'Required');
  t.equal(never.status, 'CompletedWithWarnings');
  t.equal(never.rebootPendingAfter, true);
  const result = installResult(never);
  t.equal(result.error.code, '2');
  t.same(result.error.details, [{ code: 'ERROR', message: REBOOT_NOT_ALLOWED_MESSAGE }]);

  const ifRequired = planInstallation(input({ available, parameters: { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Security'] } } }));
  t.equal(ifRequired.rebootStatus, 'Completed');
  t.equal(ifRequired.status, 'Succeeded');
  t.ok(ifRequired.durationMs > never.durationMs, 'the reboot takes simulated time');
});

t.test('Always reboots even when nothing needs it; IfRequired does not', async (t) => {
  const always = planInstallation(input({ parameters: { rebootSetting: 'Always', windowsParameters: { classificationsToInclude: ['Security'] } } }));
  t.equal(always.rebootStatus, 'Completed');
  const ifRequired = planInstallation(input());
  t.equal(ifRequired.rebootStatus, 'NotNeeded');
});

t.test('a failure-prone patch can fail: Failed state, status and error detail', async (t) => {
  const plan = planInstallation(input({ available: [patch(1, { failureRate: 1 })] }));
  t.equal(plan.patches[0]!.state, 'Failed');
  t.equal(plan.status, 'Failed');
  const result = installResult(plan);
  t.equal(result.failedPatchCount, 1);
  t.equal(result.error.code, '1');
  t.match(result.error.message, /^1 error\/s reported\. The latest 1 error\/s are shared in detail\./);
});

t.test('error object on success: Windows and Linux spellings (R1)', async (t) => {
  t.same(installResult(planInstallation(input())).error, { details: [], code: 'Success', message: '0 error/s reported' });
  const linuxPlan = planInstallation(
    input({
      osFamily: 'Linux',
      available: [{ ...patch(1), kbId: undefined, name: 'curl', version: '7.81.0-1ubuntu1.18', patchId: 'curl_7.81.0-1ubuntu1.18_Ubuntu_22.04' } as CataloguePatch],
      parameters: { rebootSetting: 'IfRequired', linuxParameters: { classificationsToInclude: ['Security'] } },
    }),
  );
  const linux = installResult(linuxPlan);
  t.same(linux.error, { details: [], code: '0', message: '0 error/s reported.' });
  t.equal(linux.maintenanceRunId, '');
  t.same(Object.keys(linux.patches[0]!), ['patchId', 'name', 'version', 'classifications', 'installationState'], 'Linux items: version, no kbId');
});
