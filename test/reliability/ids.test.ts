// Operation ids and polling tokens (server/ids.ts, docs/reliability.md): without an explicit
// --seed they mix a secret salt of the data folder and an epoch of each reset, so they cannot be
// predicted from the public default seed and never repeat after a reset; with --seed they are the
// seed's alone. The `p` token of an operation URL is checked. Strict auth checks `nbf` and takes its
// own audiences from the configuration.

import t from 'tap';
import { buildApp } from '../../server/app.js';
import { parseConfig } from '../../server/config.js';
import { startEmulator, type RunningEmulator } from '../../server/emulator.js';
import { ephemeralSigningKey } from '../../server/identity/signing-key.js';
import { TokenIssuer } from '../../server/identity/tokens.js';
import { AUTH, installUrl, pathOf, post, SPEC_EXAMPLE_BODY, tempDir, testEmulator, testServices, WINDOWS_VM } from '../helpers.js';

async function start(t: Parameters<typeof tempDir>[0], dataDir: string, flags: string[] = []): Promise<RunningEmulator> {
  const emulator = await startEmulator(parseConfig(['--https-port', '0', '--http-port', '0', '--silent', '--data-dir', dataDir, ...flags], {}));
  t.teardown(() => emulator.close());
  return emulator;
}

const install = async (emulator: { app: RunningEmulator['app'] }) => {
  const accepted = await post(emulator.app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  return { id: String(accepted.headers['x-ms-request-id']), status: pathOf(String(accepted.headers['azure-asyncoperation'])) };
};

t.test('ids: salted per data folder and per reset; the seed\'s alone with an explicit --seed', async (t) => {
  const published = await install(testEmulator(t)); // the default seed's id, which anyone can compute
  const a = await start(t, tempDir(t));
  const b = await start(t, tempDir(t));
  const first = await install(a);
  const other = await install(b);
  t.not(first.id, published.id, 'not the id the public default seed gives');
  t.not(first.id, other.id, 'two data folders give different ids');

  t.equal((await a.app.inject({ method: 'POST', url: '/_emulator/reset', payload: {} })).statusCode, 200);
  const old = await a.app.inject({ method: 'GET', url: first.status, headers: AUTH });
  t.equal(old.statusCode, 404, "a status URL from before the reset finds nothing");
  t.equal(old.json().error.code, 'NotFound');
  const after = await install(a);
  t.not(after.id, first.id, 'the same VM\'s first operation after a reset has a new id');
  t.equal((await a.app.inject({ method: 'GET', url: after.status, headers: AUTH })).statusCode, 200);

  const s1 = await start(t, tempDir(t), ['--seed', 'repeatable']);
  const s2 = await start(t, tempDir(t), ['--seed', 'repeatable']);
  const x = await install(s1);
  const y = await install(s2);
  t.equal(x.id, y.id, 'an explicit --seed gives the same ids in every run');
  t.equal(x.status, y.status, 'and the same URLs');
});

t.test('ids: a restart on the same data folder keeps the salt, so URLs handed out still answer', async (t) => {
  const dir = tempDir(t);
  const before = await start(t, dir);
  const accepted = await install(before);
  await before.close();
  const after = await start(t, dir);
  const answer = await after.app.inject({ method: 'GET', url: accepted.status, headers: AUTH });
  t.equal(answer.statusCode, 200);
  t.equal(answer.json().name, accepted.id);
  t.not((await install(after)).id, accepted.id);
});

t.test('ids: an imported state keeps its URLs; older documents and resets go on with unpredictable ids', async (t) => {
  const repeatable = testEmulator(t);
  const exported = await install(repeatable);
  const document = (await repeatable.app.inject({ method: 'GET', url: '/_emulator/state' })).json();
  const salted = await start(t, tempDir(t));
  t.equal((await salted.app.inject({ method: 'PUT', url: '/_emulator/state', payload: document })).statusCode, 200);
  t.equal((await salted.app.inject({ method: 'GET', url: exported.status, headers: AUTH })).statusCode, 200, "the imported operation's URL answers");
  t.same((await salted.app.inject({ method: 'GET', url: '/_emulator/state' })).json().ids, document.ids, 'and the document exports as it was');
  t.equal((await salted.app.inject({ method: 'POST', url: '/_emulator/reset', payload: {} })).statusCode, 200);
  t.not((await install(salted)).id, exported.id, 'after a reset the first id is not the seed\'s');

  const { ids: _ids, ...older } = document;
  t.equal((await salted.app.inject({ method: 'PUT', url: '/_emulator/state', payload: older })).statusCode, 200, 'a document from before salted ids');
  t.equal((await salted.app.inject({ method: 'GET', url: exported.status, headers: AUTH })).statusCode, 200, 'keeps its URLs');
  const next = await install(salted);
  t.not(next.id, (await install(repeatable)).id, 'and new ids are not the seed\'s');
});

t.test('the p token is checked', async (t) => {
  const { app } = testEmulator(t);
  const accepted = await install({ app });
  const url = new URL(accepted.status, 'http://localhost');
  t.equal((await app.inject({ method: 'GET', url: accepted.status, headers: AUTH })).statusCode, 200, 'the URL as handed out');
  url.searchParams.set('p', '00000000-0000-4000-8000-000000000000');
  const wrong = await app.inject({ method: 'GET', url: url.pathname + url.search, headers: AUTH });
  t.equal(wrong.statusCode, 404, 'a p that is not the operation\'s');
  t.same(wrong.json().error, { code: 'NotFound', message: `The operation '${accepted.id}' was not found.` });
  url.searchParams.set('monitor', 'true');
  t.equal((await app.inject({ method: 'GET', url: url.pathname + url.search, headers: AUTH })).statusCode, 404, 'on the Location URL too');
  url.searchParams.delete('p');
  t.equal((await app.inject({ method: 'GET', url: url.pathname + url.search, headers: AUTH })).statusCode, 200, 'a URL without p (typed by hand) is served');
});

t.test('strict auth: nbf is checked, and the own audiences come from the configuration, not the Host', async (t) => {
  const services = testServices();
  const app = buildApp(services, { retryAfterSeconds: 1, auth: 'strict', signingKey: ephemeralSigningKey(), allowedHosts: ['emulator.example.test'] });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  const issuer = new TokenIssuer(ephemeralSigningKey(), 'compute-patch-emulator');
  const now = Math.floor(Date.now() / 1000);
  const token = (claims: Record<string, unknown>) => issuer.sign({ aud: 'https://management.azure.com/', iat: now, nbf: now, exp: now + 3600, tid: 't', oid: 'o', ...claims });
  const send = (bearer: string, host = 'localhost') => app.inject({ method: 'POST', url: installUrl(WINDOWS_VM), headers: { authorization: `Bearer ${bearer}`, host }, payload: SPEC_EXAMPLE_BODY });

  t.equal((await send(token({}))).statusCode, 202);
  const early = await send(token({ nbf: now + 3600 }));
  t.equal(early.statusCode, 401, 'a token not valid for another hour');
  t.equal(early.json().error.code, 'InvalidAuthenticationToken');
  t.equal((await send(token({ nbf: now + 60 }))).statusCode, 202, 'a minute ahead is clock skew');
  t.equal((await send(token({ nbf: 'soon' }))).statusCode, 401, 'an nbf that is not a number');

  t.equal((await send(token({ aud: 'https://emulator.example.test/' }))).statusCode, 202, 'a configured name, whatever the Host');
  const foreign = await send(token({ aud: 'https://elsewhere.example/' }));
  t.equal(foreign.statusCode, 401);
  t.equal(foreign.json().error.code, 'InvalidAuthenticationTokenAudience');
  t.match(foreign.json().error.message, /'https:\/\/emulator\.example\.test\/'/, 'the allowed audiences listed are the configured ones');
});
