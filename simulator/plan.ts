// A request becomes a plan once, when it is accepted: every patch's selection, simulated timing and
// outcome, the maintenance-window cut-off and the reboot. The plan is stored with the operation and
// never recomputed, so progress and results depend on it and the clock alone.

import type { CataloguePatch, OsFamily } from './catalogue.js';
import { parseDurationMs } from './duration.js';
import { unitDraw } from './random.js';
import { selectionOf, type InstallParameters, type RebootSetting, type Selection } from './selection.js';

export type InstallationState = 'Installed' | 'Failed' | 'Excluded' | 'NotSelected' | 'Pending';
export type PatchOperationStatus = 'InProgress' | 'Failed' | 'Succeeded' | 'CompletedWithWarnings' | 'Unknown';
export type RebootStatus = 'Unknown' | 'NotNeeded' | 'Required' | 'Started' | 'Failed' | 'Completed';

export interface PatchErrorDetail {
  code: string;
  message: string;
}

export interface PlannedPatch {
  patch: CataloguePatch;
  selection: Selection;
  state: InstallationState;
  /** Offsets from the operation's start, for patches the run attempts. */
  startOffsetMs?: number;
  endOffsetMs?: number;
}

export interface InstallPlan {
  kind: 'installPatches';
  operationId: string;
  osFamily: OsFamily;
  startMs: number;
  durationMs: number;
  patches: PlannedPatch[];
  maintenanceWindowExceeded: boolean;
  rebootStatus: RebootStatus;
  /** Whether the VM still needs a reboot once the run is over. */
  rebootPendingAfter: boolean;
  status: Exclude<PatchOperationStatus, 'InProgress'>;
  /** Oldest first. */
  errors: PatchErrorDetail[];
  maintenanceRunId?: string;
  /** Set by a scenario: the operation itself fails, and the envelope carries this error. */
  operationFailure?: { code: string; message: string };
}

/** Defaults and timings of the simulated run; each is documented in the README. */
export const DEFAULT_MAXIMUM_DURATION = 'PT4H';
export const ASSESSMENT_MS = 60_000;
export const REBOOT_MS = 5 * 60_000;
/** Share of `CanRequestReboot` installs that do ask for a reboot. */
export const CAN_REQUEST_REBOOT_SHARE = 0.5;
const MINUTE = 60_000;

export const REBOOT_NOT_ALLOWED_MESSAGE =
  "Machine is Required to reboot. However, the customer-specified reboot setting doesn't allow reboots.";
export const WINDOW_EXCEEDED_MESSAGE = 'Stopped patch installation as it is past the maintenance window cutoff time.';

/**
 * Time that must remain in the window before a patch is started (wire contract §3.15):
 * Windows 15 min (20 for a Service Pack); Linux 5 min, plus a 15-min reboot buffer unless reboots
 * are off.
 */
export function cutoffMs(osFamily: OsFamily, patch: CataloguePatch, rebootSetting: RebootSetting): number {
  if (osFamily === 'Windows') return (patch.classifications.includes('ServicePack') ? 20 : 15) * MINUTE;
  return (5 + (rebootSetting === 'Never' ? 0 : 15)) * MINUTE;
}

export interface PlanInput {
  seed: string;
  operationId: string;
  osFamily: OsFamily;
  startMs: number;
  available: CataloguePatch[];
  parameters: InstallParameters;
  rebootPendingBefore: boolean;
}

function truncate(text: string, limit = 128): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 3)}...`;
}

export function planInstallation(input: PlanInput): InstallPlan {
  const { seed, operationId, osFamily, parameters } = input;
  const windowMs = parseDurationMs(parameters.maximumDuration ?? DEFAULT_MAXIMUM_DURATION) ?? 4 * 60 * MINUTE;
  const rebootAllowed = parameters.rebootSetting !== 'Never';
  const errors: PatchErrorDetail[] = [];
  let elapsed = ASSESSMENT_MS;
  let rebooted = false;

  // A reboot left pending by an earlier run is taken first, unless reboots are off (E1 PatchInstaller).
  if (input.rebootPendingBefore && rebootAllowed) {
    elapsed += REBOOT_MS;
    rebooted = true;
  }

  let windowExceeded = false;
  let needsReboot = input.rebootPendingBefore && !rebooted;
  const patches: PlannedPatch[] = input.available.map((patch) => {
    const selection = selectionOf(patch, osFamily, parameters);
    if (selection !== 'Selected') return { patch, selection, state: selection };
    if (windowExceeded || windowMs - elapsed < cutoffMs(osFamily, patch, parameters.rebootSetting)) {
      if (!windowExceeded) errors.push({ code: 'OPERATION_FAILED', message: WINDOW_EXCEEDED_MESSAGE });
      windowExceeded = true;
      return { patch, selection, state: 'Pending' };
    }
    const jitter = 0.8 + 0.4 * unitDraw(seed, 'duration', operationId, patch.patchId);
    const startOffsetMs = elapsed;
    elapsed += Math.round(patch.installMinutes * MINUTE * jitter);
    const failed = unitDraw(seed, 'failure', operationId, patch.patchId) < patch.failureRate;
    if (failed) {
      errors.push({ code: 'OPERATION_FAILED', message: truncate(`Failed to install patch: ${patch.name}`) });
    } else if (
      patch.rebootBehavior === 'AlwaysRequiresReboot' ||
      (patch.rebootBehavior === 'CanRequestReboot' &&
        unitDraw(seed, 'reboot', operationId, patch.patchId) < CAN_REQUEST_REBOOT_SHARE)
    ) {
      needsReboot = true;
    }
    return { patch, selection, state: failed ? 'Failed' : 'Installed', startOffsetMs, endOffsetMs: elapsed };
  });

  let rebootStatus: RebootStatus = rebooted ? 'Completed' : 'NotNeeded';
  if (parameters.rebootSetting === 'Always' || (needsReboot && rebootAllowed)) {
    elapsed += REBOOT_MS;
    rebootStatus = 'Completed';
    needsReboot = false;
  } else if (needsReboot) {
    rebootStatus = 'Required';
    errors.push({ code: 'ERROR', message: REBOOT_NOT_ALLOWED_MESSAGE });
  }
  elapsed += ASSESSMENT_MS; // the implicit assessment that closes an install (E1 CoreMain)

  const failed = patches.some((p) => p.state === 'Failed');
  const status = failed || windowExceeded ? 'Failed' : needsReboot ? 'CompletedWithWarnings' : 'Succeeded';
  return {
    kind: 'installPatches',
    operationId,
    osFamily,
    startMs: input.startMs,
    durationMs: elapsed,
    patches,
    maintenanceWindowExceeded: windowExceeded,
    rebootStatus,
    rebootPendingAfter: needsReboot,
    status,
    errors,
    ...(osFamily === 'Linux' ? { maintenanceRunId: parameters.linuxParameters?.maintenanceRunId ?? '' } : {}),
  };
}
