// The VM power actions (POST .../start, /powerOff, /deallocate, /restart) as state transitions. The
// new power state holds from the moment the action is accepted; the action's LRO then runs for a
// short simulated time. Transitional states (starting, stopping, deallocating) are not modelled.

export type PowerState = 'running' | 'stopped' | 'deallocated';
export const POWER_ACTIONS = ['start', 'powerOff', 'deallocate', 'restart'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

export interface PowerActionPlan {
  kind: 'powerAction';
  action: PowerAction;
  startMs: number;
  durationMs: number;
}

const SECOND = 1000;
/** Simulated run time of each action, of the order Azure takes. */
export const POWER_ACTION_MS: Record<PowerAction, number> = {
  start: 30 * SECOND,
  powerOff: 30 * SECOND,
  deallocate: 90 * SECOND,
  restart: 60 * SECOND,
};

/**
 * The power state after an action, or `refused` with the reason: a deallocated VM can only be
 * started or deallocated again (docs/wire-format.md#operation-not-allowed-on-the-vm: CRP refuses `powerOff` there), and only a running VM restarts.
 */
export function powerTransition(
  action: PowerAction,
  current: PowerState,
): { to: PowerState } | { refused: 'deallocated' | 'stopped' } {
  switch (action) {
    case 'start':
      return { to: 'running' };
    case 'deallocate':
      return { to: 'deallocated' };
    case 'powerOff':
      return current === 'deallocated' ? { refused: 'deallocated' } : { to: 'stopped' };
    case 'restart':
      return current === 'running' ? { to: 'running' } : { refused: current };
  }
}

export function planPowerAction(action: PowerAction, startMs: number): PowerActionPlan {
  return { kind: 'powerAction', action, startMs, durationMs: POWER_ACTION_MS[action] };
}
