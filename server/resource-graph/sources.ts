// Where Resource Graph's patch tables get their rows: "machines and their operations". The emulator's
// Compute VMs are one source (below); Arc-enabled servers (Microsoft.HybridCompute/machines) and
// maintenance runs plug in as further sources of the same shapes (server/resource-graph/service.ts).

import type { OsFamily } from '../../simulator/catalogue.js';
import type { InstallPlan } from '../../simulator/plan.js';
import { installResultAt } from '../../simulator/results.js';
import { startedByOf, type PatchOperations } from '../patch-operations.js';
import type { OperationRecord, OperationStore } from '../store/operation-store.js';
import type { ResourceStore, VirtualMachineRecord } from '../store/resource-store.js';
import { vmResourceId, virtualMachineResource } from '../virtual-machines.js';

/** One patch as a machine's assessment or installation reports it, with its catalogue facts. */
export interface PatchFacts {
  patchId: string;
  name: string;
  kbId?: string;
  version?: string;
  classifications: string[];
  msrcSeverity?: string;
  rebootBehavior?: string;
  /** Null for Linux packages (um-query-logs: `publishedDateTime` is null for Linux). */
  publishedMs: number | null;
}

export interface ErrorDetails {
  code: string;
  message: string;
  details: unknown[];
}

export interface MachineAssessment {
  activityId: string;
  status: string;
  startMs: number;
  endMs: number;
  startedBy: 'User' | 'Platform';
  rebootPending: boolean;
  errorDetails: ErrorDetails;
  patches: PatchFacts[];
}

export interface MachineInstallation {
  activityId: string;
  status: string;
  startMs: number;
  endMs: number;
  startedBy: 'User' | 'Platform';
  rebootStatus: string;
  maintenanceWindowExceeded: boolean;
  maintenanceRunId: string | null;
  errorDetails: ErrorDetails;
  patches: Array<PatchFacts & { installationState: string }>;
}

/** A machine in scope: its ARM identity and what it reported, newest data already settled. */
export interface PatchMachine {
  /** The resource id as ARM spells it: .../providers/Microsoft.Compute/virtualMachines/{name}. */
  id: string;
  /** Lower case, as ARG writes types: microsoft.compute/virtualmachines, microsoft.hybridcompute/machines. */
  type: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  osType: OsFamily;
  /** WU (Windows), APT, YUM or Zypper. */
  patchServiceUsed: string;
  /**
   * Its newest finished assessment, and its finished installations, oldest first: read when a
   * query first needs them (a query over `resources` alone reads no operation).
   */
  latestAssessment(): MachineAssessment | undefined;
  installations(): MachineInstallation[];
  /** Its `properties` in the `resources` table. */
  resourceProperties: Record<string, unknown>;
  tags: Record<string, string>;
}

export interface MachineSource {
  /** The machines of these (lower-case) subscriptions, each settled so that its data is current. */
  machines(subscriptionIds: ReadonlySet<string>): PatchMachine[];
}

/** A record of `maintenanceresources` (applyupdates runs, configuration assignments), built by its owner. */
export interface MaintenanceRecord {
  id: string;
  name: string;
  type: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  properties: Record<string, unknown>;
}

export interface MaintenanceSource {
  records(subscriptionIds: ReadonlySet<string>): MaintenanceRecord[];
}

/** The patch service a machine's OS uses (um-query-logs): Windows Update, or the distribution's package manager. */
export function patchServiceFor(osType: OsFamily, catalogueKey: string): string {
  if (osType === 'Windows') return 'WU';
  const key = catalogueKey.toLowerCase();
  if (key.startsWith('rhel') || key.startsWith('centos') || key.startsWith('oracle') || key.startsWith('alma') || key.startsWith('rocky')) return 'YUM';
  if (key.startsWith('sles') || key.startsWith('suse')) return 'Zypper';
  return 'APT';
}

interface StoredPatch {
  patchId: string;
  name: string;
  kbId?: string;
  kbid?: string;
  version?: string;
  classifications?: string[];
  msrcSeverity?: string;
  installationState?: string;
}

/** The Compute VMs of the emulator's store, with their stored patch operations. */
export class ComputeMachineSource implements MachineSource {
  constructor(
    private readonly resources: ResourceStore,
    private readonly operations: OperationStore,
    private readonly patchOperations: PatchOperations,
    private readonly newestComputeApiVersion: string,
    /** The simulated clock's now: where a running installation stands. */
    private readonly now: () => number,
  ) {}

  machines(subscriptionIds: ReadonlySet<string>): PatchMachine[] {
    const machines: PatchMachine[] = [];
    for (const subscriptionId of subscriptionIds) {
      for (const group of this.resources.listResourceGroups(subscriptionId)) {
        for (const vm of this.resources.listVirtualMachines(subscriptionId, group.name)) machines.push(this.machine(vm));
      }
    }
    return machines;
  }

  private machine(vm: VirtualMachineRecord): PatchMachine {
    // Settled first, so that a run that is due has its result (nothing runs in the background).
    this.patchOperations.settleVm(vm);
    const sinceMs = Date.parse(vm.timeCreated);
    const done = (operation: OperationRecord): boolean =>
      operation.startMs >= sinceMs && operation.status !== 'InProgress' && operation.resultJson !== null && operation.endMs !== null;
    const finished = (operation: OperationRecord | undefined): operation is OperationRecord => operation !== undefined && done(operation);
    let installations: MachineInstallation[] | undefined;
    const resource = virtualMachineResource(vm, vm.subscriptionId, this.newestComputeApiVersion);
    return {
      id: vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name),
      type: 'microsoft.compute/virtualmachines',
      name: vm.name,
      subscriptionId: vm.subscriptionId,
      resourceGroup: vm.resourceGroup,
      location: vm.location,
      osType: vm.osFamily,
      patchServiceUsed: patchServiceFor(vm.osFamily, vm.catalogueKey),
      latestAssessment: () => {
        // The newest assessment through the store's index; when it is still running (or failed
        // without a result), the newest finished one from the VM's history.
        const latest = this.operations.latestForVm(vm, 'assessPatches', sinceMs);
        if (finished(latest)) return this.assessment(latest);
        if (latest === undefined) return undefined;
        const earlier = this.operations.listForVm(vm.subscriptionId, vm.resourceGroup, vm.name).filter((o) => o.kind === 'assessPatches' && finished(o));
        const last = earlier.at(-1);
        return last ? this.assessment(last) : undefined;
      },
      installations: () =>
        (installations ??= this.operations
          .listForVm(vm.subscriptionId, vm.resourceGroup, vm.name)
          .filter((operation) => operation.kind === 'installPatches' && operation.startMs >= sinceMs)
          .flatMap((operation) => {
            if (done(operation)) return [this.installation(operation)];
            return operation.status === 'InProgress' ? [this.runningInstallation(operation)] : [];
          })),
      resourceProperties: (resource.properties as Record<string, unknown>) ?? {},
      tags: vm.definition.tags ?? {},
    };
  }

  private facts(operation: OperationRecord, patch: StoredPatch): PatchFacts {
    const entry = this.patchOperations.lookupFor(operation.plan as Parameters<PatchOperations['lookupFor']>[0])(patch.patchId);
    const kbId = patch.kbId ?? patch.kbid;
    const published = entry?.publishedDate !== undefined && patch.version === undefined ? Date.parse(entry.publishedDate) : NaN;
    return {
      patchId: patch.patchId,
      name: patch.name,
      ...(kbId !== undefined ? { kbId } : {}),
      ...(patch.version !== undefined ? { version: patch.version } : {}),
      classifications: patch.classifications ?? entry?.classifications ?? [],
      ...(patch.msrcSeverity !== undefined ? { msrcSeverity: patch.msrcSeverity } : {}),
      ...(entry?.rebootBehavior !== undefined ? { rebootBehavior: entry.rebootBehavior } : {}),
      publishedMs: Number.isFinite(published) ? published : null,
    };
  }

  private assessment(operation: OperationRecord): MachineAssessment {
    const result = JSON.parse(operation.resultJson!) as {
      status: string;
      rebootPending?: boolean;
      availablePatches?: StoredPatch[];
      patches?: StoredPatch[];
      error?: ErrorDetails;
    };
    return {
      activityId: operation.id,
      status: result.status,
      startMs: operation.startMs,
      endMs: operation.endMs!,
      startedBy: startedByOf(operation),
      rebootPending: result.rebootPending ?? false,
      errorDetails: result.error ?? { code: '', message: '', details: [] },
      // The 2020-06-01 shape called the list `patches` and the KB `kbid`.
      patches: (result.availablePatches ?? result.patches ?? []).map((patch) => this.facts(operation, patch)),
    };
  }

  /**
   * A running installation as it stands on the clock: status InProgress, the patches' states so far
   * (Update Manager lists runs in progress with status InProgress, um-query-logs).
   */
  private runningInstallation(operation: OperationRecord): MachineInstallation {
    const plan = operation.plan as InstallPlan;
    const nowMs = this.now();
    const elapsedMs = Math.min(Math.max(0, nowMs - plan.startMs), plan.durationMs);
    const result = installResultAt(plan, elapsedMs, this.patchOperations.lookupFor(plan));
    return this.installation({ ...operation, endMs: nowMs, resultJson: JSON.stringify({ ...result, status: 'InProgress' }) });
  }

  private installation(operation: OperationRecord): MachineInstallation {
    const result = JSON.parse(operation.resultJson!) as {
      status: string;
      rebootStatus: string;
      maintenanceWindowExceeded: boolean;
      maintenanceRunId?: string;
      patches?: StoredPatch[];
      error?: ErrorDetails;
    };
    return {
      activityId: operation.id,
      status: result.status,
      startMs: operation.startMs,
      endMs: operation.endMs!,
      startedBy: startedByOf(operation),
      rebootStatus: result.rebootStatus,
      maintenanceWindowExceeded: result.maintenanceWindowExceeded,
      maintenanceRunId: result.maintenanceRunId ?? null,
      errorDetails: result.error ?? { code: '', message: '', details: [] },
      patches: (result.patches ?? []).map((patch) => ({ ...this.facts(operation, patch), installationState: patch.installationState ?? 'NotSelected' })),
    };
  }
}

/** `maintenanceresources` from the maintenance service: its runs and assignments, per subscription. */
export function maintenanceRecordSource(maintenance: { maintenanceResources(subscriptionId: string): Array<Record<string, unknown>> }): MaintenanceSource {
  return {
    records: (subscriptionIds) =>
      [...subscriptionIds].flatMap((subscriptionId) =>
        maintenance.maintenanceResources(subscriptionId).map((record) => ({
          id: String(record.id),
          name: String(record.name),
          type: String(record.type),
          subscriptionId: String(record.subscriptionId ?? subscriptionId),
          resourceGroup: String(record.resourceGroup ?? ''),
          location: String(record.location ?? ''),
          properties: (record.properties as Record<string, unknown> | undefined) ?? {},
        })),
      ),
  };
}
