// Patch operations: accepting a request (inventory -> plan -> stored row) and reading one back
// (plan + clock + polls -> state, recording the terminal transition once).

import { availablePatches } from '../simulator/inventory.js';
import { planInstallation, type InstallPlan } from '../simulator/plan.js';
import { formatCompletionMode, parseCompletionMode, stateAt, type CompletionMode } from '../simulator/progress.js';
import { parseDurationMs } from '../simulator/duration.js';
import { applyScenario } from '../simulator/scenario.js';
import { guidFrom } from '../simulator/random.js';
import { installResult, type InstallPatchesResult } from '../simulator/results.js';
import type { InstallParameters } from '../simulator/selection.js';
import type { ControlStore } from './admin/control-store.js';
import type { Catalogues } from './catalogues.js';
import type { EmulatorClock } from './clock.js';
import type { OperationRecord, OperationStore } from './store/operation-store.js';
import type { ResourceStore, VirtualMachineRecord } from './store/resource-store.js';
import { vmResourceId } from './virtual-machines.js';

export type InstallOperation = OperationRecord<InstallPlan, InstallPatchesResult>;

export interface PatchOperationsOptions {
  seed: string;
  completion: CompletionMode;
}

export class PatchOperations {
  constructor(
    private readonly resources: ResourceStore,
    private readonly operations: OperationStore,
    private readonly clock: EmulatorClock,
    private readonly catalogues: Catalogues,
    private readonly control: ControlStore,
    private readonly options: PatchOperationsOptions,
  ) {}

  /** The completion mode new operations get when no rule covers them. */
  defaultCompletion(): CompletionMode {
    return parseCompletionMode(this.control.snapshot().completion.default) ?? this.options.completion;
  }

  /** Plans and stores an installation; the row is committed before this returns (so before the 202). */
  startInstall(vm: VirtualMachineRecord, parameters: InstallParameters, apiVersion: string): InstallOperation {
    const catalogue = this.catalogues.get(vm.catalogueKey);
    if (!catalogue) throw new Error(`no catalogue '${vm.catalogueKey}' for VM ${vm.name}`);
    return this.operations.transaction(() => {
      const startMs = this.clock.now();
      const id = this.nextOperationId(vm);
      const planned = planInstallation({
        seed: this.options.seed,
        operationId: id,
        osFamily: vm.osFamily,
        startMs,
        available: availablePatches(catalogue, {
          seed: this.options.seed,
          vmResourceId: vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name),
          asOfMs: startMs,
          patchState: vm.patchState,
        }),
        parameters,
        rebootPendingBefore: vm.patchState.rebootPending,
      });
      const target = { subscriptionId: vm.subscriptionId, resourceGroup: vm.resourceGroup, vmName: vm.name };
      const scenario = this.control.takeScenario({ ...target, operation: 'installPatches' });
      const plan = scenario
        ? applyScenario(planned, scenario.outcome, scenario.outcome.duration ? parseDurationMs(scenario.outcome.duration) : undefined)
        : planned;
      const completion = this.control.completionFor(target, this.defaultCompletion());
      const record = {
        subscriptionId: vm.subscriptionId,
        id,
        kind: 'installPatches' as const,
        location: vm.location,
        resourceGroup: vm.resourceGroup,
        vmName: vm.name,
        apiVersion,
        completion: formatCompletionMode(completion),
        startMs,
        plan,
      };
      this.operations.insert(record);
      return { ...record, status: 'InProgress', endMs: null, statusPolls: 0, result: null };
    });
  }

  /**
   * Ids are derived from the seed, the VM and its operation number, so the same requests give the
   * same ids (DESIGN). A VM deleted and created again starts numbering anew: skip ids already used.
   */
  private nextOperationId(vm: VirtualMachineRecord): string {
    const resourceId = vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name).toLowerCase();
    for (;;) {
      const id = guidFrom(this.options.seed, 'operation', resourceId, String(this.resources.nextOperationNumber(vm)));
      if (!this.operations.get(vm.subscriptionId, id)) return id;
    }
  }

  /** The `p` parameter of the operation URLs: opaque to clients, stable for an operation. */
  pollingToken(operationId: string): string {
    return guidFrom(this.options.seed, 'p', operationId);
  }

  /** A status-monitor poll: counts itself, then reads the state. */
  pollStatus(subscriptionId: string, operationId: string): InstallOperation | undefined {
    return this.operations.transaction(() => {
      const found = this.operations.get(subscriptionId, operationId) as InstallOperation | undefined;
      if (!found || found.status !== 'InProgress') return found;
      const polls = this.operations.countStatusPoll(subscriptionId, operationId);
      return this.settle({ ...found, statusPolls: polls });
    });
  }

  /** A read that is not a status poll (the Location URL): the clock alone may complete it. */
  read(subscriptionId: string, operationId: string): InstallOperation | undefined {
    return this.operations.transaction(() => {
      const found = this.operations.get(subscriptionId, operationId) as InstallOperation | undefined;
      return found && found.status === 'InProgress' ? this.settle(found) : found;
    });
  }

  private settle(operation: InstallOperation): InstallOperation {
    const mode = parseCompletionMode(operation.completion) ?? this.options.completion;
    const progress = stateAt(operation.plan, mode, this.clock.now(), operation.statusPolls);
    if (!progress.terminal || progress.endMs === undefined) return operation;
    // An operation-level failure (a scenario's) has no result: the envelope carries the error.
    if (operation.plan.operationFailure) {
      this.operations.complete(operation.subscriptionId, operation.id, 'Failed', progress.endMs, null);
      return { ...operation, status: 'Failed', endMs: progress.endMs, result: null };
    }
    const result = installResult(operation.plan);
    this.operations.complete(operation.subscriptionId, operation.id, 'Succeeded', progress.endMs, result);
    this.applyToVm(operation);
    return { ...operation, status: 'Succeeded', endMs: progress.endMs, result };
  }

  /** Changes how one running operation completes; false when it is unknown or already over. */
  setCompletion(subscriptionId: string, operationId: string, mode: CompletionMode): boolean {
    return this.operations.setCompletion(subscriptionId, operationId, formatCompletionMode(mode));
  }

  /** What a finished install leaves on the VM: installed patches and a reboot still owed. */
  private applyToVm(operation: InstallOperation): void {
    const vm = this.resources.getVirtualMachine(operation.subscriptionId, operation.resourceGroup, operation.vmName);
    if (!vm) return;
    const installed = operation.plan.patches.filter((p) => p.state === 'Installed').map((p) => p.patch.patchId);
    this.resources.updatePatchState(vm, {
      installedPatchIds: [...new Set([...vm.patchState.installedPatchIds, ...installed])],
      rebootPending: operation.plan.rebootPendingAfter,
    });
  }
}
