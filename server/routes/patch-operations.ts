// POST .../virtualMachines/{vm}/installPatches and the operation URLs clients poll
// (wire contract §2.1-§2.3, §5.6-§5.9).

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INSTALL_PATCHES_API_VERSIONS, MAXIMUM_DURATION_REQUIRED_IN } from '../../schemas/api-versions.js';
import { installPatchesBodySchema } from '../../schemas/install-patches.js';
import { armTimestamp } from '../../simulator/time-format.js';
import type { InstallParameters } from '../../simulator/selection.js';
import { ArmError, operationNotFound, requiredParameterMissing, resourceGroupNotFound, resourceNotFound, vmDeallocated } from '../arm/errors.js';
import type { InstallOperation } from '../patch-operations.js';
import { ARM_PREFIX, VM_PATH, type RouteContext } from './context.js';

type VmParams = { subscriptionId: string; resourceGroupName: string; vmName: string };
type OperationParams = { subscriptionId: string; location: string; operationId: string };

const OPERATION_PATH = `${ARM_PREFIX}/providers/Microsoft.Compute/locations/:location/operations/:operationId`;

/** Absolute URLs on the scheme and host the client used: Python ignores relative ones (§5.6). */
function operationUrls(request: FastifyRequest, subscriptionId: string, location: string, operationId: string, token: string) {
  const host = request.host || `localhost:${request.socket.localPort}`;
  const base = `${request.protocol}://${host}/subscriptions/${subscriptionId}/providers/Microsoft.Compute/locations/${location}/operations/${operationId}`;
  return {
    asyncOperation: `${base}?p=${token}&api-version=${request.apiVersion}`,
    location: `${base}?p=${token}&monitor=true&api-version=${request.apiVersion}`,
  };
}

/** The status-monitor envelope (§2.2): key order as CRP writes it. */
function statusEnvelope(operation: InstallOperation) {
  const startTime = armTimestamp(operation.startMs);
  if (operation.status === 'InProgress' || operation.endMs === null) {
    return { startTime, status: 'InProgress', name: operation.id };
  }
  const failure = operation.plan.operationFailure;
  if (failure) {
    return { startTime, endTime: armTimestamp(operation.endMs), status: 'Failed', error: { code: failure.code, message: failure.message }, name: operation.id };
  }
  return {
    startTime,
    endTime: armTimestamp(operation.endMs),
    status: operation.status,
    properties: { output: operation.result },
    name: operation.id,
  };
}

/** Per-VM and per-subscription guest-patch budgets, as reported (never enforced) in the headers. */
class RateBudget {
  private readonly used = new Map<string, { windowStart: number; count: number }>();
  constructor(private readonly capacity: number, private readonly windowMs: number) {}
  take(key: string, now = Date.now()): number {
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

  const retryAfter = (reply: FastifyReply) => {
    if (context.retryAfterSeconds !== null) reply.header('retry-after', String(context.retryAfterSeconds));
  };

  app.post<{ Params: VmParams; Body: InstallParameters }>(
    `${VM_PATH}/installPatches`,
    {
      config: { arm: { resourceType: 'virtualMachines', apiVersions: INSTALL_PATCHES_API_VERSIONS, bodyName: 'installPatchesInput' } },
      schema: { body: installPatchesBodySchema },
    },
    async (request, reply) => {
      const { subscriptionId, resourceGroupName, vmName } = request.params;
      const sub = subscriptionId.toLowerCase();
      // Every call counts against the budget, failed ones too (R1).
      reply.header(
        'x-ms-ratelimit-remaining-resource',
        `Microsoft.Compute/VMGuestPatchOperationSubscriptionMaximum;${subscriptionBudget.take(sub)},` +
          `Microsoft.Compute/VMGuestPatchOperationResource;${vmBudget.take(`${sub}/${resourceGroupName}/${vmName}`.toLowerCase())}`,
      );
      reply.header('x-ms-ratelimit-remaining-subscription-writes', String(writeBudget.take(sub)));
      if (request.apiVersion === MAXIMUM_DURATION_REQUIRED_IN && request.body.maximumDuration === undefined) {
        throw requiredParameterMissing('maximumDuration');
      }
      if (!context.resources.getResourceGroup(subscriptionId, resourceGroupName)) throw resourceGroupNotFound(resourceGroupName);
      const vm = context.resources.getVirtualMachine(subscriptionId, resourceGroupName, vmName);
      if (!vm) throw resourceNotFound('Microsoft.Compute/virtualMachines', vmName, resourceGroupName);
      if (vm.powerState === 'deallocated') throw vmDeallocated('installPatches', vm.name);

      const operation = context.patchOperations.startInstall(vm, request.body, request.apiVersion);
      const urls = operationUrls(request, subscriptionId, operation.location, operation.id, context.patchOperations.pollingToken(operation.id));
      retryAfter(reply);
      reply
        .code(202)
        .headers({
          location: urls.location,
          'azure-asyncoperation': urls.asyncOperation,
          'azure-asyncnotification': 'Enabled',
          'x-ms-request-id': operation.id,
          'content-length': '0',
        })
        .send();
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
        if (read.status === 'InProgress') retryAfter(reply);
        return statusEnvelope(read);
      }
      // The Location URL: 202 and itself while running, then the raw result (§2.3, §5.9).
      // After an operation-level failure the result URL answers with the failure (§5.9, unverified).
      const failure = read.plan.operationFailure;
      if (read.status === 'Failed' && failure) throw new ArmError(500, failure.code, failure.message);
      if (read.status === 'InProgress' || read.result === null) {
        retryAfter(reply);
        const host = request.host || `localhost:${request.socket.localPort}`;
        reply.code(202).headers({ location: `${request.protocol}://${host}${request.url}`, 'content-length': '0' }).send();
        return reply;
      }
      return read.result;
    },
  );
}
