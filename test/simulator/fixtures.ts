// Small hand-made catalogues for the simulator's unit and property tests.

import type { CataloguePatch } from '../../simulator/catalogue.js';
import type { InstallParameters } from '../../simulator/selection.js';
import { planInstallation, type PlanInput } from '../../simulator/plan.js';

let counter = 0;

export function windowsPatch(overrides: Partial<CataloguePatch> = {}): CataloguePatch {
  counter += 1;
  const kb = String(5000000 + counter);
  return {
    patchId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    name: `Update ${counter} (KB${kb})`,
    kbId: kb,
    classifications: ['Security'],
    rebootBehavior: 'NeverReboots',
    publishedDate: '2024-01-09T00:00:00Z',
    installMinutes: 5,
    failureRate: 0,
    ...overrides,
  };
}

export function linuxPatch(name: string, overrides: Partial<CataloguePatch> = {}): CataloguePatch {
  const version = overrides.version ?? '1.0-1';
  return {
    patchId: `${name}_${version}_Ubuntu_22.04`,
    name,
    version,
    classifications: ['Security'],
    rebootBehavior: 'NeverReboots',
    publishedDate: '2024-01-09T00:00:00Z',
    installMinutes: 1,
    failureRate: 0,
    ...overrides,
  };
}

export const START_MS = Date.parse('2025-01-01T00:00:00Z');

export function plan(available: CataloguePatch[], parameters: InstallParameters, extra: Partial<PlanInput> = {}) {
  return planInstallation({
    seed: 'test-seed',
    operationId: 'op-1',
    osFamily: available[0]?.kbId !== undefined ? 'Windows' : 'Linux',
    startMs: START_MS,
    available,
    parameters,
    rebootPendingBefore: false,
    ...extra,
  });
}
