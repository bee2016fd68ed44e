// What a patch run is doing at a point of its plan's timeline, for people watching it (the
// dashboard): the API itself reports states, never the step in progress.

import type { InstallPlan } from './plan.js';

export type RunPhase = 'Assessing' | 'Rebooting' | 'Installing' | 'Done';

export interface RunActivity {
  phase: RunPhase;
  /** The patch being installed, while the phase is `Installing`. */
  patchId?: string;
}

interface Span {
  startOffsetMs: number;
  endOffsetMs: number;
}

const within = (span: Span | undefined, elapsedMs: number) => span !== undefined && span.startOffsetMs <= elapsedMs && elapsedMs < span.endOffsetMs;

/**
 * The step `elapsedMs` into an installation. plan.ts lays the run out as an assessment, the owed
 * reboot, the patches, the final reboot and the implicit assessment: before the first step and
 * after the last one the run is assessing.
 */
export function installActivityAt(plan: InstallPlan, elapsedMs: number): RunActivity {
  if (elapsedMs >= plan.durationMs) return { phase: 'Done' };
  if (within(plan.earlyReboot, elapsedMs) || within(plan.finalReboot, elapsedMs)) return { phase: 'Rebooting' };
  const steps: Array<Span & { patchId?: string }> = [
    ...(plan.earlyReboot ? [plan.earlyReboot] : []),
    ...plan.patches.flatMap((p) =>
      p.startOffsetMs !== undefined && p.endOffsetMs !== undefined ? [{ startOffsetMs: p.startOffsetMs, endOffsetMs: p.endOffsetMs, patchId: p.patchId }] : [],
    ),
    ...(plan.finalReboot ? [plan.finalReboot] : []),
  ];
  const installing = steps.find((step) => step.patchId !== undefined && within(step, elapsedMs));
  if (installing) return { phase: 'Installing', patchId: installing.patchId! };
  const first = Math.min(...steps.map((s) => s.startOffsetMs));
  const last = Math.max(...steps.map((s) => s.endOffsetMs));
  return { phase: steps.length > 0 && elapsedMs >= first && elapsedMs < last ? 'Installing' : 'Assessing' };
}

/** Share of the plan's simulated run that is behind it, from 0 to 1. */
export function runProgress(plan: { startMs: number; durationMs: number }, nowMs: number): number {
  if (plan.durationMs <= 0) return nowMs >= plan.startMs ? 1 : 0;
  return Math.min(1, Math.max(0, (nowMs - plan.startMs) / plan.durationMs));
}
