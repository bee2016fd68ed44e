// Result bodies as CRP serialises them (wire contract §1.3, §1.4, §5.11). Counts are always the
// tallies of the patch list; `error` is never null.

import { isCriticalOrSecurity, type AssessPlan } from './assessment.js';
import type { CataloguePatch, OsFamily } from './catalogue.js';
import {
  errorsAt,
  patchStatesAt,
  rebootStatusAt,
  SUPERSEDED_MESSAGE,
  type InstallationState,
  type InstallPlan,
  type PatchErrorDetail,
  type PatchOperationStatus,
} from './plan.js';
import { armTimestamp } from './time-format.js';

export interface PatchOperationError {
  details: PatchErrorDetail[];
  code: string;
  message: string;
}

export interface PatchInstallationDetail {
  patchId: string;
  name: string;
  version?: string;
  kbId?: string;
  classifications: string[];
  msrcSeverity?: string;
  installationState: InstallationState;
}

export interface InstallPatchesResult {
  status: PatchOperationStatus;
  installationActivityId: string;
  rebootStatus: string;
  maintenanceWindowExceeded: boolean;
  excludedPatchCount: number;
  notSelectedPatchCount: number;
  pendingPatchCount: number;
  installedPatchCount: number;
  failedPatchCount: number;
  patches: PatchInstallationDetail[];
  startDateTime: string;
  maintenanceRunId?: string;
  error: PatchOperationError;
}

/** At most five details are shared, newest first (E1 STATUS_ERROR_LIMIT). */
const ERROR_DETAIL_LIMIT = 5;
const LOG_FILE: Record<OsFamily, string> = {
  Windows: 'C:\\WindowsAzure\\Logs\\Plugins\\Microsoft.CPlat.Core.WindowsPatchExtension\\PatchInstallation.log',
  Linux: '/var/log/azure/Microsoft.CPlat.Core.LinuxPatchExtension/CoreLog.log',
};

/**
 * The extension's error summary (E1 StatusHandler.__set_errors_json): code "0" when clean, "1" as
 * soon as anything was reported (warnings included). Windows says "Success" and drops the final
 * period when clean (R1, R2).
 */
export function patchOperationError(osFamily: OsFamily, errors: PatchErrorDetail[]): PatchOperationError {
  if (errors.length === 0) {
    return osFamily === 'Windows'
      ? { details: [], code: 'Success', message: '0 error/s reported' }
      : { details: [], code: '0', message: '0 error/s reported.' };
  }
  const details = errors.slice(-ERROR_DETAIL_LIMIT).reverse();
  return {
    details,
    code: '1',
    message:
      `${errors.length} error/s reported. The latest ${details.length} error/s are shared in detail. ` +
      `To view all errors, review this log file on the machine: ${LOG_FILE[osFamily]}`,
  };
}

function patchDetail(osFamily: OsFamily, patch: CataloguePatch, state: InstallationState): PatchInstallationDetail {
  // Windows items carry kbId and no version; Linux items the reverse (§1.4).
  return osFamily === 'Windows'
    ? {
        patchId: patch.patchId,
        name: patch.name,
        kbId: patch.kbId ?? '',
        classifications: patch.classifications,
        ...(patch.msrcSeverity ? { msrcSeverity: patch.msrcSeverity } : {}),
        installationState: state,
      }
    : { patchId: patch.patchId, name: patch.name, version: patch.version ?? '', classifications: patch.classifications, installationState: state };
}

const LINUX_CLASSIFICATION_ORDER = ['Critical', 'Security', 'Other'];
const LINUX_STATE_ORDER: InstallationState[] = ['Failed', 'Installed', 'Pending', 'Excluded', 'NotSelected'];

/** Linux lists by classification, then state (E1 sort_packages_by_classification_and_state). */
function linuxOrder(a: PatchInstallationDetail, b: PatchInstallationDetail): number {
  const rank = (d: PatchInstallationDetail) => {
    const c = LINUX_CLASSIFICATION_ORDER.indexOf(d.classifications[0] ?? 'Other');
    return (c < 0 ? 3 : c) * 10 + LINUX_STATE_ORDER.indexOf(d.installationState);
  };
  return rank(a) - rank(b);
}

export function countStates(patches: Array<{ installationState: InstallationState }>) {
  const count = (state: InstallationState) => patches.filter((p) => p.installationState === state).length;
  return {
    excludedPatchCount: count('Excluded'),
    notSelectedPatchCount: count('NotSelected'),
    pendingPatchCount: count('Pending'),
    installedPatchCount: count('Installed'),
    failedPatchCount: count('Failed'),
  };
}

/**
 * The result of an installation `elapsedMs` into its run: the final result when the run is over, or
 * the state it was stopped in when a newer operation superseded it (§3.9: status `Failed`, the
 * NEWER_OPERATION_SUPERSEDED detail, E1 StatusHandler.report_sequence_number_changed_termination).
 */
export function installResultAt(plan: InstallPlan, elapsedMs: number, superseded = false): InstallPatchesResult {
  const states = patchStatesAt(plan, elapsedMs);
  const patches = plan.patches.map((p, i) => patchDetail(plan.osFamily, p.patch, states[i]!));
  if (plan.osFamily === 'Linux') patches.sort(linuxOrder);
  const errors = errorsAt(plan, elapsedMs);
  if (superseded) errors.push({ code: 'NEWER_OPERATION_SUPERSEDED', message: SUPERSEDED_MESSAGE });
  const status = superseded ? 'Failed' : plan.status;
  return {
    status,
    installationActivityId: plan.operationId,
    rebootStatus: plan.reportedRebootStatus !== undefined && elapsedMs >= plan.durationMs && !superseded ? plan.reportedRebootStatus : rebootStatusAt(plan, elapsedMs),
    maintenanceWindowExceeded: plan.windowExceededAtMs !== undefined && plan.windowExceededAtMs <= elapsedMs,
    ...countStates(patches),
    patches,
    startDateTime: armTimestamp(plan.startMs),
    ...(plan.maintenanceRunId !== undefined ? { maintenanceRunId: plan.maintenanceRunId } : {}),
    error: patchOperationError(plan.osFamily, errors),
  };
}

/** The final result of an installation, as the Location URL and `properties.output` carry it. */
export function installResult(plan: InstallPlan): InstallPatchesResult {
  return installResultAt(plan, plan.durationMs);
}

export interface SoftwarePatch {
  patchId: string;
  name: string;
  version?: string;
  kbId?: string;
  classifications: string[];
  rebootBehavior: string;
  publishedDate: string;
  activityId: string;
  lastModifiedDateTime: string;
  assessmentState: 'Available';
}

export interface AssessPatchesResult {
  status: PatchOperationStatus;
  assessmentActivityId: string;
  rebootPending: boolean;
  criticalAndSecurityPatchCount: number;
  otherPatchCount: number;
  startDateTime: string;
  availablePatches: SoftwarePatch[];
  error: PatchOperationError;
}

/** Counts that are always the tallies of the list (E1 __new_assessment_summary_json). */
export function assessmentCounts(patches: Array<Pick<CataloguePatch, 'classifications'>>) {
  const critical = patches.filter(isCriticalOrSecurity).length;
  return { criticalAndSecurityPatchCount: critical, otherPatchCount: patches.length - critical };
}

/**
 * An assessment's result (R3 key order; Windows items carry `kbId` and no `version`). A superseded
 * assessment reports nothing found, status `Failed` and the NEWER_OPERATION_SUPERSEDED detail.
 */
export function assessResult(plan: AssessPlan, endMs: number, superseded = false): AssessPatchesResult {
  const listed = superseded ? [] : plan.available;
  const availablePatches = listed.map((patch) => ({
    patchId: patch.patchId,
    name: patch.name,
    ...(plan.osFamily === 'Windows' ? { kbId: patch.kbId ?? '' } : { version: patch.version ?? '' }),
    classifications: patch.classifications,
    rebootBehavior: patch.rebootBehavior,
    publishedDate: armTimestamp(Date.parse(patch.publishedDate)),
    activityId: plan.operationId,
    lastModifiedDateTime: armTimestamp(endMs),
    assessmentState: 'Available' as const,
  }));
  const errors = superseded ? [{ code: 'NEWER_OPERATION_SUPERSEDED', message: SUPERSEDED_MESSAGE }] : [];
  return {
    status: superseded ? 'Failed' : (plan.reportedStatus ?? 'Succeeded'),
    assessmentActivityId: plan.operationId,
    rebootPending: plan.rebootPending,
    ...assessmentCounts(listed),
    startDateTime: armTimestamp(plan.startMs),
    availablePatches,
    error: patchOperationError(plan.osFamily, errors),
  };
}
