// The instance view's `patchStatus` (VirtualMachinePatchStatus in the Compute REST specification,
// https://github.com/Azure/azure-rest-api-specs/blob/main/specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/virtualMachine.json):
// the latest assessment's summary and the latest installation's summary, with
// `startTime`/`lastModifiedTime` where results say `startDateTime`. An installation ends with an
// implicit assessment (LinuxPatchExtension src/core/src/CoreMain.py), so a finished installation
// also refreshes the available-patch summary.

import type { PatchCounts } from '../schemas/patch-results.js';
import { type AssessPlan } from './assessment.js';
import type { PatchLookup } from './catalogue.js';
import {
  ASSESSMENT_MS,
  errorsAt,
  patchStatesAt,
  rebootPendingAt,
  SUPERSEDED_MESSAGE,
  type InstallPlan,
  type PatchOperationStatus,
} from './plan.js';
import {
  assessmentCounts,
  countStates,
  entryOf,
  patchOperationError,
  planLookup,
  type AssessPatchesResult,
  type InstallPatchesResult,
  type PatchOperationError,
} from './results.js';
import { armTimestampUtc } from './time-format.js';

export interface AvailablePatchSummary {
  status: PatchOperationStatus;
  assessmentActivityId: string;
  rebootPending: boolean;
  criticalAndSecurityPatchCount: number;
  otherPatchCount: number;
  startTime: string;
  lastModifiedTime: string;
  error: PatchOperationError;
}

export interface LastPatchInstallationSummary extends PatchCounts {
  status: PatchOperationStatus;
  installationActivityId: string;
  maintenanceWindowExceeded: boolean;
  startTime: string;
  lastModifiedTime: string;
  error: PatchOperationError;
}

/** What the summaries need of an operation: its plan, and its result and end once it has one. */
export interface OperationView<Plan, Result> {
  plan: Plan;
  endMs: number | null;
  result: Result | null;
}

export const wasSuperseded = (result: { error: PatchOperationError }) =>
  result.error.details.some((d) => d.message === SUPERSEDED_MESSAGE);

/** An assessment's summary; while it runs nothing has been found yet (the extension resets its list first). */
export function summaryOfAssessment(op: OperationView<AssessPlan, AssessPatchesResult>, nowMs: number): AvailablePatchSummary {
  const { plan, result } = op;
  if (!result || op.endMs === null) {
    return {
      status: 'InProgress',
      assessmentActivityId: plan.operationId,
      rebootPending: plan.rebootPending,
      ...assessmentCounts([]),
      startTime: armTimestampUtc(plan.startMs),
      lastModifiedTime: armTimestampUtc(nowMs),
      error: patchOperationError(plan.osFamily, []),
    };
  }
  return {
    status: result.status,
    assessmentActivityId: result.assessmentActivityId,
    rebootPending: result.rebootPending,
    criticalAndSecurityPatchCount: result.criticalAndSecurityPatchCount,
    otherPatchCount: result.otherPatchCount,
    startTime: armTimestampUtc(plan.startMs),
    lastModifiedTime: armTimestampUtc(op.endMs),
    error: result.error,
  };
}

/** The implicit assessment that closed a finished installation: what is still available after it. */
export function summaryOfImplicitAssessment(plan: InstallPlan, endMs: number, lookup: PatchLookup): AvailablePatchSummary {
  const find = planLookup(plan, lookup);
  const stillAvailable = plan.patches.filter((p) => p.state !== 'Installed').map((p) => entryOf(find, p.patchId));
  return {
    status: 'Succeeded',
    assessmentActivityId: plan.operationId,
    rebootPending: rebootPendingAt(plan, plan.durationMs),
    ...assessmentCounts(stillAvailable),
    startTime: armTimestampUtc(Math.max(plan.startMs, endMs - ASSESSMENT_MS)),
    lastModifiedTime: armTimestampUtc(endMs),
    error: patchOperationError(plan.osFamily, []),
  };
}

/** An installation's summary; while it runs, the counts of the patches through so far. */
export function summaryOfInstallation(
  op: OperationView<InstallPlan, InstallPatchesResult>,
  nowMs: number,
): LastPatchInstallationSummary {
  const { plan, result } = op;
  if (!result || op.endMs === null) {
    const elapsedMs = Math.min(Math.max(0, nowMs - plan.startMs), plan.durationMs);
    const counts = countStates(patchStatesAt(plan, elapsedMs).map((installationState) => ({ installationState })));
    return {
      status: 'InProgress',
      installationActivityId: plan.operationId,
      maintenanceWindowExceeded: plan.windowExceededAtMs !== undefined && plan.windowExceededAtMs <= elapsedMs,
      notSelectedPatchCount: counts.notSelectedPatchCount,
      excludedPatchCount: counts.excludedPatchCount,
      pendingPatchCount: counts.pendingPatchCount,
      installedPatchCount: counts.installedPatchCount,
      failedPatchCount: counts.failedPatchCount,
      startTime: armTimestampUtc(plan.startMs),
      lastModifiedTime: armTimestampUtc(nowMs),
      error: patchOperationError(plan.osFamily, errorsAt(plan, elapsedMs)),
    };
  }
  return {
    status: result.status,
    installationActivityId: result.installationActivityId,
    maintenanceWindowExceeded: result.maintenanceWindowExceeded,
    notSelectedPatchCount: result.notSelectedPatchCount,
    excludedPatchCount: result.excludedPatchCount,
    pendingPatchCount: result.pendingPatchCount,
    installedPatchCount: result.installedPatchCount,
    failedPatchCount: result.failedPatchCount,
    startTime: armTimestampUtc(plan.startMs),
    lastModifiedTime: armTimestampUtc(op.endMs),
    error: result.error,
  };
}
