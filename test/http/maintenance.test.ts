// Scheduled patching (Microsoft.Maintenance) through the HTTP API: configurations, assignments,
// dynamic scopes, the runs their windows start on the simulated clock, applyUpdates, the admin
// API's "open now", and state export/import.

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { AUTH, get, LINUX_VM, post, RESOURCE_GROUP, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

const MAINT = '2023-04-01';
const COMPUTE = '2024-07-01';
const configPath = (name: string, apiVersion = MAINT) =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Maintenance/maintenanceConfigurations/${name}?api-version=${apiVersion}`;
const configId = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourcegroups/${RESOURCE_GROUP}/providers/Microsoft.Maintenance/maintenanceConfigurations/${name}`;
const assignmentPath = (vm: string, name: string) => `${vmPath(vm)}/providers/Microsoft.Maintenance/configurationAssignments/${name}?api-version=${MAINT}`;
const applyPath = (vm: string, name = 'default') => `${vmPath(vm)}/providers/Microsoft.Maintenance/applyUpdates/${name}?api-version=${MAINT}`;

async function send(app: FastifyInstance, method: 'PUT' | 'PATCH' | 'DELETE' | 'POST', url: string, body?: unknown) {
  return app.inject({ method, url, headers: AUTH, ...(body === undefined ? {} : { payload: body as object }) });
}

/** Freezes the clock at 2099-06-01 10:00 UTC, after the seed's VMs were created. */
async function freeze(app: FastifyInstance) {
  await post(app, '/_emulator/clock', { set: '2099-06-01T10:00:00Z', frozen: true });
}
const advance = (app: FastifyInstance, by: string) => post(app, '/_emulator/clock', { advance: by });

function configuration(window: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return {
    location: 'westus',
    properties: {
      maintenanceScope: 'InGuestPatch',
      extensionProperties: { InGuestPatchMode: 'User' },
      maintenanceWindow: { startDateTime: '2099-06-02 02:00', duration: '02:00', timeZone: 'UTC', recurEvery: '1Day', ...window },
      installPatches: { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] }, linuxParameters: { classificationsToInclude: ['Critical', 'Security'] } },
      ...extra,
    },
  };
}

const READY = { automaticByPlatformSettings: { bypassPlatformSafetyChecksOnUserSchedule: true }, patchMode: 'AutomaticByPlatform' };
async function makeReady(app: FastifyInstance, vm: string, linux = false) {
  const osProfile = linux ? { linuxConfiguration: { patchSettings: READY } } : { windowsConfiguration: { patchSettings: READY } };
  const response = await send(app, 'PATCH', `${vmPath(vm)}?api-version=${COMPUTE}`, { properties: { osProfile } });
  if (response.statusCode !== 200) throw new Error(response.body);
}

t.test('configuration CRUD and lists', async (t) => {
  const { app } = testEmulator(t);
  await freeze(app);
  const created = await send(app, 'PUT', configPath('weekly'), configuration({ recurEvery: 'Week Saturday,Sunday' }));
  t.equal(created.statusCode, 201);
  const body = created.json();
  t.equal(body.id, configId('weekly'));
  t.equal(body.type, 'Microsoft.Maintenance/maintenanceConfigurations');
  t.equal(body.properties.maintenanceWindow.expirationDateTime, '9999-12-31 23:59:59', 'the default expiration');
  t.equal(body.properties.visibility, 'Custom');
  t.equal((await send(app, 'PUT', configPath('weekly'), configuration())).statusCode, 200, 'a second PUT updates');
  t.equal((await get(app, configPath('weekly'))).json().properties.maintenanceWindow.recurEvery, '1Day');
  const patched = await send(app, 'PATCH', configPath('weekly'), { tags: { team: 'a' }, properties: { maintenanceWindow: { duration: '03:00' } } });
  t.equal(patched.statusCode, 200);
  t.equal(patched.json().properties.maintenanceWindow.duration, '03:00');
  t.equal(patched.json().properties.maintenanceWindow.recurEvery, '1Day', 'PATCH merges the window');
  t.same(patched.json().tags, { team: 'a' });
  const listed = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/maintenanceConfigurations?api-version=${MAINT}`);
  t.same(listed.json().value.map((c: { name: string }) => c.name), ['weekly']);
  const inGroup = await get(app, `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Maintenance/maintenanceConfigurations?api-version=${MAINT}`);
  t.equal(inGroup.json().value.length, 1);
  t.equal((await send(app, 'DELETE', configPath('weekly'))).statusCode, 200);
  t.equal((await send(app, 'DELETE', configPath('weekly'))).statusCode, 204);
  const missing = await get(app, configPath('weekly'));
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().Error.Code, 'ResourceNotFound', "the provider's capitalised error body");
  const noVersion = await get(app, configPath('weekly').replace(/\?.*$/, ''));
  t.equal(noVersion.json().error.code, 'MissingApiVersionParameter', "ARM's own errors keep the CloudError");
  const badVersion = await get(app, configPath('weekly', '2019-01-01'));
  t.equal(badVersion.json().error.code, 'NoRegisteredProviderFound');
});

t.test('InGuestPatch window rules and the recurrence grammar', async (t) => {
  const { app } = testEmulator(t);
  await freeze(app);
  const refused = async (body: unknown, apiVersion = MAINT) => {
    const response = await send(app, 'PUT', configPath('bad', apiVersion), body);
    t.equal(response.statusCode, 400, JSON.stringify(body).slice(0, 200));
    return response.json().Error as { Code: string; Message: string };
  };
  t.match(await refused(configuration({ duration: '01:00' })), { Code: 'InvalidMaintenanceWindow', Message: /^Invalid maintenance window\. Error: Duration '01:00'.*between 01:30 and 03:55\.$/ });
  t.match(await refused(configuration({ duration: '04:00' })), { Code: 'InvalidMaintenanceWindow' });
  t.same(await refused(configuration({ recurEvery: 'Month' })), {
    Code: 'InvalidMaintenanceWindow',
    Message: 'Invalid maintenance window. Error: Monthly maintenance window is missing day of month or week of month.',
  });
  t.match(await refused(configuration({ recurEvery: '3Hours' })), { Message: /at least 6 hours/ });
  t.match(await refused(configuration({ recurEvery: 'Fortnight' })), { Code: 'InvalidMaintenanceWindow' });
  t.match(await refused(configuration({ recurEvery: 'Week Funday' })), { Code: 'InvalidMaintenanceWindow' });
  t.match(await refused(configuration({ recurEvery: 'Month Fifth Sunday' })), { Code: 'InvalidMaintenanceWindow' });
  t.match(await refused(configuration({ recurEvery: 'Month Last Sunday Offset7' })), { Code: 'InvalidMaintenanceWindow' });
  t.match(await refused(configuration({ startDateTime: '2099-05-31 02:00' })), { Message: /current date or a future date/ });
  t.match(await refused(configuration({ startDateTime: '2099-13-01 02:00' })), { Code: 'InvalidMaintenanceWindow' });
  t.match(await refused(configuration({ timeZone: 'Mars Standard Time' })), { Message: /TimeZone 'Mars Standard Time'/ });
  const noMode = configuration();
  delete (noMode.properties as { extensionProperties?: unknown }).extensionProperties;
  t.match(await refused(noMode), { Message: 'Extension properties must contain Patch mode.' });
  t.match(await refused(configuration(), '2021-05-01'), { Message: /'InGuestPatch' is not supported in api-version '2021-05-01'/ });
  for (const recurEvery of ['6Hours', '1Day', '20days', '3Weeks', 'Week Saturday,Sunday', 'Month day23,day24', 'Month Last Sunday', 'Month Third Sunday Offset6', '2Months Fourth Monday']) {
    const response = await send(app, 'PUT', configPath('good'), configuration({ recurEvery }));
    t.equal(response.statusCode, 200 + (recurEvery === '6Hours' ? 1 : 0), recurEvery);
  }
  const windowsZone = await send(app, 'PUT', configPath('zoned'), configuration({ timeZone: 'W. Europe Standard Time' }));
  t.equal(windowsZone.statusCode, 201, 'Windows time zone ids');
  const noLocation = await send(app, 'PUT', configPath('bad'), { properties: configuration().properties });
  t.equal(noLocation.json().error.code, 'LocationRequired');
});

t.test('an assignment needs the VM to be set up for schedules', async (t) => {
  const { app } = testEmulator(t);
  await freeze(app);
  await send(app, 'PUT', configPath('nightly'), configuration());
  const body = { properties: { maintenanceConfigurationId: configId('nightly') } };
  const refused = await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'nightly'), body);
  t.equal(refused.statusCode, 400);
  t.match(refused.json().Error.Message, /patchMode must be 'AutomaticByPlatform' and bypassPlatformSafetyChecksOnUserSchedule must be true/);
  await makeReady(app, WINDOWS_VM);
  const created = await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'nightly'), body);
  t.equal(created.statusCode, 201);
  t.same(created.json(), {
    id: `${vmPath(WINDOWS_VM)}/providers/Microsoft.Maintenance/configurationAssignments/nightly`,
    name: 'nightly',
    type: 'Microsoft.Maintenance/configurationAssignments',
    properties: { maintenanceConfigurationId: configId('nightly'), resourceId: vmPath(WINDOWS_VM) },
  });
  t.equal((await get(app, assignmentPath(WINDOWS_VM, 'nightly'))).statusCode, 200);
  const list = await get(app, `${vmPath(WINDOWS_VM)}/providers/Microsoft.Maintenance/configurationAssignments?api-version=${MAINT}`);
  t.equal(list.json().value.length, 1);
  const unknown = await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'other'), { properties: { maintenanceConfigurationId: configId('nope') } });
  t.equal(unknown.statusCode, 404);
  const noVm = await send(app, 'PUT', assignmentPath('noSuchVm', 'nightly'), body);
  t.equal(noVm.json().error.code, 'ResourceNotFound');
  const arc = await send(app, 'PUT', `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.HybridCompute/machines/arc1/providers/Microsoft.Maintenance/configurationAssignments/a?api-version=${MAINT}`, body);
  t.equal(arc.statusCode, 404, 'an Arc machine the emulator does not have');
  t.equal((await send(app, 'DELETE', assignmentPath(WINDOWS_VM, 'nightly'))).statusCode, 200);
  t.equal((await send(app, 'DELETE', assignmentPath(WINDOWS_VM, 'nightly'))).statusCode, 204);
});

t.test('a window opens on the simulated clock: the VM runs an installation, seen in its instance view and applyUpdates', async (t) => {
  const { app, services } = testEmulator(t);
  await freeze(app);
  await makeReady(app, WINDOWS_VM);
  t.equal((await send(app, 'PUT', configPath('nightly'), configuration())).statusCode, 201);
  await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'nightly'), { properties: { maintenanceConfigurationId: configId('nightly') } });
  t.equal((await get(app, applyPath(WINDOWS_VM))).statusCode, 404, 'no run before the window');
  // Into the window: 2099-06-02 02:00 UTC is 16 hours on, plus five minutes.
  await advance(app, 'PT16H5M');
  const running = await get(app, applyPath(WINDOWS_VM));
  t.equal(running.statusCode, 200);
  t.equal(running.json().properties.status, 'InProgress');
  t.equal(running.json().properties.resourceId, vmPath(WINDOWS_VM));
  const view = (await get(app, `${vmPath(WINDOWS_VM)}/instanceView?api-version=${COMPUTE}`)).json();
  t.equal(view.patchStatus.lastPatchInstallationSummary.status, 'InProgress');
  t.equal(view.patchStatus.lastPatchInstallationSummary.startTime, '2099-06-02T02:00:00Z', 'started when the window opened');
  // The window's length is the installation's maximumDuration.
  const operation = services.operations.get(SUBSCRIPTION, view.patchStatus.lastPatchInstallationSummary.installationActivityId)!;
  t.equal((operation.plan as { startedBy?: string }).startedBy, 'Platform');
  await advance(app, 'PT3H');
  const done = await get(app, applyPath(WINDOWS_VM));
  t.equal(done.json().properties.status, 'Completed');
  const summary = (await get(app, `${vmPath(WINDOWS_VM)}/instanceView?api-version=${COMPUTE}`)).json().patchStatus.lastPatchInstallationSummary;
  t.match(summary.status, /^(Succeeded|CompletedWithWarnings)$/);
  // The next two nights, skipped over by one advance, run in order at their own start times.
  await advance(app, 'P2D');
  const runs = (await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/applyUpdates?api-version=${MAINT}`)).json().value;
  t.equal(runs.length, 3);
  t.ok(runs.every((run: { properties: { status: string } }) => run.properties.status === 'Completed'));
  const one = await get(app, applyPath(WINDOWS_VM, runs[1].name));
  t.equal(one.json().name, runs[1].name);
  const rgRuns = await get(app, `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Maintenance/applyUpdates?api-version=${MAINT}`);
  t.equal(rgRuns.json().value.length, 3);
  // Resource Graph's maintenanceresources rows.
  const rows = services.maintenance.maintenanceResources(SUBSCRIPTION);
  t.equal(rows.filter((row) => row.type === 'microsoft.maintenance/applyupdates').length, 3);
  t.equal(rows.filter((row) => row.type === 'microsoft.maintenance/configurationassignments').length, 1);
  t.match(rows[0], { properties: { maintenanceScope: 'InGuestPatch', maintenanceConfigurationId: configId('nightly'), status: 'Completed' } });
});

t.test('a clock advanced by a century runs a bounded number of windows', async (t) => {
  const { app, services } = testEmulator(t);
  await freeze(app);
  await makeReady(app, WINDOWS_VM);
  await send(app, 'PUT', configPath('often'), configuration({ recurEvery: '6Hours', duration: '01:30' }));
  await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'often'), { properties: { maintenanceConfigurationId: configId('often') } });
  await advance(app, 'P36500D');
  await get(app, `${vmPath(WINDOWS_VM)}/instanceView?api-version=${COMPUTE}`);
  const runs = services.maintenance.store.runsOfResource(SUBSCRIPTION, vmPath(WINDOWS_VM));
  t.equal(runs.length, 24, 'the latest 24 windows ran');
  t.ok(runs.every((run, i) => i === 0 || runs[i - 1]!.startMs > run.startMs));
});

t.test('a dynamic scope covers the machines its filter matches at run time; a stopped VM is skipped', async (t) => {
  const { app } = testEmulator(t);
  await freeze(app);
  await makeReady(app, LINUX_VM, true);
  await send(app, 'PATCH', `${vmPath(LINUX_VM)}?api-version=${COMPUTE}`, { tags: { patch: 'nightly' } });
  await send(app, 'PUT', configPath('nightly'), configuration());
  const scopePath = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/configurationAssignments/linux?api-version=${MAINT}`;
  const scope = await send(app, 'PUT', scopePath, {
    properties: {
      maintenanceConfigurationId: configId('nightly'),
      filter: { resourceTypes: ['Microsoft.Compute/virtualMachines'], osTypes: ['Linux'], locations: ['West US'], tagSettings: { tags: { patch: ['nightly'] }, filterOperator: 'All' } },
    },
  });
  t.equal(scope.statusCode, 201);
  t.equal(scope.json().properties.resourceId, `/subscriptions/${SUBSCRIPTION}`);
  const view = (await get(app, '/_emulator/maintenance')).json();
  t.same(view.configurations[0].machines, [vmPath(LINUX_VM)]);
  t.equal(view.configurations[0].nextWindow.start, '2099-06-02T02:00:00+00:00');
  await advance(app, 'PT16H5M');
  const run = (await get(app, applyPath(LINUX_VM))).json();
  t.equal(run.properties.status, 'InProgress');
  t.equal((await get(app, applyPath(WINDOWS_VM))).statusCode, 404, 'the Windows VM is not in the scope');
  // Stopped before the next night: that window is skipped (RetryLater).
  t.equal((await post(app, `${vmPath(LINUX_VM)}/powerOff?api-version=${COMPUTE}`, undefined)).statusCode, 202);
  await advance(app, 'P1D');
  t.equal((await get(app, applyPath(LINUX_VM))).json().properties.status, 'RetryLater');
  const list = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/configurationAssignments?api-version=${MAINT}`);
  t.equal(list.json().value.length, 1);
  t.equal((await send(app, 'DELETE', scopePath)).statusCode, 200);
  // A resource group's scope, filtered to Windows: the Windows VM (not yet set up for schedules) is covered, and skipped.
  const groupScope = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Maintenance/configurationAssignments/windows?api-version=${MAINT}`;
  const created = await send(app, 'PUT', groupScope, { properties: { maintenanceConfigurationId: configId('nightly'), filter: { osTypes: ['Windows'] } } });
  t.equal(created.statusCode, 201);
  t.equal(created.json().properties.resourceId, `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}`);
  const patched = await send(app, 'PATCH', groupScope, { properties: { filter: { osTypes: ['Windows'], locations: ['westus'] } } });
  t.same(patched.json().properties.filter, { osTypes: ['Windows'], locations: ['westus'] });
  await advance(app, 'P1D');
  const windowsRun = (await get(app, applyPath(WINDOWS_VM))).json();
  t.equal(windowsRun.properties.status, 'RetryLater', 'a VM without the prerequisites is skipped');
  const skipped = (await get(app, '/_emulator/maintenance')).json().runs.find((run: { id: string }) => run.id === windowsRun.name);
  t.match(skipped.skippedReason, /prerequisites/);
});

t.test('applyUpdates/default and the admin API start a run now', async (t) => {
  const { app } = testEmulator(t);
  await freeze(app);
  const none = await send(app, 'PUT', applyPath(WINDOWS_VM), {});
  t.equal(none.statusCode, 400, 'no configuration assigned');
  await makeReady(app, WINDOWS_VM);
  await send(app, 'PUT', configPath('nightly'), configuration());
  await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'nightly'), { properties: { maintenanceConfigurationId: configId('nightly') } });
  const now = await send(app, 'POST', applyPath(WINDOWS_VM), undefined);
  t.equal(now.statusCode, 200);
  t.equal(now.json().properties.status, 'InProgress');
  t.equal(now.json().type, 'Microsoft.Maintenance/applyUpdates');
  await advance(app, 'PT4H');
  const opened = await post(app, `/_emulator/maintenance/${SUBSCRIPTION}/${RESOURCE_GROUP}/nightly/open`, undefined);
  t.equal(opened.statusCode, 200);
  t.equal(opened.json().value.length, 1);
  t.equal(opened.json().value[0].trigger, 'Emulator');
  const again = await post(app, `/_emulator/maintenance/${SUBSCRIPTION}/${RESOURCE_GROUP}/nightly/open`, undefined);
  t.not(again.json().value[0].id, opened.json().value[0].id, 'a second opening at the same instant is another run');
  const runs = (await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/applyUpdates?api-version=${MAINT}`)).json().value;
  t.equal(runs.length, 3);
  t.equal((await post(app, `/_emulator/maintenance/${SUBSCRIPTION}/${RESOURCE_GROUP}/nope/open`, undefined)).statusCode, 404);
});

t.test('state export and import, and reset, carry scheduled patching', async (t) => {
  const { app } = testEmulator(t);
  await freeze(app);
  await makeReady(app, WINDOWS_VM);
  await send(app, 'PUT', configPath('nightly'), configuration());
  await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'nightly'), { properties: { maintenanceConfigurationId: configId('nightly') } });
  await advance(app, 'PT17H');
  t.equal((await get(app, applyPath(WINDOWS_VM))).statusCode, 200);
  const state = (await get(app, '/_emulator/state')).json();
  t.equal(state.maintenance.configurations.length, 1);
  t.equal(state.maintenance.runs.length, 1);
  await post(app, '/_emulator/reset', {});
  t.equal((await get(app, configPath('nightly'))).statusCode, 404, 'reset empties it');
  const imported = await app.inject({ method: 'PUT', url: '/_emulator/state', payload: state });
  t.equal(imported.statusCode, 200, imported.body);
  t.equal((await get(app, configPath('nightly'))).statusCode, 200);
  t.equal((await get(app, applyPath(WINDOWS_VM))).json().properties.resourceId, vmPath(WINDOWS_VM));
});

t.test('settling a VM asks the store nothing between its windows, and nothing at all without assignments', async (t) => {
  const { app, services } = testEmulator(t);
  await freeze(app);
  const store = services.maintenance.store;
  let lookups = 0;
  const original = store.lastScheduledWindow.bind(store);
  store.lastScheduledWindow = (...args: Parameters<typeof original>) => {
    lookups++;
    return original(...args);
  };
  const view = () => get(app, `${vmPath(WINDOWS_VM)}/instanceView?api-version=${COMPUTE}`);
  await send(app, 'PUT', configPath('nightly'), configuration());
  for (let i = 0; i < 5; i++) await view();
  t.equal(lookups, 0, 'a configuration alone covers nothing');
  await makeReady(app, WINDOWS_VM);
  await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'nightly'), { properties: { maintenanceConfigurationId: configId('nightly') } });
  for (let i = 0; i < 20; i++) await view();
  t.equal(lookups, 1, 'one lookup, then the next window is remembered');
  await advance(app, 'PT16H5M');
  await view();
  t.equal(lookups, 2, 'the window opened: looked again');
  t.equal((await get(app, applyPath(WINDOWS_VM))).json().properties.status, 'InProgress');
});

t.test('a configuration goes with its resource group', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'instant' });
  await freeze(app);
  await makeReady(app, WINDOWS_VM);
  await app.inject({ method: 'PUT', url: `/subscriptions/${SUBSCRIPTION}/resourcegroups/schedules?api-version=2021-04-01`, headers: AUTH, payload: { location: 'westus' } });
  const path = `/subscriptions/${SUBSCRIPTION}/resourceGroups/schedules/providers/Microsoft.Maintenance/maintenanceConfigurations/nightly?api-version=${MAINT}`;
  t.equal((await send(app, 'PUT', path, configuration())).statusCode, 201);
  const id = `/subscriptions/${SUBSCRIPTION}/resourcegroups/schedules/providers/Microsoft.Maintenance/maintenanceConfigurations/nightly`;
  t.equal((await send(app, 'PUT', assignmentPath(WINDOWS_VM, 'nightly'), { properties: { maintenanceConfigurationId: id } })).statusCode, 201);
  t.equal((await send(app, 'DELETE', `/subscriptions/${SUBSCRIPTION}/resourcegroups/schedules?api-version=2021-04-01`)).statusCode, 200);
  await advance(app, 'PT17H');
  t.equal((await get(app, applyPath(WINDOWS_VM))).statusCode, 404, 'no run');
  t.equal(services.maintenance.store.listConfigurations(SUBSCRIPTION).length, 0);
  const listed = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/maintenanceConfigurations?api-version=${MAINT}`);
  t.same(listed.json().value, []);
});
