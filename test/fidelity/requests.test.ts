// Requests as real clients send them: a bodiless POST with a JSON content type, maximumDuration by
// api-version, api-versions newer than the emulator knows (lenient and strict), older ones refused,
// unknown resource types and namespaces, unknown subscriptions.

import t from 'tap';
import { buildApp } from '../../server/app.js';
import { parseConfig } from '../../server/config.js';
import { SERVED_API_VERSION_HEADER } from '../../server/arm/pipeline.js';
import { AUTH, get, installUrl, LINUX_VM, post, SUBSCRIPTION, testEmulator, testServices, vmPath, WINDOWS_VM } from '../helpers.js';

const NEWEST_COMPUTE = '2026-04-01';

t.test('a bodiless POST sent with Content-Type: application/json is accepted where the operation has no body', async (t) => {
  const { app } = testEmulator(t);
  const bare = (url: string) => app.inject({ method: 'POST', url, headers: { ...AUTH, 'content-type': 'application/json' } });
  for (const action of ['assessPatches', 'restart', 'powerOff', 'start', 'deallocate', 'start']) {
    const response = await bare(`${vmPath(WINDOWS_VM)}/${action}?api-version=2024-07-01`);
    t.equal(response.statusCode, 202, action);
    t.notOk(response.headers.connection === 'close', `${action}: the connection is kept`);
  }
  const install = await bare(installUrl(WINDOWS_VM));
  t.equal(install.statusCode, 400, 'installPatches still needs its body');
  t.same(install.json().error, { code: 'InvalidParameter', message: "Required parameter 'installPatchesInput' is missing (null).", target: 'installPatchesInput' });
  const whitespace = await app.inject({ method: 'POST', url: `${vmPath(LINUX_VM)}/assessPatches?api-version=2024-07-01`, headers: { ...AUTH, 'content-type': 'application/json; charset=utf-8' }, payload: '  \r\n' });
  t.equal(whitespace.statusCode, 202, 'whitespace is no body too');
});

t.test('maximumDuration is required at 2020-12-01, 2021-03-01 and 2021-04-01 only', async (t) => {
  const { app } = testEmulator(t);
  for (const version of ['2020-12-01', '2021-03-01', '2021-04-01']) {
    const response = await post(app, installUrl(WINDOWS_VM, version), { rebootSetting: 'Never' });
    t.equal(response.statusCode, 400, version);
    t.same(response.json().error, { code: 'InvalidParameter', message: "Required parameter 'maximumDuration' is missing (null).", target: 'maximumDuration' });
  }
  for (const version of ['2021-07-01', '2024-07-01']) {
    t.equal((await post(app, installUrl(WINDOWS_VM, version), { rebootSetting: 'Never' })).statusCode, 202, `${version}: optional`);
  }
});

t.test('an api-version newer than the newest known is answered as the newest, said in a header and logged once', async (t) => {
  const lines: string[] = [];
  const services = testServices();
  const app = buildApp(services, { retryAfterSeconds: 0, logger: { level: 'warn', stream: { write: (line: string) => lines.push(line) } } });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  const vm = await get(app, `${vmPath(WINDOWS_VM)}?api-version=2099-01-01`);
  t.equal(vm.statusCode, 200);
  t.equal(vm.headers[SERVED_API_VERSION_HEADER], NEWEST_COMPUTE);
  t.ok(vm.json().etag, 'the newest shape');
  const again = await get(app, `${vmPath(WINDOWS_VM)}?api-version=2099-01-01`);
  t.equal(again.statusCode, 200);
  const install = await post(app, installUrl(WINDOWS_VM, '2027-01-01-preview'), { rebootSetting: 'Never' });
  t.equal(install.statusCode, 202);
  t.match(install.headers['azure-asyncoperation'], new RegExp(`api-version=${NEWEST_COMPUTE}$`));
  const group = await get(app, `/subscriptions/${SUBSCRIPTION}/resourcegroups/myResourceGroupName?api-version=2099-12-31`);
  t.equal(group.statusCode, 200);
  t.equal(group.headers[SERVED_API_VERSION_HEADER], '2025-04-01');
  const known = await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`);
  t.equal(known.headers[SERVED_API_VERSION_HEADER], undefined, 'a known version has no such header');
  const warnings = lines.map((line) => JSON.parse(line)).filter((entry) => entry.requestedApiVersion === '2099-01-01');
  t.equal(warnings.length, 1, 'one warning for the version, however often it is used');
  t.equal(warnings[0].servedApiVersion, NEWEST_COMPUTE);

  for (const [version, why] of [['2014-01-01', 'older than the first'], ['2021-05-01', 'between known versions'], ['latest', 'not a version']]) {
    const refused = await get(app, `${vmPath(WINDOWS_VM)}?api-version=${version}`);
    t.equal(refused.statusCode, 400, why);
    t.equal(refused.json().error.code, 'NoRegisteredProviderFound', why);
  }
});

t.test('--api-versions strict refuses newer api-versions as ARM does', async (t) => {
  const config = parseConfig(['--api-versions', 'strict'], {});
  t.equal(config.apiVersions, 'strict');
  t.equal(parseConfig([], { CPE_API_VERSIONS: 'STRICT' }).apiVersions, 'strict');
  t.throws(() => parseConfig(['--api-versions', 'loose'], {}), /--api-versions: expected lenient or strict/);
  const services = testServices();
  const app = buildApp(services, { retryAfterSeconds: 0, apiVersions: config.apiVersions });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  const refused = await get(app, `${vmPath(WINDOWS_VM)}?api-version=2099-01-01`);
  t.equal(refused.statusCode, 400);
  t.match(refused.json().error, { code: 'NoRegisteredProviderFound', message: /^No registered resource provider found for location 'westus' and API version '2099-01-01' for type 'virtualMachines'\. The supported api-versions are '2015-06-15, / });
  const group = await get(app, `/subscriptions/${SUBSCRIPTION}/resourcegroups/myResourceGroupName?api-version=2099-12-31`);
  t.equal(group.json().error.code, 'InvalidApiVersionParameter');
});

t.test('the VM is served at the older api-versions ARM still serves, from 2015-06-15', async (t) => {
  const { app } = testEmulator(t);
  for (const version of ['2015-06-15', '2016-04-30-preview', '2017-12-01', '2019-07-01']) {
    const response = await get(app, `${vmPath(WINDOWS_VM)}?api-version=${version}`);
    t.equal(response.statusCode, 200, version);
    t.equal(response.json().name, WINDOWS_VM);
  }
  t.equal((await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2019-12-01`, undefined)).json().error.code, 'NoRegisteredProviderFound', 'assessPatches starts at 2020-06-01');
});

t.test('unknown resource types and namespaces get ARM errors, not the emulator speaking of itself', async (t) => {
  const { app } = testEmulator(t);
  const unknownType = await get(app, `/subscriptions/${SUBSCRIPTION}/resourceGroups/myResourceGroupName/providers/Microsoft.Compute/fooBars/x?api-version=2024-07-01`);
  t.equal(unknownType.statusCode, 404);
  t.same(unknownType.json().error, { code: 'InvalidResourceType', message: "The resource type could not be found in the namespace 'Microsoft.Compute' for api version '2024-07-01'." });
  const child = await get(app, `${vmPath(WINDOWS_VM)}/extensions?api-version=2024-07-01`);
  t.equal(child.json().error.code, 'InvalidResourceType', 'a child type the emulator does not serve');
  const disks = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/microsoft.compute/disks?api-version=2023-04-02`);
  t.equal(disks.json().error.code, 'InvalidResourceType');
  const namespace = await get(app, `/subscriptions/${SUBSCRIPTION}/resourceGroups/myResourceGroupName/providers/Microsoft.Network/networkInterfaces/nic?api-version=2024-05-01`);
  t.equal(namespace.statusCode, 400);
  t.same(namespace.json().error, {
    code: 'NoRegisteredProviderFound',
    message: "No registered resource provider found for location 'westus' and API version '2024-05-01' for type 'networkInterfaces'.",
  });
  const noVersion = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Storage/storageAccounts`);
  t.equal(noVersion.json().error.code, 'MissingApiVersionParameter');
  const elsewhere = await get(app, '/nothing/here');
  t.equal(elsewhere.statusCode, 404);
  t.notMatch(elsewhere.json().error.message, /emulator/);
});

t.test('everything under an unknown subscription answers SubscriptionNotFound; subscriptions can be added', async (t) => {
  const unknown = '33333333-3333-4333-8333-333333333333';
  const { app } = testEmulator(t);
  const notFound = { code: 'SubscriptionNotFound', message: `The subscription '${unknown}' could not be found.` };
  const rg = `/subscriptions/${unknown}/resourcegroups/rg1?api-version=2024-03-01`;
  const requests = [
    app.inject({ method: 'GET', url: `/subscriptions/${unknown}/resourcegroups?api-version=2024-03-01`, headers: AUTH }),
    app.inject({ method: 'PUT', url: rg, headers: AUTH, payload: { location: 'westus' } }),
    app.inject({ method: 'GET', url: `/subscriptions/${unknown}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01`, headers: AUTH }),
    app.inject({ method: 'POST', url: `/subscriptions/${unknown}/resourceGroups/myResourceGroupName/providers/Microsoft.Compute/virtualMachines/myVMName/assessPatches?api-version=2024-07-01`, headers: AUTH }),
    app.inject({ method: 'GET', url: `/subscriptions/${unknown}/providers/Microsoft.Compute/locations/westus/operations/${unknown}?api-version=2024-07-01`, headers: AUTH }),
  ];
  for (const response of await Promise.all(requests)) {
    t.equal(response.statusCode, 404);
    t.same(response.json().error, notFound);
  }
  const added = await app.inject({ method: 'POST', url: '/_emulator/subscriptions', payload: { subscriptionId: unknown.toUpperCase() } });
  t.equal(added.statusCode, 201);
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/subscriptions', payload: { subscriptionId: unknown } })).statusCode, 200, 'known already');
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/subscriptions', payload: { subscriptionId: 'not-a-guid' } })).statusCode, 400);
  t.ok((await app.inject({ method: 'GET', url: '/_emulator/subscriptions' })).json().value.some((s: { subscriptionId: string }) => s.subscriptionId === unknown));
  t.equal((await app.inject({ method: 'GET', url: `/subscriptions/${unknown}/resourcegroups?api-version=2024-03-01`, headers: AUTH })).json().value.length, 0);
  t.equal((await app.inject({ method: 'PUT', url: rg, headers: AUTH, payload: { location: 'westus' } })).statusCode, 201);
  t.equal((await get(app, `/subscriptions/${unknown}?api-version=2022-12-01`)).statusCode, 200, 'and GET /subscriptions/{id} knows it');
});

t.test('--subscription is repeatable, CPE_SUBSCRIPTION takes a list, and a started emulator knows them', async (t) => {
  const a = '44444444-4444-4444-8444-444444444444';
  const b = '55555555-5555-4555-8555-555555555555';
  t.same(parseConfig(['--subscription', a, '--subscription', b.toUpperCase()], {}).subscriptions, [a, b]);
  t.same(parseConfig([], { CPE_SUBSCRIPTION: `${a}, ${b}` }).subscriptions, [a, b]);
  t.throws(() => parseConfig(['--subscription', 'nope'], {}), /--subscription: 'nope' is not a subscription id/);
  const { app } = testEmulator(t, { subscriptions: parseConfig(['--subscription', a], {}).subscriptions });
  t.equal((await app.inject({ method: 'PUT', url: `/subscriptions/${a}/resourcegroups/mine?api-version=2024-03-01`, headers: AUTH, payload: { location: 'westus' } })).statusCode, 201);
  t.equal((await get(app, `/subscriptions/${b}/resourcegroups?api-version=2024-03-01`)).json().error.code, 'SubscriptionNotFound');
});
