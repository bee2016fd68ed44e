// Arc-enabled servers (Microsoft.HybridCompute/machines): machine CRUD, installPatches and
// assessPatches with the Arc RP's long-running-operation answers and result shapes
// (docs/update-manager-wire-format.md#arc-long-running-operations), the disconnected machine, and
// the separation from a VM of the same name.

import t from 'tap';
import { AUTH, get, pathOf, post, RESOURCE_GROUP, SPEC_EXAMPLE_BODY, SUBSCRIPTION, testEmulator, vmPath } from '../helpers.js';

const HC_VERSION = '2024-07-10';
const machinePath = (name: string, rg = RESOURCE_GROUP) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.HybridCompute/machines/${name}`;
const machineUrl = (name: string, apiVersion = HC_VERSION) => `${machinePath(name)}?api-version=${apiVersion}`;
const actionUrl = (name: string, action: 'installPatches' | 'assessPatches', apiVersion = HC_VERSION) => `${machinePath(name)}/${action}?api-version=${apiVersion}`;
const ARC_INSTALL = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } };
const ARC_LINUX_INSTALL = { maximumDuration: 'PT2H', rebootSetting: 'IfRequired', linuxParameters: { classificationsToInclude: ['Critical', 'Security'] } };

const put = (app: Parameters<typeof get>[0], url: string, body: unknown) => app.inject({ method: 'PUT', url, headers: AUTH, payload: body as object });

/** GETs the Location URL until it answers 200, at most `limit` times. */
async function pollLocation(app: Parameters<typeof get>[0], location: string, limit = 20) {
  let url = location;
  for (let i = 0; i < limit; i++) {
    const response = await get(app, pathOf(url));
    if (response.statusCode !== 202) return { response, polls: i + 1 };
    url = response.headers.location as string;
  }
  throw new Error(`still running after ${limit} polls`);
}

t.test('the seed has a Windows and a Linux Arc machine, as a real machine reports itself', async (t) => {
  const { app } = testEmulator(t);
  const windows = await get(app, machineUrl('myArcMachine'));
  t.equal(windows.statusCode, 200);
  const body = windows.json();
  t.equal(body.type, 'Microsoft.HybridCompute/machines');
  t.equal(body.id, machinePath('myArcMachine'));
  t.equal(body.location, 'westus');
  t.equal(body.identity.type, 'SystemAssigned');
  t.match(body.properties, {
    provisioningState: 'Succeeded',
    status: 'Connected',
    osName: 'windows',
    osType: 'windows',
    osVersion: /^10\.0\.20348\.\d+$/,
    osSku: 'Windows Server 2022 Datacenter',
    agentVersion: /^\d+\.\d+\.\d+\.\d+$/,
    lastStatusChange: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/,
    errorDetails: [],
    osProfile: { computerName: 'myArcMachine', windowsConfiguration: { patchSettings: { assessmentMode: 'ImageDefault', patchMode: 'AutomaticByOS' } } },
  });
  t.same(body.resources, []);

  const linux = (await get(app, machineUrl('myLinuxArcMachine'))).json();
  t.match(linux.properties, { osType: 'linux', osName: 'linux', osSku: /^Ubuntu 22\.04/, osProfile: { linuxConfiguration: { patchSettings: { patchMode: 'ImageDefault' } } } });

  // 2021-05-20 (what @azure/arm-hybridcompute 3.0.0 sends): OSProfile had computerName only.
  const old = (await get(app, machineUrl('myArcMachine', '2021-05-20'))).json();
  t.same(old.properties.osProfile, { computerName: 'myArcMachine' });

  const inGroup = (await get(app, `${machinePath('').slice(0, -1)}?api-version=${HC_VERSION}`)).json();
  t.same(inGroup.value.map((m: { name: string }) => m.name), ['myArcMachine', 'myLinuxArcMachine']);
  const inSubscription = (await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.HybridCompute/machines?api-version=${HC_VERSION}`)).json();
  t.equal(inSubscription.value.length, 2);
});

t.test('create or update answers 200, PATCH merges the patch settings, DELETE answers 200 then 204', async (t) => {
  const { app } = testEmulator(t);
  const created = await put(app, machineUrl('rhel-box'), { location: 'West US', tags: { team: 'ops' }, properties: { osType: 'Linux', osSku: 'Red Hat Enterprise Linux 9.4' } });
  t.equal(created.statusCode, 200);
  t.match(created.json(), { name: 'rhel-box', location: 'westus', tags: { team: 'ops' }, properties: { osType: 'linux', osProfile: { computerName: 'rhel-box' } } });
  t.notOk(created.json().properties.osProfile.linuxConfiguration, 'no patch settings given, none reported');

  const patched = await app.inject({
    method: 'PATCH',
    url: machineUrl('rhel-box'),
    headers: AUTH,
    payload: { properties: { osProfile: { linuxConfiguration: { patchSettings: { assessmentMode: 'automaticbyplatform', patchMode: 'AutomaticByPlatform' } } } } },
  });
  t.equal(patched.statusCode, 200);
  t.equal(patched.json().properties.provisioningState, 'Updating');
  const got = (await get(app, machineUrl('rhel-box'))).json();
  t.same(got.properties.osProfile.linuxConfiguration, { patchSettings: { assessmentMode: 'AutomaticByPlatform', patchMode: 'AutomaticByPlatform' } });
  t.same(got.tags, { team: 'ops' }, 'tags kept when the PATCH names none');
  t.equal(got.properties.provisioningState, 'Succeeded');

  const badMode = await app.inject({ method: 'PATCH', url: machineUrl('rhel-box'), headers: AUTH, payload: { properties: { osProfile: { linuxConfiguration: { patchSettings: { patchMode: 'Sometimes' } } } } } });
  t.equal(badMode.statusCode, 400);
  t.equal(badMode.json().error.code, 'InvalidParameter');

  const noLocation = await put(app, machineUrl('other'), { properties: {} });
  t.equal(noLocation.statusCode, 400);
  t.equal(noLocation.json().error.code, 'LocationRequired');
  const badName = await put(app, machineUrl('bad!name'), { location: 'westus' });
  t.equal(badName.statusCode, 400);

  const deleted = await app.inject({ method: 'DELETE', url: machineUrl('rhel-box'), headers: AUTH });
  t.equal(deleted.statusCode, 200);
  // From 2025-09-16-preview the specification's delete is long-running (202 or 204): done at once, 204.
  await put(app, machineUrl('newer-box'), { location: 'westus' });
  t.equal((await app.inject({ method: 'DELETE', url: machineUrl('newer-box', '2026-07-15'), headers: AUTH })).statusCode, 204);
  t.equal((await get(app, machineUrl('newer-box'))).statusCode, 404);
  t.equal((await app.inject({ method: 'DELETE', url: machineUrl('rhel-box'), headers: AUTH })).statusCode, 204);
  const gone = await get(app, machineUrl('rhel-box'));
  t.equal(gone.statusCode, 404);
  t.equal(gone.json().error.code, 'ResourceNotFound');
  t.match(gone.json().error.message, /Microsoft\.HybridCompute\/machines\/rhel-box/);
});

t.test('api-versions: machines from 2019-12-12, patch operations only where the specification defines them', async (t) => {
  const { app } = testEmulator(t);
  t.equal((await get(app, machineUrl('myArcMachine', '2019-12-12'))).statusCode, 200);
  const tooOld = await get(app, machineUrl('myArcMachine', '2018-01-01'));
  t.equal(tooOld.statusCode, 400);
  t.equal(tooOld.json().error.code, 'NoRegisteredProviderFound');
  t.match(tooOld.json().error.message, /for type 'machines'/);
  for (const version of ['2020-08-15-preview', '2022-12-27', '2025-01-13', '2026-07-15']) {
    t.equal((await post(app, actionUrl('myArcMachine', 'assessPatches', version), undefined)).statusCode, 202, version);
  }
  for (const version of ['2021-05-20', '2022-12-27-preview', '2023-03-15-preview']) {
    const refused = await post(app, actionUrl('myArcMachine', 'assessPatches', version), undefined);
    t.equal(refused.statusCode, 400, version);
    t.equal(refused.json().error.code, 'NoRegisteredProviderFound');
  }
  t.equal((await get(app, `${machinePath('myArcMachine')}?`)).json().error.code, 'MissingApiVersionParameter');
  const unknownType = await get(app, `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.HybridCompute/licenses/x?api-version=${HC_VERSION}`);
  t.equal(unknownType.json().error.code, 'InvalidResourceType');
});

t.test('installPatches: 202 with Location and Retry-After only, 202 polls, then the MachineInstallPatchesResult', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  const accepted = await post(app, actionUrl('myArcMachine', 'installPatches'), ARC_INSTALL);
  t.equal(accepted.statusCode, 202);
  t.equal(accepted.body, '');
  t.equal(accepted.headers['retry-after'], '1');
  t.notOk(accepted.headers['azure-asyncoperation'], 'the Arc RP sends no Azure-AsyncOperation');
  t.equal(accepted.headers['api-supported-versions'], '2020-08-15-preview');
  const location = accepted.headers.location as string;
  const match = /\/subscriptions\/([^/]+)\/providers\/Microsoft\.HybridCompute\/locations\/westus\/updateCenterOperationResults\/([0-9a-f-]{36})\?api-version=2024-07-10&p=/.exec(location);
  t.ok(match, location);
  const operationId = match![2]!;
  t.not(accepted.headers['x-ms-request-id'], operationId, 'the request id is not the operation id');

  const first = await get(app, pathOf(location));
  t.equal(first.statusCode, 202);
  t.equal(first.headers.location, location);
  t.equal(first.headers['retry-after'], '1');
  const done = await get(app, pathOf(location));
  t.equal(done.statusCode, 200);
  t.notOk(done.headers.location);
  const result = done.json();
  t.same(Object.keys(result), [
    'startDateTime', 'lastModifiedDateTime', 'startedBy', 'patchServiceUsed', 'status', 'maintenanceWindowExceeded', 'rebootStatus',
    'notSelectedPatchCount', 'pendingPatchCount', 'failedPatchCount', 'installedPatchCount', 'excludedPatchCount', 'osType', 'installationActivityId',
  ]);
  t.match(result, { startedBy: 'User', patchServiceUsed: 'WU', status: 'Succeeded', osType: 'Windows', installationActivityId: operationId, maintenanceWindowExceeded: false });
  t.match(result.startDateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
  t.ok(Date.parse(result.lastModifiedDateTime) > Date.parse(result.startDateTime));
  t.ok(result.installedPatchCount > 0, 'the image is behind its catalogue');
  t.notOk('patches' in result || 'error' in result, 'no Compute fields');

  // A second assessment sees what the install left.
  const assess = await post(app, actionUrl('myArcMachine', 'assessPatches'), {});
  const assessed = (await pollLocation(app, assess.headers.location as string)).response.json();
  t.same(Object.keys(assessed), [
    'startDateTime', 'lastModifiedDateTime', 'startedBy', 'rebootPending', 'patchServiceUsed', 'status', 'availablePatchCountByClassification', 'assessmentActivityId', 'osType',
  ]);
  t.same(Object.keys(assessed.availablePatchCountByClassification), ['security', 'critical', 'definition', 'updateRollup', 'featurePack', 'servicePack', 'tools', 'updates']);
  t.equal(assessed.availablePatchCountByClassification.security + assessed.availablePatchCountByClassification.critical, 0, 'Critical and Security installed');
});

t.test('Linux: APT, the Other count, and a failed patch reported in errorDetails', async (t) => {
  const { app } = testEmulator(t);
  const assess = await post(app, actionUrl('myLinuxArcMachine', 'assessPatches'), undefined);
  const assessed = (await pollLocation(app, assess.headers.location as string)).response.json();
  t.match(assessed, { patchServiceUsed: 'APT', osType: 'Linux', status: 'Succeeded' });
  const counts = assessed.availablePatchCountByClassification;
  t.ok('other' in counts);
  t.ok(counts.security + counts.critical + counts.other > 10, 'some thirty packages');

  const scenario = await app.inject({
    method: 'POST',
    url: '/_emulator/scenarios',
    payload: { match: { vmName: 'myLinuxArcMachine', operation: 'installPatches' }, remaining: 1, outcome: { failPatches: ['*'] } },
  });
  t.equal(scenario.statusCode, 201);
  const install = await post(app, actionUrl('myLinuxArcMachine', 'installPatches'), ARC_LINUX_INSTALL);
  const result = (await pollLocation(app, install.headers.location as string)).response.json();
  t.equal(result.status, 'Failed');
  t.equal(result.patchServiceUsed, 'APT');
  t.ok(result.failedPatchCount > 0);
  t.equal(result.installedPatchCount, 0);
  t.match(result.errorDetails, { code: '1', message: /error\/s reported/, details: [{ code: String, message: String }] });
});

t.test('sync completion answers the POST with 200 and the result', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  const answered = await post(app, actionUrl('myArcMachine', 'assessPatches'), undefined);
  t.equal(answered.statusCode, 200);
  t.notOk(answered.headers.location);
  t.equal(answered.json().status, 'Succeeded');
});

t.test('install request checks: maximumDuration and rebootSetting required', async (t) => {
  const { app } = testEmulator(t);
  const noDuration = await post(app, actionUrl('myArcMachine', 'installPatches'), { rebootSetting: 'IfRequired' });
  t.equal(noDuration.statusCode, 400);
  t.match(noDuration.json().error, { code: 'InvalidParameter', target: 'maximumDuration' });
  const noBody = await app.inject({ method: 'POST', url: actionUrl('myArcMachine', 'installPatches'), headers: { ...AUTH, 'content-type': 'application/json' } });
  t.equal(noBody.statusCode, 400);
  const missing = await post(app, actionUrl('noSuchMachine', 'assessPatches'), undefined);
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().error.code, 'ResourceNotFound');
});

t.test('a disconnected machine refuses patch operations with 409 MachineNotConnected', async (t) => {
  const { app } = testEmulator(t);
  const statusUrl = `/_emulator/arcMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/myArcMachine/status`;
  const set = await app.inject({ method: 'PUT', url: statusUrl, payload: { status: 'Disconnected' } });
  t.equal(set.statusCode, 200);
  t.equal(set.json().status, 'Disconnected');
  t.equal((await get(app, machineUrl('myArcMachine'))).json().properties.status, 'Disconnected');
  for (const [action, body] of [['installPatches', ARC_INSTALL], ['assessPatches', undefined]] as const) {
    const refused = await post(app, actionUrl('myArcMachine', action), body);
    t.equal(refused.statusCode, 409, action);
    t.equal(refused.json().error.code, 'MachineNotConnected');
    t.match(refused.json().error.message, /'Disconnected'/);
    t.equal(refused.headers['api-supported-versions'], '2020-08-15-preview');
  }
  t.equal((await app.inject({ method: 'PUT', url: statusUrl, payload: { status: 'Sleeping' } })).statusCode, 400);
  await app.inject({ method: 'PUT', url: statusUrl, payload: { status: 'Connected' } });
  t.equal((await post(app, actionUrl('myArcMachine', 'assessPatches'), undefined)).statusCode, 202);
});

t.test('an Arc machine and a VM of the same name never share operations', async (t) => {
  const { app, services } = testEmulator(t);
  // An Arc machine named like the seeded Windows VM.
  t.equal((await put(app, machineUrl('myVMName'), { location: 'westus', properties: { osType: 'windows' } })).statusCode, 200);
  const vmAccepted = await post(app, `${vmPath('myVMName')}/installPatches?api-version=2024-07-01`, SPEC_EXAMPLE_BODY);
  const arcAccepted = await post(app, actionUrl('myVMName', 'installPatches'), ARC_INSTALL);
  const vmOperation = vmAccepted.headers['x-ms-request-id'] as string;
  const arcOperation = /updateCenterOperationResults\/([0-9a-f-]{36})/.exec(arcAccepted.headers.location as string)![1]!;
  t.not(vmOperation, arcOperation);
  // The VM's operation was not superseded by the machine's, nor the reverse.
  const vmFinal = await get(app, pathOf(vmAccepted.headers['azure-asyncoperation'] as string));
  t.equal(vmFinal.json().properties.output.status, 'Succeeded');
  const arcFinal = (await pollLocation(app, arcAccepted.headers.location as string)).response.json();
  t.equal(arcFinal.status, 'Succeeded');
  t.equal(services.operations.listForVm(SUBSCRIPTION, RESOURCE_GROUP, 'myVMName').length, 1, "the VM's history holds its own operation only");
  // Neither URL serves the other's operation.
  const crossed = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.HybridCompute/locations/westus/updateCenterOperationResults/${vmOperation}?api-version=${HC_VERSION}`);
  t.equal(crossed.statusCode, 404);
  const crossedBack = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westus/operations/${arcOperation}?api-version=2024-07-01`);
  t.equal(crossedBack.statusCode, 404);
  // Deleting the machine leaves the VM.
  await app.inject({ method: 'DELETE', url: machineUrl('myVMName'), headers: AUTH });
  t.equal((await get(app, `${vmPath('myVMName')}?api-version=2024-07-01`)).statusCode, 200);
});

t.test('state export and import carry Arc machines and their operations; reset restores the seeded ones', async (t) => {
  const { app } = testEmulator(t);
  await put(app, machineUrl('extra'), { location: 'westus', properties: { osType: 'linux' } });
  await app.inject({ method: 'PUT', url: `/_emulator/arcMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/myLinuxArcMachine/status`, payload: { status: 'Disconnected' } });
  const install = await post(app, actionUrl('myArcMachine', 'installPatches'), ARC_INSTALL);
  const result = (await pollLocation(app, install.headers.location as string)).response.body;

  const exported = (await get(app, '/_emulator/state')).json();
  t.same(exported.arcMachines.map((m: { name: string }) => m.name), ['extra', 'myArcMachine', 'myLinuxArcMachine']);
  t.ok(exported.operations.some((o: { vmName: string }) => o.vmName === 'microsoft.hybridcompute/machines/myarcmachine'));

  const { app: other } = testEmulator(t);
  const imported = await other.inject({ method: 'PUT', url: '/_emulator/state', payload: exported });
  t.equal(imported.statusCode, 200, imported.body);
  t.equal(imported.json().imported.arcMachines, 3);
  t.equal((await get(other, machineUrl('myLinuxArcMachine'))).json().properties.status, 'Disconnected');
  t.equal((await get(other, pathOf(install.headers.location as string))).body, result, 'the imported operation serves the same bytes');

  const reset = await other.inject({ method: 'POST', url: '/_emulator/reset', payload: {} });
  t.equal(reset.statusCode, 200);
  t.equal((await get(other, machineUrl('extra'))).statusCode, 404);
  t.equal((await get(other, machineUrl('myLinuxArcMachine'))).json().properties.status, 'Connected');

  // A state document whose Arc machine names no group is refused whole.
  const bad = { ...exported, arcMachines: [{ ...exported.arcMachines[0], resourceGroup: 'nowhere' }] };
  const refused = await other.inject({ method: 'PUT', url: '/_emulator/state', payload: bad });
  t.equal(refused.statusCode, 400);
  t.match(refused.json().error.message, /arcMachines\[0\]\.resourceGroup/);
});

t.test("deleting the resource group takes its Arc machines", async (t) => {
  const { app } = testEmulator(t);
  const deleted = await app.inject({ method: 'DELETE', url: `/subscriptions/${SUBSCRIPTION}/resourcegroups/${RESOURCE_GROUP}?api-version=2024-03-01`, headers: AUTH });
  t.ok([200, 202].includes(deleted.statusCode));
  const list = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.HybridCompute/machines?api-version=${HC_VERSION}`);
  t.same(list.json().value, []);
});

t.test('the dashboard overview lists Arc machines beside the VMs: status, OS, patch settings, recent runs', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:1' });
  const overviewGroup = async () => (await app.inject({ method: 'GET', url: '/_emulator/overview' })).json().subscriptions[0].resourceGroups[0];
  const group = await overviewGroup();
  t.same(group.virtualMachines.map((vm: { name: string }) => vm.name), ['myLinuxVMName', 'myVMName']);
  t.same(group.arcMachines.map((m: { name: string }) => m.name), ['myArcMachine', 'myLinuxArcMachine']);
  const windows = group.arcMachines[0];
  t.match(windows, {
    status: 'Connected',
    osFamily: 'Windows',
    image: String,
    patchSettings: { patchMode: 'AutomaticByOS', assessmentMode: 'ImageDefault', given: true },
    rebootPending: false,
    operations: [],
  });
  t.ok(windows.availablePatchCount > 0);

  const install = await post(app, actionUrl('myArcMachine', 'installPatches'), ARC_INSTALL);
  const running = (await overviewGroup()).arcMachines[0];
  t.match(running.operations[0], { kind: 'installPatches', status: 'InProgress', resultStatus: 'InProgress' });
  await pollLocation(app, install.headers.location as string);
  const done = (await overviewGroup()).arcMachines[0];
  t.match(done.operations[0], { status: 'Succeeded', resultStatus: 'Succeeded', patchServiceUsed: 'WU', installedPatchCount: Number });
  t.ok(done.availablePatchCount < windows.availablePatchCount, 'what the run installed is no longer available');

  // The operation detail reads an Arc result too (no patch list in it: the plan gives the states).
  const operationId = /updateCenterOperationResults\/([0-9a-f-]{36})/.exec(install.headers.location as string)![1]!;
  const detail = await app.inject({ method: 'GET', url: `/_emulator/operations/${SUBSCRIPTION}/${operationId}` });
  t.equal(detail.statusCode, 200, detail.body);
  t.ok(detail.json().patches.some((p: { installationState: string }) => p.installationState === 'Installed'));

  const disconnected = await app.inject({ method: 'PUT', url: `/_emulator/arcMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/myArcMachine/status`, payload: { status: 'Disconnected' } });
  t.equal(disconnected.statusCode, 200, disconnected.body);
  t.equal((await overviewGroup()).arcMachines[0].status, 'Disconnected');
});

t.test('a reset scoped to an Arc machine restores it and forgets its operations, leaving a VM of the same name alone', async (t) => {
  const { app } = testEmulator(t);
  await app.inject({ method: 'PUT', url: `/_emulator/arcMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/myArcMachine/status`, payload: { status: 'Expired' } });
  const install = await post(app, actionUrl('myArcMachine', 'installPatches'), ARC_INSTALL);
  const vmInstall = await post(app, `${vmPath('myVMName')}/installPatches?api-version=2024-07-01`, SPEC_EXAMPLE_BODY);
  t.equal(install.statusCode, 409, 'an Expired machine is not connected either');
  await app.inject({ method: 'PUT', url: `/_emulator/arcMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/myArcMachine/status`, payload: { status: 'Connected' } });
  const accepted = await post(app, actionUrl('myArcMachine', 'installPatches'), ARC_INSTALL);
  const reset = await app.inject({ method: 'POST', url: '/_emulator/reset', payload: { subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, vmName: 'myArcMachine' } });
  t.equal(reset.statusCode, 200, reset.body);
  t.equal((await get(app, pathOf(accepted.headers.location as string))).statusCode, 404, "the machine's operation is gone");
  t.equal((await get(app, pathOf(vmInstall.headers['azure-asyncoperation'] as string))).statusCode, 200, "the VM's is not");
  t.equal((await get(app, machineUrl('myArcMachine'))).json().properties.status, 'Connected');
});

t.test("a scenario's operation-level failure: the result URL answers with the failure, the dashboard shows it", async (t) => {
  const { app } = testEmulator(t);
  await app.inject({
    method: 'POST',
    url: '/_emulator/scenarios',
    payload: { match: { vmName: 'myLinuxArcMachine', operation: 'assessPatches' }, outcome: { operationFailure: { code: 'ExtensionOperationFailed', message: 'The extension did not answer.' } } },
  });
  const accepted = await post(app, actionUrl('myLinuxArcMachine', 'assessPatches'), undefined);
  const { response } = await pollLocation(app, accepted.headers.location as string);
  t.equal(response.statusCode, 500);
  t.match(response.json().error, { code: 'ExtensionOperationFailed', message: 'The extension did not answer.' });
  const machine = (await app.inject({ method: 'GET', url: '/_emulator/overview' })).json().subscriptions[0].resourceGroups[0].arcMachines[1];
  t.match(machine.operations[0], { kind: 'assessPatches', status: 'Failed', resultStatus: 'Failed', error: { code: 'ExtensionOperationFailed' } });
});
