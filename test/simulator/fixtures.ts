// Small hand-made catalogues for the simulator's unit and property tests.

import { catalogueFromFile, type Catalogue, type CataloguePatch, type PatchLookup } from '../../simulator/catalogue.js';
import type { InstallParameters } from '../../simulator/selection.js';
import { planInstallation, type PlanInput } from '../../simulator/plan.js';

let counter = 0;
/** Every patch made here, by id: plans keep ids, and results find the entries through this. */
const made = new Map<string, CataloguePatch>();
export const lookup: PatchLookup = (patchId) => made.get(patchId);
const remember = (patch: CataloguePatch) => {
  made.set(patch.patchId, patch);
  return patch;
};

export const TEST_CATALOGUE = { key: 'test', version: 1 };

/** A catalogue of these entries, its image older than all of them unless `imageDate` says otherwise. */
export function catalogueOf(patches: CataloguePatch[], imageDate = '2000-01-01T00:00:00Z'): Catalogue {
  const osFamily = patches[0]?.kbId !== undefined ? 'Windows' : 'Linux';
  return catalogueFromFile('test', {
    version: 1,
    image: 'test',
    osFamily,
    ...(osFamily === 'Linux' ? { distro: 'Ubuntu', distroVersion: '22.04' } : {}),
    osName: 'test',
    osVersion: '1',
    imageDate,
    patches,
  });
}

export function windowsPatch(overrides: Partial<CataloguePatch> = {}): CataloguePatch {
  counter += 1;
  const kb = String(5000000 + counter);
  return remember({
    patchId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    name: `Update ${counter} (KB${kb})`,
    kbId: kb,
    classifications: ['Security'],
    rebootBehavior: 'NeverReboots',
    publishedDate: '2024-01-09T00:00:00Z',
    installSeconds: 300,
    failureRate: 0,
    ...overrides,
  });
}

export function linuxPatch(name: string, overrides: Partial<CataloguePatch> = {}): CataloguePatch {
  const version = overrides.version ?? '1.0-1';
  return remember({
    patchId: `${name}_${version}_Ubuntu_22.04`,
    name,
    version,
    classifications: ['Security'],
    rebootBehavior: 'NeverReboots',
    publishedDate: '2024-01-09T00:00:00Z',
    installSeconds: 60,
    failureRate: 0,
    ...overrides,
  });
}

export const START_MS = Date.parse('2025-01-01T00:00:00Z');

export function plan(available: CataloguePatch[], parameters: InstallParameters, extra: Partial<PlanInput> = {}) {
  return planInstallation({
    seed: 'test-seed',
    operationId: 'op-1',
    catalogue: TEST_CATALOGUE,
    osFamily: available[0]?.kbId !== undefined ? 'Windows' : 'Linux',
    startMs: START_MS,
    available,
    parameters,
    rebootPendingBefore: false,
    ...extra,
  });
}
