// Azure Arc-enabled servers (Microsoft.HybridCompute/machines): create or update, update (PATCH),
// get, list in a group and in the subscription, delete, and the patch operations installPatches and
// assessPatches with the operation-result URL they hand out (docs/api.md, README "Arc-enabled
// servers"). The patch operations run through the same service, plans, completion modes and
// operation store as a VM's; what differs is what the Arc resource provider sends
// (docs/update-manager-wire-format.md#arc-long-running-operations): a 202 with `Location` and
// `Retry-After` only, a Location URL under `updateCenterOperationResults` that answers 202 (with a
// fresh Location) while the run goes on and then 200 with the result, and HybridCompute's result
// shapes.

import { arcAssessResultSchema, arcInstallResultSchema } from '../../schemas/patch-results.js';
import { mergedUpdate } from '../arm/update.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HYBRID_COMPUTE_PATCH_API_VERSIONS, SUPPORTED_LOCATIONS } from '../../schemas/api-versions.js';
import { arcInstallPatchesBodySchema, arcMachineBodySchema, arcMachineUpdateSchema } from '../../schemas/hybrid-compute.js';
import type { InstallParameters } from '../../simulator/selection.js';
import { ArmError, groupBeingDeleted, operationNotFound, resourceNotFound } from '../arm/errors.js';
import type { EmulatorOperation } from '../operations/patch-operations.js';
import { ARM_PREFIX, RG_PATH, type RouteContext } from '../routes/context.js';
import { sendFinalResult, setRetryAfter } from '../operations/lro.js';
import { currentGroup, existingGroup } from '../routes/lookups.js';
import type { ArcMachineRecord, ArcMachineStore } from './machine-store.js';
import { ARC_MACHINE_TYPE, arcMachineResource, isArcOperationKey, MACHINE_NAME, newArcMachine, patchSettingsOf } from './machines.js';
import { arcPatchTarget } from './patch-targets.js';

export interface ArcRouteContext extends RouteContext {
  arcMachines: ArcMachineStore;
}

type MachineParams = { subscriptionId: string; resourceGroupName: string; machineName: string };
type MachineBody = { location: string; tags?: Record<string, string>; properties?: Record<string, unknown> };
type MachineUpdate = { tags?: Record<string, string>; properties?: Record<string, unknown> };
type ResultParams = { subscriptionId: string; location: string; operationId: string };

export const MACHINE_PATH = `${RG_PATH}/providers/Microsoft.HybridCompute/machines/:machineName`;
const RESULT_PATH = `${ARM_PREFIX}/providers/Microsoft.HybridCompute/locations/:location/updateCenterOperationResults/:operationId`;

/**
 * The first api-version whose Machines_Delete is long-running (202/204): the TypeSpec's versions
 * (hc-typespec `Machine.tsp`; docs/update-manager-wire-format.md#the-machine-resource). Which
 * earlier preview changed it is not verified.
 */
export const DELETE_IS_LONG_RUNNING_SINCE = '2025-09-16';

/** Every answer of the Arc patch endpoints says so, whatever api-version was asked (arc-ps-recordings). */
const SUPPORTED_VERSIONS_HEADER = { 'api-supported-versions': '2020-08-15-preview' };

/**
 * A patch operation on a machine whose agent is not connected: refused at once with 409
 * `MachineNotConnected`. What Azure answers is not documented anywhere public
 * (docs/update-manager-wire-format.md#a-disconnected-arc-machine); this is the emulator's choice.
 */
export const machineNotConnected = (operation: string, machine: ArcMachineRecord) =>
  new ArmError(
    409,
    'MachineNotConnected',
    `Cannot perform '${operation}' on machine '${machine.name}': its status is '${machine.status}'. Patch operations need the Azure Connected Machine agent to be connected (a heartbeat within the last 15 minutes).`,
  );

/** The operation's Location URL, on the scheme and host the client used (azure-mgmt-core ignores relative URLs). */
function resultUrl(request: FastifyRequest, context: ArcRouteContext, operation: { subscriptionId: string; location: string; id: string }): string {
  const host = request.host || `localhost:${request.socket.localPort}`;
  return (
    `${request.protocol}://${host}/subscriptions/${operation.subscriptionId}/providers/Microsoft.HybridCompute/locations/${operation.location}` +
    `/updateCenterOperationResults/${operation.id}?api-version=${request.apiVersion}&p=${context.patchOperations.pollingToken(operation.id)}`
  );
}

export async function arcMachineRoutes(app: FastifyInstance, context: ArcRouteContext): Promise<void> {
  const config = { arm: { resourceType: 'machines' as const, bodyName: 'parameters' } };
  const machines = context.arcMachines;

  /** The group, then the machine (ARM's order), with the provisioning state the group's delete gives it. */
  const findMachine = (params: MachineParams) => {
    const group = existingGroup(context, params.subscriptionId, params.resourceGroupName);
    const machine = machines.get(params.subscriptionId, group.group.name, params.machineName);
    if (!machine) throw resourceNotFound(ARC_MACHINE_TYPE, params.machineName, params.resourceGroupName);
    return { machine, provisioningState: group.deleting ? 'Deleting' : 'Succeeded' };
  };
  const resource = (machine: ArcMachineRecord, apiVersion: string, provisioningState?: string) =>
    arcMachineResource(machine, apiVersion, context.seed, provisioningState);

  // CreateOrUpdate answers 200 synchronously, for a new machine as for an existing one.
  /**
   * A machine's new definition. What the platform started under the old settings happens first;
   * periodic assessment switched on is counted from now (its first run a day later), switched off
   * is forgotten.
   */
  const redefine = (machine: ArcMachineRecord, definition: ArcMachineRecord['definition']) => {
    context.patchOperations.settleVm(arcPatchTarget(machine));
    const current = machines.get(machine.subscriptionId, machine.resourceGroup, machine.name) ?? machine;
    const periodic = (m: Pick<ArcMachineRecord, 'osFamily' | 'definition'>) => String(patchSettingsOf(m as ArcMachineRecord).assessmentMode).toLowerCase() === 'automaticbyplatform';
    const before = periodic(current);
    const after = periodic({ osFamily: current.osFamily, definition });
    machines.updateDefinition(current, definition);
    if (before === after) return;
    const { platform: _dropped, ...patchState } = current.patchState;
    machines.updatePatchState(current, after ? { ...patchState, platform: { assessedMs: context.clock.now() } } : patchState);
  };

  app.put<{ Params: MachineParams; Body: MachineBody }>(MACHINE_PATH, { config, schema: { body: arcMachineBodySchema } }, async (request) => {
    const { subscriptionId, resourceGroupName, machineName } = request.params;
    const group = existingGroup(context, subscriptionId, resourceGroupName);
    if (group.deleting) throw groupBeingDeleted(group.group.name);
    if (!MACHINE_NAME.test(machineName)) {
      throw new ArmError(400, 'InvalidParameter', `Machine name '${machineName}' is not valid: up to 54 letters, digits, '-', '_' and '.'.`, { target: 'machineName' });
    }
    const given = newArcMachine({ ...request.body, subscriptionId, resourceGroup: group.group.name, name: machineName }, context.seed, context.clock.now());
    if (!SUPPORTED_LOCATIONS.includes(given.location)) {
      throw new ArmError(400, 'LocationNotAvailableForResourceType', `The provided location '${request.body.location}' is not available for resource type '${ARC_MACHINE_TYPE}'. List of available regions is '${SUPPORTED_LOCATIONS.join(',')}'.`);
    }
    const existing = machines.get(subscriptionId, group.group.name, machineName);
    if (existing) {
      // The agent reports the OS: an update keeps the machine's identity, OS and status; tags and properties are replaced.
      redefine(existing, given.definition);
      return resource({ ...existing, definition: given.definition }, request.apiVersion);
    }
    machines.insert(given);
    return resource(machines.get(subscriptionId, group.group.name, machineName)!, request.apiVersion);
  });

  // Update: tags and properties (the patch settings) merged in; the answer says `Updating`, as recorded.
  app.patch<{ Params: MachineParams; Body: MachineUpdate }>(MACHINE_PATH, { config, schema: { body: arcMachineUpdateSchema } }, async (request) => {
    const { machine } = findMachine(request.params);
    const update = request.body ?? {};
    const tags = update.tags ?? machine.definition.tags;
    const definition = { ...(tags !== undefined ? { tags } : {}), properties: mergedUpdate(machine.definition.properties, update.properties ?? {}) };
    redefine(machine, definition);
    return resource({ ...machine, definition }, request.apiVersion, 'Updating');
  });

  app.get<{ Params: MachineParams }>(MACHINE_PATH, { config }, async (request) => {
    const { machine, provisioningState } = findMachine(request.params);
    return resource(machine, request.apiVersion, provisioningState);
  });

  app.get<{ Params: Omit<MachineParams, 'machineName'> }>(`${RG_PATH}/providers/Microsoft.HybridCompute/machines`, { config }, async (request) => {
    const { subscriptionId, resourceGroupName } = request.params;
    const group = existingGroup(context, subscriptionId, resourceGroupName);
    const state = group.deleting ? 'Deleting' : 'Succeeded';
    return { value: machines.list(subscriptionId, group.group.name).map((machine) => resource(machine, request.apiVersion, state)) };
  });

  app.get<{ Params: { subscriptionId: string } }>(`${ARM_PREFIX}/providers/Microsoft.HybridCompute/machines`, { config }, async (request) => {
    const { subscriptionId } = request.params;
    // Settling each group first: a group whose delete has completed has taken its machines with it.
    const deleting = new Map<string, boolean>();
    for (const group of context.resources.listResourceGroups(subscriptionId)) {
      const current = currentGroup(context, subscriptionId, group.name);
      if (current) deleting.set(current.group.name.toLowerCase(), current.deleting);
    }
    return {
      value: machines
        .list(subscriptionId)
        .filter((machine) => deleting.has(machine.resourceGroup.toLowerCase()))
        .map((machine) => resource(machine, request.apiVersion, deleting.get(machine.resourceGroup.toLowerCase()) ? 'Deleting' : 'Succeeded')),
    };
  });

  // Delete, at once: 200 when the machine was there, 204 when not (Machines_Delete up to 2025); from
  // DELETE_IS_LONG_RUNNING_SINCE the specification makes it long-running with 202 or 204 only
  // (azure-mgmt-hybridcompute 10.0.0 refuses a 200), so it answers 204, finished. Its operations
  // stay readable by id, and a machine created again under the name starts a history of its own.
  app.delete<{ Params: MachineParams }>(MACHINE_PATH, { config }, async (request, reply) => {
    const { subscriptionId, resourceGroupName, machineName } = request.params;
    const group = existingGroup(context, subscriptionId, resourceGroupName);
    const deleted = machines.delete(subscriptionId, group.group.name, machineName);
    const longRunning = request.apiVersion.slice(0, 10) >= DELETE_IS_LONG_RUNNING_SINCE;
    return reply.code(deleted && !longRunning ? 200 : 204).send();
  });

  /** A machine a patch operation can run on: found, and its agent connected. */
  const connectedMachine = (params: MachineParams, operation: string, reply: FastifyReply) => {
    reply.headers(SUPPORTED_VERSIONS_HEADER);
    const { machine, provisioningState } = findMachine(params);
    if (provisioningState === 'Deleting') throw groupBeingDeleted(params.resourceGroupName);
    if (machine.status !== 'Connected') throw machineNotConnected(operation, machine);
    return arcPatchTarget(machine);
  };

  /** 202 with Location and Retry-After (no Azure-AsyncOperation); or, finished within the request (`sync`), the 200 with the result. */
  const sendStarted = (request: FastifyRequest, reply: FastifyReply, operation: EmulatorOperation) => {
    request.startedOperationId = operation.id;
    if (operation.status !== 'InProgress') return sendFinalResult(reply, operation);
    setRetryAfter(reply, context);
    return reply.code(202).headers({ location: resultUrl(request, context, operation), 'content-length': '0' }).send();
  };

  const patchConfig = { arm: { resourceType: 'machines' as const, apiVersions: HYBRID_COMPUTE_PATCH_API_VERSIONS, bodyName: 'installPatchesInput' } };

  app.post<{ Params: MachineParams; Body: InstallParameters }>(
    `${MACHINE_PATH}/installPatches`,
    { config: patchConfig, schema: { body: arcInstallPatchesBodySchema, response: { 200: arcInstallResultSchema } } },
    async (request, reply) => {
      const machine = connectedMachine(request.params, 'installPatches', reply);
      return sendStarted(request, reply, context.patchOperations.startInstall(machine, request.body, request.apiVersion));
    },
  );

  // assessPatches has no body; one sent anyway (the Learn page sends `{}`) is ignored.
  app.post<{ Params: MachineParams }>(`${MACHINE_PATH}/assessPatches`, { config: patchConfig, schema: { response: { 200: arcAssessResultSchema } } }, async (request, reply) => {
    const machine = connectedMachine(request.params, 'assessPatches', reply);
    return sendStarted(request, reply, context.patchOperations.startAssess(machine, request.apiVersion));
  });

  // The Location URL: the status monitor of an Arc patch operation, so each GET counts as a poll
  // (polls:N); 202 and a fresh Location while it runs, then 200 with the result.
  // The 200s are stored JSON text, sent as those bytes: the response schemas describe them (OpenAPI) and never rewrite them.
  const resultSchema = { response: { 200: { anyOf: [arcInstallResultSchema, arcAssessResultSchema] } } };
  app.get<{ Params: ResultParams; Querystring: { p?: string | string[] } }>(RESULT_PATH, { config: { arm: { resourceType: 'machines' } }, schema: resultSchema }, async (request, reply) => {
    reply.headers(SUPPORTED_VERSIONS_HEADER);
    const { subscriptionId, location, operationId } = request.params;
    const token = request.query.p;
    if (token !== undefined && String(token) !== context.patchOperations.pollingToken(operationId.toLowerCase())) throw operationNotFound(operationId);
    const read = context.patchOperations.pollStatus(subscriptionId, operationId);
    // A VM's operation is not an Arc machine's, whatever its id.
    if (!read || !isArcOperationKey(read.vmName) || read.location !== location.toLowerCase()) throw operationNotFound(operationId);
    if (read.status === 'InProgress') {
      setRetryAfter(reply, context);
      return reply.code(202).headers({ location: resultUrl(request, context, read), 'content-length': '0' }).send();
    }
    return sendFinalResult(reply, read);
  });
}
