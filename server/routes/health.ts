// GET/HEAD /_emulator/health: cheap enough for a container health check every second. 200 Healthy;
// 503 Degraded while the database's last write failed (until one succeeds) or once it was found
// damaged (server/store/store-health.ts); 503 Unhealthy when it does not answer at all.

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
    const condition = options.services.storeHealth.condition();
    const status = storeOk ? condition.status : 'Unhealthy';
    reply.code(status === 'Healthy' ? 200 : 503).header('cache-control', 'no-cache');
    return {
      status,
      server: SERVER_ID,
      version: options.version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      store: storeOk ? condition.store : 'unavailable',
      ...(storeOk && condition.detail !== undefined ? { detail: condition.detail } : {}),
    };
  });
}
