// GET/POST /_emulator/subscriptions: the subscriptions the emulator knows, and adding one, so that a
// test can make its own subscription (everything under an unknown one answers SubscriptionNotFound).

import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { ArmError } from '../arm/errors.js';
import type { EmulatorServices } from '../services.js';
import { MAX_ADDED_SUBSCRIPTIONS } from '../store/subscription-store.js';

const subscriptionBodySchema = {
  $id: 'EmulatorSubscription',
  type: 'object',
  required: ['subscriptionId'],
  additionalProperties: false,
  properties: {
    subscriptionId: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' },
  },
} as const;

export async function adminSubscriptionRoutes(app: FastifyInstance, options: { services: EmulatorServices }): Promise<void> {
  const { subscriptions } = options.services;
  const tags = ['emulator'];

  app.get('/_emulator/subscriptions', { schema: { tags, summary: 'The subscriptions the emulator knows' } }, async () => ({
    value: subscriptions.list().map((subscriptionId) => ({ subscriptionId })),
  }));

  app.post<{ Body: { subscriptionId: string } }>(
    '/_emulator/subscriptions',
    { schema: { tags, summary: 'Add a subscription (201; 200 when it was known already)', body: subscriptionBodySchema } },
    async (request, reply) => {
      const subscriptionId = request.body.subscriptionId.toLowerCase();
      let added: boolean;
      try {
        added = subscriptions.add(subscriptionId);
      } catch (error) {
        // Only the cap is the caller's doing; a failed write stays a 500 that health records.
        if (!(error instanceof RangeError)) throw error;
        throw new ArmError(409, 'Conflict', `At most ${MAX_ADDED_SUBSCRIPTIONS} subscriptions can be added.`);
      }
      reply.code(added ? 201 : 200);
      return { subscriptionId };
    },
  );
}
