// The admin API through HTTP: health, completion modes, the clock, scenarios, fault rules, reset,
// state export/import and the request journal.

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { parseCompletionMode } from '../../simulator/progress.js';
import { AUTH, get, installUrl, LINUX_BODY, LINUX_VM, pathOf, pollToTerminal, post, SPEC_EXAMPLE_BODY, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

const admin = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD', url: string, payload?: unknown) =>
  app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

async function startInstall(app: FastifyInstance, vm = WINDOWS_VM, body: unknown = SPEC_EXAMPLE_BODY) {
  const accepted = await post(app, installUrl(vm), body);
  return { id: String(accepted.headers['x-ms-request-id']), statusUrl: pathOf(String(accepted.headers['azure-asyncoperation'])), locationUrl: pathOf(String(accepted.headers.location)) };
}

async function pollsToFinish(app: FastifyInstance, statusUrl: string, limit = 20): Promise<number> {
  for (let polls = 1; polls <= limit; polls++) {
    if ((await get(app, statusUrl)).json().status !== 'InProgress') return polls;
  }
  return Infinity;
}

t.test('health: GET and HEAD, server id, version, uptime, store', async (t) => {
  const { app } = testEmulator(t);
  const health = await admin(app, 'GET', '/_emulator/health');
  t.equal(health.statusCode, 200);
  t.match(health.json(), { status: 'Healthy', server: 'compute-patch-emulator', store: 'ok' });
  t.type(health.json().uptimeSeconds, 'number');
  t.type(health.json().version, 'string');
  const head = await admin(app, 'HEAD', '/_emulator/health');
  t.equal(head.statusCode, 200);
  t.equal(head.body, '');
});

t.test('completion: polls:3 takes exactly three status polls', async (t) => {
  const { app } = testEmulator(t, { completion: 'instant' });
  t.equal((await admin(app, 'PUT', '/_emulator/completion', { default: 'polls:3' })).json().default, 'polls:3');
  const { statusUrl } = await startInstall(app);
  t.equal(await pollsToFinish(app, statusUrl), 3);
});

t.test('completion rules: the most specific scope wins', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:5' });
  const set = await admin(app, 'PUT', '/_emulator/completion', {
    rules: [
      { subscriptionId: SUBSCRIPTION, mode: 'polls:4' },
      { subscriptionId: SUBSCRIPTION, resourceGroup: 'myresourcegroupname', mode: 'polls:3' },
      { subscriptionId: SUBSCRIPTION, resourceGroup: 'myResourceGroupName', vmName: LINUX_VM, mode: 'instant' },
    ],
  });
  t.equal(set.statusCode, 200);
  t.equal(set.json().default, 'polls:5');
  t.equal(await pollsToFinish(app, (await startInstall(app, LINUX_VM, LINUX_BODY)).statusUrl), 1, 'the VM rule');
  t.equal(await pollsToFinish(app, (await startInstall(app)).statusUrl), 3, 'the resource-group rule');
  const bad = await admin(app, 'PUT', '/_emulator/completion', { default: 'eventually' });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().error.code, 'InvalidParameter');
});

t.test('completion: the admin API and the parser accept the same modes (one grammar)', async (t) => {
  const { app } = testEmulator(t, { completion: 'instant' });
  const accepted = ['sync', 'INSTANT', 'Time', 'polls:1', 'POLLS:1000'];
  const refused = ['polls:0', 'polls:1001', 'polls:007', 'polls:', 'polls:-1', 'instantly', 'eventually'];
  for (const mode of [...accepted, ...refused]) {
    const ok = accepted.includes(mode);
    t.equal((await admin(app, 'PUT', '/_emulator/completion', { default: mode })).statusCode, ok ? 200 : 400, `${mode}: the admin API ${ok ? 'accepts' : 'refuses'} it`);
    t.equal(parseCompletionMode(mode) !== undefined, ok, `${mode}: the parser ${ok ? 'accepts' : 'refuses'} it`);
  }
});

t.test('completion of one operation can be changed while it runs', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:1000' });
  const { id, statusUrl } = await startInstall(app);
  t.equal((await get(app, statusUrl)).json().status, 'InProgress');
  const changed = await admin(app, 'PUT', `/_emulator/operations/${SUBSCRIPTION}/${id}/completion`, { mode: 'instant' });
  t.equal(changed.statusCode, 200);
  t.equal((await get(app, statusUrl)).json().status, 'Succeeded');
  const again = await admin(app, 'PUT', `/_emulator/operations/${SUBSCRIPTION}/${id}/completion`, { mode: 'instant' });
  t.equal(again.statusCode, 409);
  const unknown = await admin(app, 'PUT', `/_emulator/operations/${SUBSCRIPTION}/6a0e1f5c-0000-4000-8000-000000000000/completion`, { mode: 'instant' });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().error.code, 'NotFound');
});

t.test('the clock: frozen plus an advance completes a time-mode operation', async (t) => {
  const { app } = testEmulator(t, { completion: 'time' });
  const frozen = await admin(app, 'POST', '/_emulator/clock', { frozen: true });
  t.equal(frozen.json().frozen, true);
  const { statusUrl } = await startInstall(app);
  const before = (await admin(app, 'GET', '/_emulator/clock')).json().now;
  for (let i = 0; i < 3; i++) t.equal((await get(app, statusUrl)).json().status, 'InProgress');
  t.equal((await admin(app, 'GET', '/_emulator/clock')).json().now, before, 'a frozen clock does not move');
  const advanced = await admin(app, 'POST', '/_emulator/clock', { advance: 'PT12H' });
  t.equal(Date.parse(advanced.json().now) - Date.parse(before), 12 * 3600_000);
  const done = (await get(app, statusUrl)).json();
  t.equal(done.status, 'Succeeded');
  t.ok(Date.parse(done.endTime) <= Date.parse(advanced.json().now));
  const speed = await admin(app, 'POST', '/_emulator/clock', { speed: 60, frozen: false, set: '2030-01-01T00:00:00Z' });
  t.equal(speed.json().speed, 60);
  t.equal(speed.json().frozen, false);
  t.ok(Date.parse(speed.json().now) >= Date.parse('2030-01-01T00:00:00Z'));
  const bad = await admin(app, 'POST', '/_emulator/clock', { advance: 'two hours' });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().error.target, 'advance');
});

t.test('scenarios set terminal statuses, patch failures, the window and the reboot', async (t) => {
  const { app } = testEmulator(t);
  const outcomes: Array<[Record<string, unknown>, (output: Record<string, unknown>) => void]> = [
    [{ status: 'Failed' }, (o) => t.equal(o.status, 'Failed')],
    [{ status: 'CompletedWithWarnings' }, (o) => t.equal(o.status, 'CompletedWithWarnings')],
    [{ failPatches: ['KB5075906'] }, (o) => {
      t.equal(o.status, 'Failed');
      t.equal((o.patches as Array<{ kbId: string; installationState: string }>).find((p) => p.kbId === '5075906')?.installationState, 'Failed');
      t.equal(o.failedPatchCount, 1);
      t.equal((o.error as { code: string }).code, '1');
    }],
    [{ maintenanceWindowExceeded: true }, (o) => {
      t.equal(o.maintenanceWindowExceeded, true);
      t.equal(o.status, 'Failed');
      t.ok((o.pendingPatchCount as number) > 0);
      t.equal(o.pendingPatchCount, (o.patches as Array<{ installationState: string }>).filter((p) => p.installationState === 'Pending').length);
    }],
    [{ rebootStatus: 'Failed' }, (o) => {
      t.equal(o.rebootStatus, 'Failed');
      t.equal(o.status, 'Failed');
    }],
  ];
  for (const [outcome, check] of outcomes) {
    // Each run starts from the seeded VM: an earlier run's installs would shrink the inventory.
    await admin(app, 'POST', '/_emulator/reset', { subscriptionId: SUBSCRIPTION, resourceGroup: 'myResourceGroupName', vmName: WINDOWS_VM });
    const created = await admin(app, 'POST', '/_emulator/scenarios', { match: { vmName: WINDOWS_VM }, remaining: 1, outcome });
    t.equal(created.statusCode, 201);
    const { statusUrl } = await startInstall(app);
    const { final } = await pollToTerminal(app, `http://x${statusUrl}`);
    t.equal(final.status, 'Succeeded', 'patch-level outcomes live inside a successful envelope');
    check((final.properties as { output: Record<string, unknown> }).output);
  }
  const plain = await pollToTerminal(app, `http://x${(await startInstall(app)).statusUrl}`);
  t.equal((plain.final.properties as { output: { status: string } }).output.status, 'Succeeded', 'used-up scenarios no longer apply');
  t.same((await admin(app, 'GET', '/_emulator/scenarios')).json().value.map((s: { remaining: number }) => s.remaining), [0, 0, 0, 0, 0]);
});

t.test('a scenario can fail the operation itself; the Location URL then answers the error', async (t) => {
  const { app } = testEmulator(t);
  await admin(app, 'POST', '/_emulator/scenarios', { id: 'agent-down', match: { operation: 'installPatches' }, outcome: { operationFailure: { code: 'VMAgentStatusCommunicationError', message: 'VM has reported a failure when processing extension.' } } });
  const { statusUrl, locationUrl } = await startInstall(app);
  const final = (await get(app, statusUrl)).json();
  t.same(Object.keys(final), ['startTime', 'endTime', 'status', 'error', 'name']);
  t.equal(final.status, 'Failed');
  t.same(final.error, { code: 'VMAgentStatusCommunicationError', message: 'VM has reported a failure when processing extension.' });
  const location = await get(app, locationUrl);
  t.equal(location.json().error.code, 'VMAgentStatusCommunicationError');
  t.equal((await admin(app, 'DELETE', '/_emulator/scenarios/agent-down')).statusCode, 204);
  t.equal((await admin(app, 'DELETE', '/_emulator/scenarios/agent-down')).statusCode, 404);
  const invalid = await admin(app, 'POST', '/_emulator/scenarios', { outcome: { status: 'Maybe' } });
  t.equal(invalid.statusCode, 400);
  t.equal(invalid.json().error.target, 'outcome.status');
});

t.test('a scenario duration sets how long a time-mode run takes', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'time' });
  services.clock.setFrozen(true);
  await admin(app, 'POST', '/_emulator/scenarios', { outcome: { duration: 'PT10M' } });
  const { statusUrl } = await startInstall(app);
  await admin(app, 'POST', '/_emulator/clock', { advance: 'PT9M' });
  t.equal((await get(app, statusUrl)).json().status, 'InProgress');
  await admin(app, 'POST', '/_emulator/clock', { advance: 'PT1M' });
  const done = (await get(app, statusUrl)).json();
  t.equal(done.status, 'Succeeded');
  t.equal(Date.parse(done.endTime) - Date.parse(done.startTime), 10 * 60_000);
});

t.test('fault rules: throttle, server errors, counts, and a journal that proves them', async (t) => {
  const { app } = testEmulator(t);
  const rule = await admin(app, 'POST', '/_emulator/faults', { match: { operation: 'installPatches' }, effect: { kind: 'throttle', retryAfterSeconds: 7 }, remaining: 1 });
  t.equal(rule.statusCode, 201);
  const throttled = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  t.equal(throttled.statusCode, 429);
  t.equal(throttled.headers['retry-after'], '7');
  const error = throttled.json().error;
  t.equal(error.code, 'OperationNotAllowed');
  t.equal(error.message, 'The server rejected the request because too many requests have been received for this subscription.');
  t.equal(error.details[0].code, 'TooManyRequests');
  t.same(error.innererror, { internalErrorCode: 'TooManyRequestsReceived' });
  t.equal((await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY)).statusCode, 202, 'remaining: 1 hits once');

  await admin(app, 'POST', '/_emulator/faults', { match: { method: 'GET', path: '*/operations/*' }, effect: { kind: 'error', statusCode: 503 } });
  const { statusUrl } = await startInstall(app);
  const unavailable = await get(app, statusUrl);
  t.equal(unavailable.statusCode, 503);
  t.equal(unavailable.json().error.code, 'ServiceUnavailable');
  const unauthenticated = await app.inject({ method: 'GET', url: statusUrl });
  t.equal(unauthenticated.statusCode, 401, 'faults apply after authentication');
  const faults = (await admin(app, 'GET', '/_emulator/faults')).json().value;
  t.same(faults.map((f: { matched: number; remaining?: number }) => [f.matched, f.remaining]), [[1, 0], [1, undefined]], 'a used-up rule stops counting');
  t.equal((await admin(app, 'DELETE', '/_emulator/faults')).statusCode, 204);
  t.equal((await get(app, statusUrl)).statusCode, 200);

  const journal = (await admin(app, 'GET', '/_emulator/requests?method=POST')).json().value;
  t.same(journal.map((e: { status: number }) => e.status), [429, 202, 202]);
  t.equal(journal[0].headers.authorization, '[redacted]');
  t.same(journal[1].body, SPEC_EXAMPLE_BODY);
  t.match(journal[1].operationId, /^[0-9a-f-]{36}$/);
});

t.test('a seeded fault probability gives the same sequence twice, and another seed another one', async (t) => {
  const sequence = async (seed: string) => {
    const { app } = testEmulator(t, { seed });
    await admin(app, 'POST', '/_emulator/faults', { id: 'flaky', match: { path: '*/virtualMachines/*' }, effect: { kind: 'error', statusCode: 500 }, probability: 0.5 });
    const statuses = [];
    for (let i = 0; i < 24; i++) statuses.push((await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`)).statusCode);
    return statuses;
  };
  const first = await sequence('alpha');
  t.same(await sequence('alpha'), first);
  t.ok(first.includes(500) && first.includes(200), 'both outcomes occur');
  t.notSame(await sequence('beta'), first);
});

t.test('reset: back to the seed, clock and control state included unless kept', async (t) => {
  const { app } = testEmulator(t);
  const rg = `/subscriptions/${SUBSCRIPTION}/resourcegroups/extra?api-version=2024-03-01`;
  await app.inject({ method: 'PUT', url: rg, headers: AUTH, payload: { location: 'westus' } });
  await startInstall(app);
  await admin(app, 'POST', '/_emulator/scenarios', { outcome: { status: 'Failed' } });
  await admin(app, 'POST', '/_emulator/faults', { match: { path: '/nothing' }, effect: { kind: 'drop' } });
  await admin(app, 'POST', '/_emulator/clock', { frozen: true, set: '2031-01-01T00:00:00Z' });

  t.same((await admin(app, 'POST', '/_emulator/reset', { keepFaults: true })).json(), { reset: 'everything' });
  t.same((await admin(app, 'GET', '/_emulator/requests')).json().value, [], 'the journal is cleared');
  t.equal((await get(app, rg)).statusCode, 404, 'resources outside the seed are gone');
  t.equal((await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`)).statusCode, 200, 'the seed is back');
  t.same((await admin(app, 'GET', '/_emulator/scenarios')).json().value, []);
  t.equal((await admin(app, 'GET', '/_emulator/faults')).json().value.length, 1, 'kept on request');
  const clock = (await admin(app, 'GET', '/_emulator/clock')).json();
  t.equal(clock.frozen, false);
  t.ok(Date.parse(clock.now) < Date.parse('2031-01-01T00:00:00Z'));
});

t.test('a scoped reset touches one VM only: its operations and installed patches', async (t) => {
  const { app, services } = testEmulator(t);
  const body = { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } };
  const windowsRun = await startInstall(app, WINDOWS_VM, body);
  await get(app, windowsRun.statusUrl);
  const linuxRun = await startInstall(app, LINUX_VM, LINUX_BODY);
  await get(app, linuxRun.statusUrl);
  t.ok(services.resources.getVirtualMachine(SUBSCRIPTION, 'myResourceGroupName', WINDOWS_VM)!.patchState.installedPatchIds.length > 0);
  const reset = await admin(app, 'POST', '/_emulator/reset', { subscriptionId: SUBSCRIPTION, resourceGroup: 'myResourceGroupName', vmName: WINDOWS_VM });
  t.same(reset.json(), { reset: 'virtualMachine' });
  t.same(services.resources.getVirtualMachine(SUBSCRIPTION, 'myResourceGroupName', WINDOWS_VM)!.patchState.installedPatchIds, []);
  t.equal((await get(app, windowsRun.statusUrl)).statusCode, 404);
  t.equal((await get(app, linuxRun.statusUrl)).statusCode, 200, 'the other VM keeps its operations');
  const invalid = await admin(app, 'POST', '/_emulator/reset', { vmName: WINDOWS_VM });
  t.equal(invalid.statusCode, 400);
});

t.test('state: export, reset, import, export again gives the same document', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  await app.inject({ method: 'PUT', url: `/subscriptions/${SUBSCRIPTION}/resourcegroups/fixtures?api-version=2024-03-01`, headers: AUTH, payload: { location: 'eastus', tags: { owner: 'tests' } } });
  const done = await startInstall(app);
  await pollToTerminal(app, `http://x${done.statusUrl}`);
  const running = await startInstall(app, LINUX_VM, LINUX_BODY);
  await get(app, running.statusUrl);
  await admin(app, 'POST', '/_emulator/scenarios', { outcome: { status: 'Failed' }, remaining: 2 });
  await admin(app, 'POST', '/_emulator/clock', { frozen: true });

  const exported = (await admin(app, 'GET', '/_emulator/state')).json();
  t.equal(exported.format, 'compute-patch-emulator/state');
  t.equal(exported.operations.length, 2);
  await admin(app, 'POST', '/_emulator/reset', {});
  t.not(JSON.stringify((await admin(app, 'GET', '/_emulator/state')).json()), JSON.stringify(exported));
  const imported = await admin(app, 'PUT', '/_emulator/state', exported);
  t.equal(imported.statusCode, 200);
  t.same((await admin(app, 'GET', '/_emulator/state')).json(), exported);
  t.equal((await get(app, running.statusUrl)).json().status, 'Succeeded', 'an imported running operation goes on where it was');

  const broken = await admin(app, 'PUT', '/_emulator/state', { format: 'something-else' });
  t.equal(broken.statusCode, 400);
  t.equal((await admin(app, 'GET', '/_emulator/state')).json().operations.length, 2, 'a refused import changes nothing');
});

t.test('the journal is bounded, filterable and can be cleared', async (t) => {
  const { app } = testEmulator(t);
  for (let i = 0; i < 5; i++) await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`);
  await get(app, `${vmPath('missing')}?api-version=2024-07-01`);
  const notFound = (await admin(app, 'GET', '/_emulator/requests?status=404')).json().value;
  t.equal(notFound.length, 1);
  t.match(notFound[0].url, /missing/);
  t.equal((await admin(app, 'GET', '/_emulator/requests?limit=2')).json().value.length, 2);
  t.equal((await admin(app, 'GET', '/_emulator/requests?path=MYVMNAME')).json().value.length, 5);
  t.equal((await admin(app, 'GET', '/_emulator/requests?limit=lots')).statusCode, 400);
  t.equal((await admin(app, 'DELETE', '/_emulator/requests')).statusCode, 204);
  t.same((await admin(app, 'GET', '/_emulator/requests')).json().value, []);
});
