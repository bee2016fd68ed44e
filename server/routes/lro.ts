// The ARM long-running-operation answers shared by patch operations and power actions: the 202 that
// accepts a request, and the status-monitor envelope (docs/api.md).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { armTimestamp } from '../../simulator/time-format.js';
import { ASSESS_RESULT_SHAPE, shapeFor } from '../arm/versioned-shapes.js';
import type { EmulatorOperation, OperationView } from '../patch-operations.js';
import type { RouteContext } from './context.js';

/** Absolute URLs on the scheme and host the client used: azure-mgmt-core ignores relative ones (arm_polling.py). */
export function operationUrls(request: FastifyRequest, subscriptionId: string, location: string, operationId: string, token: string) {
  const host = request.host || `localhost:${request.socket.localPort}`;
  const base = `${request.protocol}://${host}/subscriptions/${subscriptionId}/providers/Microsoft.Compute/locations/${location}/operations/${operationId}`;
  return {
    asyncOperation: `${base}?p=${token}&api-version=${request.apiVersion}`,
    location: `${base}?p=${token}&monitor=true&api-version=${request.apiVersion}`,
  };
}

export function setRetryAfter(reply: FastifyReply, context: RouteContext): void {
  if (context.retryAfterSeconds !== null) reply.header('retry-after', String(context.retryAfterSeconds));
}

/** 202, empty body, Location and Azure-AsyncOperation pointing at the operation . */
export function sendAccepted(request: FastifyRequest, reply: FastifyReply, context: RouteContext, operation: EmulatorOperation): void {
  const urls = operationUrls(request, operation.subscriptionId, operation.location, operation.id, context.patchOperations.pollingToken(operation.id));
  setRetryAfter(reply, context);
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
}

/** The 201 of a VM create that runs on: the body, and Azure-AsyncOperation to poll (CRP sends no Location on a PUT). */
export function setAsyncOperation(request: FastifyRequest, reply: FastifyReply, context: RouteContext, operation: EmulatorOperation): void {
  const urls = operationUrls(request, operation.subscriptionId, operation.location, operation.id, context.patchOperations.pollingToken(operation.id));
  setRetryAfter(reply, context);
  reply.headers({ 'azure-asyncoperation': urls.asyncOperation, 'azure-asyncnotification': 'Enabled', 'x-ms-request-id': operation.id });
}

/** An operation's result in the shape of the api-version it was started with. */
export function resultOf(operation: Pick<OperationView, 'kind' | 'apiVersion' | 'result'>): unknown {
  if (operation.result === null || operation.kind !== 'assessPatches') return operation.result;
  return shapeFor(operation.result, operation.apiVersion, ASSESS_RESULT_SHAPE);
}

/** The status-monitor envelope: key order as CRP writes it; power actions and provisioning carry no output. */
export function statusEnvelope(operation: OperationView) {
  const startTime = armTimestamp(operation.startMs);
  if (operation.status === 'InProgress' || operation.endMs === null) {
    return { startTime, status: 'InProgress', name: operation.id };
  }
  const failure = operationFailureOf(operation);
  if (operation.status === 'Failed' && failure) {
    return { startTime, endTime: armTimestamp(operation.endMs), status: 'Failed', error: { code: failure.code, message: failure.message }, name: operation.id };
  }
  return {
    startTime,
    endTime: armTimestamp(operation.endMs),
    status: operation.status,
    ...(operation.result !== null ? { properties: { output: resultOf(operation) } } : {}),
    name: operation.id,
  };
}

/** A scenario's operation-level failure, if the operation has one. */
export function operationFailureOf(operation: OperationView): { code: string; message: string } | undefined {
  return (operation.plan as { operationFailure?: { code: string; message: string } } | undefined)?.operationFailure;
}
