// The patch model on a fresh start: what the seeded VMs are offered (supersedence, an image a month
// or two behind its catalogue), the common requests ending Succeeded inside their window, a short
// window still exceeded, and stored results that never change (restart, export/import, retention).

import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../../server/app.js';
import { dataDirectory } from '../../server/catalogues.js';
import { openServices } from '../../server/services.js';
import { parseCompletionMode } from '../../simulator/progress.js';
import {
  AUTH,
  get,
  installUrl,
  LINUX_VM,
  pathOf,
  pollToTerminal,
  post,
  SUBSCRIPTION,
  tempDir,
  testEmulator,
  vmPath,
  WINDOWS_VM,
} from '../helpers.js';

type Patch = { patchId: string; name: string; kbId?: string; installationState: string };
type Output = {
  status: string;
  maintenanceWindowExceeded: boolean;
  pendingPatchCount: number;
  installedPatchCount: number;
  failedPatchCount: number;
  patches: Patch[];
};

const WINDOWS_CLASSIFICATIONS = ['Critical', 'Security', 'UpdateRollUp', 'FeaturePack', 'ServicePack', 'Definition', 'Tools', 'Updates'];
const assessUrl = (vm: string) => `${vmPath(vm)}/assessPatches?api-version=2024-07-01`;

async function run(app: Parameters<typeof post>[0], url: string, body: unknown) {
  const accepted = await post(app, url, body);
  if (accepted.statusCode !== 202) throw new Error(`${accepted.statusCode} ${accepted.body}`);
  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  return { accepted, final, output: (final.properties as { output: Output }).output };
}

async function availableOn(app: Parameters<typeof post>[0], vm: string) {
  const { final } = await run(app, assessUrl(vm), undefined);
  return (final.properties as { output: { availablePatches: Array<{ name: string; kbId?: string; classifications: string[] }> } }).output.availablePatches;
}

t.test('on a fresh start the common requests succeed inside their window, and a short window is still exceeded', async (t) => {
  const { app, services } = testEmulator(t);
  const windows = await run(app, installUrl(WINDOWS_VM), {
    maximumDuration: 'PT4H',
    rebootSetting: 'IfRequired',
    windowsParameters: { classificationsToInclude: ['Critical', 'Security'] },
  });
  t.equal(windows.output.status, 'Succeeded');
  t.equal(windows.output.pendingPatchCount, 0, 'nothing Pending');
  t.equal(windows.output.maintenanceWindowExceeded, false);
  t.ok(windows.output.installedPatchCount > 0);

  const linux = await run(app, installUrl(LINUX_VM), {
    maximumDuration: 'PT4H',
    rebootSetting: 'IfRequired',
    linuxParameters: { classificationsToInclude: ['Critical', 'Security', 'Other'] },
  });
  t.equal(linux.output.status, 'Succeeded');
  t.equal(linux.output.pendingPatchCount, 0);
  t.equal(linux.output.maintenanceWindowExceeded, false);
  t.ok(linux.output.installedPatchCount >= 10, `tens of packages (${linux.output.installedPatchCount})`);
  // A recorded Linux run of 32 packages took about 20 minutes: so does this one, within reason.
  const minutes = (services.operations.get(SUBSCRIPTION, linux.accepted.headers['x-ms-request-id'] as string)!.plan as { durationMs: number }).durationMs / 60_000;
  t.ok(minutes >= 10 && minutes <= 40, `the Linux run took ${minutes.toFixed(1)} simulated minutes`);

  const { app: fresh } = testEmulator(t);
  const short = await run(fresh, installUrl(WINDOWS_VM), {
    maximumDuration: 'PT20M',
    rebootSetting: 'IfRequired',
    windowsParameters: { classificationsToInclude: WINDOWS_CLASSIFICATIONS },
  });
  t.equal(short.output.status, 'Failed');
  t.equal(short.output.maintenanceWindowExceeded, true);
  t.ok(short.output.pendingPatchCount > 0);

  const { app: hour } = testEmulator(t);
  const everything = await run(hour, installUrl(WINDOWS_VM), {
    maximumDuration: 'PT1H',
    rebootSetting: 'Always',
    windowsParameters: { classificationsToInclude: WINDOWS_CLASSIFICATIONS },
  });
  t.equal(everything.output.status, 'Succeeded', 'everything on Windows fits an hour');
});

t.test('supersedence: one cumulative update at a time, and installing it removes the chain', async (t) => {
  const { app } = testEmulator(t);
  const before = await availableOn(app, WINDOWS_VM);
  const cumulative = before.filter((p) => / Cumulative Update for Microsoft server operating system/.test(p.name));
  t.equal(cumulative.length, 1, 'only the newest cumulative update is offered');
  t.ok(before.length >= 4 && before.length <= 10, `a handful of updates (${before.length})`);
  t.equal(before.filter((p) => p.kbId === '890830').length, 1, 'one MSRT');
  t.equal(before.filter((p) => /Security Intelligence Update/.test(p.name)).length, 1, 'one Defender definition update');

  // An older cumulative update, named by its KB, is not applicable: it is not even listed.
  const older = await run(app, installUrl(WINDOWS_VM), {
    maximumDuration: 'PT4H',
    rebootSetting: 'IfRequired',
    windowsParameters: { kbNumbersToInclude: ['KB5065432'] },
  });
  t.notOk(older.output.patches.some((p) => p.kbId === '5065432'), 'a superseded KB is not applicable');
  t.equal(older.output.installedPatchCount, 0);

  const newest = cumulative[0]!;
  const install = await run(app, installUrl(WINDOWS_VM), {
    maximumDuration: 'PT4H',
    rebootSetting: 'IfRequired',
    windowsParameters: { kbNumbersToInclude: [`KB${newest.kbId}`] },
  });
  t.equal(install.output.patches.find((p) => p.kbId === newest.kbId)?.installationState, 'Installed');
  const after = await availableOn(app, WINDOWS_VM);
  t.notOk(after.some((p) => / Cumulative Update for Microsoft server operating system/.test(p.name)), 'no cumulative update is offered any more');
  t.equal(after.length, before.length - 1);
});

t.test('a stored result is served byte for byte: polls, the Location URL, after a restart and after export/import', async (t) => {
  const dataDir = tempDir(t);
  const open = () => {
    const services = openServices({ databaseFile: join(dataDir, 'emulator.sqlite'), seed: 'compute-patch-emulator', clockSpeed: 600, completion: parseCompletionMode('instant')! });
    return { services, app: buildApp(services, { retryAfterSeconds: 1 }) };
  };
  const first = open();
  const { accepted } = await run(first.app, installUrl(WINDOWS_VM), { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } });
  const statusUrl = pathOf(accepted.headers['azure-asyncoperation'] as string);
  const locationUrl = pathOf(accepted.headers.location as string);
  const result = (await get(first.app, locationUrl)).body;
  const envelope = (await get(first.app, statusUrl)).body;
  t.ok(envelope.includes(`"output":${result}`), 'the envelope carries the same bytes');
  // The route's response schema (schemas/patch-results.ts) describes the answer and never rewrites it.
  t.equal(result, first.services.operations.get(SUBSCRIPTION, accepted.headers['x-ms-request-id'] as string)!.resultJson, 'the result URL sends the stored bytes');
  t.equal((await get(first.app, locationUrl)).headers['content-type'], 'application/json; charset=utf-8');
  const exported = (await first.app.inject({ method: 'GET', url: '/_emulator/state', headers: AUTH })).body;
  t.equal(JSON.parse(exported).version, 2);
  await first.app.close();
  first.services.close();

  const second = open();
  t.equal((await get(second.app, locationUrl)).body, result, 'the same bytes after a restart');
  t.equal((await get(second.app, statusUrl)).body, envelope);
  // Round trip: reset, then import what was exported.
  await second.app.inject({ method: 'POST', url: '/_emulator/reset', headers: AUTH });
  t.equal((await get(second.app, locationUrl)).statusCode, 404);
  const imported = await second.app.inject({ method: 'PUT', url: '/_emulator/state', headers: { ...AUTH, 'content-type': 'application/json' }, payload: exported });
  t.equal(imported.statusCode, 200, imported.body);
  t.equal((await get(second.app, locationUrl)).body, result, 'the same bytes after export/import');
  t.equal((await get(second.app, statusUrl)).body, envelope);
  await second.app.close();
  second.services.close();
});

t.test('a catalogue changed in a new version does not change what an operation planned before reports', async (t) => {
  const catalogues = join(tempDir(t), 'catalogues');
  cpSync(`${dataDirectory()}catalogues`, catalogues, { recursive: true });
  const dataDir = tempDir(t);
  const open = () => {
    const services = openServices({
      databaseFile: join(dataDir, 'emulator.sqlite'),
      seed: 'compute-patch-emulator',
      clockSpeed: 600,
      completion: parseCompletionMode('polls:2')!,
      catalogueDirectory: catalogues,
    });
    return { services, app: buildApp(services, { retryAfterSeconds: 1 }) };
  };
  const first = open();
  const accepted = await post(first.app, installUrl(WINDOWS_VM), { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } });
  await first.app.close();
  first.services.close();

  // Version 3 renames every entry; version 2 is kept beside it, as a release that changes a catalogue does.
  const file = join(catalogues, 'windows-server-2022.json');
  const v2 = readFileSync(file, 'utf8');
  mkdirSync(join(catalogues, 'versions'), { recursive: true });
  writeFileSync(join(catalogues, 'versions', 'windows-server-2022@2.json'), v2);
  const v3 = JSON.parse(v2) as { version: number; patches: Array<{ name: string }> };
  v3.version = 3;
  for (const patch of v3.patches) patch.name = `Renamed ${patch.name}`;
  writeFileSync(file, JSON.stringify(v3));

  const second = open();
  const { final } = await pollToTerminal(second.app, accepted.headers['azure-asyncoperation'] as string);
  const output = (final.properties as { output: Output }).output;
  t.ok(output.patches.length > 0);
  t.notOk(output.patches.some((p) => p.name.startsWith('Renamed')), 'the result names the entries of the version it was planned against');
  const assessed = await availableOn(second.app, WINDOWS_VM);
  t.ok(assessed.every((p) => p.name.startsWith('Renamed')), 'a new operation reads the new version');
  await second.app.close();
  second.services.close();
});

t.test('--operation-retention keeps a bounded history per VM, never the running operation or the latest install and assessment', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'instant', operationRetention: 3 });
  const installBody = { maximumDuration: 'PT4H', rebootSetting: 'Never', windowsParameters: { classificationsToInclude: ['Definition'] } };
  const assessment = await run(app, assessUrl(WINDOWS_VM), undefined);
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) ids.push((await run(app, installUrl(WINDOWS_VM), installBody)).accepted.headers['x-ms-request-id'] as string);
  const running = await post(app, installUrl(WINDOWS_VM), installBody);
  const kept = services.operations.listForVm(SUBSCRIPTION, 'myResourceGroupName', WINDOWS_VM).map((o) => o.id);
  const assessmentId = assessment.accepted.headers['x-ms-request-id'] as string;
  t.ok(kept.includes(assessmentId), 'the latest assessment stays, however old');
  t.ok(kept.includes(running.headers['x-ms-request-id'] as string), 'the running operation stays');
  t.same(
    kept.filter((id) => id !== assessmentId).sort(),
    [...ids.slice(-2), running.headers['x-ms-request-id'] as string].sort(),
    'the three newest by number',
  );
  const pruned = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westus/operations/${ids[0]}?api-version=2024-07-01`);
  t.equal(pruned.statusCode, 404, 'a pruned operation is gone');
  const view = (await get(app, `${vmPath(WINDOWS_VM)}/instanceView?api-version=2024-07-01`)).json();
  t.equal(view.patchStatus.lastPatchInstallationSummary.installationActivityId, running.headers['x-ms-request-id']);

  const { app: unbounded, services: all } = testEmulator(t, { completion: 'instant', operationRetention: 0 });
  for (let i = 0; i < 5; i++) await run(unbounded, installUrl(WINDOWS_VM), installBody);
  t.equal(all.operations.listForVm(SUBSCRIPTION, 'myResourceGroupName', WINDOWS_VM).length, 5, '0 keeps everything');
});

t.test('a larger retention prunes in batches: never fewer than N operations, never more than N + N/16', async (t) => {
  // N = 64: batches of 4, so after each new operation a VM holds 64 to 67 of them.
  const { app, services } = testEmulator(t, { completion: 'sync', operationRetention: 64 });
  const body = { maximumDuration: 'PT4H', rebootSetting: 'Never', windowsParameters: { classificationsToInclude: ['Definition'] } };
  const counts = new Set<number>();
  for (let i = 0; i < 80; i++) {
    t.equal((await post(app, installUrl(WINDOWS_VM), body)).statusCode, 200);
    const kept = services.operations.listForVm(SUBSCRIPTION, 'myResourceGroupName', WINDOWS_VM).length;
    if (i >= 63) counts.add(kept);
  }
  t.same([...counts].sort((a, b) => a - b), [64, 65, 66, 67], 'between N and N + N/16 - 1, every count of a batch reached');
});
