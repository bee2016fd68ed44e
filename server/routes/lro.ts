// The ARM long-running-operation answers shared by patch operations and power actions: the 202 that
// accepts a request, and the status-monitor envelope (docs/api.md).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { armTimestamp } from '../../simulator/time-format.js';
import { ASSESS_RESULT_SHAPE, hasRenames, shapeFor } from '../arm/versioned-shapes.js';
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

/** 202, empty body, Location and Azure-AsyncOperation pointing at the operation. */
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

/**
 * An operation's result as JSON text in the shape of the api-version it was started with. Results
 * are stored once, in the newest shape, and served as those bytes; only an assessment started at a
 * version that named its fields differently (2020-06-01) is reshaped on the way out.
 */
export function resultJsonOf(operation: Pick<OperationView, 'kind' | 'apiVersion' | 'resultJson'>): string | null {
  if (operation.resultJson === null || operation.kind !== 'assessPatches' || !hasRenames(operation.apiVersion, ASSESS_RESULT_SHAPE)) {
    return operation.resultJson;
  }
  return JSON.stringify(shapeFor(JSON.parse(operation.resultJson) as unknown, operation.apiVersion, ASSESS_RESULT_SHAPE));
}

/**
 * The status-monitor envelope, as JSON text in the key order ARM writes it
 * (https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/async-operations):
 * a finished patch operation's result goes in as the bytes stored when it ended, never parsed and
 * written again. Power actions and provisioning carry no output.
 */
export function statusEnvelopeJson(operation: OperationView): string {
  const startTime = armTimestamp(operation.startMs);
  if (operation.status === 'InProgress' || operation.endMs === null) {
    return JSON.stringify({ startTime, status: 'InProgress', name: operation.id });
  }
  const failure = operationFailureOf(operation);
  if (operation.status === 'Failed' && failure) {
    return JSON.stringify({ startTime, endTime: armTimestamp(operation.endMs), status: 'Failed', error: { code: failure.code, message: failure.message }, name: operation.id });
  }
  const head = JSON.stringify({ startTime, endTime: armTimestamp(operation.endMs), status: operation.status });
  const resultJson = resultJsonOf(operation);
  const output = resultJson !== null ? `,"properties":{"output":${resultJson}}` : '';
  return `${head.slice(0, -1)}${output},"name":${JSON.stringify(operation.id)}}`;
}

/** A scenario's operation-level failure, if the operation has one. */
export function operationFailureOf(operation: OperationView): { code: string; message: string } | undefined {
  return (operation.plan as { operationFailure?: { code: string; message: string } } | undefined)?.operationFailure;
}
