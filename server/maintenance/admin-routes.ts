// The emulator's own maintenance endpoints (docs/api.md): the schedule as the dashboard shows it
// (configurations, their assignments, the machines they cover, the next window, recent runs), and
// "open the window now", which runs every covered machine at once.

import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { ArmError } from '../arm/errors.js';
import type { EmulatorServices } from '../services.js';
import { armTimestamp } from '../../simulator/time-format.js';
import { configurationIdOf } from './service.js';
import { assignmentResource } from './routes.js';
import type { RunRecord } from './store.js';
import type { ScheduleRun, ScheduleView } from '../dashboard/view-model.js';

const notFound = (name: string) => new ArmError(404, 'NotFound', `The maintenance configuration '${name}' was not found.`);
const nameParams = {
  type: 'object',
  required: ['subscriptionId', 'resourceGroup', 'configurationName'],
  properties: {
    subscriptionId: { type: 'string', maxLength: 64 },
    resourceGroup: { type: 'string', maxLength: 90 },
    configurationName: { type: 'string', maxLength: 128 },
  },
} as const;

/** How many runs the schedule view lists. */
const RECENT_RUNS = 50;

export async function maintenanceAdminRoutes(app: FastifyInstance, options: { services: EmulatorServices }): Promise<void> {
  const maintenance = options.services.maintenance;
  const tags = ['emulator'];

  const runView = (run: RunRecord): ScheduleRun => {
    const { status, endMs } = maintenance.statusOf(run);
    return {
      id: run.id,
      resourceId: run.resourceId,
      configurationId: run.configurationId,
      correlationId: run.correlationId,
      trigger: run.trigger,
      status,
      start: armTimestamp(run.startMs),
      ...(endMs !== null ? { end: armTimestamp(endMs) } : {}),
      ...(run.operationId ? { operationId: run.operationId } : {}),
      ...(run.skippedReason ? { skippedReason: run.skippedReason } : {}),
    };
  };

  app.get('/_emulator/maintenance', { logLevel: 'warn', schema: { tags, summary: 'Scheduled patching: configurations, assignments, covered machines, next window, recent runs' } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    const store = maintenance.store;
    const configurations = store.allConfigurations();
    const subscriptions = [...new Set(configurations.map((c) => c.subscriptionId.toLowerCase()))];
    for (const subscriptionId of subscriptions) maintenance.catchUpSubscription(subscriptionId);
    const assignments = store.allAssignments();
    // The dashboard's Schedule panel reads this (server/dashboard/view-model.ts).
    const view: ScheduleView = {
      configurations: configurations.map((configuration) => {
        const id = configurationIdOf(configuration).toLowerCase();
        return {
          id: configurationIdOf(configuration),
          subscriptionId: configuration.subscriptionId,
          resourceGroup: configuration.resourceGroup,
          name: configuration.name,
          location: configuration.location,
          maintenanceScope: configuration.properties.maintenanceScope,
          maintenanceWindow: configuration.properties.maintenanceWindow ?? null,
          installPatches: configuration.properties.installPatches ?? null,
          nextWindow: maintenance.nextWindowOf(configuration) ?? null,
          assignments: assignments.filter((a) => a.configurationId.toLowerCase() === id).map(assignmentResource),
          machines: maintenance.machinesCoveredBy(configuration).map((machine) => machine.id),
        };
      }),
      runs: subscriptions.flatMap((subscriptionId) => store.runsOfSubscription(subscriptionId, RECENT_RUNS)).sort((a, b) => b.startMs - a.startMs).slice(0, RECENT_RUNS).map(runView),
    };
    return view;
  });

  app.post<{ Params: { subscriptionId: string; resourceGroup: string; configurationName: string } }>(
    '/_emulator/maintenance/:subscriptionId/:resourceGroup/:configurationName/open',
    { schema: { tags, summary: "Open a maintenance configuration's window now: every machine it covers runs its installation", params: nameParams } },
    async (request) => {
      const { subscriptionId, resourceGroup, configurationName } = request.params;
      const configuration = maintenance.store.getConfiguration(subscriptionId, resourceGroup, configurationName);
      if (!configuration) throw notFound(configurationName);
      const runs = maintenance.openWindowNow(configuration);
      if (!runs) throw new ArmError(400, 'InvalidParameter', `The maintenance configuration '${configurationName}' has no InGuestPatch window to open.`);
      return { value: runs.map(runView) };
    },
  );
}
