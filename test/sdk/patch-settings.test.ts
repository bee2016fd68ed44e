// The real @azure/arm-compute against VM patch settings: PUT and PATCH of patchSettings, a refused
// combination as the SDK surfaces it, and the instance view's patchStatus after the platform's own
// assessment (advanced to on the admin clock) and after the admin trigger.

import { readFileSync } from 'node:fs';
import t from 'tap';
import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import type { RunningEmulator } from '../../server/emulator.js';
import { listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION, WINDOWS_VM } from '../helpers.js';

const credential: TokenCredential = { getToken: async () => ({ token: 'sdk', expiresOnTimestamp: Date.now() + 3600_000 }) };

function client(emulator: RunningEmulator) {
  return new ComputeManagementClient(credential, SUBSCRIPTION, {
    endpoint: emulator.httpsUrl.replace('127.0.0.1', 'localhost'),
    tlsOptions: { ca: readFileSync(emulator.certPath, 'utf8') },
  });
}

async function admin(emulator: RunningEmulator, method: string, path: string, body: unknown) {
  const response = await fetch(`${emulator.httpUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as Record<string, unknown>;
}

t.test('patch settings through the SDK: create, update, a refusal, and the platform assessment in patchStatus', async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'instant', '--retry-after', '0']);
  const compute = client(emulator);
  await admin(emulator, 'POST', '/_emulator/clock', { frozen: true });

  const created = await compute.virtualMachines.beginCreateOrUpdateAndWait(
    RESOURCE_GROUP,
    'sdkwin',
    {
      location: 'westus',
      hardwareProfile: { vmSize: 'Standard_D2s_v3' },
      storageProfile: { imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest' } },
      osProfile: {
        computerName: 'sdkwin',
        adminUsername: 'ops',
        adminPassword: 'S3cret!S3cret!',
        windowsConfiguration: {
          patchSettings: { patchMode: 'AutomaticByPlatform', automaticByPlatformSettings: { rebootSetting: 'Never', bypassPlatformSafetyChecksOnUserSchedule: true } },
        },
      },
    },
    { updateIntervalInMs: 0 },
  );
  t.same(created.osProfile?.windowsConfiguration?.patchSettings, {
    patchMode: 'AutomaticByPlatform',
    assessmentMode: 'ImageDefault',
    automaticByPlatformSettings: { rebootSetting: 'Never', bypassPlatformSafetyChecksOnUserSchedule: true },
  });

  const updated = await compute.virtualMachines.beginUpdateAndWait(
    RESOURCE_GROUP,
    'sdkwin',
    { osProfile: { windowsConfiguration: { patchSettings: { assessmentMode: 'AutomaticByPlatform' } } } },
    { updateIntervalInMs: 0 },
  );
  t.equal(updated.osProfile?.windowsConfiguration?.patchSettings?.assessmentMode, 'AutomaticByPlatform');
  t.equal(updated.osProfile?.windowsConfiguration?.patchSettings?.patchMode, 'AutomaticByPlatform', 'a PATCH merges');

  await t.rejects(
    compute.virtualMachines.beginUpdateAndWait(RESOURCE_GROUP, 'sdkwin', { osProfile: { windowsConfiguration: { patchSettings: { enableHotpatching: true } } } }, { updateIntervalInMs: 0 }),
    { code: 'InvalidParameter', statusCode: 400, message: "Hotpatching is not supported for the image SKU '2022-datacenter-azure-edition'. Hotpatching requires a hotpatch compatible image." },
  );
  await t.rejects(
    compute.virtualMachines.beginUpdateAndWait(RESOURCE_GROUP, WINDOWS_VM, { osProfile: { windowsConfiguration: { patchSettings: { patchMode: 'Manual' } } } }, { updateIntervalInMs: 0 }),
    { code: 'InvalidParameter', message: "The patchMode 'Manual' is invalid. For patchMode 'Manual', the property 'enableAutomaticUpdates' must be set to false." },
  );

  const before = await compute.virtualMachines.instanceView(RESOURCE_GROUP, 'sdkwin');
  t.notOk(before.patchStatus?.availablePatchSummary, 'not assessed yet');
  t.same(before.patchStatus?.configurationStatuses?.map((s) => s.code), ['PatchModeConfigurationState/Ready', 'AssessmentModeConfigurationState/Ready']);

  await admin(emulator, 'POST', '/_emulator/clock', { advance: 'PT25H' });
  const after = await compute.virtualMachines.instanceView(RESOURCE_GROUP, 'sdkwin');
  t.equal(after.patchStatus?.availablePatchSummary?.status, 'Succeeded', 'the platform assessed it after 24 simulated hours');
  t.ok(after.patchStatus?.availablePatchSummary?.startTime instanceof Date);
  t.notOk(after.patchStatus?.lastPatchInstallationSummary, 'the bypass flag: no automatic installation');

  const run = await admin(emulator, 'POST', `/_emulator/virtualMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/sdkwin/platformRuns`, { operation: 'assessPatches', completion: 'sync' });
  t.equal(run.startedBy, 'Platform');
  const triggered = await compute.virtualMachines.instanceView(RESOURCE_GROUP, 'sdkwin');
  t.equal(triggered.patchStatus?.availablePatchSummary?.assessmentActivityId, run.operationId, 'the triggered run is the newest assessment');
});
