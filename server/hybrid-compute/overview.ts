// What the dashboard shows of Arc-enabled servers, beside the VMs of each resource group: the
// agent's status, the OS, the patch settings, what the machine has available now, and its recent
// patch operations. Reading never counts as a status poll; an operation that is due by the clock is
// settled, as a read of its Location URL would.

import { LINUX_CLASSIFICATIONS, WINDOWS_CLASSIFICATIONS, type OsFamily } from '../../simulator/catalogue.js';
import { armTimestamp } from '../../simulator/time-format.js';
import type { EmulatorServices } from '../services.js';
import type { OverviewStore } from '../dashboard/overview-store.js';
import type { ArcMachineOverview, ArcOperationSummary } from '../dashboard/view-model.js';
import type { ArcMachineRecord } from './machine-store.js';
import { AGENT_VERSION, arcOperationKey, patchSettingsOf } from './machines.js';
import { arcPatchTarget } from './patch-targets.js';

/** Bounds of one overview: it is asked for every second. */
export const OVERVIEW_ARC_MACHINE_LIMIT = 100;
const RECENT_OPERATIONS = 5;

const CLASSIFICATIONS: Record<OsFamily, readonly string[]> = { Windows: WINDOWS_CLASSIFICATIONS, Linux: LINUX_CLASSIFICATIONS };

/** Every Arc machine (at most the limit), in subscription, group and name order. */
export function arcMachineOverviews(services: EmulatorServices, store: OverviewStore): { machines: ArcMachineOverview[]; truncated: boolean } {
  const found = services.arcMachines.first(OVERVIEW_ARC_MACHINE_LIMIT + 1);
  const nowMs = services.clock.now();
  const machines = found.slice(0, OVERVIEW_ARC_MACHINE_LIMIT).map((machine) => machineOverview(services, store, machine, nowMs));
  return { machines, truncated: found.length > OVERVIEW_ARC_MACHINE_LIMIT };
}

function machineOverview(services: EmulatorServices, store: OverviewStore, found: ArcMachineRecord, nowMs: number): ArcMachineOverview {
  const key = { subscriptionId: found.subscriptionId, resourceGroup: found.resourceGroup, name: arcOperationKey(found.name) };
  const sinceMs = Date.parse(found.timeCreated);
  // What the platform started by now (maintenance windows, periodic assessment) is shown too.
  services.patchOperations.settleVm(arcPatchTarget(found));
  // A finished operation's line carries its (small) Arc result; a running one is read, which
  // settles it when it is due. The machine is read again after, for what an installation left.
  const operations = store.forVm(key, sinceMs, RECENT_OPERATIONS).map((line): RunFacts => {
    const read = line.status === 'InProgress' ? services.patchOperations.read(line.subscriptionId, line.id) : undefined;
    if (!read) return { ...line, durationMs: 0, result: line.result as ArcResult | null };
    const failure = (read.plan as { operationFailure?: { code: string; message: string } } | undefined)?.operationFailure ?? null;
    const durationMs = (read as { durationMs?: number | null }).durationMs ?? read.plan?.durationMs ?? 0;
    return { ...read, durationMs, failure, result: read.resultJson === null ? null : (JSON.parse(read.resultJson) as ArcResult) };
  });
  const machine = services.arcMachines.get(found.subscriptionId, found.resourceGroup, found.name) ?? found;
  const catalogue = services.catalogues.get(machine.catalogueKey);
  const available = catalogue ? services.patchOperations.available(arcPatchTarget(machine), nowMs) : [];
  const { given, ...settings } = patchSettingsOf(machine);
  return {
    subscriptionId: machine.subscriptionId,
    resourceGroup: machine.resourceGroup,
    name: machine.name,
    location: machine.location,
    osFamily: machine.osFamily,
    osName: catalogue?.osName ?? machine.osFamily,
    image: catalogue?.image ?? machine.catalogueKey,
    status: machine.status,
    lastStatusChange: armTimestamp(Date.parse(machine.lastStatusChange)),
    agentVersion: AGENT_VERSION,
    patchSettings: {
      assessmentMode: String(settings.assessmentMode),
      patchMode: String(settings.patchMode),
      ...(typeof settings.enableHotpatching === 'boolean' ? { enableHotpatching: settings.enableHotpatching } : {}),
      given,
    },
    rebootPending: machine.patchState.rebootPending,
    availablePatchCount: available.length,
    availableByClassification: CLASSIFICATIONS[machine.osFamily].map((classification) => ({
      classification,
      count: available.filter((patch) => patch.classifications.includes(classification)).length,
    })),
    operations: operations.map((operation) => summary(operation, nowMs)),
  };
}

type ArcResult = Record<string, unknown> & { status?: string; availablePatchCountByClassification?: Record<string, number>; errorDetails?: { code: string; message: string } };

/** What a summary is made of: a stored line, or a running operation just read. */
interface RunFacts {
  id: string;
  kind: string;
  status: string;
  startMs: number;
  endMs: number | null;
  durationMs: number;
  result: ArcResult | null;
  failure: { code: string; message: string } | null;
}

function summary(operation: RunFacts, nowMs: number): ArcOperationSummary {
  const { durationMs } = operation;
  const base: ArcOperationSummary = {
    operationId: operation.id,
    kind: operation.kind,
    status: operation.status,
    startTime: armTimestamp(operation.startMs),
    ...(operation.endMs !== null ? { endTime: armTimestamp(operation.endMs) } : {}),
    progress: operation.status !== 'InProgress' ? 1 : durationMs <= 0 ? 0 : Math.min(1, Math.max(0, (nowMs - operation.startMs) / durationMs)),
  };
  if (operation.status === 'InProgress') return { ...base, resultStatus: 'InProgress' };
  const { result, failure } = operation;
  if (result === null) return failure ? { ...base, resultStatus: 'Failed', error: failure } : base;
  const counts = result.availablePatchCountByClassification;
  const pick = <K extends keyof ArcOperationSummary>(name: K) => (result[name] !== undefined ? { [name]: result[name] as ArcOperationSummary[K] } : {});
  return {
    ...base,
    ...(result.status !== undefined ? { resultStatus: result.status } : {}),
    ...pick('installedPatchCount'),
    ...pick('failedPatchCount'),
    ...pick('pendingPatchCount'),
    ...pick('rebootStatus'),
    ...pick('rebootPending'),
    ...pick('patchServiceUsed'),
    ...(counts ? { availablePatchCount: Object.values(counts).reduce((sum, n) => sum + n, 0) } : {}),
    ...(result.errorDetails ? { error: { code: result.errorDetails.code, message: result.errorDetails.message } } : {}),
  };
}
