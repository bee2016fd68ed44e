// Test control seen from the real @azure/arm-compute: scenario outcomes as the SDK surfaces them, a
// throttled POST the SDK retries on its own (proven from the journal), polls:3, and a frozen clock
// plus an advance completing an operation the SDK is polling.

import { readFileSync } from 'node:fs';
import t from 'tap';
import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import type { RunningEmulator } from '../../server/emulator.js';
import { listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION, WINDOWS_VM } from '../helpers.js';

const credential: TokenCredential = { getToken: async () => ({ token: 'sdk', expiresOnTimestamp: Date.now() + 3600_000 }) };
const body = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired' as const, windowsParameters: { classificationsToInclude: ['Critical' as const, 'Security' as const] } };

function client(emulator: RunningEmulator) {
  return new ComputeManagementClient(credential, SUBSCRIPTION, {
    endpoint: emulator.httpsUrl.replace('127.0.0.1', 'localhost'),
    tlsOptions: { ca: readFileSync(emulator.certPath, 'utf8') },
  });
}

async function adminCall(emulator: RunningEmulator, method: string, path: string, payload?: unknown) {
  const response = await fetch(`${emulator.httpUrl}${path}`, {
    method,
    ...(payload === undefined ? {} : { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (response.status === 204 ? undefined : await response.json()) as any };
}

t.test('scenario outcomes as the SDK surfaces them', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'instant', '--retry-after', '0']);
  const compute = client(emulator);
  for (const status of ['Failed', 'CompletedWithWarnings', 'Succeeded'] as const) {
    await adminCall(emulator, 'POST', '/_emulator/scenarios', { remaining: 1, outcome: { status } });
    const result = await compute.virtualMachines.beginInstallPatchesAndWait(RESOURCE_GROUP, WINDOWS_VM, body, { updateIntervalInMs: 0 });
    t.equal(result.status, status, `a ${status} result is returned, not thrown`);
  }
  await adminCall(emulator, 'POST', '/_emulator/scenarios', {
    remaining: 1,
    outcome: { operationFailure: { code: 'VMAgentStatusCommunicationError', message: 'VM has reported a failure when processing extension.' } },
  });
  await t.rejects(compute.virtualMachines.beginInstallPatchesAndWait(RESOURCE_GROUP, WINDOWS_VM, body, { updateIntervalInMs: 0 }), {
    message: 'The long-running operation has failed. VMAgentStatusCommunicationError. VM has reported a failure when processing extension.',
  });
});

t.test('a 429 on the POST is retried by the SDK itself, as the journal shows', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'instant', '--retry-after', '0']);
  await adminCall(emulator, 'POST', '/_emulator/faults', { match: { method: 'POST', operation: 'installPatches' }, effect: { kind: 'throttle', retryAfterSeconds: 0 }, remaining: 1 });
  const result = await client(emulator).virtualMachines.beginInstallPatchesAndWait(RESOURCE_GROUP, WINDOWS_VM, body, { updateIntervalInMs: 0 });
  t.match(result.installationActivityId, /^[0-9a-f-]{36}$/, 'the install went through');
  const posts = (await adminCall(emulator, 'GET', '/_emulator/requests?method=POST')).body.value;
  t.same(posts.map((e: { status: number }) => e.status), [429, 202]);
  t.equal(posts[0].headers['x-ms-client-request-id'], posts[1].headers['x-ms-client-request-id'], 'the same logical request, retried');
});

t.test('polls:3 takes exactly three status polls from the SDK', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'polls:3', '--retry-after', '0']);
  const result = await client(emulator).virtualMachines.beginInstallPatchesAndWait(RESOURCE_GROUP, WINDOWS_VM, body, { updateIntervalInMs: 0 });
  const entries = (await adminCall(emulator, 'GET', `/_emulator/requests?operationId=${result.installationActivityId}`)).body.value as Array<{ method: string; url: string }>;
  const statusPolls = entries.filter((e) => e.method === 'GET' && !e.url.includes('monitor=true'));
  const finalGets = entries.filter((e) => e.method === 'GET' && e.url.includes('monitor=true'));
  t.equal(statusPolls.length, 3);
  t.equal(finalGets.length, 1);
});

t.test('a frozen clock holds an operation the SDK is polling until the clock is advanced', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'time', '--retry-after', '0']);
  await adminCall(emulator, 'POST', '/_emulator/clock', { frozen: true });
  const poller = await client(emulator).virtualMachines.beginInstallPatches(RESOURCE_GROUP, WINDOWS_VM, body, { updateIntervalInMs: 0 });
  for (let i = 0; i < 3; i++) {
    await poller.poll();
    t.notOk(poller.isDone(), `still running after poll ${i + 1}`);
  }
  await adminCall(emulator, 'POST', '/_emulator/clock', { advance: 'P1D' });
  const result = await poller.pollUntilDone();
  const stored = emulator.services.operations.get(SUBSCRIPTION, result.installationActivityId!);
  t.equal(stored?.status, 'Succeeded', 'the envelope completed once the clock passed the plan');
  t.equal(result.status, (JSON.parse(stored!.resultJson!) as { status: string }).status);
});
