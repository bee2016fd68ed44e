// Reset, export and import of the emulator's whole state.

import { FRESH_PATCH_STATE } from '../../simulator/inventory.js';
import type { ClockState } from '../../simulator/clock.js';
import type { ControlState } from './control-store.js';
import { applySeed, type SeedDocument, type SeedScope } from '../seed.js';
import type { IdSalts } from '../ids.js';
import type { EmulatorServices } from '../services.js';
import type { OperationRecord } from '../store/operation-store.js';
import type { ResourceGroupRecord, VirtualMachineRecord } from '../store/resource-store.js';

export const STATE_FORMAT = 'compute-patch-emulator/state' as const;

export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: 1;
  seed: string;
  /** Absent in documents from before salted ids. */
  ids?: IdSalts;
  clock: ClockState;
  control: ControlState;
  resourceGroups: ResourceGroupRecord[];
  virtualMachines: VirtualMachineRecord[];
  operations: OperationRecord[];
}

export function isStateDocument(document: unknown): document is StateDocument {
  return typeof document === 'object' && document !== null && (document as { format?: unknown }).format === STATE_FORMAT;
}

export function exportState(services: EmulatorServices): StateDocument {
  return services.db.transaction(() => ({
    format: STATE_FORMAT,
    version: 1 as const,
    seed: services.seed,
    ids: services.ids.snapshot(),
    clock: services.clock.exportState(),
    control: services.control.snapshot(),
    ...services.resources.exportAll(),
    operations: services.operations.exportAll(),
  }))();
}

/** Replaces everything with the document's contents, in one transaction. */
export function importState(services: EmulatorServices, document: StateDocument): void {
  services.db.transaction(() => {
    services.operations.deleteScope({});
    services.resources.deleteScope();
    services.resources.importAll({
      resourceGroups: document.resourceGroups,
      virtualMachines: document.virtualMachines.map((vm) => ({ ...vm, patchState: vm.patchState ?? FRESH_PATCH_STATE })),
    });
    services.operations.importAll(document.operations);
    services.clock.restore(document.clock);
    services.control.replace(document.control);
    services.ids.restore(document.ids);
  })();
}

export interface ResetRequest extends SeedScope {
  keepClock?: boolean;
  keepScenarios?: boolean;
  keepFaults?: boolean;
}

/**
 * Back to the seed. A full reset also resets the clock, completion rules, scenarios and faults
 * unless told to keep them; a scoped reset (subscription, resource group or VM) touches only the
 * resources and operations inside the scope.
 */
export function resetState(services: EmulatorServices, seedDocument: SeedDocument, clockSpeed: number, request: ResetRequest): void {
  const scope: SeedScope = {
    ...(request.subscriptionId !== undefined ? { subscriptionId: request.subscriptionId } : {}),
    ...(request.resourceGroup !== undefined ? { resourceGroup: request.resourceGroup } : {}),
    ...(request.vmName !== undefined ? { vmName: request.vmName } : {}),
  };
  services.db.transaction(() => {
    services.operations.deleteScope(scope);
    if (scope.vmName !== undefined) {
      services.resources.deleteVirtualMachine(scope.subscriptionId!, scope.resourceGroup!, scope.vmName);
    } else {
      services.resources.deleteScope(scope.subscriptionId, scope.resourceGroup);
    }
    if (scope.subscriptionId === undefined) {
      if (!request.keepClock) services.clock.reset(clockSpeed);
      const control = services.control.snapshot();
      services.control.replace({
        ...control,
        completion: { default: control.completion.default, rules: request.keepScenarios ? control.completion.rules : [] },
        scenarios: request.keepScenarios ? control.scenarios : [],
        faults: request.keepFaults ? control.faults : [],
      });
    }
    applySeed(services.resources, seedDocument, services.seed, services.clock.now(), scope);
    // A VM laid again numbers its operations from 1: a new epoch keeps their ids new.
    services.ids.renew();
  })();
}
