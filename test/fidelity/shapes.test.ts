// Response shapes by api-version, checked against the REST specification's examples
// (github.com/Azure/azure-rest-api-specs, specification/compute/resource-manager/Microsoft.Compute/),
// realistic VM bodies and instance views, and date-times written as Azure writes them.

import t from 'tap';
import { AUTH, get, LINUX_VM, pathOf, pollToTerminal, post, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

const vmUrl = (vm: string, version: string, expand = '') => `${vmPath(vm)}?api-version=${version}${expand}`;

// The keys of the examples' bodies (the examples add availabilitySet, proximityPlacementGroup,
// extensionsTimeBudget and the like, which the emulator's VMs do not have):
// stable/2020-06-01/examples/GetVirtualMachine.json
const EXAMPLE_2020_06_01 = {
  top: ['name', 'id', 'type', 'location', 'tags', 'properties', 'resources'],
  properties: ['vmId', 'availabilitySet', 'proximityPlacementGroup', 'hardwareProfile', 'storageProfile', 'osProfile', 'networkProfile', 'diagnosticsProfile', 'extensionsTimeBudget', 'provisioningState'],
};
// ComputeRP/stable/2024-07-01/examples/virtualMachineExamples/VirtualMachine_Get.json
const EXAMPLE_2024_07_01 = {
  top: ['name', 'id', 'type', 'location', 'tags', 'etag', 'properties', 'resources', 'managedBy'],
  properties: [...EXAMPLE_2020_06_01.properties, 'applicationProfile', 'userData', 'timeCreated'],
};
// ComputeRP/stable/2024-07-01/examples/virtualMachineExamples/VirtualMachine_Get_InstanceView.json
const INSTANCE_VIEW_2024_07_01 = ['platformUpdateDomain', 'platformFaultDomain', 'computerName', 'osName', 'osVersion', 'vmAgent', 'disks', 'bootDiagnostics', 'extensions', 'hyperVGeneration', 'patchStatus', 'isVMInStandbyPool', 'statuses'];

const isSubset = (keys: string[], allowed: string[]) => keys.filter((key) => !allowed.includes(key));

t.test('VM bodies carry only what their api-version defines, within the keys of the examples', async (t) => {
  const { app } = testEmulator(t);
  const old = (await get(app, vmUrl(WINDOWS_VM, '2020-06-01'))).json();
  t.same(isSubset(Object.keys(old), EXAMPLE_2020_06_01.top), [], '2020-06-01 top level');
  t.same(isSubset(Object.keys(old.properties), EXAMPLE_2020_06_01.properties), [], '2020-06-01 properties');
  t.notOk('etag' in old);
  t.notOk('timeCreated' in old.properties);
  t.notOk('deleteOption' in old.properties.storageProfile.osDisk);
  t.same(old.properties.osProfile.windowsConfiguration.patchSettings, { patchMode: 'AutomaticByOS' }, 'no assessmentMode before 2021-03-01');
  const linuxOld = (await get(app, vmUrl(LINUX_VM, '2020-06-01'))).json();
  t.notOk('patchSettings' in linuxOld.properties.osProfile.linuxConfiguration, 'Linux patchSettings came in 2020-12-01');
  t.ok('patchSettings' in (await get(app, vmUrl(LINUX_VM, '2020-12-01'))).json().properties.osProfile.linuxConfiguration);

  const v2021 = (await get(app, vmUrl(WINDOWS_VM, '2021-03-01'))).json();
  t.equal(v2021.properties.storageProfile.osDisk.deleteOption, 'Detach');
  t.equal(v2021.properties.osProfile.windowsConfiguration.patchSettings.assessmentMode, 'ImageDefault');
  t.notOk('timeCreated' in v2021.properties, 'timeCreated came in 2021-11-01');
  t.ok('timeCreated' in (await get(app, vmUrl(WINDOWS_VM, '2021-11-01'))).json().properties);
  t.notOk('etag' in (await get(app, vmUrl(WINDOWS_VM, '2023-09-01'))).json(), 'etag came in 2024-03-01');
  t.equal((await get(app, vmUrl(WINDOWS_VM, '2024-03-01'))).json().etag, '"1"', 'as ComputeRP/stable/2024-03-01/examples/virtualMachineExamples/VirtualMachine_Get.json shows');

  const current = (await get(app, vmUrl(WINDOWS_VM, '2024-07-01'))).json();
  t.same(isSubset(Object.keys(current), EXAMPLE_2024_07_01.top), [], '2024-07-01 top level');
  t.same(isSubset(Object.keys(current.properties), EXAMPLE_2024_07_01.properties), [], '2024-07-01 properties');
  t.equal(current.etag, '"1"');
  t.match(current.properties.timeCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?\+00:00$/, 'as the example writes it');
  t.same(old.properties.storageProfile.osDisk.managedDisk.id, `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroupName/providers/Microsoft.Compute/disks/myVMName_OsDisk_1`);
  t.same(current.properties.networkProfile, {
    networkInterfaces: [{ id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroupName/providers/Microsoft.Network/networkInterfaces/myVMNameVMNic', properties: { primary: true, deleteOption: 'Detach' } }],
  });
  t.same(old.properties.networkProfile.networkInterfaces[0].properties, { primary: true }, 'the NIC deleteOption came in 2021-03-01');
  t.same(current.properties.diagnosticsProfile, { bootDiagnostics: { enabled: true } });
});

t.test('assessPatches at 2020-06-01 answers that version\'s shape: `patches` with `kbid`', async (t) => {
  const { app } = testEmulator(t);
  const accepted = await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2020-06-01`, undefined);
  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  const output = (final.properties as { output: Record<string, unknown> }).output;
  // stable/2020-06-01/examples/VirtualMachineAssessPatches.json
  t.same(Object.keys(output), ['status', 'assessmentActivityId', 'rebootPending', 'criticalAndSecurityPatchCount', 'otherPatchCount', 'startDateTime', 'patches', 'error']);
  const patch = (output.patches as Array<Record<string, unknown>>)[0]!;
  t.ok('kbid' in patch && !('kbId' in patch));
  t.same(Object.keys(patch), ['patchId', 'name', 'kbid', 'classifications', 'rebootBehavior', 'publishedDate', 'activityId', 'lastModifiedDateTime', 'assessmentState']);
  const location = await get(app, pathOf(accepted.headers.location as string));
  t.ok('patches' in location.json(), 'the Location URL answers the same shape');

  const newer = await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2020-12-01`, undefined);
  const later = (await pollToTerminal(app, newer.headers['azure-asyncoperation'] as string)).final;
  const laterOutput = (later.properties as { output: Record<string, unknown> }).output;
  t.ok('availablePatches' in laterOutput && !('patches' in laterOutput), '2020-12-01 renamed it availablePatches');
  t.ok('kbId' in (laterOutput.availablePatches as Array<Record<string, unknown>>)[0]!);
});

t.test('instance views by version; fault and update domains; the patch extension after a patch operation', async (t) => {
  const { app } = testEmulator(t);
  const before = (await get(app, `${vmPath(LINUX_VM)}/instanceView?api-version=2024-07-01`)).json();
  t.same(isSubset(Object.keys(before), INSTANCE_VIEW_2024_07_01), []);
  t.ok(Number.isInteger(before.platformFaultDomain) && before.platformFaultDomain < 3);
  t.ok(Number.isInteger(before.platformUpdateDomain) && before.platformUpdateDomain < 5);
  t.same(before.vmAgent.extensionHandlers, [], 'no patch extension before the first patch operation');
  t.notOk('extensions' in before);

  const accepted = await post(app, `${vmPath(LINUX_VM)}/assessPatches?api-version=2024-07-01`, undefined);
  await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  const after = (await get(app, `${vmPath(LINUX_VM)}/instanceView?api-version=2024-07-01`)).json();
  t.same(after.vmAgent.extensionHandlers, [{ type: 'Microsoft.CPlat.Core.LinuxPatchExtension', typeHandlerVersion: '1.6.52', status: { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready' } }]);
  const extension = after.extensions[0];
  t.match(extension, { name: 'LinuxPatchExtension', type: 'Microsoft.CPlat.Core.LinuxPatchExtension', statuses: [{ code: 'ProvisioningState/succeeded' }] });
  t.equal(extension.substatuses[0].code, 'ComponentStatus/PatchAssessmentSummary/succeeded');
  t.equal(JSON.parse(extension.substatuses[0].message).assessmentActivityId, accepted.headers['x-ms-request-id']);
  t.equal(after.platformFaultDomain, before.platformFaultDomain, 'a VM keeps its domains');

  const windows = await post(app, `${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`, { rebootSetting: 'Never', maximumDuration: 'PT1H' });
  await pollToTerminal(app, windows.headers['azure-asyncoperation'] as string);
  const windowsView = (await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01&$expand=instanceView`)).json().properties.instanceView;
  t.equal(windowsView.extensions[0].type, 'Microsoft.CPlat.Core.WindowsPatchExtension');
  t.ok(windowsView.extensions[0].substatuses.some((s: { code: string }) => s.code.startsWith('ComponentStatus/PatchInstallationSummary/')));

  const v2020 = (await get(app, `${vmPath(LINUX_VM)}/instanceView?api-version=2020-06-01`)).json();
  t.ok('patchStatus' in v2020);
  t.notOk('configurationStatuses' in v2020.patchStatus, 'configurationStatuses came in 2020-12-01');
  t.ok('configurationStatuses' in (await get(app, `${vmPath(LINUX_VM)}/instanceView?api-version=2020-12-01`)).json().patchStatus);
  t.notOk('patchStatus' in (await get(app, `${vmPath(LINUX_VM)}/instanceView?api-version=2019-12-01`)).json(), 'no patch status before assessPatches existed');
});

t.test('date-times as Azure writes them, field by field', async (t) => {
  const { app } = testEmulator(t);
  // Recorded: "2024-11-23T01:32:33.651686+00:00", "2024-11-23T01:32:34+00:00"; examples: "...04.2556154Z".
  const offset = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?\+00:00$/;
  const utc = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?Z$/;
  const assess = await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`, undefined);
  const { final } = await pollToTerminal(app, assess.headers['azure-asyncoperation'] as string);
  t.match(final.startTime, offset);
  t.match(final.endTime, offset);
  const output = (final.properties as { output: { startDateTime: string; availablePatches: Array<{ publishedDate: string; lastModifiedDateTime: string }> } }).output;
  t.match(output.startDateTime, offset);
  for (const patch of output.availablePatches) {
    t.match(patch.publishedDate, offset);
    t.notMatch(patch.publishedDate, /\.0/, 'a whole second has no fraction');
    t.match(patch.lastModifiedDateTime, offset);
  }
  const view = (await get(app, `${vmPath(WINDOWS_VM)}/instanceView?api-version=2024-07-01`)).json();
  t.match(view.patchStatus.availablePatchSummary.startTime, utc);
  t.match(view.patchStatus.availablePatchSummary.lastModifiedTime, utc);
  t.match(view.statuses[0].time, offset);
  t.match(view.vmAgent.statuses[0].time, offset);
  t.match((await get(app, vmUrl(WINDOWS_VM, '2024-07-01'))).json().properties.timeCreated, offset);
  void AUTH;
});
