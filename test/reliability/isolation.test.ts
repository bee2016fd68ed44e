// Isolation (docs/reliability.md): an operation is visible only under the subscription that created
// it; the admin API can be guarded with a key; start-up refuses an unguarded admin API on a
// non-loopback address unless told; the default bind is loopback.

import t from 'tap';
import { buildApp } from '../../server/app.js';
import { isLoopbackHost } from '../../server/hosts.js';
import { parseConfig } from '../../server/config.js';
import { AUTH, installUrl, pathOf, post, SPEC_EXAMPLE_BODY, SUBSCRIPTION, testEmulator, testServices, WINDOWS_VM } from '../helpers.js';
import { isCloudError } from './hostile.js';
import { runCli, ON_FREE_PORTS } from '../process-harness.js';

const OTHER_SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';

t.test('an operation id is only visible under the subscription that created it', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2', subscriptions: [OTHER_SUBSCRIPTION] });
  t.equal((await app.inject({ method: 'PUT', url: `/subscriptions/${OTHER_SUBSCRIPTION}/resourceGroups/other?api-version=2021-04-01`, headers: AUTH, payload: { location: 'westus' } })).statusCode, 201);
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  const statusPath = pathOf(accepted.headers['azure-asyncoperation'] as string);
  const id = String(accepted.headers['x-ms-request-id']);
  for (const path of [statusPath, pathOf(accepted.headers.location as string)]) {
    const elsewhere = await app.inject({ method: 'GET', url: path.replace(SUBSCRIPTION, OTHER_SUBSCRIPTION), headers: AUTH });
    t.equal(elsewhere.statusCode, 404, 'another subscription gets 404');
    t.equal(elsewhere.json().error.code, 'NotFound');
  }
  const adminElsewhere = await app.inject({ method: 'PUT', url: `/_emulator/operations/${OTHER_SUBSCRIPTION}/${id}/completion`, payload: { mode: 'instant' } });
  t.equal(adminElsewhere.statusCode, 404, 'the admin API keys operations by subscription too');
  const home = await app.inject({ method: 'GET', url: statusPath, headers: AUTH });
  t.equal(home.json().status, 'InProgress', 'and the probes from elsewhere did not count as polls');
  t.equal(home.json().name, id);
});

t.test('--admin-key: every admin route but health wants x-admin-key; the ARM API does not', async (t) => {
  const services = testServices();
  const app = buildApp(services, { retryAfterSeconds: null, adminKey: 's3cret-key' });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  const missing = await app.inject({ method: 'GET', url: '/_emulator/clock' });
  t.equal(missing.statusCode, 401);
  t.ok(isCloudError(missing));
  t.same(missing.json().error, { code: 'AuthenticationFailed', message: "Authentication failed. The 'x-admin-key' header is missing." });
  const wrong = await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { 'x-admin-key': 's3cret-kez' } });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().error.message, "Authentication failed. The 'x-admin-key' header is invalid.");
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/clock', headers: { 'x-admin-key': 's3cret-key' } })).statusCode, 200);
  // The guard follows the route that matched, not the spelling of the URL.
  for (const url of ['/%5Femulator/clock', '/_EMULATOR/clock', '/_emulator/clock/', '/_emulator/state?x=1']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 401, `${url} is guarded too`);
  }
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/health' })).statusCode, 200, 'health stays open');
  t.equal((await app.inject({ method: 'HEAD', url: '/_emulator/health' })).statusCode, 200);
  const arm = await app.inject({ method: 'GET', url: `/subscriptions/${SUBSCRIPTION}/resourceGroups/myResourceGroupName?api-version=2021-04-01`, headers: AUTH });
  t.equal(arm.statusCode, 200, 'the ARM API is not behind the admin key');
  const journal = await app.inject({ method: 'GET', url: '/_emulator/requests', headers: { 'x-admin-key': 's3cret-key' } });
  t.notMatch(journal.body, /s3cret/, 'the key never shows in the journal');
});

t.test('without --admin-key the admin API is open (the default, on loopback)', async (t) => {
  const { app } = testEmulator(t);
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/clock' })).statusCode, 200);
});

t.test('start-up: the default bind is loopback; a non-loopback bind needs a key or an explicit switch', async (t) => {
  t.equal(parseConfig([], {}).host, '127.0.0.1');
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', '0:0:0:0:0:0:0:1']) {
    t.ok(isLoopbackHost(host), `${host} is loopback`);
    t.doesNotThrow(() => parseConfig(['--host', host], {}));
  }
  for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1']) {
    t.notOk(isLoopbackHost(host), `${host} is not loopback`);
    t.throws(() => parseConfig(['--host', host], {}), /is not a loopback address/);
  }
  t.throws(() => parseConfig(['--host', '0.0.0.0'], {}), /--host 0\.0\.0\.0 is not a loopback address: give --admin-key, or --allow-unguarded-admin/);
  t.equal(parseConfig(['--host', '0.0.0.0', '--admin-key', 'k'], {}).adminKey, 'k');
  t.equal(parseConfig(['--host', '0.0.0.0'], { CPE_ADMIN_KEY: 'k' }).adminKey, 'k');
  t.equal(parseConfig(['--host', '0.0.0.0', '--allow-unguarded-admin'], {}).allowUnguardedAdmin, true);
  t.equal(parseConfig([], { CPE_HOST: '0.0.0.0', CPE_ALLOW_UNGUARDED_ADMIN: 'true' }).host, '0.0.0.0');
  t.equal(parseConfig([], {}).adminKey, undefined);

  const refused = await runCli([...ON_FREE_PORTS, '--host', '0.0.0.0']);
  t.equal(refused.code, 2, 'the CLI stops with the usage exit status');
  t.equal(refused.stderr.trim().split('\n').length, 1, 'and one line');
  t.match(refused.stderr, /is not a loopback address/);
});
