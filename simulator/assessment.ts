// assessPatches: the VM's available patches as of the moment the assessment starts, and whether a
// reboot is owed. An assessment installs nothing. The plan keeps the ids it found and the catalogue
// version they belong to; the result looks the entries up when the assessment ends.

import type { CatalogueRef, CataloguePatch, OsFamily } from './catalogue.js';
import { ASSESSMENT_MS } from './plan.js';

export interface AssessPlan {
  kind: 'assessPatches';
  operationId: string;
  osFamily: OsFamily;
  startMs: number;
  durationMs: number;
  catalogue: CatalogueRef;
  availablePatchIds: string[];
  rebootPending: boolean;
  /** Set by a scenario: the status the finished assessment reports. */
  reportedStatus?: 'Succeeded' | 'Failed' | 'CompletedWithWarnings';
  /** Set by a scenario: the operation itself fails, and the envelope carries this error. */
  operationFailure?: { code: string; message: string };
  /** Entries no catalogue version holds, carried by the plan itself (plans stored before catalogues had versions). */
  entries?: CataloguePatch[];
}

export interface AssessInput {
  operationId: string;
  osFamily: OsFamily;
  startMs: number;
  catalogue: CatalogueRef;
  available: readonly CataloguePatch[];
  rebootPending: boolean;
}

export function planAssessment(input: AssessInput): AssessPlan {
  const { available, ...rest } = input;
  return { kind: 'assessPatches', ...rest, availablePatchIds: available.map((patch) => patch.patchId), durationMs: ASSESSMENT_MS };
}

/**
 * Critical or Security counts as critical-and-security (LinuxPatchExtension
 * src/core/src/service_interfaces/StatusHandler.py, __new_assessment_summary_json).
 */
export function isCriticalOrSecurity(patch: Pick<CataloguePatch, 'classifications'>): boolean {
  return patch.classifications.some((c) => c === 'Critical' || c === 'Security');
}
