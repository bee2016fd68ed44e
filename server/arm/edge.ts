// The answers given before a request reaches a route (docs/reliability.md): a path no route serves
// (404), a method the path's route does not have (405), and a request Node's HTTP parser refuses
// (a malformed request line or header, headers over the size limit). All are CloudErrors.

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { ArmError, badlyFormedRequest, invalidResourceType, methodNotAllowed, missingApiVersion, requestHeadersTooLong } from './errors.js';
import { countArmRequest, setStandardHeaders } from './pipeline.js';
import type { RateLimits } from './rate-limits.js';
import { http } from '../node-http.js';

const METHODS: readonly HTTPMethods[] = ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'];

/** `.../providers/{namespace}/{type}[/{name}[/{childType}...]]`, under a subscription or a group. */
const PROVIDER_PATH = /^\/subscriptions\/[^/]+(?:\/resourcegroups\/[^/]+)?\/providers\/([^/]+)\/(.+)$/i;
const SERVED_NAMESPACES = ['Microsoft.Compute', 'Microsoft.HybridCompute', 'Microsoft.Maintenance'];

/**
 * What ARM answers for a path no route serves: under a namespace the emulator serves, the type is
 * unknown (InvalidResourceType); under any other, no provider is registered (NoRegisteredProviderFound,
 * Azure/azure-cli#28496 shows the message's opening). Both need the api-version first, as ARM checks it first.
 */
function unservedPathError(request: FastifyRequest, path: string): ArmError {
  const provider = PROVIDER_PATH.exec(path);
  if (!provider) return new ArmError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${path}'.`);
  const apiVersion = new URL(request.url, 'http://x').searchParams.get('api-version');
  if (!apiVersion) return missingApiVersion();
  const namespace = SERVED_NAMESPACES.find((served) => served.toLowerCase() === provider[1]!.toLowerCase());
  if (namespace) return invalidResourceType(namespace, apiVersion);
  // The type's segments: every other one after the namespace (type, name, child type, ...).
  const type = provider[2]!.split('/').filter((_segment, i) => i % 2 === 0).join('/');
  return new ArmError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location 'westus' and API version '${apiVersion}' for type '${type}'.`,
  );
}

export interface NotFoundOptions {
  rateLimits: RateLimits;
  subscriptionExists: (subscriptionId: string) => boolean;
}

export function registerNotFoundHandler(app: FastifyInstance, options: NotFoundOptions): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    setStandardHeaders(request, reply);
    const path = request.url.split('?')[0]!;
    let error: ArmError;
    try {
      // Every ARM answer carries the budget's header; the admin API is not ARM.
      if (!/^\/_emulator(\/|$)/i.test(path)) countArmRequest(request, reply, options.rateLimits, options.subscriptionExists);
      const allowed = METHODS.filter((method) => method !== request.method && app.findRoute({ method, url: path }) !== null);
      error = allowed.length > 0 ? methodNotAllowed(request.method, request.url, allowed) : unservedPathError(request, path);
    } catch (refused) {
      error = refused as ArmError;
    }
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
    `HTTP/1.1 ${arm.statusCode} ${http.STATUS_CODES[arm.statusCode]}\r\n` +
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
