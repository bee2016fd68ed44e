// The real Azure SDK for JavaScript over HTTPS against a listening emulator, trusting the emulator's
// generated certificate. Polling is made immediate with the SDK's own `updateIntervalInMs: 0` and
// `--retry-after 0` (a zero Retry-After is ignored by core-lro), and operations finish after two
// status polls (`--completion polls:2`), so no test waits on a timer.

import { readFileSync } from 'node:fs';
import t from 'tap';
import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import { ComputeManagementClient as ComputeManagementClient22 } from 'arm-compute-22';
import { installPatchesBodySchema } from '../../schemas/install-patches.js';
import { listeningEmulator, LINUX_BODY, LINUX_VM, RESOURCE_GROUP, SPEC_EXAMPLE_BODY, SUBSCRIPTION, WINDOWS_VM } from '../helpers.js';

const staticToken: TokenCredential = {
  getToken: async () => ({ token: 'sdk-test-token', expiresOnTimestamp: Date.now() + 3600_000 }),
};

interface JournalEntry {
  method: string;
  url: string;
}

t.test('@azure/arm-compute 25 (the newest) installs patches through the LRO with installPatches().pollUntilDone()', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'polls:2', '--retry-after', '0']);
  const requests: JournalEntry[] = [];
  emulator.app.server.on('request', (request: { method: string; url: string }) => requests.push({ method: request.method, url: request.url }));
  const ca = readFileSync(emulator.certPath, 'utf8');
  const client = new ComputeManagementClient(staticToken, SUBSCRIPTION, { endpoint: emulator.httpsUrl.replace('127.0.0.1', 'localhost'), tlsOptions: { ca } });

  // installPatches() is the call 24.x and 25.x document; the begin...() forms are deprecated there.
  const windows = await client.virtualMachines.installPatches(RESOURCE_GROUP, WINDOWS_VM, {
    maximumDuration: SPEC_EXAMPLE_BODY.maximumDuration,
    rebootSetting: 'IfRequired',
    windowsParameters: {
      classificationsToInclude: ['Critical', 'Security'],
      // A cut after the month's updates: the SDK serialises the Date, the run installs the handful.
      maxPatchPublishDate: new Date('2026-03-31T00:00:00Z'),
    },
  }, { updateIntervalInMs: 0 }).pollUntilDone();

  t.equal(windows.status, 'Succeeded');
  t.match(windows.installationActivityId, /^[0-9a-f-]{36}$/);
  t.ok((windows.installedPatchCount ?? 0) > 0);
  t.equal(windows.installedPatchCount, windows.patches?.filter((p) => p.installationState === 'Installed').length);
  t.equal(windows.notSelectedPatchCount, windows.patches?.filter((p) => p.installationState === 'NotSelected').length);
  t.ok(windows.startDateTime instanceof Date);

  // What the SDK received is what the emulator stored for the operation.
  const stored = emulator.services.operations.get(SUBSCRIPTION, windows.installationActivityId!);
  t.equal(stored?.status, 'Succeeded');
  t.same(
    (JSON.parse(stored!.resultJson!) as { patches: Array<{ patchId: string; installationState: string }> }).patches.map((p) => [p.patchId, p.installationState]),
    windows.patches?.map((p) => [p.patchId, p.installationState]),
  );

  // The SDK followed the LRO as the contract says: POST, status polls, then the Location URL.
  const sequence = requests.map((r) => `${r.method} ${r.url.includes('monitor=true') ? 'location' : r.url.includes('/operations/') ? 'status' : 'post'}`);
  t.same(sequence, ['POST post', 'GET status', 'GET status', 'GET location']);
  t.match(requests[0]!.url, /api-version=2026-04-01/, 'this SDK pins api-version 2026-04-01');

  // The deprecated form still works and sends the same requests.
  const linux = await client.virtualMachines.beginInstallPatchesAndWait(RESOURCE_GROUP, LINUX_VM, {
    maximumDuration: LINUX_BODY.maximumDuration,
    rebootSetting: 'IfRequired',
    linuxParameters: { classificationsToInclude: ['Critical', 'Security'], packageNameMasksToExclude: ['vim*'] },
  }, { updateIntervalInMs: 0 });
  t.equal(linux.status, 'Succeeded');
  const linuxStored = emulator.services.operations.get(SUBSCRIPTION, linux.installationActivityId!);
  t.same(linux.patches?.map((p) => p.patchId), (JSON.parse(linuxStored!.resultJson!) as { patches: Array<{ patchId: string }> }).patches.map((p) => p.patchId));
  t.ok(linux.patches?.every((p) => p.version && !p.kbId), 'Linux items carry version, not kbId');
  t.ok((linux.excludedPatchCount ?? 0) > 0);
});

t.test('an invalid body surfaces in the SDK as a RestError 400 InvalidParameter', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'instant', '--retry-after', '0']);
  const ca = readFileSync(emulator.certPath, 'utf8');
  const client = new ComputeManagementClient(staticToken, SUBSCRIPTION, { endpoint: emulator.httpsUrl.replace('127.0.0.1', 'localhost'), tlsOptions: { ca } });
  await t.rejects(
    client.virtualMachines.beginInstallPatchesAndWait(RESOURCE_GROUP, WINDOWS_VM, {
      rebootSetting: 'Never',
      windowsParameters: { kbNumbersToInclude: ['1111'] },
    }, { updateIntervalInMs: 0 }),
    { name: 'RestError', statusCode: 400, code: 'InvalidParameter', message: /The entry in 'kbNumbersToInclude' with value '1111' is not valid/ },
  );
  t.ok(installPatchesBodySchema.properties.windowsParameters, 'the rule comes from the shared schema');
});

t.test('@azure/arm-compute 22.3.0 sends exactly 2024-07-01 and completes the same way', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'polls:2', '--retry-after', '0']);
  const versions: string[] = [];
  emulator.app.server.on('request', (request: { url: string }) => versions.push(new URL(request.url, 'https://x').searchParams.get('api-version') ?? ''));
  const ca = readFileSync(emulator.certPath, 'utf8');
  const client = new ComputeManagementClient22(staticToken, SUBSCRIPTION, { endpoint: emulator.httpsUrl.replace('127.0.0.1', 'localhost'), tlsOptions: { ca } });
  // In 22.x beginInstallPatches() returns a poller (the call the README shows for this generation).
  const poller = await client.virtualMachines.beginInstallPatches(RESOURCE_GROUP, WINDOWS_VM, {
    maximumDuration: 'PT4H',
    rebootSetting: 'IfRequired',
    windowsParameters: { classificationsToInclude: ['Critical', 'Security'], maxPatchPublishDate: new Date('2026-03-31T00:00:00Z') },
  }, { updateIntervalInMs: 0 });
  const result = await poller.pollUntilDone();
  t.equal(result.status, 'Succeeded');
  t.ok((result.installedPatchCount ?? 0) > 0);
  t.same([...new Set(versions)], ['2024-07-01']);
  const invalid = client.virtualMachines.beginInstallPatchesAndWait(RESOURCE_GROUP, WINDOWS_VM, { rebootSetting: 'Sometimes' as 'Never' }, { updateIntervalInMs: 0 });
  await t.rejects(invalid, { statusCode: 400, code: 'InvalidParameter' });
});
