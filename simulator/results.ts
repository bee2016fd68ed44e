// Result bodies as CRP serialises them (wire contract §1.3, §1.4, §5.11). Counts are always the
// tallies of the patch list; `error` is never null.

import type { CataloguePatch, OsFamily } from './catalogue.js';
import type { InstallationState, InstallPlan, PatchErrorDetail, PatchOperationStatus } from './plan.js';
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
 * The extension's error summary (E1 StatusHandler): code "0"/"Success" when clean, "1" on error,
 * "2" on warning. Windows says "Success" and drops the final period (R1, R2).
 */
export function patchOperationError(
  osFamily: OsFamily,
  status: PatchOperationStatus,
  errors: PatchErrorDetail[],
): PatchOperationError {
  if (errors.length === 0) {
    return osFamily === 'Windows'
      ? { details: [], code: 'Success', message: '0 error/s reported' }
      : { details: [], code: '0', message: '0 error/s reported.' };
  }
  const details = errors.slice(-ERROR_DETAIL_LIMIT).reverse();
  return {
    details,
    code: status === 'CompletedWithWarnings' ? '2' : '1',
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

/** The final result of an installation, as the Location URL and `properties.output` carry it. */
export function installResult(plan: InstallPlan): InstallPatchesResult {
  const patches = plan.patches.map((p) => patchDetail(plan.osFamily, p.patch, p.state));
  if (plan.osFamily === 'Linux') patches.sort(linuxOrder);
  return {
    status: plan.status,
    installationActivityId: plan.operationId,
    rebootStatus: plan.rebootStatus,
    maintenanceWindowExceeded: plan.maintenanceWindowExceeded,
    ...countStates(patches),
    patches,
    startDateTime: armTimestamp(plan.startMs),
    ...(plan.maintenanceRunId !== undefined ? { maintenanceRunId: plan.maintenanceRunId } : {}),
    error: patchOperationError(plan.osFamily, plan.status, plan.errors),
  };
}
