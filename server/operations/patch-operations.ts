// The operations a VM runs: accepting a request (VM state -> plan -> stored row) and reading one back
// (plan + clock + polls -> state, recording the terminal transition once). Patch operations
// (installPatches, assessPatches) and the power actions share the same long-running-operation URLs.
//
// Nothing runs in the background: an operation that is due is settled when it, or its VM, is next
// looked at, and what it did to the VM (installed patches, a reboot owed) is applied then.

import { planAssessment, type AssessPlan } from '../../simulator/assessment.js';
import { availablePatches, presentPatches } from '../../simulator/inventory.js';
import type { Catalogue, CataloguePatch, CatalogueRef, PatchLookup } from '../../simulator/catalogue.js';
import { installedPatchIdsAt, planInstallation, rebootPendingAt, type ForcedOutcomes, type InstallPlan } from '../../simulator/plan.js';
import type { PowerActionPlan } from '../../simulator/power.js';
import { formatCompletionMode, parseCompletionMode, stateAt, type CompletionMode } from '../../simulator/progress.js';
import { parseDurationMs } from '../../simulator/duration.js';
import { applyScenario, forcedOutcomes, type PatchOperationKind, type Scenario } from '../../simulator/scenario.js';
import { assessResult, installResultAt, planLookup } from '../../simulator/results.js';
import type { InstallParameters } from '../../simulator/selection.js';
import { OperationInProgressError } from './errors.js';
import type { ControlStore } from '../store/control-store.js';
import type { Catalogues } from '../catalogues.js';
import type { EmulatorClock } from '../clock.js';
import type { OperationIds } from '../ids.js';
import type { OperationKind, OperationRecord, OperationStatusRecord, OperationStore, ProvisioningKind } from '../store/operation-store.js';
import type { ResourceGroupRecord, ResourceStore, VirtualMachineRecord } from '../store/resource-store.js';
import { guidFrom } from '../../simulator/random.js';
import { arcAssessResult, arcInstallResult, patchServiceFor } from '../../simulator/arc-results.js';
import type { VmPatchState } from '../../simulator/inventory.js';
import { vmResourceId } from '../virtual-machines/resource.js';
import { isArcOperationKey } from '../hybrid-compute/machines.js';

export type InstallOperation = OperationRecord<InstallPlan>;
export type AssessOperation = OperationRecord<AssessPlan>;
export type PowerActionOperation = OperationRecord<PowerActionPlan>;
/** A resource's create or delete: it runs for a while, then (a delete) takes the resource away. */
export interface ProvisioningPlan {
  kind: ProvisioningKind;
  startMs: number;
  durationMs: number;
}
export type ProvisioningOperation = OperationRecord<ProvisioningPlan>;
/** A create or delete has no result to poll for: under `instant` and `sync` it is done within its request. */
const finishesAtOnce = (mode: CompletionMode) => mode.kind === 'instant' || mode.kind === 'sync';

export type EmulatorOperation = InstallOperation | AssessOperation | PowerActionOperation | ProvisioningOperation;

/** Simulated run times, of the order Azure takes. */
export const PROVISIONING_MS: Record<ProvisioningKind, number> = {
  createVirtualMachine: 90_000,
  deleteVirtualMachine: 60_000,
  deleteResourceGroup: 120_000,
};

/**
 * What the operation URLs read: the whole operation once it has failed, otherwise everything but
 * the plan (the status envelope and the result need no plan).
 */
export type OperationView = Omit<EmulatorOperation, 'plan'> & { plan?: EmulatorOperation['plan'] };

/** What a new patch operation does to one already running on the VM (docs/simulation.md, "Two operations on one VM"). */
export type OverlappingOperations = 'supersede' | 'reject';

export interface PatchOperationsOptions {
  seed: string;
  completion: CompletionMode;
  /** Default `supersede`. */
  overlappingOperations?: OverlappingOperations;
  /** Finished operations kept per VM (its newest installation and assessment always); 0 keeps all. Default 1000. */
  operationRetention?: number;
}

export const DEFAULT_OPERATION_RETENTION = 1000;

/**
 * A VM's old operations go in batches, one DELETE per this many new operations, so that the pages
 * a removal writes are written once per batch rather than once per request: a VM keeps from N to
 * N + N/16 - 1 operations (63 over at most), and exactly N when N is below 32.
 */
export const pruneBatch = (retention: number) => Math.max(1, Math.min(64, Math.floor(retention / 16)));

/**
 * What a patch operation runs on: a VM, or an Arc-enabled machine (server/hybrid-compute/), whose
 * `name` is then its operation key (`Microsoft.HybridCompute/machines/{name}`), so that the two
 * never share operations.
 */
export type PatchTarget = Pick<VirtualMachineRecord, 'subscriptionId' | 'resourceGroup' | 'name' | 'location' | 'osFamily' | 'catalogueKey' | 'patchState' | 'timeCreated'>;
type TargetKey = Pick<PatchTarget, 'subscriptionId' | 'resourceGroup' | 'name'>;

/** Where a kind of patch target is kept. */
export interface PatchTargetStore {
  get(target: TargetKey): PatchTarget | undefined;
  nextOperationNumber(target: TargetKey): number;
  updatePatchState(target: TargetKey, state: VmPatchState): void;
  /** The resource id operation ids and the simulation's draws are keyed on. */
  resourceId(target: TargetKey): string;
  /** The name scenarios and completion rules match. */
  ruleName(target: TargetKey): string;
}

/** Who started a patch operation: a client's request, or the platform on its own schedule. */
export type StartedBy = 'User' | 'Platform';

/**
 * A run the platform starts by itself (automatic assessment, automatic patching, a maintenance
 * window): it starts at the simulated time it was due, which may be before now when the clock
 * was advanced past it, and its plan records who started it.
 */
export interface PlatformRun {
  startMs: number;
  /** How the run completes; the VM's completion mode when absent. */
  completion?: CompletionMode;
}

/** The VM's running create or delete, among its running operations (settleVm's answer). */
export function provisioningKindOf(running: readonly EmulatorOperation[]): ProvisioningKind | undefined {
  return running.map((operation) => operation.kind).find((kind): kind is ProvisioningKind => kind === 'createVirtualMachine' || kind === 'deleteVirtualMachine');
}

/** Who started an operation: recorded in its plan (`startedBy`), absent for a client's request. */
export function startedByOf(operation: { plan?: unknown }): StartedBy {
  return (operation.plan as { startedBy?: unknown } | undefined)?.startedBy === 'Platform' ? 'Platform' : 'User';
}

/**
 * Work the platform does on its own schedule (docs/simulation.md): before a VM's operations are
 * settled, each source starts the runs that fell due up to now, through startInstall or
 * startAssess with a PlatformRun. Called on every settle of a VM: a source with nothing due must
 * cost no more than what the VM record already holds.
 */
export interface ScheduledRunSource {
  catchUp(vm: VirtualMachineRecord, nowMs: number): void;
  /**
   * The same for an Arc machine (the target under its operation key), from the sources whose runs
   * reach Arc machines (maintenance windows); a source without it schedules VMs only.
   */
  catchUpArc?(target: PatchTarget, nowMs: number): void;
}

const isPatchOperation = (kind: OperationKind) => kind === 'installPatches' || kind === 'assessPatches';

/** Bounds the cache of VMs' present patches; past it the cache starts again. */
const PRESENT_PATCHES_CACHE_LIMIT = 10_000;

export class PatchOperations {
  /** presentPatches() by catalogue and VM resource id: a pure draw, so kept (bench/, README "Performance"). */
  private readonly presentPatchesCache = new Map<string, CataloguePatch[]>();
  private readonly scheduledRuns: ScheduledRunSource[] = [];
  private catchingUp = false;

  /** VMs; Arc machines once server/hybrid-compute/ has registered its store. */
  private readonly vmTargets: PatchTargetStore;
  private arcTargets: PatchTargetStore | undefined;

  constructor(
    private readonly resources: ResourceStore,
    private readonly operations: OperationStore,
    private readonly clock: EmulatorClock,
    private readonly catalogues: Catalogues,
    private readonly control: ControlStore,
    private readonly ids: OperationIds,
    private readonly options: PatchOperationsOptions,
  ) {
    this.vmTargets = {
      get: (vm) => resources.getVirtualMachine(vm.subscriptionId, vm.resourceGroup, vm.name),
      nextOperationNumber: (vm) => resources.nextOperationNumber(vm),
      updatePatchState: (vm, state) => resources.updatePatchState(vm, state),
      resourceId: (vm) => vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name),
      ruleName: (vm) => vm.name,
    };
  }

  /** Arc machines' store (server/hybrid-compute/): their operations run through the same service. */
  registerArcMachines(store: PatchTargetStore): void {
    this.arcTargets = store;
  }

  /** The store of the target an operation key names: a string test, no query, on the VM path. */
  private targetsOf(target: { name: string }): PatchTargetStore {
    if (this.arcTargets && isArcOperationKey(target.name)) return this.arcTargets;
    return this.vmTargets;
  }

  /** The completion mode new operations get when no rule covers them. */
  defaultCompletion(): CompletionMode {
    return parseCompletionMode(this.control.completionDefault()) ?? this.options.completion;
  }

  /**
   * Plans and stores an installation; the row is committed before this returns (so before the 202).
   * `settled`: the VM's running operations as settleVm returned them earlier in the same request
   * (the route's loadVm); without it, the VM is settled here.
   */
  startInstall(vm: PatchTarget, parameters: InstallParameters, apiVersion: string, forced?: ForcedOutcomes, run?: PlatformRun, settled?: readonly EmulatorOperation[]): InstallOperation {
    const catalogue = this.catalogueOf(vm);
    return this.operations.transaction(() => {
      const current = this.makeRoomFor(vm, 'installPatches', run, settled);
      // A test's scenario is for the request it makes: the platform's own runs leave it for that.
      const scenario = run ? undefined : this.takeScenario(current, 'installPatches');
      return this.begin(current, 'installPatches', apiVersion, run, (id, startMs, drawKey) => {
        const available = this.available(current, startMs);
        const scenarioForced = scenario ? forcedOutcomes(scenario.outcome, available) : {};
        const allForced = { ...scenarioForced, ...forced };
        const plan = planInstallation({
          seed: this.options.seed,
          operationId: id,
          drawKey,
          catalogue: refOf(catalogue),
          osFamily: current.osFamily,
          ...(catalogue.distro !== undefined ? { distro: catalogue.distro } : {}),
          startMs,
          available,
          parameters,
          rebootPendingBefore: current.patchState.rebootPending,
          ...(Object.keys(allForced).length > 0 ? { forced: allForced } : {}),
        });
        return scenario ? applyScenario(plan, scenario.outcome, scenarioDuration(scenario)) : plan;
      });
    });
  }

  /** Changes how one running operation completes; false when it is unknown or already over. */
  setCompletion(subscriptionId: string, operationId: string, mode: CompletionMode): boolean {
    return this.operations.setCompletion(subscriptionId, operationId, formatCompletionMode(mode));
  }

  private takeScenario(vm: PatchTarget, operation: PatchOperationKind): Scenario | undefined {
    return this.control.takeScenario({ subscriptionId: vm.subscriptionId, resourceGroup: vm.resourceGroup, vmName: this.targetsOf(vm).ruleName(vm), operation });
  }

  /** Plans and stores an assessment of what the VM has available now; `settled` as for startInstall. */
  startAssess(vm: PatchTarget, apiVersion: string, run?: PlatformRun, settled?: readonly EmulatorOperation[]): AssessOperation {
    const catalogue = this.catalogueOf(vm);
    return this.operations.transaction(() => {
      const current = this.makeRoomFor(vm, 'assessPatches', run, settled);
      const scenario = run ? undefined : this.takeScenario(current, 'assessPatches');
      return this.begin(current, 'assessPatches', apiVersion, run, (id, startMs) => {
        const plan = planAssessment({
          operationId: id,
          osFamily: current.osFamily,
          startMs,
          catalogue: refOf(catalogue),
          available: this.available(current, startMs),
          rebootPending: current.patchState.rebootPending,
        });
        return scenario ? applyScenario(plan, scenario.outcome, scenarioDuration(scenario)) : plan;
      });
    });
  }

  /**
   * A VM's create or delete as a long-running operation, under the VM's completion mode; none under
   * `instant` or `sync`, where the change is complete when the request is answered (one round trip
   * for an SDK). A delete takes the VM away when it completes.
   */
  startVmProvisioning(vm: VirtualMachineRecord, kind: 'createVirtualMachine' | 'deleteVirtualMachine', apiVersion: string): ProvisioningOperation | undefined {
    if (finishesAtOnce(this.completionOf(vm.subscriptionId, vm.resourceGroup, vm.name))) {
      if (kind === 'deleteVirtualMachine') this.resources.deleteVirtualMachine(vm.subscriptionId, vm.resourceGroup, vm.name);
      return undefined;
    }
    return this.beginProvisioning({ subscriptionId: vm.subscriptionId, resourceGroup: vm.resourceGroup, vmName: vm.name, location: vm.location }, kind, apiVersion);
  }

  /** A resource group's delete: the same, keyed on the group (an operation with no VM). */
  startGroupDelete(group: ResourceGroupRecord, apiVersion: string): ProvisioningOperation | undefined {
    if (finishesAtOnce(this.completionOf(group.subscriptionId, group.name))) {
      this.resources.deleteResourceGroup(group.subscriptionId, group.name);
      return undefined;
    }
    return this.beginProvisioning({ subscriptionId: group.subscriptionId, resourceGroup: group.name, vmName: '', location: group.location }, 'deleteResourceGroup', apiVersion);
  }

  /**
   * Stores a create or delete. Its id comes from the seed, the resource and the time, not from the
   * VM's operation numbers, which stay those of its patch operations and power actions.
   */
  private beginProvisioning(target: { subscriptionId: string; resourceGroup: string; vmName: string; location: string }, kind: ProvisioningKind, apiVersion: string): ProvisioningOperation {
    return this.operations.transaction(() => {
      const startMs = this.clock.now();
      const resourceId = `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/${target.vmName}`.toLowerCase();
      // Salted like every other id (server/ids.ts); the resource, kind and time stand in for a VM's operation number.
      const idFor = (n: number) => this.ids.operationId(`${resourceId}/${kind}@${startMs}`, n);
      let id = idFor(0);
      for (let n = 1; this.operations.getStatus(target.subscriptionId, id); n++) id = idFor(n);
      const record = {
        ...target,
        id,
        kind,
        vmSequence: 0,
        apiVersion,
        completion: formatCompletionMode(this.completionOf(target.subscriptionId, target.resourceGroup, target.vmName || undefined)),
        startMs,
        plan: { kind, startMs, durationMs: PROVISIONING_MS[kind] },
      };
      this.operations.insert(record);
      return { ...record, status: 'InProgress' as const, endMs: null, statusPolls: 0, resultJson: null };
    });
  }

  /** The group's running delete, if any, after settling it (a finished one has taken the group away). */
  groupDeleteInProgress(subscriptionId: string, resourceGroup: string): ProvisioningOperation | undefined {
    // Every request on a group's resources asks, and the answer is nearly always none: a read outside a transaction says so.
    const group = { subscriptionId, resourceGroup, name: '' };
    if (this.operations.inProgressForVm(group, 0).length === 0) return undefined;
    return this.operations.transaction(() => {
      const running = this.operations.inProgressForVm(group, 0) as EmulatorOperation[];
      let left: ProvisioningOperation | undefined;
      for (const operation of running) {
        const settled = this.settle(operation);
        if (settled.status === 'InProgress' && settled.kind === 'deleteResourceGroup') left = settled as ProvisioningOperation;
      }
      return left;
    });
  }

  private completionOf(subscriptionId: string, resourceGroup: string, vmName?: string): CompletionMode {
    // A group's operation has no VM: only the rules without one cover it.
    return this.control.completionFor({ subscriptionId, resourceGroup, vmName: vmName ?? '' }, this.defaultCompletion());
  }

  /** Adds a source of runs the platform starts by itself (ScheduledRunSource). */
  addScheduledRuns(source: ScheduledRunSource): void {
    this.scheduledRuns.push(source);
  }

  /**
   * Settles the VM's operations that are due, so that its state is current, after starting the
   * platform's runs that fell due; returns those still running.
   */
  settleVm(vm: PatchTarget): EmulatorOperation[] {
    return this.operations.transaction(() => {
      // A platform run settles the VM itself when it starts: the sources are not asked again then.
      // An Arc machine is asked of the sources that schedule Arc machines only.
      if (this.scheduledRuns.length > 0 && !this.catchingUp) {
        const arc = isArcOperationKey(vm.name);
        this.catchingUp = true;
        try {
          for (const source of this.scheduledRuns) {
            if (!arc) source.catchUp(vm as VirtualMachineRecord, this.clock.now());
            else source.catchUpArc?.(vm, this.clock.now());
          }
        } finally {
          this.catchingUp = false;
        }
      }
      return (this.operations.inProgressForVm(vm, Date.parse(vm.timeCreated)) as EmulatorOperation[])
        .map((operation) => this.settle(operation))
        .filter((operation) => operation.status === 'InProgress');
    });
  }

  /** The VM's most recent installation and assessment (what its instance view reports); the caller has settled the VM. */
  latestPatchOperations(vm: VirtualMachineRecord): { install: InstallOperation | undefined; assess: AssessOperation | undefined } {
    const sinceMs = Date.parse(vm.timeCreated);
    return {
      install: this.operations.latestForVm(vm, 'installPatches', sinceMs) as InstallOperation | undefined,
      assess: this.operations.latestForVm(vm, 'assessPatches', sinceMs) as AssessOperation | undefined,
    };
  }

  /** Catalogue entries by id for a stored plan: the version it was made against, or its own entries. */
  lookupFor(plan: { catalogue?: CatalogueRef; entries?: CataloguePatch[] }): PatchLookup {
    return planLookup(plan, this.catalogues.lookup(plan.catalogue));
  }

  /** The `p` parameter of the operation URLs: opaque to clients, stable for an operation. */
  pollingToken(operationId: string): string {
    return this.ids.pollingToken(operationId);
  }

  /** A status-monitor poll: counts itself, then reads the state. */
  pollStatus(subscriptionId: string, operationId: string): OperationView | undefined {
    return this.readForClient(subscriptionId, operationId, true);
  }

  /** A read that is not a status poll (the Location URL): the clock alone may complete it. */
  read(subscriptionId: string, operationId: string): OperationView | undefined {
    return this.readForClient(subscriptionId, operationId, false);
  }

  /** A read that is not a status poll, plan included: what the dashboard shows of a run. */
  readWithPlan(subscriptionId: string, operationId: string): EmulatorOperation | undefined {
    const view = this.read(subscriptionId, operationId);
    if (!view) return undefined;
    return view.plan ? (view as EmulatorOperation) : (this.operations.get(subscriptionId, operationId) as EmulatorOperation | undefined);
  }

  /**
   * Every client's polling loop runs through here, so it reads the operation without its plan
   * until the operation is due: a running `time`-mode operation is
   * decided from its start and duration, with no transaction and no write (its poll count decides
   * nothing); `instant` and `polls:N` count the poll and decide from the count. The plan is read
   * only to settle the operation, or to answer with a scenario's operation-level failure. A
   * finished operation is read once, outside any transaction. (bench/README.md.)
   */
  private readForClient(subscriptionId: string, operationId: string, statusPoll: boolean): OperationView | undefined {
    const found = this.operations.getStatus(subscriptionId, operationId);
    if (!found) return undefined;
    // A finished operation never changes again: one read, no transaction.
    if (found.status === 'Failed') return this.operations.get(subscriptionId, operationId) as EmulatorOperation;
    if (found.status !== 'InProgress') return found as OperationView;
    const mode = this.modeOf(found);
    if (mode.kind === 'time' && !this.isDue(found, mode, found.statusPolls)) return found as OperationView;
    return this.operations.transaction(() => {
      const current = this.operations.getStatus(subscriptionId, operationId);
      if (!current || current.status !== 'InProgress') {
        return current?.status === 'Failed' ? (this.operations.get(subscriptionId, operationId) as EmulatorOperation) : (current as OperationView | undefined);
      }
      const mode = this.modeOf(current);
      const polls = statusPoll && mode.kind !== 'time' ? this.operations.countStatusPoll(subscriptionId, operationId) : current.statusPolls;
      if (!this.isDue(current, mode, polls)) return { ...current, statusPolls: polls } as OperationView;
      return this.settle(this.operations.get(subscriptionId, operationId) as EmulatorOperation);
    });
  }

  private modeOf(operation: { completion: string }): CompletionMode {
    return parseCompletionMode(operation.completion) ?? this.options.completion;
  }

  /** Whether the operation has reached its terminal state; one with no known duration is read whole. */
  private isDue(operation: OperationStatusRecord, mode: CompletionMode, statusPolls: number): boolean {
    if (operation.durationMs === null) return true;
    return stateAt({ startMs: operation.startMs, durationMs: operation.durationMs }, mode, this.clock.now(), statusPolls).terminal;
  }

  private catalogueOf(vm: Pick<PatchTarget, 'catalogueKey' | 'name'>) {
    const catalogue = this.catalogues.get(vm.catalogueKey);
    if (!catalogue) throw new Error(`no catalogue '${vm.catalogueKey}' for VM ${vm.name}`);
    return catalogue;
  }

  /** What the VM has available at `asOfMs` (its present patches are drawn once and kept). */
  available(vm: Pick<VirtualMachineRecord, 'subscriptionId' | 'resourceGroup' | 'name' | 'catalogueKey' | 'patchState'>, asOfMs: number): CataloguePatch[] {
    const catalogue = this.catalogueOf(vm);
    const resourceId = this.targetsOf(vm).resourceId(vm);
    return availablePatches(
      catalogue,
      { seed: this.options.seed, vmResourceId: resourceId, asOfMs, patchState: vm.patchState },
      this.presentPatches(catalogue, resourceId),
    );
  }

  private presentPatches(catalogue: Catalogue, resourceId: string): CataloguePatch[] {
    const key = `${catalogue.key}\u241f${resourceId.toLowerCase()}`;
    let present = this.presentPatchesCache.get(key);
    if (!present) {
      if (this.presentPatchesCache.size >= PRESENT_PATCHES_CACHE_LIMIT) this.presentPatchesCache.clear();
      present = presentPatches(catalogue, this.options.seed, resourceId);
      this.presentPatchesCache.set(key, present);
    }
    return present;
  }

  /**
   * Before a new patch operation: settle what is due, then refuse (switch `reject`) or supersede
   * (default) a patch operation still running. Returns the VM as the new operation finds it.
   * With `settled` (what settleVm returned earlier in this request), the VM is not settled again:
   * only those operations are, by the clock of now, which reads nothing from the store.
   */
  private makeRoomFor(vm: PatchTarget, kind: OperationKind, run?: PlatformRun, settled?: readonly EmulatorOperation[]): PatchTarget {
    const writes = this.resources.writeCount;
    const stillRunning = settled ? settled.map((operation) => this.settle(operation)).filter((operation) => operation.status === 'InProgress') : this.settleVm(vm);
    const running = stillRunning.filter((op) => isPatchOperation(op.kind));
    if (running.length > 0 && this.options.overlappingOperations === 'reject') {
      throw new OperationInProgressError(kind, vm.name, running[0]!.kind);
    }
    const nowMs = run?.startMs ?? this.clock.now();
    for (const operation of running) this.finish(operation, nowMs, Math.max(0, nowMs - operation.startMs), true);
    // A VM as this request loaded it (`settled`) is current while nothing has written to a VM since
    // (a run superseded before it installed anything leaves the VM as it was).
    const current = settled !== undefined && this.targetsOf(vm) === this.vmTargets && this.resources.writeCount === writes;
    return current ? vm : (this.targetsOf(vm).get(vm) ?? vm);
  }

  /** Records a new operation on the VM (a patch run, a power action: server/virtual-machines/power-actions.ts). */
  begin<P extends { startMs: number; durationMs: number }>(
    vm: PatchTarget,
    kind: OperationKind,
    apiVersion: string,
    run: PlatformRun | undefined,
    makePlan: (id: string, startMs: number, drawKey: string) => P,
  ): OperationRecord<P> {
    const startMs = run?.startMs ?? this.clock.now();
    const { id, sequence } = this.nextOperationId(vm);
    // The run's draws are keyed on the id the operation has without a salt (server/ids.ts), so a
    // salted emulator runs the same patches as one given the same seed explicitly.
    const drawKey = guidFrom(this.options.seed, 'operation', this.targetsOf(vm).resourceId(vm).toLowerCase(), String(sequence));
    const record = {
      subscriptionId: vm.subscriptionId,
      id,
      kind,
      location: vm.location,
      resourceGroup: vm.resourceGroup,
      vmName: vm.name,
      vmSequence: sequence,
      apiVersion,
      completion: formatCompletionMode(
        run?.completion ??
          this.control.completionFor({ subscriptionId: vm.subscriptionId, resourceGroup: vm.resourceGroup, vmName: this.targetsOf(vm).ruleName(vm) }, this.defaultCompletion()),
      ),
      startMs,
      plan: run ? { ...makePlan(id, startMs, drawKey), startedBy: 'Platform' as const } : makePlan(id, startMs, drawKey),
    };
    this.operations.insert(record);
    const retention = this.options.operationRetention ?? DEFAULT_OPERATION_RETENTION;
    if (retention > 0 && sequence > retention && (sequence - retention) % pruneBatch(retention) === 0) {
      this.operations.prune(vm, sequence - retention, Date.parse(vm.timeCreated));
    }
    const started: OperationRecord<P> = { ...record, status: 'InProgress', endMs: null, statusPolls: 0, resultJson: null };
    // `sync`: the operation finishes within the request that starts it (answered 200, no polling).
    if (this.modeOf(started).kind !== 'sync') return started;
    return this.settle(started as unknown as EmulatorOperation) as unknown as OperationRecord<P>;
  }

  /**
   * Ids are derived from the seed, the VM and its operation number (and, without an explicit seed,
   * a secret salt: server/ids.ts). A VM deleted and created again starts numbering anew: skip ids
   * already used.
   */
  private nextOperationId(vm: PatchTarget): { id: string; sequence: number } {
    const targets = this.targetsOf(vm);
    const resourceId = targets.resourceId(vm).toLowerCase();
    for (;;) {
      const sequence = targets.nextOperationNumber(vm);
      const id = this.ids.operationId(resourceId, sequence);
      if (!this.operations.getStatus(vm.subscriptionId, id)) return { id, sequence };
    }
  }

  private settle<O extends EmulatorOperation>(operation: O): O {
    const mode = this.modeOf(operation);
    const progress = stateAt(operation.plan, mode, this.clock.now(), operation.statusPolls);
    if (!progress.terminal || progress.endMs === undefined) return operation;
    return this.finish(operation, progress.endMs, operation.plan.durationMs, false);
  }

  /**
   * Records the terminal state `elapsedMs` into the plan, and what it leaves on the VM. The result
   * is built from the catalogue version the plan names and serialised here, once: from now on
   * every read serves these bytes.
   */
  private finish<O extends EmulatorOperation>(operation: O, endMs: number, elapsedMs: number, superseded: boolean): O {
    // An operation-level failure (a scenario's) has no result and leaves the VM as it was.
    const plan = operation.plan as { operationFailure?: unknown };
    if (plan.operationFailure && !superseded) {
      this.operations.complete(operation.subscriptionId, operation.id, 'Failed', endMs, null);
      return { ...operation, status: 'Failed', endMs, resultJson: null };
    }
    let resultJson: string | null = null;
    if (operation.plan.kind === 'installPatches' && isArcOperationKey(operation.vmName)) {
      const result = installResultAt(operation.plan, elapsedMs, this.lookupFor(operation.plan), superseded);
      resultJson = JSON.stringify(arcInstallResult(result, { ...this.arcResultContext(operation.plan, operation), startMs: operation.plan.startMs, lastModifiedMs: endMs, osFamily: operation.plan.osFamily }));
      this.applyInstallation(operation as InstallOperation, elapsedMs);
    } else if (operation.plan.kind === 'installPatches') {
      resultJson = JSON.stringify(installResultAt(operation.plan, elapsedMs, this.lookupFor(operation.plan), superseded));
      this.applyInstallation(operation as InstallOperation, elapsedMs);
    } else if (operation.plan.kind === 'assessPatches' && isArcOperationKey(operation.vmName)) {
      resultJson = JSON.stringify(arcAssessResult(operation.plan, endMs, this.lookupFor(operation.plan), superseded, this.arcResultContext(operation.plan, operation)));
    } else if (operation.plan.kind === 'assessPatches') {
      resultJson = JSON.stringify(assessResult(operation.plan, endMs, this.lookupFor(operation.plan), superseded));
    } else if (operation.plan.kind === 'deleteVirtualMachine') {
      this.resources.deleteVirtualMachine(operation.subscriptionId, operation.resourceGroup, operation.vmName);
    } else if (operation.plan.kind === 'deleteResourceGroup') {
      this.resources.deleteResourceGroup(operation.subscriptionId, operation.resourceGroup);
    }
    // Patch-level outcomes live inside a successful envelope: the result carries its own status and error.
    this.operations.complete(operation.subscriptionId, operation.id, 'Succeeded', endMs, resultJson);
    return { ...operation, status: 'Succeeded', endMs, resultJson };
  }

  /**
   * What an Arc result says of who started the run (startedByOf: a request's are the user's) and
   * what patched the machine (the package manager of its catalogue).
   */
  private arcResultContext(plan: { osFamily: VirtualMachineRecord['osFamily']; catalogue?: CatalogueRef }, operation: { plan?: unknown }) {
    const distro = plan.catalogue ? this.catalogues.get(plan.catalogue.key)?.distro : undefined;
    return { startedBy: startedByOf(operation), patchServiceUsed: patchServiceFor(plan.osFamily, distro) };
  }

  /** What an installation leaves on the VM (or Arc machine): installed patches and a reboot still owed. */
  private applyInstallation(operation: InstallOperation, elapsedMs: number): void {
    const targets = this.targetsOf({ name: operation.vmName });
    const vm = targets.get({ subscriptionId: operation.subscriptionId, resourceGroup: operation.resourceGroup, name: operation.vmName });
    // A VM deleted and created again under the same name is another machine.
    if (!vm || Date.parse(vm.timeCreated) > operation.startMs) return;
    const installed = installedPatchIdsAt(operation.plan, elapsedMs);
    const rebootPending = rebootPendingAt(operation.plan, elapsedMs);
    const known = new Set(vm.patchState.installedPatchIds);
    // A run stopped before it installed anything, with the reboot owed as it was, changes nothing.
    if (rebootPending === vm.patchState.rebootPending && installed.every((patchId) => known.has(patchId))) return;
    targets.updatePatchState(vm, {
      ...vm.patchState,
      installedPatchIds: [...new Set([...vm.patchState.installedPatchIds, ...installed])],
      rebootPending,
    });
  }
}

const refOf = (catalogue: Catalogue): CatalogueRef => ({ key: catalogue.key, version: catalogue.version });

function scenarioDuration(scenario: Scenario): number | undefined {
  return scenario.outcome.duration === undefined ? undefined : parseDurationMs(scenario.outcome.duration);
}
