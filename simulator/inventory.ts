// A VM's patch inventory: what its image's catalogue offers, less what the image already carries
// and what the VM has installed since, with superseded updates left out (docs/simulation.md).
//
// - The image is a month or two behind its catalogue: every entry published up to the catalogue's
//   `imageDate` is part of it (but `inImage: false` entries, which failed when it was built).
// - Supersedence: of each chain only the newest published entry can apply, as Windows Update
//   offers only the latest cumulative update; once that one is installed (by the image or a run)
//   nothing of the chain is offered until a newer one is published.
// - Entries with a `presence` below 1 (products not every VM has) apply to a VM on a seeded draw
//   on the seed and the VM's resource id, so two VMs of one image differ a little and one VM always
//   looks the same.

import { publishedMs, type Catalogue, type CataloguePatch } from './catalogue.js';
import type { PlatformMarks } from './platform-schedule.js';
import { unitDraw } from './random.js';

export interface VmPatchState {
  /** Patch ids this VM has installed through the emulator. */
  installedPatchIds: string[];
  /** A reboot-requiring install happened and no reboot has followed. */
  rebootPending: boolean;
  /** Where the platform's own runs stand (simulator/platform-schedule.ts); absent when it has none. */
  platform?: PlatformMarks;
}

export const FRESH_PATCH_STATE: VmPatchState = { installedPatchIds: [], rebootPending: false };

export interface InventoryInput {
  seed: string;
  vmResourceId: string;
  /** Simulated time: patches published later are not yet available. */
  asOfMs: number;
  patchState: VmPatchState;
}

/**
 * The catalogue entries that apply to a VM at all: a draw on the seed and the VM's resource id
 * alone, so the same for the VM's whole life, and a caller may keep it (server/operations/patch-operations.ts
 * does).
 */
export function presentPatches(catalogue: Catalogue, seed: string, vmResourceId: string): CataloguePatch[] {
  const vmKey = vmResourceId.toLowerCase();
  return catalogue.patches.filter((patch) => (patch.presence ?? 1) >= 1 || unitDraw(seed, 'inventory', vmKey, patch.patchId) < (patch.presence ?? 1));
}

/** Whether the VM's image carries the entry. */
export function inImage(catalogue: Catalogue, patch: CataloguePatch): boolean {
  return patch.inImage !== false && publishedMs(patch) <= catalogue.imageMs;
}

export function availablePatches(
  catalogue: Catalogue,
  input: InventoryInput,
  present: readonly CataloguePatch[] = presentPatches(catalogue, input.seed, input.vmResourceId),
): CataloguePatch[] {
  const installed = new Set(input.patchState.installedPatchIds);
  const published = present.filter((patch) => publishedMs(patch) <= input.asOfMs);
  // The newest published entry of each chain; on a tie the later in the catalogue.
  const newest = new Map<string, CataloguePatch>();
  for (const patch of published) {
    if (patch.chain === undefined) continue;
    const current = newest.get(patch.chain);
    if (!current || publishedMs(patch) >= publishedMs(current)) newest.set(patch.chain, patch);
  }
  return published.filter(
    (patch) =>
      (patch.chain === undefined || newest.get(patch.chain) === patch) && !installed.has(patch.patchId) && !inImage(catalogue, patch),
  );
}
