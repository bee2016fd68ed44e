// A VM's patch inventory: what its image's catalogue offers, less what it has installed. Which
// catalogue entries apply to a given VM is drawn from the seed and the VM's resource id, so two VMs
// of the same image differ a little, and the same VM always looks the same.

import type { Catalogue, CataloguePatch } from './catalogue.js';
import { unitDraw } from './random.js';

/** Share of a catalogue's patches that apply to any one VM. */
export const PATCH_PRESENCE = 0.85;

export interface VmPatchState {
  /** Patch ids this VM has installed through the emulator. */
  installedPatchIds: string[];
  /** A reboot-requiring install happened and no reboot has followed. */
  rebootPending: boolean;
}

export const FRESH_PATCH_STATE: VmPatchState = { installedPatchIds: [], rebootPending: false };

export interface InventoryInput {
  seed: string;
  vmResourceId: string;
  /** Simulated time: patches published later are not yet available. */
  asOfMs: number;
  patchState: VmPatchState;
}

export function availablePatches(catalogue: Catalogue, input: InventoryInput): CataloguePatch[] {
  const installed = new Set(input.patchState.installedPatchIds);
  const vmKey = input.vmResourceId.toLowerCase();
  return catalogue.patches.filter(
    (patch) =>
      !installed.has(patch.patchId) &&
      Date.parse(patch.publishedDate) <= input.asOfMs &&
      unitDraw(input.seed, 'inventory', vmKey, patch.patchId) < PATCH_PRESENCE,
  );
}
