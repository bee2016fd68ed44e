// What the platform does by itself, through HTTP and the admin clock: the 24-hourly assessment of
// `assessmentMode: AutomaticByPlatform`, the monthly off-peak rollout of `patchMode:
// AutomaticByPlatform`, nothing for the ordinary seed or with the bypass flag, the bound on a long
// jump, and the admin trigger that makes a run happen now.

import t from 'tap';
import { API_VERSION, AUTH, get, LINUX_VM, pollToTerminal, post, RESOURCE_GROUP, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

type App = ReturnType<typeof testEmulator>['app'];
const HOUR = 3_600_000;
const vmUrl = (vm: string) => `${vmPath(vm)}?api-version=${API_VERSION}`;
const instanceView = async (app: App, vm: string) => (await get(app, `${vmPath(vm)}/instanceView?api-version=${API_VERSION}`)).json().patchStatus;
const patchVm = (app: App, vm: string, configuration: 'windowsConfiguration' | 'linuxConfiguration', patchSettings: Record<string, unknown>) =>
  app.inject({ method: 'PATCH', url: vmUrl(vm), headers: AUTH, payload: { properties: { osProfile: { [configuration]: { patchSettings } } } } });
const clock = async (app: App, body: Record<string, unknown>) => (await app.inject({ method: 'POST', url: '/_emulator/clock', payload: body })).json() as { now: string };
const operations = async (app: App, vm: string) =>
  (await app.inject({ method: 'GET', url: `/_emulator/operations?subscriptionId=${SUBSCRIPTION}&resourceGroup=${RESOURCE_GROUP}&vmName=${vm}&limit=200` })).json().value as Array<{
    operationId: string;
    kind: string;
    startedBy: string;
    status: string;
    startTime: string;
    resultStatus?: string;
  }>;
const trigger = (app: App, vm: string, body: unknown) =>
  app.inject({ method: 'POST', url: `/_emulator/virtualMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/${vm}/platformRuns`, payload: body as object });

t.test('25 simulated hours after assessmentMode AutomaticByPlatform, the instance view has a new availablePatchSummary', async (t) => {
  const { app } = testEmulator(t);
  await clock(app, { frozen: true });
  const started = await post(app, `${vmPath(LINUX_VM)}/assessPatches?api-version=${API_VERSION}`, undefined);
  await pollToTerminal(app, started.headers['azure-asyncoperation'] as string);
  const before = (await instanceView(app, LINUX_VM)).availablePatchSummary;
  t.ok(before, "the user's assessment");

  t.equal((await patchVm(app, LINUX_VM, 'linuxConfiguration', { assessmentMode: 'AutomaticByPlatform' })).statusCode, 200);
  const enabledMs = Date.parse((await clock(app, {})).now);
  await clock(app, { advance: 'PT23H' });
  t.same((await instanceView(app, LINUX_VM)).availablePatchSummary, before, 'nothing before 24 hours');
  await clock(app, { advance: 'PT2H' });
  const after = (await instanceView(app, LINUX_VM)).availablePatchSummary;
  t.not(after.assessmentActivityId, before.assessmentActivityId, 'a new assessment');
  t.equal(after.status, 'Succeeded', 'it completed on the clock, without polls');
  t.equal(Date.parse(after.startTime), enabledMs + 24 * HOUR, 'started when it fell due');

  const listed = await operations(app, LINUX_VM);
  t.same(listed.map((op) => [op.kind, op.startedBy]), [['assessPatches', 'Platform'], ['assessPatches', 'User']]);
  t.equal(listed[0]!.operationId, after.assessmentActivityId);
});

t.test('a three-day jump gives three assessments a day apart; a century gives the newest week only', async (t) => {
  const { app } = testEmulator(t);
  await clock(app, { frozen: true });
  await patchVm(app, LINUX_VM, 'linuxConfiguration', { assessmentMode: 'AutomaticByPlatform' });
  const enabledMs = Date.parse((await clock(app, {})).now);
  await clock(app, { advance: 'P3DT1H' });
  await get(app, vmUrl(LINUX_VM));
  const three = await operations(app, LINUX_VM);
  t.same(three.map((op) => Date.parse(op.startTime) - enabledMs).reverse(), [24 * HOUR, 48 * HOUR, 72 * HOUR]);
  t.ok(three.every((op) => op.startedBy === 'Platform' && op.status === 'Succeeded'));

  await clock(app, { advance: 'P36500D' });
  await get(app, vmUrl(LINUX_VM));
  t.equal((await operations(app, LINUX_VM)).length, 3 + 7, 'at most seven at one look');
  await clock(app, { advance: 'PT24H' });
  await get(app, vmUrl(LINUX_VM));
  t.equal((await operations(app, LINUX_VM)).length, 11, 'then one a day again');
});

t.test('patchMode AutomaticByPlatform installs Critical and Security updates once a month, in off-peak hours', async (t) => {
  const { app } = testEmulator(t);
  await clock(app, { frozen: true });
  t.equal((await patchVm(app, WINDOWS_VM, 'windowsConfiguration', { patchMode: 'AutomaticByPlatform' })).statusCode, 200);
  await clock(app, { advance: 'P62D' });
  const view = await instanceView(app, WINDOWS_VM);
  t.ok(view.lastPatchInstallationSummary, 'the instance view reports the automatic installation');
  const installs = (await operations(app, WINDOWS_VM)).filter((op) => op.kind === 'installPatches');
  t.ok(installs.length >= 1 && installs.length <= 3, `one rollout a month (${installs.length} in 62 days)`);
  for (const install of installs) {
    t.equal(install.startedBy, 'Platform');
    // westus is UTC-8: 22:00 to 03:00 local is 06:00 to 11:00 UTC.
    const hour = new Date(install.startTime).getUTCHours();
    t.ok(hour >= 6 && hour < 11, `starts in off-peak hours (${install.startTime})`);
  }
  // The first rollout installs what the image lacks; a later one finds only what was published since.
  const first = installs[installs.length - 1]!;
  const detail = (await app.inject({ method: 'GET', url: `/_emulator/operations/${SUBSCRIPTION}/${first.operationId}` })).json();
  const installed = detail.patches.filter((p: { installationState: string }) => p.installationState === 'Installed');
  t.ok(installed.length > 0, 'it installed updates');
  t.ok(installed.every((p: { classifications: string[] }) => p.classifications.some((c) => c === 'Critical' || c === 'Security')), 'Critical and Security only');
});

t.test('no automatic run for the ordinary seed, with the bypass flag, or on a stopped VM', async (t) => {
  const { app } = testEmulator(t);
  await clock(app, { frozen: true });
  await patchVm(app, LINUX_VM, 'linuxConfiguration', { patchMode: 'AutomaticByPlatform', automaticByPlatformSettings: { bypassPlatformSafetyChecksOnUserSchedule: true } });
  await app.inject({ method: 'PUT', url: `/subscriptions/${SUBSCRIPTION}/resourcegroups/${RESOURCE_GROUP}?api-version=2024-03-01`, headers: AUTH, payload: { location: 'westus' } });
  await post(app, `${vmPath(WINDOWS_VM)}/powerOff?api-version=${API_VERSION}`, undefined);
  await patchVm(app, WINDOWS_VM, 'windowsConfiguration', { assessmentMode: 'AutomaticByPlatform' });
  await clock(app, { advance: 'P62D' });
  await get(app, vmUrl(LINUX_VM));
  t.same(await operations(app, LINUX_VM), [], 'the bypass flag leaves patching to a maintenance schedule');
  await get(app, vmUrl(WINDOWS_VM));
  t.same((await operations(app, WINDOWS_VM)).map((op) => op.kind), ['powerOff'], 'a stopped VM is not assessed');
  // Started again, it is not assessed for the days it was off: the next run is a day on.
  await post(app, `${vmPath(WINDOWS_VM)}/start?api-version=${API_VERSION}`, undefined);
  t.equal((await operations(app, WINDOWS_VM)).filter((op) => op.kind === 'assessPatches').length, 0);
  await clock(app, { advance: 'PT25H' });
  t.ok((await instanceView(app, WINDOWS_VM)).availablePatchSummary, 'assessed again once running');
});

t.test('the admin trigger runs the platform assessment or installation now', async (t) => {
  const { app } = testEmulator(t);
  await clock(app, { frozen: true });
  const now = (await clock(app, {})).now;
  const assessed = await trigger(app, LINUX_VM, { operation: 'assessPatches', completion: 'sync' });
  t.equal(assessed.statusCode, 201);
  t.match(assessed.json(), { operation: 'assessPatches', startedBy: 'Platform', status: 'Succeeded', startTime: now });
  t.equal((await instanceView(app, LINUX_VM)).availablePatchSummary.assessmentActivityId, assessed.json().operationId);

  const installing = await trigger(app, WINDOWS_VM, { operation: 'installPatches' });
  t.equal(installing.statusCode, 201);
  t.equal(installing.json().status, 'InProgress', 'by default it runs on the clock');
  await clock(app, { advance: 'PT4H' });
  const [latest] = await operations(app, WINDOWS_VM);
  t.match(latest, { operationId: installing.json().operationId, startedBy: 'Platform', status: 'Succeeded' });

  const missing = await trigger(app, 'nope', { operation: 'assessPatches' });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().error.code, 'NotFound');
  const bad = await trigger(app, LINUX_VM, { operation: 'reboot' });
  t.equal(bad.statusCode, 400);
  await post(app, `${vmPath(LINUX_VM)}/deallocate?api-version=${API_VERSION}`, undefined);
  const stopped = await trigger(app, LINUX_VM, { operation: 'assessPatches' });
  t.equal(stopped.statusCode, 409);
  t.equal(stopped.json().error.code, 'Conflict');
});

t.test('the dashboard lists each VM with its patch settings and next automatic runs', async (t) => {
  const { app } = testEmulator(t);
  await clock(app, { frozen: true });
  await patchVm(app, LINUX_VM, 'linuxConfiguration', { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' });
  const now = Date.parse((await clock(app, {})).now);
  const overview = (await app.inject({ method: 'GET', url: '/_emulator/overview' })).json();
  const vms = overview.subscriptions[0].resourceGroups[0].virtualMachines as Array<{ name: string; patchSettings: Record<string, unknown> }>;
  const linux = vms.find((vm) => vm.name === LINUX_VM)!;
  t.match(linux.patchSettings, { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform', rebootSetting: 'IfRequired', bypassPlatformSafetyChecksOnUserSchedule: false });
  t.equal(Date.parse(linux.patchSettings.nextPlatformAssessment as string), now + 24 * HOUR);
  t.ok(Date.parse(linux.patchSettings.nextPlatformInstallation as string) > now);
  t.same(vms.find((vm) => vm.name === WINDOWS_VM)!.patchSettings, {
    patchMode: 'AutomaticByOS',
    assessmentMode: 'ImageDefault',
    enableHotpatching: false,
    rebootSetting: 'IfRequired',
    bypassPlatformSafetyChecksOnUserSchedule: false,
  });
  // The overview itself starts what fell due, so the dashboard lists it without an ARM request.
  await clock(app, { advance: 'PT25H' });
  const after = (await app.inject({ method: 'GET', url: '/_emulator/overview' })).json();
  const latest = after.subscriptions[0].resourceGroups[0].virtualMachines.find((vm: { name: string }) => vm.name === LINUX_VM).latestOperation;
  t.match(latest, { kind: 'assessPatches', startedBy: 'Platform' });
});

t.test("a state export carries where the platform's runs stand", async (t) => {
  const source = testEmulator(t);
  await clock(source.app, { frozen: true });
  await patchVm(source.app, LINUX_VM, 'linuxConfiguration', { assessmentMode: 'AutomaticByPlatform' });
  await clock(source.app, { advance: 'PT25H' });
  await get(source.app, vmUrl(LINUX_VM));
  const document = (await source.app.inject({ method: 'GET', url: '/_emulator/state' })).json();
  const exported = document.virtualMachines.find((vm: { name: string }) => vm.name === LINUX_VM);
  t.ok(exported.patchState.platform.assessedMs, 'the marks are in the document');

  const target = testEmulator(t);
  const imported = await target.app.inject({ method: 'PUT', url: '/_emulator/state', payload: document });
  t.equal(imported.statusCode, 200);
  await clock(target.app, { frozen: true });
  await get(target.app, vmUrl(LINUX_VM));
  t.equal((await operations(target.app, LINUX_VM)).length, 1, 'no run is repeated after the import');
  await clock(target.app, { advance: 'PT24H' });
  await get(target.app, vmUrl(LINUX_VM));
  t.equal((await operations(target.app, LINUX_VM)).length, 2, 'the next one falls due a day after the last');
});

t.test('under --overlapping-operations reject, a due platform run meets a running request: it is skipped, the look succeeds', async (t) => {
  const { app } = testEmulator(t, { overlappingOperations: 'reject', completion: 'polls:5' });
  await clock(app, { frozen: true });
  await patchVm(app, LINUX_VM, 'linuxConfiguration', { assessmentMode: 'AutomaticByPlatform' });
  await clock(app, { advance: 'PT23H' });
  t.equal((await post(app, `${vmPath(LINUX_VM)}/assessPatches?api-version=${API_VERSION}`, undefined)).statusCode, 202);
  await clock(app, { advance: 'PT2H' });
  t.equal((await get(app, vmUrl(LINUX_VM))).statusCode, 200);
  t.same((await operations(app, LINUX_VM)).map((op) => op.startedBy), ['User']);
  t.equal((await trigger(app, LINUX_VM, { operation: 'assessPatches' })).statusCode, 409, 'the trigger answers what a request would get');
});
