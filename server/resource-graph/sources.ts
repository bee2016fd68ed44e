// Where Resource Graph's patch tables get their rows: "machines and their operations". The emulator's
// Compute VMs are one source (below); Arc-enabled servers (Microsoft.HybridCompute/machines) and
// maintenance runs plug in as further sources of the same shapes (server/resource-graph/service.ts).

import { PATCH_COUNT_NAMES } from '../../schemas/patch-results.js';
import type { OsFamily } from '../../simulator/catalogue.js';
import type { AssessPlan } from '../../simulator/assessment.js';
import type { InstallPlan } from '../../simulator/plan.js';
import { assessResult, installResultAt, type InstallPatchesResult } from '../../simulator/results.js';
import type { ArcMachineStore } from '../hybrid-compute/machine-store.js';
import { arcMachineResource, arcMachineResourceId } from '../hybrid-compute/machines.js';
import { arcPatchTarget } from '../hybrid-compute/patch-targets.js';
import { startedByOf, type PatchOperations, type PatchTarget } from '../operations/patch-operations.js';
import type { OperationRecord, OperationStore } from '../store/operation-store.js';
import type { ResourceStore, VirtualMachineRecord } from '../store/resource-store.js';
import { vmResourceId, virtualMachineResource } from '../virtual-machines/resource.js';

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

/** The machine fields a source knows without reading any operation. */
type MachineIdentity = Omit<PatchMachine, 'latestAssessment' | 'installations'>;

/**
 * A machine's patch operations as the operations service stores them (VMs under their name, Arc
 * machines under their operation key), read into the neutral shapes above. Compute results carry
 * their patch list; Arc results only counts, so their patches come from the stored plan.
 */
class StoredOperations {
  constructor(
    private readonly operations: OperationStore,
    private readonly patchOperations: PatchOperations,
    /** The simulated clock's now: where a running installation stands. */
    private readonly now: () => number,
  ) {}

  machine(target: PatchTarget, identity: MachineIdentity): PatchMachine {
    // Settled first, so that a run that is due has its result (nothing runs in the background).
    this.patchOperations.settleVm(target);
    const sinceMs = Date.parse(target.timeCreated);
    const done = (operation: OperationRecord): boolean =>
      operation.startMs >= sinceMs && operation.status !== 'InProgress' && operation.resultJson !== null && operation.endMs !== null;
    const finished = (operation: OperationRecord | undefined): operation is OperationRecord => operation !== undefined && done(operation);
    const history = () => this.operations.listForVm(target.subscriptionId, target.resourceGroup, target.name);
    let installations: MachineInstallation[] | undefined;
    return {
      ...identity,
      latestAssessment: () => {
        // The newest assessment through the store's index; when it is still running (or failed
        // without a result), the newest finished one from the machine's history.
        const latest = this.operations.latestForVm(target, 'assessPatches', sinceMs);
        if (finished(latest)) return this.assessment(latest);
        if (latest === undefined) return undefined;
        const last = history().filter((o) => o.kind === 'assessPatches' && finished(o)).at(-1);
        return last ? this.assessment(last) : undefined;
      },
      installations: () =>
        (installations ??= history()
          .filter((operation) => operation.kind === 'installPatches' && operation.startMs >= sinceMs)
          .flatMap((operation) => {
            if (done(operation)) return [this.installation(operation)];
            return operation.status === 'InProgress' ? [this.runningInstallation(operation)] : [];
          })),
    };
  }

  private lookup(operation: OperationRecord) {
    return this.patchOperations.lookupFor(operation.plan as Parameters<PatchOperations['lookupFor']>[0]);
  }

  private facts(operation: OperationRecord, patch: StoredPatch): PatchFacts {
    const entry = this.lookup(operation)(patch.patchId);
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
      errorDetails?: ErrorDetails;
    };
    // The 2020-06-01 shape called the list `patches` and the KB `kbid`; an Arc result has no list.
    let patches = result.availablePatches ?? result.patches;
    if (patches === undefined) {
      patches = result.status === 'Failed' ? [] : assessResult(operation.plan as AssessPlan, operation.endMs!, this.lookup(operation)).availablePatches;
    }
    return {
      activityId: operation.id,
      status: result.status,
      startMs: operation.startMs,
      endMs: operation.endMs!,
      startedBy: startedByOf(operation),
      rebootPending: result.rebootPending ?? false,
      errorDetails: result.error ?? result.errorDetails ?? NO_ERRORS,
      patches: patches.map((patch) => this.facts(operation, patch)),
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
    const result = installResultAt(plan, elapsedMs, this.lookup(operation));
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
      errorDetails?: ErrorDetails;
    };
    // An Arc result has counts only: the patches as the plan had them when the run ended: at its
    // end (a run that completed, whatever the completion mode), else where the clock stopped it
    // (a superseded run), whichever gives the result's own counts.
    let patches = result.patches;
    if (patches === undefined) {
      const plan = operation.plan as InstallPlan;
      const counts = result as unknown as Record<string, unknown>;
      const agrees = (candidate: InstallPatchesResult) =>
        PATCH_COUNT_NAMES.every((key) => candidate[key] === counts[key]);
      const atEnd = installResultAt(plan, plan.durationMs, this.lookup(operation));
      patches = agrees(atEnd) ? atEnd.patches : installResultAt(plan, Math.min(Math.max(0, operation.endMs! - plan.startMs), plan.durationMs), this.lookup(operation)).patches;
    }
    return {
      activityId: operation.id,
      status: result.status,
      startMs: operation.startMs,
      endMs: operation.endMs!,
      startedBy: startedByOf(operation),
      rebootStatus: result.rebootStatus,
      maintenanceWindowExceeded: result.maintenanceWindowExceeded,
      maintenanceRunId: result.maintenanceRunId ?? null,
      errorDetails: result.error ?? result.errorDetails ?? NO_ERRORS,
      patches: patches.map((patch) => ({ ...this.facts(operation, patch), installationState: patch.installationState ?? 'NotSelected' })),
    };
  }
}

/** An Arc result leaves `errorDetails` out when there is nothing to report. */
const NO_ERRORS: ErrorDetails = { code: '', message: '', details: [] };

/** The Compute VMs of the emulator's store, with their stored patch operations. */
export class ComputeMachineSource implements MachineSource {
  private readonly stored: StoredOperations;

  constructor(
    private readonly resources: ResourceStore,
    operations: OperationStore,
    patchOperations: PatchOperations,
    private readonly newestComputeApiVersion: string,
    now: () => number,
  ) {
    this.stored = new StoredOperations(operations, patchOperations, now);
  }

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
    const resource = virtualMachineResource(vm, vm.subscriptionId, this.newestComputeApiVersion);
    return this.stored.machine(vm, {
      id: vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name),
      type: 'microsoft.compute/virtualmachines',
      name: vm.name,
      subscriptionId: vm.subscriptionId,
      resourceGroup: vm.resourceGroup,
      location: vm.location,
      osType: vm.osFamily,
      patchServiceUsed: patchServiceFor(vm.osFamily, vm.catalogueKey),
      resourceProperties: (resource.properties as Record<string, unknown>) ?? {},
      tags: vm.definition.tags ?? {},
    });
  }
}

/** Arc-enabled servers (server/hybrid-compute/): their patch operations are stored like a VM's, under their operation key. */
export class ArcMachineSource implements MachineSource {
  private readonly stored: StoredOperations;

  constructor(
    private readonly machinesStore: ArcMachineStore,
    operations: OperationStore,
    patchOperations: PatchOperations,
    private readonly newestApiVersion: string,
    private readonly seed: string,
    now: () => number,
  ) {
    this.stored = new StoredOperations(operations, patchOperations, now);
  }

  machines(subscriptionIds: ReadonlySet<string>): PatchMachine[] {
    return [...subscriptionIds].flatMap((subscriptionId) =>
      this.machinesStore.list(subscriptionId).map((machine) => {
        const resource = arcMachineResource(machine, this.newestApiVersion, this.seed);
        return this.stored.machine(arcPatchTarget(machine), {
          id: arcMachineResourceId(machine.subscriptionId, machine.resourceGroup, machine.name),
          type: 'microsoft.hybridcompute/machines',
          name: machine.name,
          subscriptionId: machine.subscriptionId,
          resourceGroup: machine.resourceGroup,
          location: machine.location,
          osType: machine.osFamily,
          patchServiceUsed: patchServiceFor(machine.osFamily, machine.catalogueKey),
          resourceProperties: (resource.properties as Record<string, unknown>) ?? {},
          tags: machine.definition.tags ?? {},
        });
      }),
    );
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
