// The VM's run-time side: GET .../instanceView and the power actions POST .../start, /powerOff,
// /deallocate, /restart. ARM answers the actions with a 202 and the same LRO URLs as patch
// operations; they complete on the emulator's clock and completion mode, after a short simulated run.

import type { FastifyInstance } from 'fastify';
import { POWER_ACTIONS } from '../../simulator/power.js';
import { hasRenames, INSTANCE_VIEW_SHAPE, shapeFor } from '../arm/versioned-shapes.js';
import { instanceView } from './instance-view.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';
import { VM_PATH, type RouteContext } from '../routes/context.js';
import { startPowerAction } from './power-actions.js';
import { sendStarted } from '../operations/lro.js';
import { loadVm, vmOf, type VmParams } from '../routes/lookups.js';

/** The VM's instance view at `apiVersion`; loadVm has settled its operations for this request. */
export function instanceViewOf(context: RouteContext, vm: VirtualMachineRecord, apiVersion: string) {
  const catalogue = context.catalogues.get(vm.catalogueKey);
  if (!catalogue) throw new Error(`no catalogue '${vm.catalogueKey}' for VM ${vm.name}`);
  const view = instanceView(vm, catalogue, context.patchOperations, context.clock.now());
  // shapeFor copies the body: only a version that differs from the newest shape needs that.
  return hasRenames(apiVersion, INSTANCE_VIEW_SHAPE) ? shapeFor(view, apiVersion, INSTANCE_VIEW_SHAPE) : view;
}

export async function vmActionRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const config = { arm: { resourceType: 'virtualMachines' as const } };

  app.get<{ Params: VmParams }>(`${VM_PATH}/instanceView`, { config, preHandler: loadVm(context) }, async (request) =>
    instanceViewOf(context, vmOf(request).vm, request.apiVersion),
  );

  for (const action of POWER_ACTIONS) {
    // powerOff's `skipShutdown` query parameter changes nothing the emulator models.
    app.post<{ Params: VmParams }>(`${VM_PATH}/${action}`, { config, preHandler: loadVm(context, action) }, async (request, reply) => {
      const { vm } = vmOf(request);
      return sendStarted(request, reply, context, startPowerAction(context, vm, action, request.apiVersion));
    });
  }
}
