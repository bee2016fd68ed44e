// The dashboard's read-only endpoints and its page, through HTTP: the fleet, what each VM has
// available, operations with their progress on the plan's timeline, past runs, and the fact that
// looking never counts as a status poll.

import t from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Overview, VmOverview } from '../../server/dashboard/view-model.js';
import { get, installUrl, pathOf, post, RESOURCE_GROUP, SPEC_EXAMPLE_BODY, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM, LINUX_VM, API_VERSION } from '../helpers.js';

const admin = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

async function startInstall(app: FastifyInstance, body: unknown = SPEC_EXAMPLE_BODY, vm = WINDOWS_VM) {
  const accepted = await post(app, installUrl(vm), body);
  if (accepted.statusCode !== 202) throw new Error(`installPatches answered ${accepted.statusCode}: ${accepted.body}`);
  return { id: String(accepted.headers['x-ms-request-id']), statusUrl: pathOf(String(accepted.headers['azure-asyncoperation'])), locationUrl: pathOf(String(accepted.headers.location)) };
}

const detailUrl = (id: string) => `/_emulator/operations/${SUBSCRIPTION}/${id}`;
const historyUrl = (vm = WINDOWS_VM, extra = '') => `/_emulator/operations?subscriptionId=${SUBSCRIPTION}&resourceGroup=${RESOURCE_GROUP}&vmName=${vm}${extra}`;

function windowsVmIn(response: LightMyRequestResponse): VmOverview {
  const overview = response.json() as Overview;
  return overview.subscriptions.flatMap((s) => s.resourceGroups.flatMap((g) => g.virtualMachines)).find((vm) => vm.name === WINDOWS_VM)!;
}

type Line = { installationState: string; patchId: string };
const tally = (patches: Line[], state: string) => patches.filter((p) => p.installationState === state).length;

t.test('the overview: the seeded fleet, and what each VM has available, as an assessment reports it', async (t) => {
  const { app } = testEmulator(t, { completion: 'instant' });
  const overview = (await admin(app, 'GET', '/_emulator/overview')).json();
  t.match(overview, { clock: { speed: 600, frozen: false }, completion: { default: 'instant', rules: 0 }, scenarios: 0, faults: 0, truncated: false });
  t.equal(overview.subscriptions.length, 1);
  t.equal(overview.subscriptions[0].subscriptionId, SUBSCRIPTION);
  const group = overview.subscriptions[0].resourceGroups[0];
  t.match(group, { name: RESOURCE_GROUP, location: 'westus' });
  t.same(group.virtualMachines.map((vm: { name: string }) => vm.name), [LINUX_VM, WINDOWS_VM]);
  const windows = windowsVmIn(await admin(app, 'GET', '/_emulator/overview'));
  t.match(windows, { osFamily: 'Windows', osName: 'Windows Server 2022 Datacenter Azure Edition', powerState: 'running', rebootPending: false, latestOperation: null });

  const accepted = await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=${API_VERSION}`, undefined);
  const result = (await get(app, pathOf(String(accepted.headers['azure-asyncoperation'])))).json().properties.output;
  const byClassification = new Map(windows.availableByClassification.map((c) => [c.classification, c.count]));
  t.equal(windows.availablePatchCount, result.availablePatches.length, 'the total is what an assessment lists');
  t.equal(byClassification.get('Critical')! + byClassification.get('Security')!, result.criticalAndSecurityPatchCount);
  t.equal([...byClassification.values()].reduce((a, b) => a + b, 0), result.availablePatches.length, 'each patch counts under its one classification');

  const after = windowsVmIn(await admin(app, 'GET', '/_emulator/overview'));
  t.match(after.latestOperation, { kind: 'assessPatches', status: 'Succeeded', resultStatus: 'Succeeded', progress: 1, criticalAndSecurityPatchCount: result.criticalAndSecurityPatchCount, otherPatchCount: result.otherPatchCount });

  const inventory = (await admin(app, 'GET', `/_emulator/inventory/${SUBSCRIPTION}/${RESOURCE_GROUP}/${WINDOWS_VM}`)).json();
  t.same(inventory.patches.map((p: { patchId: string }) => p.patchId).sort(), result.availablePatches.map((p: { patchId: string }) => p.patchId).sort());
  t.same(inventory.byClassification, windows.availableByClassification);
  const unknown = await admin(app, 'GET', `/_emulator/inventory/${SUBSCRIPTION}/${RESOURCE_GROUP}/noSuchVm`);
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().error.code, 'NotFound');
});

t.test('looking is not a status poll: polls:2 still takes two real polls', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  const { id, statusUrl } = await startInstall(app);
  for (let i = 0; i < 5; i++) {
    t.equal((await admin(app, 'GET', '/_emulator/overview')).statusCode, 200);
    t.equal((await admin(app, 'GET', historyUrl())).statusCode, 200);
    t.equal((await admin(app, 'GET', detailUrl(id))).json().statusPolls, 0);
  }
  t.equal((await get(app, statusUrl)).json().status, 'InProgress', 'the first real poll');
  t.equal((await admin(app, 'GET', detailUrl(id))).json().statusPolls, 1, 'the dashboard sees the poll');
  t.equal((await get(app, statusUrl)).json().status, 'Succeeded', 'the second real poll');
});

t.test('a running install on a frozen clock: patches turn Installed as the clock is advanced, and the end is the API result', async (t) => {
  const { app } = testEmulator(t, { completion: 'time' });
  await admin(app, 'POST', '/_emulator/clock', { frozen: true });
  const before = windowsVmIn(await admin(app, 'GET', '/_emulator/overview'));
  const { id, locationUrl } = await startInstall(app);

  const start = (await admin(app, 'GET', detailUrl(id))).json();
  t.match(start, { kind: 'installPatches', status: 'InProgress', resultStatus: 'InProgress', progress: 0, activity: { phase: 'Assessing' }, installedPatchCount: 0, vmName: WINDOWS_VM, resourceGroup: RESOURCE_GROUP });
  const selected = tally(start.patches, 'Pending');
  t.ok(selected > 1, 'the selected patches wait as Pending');
  t.equal(start.pendingPatchCount, selected);
  const ranks = start.patches.map((p: Line) => ({ Pending: 0, Excluded: 1, NotSelected: 2 })[p.installationState as 'Pending']);
  t.same(ranks, [...ranks].sort(), 'selected patches first, then excluded, then not selected');

  await admin(app, 'POST', '/_emulator/clock', { advance: 'PT10M' });
  const middle = (await admin(app, 'GET', detailUrl(id))).json();
  t.equal(middle.status, 'InProgress');
  t.ok(middle.progress > 0 && middle.progress < 1, 'part of the run is behind it');
  t.ok(tally(middle.patches, 'Installed') > 0, 'some patches are through');
  t.ok(tally(middle.patches, 'Pending') > 0, 'some are still to come');
  t.equal(middle.installedPatchCount, tally(middle.patches, 'Installed'), 'the counts are the tallies of the list');
  t.equal(middle.activity.phase, 'Installing');
  t.equal(middle.activity.patchName, middle.patches.find((p: Line) => p.patchId === middle.activity.patchId).name);
  const running = windowsVmIn(await admin(app, 'GET', '/_emulator/overview'));
  t.match(running.latestOperation, { operationId: id, status: 'InProgress', installedPatchCount: middle.installedPatchCount });

  await admin(app, 'POST', '/_emulator/clock', { advance: 'PT6H' });
  // The overview alone settles what the clock has finished: no poll has been made.
  const after = windowsVmIn(await admin(app, 'GET', '/_emulator/overview'));
  const end = (await admin(app, 'GET', detailUrl(id))).json();
  const location = await get(app, locationUrl);
  t.equal(location.statusCode, 200);
  const result = location.json();
  t.equal(result.status, 'Succeeded');
  t.match(after.latestOperation, {
    status: 'Succeeded',
    resultStatus: result.status,
    progress: 1,
    installedPatchCount: result.installedPatchCount,
    failedPatchCount: result.failedPatchCount,
    pendingPatchCount: result.pendingPatchCount,
    excludedPatchCount: result.excludedPatchCount,
    notSelectedPatchCount: result.notSelectedPatchCount,
    rebootStatus: result.rebootStatus,
    maintenanceWindowExceeded: result.maintenanceWindowExceeded,
  });
  t.same(
    end.patches.map((p: Line) => [p.patchId, p.installationState]).sort(),
    result.patches.map((p: Line) => [p.patchId, p.installationState]).sort(),
    'every patch as the result has it',
  );
  t.equal(end.endTime, end.plannedEndTime, 'it ended when the plan said');
  t.equal(after.availablePatchCount, before.availablePatchCount - result.installedPatchCount, 'installed patches left the inventory');
});

t.test('past runs of a VM: newest first, with counts, window and reboot; bounded; a VM at a time', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'instant' });
  services.control.addScenario({ id: 'short-window', match: { vmName: WINDOWS_VM, operation: 'installPatches' }, outcome: { maintenanceWindowExceeded: true }, remaining: 1 });
  const first = await startInstall(app);
  await get(app, first.statusUrl);
  const second = await startInstall(app, { ...SPEC_EXAMPLE_BODY, rebootSetting: 'Never' });
  await get(app, second.statusUrl);
  const assess = await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=${API_VERSION}`, undefined);
  const assessId = String(assess.headers['x-ms-request-id']);

  const runs = (await admin(app, 'GET', historyUrl())).json().value;
  t.same(runs.map((r: { operationId: string }) => r.operationId), [assessId, second.id, first.id]);
  t.match(runs[0], { kind: 'assessPatches', status: 'InProgress', resultStatus: 'InProgress' });
  const firstResult = (await get(app, first.locationUrl)).json();
  t.match(runs[2], { resultStatus: 'Failed', maintenanceWindowExceeded: true, pendingPatchCount: firstResult.pendingPatchCount, installedPatchCount: firstResult.installedPatchCount });
  t.ok(runs[2].pendingPatchCount > 0, 'the window left patches Pending');
  t.match(runs[1], { resultStatus: (await get(app, second.locationUrl)).json().status, maintenanceWindowExceeded: false, rebootStatus: (await get(app, second.locationUrl)).json().rebootStatus });

  t.equal((await admin(app, 'GET', historyUrl(WINDOWS_VM, '&limit=1'))).json().value.length, 1);
  t.equal((await admin(app, 'GET', historyUrl(LINUX_VM))).json().value.length, 0, 'another VM has its own runs');

  const unknownVm = await admin(app, 'GET', historyUrl('noSuchVm'));
  t.equal(unknownVm.statusCode, 404);
  t.equal(unknownVm.json().error.code, 'NotFound');
  for (const query of [`vmName=${WINDOWS_VM}`, `subscriptionId=${SUBSCRIPTION}&resourceGroup=${RESOURCE_GROUP}`, `subscriptionId=${SUBSCRIPTION}&resourceGroup=${RESOURCE_GROUP}&vmName=${WINDOWS_VM}&limit=lots`, `subscriptionId=${SUBSCRIPTION}&resourceGroup=${RESOURCE_GROUP}&vmName=${WINDOWS_VM}&colour=blue`]) {
    const bad = await admin(app, 'GET', `/_emulator/operations?${query}`);
    t.equal(bad.statusCode, 400, query);
    t.type(bad.json().error.code, 'string');
  }
  const unknownOperation = await admin(app, 'GET', detailUrl('6a0e1f5c-0000-4000-8000-000000000000'));
  t.equal(unknownOperation.statusCode, 404);
  t.equal(unknownOperation.json().error.code, 'NotFound');
});

t.test("an operation-level failure shows the scenario's error and no patches", async (t) => {
  const { app, services } = testEmulator(t, { completion: 'instant' });
  services.control.addScenario({ id: 'boom', match: {}, outcome: { operationFailure: { code: 'InternalExecutionError', message: 'An internal execution error occurred.' } } });
  const { id, statusUrl } = await startInstall(app);
  t.equal((await get(app, statusUrl)).json().status, 'Failed');
  const detail = (await admin(app, 'GET', detailUrl(id))).json();
  t.match(detail, { status: 'Failed', resultStatus: 'Failed', error: { code: 'InternalExecutionError' }, patches: [] });
  const [line] = (await admin(app, 'GET', historyUrl())).json().value;
  t.match(line, { status: 'Failed', resultStatus: 'Failed', error: { code: 'InternalExecutionError', message: 'An internal execution error occurred.' } });
});

t.test('the page: served by the emulator, with its script and style, and nothing from elsewhere', async (t) => {
  const { app } = testEmulator(t);
  const page = await admin(app, 'GET', '/_emulator/ui');
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  t.match(page.headers['content-security-policy'], /default-src 'none'/);
  t.match(page.body, /<script type="module" src="\/_emulator\/ui\/app\.js">/);
  const script = await admin(app, 'GET', '/_emulator/ui/app.js');
  t.match(script.headers['content-type'], /^text\/javascript/);
  const style = await admin(app, 'GET', '/_emulator/ui/app.css');
  t.match(style.headers['content-type'], /^text\/css/);
  for (const asset of [page, script, style]) t.notMatch(asset.body, /(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i, 'no address elsewhere');
  t.equal((await admin(app, 'GET', '/_emulator/ui/')).statusCode, 200, 'with a trailing slash too');
});
