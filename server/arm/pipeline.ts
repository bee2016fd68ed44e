// The ARM request pipeline, as Fastify hooks on the ARM routes:
//   1. request context (ids, standard headers)     onRequest
//   1b. ARM's rate-limit budget and its headers    onRequest (server/arm/rate-limits.ts)
//   2. api-version against schemas/api-versions    onRequest
//   3. authentication                              onRequest
//   4. subscription id shape and existence,
//      fault rules                                 onRequest
//   5. enum canonicalisation, then ajv             preValidation, validation
//   6. existence checks, 7. handler                in the routes
//   8. errors -> CloudError                        errorHandler (server/arm/error-handler.ts)

import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiVersionsFor, matchApiVersion, SUPPORTED_LOCATIONS, type ArmResourceType } from '../../schemas/api-versions.js';
import { canonicaliseEnums, type JsonSchema } from './enums.js';
import {
  authorizationMalformed,
  authorizationMissing,
  invalidApiVersion,
  invalidSubscriptionId,
  missingApiVersion,
  noRegisteredProvider,
  subscriptionNotFound,
} from './errors.js';
import type { RateLimits } from './rate-limits.js';

export interface ArmRouteConfig {
  resourceType: ArmResourceType;
  /** Narrower than the resource type's list, for actions that appeared later (installPatches). */
  apiVersions?: readonly string[];
  /** The body parameter's name in the REST spec, named in "Required parameter ... is missing". */
  bodyName?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    arm?: ArmRouteConfig;
  }
  interface FastifyRequest {
    apiVersion: string;
    correlationId: string;
  }
}

export interface PipelineOptions {
  /** The region to name in NoRegisteredProviderFound: the addressed resource's, when it exists. */
  locationOf: (params: Record<string, string>) => string | undefined;
  /** Finds a schema by its $id, to follow $refs while canonicalising enums. */
  resolveSchema: (ref: string) => JsonSchema | undefined;
  /** Fault rules; true when the request was answered or dropped by one. */
  applyFaults: (request: FastifyRequest, reply: FastifyReply) => Promise<boolean>;
  /** Checks the bearer token (--auth strict) and throws the ARM error; absent, any token is accepted. */
  verifyToken?: (token: string, request: FastifyRequest) => void;
  /** Whether the emulator knows a subscription; an unknown one answers SubscriptionNotFound. */
  subscriptionExists: (subscriptionId: string) => boolean;
  rateLimits: RateLimits;
  /** `strict`: refuse api-versions newer than a route's newest, as ARM does; else serve them as the newest. */
  apiVersions: ApiVersionPolicy;
}

export type ApiVersionPolicy = 'lenient' | 'strict';
export const API_VERSION_POLICIES: readonly ApiVersionPolicy[] = ['lenient', 'strict'];

/** Names the api-version a request was served at when it asked for a newer one than the emulator knows. */
export const SERVED_API_VERSION_HEADER = 'x-emulator-served-api-version';
/** The newer api-versions already warned about; bounded, as they come from requests. */
const WARNED_LIMIT = 256;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The front-door region in x-ms-routing-request-id (ps-install-recording shows CENTRALUS:...). */
const ROUTING_REGION = 'WESTUS';

/** 20261126T130420Z: whole seconds, so one string serves every request within a second. */
let routingSecond = -1;
let routingStamp = '';
function routingTimestamp(nowMs: number): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== routingSecond) {
    routingSecond = second;
    routingStamp = new Date(second * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  }
  return routingStamp;
}

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A client's id is echoed only if it can be a response header value (Node refuses control characters). */
function echoable(value: string | undefined): string | undefined {
  return value !== undefined && /^[\t\x20-\x7e\x80-\xff]*$/.test(value) ? value : undefined;
}

/** Headers ARM puts on every response, success or error (README "Try it with curl" shows them). */
export function setStandardHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const clientRequestId = echoable(singleHeader(request.headers['x-ms-client-request-id']));
  const correlationId = echoable(singleHeader(request.headers['x-ms-correlation-request-id'])) ?? randomUUID();
  request.correlationId = correlationId;
  reply.headers({
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    expires: '-1',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    server: 'Microsoft-HTTPAPI/2.0',
    'x-ms-request-id': request.id,
    'x-ms-correlation-request-id': correlationId,
    'x-ms-routing-request-id': `${ROUTING_REGION}:${routingTimestamp(Date.now())}:${correlationId}`,
    ...(clientRequestId !== undefined ? { 'x-ms-client-request-id': clientRequestId } : {}),
  });
}

/** A known subscription named by the request's path, if any: what ARM's budget is counted against. */
export function knownSubscriptionOf(request: FastifyRequest, subscriptionExists: (id: string) => boolean): string | undefined {
  const fromParams = (request.params as Record<string, string> | undefined)?.subscriptionId;
  const subscriptionId = fromParams ?? /^\/subscriptions\/([^/?]+)/i.exec(request.url)?.[1];
  return subscriptionId !== undefined && GUID.test(subscriptionId) && subscriptionExists(subscriptionId) ? subscriptionId.toLowerCase() : undefined;
}

/** Step 1b: counts the request against ARM's budget, sets its header, and refuses it when spent (enforce). */
export function countArmRequest(request: FastifyRequest, reply: FastifyReply, rateLimits: RateLimits, subscriptionExists: (id: string) => boolean): void {
  const { headers, refusal } = rateLimits.arm(request.method, knownSubscriptionOf(request, subscriptionExists));
  reply.headers(headers);
  if (refusal) throw refusal;
}

export function registerArmPipeline(app: FastifyInstance, options: PipelineOptions): void {
  app.decorateRequest('apiVersion', '');
  app.decorateRequest('correlationId', '');
  const warned = new Set<string>();

  app.addHook('onRequest', async (request, reply) => {
    setStandardHeaders(request, reply);
    countArmRequest(request, reply, options.rateLimits, options.subscriptionExists);
    const arm = request.routeOptions.config.arm;
    if (!arm) return;

    // 2. api-version: a repeated parameter arrives as an array and matches no registered version.
    const raw = (request.query as Record<string, unknown>)['api-version'];
    if (raw === undefined || raw === '') throw missingApiVersion();
    const apiVersion = Array.isArray(raw) ? raw.join(',') : String(raw);
    const versions = arm.apiVersions ?? apiVersionsFor(arm.resourceType);
    const match = matchApiVersion(apiVersion, versions, options.apiVersions === 'strict');
    if (!match) {
      if (arm.resourceType === 'resourceGroups') throw invalidApiVersion(apiVersion, versions);
      const location = options.locationOf(request.params as Record<string, string>) ?? 'westus';
      throw noRegisteredProvider(location, apiVersion, arm.resourceType, versions, SUPPORTED_LOCATIONS);
    }
    // A newer SDK than the emulator knows: answered as the newest version known, said in a header
    // and, once per version, in the log.
    if (match.newer) {
      reply.header(SERVED_API_VERSION_HEADER, match.served);
      const key = `${apiVersion} ${match.served}`;
      if (!warned.has(key) && warned.size < WARNED_LIMIT) {
        warned.add(key);
        request.log.warn({ requestedApiVersion: apiVersion, servedApiVersion: match.served }, `api-version ${apiVersion} is newer than this emulator knows for ${request.routeOptions.url}: answered as ${match.served}`);
      }
    }
    request.apiVersion = match.served;

    // 3. authentication: the header's shape, then the token itself when asked to.
    const authorization = singleHeader(request.headers.authorization);
    if (authorization === undefined) throw authorizationMissing();
    if (!/^Bearer\s+\S+/i.test(authorization)) throw authorizationMalformed();
    options.verifyToken?.(authorization.replace(/^Bearer\s+/i, '').trim(), request);

    // 4. subscription id shape, then whether it exists (ARM answers for a subscription before
    // looking at anything under it).
    const subscriptionId = (request.params as Record<string, string>).subscriptionId;
    if (subscriptionId !== undefined && !GUID.test(subscriptionId)) throw invalidSubscriptionId(subscriptionId);
    if (subscriptionId !== undefined && !options.subscriptionExists(subscriptionId)) throw subscriptionNotFound(subscriptionId);

    // 4. fault rules, once the client is known to be a well-formed ARM client.
    if (await options.applyFaults(request, reply)) return reply;
    return undefined;
  });

  // 5. enum values to their canonical spelling, so that ajv can compare exactly.
  app.addHook('preValidation', async (request) => {
    const bodySchema = request.routeOptions.schema?.body as JsonSchema | undefined;
    if (bodySchema && request.body !== undefined) canonicaliseEnums(bodySchema, request.body, options.resolveSchema);
  });
}
