// Scheduled patching of Arc-enabled servers through the HTTP API: assignments and applyUpdates on
// Microsoft.HybridCompute/machines, dynamic scopes filtered on the resource type, the runs their
// windows start (read back through the Arc result URL, startedBy Platform), a disconnected
// machine's skipped run, and scoped reset and state export/import.

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { AUTH, get, post, RESOURCE_GROUP, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

const MAINT = '2023-04-01';
const HC_VERSION = '2024-07-10';
const ARC = 'myArcMachine';
const LINUX_ARC = 'myLinuxArcMachine';
const machinePath = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.HybridCompute/machines/${name}`;
const configPath = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Maintenance/maintenanceConfigurations/${name}?api-version=${MAINT}`;
const configId = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourcegroups/${RESOURCE_GROUP}/providers/Microsoft.Maintenance/maintenanceConfigurations/${name}`;
const assignmentPath = (machine: string, name?: string) =>
  `${machinePath(machine)}/providers/Microsoft.Maintenance/configurationAssignments${name ? `/${name}` : ''}?api-version=${MAINT}`;
const applyPath = (machine: string, name = 'default') => `${machinePath(machine)}/providers/Microsoft.Maintenance/applyUpdates/${name}?api-version=${MAINT}`;
const scopePath = (name: string) => `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/configurationAssignments/${name}?api-version=${MAINT}`;
const statusUrl = (machine: string) => `/_emulator/arcMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/${machine}/status`;

async function send(app: FastifyInstance, method: 'PUT' | 'DELETE' | 'POST', url: string, body?: unknown) {
  return app.inject({ method, url, headers: AUTH, ...(body === undefined ? {} : { payload: body as object }) });
}
const advance = (app: FastifyInstance, by: string) => post(app, '/_emulator/clock', { advance: by });

/** Frozen at 2099-06-01 10:00 UTC; a nightly two-hour window from 2099-06-02 02:00 UTC. */
async function nightly(app: FastifyInstance) {
  await post(app, '/_emulator/clock', { set: '2099-06-01T10:00:00Z', frozen: true });
  const created = await send(app, 'PUT', configPath('nightly'), {
    location: 'westus',
    properties: {
      maintenanceScope: 'InGuestPatch',
      extensionProperties: { InGuestPatchMode: 'User' },
      maintenanceWindow: { startDateTime: '2099-06-02 02:00', duration: '02:00', timeZone: 'UTC', recurEvery: '1Day' },
      installPatches: { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] }, linuxParameters: { classificationsToInclude: ['Critical', 'Security'] } },
    },
  });
  if (created.statusCode !== 201) throw new Error(created.body);
}
const assignment = { properties: { maintenanceConfigurationId: configId('nightly') } };

/** The Arc machine's operations, newest first, read back through the Arc RP's result URL. */
async function arcResults(app: FastifyInstance, services: ReturnType<typeof testEmulator>['services'], machine: string) {
  const operations = services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, `Microsoft.HybridCompute/machines/${machine}`);
  const results = [];
  for (const operation of operations) {
    const response = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.HybridCompute/locations/westus/updateCenterOperationResults/${operation.id}?api-version=${HC_VERSION}`);
    results.push({ statusCode: response.statusCode, body: response.statusCode === 200 ? response.json() : undefined });
  }
  return results;
}

t.test('an assignment on an Arc machine: created, read, listed, deleted; no patch-mode prerequisite', async (t) => {
  const { app } = testEmulator(t);
  await nightly(app);
  const created = await send(app, 'PUT', assignmentPath(ARC, 'nightly'), assignment);
  t.equal(created.statusCode, 201, created.body);
  t.same(created.json(), {
    id: `${machinePath(ARC)}/providers/Microsoft.Maintenance/configurationAssignments/nightly`,
    name: 'nightly',
    type: 'Microsoft.Maintenance/configurationAssignments',
    properties: { maintenanceConfigurationId: configId('nightly'), resourceId: machinePath(ARC) },
  });
  t.equal((await send(app, 'PUT', assignmentPath(ARC, 'nightly'), assignment)).statusCode, 200, 'a second PUT updates');
  t.equal((await get(app, assignmentPath(ARC, 'nightly'))).json().properties.resourceId, machinePath(ARC));
  t.same((await get(app, assignmentPath(ARC))).json().value.map((a: { name: string }) => a.name), ['nightly']);
  t.same((await get(app, assignmentPath(LINUX_ARC))).json().value, [], "another machine's list is its own");
  // A VM of the same name is another resource: its assignments are not the Arc machine's.
  t.equal((await get(app, `${machinePath('nobody')}/providers/Microsoft.Maintenance/configurationAssignments?api-version=${MAINT}`)).statusCode, 404);
  t.equal((await send(app, 'DELETE', assignmentPath(ARC, 'nightly'))).statusCode, 200);
  t.equal((await send(app, 'DELETE', assignmentPath(ARC, 'nightly'))).statusCode, 204);
  t.equal((await get(app, assignmentPath(ARC, 'nightly'))).statusCode, 404);
  const unknown = await send(app, 'PUT', assignmentPath('no-such-machine', 'nightly'), assignment);
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().error.code, 'ResourceNotFound');
});

t.test('a window runs on an assigned Arc machine through its install path, started by the platform', async (t) => {
  const { app, services } = testEmulator(t);
  await nightly(app);
  t.equal((await send(app, 'PUT', assignmentPath(ARC, 'nightly'), assignment)).statusCode, 201);
  t.equal((await get(app, applyPath(ARC))).statusCode, 404, 'no run before the window');
  await advance(app, 'PT16H5M');
  const running = (await get(app, applyPath(ARC))).json();
  t.equal(running.properties.status, 'InProgress');
  t.equal(running.properties.resourceId, machinePath(ARC));
  t.equal(running.id, `${machinePath(ARC)}/providers/Microsoft.Maintenance/applyUpdates/${running.name}`);
  await advance(app, 'PT3H');
  t.equal((await get(app, applyPath(ARC))).json().properties.status, 'Completed');
  const results = await arcResults(app, services, ARC);
  t.equal(results.length, 1, 'one installation');
  t.equal(results[0]!.statusCode, 200);
  t.match(results[0]!.body, { startedBy: 'Platform', status: 'Succeeded', osType: 'Windows', patchServiceUsed: 'WU', startDateTime: '2099-06-02T02:00:00.0000000Z' });
  t.equal((await get(app, applyPath(ARC, running.name))).json().properties.status, 'Completed', 'the run by its name');
  t.equal((await get(app, applyPath(LINUX_ARC))).statusCode, 404, 'an unassigned machine has no run');
  t.equal(services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM).length, 0, 'no VM ran');
  // applyUpdates/default starts one now, on the Arc machine.
  const now = await send(app, 'PUT', applyPath(ARC), undefined);
  t.equal(now.statusCode, 200, now.body);
  t.equal(now.json().properties.status, 'InProgress');
  t.equal((await arcResults(app, services, ARC)).length, 2);
});

t.test('a dynamic scope on Microsoft.HybridCompute/machines covers the Arc machines and not the VMs', async (t) => {
  const { app, services } = testEmulator(t);
  await nightly(app);
  const scope = {
    properties: { maintenanceConfigurationId: configId('nightly'), filter: { resourceTypes: ['Microsoft.HybridCompute/machines'], locations: ['West US'], osTypes: ['Windows', 'Linux'] } },
  };
  t.equal((await send(app, 'PUT', scopePath('arc-only'), scope)).statusCode, 201);
  const overview = (await get(app, '/_emulator/maintenance')).json();
  const covered = overview.configurations[0].machines as string[];
  t.same([...covered].sort(), [machinePath(ARC), machinePath(LINUX_ARC)].sort(), 'the admin view lists the Arc machines only');
  await advance(app, 'PT16H5M');
  const runs = (await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/applyUpdates?api-version=${MAINT}`)).json().value as Array<{ properties: { resourceId: string } }>;
  t.same(runs.map((run) => run.properties.resourceId).sort(), [machinePath(ARC), machinePath(LINUX_ARC)].sort());
  t.equal((await get(app, `${vmPath(WINDOWS_VM)}/providers/Microsoft.Maintenance/applyUpdates/default?api-version=${MAINT}`)).statusCode, 404, 'no VM run');
  await advance(app, 'PT3H');
  t.equal((await get(app, applyPath(LINUX_ARC))).json().properties.status, 'Completed');
  t.match((await arcResults(app, services, LINUX_ARC))[0]!.body, { startedBy: 'Platform', osType: 'Linux', patchServiceUsed: 'APT' });

  // A tag filter narrows it: only the tagged machine is covered at the next window.
  const tagged = { properties: { ...scope.properties, filter: { ...scope.properties.filter, tagSettings: { tags: { ring: ['one'] }, filterOperator: 'All' } } } };
  t.equal((await send(app, 'PUT', scopePath('arc-only'), tagged)).statusCode, 200);
  const tag = await app.inject({ method: 'PATCH', url: `${machinePath(LINUX_ARC)}?api-version=${HC_VERSION}`, headers: AUTH, payload: { tags: { ring: 'one' } } });
  t.equal(tag.statusCode, 200, tag.body);
  const linuxBefore = services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, `Microsoft.HybridCompute/machines/${LINUX_ARC}`).length;
  const windowsBefore = services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, `Microsoft.HybridCompute/machines/${ARC}`).length;
  await advance(app, 'P1D');
  await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/applyUpdates?api-version=${MAINT}`);
  t.equal(services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, `Microsoft.HybridCompute/machines/${LINUX_ARC}`).length, linuxBefore + 1, 'the tagged machine ran');
  t.equal(services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, `Microsoft.HybridCompute/machines/${ARC}`).length, windowsBefore, 'the untagged one did not');

  // A VM-only scope does not reach Arc machines.
  const vmsOnly = { properties: { maintenanceConfigurationId: configId('nightly'), filter: { resourceTypes: ['Microsoft.Compute/virtualMachines'] } } };
  t.equal((await send(app, 'DELETE', scopePath('arc-only'))).statusCode, 200);
  t.equal((await send(app, 'PUT', scopePath('vms-only'), vmsOnly)).statusCode, 201);
  const vmCovered = (await get(app, '/_emulator/maintenance')).json().configurations[0].machines as string[];
  t.notOk(vmCovered.some((id) => id.includes('HybridCompute')), 'no Arc machine under a VM-only scope');
});

t.test('a disconnected Arc machine is skipped (RetryLater) with its reason', async (t) => {
  const { app, services } = testEmulator(t);
  await nightly(app);
  await send(app, 'PUT', assignmentPath(ARC, 'nightly'), assignment);
  t.equal((await app.inject({ method: 'PUT', url: statusUrl(ARC), payload: { status: 'Disconnected' } })).statusCode, 200);
  await advance(app, 'PT16H5M');
  const skipped = (await get(app, applyPath(ARC))).json();
  t.equal(skipped.properties.status, 'RetryLater');
  t.equal(services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, `Microsoft.HybridCompute/machines/${ARC}`).length, 0, 'nothing ran');
  const run = services.maintenance.store.runsOfResource(SUBSCRIPTION, machinePath(ARC))[0]!;
  t.match(run.skippedReason, /Disconnected/);
  // Connected again: the next night runs.
  await app.inject({ method: 'PUT', url: statusUrl(ARC), payload: { status: 'Connected' } });
  await advance(app, 'P1D');
  t.equal((await get(app, applyPath(ARC))).json().properties.status, 'InProgress');
});

t.test('state export/import and a scoped reset carry Arc assignments and runs', async (t) => {
  const { app } = testEmulator(t);
  await nightly(app);
  await send(app, 'PUT', assignmentPath(ARC, 'nightly'), assignment);
  await advance(app, 'PT16H5M');
  t.equal((await get(app, applyPath(ARC))).statusCode, 200);
  const state = (await get(app, '/_emulator/state')).json();
  t.equal(state.maintenance.assignments.length, 1);
  t.equal(state.maintenance.runs.length, 1);
  // A reset of the Arc machine alone takes its assignment and runs with it.
  t.equal((await post(app, '/_emulator/reset', { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, vmName: ARC })).statusCode, 200);
  t.equal((await get(app, assignmentPath(ARC, 'nightly'))).statusCode, 404);
  t.equal((await get(app, applyPath(ARC))).statusCode, 404);
  t.equal((await get(app, configPath('nightly'))).statusCode, 200, 'the configuration stays');
  const imported = await app.inject({ method: 'PUT', url: '/_emulator/state', payload: state });
  t.equal(imported.statusCode, 200, imported.body);
  t.equal((await get(app, assignmentPath(ARC, 'nightly'))).statusCode, 200);
  t.equal((await get(app, applyPath(ARC))).json().properties.resourceId, machinePath(ARC));
});

t.test("an Arc machine's periodic assessment: every 24 hours once switched on, started by the platform; no automatic installation", async (t) => {
  const { app, services } = testEmulator(t);
  await post(app, '/_emulator/clock', { set: '2099-06-01T10:00:00Z', frozen: true });
  const operationsOf = () => services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, `Microsoft.HybridCompute/machines/${ARC}`);
  const patchSettings = { assessmentMode: 'AutomaticByPlatform', patchMode: 'AutomaticByPlatform' };
  const patched = await app.inject({
    method: 'PATCH',
    url: `${machinePath(ARC)}?api-version=${HC_VERSION}`,
    headers: AUTH,
    payload: { properties: { osProfile: { windowsConfiguration: { patchSettings } } } },
  });
  t.equal(patched.statusCode, 200, patched.body);
  await advance(app, 'PT23H');
  await get(app, '/_emulator/overview');
  t.equal(operationsOf().length, 0, 'counted from the change: nothing before a day has passed');
  await advance(app, 'PT2H');
  await get(app, '/_emulator/overview');
  const first = operationsOf();
  t.same(first.map((operation) => operation.kind), ['assessPatches']);
  const results = await arcResults(app, services, ARC);
  t.match(results[0]!.body, { startedBy: 'Platform', status: 'Succeeded', osType: 'Windows', assessmentActivityId: first[0]!.id });
  // Disconnected: the day's assessment is skipped.
  await app.inject({ method: 'PUT', url: statusUrl(ARC), payload: { status: 'Disconnected' } });
  await advance(app, 'P1D');
  await get(app, '/_emulator/overview');
  t.equal(operationsOf().length, 1, 'nothing ran on a disconnected machine');
  await app.inject({ method: 'PUT', url: statusUrl(ARC), payload: { status: 'Connected' } });
  await advance(app, 'P40D');
  await get(app, '/_emulator/overview');
  t.ok(operationsOf().length > 1, 'assessed again once connected');
  t.notOk(operationsOf().some((operation) => operation.kind === 'installPatches'), 'patchMode AutomaticByPlatform is for schedules: the platform installs nothing');
  // Switched off: no more runs.
  const before = operationsOf().length;
  await app.inject({ method: 'PATCH', url: `${machinePath(ARC)}?api-version=${HC_VERSION}`, headers: AUTH, payload: { properties: { osProfile: { windowsConfiguration: { patchSettings: { assessmentMode: 'ImageDefault' } } } } } });
  await advance(app, 'P3D');
  await get(app, '/_emulator/overview');
  t.equal(operationsOf().length, before);
});
