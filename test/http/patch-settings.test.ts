// VM patch settings through HTTP: what GET reports, each combination CRP refuses (code, message,
// target) on PUT and PATCH, what each api-version's model reads, and the instance view's patchStatus.

import t, { type Test } from 'tap';
import { API_VERSION, AUTH, get, LINUX_VM, RESOURCE_GROUP, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

type App = ReturnType<typeof testEmulator>['app'];
const url = (vm: string, apiVersion = API_VERSION) => `${vmPath(vm)}?api-version=${apiVersion}`;
const send = (app: App, method: 'PUT' | 'PATCH', target: string, payload: unknown) => app.inject({ method, url: target, headers: AUTH, payload: payload as object });

const WINDOWS_IMAGE = { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest' };
const HOTPATCH_IMAGE = { ...WINDOWS_IMAGE, sku: '2022-datacenter-azure-edition-hotpatch' };
const windowsVm = (windowsConfiguration: Record<string, unknown>, imageReference: Record<string, unknown> = WINDOWS_IMAGE) => ({
  location: 'westus',
  properties: {
    storageProfile: { imageReference, osDisk: { osType: 'Windows' } },
    osProfile: { computerName: 'w', adminUsername: 'ops', adminPassword: 'S3cret!S3cret!', windowsConfiguration },
  },
});
const windowsSettings = (patchSettings: Record<string, unknown>) => ({ properties: { osProfile: { windowsConfiguration: { patchSettings } } } });
const linuxSettings = (patchSettings: Record<string, unknown>) => ({ properties: { osProfile: { linuxConfiguration: { patchSettings } } } });

function refused(t: Test, response: { statusCode: number; json(): any }, code: string, message: string, target: string) {
  t.equal(response.statusCode, 400);
  t.same(response.json(), { error: { code, message, target } });
}

t.test('GET reports the settings with Azure defaults, per api-version', async (t) => {
  const { app } = testEmulator(t);
  const windows = (await get(app, url(WINDOWS_VM))).json().properties.osProfile.windowsConfiguration;
  t.same(windows.patchSettings, { patchMode: 'AutomaticByOS', assessmentMode: 'ImageDefault' });
  t.equal(windows.enableAutomaticUpdates, true);
  t.same((await get(app, url(LINUX_VM))).json().properties.osProfile.linuxConfiguration.patchSettings, { patchMode: 'ImageDefault', assessmentMode: 'ImageDefault' });

  const set = await send(app, 'PATCH', url(WINDOWS_VM), windowsSettings({
    patchMode: 'automaticbyplatform',
    assessmentMode: 'AutomaticByPlatform',
    automaticByPlatformSettings: { rebootSetting: 'never', bypassPlatformSafetyChecksOnUserSchedule: true },
  }));
  t.equal(set.statusCode, 200);
  const expected = { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform', automaticByPlatformSettings: { rebootSetting: 'Never', bypassPlatformSafetyChecksOnUserSchedule: true } };
  t.same(set.json().properties.osProfile.windowsConfiguration.patchSettings, expected, 'enum values in their canonical spelling');
  t.same((await get(app, url(WINDOWS_VM))).json().properties.osProfile.windowsConfiguration.patchSettings, expected);
  t.same(
    (await get(app, url(WINDOWS_VM, '2022-03-01'))).json().properties.osProfile.windowsConfiguration.patchSettings,
    { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform', automaticByPlatformSettings: { rebootSetting: 'Never' } },
    'bypassPlatformSafetyChecksOnUserSchedule came in 2023-03-01',
  );
  t.same(
    (await get(app, url(WINDOWS_VM, '2021-11-01'))).json().properties.osProfile.windowsConfiguration.patchSettings,
    { patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' },
    'automaticByPlatformSettings came in 2022-03-01',
  );
});

t.test("a request's api-version reads only the settings its model has", async (t) => {
  const { app } = testEmulator(t);
  const old = await send(app, 'PATCH', url(LINUX_VM, '2022-11-01'), linuxSettings({ patchMode: 'AutomaticByPlatform', automaticByPlatformSettings: { rebootSetting: 'Always', bypassPlatformSafetyChecksOnUserSchedule: true } }));
  t.equal(old.statusCode, 200);
  t.same((await get(app, url(LINUX_VM))).json().properties.osProfile.linuxConfiguration.patchSettings.automaticByPlatformSettings, { rebootSetting: 'Always' }, 'the bypass flag is not in the 2022-11-01 model');
  t.equal((await send(app, 'PATCH', url(LINUX_VM), linuxSettings({ enableHotpatching: true }))).statusCode, 200);
  t.notOk('enableHotpatching' in (await get(app, url(LINUX_VM))).json().properties.osProfile.linuxConfiguration.patchSettings, 'Linux has no hotpatching in its model');
});

t.test('each refused combination answers CRP error, code, message and target, and changes nothing', async (t) => {
  const { app } = testEmulator(t);
  await send(app, 'PUT', `/subscriptions/${SUBSCRIPTION}/resourcegroups/${RESOURCE_GROUP}?api-version=2024-03-01`, { location: 'westus' });
  const before = (await get(app, url(WINDOWS_VM))).json();

  refused(t, await send(app, 'PUT', url('w1'), windowsVm({ enableAutomaticUpdates: false, patchSettings: { patchMode: 'AutomaticByOS' } })),
    'InvalidParameter', "The patchMode 'AutomaticByOS' is invalid. For patchMode 'AutomaticByOS', the property 'enableAutomaticUpdates' must be set to true.", 'windowsConfiguration.patchSettings.patchMode');
  refused(t, await send(app, 'PATCH', url(WINDOWS_VM), windowsSettings({ patchMode: 'Manual' })),
    'InvalidParameter', "The patchMode 'Manual' is invalid. For patchMode 'Manual', the property 'enableAutomaticUpdates' must be set to false.", 'windowsConfiguration.patchSettings.patchMode');
  refused(t, await send(app, 'PATCH', url(WINDOWS_VM), windowsSettings({ patchMode: 'Sometimes' })),
    'InvalidParameter', "The value 'Sometimes' of parameter 'patchSettings.patchMode' is not valid. The allowed values are: 'Manual', 'AutomaticByOS', 'AutomaticByPlatform'.", 'windowsConfiguration.patchSettings.patchMode');
  refused(t, await send(app, 'PATCH', url(LINUX_VM), linuxSettings({ patchMode: 'AutomaticByOS' })),
    'InvalidParameter', "The value 'AutomaticByOS' of parameter 'patchSettings.patchMode' is not valid. The allowed values are: 'ImageDefault', 'AutomaticByPlatform'.", 'linuxConfiguration.patchSettings.patchMode');
  refused(t, await send(app, 'PATCH', url(LINUX_VM), linuxSettings({ assessmentMode: 'Hourly' })),
    'InvalidParameter', "The value 'Hourly' of parameter 'patchSettings.assessmentMode' is not valid. The allowed values are: 'ImageDefault', 'AutomaticByPlatform'.", 'linuxConfiguration.patchSettings.assessmentMode');
  refused(t, await send(app, 'PATCH', url(LINUX_VM), linuxSettings({ patchMode: 'AutomaticByPlatform', automaticByPlatformSettings: { rebootSetting: 'Sometimes' } })),
    'InvalidParameter', "The value 'Sometimes' of parameter 'patchSettings.automaticByPlatformSettings.rebootSetting' is not valid. The allowed values are: 'Unknown', 'IfRequired', 'Never', 'Always'.", 'linuxConfiguration.patchSettings.automaticByPlatformSettings.rebootSetting');
  refused(t, await send(app, 'PUT', url('w2'), windowsVm({ provisionVMAgent: false, patchSettings: { patchMode: 'AutomaticByPlatform' } })),
    'InvalidParameter', "The patchMode 'AutomaticByPlatform' is invalid. For patchMode 'AutomaticByPlatform', the property 'provisionVMAgent' must be set to true.", 'windowsConfiguration.patchSettings.patchMode');
  refused(t, await send(app, 'PUT', url('w3'), windowsVm({ provisionVMAgent: false, patchSettings: { assessmentMode: 'AutomaticByPlatform' } })),
    'InvalidParameter', "The assessmentMode 'AutomaticByPlatform' is invalid. For assessmentMode 'AutomaticByPlatform', the property 'provisionVMAgent' must be set to true.", 'windowsConfiguration.patchSettings.assessmentMode');
  refused(t, await send(app, 'PATCH', url(LINUX_VM), linuxSettings({ patchMode: 'ImageDefault', automaticByPlatformSettings: { rebootSetting: 'Never' } })),
    'InvalidParameter', "AutomaticByPlatformSettings cannot be set if the PatchMode is not 'AutomaticByPlatform'.", 'linuxConfiguration.patchSettings.automaticByPlatformSettings');
  refused(t, await send(app, 'PATCH', url(WINDOWS_VM), windowsSettings({ enableHotpatching: true })),
    'InvalidParameter', "Hotpatching can be enabled only when the patchMode is 'AutomaticByPlatform'.", 'windowsConfiguration.patchSettings.enableHotpatching');
  refused(t, await send(app, 'PATCH', url(WINDOWS_VM), windowsSettings({ patchMode: 'AutomaticByPlatform', enableHotpatching: true })),
    'InvalidParameter', "Hotpatching is not supported for the image SKU '2022-datacenter-azure-edition'. Hotpatching requires a hotpatch compatible image.", 'windowsConfiguration.patchSettings.enableHotpatching');
  refused(t, await send(app, 'PUT', url('w4'), windowsVm({ patchSettings: { patchMode: 'AutomaticByPlatform', enableHotpatching: true, automaticByPlatformSettings: { bypassPlatformSafetyChecksOnUserSchedule: true } } }, HOTPATCH_IMAGE)),
    'InvalidParameter', "Hotpatch updates require platform safety checks. The 'BypassPlatformSafetyChecksOnUserSchedule' flag must be set to false to enable hotpatching.", 'windowsConfiguration.patchSettings.automaticByPlatformSettings.bypassPlatformSafetyChecksOnUserSchedule');
  refused(t, await send(app, 'PUT', url('w5'), windowsVm({}, HOTPATCH_IMAGE)),
    'InvalidParameter', 'PatchSettings must be specified for hotpatch compatible VMs.', 'windowsConfiguration.patchSettings');
  const changed = await send(app, 'PATCH', url(WINDOWS_VM), { properties: { osProfile: { windowsConfiguration: { enableAutomaticUpdates: false, patchSettings: { patchMode: 'Manual' } } } } });
  refused(t, changed, 'PropertyChangeNotAllowed', "Changing property 'windowsConfiguration.enableAutomaticUpdates' is not allowed.", 'windowsConfiguration.enableAutomaticUpdates');

  const after = (await get(app, url(WINDOWS_VM))).json();
  t.same(after, before, 'a refused PATCH changes nothing');
  t.equal((await get(app, url('w1'))).statusCode, 404, 'a refused PUT creates nothing');
});

t.test('the allowed transitions and a hotpatch VM', async (t) => {
  const { app } = testEmulator(t);
  await send(app, 'PUT', `/subscriptions/${SUBSCRIPTION}/resourcegroups/${RESOURCE_GROUP}?api-version=2024-03-01`, { location: 'westus' });
  // enableAutomaticUpdates true: AutomaticByOS <-> AutomaticByPlatform.
  t.equal((await send(app, 'PATCH', url(WINDOWS_VM), windowsSettings({ patchMode: 'AutomaticByPlatform' }))).statusCode, 200);
  t.equal((await send(app, 'PATCH', url(WINDOWS_VM), windowsSettings({ patchMode: 'AutomaticByOS' }))).statusCode, 200);
  // enableAutomaticUpdates false: Manual <-> AutomaticByPlatform; Manual is then the default.
  const manual = await send(app, 'PUT', url('manual1'), windowsVm({ enableAutomaticUpdates: false }));
  t.equal(manual.statusCode, 201);
  t.equal(manual.json().properties.osProfile.windowsConfiguration.patchSettings.patchMode, 'Manual');
  t.equal((await send(app, 'PATCH', url('manual1'), windowsSettings({ patchMode: 'AutomaticByPlatform' }))).statusCode, 200);
  t.equal((await send(app, 'PATCH', url('manual1'), windowsSettings({ patchMode: 'Manual' }))).statusCode, 200);
  t.equal((await send(app, 'PATCH', url('manual1'), windowsSettings({ patchMode: 'AutomaticByOS' }))).statusCode, 400, 'AutomaticByOS <-> Manual is not supported');
  const hot = await send(app, 'PUT', url('hot1'), windowsVm({ patchSettings: { patchMode: 'AutomaticByPlatform', enableHotpatching: true } }, HOTPATCH_IMAGE));
  t.equal(hot.statusCode, 201);
  t.same(hot.json().properties.osProfile.windowsConfiguration.patchSettings, { patchMode: 'AutomaticByPlatform', assessmentMode: 'ImageDefault', enableHotpatching: true });
  // A PUT of the same VM is an update: checked against what it has (and may not change enableAutomaticUpdates).
  refused(t, await send(app, 'PUT', url('manual1'), windowsVm({})), 'PropertyChangeNotAllowed', "Changing property 'windowsConfiguration.enableAutomaticUpdates' is not allowed.", 'windowsConfiguration.enableAutomaticUpdates');
});

t.test("a wrongly typed setting is refused by the body's schema", async (t) => {
  const { app } = testEmulator(t);
  const response = await send(app, 'PATCH', url(WINDOWS_VM), windowsSettings({ enableHotpatching: 'yes' }));
  t.equal(response.statusCode, 400);
  t.match(response.json().error, { code: 'InvalidParameter' });
});

t.test("the instance view's patchStatus reports the enablement of the modes", async (t) => {
  const { app } = testEmulator(t);
  await send(app, 'PATCH', url(LINUX_VM), linuxSettings({ patchMode: 'AutomaticByPlatform', assessmentMode: 'AutomaticByPlatform' }));
  const view = (await get(app, `${vmPath(LINUX_VM)}/instanceView?api-version=${API_VERSION}`)).json();
  t.same(view.patchStatus.configurationStatuses.map((s: { code: string }) => s.code), ['PatchModeConfigurationState/Ready', 'AssessmentModeConfigurationState/Ready']);
  t.notOk(view.patchStatus.availablePatchSummary, 'nothing assessed yet');
});
