// Virtual machines (Microsoft.Compute/virtualMachines): created, read, listed and deleted by tests.

import type { FastifyInstance } from 'fastify';
import { SUPPORTED_LOCATIONS } from '../../schemas/api-versions.js';
import { virtualMachineBodySchema } from '../../schemas/resources.js';
import { ArmError, resourceGroupNotFound, resourceNotFound } from '../arm/errors.js';
import { newVirtualMachine, normaliseLocation, virtualMachineResource } from '../virtual-machines.js';
import { RG_PATH, VM_PATH, type RouteContext } from './context.js';
import { instanceViewOf } from './vm-actions.js';

type VmParams = { subscriptionId: string; resourceGroupName: string; vmName: string };
type VmBody = { location: string; tags?: Record<string, string>; properties?: Record<string, unknown> };
const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function virtualMachineRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const config = { arm: { resourceType: 'virtualMachines' as const, bodyName: 'parameters' } };

  app.put<{ Params: VmParams; Body: VmBody }>(VM_PATH, { config, schema: { body: virtualMachineBodySchema } }, async (request, reply) => {
    const { subscriptionId, resourceGroupName, vmName } = request.params;
    const group = context.resources.getResourceGroup(subscriptionId, resourceGroupName);
    if (!group) throw resourceGroupNotFound(resourceGroupName);
    if (!VM_NAME.test(vmName) || /[.-]$/.test(vmName)) {
      throw new ArmError(400, 'InvalidParameter', `Virtual machine name '${vmName}' is not valid.`, { target: 'vmName' });
    }
    const location = normaliseLocation(request.body.location);
    if (!SUPPORTED_LOCATIONS.includes(location)) {
      throw new ArmError(400, 'LocationNotAvailableForResourceType', `The provided location '${request.body.location}' is not available for resource type 'Microsoft.Compute/virtualMachines'. List of available regions for the resource type is '${SUPPORTED_LOCATIONS.join(',')}'.`);
    }
    const existing = context.resources.getVirtualMachine(subscriptionId, group.name, vmName);
    if (existing) {
      // An update keeps the VM's identity and OS; tags and the given properties are replaced.
      const definition = newVirtualMachine({ ...request.body, subscriptionId, resourceGroup: group.name, name: existing.name }, context.seed, 0).definition;
      context.resources.updateVirtualMachineDefinition(existing, definition);
      reply.code(200);
      return virtualMachineResource({ ...existing, definition }, subscriptionId);
    }
    const vm = newVirtualMachine({ ...request.body, subscriptionId, resourceGroup: group.name, name: vmName }, context.seed, context.clock.now());
    context.resources.insertVirtualMachine(vm);
    reply.code(201);
    return virtualMachineResource(context.resources.getVirtualMachine(subscriptionId, group.name, vmName)!, subscriptionId);
  });

  app.get<{ Params: VmParams; Querystring: { $expand?: string } }>(VM_PATH, { config }, async (request) => {
    const { subscriptionId, resourceGroupName, vmName } = request.params;
    const group = context.resources.getResourceGroup(subscriptionId, resourceGroupName);
    if (!group) throw resourceGroupNotFound(resourceGroupName);
    const vm = context.resources.getVirtualMachine(subscriptionId, resourceGroupName, vmName);
    if (!vm) throw resourceNotFound('Microsoft.Compute/virtualMachines', vmName, resourceGroupName);
    const resource = virtualMachineResource(vm, subscriptionId);
    if (String(request.query.$expand ?? '').toLowerCase() !== 'instanceview') return resource;
    return { ...resource, properties: { ...(resource.properties as object), instanceView: instanceViewOf(context, vm) } };
  });

  app.get<{ Params: Omit<VmParams, 'vmName'> }>(`${RG_PATH}/providers/Microsoft.Compute/virtualMachines`, { config }, async (request) => {
    const { subscriptionId, resourceGroupName } = request.params;
    if (!context.resources.getResourceGroup(subscriptionId, resourceGroupName)) throw resourceGroupNotFound(resourceGroupName);
    return { value: context.resources.listVirtualMachines(subscriptionId, resourceGroupName).map((vm) => virtualMachineResource(vm, subscriptionId)) };
  });

  // Deleting a VM that is not there is a 204, as ARM answers for any resource.
  app.delete<{ Params: VmParams }>(VM_PATH, { config }, async (request, reply) => {
    const { subscriptionId, resourceGroupName, vmName } = request.params;
    if (!context.resources.getResourceGroup(subscriptionId, resourceGroupName)) throw resourceGroupNotFound(resourceGroupName);
    const deleted = context.resources.deleteVirtualMachine(subscriptionId, resourceGroupName, vmName);
    reply.code(deleted ? 200 : 204).send();
  });
}
