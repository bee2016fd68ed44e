// GET/HEAD /_emulator/health: cheap enough for a container health check every second.

import type { FastifyInstance } from 'fastify';
import type { EmulatorServices } from '../services.js';

/** Tells this emulator apart from anything else that might answer on the port. */
export const SERVER_ID = 'compute-patch-emulator';

export async function healthRoutes(app: FastifyInstance, options: { services: EmulatorServices; version: string }): Promise<void> {
  const startedAt = Date.now();
  const probe = options.services.db.prepare('SELECT 1 AS ok');
  app.get('/_emulator/health', async (_request, reply) => {
    let storeOk = false;
    try {
      storeOk = (probe.get() as { ok: number }).ok === 1;
    } catch {
      storeOk = false;
    }
    reply.code(storeOk ? 200 : 503).header('cache-control', 'no-cache');
    return {
      status: storeOk ? 'Healthy' : 'Unhealthy',
      server: SERVER_ID,
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      store: storeOk ? 'ok' : 'unavailable',
    };
  });
}
