// A request becomes a plan once, when it is accepted: every patch's selection, simulated timing and
// outcome, the maintenance-window cut-off and the reboots. The plan is stored with the operation and
// never recomputed, so progress and results depend on it and the clock alone. A plan is plain,
// compact JSON: the request, the catalogue version it was made against, and per patch its id,
// timings and outcome, never a copy of the catalogue entry (results look entries up by id).
//
// The run, on the simulated clock, follows the Linux patch extension's flow
// (https://github.com/Azure/LinuxPatchExtension, src/core/src/CoreMain.py, PatchInstaller.py,
// RebootManager.py): assessment -> reboot owed by an earlier run -> each selected patch in turn
// -> final reboot -> the implicit second assessment.

import type { CatalogueRef, CataloguePatch, OsFamily } from './catalogue.js';
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

/** An error the run reports, and when (offset from the start) it is reported. */
export interface PlannedError extends PatchErrorDetail {
  offsetMs: number;
}

export interface PlannedPatch {
  patchId: string;
  /** The state once the run is over; `Excluded` and `NotSelected` are the patch's selection. */
  state: InstallationState;
  /** Offsets from the operation's start, for patches the run attempts. */
  startOffsetMs?: number;
  endOffsetMs?: number;
  /** An installed patch that leaves the machine needing a reboot. */
  requestsReboot?: boolean;
}

export interface PlannedReboot {
  startOffsetMs: number;
  endOffsetMs: number;
  outcome: 'Completed' | 'Failed';
}

export interface InstallPlan {
  kind: 'installPatches';
  operationId: string;
  osFamily: OsFamily;
  startMs: number;
  durationMs: number;
  rebootSetting: RebootSetting;
  /** The request, as accepted. */
  parameters: InstallParameters;
  /** The catalogue version the patch ids refer to. */
  catalogue: CatalogueRef;
  /** A reboot owed by an earlier run when this one started. */
  rebootPendingBefore: boolean;
  /** Every patch available when the run started, in the order the run takes them. */
  patches: PlannedPatch[];
  /** The owed reboot, taken before installing unless reboots are off (the extension's PatchInstaller.start_installation). */
  earlyReboot?: PlannedReboot;
  finalReboot?: PlannedReboot;
  /** Offset at which the window ran out (a patch or the reboot did not fit), if it did. */
  windowExceededAtMs?: number;
  status: Exclude<PatchOperationStatus, 'InProgress' | 'Unknown'>;
  /** Oldest first. */
  errors: PlannedError[];
  maintenanceRunId?: string;
  /** Set by a scenario: the reboot status the finished run reports. */
  reportedRebootStatus?: RebootStatus;
  /** Set by a scenario: the operation itself fails, and the envelope carries this error. */
  operationFailure?: { code: string; message: string };
  /** Entries no catalogue version holds, carried by the plan itself (plans stored before catalogues had versions). */
  entries?: CataloguePatch[];
}

/** A planned patch's selection, which its final state tells. */
export function selectionOfPlanned(patch: Pick<PlannedPatch, 'state'>): Selection {
  return patch.state === 'Excluded' || patch.state === 'NotSelected' ? patch.state : 'Selected';
}

/** Outcomes a caller imposes instead of the seeded draws (for scenarios that force a result). */
export interface ForcedOutcomes {
  failedPatchIds?: string[];
  installedPatchIds?: string[];
  rebootFails?: boolean;
}

/** Defaults and timings of the simulated run; docs/simulation.md gives the source of each number. */
export const DEFAULT_MAXIMUM_DURATION = 'PT4H';
/** A recorded Windows install that installed nothing took 2 min 17 s: two assessments of about a minute. */
export const ASSESSMENT_MS = 60_000;
const MINUTE = 60_000;
/**
 * Windows restarts, applying the update on the way, in several minutes; the Linux extension
 * schedules `shutdown -r +10` (LinuxPatchExtension src/core/src/core_logic/RebootManager.py), so a
 * Linux reboot is the ten minutes' notice and the boot.
 */
export const REBOOT_MS: Record<OsFamily, number> = { Windows: 6 * MINUTE, Linux: 12 * MINUTE };
/** A reboot is started only with this much of the window left (LinuxPatchExtension Constants.REBOOT_BUFFER_IN_MINUTES). */
export const REBOOT_BUFFER_MS = 15 * MINUTE;
/** Share of `CanRequestReboot` installs that do ask for a reboot (a seeded draw per patch and run). */
export const CAN_REQUEST_REBOOT_SHARE = 0.5;

// Messages of the Linux patch extension; the Windows extension is not public and is given the same.
export const WINDOW_EXCEEDED_MESSAGE = 'Stopped patch installation as it is past the maintenance window cutoff time.';
export const REBOOT_NOT_ALLOWED_MESSAGE =
  "Machine is Required to reboot. However, the customer-specified reboot setting doesn't allow reboots.";
export const REBOOT_FAILED_MESSAGE = 'Reboot failed to proceed on the machine in a timely manner.';
export const SUPERSEDED_MESSAGE = 'Execution was stopped due to a newer operation taking precedence.';
/** LinuxPatchExtension Constants.REBOOT_SETTINGS: the wording the extension logs for each setting. */
const REBOOT_SETTING_WORDING: Record<RebootSetting, string> = {
  Never: 'Never reboot',
  IfRequired: 'Reboot if required',
  Always: 'Always reboot',
};

/** As the extension's StatusHandler writes them: whitespace collapsed, at most 128 characters. */
export function errorMessage(text: string, limit = 128): string {
  const message = text.replace(/\s+/g, ' ');
  return message.length <= limit ? message : `${message.slice(0, limit - 3)}...`;
}

/**
 * Time that must remain in the window before a patch is started: Windows 15 min (20 for a Service
 * Pack), as Update Manager documents ("Timeline of Maintenance Window",
 * https://learn.microsoft.com/en-us/azure/update-manager/scheduled-patching);
 * Linux 5 min, plus a 15-min reboot buffer unless reboots are off (LinuxPatchExtension
 * MaintenanceWindow.py). Windows needs at least that much left; Linux needs more than that.
 */
export function cutoffMs(osFamily: OsFamily, patch: CataloguePatch, rebootSetting: RebootSetting): number {
  if (osFamily === 'Windows') return (patch.classifications.includes('ServicePack') ? 20 : 15) * MINUTE;
  return (5 + (rebootSetting === 'Never' ? 0 : 15)) * MINUTE;
}

function fitsInWindow(osFamily: OsFamily, remainingMs: number, cutoff: number): boolean {
  return osFamily === 'Windows' ? remainingMs >= cutoff : remainingMs > cutoff;
}

/** The package manager's complaint about a failed Linux package (as the extension's package managers word it). */
function failureMessage(osFamily: OsFamily, distro: string | undefined, patch: CataloguePatch): PatchErrorDetail {
  if (osFamily === 'Windows') {
    // 0x80070643 (ERROR_INSTALL_FAILURE) is what Windows Update reports for a failed install.
    return { code: 'ERROR', message: errorMessage(`Failed to install KB${patch.kbId ?? ''} (${patch.name}). HRESULT: 0x80070643`) };
  }
  const target = `${patch.name}=${patch.version ?? ''}`;
  const [code, command] = /ubuntu|debian/i.test(distro ?? '')
    ? [100, `sudo apt-get -y --only-upgrade true install ${target}`]
    : /suse|sles/i.test(distro ?? '')
      ? [4, `sudo zypper --non-interactive update ${target}`]
      : [1, `sudo yum -y install --skip-broken ${patch.name}-${patch.version ?? ''}`];
  return {
    code: 'CL_PACKAGE_MANAGER_FAILURE',
    message: errorMessage(`Unexpected return code from package manager. [Code=${code}][Command=${command}]`),
  };
}

export interface PlanInput {
  seed: string;
  operationId: string;
  /**
   * What the run's seeded draws (durations, failures, reboots) are keyed on besides the seed: the
   * operation's id as the seed alone makes it, not the id it is given, which may carry a secret
   * salt. So the same seed and requests give the same runs whether or not ids are salted. The
   * operation id when absent.
   */
  drawKey?: string;
  catalogue: CatalogueRef;
  osFamily: OsFamily;
  /** Linux: the distribution, which decides the package manager named in error messages. */
  distro?: string;
  startMs: number;
  available: CataloguePatch[];
  parameters: InstallParameters;
  rebootPendingBefore: boolean;
  forced?: ForcedOutcomes;
}

export function planInstallation(input: PlanInput): InstallPlan {
  const { seed, operationId, osFamily, parameters } = input;
  const drawKey = input.drawKey ?? operationId;
  const rebootSetting = parameters.rebootSetting;
  const windowMs = parseDurationMs(parameters.maximumDuration ?? DEFAULT_MAXIMUM_DURATION) ?? 4 * 60 * MINUTE;
  const rebootAllowed = rebootSetting !== 'Never';
  const rebootMs = REBOOT_MS[osFamily];
  const forcedFail = new Set(input.forced?.failedPatchIds ?? []);
  const forcedInstall = new Set(input.forced?.installedPatchIds ?? []);
  const errors: PlannedError[] = [];
  const report = (offsetMs: number, detail: PatchErrorDetail) => errors.push({ ...detail, offsetMs });
  let elapsed = ASSESSMENT_MS;
  let windowExceededAtMs: number | undefined;

  let earlyReboot: PlannedReboot | undefined;
  if (input.rebootPendingBefore && rebootAllowed && windowMs - elapsed >= REBOOT_BUFFER_MS) {
    earlyReboot = { startOffsetMs: elapsed, endOffsetMs: elapsed + rebootMs, outcome: 'Completed' };
    elapsed += rebootMs;
  }

  let windowClosed = false;
  const patches: PlannedPatch[] = input.available.map((patch) => {
    const selection = selectionOf(patch, osFamily, parameters);
    if (selection !== 'Selected') return { patchId: patch.patchId, state: selection };
    // Linux stops at the first patch that does not fit; Windows skips it, and a shorter update
    // may still fit after a skipped Service Pack.
    if (windowClosed || !fitsInWindow(osFamily, windowMs - elapsed, cutoffMs(osFamily, patch, rebootSetting))) {
      if (windowExceededAtMs === undefined) {
        windowExceededAtMs = elapsed;
        report(elapsed, { code: 'ERROR', message: WINDOW_EXCEEDED_MESSAGE });
      }
      if (osFamily === 'Linux' || !fitsInWindow(osFamily, windowMs - elapsed, 15 * MINUTE)) windowClosed = true;
      return { patchId: patch.patchId, state: 'Pending' };
    }
    const jitter = 0.8 + 0.4 * unitDraw(seed, 'duration', drawKey, patch.patchId);
    const startOffsetMs = elapsed;
    elapsed += Math.round(patch.installSeconds * 1000 * jitter);
    const failed =
      forcedFail.has(patch.patchId) ||
      (!forcedInstall.has(patch.patchId) && unitDraw(seed, 'failure', drawKey, patch.patchId) < patch.failureRate);
    if (failed) {
      report(elapsed, failureMessage(osFamily, input.distro, patch));
      return { patchId: patch.patchId, state: 'Failed', startOffsetMs, endOffsetMs: elapsed };
    }
    const requestsReboot =
      patch.rebootBehavior === 'AlwaysRequiresReboot' ||
      (patch.rebootBehavior === 'CanRequestReboot' && unitDraw(seed, 'reboot', drawKey, patch.patchId) < CAN_REQUEST_REBOOT_SHARE);
    return { patchId: patch.patchId, state: 'Installed', startOffsetMs, endOffsetMs: elapsed, ...(requestsReboot ? { requestsReboot } : {}) };
  });

  const anyFailed = patches.some((p) => p.state === 'Failed');
  if (anyFailed || windowExceededAtMs !== undefined) {
    // Worded as the extension's PatchInstaller.log_final_metrics composes it.
    const because =
      (anyFailed ? '[X] a failure occurred during the operation  ' : '') +
      (windowExceededAtMs !== undefined ? '[X] maintenance window exceeded ' : '');
    report(elapsed, { code: 'OPERATION_FAILED', message: errorMessage(`\n\nOperation status was marked as failed because: ${because}`) });
  }

  // Reboot management at the end of the run (RebootManager.start_reboot_if_required_and_time_available).
  const pending = (input.rebootPendingBefore && !earlyReboot) || patches.some((p) => p.requestsReboot);
  let finalReboot: PlannedReboot | undefined;
  let rebootFailed = false;
  const wantsReboot =
    (rebootSetting === 'IfRequired' && pending) || (rebootSetting === 'Always' && (pending || !earlyReboot));
  if (rebootSetting === 'Never' && pending) {
    report(elapsed, { code: 'ERROR', message: REBOOT_NOT_ALLOWED_MESSAGE });
  } else if (wantsReboot && windowMs - elapsed >= REBOOT_BUFFER_MS) {
    rebootFailed = input.forced?.rebootFails === true;
    finalReboot = { startOffsetMs: elapsed, endOffsetMs: elapsed + rebootMs, outcome: rebootFailed ? 'Failed' : 'Completed' };
    elapsed += rebootMs;
    if (rebootFailed) report(elapsed, { code: 'ERROR', message: REBOOT_FAILED_MESSAGE });
  } else if (wantsReboot) {
    windowExceededAtMs ??= elapsed;
    report(elapsed, {
      code: 'ERROR',
      message: errorMessage(
        `Reboot Management - There is not enough time to schedule a reboot as per patch installation configuration ` +
          `(${REBOOT_SETTING_WORDING[rebootSetting]}). Reboot-pending status: ${pending ? 'True' : 'False'}`,
      ),
    });
  }
  elapsed += ASSESSMENT_MS; // the implicit assessment that closes an install (CoreMain)

  const status =
    anyFailed || windowExceededAtMs !== undefined || rebootFailed
      ? 'Failed'
      : rebootSetting === 'Never' && pending
        ? 'CompletedWithWarnings'
        : 'Succeeded';
  return {
    kind: 'installPatches',
    operationId,
    osFamily,
    startMs: input.startMs,
    durationMs: elapsed,
    rebootSetting,
    parameters,
    catalogue: input.catalogue,
    rebootPendingBefore: input.rebootPendingBefore,
    patches,
    ...(earlyReboot ? { earlyReboot } : {}),
    ...(finalReboot ? { finalReboot } : {}),
    ...(windowExceededAtMs !== undefined ? { windowExceededAtMs } : {}),
    status,
    errors,
    ...(osFamily === 'Linux' ? { maintenanceRunId: parameters.linuxParameters?.maintenanceRunId ?? '' } : {}),
  };
}

// ---- The run at a point in time: what progress, supersession and the instance view see. ----

const done = (offsetMs: number | undefined, elapsedMs: number) => offsetMs !== undefined && offsetMs <= elapsedMs;

/** Each patch's state `elapsedMs` into the run: selected patches not yet through are `Pending`. */
export function patchStatesAt(plan: InstallPlan, elapsedMs: number): InstallationState[] {
  return plan.patches.map((p) => {
    if (p.state !== 'Installed' && p.state !== 'Failed') return p.state;
    return done(p.endOffsetMs, elapsedMs) ? p.state : 'Pending';
  });
}

/** Whether the machine owes a reboot `elapsedMs` into the run. */
export function rebootPendingAt(plan: InstallPlan, elapsedMs: number): boolean {
  let pending = plan.rebootPendingBefore && !done(plan.earlyReboot?.endOffsetMs, elapsedMs);
  if (plan.patches.some((p) => p.requestsReboot && done(p.endOffsetMs, elapsedMs))) pending = true;
  if (plan.finalReboot?.outcome === 'Completed' && done(plan.finalReboot.endOffsetMs, elapsedMs)) pending = false;
  return pending;
}

/** The reboot status `elapsedMs` into the run (the extension's reboot-status transitions). */
export function rebootStatusAt(plan: InstallPlan, elapsedMs: number): RebootStatus {
  const final = plan.finalReboot;
  if (final && done(final.startOffsetMs, elapsedMs)) return done(final.endOffsetMs, elapsedMs) ? final.outcome : 'Started';
  const early = plan.earlyReboot;
  if (early && done(early.startOffsetMs, elapsedMs) && !done(early.endOffsetMs, elapsedMs)) return 'Started';
  if (rebootPendingAt(plan, elapsedMs)) return 'Required';
  return early && done(early.endOffsetMs, elapsedMs) ? 'Completed' : 'NotNeeded';
}

export function errorsAt(plan: InstallPlan, elapsedMs: number): PatchErrorDetail[] {
  return plan.errors.filter((e) => e.offsetMs <= elapsedMs).map(({ code, message }) => ({ code, message }));
}

/** Patch ids the run has installed `elapsedMs` into it. */
export function installedPatchIdsAt(plan: InstallPlan, elapsedMs: number): string[] {
  return plan.patches.filter((p) => p.state === 'Installed' && done(p.endOffsetMs, elapsedMs)).map((p) => p.patchId);
}
