// GET .../instanceView and $expand=instanceView (docs/wire-format.md#request-and-result-models, docs/wire-format.md#the-instance-views-patch-status): patch status, power and provisioning.

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { instanceView as buildInstanceView } from '../../server/virtual-machines/instance-view.js';
import { get, installUrl, pollToTerminal, post, RESOURCE_GROUP, SUBSCRIPTION, vmPath, WINDOWS_VM, LINUX_VM, testEmulator } from '../helpers.js';

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

t.test('a finished pair of operations: the patch part is kept, and rebuilt when a result or an operation differs', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'instant' });
  await pollToTerminal(app, String((await post(app, installUrl(WINDOWS_VM), BODY)).headers['azure-asyncoperation']));
  const first = await instanceView(app, WINDOWS_VM);
  const again = await instanceView(app, WINDOWS_VM);
  t.same(again.patchStatus, first.patchStatus, 'the same answer while the operations stay the latest');
  t.same(again.extensions, first.extensions);

  // The same operation ids and ends with another stored result (a reset under an explicit seed can
  // give a VM's operation its id again): the kept part must not be served.
  const vm = services.resources.getVirtualMachine(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM)!;
  const latest = services.patchOperations.latestPatchOperations(vm);
  const result = JSON.parse(latest.install!.resultJson!) as { installedPatchCount: number };
  const changed = { ...latest, install: { ...latest.install!, resultJson: JSON.stringify({ ...result, installedPatchCount: result.installedPatchCount + 7 }) } };
  const operations = Object.create(services.patchOperations, { latestPatchOperations: { value: () => changed } }) as typeof services.patchOperations;
  const catalogue = services.catalogues.get(vm.catalogueKey)!;
  const view = buildInstanceView(vm, catalogue, operations, services.clock.now());
  t.equal(view.patchStatus.lastPatchInstallationSummary?.installedPatchCount, result.installedPatchCount + 7, 'built from the result as stored now');
  t.equal(buildInstanceView(vm, catalogue, services.patchOperations, services.clock.now()).patchStatus.lastPatchInstallationSummary?.installedPatchCount, result.installedPatchCount, 'and back');

  // A newer operation is another pair.
  await pollToTerminal(app, String((await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`, undefined)).headers['azure-asyncoperation']));
  const assessed = await instanceView(app, WINDOWS_VM);
  t.not(assessed.patchStatus.availablePatchSummary.assessmentActivityId, first.patchStatus.availablePatchSummary.assessmentActivityId, 'the new assessment is reported');
});
