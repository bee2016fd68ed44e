// The admin API's guard (README "Reliability"). With --admin-key, every /_emulator/ route but the
// open ones below wants the header `x-admin-key: <key>`; the ARM API is not affected. Without a key the
// admin API is open, which start-up allows only on a loopback address (server/config.ts).

import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { adminKeyInvalid, adminKeyMissing } from '../arm/errors.js';

const ADMIN_PREFIX = '/_emulator/';
// The health check, and what a browser loads before it can send a header: the dashboard's files and
// the API documentation. They are static and hold no state; what they call is guarded.
const OPEN_ROUTES = new Set(['/_emulator/health', '/_emulator/ui', '/_emulator/ui/app.js', '/_emulator/ui/app.css', '/_emulator/openapi.json']);
const OPEN_ROUTE_PREFIXES = ['/_emulator/docs'];

const digest = (text: string) => createHash('sha256').update(text).digest();

export function registerAdminGuard(app: FastifyInstance, adminKey: string | undefined): void {
  if (adminKey === undefined) return;
  const expected = digest(adminKey);
  app.addHook('onRequest', async (request) => {
    // The route that matched, not the URL as sent: '/%5Femulator/state' routes to '/_emulator/state'.
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith(ADMIN_PREFIX) || OPEN_ROUTES.has(route) || OPEN_ROUTE_PREFIXES.some((prefix) => route.startsWith(prefix))) return;
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
