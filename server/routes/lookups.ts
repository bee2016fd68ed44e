// Finding the addressed resource group and VM as they stand now: their due operations are settled
// first (a delete that has completed has taken the resource away), and a running create or delete
// gives the provisioning state the resource is in.

import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { resourceGroupNotFound, resourceNotFound, vmMarkedForDeletion } from '../arm/errors.js';
import type { ResourceGroupRecord, VirtualMachineRecord } from '../store/resource-store.js';
import type { ProvisioningState } from '../virtual-machines/resource.js';
import { provisioningKindOf, type EmulatorOperation } from '../operations/patch-operations.js';
import type { RouteContext } from './context.js';

export type VmParams = { subscriptionId: string; resourceGroupName: string; vmName: string };

export interface CurrentGroup {
  group: ResourceGroupRecord;
  deleting: boolean;
}

/** The group, or undefined when it does not exist (or its delete has completed). */
export function currentGroup(context: RouteContext, subscriptionId: string, resourceGroupName: string): CurrentGroup | undefined {
  const deleting = context.patchOperations.groupDeleteInProgress(subscriptionId, resourceGroupName) !== undefined;
  const group = context.resources.getResourceGroup(subscriptionId, resourceGroupName);
  return group && { group, deleting };
}

export function existingGroup(context: RouteContext, subscriptionId: string, resourceGroupName: string): CurrentGroup {
  const current = currentGroup(context, subscriptionId, resourceGroupName);
  if (!current) throw resourceGroupNotFound(resourceGroupName);
  return current;
}

export interface CurrentVm {
  vm: VirtualMachineRecord;
  provisioningState: ProvisioningState;
  /** Its operations still running, as this request settled them: a patch operation's start takes them rather than settling again. */
  running: readonly EmulatorOperation[];
}

/** The VM as it stands, with the provisioning state its running create or delete (or its group's delete) gives it. */
export function currentVm(context: RouteContext, group: CurrentGroup, vmName: string): CurrentVm | undefined {
  const found = context.resources.getVirtualMachine(group.group.subscriptionId, group.group.name, vmName);
  if (!found) return undefined;
  const writes = context.resources.writeCount;
  const running = context.patchOperations.settleVm(found);
  const provisioning = provisioningKindOf(running);
  // Read again only when settling wrote something (a run's installation, the platform's run, a delete).
  const vm = context.resources.writeCount === writes ? found : context.resources.getVirtualMachine(found.subscriptionId, found.resourceGroup, found.name);
  if (!vm) return undefined;
  const provisioningState: ProvisioningState =
    group.deleting || provisioning === 'deleteVirtualMachine' ? 'Deleting' : provisioning === 'createVirtualMachine' ? 'Creating' : 'Succeeded';
  return { vm, provisioningState, running };
}

/** Existence checks in ARM's order: the group, then the VM. */
function findVm(context: RouteContext, params: VmParams): CurrentVm {
  const group = existingGroup(context, params.subscriptionId, params.resourceGroupName);
  const current = currentVm(context, group, params.vmName);
  if (!current) throw resourceNotFound('Microsoft.Compute/virtualMachines', params.vmName, params.resourceGroupName);
  return current;
}

/**
 * The route-level preHandler of a route on one VM: finds it once per request (settling its
 * operations once) and leaves it on `request.vm`. With `operation`, the VM must be one an action can
 * run on: one being deleted refuses every operation but the delete.
 */
export function loadVm(context: RouteContext, operation?: string): preHandlerAsyncHookHandler {
  return async (request) => {
    const current = findVm(context, request.params as VmParams);
    if (operation !== undefined && current.provisioningState === 'Deleting') throw vmMarkedForDeletion(operation, current.vm.name);
    request.vm = current;
  };
}

/** The VM loadVm found for this request. */
export function vmOf(request: FastifyRequest): CurrentVm {
  if (request.vm === null) throw new Error(`no VM loaded for ${request.routeOptions.url}: the route wants loadVm as a preHandler`);
  return request.vm;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The VM a route on one VM addresses, as loadVm found it; null elsewhere. */
    vm: CurrentVm | null;
  }
}
