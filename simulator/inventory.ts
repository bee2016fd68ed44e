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

/**
 * The catalogue entries that apply to a VM at all: a draw on the seed and the VM's resource id
 * alone, so the same for the VM's whole life, and a caller may keep it (server/patch-operations.ts
 * does: the draw is a hash per patch, the larger part of an inventory's cost).
 */
export function presentPatches(catalogue: Catalogue, seed: string, vmResourceId: string): CataloguePatch[] {
  const vmKey = vmResourceId.toLowerCase();
  return catalogue.patches.filter((patch) => unitDraw(seed, 'inventory', vmKey, patch.patchId) < PATCH_PRESENCE);
}

export function availablePatches(
  catalogue: Catalogue,
  input: InventoryInput,
  present: readonly CataloguePatch[] = presentPatches(catalogue, input.seed, input.vmResourceId),
): CataloguePatch[] {
  const installed = new Set(input.patchState.installedPatchIds);
  return present.filter((patch) => !installed.has(patch.patchId) && Date.parse(patch.publishedDate) <= input.asOfMs);
}
