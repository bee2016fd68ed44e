// The emulator's clock: the pure clock of simulator/clock.ts, read against the wall time and
// persisted in the settings table so a restart carries on from the same simulated time.

import { advancedBy, setTo, simulatedNow, startClock, withFrozen, withSpeed, type ClockState } from '../simulator/clock.js';
import type { SettingsStore } from './store/settings-store.js';

const SETTING = 'clock';

export class EmulatorClock {
  private state: ClockState;

  constructor(
    private readonly settings: SettingsStore,
    speed: number,
    private readonly wallNow: () => number = Date.now,
  ) {
    const saved = settings.get<ClockState>(SETTING);
    this.state = saved ? withSpeed(saved, wallNow(), speed) : startClock(wallNow(), speed);
    this.settings.put(SETTING, this.state);
  }

  /** Simulated now, in milliseconds since the epoch. */
  now(): number {
    return simulatedNow(this.state, this.wallNow());
  }

  /** The raw state, for a state export; `restore` puts it back as it was. */
  exportState(): ClockState {
    return { ...this.state };
  }

  restore(state: ClockState): void {
    this.save({ ...state });
  }

  /** Back to the wall time, running at `speed`. */
  reset(speed: number): void {
    this.save(startClock(this.wallNow(), speed));
  }

  snapshot(): { nowMs: number; speed: number; frozen: boolean } {
    return { nowMs: this.now(), speed: this.state.speed, frozen: this.state.frozen };
  }

  setSpeed(speed: number): void {
    this.save(withSpeed(this.state, this.wallNow(), speed));
  }

  setFrozen(frozen: boolean): void {
    this.save(withFrozen(this.state, this.wallNow(), frozen));
  }

  advance(durationMs: number): void {
    this.save(advancedBy(this.state, this.wallNow(), durationMs));
  }

  set(simulatedMs: number): void {
    this.save(setTo(this.state, this.wallNow(), simulatedMs));
  }

  private save(state: ClockState): void {
    this.state = state;
    this.settings.put(SETTING, state);
  }
}
