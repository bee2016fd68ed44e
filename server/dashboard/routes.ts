// The dashboard: a page under /_emulator/ui for demos (page/: plain HTML, CSS and JavaScript
// modules, read once at start-up, nothing fetched from elsewhere), the vocabulary its forms are
// built from, and the read-only admin endpoints it polls. The page drives the emulator only through
// the ARM API and the admin API.

import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { operationListQuerySchema, operationParamsSchema, virtualMachineParamsSchema, vocabularySchema } from '../../schemas/dashboard.js';
import { ArmError, operationNotFound } from '../arm/errors.js';
import { DashboardView, OPERATION_LIST_DEFAULT, OPERATION_LIST_MAX } from './view.js';
import { vocabulary } from './vocabulary.js';
import type { EmulatorServices } from '../services.js';

/** server/dashboard/page/, from the sources and from dist/ (tsc copies no assets: dist reads the source folder). */
export function dashboardDirectory(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = /[\\/]dist[\\/]server[\\/]dashboard[\\/]?$/.test(here);
  return fileURLToPath(new URL(fromDist ? '../../../server/dashboard/page/' : './page/', import.meta.url));
}

/** What the page is made of, by extension; any other file in page/ is not served. */
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page's files: index.html at /_emulator/ui, its modules and style beside it, at /_emulator/ui/<file>. */
function pageAssets(directory: string): Array<{ path: string; file: string; type: string }> {
  let files: string[];
  try {
    files = readdirSync(directory);
  } catch (error) {
    throw new Error(`the dashboard's folder ${directory} is missing: ${(error as Error).message}`);
  }
  const assets = files
    .filter((file) => CONTENT_TYPES[extname(file)] !== undefined)
    .sort()
    .map((file) => ({ path: `/_emulator/ui/${file}`, file, type: CONTENT_TYPES[extname(file)]! }));
  return [{ path: '/_emulator/ui', file: 'index.html', type: 'text/html; charset=utf-8' }, ...assets];
}

/** The page loads its own scripts and style only, and talks to this emulator only. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

const notFound = (what: string, id: string) => new ArmError(404, 'NotFound', `The ${what} '${id}' was not found.`);

const tags = ['emulator'];
/** A dashboard polls every second: its requests are logged only when something goes wrong. */
const quiet = { logLevel: 'warn' as const };

/**
 * The page's files and its vocabulary: what a browser loads before it can send a header. Static and
 * holding no state, they are registered in the emulator's open context (server/app.ts).
 */
export async function dashboardPageRoutes(app: FastifyInstance): Promise<void> {
  const directory = dashboardDirectory();
  for (const asset of pageAssets(directory)) {
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

  // Static like the page's files (it replaces values the page would otherwise copy), so as open as they are.
  const words = vocabulary();
  app.get(
    '/_emulator/ui/vocabulary',
    { ...quiet, schema: { tags, summary: "The dashboard's vocabulary: the api-version it sends and the values its forms offer", response: { 200: vocabularySchema } } },
    async (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      return words;
    },
  );

}

/** The read-only endpoints the page polls, registered in the guarded admin context (server/app.ts). */
export async function dashboardApiRoutes(app: FastifyInstance, options: { services: EmulatorServices }): Promise<void> {
  const view = new DashboardView(options.services);

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
