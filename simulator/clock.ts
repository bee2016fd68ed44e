// The simulated clock as plain data. Simulated time runs `speed` times faster than wall time from an
// anchor; freezing pins it; advancing moves the anchor. The server reads the wall time and persists
// the state, so a restart carries on from where the clock was.

export interface ClockState {
  anchorWallMs: number;
  anchorSimulatedMs: number;
  speed: number;
  frozen: boolean;
}

/** The last instant an ARM timestamp (four-digit year) can show: the clock never goes past it. */
export const LATEST_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');
/**
 * The fastest clock: a day of wall time is then about 5,500 simulated years, so no clock started
 * this side of the year 4000 passes the year 9999 within a day; past it, the clock stops at
 * LATEST_TIME_MS (simulatedNow) rather than show a five-digit year.
 */
export const MAX_CLOCK_SPEED = 2_000_000;

export function startClock(wallMs: number, speed: number): ClockState {
  return { anchorWallMs: wallMs, anchorSimulatedMs: wallMs, speed, frozen: false };
}

export function simulatedNow(clock: ClockState, wallMs: number): number {
  if (clock.frozen) return clock.anchorSimulatedMs;
  // An emulator left running far longer than CLOCK_RANGE_HORIZON_MS stops at the last instant.
  return Math.min(LATEST_TIME_MS, clock.anchorSimulatedMs + Math.max(0, wallMs - clock.anchorWallMs) * clock.speed);
}

/** Re-anchor at the present, so that a change of speed or freezing does not move time already passed. */
function reanchor(clock: ClockState, wallMs: number): ClockState {
  return { ...clock, anchorWallMs: wallMs, anchorSimulatedMs: simulatedNow(clock, wallMs) };
}

export function withSpeed(clock: ClockState, wallMs: number, speed: number): ClockState {
  return { ...reanchor(clock, wallMs), speed };
}

export function withFrozen(clock: ClockState, wallMs: number, frozen: boolean): ClockState {
  return { ...reanchor(clock, wallMs), frozen };
}

export function advancedBy(clock: ClockState, wallMs: number, durationMs: number): ClockState {
  const anchored = reanchor(clock, wallMs);
  return { ...anchored, anchorSimulatedMs: anchored.anchorSimulatedMs + durationMs };
}

export function setTo(clock: ClockState, wallMs: number, simulatedMs: number): ClockState {
  return { ...clock, anchorWallMs: wallMs, anchorSimulatedMs: simulatedMs };
}
