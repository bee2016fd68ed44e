// `sync` completion through HTTP: the request that starts an operation finishes it and answers 200
// with what its Location URL answers at the end; as a default, as a completion rule for one VM, and
// for one running operation.

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { get, installUrl, LINUX_VM, pathOf, post, SPEC_EXAMPLE_BODY, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

const admin = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
const assessUrl = (vm: string) => `${vmPath(vm)}/assessPatches?api-version=2024-07-01`;

t.test('installPatches and assessPatches answer 200 with the final result and no polling headers', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'sync' });
  const installed = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  t.equal(installed.statusCode, 200);
  for (const header of ['location', 'azure-asyncoperation', 'retry-after']) t.notOk(installed.headers[header], `no ${header}`);
  const id = String(installed.headers['x-ms-request-id']);
  t.equal(installed.json().installationActivityId, id, 'x-ms-request-id names the operation, as on a 202');
  const stored = services.operations.get(SUBSCRIPTION, id);
  t.equal(stored?.status, 'Succeeded');
  t.equal(installed.body, stored?.resultJson, 'the body is the stored result, byte for byte');
  t.notOk(installed.json().patches.some((p: { installationState: string }) => p.installationState === 'Pending'), 'the run is over');

  // The operation URLs still answer, as for any finished operation.
  const base = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/${stored!.location}/operations/${id}`;
  const status = await get(app, `${base}?api-version=2024-07-01`);
  t.equal(status.json().status, 'Succeeded');
  t.same(status.json().properties.output, installed.json());
  const location = await get(app, `${base}?monitor=true&api-version=2024-07-01`);
  t.same(location.json(), installed.json());

  const assessed = await post(app, assessUrl(LINUX_VM), undefined);
  t.equal(assessed.statusCode, 200);
  t.equal(assessed.json().status, 'Succeeded');
  t.equal(assessed.json().assessmentActivityId, assessed.headers['x-ms-request-id']);
  t.ok(assessed.json().availablePatches.length > 0);
});

t.test('a power action in sync mode answers an empty 200 and has taken effect', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  const stopped = await post(app, `${vmPath(WINDOWS_VM)}/powerOff?api-version=2024-07-01`, undefined);
  t.equal(stopped.statusCode, 200);
  t.equal(stopped.body, '');
  t.notOk(stopped.headers['azure-asyncoperation']);
  const view = await get(app, `${vmPath(WINDOWS_VM)}/instanceView?api-version=2024-07-01`);
  t.equal(view.json().statuses[1].code, 'PowerState/stopped');
});

t.test('a completion rule makes one VM sync while the others poll', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  const rules = await admin(app, 'PUT', '/_emulator/completion', { rules: [{ subscriptionId: SUBSCRIPTION, vmName: WINDOWS_VM.toUpperCase(), mode: 'SYNC' }] });
  t.equal(rules.statusCode, 200);
  t.equal(rules.json().rules[0].mode, 'sync');
  t.equal((await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY)).statusCode, 200);
  t.equal((await post(app, assessUrl(LINUX_VM), undefined)).statusCode, 202);
  t.equal((await admin(app, 'PUT', '/_emulator/completion', { default: 'sync' })).json().default, 'sync');
  t.equal((await post(app, assessUrl(LINUX_VM), undefined)).statusCode, 200, 'the default applies to new operations');
});

t.test('a running operation set to sync is over at its next read', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:1000' });
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  const id = String(accepted.headers['x-ms-request-id']);
  t.equal((await admin(app, 'PUT', `/_emulator/operations/${SUBSCRIPTION}/${id}/completion`, { mode: 'sync' })).statusCode, 200);
  const location = await get(app, pathOf(String(accepted.headers.location)));
  t.equal(location.statusCode, 200);
  t.equal(location.json().installationActivityId, id);
});

t.test('an operation-level failure in sync mode is the POST answer itself', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'sync' });
  const failure = { code: 'VMAgentStatusCommunicationError', message: 'VM has reported a failure when processing extension.' };
  await admin(app, 'POST', '/_emulator/scenarios', { remaining: 1, match: { operation: 'installPatches' }, outcome: { operationFailure: failure } });
  const failed = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  t.equal(failed.statusCode, 500);
  t.same(failed.json().error, failure);
  t.equal(services.operations.get(SUBSCRIPTION, String(failed.headers['x-ms-request-id']))?.status, 'Failed', 'the operation is recorded as failed');
});
