// Resource groups (Microsoft.Resources), so that a test can lay out its own fixtures.

import type { FastifyInstance } from 'fastify';
import { resourceGroupBodySchema } from '../../schemas/resources.js';
import { SUPPORTED_LOCATIONS } from '../../schemas/api-versions.js';
import { ArmError, groupBeingDeleted, operationNotFound } from '../arm/errors.js';
import type { ResourceGroupRecord } from '../store/resource-store.js';
import { normaliseLocation } from '../virtual-machines/resource.js';
import { ARM_PREFIX, RG_PATH, type RouteContext } from './context.js';
import { setRetryAfter } from '../operations/lro.js';
import { currentGroup, existingGroup } from './lookups.js';

type RgParams = { subscriptionId: string; resourceGroupName: string };
const RG_NAME = /^[-\w._()]{1,90}$/u;

function resourceGroupResource(group: ResourceGroupRecord, subscriptionId: string, deleting = false) {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${group.name}`,
    name: group.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: group.location,
    ...(Object.keys(group.tags).length > 0 ? { tags: group.tags } : {}),
    properties: { provisioningState: deleting ? 'Deleting' : 'Succeeded' },
  };
}


export async function resourceGroupRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const config = { arm: { resourceType: 'resourceGroups' as const, bodyName: 'parameters' } };

  app.put<{ Params: RgParams; Body: { location: string; tags?: Record<string, string> } }>(
    RG_PATH,
    { config, schema: { body: resourceGroupBodySchema } },
    async (request, reply) => {
      const { subscriptionId, resourceGroupName } = request.params;
      if (!RG_NAME.test(resourceGroupName) || resourceGroupName.endsWith('.')) {
        throw new ArmError(400, 'InvalidResourceGroup', `The provided resource group name '${resourceGroupName}' has these invalid characters: '${resourceGroupName.replace(/[-\w._()]/gu, '')}'. The name can only be a letter, digit, '-', '.', '_', '(', ')' and cannot end with '.'.`);
      }
      const location = normaliseLocation(request.body.location);
      if (!SUPPORTED_LOCATIONS.includes(location)) {
        throw new ArmError(400, 'LocationNotAvailableForResourceGroup', `The provided location '${request.body.location}' is not available for resource group. List of available regions is '${SUPPORTED_LOCATIONS.join(',')}'.`);
      }
      if (currentGroup(context, subscriptionId, resourceGroupName)?.deleting) throw groupBeingDeleted(resourceGroupName);
      const { created, group } = context.resources.putResourceGroup({
        subscriptionId,
        name: resourceGroupName,
        location,
        tags: request.body.tags ?? {},
      });
      reply.code(created ? 201 : 200);
      return resourceGroupResource(group, subscriptionId);
    },
  );

  app.get<{ Params: RgParams }>(RG_PATH, { config }, async (request) => {
    const { subscriptionId, resourceGroupName } = request.params;
    const { group, deleting } = existingGroup(context, subscriptionId, resourceGroupName);
    return resourceGroupResource(group, subscriptionId, deleting);
  });

  app.get<{ Params: { subscriptionId: string } }>(`${ARM_PREFIX}/resourceGroups`, { config }, async (request) => {
    const { subscriptionId } = request.params;
    const value = context.resources
      .listResourceGroups(subscriptionId)
      .map((g) => currentGroup(context, subscriptionId, g.name))
      .filter((current) => current !== undefined)
      .map((current) => resourceGroupResource(current.group, subscriptionId, current.deleting));
    return { value };
  });

  // ARM deletes a group and everything in it: 202 and a Location to poll, under the completion
  // modes of patch operations; under `instant` the group is gone when the 200 is sent.
  app.delete<{ Params: RgParams }>(RG_PATH, { config }, async (request, reply) => {
    const { subscriptionId, resourceGroupName } = request.params;
    const { group, deleting } = existingGroup(context, subscriptionId, resourceGroupName);
    if (deleting) throw groupBeingDeleted(group.name);
    const operation = context.patchOperations.startGroupDelete(group, request.apiVersion);
    if (!operation) return reply.code(200).send();
    setRetryAfter(reply, context);
    const host = request.host || `localhost:${request.socket.localPort}`;
    return reply
      .code(202)
      .headers({
        location: `${request.protocol}://${host}/subscriptions/${subscriptionId}/operationresults/${operation.id}?api-version=${request.apiVersion}`,
        'x-ms-request-id': operation.id,
        'content-length': '0',
      })
      .send();
  });

  // ARM's operation-result URL for a group's delete: 202 while it runs, 200 once the group is gone.
  app.get<{ Params: { subscriptionId: string; operationId: string } }>(`${ARM_PREFIX}/operationresults/:operationId`, { config }, async (request, reply) => {
    const { subscriptionId, operationId } = request.params;
    const read = context.patchOperations.pollStatus(subscriptionId, operationId);
    if (!read || read.kind !== 'deleteResourceGroup') throw operationNotFound(operationId);
    if (read.status === 'InProgress') {
      setRetryAfter(reply, context);
      const host = request.host || `localhost:${request.socket.localPort}`;
      return reply.code(202).headers({ location: `${request.protocol}://${host}${request.url}`, 'content-length': '0' }).send();
    }
    return reply.code(200).header('content-length', '0').send();
  });
}
