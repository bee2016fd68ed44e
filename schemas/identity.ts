// The identity endpoints' requests and answers (server/identity/routes.ts), in the shapes Microsoft
// Entra ID and the managed-identity endpoints use. Extra properties pass through: clients send and
// read more than is listed.

const open = { additionalProperties: true } as const;

export const tenantParamsSchema = {
  type: 'object',
  properties: { tenant: { type: 'string', description: "A tenant id, a domain, 'common', 'organizations' or 'adfs'" } },
  required: ['tenant'],
} as const;

export const tokenRequestBodySchema = {
  type: 'object',
  description: 'application/x-www-form-urlencoded',
  properties: {
    grant_type: { type: 'string', description: 'client_credentials' },
    client_id: { type: 'string' },
    client_secret: { type: 'string', description: 'any value is accepted' },
    client_assertion: { type: 'string', description: 'any value is accepted' },
    client_assertion_type: { type: 'string' },
    scope: { type: 'string', description: 'v2.0: e.g. https://management.azure.com/.default' },
    resource: { type: 'string', description: 'v1: e.g. https://management.core.windows.net/' },
  },
  ...open,
} as const;

export const tokenResponseV2Schema = {
  type: 'object',
  properties: {
    token_type: { type: 'string' },
    expires_in: { type: 'integer' },
    ext_expires_in: { type: 'integer' },
    access_token: { type: 'string' },
  },
  required: ['token_type', 'expires_in', 'access_token'],
} as const;

export const tokenResponseV1Schema = {
  type: 'object',
  properties: {
    token_type: { type: 'string' },
    expires_in: { type: 'string' },
    ext_expires_in: { type: 'string' },
    expires_on: { type: 'string' },
    not_before: { type: 'string' },
    resource: { type: 'string' },
    access_token: { type: 'string' },
  },
  required: ['token_type', 'expires_in', 'expires_on', 'resource', 'access_token'],
} as const;

export const oauthErrorSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    error_description: { type: 'string' },
    error_codes: { type: 'array', items: { type: 'integer' } },
    timestamp: { type: 'string' },
    trace_id: { type: 'string' },
    correlation_id: { type: 'string' },
  },
  required: ['error', 'error_description'],
} as const;

export const openIdConfigurationSchema = {
  type: 'object',
  properties: {
    issuer: { type: 'string' },
    authorization_endpoint: { type: 'string' },
    token_endpoint: { type: 'string' },
    jwks_uri: { type: 'string' },
    end_session_endpoint: { type: 'string' },
    token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
    response_modes_supported: { type: 'array', items: { type: 'string' } },
    subject_types_supported: { type: 'array', items: { type: 'string' } },
    id_token_signing_alg_values_supported: { type: 'array', items: { type: 'string' } },
    response_types_supported: { type: 'array', items: { type: 'string' } },
    scopes_supported: { type: 'array', items: { type: 'string' } },
    claims_supported: { type: 'array', items: { type: 'string' } },
    request_uri_parameter_supported: { type: 'boolean' },
    tenant_region_scope: { type: ['string', 'null'] },
    cloud_instance_name: { type: 'string' },
  },
  required: ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'],
} as const;

export const jwksResponseSchema = {
  type: 'object',
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        properties: { kty: { type: 'string' }, use: { type: 'string' }, alg: { type: 'string' }, kid: { type: 'string' }, n: { type: 'string' }, e: { type: 'string' } },
        required: ['kty', 'kid', 'n', 'e'],
      },
    },
  },
  required: ['keys'],
} as const;

export const discoveryInstanceQuerySchema = {
  type: 'object',
  properties: {
    'api-version': { type: 'string' },
    authorization_endpoint: { type: 'string', description: 'the authority to vouch for, e.g. https://localhost:8443/common/oauth2/v2.0/authorize' },
  },
  ...open,
} as const;

export const instanceDiscoveryResponseSchema = {
  type: 'object',
  properties: {
    tenant_discovery_endpoint: { type: 'string' },
    'api-version': { type: 'string' },
    metadata: {
      type: 'array',
      items: {
        type: 'object',
        properties: { preferred_network: { type: 'string' }, preferred_cache: { type: 'string' }, aliases: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
  required: ['tenant_discovery_endpoint', 'metadata'],
} as const;

export const managedIdentityQuerySchema = {
  type: 'object',
  properties: {
    resource: { type: 'string', description: 'the audience, e.g. https://management.azure.com/' },
    'api-version': { type: 'string' },
    client_id: { type: 'string', description: 'a user-assigned identity (2019-08-01 and IMDS)' },
    clientid: { type: 'string', description: 'a user-assigned identity (2017-09-01)' },
    object_id: { type: 'string' },
    mi_res_id: { type: 'string' },
    msi_res_id: { type: 'string' },
  },
  ...open,
} as const;

export const managedIdentityTokenResponseSchema = {
  type: 'object',
  properties: {
    access_token: { type: 'string' },
    client_id: { type: 'string' },
    expires_in: { type: 'string' },
    ext_expires_in: { type: 'string' },
    expires_on: { type: 'string' },
    not_before: { type: 'string' },
    resource: { type: 'string' },
    token_type: { type: 'string' },
  },
  required: ['access_token', 'expires_on', 'resource', 'token_type'],
} as const;
