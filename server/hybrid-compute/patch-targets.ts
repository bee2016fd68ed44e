// Arc machines as targets of the patch-operations service (server/operations/patch-operations.ts): found by
// their operation key (`Microsoft.HybridCompute/machines/{name}`), numbered and given their patch
// state in the arc_machines table.

import type { PatchTarget, PatchTargetStore } from '../operations/patch-operations.js';
import type { ArcMachineRecord, ArcMachineStore } from './machine-store.js';
import { arcMachineResourceId, arcOperationKey, machineNameOfKey } from './machines.js';

type TargetKey = Pick<PatchTarget, 'subscriptionId' | 'resourceGroup' | 'name'>;

/** The machine as the service sees it: its name replaced by its operation key. */
export function arcPatchTarget(machine: ArcMachineRecord): PatchTarget {
  return { ...machine, name: arcOperationKey(machine.name) };
}

export function arcPatchTargets(machines: ArcMachineStore): PatchTargetStore {
  const keyOf = (target: TargetKey) => ({ subscriptionId: target.subscriptionId, resourceGroup: target.resourceGroup, name: machineNameOfKey(target.name) });
  return {
    get: (target) => {
      const machine = machines.get(target.subscriptionId, target.resourceGroup, machineNameOfKey(target.name));
      return machine && arcPatchTarget(machine);
    },
    nextOperationNumber: (target) => machines.nextOperationNumber(keyOf(target)),
    updatePatchState: (target, state) => machines.updatePatchState(keyOf(target), state),
    resourceId: (target) => arcMachineResourceId(target.subscriptionId, target.resourceGroup, machineNameOfKey(target.name)),
    ruleName: (target) => machineNameOfKey(target.name),
  };
}
