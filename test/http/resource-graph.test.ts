// POST /providers/Microsoft.ResourceGraph/resources over the real app and SQLite: every Update
// Manager sample query of docs/update-manager-wire-format.md (read from that page, as copied from
// Microsoft's docs) answered from the emulator's own runs; retention on the simulated clock;
// ARG's paging, formats, facets and errors.

import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { AUTH, LINUX_BODY, LINUX_VM, SPEC_EXAMPLE_BODY, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

const ARG_URL = (apiVersion = '2021-03-01') => `/providers/Microsoft.ResourceGraph/resources?api-version=${apiVersion}`;

/** The ```kusto blocks of the research page's "Update Manager sample queries", in order (1 to 10). */
function sampleQueries(): string[] {
  const page = readFileSync(new URL('../../../docs/update-manager-wire-format.md', import.meta.url), 'utf8');
  const section = page.slice(page.indexOf('### Update Manager sample queries'), page.indexOf('### KQL the samples use'));
  const queries: string[] = [];
  let from = 0;
  for (;;) {
    const start = section.indexOf('```kusto\n', from);
    if (start < 0) return queries;
    const end = section.indexOf('\n```', start + 9);
    queries.push(section.slice(start + 9, end));
    from = end + 4;
  }
}

async function query(app: FastifyInstance, body: Record<string, unknown>, apiVersion?: string) {
  const response = await app.inject({ method: 'POST', url: ARG_URL(apiVersion), headers: { ...AUTH, 'content-type': 'application/json' }, payload: body });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> & { data: Array<Record<string, unknown>> }, headers: response.headers };
}

interface Results {
  windowsInstall: { installationActivityId: string; installedPatchCount: number; notSelectedPatchCount: number; patches: Array<{ name: string; installationState: string; kbId?: string }> };
  linuxInstall: { installationActivityId: string; installedPatchCount: number; excludedPatchCount: number; patches: Array<{ name: string; version?: string; installationState: string }> };
  windowsAssess: { assessmentActivityId: string; criticalAndSecurityPatchCount: number; availablePatches: Array<{ name: string; classifications: string[] }> };
  linuxAssess: { assessmentActivityId: string; availablePatches: Array<{ name: string }> };
}

/** An assessment then an installation on each seeded VM, finished within the request (`sync`). */
async function runPatching(app: FastifyInstance): Promise<Results> {
  const post = async (url: string, payload?: unknown) => {
    const response = await app.inject({ method: 'POST', url, headers: { ...AUTH, 'content-type': 'application/json' }, ...(payload ? { payload } : {}) });
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  const windowsAssess = await post(`${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`);
  const linuxAssess = await post(`${vmPath(LINUX_VM)}/assessPatches?api-version=2024-07-01`);
  const windowsInstall = await post(`${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`, SPEC_EXAMPLE_BODY);
  const linuxInstall = await post(`${vmPath(LINUX_VM)}/installPatches?api-version=2024-07-01`, LINUX_BODY);
  return { windowsAssess, linuxAssess, windowsInstall, linuxInstall } as Results;
}

const hasVersionTerm = (text: string) => /(^|[^a-z0-9])version([^a-z0-9]|$)/i.test(text);

t.test('the Update Manager sample queries, copied from the docs, answer from the emulator\'s runs', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  const results = await runPatching(app);
  const samples = sampleQueries();
  t.equal(samples.length, 10, 'ten sample queries on the page');
  const answers = [];
  for (const sample of samples) {
    const answer = await query(app, { subscriptions: [SUBSCRIPTION], query: sample });
    t.equal(answer.status, 200, `answered: ${sample.split('\n')[0]}`);
    answers.push(answer.body);
  }
  const byId = (rows: Array<Record<string, unknown>>, id: string) => rows.find((row) => String(row.id).endsWith(id));

  // 1 and 8: available updates by classification, from the latest assessment of each machine.
  for (const sample of [answers[0]!, answers[7]!]) {
    t.equal(sample.totalRecords, 2);
    const windows = byId(sample.data, `/virtualMachines/${WINDOWS_VM}/patchAssessmentResults/latest`)!;
    t.equal(windows.OS, 'Windows');
    t.equal(Number(windows.criticalCount) + Number(windows.securityCount), results.windowsAssess.criticalAndSecurityPatchCount);
    const sum = ['updateRollupCount', 'featurePackCount', 'servicePackCount', 'definitionCount', 'securityCount', 'criticalCount', 'updatesCount', 'toolsCount', 'otherCount'].reduce((n, key) => n + Number(windows[key]), 0);
    t.equal(sum, results.windowsAssess.availablePatches.length, 'the counts add up to the available patches');
    t.match(windows.lastTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  }

  // 2: installation counts, one row per run.
  const installs = answers[1]!;
  t.equal(installs.totalRecords, 2);
  const windowsRun = installs.data.find((row) => row.RunID === results.windowsInstall.installationActivityId)!;
  t.same(
    { machineName: windowsRun.machineName, rgName: windowsRun.rgName, resourceType: windowsRun.resourceType, OS: windowsRun.OS, installed: windowsRun.installedPatchCount, notSelected: windowsRun.notSelectedPatchCount },
    { machineName: `["${WINDOWS_VM}"]`, rgName: '["myResourceGroupName"]', resourceType: '["microsoft.compute"]', OS: 'Windows', installed: String(results.windowsInstall.installedPatchCount), notSelected: String(results.windowsInstall.notSelectedPatchCount) },
  );
  const linuxRun = installs.data.find((row) => row.RunID === results.linuxInstall.installationActivityId)!;
  t.equal(linuxRun.excludedPatchCount, String(results.linuxInstall.excludedPatchCount));

  // 3: Windows patches of the runs; `properties !has "version"` drops those whose name has the word.
  const windowsPatches = answers[2]!;
  const expectedWindows = results.windowsInstall.patches.filter((p) => !hasVersionTerm(p.name));
  t.equal(windowsPatches.totalRecords, expectedWindows.length, 'the sample keeps the Windows patches without the term "version"');
  for (const row of windowsPatches.data) {
    t.equal(row.RunID, `["${results.windowsInstall.installationActivityId}"]`);
    t.ok(expectedWindows.some((p) => p.name === row.patchName && p.installationState === row.installationState && p.kbId === row.kbId));
  }

  // 4: every Linux package of the run, with its version; and, as the query is written
  // (`properties has "version"`), the Windows patches whose name has the word.
  const linuxPatches = answers[3]!;
  const windowsWithTheWord = results.windowsInstall.patches.filter((p) => hasVersionTerm(p.name));
  t.ok(windowsWithTheWord.length > 0, 'the seeded Windows catalogue has such names');
  t.equal(linuxPatches.totalRecords, results.linuxInstall.patches.length + windowsWithTheWord.length);
  t.same(
    linuxPatches.data.map((row) => `${row.patchName} ${row.version} ${row.installationState}`).sort(),
    [...results.linuxInstall.patches.map((p) => `${p.name} ${p.version} ${p.installationState}`), ...windowsWithTheWord.map((p) => `${p.name}  ${p.installationState}`)].sort(),
  );
  t.match(linuxPatches.data[0]!.classifications, /^\[".+"\]$/, 'classifications as JSON text');

  // 5 and 6: maintenance records (nothing is scheduled here: none, but a valid answer).
  t.equal(answers[4]!.totalRecords, 0);
  t.equal(answers[5]!.totalRecords, 0);

  // 7: the installation query run on the assessment table: assessment summaries, blank counts.
  t.equal(answers[6]!.totalRecords, 2);
  t.same(answers[6]!.data.map((row) => row.RunID).sort(), [results.windowsAssess.assessmentActivityId, results.linuxAssess.assessmentActivityId].sort());
  t.equal(answers[6]!.data[0]!.installedPatchCount, '', 'tostring of a missing property is empty');

  // 9 and 10: the available patches of the latest assessments.
  t.equal(answers[8]!.totalRecords, results.linuxAssess.availablePatches.length + results.windowsAssess.availablePatches.filter((p) => hasVersionTerm(p.name)).length);
  t.equal(answers[9]!.totalRecords, results.windowsAssess.availablePatches.filter((p) => !hasVersionTerm(p.name)).length);
  t.ok(answers[9]!.data.every((row) => row.installationState === ''), 'assessment patches have no installation state');
});

t.test('records: ids, types and properties as Update Manager writes them', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  const results = await runPatching(app);
  const { body } = await query(app, { query: `patchinstallationresources | where name == "${results.windowsInstall.installationActivityId}"` });
  t.equal(body.totalRecords, 1);
  const summary = body.data[0]!;
  t.equal(summary.id, `${vmPath(WINDOWS_VM)}/patchInstallationResults/${results.windowsInstall.installationActivityId}`);
  t.equal(summary.type, 'microsoft.compute/virtualmachines/patchinstallationresults');
  t.same(Object.keys(summary), ['id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy', 'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation']);
  t.match(summary.properties, {
    installationActivityId: results.windowsInstall.installationActivityId,
    status: 'Succeeded',
    startedBy: 'User',
    osType: 'Windows',
    patchServiceUsed: 'WU',
    installedPatchCount: results.windowsInstall.installedPatchCount,
    maintenanceWindowExceeded: false,
    maintenanceRunId: null,
    errorDetails: { code: 'Success' },
  });
  const patch = await query(app, { query: `patchinstallationresources | where type endswith "softwarepatches" and id contains "${results.windowsInstall.installationActivityId}" | take 1` });
  t.match(patch.body.data[0], {
    type: 'microsoft.compute/virtualmachines/patchinstallationresults/softwarepatches',
    properties: { patchName: String, kbId: String, classifications: Array, rebootBehavior: String, rebootRequired: Boolean, installationState: String, publishedDateTime: String },
  });
  t.notOk('version' in (patch.body.data[0]!.properties as object), 'Windows patches carry no version');
  const linux = await query(app, { query: 'patchassessmentresources | where type endswith "softwarepatches" and id contains "myLinuxVMName" | take 1' });
  t.match(linux.body.data[0]!.properties, { version: String, publishedDateTime: null });
  t.match(linux.body.data[0]!.id, /\/patchAssessmentResults\/latest\/softwarePatches\/[^/]+$/);
});

t.test('retention on the simulated clock: assessments 7 days, installations 30', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  await runPatching(app);
  const count = async (table: string) => (await query(app, { query: `${table} | where type !has "softwarepatches" | count` })).body.data[0]!.Count;
  const advance = (duration: string) => app.inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: duration } });
  t.equal(await count('patchassessmentresources'), 2);
  await advance('P8D');
  t.equal(await count('patchassessmentresources'), 0, 'the assessments have aged out');
  t.equal(await count('patchinstallationresources'), 2, 'the installations have not');
  await advance('P23D');
  t.equal(await count('patchinstallationresources'), 0);
});

t.test('paging: $top, $skipToken, $skip, take, and a result without id', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  await runPatching(app);
  const all = await query(app, { query: 'patchinstallationresources | project id, name | order by id asc' });
  const total = all.body.totalRecords as number;
  t.ok(total > 10);
  t.equal(all.body.count, total);
  t.notOk('$skipToken' in all.body);

  const seen: unknown[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await query(app, { query: 'patchinstallationresources | project id, name | order by id asc', options: token ? { $skipToken: token } : { $top: 4 } });
    t.equal(page.status, 200);
    t.equal(page.body.totalRecords, total);
    t.equal(page.body.resultTruncated, 'false');
    seen.push(...page.body.data.map((row) => row.id));
    token = page.body.$skipToken as string | undefined;
    pages++;
  } while (token && pages < 100);
  t.equal(pages, Math.ceil(total / 4));
  t.same(seen, all.body.data.map((row) => row.id), 'the pages put together are the whole result, in order');

  const skipped = await query(app, { query: 'patchinstallationresources | project id | order by id asc', options: { $skip: 3, $top: 2 } });
  t.same(skipped.body.data.map((row) => row.id), all.body.data.slice(3, 5).map((row) => row.id));
  const taken = await query(app, { query: 'patchinstallationresources | project id | order by id asc | take 5', options: { $skip: 3 } });
  t.same(taken.body.data.map((row) => row.id), all.body.data.slice(0, 5).map((row) => row.id), '$skip is ignored when the query takes');

  const noId = await query(app, { query: 'patchinstallationresources | project name', options: { $top: 2 } });
  t.same([noId.body.count, noId.body.resultTruncated, '$skipToken' in noId.body], [2, 'true', false], 'without id no paging: truncated');

  const first = await query(app, { query: 'patchinstallationresources | project id', options: { $top: 1 } });
  const stolen = await query(app, { query: 'patchinstallationresources | project id, name', options: { $skipToken: first.body.$skipToken } });
  t.equal(stolen.status, 400, 'a token is bound to its query');
  t.match(stolen.body, { error: { code: 'BadRequest', details: [{ code: 'InvalidSkipToken' }] } });
  const forged = Buffer.from(JSON.stringify({ $id: '1', MaxRows: 1000, RowsToSkip: 0, Mac: 'x' })).toString('base64');
  t.equal((await query(app, { query: 'patchinstallationresources | project id', options: { $skipToken: forged } })).status, 400);
  t.equal((await query(app, { query: 'patchinstallationresources | project id', options: { $top: 1001 } })).status, 400, '$top is at most 1000');
});

t.test('result formats: objectArray by default from 2021-03-01, table before and on request', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  await runPatching(app);
  const text = 'patchinstallationresources | where type !has "softwarepatches" | project id, n = properties.installedPatchCount, t = todatetime(properties.startDateTime), ok = properties.maintenanceWindowExceeded, p = properties';
  const old = await query(app, { query: text }, '2019-04-01');
  t.same((old.body.data as unknown as { columns: unknown }).columns, [
    { name: 'id', type: 'string' },
    { name: 'n', type: 'integer' },
    { name: 't', type: 'datetime' },
    { name: 'ok', type: 'boolean' },
    { name: 'p', type: 'object' },
  ]);
  const asked = await query(app, { query: text, options: { resultFormat: 'table' } }, '2024-04-01');
  t.equal((asked.body.data as unknown as { rows: unknown[] }).rows.length, 2);
  const objects = await query(app, { query: text }, '2024-04-01');
  t.ok(Array.isArray(objects.body.data));
  t.same(Object.keys(objects.body), ['totalRecords', 'count', 'data', 'facets', 'resultTruncated'], "ARG's key order");
});

t.test('facets over the result', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  await runPatching(app);
  const { body } = await query(app, {
    query: 'patchinstallationresources | where type has "softwarepatches" | project id, state = tostring(properties.installationState), os = properties.patchName',
    facets: [{ expression: 'state', options: { $top: 2 } }, { expression: 'state', options: { sortBy: 'state', sortOrder: 'asc', filter: "state != 'Installed'" } }, { expression: 'nonExistingColumn' }],
  });
  const [top2, filtered, bad] = body.facets as Array<Record<string, unknown> & { data: Array<{ state: string; count: number }> }>;
  t.match(top2, { expression: 'state', resultType: 'FacetResult', count: 2 });
  t.ok(top2!.data[0]!.count >= top2!.data[1]!.count, 'by count, descending');
  t.same(filtered!.data.map((row) => row.state), [...filtered!.data.map((row) => row.state)].sort());
  t.notOk(filtered!.data.some((row) => row.state === 'Installed'));
  t.same(bad, { expression: 'nonExistingColumn', resultType: 'FacetError', errors: [{ code: 'InvalidColumnNames', message: 'Invalid column names: [nonExistingColumn].' }] });
});

t.test('scope: the subscriptions asked for, or all of them', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  await runPatching(app);
  const other = await query(app, { subscriptions: ['11111111-1111-1111-1111-111111111111'], query: 'patchinstallationresources | count' });
  t.equal(other.body.data[0]!.Count, 0);
  const tenant = await query(app, { query: 'patchinstallationresources | where type !has "softwarepatches" | count' });
  t.equal(tenant.body.data[0]!.Count, 2, 'no subscriptions: every subscription of the caller');
  const group = await query(app, { managementGroups: ['root'], query: 'resources | project name | order by name asc' });
  t.same(group.body.data.map((row) => row.name), ['myArcMachine', 'myLinuxArcMachine', LINUX_VM, WINDOWS_VM], 'resources lists the machines, Arc-enabled servers included');
});

t.test("invalid queries get ARG's 400 BadRequest with its details", async (t) => {
  const { app } = testEmulator(t);
  const parse = await query(app, { query: 'where where' });
  t.equal(parse.status, 400);
  t.match(parse.body, {
    error: {
      code: 'BadRequest',
      message: /^Please provide below info when asking for support: timestamp = .+, correlationId = [0-9a-f-]{36}\.$/,
      details: [
        { code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.' },
        { code: 'ParserFailure', message: 'ParserFailure', line: 1, characterPositionInLine: 6, token: 'where' },
      ],
    },
  });
  t.equal(parse.headers['x-ms-correlation-request-id'], (parse.body.error as { message: string }).message.match(/correlationId = (.+)\.$/)![1]);
  const table = await query(app, { query: 'appserviceresources | take 1' });
  t.same((table.body.error as { details: unknown }).details, [{ code: 'DisallowedLogicalTableName', message: 'Table appserviceresources is invalid, unsupported or disallowed.' }]);
  const column = await query(app, { query: 'patchinstallationresources | where nosuch == 1' });
  t.match(column.body, { error: { code: 'BadRequest', details: [{ code: 'InvalidQuery' }, { code: 'SemanticError', message: /nosuch/ }] } });
  const unsupported = await query(app, { query: 'patchinstallationresources | union resources' });
  t.match(unsupported.body, { error: { details: [{ code: 'InvalidQuery' }, { code: 'UnsupportedByEmulator', message: /'union' operator/ }] } });
  const missing = await query(app, { subscriptions: [SUBSCRIPTION] });
  t.equal(missing.status, 400, 'a request without a query');
});

t.test('the ARM pipeline: api-versions and the bearer token', async (t) => {
  const { app } = testEmulator(t);
  for (const apiVersion of ['2021-03-01', '2024-04-01', '2019-04-01', '2022-10-01']) {
    t.equal((await query(app, { query: 'resources | count' }, apiVersion)).status, 200, apiVersion);
  }
  const old = await query(app, { query: 'resources | count' }, '2017-01-01');
  t.match(old, { status: 400, body: { error: { code: 'NoRegisteredProviderFound', message: /for type 'resources'/ } } });
  const anonymous = await app.inject({ method: 'POST', url: ARG_URL(), headers: { 'content-type': 'application/json' }, payload: { query: 'resources' } });
  t.equal(anonymous.statusCode, 401);
  const answered = await query(app, { query: 'resources | count' });
  t.match(answered.headers, { 'x-ms-user-quota-remaining': /^\d+$/, 'x-ms-user-quota-resets-after': /^00:00:0\d$/ });
});

t.test("the platform's own runs: startedBy Platform, there as soon as the clock passes them", async (t) => {
  const { app } = testEmulator(t);
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { frozen: true } });
  const triggered = await app.inject({
    method: 'POST',
    url: `/_emulator/virtualMachines/${SUBSCRIPTION}/myResourceGroupName/${WINDOWS_VM}/platformRuns`,
    payload: { operation: 'assessPatches', completion: 'sync' },
  });
  t.equal(triggered.statusCode, 201);
  const platform = await query(app, { query: 'patchassessmentresources | where type !has "softwarepatches" | project id, startedBy = tostring(properties.startedBy), runId = tostring(properties.assessmentActivityId)' });
  t.same(platform.body.data, [{ id: `${vmPath(WINDOWS_VM)}/patchAssessmentResults/latest`, startedBy: 'Platform', runId: triggered.json().operationId }]);

  // assessmentMode AutomaticByPlatform: a day later the platform has assessed the Linux VM, and
  // the query alone (nothing else looked at the VM) finds it.
  const patched = await app.inject({
    method: 'PATCH',
    url: `${vmPath(LINUX_VM)}?api-version=2024-07-01`,
    headers: AUTH,
    payload: { properties: { osProfile: { linuxConfiguration: { patchSettings: { assessmentMode: 'AutomaticByPlatform' } } } } },
  });
  t.equal(patched.statusCode, 200);
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: 'PT25H' } });
  const linux = await query(app, { query: 'patchassessmentresources | where type !has "softwarepatches" and id contains "myLinuxVMName" | project startedBy = tostring(properties.startedBy)' });
  t.same(linux.body.data, [{ startedBy: 'Platform' }]);
});

t.test('a running installation is listed InProgress, with its patches as they stand on the clock', async (t) => {
  const { app } = testEmulator(t, { completion: 'time' });
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { frozen: true } });
  const started = await app.inject({ method: 'POST', url: `${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`, headers: { ...AUTH, 'content-type': 'application/json' }, payload: SPEC_EXAMPLE_BODY });
  t.equal(started.statusCode, 202);
  const summary = 'patchinstallationresources | where type !has "softwarepatches" | project name, status = tostring(properties.status), pending = toint(properties.pendingPatchCount), installed = toint(properties.installedPatchCount)';
  const running = await query(app, { query: summary });
  t.equal(running.body.totalRecords, 1);
  t.match(running.body.data[0], { status: 'InProgress', installed: 0 });
  t.ok((running.body.data[0]!.pending as number) > 0, 'its selected patches are Pending');
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: 'PT6H' } });
  const done = await query(app, { query: summary });
  t.match(done.body.data[0], { name: running.body.data[0]!.name, status: 'Succeeded', pending: 0 });
  t.ok((done.body.data[0]!.installed as number) > 0);
});

t.test('scheduled runs through the maintenanceresources samples (5 and 6), placeholders filled in', async (t) => {
  const { app } = testEmulator(t);
  const send = (method: 'PUT' | 'PATCH', url: string, payload: unknown) => app.inject({ method, url, headers: AUTH, payload: payload as object });
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { set: '2099-06-01T10:00:00Z', frozen: true } });
  const ready = { automaticByPlatformSettings: { bypassPlatformSafetyChecksOnUserSchedule: true }, patchMode: 'AutomaticByPlatform' };
  t.equal((await send('PATCH', `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`, { properties: { osProfile: { windowsConfiguration: { patchSettings: ready } } } })).statusCode, 200);
  const configurationId = `/subscriptions/${SUBSCRIPTION}/resourcegroups/myResourceGroupName/providers/Microsoft.Maintenance/maintenanceConfigurations/nightly`;
  const created = await send('PUT', `${configurationId}?api-version=2023-04-01`, {
    location: 'westus',
    properties: {
      maintenanceScope: 'InGuestPatch',
      extensionProperties: { InGuestPatchMode: 'User' },
      maintenanceWindow: { startDateTime: '2099-06-02 02:00', duration: '02:00', timeZone: 'UTC', recurEvery: '1Day' },
      installPatches: { rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } },
    },
  });
  t.equal(created.statusCode, 201);
  const assigned = await send('PUT', `${vmPath(WINDOWS_VM)}/providers/Microsoft.Maintenance/configurationAssignments/nightly?api-version=2023-04-01`, { properties: { maintenanceConfigurationId: configurationId } });
  t.equal(assigned.statusCode, 201);
  // Two nights pass on the simulated clock: two scheduled runs.
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: 'P2D' } });

  const [, , , , runsSample, assignmentSample] = sampleQueries();
  const runs = await query(app, {
    query: runsSample!.replace('<subscription-id>', SUBSCRIPTION).replace('<resource-group>', 'myResourceGroupName').replace('<vm-name>', WINDOWS_VM),
  });
  t.equal(runs.status, 200);
  t.equal(runs.body.totalRecords, 2, 'the two runs');
  t.match(runs.body.data[0], { type: 'microsoft.maintenance/applyupdates', properties: { maintenanceScope: 'InGuestPatch', maintenanceConfigurationId: configurationId, status: 'Completed' } });
  const assignments = await query(app, {
    query: assignmentSample!.replace('<maintenance configuration Resource ID>', configurationId).replace('<Machine Resource Id>', vmPath(WINDOWS_VM)),
  });
  t.same(assignments.body.data.map((row) => row.name), ['nightly']);
  // The runs' installations are in patchinstallationresources, started by the platform.
  const installs = await query(app, { query: 'patchinstallationresources | where type !has "softwarepatches" | project startedBy = tostring(properties.startedBy)' });
  t.same(installs.body.data, [{ startedBy: 'Platform' }, { startedBy: 'Platform' }]);
});

t.test('Arc-enabled servers: their runs are in the same tables, under microsoft.hybridcompute/machines', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  const arc = (name: string, action: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/myResourceGroupName/providers/Microsoft.HybridCompute/machines/${name}/${action}?api-version=2024-07-10`;
  const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, headers: { ...AUTH, 'content-type': 'application/json' }, ...(payload ? { payload: payload as object } : {}) });
  const assessed = await post(arc('myLinuxArcMachine', 'assessPatches'));
  t.equal(assessed.statusCode, 200, assessed.body);
  const installed = await post(arc('myArcMachine', 'installPatches'), { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } });
  t.equal(installed.statusCode, 200, installed.body);
  const install = installed.json() as { installationActivityId: string; installedPatchCount: number; notSelectedPatchCount: number };

  // Sample 2 (count of update installations) sees the Arc run, the machine name at split index 8.
  const samples = sampleQueries();
  const counts = await query(app, { query: samples[1]! });
  const row = counts.body.data.find((r) => r.RunID === install.installationActivityId)!;
  t.match(row, { machineName: '["myArcMachine"]', resourceType: '["microsoft.hybridcompute"]', OS: 'Windows', installedPatchCount: String(install.installedPatchCount), notSelectedPatchCount: String(install.notSelectedPatchCount) });
  // Its patches come from the run's plan (an Arc result carries counts only), as many as the counts say.
  const patches = await query(app, { query: `patchinstallationresources | where type == "microsoft.hybridcompute/machines/patchinstallationresults/softwarepatches" | summarize n = count() by state = tostring(properties.installationState)` });
  const byState = Object.fromEntries(patches.body.data.map((r) => [r.state, r.n]));
  t.equal(byState.Installed, install.installedPatchCount);
  t.equal(byState.NotSelected, install.notSelectedPatchCount);
  // The assessment: a summary under .../machines/myLinuxArcMachine/patchAssessmentResults/latest, and its packages.
  const assessment = await query(app, { query: 'patchassessmentresources | where id contains "/Microsoft.HybridCompute/machines/myLinuxArcMachine/" | summarize count() by type' });
  const byType = Object.fromEntries(assessment.body.data.map((r) => [r.type, r.count_]));
  t.equal(byType['microsoft.hybridcompute/machines/patchassessmentresults'], 1);
  t.ok((byType['microsoft.hybridcompute/machines/patchassessmentresults/softwarepatches'] as number) > 0);
});
