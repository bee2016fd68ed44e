// The identity endpoints and strict auth through app.inject: token shapes and claims, the OpenID
// documents and keys MSAL reads, managed-identity styles, OAuth errors, and ARM's 401s for
// forged, expired and misdirected tokens.

import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import t from 'tap';
import { buildApp } from '../../server/app.js';
import { ephemeralSigningKey } from '../../server/identity/signing-key.js';
import { TokenIssuer } from '../../server/identity/tokens.js';
import { installUrl, SPEC_EXAMPLE_BODY, SUBSCRIPTION, testServices, WINDOWS_VM } from '../helpers.js';

const TENANT = '3f2e5a1c-9d4b-4c7e-8a6f-1b2c3d4e5f60';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

function app(t: { teardown(fn: () => unknown): void }, auth: 'any' | 'strict' = 'any') {
  const services = testServices();
  const instance = buildApp(services, { retryAfterSeconds: 1, auth, signingKey: ephemeralSigningKey(), allowedHosts: ['emulator'] });
  t.teardown(async () => {
    await instance.close();
    services.close();
  });
  return instance;
}

async function v2Token(instance: ReturnType<typeof app>, scope = 'https://management.azure.com/.default') {
  const response = await instance.inject({
    method: 'POST',
    url: `/${TENANT}/oauth2/v2.0/token`,
    headers: FORM,
    payload: form({ grant_type: 'client_credentials', client_id: 'my-client', client_secret: 'whatever', scope }),
  });
  return response;
}

t.test('v2.0 token endpoint: a signed JWT with the claims ARM clients read', async (t) => {
  const instance = app(t);
  const response = await v2Token(instance);
  t.equal(response.statusCode, 200);
  const body = response.json() as { token_type: string; expires_in: number; access_token: string };
  t.equal(body.token_type, 'Bearer');
  t.equal(body.expires_in, 3599);
  const claims = claimsOf(body.access_token);
  t.equal(claims.tid, TENANT);
  t.equal(claims.aud, 'https://management.azure.com');
  t.equal(claims.appid, 'my-client');
  t.equal(claims.iss, `http://localhost:80/${TENANT}/v2.0`);
  t.equal((claims.exp as number) - (claims.iat as number), 3599);
  t.match(claims.oid, /^[0-9a-f]{8}-/);

  // The JWKS verifies the signature, as a resource server would.
  const jwks = (await instance.inject({ method: 'GET', url: `/${TENANT}/discovery/v2.0/keys` })).json() as { keys: Array<Record<string, string>> };
  const [header, payload, signature] = body.access_token.split('.') as [string, string, string];
  t.equal(JSON.parse(Buffer.from(header, 'base64url').toString()).kid, jwks.keys[0]!.kid);
  const key = createPublicKey({ key: jwks.keys[0]!, format: 'jwk' });
  t.ok(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')), 'signature verifies with the published key');

  // The same client in the same tenant is the same principal; another client is another.
  const again = claimsOf(((await v2Token(instance)).json() as { access_token: string }).access_token);
  t.equal(again.oid, claims.oid);
});

t.test('v1 token endpoint (and the ADFS form) take `resource`', async (t) => {
  const instance = app(t);
  for (const tenant of [TENANT, 'adfs']) {
    const response = await instance.inject({
      method: 'POST',
      url: `/${tenant}/oauth2/token`,
      headers: FORM,
      payload: form({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's', resource: 'https://management.core.windows.net/' }),
    });
    t.equal(response.statusCode, 200, tenant);
    const body = response.json() as Record<string, string>;
    t.equal(body.resource, 'https://management.core.windows.net/');
    t.equal(body.expires_in, '3599', 'v1 answers numbers as strings');
    t.equal(claimsOf(body.access_token!).aud, 'https://management.core.windows.net/');
  }
});

t.test('token endpoint errors are OAuth errors with Entra ID codes', async (t) => {
  const instance = app(t);
  const post = (fields: Record<string, string>) => instance.inject({ method: 'POST', url: `/${TENANT}/oauth2/v2.0/token`, headers: FORM, payload: form(fields) });
  const missingGrant = await post({ client_id: 'c' });
  t.equal(missingGrant.statusCode, 400);
  t.equal(missingGrant.json().error, 'invalid_request');
  t.match(missingGrant.json().error_description, /^AADSTS900144: .*'grant_type'/);
  t.same(missingGrant.json().error_codes, [900144]);
  const wrongGrant = await post({ grant_type: 'password', client_id: 'c' });
  t.equal(wrongGrant.json().error, 'unsupported_grant_type');
  const noSecret = await post({ grant_type: 'client_credentials', client_id: 'c', scope: 'x/.default' });
  t.equal(noSecret.statusCode, 401);
  t.equal(noSecret.json().error, 'invalid_client');
  const noScope = await post({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's' });
  t.match(noScope.json().error_description, /'scope'/);
});

t.test('OpenID configuration documents point at the emulator', async (t) => {
  const instance = app(t);
  const v2 = (await instance.inject({ method: 'GET', url: `/${TENANT}/v2.0/.well-known/openid-configuration`, headers: { host: 'emulator:8443' } })).json();
  t.equal(v2.token_endpoint, `http://emulator:8443/${TENANT}/oauth2/v2.0/token`);
  t.equal(v2.jwks_uri, `http://emulator:8443/${TENANT}/discovery/v2.0/keys`);
  t.equal(v2.issuer, `http://emulator:8443/${TENANT}/v2.0`);
  const adfs = (await instance.inject({ method: 'GET', url: '/adfs/.well-known/openid-configuration' })).json();
  t.equal(adfs.token_endpoint, 'http://localhost:80/adfs/oauth2/token');
  const discovery = (await instance.inject({
    method: 'GET',
    url: '/common/discovery/instance?api-version=1.1&authorization_endpoint=https://emulator:8443/organizations/oauth2/v2.0/authorize',
  })).json();
  t.equal(discovery.tenant_discovery_endpoint, 'https://emulator:8443/organizations/v2.0/.well-known/openid-configuration');
  t.same(discovery.metadata, [{ preferred_network: 'emulator:8443', preferred_cache: 'emulator:8443', aliases: ['emulator:8443'] }]);
});

t.test('managed identity: App Service, MSI_ENDPOINT and IMDS styles', async (t) => {
  const instance = app(t);
  const resource = 'https://management.azure.com/';
  const appService = await instance.inject({
    method: 'GET',
    url: `/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`,
    headers: { 'x-identity-header': 'secret-value' },
  });
  t.equal(appService.statusCode, 200);
  t.equal(appService.json().resource, resource);
  t.match(appService.json().expires_on, /^\d+$/);
  t.equal(claimsOf(appService.json().access_token).aud, resource);

  const userAssigned = await instance.inject({
    method: 'GET',
    url: `/msi/token?api-version=2017-09-01&resource=${encodeURIComponent(resource)}&clientid=my-identity`,
    headers: { secret: 'msi-secret' },
  });
  t.equal(userAssigned.json().client_id, 'my-identity');
  t.equal(claimsOf(userAssigned.json().access_token).appid, 'my-identity');

  const msi = await instance.inject({ method: 'POST', url: '/msi/token', headers: { ...FORM, metadata: 'true' }, payload: form({ resource }) });
  t.equal(msi.statusCode, 200);
  t.equal(msi.json().token_type, 'Bearer');
  t.match(msi.json().expires_in, /^\d+$/);

  const imds = await instance.inject({ method: 'GET', url: `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`, headers: { metadata: 'true' } });
  t.equal(imds.statusCode, 200);

  const noHeader = await instance.inject({ method: 'POST', url: '/msi/token', headers: FORM, payload: form({ resource }) });
  t.equal(noHeader.statusCode, 400);
  t.same(noHeader.json(), { error: 'bad_request_102', error_description: 'Required metadata header not specified' });
  const noResource = await instance.inject({ method: 'GET', url: '/msi/token?api-version=2019-08-01', headers: { 'x-identity-header': 'h' } });
  t.equal(noResource.statusCode, 400);
  t.equal(noResource.json().error, 'invalid_request');
});

t.test('subscriptions and tenants: the caller\'s tenant, ARM errors for unknown ones', async (t) => {
  const instance = app(t);
  const token = ((await v2Token(instance)).json() as { access_token: string }).access_token;
  const auth = { authorization: `Bearer ${token}` };
  const list = await instance.inject({ method: 'GET', url: '/subscriptions?api-version=2022-12-01', headers: auth });
  t.equal(list.statusCode, 200);
  t.same(list.json().value.map((s: { subscriptionId: string; tenantId: string }) => [s.subscriptionId, s.tenantId]), [[SUBSCRIPTION, TENANT]]);
  t.same(list.json().count, { type: 'Total', value: 1 });
  const one = await instance.inject({ method: 'GET', url: `/subscriptions/${SUBSCRIPTION}?api-version=2019-11-01`, headers: auth });
  t.equal(one.json().state, 'Enabled');
  const unknown = '11111111-2222-4333-8444-555555555555';
  const missing = await instance.inject({ method: 'GET', url: `/subscriptions/${unknown}?api-version=2022-12-01`, headers: auth });
  t.equal(missing.statusCode, 404);
  t.same(missing.json(), { error: { code: 'SubscriptionNotFound', message: `The subscription '${unknown}' could not be found.` } });
  // A subscription becomes known once the admin API adds it (docs/api.md).
  const refused = await instance.inject({ method: 'PUT', url: `/subscriptions/${unknown}/resourceGroups/rg1?api-version=2024-07-01`, headers: auth, payload: { location: 'westus' } });
  t.equal(refused.json().error.code, 'SubscriptionNotFound');
  await instance.inject({ method: 'POST', url: '/_emulator/subscriptions', payload: { subscriptionId: unknown } });
  t.equal((await instance.inject({ method: 'GET', url: `/subscriptions/${unknown}?api-version=2022-12-01`, headers: auth })).statusCode, 200);
  const badVersion = await instance.inject({ method: 'GET', url: '/subscriptions?api-version=2010-01-01', headers: auth });
  t.equal(badVersion.json().error.code, 'InvalidApiVersionParameter');
  const tenants = await instance.inject({ method: 'GET', url: '/tenants?api-version=2022-12-01', headers: auth });
  t.equal(tenants.json().value[0].tenantId, TENANT);
  const anonymous = await instance.inject({ method: 'GET', url: '/subscriptions?api-version=2022-12-01' });
  t.equal(anonymous.json().error.code, 'AuthenticationFailed');
});

t.test('/metadata/endpoints: the shape of each api-version, ADFS-style login endpoint, no token needed', async (t) => {
  const instance = app(t);
  const headers = { host: 'localhost:8443' };
  const old = await instance.inject({ method: 'GET', url: '/metadata/endpoints?api-version=2015-01-01', headers });
  t.equal(old.statusCode, 200);
  t.same(old.json().authentication.loginEndpoint, 'http://localhost:8443/adfs');
  t.same(old.json().authentication.audiences, ['https://management.core.windows.net/', 'https://management.azure.com/']);
  t.equal(old.json().graphEndpoint, 'https://graph.windows.net/');
  const clouds = await instance.inject({ method: 'GET', url: '/metadata/endpoints?api-version=2020-06-01', headers });
  t.equal(clouds.json()[0].resourceManager, 'http://localhost:8443/');
  t.equal(clouds.json()[0].name, 'ComputePatchEmulator');
  // 2022-09-01 answers the one cloud as an object, with its suffixes (current azure-cli reads this).
  const cloud = await instance.inject({ method: 'GET', url: '/metadata/endpoints?api-version=2022-09-01', headers });
  t.equal(cloud.statusCode, 200);
  t.notOk(Array.isArray(cloud.json()));
  t.equal(cloud.json().name, 'ComputePatchEmulator');
  t.equal(cloud.json().resourceManager, 'http://localhost:8443/');
  t.equal(cloud.json().authentication.loginEndpoint, 'http://localhost:8443/adfs');
  t.same(cloud.json().suffixes, {});
  const missing = await instance.inject({ method: 'GET', url: '/metadata/endpoints' });
  t.equal(missing.json().error.code, 'MissingApiVersionParameter');
  const bad = await instance.inject({ method: 'GET', url: '/metadata/endpoints?api-version=2099-01-01' });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().error.code, 'InvalidApiVersionParameter');
});

t.test('--auth strict: only unexpired tokens the emulator signed, for an ARM audience', async (t) => {
  const instance = app(t, 'strict');
  const install = (token: string) => instance.inject({ method: 'POST', url: installUrl(WINDOWS_VM), headers: { authorization: `Bearer ${token}` }, payload: SPEC_EXAMPLE_BODY });
  const issuer = new TokenIssuer(ephemeralSigningKey(), 'compute-patch-emulator');
  const now = Math.floor(Date.now() / 1000);

  const good = ((await v2Token(instance)).json() as { access_token: string }).access_token;
  t.equal((await install(good)).statusCode, 202, 'a token the emulator issued is accepted');

  const opaque = await install('not-a-jwt');
  t.equal(opaque.statusCode, 401);
  t.same(opaque.json(), { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });
  t.match(opaque.headers['www-authenticate'], /^Bearer authorization_uri="https:\/\/login\.windows\.net\/", error="invalid_token"/);

  // Forged: the claims of a good token, signed with another key.
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const forgedIssuer = new TokenIssuer({ ...ephemeralSigningKey(), privateKey: otherKey }, 'compute-patch-emulator');
  const forged = forgedIssuer.sign(claimsOf(good));
  t.equal((await install(forged)).json().error.code, 'InvalidAuthenticationToken', 'a token signed with another key is refused');
  // Tampered: a good token's signature on changed claims.
  const [header, , signature] = good.split('.');
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claimsOf(good), tid: TENANT.replace('3', '4') })).toString('base64url')}.${signature}`;
  t.equal((await install(tampered)).json().error.code, 'InvalidAuthenticationToken', 'changed claims are refused');

  const expiredAt = new Date(Date.UTC(2026, 0, 5, 14, 3, 9));
  const expired = issuer.sign({ ...claimsOf(good), iat: now - 7200, nbf: now - 7200, exp: expiredAt.getTime() / 1000 });
  const refusedExpired = await install(expired);
  t.equal(refusedExpired.statusCode, 401);
  t.equal(refusedExpired.json().error.code, 'ExpiredAuthenticationToken');
  t.match(refusedExpired.json().error.message, /^The access token expiry UTC time '1\/5\/2026 2:03:09 PM' is earlier than current UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)'\.$/);

  const graph = ((await v2Token(instance, 'https://graph.microsoft.com/.default')).json() as { access_token: string }).access_token;
  const wrongAudience = await install(graph);
  t.equal(wrongAudience.statusCode, 401);
  t.equal(wrongAudience.json().error.code, 'InvalidAuthenticationTokenAudience');
  t.match(wrongAudience.json().error.message, /^The access token has been obtained for wrong audience or resource 'https:\/\/graph\.microsoft\.com'\. It should exactly match with one of the allowed audiences 'https:\/\/management\.core\.windows\.net\/',/);

  const own = ((await v2Token(instance, 'http://localhost:80/.default')).json() as { access_token: string }).access_token;
  t.equal((await install(own)).statusCode, 202, "the emulator's own URL is an accepted audience");
  t.equal((await instance.inject({ method: 'POST', url: installUrl(WINDOWS_VM), payload: SPEC_EXAMPLE_BODY })).json().error.code, 'AuthenticationFailed');
});

t.test('--auth any (the default) accepts any bearer token', async (t) => {
  const instance = app(t);
  const response = await instance.inject({ method: 'POST', url: installUrl(WINDOWS_VM), headers: { authorization: 'Bearer anything-at-all' }, payload: SPEC_EXAMPLE_BODY });
  t.equal(response.statusCode, 202);
});
