// Progress is a pure function of the plan, the completion mode, the simulated clock and the number
// of status polls: nothing runs in the background (DESIGN "The simulated patch run").

export type CompletionMode = { kind: 'instant' } | { kind: 'polls'; polls: number } | { kind: 'time' };

export const MAX_COMPLETION_POLLS = 1000;

/** `instant` (terminal at the first status poll), `polls:N`, or `time` (the plan's durations). */
export function parseCompletionMode(text: string): CompletionMode | undefined {
  const value = text.trim().toLowerCase();
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
    case 'instant':
      return statusPolls >= 1 ? { terminal: true, endMs: nowMs } : { terminal: false };
    case 'polls':
      return statusPolls >= mode.polls ? { terminal: true, endMs: nowMs } : { terminal: false };
  }
}
