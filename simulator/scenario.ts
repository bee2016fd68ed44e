// Scenarios: outcomes a test chooses instead of the seeded ones. A scenario is matched when a
// request is accepted and folded into its plan, so the plan stays the one truth about the run.

import type { InstallPlan, PlannedPatch, RebootStatus } from './plan.js';
import { WINDOW_EXCEEDED_MESSAGE } from './plan.js';
import { maskMatches } from './selection.js';

export type PatchOperationKind = 'installPatches' | 'assessPatches';

export interface ScenarioMatch {
  subscriptionId?: string;
  resourceGroup?: string;
  vmName?: string;
  operation?: PatchOperationKind;
}

export interface OperationFailure {
  code: string;
  message: string;
}

export interface ScenarioOutcome {
  /** The result's terminal status, whatever the plan would have given. */
  status?: 'Succeeded' | 'Failed' | 'CompletedWithWarnings';
  /** The operation itself fails: the envelope says Failed with this error and carries no result. */
  operationFailure?: OperationFailure;
  /** Selected patches that fail: patch ids, KB numbers ("KB5009555" or "5009555") or name masks. */
  failPatches?: string[];
  maintenanceWindowExceeded?: boolean;
  rebootStatus?: RebootStatus;
  /** ISO-8601 duration of the whole run on the simulated clock. */
  duration?: string;
}

export interface Scenario {
  id: string;
  match: ScenarioMatch;
  outcome: ScenarioOutcome;
  /** How many more operations it applies to; absent for every one. */
  remaining?: number;
}

const same = (wanted: string | undefined, actual: string) => wanted === undefined || wanted.toLowerCase() === actual.toLowerCase();

export function scenarioMatches(scenario: Scenario, target: Required<ScenarioMatch>): boolean {
  const { match } = scenario;
  return (
    (scenario.remaining === undefined || scenario.remaining > 0) &&
    same(match.subscriptionId, target.subscriptionId) &&
    same(match.resourceGroup, target.resourceGroup) &&
    same(match.vmName, target.vmName) &&
    same(match.operation, target.operation)
  );
}

/** The first scenario, in the order they were added, that applies. */
export function findScenario(scenarios: readonly Scenario[], target: Required<ScenarioMatch>): Scenario | undefined {
  return scenarios.find((scenario) => scenarioMatches(scenario, target));
}

function patchNamed(planned: PlannedPatch, names: string[]): boolean {
  const { patch } = planned;
  return names.some((name) => {
    const kb = name.toUpperCase().replace(/^KB/, '');
    return name.toLowerCase() === patch.patchId.toLowerCase() || (patch.kbId !== undefined && kb === patch.kbId) || maskMatches(name, patch.name);
  });
}

const attempted = (p: PlannedPatch) => p.state === 'Installed' || p.state === 'Failed';

/** The plan with the scenario's outcome folded in. Counts stay the tallies of the patch list. */
export function applyScenario(plan: InstallPlan, outcome: ScenarioOutcome, durationMs?: number): InstallPlan {
  let patches = plan.patches;
  const errors = [...plan.errors];

  if (outcome.failPatches && outcome.failPatches.length > 0) {
    const names = outcome.failPatches;
    patches = patches.map((p) => {
      if (!attempted(p) || p.state === 'Failed' || !patchNamed(p, names)) return p;
      errors.push({ code: 'OPERATION_FAILED', message: `Failed to install patch: ${p.patch.name}`.slice(0, 128) });
      return { ...p, state: 'Failed' as const };
    });
  }

  let windowExceeded = plan.maintenanceWindowExceeded;
  if (outcome.maintenanceWindowExceeded === true && !windowExceeded) {
    // The window closes half-way through what the run attempts: the second half stays Pending.
    const attempts = patches.filter(attempted).length;
    let seen = 0;
    patches = patches.map((p) => {
      if (!attempted(p) && p.state !== 'Pending') return p;
      seen += attempted(p) ? 1 : 0;
      if (p.state === 'Pending' || seen > Math.ceil(attempts / 2)) {
        const { startOffsetMs: _start, endOffsetMs: _end, ...rest } = p;
        return { ...rest, state: 'Pending' as const };
      }
      return p;
    });
    errors.push({ code: 'OPERATION_FAILED', message: WINDOW_EXCEEDED_MESSAGE });
    windowExceeded = true;
  }

  const rebootStatus = outcome.rebootStatus ?? plan.rebootStatus;
  if (outcome.rebootStatus === 'Failed') errors.push({ code: 'ERROR', message: 'The machine failed to reboot after installing patches.' });

  const failed = patches.some((p) => p.state === 'Failed') || windowExceeded || rebootStatus === 'Failed';
  const derivedStatus = failed ? 'Failed' : plan.status === 'CompletedWithWarnings' ? 'CompletedWithWarnings' : 'Succeeded';

  let scaled = patches;
  let total = plan.durationMs;
  if (durationMs !== undefined && durationMs > 0 && plan.durationMs > 0) {
    const factor = durationMs / plan.durationMs;
    scaled = patches.map((p) =>
      p.startOffsetMs === undefined || p.endOffsetMs === undefined
        ? p
        : { ...p, startOffsetMs: Math.round(p.startOffsetMs * factor), endOffsetMs: Math.round(p.endOffsetMs * factor) },
    );
    total = durationMs;
  }

  return {
    ...plan,
    patches: scaled,
    durationMs: total,
    maintenanceWindowExceeded: windowExceeded,
    rebootStatus,
    status: outcome.status ?? derivedStatus,
    errors,
    ...(outcome.operationFailure ? { operationFailure: outcome.operationFailure } : {}),
  };
}
