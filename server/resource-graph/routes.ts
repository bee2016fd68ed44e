// POST /providers/Microsoft.ResourceGraph/resources: a provider-level ARM route (no subscription in
// the path), behind the same pipeline as every ARM route (api-version, bearer token, CloudErrors).

import type { FastifyInstance } from 'fastify';
import { queryRequestSchema, RESOURCE_GRAPH_API_VERSIONS, type QueryRequestBody } from '../../schemas/resource-graph.js';
import type { ResourceGraph } from './service.js';

/** ARG's per-user quota: 15 queries per 5-second window (arg-large-data; reported, not enforced). */
const QUOTA = 15;
const QUOTA_WINDOW_MS = 5000;

export async function resourceGraphRoutes(app: FastifyInstance, options: { resourceGraph: ResourceGraph }): Promise<void> {
  let windowStart = 0;
  let used = 0;
  app.post<{ Body: QueryRequestBody }>(
    '/providers/Microsoft.ResourceGraph/resources',
    {
      config: { arm: { resourceType: 'resources', apiVersions: RESOURCE_GRAPH_API_VERSIONS, bodyName: 'query' } },
      schema: {
        summary: 'Query Azure Resource Graph (patchassessmentresources, patchinstallationresources, maintenanceresources, resources)',
        tags: ['resource graph'],
        body: queryRequestSchema,
      },
    },
    async (request, reply) => {
      const body = options.resourceGraph.answer(request.body, request.apiVersion, request.correlationId);
      // The quota headers ARG sends (arg-recordings), from a wall-clock window.
      const now = Date.now();
      if (now - windowStart >= QUOTA_WINDOW_MS) {
        windowStart = now;
        used = 0;
      }
      used++;
      const resetsAfter = Math.max(1, Math.ceil((windowStart + QUOTA_WINDOW_MS - now) / 1000));
      reply.headers({
        'x-ms-user-quota-remaining': String(Math.max(0, QUOTA - used)),
        'x-ms-user-quota-resets-after': `00:00:0${Math.min(resetsAfter, 5)}`,
        server: 'Kestrel',
      });
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
    },
  );
}
