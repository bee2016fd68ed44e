// Resource groups and VMs a test sets up, in ARM shapes, case-insensitive, persisted.

import t from 'tap';
import { AUTH, get, post, SUBSCRIPTION, testEmulator, vmPath } from '../helpers.js';

const SUB = '22222222-2222-4222-8222-222222222222';
const rgUrl = (name: string, v = '2024-03-01') => `/subscriptions/${SUB}/resourcegroups/${name}?api-version=${v}`;
const vmUrl = (rg: string, vm: string, v = '2024-07-01') => `${vmPath(vm, rg, SUB)}?api-version=${v}`;
const put = (app: Parameters<typeof get>[0], url: string, payload: unknown) => app.inject({ method: 'PUT', url, headers: AUTH, payload: payload as object });

const ubuntu2404 = {
  location: 'West Europe',
  tags: { team: 'patching' },
  properties: {
    hardwareProfile: { vmSize: 'Standard_B2s' },
    storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' } },
    osProfile: { computerName: 'web1', adminUsername: 'ops', adminPassword: 'S3cret!S3cret!' },
  },
};

t.test('resource groups: create, read, update tags, list, delete', async (t) => {
  const { app } = testEmulator(t, { subscriptions: [SUB] });
  const created = await put(app, rgUrl('Tests-RG'), { location: 'westeurope', tags: { a: '1' } });
  t.equal(created.statusCode, 201);
  t.same(created.json(), {
    id: `/subscriptions/${SUB}/resourceGroups/Tests-RG`,
    name: 'Tests-RG',
    type: 'Microsoft.Resources/resourceGroups',
    location: 'westeurope',
    tags: { a: '1' },
    properties: { provisioningState: 'Succeeded' },
  });
  const updated = await put(app, rgUrl('tests-rg'), { location: 'westeurope', tags: { b: '2' } });
  t.equal(updated.statusCode, 200);
  t.equal(updated.json().name, 'Tests-RG', 'the first spelling is kept');
  t.same(updated.json().tags, { b: '2' });
  t.equal((await get(app, rgUrl('TESTS-RG'))).json().name, 'Tests-RG');
  const list = await get(app, `/subscriptions/${SUB}/resourcegroups?api-version=2024-03-01`);
  t.same(list.json().value.map((g: { name: string }) => g.name), ['Tests-RG']);
  t.equal((await app.inject({ method: 'DELETE', url: rgUrl('tests-rg'), headers: AUTH })).statusCode, 200);
  const gone = await get(app, rgUrl('tests-rg'));
  t.equal(gone.statusCode, 404);
  t.equal(gone.json().error.code, 'ResourceGroupNotFound');
});

t.test('resource group errors', async (t) => {
  const { app } = testEmulator(t, { subscriptions: [SUB] });
  const noLocation = await put(app, rgUrl('x'), { tags: {} });
  t.equal(noLocation.statusCode, 400);
  t.same(noLocation.json().error, { code: 'LocationRequired', message: 'The location property is required for this definition.' });
  const badVersion = await get(app, rgUrl('x', '2024-07-99'));
  t.equal(badVersion.json().error.code, 'InvalidApiVersionParameter');
  t.match(badVersion.json().error.message, /^The api-version '2024-07-99' is invalid\. The supported versions are '/);
  const badRegion = await put(app, rgUrl('x'), { location: 'moon' });
  t.equal(badRegion.json().error.code, 'LocationNotAvailableForResourceGroup');
  t.equal((await app.inject({ method: 'DELETE', url: rgUrl('never-was'), headers: AUTH })).statusCode, 404);
});

t.test('virtual machines: create from an image, read, list, delete; the password is never returned', async (t) => {
  const { app } = testEmulator(t, { subscriptions: [SUB] });
  await put(app, rgUrl('fleet'), { location: 'westeurope' });
  const created = await put(app, vmUrl('fleet', 'web1'), ubuntu2404);
  t.equal(created.statusCode, 201);
  const vm = created.json();
  t.equal(vm.id, `/subscriptions/${SUB}/resourceGroups/fleet/providers/Microsoft.Compute/virtualMachines/web1`);
  t.equal(vm.type, 'Microsoft.Compute/virtualMachines');
  t.equal(vm.location, 'westeurope', 'display names are normalised');
  t.same(vm.tags, { team: 'patching' });
  t.equal(vm.properties.provisioningState, 'Succeeded');
  t.match(vm.properties.vmId, /^[0-9a-f-]{36}$/);
  t.equal(vm.properties.storageProfile.osDisk.osType, 'Linux', 'the image decides the OS family');
  t.same(vm.properties.storageProfile.imageReference, ubuntu2404.properties.storageProfile.imageReference);
  t.equal(vm.properties.osProfile.adminUsername, 'ops');
  t.notOk('adminPassword' in vm.properties.osProfile);
  t.ok(vm.properties.osProfile.linuxConfiguration);

  t.same((await get(app, vmUrl('FLEET', 'WEB1'))).json(), vm, 'GET returns what PUT did, whatever the case');
  const list = await get(app, `/subscriptions/${SUB}/resourceGroups/fleet/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`);
  t.same(list.json().value.map((v: { name: string }) => v.name), ['web1']);
  const update = await put(app, vmUrl('fleet', 'web1'), { ...ubuntu2404, tags: { team: 'ops' } });
  t.equal(update.statusCode, 200);
  t.equal(update.json().properties.vmId, vm.properties.vmId, 'an update keeps the VM identity');

  t.equal((await app.inject({ method: 'DELETE', url: vmUrl('fleet', 'web1'), headers: AUTH })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: vmUrl('fleet', 'web1'), headers: AUTH })).statusCode, 204);
  const gone = await get(app, vmUrl('fleet', 'web1'));
  t.equal(gone.statusCode, 404);
  t.equal(gone.json().error.code, 'ResourceNotFound');
});

t.test('a VM needs its resource group; deleting the group deletes its VMs', async (t) => {
  const { app } = testEmulator(t, { subscriptions: [SUB] });
  const orphan = await put(app, vmUrl('nowhere', 'vm1'), ubuntu2404);
  t.equal(orphan.statusCode, 404);
  t.equal(orphan.json().error.code, 'ResourceGroupNotFound');
  await put(app, rgUrl('temp'), { location: 'westus' });
  await put(app, vmUrl('temp', 'vm1'), ubuntu2404);
  await app.inject({ method: 'DELETE', url: rgUrl('temp'), headers: AUTH });
  await put(app, rgUrl('temp'), { location: 'westus' });
  t.equal((await get(app, vmUrl('temp', 'vm1'))).statusCode, 404);
});

t.test('a created VM takes patches from its image: Windows Server 2019 by KB', async (t) => {
  const { app } = testEmulator(t, { subscriptions: [SUB] });
  await put(app, rgUrl('win'), { location: 'eastus' });
  const created = await put(app, vmUrl('win', 'dc1'), {
    location: 'eastus',
    properties: { storageProfile: { imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2019-datacenter-gensecond', version: 'latest' } } },
  });
  t.equal(created.json().properties.storageProfile.osDisk.osType, 'Windows');
  const accepted = await post(app, `${vmPath('dc1', 'win', SUB)}/installPatches?api-version=2024-07-01`, { rebootSetting: 'Never', windowsParameters: { classificationsToInclude: ['Security'] } });
  t.equal(accepted.statusCode, 202);
  t.match(accepted.headers.location, /\/locations\/eastus\/operations\//, 'the operation lives in the VM region');
});

t.test('the default seed holds the spec example resources', async (t) => {
  const { app } = testEmulator(t, { subscriptions: [SUB] });
  const windows = (await get(app, `${vmPath('myVMName')}?api-version=2024-07-01`)).json();
  t.equal(windows.location, 'westus');
  t.equal(windows.properties.storageProfile.osDisk.osType, 'Windows');
  const linux = (await get(app, `${vmPath('myLinuxVMName')}?api-version=2024-07-01`)).json();
  t.equal(linux.properties.storageProfile.osDisk.osType, 'Linux');
  t.match(linux.properties.storageProfile.imageReference.sku, /22_04/);
  t.equal((await get(app, `/subscriptions/${SUBSCRIPTION}/resourcegroups/myResourceGroupName?api-version=2024-03-01`)).statusCode, 200);
});
