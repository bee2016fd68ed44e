// A VM's patch settings as the emulator reads them: one place for every part that needs them (the
// VM routes' validation, the platform's own runs, maintenance schedules, the dashboard).

import type { ImageReference } from '../../simulator/catalogue.js';
import {
  canonicalPatchSettings,
  effectivePatchSettings,
  patchSettingsProblem,
  platformDuties,
  type EffectivePatchSettings,
} from '../../simulator/patch-settings.js';
import type { PlatformMarks } from '../../simulator/platform-schedule.js';
import { ArmError } from '../arm/errors.js';
import { PATCH_SETTINGS_SHAPE, shapeFor } from '../arm/versioned-shapes.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';

export type { EffectivePatchSettings };

/**
 * The VM's patch settings, with the defaults Azure fills in (Windows `AutomaticByOS`, Linux
 * `ImageDefault`, assessment `ImageDefault`, bypass false, reboot `IfRequired`). Reads the stored
 * definition only: no query.
 */
export function patchSettingsOf(vm: Pick<VirtualMachineRecord, 'osFamily' | 'definition'>): EffectivePatchSettings {
  return effectivePatchSettings(vm.definition.properties, vm.osFamily);
}

/** What the platform does by itself on this VM: periodic assessment, monthly automatic patching. */
export function platformDutiesOf(vm: Pick<VirtualMachineRecord, 'osFamily' | 'definition'>): { assessment: boolean; installation: boolean } {
  return platformDuties(patchSettingsOf(vm));
}

const imageOf = (properties: Record<string, unknown>) =>
  ((properties.storageProfile as { imageReference?: ImageReference } | undefined)?.imageReference);

/**
 * Checks a PUT's or PATCH's patch settings as CRP does (400 InvalidParameter or
 * PropertyChangeNotAllowed, with CRP's target), and returns the properties with enum values in
 * their canonical spelling.
 */
export function checkedPatchSettings(
  osFamily: VirtualMachineRecord['osFamily'],
  properties: Record<string, unknown>,
  previous?: Record<string, unknown>,
): Record<string, unknown> {
  // A VM's image is fixed at creation: an update is checked against the image it has.
  const image = imageOf(previous ?? properties) ?? imageOf(properties);
  const problem = patchSettingsProblem({ osFamily, image, properties, ...(previous ? { previous } : {}) });
  if (problem) throw new ArmError(400, problem.code, problem.message, { target: problem.target });
  return canonicalPatchSettings(properties, osFamily);
}

/**
 * The platform-run marks a VM keeps after its definition changes: a duty switched on is counted
 * from now (its first run a period later), one switched off is forgotten, one kept keeps its marks.
 */
export function marksAfterChange(
  vm: Pick<VirtualMachineRecord, 'osFamily' | 'definition' | 'patchState' | 'timeCreated'>,
  properties: Record<string, unknown>,
  nowMs: number,
): PlatformMarks | undefined {
  const before = platformDutiesOf(vm);
  const after = platformDuties(effectivePatchSettings(properties, vm.osFamily));
  const old = vm.patchState.platform ?? {};
  const marks: PlatformMarks = {};
  if (after.assessment) marks.assessedMs = before.assessment ? (old.assessedMs ?? Date.parse(vm.timeCreated)) : nowMs;
  if (after.installation) marks.installedMs = before.installation ? (old.installedMs ?? Date.parse(vm.timeCreated)) : nowMs;
  return marks.assessedMs === undefined && marks.installedMs === undefined ? undefined : marks;
}

/**
 * A request's properties as its api-version's model reads them: patch settings that came later
 * are not in that model, so they are dropped, not kept or refused.
 */
export function patchSettingsAtVersion(properties: Record<string, unknown>, apiVersion: string): Record<string, unknown> {
  return shapeFor({ properties }, apiVersion, PATCH_SETTINGS_SHAPE).properties;
}
