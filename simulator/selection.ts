// Which available patches a request selects (docs/wire-format.md#patch-semantics).
// Exclusion wins over everything: cli-recording shows the MSRT (UpdateRollUp, outside the requested
// classifications) reported `Excluded` by `excludeKbsRequiringReboot`, not `NotSelected`.
// Then an explicit include (KB number, name mask) selects a patch whatever its classification or
// publish date; otherwise a patch is selected when its classification is requested (and, on
// Windows, it was published on or before `maxPatchPublishDate`).

import { publishedMs, type CataloguePatch, type OsFamily } from './catalogue.js';
import { compileMask } from './mask.js';

import type { InstallPatchesBody, LinuxParameters, WindowsParameters } from '../schemas/install-patches.js';

export type { LinuxParameters, WindowsParameters } from '../schemas/install-patches.js';

/** The installPatches request body (schemas/install-patches.ts), its enum values already in canonical case. */
export type InstallParameters = InstallPatchesBody;
export type RebootSetting = InstallParameters['rebootSetting'];

export type Selection = 'Selected' | 'Excluded' | 'NotSelected';

/** Any of the masks (simulator/mask.ts) matches the text. */
function anyMaskMatches(masks: string[] | undefined, text: string): boolean {
  return (masks ?? []).some((mask) => compileMask(mask)(text));
}

/**
 * Linux masks name a package (`kernel*`) or a package at a version: the documented form is
 * `name_version`, while the extension is reported to match `name=version` (Azure/azure-cli#32333),
 * so both are accepted.
 */
function packageMaskMatches(mask: string, patch: CataloguePatch): boolean {
  const version = patch.version ?? '';
  const matches = compileMask(mask);
  return [patch.name, `${patch.name}=${version}`, `${patch.name}_${version}`].some(matches);
}

function hasClassification(patch: CataloguePatch, wanted: string[] | undefined): boolean {
  if (!wanted || wanted.length === 0) return false;
  return patch.classifications.some((c) => wanted.some((w) => w.toLowerCase() === c.toLowerCase()));
}

function kbListed(patch: CataloguePatch, list: string[] | undefined): boolean {
  if (!patch.kbId || !list) return false;
  return list.some((kb) => kb.toUpperCase().replace(/^KB/, '') === patch.kbId);
}

function windowsSelection(patch: CataloguePatch, params: WindowsParameters): Selection {
  if (
    kbListed(patch, params.kbNumbersToExclude) ||
    (params.excludeKbsRequiringReboot === true && patch.rebootBehavior !== 'NeverReboots') ||
    anyMaskMatches(params.patchNameMasksToExclude, patch.name)
  ) {
    return 'Excluded';
  }
  // An explicit KB or name mask selects a patch whatever its classification or publish date.
  if (kbListed(patch, params.kbNumbersToInclude)) return 'Selected';
  if (anyMaskMatches(params.patchNameMasksToInclude, patch.name)) return 'Selected';
  const publishedInTime =
    params.maxPatchPublishDate === undefined || publishedMs(patch) <= Date.parse(params.maxPatchPublishDate);
  return hasClassification(patch, params.classificationsToInclude) && publishedInTime ? 'Selected' : 'NotSelected';
}

/**
 * The Linux extension asks the package manager for two sets only, security updates and all
 * updates: `Critical` and `Security` both select the critical-and-security set (linux-extension PackageFilter,
 * PatchInstaller.get_available_updates).
 */
function linuxClassificationWanted(patch: CataloguePatch, wanted: string[] | undefined): boolean {
  const asked = new Set((wanted ?? []).map((w) => w.toLowerCase()));
  const critSec = patch.classifications.some((c) => c === 'Critical' || c === 'Security');
  return critSec ? asked.has('critical') || asked.has('security') : asked.has('other');
}

function linuxSelection(patch: CataloguePatch, params: LinuxParameters): Selection {
  if ((params.packageNameMasksToExclude ?? []).some((mask) => packageMaskMatches(mask, patch))) return 'Excluded';
  if ((params.packageNameMasksToInclude ?? []).some((mask) => packageMaskMatches(mask, patch))) return 'Selected';
  return linuxClassificationWanted(patch, params.classificationsToInclude) ? 'Selected' : 'NotSelected';
}

export function selectionOf(patch: CataloguePatch, osFamily: OsFamily, params: InstallParameters): Selection {
  return osFamily === 'Windows'
    ? windowsSelection(patch, params.windowsParameters ?? {})
    : linuxSelection(patch, params.linuxParameters ?? {});
}
