// Resource groups (Microsoft.Resources), so that a test can lay out its own fixtures.

import type { FastifyInstance } from 'fastify';
import { resourceGroupBodySchema } from '../../schemas/resources.js';
import { SUPPORTED_LOCATIONS } from '../../schemas/api-versions.js';
import { ArmError, resourceGroupNotFound } from '../arm/errors.js';
import type { ResourceGroupRecord } from '../store/resource-store.js';
import { normaliseLocation } from '../virtual-machines.js';
import { ARM_PREFIX, RG_PATH, type RouteContext } from './context.js';

type RgParams = { subscriptionId: string; resourceGroupName: string };
const RG_NAME = /^[-\w._()]{1,90}$/u;

function resourceGroupResource(group: ResourceGroupRecord, subscriptionId: string) {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${group.name}`,
    name: group.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: group.location,
    ...(Object.keys(group.tags).length > 0 ? { tags: group.tags } : {}),
    properties: { provisioningState: 'Succeeded' },
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
    const group = context.resources.getResourceGroup(subscriptionId, resourceGroupName);
    if (!group) throw resourceGroupNotFound(resourceGroupName);
    return resourceGroupResource(group, subscriptionId);
  });

  app.get<{ Params: { subscriptionId: string } }>(`${ARM_PREFIX}/resourceGroups`, { config }, async (request) => ({
    value: context.resources.listResourceGroups(request.params.subscriptionId).map((g) => resourceGroupResource(g, request.params.subscriptionId)),
  }));

  // ARM deletes a group and everything in it; the emulator does so at once and answers 200.
  app.delete<{ Params: RgParams }>(RG_PATH, { config }, async (request, reply) => {
    const { subscriptionId, resourceGroupName } = request.params;
    if (!context.resources.deleteResourceGroup(subscriptionId, resourceGroupName)) throw resourceGroupNotFound(resourceGroupName);
    reply.code(200).send();
  });
}
