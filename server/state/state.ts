// Reset, export and import of the emulator's whole state. The state document is versioned:
// version 2 carries operations as they are stored now (compact plans naming their catalogue
// version, results as written when the operation ended); version 1, what the first release
// exported, still imports, its plans made compact on the way in (simulator/legacy-plan.ts).

import { FRESH_PATCH_STATE } from '../../simulator/inventory.js';
import { upgradeLegacyPlan } from '../../simulator/legacy-plan.js';
import type { ClockState } from '../../simulator/clock.js';
import type { ControlState } from '../store/control-store.js';
import { applySeed, type SeedDocument, type SeedScope } from '../seed.js';
import type { IdSalts } from '../ids.js';
import type { EmulatorServices } from '../services.js';
import type { OperationRecord } from '../store/operation-store.js';
import type { ResourceGroupRecord, VirtualMachineRecord } from '../store/resource-store.js';
import type { ArcMachineRecord } from '../hybrid-compute/machine-store.js';
import { arcOperationKey } from '../hybrid-compute/machines.js';
import type { AssignmentRecord, ConfigurationRecord, RunRecord } from '../maintenance/store.js';

export const STATE_FORMAT = 'compute-patch-emulator/state' as const;
export const STATE_VERSION = 2;

/** An operation in the document: the stored row, its result as JSON (null while running). */
export type StateOperation = Omit<OperationRecord, 'resultJson'> & { result: unknown };

export interface StateDocument {
  format: typeof STATE_FORMAT;
  /** 2 today; 1 is the first release's (plans with copies of catalogue entries). */
  version: 1 | 2;
  seed: string;
  /** Absent in documents from before salted ids. */
  ids?: IdSalts;
  clock: ClockState;
  control: ControlState;
  resourceGroups: ResourceGroupRecord[];
  virtualMachines: VirtualMachineRecord[];
  /** Arc-enabled servers; absent in documents from before them. Their operations name them `Microsoft.HybridCompute/machines/{name}`. */
  arcMachines?: ArcMachineRecord[];
  operations: StateOperation[];
  /** Scheduled patching; absent in documents from before it. */
  maintenance?: { configurations: ConfigurationRecord[]; assignments: AssignmentRecord[]; runs: RunRecord[] };
}

export function isStateDocument(document: unknown): document is StateDocument {
  return typeof document === 'object' && document !== null && (document as { format?: unknown }).format === STATE_FORMAT;
}

export function exportState(services: EmulatorServices): StateDocument {
  return services.db.transaction(() => ({
    format: STATE_FORMAT,
    version: STATE_VERSION as 2,
    seed: services.seed,
    ids: services.ids.snapshot(),
    clock: services.clock.exportState(),
    control: services.control.snapshot(),
    ...services.resources.exportAll(),
    arcMachines: services.arcMachines.exportAll(),
    // The stored result text is JSON.stringify's own output, which parsing and writing again gives
    // back byte for byte: an imported operation serves the bytes it served here.
    operations: services.operations.exportAll().map(({ resultJson, ...operation }) => ({
      ...operation,
      result: resultJson === null ? null : (JSON.parse(resultJson) as unknown),
    })),
    maintenance: services.maintenance.store.exportAll(),
  }))();
}

/** The document's operations as rows to store; a version-1 document's plans become compact. */
function storedOperations(document: StateDocument): OperationRecord[] {
  const catalogueOf = new Map(
    document.virtualMachines.map((vm) => [`${vm.subscriptionId}/${vm.resourceGroup}/${vm.name}`.toLowerCase(), vm.catalogueKey]),
  );
  return document.operations.map(({ result, ...operation }) => ({
    ...operation,
    plan:
      document.version === 1
        ? upgradeLegacyPlan(operation.plan, catalogueOf.get(`${operation.subscriptionId}/${operation.resourceGroup}/${operation.vmName}`.toLowerCase()) ?? '')
        : operation.plan,
    resultJson: result === null || result === undefined ? null : JSON.stringify(result),
  }));
}

/** Replaces everything with the document's contents, in one transaction. */
export function importState(services: EmulatorServices, document: StateDocument): void {
  services.db.transaction(() => {
    services.operations.deleteScope({});
    services.resources.deleteScope();
    services.maintenance.store.deleteScope();
    services.resources.importAll({
      resourceGroups: document.resourceGroups,
      virtualMachines: document.virtualMachines.map((vm) => ({ ...vm, patchState: vm.patchState ?? FRESH_PATCH_STATE })),
    });
    services.arcMachines.importAll((document.arcMachines ?? []).map((machine) => ({ ...machine, patchState: machine.patchState ?? FRESH_PATCH_STATE })));
    services.operations.importAll(storedOperations(document));
    services.maintenance.store.importAll(document.maintenance ?? {});
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
    services.maintenance.store.deleteScope(scope.subscriptionId, scope.resourceGroup, scope.vmName);
    if (scope.vmName !== undefined) {
      // The name may be a VM's or an Arc machine's: both go back to the seed.
      services.resources.deleteVirtualMachine(scope.subscriptionId!, scope.resourceGroup!, scope.vmName);
      services.operations.deleteScope({ ...scope, vmName: arcOperationKey(scope.vmName) });
      services.arcMachines.delete(scope.subscriptionId!, scope.resourceGroup!, scope.vmName);
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
    applySeed(services.resources, seedDocument, services.seed, services.clock.now(), scope, services.arcMachines);
    // A VM laid again numbers its operations from 1: a new epoch keeps their ids new.
    services.ids.renew();
  })();
}
