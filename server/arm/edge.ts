// The answers given before a request reaches a route (docs/reliability.md): a path no route serves
// (404), a method the path's route does not have (405), and a request Node's HTTP parser refuses
// (a malformed request line or header, headers over the size limit). All are CloudErrors.

import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { ArmError, badlyFormedRequest, methodNotAllowed, requestHeadersTooLong } from './errors.js';
import { setStandardHeaders } from './pipeline.js';

const METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'];

export function registerNotFoundHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    setStandardHeaders(request, reply);
    const path = request.url.split('?')[0]!;
    const allowed = METHODS.filter((method) => method !== request.method && app.findRoute({ method, url: path }) !== null);
    const error =
      allowed.length > 0
        ? methodNotAllowed(request.method, request.url, allowed)
        : new ArmError(404, 'NotFound', `The requested resource '${path}' is not served by this emulator.`);
    reply
      .code(error.statusCode)
      .headers(error.extra.headers ?? {})
      .type('application/json; charset=utf-8')
      .send(error.toBody());
  });
}

/**
 * Node's `clientError`: the request never became a request. Headers over Node's limit (16 KiB,
 * HTTP.sys's default too) and malformed requests get HTTP.sys's 400 as a CloudError; a client
 * too slow to send its request is disconnected without an answer, as HTTP.sys does.
 */
function writeCloudError(socket: Duplex, arm: ArmError): void {
  const body = JSON.stringify(arm.toBody());
  const extra = Object.entries(arm.extra.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.write(
    `HTTP/1.1 ${arm.statusCode} ${STATUS_CODES[arm.statusCode]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      extra +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  socket.destroy();
}

/** CONNECT on the HTTPS listener: no route serves it, and Node would drop the connection unanswered. */
export function answerConnect(request: IncomingMessage, socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  writeCloudError(socket, methodNotAllowed('CONNECT', request.url ?? '', METHODS));
}

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable) {
    socket.destroy();
    return;
  }
  writeCloudError(socket, error.code === 'HPE_HEADER_OVERFLOW' ? requestHeadersTooLong() : badlyFormedRequest());
}
