// GET .../instanceView and $expand=instanceView (docs/wire-format.md#request-and-result-models, docs/wire-format.md#the-instance-views-patch-status): patch status, power and provisioning.

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { get, installUrl, pollToTerminal, post, vmPath, WINDOWS_VM, LINUX_VM, testEmulator } from '../helpers.js';

const instanceView = async (app: FastifyInstance, vm: string) => {
  const response = await get(app, `${vmPath(vm)}/instanceView?api-version=2024-07-01`);
  if (response.statusCode !== 200) throw new Error(`instanceView answered ${response.statusCode}: ${response.body}`);
  return response.json() as Record<string, any>;
};
const BODY = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } };

t.test('a VM never patched: power, provisioning and configuration statuses, no summaries', async (t) => {
  const { app } = testEmulator(t);
  const view = await instanceView(app, WINDOWS_VM);
  t.equal(view.computerName, WINDOWS_VM);
  t.equal(view.osName, 'Windows Server 2022 Datacenter Azure Edition');
  t.same(view.statuses.map((s: { code: string }) => s.code), ['ProvisioningState/succeeded', 'PowerState/running']);
  t.equal(view.statuses[1].displayStatus, 'VM running');
  t.same(Object.keys(view.patchStatus), ['configurationStatuses']);
  t.equal(view.patchStatus.configurationStatuses[0].code, 'PatchModeConfigurationState/Ready');
});

t.test('an installation: InProgress while it runs, then its summary and the implicit assessment', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:3' });
  const accepted = await post(app, installUrl(WINDOWS_VM), BODY);
  const id = accepted.headers['x-ms-request-id'];
  const running = (await instanceView(app, WINDOWS_VM)).patchStatus;
  t.equal(running.lastPatchInstallationSummary.status, 'InProgress');
  t.equal(running.lastPatchInstallationSummary.installationActivityId, id);
  t.notOk(running.availablePatchSummary, 'nothing assessed yet');

  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  const output = (final.properties as { output: Record<string, any> }).output;
  const done = (await instanceView(app, WINDOWS_VM)).patchStatus;
  const summary = done.lastPatchInstallationSummary;
  t.same(Object.keys(summary), [
    'status', 'installationActivityId', 'maintenanceWindowExceeded', 'notSelectedPatchCount', 'excludedPatchCount', 'pendingPatchCount',
    'installedPatchCount', 'failedPatchCount', 'startTime', 'lastModifiedTime', 'error',
  ]);
  t.equal(summary.status, output.status);
  for (const count of ['notSelectedPatchCount', 'excludedPatchCount', 'pendingPatchCount', 'installedPatchCount', 'failedPatchCount']) {
    t.equal(summary[count], output[count], count);
  }
  t.match(summary.startTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?Z$/);
  // The implicit assessment after the install: what is still available.
  const available = done.availablePatchSummary;
  t.equal(available.assessmentActivityId, id);
  t.equal(available.criticalAndSecurityPatchCount + available.otherPatchCount, output.patches.length - output.installedPatchCount);
});

t.test('an assessment: InProgress with nothing found yet, then its counts', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  const accepted = await post(app, `${vmPath(LINUX_VM)}/assessPatches?api-version=2024-07-01`, undefined);
  const running = (await instanceView(app, LINUX_VM)).patchStatus.availablePatchSummary;
  t.equal(running.status, 'InProgress');
  t.equal(running.criticalAndSecurityPatchCount + running.otherPatchCount, 0);
  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  const output = (final.properties as { output: Record<string, any> }).output;
  const summary = (await instanceView(app, LINUX_VM)).patchStatus.availablePatchSummary;
  t.same(
    { status: summary.status, id: summary.assessmentActivityId, critSec: summary.criticalAndSecurityPatchCount, other: summary.otherPatchCount },
    { status: 'Succeeded', id: accepted.headers['x-ms-request-id'], critSec: output.criticalAndSecurityPatchCount, other: output.otherPatchCount },
  );
  t.notOk((await instanceView(app, LINUX_VM)).patchStatus.lastPatchInstallationSummary);
});

t.test('$expand=instanceView puts the same view in properties.instanceView', async (t) => {
  const { app, services } = testEmulator(t);
  services.clock.setFrozen(true);
  const plain = (await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`)).json();
  t.notOk(plain.properties.instanceView);
  const expanded = (await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01&$expand=instanceView`)).json();
  t.same(expanded.properties.instanceView, await instanceView(app, WINDOWS_VM));
});

t.test('a deallocated VM: its power state, and no guest agent report', async (t) => {
  const { app } = testEmulator(t);
  t.equal((await post(app, `${vmPath(WINDOWS_VM)}/deallocate?api-version=2024-07-01`, undefined)).statusCode, 202);
  const view = await instanceView(app, WINDOWS_VM);
  t.same(view.statuses[1], { code: 'PowerState/deallocated', level: 'Info', displayStatus: 'VM deallocated' });
  t.notOk(view.vmAgent);
  t.notOk(view.computerName);
});
