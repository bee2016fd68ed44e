// Scheduled patching end to end, as a patch-orchestration tool sees it through real clients: the
// VM's patch settings through @azure/arm-compute, a maintenance configuration and its assignment
// through the Maintenance REST API (npm publishes no JS client for it; test/clients/python drives
// azure-mgmt-maintenance), the simulated clock moved into the window, and the run read back three
// ways: the VM's instance view (@azure/arm-compute), the applyUpdates records, and Resource Graph
// queries copied from the Update Manager documentation (@azure/arm-resourcegraph).

import { readFileSync } from 'node:fs';
import t from 'tap';
import type { TokenCredential } from '@azure/core-auth';
import { ComputeManagementClient } from '@azure/arm-compute';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import type { RunningEmulator } from '../../server/emulator.js';
import { listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION, vmPath, WINDOWS_VM } from '../helpers.js';

const credential: TokenCredential = { getToken: async () => ({ token: 'sdk', expiresOnTimestamp: Date.now() + 3600_000 }) };
const MAINTENANCE_API = '2023-04-01';
const HOUR = 3_600_000;

const clientOptions = (emulator: RunningEmulator) => ({
  endpoint: emulator.httpsUrl.replace('127.0.0.1', 'localhost'),
  tlsOptions: { ca: readFileSync(emulator.certPath, 'utf8') },
});

async function call(emulator: RunningEmulator, method: string, path: string, payload?: unknown) {
  const response = await fetch(`${emulator.httpUrl}${path}`, {
    method,
    headers: { authorization: 'Bearer test', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as any };
}

/** "yyyy-MM-dd HH:mm" in UTC, as a maintenance window's startDateTime is written. */
const windowTime = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

t.test('a maintenance window opens on the simulated clock and patches the assigned VM; the run is seen in the instance view, applyUpdates and Resource Graph', async (t) => {
  const emulator = await listeningEmulator(t, ['--retry-after', '0']);
  const compute = new ComputeManagementClient(credential, SUBSCRIPTION, clientOptions(emulator));
  const graph = new ResourceGraphClient(credential, clientOptions(emulator));
  await call(emulator, 'POST', '/_emulator/clock', { frozen: true });
  const nowMs = Date.parse((await call(emulator, 'GET', '/_emulator/clock')).body.now);

  // The preconditions of scheduled patching, set as a client sets them.
  await compute.virtualMachines.beginUpdateAndWait(
    RESOURCE_GROUP,
    WINDOWS_VM,
    {
      osProfile: {
        windowsConfiguration: {
          enableAutomaticUpdates: true,
          patchSettings: { patchMode: 'AutomaticByPlatform', automaticByPlatformSettings: { bypassPlatformSafetyChecksOnUserSchedule: true } },
        },
      },
    },
    { updateIntervalInMs: 0 },
  );
  const before = await compute.virtualMachines.instanceView(RESOURCE_GROUP, WINDOWS_VM);

  // A daily two-hour window that first opens an hour from now.
  const windowStartMs = Math.ceil((nowMs + HOUR) / 60_000) * 60_000;
  const configurationId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Maintenance/maintenanceConfigurations/nightly`;
  const created = await call(emulator, 'PUT', `${configurationId}?api-version=${MAINTENANCE_API}`, {
    location: 'westus',
    properties: {
      maintenanceScope: 'InGuestPatch',
      extensionProperties: { InGuestPatchMode: 'User' },
      maintenanceWindow: { startDateTime: windowTime(windowStartMs), duration: '02:00', timeZone: 'UTC', recurEvery: '1Day' },
      installPatches: { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } },
    },
  });
  t.equal(created.status, 201, 'the configuration is created');
  const assigned = await call(
    emulator,
    'PUT',
    `${vmPath(WINDOWS_VM)}/providers/Microsoft.Maintenance/configurationAssignments/nightly?api-version=${MAINTENANCE_API}`,
    { location: 'westus', properties: { maintenanceConfigurationId: configurationId } },
  );
  t.equal(assigned.status, 201, 'the VM is assigned');

  // Three hours on: the window opened two hours ago and its run has had the window's length.
  await call(emulator, 'POST', '/_emulator/clock', { advance: 'PT3H' });

  const after = await compute.virtualMachines.instanceView(RESOURCE_GROUP, WINDOWS_VM);
  const summary = after.patchStatus?.lastPatchInstallationSummary;
  t.not(summary?.installationActivityId, before.patchStatus?.lastPatchInstallationSummary?.installationActivityId, 'a new installation');
  t.equal(summary?.startTime?.getTime(), windowStartMs, 'it started when the window opened');
  t.equal(summary?.status, 'Succeeded');

  const runs = await call(emulator, 'GET', `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Maintenance/applyUpdates?api-version=${MAINTENANCE_API}`);
  t.equal(runs.status, 200);
  const vmId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.Compute/virtualMachines/${WINDOWS_VM}`;
  const mine = runs.body.value.filter((run: any) => run.properties.resourceId.toLowerCase() === vmId.toLowerCase());
  t.equal(mine.length, 1, 'one applyUpdates record for the VM');
  t.equal(mine[0]?.properties.status, 'Completed');

  // "Count of update installations", copied from the Update Manager documentation.
  const installations = await graph.resources({
    subscriptions: [SUBSCRIPTION],
    query: `patchinstallationresources
| where type !has "softwarepatches"
| extend machineName = tostring(split(id, "/", 8)), resourceType = tostring(split(type, "/", 0)), tostring(rgName = split(id, "/", 4))
| extend prop = parse_json(properties)
| extend lTime = todatetime(prop.lastModifiedDateTime), OS = tostring(prop.osType), installedPatchCount = tostring(prop.installedPatchCount), failedPatchCount = tostring(prop.failedPatchCount), pendingPatchCount = tostring(prop.pendingPatchCount), excludedPatchCount = tostring(prop.excludedPatchCount), notSelectedPatchCount = tostring(prop.notSelectedPatchCount)
| where lTime > ago(7d)
| project lTime, RunID=name,machineName, rgName, resourceType, OS, installedPatchCount, failedPatchCount, pendingPatchCount, excludedPatchCount, notSelectedPatchCount`,
  });
  const rows = installations.data as Array<Record<string, unknown>>;
  const run = rows.find((row) => row.RunID === summary?.installationActivityId);
  t.ok(run, 'the run is in patchinstallationresources');
  t.equal(run?.machineName, `["${WINDOWS_VM}"]`, "the machine's name, as split() gives it");
  t.equal(run?.OS, 'Windows');

  // "List of maintenance run records at VM level", with the VM's id filled in.
  const records = await graph.resources({
    subscriptions: [SUBSCRIPTION],
    query: `maintenanceresources 
| where ['id'] contains "${vmId.toLowerCase()}" //VM Id here
| where ['type'] == "microsoft.maintenance/applyupdates" 
| where properties.maintenanceScope == "InGuestPatch"`,
  });
  t.equal(records.count, 1, 'one maintenance run record for the VM');
  t.equal((records.data as Array<{ properties: { maintenanceConfigurationId: string } }>)[0]?.properties.maintenanceConfigurationId.toLowerCase(), configurationId.toLowerCase());
});
