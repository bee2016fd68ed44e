// The identity endpoints a credential needs, so real credential flows run with no Microsoft Entra ID:
//   - OAuth 2.0 client credentials, v2.0 (`scope`) and v1 (`resource`) token endpoints;
//   - the OpenID configuration documents and the signing keys (JWKS) MSAL reads first;
//   - the instance-discovery answer MSAL asks for before trusting an authority;
//   - managed identity: App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER, 2019-08-01; MSI_ENDPOINT +
//     MSI_SECRET, 2017-09-01), Cloud Shell style (MSI_ENDPOINT alone, a POST) and IMDS paths.
// Any client id and secret are accepted; the tokens are JWTs signed with the emulator's key.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  discoveryInstanceQuerySchema,
  instanceDiscoveryResponseSchema,
  jwksResponseSchema,
  managedIdentityQuerySchema,
  managedIdentityTokenResponseSchema,
  oauthErrorSchema,
  openIdConfigurationSchema,
  tenantParamsSchema,
  tokenRequestBodySchema,
  tokenResponseV1Schema,
  tokenResponseV2Schema,
} from '../../schemas/identity.js';
import { guidFrom } from '../../simulator/random.js';
import {
  identityRequestInvalid,
  metadataHeaderMissing,
  missingClientCredential,
  missingParameter,
  OAuthError,
  unsupportedGrantType,
} from './oauth-errors.js';
import type { TokenIssuer } from './tokens.js';

type TokenBody = Record<string, string | undefined>;
type TenantParams = { tenant: string };

export interface IdentityRouteOptions {
  issuer: TokenIssuer;
  seed: string;
  now?: () => number;
}

const TAGS = ['identity'];
const IDENTITY_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/** The origin the client used to reach the emulator: tokens and documents name it. */
export function originOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host || `localhost:${request.socket.localPort}`}`;
}

/** `https://management.azure.com/.default` -> `https://management.azure.com`, as Entra ID sets `aud`. */
function audienceFromScope(scope: string): string | undefined {
  const scopes = scope.split(/\s+/).filter((s) => s !== '' && !IDENTITY_SCOPES.has(s.toLowerCase()));
  const resourceScope = scopes.find((s) => s.endsWith('/.default')) ?? scopes[0];
  return resourceScope?.replace(/\/\.default$/, '');
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export async function identityRoutes(app: FastifyInstance, options: IdentityRouteOptions): Promise<void> {
  const { issuer } = options;
  const nowSeconds = () => Math.floor((options.now ?? Date.now)() / 1000);
  const systemAssignedClientId = guidFrom(options.seed, 'managed-identity');

  // MSAL posts form bodies; only this plugin parses them.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const oauth =
      error instanceof OAuthError
        ? error
        : error.statusCode !== undefined && error.statusCode < 500
          ? identityRequestInvalid(error.message)
          : new OAuthError(500, 'server_error', 'An internal error occurred in the emulator. Its log has the details.');
    if (oauth.statusCode >= 500) request.log.error({ err: error }, 'identity request failed');
    reply.code(oauth.statusCode).header('cache-control', 'no-store, no-cache').send(oauth.toBody());
  });

  function clientCredentials(body: TokenBody): string {
    const grantType = nonEmpty(body.grant_type);
    if (!grantType) throw missingParameter('grant_type');
    if (grantType !== 'client_credentials') throw unsupportedGrantType(grantType);
    const clientId = nonEmpty(body.client_id);
    if (!clientId) throw missingParameter('client_id');
    if (!nonEmpty(body.client_secret) && !nonEmpty(body.client_assertion)) throw missingClientCredential();
    return clientId;
  }

  const errorResponses = { 400: oauthErrorSchema, 401: oauthErrorSchema };

  app.post<{ Params: TenantParams; Body: TokenBody }>(
    '/:tenant/oauth2/v2.0/token',
    {
      schema: {
        summary: 'OAuth 2.0 client-credentials token (v2.0 endpoint, `scope`)',
        tags: TAGS,
        consumes: ['application/x-www-form-urlencoded'],
        params: tenantParamsSchema,
        body: tokenRequestBodySchema,
        response: { 200: tokenResponseV2Schema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const clientId = clientCredentials(body);
      const scope = nonEmpty(body.scope);
      const audience = scope ? audienceFromScope(scope) : undefined;
      if (!audience) throw missingParameter('scope');
      const issued = issuer.issue({ tenant: request.params.tenant, clientId, audience, origin: originOf(request), version: '2.0', nowSeconds: nowSeconds() });
      const lifetime = issued.claims.exp - issued.claims.iat;
      reply.header('cache-control', 'no-store, no-cache');
      return { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issued.accessToken };
    },
  );

  app.post<{ Params: TenantParams; Body: TokenBody }>(
    '/:tenant/oauth2/token',
    {
      schema: {
        summary: 'OAuth 2.0 client-credentials token (v1 endpoint, `resource`; also ADFS-style /adfs/oauth2/token)',
        tags: TAGS,
        consumes: ['application/x-www-form-urlencoded'],
        params: tenantParamsSchema,
        body: tokenRequestBodySchema,
        response: { 200: tokenResponseV1Schema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const clientId = clientCredentials(body);
      // MSAL sends `scope` to v1-style authorities (ADFS) too.
      const audience = nonEmpty(body.resource) ?? (nonEmpty(body.scope) ? audienceFromScope(body.scope!) : undefined);
      if (!audience) throw missingParameter('resource');
      const issued = issuer.issue({ tenant: request.params.tenant, clientId, audience, origin: originOf(request), version: '1.0', nowSeconds: nowSeconds() });
      const lifetime = String(issued.claims.exp - issued.claims.iat);
      reply.header('cache-control', 'no-store, no-cache');
      return {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        expires_on: String(issued.claims.exp),
        not_before: String(issued.claims.nbf),
        resource: audience,
        access_token: issued.accessToken,
      };
    },
  );

  const openIdConfiguration = (request: FastifyRequest<{ Params: TenantParams }>, version: '1.0' | '2.0') => {
    const origin = originOf(request);
    const tenant = request.params.tenant;
    const tid = issuer.tenantIdFor(tenant);
    const v2 = version === '2.0' ? '/v2.0' : '';
    return {
      token_endpoint: `${origin}/${tenant}/oauth2${v2}/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${origin}/${tenant}/discovery${v2}/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: version === '2.0' ? `${origin}/${tid}/v2.0` : `${origin}/${tid}/`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${origin}/${tenant}/oauth2${v2}/authorize`,
      end_session_endpoint: `${origin}/${tenant}/oauth2${v2}/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'appid', 'ver'],
      tenant_region_scope: null,
      cloud_instance_name: 'microsoftonline.com',
    };
  };
  const configurationSchema = (summary: string) => ({ summary, tags: TAGS, params: tenantParamsSchema, response: { 200: openIdConfigurationSchema } });
  app.get<{ Params: TenantParams }>(
    '/:tenant/v2.0/.well-known/openid-configuration',
    { schema: configurationSchema('OpenID Connect discovery document (v2.0)') },
    async (request) => openIdConfiguration(request, '2.0'),
  );
  app.get<{ Params: TenantParams }>(
    '/:tenant/.well-known/openid-configuration',
    { schema: configurationSchema('OpenID Connect discovery document (v1, and ADFS-style /adfs/.well-known/openid-configuration)') },
    async (request) => openIdConfiguration(request, '1.0'),
  );

  const keysSchema = (summary: string) => ({ summary, tags: TAGS, params: tenantParamsSchema, response: { 200: jwksResponseSchema } });
  const jwks = async () => ({ keys: [issuer.key.jwk] });
  app.get('/:tenant/discovery/v2.0/keys', { schema: keysSchema('The keys the emulator signs tokens with (JWKS, v2.0)') }, jwks);
  app.get('/:tenant/discovery/keys', { schema: keysSchema('The keys the emulator signs tokens with (JWKS, v1)') }, jwks);

  // MSAL asks this before trusting an authority it does not know; the answer vouches for the host asked about.
  app.get<{ Querystring: { authorization_endpoint?: string } }>(
    '/common/discovery/instance',
    {
      schema: {
        summary: 'Instance discovery: vouches for an authority host',
        tags: TAGS,
        querystring: discoveryInstanceQuerySchema,
        response: { 200: instanceDiscoveryResponseSchema, 400: oauthErrorSchema },
      },
    },
    async (request) => {
      const endpoint = request.query.authorization_endpoint ?? `${originOf(request)}/common/oauth2/v2.0/authorize`;
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        throw identityRequestInvalid("'authorization_endpoint' is not a URL.");
      }
      const tenantPath = url.pathname.replace(/\/oauth2(\/v2\.0)?\/authorize\/?$/i, '');
      return {
        tenant_discovery_endpoint: `${url.origin}${tenantPath}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: url.host, preferred_cache: url.host, aliases: [url.host] }],
      };
    },
  );

  type MiQuery = Record<string, string | undefined>;
  const managedIdentityToken = (request: FastifyRequest, resource: string | undefined, ids: MiQuery, style: 'appService' | 'msi' | 'imds') => {
    if (!resource) throw identityRequestInvalid("'resource' is required.");
    const clientId = nonEmpty(ids.client_id) ?? nonEmpty(ids.clientid) ?? systemAssignedClientId;
    const issued = issuer.issue({ tenant: 'common', clientId, audience: resource, origin: originOf(request), version: '1.0', nowSeconds: nowSeconds() });
    const { exp, nbf, iat } = issued.claims;
    const common = { access_token: issued.accessToken, expires_on: String(exp), resource, token_type: 'Bearer' };
    if (style === 'appService') return { ...common, client_id: clientId };
    return { ...common, client_id: clientId, expires_in: String(exp - iat), ext_expires_in: String(exp - iat), not_before: String(nbf) };
  };
  const miSchema = (summary: string, extra: Record<string, unknown> = {}) => ({
    summary,
    tags: ['managed identity'],
    response: { 200: managedIdentityTokenResponseSchema, 400: oauthErrorSchema },
    ...extra,
  });

  // App Service: IDENTITY_ENDPOINT + X-IDENTITY-HEADER (2019-08-01), or MSI_ENDPOINT + `secret` (2017-09-01).
  app.get<{ Querystring: MiQuery }>(
    '/msi/token',
    { schema: miSchema('Managed identity token, App Service style (GET with X-IDENTITY-HEADER or secret)', { querystring: managedIdentityQuerySchema }) },
    async (request: FastifyRequest<{ Querystring: MiQuery }>, reply: FastifyReply) => {
      if (!nonEmpty(request.headers['x-identity-header']) && !nonEmpty(request.headers.secret)) throw metadataHeaderMissing();
      reply.header('cache-control', 'no-store, no-cache');
      return managedIdentityToken(request, nonEmpty(request.query.resource), request.query, 'appService');
    },
  );
  // MSI_ENDPOINT alone (Cloud Shell style, what `az login --identity` and ManagedIdentityCredential post to).
  app.post<{ Body: TokenBody }>(
    '/msi/token',
    { schema: miSchema('Managed identity token, MSI_ENDPOINT style (form POST with Metadata: true)', { consumes: ['application/x-www-form-urlencoded'], body: managedIdentityQuerySchema }) },
    async (request, reply) => {
      if (String(request.headers.metadata ?? '').toLowerCase() !== 'true') throw metadataHeaderMissing();
      reply.header('cache-control', 'no-store, no-cache');
      const body = request.body ?? {};
      return managedIdentityToken(request, nonEmpty(body.resource), body, 'msi');
    },
  );
  // The VM's IMDS path, for AZURE_POD_IDENTITY_AUTHORITY_HOST and tools that let the IMDS host be set.
  app.get<{ Querystring: MiQuery }>(
    '/metadata/identity/oauth2/token',
    { schema: miSchema('Managed identity token, IMDS style (GET with Metadata: true)', { querystring: managedIdentityQuerySchema }) },
    async (request, reply) => {
      if (String(request.headers.metadata ?? '').toLowerCase() !== 'true') throw metadataHeaderMissing();
      reply.header('cache-control', 'no-store, no-cache');
      return managedIdentityToken(request, nonEmpty(request.query.resource), request.query, 'imds');
    },
  );
}
