// `--completion sync` seen from both generations of @azure/arm-compute with their default options
// (no updateIntervalInMs, the emulator's default Retry-After): installPatches and assessPatches
// answer 200 with the result, the SDK resolves with that body, and the request journal shows that
// no operation URL was ever requested.

import { readFileSync } from 'node:fs';
import t from 'tap';
import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import { ComputeManagementClient as ComputeManagementClient22 } from 'arm-compute-22';
import type { RunningEmulator } from '../../server/emulator.js';
import { LINUX_VM, listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION, WINDOWS_VM } from '../helpers.js';

const credential: TokenCredential = { getToken: async () => ({ token: 'sdk', expiresOnTimestamp: Date.now() + 3600_000 }) };
const body = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired' as const, windowsParameters: { classificationsToInclude: ['Critical' as const, 'Security' as const] } };

interface Journal {
  method: string;
  url: string;
  status: number;
  operationId?: string;
}

async function journal(emulator: RunningEmulator): Promise<Journal[]> {
  const response = await fetch(`${emulator.httpUrl}/_emulator/requests`);
  return ((await response.json()) as { value: Journal[] }).value;
}

const generations = [
  { name: '@azure/arm-compute 24.x', Client: ComputeManagementClient },
  { name: '@azure/arm-compute 22.x', Client: ComputeManagementClient22 },
] as const;

for (const { name, Client } of generations) {
  t.test(`${name}: sync completion finishes installPatches and assessPatches in one request`, async (t) => {
    const emulator = await listeningEmulator(t, ['--completion', 'sync']);
    const client = new Client(credential, SUBSCRIPTION, {
      endpoint: emulator.httpsUrl.replace('127.0.0.1', 'localhost'),
      tlsOptions: { ca: readFileSync(emulator.certPath, 'utf8') },
    });

    const installed = await client.virtualMachines.beginInstallPatchesAndWait(RESOURCE_GROUP, WINDOWS_VM, body);
    t.match(installed.installationActivityId, /^[0-9a-f-]{36}$/);
    t.not(installed.status, 'InProgress', 'the body is the final result');
    const stored = emulator.services.operations.get(SUBSCRIPTION, installed.installationActivityId!);
    t.equal(stored?.status, 'Succeeded', 'the operation is over when the answer is sent');
    t.same(
      installed.patches?.map((p) => [p.patchId, p.installationState]),
      (JSON.parse(stored!.resultJson!) as { patches: Array<{ patchId: string; installationState: string }> }).patches.map((p) => [p.patchId, p.installationState]),
    );

    const assessed = await client.virtualMachines.beginAssessPatchesAndWait(RESOURCE_GROUP, LINUX_VM);
    t.equal(assessed.status, 'Succeeded');
    t.match(assessed.assessmentActivityId, /^[0-9a-f-]{36}$/);
    t.ok((assessed.availablePatches?.length ?? 0) > 0);

    const requests = await journal(emulator);
    t.same(
      requests.map((r) => `${r.method} ${r.status} ${r.url.split('?')[0]!.split('/').pop()}`),
      ['POST 200 installPatches', 'POST 200 assessPatches'],
      'one request each, and no poll',
    );
    t.same(
      requests.map((r) => r.operationId),
      [installed.installationActivityId, assessed.assessmentActivityId],
      'the journal names the operation each request finished',
    );
  });
}
