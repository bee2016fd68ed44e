// When the platform patches or assesses a VM by itself (docs/simulation.md#what-the-platform-does-by-itself):
// a pure function of the seed, the VM, what it last ran and the simulated now.
//
// - Automatic assessment (`assessmentMode: AutomaticByPlatform`): every 24 simulated hours, counted
//   from when the mode was switched on (or the VM created with it), as auto-patching and
//   assessment-options say ("every 24 hours").
// - Automatic patching (`patchMode: AutomaticByPlatform`, no bypass): one rollout a month. The
//   monthly release is the second Tuesday (Microsoft's monthly security release); the VM's rollout
//   falls on a seeded day 0-20 after it (auto-patching: installed within 30 days of the release),
//   in the VM's off-peak hours: a seeded start between 22:00 and 03:00 local time (the off-peak
//   window is the emulator's choice: no public source gives one), local time being the region's
//   standard offset from UTC.
// A clock advanced far past a VM's last run starts only its newest runs (MAX_*_PER_CATCH_UP): the
// rest are skipped, so a jump of a century costs no more than a jump of a week.

import { unitDraw } from './random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const ASSESSMENT_PERIOD_MS = DAY;
/** Newest runs started at one catch-up: a week of assessments, two monthly rollouts. */
export const MAX_ASSESSMENTS_PER_CATCH_UP = 7;
export const MAX_INSTALLATIONS_PER_CATCH_UP = 2;
/** Off-peak hours, local time: from 22:00, a run starts within five hours (it may run to 06:00). */
export const OFF_PEAK_START_HOUR = 22;
export const OFF_PEAK_START_SPREAD_HOURS = 5;
/** The rollout day is drawn from the 21 days that follow the monthly release. */
export const ROLLOUT_SPREAD_DAYS = 21;

/** Where a VM's platform runs stand: the time each next run is counted from. */
export interface PlatformMarks {
  /** The last automatic assessment's due time, or when the mode was switched on. */
  assessedMs?: number;
  /** The last automatic rollout's due time, or when the mode was switched on. */
  installedMs?: number;
}

export type PlatformRunKind = 'assessPatches' | 'installPatches';

export interface DueRun {
  kind: PlatformRunKind;
  dueMs: number;
}

export interface ScheduleInput {
  seed: string;
  /** The VM's resource id in lower case: the draws are the VM's own. */
  vmKey: string;
  location: string;
  duties: { assessment: boolean; installation: boolean };
  /** Counted from when a mark is absent (the VM's creation). */
  sinceMs: number;
  marks: PlatformMarks;
  nowMs: number;
}

/**
 * Regions' standard offsets from UTC in minutes (daylight saving left out): the local time the
 * off-peak window is counted in. A region not listed counts in UTC.
 */
const REGION_OFFSET_MINUTES: Record<string, number> = {
  eastus: -300, eastus2: -300, westus: -480, westus2: -480, westus3: -420, centralus: -360, northcentralus: -360,
  southcentralus: -360, westcentralus: -420, canadacentral: -300, brazilsouth: -180, northeurope: 0, westeurope: 60,
  uksouth: 0, ukwest: 0, francecentral: 60, germanywestcentral: 60, swedencentral: 60, switzerlandnorth: 60,
  norwayeast: 60, eastasia: 480, southeastasia: 480, japaneast: 540, japanwest: 540, koreacentral: 540,
  centralindia: 330, australiaeast: 600, australiasoutheast: 600, southafricanorth: 120, uaenorth: 240,
};

export const regionOffsetMinutes = (location: string) => REGION_OFFSET_MINUTES[location.toLowerCase()] ?? 0;

/** The second Tuesday of a month (UTC midnight): the monthly release. */
export function monthlyReleaseMs(year: number, month: number): number {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  const firstTuesday = 1 + ((2 - first + 7) % 7);
  return Date.UTC(year, month, firstTuesday + 7);
}

/** The VM's rollout of a month's release: a seeded day after it, a seeded start in off-peak hours. */
export function rolloutMs(seed: string, vmKey: string, location: string, year: number, month: number): number {
  const release = monthlyReleaseMs(year, month);
  const tag = `${year}-${month + 1}`;
  const day = Math.floor(unitDraw(seed, 'platform-rollout-day', vmKey, tag) * ROLLOUT_SPREAD_DAYS);
  const startMinutes = Math.floor(unitDraw(seed, 'platform-rollout-time', vmKey, tag) * OFF_PEAK_START_SPREAD_HOURS * 60);
  // 22:00 local on the rollout day, as UTC.
  return release + day * DAY + OFF_PEAK_START_HOUR * HOUR + startMinutes * 60_000 - regionOffsetMinutes(location) * 60_000;
}

/** Assessments due in (fromMs, nowMs], newest MAX_ASSESSMENTS_PER_CATCH_UP only. */
function dueAssessments(fromMs: number, nowMs: number): { runs: number[]; lastMs: number } {
  const periods = Math.floor((nowMs - fromMs) / ASSESSMENT_PERIOD_MS);
  if (periods < 1) return { runs: [], lastMs: fromMs };
  const first = Math.max(1, periods - MAX_ASSESSMENTS_PER_CATCH_UP + 1);
  const runs: number[] = [];
  for (let k = first; k <= periods; k++) runs.push(fromMs + k * ASSESSMENT_PERIOD_MS);
  return { runs, lastMs: fromMs + periods * ASSESSMENT_PERIOD_MS };
}

/** Rollouts due in (fromMs, nowMs], newest MAX_INSTALLATIONS_PER_CATCH_UP only, oldest first. */
function dueRollouts(input: ScheduleInput, fromMs: number): number[] {
  const runs: number[] = [];
  const now = new Date(input.nowMs);
  let year = now.getUTCFullYear();
  let month = now.getUTCMonth();
  // A month's rollout is at most ~23 days after its first day: months starting before fromMs - 31 days are over.
  while (runs.length < MAX_INSTALLATIONS_PER_CATCH_UP && Date.UTC(year, month, 1) > fromMs - 31 * DAY) {
    const at = rolloutMs(input.seed, input.vmKey, input.location, year, month);
    if (at > fromMs && at <= input.nowMs) runs.push(at);
    month -= 1;
    if (month < 0) {
      month = 11;
      year -= 1;
    }
  }
  return runs.reverse();
}

/**
 * The platform's runs that fell due up to now, oldest first, and the marks to keep once they are
 * started. Nothing is due (and the marks come back unchanged) when the VM has no automatic duty.
 */
export function dueRuns(input: ScheduleInput): { runs: DueRun[]; marks: PlatformMarks } {
  const runs: DueRun[] = [];
  const marks: PlatformMarks = {};
  if (input.duties.assessment) {
    const from = input.marks.assessedMs ?? input.sinceMs;
    const due = dueAssessments(from, input.nowMs);
    runs.push(...due.runs.map((dueMs) => ({ kind: 'assessPatches' as const, dueMs })));
    marks.assessedMs = due.lastMs;
  }
  if (input.duties.installation) {
    const from = input.marks.installedMs ?? input.sinceMs;
    const due = dueRollouts(input, from);
    runs.push(...due.map((dueMs) => ({ kind: 'installPatches' as const, dueMs })));
    // Past runs skipped by the bound count as done: the next is counted from now.
    marks.installedMs = due.length > 0 ? due[due.length - 1]! : from;
  }
  runs.sort((a, b) => a.dueMs - b.dueMs || (a.kind === b.kind ? 0 : a.kind === 'assessPatches' ? -1 : 1));
  return { runs, marks };
}

/** The next run of each duty after now (for the dashboard). */
export function nextRuns(input: ScheduleInput): { assessment?: number; installation?: number } {
  const out: { assessment?: number; installation?: number } = {};
  if (input.duties.assessment) {
    const from = input.marks.assessedMs ?? input.sinceMs;
    out.assessment = from + (Math.floor((input.nowMs - from) / ASSESSMENT_PERIOD_MS) + 1) * ASSESSMENT_PERIOD_MS;
  }
  if (input.duties.installation) {
    const now = new Date(input.nowMs);
    for (let step = 0; step < 3 && out.installation === undefined; step++) {
      const year = now.getUTCFullYear() + Math.floor((now.getUTCMonth() + step) / 12);
      const month = (now.getUTCMonth() + step) % 12;
      const at = rolloutMs(input.seed, input.vmKey, input.location, year, month);
      if (at > input.nowMs) out.installation = at;
    }
  }
  return out;
}
