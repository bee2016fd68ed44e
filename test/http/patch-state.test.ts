// The VM's patch state across operations: an install changes what a later assessment sees; a
// reboot owed stays owed until a reboot; new patches appear as the simulated clock passes their
// publish dates. And the request checks of docs/wire-format.md#request-and-result-models, docs/wire-format.md#invalid-parameters that decide what a run is asked to do.

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { get, installUrl, LINUX_VM, pathOf, pollToTerminal, post, vmPath, WINDOWS_VM, testEmulator } from '../helpers.js';

type Output = Record<string, unknown> & {
  patches?: Array<{ patchId: string; installationState: string; name: string }>;
  availablePatches?: Array<{ patchId: string }>;
};

async function run(app: FastifyInstance, url: string, body?: unknown): Promise<Output> {
  const accepted = await post(app, url, body);
  if (accepted.statusCode !== 202) throw new Error(`expected 202, got ${accepted.statusCode}: ${accepted.body}`);
  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  return (final.properties as { output: Output }).output;
}
const assess = (app: FastifyInstance, vm: string) => run(app, `${vmPath(vm)}/assessPatches?api-version=2024-07-01`);

t.test('install then assess: the inventory shrinks by exactly the installed patches', async (t) => {
  const { app } = testEmulator(t);
  const before = await assess(app, LINUX_VM);
  const install = await run(app, installUrl(LINUX_VM), {
    maximumDuration: 'PT4H',
    rebootSetting: 'IfRequired',
    linuxParameters: { classificationsToInclude: ['Critical', 'Security'] },
  });
  const installed = install.patches!.filter((p) => p.installationState === 'Installed').map((p) => p.patchId);
  t.ok(installed.length > 0);
  const after = await assess(app, LINUX_VM);
  const ids = (o: Output) => o.availablePatches!.map((p) => p.patchId).sort();
  t.same(ids(after), ids(before).filter((id) => !installed.includes(id)));
  const again = await run(app, installUrl(LINUX_VM), { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', linuxParameters: { classificationsToInclude: ['Critical', 'Security'] } });
  t.equal(again.installedPatchCount, install.failedPatchCount, 'a second run finds only what failed the first time');
});

t.test('failed and pending patches stay available', async (t) => {
  const { app } = testEmulator(t);
  // Twenty minutes: the first update fits; a patch starts only with 15 minutes left, so the rest stay Pending.
  const install = await run(app, installUrl(WINDOWS_VM), {
    maximumDuration: 'PT20M',
    rebootSetting: 'Never',
    windowsParameters: { classificationsToInclude: ['Critical', 'Security'] },
  });
  t.equal(install.maintenanceWindowExceeded, true);
  t.equal(install.status, 'Failed');
  const notInstalled = install.patches!.filter((p) => p.installationState === 'Pending' || p.installationState === 'Failed').map((p) => p.patchId);
  t.ok(notInstalled.length > 0);
  const after = await assess(app, WINDOWS_VM);
  const listed = new Set(after.availablePatches!.map((p) => p.patchId));
  t.ok(notInstalled.every((id) => listed.has(id)));
});

t.test('a reboot owed stays owed until a restart, and a later run reboots first', async (t) => {
  const { app } = testEmulator(t);
  const install = await run(app, installUrl(WINDOWS_VM), {
    maximumDuration: 'PT4H',
    rebootSetting: 'Never',
    // The month's cumulative update: it never fails, and always needs a reboot.
    windowsParameters: { kbNumbersToInclude: ['KB5075906'] },
  });
  t.equal(install.rebootStatus, 'Required');
  t.equal(install.status, 'CompletedWithWarnings');
  t.equal((await assess(app, WINDOWS_VM)).rebootPending, true);
  t.equal((await assess(app, WINDOWS_VM)).rebootPending, true, 'an assessment changes nothing');

  const later = await run(app, installUrl(WINDOWS_VM), { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Tools'] } });
  t.equal(later.rebootStatus, 'Completed', 'the owed reboot is taken before installing');
  t.equal((await assess(app, WINDOWS_VM)).rebootPending, false);

  await run(app, installUrl(WINDOWS_VM), { maximumDuration: 'PT4H', rebootSetting: 'Never', windowsParameters: { classificationsToInclude: ['Security', 'Updates', 'UpdateRollUp'] } });
  t.equal((await assess(app, WINDOWS_VM)).rebootPending, true);
  const restart = await post(app, `${vmPath(WINDOWS_VM)}/restart?api-version=2024-07-01`, undefined);
  t.equal(restart.statusCode, 202);
  t.equal((await assess(app, WINDOWS_VM)).rebootPending, false, 'a restart pays the reboot');
});

t.test('the inventory grows as the simulated clock passes publish dates', async (t) => {
  const { app, services } = testEmulator(t);
  services.clock.setFrozen(true);
  // A few weeks after the Ubuntu 22.04 image was built, then two months on.
  services.clock.set(Date.parse('2024-10-10T00:00:00Z'));
  const early = (await assess(app, LINUX_VM)).availablePatches!.length;
  services.clock.advance(60 * 86_400_000);
  const late = (await assess(app, LINUX_VM)).availablePatches!.length;
  t.ok(early > 0);
  t.ok(late > early, `${late} available two months later, ${early} before`);
});

t.test('maximumDuration: required in 2020-12-01, and an ISO-8601 duration everywhere', async (t) => {
  const { app } = testEmulator(t);
  const missing = await post(app, installUrl(WINDOWS_VM, '2020-12-01'), { rebootSetting: 'IfRequired' });
  t.equal(missing.statusCode, 400);
  t.same(missing.json(), { error: { code: 'InvalidParameter', message: "Required parameter 'maximumDuration' is missing (null).", target: 'maximumDuration' } });
  t.equal((await post(app, installUrl(WINDOWS_VM), { rebootSetting: 'IfRequired' })).statusCode, 202, 'optional later (default PT4H)');
  for (const bad of ['4 hours', 'PT', 'P1Y', 'PT4X', '']) {
    const response = await post(app, installUrl(WINDOWS_VM, '2020-12-01'), { rebootSetting: 'IfRequired', maximumDuration: bad });
    t.equal(response.statusCode, 400, bad);
    t.equal(response.json().error.code, 'InvalidParameter', bad);
    t.equal(response.json().error.target, 'maximumDuration', bad);
  }
  t.equal((await post(app, installUrl(WINDOWS_VM, '2020-12-01'), { rebootSetting: 'IfRequired', maximumDuration: 'PT120M' })).statusCode, 202);
});

t.test('patchNameMasksToInclude takes effect from api-version 2025-04-01', async (t) => {
  const { app } = testEmulator(t);
  const body = { maximumDuration: 'PT4H', rebootSetting: 'Never', windowsParameters: { patchNameMasksToInclude: ['*Defender*'] } };
  const old = await run(app, installUrl(WINDOWS_VM, '2024-07-01'), body);
  t.equal(old.installedPatchCount, 0, 'an older api-version does not know the field');
  const current = await run(app, installUrl(WINDOWS_VM, '2025-04-01'), body);
  const installed = current.patches!.filter((p) => p.installationState === 'Installed');
  t.ok(installed.length > 0);
  t.ok(installed.every((p) => p.name.includes('Defender')));
});

t.test('a result does not change once read, whatever happens to the VM later', async (t) => {
  const { app } = testEmulator(t);
  const accepted = await post(app, installUrl(LINUX_VM), { maximumDuration: 'PT4H', rebootSetting: 'Never', linuxParameters: { classificationsToInclude: ['Other'] } });
  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  await assess(app, LINUX_VM);
  t.same((await get(app, pathOf(accepted.headers.location as string))).json(), (final.properties as { output: unknown }).output);
});
