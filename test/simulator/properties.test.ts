// Invariants of the simulation over random catalogues and parameters (fast-check).

import fc from 'fast-check';
import t from 'tap';
import { planAssessment } from '../../simulator/assessment.js';
import { catalogueFromFile, LINUX_CLASSIFICATIONS, WINDOWS_CLASSIFICATIONS, type Catalogue, type CataloguePatch, type OsFamily } from '../../simulator/catalogue.js';
import { availablePatches } from '../../simulator/inventory.js';
import { installedPatchIdsAt, planInstallation, rebootPendingAt, selectionOfPlanned, type PlanInput } from '../../simulator/plan.js';
import { assessResult, installResult } from '../../simulator/results.js';
import type { InstallParameters } from '../../simulator/selection.js';

const DAY = 86_400_000;
const lookupOf = (catalogue: Catalogue) => (patchId: string) => catalogue.byId.get(patchId);
const BASE = Date.parse('2024-01-01T00:00:00Z');
const RUNS = { numRuns: 150 };

/**
 * Fails the property with the names of the invariants that broke, so that fast-check's report
 * (with the shrunk counterexample) says which one, not just that the property returned false.
 */
function holds(invariants: Record<string, boolean>): void {
  const broken = Object.entries(invariants).filter(([, ok]) => !ok).map(([name]) => name);
  if (broken.length > 0) throw new Error(`broken: ${broken.join('; ')}`);
}

const patchArb = (osFamily: OsFamily, index: number) =>
  fc
    .record({
      classification: fc.constantFrom(...(osFamily === 'Windows' ? WINDOWS_CLASSIFICATIONS : LINUX_CLASSIFICATIONS)),
      rebootBehavior: fc.constantFrom('NeverReboots', 'AlwaysRequiresReboot', 'CanRequestReboot'),
      day: fc.integer({ min: 0, max: 720 }),
      installSeconds: fc.integer({ min: 60, max: 2400 }),
      failureRate: fc.constantFrom(0, 0, 0.2, 1),
    })
    .map(({ classification, rebootBehavior, day, installSeconds, failureRate }): CataloguePatch => ({
      patchId: osFamily === 'Windows' ? `guid-${index}` : `pkg${index}_1.${index}_Ubuntu_22.04`,
      name: osFamily === 'Windows' ? `Update ${index} (KB${5000000 + index})` : `pkg${index}`,
      ...(osFamily === 'Windows' ? { kbId: String(5000000 + index) } : { version: `1.${index}` }),
      classifications: [classification],
      rebootBehavior: rebootBehavior as CataloguePatch['rebootBehavior'],
      publishedDate: new Date(BASE + day * DAY).toISOString(),
      installSeconds,
      failureRate,
    }));

const catalogueArb = fc.constantFrom<OsFamily>('Windows', 'Linux').chain((osFamily) =>
  fc.integer({ min: 0, max: 25 }).chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => patchArb(osFamily, i))).map(
      (patches): Catalogue =>
        catalogueFromFile('arb', { version: 1, image: 'arb', osFamily, osName: 'arb', osVersion: '1', imageDate: '2000-01-01T00:00:00Z', patches }),
    ),
  ),
);

const parametersArb = (catalogue: Catalogue) => {
  const kbs = catalogue.patches.flatMap((p) => (p.kbId ? [`KB${p.kbId}`] : []));
  const names = catalogue.patches.map((p) => p.name);
  const common = {
    maximumDuration: fc.constantFrom('PT15M', 'PT30M', 'PT1H', 'PT2H', 'PT4H', 'PT90M'),
    rebootSetting: fc.constantFrom('IfRequired', 'Never', 'Always'),
  };
  return catalogue.osFamily === 'Windows'
    ? fc.record({
        ...common,
        windowsParameters: fc.record(
          {
            classificationsToInclude: fc.subarray([...WINDOWS_CLASSIFICATIONS]),
            kbNumbersToInclude: fc.subarray(kbs),
            kbNumbersToExclude: fc.subarray(kbs),
            excludeKbsRequiringReboot: fc.boolean(),
            maxPatchPublishDate: fc.integer({ min: 0, max: 720 }).map((d) => new Date(BASE + d * DAY).toISOString()),
            patchNameMasksToInclude: fc.subarray(names.map((n) => `${n.slice(0, 6)}*`)),
          },
          { requiredKeys: [] },
        ),
      })
    : fc.record({
        ...common,
        linuxParameters: fc.record(
          {
            classificationsToInclude: fc.subarray([...LINUX_CLASSIFICATIONS]),
            packageNameMasksToInclude: fc.subarray(names),
            packageNameMasksToExclude: fc.subarray(names.map((n) => `${n}*`)),
          },
          { requiredKeys: [] },
        ),
      });
};

const scenarioArb = catalogueArb.chain((catalogue) =>
  fc.record({
    catalogue: fc.constant(catalogue),
    parameters: parametersArb(catalogue) as fc.Arbitrary<InstallParameters>,
    seed: fc.string({ maxLength: 8 }),
    rebootPendingBefore: fc.boolean(),
    asOfDay: fc.integer({ min: 0, max: 800 }),
  }),
);

const VM = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm';

interface Scenario {
  catalogue: Catalogue;
  parameters: InstallParameters;
  seed: string;
  rebootPendingBefore: boolean;
  asOfDay: number;
}

function planFor(s: Scenario) {
  const startMs = BASE + s.asOfDay * DAY;
  const available = availablePatches(s.catalogue, { seed: s.seed, vmResourceId: VM, asOfMs: startMs, patchState: { installedPatchIds: [], rebootPending: false } });
  const input: PlanInput = {
    seed: s.seed,
    operationId: 'op',
    catalogue: { key: 'arb', version: 1 },
    osFamily: s.catalogue.osFamily,
    startMs,
    available,
    parameters: s.parameters,
    rebootPendingBefore: s.rebootPendingBefore,
  };
  return { input, available, startMs, plan: planInstallation(input) };
}

t.test('counts equal the tallies of the lists', async () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const { plan, available, startMs } = planFor(s);
      const result = installResult(plan, lookupOf(s.catalogue));
      const tally = (state: string) => result.patches.filter((p) => p.installationState === state).length;
      const assess = assessResult(planAssessment({ catalogue: { key: 'arb', version: 1 }, operationId: 'a', osFamily: s.catalogue.osFamily, startMs, available, rebootPending: false }), startMs, lookupOf(s.catalogue));
      const critSec = assess.availablePatches.filter((p) => p.classifications.some((c) => c === 'Critical' || c === 'Security')).length;
      holds({
        'installedPatchCount is the Installed tally': result.installedPatchCount === tally('Installed'),
        'failedPatchCount is the Failed tally': result.failedPatchCount === tally('Failed'),
        'pendingPatchCount is the Pending tally': result.pendingPatchCount === tally('Pending'),
        'excludedPatchCount is the Excluded tally': result.excludedPatchCount === tally('Excluded'),
        'notSelectedPatchCount is the NotSelected tally': result.notSelectedPatchCount === tally('NotSelected'),
        'every available patch is listed': result.patches.length === available.length,
        'criticalAndSecurityPatchCount counts Critical and Security': assess.criticalAndSecurityPatchCount === critSec,
        'otherPatchCount counts the rest': assess.otherPatchCount === assess.availablePatches.length - critSec,
      });
    }),
    RUNS,
  );
});

t.test('Pending only when the window was exceeded, and an exceeded window fails the run', async () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const result = installResult(planFor(s).plan, lookupOf(s.catalogue));
      holds({
        'Pending only with the window exceeded': result.pendingPatchCount === 0 || result.maintenanceWindowExceeded,
        'an exceeded window fails the run': !result.maintenanceWindowExceeded || result.status === 'Failed',
      });
    }),
    RUNS,
  );
});

t.test('a NotSelected or Excluded patch is never installed, and only selected patches are attempted', async () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const patches = planFor(s).plan.patches;
      holds({
        'a selected patch ends Installed, Failed or Pending': patches.every((p) => selectionOfPlanned(p) !== 'Selected' || ['Installed', 'Failed', 'Pending'].includes(p.state)),
        'a NotSelected or Excluded patch is never attempted': patches.every((p) => selectionOfPlanned(p) === 'Selected' || p.startOffsetMs === undefined),
      });
    }),
    RUNS,
  );
});

t.test('the same seed and inputs give the same plan', async () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const first = planFor(s);
      holds({ 'planning again gives the same plan': JSON.stringify(planInstallation(structuredClone(first.input))) === JSON.stringify(first.plan) });
    }),
    RUNS,
  );
});

t.test('installing then assessing never lists an installed patch; failed and pending ones stay', async () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const { plan, startMs } = planFor(s);
      const installed = installedPatchIdsAt(plan, plan.durationMs);
      const endMs = startMs + plan.durationMs;
      const after = availablePatches(s.catalogue, {
        seed: s.seed,
        vmResourceId: VM,
        asOfMs: endMs,
        patchState: { installedPatchIds: installed, rebootPending: rebootPendingAt(plan, plan.durationMs) },
      });
      const listed = new Set(assessResult(planAssessment({ catalogue: { key: 'arb', version: 1 }, operationId: 'a', osFamily: s.catalogue.osFamily, startMs: endMs, available: after, rebootPending: false }), endMs, lookupOf(s.catalogue)).availablePatches.map((p) => p.patchId));
      const stayed = plan.patches.filter((p) => p.state !== 'Installed').every((p) => listed.has(p.patchId));
      holds({
        'an installed patch is not listed again': installed.every((id) => !listed.has(id)),
        'a failed or pending patch is listed again': stayed,
      });
    }),
    RUNS,
  );
});

t.test('a reboot is owed afterwards only when reboots were off or the reboot did not fit', async () => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const { plan } = planFor(s);
      const result = installResult(plan, lookupOf(s.catalogue));
      const owed = rebootPendingAt(plan, plan.durationMs);
      holds({
        'rebootStatus Required exactly when a reboot is owed': owed === (result.rebootStatus === 'Required'),
        'a reboot is owed only with reboots off or the window exceeded': !owed || s.parameters.rebootSetting === 'Never' || result.maintenanceWindowExceeded,
      });
    }),
    RUNS,
  );
});
