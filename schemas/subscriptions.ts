// Microsoft.Resources subscriptions and tenants (what `az login` lists), and ARM's cloud metadata
// (what `az cloud register --endpoint-resource-manager` reads). Shapes from the REST spec examples
// (Azure/azure-rest-api-specs, Microsoft.Resources/subscriptions, 2022-12-01 GetSubscriptions.json,
// GetTenants.json).

/** The api-versions of Microsoft.Resources/subscriptions (the spec's stable folders). */
export const SUBSCRIPTIONS_API_VERSIONS: readonly string[] = [
  '2015-11-01', '2016-06-01', '2018-06-01', '2019-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-12-01',
];

/** `GET /metadata/endpoints`: 2015-01-01 answers one object (older az); later versions a list of clouds. */
export const METADATA_ENDPOINTS_API_VERSIONS: readonly string[] = ['2015-01-01', '2018-01-01', '2019-05-01', '2020-06-01', '2022-09-01'];

export const subscriptionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    authorizationSource: { type: 'string' },
    managedByTenants: { type: 'array', items: { type: 'object', properties: { tenantId: { type: 'string' } } } },
    subscriptionId: { type: 'string' },
    tenantId: { type: 'string' },
    displayName: { type: 'string' },
    state: { type: 'string', enum: ['Enabled', 'Warned', 'PastDue', 'Disabled', 'Deleted'] },
    subscriptionPolicies: {
      type: 'object',
      properties: { locationPlacementId: { type: 'string' }, quotaId: { type: 'string' }, spendingLimit: { type: 'string' } },
    },
  },
  required: ['id', 'subscriptionId', 'tenantId', 'displayName', 'state'],
} as const;

export const subscriptionListSchema = {
  type: 'object',
  properties: {
    value: { type: 'array', items: subscriptionSchema },
    count: { type: 'object', properties: { type: { type: 'string' }, value: { type: 'integer' } } },
  },
  required: ['value'],
} as const;

export const tenantListSchema = {
  type: 'object',
  properties: {
    value: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          tenantId: { type: 'string' },
          tenantCategory: { type: 'string' },
          countryCode: { type: 'string' },
          displayName: { type: 'string' },
          domains: { type: 'array', items: { type: 'string' } },
          defaultDomain: { type: 'string' },
          tenantType: { type: 'string' },
        },
        required: ['id', 'tenantId'],
      },
    },
  },
  required: ['value'],
} as const;

export const metadataEndpointsQuerySchema = {
  type: 'object',
  properties: { 'api-version': { type: 'string', enum: METADATA_ENDPOINTS_API_VERSIONS } },
} as const;

const authentication = {
  type: 'object',
  properties: {
    loginEndpoint: { type: 'string' },
    audiences: { type: 'array', items: { type: 'string' } },
    tenant: { type: 'string' },
    identityProvider: { type: 'string' },
  },
  required: ['loginEndpoint', 'audiences'],
} as const;

const cloudEndpoints = {
  type: 'object',
  description: 'one cloud: the array items of 2018-01-01 to 2020-06-01, and the whole answer of 2022-09-01',
  properties: {
    name: { type: 'string' },
    resourceManager: { type: 'string' },
    portal: { type: 'string' },
    gallery: { type: 'string' },
    graph: { type: 'string' },
    graphAudience: { type: 'string' },
    microsoftGraphResourceId: { type: 'string' },
    authentication,
    suffixes: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['name', 'resourceManager', 'authentication', 'suffixes'],
} as const;

export const metadataEndpointsResponseSchema = {
  oneOf: [
    {
      type: 'object',
      description: 'api-version 2015-01-01',
      properties: {
        galleryEndpoint: { type: 'string' },
        graphEndpoint: { type: 'string' },
        portalEndpoint: { type: 'string' },
        authentication,
      },
      required: ['graphEndpoint', 'authentication'],
    },
    { type: 'array', description: 'api-versions 2018-01-01 to 2020-06-01', items: cloudEndpoints },
    cloudEndpoints,
  ],
} as const;
