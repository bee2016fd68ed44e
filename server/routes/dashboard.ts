// The dashboard: a page under /_emulator/ui for demos (server/dashboard/, plain HTML, CSS and
// JavaScript, read once at start-up, nothing fetched from elsewhere), and the read-only admin
// endpoints it polls. The page drives the emulator only through the ARM API and the admin API.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { operationListQuerySchema, operationParamsSchema, virtualMachineParamsSchema } from '../../schemas/dashboard.js';
import { ArmError, operationNotFound } from '../arm/errors.js';
import { DashboardView, OPERATION_LIST_DEFAULT, OPERATION_LIST_MAX } from '../admin/overview.js';
import type { EmulatorServices } from '../services.js';

/** server/dashboard/, from the sources and from dist/ (tsc copies no assets: dist reads the source folder). */
export function dashboardDirectory(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = /[\\/]dist[\\/]server[\\/]routes[\\/]?$/.test(here);
  return fileURLToPath(new URL(fromDist ? '../../../server/dashboard/' : '../dashboard/', import.meta.url));
}

const ASSETS = [
  { path: '/_emulator/ui', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/_emulator/ui/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/_emulator/ui/app.css', file: 'app.css', type: 'text/css; charset=utf-8' },
] as const;

/** The page loads its own script and style only, and talks to this emulator only. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

const notFound = (what: string, id: string) => new ArmError(404, 'NotFound', `The ${what} '${id}' was not found.`);

export async function dashboardRoutes(app: FastifyInstance, options: { services: EmulatorServices }): Promise<void> {
  const view = new DashboardView(options.services);
  const tags = ['emulator'];
  // A dashboard polls every second: its requests are logged only when something goes wrong.
  const quiet = { logLevel: 'warn' as const };

  const directory = dashboardDirectory();
  for (const asset of ASSETS) {
    let body: string;
    try {
      body = readFileSync(`${directory}${asset.file}`, 'utf8');
    } catch (error) {
      throw new Error(`the dashboard's ${asset.file} is missing from ${directory}: ${(error as Error).message}`);
    }
    app.get(asset.path, { ...quiet, schema: { hide: true } }, async (_request, reply) =>
      reply
        .type(asset.type)
        .headers({ 'cache-control': 'no-cache', 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' })
        .send(body),
    );
  }

  app.get('/_emulator/overview', { ...quiet, schema: { tags, summary: 'The fleet, its available patches and the latest operations, as of now' } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return view.overview();
  });

  app.get<{ Querystring: { subscriptionId: string; resourceGroup: string; vmName: string; limit?: string } }>(
    '/_emulator/operations',
    { ...quiet, schema: { tags, summary: "A VM's operations, newest first, with their progress now", querystring: operationListQuerySchema } },
    async (request, reply) => {
      const { subscriptionId, resourceGroup, vmName, limit } = request.query;
      const count = Math.min(Math.max(limit === undefined ? OPERATION_LIST_DEFAULT : Number(limit), 1), OPERATION_LIST_MAX);
      const value = view.operations(subscriptionId, resourceGroup, vmName, count);
      if (!value) throw notFound('virtual machine', `${resourceGroup}/${vmName}`);
      reply.header('cache-control', 'no-cache');
      return { value };
    },
  );

  app.get<{ Params: { subscriptionId: string; operationId: string } }>(
    '/_emulator/operations/:subscriptionId/:operationId',
    { ...quiet, schema: { tags, summary: "One operation with every patch's state now (not a status poll)", params: operationParamsSchema } },
    async (request, reply) => {
      const detail = view.operation(request.params.subscriptionId, request.params.operationId);
      if (!detail) throw operationNotFound(request.params.operationId);
      reply.header('cache-control', 'no-cache');
      return detail;
    },
  );

  app.get<{ Params: { subscriptionId: string; resourceGroup: string; vmName: string } }>(
    '/_emulator/inventory/:subscriptionId/:resourceGroup/:vmName',
    { ...quiet, schema: { tags, summary: 'The patches a VM has available now, by classification', params: virtualMachineParamsSchema } },
    async (request, reply) => {
      const { subscriptionId, resourceGroup, vmName } = request.params;
      const inventory = view.inventory(subscriptionId, resourceGroup, vmName);
      if (!inventory) throw notFound('virtual machine', `${resourceGroup}/${vmName}`);
      reply.header('cache-control', 'no-cache');
      return inventory;
    },
  );
}
