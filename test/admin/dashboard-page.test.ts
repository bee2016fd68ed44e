// The dashboard's page as the browser loads it: every module it imports is served as JavaScript
// and open like the page; the vocabulary its forms are built from is what the schemas validate,
// and each value in it is accepted by the API it is sent to; the compliance rows have the columns
// the page's types name.

import { readdirSync } from 'node:fs';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';
import { dashboardDirectory } from '../../server/dashboard/routes.js';
import type { ComplianceMachine, Vocabulary } from '../../server/dashboard/view-model.js';
import { INSTALL_PATCHES_API_VERSIONS } from '../../schemas/api-versions.js';
import { faultRuleSchema, scenarioSchema } from '../../schemas/admin.js';
import { installPatchesBodySchema, linuxParametersSchema, windowsParametersSchema } from '../../schemas/install-patches.js';
import { POWER_ACTIONS } from '../../simulator/power.js';
import { MAX_COMPLETION_POLLS } from '../../simulator/progress.js';
import { AUTH, LINUX_VM, SUBSCRIPTION, testEmulator, testServices, vmPath, WINDOWS_VM } from '../helpers.js';

const vocabularyOf = async (app: FastifyInstance) => (await app.inject({ method: 'GET', url: '/_emulator/ui/vocabulary' })).json() as Vocabulary;

/** The relative modules a script imports: `import ... from './x.js'` and `import './x.js'`. */
const importsOf = (source: string) => [...source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.\/[^']+)'|^\s*import\s+'(\.\/[^']+)'/gm)].map((m) => (m[1] ?? m[2])!);

t.test('every module the page imports is served as JavaScript, with the page, and open without the admin key', async (t) => {
  const services = testServices();
  const app = buildApp(services, { retryAfterSeconds: null, adminKey: 'dashboard-key' });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  const page = await app.inject({ method: 'GET', url: '/_emulator/ui' });
  t.equal(page.statusCode, 200);
  const entries = [...page.body.matchAll(/<script type="module" src="\/_emulator\/ui\/([^"]+)"><\/script>/g)].map((m) => m[1]!);
  t.same(entries, ['app.js'], 'one entry module');
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const module = await app.inject({ method: 'GET', url: `/_emulator/ui/${file}` });
    t.equal(module.statusCode, 200, file);
    t.match(module.headers['content-type'], /^text\/javascript/, `${file} is JavaScript`);
    t.match(module.headers['content-security-policy'], /script-src 'self'/);
    t.match(module.body, /^\/\/ @ts-check$/m, `${file} is type-checked`);
    for (const imported of importsOf(module.body)) queue.push(imported.slice(2));
  }
  const onDisk = readdirSync(dashboardDirectory()).filter((file) => file.endsWith('.js'));
  t.same([...seen].sort(), onDisk.sort(), 'every module in page/ is reached from app.js, and each is served');
  t.ok(seen.size > 5, 'the page is split into modules');

  const vocabulary = await app.inject({ method: 'GET', url: '/_emulator/ui/vocabulary' });
  t.equal(vocabulary.statusCode, 200, 'the vocabulary is as open as the page');
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/overview' })).statusCode, 401, 'what the page reads is not');
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/ui/nothing.js' })).statusCode, 404);
});

t.test('the vocabulary is what the schemas validate, and the API takes each value in it', async (t) => {
  const { app } = testEmulator(t, { completion: 'instant' });
  const words = await vocabularyOf(app);
  t.same(words, {
    computeApiVersion: INSTALL_PATCHES_API_VERSIONS.at(-1),
    classifications: { Windows: windowsParametersSchema.properties.classificationsToInclude.items.enum, Linux: linuxParametersSchema.properties.classificationsToInclude.items.enum },
    rebootSettings: installPatchesBodySchema.properties.rebootSetting.enum,
    powerActions: POWER_ACTIONS,
    completion: { modes: ['time', 'instant'], maxPolls: MAX_COMPLETION_POLLS },
    scenario: {
      operations: scenarioSchema.properties.match.properties.operation.enum,
      statuses: scenarioSchema.properties.outcome.properties.status.enum,
      rebootStatuses: scenarioSchema.properties.outcome.properties.rebootStatus.enum,
    },
    fault: {
      operations: faultRuleSchema.properties.match.properties.operation.enum,
      kinds: faultRuleSchema.properties.effect.oneOf.map((effect) => effect.properties.kind.const),
      statusCodes: faultRuleSchema.properties.effect.oneOf[1].properties.statusCode.enum,
      maxRetryAfterSeconds: faultRuleSchema.properties.effect.oneOf[1].properties.retryAfterSeconds.maximum,
      maxDelayMs: faultRuleSchema.properties.effect.oneOf[2].properties.delayMs.maximum,
    },
  });

  const install = (vm: string, body: unknown) =>
    app.inject({ method: 'POST', url: `${vmPath(vm)}/installPatches?api-version=${words.computeApiVersion}`, headers: AUTH, payload: body as object });
  for (const rebootSetting of words.rebootSettings) {
    t.equal((await install(WINDOWS_VM, { rebootSetting, windowsParameters: { classificationsToInclude: words.classifications.Windows } })).statusCode, 202, `rebootSetting ${rebootSetting}`);
  }
  t.equal((await install(LINUX_VM, { rebootSetting: 'IfRequired', linuxParameters: { classificationsToInclude: words.classifications.Linux } })).statusCode, 202, 'every Linux classification');
  t.equal((await install(WINDOWS_VM, { rebootSetting: 'Sometimes' })).statusCode, 400, 'a value not in the vocabulary is refused');
  for (const action of words.powerActions) {
    const answer = await app.inject({ method: 'POST', url: `${vmPath(WINDOWS_VM)}/${action}?api-version=${words.computeApiVersion}`, headers: AUTH });
    t.ok([200, 202, 409].includes(answer.statusCode), `${action} is a route (${answer.statusCode})`);
    t.not(answer.statusCode, 404);
  }
  const status = await app.inject({ method: 'GET', url: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westus/operations/6a0e1f5c-0000-4000-8000-000000000000?api-version=${words.computeApiVersion}`, headers: AUTH });
  t.equal(status.json().error?.code, 'NotFound', 'status polls take the api-version');

  const admin = (method: 'POST' | 'PUT', url: string, payload: object) => app.inject({ method, url, payload });
  for (const mode of [...words.completion.modes, 'polls:2', 'polls:5', `polls:${words.completion.maxPolls}`]) {
    t.equal((await admin('PUT', '/_emulator/completion', { default: mode })).statusCode, 200, mode);
  }
  t.equal((await admin('PUT', '/_emulator/completion', { default: `polls:${words.completion.maxPolls + 1}` })).statusCode, 400, 'past maxPolls is refused');
  for (const operation of words.scenario.operations) {
    for (const status of words.scenario.statuses) t.equal((await admin('POST', '/_emulator/scenarios', { match: { operation }, outcome: { status } })).statusCode, 201, `${operation} ${status}`);
  }
  for (const rebootStatus of words.scenario.rebootStatuses) t.equal((await admin('POST', '/_emulator/scenarios', { outcome: { rebootStatus } })).statusCode, 201, `reboot ${rebootStatus}`);
  const effects: Record<string, object> = {
    error: { statusCode: words.fault.statusCodes[0], retryAfterSeconds: words.fault.maxRetryAfterSeconds },
    throttle: { retryAfterSeconds: words.fault.maxRetryAfterSeconds },
    latency: { delayMs: words.fault.maxDelayMs },
    drop: {},
  };
  for (const operation of words.fault.operations) {
    for (const kind of words.fault.kinds) {
      t.equal((await admin('POST', '/_emulator/faults', { match: { operation }, effect: { kind, ...effects[kind] }, remaining: 1, probability: 0 })).statusCode, 201, `${operation} ${kind}`);
    }
  }
  for (const statusCode of words.fault.statusCodes) t.equal((await admin('POST', '/_emulator/faults', { effect: { kind: 'error', statusCode }, probability: 0 })).statusCode, 201, `status ${statusCode}`);
  t.equal((await admin('POST', '/_emulator/faults', { effect: { kind: 'latency', delayMs: words.fault.maxDelayMs + 1 } })).statusCode, 400, 'past maxDelayMs is refused');

  const openapi = (await app.inject({ method: 'GET', url: '/_emulator/openapi.json' })).json();
  t.ok(openapi.paths['/_emulator/ui/vocabulary']?.get?.responses?.['200'], 'the OpenAPI document describes the vocabulary');
});

t.test("the compliance rows have the columns the page's types name", async (t) => {
  const { app } = testEmulator(t);
  // Every key of ComplianceMachine, checked by the compiler both ways.
  const columns: Record<keyof ComplianceMachine, true> = {
    machine: true,
    resourceGroup: true,
    subscriptionId: true,
    osType: true,
    lastAssessment: true,
    assessmentStatus: true,
    pendingCritical: true,
    pendingSecurity: true,
    rebootPending: true,
    lastInstall: true,
    lastInstallStatus: true,
    lastInstallRunId: true,
    installed: true,
    failed: true,
  };
  const { machines } = (await app.inject({ method: 'GET', url: '/_emulator/compliance' })).json() as { machines: Array<Record<string, unknown>> };
  t.ok(machines.length > 0);
  for (const row of machines) t.same(Object.keys(row).sort(), Object.keys(columns).sort(), String(row.machine));
});
