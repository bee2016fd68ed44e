// --seed-file: a container's fixtures. A state document from GET /_emulator/state starts a new
// database as it was exported; a seed-shaped document lays its resources instead of the default seed.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { AUTH, installUrl, pathOf, post, SPEC_EXAMPLE_BODY, SUBSCRIPTION, tempDir, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';
import { request, startCli, stop } from '../process-harness.js';

t.test('a state document: the new emulator holds exactly what was exported, running operations included', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  await app.inject({ method: 'PUT', url: `/subscriptions/${SUBSCRIPTION}/resourcegroups/fixtures?api-version=2024-03-01`, headers: AUTH, payload: { location: 'eastus' } });
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  await app.inject({ method: 'GET', url: pathOf(String(accepted.headers['azure-asyncoperation'])), headers: AUTH });
  const exported = (await app.inject({ method: 'GET', url: '/_emulator/state' })).json();
  const dir = tempDir(t);
  const file = join(dir, 'fixtures.json');
  writeFileSync(file, JSON.stringify(exported));

  const started = await startCli(['--https-port', '0', '--http-port', '0', '--data-dir', join(dir, 'data'), '--completion', 'polls:2', '--silent', '--seed-file', file]);
  t.teardown(() => stop(started, 'SIGKILL'));
  const ca = readFileSync(started.certPath, 'utf8');
  const base = started.httpsUrl.replace('127.0.0.1', 'localhost');
  const state = JSON.parse((await request(`${base}/_emulator/state`, { ca })).body);
  t.same(state, exported, 'the new database is the exported state');
  const statusUrl = `${base}${pathOf(String(accepted.headers['azure-asyncoperation']))}`;
  const done = JSON.parse((await request(statusUrl, { ca })).body);
  t.equal(done.status, 'Succeeded', 'the second poll, after the one made before the export, completes it');
  t.equal(done.name, accepted.headers['x-ms-request-id']);
  t.equal((await request(`${base}/subscriptions/${SUBSCRIPTION}/resourcegroups/fixtures?api-version=2024-03-01`, { ca })).status, 200);
});

t.test('a seed document lays its own resources instead of the default seed', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'seed.json');
  const subscriptionId = '33333333-3333-4333-8333-333333333333';
  writeFileSync(file, JSON.stringify({
    subscriptions: [{
      subscriptionId,
      resourceGroups: [{
        name: 'ci',
        location: 'northeurope',
        virtualMachines: [{ name: 'agent1', properties: { storageProfile: { imageReference: { publisher: 'RedHat', offer: 'RHEL', sku: '9-lvm-gen2', version: 'latest' } } } }],
      }],
    }],
  }));
  const started = await startCli(['--https-port', '0', '--http-port', '0', '--data-dir', join(dir, 'data'), '--silent', '--seed-file', file]);
  t.teardown(() => stop(started, 'SIGKILL'));
  const ca = readFileSync(started.certPath, 'utf8');
  const base = started.httpsUrl.replace('127.0.0.1', 'localhost');
  const vm = JSON.parse((await request(`${base}${vmPath('agent1', 'ci', subscriptionId)}?api-version=2024-07-01`, { ca })).body);
  t.equal(vm.properties.storageProfile.osDisk.osType, 'Linux');
  t.equal(vm.location, 'northeurope');
  t.equal((await request(`${base}${vmPath(WINDOWS_VM)}?api-version=2024-07-01`, { ca })).status, 404, 'the default seed is not laid');
});

t.test('a seed file that is neither stops start-up with one line', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'bad.json');
  writeFileSync(file, '{"hello": "world"}');
  await t.rejects(startCli(['--https-port', '0', '--http-port', '0', '--data-dir', join(dir, 'data'), '--seed-file', file]), /neither a seed .* nor a state document/);
});
