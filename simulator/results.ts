// Result bodies as the Compute resource provider serialises them (VirtualMachineInstallPatchesResult
// and VirtualMachineAssessPatchesResult in
// https://github.com/Azure/azure-rest-api-specs/blob/main/specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/virtualMachine.json,
// with the extra fields live responses carry). Counts are always the tallies of the patch list;
// `error` is never null. Plans keep patch ids only: the entries come from a PatchLookup.

import type { PatchCounts } from '../schemas/patch-results.js';
import { isCriticalOrSecurity, type AssessPlan } from './assessment.js';
import type { CataloguePatch, OsFamily, PatchLookup } from './catalogue.js';
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

export interface InstallPatchesResult extends PatchCounts {
  status: PatchOperationStatus;
  installationActivityId: string;
  rebootStatus: string;
  maintenanceWindowExceeded: boolean;
  patches: PatchInstallationDetail[];
  startDateTime: string;
  maintenanceRunId?: string;
  error: PatchOperationError;
}

/** At most five details are shared, newest first (LinuxPatchExtension Constants.STATUS_ERROR_LIMIT). */
const ERROR_DETAIL_LIMIT = 5;
const LOG_FILE: Record<OsFamily, string> = {
  Windows: 'C:\\WindowsAzure\\Logs\\Plugins\\Microsoft.CPlat.Core.WindowsPatchExtension\\PatchInstallation.log',
  Linux: '/var/log/azure/Microsoft.CPlat.Core.LinuxPatchExtension/CoreLog.log',
};

/**
 * The extension's error summary (StatusHandler.__set_errors_json): code "0" when clean, "1" as
 * soon as anything was reported (warnings included). Windows says "Success" and drops the final
 * period when clean, as recorded runs show (Azure/azure-cli
 * src/azure-cli/azure/cli/command_modules/vm/tests/latest/recordings/test_vm_install_patches.yaml).
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

/** The plan's own entries first (plans from before catalogue versions), then the lookup. */
export function planLookup(plan: { entries?: CataloguePatch[] }, lookup: PatchLookup): PatchLookup {
  if (!plan.entries || plan.entries.length === 0) return lookup;
  const own = new Map(plan.entries.map((entry) => [entry.patchId, entry]));
  return (patchId) => own.get(patchId) ?? lookup(patchId);
}

/** The entry of a patch id; an id no catalogue knows any more still shows, under its id. */
export function entryOf(lookup: PatchLookup, patchId: string): CataloguePatch {
  return lookup(patchId) ?? { patchId, name: patchId, classifications: [], rebootBehavior: 'CanRequestReboot', publishedDate: '1970-01-01T00:00:00Z', installSeconds: 0, failureRate: 0 };
}

function patchDetail(osFamily: OsFamily, patch: CataloguePatch, state: InstallationState): PatchInstallationDetail {
  // Windows items carry kbId and no version; Linux items the reverse (recorded runs).
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

/** Linux lists by classification, then state (StatusHandler.sort_packages_by_classification_and_state). */
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
 * the state it was stopped in when a newer operation superseded it (status `Failed`, the
 * NEWER_OPERATION_SUPERSEDED detail, as the extension's
 * StatusHandler.report_sequence_number_changed_termination reports it).
 */
export function installResultAt(plan: InstallPlan, elapsedMs: number, lookup: PatchLookup, superseded = false): InstallPatchesResult {
  const states = patchStatesAt(plan, elapsedMs);
  const find = planLookup(plan, lookup);
  const patches = plan.patches.map((p, i) => patchDetail(plan.osFamily, entryOf(find, p.patchId), states[i]!));
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
export function installResult(plan: InstallPlan, lookup: PatchLookup): InstallPatchesResult {
  return installResultAt(plan, plan.durationMs, lookup);
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

/** Counts that are always the tallies of the list (StatusHandler.__new_assessment_summary_json). */
export function assessmentCounts(patches: Array<Pick<CataloguePatch, 'classifications'>>) {
  const critical = patches.filter(isCriticalOrSecurity).length;
  return { criticalAndSecurityPatchCount: critical, otherPatchCount: patches.length - critical };
}

/**
 * An assessment's result (key order as recorded live; Windows items carry `kbId` and no `version`).
 * A superseded assessment reports nothing found, status `Failed` and the NEWER_OPERATION_SUPERSEDED
 * detail.
 */
export function assessResult(plan: AssessPlan, endMs: number, lookup: PatchLookup, superseded = false): AssessPatchesResult {
  const find = planLookup(plan, lookup);
  const listed = superseded ? [] : plan.availablePatchIds.map((patchId) => entryOf(find, patchId));
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
