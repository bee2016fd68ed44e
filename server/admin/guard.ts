// The admin API's guard (docs/reliability.md), a hook of the Fastify context the guarded admin routes
// are registered in (server/app.ts); the open ones (the health check, the API documentation, the
// dashboard's files) are registered beside it. Every guarded route:
// - refuses a request a web page on another origin sent: one with a foreign `Origin`, and a POST
//   without a JSON body or an `X-` header, which a page can send without asking first (a CORS
//   "simple request", https://fetch.spec.whatwg.org/#cors-safelisted-request-header; PUT, PATCH and
//   DELETE, and any JSON body or custom header, make the browser ask first, and the emulator never
//   says yes);
// - with --admin-key, wants the header `x-admin-key: <key>`. Without a key the admin API is open,
//   which start-up allows only on a loopback address (server/config.ts).
// The ARM API is not affected: it wants an Authorization header, which no page can send unasked.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestAsyncHookHandler } from 'fastify';
import { adminKeyInvalid, adminKeyMissing, ArmError } from '../arm/errors.js';

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

/** The guard as an onRequest hook, for the context of the guarded routes (or one route, `onRequest`). */
export function adminGuard(adminKey: string | undefined): onRequestAsyncHookHandler {
  const expected = adminKey === undefined ? undefined : digest(adminKey);
  return async (request) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, request.headers.host)) throw crossOriginRefused(origin);
    if (request.method === 'POST' && !sentByAProgram(request.headers)) throw unmarkedPost();
    if (expected === undefined) return;
    const given = request.headers['x-admin-key'];
    if (given === undefined) throw adminKeyMissing();
    // Digests of equal length, compared in constant time: the key's length and content stay unknown.
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) throw adminKeyInvalid();
  };
}
