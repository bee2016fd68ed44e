// What a test sets to control the emulator: completion modes, scenarios and fault rules. Kept in
// the settings table (so a restart keeps them) and cached in memory (read on every request).

import type { FaultRule } from '../../simulator/faults.js';
import { completionFor, type CompletionMode, type CompletionRule, type CompletionTarget } from '../../simulator/progress.js';
import { guidFrom } from '../../simulator/random.js';
import { findScenario, type Scenario, type ScenarioMatch } from '../../simulator/scenario.js';
import type { SettingsStore } from './settings-store.js';

export interface ControlState {
  completion: { default: string; rules: CompletionRule[] };
  scenarios: Scenario[];
  faults: FaultRule[];
  /** Numbers the ids of scenarios and faults created without one. */
  created: number;
}

const SETTING = 'control';

export class ControlStore {
  private state: ControlState;

  constructor(
    private readonly settings: SettingsStore,
    private readonly seed: string,
    private readonly defaultCompletion: string,
  ) {
    // The --completion flag given at this start wins over a default saved by an earlier run.
    const saved = settings.get<ControlState>(SETTING);
    this.state = saved ? { ...saved, completion: { ...saved.completion, default: defaultCompletion } } : ControlStore.initial(defaultCompletion);
  }

  private static initial(defaultCompletion: string): ControlState {
    return { completion: { default: defaultCompletion, rules: [] }, scenarios: [], faults: [], created: 0 };
  }

  snapshot(): ControlState {
    return structuredClone(this.state);
  }

  /** Replaces everything (reset, state import). */
  replace(state: ControlState | undefined): void {
    this.save(state ? structuredClone(state) : ControlStore.initial(this.defaultCompletion));
  }

  /** The completion mode no rule covers, as text; read on every new operation, so not through snapshot()'s copy. */
  completionDefault(): string {
    return this.state.completion.default;
  }

  completionFor(target: CompletionTarget, fallback: CompletionMode): CompletionMode {
    return completionFor(this.state.completion.rules, fallback, target);
  }

  setCompletion(completion: ControlState['completion']): void {
    this.save({ ...this.state, completion });
  }

  newId(kind: 'scenario' | 'fault'): string {
    const created = this.state.created + 1;
    this.save({ ...this.state, created });
    return guidFrom(this.seed, kind, String(created));
  }

  addScenario(scenario: Scenario): void {
    this.save({ ...this.state, scenarios: [...this.state.scenarios.filter((s) => s.id !== scenario.id), scenario] });
  }

  deleteScenario(id: string): boolean {
    const scenarios = this.state.scenarios.filter((s) => s.id !== id);
    const found = scenarios.length !== this.state.scenarios.length;
    this.save({ ...this.state, scenarios });
    return found;
  }

  clearScenarios(): void {
    this.save({ ...this.state, scenarios: [] });
  }

  /** Finds the scenario for an accepted operation and counts one use of it. */
  takeScenario(target: Required<ScenarioMatch>): Scenario | undefined {
    const scenario = findScenario(this.state.scenarios, target);
    if (scenario?.remaining !== undefined) {
      this.save({
        ...this.state,
        scenarios: this.state.scenarios.map((s) => (s.id === scenario.id ? { ...s, remaining: s.remaining! - 1 } : s)),
      });
    }
    return scenario;
  }

  faults(): readonly FaultRule[] {
    return this.state.faults;
  }

  addFault(rule: FaultRule): void {
    this.save({ ...this.state, faults: [...this.state.faults.filter((f) => f.id !== rule.id), rule] });
  }

  updateFaults(updated: readonly FaultRule[]): void {
    if (updated.length === 0) return;
    const byId = new Map(updated.map((rule) => [rule.id, rule]));
    this.save({ ...this.state, faults: this.state.faults.map((rule) => byId.get(rule.id) ?? rule) });
  }

  deleteFault(id: string): boolean {
    const faults = this.state.faults.filter((f) => f.id !== id);
    const found = faults.length !== this.state.faults.length;
    this.save({ ...this.state, faults });
    return found;
  }

  clearFaults(): void {
    this.save({ ...this.state, faults: [] });
  }

  private save(state: ControlState): void {
    this.state = state;
    this.settings.put(SETTING, state);
  }
}
