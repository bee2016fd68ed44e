// The test-control side of Arc machines, under /_emulator/ (guarded like every admin route,
// server/admin/guard.ts): set a machine's agent status, so that a test can see patch operations on a
// disconnected machine fail (server/hybrid-compute/routes.ts, machineNotConnected).

import type { FastifyInstance } from 'fastify';
import { armTimestamp } from '../../simulator/time-format.js';
import { ArmError } from '../arm/errors.js';
import type { EmulatorServices } from '../services.js';
import { ARC_MACHINE_STATUSES, type ArcMachineStatus } from './machine-store.js';

type StatusParams = { subscriptionId: string; resourceGroup: string; machineName: string };

export const machineStatusSchema = {
  $id: 'ArcMachineStatusChange',
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: [...ARC_MACHINE_STATUSES] } },
} as const;

export async function arcAdminRoutes(app: FastifyInstance, options: { services: EmulatorServices }): Promise<void> {
  const { services } = options;
  const tags = ['emulator'];

  app.put<{ Params: StatusParams; Body: { status: ArcMachineStatus } }>(
    '/_emulator/arcMachines/:subscriptionId/:resourceGroup/:machineName/status',
    { schema: { tags, summary: "Set an Arc machine's agent status (Connected, Disconnected, Error, AwaitingConnection, Expired)", body: machineStatusSchema } },
    async (request) => {
      const { subscriptionId, resourceGroup, machineName } = request.params;
      const machine = services.arcMachines.get(subscriptionId, resourceGroup, machineName);
      if (!machine) throw new ArmError(404, 'NotFound', `The Arc machine '${subscriptionId}/${resourceGroup}/${machineName}' was not found.`);
      // lastStatusChange moves only when the status does, as the agent's heartbeat state does.
      const changedAt = machine.status === request.body.status ? machine.lastStatusChange : new Date(services.clock.now()).toISOString();
      services.arcMachines.updateStatus(machine, request.body.status, changedAt);
      return { name: machine.name, status: request.body.status, lastStatusChange: armTimestamp(Date.parse(changedAt)) };
    },
  );
}
