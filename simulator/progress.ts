// Progress is a pure function of the plan, the completion mode, the simulated clock and the number
// of status polls: nothing runs in the background.

export type CompletionMode = { kind: 'sync' } | { kind: 'instant' } | { kind: 'polls'; polls: number } | { kind: 'time' };

export const MAX_COMPLETION_POLLS = 1000;

/**
 * `sync` (terminal within the request that starts it, answered 200 with no polling), `instant`
 * (terminal at the first status poll), `polls:N`, or `time` (the plan's durations).
 */
export function parseCompletionMode(text: string): CompletionMode | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'sync') return { kind: 'sync' };
  if (value === 'instant') return { kind: 'instant' };
  if (value === 'time') return { kind: 'time' };
  const polls = /^polls:(\d{1,4})$/.exec(value);
  if (polls) {
    const n = Number(polls[1]);
    if (n >= 1 && n <= MAX_COMPLETION_POLLS) return { kind: 'polls', polls: n };
  }
  return undefined;
}

export function formatCompletionMode(mode: CompletionMode): string {
  return mode.kind === 'polls' ? `polls:${mode.polls}` : mode.kind;
}

export interface OperationProgress {
  terminal: boolean;
  /** Simulated end time, once terminal. */
  endMs?: number;
}

export function stateAt(
  plan: { startMs: number; durationMs: number },
  mode: CompletionMode,
  nowMs: number,
  statusPolls: number,
): OperationProgress {
  switch (mode.kind) {
    case 'time': {
      const endMs = plan.startMs + plan.durationMs;
      return nowMs >= endMs ? { terminal: true, endMs } : { terminal: false };
    }
    case 'sync':
      return { terminal: true, endMs: nowMs };
    case 'instant':
      return statusPolls >= 1 ? { terminal: true, endMs: nowMs } : { terminal: false };
    case 'polls':
      return statusPolls >= mode.polls ? { terminal: true, endMs: nowMs } : { terminal: false };
  }
}

/** A completion mode for part of the fleet: a subscription, a resource group in it, or one VM. */
export interface CompletionRule {
  subscriptionId: string;
  resourceGroup?: string;
  vmName?: string;
  mode: string;
}

export interface CompletionTarget {
  subscriptionId: string;
  resourceGroup: string;
  vmName: string;
}

/** The most specific rule that covers the target wins (VM, then resource group, then subscription). */
export function completionFor(rules: readonly CompletionRule[], fallback: CompletionMode, target: CompletionTarget): CompletionMode {
  const same = (a: string | undefined, b: string) => a === undefined || a.toLowerCase() === b.toLowerCase();
  let best: { rank: number; mode: CompletionMode } | undefined;
  for (const rule of rules) {
    if (!same(rule.subscriptionId, target.subscriptionId) || !same(rule.resourceGroup, target.resourceGroup) || !same(rule.vmName, target.vmName)) continue;
    const rank = rule.vmName !== undefined ? 3 : rule.resourceGroup !== undefined ? 2 : 1;
    const mode = parseCompletionMode(rule.mode);
    if (mode && (!best || rank >= best.rank)) best = { rank, mode };
  }
  return best?.mode ?? fallback;
}
