// A VM's power actions (start, powerOff, deallocate, restart): the VM takes its new power state at
// once, and the action runs as an operation on the VM, with the same LRO URLs as its patch operations.

import { planPowerAction, powerTransition, type PowerAction } from '../../simulator/power.js';
import { vmDeallocated, vmStopped } from '../arm/errors.js';
import type { PowerActionOperation } from '../operations/patch-operations.js';
import type { RouteContext } from '../routes/context.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';

/**
 * Starts `action` on a VM whose operations this request has settled (loadVm). A reboot (restart, or
 * a start from stopped or deallocated) pays the reboot a patch run left owing.
 */
export function startPowerAction(context: RouteContext, vm: VirtualMachineRecord, action: PowerAction, apiVersion: string): PowerActionOperation {
  return context.operations.transaction(() => {
    const transition = powerTransition(action, vm.powerState);
    if ('refused' in transition) {
      throw transition.refused === 'deallocated' ? vmDeallocated(action, vm.name) : vmStopped(action, vm.name);
    }
    if (action === 'restart' || (action === 'start' && vm.powerState !== 'running')) {
      context.resources.updatePatchState(vm, { ...vm.patchState, rebootPending: false });
    }
    context.resources.updatePowerState(vm, transition.to);
    return context.patchOperations.begin(vm, action, apiVersion, undefined, (_id, startMs) => planPowerAction(action, startMs));
  });
}
