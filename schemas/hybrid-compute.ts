// Request bodies of Microsoft.HybridCompute/machines: the machine (PUT), its update (PATCH) and
// MachineInstallPatchesParameters (docs/update-manager-wire-format.md#the-arc-install-request,
// docs/update-manager-wire-format.md#arc-patch-settings). Enum values are canonicalised
// case-insensitively before validation, as for the Compute bodies. What the emulator does not use is
// accepted and kept.

import { ISO_DURATION_PATTERN } from '../simulator/duration.js';

const tags = { type: 'object', maxProperties: 50, additionalProperties: { type: 'string', maxLength: 256 } } as const;

/** PatchSettings of the HybridCompute models: one patchMode enum for both OSes, unlike Compute's. */
const patchSettings = {
  type: 'object',
  properties: {
    assessmentMode: { type: 'string', enum: ['ImageDefault', 'AutomaticByPlatform'] },
    patchMode: { type: 'string', enum: ['ImageDefault', 'AutomaticByPlatform', 'AutomaticByOS', 'Manual'] },
    enableHotpatching: { type: 'boolean' },
  },
} as const;

const osProfile = {
  type: 'object',
  properties: {
    computerName: { type: 'string', maxLength: 256 },
    windowsConfiguration: { type: 'object', properties: { patchSettings } },
    linuxConfiguration: { type: 'object', properties: { patchSettings } },
  },
} as const;

const machineProperties = {
  type: 'object',
  properties: {
    // What the agent would report; a test may set them to choose the machine's OS and catalogue.
    osType: { type: 'string', maxLength: 32 },
    osName: { type: 'string', maxLength: 256 },
    osSku: { type: 'string', maxLength: 256 },
    osProfile,
  },
} as const;

export const arcMachineBodySchema = {
  $id: 'Machine',
  type: 'object',
  required: ['location'],
  properties: {
    location: { type: 'string', minLength: 1, maxLength: 64 },
    tags,
    properties: machineProperties,
  },
} as const;

/** PATCH (MachineUpdate): tags and properties, merged into the machine; its OS stays what the agent reports. */
export const arcMachineUpdateSchema = {
  $id: 'MachineUpdate',
  type: 'object',
  properties: { tags, properties: { type: 'object', properties: { osProfile } } },
} as const;

/** MachineInstallPatchesParameters: unlike Compute's, `maximumDuration` is required at every version. */
export const arcInstallPatchesBodySchema = {
  $id: 'MachineInstallPatchesParameters',
  type: 'object',
  required: ['maximumDuration', 'rebootSetting'],
  properties: {
    maximumDuration: { type: 'string', maxLength: 64, pattern: ISO_DURATION_PATTERN },
    rebootSetting: { type: 'string', enum: ['IfRequired', 'Never', 'Always'] },
    windowsParameters: { $ref: 'WindowsParameters#' },
    linuxParameters: { $ref: 'LinuxParameters#' },
  },
} as const;
