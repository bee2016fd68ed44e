// POST .../virtualMachines/{vm}/installPatches and /assessPatches, and the operation URLs clients
// poll (wire contract §2.1-§2.3, §5.6-§5.9).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ASSESS_PATCHES_API_VERSIONS,
  INSTALL_PATCHES_API_VERSIONS,
  MAXIMUM_DURATION_REQUIRED_IN,
  PATCH_NAME_MASKS_SINCE,
} from '../../schemas/api-versions.js';
import { installPatchesBodySchema } from '../../schemas/install-patches.js';
import type { InstallParameters } from '../../simulator/selection.js';
import { operationNotFound, requiredParameterMissing, resourceGroupNotFound, resourceNotFound, vmDeallocated, vmStopped } from '../arm/errors.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';
import { ARM_PREFIX, VM_PATH, type RouteContext } from './context.js';
import { sendFinalResult, sendStarted, setRetryAfter, statusEnvelope } from './lro.js';

type VmParams = { subscriptionId: string; resourceGroupName: string; vmName: string };
type OperationParams = { subscriptionId: string; location: string; operationId: string };

const OPERATION_PATH = `${ARM_PREFIX}/providers/Microsoft.Compute/locations/:location/operations/:operationId`;

/** Past this many keys (one per polled operation), the windows that have ended are dropped. */
const RATE_BUDGET_KEYS = 10_000;

/** Per-VM and per-subscription guest-patch budgets, as reported (never enforced) in the headers. */
class RateBudget {
  private readonly used = new Map<string, { windowStart: number; count: number }>();
  constructor(private readonly capacity: number, private readonly windowMs: number) {}
  take(key: string, now = Date.now()): number {
    if (this.used.size >= RATE_BUDGET_KEYS) {
      for (const [stale, entry] of this.used) if (now - entry.windowStart >= this.windowMs) this.used.delete(stale);
      // Every window still open: start again rather than grow (the figures are reported, not enforced).
      if (this.used.size >= RATE_BUDGET_KEYS) this.used.clear();
    }
    const entry = this.used.get(key);
    const current = entry && now - entry.windowStart < this.windowMs ? entry : { windowStart: now, count: 0 };
    current.count = Math.min(current.count + 1, this.capacity);
    this.used.set(key, current);
    return this.capacity - current.count;
  }
}

export async function patchOperationRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const subscriptionBudget = new RateBudget(600, 3 * 60_000);
  const vmBudget = new RateBudget(6, 3 * 60_000);
  const pollBudget = new RateBudget(45, 60_000);
  const writeBudget = new RateBudget(1200, 60 * 60_000);

  /** Every call counts against the guest-patch budgets, failed ones too (R1). */
  const countBudgets = (request: FastifyRequest<{ Params: VmParams }>, reply: FastifyReply) => {
    const { subscriptionId, resourceGroupName, vmName } = request.params;
    const sub = subscriptionId.toLowerCase();
    reply.header(
      'x-ms-ratelimit-remaining-resource',
      `Microsoft.Compute/VMGuestPatchOperationSubscriptionMaximum;${subscriptionBudget.take(sub)},` +
        `Microsoft.Compute/VMGuestPatchOperationResource;${vmBudget.take(`${sub}/${resourceGroupName}/${vmName}`.toLowerCase())}`,
    );
    reply.header('x-ms-ratelimit-remaining-subscription-writes', String(writeBudget.take(sub)));
  };

  /** Existence checks in ARM's order (§5.4), then the VM's power state (§3.7). */
  const runningVm = (params: VmParams, operation: string): VirtualMachineRecord => {
    const { subscriptionId, resourceGroupName, vmName } = params;
    if (!context.resources.getResourceGroup(subscriptionId, resourceGroupName)) throw resourceGroupNotFound(resourceGroupName);
    const vm = context.resources.getVirtualMachine(subscriptionId, resourceGroupName, vmName);
    if (!vm) throw resourceNotFound('Microsoft.Compute/virtualMachines', vmName, resourceGroupName);
    if (vm.powerState === 'deallocated') throw vmDeallocated(operation, vm.name);
    if (vm.powerState === 'stopped') throw vmStopped(operation, vm.name);
    return vm;
  };

  app.post<{ Params: VmParams; Body: InstallParameters }>(
    `${VM_PATH}/installPatches`,
    {
      config: { arm: { resourceType: 'virtualMachines', apiVersions: INSTALL_PATCHES_API_VERSIONS, bodyName: 'installPatchesInput' } },
      schema: { body: installPatchesBodySchema },
    },
    async (request, reply) => {
      countBudgets(request, reply);
      if (request.apiVersion === MAXIMUM_DURATION_REQUIRED_IN && request.body.maximumDuration === undefined) {
        throw requiredParameterMissing('maximumDuration');
      }
      const vm = runningVm(request.params, 'installPatches');
      const operation = context.patchOperations.startInstall(vm, parametersFor(request.body, request.apiVersion), request.apiVersion);
      return sendStarted(request, reply, context, operation);
    },
  );

  // assessPatches takes no body (§1.1); one sent anyway is ignored.
  app.post<{ Params: VmParams }>(
    `${VM_PATH}/assessPatches`,
    { config: { arm: { resourceType: 'virtualMachines', apiVersions: ASSESS_PATCHES_API_VERSIONS } } },
    async (request, reply) => {
      countBudgets(request, reply);
      const vm = runningVm(request.params, 'assessPatches');
      return sendStarted(request, reply, context, context.patchOperations.startAssess(vm, request.apiVersion));
    },
  );

  app.get<{ Params: OperationParams; Querystring: { monitor?: string } }>(
    OPERATION_PATH,
    { config: { arm: { resourceType: 'virtualMachines' } } },
    async (request, reply) => {
      const { subscriptionId, location, operationId } = request.params;
      const monitor = String(request.query.monitor ?? '').toLowerCase() === 'true';
      const read = monitor ? context.patchOperations.read(subscriptionId, operationId) : context.patchOperations.pollStatus(subscriptionId, operationId);
      if (!read || read.location !== location.toLowerCase()) throw operationNotFound(operationId);
      reply.header(
        'x-ms-ratelimit-remaining-resource',
        `Microsoft.Compute/GetOperationResource;${pollBudget.take(`${subscriptionId}/${operationId}`.toLowerCase())},` +
          `Microsoft.Compute/GetOperationSubscriptionMaximum;14999`,
      );
      reply.header('x-ms-ratelimit-remaining-subscription-reads', '11999');
      if (!monitor) {
        if (read.status === 'InProgress') setRetryAfter(reply, context);
        return statusEnvelope(read);
      }
      // The Location URL: 202 and itself while running, then the final result.
      if (read.status === 'InProgress') {
        setRetryAfter(reply, context);
        const host = request.host || `localhost:${request.socket.localPort}`;
        reply.code(202).headers({ location: `${request.protocol}://${host}${request.url}`, 'content-length': '0' }).send();
        return reply;
      }
      return sendFinalResult(reply, read);
    },
  );
}

/** The name masks arrived in 2025-04-01 (§1.3): an older api-version's model has no such fields. */
function parametersFor(body: InstallParameters, apiVersion: string): InstallParameters {
  if (apiVersion >= PATCH_NAME_MASKS_SINCE || !body.windowsParameters) return body;
  const { patchNameMasksToInclude: _include, patchNameMasksToExclude: _exclude, ...windowsParameters } = body.windowsParameters;
  return { ...body, windowsParameters };
}
