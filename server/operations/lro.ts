// The ARM long-running-operation answers shared by patch operations and power actions: the 202 that
// accepts a request (or the 200 of one finished within it), and the status-monitor envelope:
// https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/async-operations

import type { FastifyReply, FastifyRequest } from 'fastify';
import { armTimestamp } from '../../simulator/time-format.js';
import { ArmError } from '../arm/errors.js';
import { ASSESS_RESULT_SHAPE, hasRenames, shapeFor } from '../arm/versioned-shapes.js';
import type { EmulatorOperation, OperationView } from './patch-operations.js';
import type { RouteContext } from '../routes/context.js';

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
  const resultJson = resultJsonOf(operation);
  if (resultJson === null) return reply.code(200).header('content-length', '0').send();
  return reply.code(200).type('application/json; charset=utf-8').send(resultJson);
}

/** 202, empty body, Location and Azure-AsyncOperation pointing at the operation (the async-operations page above). */
export function sendAccepted(request: FastifyRequest, reply: FastifyReply, context: RouteContext, operation: EmulatorOperation): FastifyReply {
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
