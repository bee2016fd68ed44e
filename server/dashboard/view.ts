// What the dashboard shows, as the emulator sees it now: the fleet, each VM's available patches,
// and operations with their progress on the plan's timeline. Reading never counts as a status
// poll; it settles, by the clock alone, operations that are due, as a read of the Location URL
// does, so what it shows is what the next poll would see.

import { LINUX_CLASSIFICATIONS, WINDOWS_CLASSIFICATIONS, type CataloguePatch, type OsFamily } from '../../simulator/catalogue.js';
import { errorsAt, patchStatesAt, rebootStatusAt, selectionOfPlanned } from '../../simulator/plan.js';
import { countStates, entryOf, patchOperationError, type AssessPatchesResult, type InstallPatchesResult } from '../../simulator/results.js';
import { installActivityAt, runProgress } from '../../simulator/run-activity.js';
import type { Selection } from '../../simulator/selection.js';
import { armTimestamp } from '../../simulator/time-format.js';
import { startedByOf, type EmulatorOperation } from '../operations/patch-operations.js';
import { patchSettingsOf, platformDutiesOf } from '../patch-settings/settings.js';
import { nextRuns } from '../../simulator/platform-schedule.js';
import { vmResourceId } from '../virtual-machines/resource.js';
import type { EmulatorServices } from '../services.js';
import type { FleetVm, OperationLine, OverviewStore } from './overview-store.js';
import { arcMachineOverviews } from '../hybrid-compute/overview.js';
import type { ArcMachineOverview, ClassificationCount, Inventory, OperationDetail, OperationSummary, Overview, PatchLine, ResultSummary, VmOverview } from './view-model.js';

/** Bounds of what one overview carries; a dashboard asks for it every second. */
export const OVERVIEW_VM_LIMIT = 100;
export const OVERVIEW_GROUP_LIMIT = 500;
/**
 * A VM's newest operations looked at for its inventory, to settle those that are due: a power
 * action runs beside a patch run, so the latest may not be the only one running. The overview looks
 * at each VM's latest only (reading an operation reads its whole plan and result); the chosen VM's
 * list of runs settles the others.
 */
const VM_RECENT_OPERATIONS = 3;
export const OPERATION_LIST_DEFAULT = 20;
export const OPERATION_LIST_MAX = 200;

const SELECTION_RANK: Record<Selection, number> = { Selected: 0, Excluded: 1, NotSelected: 2 };
const CLASSIFICATIONS: Record<OsFamily, readonly string[]> = { Windows: WINDOWS_CLASSIFICATIONS, Linux: LINUX_CLASSIFICATIONS };

export class DashboardView {
  /** Built with the other stores, in server/services.ts (the composition root). */
  private readonly store: OverviewStore;

  constructor(private readonly services: EmulatorServices) {
    this.store = services.overview;
  }

  overview(): Overview {
    const settled = new Map<string, EmulatorOperation>();
    let vms = this.store.vms(OVERVIEW_VM_LIMIT + 1);
    if (this.catchUp(vms)) vms = this.store.vms(OVERVIEW_VM_LIMIT + 1);
    let vmLines = vms.map((vm) => this.store.forVm(vm, Date.parse(vm.timeCreated), 1));
    // Whatever finished on the clock changed its VM: read the fleet again after settling it.
    if (this.settle(vmLines.flat(), settled)) {
      vms = this.store.vms(OVERVIEW_VM_LIMIT + 1);
      vmLines = vms.map((vm) => this.store.forVm(vm, Date.parse(vm.timeCreated), 1));
    }
    const nowMs = this.services.clock.now();
    const shown = vms.slice(0, OVERVIEW_VM_LIMIT);
    const subscriptions = new Map<string, Map<string, { name: string; location: string; virtualMachines: VmOverview[]; arcMachines: ArcMachineOverview[] }>>();
    const groupOf = (subscriptionId: string, name: string, location: string) => {
      const groups = subscriptions.get(subscriptionId) ?? new Map();
      subscriptions.set(subscriptionId, groups);
      const key = name.toLowerCase();
      if (!groups.has(key)) groups.set(key, { name, location, virtualMachines: [], arcMachines: [] });
      return groups.get(key)!;
    };
    for (const group of this.store.groups(OVERVIEW_GROUP_LIMIT)) groupOf(group.subscriptionId, group.name, group.location);
    shown.forEach((vm, i) => {
      const group = groupOf(vm.subscriptionId, vm.resourceGroup, vm.location);
      const latest = vmLines[i]![0];
      group.virtualMachines.push({ ...this.vmFacts(vm, nowMs), latestOperation: latest ? this.summary(latest, settled, nowMs) : null });
    });
    // Arc-enabled servers beside the VMs of their group (server/hybrid-compute/overview.ts).
    const arc = arcMachineOverviews(this.services, this.store);
    for (const machine of arc.machines) groupOf(machine.subscriptionId, machine.resourceGroup, machine.location).arcMachines.push(machine);
    const { speed, frozen } = this.services.clock.snapshot();
    const control = this.services.control.snapshot();
    return {
      clock: { now: armTimestamp(nowMs), speed, frozen },
      completion: { default: control.completion.default, rules: control.completion.rules.length },
      scenarios: control.scenarios.length,
      faults: control.faults.length,
      subscriptions: [...subscriptions].map(([subscriptionId, groups]) => ({ subscriptionId, resourceGroups: [...groups.values()] })),
      truncated: vms.length > OVERVIEW_VM_LIMIT || arc.truncated,
    };
  }

  /** A VM's operations since it was created, newest first; undefined when there is no such VM. */
  operations(subscriptionId: string, resourceGroup: string, vmName: string, limit: number): OperationSummary[] | undefined {
    const found = this.services.resources.getVirtualMachine(subscriptionId, resourceGroup, vmName);
    if (!found) return undefined;
    const vm = this.catchUp([found]) ? (this.services.resources.getVirtualMachine(subscriptionId, resourceGroup, vmName) ?? found) : found;
    const settled = new Map<string, EmulatorOperation>();
    let lines = this.store.forVm(vm, Date.parse(vm.timeCreated), limit);
    if (this.settle(lines, settled)) lines = this.store.forVm(vm, Date.parse(vm.timeCreated), limit);
    const nowMs = this.services.clock.now();
    return lines.map((line) => this.summary(line, settled, nowMs));
  }

  /** One operation with every patch's state now. */
  operation(subscriptionId: string, operationId: string): OperationDetail | undefined {
    const operation = this.services.patchOperations.readWithPlan(subscriptionId, operationId);
    if (!operation) return undefined;
    const nowMs = this.services.clock.now();
    const vm = this.services.resources.getVirtualMachine(operation.subscriptionId, operation.resourceGroup, operation.vmName);
    const names = { resourceGroup: vm?.resourceGroup ?? operation.resourceGroup, vmName: vm?.name ?? operation.vmName };
    const summary = { ...this.liveSummary(operation, nowMs), ...names };
    const plannedEndTime = armTimestamp(operation.startMs + operation.plan.durationMs);
    if (operation.plan.kind === 'installPatches') {
      const plan = operation.plan;
      const lookup = this.services.patchOperations.lookupFor(plan);
      const result = parsed<InstallPatchesResult>(operation.resultJson);
      const elapsedMs = Math.min(Math.max(0, nowMs - plan.startMs), plan.durationMs);
      // An Arc machine's result has no patch list (simulator/arc-results.ts): the plan gives the states.
      const finalStates = new Map(result?.patches?.map((p) => [p.patchId, p.installationState]));
      const liveStates = patchStatesAt(plan, result && !result.patches ? plan.durationMs : elapsedMs);
      // An operation-level failure installed nothing and has no result to list.
      const patches =
        operation.status === 'Failed' && result === null
          ? []
          : plan.patches
              .map((p, i) => ({
                rank: SELECTION_RANK[selectionOfPlanned(p)],
                line: patchLine(entryOf(lookup, p.patchId), plan.osFamily, operation.status === 'InProgress' ? liveStates[i]! : (finalStates.get(p.patchId) ?? liveStates[i]!)),
              }))
              .sort((a, b) => a.rank - b.rank)
              .map(({ line }) => line);
      const errorDetails = operation.status === 'InProgress' ? errorsAt(plan, elapsedMs).reverse() : (result?.error?.details ?? arcErrorDetails(operation.resultJson));
      return { ...summary, plannedEndTime, patches, errorDetails };
    }
    if (operation.plan.kind === 'assessPatches') {
      const osFamily = operation.plan.osFamily;
      const result = parsed<AssessPatchesResult>(operation.resultJson);
      const patches = (result?.availablePatches ?? []).map((p) => patchLine(p, osFamily, 'Available'));
      return { ...summary, plannedEndTime, patches, errorDetails: result?.error?.details ?? arcErrorDetails(operation.resultJson) };
    }
    return { ...summary, plannedEndTime, patches: [], errorDetails: [] };
  }

  /** What the VM has available now, by classification and patch by patch. */
  inventory(subscriptionId: string, resourceGroup: string, vmName: string): Inventory | undefined {
    const found = this.services.resources.getVirtualMachine(subscriptionId, resourceGroup, vmName);
    if (!found) return undefined;
    const finished = this.settle(this.store.forVm(found, Date.parse(found.timeCreated), VM_RECENT_OPERATIONS), new Map());
    const vm = finished ? (this.services.resources.getVirtualMachine(subscriptionId, resourceGroup, vmName) ?? found) : found;
    const nowMs = this.services.clock.now();
    const available = this.available(vm, nowMs);
    return {
      subscriptionId: vm.subscriptionId,
      resourceGroup: vm.resourceGroup,
      vmName: vm.name,
      osFamily: vm.osFamily,
      asOf: armTimestamp(nowMs),
      availablePatchCount: available.length,
      byClassification: byClassification(vm.osFamily, available),
      patches: available.map((patch) => {
        const { installationState: _state, ...line } = patchLine(patch, vm.osFamily, 'Available');
        return { ...line, rebootBehavior: patch.rebootBehavior, publishedDate: armTimestamp(Date.parse(patch.publishedDate)) };
      }),
    };
  }

  /**
   * Starts the platform's runs that fell due on VMs with an automatic mode (as any look at a VM
   * through ARM does), so the dashboard lists them; true when a VM had one.
   */
  private catchUp(vms: Array<Pick<FleetVm, 'subscriptionId' | 'resourceGroup' | 'name' | 'osFamily' | 'definition'>>): boolean {
    let any = false;
    for (const fleetVm of vms) {
      const duties = platformDutiesOf(fleetVm);
      if (!duties.assessment && !duties.installation) continue;
      const vm = this.services.resources.getVirtualMachine(fleetVm.subscriptionId, fleetVm.resourceGroup, fleetVm.name);
      if (vm) {
        this.services.patchOperations.settleVm(vm);
        any = true;
      }
    }
    return any;
  }

  /** The inventory as installPatches sees it; an image without a catalogue shows none. */
  private available(vm: FleetVm, nowMs: number): CataloguePatch[] {
    return this.services.catalogues.has(vm.catalogueKey) ? this.services.patchOperations.available(vm, nowMs) : [];
  }

  private vmFacts(vm: FleetVm, nowMs: number): Omit<VmOverview, 'latestOperation'> {
    const catalogue = this.services.catalogues.get(vm.catalogueKey);
    const available = this.available(vm, nowMs);
    return {
      subscriptionId: vm.subscriptionId,
      resourceGroup: vm.resourceGroup,
      name: vm.name,
      location: vm.location,
      osFamily: vm.osFamily,
      osName: catalogue?.osName ?? vm.osFamily,
      image: catalogue?.image ?? vm.catalogueKey,
      powerState: vm.powerState,
      rebootPending: vm.patchState.rebootPending,
      availablePatchCount: available.length,
      availableByClassification: byClassification(vm.osFamily, available),
      patchSettings: this.patchSettings(vm, nowMs),
    };
  }

  private patchSettings(vm: FleetVm, nowMs: number): VmOverview['patchSettings'] {
    const settings = patchSettingsOf(vm);
    const next = nextRuns({
      seed: this.services.seed,
      vmKey: vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name).toLowerCase(),
      location: vm.location,
      duties: platformDutiesOf(vm),
      sinceMs: Date.parse(vm.timeCreated),
      marks: vm.patchState.platform ?? {},
      nowMs,
    });
    return {
      patchMode: settings.patchMode,
      assessmentMode: settings.assessmentMode,
      ...(vm.osFamily === 'Windows' ? { enableHotpatching: settings.enableHotpatching } : {}),
      rebootSetting: settings.rebootSetting,
      bypassPlatformSafetyChecksOnUserSchedule: settings.bypassPlatformSafetyChecksOnUserSchedule,
      ...(next.assessment !== undefined ? { nextPlatformAssessment: armTimestamp(next.assessment) } : {}),
      ...(next.installation !== undefined ? { nextPlatformInstallation: armTimestamp(next.installation) } : {}),
    };
  }

  /**
   * Settles the running operations among `lines`, oldest first, by the clock alone (never as a
   * status poll); remembers each as read. True when one of them reached its end just now.
   */
  private settle(lines: OperationLine[], settled: Map<string, EmulatorOperation>): boolean {
    let finished = false;
    for (const line of [...lines].reverse()) {
      if (line.status !== 'InProgress' || settled.has(operationKey(line))) continue;
      const operation = this.services.patchOperations.readWithPlan(line.subscriptionId, line.id);
      if (!operation) continue;
      settled.set(operationKey(line), operation);
      if (operation.status !== 'InProgress') finished = true;
    }
    return finished;
  }

  private summary(line: OperationLine, settled: Map<string, EmulatorOperation>, nowMs: number): OperationSummary {
    const names = { resourceGroup: line.resourceGroup, vmName: line.vmName };
    const running = line.status === 'InProgress' ? settled.get(operationKey(line)) : undefined;
    if (running) return { ...this.liveSummary(running, nowMs), ...names };
    return {
      subscriptionId: line.subscriptionId,
      operationId: line.id,
      kind: line.kind,
      ...names,
      status: line.status,
      completion: line.completion,
      statusPolls: line.statusPolls,
      startedBy: line.startedBy,
      startTime: armTimestamp(line.startMs),
      ...(line.endMs !== null ? { endTime: armTimestamp(line.endMs) } : {}),
      progress: line.status === 'InProgress' ? 0 : 1,
      ...(line.result ? resultFields(line.result) : {}),
      ...(line.failure ? { resultStatus: 'Failed', error: line.failure } : {}),
    };
  }

  /** The summary of a whole operation record: a running one's numbers come from its plan and the clock. */
  private liveSummary(operation: EmulatorOperation, nowMs: number): OperationSummary {
    const base = {
      subscriptionId: operation.subscriptionId,
      operationId: operation.id,
      kind: operation.kind,
      resourceGroup: operation.resourceGroup,
      vmName: operation.vmName,
      status: operation.status,
      completion: operation.completion,
      statusPolls: operation.statusPolls,
      startedBy: startedByOf(operation),
      startTime: armTimestamp(operation.startMs),
      ...(operation.endMs !== null ? { endTime: armTimestamp(operation.endMs) } : {}),
    };
    if (operation.status !== 'InProgress') {
      const failure = (operation.plan as { operationFailure?: { code: string; message: string } }).operationFailure;
      const result = parsed<InstallPatchesResult | AssessPatchesResult>(operation.resultJson);
      return {
        ...base,
        progress: 1,
        ...(result ? resultFields(result) : {}),
        ...(failure && result === null ? { resultStatus: 'Failed', error: failure } : {}),
      };
    }
    const plan = operation.plan;
    const progress = runProgress(plan, nowMs);
    if (plan.kind === 'installPatches') {
      const elapsedMs = Math.min(Math.max(0, nowMs - plan.startMs), plan.durationMs);
      const counts = countStates(patchStatesAt(plan, elapsedMs).map((installationState) => ({ installationState })));
      const activity = installActivityAt(plan, elapsedMs);
      const patchName = activity.patchId === undefined ? undefined : this.services.patchOperations.lookupFor(plan)(activity.patchId)?.name;
      const error = patchOperationError(plan.osFamily, errorsAt(plan, elapsedMs));
      return {
        ...base,
        resultStatus: 'InProgress',
        progress,
        activity: { ...activity, ...(patchName !== undefined ? { patchName } : {}) },
        rebootStatus: rebootStatusAt(plan, elapsedMs),
        maintenanceWindowExceeded: plan.windowExceededAtMs !== undefined && plan.windowExceededAtMs <= elapsedMs,
        ...counts,
        error: { code: error.code, message: error.message },
      };
    }
    if (plan.kind === 'assessPatches') {
      return { ...base, resultStatus: 'InProgress', progress, activity: { phase: progress < 1 ? 'Assessing' : 'Done' } };
    }
    return { ...base, progress };
  }
}

const parsed = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

/** The run's errors in an Arc result (its `errorDetails.details`), or none. */
const arcErrorDetails = (json: string | null): Array<{ code: string; message: string }> =>
  parsed<{ errorDetails?: { details?: Array<{ code: string; message: string }> } }>(json)?.errorDetails?.details ?? [];

const operationKey = (line: { subscriptionId: string; id: string }) => `${line.subscriptionId.toLowerCase()}/${line.id.toLowerCase()}`;

function resultFields(result: ResultSummary | InstallPatchesResult | AssessPatchesResult): Partial<OperationSummary> {
  const r = result as ResultSummary;
  // An Arc machine's result carries `errorDetails`, and only when something went wrong.
  const error = r.error ?? (r as { errorDetails?: { code: string; message: string } }).errorDetails;
  const fields: Partial<OperationSummary> = { resultStatus: r.status, ...(error ? { error: { code: error.code, message: error.message } } : {}) };
  for (const key of [
    'rebootStatus',
    'maintenanceWindowExceeded',
    'installedPatchCount',
    'failedPatchCount',
    'pendingPatchCount',
    'excludedPatchCount',
    'notSelectedPatchCount',
    'criticalAndSecurityPatchCount',
    'otherPatchCount',
  ] as const) {
    if (r[key] !== undefined && r[key] !== null) (fields as Record<string, unknown>)[key] = r[key];
  }
  return fields;
}

function patchLine(
  patch: Pick<CataloguePatch, 'patchId' | 'name' | 'kbId' | 'version' | 'classifications' | 'msrcSeverity'>,
  osFamily: OsFamily,
  installationState: PatchLine['installationState'],
): PatchLine {
  return {
    patchId: patch.patchId,
    name: patch.name,
    ...(osFamily === 'Windows' ? { kbId: patch.kbId ?? '' } : { version: patch.version ?? '' }),
    classifications: patch.classifications,
    ...(patch.msrcSeverity ? { msrcSeverity: patch.msrcSeverity } : {}),
    installationState,
  };
}

/** Counts per classification, in the API's order for the OS family; a patch counts under each of its classifications. */
function byClassification(osFamily: OsFamily, patches: CataloguePatch[]): ClassificationCount[] {
  return CLASSIFICATIONS[osFamily].map((classification) => ({
    classification,
    count: patches.filter((p) => p.classifications.includes(classification)).length,
  }));
}
