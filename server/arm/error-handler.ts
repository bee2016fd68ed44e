// One error handler: every failure leaves as an ARM CloudError. A 500 is a bug, and is logged.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ArmError,
  invalidRequestUrl,
  patchOperationInProgress,
  requestContentInvalid,
  requestContentTooLarge,
  requiredParameterMissing,
  unsupportedMediaType,
} from './errors.js';
import { OperationInProgressError } from '../operations/errors.js';
import { setStandardHeaders } from './pipeline.js';
import { armErrorForSchemaIssue, type SchemaIssue } from './validation.js';

function toArmError(error: FastifyError, request: FastifyRequest): ArmError {
  if (error instanceof ArmError) return error;
  // The domain's errors (server/operations/errors.ts), as ARM answers them.
  if (error instanceof OperationInProgressError) return patchOperationInProgress(error.operation, error.machineName, error.running);
  const bodyName = request.routeOptions.config?.arm?.bodyName ?? 'parameters';
  if (error.validation && error.validation.length > 0) {
    return armErrorForSchemaIssue(error.validation[0] as unknown as SchemaIssue, request.body, bodyName);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return requiredParameterMissing(bodyName);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(String(request.headers['content-type'] ?? ''));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return requestContentTooLarge();
    // Fastify's router refusing a path (bad percent-encoding, a segment over maxParamLength).
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return invalidRequestUrl();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return requestContentInvalid('The request content length does not match the content.');
  }
  // The store's own failures (docs/reliability.md): never blamed on the client.
  if (error.name === 'StoredDataError') return new ArmError(500, 'InternalServerError', `An internal error occurred: ${error.message}.`);
  if (error.code === 'SQLITE_CORRUPT' || error.code === 'SQLITE_NOTADB') {
    return new ArmError(500, 'InternalServerError', `The emulator's database is damaged and could not be read: ${error.message}.`);
  }
  if (/^SQLITE_(FULL|IOERR|READONLY|CANTOPEN)/.test(error.code ?? '')) {
    return new ArmError(500, 'InternalServerError', `The emulator could not write to its database: ${error.message}. Nothing was changed.`);
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return requestContentInvalid(error.message);
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new ArmError(error.statusCode, 'BadRequest', error.message);
  }
  return new ArmError(500, 'InternalServerError', 'An internal error occurred in the emulator. Its log has the details.');
}

/** Answers with the CloudError for any failure; also Fastify's `frameworkErrors` handler. */
export function sendCloudError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const arm = toArmError(error, request);
  if (arm.statusCode >= 500 && !(error instanceof ArmError)) request.log.error({ err: error }, 'request failed');
  if (!reply.hasHeader('x-ms-request-id')) setStandardHeaders(request, reply);
  reply
    .code(arm.statusCode)
    .headers(arm.extra.headers ?? {})
    .type('application/json; charset=utf-8')
    .send(arm.toBody());
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(sendCloudError);
}
