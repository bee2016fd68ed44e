// A VM's patch settings (osProfile.windowsConfiguration / linuxConfiguration .patchSettings): what a
// definition means once Azure's defaults are filled in, and the combinations CRP refuses.
// Facts and sources: docs/update-manager-wire-format.md#vm-patch-settings-microsoftcompute; where
// no public source quotes CRP's message, the emulator's wording is listed in
// docs/simulation.md#patch-settings-on-vms.

import type { ImageReference, OsFamily } from './catalogue.js';

export type WindowsPatchMode = 'Manual' | 'AutomaticByOS' | 'AutomaticByPlatform';
export type LinuxPatchMode = 'ImageDefault' | 'AutomaticByPlatform';
export type AssessmentMode = 'ImageDefault' | 'AutomaticByPlatform';
export type PlatformRebootSetting = 'Unknown' | 'IfRequired' | 'Never' | 'Always';

/** A VM's patch settings with the defaults Azure fills in. */
export interface EffectivePatchSettings {
  osFamily: OsFamily;
  patchMode: WindowsPatchMode | LinuxPatchMode;
  assessmentMode: AssessmentMode;
  /** Windows only; false when not given. */
  enableHotpatching: boolean;
  /** `automaticByPlatformSettings.rebootSetting`; IfRequired when not given (or `Unknown`). */
  rebootSetting: Exclude<PlatformRebootSetting, 'Unknown'>;
  bypassPlatformSafetyChecksOnUserSchedule: boolean;
  /** Windows only: `enableAutomaticUpdates` (default true). */
  enableAutomaticUpdates: boolean;
  provisionVMAgent: boolean;
}

const WINDOWS_PATCH_MODES: readonly WindowsPatchMode[] = ['Manual', 'AutomaticByOS', 'AutomaticByPlatform'];
const LINUX_PATCH_MODES: readonly LinuxPatchMode[] = ['ImageDefault', 'AutomaticByPlatform'];
const ASSESSMENT_MODES: readonly AssessmentMode[] = ['ImageDefault', 'AutomaticByPlatform'];
const REBOOT_SETTINGS: readonly PlatformRebootSetting[] = ['Unknown', 'IfRequired', 'Never', 'Always'];

/**
 * Images that can hotpatch (auto-patching's list of supported images: Windows Server 2022 and
 * 2025 Datacenter Azure Edition, core and hotpatch SKUs).
 */
const HOTPATCH_SKUS = new Set([
  '2022-datacenter-azure-edition-core',
  '2022-datacenter-azure-edition-core-smalldisk',
  '2022-datacenter-azure-edition-hotpatch',
  '2022-datacenter-azure-edition-hotpatch-smalldisk',
  '2025-datacenter-azure-edition',
  '2025-datacenter-azure-edition-core',
  '2025-datacenter-azure-edition-smalldisk',
  '2025-datacenter-azure-edition-core-smalldisk',
]);

export function isHotpatchImage(image: ImageReference | undefined): boolean {
  return (image?.offer ?? '').toLowerCase() === 'windowsserver' && HOTPATCH_SKUS.has((image?.sku ?? '').toLowerCase());
}

type Json = Record<string, unknown>;
const objectAt = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

/** The OS configuration (windowsConfiguration or linuxConfiguration) of a definition's properties. */
export function osConfigurationOf(properties: Json, osFamily: OsFamily): Json {
  return objectAt(objectAt(properties.osProfile)[osFamily === 'Windows' ? 'windowsConfiguration' : 'linuxConfiguration']);
}

/** The enum value as the enum spells it (CRP reads enums case-insensitively), or undefined. */
function canonical<T extends string>(values: readonly T[], given: unknown): T | undefined {
  return typeof given === 'string' ? values.find((value) => value.toLowerCase() === given.toLowerCase()) : undefined;
}

/**
 * The settings a definition gives, defaults filled in: Windows `AutomaticByOS` (or `Manual` when
 * `enableAutomaticUpdates` is false: the only mode CRP accepts then), Linux `ImageDefault`,
 * assessment `ImageDefault`, `enableAutomaticUpdates` and `provisionVMAgent` true.
 */
export function effectivePatchSettings(properties: Json, osFamily: OsFamily): EffectivePatchSettings {
  const configuration = osConfigurationOf(properties, osFamily);
  const settings = objectAt(configuration.patchSettings);
  const byPlatform = objectAt(settings.automaticByPlatformSettings);
  const enableAutomaticUpdates = osFamily === 'Windows' ? configuration.enableAutomaticUpdates !== false : false;
  const patchMode =
    osFamily === 'Windows'
      ? (canonical(WINDOWS_PATCH_MODES, settings.patchMode) ?? (enableAutomaticUpdates ? 'AutomaticByOS' : 'Manual'))
      : (canonical(LINUX_PATCH_MODES, settings.patchMode) ?? 'ImageDefault');
  const reboot = canonical(REBOOT_SETTINGS, byPlatform.rebootSetting);
  return {
    osFamily,
    patchMode,
    assessmentMode: canonical(ASSESSMENT_MODES, settings.assessmentMode) ?? 'ImageDefault',
    enableHotpatching: osFamily === 'Windows' && settings.enableHotpatching === true,
    rebootSetting: reboot === undefined || reboot === 'Unknown' ? 'IfRequired' : reboot,
    bypassPlatformSafetyChecksOnUserSchedule: byPlatform.bypassPlatformSafetyChecksOnUserSchedule === true,
    enableAutomaticUpdates,
    provisionVMAgent: configuration.provisionVMAgent !== false,
  };
}

/** What the platform does by itself for these settings (docs/simulation.md#what-the-platform-does-by-itself). */
export function platformDuties(settings: EffectivePatchSettings): { assessment: boolean; installation: boolean } {
  return {
    assessment: settings.assessmentMode === 'AutomaticByPlatform',
    // With the bypass flag the platform leaves patching to a maintenance schedule
    // (docs/update-manager-wire-format.md#scheduled-patching-versus-automatic-patching).
    installation: settings.patchMode === 'AutomaticByPlatform' && !settings.bypassPlatformSafetyChecksOnUserSchedule,
  };
}

export interface PatchSettingsProblem {
  code: string;
  message: string;
  target: string;
}

export interface PatchSettingsChange {
  osFamily: OsFamily;
  image: ImageReference | undefined;
  /** The definition's properties after the PUT or PATCH. */
  properties: Json;
  /** The VM's properties before; absent for a create. */
  previous?: Json;
}

/**
 * The first combination CRP refuses, or undefined. Enum values are checked case-insensitively.
 * Order: values, then each rule of the model descriptions, then what may not change.
 */
export function patchSettingsProblem(change: PatchSettingsChange): PatchSettingsProblem | undefined {
  const { osFamily, properties, previous } = change;
  const prefix = osFamily === 'Windows' ? 'windowsConfiguration' : 'linuxConfiguration';
  const configuration = osConfigurationOf(properties, osFamily);
  const given = objectAt(configuration.patchSettings);
  const byPlatform = objectAt(given.automaticByPlatformSettings);
  const invalidValue = (field: string, value: unknown, allowed: readonly string[]): PatchSettingsProblem => ({
    code: 'InvalidParameter',
    message: `The value '${String(value)}' of parameter '${field}' is not valid. The allowed values are: ${allowed.map((v) => `'${v}'`).join(', ')}.`,
    target: `${prefix}.${field}`,
  });
  const modes = osFamily === 'Windows' ? WINDOWS_PATCH_MODES : LINUX_PATCH_MODES;
  if (given.patchMode !== undefined && canonical(modes, given.patchMode) === undefined) {
    return invalidValue('patchSettings.patchMode', given.patchMode, modes);
  }
  if (given.assessmentMode !== undefined && canonical(ASSESSMENT_MODES, given.assessmentMode) === undefined) {
    return invalidValue('patchSettings.assessmentMode', given.assessmentMode, ASSESSMENT_MODES);
  }
  if (byPlatform.rebootSetting !== undefined && canonical(REBOOT_SETTINGS, byPlatform.rebootSetting) === undefined) {
    return invalidValue('patchSettings.automaticByPlatformSettings.rebootSetting', byPlatform.rebootSetting, REBOOT_SETTINGS);
  }
  const settings = effectivePatchSettings(properties, osFamily);
  const modeTarget = `${prefix}.patchSettings.patchMode`;
  const needs = (mode: string, property: string, value: boolean, target = modeTarget, field = 'patchMode'): PatchSettingsProblem => ({
    code: 'InvalidParameter',
    message: `The ${field} '${mode}' is invalid. For ${field} '${mode}', the property '${property}' must be set to ${value}.`,
    target,
  });
  if (osFamily === 'Windows') {
    // kumarvna/terraform-azurerm-virtual-machine#13 quotes this one; its Manual twin follows it.
    if (settings.patchMode === 'AutomaticByOS' && !settings.enableAutomaticUpdates) return needs('AutomaticByOS', 'enableAutomaticUpdates', true);
    if (settings.patchMode === 'Manual' && settings.enableAutomaticUpdates) return needs('Manual', 'enableAutomaticUpdates', false);
  }
  if (settings.patchMode === 'AutomaticByPlatform' && !settings.provisionVMAgent) return needs('AutomaticByPlatform', 'provisionVMAgent', true);
  if (settings.assessmentMode === 'AutomaticByPlatform' && !settings.provisionVMAgent) {
    return needs('AutomaticByPlatform', 'provisionVMAgent', true, `${prefix}.patchSettings.assessmentMode`, 'assessmentMode');
  }
  // Quoted in Azure/bicep-registry-modules#2081.
  if (given.automaticByPlatformSettings !== undefined && given.automaticByPlatformSettings !== null && settings.patchMode !== 'AutomaticByPlatform') {
    return {
      code: 'InvalidParameter',
      message: "AutomaticByPlatformSettings cannot be set if the PatchMode is not 'AutomaticByPlatform'.",
      target: `${prefix}.patchSettings.automaticByPlatformSettings`,
    };
  }
  if (osFamily === 'Windows') {
    const hotpatchTarget = `${prefix}.patchSettings.enableHotpatching`;
    if (settings.enableHotpatching && settings.patchMode !== 'AutomaticByPlatform') {
      return { code: 'InvalidParameter', message: "Hotpatching can be enabled only when the patchMode is 'AutomaticByPlatform'.", target: hotpatchTarget };
    }
    if (settings.enableHotpatching && !isHotpatchImage(change.image)) {
      const sku = change.image?.sku ?? 'unknown';
      return { code: 'InvalidParameter', message: `Hotpatching is not supported for the image SKU '${sku}'. Hotpatching requires a hotpatch compatible image.`, target: hotpatchTarget };
    }
    // Quoted in claranet/terraform-azurerm-windows-vm#4.
    if (settings.enableHotpatching && settings.bypassPlatformSafetyChecksOnUserSchedule) {
      return {
        code: 'InvalidParameter',
        message: "Hotpatch updates require platform safety checks. The 'BypassPlatformSafetyChecksOnUserSchedule' flag must be set to false to enable hotpatching.",
        target: `${prefix}.patchSettings.automaticByPlatformSettings.bypassPlatformSafetyChecksOnUserSchedule`,
      };
    }
    // Quoted in hashicorp/packer-plugin-azure#189 (a create on a hotpatch image).
    if (!previous && isHotpatchImage(change.image) && configuration.patchSettings === undefined) {
      return { code: 'InvalidParameter', message: 'PatchSettings must be specified for hotpatch compatible VMs.', target: `${prefix}.patchSettings` };
    }
    // Quoted in MicrosoftDocs/azure-docs#112633: enableAutomaticUpdates is fixed at creation.
    if (previous && effectivePatchSettings(previous, osFamily).enableAutomaticUpdates !== settings.enableAutomaticUpdates) {
      return {
        code: 'PropertyChangeNotAllowed',
        message: "Changing property 'windowsConfiguration.enableAutomaticUpdates' is not allowed.",
        target: 'windowsConfiguration.enableAutomaticUpdates',
      };
    }
  }
  return undefined;
}

/**
 * The definition's patch settings with enum values spelt as the enums spell them, so that GET
 * answers `AutomaticByPlatform` for a request's `automaticbyplatform`, and without what the OS's
 * model does not have.
 */
export function canonicalPatchSettings(properties: Json, osFamily: OsFamily): Json {
  const osProfile = objectAt(properties.osProfile);
  const key = osFamily === 'Windows' ? 'windowsConfiguration' : 'linuxConfiguration';
  const configuration = objectAt(osProfile[key]);
  if (configuration.patchSettings === undefined || configuration.patchSettings === null) return properties;
  const settings = { ...objectAt(configuration.patchSettings) };
  // LinuxPatchSettings has no enableHotpatching: the model drops it.
  if (osFamily === 'Linux') delete settings.enableHotpatching;
  const modes = osFamily === 'Windows' ? WINDOWS_PATCH_MODES : LINUX_PATCH_MODES;
  if (settings.patchMode !== undefined) settings.patchMode = canonical(modes, settings.patchMode) ?? settings.patchMode;
  if (settings.assessmentMode !== undefined) settings.assessmentMode = canonical(ASSESSMENT_MODES, settings.assessmentMode) ?? settings.assessmentMode;
  if (settings.automaticByPlatformSettings !== undefined && settings.automaticByPlatformSettings !== null) {
    const byPlatform = { ...objectAt(settings.automaticByPlatformSettings) };
    if (byPlatform.rebootSetting !== undefined) byPlatform.rebootSetting = canonical(REBOOT_SETTINGS, byPlatform.rebootSetting) ?? byPlatform.rebootSetting;
    settings.automaticByPlatformSettings = byPlatform;
  }
  return { ...properties, osProfile: { ...osProfile, [key]: { ...configuration, patchSettings: settings } } };
}
