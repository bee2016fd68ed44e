// The default seed (data/seed.json): subscriptions, resource groups and VMs a fresh emulator starts
// with, so the REST spec's own example request works as is.

import { readFileSync } from 'node:fs';
import { dataDirectory } from './catalogues.js';
import type { ResourceStore } from './store/resource-store.js';
import { newVirtualMachine, normaliseLocation } from './virtual-machines/resource.js';
import type { ArcMachineStore } from './hybrid-compute/machine-store.js';
import { newArcMachine } from './hybrid-compute/machines.js';

export interface SeedDocument {
  subscriptions: Array<{
    subscriptionId: string;
    resourceGroups: Array<{
      name: string;
      location: string;
      tags?: Record<string, string>;
      virtualMachines?: Array<{ name: string; location?: string; tags?: Record<string, string>; properties?: Record<string, unknown> }>;
      /** Arc-enabled servers (server/hybrid-compute/): properties as a PUT of the machine takes them. */
      arcMachines?: Array<{ name: string; location?: string; tags?: Record<string, string>; properties?: Record<string, unknown> }>;
    }>;
  }>;
}

export function loadDefaultSeed(): SeedDocument {
  return JSON.parse(readFileSync(`${dataDirectory()}seed.json`, 'utf8')) as SeedDocument;
}

export interface SeedScope {
  subscriptionId?: string;
  resourceGroup?: string;
  vmName?: string;
}

const within = (wanted: string | undefined, name: string) => wanted === undefined || wanted.toLowerCase() === name.toLowerCase();

/**
 * Creates what the document names and is missing, or only its part inside `scope` (a `vmName`
 * scope names a VM or an Arc machine); existing resources are left as they are.
 */
export function applySeed(resources: ResourceStore, document: SeedDocument, seed: string, nowMs: number, scope: SeedScope = {}, arcMachines?: ArcMachineStore): void {
  for (const subscription of document.subscriptions) {
    if (!within(scope.subscriptionId, subscription.subscriptionId)) continue;
    for (const group of subscription.resourceGroups) {
      if (!within(scope.resourceGroup, group.name)) continue;
      const { group: stored } = resources.putResourceGroup({
        subscriptionId: subscription.subscriptionId,
        name: group.name,
        location: normaliseLocation(group.location),
        tags: group.tags ?? {},
      });
      for (const vm of group.virtualMachines ?? []) {
        if (!within(scope.vmName, vm.name)) continue;
        if (resources.getVirtualMachine(subscription.subscriptionId, stored.name, vm.name)) continue;
        resources.insertVirtualMachine(
          newVirtualMachine(
            { subscriptionId: subscription.subscriptionId, resourceGroup: stored.name, name: vm.name, location: vm.location ?? group.location, ...(vm.tags ? { tags: vm.tags } : {}), ...(vm.properties ? { properties: vm.properties } : {}) },
            seed,
            nowMs,
          ),
        );
      }
      for (const machine of arcMachines ? (group.arcMachines ?? []) : []) {
        if (!within(scope.vmName, machine.name)) continue;
        if (arcMachines!.get(subscription.subscriptionId, stored.name, machine.name)) continue;
        arcMachines!.insert(
          newArcMachine(
            { subscriptionId: subscription.subscriptionId, resourceGroup: stored.name, name: machine.name, location: machine.location ?? group.location, ...(machine.tags ? { tags: machine.tags } : {}), ...(machine.properties ? { properties: machine.properties } : {}) },
            seed,
            nowMs,
          ),
        );
      }
    }
  }
}
