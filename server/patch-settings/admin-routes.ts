// The admin API's trigger of the platform's own runs: a test makes the periodic assessment or the
// monthly automatic installation of a VM happen now, instead of advancing the clock to it.

import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { platformRunSchema } from '../../schemas/platform-runs.js';
import type { PlatformRunKind } from '../../simulator/platform-schedule.js';
import { armTimestamp } from '../../simulator/time-format.js';
import { ArmError } from '../arm/errors.js';
import { startedByOf } from '../operations/patch-operations.js';
import type { EmulatorServices } from '../services.js';

type Params = { subscriptionId: string; resourceGroup: string; vmName: string };

export async function platformRunRoutes(app: FastifyInstance, options: { services: EmulatorServices }): Promise<void> {
  const { services } = options;
  app.post<{ Params: Params; Body: { operation: PlatformRunKind; completion?: 'time' | 'sync' } }>(
    '/_emulator/virtualMachines/:subscriptionId/:resourceGroup/:vmName/platformRuns',
    {
      schema: {
        tags: ['emulator'],
        summary: "Run the platform's own assessment or installation of a VM now (marked startedBy Platform)",
        body: platformRunSchema,
      },
    },
    async (request, reply) => {
      const { subscriptionId, resourceGroup, vmName } = request.params;
      const vm = services.resources.getVirtualMachine(subscriptionId, resourceGroup, vmName);
      if (!vm) throw new ArmError(404, 'NotFound', `The virtual machine '${vmName}' was not found in resource group '${resourceGroup}'.`);
      // The platform patches and assesses running machines only.
      if (vm.powerState !== 'running') throw new ArmError(409, 'Conflict', `The virtual machine '${vm.name}' is ${vm.powerState}: the platform runs only on a running machine.`);
      const operation = services.platformRuns.runNow(vm, request.body.operation, { kind: request.body.completion ?? 'time' });
      reply.code(201);
      return {
        operationId: operation.id,
        operation: operation.kind,
        startedBy: startedByOf(operation),
        status: operation.status,
        startTime: armTimestamp(operation.startMs),
      };
    },
  );
}
