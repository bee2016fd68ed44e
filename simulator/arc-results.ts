// Result bodies of the HybridCompute patch operations (MachineInstallPatchesResult and
// MachineAssessPatchesResult in
// https://github.com/Azure/azure-rest-api-specs/tree/main/specification/hybridcompute/resource-manager/Microsoft.HybridCompute),
// in the key order the live service writes them (docs/update-manager-wire-format.md#the-arc-install-result,
// docs/update-manager-wire-format.md#the-arc-assessment-result). Unlike Compute's results they carry
// no patch list, only counts, and add `lastModifiedDateTime`, `startedBy`, `patchServiceUsed` and
// `osType`; `errorDetails` is left out when there is nothing to report, as the live service does.
// They are built from the Compute-shaped result of the same plan, so both agree on every count.

import type { PatchCounts } from '../schemas/patch-results.js';
import type { AssessPlan } from './assessment.js';
import type { OsFamily, PatchLookup } from './catalogue.js';
import { assessResult, type InstallPatchesResult, type PatchOperationError } from './results.js';

export type StartedBy = 'User' | 'Platform';
export type PatchServiceUsed = 'Unknown' | 'WU' | 'WU_WSUS' | 'YUM' | 'APT' | 'Zypper';

/** ErrorDetail of the common ARM types: code, message, and the run's own errors as details. */
export interface ArcErrorDetail {
  code: string;
  message: string;
  details: Array<{ code: string; message: string }>;
}

export interface ArcInstallResult extends PatchCounts {
  startDateTime: string;
  lastModifiedDateTime: string;
  startedBy: StartedBy;
  patchServiceUsed: PatchServiceUsed;
  status: InstallPatchesResult['status'];
  maintenanceWindowExceeded: boolean;
  rebootStatus: string;
  osType: OsFamily;
  installationActivityId: string;
  errorDetails?: ArcErrorDetail;
}

/** AvailablePatchCountByClassification: one count per classification the model names. */
export interface AvailablePatchCountByClassification {
  security: number;
  critical: number;
  definition: number;
  updateRollup: number;
  featurePack: number;
  servicePack: number;
  tools: number;
  updates: number;
  other?: number;
}

export interface ArcAssessResult {
  startDateTime: string;
  lastModifiedDateTime: string;
  startedBy: StartedBy;
  rebootPending: boolean;
  patchServiceUsed: PatchServiceUsed;
  status: InstallPatchesResult['status'];
  availablePatchCountByClassification: AvailablePatchCountByClassification;
  assessmentActivityId: string;
  osType: OsFamily;
  errorDetails?: ArcErrorDetail;
}

/** What the machine's package manager is: Windows Update, or the distribution's (catalogue `distro`). */
export function patchServiceFor(osFamily: OsFamily, distro: string | undefined): PatchServiceUsed {
  if (osFamily === 'Windows') return 'WU';
  const name = (distro ?? '').toLowerCase();
  if (/ubuntu|debian/.test(name)) return 'APT';
  if (/rhel|red ?hat|centos|oracle|alma|rocky/.test(name)) return 'YUM';
  if (/suse|sles/.test(name)) return 'Zypper';
  return 'Unknown';
}

/** "2023-12-06T08:18:54.8346276Z": seven fractional digits and a Z, as the live service writes them. */
export function arcTimestamp(ms: number): string {
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString();
  const ticks = `${iso.slice(20, 23)}${Math.round((ms - whole) * 10_000).toString().padStart(4, '0')}`;
  return `${iso.slice(0, 19)}.${ticks}Z`;
}

function errorDetailsOf(error: PatchOperationError): { errorDetails?: ArcErrorDetail } {
  return error.details.length === 0 ? {} : { errorDetails: { code: error.code, message: error.message, details: error.details } };
}

export interface ArcResultContext {
  startMs: number;
  /** When the result was last written: the operation's end. */
  lastModifiedMs: number;
  startedBy: StartedBy;
  patchServiceUsed: PatchServiceUsed;
  osFamily: OsFamily;
}

/** An installation's Arc result, from the Compute-shaped result of the same run. */
export function arcInstallResult(result: InstallPatchesResult, context: ArcResultContext): ArcInstallResult {
  return {
    startDateTime: arcTimestamp(context.startMs),
    lastModifiedDateTime: arcTimestamp(context.lastModifiedMs),
    startedBy: context.startedBy,
    patchServiceUsed: context.patchServiceUsed,
    status: result.status,
    maintenanceWindowExceeded: result.maintenanceWindowExceeded,
    rebootStatus: result.rebootStatus,
    notSelectedPatchCount: result.notSelectedPatchCount,
    pendingPatchCount: result.pendingPatchCount,
    failedPatchCount: result.failedPatchCount,
    installedPatchCount: result.installedPatchCount,
    excludedPatchCount: result.excludedPatchCount,
    osType: context.osFamily,
    installationActivityId: result.installationActivityId,
    ...errorDetailsOf(result.error),
  };
}

/** Catalogue classifications to the model's count names. */
const COUNT_NAME: Record<string, keyof AvailablePatchCountByClassification> = {
  Security: 'security',
  Critical: 'critical',
  Definition: 'definition',
  UpdateRollUp: 'updateRollup',
  FeaturePack: 'featurePack',
  ServicePack: 'servicePack',
  Tools: 'tools',
  Updates: 'updates',
  Other: 'other',
};

/**
 * Counts by each patch's first classification. Windows leaves out `other`, as the live answer and
 * the specification's example do; Linux, whose packages are Critical, Security or Other, has it
 * (the emulator's choice: no Linux answer was recorded).
 */
export function countByClassification(osFamily: OsFamily, classifications: readonly string[][]): AvailablePatchCountByClassification {
  const counts: AvailablePatchCountByClassification = {
    security: 0, critical: 0, definition: 0, updateRollup: 0, featurePack: 0, servicePack: 0, tools: 0, updates: 0,
    ...(osFamily === 'Linux' ? { other: 0 } : {}),
  };
  for (const list of classifications) {
    const name = COUNT_NAME[list[0] ?? ''] ?? (osFamily === 'Linux' ? 'other' : 'updates');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** An assessment's Arc result. */
export function arcAssessResult(plan: AssessPlan, endMs: number, lookup: PatchLookup, superseded: boolean, context: Omit<ArcResultContext, 'startMs' | 'lastModifiedMs' | 'osFamily'>): ArcAssessResult {
  const result = assessResult(plan, endMs, lookup, superseded);
  return {
    startDateTime: arcTimestamp(plan.startMs),
    lastModifiedDateTime: arcTimestamp(endMs),
    startedBy: context.startedBy,
    rebootPending: result.rebootPending,
    patchServiceUsed: context.patchServiceUsed,
    status: result.status,
    availablePatchCountByClassification: countByClassification(plan.osFamily, result.availablePatches.map((patch) => patch.classifications)),
    assessmentActivityId: result.assessmentActivityId,
    osType: plan.osFamily,
    ...errorDetailsOf(result.error),
  };
}
