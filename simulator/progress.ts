// Progress is a pure function of the plan, the completion mode, the simulated clock and the number
// of status polls: nothing runs in the background.

export type CompletionMode = { kind: 'sync' } | { kind: 'instant' } | { kind: 'polls'; polls: number } | { kind: 'time' };

export const MAX_COMPLETION_POLLS = 1000;

/**
 * The one grammar of a completion mode, case-insensitive: `sync`, `instant`, `time`, or `polls:N`
 * with N from 1 to MAX_COMPLETION_POLLS, no leading zeros. The request schemas use this text as
 * their `pattern` (JSON Schema patterns have no flags, hence the letter classes), and the parser
 * below matches the same expression, so that a mode the schemas accept always parses.
 */
export const COMPLETION_MODE_PATTERN =
  '^(?:[Ss][Yy][Nn][Cc]|[Ii][Nn][Ss][Tt][Aa][Nn][Tt]|[Tt][Ii][Mm][Ee]|[Pp][Oo][Ll][Ll][Ss]:([1-9][0-9]{0,2}|1000))$';
const COMPLETION_MODE = new RegExp(COMPLETION_MODE_PATTERN);

/**
 * `sync` (terminal within the request that starts it, answered 200 with no polling), `instant`
 * (terminal at the first status poll), `polls:N`, or `time` (the plan's durations). Surrounding
 * spaces are ignored (a flag's value); anything else outside COMPLETION_MODE_PATTERN is undefined.
 */
export function parseCompletionMode(text: string): CompletionMode | undefined {
  const match = COMPLETION_MODE.exec(text.trim());
  if (!match) return undefined;
  if (match[1] !== undefined) return { kind: 'polls', polls: Number(match[1]) };
  return { kind: match[0].toLowerCase() as 'sync' | 'instant' | 'time' };
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
