// Scenarios: outcomes a test chooses instead of the seeded ones. A scenario is matched when a
// request is accepted and folded into its plan, so the plan stays the one truth about the run.

import type { ScenarioBody } from '../schemas/admin.js';
import type { AssessPlan } from './assessment.js';
import type { CataloguePatch } from './catalogue.js';
import { WINDOW_EXCEEDED_MESSAGE, type ForcedOutcomes, type InstallPlan, type PlannedPatch } from './plan.js';
import { maskMatches } from './mask.js';

export type PatchOperationKind = NonNullable<ScenarioMatch['operation']>;

/** Which operations a scenario applies to (schemas/admin.ts). */
export type ScenarioMatch = NonNullable<ScenarioBody['match']>;

/**
 * What a scenario forces (schemas/admin.ts): the result's terminal status; an operation-level
 * failure (the envelope says Failed with this error and carries no result); selected patches that
 * fail (patch ids, KB numbers "KB5009555" or "5009555", or name masks); the window exceeded; the
 * reboot status (`Failed` makes the final reboot fail; any other value is what the result
 * reports); the ISO-8601 duration of the whole run on the simulated clock.
 */
export type ScenarioOutcome = ScenarioBody['outcome'];

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

function patchNamed(patch: CataloguePatch, names: string[]): boolean {
  return names.some((name) => {
    const kb = name.toUpperCase().replace(/^KB/, '');
    return name.toLowerCase() === patch.patchId.toLowerCase() || (patch.kbId !== undefined && kb === patch.kbId) || maskMatches(name, patch.name);
  });
}

/** The planner's forced draws for a scenario: named patches fail, the final reboot fails. */
export function forcedOutcomes(outcome: ScenarioOutcome, available: readonly CataloguePatch[]): ForcedOutcomes {
  const names = outcome.failPatches ?? [];
  return {
    ...(names.length > 0 ? { failedPatchIds: available.filter((patch) => patchNamed(patch, names)).map((patch) => patch.patchId) } : {}),
    ...(outcome.rebootStatus === 'Failed' ? { rebootFails: true } : {}),
  };
}

const attempted = (p: PlannedPatch) => p.startOffsetMs !== undefined && (p.state === 'Installed' || p.state === 'Failed');

/** Moves every offset of the run so that it lasts `durationMs`. */
function scaledTo<P extends InstallPlan | AssessPlan>(plan: P, durationMs: number): P {
  if (durationMs <= 0 || plan.durationMs <= 0) return plan;
  const factor = durationMs / plan.durationMs;
  const at = (offset: number) => Math.round(offset * factor);
  if (plan.kind === 'assessPatches') return { ...plan, durationMs };
  const install = plan as InstallPlan;
  const reboot = (r: InstallPlan['earlyReboot']) => r && { ...r, startOffsetMs: at(r.startOffsetMs), endOffsetMs: at(r.endOffsetMs) };
  return {
    ...install,
    durationMs,
    patches: install.patches.map((p) =>
      p.startOffsetMs === undefined || p.endOffsetMs === undefined ? p : { ...p, startOffsetMs: at(p.startOffsetMs), endOffsetMs: at(p.endOffsetMs) },
    ),
    ...(install.earlyReboot ? { earlyReboot: reboot(install.earlyReboot) } : {}),
    ...(install.finalReboot ? { finalReboot: reboot(install.finalReboot) } : {}),
    ...(install.windowExceededAtMs !== undefined ? { windowExceededAtMs: at(install.windowExceededAtMs) } : {}),
    errors: install.errors.map((e) => ({ ...e, offsetMs: at(e.offsetMs) })),
  } as P;
}

/** The window closes half-way through what the run attempts: the second half stays Pending. */
function windowExceeded(plan: InstallPlan): InstallPlan {
  if (plan.windowExceededAtMs !== undefined) return plan;
  const attempts = plan.patches.filter(attempted);
  const firstCut = attempts[Math.ceil(attempts.length / 2)];
  const cutMs = firstCut?.startOffsetMs ?? Math.max(0, ...attempts.map((p) => p.endOffsetMs ?? 0));
  const patches = plan.patches.map((p): PlannedPatch => {
    if (!attempted(p) || (p.startOffsetMs ?? 0) < cutMs) return p;
    return { patchId: p.patchId, state: 'Pending' };
  });
  const { finalReboot, ...rest } = plan;
  return {
    ...rest,
    patches,
    ...(finalReboot && finalReboot.startOffsetMs < cutMs ? { finalReboot } : {}),
    windowExceededAtMs: cutMs,
    status: 'Failed',
    errors: [...plan.errors.filter((e) => e.offsetMs <= cutMs), { code: 'ERROR', message: WINDOW_EXCEEDED_MESSAGE, offsetMs: cutMs }],
  };
}

/** The plan with what the scenario says beyond the forced draws: window, statuses, duration, failure. */
export function applyScenario<P extends InstallPlan | AssessPlan>(plan: P, outcome: ScenarioOutcome, durationMs: number | undefined): P {
  let result: P = plan;
  if (result.kind === 'installPatches') {
    let install = result as InstallPlan;
    if (outcome.maintenanceWindowExceeded === true) install = windowExceeded(install);
    if (outcome.rebootStatus !== undefined && outcome.rebootStatus !== 'Failed') install = { ...install, reportedRebootStatus: outcome.rebootStatus };
    if (outcome.status !== undefined) install = { ...install, status: outcome.status };
    result = install as P;
  } else if (outcome.status !== undefined) {
    result = { ...result, reportedStatus: outcome.status };
  }
  if (durationMs !== undefined) result = scaledTo(result, durationMs);
  return outcome.operationFailure ? { ...result, operationFailure: outcome.operationFailure } : result;
}
