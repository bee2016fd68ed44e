// The install plan: maintenance-window cut-offs (docs/wire-format.md#maintenance-window-and-reboots), reboot handling, failures and the error
// object (docs/wire-format.md#patch-semantics), and the run's state part-way through (supersession).

import t from 'tap';
import {
  ASSESSMENT_MS,
  REBOOT_MS,
  REBOOT_NOT_ALLOWED_MESSAGE,
  rebootPendingAt,
  WINDOW_EXCEEDED_MESSAGE,
} from '../../simulator/plan.js';
import { installResult, installResultAt } from '../../simulator/results.js';
import type { InstallParameters, RebootSetting } from '../../simulator/selection.js';
import { linuxPatch, plan, windowsPatch, lookup } from './fixtures.js';

const states = (p: ReturnType<typeof plan>) => p.patches.map((x) => x.state);
const windows = (maximumDuration: string, rebootSetting: RebootSetting = 'IfRequired'): InstallParameters => ({
  maximumDuration,
  rebootSetting,
  windowsParameters: { classificationsToInclude: ['Security', 'ServicePack', 'Critical'] },
});
const linux = (maximumDuration: string, rebootSetting: RebootSetting = 'IfRequired'): InstallParameters => ({
  maximumDuration,
  rebootSetting,
  linuxParameters: { classificationsToInclude: ['Security'] },
});

t.test('Windows: a patch starts only with 15 minutes left; the rest stay Pending and the run fails', async (t) => {
  const patches = [1, 2, 3].map(() => windowsPatch({ installSeconds: 600 }));
  const p = plan(patches, windows('PT30M'));
  t.same(states(p), ['Installed', 'Installed', 'Pending']);
  const result = installResult(p, lookup);
  t.equal(result.maintenanceWindowExceeded, true);
  t.equal(result.status, 'Failed');
  t.equal(result.pendingPatchCount, 1);
  t.ok(result.error.details.some((d) => d.message === WINDOW_EXCEEDED_MESSAGE));
  t.match(result.error.details[0]!.message, /Operation status was marked as failed because: .*maintenance window exceeded/);
});

t.test('Windows: a Service Pack needs 20 minutes, and a shorter update may still fit after it', async (t) => {
  const servicePack = windowsPatch({ classifications: ['ServicePack'], installSeconds: 1800 });
  const update = windowsPatch({ classifications: ['Security'], installSeconds: 300 });
  const p = plan([servicePack, update], windows('PT18M')); // 17 minutes left after the assessment
  t.same(states(p), ['Pending', 'Installed']);
  t.equal(installResult(p, lookup).maintenanceWindowExceeded, true);
  t.same(states(plan([windowsPatch({ installSeconds: 300 })], windows('PT16M'))), ['Installed'], 'exactly 15 minutes left is enough');
});

t.test('Linux: 5 minutes plus a 15-minute reboot buffer, unless reboots are off; stops at the first miss', async (t) => {
  const make = () => ['a', 'b', 'c'].map((name) => linuxPatch(name, { installSeconds: 180 }));
  t.same(states(plan(make(), linux('PT21M'))), ['Pending', 'Pending', 'Pending'], 'exactly 20 minutes left is not enough');
  t.same(states(plan(make(), linux('PT22M'))), ['Installed', 'Pending', 'Pending']);
  t.same(states(plan(make(), linux('PT22M', 'Never'))), ['Installed', 'Installed', 'Installed'], 'Never: only 5 minutes needed');
});

t.test('Pending only when the window was exceeded', async (t) => {
  const p = plan([windowsPatch(), windowsPatch()], windows('PT4H'));
  t.same(states(p), ['Installed', 'Installed']);
  const result = installResult(p, lookup);
  t.equal(result.maintenanceWindowExceeded, false);
  t.equal(result.pendingPatchCount, 0);
  t.equal(result.status, 'Succeeded');
  t.same(result.error, { details: [], code: 'Success', message: '0 error/s reported' });
});

t.test('reboot: Never with a reboot needed is Required and CompletedWithWarnings', async (t) => {
  const p = plan([windowsPatch({ rebootBehavior: 'AlwaysRequiresReboot' })], windows('PT4H', 'Never'));
  const result = installResult(p, lookup);
  t.equal(result.rebootStatus, 'Required');
  t.equal(result.status, 'CompletedWithWarnings');
  t.same(result.error.details, [{ code: 'ERROR', message: REBOOT_NOT_ALLOWED_MESSAGE }]);
  t.equal(rebootPendingAt(p, p.durationMs), true, 'the VM is left owing a reboot');
});

t.test('reboot: IfRequired reboots when needed, inside the window', async (t) => {
  const needs = plan([windowsPatch({ rebootBehavior: 'AlwaysRequiresReboot', installSeconds: 300 })], windows('PT4H'));
  const noNeed = plan([windowsPatch({ rebootBehavior: 'NeverReboots', installSeconds: 300 })], windows('PT4H'));
  t.equal(installResult(needs, lookup).rebootStatus, 'Completed');
  t.equal(installResult(noNeed, lookup).rebootStatus, 'NotNeeded');
  t.equal(rebootPendingAt(needs, needs.durationMs), false);
  t.equal(needs.finalReboot!.endOffsetMs - needs.finalReboot!.startOffsetMs, REBOOT_MS.Windows);
  t.ok(needs.durationMs > noNeed.durationMs, 'the reboot takes simulated time');
});

t.test('reboot: Always reboots even when nothing asks for it', async (t) => {
  const always = plan([windowsPatch({ rebootBehavior: 'NeverReboots' })], windows('PT4H', 'Always'));
  t.equal(installResult(always, lookup).rebootStatus, 'Completed');
  t.equal(always.finalReboot?.outcome, 'Completed');
});

t.test('reboot: without 15 minutes left for it, the window is exceeded', async (t) => {
  const p = plan([windowsPatch({ installSeconds: 300 })], windows('PT16M', 'Always'));
  const result = installResult(p, lookup);
  t.same(result.patches.map((x) => x.installationState), ['Installed']);
  t.equal(result.maintenanceWindowExceeded, true);
  t.equal(result.status, 'Failed');
  t.equal(result.rebootStatus, 'NotNeeded');
  // linux-extension's message, cut to the 128-character limit like every detail.
  t.match(result.error.details[0]!.message, /^Reboot Management - There is not enough time to schedule a reboot as per patch installation configuration \(Always reboot\)\. Re\.\.\.$/);
});

t.test('reboot: one owed by an earlier run is taken first, unless reboots are off', async (t) => {
  const owed = { rebootPendingBefore: true };
  const ifRequired = plan([windowsPatch()], windows('PT4H'), owed);
  t.same(ifRequired.earlyReboot, { startOffsetMs: ASSESSMENT_MS, endOffsetMs: ASSESSMENT_MS + REBOOT_MS.Windows, outcome: 'Completed' });
  t.equal(installResult(ifRequired, lookup).rebootStatus, 'Completed');
  t.notOk(ifRequired.finalReboot, 'nothing more to reboot for');
  const always = plan([windowsPatch()], windows('PT4H', 'Always'), owed);
  t.notOk(always.finalReboot, 'Always does not reboot twice when nothing is pending (linux-extension)');
  const never = plan([windowsPatch()], windows('PT4H', 'Never'), owed);
  t.notOk(never.earlyReboot);
  t.equal(installResult(never, lookup).rebootStatus, 'Required');
  t.equal(installResult(never, lookup).status, 'CompletedWithWarnings');
});

t.test('reboot: a forced failure gives rebootStatus Failed and a failed run', async (t) => {
  const p = plan([windowsPatch({ rebootBehavior: 'AlwaysRequiresReboot' })], windows('PT4H'), { forced: { rebootFails: true } });
  const result = installResult(p, lookup);
  t.equal(result.rebootStatus, 'Failed');
  t.equal(result.status, 'Failed');
  t.equal(result.error.details[0]!.message, 'Reboot failed to proceed on the machine in a timely manner.');
  t.equal(rebootPendingAt(p, p.durationMs), true);
});

t.test('failures: failure-prone patches fail, deterministically, with the package manager error', async (t) => {
  const flaky = linuxPatch('linux-firmware', { failureRate: 1, version: '20220329.git681281e4-0ubuntu3.36' });
  const p = plan([flaky, linuxPatch('curl')], linux('PT4H'), { distro: 'Ubuntu' });
  t.same(states(p), ['Failed', 'Installed']);
  const result = installResult(p, lookup);
  t.equal(result.status, 'Failed');
  t.equal(result.failedPatchCount, 1);
  t.equal(result.error.code, '1');
  t.same(result.error.details.map((d) => d.code), ['OPERATION_FAILED', 'CL_PACKAGE_MANAGER_FAILURE']);
  t.match(result.error.details[1]!.message, /^Unexpected return code from package manager\. \[Code=100\]\[Command=sudo apt-get .*linux-firmware=/);
  t.same(plan([flaky, linuxPatch('curl')], linux('PT4H'), { distro: 'Ubuntu' }), p, 'same inputs, same plan');
  const forced = plan([flaky, linuxPatch('curl')], linux('PT4H'), { forced: { installedPatchIds: [flaky.patchId], failedPatchIds: ['curl_1.0-1_Ubuntu_22.04'] } });
  t.same(states(forced), ['Installed', 'Failed'], 'forced outcomes replace the draws');
});

t.test('the error object: at most 5 details, newest first, counted in full, messages of at most 128 characters', async (t) => {
  const failing = Array.from({ length: 7 }, () => windowsPatch({ failureRate: 1, name: `A very long update title ${'x'.repeat(150)}` }));
  const result = installResult(plan(failing, windows('PT4H')), lookup);
  t.equal(result.error.details.length, 5);
  t.equal(result.error.details[0]!.code, 'OPERATION_FAILED', 'the newest first');
  t.ok(result.error.details.every((d) => d.message.length <= 128));
  t.match(result.error.message, /^8 error\/s reported\. The latest 5 error\/s are shared in detail\. To view all errors, review this log file on the machine: C:\\/);
  const linuxClean = installResult(plan([linuxPatch('curl')], linux('PT4H')), lookup);
  t.same(linuxClean.error, { details: [], code: '0', message: '0 error/s reported.' });
});

t.test('part-way through: what a superseded run reports', async (t) => {
  const patches = [windowsPatch({ installSeconds: 600, rebootBehavior: 'AlwaysRequiresReboot' }), windowsPatch({ installSeconds: 600 })];
  const p = plan(patches, windows('PT4H'));
  const first = p.patches[0]!.endOffsetMs!;
  const mid = installResultAt(p, first, lookup, true);
  t.same(mid.patches.map((x) => x.installationState), ['Installed', 'Pending']);
  t.equal(mid.status, 'Failed');
  t.equal(mid.rebootStatus, 'Required');
  t.same(mid.error.details[0], { code: 'NEWER_OPERATION_SUPERSEDED', message: 'Execution was stopped due to a newer operation taking precedence.' });
  t.equal(mid.installedPatchCount, 1);
  const rebooting = installResultAt(p, p.finalReboot!.startOffsetMs + 1, lookup, true);
  t.equal(rebooting.rebootStatus, 'Started');
  t.equal(installResultAt(p, 0, lookup, true).pendingPatchCount, 2, 'stopped during the assessment: nothing installed');
});
