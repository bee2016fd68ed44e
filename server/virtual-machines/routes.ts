// Virtual machines (Microsoft.Compute/virtualMachines): create or update, update (PATCH), get, list
// in a group or in the subscription (ListAll), delete. Create and delete are long-running as in
// Azure (PUT 201 `Creating` with Azure-AsyncOperation, DELETE 202 with Location), under the
// completion modes of patch operations; under `instant` they complete within the request.

import type { FastifyInstance } from 'fastify';
import { SUPPORTED_LOCATIONS } from '../../schemas/api-versions.js';
import { virtualMachineBodySchema, virtualMachineUpdateSchema } from '../../schemas/resources.js';
import { mergedUpdate } from '../arm/update.js';
import { ArmError, groupBeingDeleted, vmMarkedForDeletion } from '../arm/errors.js';
import { newVirtualMachine, normaliseLocation, virtualMachineResource } from './resource.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';
import { ARM_PREFIX, RG_PATH, VM_PATH, type RouteContext } from '../routes/context.js';
import { sendAccepted, setAsyncOperation } from '../operations/lro.js';
import { currentGroup, currentVm, existingGroup, loadVm, vmOf, type VmParams } from '../routes/lookups.js';
import { instanceViewOf } from './actions.js';
import { checkedPatchSettings, marksAfterChange, patchSettingsAtVersion } from '../patch-settings/settings.js';

type VmBody = { location: string; tags?: Record<string, string>; properties?: Record<string, unknown> };
type VmUpdate = { tags?: Record<string, string>; properties?: Record<string, unknown> };
const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function virtualMachineRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const config = { arm: { resourceType: 'virtualMachines' as const, bodyName: 'parameters' } };

  app.put<{ Params: VmParams; Body: VmBody }>(VM_PATH, { config, schema: { body: virtualMachineBodySchema } }, async (request, reply) => {
    const { subscriptionId, resourceGroupName, vmName } = request.params;
    const group = existingGroup(context, subscriptionId, resourceGroupName);
    if (group.deleting) throw groupBeingDeleted(group.group.name);
    if (!VM_NAME.test(vmName) || /[.-]$/.test(vmName)) {
      throw new ArmError(400, 'InvalidParameter', `Virtual machine name '${vmName}' is not valid.`, { target: 'vmName' });
    }
    const location = normaliseLocation(request.body.location);
    if (!SUPPORTED_LOCATIONS.includes(location)) {
      throw new ArmError(400, 'LocationNotAvailableForResourceType', `The provided location '${request.body.location}' is not available for resource type 'Microsoft.Compute/virtualMachines'. List of available regions is '${SUPPORTED_LOCATIONS.join(',')}'.`);
    }
    const existing = currentVm(context, group, vmName);
    if (existing) {
      if (existing.provisioningState === 'Deleting') throw vmMarkedForDeletion('createOrUpdate', existing.vm.name);
      // An update keeps the VM's identity and OS; tags and the given properties are replaced.
      const vm = existing.vm;
      const given = newVirtualMachine({ ...request.body, subscriptionId, resourceGroup: group.group.name, name: vm.name }, context.seed, 0).definition;
      const properties = checkedPatchSettings(vm.osFamily, patchSettingsAtVersion(given.properties, request.apiVersion), vm.definition.properties);
      const definition = { ...given, properties, revision: (vm.definition.revision ?? 1) + 1 };
      updateDefinition(context, vm, definition);
      reply.code(200);
      return virtualMachineResource({ ...vm, definition }, subscriptionId, request.apiVersion, existing.provisioningState);
    }
    const created = newVirtualMachine({ ...request.body, subscriptionId, resourceGroup: group.group.name, name: vmName }, context.seed, context.clock.now());
    const properties = checkedPatchSettings(created.osFamily, patchSettingsAtVersion(created.definition.properties, request.apiVersion));
    const vm = { ...created, definition: { ...created.definition, properties } };
    context.resources.insertVirtualMachine(vm);
    const stored = context.resources.getVirtualMachine(subscriptionId, group.group.name, vmName)!;
    const operation = context.patchOperations.startVmProvisioning(stored, 'createVirtualMachine', request.apiVersion);
    if (operation) setAsyncOperation(request, reply, context, operation);
    reply.code(201);
    return virtualMachineResource(stored, subscriptionId, request.apiVersion, operation ? 'Creating' : 'Succeeded');
  });

  // Update: tags and properties merged into the VM's definition (patchSettings, for one).
  app.patch<{ Params: VmParams; Body: VmUpdate }>(VM_PATH, { config, schema: { body: virtualMachineUpdateSchema }, preHandler: loadVm(context) }, async (request) => {
    const { vm, provisioningState } = vmOf(request);
    if (provisioningState === 'Deleting') throw vmMarkedForDeletion('update', vm.name);
    const update = request.body ?? {};
    const properties = mergedUpdate(vm.definition.properties, patchSettingsAtVersion(update.properties ?? {}, request.apiVersion));
    // Passwords are write-only in ARM: never stored, never returned.
    const { adminPassword: _password, ...osProfile } = (properties.osProfile ?? {}) as Record<string, unknown>;
    const tags = update.tags ?? vm.definition.tags;
    const definition: VirtualMachineRecord['definition'] = {
      ...(tags !== undefined ? { tags } : {}),
      properties: checkedPatchSettings(vm.osFamily, { ...properties, osProfile }, vm.definition.properties),
      revision: (vm.definition.revision ?? 1) + 1,
    };
    updateDefinition(context, vm, definition);
    return virtualMachineResource({ ...vm, definition }, request.params.subscriptionId, request.apiVersion, provisioningState);
  });

  app.get<{ Params: VmParams; Querystring: { $expand?: string } }>(VM_PATH, { config, preHandler: loadVm(context) }, async (request) => {
    const { vm, provisioningState } = vmOf(request);
    const resource = virtualMachineResource(vm, request.params.subscriptionId, request.apiVersion, provisioningState);
    if (String(request.query.$expand ?? '').toLowerCase() !== 'instanceview') return resource;
    return { ...resource, properties: { ...(resource.properties as object), instanceView: instanceViewOf(context, vm, request.apiVersion) } };
  });

  app.get<{ Params: Omit<VmParams, 'vmName'> }>(`${RG_PATH}/providers/Microsoft.Compute/virtualMachines`, { config }, async (request) => {
    const { subscriptionId, resourceGroupName } = request.params;
    const group = existingGroup(context, subscriptionId, resourceGroupName);
    return { value: listed(context, [group], subscriptionId, request.apiVersion) };
  });

  // ListAll: every VM of the subscription (what `az vm list` without `-g` calls).
  app.get<{ Params: { subscriptionId: string } }>(`${ARM_PREFIX}/providers/Microsoft.Compute/virtualMachines`, { config }, async (request) => {
    const { subscriptionId } = request.params;
    const groups = context.resources
      .listResourceGroups(subscriptionId)
      .map((group) => currentGroup(context, subscriptionId, group.name))
      .filter((group) => group !== undefined);
    return { value: listed(context, groups, subscriptionId, request.apiVersion) };
  });

  // Deleting a VM that is not there is a 204, as ARM answers for any resource.
  app.delete<{ Params: VmParams }>(VM_PATH, { config }, async (request, reply) => {
    const { subscriptionId, resourceGroupName, vmName } = request.params;
    const group = existingGroup(context, subscriptionId, resourceGroupName);
    const current = currentVm(context, group, vmName);
    if (!current) return reply.code(204).send();
    const operation = context.patchOperations.startVmProvisioning(current.vm, 'deleteVirtualMachine', request.apiVersion);
    if (!operation) return reply.code(200).send();
    sendAccepted(request, reply, context, operation);
    return reply;
  });
}

/**
 * Stores a PUT's or PATCH's definition, and where the platform's own runs stand after it: an
 * automatic mode switched on is counted from now (docs/simulation.md#what-the-platform-does-by-itself).
 */
function updateDefinition(context: RouteContext, vm: VirtualMachineRecord, definition: VirtualMachineRecord['definition']): void {
  context.resources.updateVirtualMachineDefinition(vm, definition);
  const marks = marksAfterChange(vm, definition.properties, context.clock.now());
  if (marks === undefined && vm.patchState.platform === undefined) return;
  const { platform: _old, ...state } = vm.patchState;
  context.resources.updatePatchState(vm, marks ? { ...state, platform: marks } : state);
}

function listed(context: RouteContext, groups: Array<NonNullable<ReturnType<typeof currentGroup>>>, subscriptionId: string, apiVersion: string) {
  return groups.flatMap((group) =>
    context.resources
      .listVirtualMachines(subscriptionId, group.group.name)
      .map((vm) => currentVm(context, group, vm.name))
      .filter((current) => current !== undefined)
      .map((current) => virtualMachineResource(current.vm, subscriptionId, apiVersion, current.provisioningState)),
  );
}

