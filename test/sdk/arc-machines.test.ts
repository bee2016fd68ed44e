// The real @azure/arm-hybridcompute 3.0.0 (the only version this registry has; api-version
// 2021-05-20) against the emulator's Arc machines: get, list in a group and in the subscription,
// delete. 3.0.0 has no createOrUpdate and no patch operations (docs/update-manager-wire-format.md#client-packages-on-this-machines-registry),
// so those go through the same client's pipeline (`sendRequest`: its credential, TLS and retry
// policies) and the LRO engine the SDK uses for its own long-running operations (core-lro's LroEngine).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import t from 'tap';
import type { TokenCredential } from '@azure/core-auth';
import { HybridComputeManagementClient } from '@azure/arm-hybridcompute';
import type { RunningEmulator } from '../../server/emulator.js';
import { listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION } from '../helpers.js';

const credential: TokenCredential = { getToken: async () => ({ token: 'sdk', expiresOnTimestamp: Date.now() + 3600_000 }) };

// What the SDK itself depends on, resolved from where it is installed: the core-lro its pollers are
// made of (its own copy, 2.x) and the core-rest-pipeline its client sends with.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('@azure/arm-hybridcompute'));
const { LroEngine } = sdkRequire('@azure/core-lro') as {
  LroEngine: new (lro: unknown, options: { intervalInMs?: number }) => { pollUntilDone(): Promise<unknown> };
};
const { createPipelineRequest } = sdkRequire('@azure/core-rest-pipeline') as {
  createPipelineRequest: (options: { url: string; method: string; body?: string }) => Parameters<HybridComputeManagementClient['sendRequest']>[0];
};

function endpointOf(emulator: RunningEmulator) {
  return emulator.httpsUrl.replace('127.0.0.1', 'localhost');
}

function client(emulator: RunningEmulator) {
  return new HybridComputeManagementClient(credential, SUBSCRIPTION, {
    endpoint: endpointOf(emulator),
    tlsOptions: { ca: readFileSync(emulator.certPath, 'utf8') },
  } as ConstructorParameters<typeof HybridComputeManagementClient>[2]);
}

const machineUrl = (emulator: RunningEmulator, name: string, suffix = '', apiVersion = '2024-07-10') =>
  `${endpointOf(emulator)}/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.HybridCompute/machines/${name}${suffix}?api-version=${apiVersion}`;

/** One request through the SDK client's pipeline, as core-lro wants the answer. */
async function send(hc: HybridComputeManagementClient, method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) {
  const request = createPipelineRequest({ url, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (body !== undefined) request.headers.set('content-type', 'application/json');
  const response = await hc.sendRequest(request);
  const parsed = response.bodyAsText ? (JSON.parse(response.bodyAsText) as unknown) : undefined;
  if (response.status >= 400) throw Object.assign(new Error(response.bodyAsText ?? ''), { statusCode: response.status, body: parsed });
  return { flatResponse: parsed, rawResponse: { statusCode: response.status, headers: response.headers.toJSON(), body: parsed } };
}

/** installPatches or assessPatches as a poller of the SDK's LRO engine. */
function beginAction(hc: HybridComputeManagementClient, url: string, body?: unknown) {
  return new LroEngine(
    { requestMethod: 'POST', requestPath: url, sendInitialRequest: () => send(hc, 'POST', url, body), sendPollRequest: (path: string) => send(hc, 'GET', path) },
    { intervalInMs: 0 },
  );
}

t.test('@azure/arm-hybridcompute 3.0.0: get, list, delete; create through its pipeline', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'polls:2', '--retry-after', '0']);
  const hc = client(emulator);

  const windows = await hc.machines.get(RESOURCE_GROUP, 'myArcMachine');
  t.equal(windows.name, 'myArcMachine');
  t.equal(windows.type, 'Microsoft.HybridCompute/machines');
  const properties = windows.properties!;
  t.equal(properties.status, 'Connected');
  t.equal(properties.osName, 'windows');
  t.match(properties.osVersion, /^10\.0\./);
  t.match(properties.agentVersion, /^\d+\.\d+\.\d+\.\d+$/);
  t.ok(properties.lastStatusChange instanceof Date && !Number.isNaN(properties.lastStatusChange.getTime()), 'lastStatusChange deserialises as a date');
  t.equal(properties.osProfile?.computerName, 'myArcMachine');
  t.equal(windows.identity?.type, 'SystemAssigned');

  const created = await send(hc, 'PUT', machineUrl(emulator, 'sdk-box', '', '2021-05-20'), { location: 'westus', properties: { osType: 'linux', osSku: 'Ubuntu 24.04.1 LTS' } });
  t.equal(created.rawResponse.statusCode, 200);

  const inGroup: string[] = [];
  for await (const machine of hc.machines.listByResourceGroup(RESOURCE_GROUP)) inGroup.push(machine.name!);
  t.same(inGroup, ['myArcMachine', 'myLinuxArcMachine', 'sdk-box']);
  const all: Array<{ name?: string; properties?: { osName?: string } }> = [];
  for await (const machine of hc.machines.listBySubscription()) all.push(machine);
  t.equal(all.find((m) => m.name === 'sdk-box')?.properties?.osName, 'linux');

  await hc.machines.delete(RESOURCE_GROUP, 'sdk-box');
  await t.rejects(hc.machines.get(RESOURCE_GROUP, 'sdk-box'), { statusCode: 404, code: 'ResourceNotFound' });
  await hc.machines.delete(RESOURCE_GROUP, 'sdk-box'); // 204: nothing to delete is no error

  const requests = await (await fetch(`${emulator.httpUrl}/_emulator/requests?path=${encodeURIComponent('/machines/myArcMachine')}`)).json() as { value: Array<{ url: string }> };
  t.match(requests.value[0]!.url, /api-version=2021-05-20/, '3.0.0 sends 2021-05-20');
});

t.test("installPatches and assessPatches through the SDK's pipeline and LRO engine (polls:2)", async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'polls:2', '--retry-after', '0']);
  const hc = client(emulator);
  const install = (await beginAction(hc, machineUrl(emulator, 'myArcMachine', '/installPatches'), {
    maximumDuration: 'PT4H',
    rebootSetting: 'IfRequired',
    windowsParameters: { classificationsToInclude: ['Critical', 'Security'] },
  }).pollUntilDone()) as Record<string, unknown>;
  t.match(install, { status: 'Succeeded', startedBy: 'User', patchServiceUsed: 'WU', osType: 'Windows', installationActivityId: /^[0-9a-f-]{36}$/ });
  t.ok((install.installedPatchCount as number) > 0);

  const assess = (await beginAction(hc, machineUrl(emulator, 'myLinuxArcMachine', '/assessPatches')).pollUntilDone()) as Record<string, unknown>;
  t.match(assess, { status: 'Succeeded', patchServiceUsed: 'APT', osType: 'Linux', availablePatchCountByClassification: { other: Number } });

  // What went over the wire: the POST, a 202 poll, the 200.
  const log = await (await fetch(`${emulator.httpUrl}/_emulator/requests?path=${encodeURIComponent('updateCenterOperationResults')}`)).json() as { value: Array<{ status: number }> };
  t.same(log.value.map((r) => r.status), [202, 200, 202, 200]);

  await fetch(`${emulator.httpUrl}/_emulator/arcMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/myArcMachine/status`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Disconnected' }),
  });
  await t.rejects(beginAction(hc, machineUrl(emulator, 'myArcMachine', '/assessPatches')).pollUntilDone(), { message: /MachineNotConnected/ });
});
