// What each api-version's response models define, as tables: a body is built in the newest shape,
// then every property its api-version does not define is taken out, and renamed properties get the
// older name. Sources are the stable folders of github.com/Azure/azure-rest-api-specs:
// specification/compute/resource-manager/Microsoft.Compute/stable/{version}/compute.json up to
// 2021-04-01, .../ComputeRP/stable/{version}/virtualMachine.json later, and their examples/.
// docs/api.md lists the same tables for users.

import { PATCH_NAME_MASKS_SINCE } from '../../schemas/api-versions.js';

/** A property, by its dotted path (`[]` steps into every item of an array), and the first version that has it. */
export interface VersionedProperty {
  path: string;
  since: string;
}

/** A property named differently up to and including `until`. */
export interface RenamedProperty {
  path: string;
  until: string;
  olderName: string;
}

export interface ShapeTable {
  properties: readonly VersionedProperty[];
  renames?: readonly RenamedProperty[];
}

/** Microsoft.Compute/virtualMachines, as GET, PUT, PATCH and the lists return it. */
export const VIRTUAL_MACHINE_SHAPE: ShapeTable = {
  properties: [
    // 2015-06-15 has the rest: hardware, storage (vhd-based), OS, network and diagnostics profiles.
    { path: 'properties.storageProfile.osDisk.managedDisk', since: '2016-04-30-preview' },
    { path: 'properties.vmId', since: '2016-04-30-preview' },
    { path: 'properties.osProfile.allowExtensionOperations', since: '2018-06-01' },
    { path: 'properties.osProfile.requireGuestProvisionSignal', since: '2019-07-01' },
    // patchSettings: Windows from 2020-06-01 (examples/CreateAVmWithPatchSettingModeOfAutomaticByOS.json),
    // Linux from 2020-12-01 (examples/CreateALinuxVmWithPatchSettingModeOfImageDefault.json),
    // assessmentMode from 2021-03-01.
    { path: 'properties.osProfile.windowsConfiguration.patchSettings', since: '2020-06-01' },
    { path: 'properties.osProfile.linuxConfiguration.patchSettings', since: '2020-12-01' },
    { path: 'properties.osProfile.windowsConfiguration.patchSettings.assessmentMode', since: '2021-03-01' },
    { path: 'properties.osProfile.linuxConfiguration.patchSettings.assessmentMode', since: '2021-03-01' },
    // enableHotpatching from 2020-12-01, automaticByPlatformSettings (rebootSetting) from 2022-03-01,
    // its bypassPlatformSafetyChecksOnUserSchedule from 2023-03-01: azure-mgmt-compute's models per
    // api-version (docs/update-manager-wire-format.md#patch-settings-per-api-version).
    { path: 'properties.osProfile.windowsConfiguration.patchSettings.enableHotpatching', since: '2020-12-01' },
    { path: 'properties.osProfile.windowsConfiguration.patchSettings.automaticByPlatformSettings', since: '2022-03-01' },
    { path: 'properties.osProfile.linuxConfiguration.patchSettings.automaticByPlatformSettings', since: '2022-03-01' },
    { path: 'properties.osProfile.windowsConfiguration.patchSettings.automaticByPlatformSettings.bypassPlatformSafetyChecksOnUserSchedule', since: '2023-03-01' },
    { path: 'properties.osProfile.linuxConfiguration.patchSettings.automaticByPlatformSettings.bypassPlatformSafetyChecksOnUserSchedule', since: '2023-03-01' },
    { path: 'properties.storageProfile.osDisk.deleteOption', since: '2021-03-01' },
    { path: 'properties.networkProfile.networkInterfaces[].properties.deleteOption', since: '2021-03-01' },
    // timeCreated from 2021-11-01; etag from 2024-03-01: ComputeRP/stable/2024-03-01/examples/
    // virtualMachineExamples/VirtualMachine_Get.json has it, the 2023-09-01 one does not.
    { path: 'properties.timeCreated', since: '2021-11-01' },
    { path: 'etag', since: '2024-03-01' },
  ],
};

/** The patch settings' part of the VM table: what a request's body can set at its api-version (the rest is not in its model, so ignored). */
export const PATCH_SETTINGS_SHAPE: ShapeTable = {
  properties: VIRTUAL_MACHINE_SHAPE.properties.filter((property) => property.path.includes('.patchSettings')),
};

/** VirtualMachineInstanceView (GET .../instanceView and $expand=instanceView). */
export const INSTANCE_VIEW_SHAPE: ShapeTable = {
  properties: [
    { path: 'hyperVGeneration', since: '2019-03-01' },
    // patchStatus arrived with assessPatches (2020-06-01), its configurationStatuses in 2020-12-01.
    { path: 'patchStatus', since: '2020-06-01' },
    { path: 'patchStatus.configurationStatuses', since: '2020-12-01' },
  ],
};

/**
 * VirtualMachineAssessPatchesResult: 2020-06-01 lists `patches` with `kbid`
 * (stable/2020-06-01/examples/VirtualMachineAssessPatches.json); 2020-12-01 renamed them
 * `availablePatches` and `kbId` (stable/2020-12-01/examples/VirtualMachineAssessPatches.json).
 */
export const ASSESS_RESULT_SHAPE: ShapeTable = {
  properties: [],
  renames: [
    { path: 'availablePatches[].kbId', until: '2020-06-01', olderName: 'kbid' },
    { path: 'availablePatches', until: '2020-06-01', olderName: 'patches' },
  ],
};

/**
 * VirtualMachineInstallPatchesParameters, as a request's model: the name masks arrived in
 * 2025-04-01 (docs/api.md), so an older api-version's body has no such fields and they are ignored.
 */
export const INSTALL_PARAMETERS_SHAPE: ShapeTable = {
  properties: [
    { path: 'windowsParameters.patchNameMasksToInclude', since: PATCH_NAME_MASKS_SINCE },
    { path: 'windowsParameters.patchNameMasksToExclude', since: PATCH_NAME_MASKS_SINCE },
  ],
};

const dateOf = (apiVersion: string) => apiVersion.slice(0, 10);
/** api-versions compare by their date; a preview counts as its date. */
export const versionAtLeast = (apiVersion: string, since: string) => dateOf(apiVersion) >= dateOf(since);

/** The parent objects a path's last step lives in, and that step's name. */
function parentsOf(root: unknown, path: string): { parents: Array<Record<string, unknown>>; key: string } {
  const steps = path.split('.');
  const key = steps.pop()!;
  let current: unknown[] = [root];
  for (const step of steps) {
    const name = step.endsWith('[]') ? step.slice(0, -2) : step;
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      const child = (value as Record<string, unknown>)[name];
      if (step.endsWith('[]')) {
        if (Array.isArray(child)) next.push(...child);
      } else if (child !== undefined) {
        next.push(child);
      }
    }
    current = next;
  }
  const arrayKey = key.endsWith('[]');
  return {
    parents: current.filter((value): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value)),
    key: arrayKey ? key.slice(0, -2) : key,
  };
}

/** Whether `apiVersion` differs from the newest shape at all: a body at a version that does not can be served as it is. */
export function hasRenames(apiVersion: string, table: ShapeTable): boolean {
  return table.properties.some((p) => !versionAtLeast(apiVersion, p.since)) || (table.renames ?? []).some((r) => dateOf(apiVersion) <= dateOf(r.until));
}

/**
 * Whether `shapeFor` would change this body at `apiVersion`: a property it drops or renames is in
 * it. Cheaper than the copy shapeFor makes, for bodies that mostly need nothing (an installPatches
 * body without name masks at a version before them).
 */
export function changesAt(body: unknown, apiVersion: string, table: ShapeTable): boolean {
  const present = (path: string) => {
    const { parents, key } = parentsOf(body, path);
    return parents.some((parent) => key in parent);
  };
  return (
    table.properties.some((p) => !versionAtLeast(apiVersion, p.since) && present(p.path)) ||
    (table.renames ?? []).some((r) => dateOf(apiVersion) <= dateOf(r.until) && present(r.path))
  );
}

/**
 * The body as `apiVersion` defines it: a copy without the properties that came later, with older
 * names where they changed. Key order is kept (a rename takes the renamed key's place).
 */
export function shapeFor<T>(body: T, apiVersion: string, table: ShapeTable): T {
  const copy = structuredClone(body);
  for (const property of table.properties) {
    if (versionAtLeast(apiVersion, property.since)) continue;
    const { parents, key } = parentsOf(copy, property.path);
    for (const parent of parents) delete parent[key];
  }
  for (const rename of table.renames ?? []) {
    if (dateOf(apiVersion) > dateOf(rename.until)) continue;
    const { parents, key } = parentsOf(copy, rename.path);
    for (const parent of parents) {
      if (!(key in parent)) continue;
      const entries = Object.entries(parent).map(([name, value]) => [name === key ? rename.olderName : name, value] as const);
      for (const name of Object.keys(parent)) delete parent[name];
      Object.assign(parent, Object.fromEntries(entries));
    }
  }
  return copy;
}
