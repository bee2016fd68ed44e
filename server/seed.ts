// The default seed (data/seed.json): subscriptions, resource groups and VMs a fresh emulator starts
// with, so the REST spec's own example request works as is.

import { readFileSync } from 'node:fs';
import { dataDirectory } from './catalogues.js';
import type { ResourceStore } from './store/resource-store.js';
import { newVirtualMachine, normaliseLocation } from './virtual-machines.js';

export interface SeedDocument {
  subscriptions: Array<{
    subscriptionId: string;
    resourceGroups: Array<{
      name: string;
      location: string;
      tags?: Record<string, string>;
      virtualMachines?: Array<{ name: string; location?: string; tags?: Record<string, string>; properties?: Record<string, unknown> }>;
    }>;
  }>;
}

export function loadDefaultSeed(): SeedDocument {
  return JSON.parse(readFileSync(`${dataDirectory()}seed.json`, 'utf8')) as SeedDocument;
}

/** Creates what the document names and is missing; existing resources are left as they are. */
export function applySeed(resources: ResourceStore, document: SeedDocument, seed: string, nowMs: number): void {
  for (const subscription of document.subscriptions) {
    for (const group of subscription.resourceGroups) {
      const { group: stored } = resources.putResourceGroup({
        subscriptionId: subscription.subscriptionId,
        name: group.name,
        location: normaliseLocation(group.location),
        tags: group.tags ?? {},
      });
      for (const vm of group.virtualMachines ?? []) {
        if (resources.getVirtualMachine(subscription.subscriptionId, stored.name, vm.name)) continue;
        resources.insertVirtualMachine(
          newVirtualMachine(
            { subscriptionId: subscription.subscriptionId, resourceGroup: stored.name, name: vm.name, location: vm.location ?? group.location, ...(vm.tags ? { tags: vm.tags } : {}), ...(vm.properties ? { properties: vm.properties } : {}) },
            seed,
            nowMs,
          ),
        );
      }
    }
  }
}
