// assessPatches: the VM's available patches as of the moment the assessment starts, and whether a
// reboot is owed. An assessment installs nothing (wire contract §4 "Assessment").

import type { CataloguePatch, OsFamily } from './catalogue.js';
import { ASSESSMENT_MS } from './plan.js';

export interface AssessPlan {
  kind: 'assessPatches';
  operationId: string;
  osFamily: OsFamily;
  startMs: number;
  durationMs: number;
  available: CataloguePatch[];
  rebootPending: boolean;
  /** Set by a scenario: the status the finished assessment reports. */
  reportedStatus?: 'Succeeded' | 'Failed' | 'CompletedWithWarnings';
  /** Set by a scenario: the operation itself fails, and the envelope carries this error. */
  operationFailure?: { code: string; message: string };
}

export interface AssessInput {
  operationId: string;
  osFamily: OsFamily;
  startMs: number;
  available: CataloguePatch[];
  rebootPending: boolean;
}

export function planAssessment(input: AssessInput): AssessPlan {
  return { kind: 'assessPatches', ...input, durationMs: ASSESSMENT_MS };
}

/** E1 StatusHandler.__new_assessment_summary_json: Critical or Security counts as critical-and-security. */
export function isCriticalOrSecurity(patch: Pick<CataloguePatch, 'classifications'>): boolean {
  return patch.classifications.some((c) => c === 'Critical' || c === 'Security');
}
