// What the route plugins share: the stores, the simulator's services and the options they honour.

import type { RateLimits } from '../arm/rate-limits.js';
import type { Catalogues } from '../catalogues.js';
import type { EmulatorClock } from '../clock.js';
import type { PatchOperations } from '../operations/patch-operations.js';
import type { OperationStore } from '../store/operation-store.js';
import type { ResourceStore } from '../store/resource-store.js';

export interface RouteContext {
  resources: ResourceStore;
  operations: OperationStore;
  patchOperations: PatchOperations;
  clock: EmulatorClock;
  catalogues: Catalogues;
  seed: string;
  /** Seconds for the Retry-After header on 202s and running polls; null sends none (strict fidelity). */
  retryAfterSeconds: number | null;
  rateLimits: RateLimits;
}

export const ARM_PREFIX = '/subscriptions/:subscriptionId';
export const RG_PATH = `${ARM_PREFIX}/resourceGroups/:resourceGroupName`;
export const VM_PATH = `${RG_PATH}/providers/Microsoft.Compute/virtualMachines/:vmName`;
