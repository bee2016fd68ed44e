// The real @azure/arm-compute client over HTTPS: assess, install, assess again. The second
// assessment must have shrunk by exactly the patches the installation reports Installed.

import { readFileSync } from 'node:fs';
import { ComputeManagementClient } from '@azure/arm-compute';
import t from 'tap';
import { LINUX_VM, listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION } from '../helpers.js';

const credential = { getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3600e3 }) };

t.test('assessPatches, installPatches, assessPatches through @azure/arm-compute', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'instant', '--retry-after', '0']);
  const client = new ComputeManagementClient(credential, SUBSCRIPTION, {
    endpoint: emulator.httpsUrl,
    tlsOptions: { ca: readFileSync(emulator.certPath, 'utf8') },
  });
  const poll = { updateIntervalInMs: 0 };

  const before = await client.virtualMachines.beginAssessPatchesAndWait(RESOURCE_GROUP, LINUX_VM, poll);
  t.equal(before.status, 'Succeeded');
  t.ok((before.availablePatches ?? []).length > 0);
  t.equal(before.criticalAndSecurityPatchCount! + before.otherPatchCount!, before.availablePatches!.length);

  const install = await client.virtualMachines.beginInstallPatchesAndWait(
    RESOURCE_GROUP,
    LINUX_VM,
    { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', linuxParameters: { classificationsToInclude: ['Critical', 'Security'] } },
    poll,
  );
  const installed = (install.patches ?? []).filter((p) => p.installationState === 'Installed').map((p) => p.patchId!);
  t.ok(installed.length > 0);
  t.equal(install.installedPatchCount, installed.length);
  t.equal(install.rebootStatus, 'Completed', 'kernel and libc updates asked for a reboot, and IfRequired took it');

  const after = await client.virtualMachines.beginAssessPatchesAndWait(RESOURCE_GROUP, LINUX_VM, poll);
  const ids = (result: typeof before) => (result.availablePatches ?? []).map((p) => p.patchId!).sort();
  t.same(ids(after), ids(before).filter((id) => !installed.includes(id)));
  t.equal(after.availablePatches!.length, before.availablePatches!.length - installed.length);
  t.equal(after.rebootPending, false);

  const view = await client.virtualMachines.instanceView(RESOURCE_GROUP, LINUX_VM);
  t.equal(view.patchStatus?.availablePatchSummary?.assessmentActivityId, after.assessmentActivityId);
  t.equal(view.patchStatus?.lastPatchInstallationSummary?.installedPatchCount, installed.length);
  t.equal(view.statuses?.find((s) => s.code?.startsWith('PowerState/'))?.code, 'PowerState/running');
});

t.test('power actions through @azure/arm-compute: deallocate, then a patch operation is refused', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'instant', '--retry-after', '0']);
  const client = new ComputeManagementClient(credential, SUBSCRIPTION, {
    endpoint: emulator.httpsUrl,
    tlsOptions: { ca: readFileSync(emulator.certPath, 'utf8') },
  });
  await client.virtualMachines.beginDeallocateAndWait(RESOURCE_GROUP, LINUX_VM, { updateIntervalInMs: 0 });
  await t.rejects(client.virtualMachines.beginAssessPatchesAndWait(RESOURCE_GROUP, LINUX_VM, { updateIntervalInMs: 0 }), {
    statusCode: 409,
    code: 'OperationNotAllowed',
  });
  await client.virtualMachines.beginStartAndWait(RESOURCE_GROUP, LINUX_VM, { updateIntervalInMs: 0 });
  const result = await client.virtualMachines.beginAssessPatchesAndWait(RESOURCE_GROUP, LINUX_VM, { updateIntervalInMs: 0 });
  t.equal(result.status, 'Succeeded');
});
