// The admin API's guard (docs/reliability.md). Every /_emulator/ route but the open ones below:
// - refuses a request a web page on another origin sent: one with a foreign `Origin`, and a POST
//   without a JSON body or an `X-` header, which a page can send without asking first (a CORS
//   "simple request", https://fetch.spec.whatwg.org/#cors-safelisted-request-header; PUT, PATCH and
//   DELETE, and any JSON body or custom header, make the browser ask first, and the emulator never
//   says yes);
// - with --admin-key, wants the header `x-admin-key: <key>`. Without a key the admin API is open,
//   which start-up allows only on a loopback address (server/config.ts).
// The ARM API is not affected: it wants an Authorization header, which no page can send unasked.

import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { adminKeyInvalid, adminKeyMissing, ArmError } from '../arm/errors.js';

const ADMIN_PREFIX = '/_emulator/';
// The health check, and what a browser loads before it can send a header: the dashboard's files
// (its page, modules, style and vocabulary, all under /_emulator/ui) and the API documentation. They
// are static and hold no state; what they call is guarded.
const OPEN_ROUTES = new Set(['/_emulator/health', '/_emulator/ui', '/_emulator/openapi.json']);
const OPEN_ROUTE_PREFIXES = ['/_emulator/docs', '/_emulator/ui/'];

const digest = (text: string) => createHash('sha256').update(text).digest();

const crossOriginRefused = (origin: string) =>
  new ArmError(403, 'Forbidden', `The emulator's admin API does not answer requests sent from another origin ('${origin.slice(0, 200)}').`);
const unmarkedPost = () =>
  new ArmError(
    403,
    'Forbidden',
    "A POST to the emulator's admin API needs a JSON body ('Content-Type: application/json') or an 'X-' header (for example 'X-Requested-By: me'), so that no web page can send it.",
  );

/** The page's origin is the emulator itself: same scheme-less host and port as the request's Host. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    const page = new URL(origin);
    return host !== undefined && page.host === new URL(`${page.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** What a page cannot put on a request without the browser asking the server first. */
function sentByAProgram(headers: Record<string, string | string[] | undefined>): boolean {
  const type = String(headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return true;
  return Object.keys(headers).some((name) => name.startsWith('x-') || name === 'authorization');
}

export function registerAdminGuard(app: FastifyInstance, adminKey: string | undefined): void {
  const expected = adminKey === undefined ? undefined : digest(adminKey);
  app.addHook('onRequest', async (request) => {
    // The route that matched, not the URL as sent: '/%5Femulator/state' routes to '/_emulator/state'.
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith(ADMIN_PREFIX) || OPEN_ROUTES.has(route) || OPEN_ROUTE_PREFIXES.some((prefix) => route.startsWith(prefix))) return;
    const origin = request.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, request.headers.host)) throw crossOriginRefused(origin);
    if (request.method === 'POST' && !sentByAProgram(request.headers)) throw unmarkedPost();
    if (expected === undefined) return;
    const given = request.headers['x-admin-key'];
    if (given === undefined) throw adminKeyMissing();
    // Digests of equal length, compared in constant time: the key's length and content stay unknown.
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) throw adminKeyInvalid();
  });
}

/** 127.0.0.0/8, ::1 (and ::ffff:127.x) and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost') return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^::ffff:127\./.test(name) || /^(0{1,4}:){7}0{0,3}1$/.test(name);
  return false;
}
