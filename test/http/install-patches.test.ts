// installPatches over HTTP (app.inject): the ARM pipeline's errors, the 202 and its headers, and the
// operation URLs through to a terminal state (docs/wire-format.md#the-accepted-post, docs/wire-format.md#errors, docs/wire-format.md#api-versions, docs/wire-format.md#location-after-a-failure).

import t from 'tap';
import {
  API_VERSION,
  AUTH,
  get,
  installUrl,
  LINUX_BODY,
  LINUX_VM,
  pathOf,
  pollToTerminal,
  post,
  SPEC_EXAMPLE_BODY,
  SUBSCRIPTION,
  testEmulator,
  vmPath,
  WINDOWS_VM,
} from '../helpers.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

t.test('request errors are ARM CloudErrors with the real codes and messages', async (t) => {
  const { app } = testEmulator(t);
  const cases: Array<{ name: string; url?: string; body?: unknown; headers?: Record<string, string>; status: number; code: string; message?: string | RegExp; target?: string }> = [
    { name: 'no api-version', url: `${vmPath(WINDOWS_VM)}/installPatches`, status: 400, code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' },
    { name: 'unknown api-version', url: installUrl(WINDOWS_VM, '2019-03-01'), status: 400, code: 'NoRegisteredProviderFound', message: /^No registered resource provider found for location 'westus' and API version '2019-03-01' for type 'virtualMachines'\. The supported api-versions are '2020-12-01, .*2026-04-01'\. The supported locations are '.*westus.*'\.$/ },
    { name: 'installPatches did not exist in 2020-06-01', url: installUrl(WINDOWS_VM, '2020-06-01'), status: 400, code: 'NoRegisteredProviderFound' },
    { name: 'no Authorization', headers: {}, status: 401, code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." },
    { name: 'not a bearer token', headers: { authorization: 'Basic dXNlcjpwYXNz' }, status: 401, code: 'AuthenticationFailedInvalidHeader', message: "Authentication failed. The 'Authorization' header is provided in an invalid format." },
    { name: 'subscription id not a GUID', url: installUrl(WINDOWS_VM).replace(SUBSCRIPTION, 'not-a-guid'), status: 400, code: 'InvalidSubscriptionId' },
    { name: 'resource group missing', url: installUrl(WINDOWS_VM).replace('myResourceGroupName', 'noSuchGroup'), status: 404, code: 'ResourceGroupNotFound', message: "Resource group 'noSuchGroup' could not be found." },
    { name: 'VM missing', url: installUrl('noSuchVm'), status: 404, code: 'ResourceNotFound', message: "The Resource 'Microsoft.Compute/virtualMachines/noSuchVm' under resource group 'myResourceGroupName' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix" },
    { name: 'rebootSetting missing', body: { maximumDuration: 'PT1H' }, status: 400, code: 'InvalidParameter', message: "Required parameter 'rebootSetting' is missing (null).", target: 'rebootSetting' },
    { name: 'rebootSetting unknown', body: { rebootSetting: 'Sometimes' }, status: 400, code: 'InvalidParameter', message: 'The value of parameter rebootSetting is invalid.', target: 'rebootSetting' },
    { name: 'classification unknown', body: { rebootSetting: 'Never', windowsParameters: { classificationsToInclude: ['Critical', 'Drivers'] } }, status: 400, code: 'InvalidParameter', target: 'windowsParameters.classificationsToInclude' },
    { name: 'KB number without KB (cli-recording)', body: { rebootSetting: 'Never', windowsParameters: { kbNumbersToInclude: ['1111'] } }, status: 400, code: 'InvalidParameter', message: "The entry in 'kbNumbersToInclude' with value '1111' is not valid. It must be a KBID such as KB4512508.", target: 'windowsParameters.kbNumbersToInclude' },
    { name: 'KB number to exclude without KB', body: { rebootSetting: 'Never', windowsParameters: { kbNumbersToExclude: ['KB1', 'x9'] } }, status: 400, code: 'InvalidParameter', message: "The entry in 'kbNumbersToExclude' with value 'x9' is not valid. It must be a KBID such as KB4512508.", target: 'windowsParameters.kbNumbersToExclude' },
    { name: 'maximumDuration not ISO-8601', body: { rebootSetting: 'Never', maximumDuration: '4 hours' }, status: 400, code: 'InvalidParameter', message: 'The value of parameter maximumDuration is invalid.', target: 'maximumDuration' },
    { name: 'maximumDuration required in 2020-12-01', url: installUrl(WINDOWS_VM, '2020-12-01'), body: { rebootSetting: 'Never' }, status: 400, code: 'InvalidParameter', message: "Required parameter 'maximumDuration' is missing (null).", target: 'maximumDuration' },
    { name: 'wrong type', body: { rebootSetting: 'Never', windowsParameters: { excludeKbsRequiringReboot: 'yes' } }, status: 400, code: 'InvalidParameter', target: 'windowsParameters.excludeKbsRequiringReboot' },
    { name: 'maxPatchPublishDate not a date', body: { rebootSetting: 'Never', windowsParameters: { maxPatchPublishDate: 'yesterday' } }, status: 400, code: 'InvalidParameter', target: 'windowsParameters.maxPatchPublishDate' },
    { name: 'body is JSON null', body: null, status: 400, code: 'InvalidParameter', message: "Required parameter 'installPatchesInput' is missing (null).", target: 'installPatchesInput' },
  ];
  for (const c of cases) {
    const response = await app.inject({
      method: 'POST',
      url: c.url ?? installUrl(WINDOWS_VM),
      headers: { ...(c.headers ?? AUTH), 'content-type': 'application/json' },
      payload: JSON.stringify(c.body === undefined ? SPEC_EXAMPLE_BODY : c.body),
    });
    t.equal(response.statusCode, c.status, `${c.name}: status`);
    t.match(response.headers['content-type'], /^application\/json; charset=utf-8/, `${c.name}: JSON`);
    const error = response.json().error;
    t.equal(error.code, c.code, `${c.name}: code`);
    if (c.message !== undefined) t.match(error.message, c.message, `${c.name}: message`);
    if (c.target !== undefined) t.equal(error.target, c.target, `${c.name}: target`);
    t.ok(GUID.test(String(response.headers['x-ms-request-id'])), `${c.name}: x-ms-request-id`);
  }
});

t.test('401s carry a WWW-Authenticate challenge; ARM-generated 404s say x-ms-failure-cause: gateway', async (t) => {
  const { app } = testEmulator(t);
  const unauthenticated = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY, {});
  t.match(unauthenticated.headers['www-authenticate'], /^Bearer authorization_uri=/);
  const missingGroup = await post(app, installUrl(WINDOWS_VM).replace('myResourceGroupName', 'gone'), SPEC_EXAMPLE_BODY);
  t.equal(missingGroup.headers['x-ms-failure-cause'], 'gateway');
});

t.test('malformed JSON, an empty body and a non-JSON content type', async (t) => {
  const { app } = testEmulator(t);
  const send = (payload: string, contentType = 'application/json') =>
    app.inject({ method: 'POST', url: installUrl(WINDOWS_VM), headers: { ...AUTH, 'content-type': contentType }, payload });
  const truncated = await send('{"rebootSetting": "Never", ');
  t.equal(truncated.statusCode, 400);
  t.equal(truncated.json().error.code, 'InvalidRequestContent');
  t.match(truncated.json().error.message, /^The request content was invalid and could not be deserialized: '/);
  const empty = await send('');
  t.equal(empty.statusCode, 400);
  t.same(empty.json().error, { code: 'InvalidParameter', message: "Required parameter 'installPatchesInput' is missing (null).", target: 'installPatchesInput' });
  const text = await send('rebootSetting=Never', 'text/plain');
  t.equal(text.statusCode, 415);
  t.equal(text.json().error.code, 'UnsupportedMediaType');
});

t.test('accepted variants: case-insensitive enums and path, empty sibling parameters, newer fields', async (t) => {
  const { app } = testEmulator(t);
  const accepted = [
    { rebootSetting: 'never', windowsParameters: { classificationsToInclude: ['critical', 'SECURITY', 'updaterollup'] } },
    { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical'] }, linuxParameters: {} },
    { rebootSetting: 'Always', maximumDuration: 'PT120M', windowsParameters: { patchNameMasksToInclude: ['*Defender*'], patchNameMasksToExclude: [] } },
    { rebootSetting: 'Never', windowsParameters: { kbNumbersToInclude: ['kb4512508'], someFutureProperty: true }, unknownTopLevel: 1 },
  ];
  for (const body of accepted) {
    const response = await post(app, installUrl(WINDOWS_VM), body);
    t.equal(response.statusCode, 202, JSON.stringify(body));
  }
  const shouting = `/SUBSCRIPTIONS/${SUBSCRIPTION}/RESOURCEGROUPS/MYRESOURCEGROUPNAME/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/MYVMNAME/INSTALLPATCHES?api-version=${API_VERSION}`;
  t.equal((await post(app, shouting, SPEC_EXAMPLE_BODY)).statusCode, 202, 'path segments and names match case-insensitively');
  t.equal((await post(app, installUrl(LINUX_VM, '2020-12-01'), LINUX_BODY)).statusCode, 202, 'maximumDuration given at 2020-12-01');
});

t.test('the 202: empty body, the header set of docs/wire-format.md#accepted-response, absolute operation URLs', async (t) => {
  const { app } = testEmulator(t, { allowedHosts: ['emulator.test'] });
  const response = await app.inject({
    method: 'POST',
    url: installUrl(WINDOWS_VM),
    headers: { ...AUTH, host: 'emulator.test:8443', 'x-ms-correlation-request-id': 'c0ffee00-0000-4000-8000-000000000001', 'x-ms-client-request-id': 'client-1' },
    payload: SPEC_EXAMPLE_BODY,
  });
  t.equal(response.statusCode, 202);
  t.equal(response.body, '');
  t.equal(response.headers['content-length'], '0');
  const h = response.headers;
  const operationId = String(h['x-ms-request-id']);
  t.match(operationId, GUID);
  const base = `http://emulator.test:8443/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westus/operations/${operationId}`;
  t.match(h['azure-asyncoperation'], new RegExp(`^${base.replace(/[.?]/g, '\\$&')}\\?p=[0-9a-f-]{36}&api-version=${API_VERSION}$`));
  t.equal(h.location, String(h['azure-asyncoperation']).replace('&api-version', '&monitor=true&api-version'));
  t.equal(h['azure-asyncnotification'], 'Enabled');
  t.equal(h['x-ms-correlation-request-id'], 'c0ffee00-0000-4000-8000-000000000001');
  t.equal(h['x-ms-client-request-id'], 'client-1');
  t.match(h['x-ms-routing-request-id'], /^[A-Z]+:\d{8}T\d{6}Z:c0ffee00-0000-4000-8000-000000000001$/);
  t.match(h['x-ms-ratelimit-remaining-resource'], /^Microsoft\.Compute\/VMGuestPatchOperationSubscriptionMaximum;\d+,Microsoft\.Compute\/VMGuestPatchOperationResource;\d+$/);
  t.match(h['x-ms-ratelimit-remaining-subscription-writes'], /^\d+$/);
  t.equal(h['cache-control'], 'no-cache');
  t.equal(h.pragma, 'no-cache');
  t.equal(h.expires, '-1');
  t.equal(h['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  t.equal(h['x-content-type-options'], 'nosniff');
  t.equal(h.server, 'Microsoft-HTTPAPI/2.0');
  t.equal(h['retry-after'], '1', 'a small Retry-After by default');
});

t.test('Retry-After can be switched off for strict fidelity', async (t) => {
  const { app } = testEmulator(t, { retryAfterSeconds: null, completion: 'polls:2' });
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  t.notOk('retry-after' in accepted.headers);
  const poll = await get(app, pathOf(String(accepted.headers['azure-asyncoperation'])));
  t.equal(poll.json().status, 'InProgress');
  t.notOk('retry-after' in poll.headers);
});

t.test('a full poll sequence: InProgress, then Succeeded with the result; the Location URL mirrors it', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:3' });
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  const operationId = String(accepted.headers['x-ms-request-id']);
  const statusUrl = pathOf(String(accepted.headers['azure-asyncoperation']));
  const locationUrl = pathOf(String(accepted.headers.location));

  const beforeDone = await get(app, locationUrl);
  t.equal(beforeDone.statusCode, 202, 'Location answers 202 while running');
  t.equal(beforeDone.body, '');
  t.match(beforeDone.headers.location, /monitor=true/);

  const first = await get(app, statusUrl);
  t.equal(first.statusCode, 200);
  t.match(first.headers['content-type'], /^application\/json; charset=utf-8/);
  t.same(Object.keys(first.json()), ['startTime', 'status', 'name']);
  t.equal(first.json().status, 'InProgress');
  t.equal(first.json().name, operationId);
  t.match(first.json().startTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?\+00:00$/);
  t.notOk('location' in first.headers, 'polls carry no Location');
  t.notOk('azure-asyncoperation' in first.headers);
  t.match(first.headers['x-ms-ratelimit-remaining-resource'], /^Microsoft\.Compute\/GetOperationResource;\d+,Microsoft\.Compute\/GetOperationSubscriptionMaximum;\d+$/);
  t.not(first.headers['x-ms-request-id'], operationId, 'each poll has its own request id');

  t.equal((await get(app, statusUrl)).json().status, 'InProgress');
  const done = (await get(app, statusUrl)).json();
  t.same(Object.keys(done), ['startTime', 'endTime', 'status', 'properties', 'name']);
  t.equal(done.status, 'Succeeded');
  t.ok(Date.parse(done.endTime) >= Date.parse(done.startTime));
  const output = done.properties.output;
  t.equal(output.installationActivityId, operationId);
  t.same(Object.keys(output), [
    'status', 'installationActivityId', 'rebootStatus', 'maintenanceWindowExceeded', 'excludedPatchCount', 'notSelectedPatchCount',
    'pendingPatchCount', 'installedPatchCount', 'failedPatchCount', 'patches', 'startDateTime', 'error',
  ]);
  t.ok(output.installedPatchCount > 0, 'the spec example installs something');
  t.ok(output.notSelectedPatchCount > 0, 'and leaves some NotSelected');
  const tally = (state: string) => output.patches.filter((p: { installationState: string }) => p.installationState === state).length;
  t.equal(output.installedPatchCount, tally('Installed'));
  t.equal(output.notSelectedPatchCount, tally('NotSelected'));
  for (const patch of output.patches) {
    t.match(patch.patchId, GUID);
    t.match(patch.kbId, /^\d+$/, 'kbId without KB');
    t.notOk('version' in patch, 'Windows items have no version');
  }
  const kb2267602 = output.patches.find((p: { kbId: string }) => p.kbId === '2267602');
  t.equal(kb2267602?.installationState, 'NotSelected', 'the Defender definition update is outside Critical+Security');

  const final = await get(app, locationUrl);
  t.equal(final.statusCode, 200);
  t.same(final.json(), output, 'the Location URL returns the raw result, identical to properties.output');
  t.same((await get(app, statusUrl)).json(), done, 'a terminal operation stays as it is');
});

t.test('the cli-recording Windows request: MSRT Excluded by excludeKbsRequiringReboot, Defender NotSelected', async (t) => {
  const { app } = testEmulator(t);
  const accepted = await post(app, installUrl(WINDOWS_VM, '2024-11-01'), {
    maximumDuration: 'PT4H',
    rebootSetting: 'Never',
    windowsParameters: { classificationsToInclude: ['Critical', 'Security'], kbNumbersToInclude: ['KB4512508'], excludeKbsRequiringReboot: true, maxPatchPublishDate: '2024-11-01T07:36:43.000Z' },
    linuxParameters: {},
  });
  const { final } = await pollToTerminal(app, String(accepted.headers['azure-asyncoperation']));
  const output = (final.properties as { output: { patches: Array<{ kbId: string; installationState: string }>; rebootStatus: string } }).output;
  t.equal(output.patches.find((p) => p.kbId === '890830')?.installationState, 'Excluded');
  t.equal(output.patches.find((p) => p.kbId === '4052623')?.installationState, 'NotSelected');
  t.equal(output.rebootStatus, 'NotNeeded');
});

t.test('Linux result shape (docs/wire-format.md#the-location-result)', async (t) => {
  const { app } = testEmulator(t);
  const accepted = await post(app, installUrl(LINUX_VM), LINUX_BODY);
  const { final } = await pollToTerminal(app, String(accepted.headers['azure-asyncoperation']));
  const output = (final.properties as { output: Record<string, unknown> }).output as {
    maintenanceRunId: string;
    error: unknown;
    patches: Array<Record<string, string>>;
    excludedPatchCount: number;
  };
  t.equal(output.maintenanceRunId, '');
  t.same(output.error, { details: [], code: '0', message: '0 error/s reported.' });
  t.ok(output.excludedPatchCount > 0, 'vim* excluded');
  for (const patch of output.patches) {
    t.equal(patch.patchId, `${patch.name}_${patch.version}_Ubuntu_22.04`);
    t.notOk('kbId' in patch);
  }
});

t.test('time completion: the operation ends when the simulated clock passes the plan', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'time', clockSpeed: 1 });
  services.clock.setFrozen(true);
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  const statusUrl = pathOf(String(accepted.headers['azure-asyncoperation']));
  for (let i = 0; i < 5; i++) t.equal((await get(app, statusUrl)).json().status, 'InProgress', 'polls alone do not finish it');
  services.clock.advance(24 * 3600_000);
  const done = (await get(app, statusUrl)).json();
  t.equal(done.status, 'Succeeded');
  const plannedEnd = Date.parse(done.startTime) + 1; // the end is the plan's, not the clock's
  t.ok(Date.parse(done.endTime) >= plannedEnd && Date.parse(done.endTime) < Date.parse(done.startTime) + 24 * 3600_000);
});

t.test('unknown operations, and operations looked up under another subscription, are 404 CloudErrors', async (t) => {
  const { app } = testEmulator(t);
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  const statusUrl = pathOf(String(accepted.headers['azure-asyncoperation']));
  const unknown = await get(app, statusUrl.replace(String(accepted.headers['x-ms-request-id']), '5f1a0c4e-0000-4000-8000-000000000000'));
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().error.code, 'NotFound');
  const otherSubscription = await get(app, statusUrl.replace(SUBSCRIPTION, '11111111-1111-1111-1111-111111111111'));
  t.equal(otherSubscription.statusCode, 404);
  const otherRegion = await get(app, statusUrl.replace('/westus/', '/eastus/'));
  t.equal(otherRegion.statusCode, 404);
  const noVersion = await get(app, statusUrl.replace(/api-version=[^&]+/, ''));
  t.equal(noVersion.json().error.code, 'MissingApiVersionParameter');
});

t.test('same seed, same requests: the same ids and results', async (t) => {
  const run = async () => {
    const { app } = testEmulator(t);
    const results = [];
    for (const [vm, body] of [[WINDOWS_VM, SPEC_EXAMPLE_BODY], [LINUX_VM, LINUX_BODY], [WINDOWS_VM, { rebootSetting: 'Always', windowsParameters: { classificationsToInclude: ['Updates', 'Tools'] } }]] as const) {
      const accepted = await post(app, installUrl(vm), body);
      const { final } = await pollToTerminal(app, String(accepted.headers['azure-asyncoperation']));
      results.push({ id: accepted.headers['x-ms-request-id'], output: (final.properties as { output: unknown }).output });
    }
    return results;
  };
  const first = await run();
  const second = await run();
  t.same(
    second.map((r) => ({ ...r, output: { ...(r.output as object), startDateTime: undefined } })),
    first.map((r) => ({ ...r, output: { ...(r.output as object), startDateTime: undefined } })),
  );
  t.equal(new Set(first.map((r) => r.id)).size, 3, 'one id per operation');
});

t.test('an install changes what the next install sees', async (t) => {
  const { app } = testEmulator(t);
  const body = { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } };
  const first = await pollToTerminal(app, String((await post(app, installUrl(WINDOWS_VM), body)).headers['azure-asyncoperation']));
  const firstOutput = (first.final.properties as { output: { installedPatchCount: number; patches: Array<{ patchId: string; installationState: string }> } }).output;
  t.ok(firstOutput.installedPatchCount > 0);
  const second = await pollToTerminal(app, String((await post(app, installUrl(WINDOWS_VM), body)).headers['azure-asyncoperation']));
  const secondOutput = (second.final.properties as { output: { patches: Array<{ patchId: string }> } }).output;
  const installed = new Set(firstOutput.patches.filter((p) => p.installationState === 'Installed').map((p) => p.patchId));
  t.notOk(secondOutput.patches.some((p) => installed.has(p.patchId)), 'installed patches are no longer listed');
  t.equal(secondOutput.patches.length, firstOutput.patches.length - installed.size);
});
