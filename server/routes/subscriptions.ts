// GET /subscriptions, GET /subscriptions/{id} and GET /tenants: what `az login` and
// `Subscription.list()` read after a token is issued. A subscription belongs to the tenant of the
// caller's token, so whatever tenant a client logged in to, its subscriptions are there.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SUBSCRIPTIONS_API_VERSIONS, subscriptionListSchema, subscriptionSchema, tenantListSchema } from '../../schemas/subscriptions.js';
import { subscriptionNotFound } from '../arm/errors.js';
import { decodeClaims, type TokenIssuer } from '../identity/tokens.js';
import type { SubscriptionStore } from '../store/subscription-store.js';

export interface SubscriptionRouteOptions {
  subscriptions: SubscriptionStore;
  issuer: TokenIssuer;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const EMULATED_SUBSCRIPTION_NAME = 'Compute patch emulator';

export async function subscriptionRoutes(app: FastifyInstance, options: SubscriptionRouteOptions): Promise<void> {
  // Subscriptions are an ARM-native type: a wrong api-version is InvalidApiVersionParameter, as for resource groups.
  const config = { arm: { resourceType: 'resourceGroups' as const, apiVersions: SUBSCRIPTIONS_API_VERSIONS } };
  const tags = ['subscriptions'];

  const callerTenant = (request: FastifyRequest): string => {
    const token = String(request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const tid = decodeClaims(token)?.tid;
    return typeof tid === 'string' && GUID.test(tid) ? tid.toLowerCase() : options.issuer.defaultTenantId;
  };
  const subscription = (subscriptionId: string, tenantId: string) => ({
    id: `/subscriptions/${subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId,
    tenantId,
    displayName: EMULATED_SUBSCRIPTION_NAME,
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  });

  app.get('/subscriptions', { config, schema: { summary: 'List the subscriptions the emulator knows', tags, response: { 200: subscriptionListSchema } } }, async (request) => {
    const tenantId = callerTenant(request);
    const value = options.subscriptions.list().map((id) => subscription(id, tenantId));
    return { value, count: { type: 'Total', value: value.length } };
  });

  app.get<{ Params: { subscriptionId: string } }>(
    '/subscriptions/:subscriptionId',
    { config, schema: { summary: 'Get a subscription', tags, response: { 200: subscriptionSchema } } },
    async (request) => {
      const subscriptionId = request.params.subscriptionId.toLowerCase();
      if (!options.subscriptions.has(subscriptionId)) throw subscriptionNotFound(request.params.subscriptionId);
      return subscription(subscriptionId, callerTenant(request));
    },
  );

  app.get('/tenants', { config, schema: { summary: 'List the tenant of the caller', tags, response: { 200: tenantListSchema } } }, async (request) => {
    const tenantId = callerTenant(request);
    return {
      value: [
        {
          id: `/tenants/${tenantId}`,
          tenantId,
          tenantCategory: 'Home',
          countryCode: 'US',
          displayName: 'Compute patch emulator',
          domains: ['emulator.localhost'],
          defaultDomain: 'emulator.localhost',
          tenantType: 'AAD',
        },
      ],
    };
  });
}
