// Creating, updating, listing and deleting as Azure does: VM PUT 201 `Creating` with
// Azure-AsyncOperation, DELETE 202 with Location, resource group DELETE 202, under the completion
// modes of patch operations (instant: one round trip); ListAll and PATCH.

import t from 'tap';
import { AUTH, get, pathOf, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

const RG = `/subscriptions/${SUBSCRIPTION}/resourcegroups/life?api-version=2024-03-01`;
const VM = `${vmPath('web1', 'life')}?api-version=2024-07-01`;
const definition = {
  location: 'westus',
  properties: { storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' } } },
};
type App = ReturnType<typeof testEmulator>['app'];
const send = (app: App, method: 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  app.inject({ method, url, headers: AUTH, ...(payload === undefined ? {} : { payload: payload as object }) });

t.test('polls:2: a VM is Creating until its create completes, Deleting until its delete completes', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  t.equal((await send(app, 'PUT', RG, { location: 'westus' })).statusCode, 201);
  const created = await send(app, 'PUT', VM, definition);
  t.equal(created.statusCode, 201);
  t.equal(created.json().properties.provisioningState, 'Creating');
  const asyncUrl = created.headers['azure-asyncoperation'] as string;
  t.match(asyncUrl, /\/providers\/Microsoft\.Compute\/locations\/westus\/operations\/[0-9a-f-]{36}\?p=.*&api-version=2024-07-01$/);
  t.notOk(created.headers.location, 'a PUT has no Location');
  t.equal((await get(app, VM)).json().properties.provisioningState, 'Creating', 'a test can observe Creating');
  t.equal((await get(app, pathOf(asyncUrl))).json().status, 'InProgress');
  const done = (await get(app, pathOf(asyncUrl))).json();
  t.equal(done.status, 'Succeeded');
  t.notOk('properties' in done, 'a create has no output');
  t.equal((await get(app, VM)).json().properties.provisioningState, 'Succeeded');

  const deleting = await send(app, 'DELETE', VM);
  t.equal(deleting.statusCode, 202);
  t.match(deleting.headers.location, /monitor=true/);
  t.equal((await get(app, VM)).json().properties.provisioningState, 'Deleting');
  const refused = await app.inject({ method: 'POST', url: `${vmPath('web1', 'life')}/assessPatches?api-version=2024-07-01`, headers: AUTH });
  t.equal(refused.statusCode, 409);
  t.match(refused.json().error.message, /since the VM is marked for deletion/);
  const status = pathOf(deleting.headers['azure-asyncoperation'] as string);
  t.equal((await get(app, status)).json().status, 'InProgress');
  t.equal((await get(app, status)).json().status, 'Succeeded');
  t.equal((await get(app, VM)).json().error.code, 'ResourceNotFound', 'gone once the delete completed');

  const groupDelete = await send(app, 'DELETE', RG);
  t.equal(groupDelete.statusCode, 202);
  const location = groupDelete.headers.location as string;
  t.match(location, new RegExp(`/subscriptions/${SUBSCRIPTION}/operationresults/[0-9a-f-]{36}\\?api-version=2024-03-01$`));
  t.equal((await get(app, RG)).json().properties.provisioningState, 'Deleting');
  const intoDeleting = await send(app, 'PUT', VM, definition);
  t.equal(intoDeleting.statusCode, 409);
  t.same(intoDeleting.json().error, { code: 'ResourceGroupBeingDeleted', message: "The resource group 'life' is in deprovisioning state and cannot perform this operation." });
  t.equal((await send(app, 'PUT', RG, { location: 'westus' })).json().error.code, 'ResourceGroupBeingDeleted');
  t.equal((await get(app, pathOf(location))).statusCode, 202);
  t.equal((await get(app, pathOf(location))).statusCode, 200);
  t.equal((await get(app, RG)).json().error.code, 'ResourceGroupNotFound');
});

t.test('instant: create and delete complete within the request (one round trip for an SDK)', async (t) => {
  const { app } = testEmulator(t, { completion: 'instant' });
  await send(app, 'PUT', RG, { location: 'westus' });
  const created = await send(app, 'PUT', VM, definition);
  t.equal(created.statusCode, 201);
  t.equal(created.json().properties.provisioningState, 'Succeeded');
  t.notOk(created.headers['azure-asyncoperation']);
  t.equal((await send(app, 'DELETE', VM)).statusCode, 200);
  t.equal((await get(app, VM)).statusCode, 404);
  t.equal((await send(app, 'DELETE', VM)).statusCode, 204, 'a VM that is not there');
  t.equal((await send(app, 'DELETE', RG)).statusCode, 200);
  t.equal((await get(app, RG)).statusCode, 404);
});

t.test('time mode: the simulated clock completes a create', async (t) => {
  const { app } = testEmulator(t, { completion: 'time' });
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { frozen: true } });
  await send(app, 'PUT', RG, { location: 'westus' });
  t.equal((await send(app, 'PUT', VM, definition)).json().properties.provisioningState, 'Creating');
  t.equal((await get(app, VM)).json().properties.provisioningState, 'Creating');
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: 'PT2M' } });
  t.equal((await get(app, VM)).json().properties.provisioningState, 'Succeeded');
});

t.test('ListAll and PATCH', async (t) => {
  const { app } = testEmulator(t);
  await send(app, 'PUT', RG, { location: 'westus' });
  await send(app, 'PUT', VM, definition);
  const all = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`);
  t.equal(all.statusCode, 200);
  t.same(all.json().value.map((vm: { name: string }) => vm.name).sort(), ['myLinuxVMName', 'myVMName', 'web1']);

  const patched = await send(app, 'PATCH', `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`, {
    tags: { owner: 'tests' },
    properties: { osProfile: { windowsConfiguration: { patchSettings: { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' } } } },
  });
  t.equal(patched.statusCode, 200);
  t.same(patched.json().tags, { owner: 'tests' });
  t.same(patched.json().properties.osProfile.windowsConfiguration.patchSettings, { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' });
  t.equal(patched.json().etag, '"2"', 'an update raises the etag');
  t.equal(patched.json().properties.storageProfile.imageReference.sku, '2022-datacenter-azure-edition', 'what the PATCH does not name is kept');
  const read = (await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`)).json();
  t.same(read.properties.osProfile.windowsConfiguration.patchSettings.patchMode, 'AutomaticByPlatform');
  const tagsOnly = await send(app, 'PATCH', `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`, { tags: {} });
  t.equal(tagsOnly.json().properties.osProfile.windowsConfiguration.patchSettings.patchMode, 'AutomaticByPlatform');
  const password = await send(app, 'PATCH', `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`, { properties: { osProfile: { adminPassword: 'S3cret!S3cret!' } } });
  t.notOk('adminPassword' in password.json().properties.osProfile, 'a password is never returned');
  const stored = JSON.stringify((await app.inject({ method: 'GET', url: '/_emulator/state' })).json().virtualMachines);
  t.match(stored, /myVMName/);
  t.notMatch(stored, /S3cret/, 'nor stored');
  t.equal((await send(app, 'PATCH', `${vmPath('nope')}?api-version=2024-07-01`, { tags: {} })).json().error.code, 'ResourceNotFound');
});
