// The ARM long-running-operation answers shared by patch operations and power actions: the 202 that
// accepts a request (or the 200 of one finished within it), and the status-monitor envelope:
// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/async-operations

import type { FastifyReply, FastifyRequest } from 'fastify';
import { armTimestamp } from '../../simulator/time-format.js';
import { ArmError } from '../arm/errors.js';
import type { EmulatorOperation, OperationView } from '../patch-operations.js';
import type { RouteContext } from './context.js';

/** Absolute URLs on the scheme and host the client used: Python ignores relative ones (§5.6). */
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

declare module 'fastify' {
  interface FastifyRequest {
    /** The operation this request started, for the log line and the request journal; '' when none. */
    startedOperationId: string;
  }
}

/**
 * The answer to a request that starts an operation: 202 and the operation's URLs while it runs; or,
 * when it finished within the request (`sync` completion), what its Location URL answers at the
 * end, so a client finishes with this one response. The REST specification defines that 200 for
 * installPatches and assessPatches (VirtualMachineInstallPatchesResult,
 * VirtualMachineAssessPatchesResult) and a bodiless 200 for the power actions:
 * https://github.com/Azure/azure-rest-api-specs/blob/main/specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/virtualMachine.json
 */
export function sendStarted(request: FastifyRequest, reply: FastifyReply, context: RouteContext, operation: EmulatorOperation): FastifyReply {
  request.startedOperationId = operation.id;
  if (operation.status === 'InProgress') return sendAccepted(request, reply, context, operation);
  reply.header('x-ms-request-id', operation.id);
  return sendFinalResult(reply, operation);
}

/**
 * The Location URL's answer once the operation is over: the raw result, as the action's own 200
 * would carry it; a power action has none, so 200 with no body; after an operation-level failure,
 * that failure as an error answer.
 */
export function sendFinalResult(reply: FastifyReply, operation: OperationView): FastifyReply {
  const failure = operationFailureOf(operation);
  if (operation.status === 'Failed' && failure) throw new ArmError(500, failure.code, failure.message);
  if (operation.result === null) return reply.code(200).header('content-length', '0').send();
  return reply.code(200).send(operation.result);
}

/** 202, empty body, Location and Azure-AsyncOperation pointing at the operation (the async-operations page above). */
function sendAccepted(request: FastifyRequest, reply: FastifyReply, context: RouteContext, operation: EmulatorOperation): FastifyReply {
  const urls = operationUrls(request, operation.subscriptionId, operation.location, operation.id, context.patchOperations.pollingToken(operation.id));
  setRetryAfter(reply, context);
  return reply
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

/** The status-monitor envelope (§2.2): key order as CRP writes it; power actions carry no output. */
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
    ...(operation.result !== null ? { properties: { output: operation.result } } : {}),
    name: operation.id,
  };
}

/** A scenario's operation-level failure, if the operation has one. */
export function operationFailureOf(operation: OperationView): { code: string; message: string } | undefined {
  return (operation.plan as { operationFailure?: { code: string; message: string } } | undefined)?.operationFailure;
}
