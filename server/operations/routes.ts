// POST .../virtualMachines/{vm}/installPatches and /assessPatches, and the operation URLs clients
// poll (docs/api.md).

import { changesAt, INSTALL_PARAMETERS_SHAPE, shapeFor } from '../arm/versioned-shapes.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ASSESS_PATCHES_API_VERSIONS,
  INSTALL_PATCHES_API_VERSIONS,
  MAXIMUM_DURATION_REQUIRED_IN,
} from '../../schemas/api-versions.js';
import { assessResultSchema, installResultSchema, statusEnvelopeSchema } from '../../schemas/patch-results.js';
import { installPatchesBodySchema, type InstallPatchesBody, type SchemaTypes } from '../../schemas/install-patches.js';
import { chargeCrpBudget } from '../arm/rate-limits.js';
import { operationNotFound, requiredParameterMissing, vmDeallocated, vmStopped } from '../arm/errors.js';
import { loadVm, vmOf, type VmParams } from '../routes/lookups.js';
import { isArcOperationKey } from '../hybrid-compute/machines.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';
import { ARM_PREFIX, VM_PATH, type RouteContext } from '../routes/context.js';
import { sendFinalResult, sendStarted, setRetryAfter, statusEnvelopeJson } from './lro.js';

type OperationParams = { subscriptionId: string; location: string; operationId: string };

/** What Fastify sends with a serialised object: stored JSON text goes out under the same type. */
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * What the operation URL answers with 200: the status envelope, or (the Location URL, `monitor=true`)
 * the result itself. The answers are stored JSON text, sent as those bytes: Fastify serialises
 * only objects, so these schemas describe the answers (the OpenAPI document) and never rewrite them.
 */
const operationAnswerSchema = { anyOf: [statusEnvelopeSchema, installResultSchema, assessResultSchema] } as const;

const OPERATION_PATH = `${ARM_PREFIX}/providers/Microsoft.Compute/locations/:location/operations/:operationId`;

export async function patchOperationRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  /**
   * CRP's guest-patch budgets, counted once the VM is found (a name that exists nowhere keys no
   * budget), failed operations included (cli-recording shows them counted).
   */
  const countGuestPatchBudgets = (vm: VirtualMachineRecord, reply: FastifyReply) => {
    chargeCrpBudget(reply, context.rateLimits.guestPatch(vm.subscriptionId, `${vm.subscriptionId}/${vm.resourceGroup}/${vm.name}`));
  };

  /** After loadVm's existence checks (group, then VM): the budgets, then the VM's power state. */
  const runningVm = (request: FastifyRequest, operation: string, reply: FastifyReply): VirtualMachineRecord => {
    const { vm } = vmOf(request);
    countGuestPatchBudgets(vm, reply);
    if (vm.powerState === 'deallocated') throw vmDeallocated(operation, vm.name);
    if (vm.powerState === 'stopped') throw vmStopped(operation, vm.name);
    return vm;
  };

  // The body's type comes from its schema (the json-schema-to-ts type provider); loadVm reads the params.
  const fromSchemas = app.withTypeProvider<SchemaTypes>();
  fromSchemas.post(
    `${VM_PATH}/installPatches`,
    {
      config: { arm: { resourceType: 'virtualMachines', apiVersions: INSTALL_PATCHES_API_VERSIONS, bodyName: 'installPatchesInput' } },
      schema: { body: installPatchesBodySchema, response: { 200: installResultSchema } },
      // The body's required fields are checked before the VM is looked up, as ARM does.
      preHandler: [
        async (request) => {
          if (MAXIMUM_DURATION_REQUIRED_IN.includes(request.apiVersion) && request.body.maximumDuration === undefined) {
            throw requiredParameterMissing('maximumDuration');
          }
        },
        loadVm(context, 'installPatches'),
      ],
    },
    async (request, reply) => {
      const vm = runningVm(request, 'installPatches', reply);
      // loadVm settled the VM for this request: the start takes what it left running.
      const operation = context.patchOperations.startInstall(vm, installParametersAt(request.body, request.apiVersion), request.apiVersion, undefined, undefined, vmOf(request).running);
      return sendStarted(request, reply, context, operation);
    },
  );

  // assessPatches takes no body (VirtualMachines_AssessPatches has no body parameter); one sent anyway is ignored.
  app.post<{ Params: VmParams }>(
    `${VM_PATH}/assessPatches`,
    {
      config: { arm: { resourceType: 'virtualMachines', apiVersions: ASSESS_PATCHES_API_VERSIONS } },
      schema: { response: { 200: assessResultSchema } },
      preHandler: loadVm(context, 'assessPatches'),
    },
    async (request, reply) => {
      const vm = runningVm(request, 'assessPatches', reply);
      return sendStarted(request, reply, context, context.patchOperations.startAssess(vm, request.apiVersion, undefined, vmOf(request).running));
    },
  );

  app.get<{ Params: OperationParams; Querystring: { monitor?: string; p?: string | string[] } }>(
    OPERATION_PATH,
    { config: { arm: { resourceType: 'virtualMachines' } }, schema: { response: { 200: operationAnswerSchema } } },
    async (request, reply) => {
      const { subscriptionId, location, operationId } = request.params;
      // The URLs the emulator hands out carry the operation's token; one that does not match (an
      // old URL, a guessed id) finds nothing. A URL without it (typed by hand) is served.
      const token = request.query.p;
      if (token !== undefined && String(token) !== context.patchOperations.pollingToken(operationId.toLowerCase())) throw operationNotFound(operationId);
      const monitor = String(request.query.monitor ?? '').toLowerCase() === 'true';
      const read = monitor ? context.patchOperations.read(subscriptionId, operationId) : context.patchOperations.pollStatus(subscriptionId, operationId);
      // An Arc machine's operation has its own URL (server/hybrid-compute/routes.ts).
      if (!read || read.location !== location.toLowerCase() || isArcOperationKey(read.vmName)) throw operationNotFound(operationId);
      chargeCrpBudget(reply, context.rateLimits.operationPoll(subscriptionId, read.id));
      if (!monitor) {
        if (read.status === 'InProgress') setRetryAfter(reply, context);
        return reply.type(JSON_TYPE).send(statusEnvelopeJson(read));
      }
      // The Location URL: 202 and itself while running, then the final result.
      if (read.status === 'InProgress') {
        setRetryAfter(reply, context);
        const host = request.host || `localhost:${request.socket.localPort}`;
        reply.code(202).headers({ location: `${request.protocol}://${host}${request.url}`, 'content-length': '0' }).send();
        return reply;
      }
      return sendFinalResult(reply, read);
    },
  );
}

/** The body as the request's api-version defines it (server/arm/versioned-shapes.ts). */
function installParametersAt(body: InstallPatchesBody, apiVersion: string): InstallPatchesBody {
  return changesAt(body, apiVersion, INSTALL_PARAMETERS_SHAPE) ? shapeFor(body, apiVersion, INSTALL_PARAMETERS_SHAPE) : body;
}
