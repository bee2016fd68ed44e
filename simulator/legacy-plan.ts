// Plans stored by the first release (state documents of version 1, databases before schema 4)
// copied every catalogue entry into the plan. They become compact plans that carry those entries
// as their own (`entries`), so their results read exactly as they did, whatever the catalogues
// hold now.

import type { AssessPlan } from './assessment.js';
import type { CataloguePatch } from './catalogue.js';
import type { InstallationState, InstallPlan, PlannedPatch } from './plan.js';

/** The catalogue version the first release's entries belong to (its files had no version). */
export const LEGACY_CATALOGUE_VERSION = 1;

type LegacyEntry = Omit<CataloguePatch, 'installSeconds'> & { installMinutes?: number; installSeconds?: number };

interface LegacyPlannedPatch {
  patch: LegacyEntry;
  selection?: string;
  state: InstallationState;
  startOffsetMs?: number;
  endOffsetMs?: number;
  requestsReboot?: boolean;
}

function entry(legacy: LegacyEntry): CataloguePatch {
  const { installMinutes, installSeconds, ...rest } = legacy;
  return { ...rest, installSeconds: installSeconds ?? Math.round((installMinutes ?? 0) * 60) };
}

/** Whether a stored plan is in the first release's shape. */
export function isLegacyPlan(plan: unknown): boolean {
  const p = plan as { kind?: unknown; patches?: unknown; available?: unknown } | null;
  if (!p || typeof p !== 'object') return false;
  if (p.kind === 'installPatches') return Array.isArray(p.patches) && p.patches.some((x) => typeof x === 'object' && x !== null && 'patch' in x);
  if (p.kind === 'assessPatches') return Array.isArray(p.available);
  return false;
}

/**
 * The plan in today's shape; a plan already in it is returned as it is. `catalogueKey` is the
 * catalogue of the operation's VM where known (the first release's rows did not name it).
 */
export function upgradeLegacyPlan<P>(plan: P, catalogueKey: string): P {
  if (!isLegacyPlan(plan)) return plan;
  const catalogue = { key: catalogueKey, version: LEGACY_CATALOGUE_VERSION };
  const legacy = plan as unknown as { kind: string };
  if (legacy.kind === 'installPatches') {
    const { patches, ...rest } = plan as unknown as Omit<InstallPlan, 'patches'> & { patches: LegacyPlannedPatch[] };
    const compact: PlannedPatch[] = patches.map((p) => ({
      patchId: p.patch.patchId,
      state: p.state,
      ...(p.startOffsetMs !== undefined ? { startOffsetMs: p.startOffsetMs } : {}),
      ...(p.endOffsetMs !== undefined ? { endOffsetMs: p.endOffsetMs } : {}),
      ...(p.requestsReboot ? { requestsReboot: true } : {}),
    }));
    const upgraded: InstallPlan = {
      ...rest,
      // The first release did not keep the request; the reboot setting is all the plan knew of it.
      parameters: rest.parameters ?? { rebootSetting: rest.rebootSetting },
      catalogue,
      patches: compact,
      entries: patches.map((p) => entry(p.patch)),
    };
    return upgraded as unknown as P;
  }
  const { available, ...rest } = plan as unknown as Omit<AssessPlan, 'availablePatchIds' | 'catalogue'> & { available: LegacyEntry[] };
  const upgraded: AssessPlan = { ...rest, catalogue, availablePatchIds: available.map((p) => p.patchId), entries: available.map(entry) };
  return upgraded as unknown as P;
}
