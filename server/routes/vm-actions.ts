// The VM's run-time side: GET .../instanceView and the power actions POST .../start, /powerOff,
// /deallocate, /restart. ARM answers the actions with a 202 and the same LRO URLs as patch
// operations; they complete on the emulator's clock and completion mode, after a short simulated run.

import type { FastifyInstance } from 'fastify';
import { POWER_ACTIONS } from '../../simulator/power.js';
import { resourceGroupNotFound, resourceNotFound } from '../arm/errors.js';
import { instanceView } from '../instance-view.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';
import { VM_PATH, type RouteContext } from './context.js';
import { sendStarted } from './lro.js';

type VmParams = { subscriptionId: string; resourceGroupName: string; vmName: string };

export function existingVm(context: RouteContext, params: VmParams): VirtualMachineRecord {
  const { subscriptionId, resourceGroupName, vmName } = params;
  if (!context.resources.getResourceGroup(subscriptionId, resourceGroupName)) throw resourceGroupNotFound(resourceGroupName);
  const vm = context.resources.getVirtualMachine(subscriptionId, resourceGroupName, vmName);
  if (!vm) throw resourceNotFound('Microsoft.Compute/virtualMachines', vmName, resourceGroupName);
  return vm;
}

/** The VM's instance view, with its operations settled first. */
export function instanceViewOf(context: RouteContext, vm: VirtualMachineRecord) {
  const catalogue = context.catalogues.get(vm.catalogueKey);
  if (!catalogue) throw new Error(`no catalogue '${vm.catalogueKey}' for VM ${vm.name}`);
  context.patchOperations.settleVm(vm);
  return instanceView(vm, catalogue, context.patchOperations, context.clock.now());
}

export async function vmActionRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const config = { arm: { resourceType: 'virtualMachines' as const } };

  app.get<{ Params: VmParams }>(`${VM_PATH}/instanceView`, { config }, async (request) =>
    instanceViewOf(context, existingVm(context, request.params)),
  );

  for (const action of POWER_ACTIONS) {
    // powerOff's `skipShutdown` query parameter changes nothing the emulator models.
    app.post<{ Params: VmParams }>(`${VM_PATH}/${action}`, { config }, async (request, reply) => {
      const vm = existingVm(context, request.params);
      return sendStarted(request, reply, context, context.patchOperations.startPowerAction(vm, action, request.apiVersion));
    });
  }
}
