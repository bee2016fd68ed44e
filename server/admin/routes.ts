// The admin API under /_emulator/: completion modes, the clock, scenarios, fault rules, reset,
// state export/import and the request journal. Every body is validated against schemas/admin.ts
// and every error is a CloudError, like the ARM API's.

import type { FastifyInstance } from 'fastify';
// Brings the OpenAPI keywords (tags, summary) into the route schema types.
import type {} from '@fastify/swagger';
import {
  clockChangeSchema,
  completionRuleSchema,
  completionSettingsSchema,
  faultRuleSchema,
  journalQuerySchema,
  MAX_FAULT_RULES,
  MAX_SCENARIOS,
  operationCompletionSchema,
  resetSchema,
  scenarioSchema,
} from '../../schemas/admin.js';
import { stateDocumentSchema } from '../../schemas/state.js';
import { LATEST_TIME_MS } from '../../simulator/clock.js';
import { parseDurationMs } from '../../simulator/duration.js';
import type { FaultRule } from '../../simulator/faults.js';
import { parseCompletionMode, type CompletionRule } from '../../simulator/progress.js';
import type { Scenario } from '../../simulator/scenario.js';
import { armTimestamp } from '../../simulator/time-format.js';
import { ArmError, operationNotFound, parameterInvalid } from '../arm/errors.js';
import type { SeedDocument } from '../seed.js';
import type { EmulatorServices } from '../services.js';
import type { RequestJournal } from './journal.js';
import { exportState, importState, resetState, type ResetRequest, type StateDocument } from '../state/state.js';
import { checkStateDocument } from '../state/state-validation.js';

export interface AdminOptions {
  services: EmulatorServices;
  journal: RequestJournal;
  seedDocument: SeedDocument;
  /** The configured clock speed, restored by a reset. */
  clockSpeed: number;
}


/** Rules and scenarios are matched on every request: their number is bounded (docs/reliability.md). */
const tooMany = (what: string, limit: number, target: string) =>
  new ArmError(400, 'InvalidParameter', `At most ${limit} ${what} can be set at once; delete one first.`, { target });

const stateDocumentInvalid = (path: string, reason: string) =>
  new ArmError(400, 'InvalidParameter', `The state document is invalid: '${path}' ${reason}.`, { target: path });

const conflict = (message: string) => new ArmError(409, 'Conflict', message);
const notFound = (what: string, id: string) => new ArmError(404, 'NotFound', `The ${what} '${id}' was not found.`);

export async function adminRoutes(app: FastifyInstance, options: AdminOptions): Promise<void> {
  const { services, journal } = options;
  const control = services.control;
  app.addSchema(completionRuleSchema);
  const tags = ['emulator'];

  const clockView = () => {
    const { nowMs, speed, frozen } = services.clock.snapshot();
    return { now: armTimestamp(nowMs), speed, frozen };
  };

  // Completion modes ------------------------------------------------------------------------------
  app.get('/_emulator/completion', { schema: { tags, summary: 'The default completion mode and the per-scope rules' } }, async () => control.snapshot().completion);

  app.put<{ Body: { default?: string; rules?: CompletionRule[] } }>(
    '/_emulator/completion',
    { schema: { tags, summary: 'Set the default completion mode and/or the per-scope rules', body: completionSettingsSchema } },
    async (request) => {
      const current = control.snapshot().completion;
      const normalise = (mode: string) => {
        const parsed = parseCompletionMode(mode);
        if (!parsed) throw new ArmError(400, 'InvalidParameter', `The value of parameter mode is invalid.`, { target: 'mode' });
        return mode.toLowerCase();
      };
      control.setCompletion({
        default: request.body.default !== undefined ? normalise(request.body.default) : current.default,
        rules: request.body.rules !== undefined ? request.body.rules.map((rule) => ({ ...rule, mode: normalise(rule.mode) })) : current.rules,
      });
      return control.snapshot().completion;
    },
  );

  app.put<{ Params: { subscriptionId: string; operationId: string }; Body: { mode: string } }>(
    '/_emulator/operations/:subscriptionId/:operationId/completion',
    { schema: { tags, summary: 'Change how one running operation completes', body: operationCompletionSchema } },
    async (request) => {
      const { subscriptionId, operationId } = request.params;
      const operation = services.operations.get(subscriptionId, operationId);
      if (!operation) throw operationNotFound(operationId);
      if (!services.patchOperations.setCompletion(subscriptionId, operationId, parseCompletionMode(request.body.mode)!)) {
        throw conflict(`The operation '${operationId}' has already completed.`);
      }
      return { operationId: operation.id, completion: request.body.mode.toLowerCase() };
    },
  );

  // The clock ---------------------------------------------------------------------------------------
  app.get('/_emulator/clock', { schema: { tags, summary: 'Simulated now, speed, frozen' } }, async () => clockView());

  app.post<{ Body: { speed?: number; frozen?: boolean; advance?: string; set?: string } }>(
    '/_emulator/clock',
    { schema: { tags, summary: 'Set the speed, freeze or unfreeze, advance by a duration, or set the time', body: clockChangeSchema } },
    async (request) => {
      const { speed, frozen, advance, set } = request.body;
      // The clock stays where ARM timestamps can go (docs/reliability.md): the date-time format
      // admits a leap second ("...T23:59:60Z") that Date.parse cannot place, and an advance can be
      // as long as 64 digits of weeks.
      const setMs = set !== undefined ? Date.parse(set) : undefined;
      if (setMs !== undefined && !Number.isFinite(setMs)) throw parameterInvalid('set');
      const advanceMs = advance !== undefined ? parseDurationMs(advance)! : 0;
      if (!((setMs ?? services.clock.now()) + advanceMs <= LATEST_TIME_MS)) throw parameterInvalid('advance');
      if (setMs !== undefined) services.clock.set(setMs);
      if (speed !== undefined) services.clock.setSpeed(speed);
      if (frozen !== undefined) services.clock.setFrozen(frozen);
      if (advance !== undefined) services.clock.advance(advanceMs);
      return clockView();
    },
  );

  // Scenarios ---------------------------------------------------------------------------------------
  app.get('/_emulator/scenarios', { schema: { tags, summary: 'Scenarios, in the order they are matched' } }, async () => ({ value: control.snapshot().scenarios }));

  app.post<{ Body: Omit<Scenario, 'id' | 'match'> & { id?: string; match?: Scenario['match'] } }>(
    '/_emulator/scenarios',
    { schema: { tags, summary: 'Add a scenario: the outcome of the next matching operations', body: scenarioSchema } },
    async (request, reply) => {
      const existing = control.snapshot().scenarios;
      if (existing.length >= MAX_SCENARIOS && !existing.some((s) => s.id === request.body.id)) throw tooMany('scenarios', MAX_SCENARIOS, 'scenarios');
      const scenario: Scenario = { ...request.body, id: request.body.id ?? control.newId('scenario'), match: request.body.match ?? {} };
      control.addScenario(scenario);
      reply.code(201);
      return scenario;
    },
  );

  app.delete<{ Params: { id: string } }>('/_emulator/scenarios/:id', { schema: { tags, summary: 'Delete a scenario' } }, async (request, reply) => {
    if (!control.deleteScenario(request.params.id)) throw notFound('scenario', request.params.id);
    reply.code(204).send();
  });

  app.delete('/_emulator/scenarios', { schema: { tags, summary: 'Delete every scenario' } }, async (_request, reply) => {
    control.clearScenarios();
    reply.code(204).send();
  });

  // Fault rules -------------------------------------------------------------------------------------
  app.get('/_emulator/faults', { schema: { tags, summary: 'HTTP fault rules with their counters' } }, async () => ({ value: control.faults() }));

  app.post<{ Body: Omit<FaultRule, 'id' | 'matched' | 'match'> & { id?: string; match?: FaultRule['match'] } }>(
    '/_emulator/faults',
    { schema: { tags, summary: 'Add an HTTP fault rule', body: faultRuleSchema } },
    async (request, reply) => {
      if (control.faults().length >= MAX_FAULT_RULES && !control.faults().some((f) => f.id === request.body.id)) throw tooMany('fault rules', MAX_FAULT_RULES, 'faults');
      const rule: FaultRule = { ...request.body, id: request.body.id ?? control.newId('fault'), match: request.body.match ?? {}, matched: 0 };
      control.addFault(rule);
      reply.code(201);
      return rule;
    },
  );

  app.delete<{ Params: { id: string } }>('/_emulator/faults/:id', { schema: { tags, summary: 'Delete a fault rule' } }, async (request, reply) => {
    if (!control.deleteFault(request.params.id)) throw notFound('fault rule', request.params.id);
    reply.code(204).send();
  });

  app.delete('/_emulator/faults', { schema: { tags, summary: 'Delete every fault rule' } }, async (_request, reply) => {
    control.clearFaults();
    reply.code(204).send();
  });

  // Reset, export, import ---------------------------------------------------------------------------
  app.post<{ Body: ResetRequest | undefined }>(
    '/_emulator/reset',
    {
      schema: { tags, summary: 'Back to the seed: everything, or one subscription, resource group or VM', body: resetSchema },
      // A bare `POST /_emulator/reset` (no body) resets everything.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
    },
    async (request) => {
      const body = request.body ?? {};
      resetState(services, options.seedDocument, options.clockSpeed, body);
      if (body.subscriptionId === undefined) journal.clear();
      return { reset: body.vmName ? 'virtualMachine' : body.resourceGroup ? 'resourceGroup' : body.subscriptionId ? 'subscription' : 'everything' };
    },
  );

  app.get('/_emulator/state', { schema: { tags, summary: 'Everything the emulator holds, as one JSON document' } }, async () => exportState(services));

  app.put<{ Body: StateDocument }>(
    '/_emulator/state',
    {
      schema: { tags, summary: 'Replace everything with a document from GET /_emulator/state', body: stateDocumentSchema },
      // The whole document, references included, is checked before anything is changed; the first
      // bad value is named by its path.
      validatorCompiler: () => (document: unknown) => {
        const problem = checkStateDocument(document, services.catalogues);
        return problem ? { error: stateDocumentInvalid(problem.path, problem.reason) } : { value: document };
      },
    },
    async (request) => {
      importState(services, request.body);
      return { imported: { resourceGroups: request.body.resourceGroups.length, virtualMachines: request.body.virtualMachines.length, arcMachines: (request.body.arcMachines ?? []).length, operations: request.body.operations.length } };
    },
  );

  // The request journal ------------------------------------------------------------------------------
  app.get<{ Querystring: { method?: string; path?: string; status?: string; operationId?: string; limit?: string } }>(
    '/_emulator/requests',
    { schema: { tags, summary: 'Recent ARM requests, oldest first', querystring: journalQuerySchema } },
    async (request) => {
      const { method, path, status, operationId, limit } = request.query;
      return {
        capacity: journal.capacity,
        value: journal.list({
          ...(method !== undefined ? { method } : {}),
          ...(path !== undefined ? { path } : {}),
          ...(status !== undefined ? { status: Number(status) } : {}),
          ...(operationId !== undefined ? { operationId } : {}),
          ...(limit !== undefined ? { limit: Number(limit) } : {}),
        }),
      };
    },
  );

  app.delete('/_emulator/requests', { schema: { tags, summary: 'Clear the request journal' } }, async (_request, reply) => {
    journal.clear();
    reply.code(204).send();
  });
}
