// Step 4 of the pipeline: HTTP fault rules, after authentication so that the client's own retry
// policy runs against them (a 429 with Retry-After, a 5xx, latency, a dropped connection).

import type { FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { decideFaults, requestOperation, type FaultEffect } from '../../simulator/faults.js';
import type { ControlStore } from '../store/control-store.js';
import { ArmError, crpThrottled } from './errors.js';

/** The CRP throttling answer, for the group the request belongs to. */
function throttled(retryAfterSeconds: number, operation: string): ArmError {
  const group = operation === 'operationStatus' || operation === 'operationResult' ? 'GetOperationResource' : 'VMGuestPatchOperationResource';
  return crpThrottled(group, 6, retryAfterSeconds, new Date());
}

const DEFAULT_ERRORS: Record<number, { code: string; message: string }> = {
  500: { code: 'InternalServerError', message: 'An internal server error occurred. Please retry the request.' },
  502: { code: 'BadGateway', message: 'The gateway did not receive a response from the service. Please retry the request.' },
  503: { code: 'ServiceUnavailable', message: 'The service is currently unavailable. Please retry the request.' },
  504: { code: 'GatewayTimeout', message: 'The gateway did not receive a response within the specified time period.' },
};

function failure(effect: Extract<FaultEffect, { kind: 'error' }>): ArmError {
  const fallback = DEFAULT_ERRORS[effect.statusCode]!;
  return new ArmError(effect.statusCode, effect.code ?? fallback.code, effect.message ?? fallback.message, {
    ...(effect.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(effect.retryAfterSeconds) } } : {}),
  });
}

/** Applies the matching rules; returns true when the request was answered (or dropped) here. */
export async function applyFaultRules(control: ControlStore, seed: string, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const rules = control.faults();
  if (rules.length === 0) return false;
  const path = request.url.split('?')[0]!;
  const monitor = /[?&]monitor=true(&|$)/i.test(request.url);
  const operation = requestOperation(path, monitor);
  const decision = decideFaults(rules, { method: request.method, path, operation }, seed);
  control.updateFaults(decision.updated);
  for (const effect of decision.effects) {
    switch (effect.kind) {
      case 'latency':
        await sleep(effect.delayMs);
        break;
      case 'throttle':
        throw throttled(effect.retryAfterSeconds, operation);
      case 'error':
        throw failure(effect);
      case 'drop':
        reply.hijack();
        request.raw.socket?.destroy();
        return true;
    }
  }
  return false;
}
