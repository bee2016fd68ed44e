// Hostile input, fuzzed (docs/reliability.md): seeded fast-check runs over methods, paths (every
// segment), query strings, headers (Host and Origin included) and bodies (name masks built to make a
// backtracking matcher explode included), through app.inject against a real SQLite store. Every
// answer is a 2xx or a 4xx, every 4xx a CloudError; the emulator still answers its health check;
// and the operations stored before the run are unchanged. A second run imports crafted state
// documents: each is refused with a CloudError or, when accepted, breaks no later request.

import fc from 'fast-check';
import t from 'tap';
import {
  API_VERSION,
  AUTH,
  LINUX_VM,
  installUrl,
  pathOf,
  pollToTerminal,
  post,
  SPEC_EXAMPLE_BODY,
  SUBSCRIPTION,
  testEmulator,
  vmPath,
  WINDOWS_VM,
} from '../helpers.js';
import { isCloudError } from './hostile.js';

const SEED = 20_261_126;
const RUNS = 3000;
const FUZZ_GROUP = 'fuzz-rg';
const FUZZ_VMS = ['fuzz-vm-0', 'fuzz-vm-1', 'fuzz-vm-2'];

// Strings a buggy or hostile client sends: SQL, traversal, encodings, prototypes, control and
// bidirectional characters, emoji, and long runs.
const NASTY = [
  "'; DROP TABLE operations; --",
  "' OR '1'='1",
  '"',
  '\\',
  '%',
  '%%',
  '%ZZ',
  '%00',
  '%2e%2e%2f',
  '%2F',
  '%C0%AF',
  '%E2%80%AE',
  '%F0%9F%92%A9',
  '..',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '\u0000',
  '\u0007\b\u001b',
  '\r\n',
  '\u202e',
  '\u2028',
  '\ufeff',
  '\ud83d\ude00',
  '\ud800',
  'a'.repeat(300),
  'b'.repeat(2000),
  ' ',
  '',
  'null',
  '{}',
  '[]',
];

const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((s) => s.repeat(50)) },
);

/** A path segment: a real name, or something nasty, percent-encoded or (when it can be) raw. */
const segment = (...real: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...real) },
    { weight: 2, arbitrary: nastyString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%00', '%2', '%C0%AF', '%E2%80', '..', '.', ';', ',', '~', '$', '@', "'", '(', ')', '*') },
  );

const subscription = segment(SUBSCRIPTION, SUBSCRIPTION.toUpperCase(), 'ffffffff-0000-0000-0000-000000000000');
const group = segment(FUZZ_GROUP, FUZZ_GROUP.toUpperCase());
const vm = segment(...FUZZ_VMS);

const vmPathOf = ([s, g, v]: [string, string, string]) => `/subscriptions/${s}/resourceGroups/${g}/providers/Microsoft.Compute/virtualMachines/${v}`;
const vmTarget = fc.tuple(subscription, group, vm).map(vmPathOf);
const groupTarget = fc.tuple(subscription, group).map(([s, g]) => `/subscriptions/${s}/resourceGroups/${g}`);
const operationTarget = fc
  .tuple(subscription, segment('westus', 'WestUS'), segment('00000000-0000-0000-0000-000000000001'))
  .map(([s, l, id]) => `/subscriptions/${s}/providers/Microsoft.Compute/locations/${l}/operations/${id}`);

/** Mostly the methods the routes have, so that requests get past routing to the pipeline and handlers. */
const routedRequest = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.tuple(vmTarget, fc.constantFrom('installPatches', 'assessPatches', 'start', 'restart', 'powerOff', 'deallocate')).map(([p, a]) => `${p}/${a}`) }),
  fc.record({ method: fc.constantFrom('GET', 'HEAD'), path: fc.oneof(vmTarget, vmTarget.map((p) => `${p}/instanceView`), groupTarget, operationTarget, groupTarget.map((p) => `${p}/providers/Microsoft.Compute/virtualMachines`)) }),
  fc.record({ method: fc.constantFrom('PUT', 'DELETE'), path: fc.oneof(vmTarget, groupTarget) }),
);

const anyPath = fc.oneof(
  fc.tuple(vmTarget, fc.constantFrom('installPatches', 'assessPatches', 'instanceView', 'start', '', 'nope')).map(([p, a]) => (a ? `${p}/${a}` : p)),
  groupTarget,
  operationTarget,
  subscription.map((s) => `/subscriptions/${s}/resourceGroups`),
  fc.array(segment('subscriptions', 'providers', '_emulator'), { maxLength: 8 }).map((parts) => `/${parts.join('/')}`),
);
const unroutedRequest = fc.record({ method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND'), path: anyPath });

/**
 * Admin requests that cannot legitimately change a stored operation or produce a 5xx (resets,
 * state imports, fault rules and scenarios can, by design) and so are fair game for the fuzzer.
 */
const adminRequest = fc.oneof(
  fc.record({ method: fc.constantFrom('GET', 'HEAD'), path: fc.constantFrom('/_emulator/health', '/_emulator/state', '/_emulator/requests', '/_emulator/clock', '/_emulator/completion') }),
  fc.record({ method: fc.constantFrom('PUT', 'POST', 'PATCH', 'DELETE'), path: fc.constantFrom('/_emulator/completion', '/_emulator/clock', '/_emulator/requests', '/_emulator/health') }),
  fc.record({
    method: fc.constantFrom('PUT', 'GET'),
    path: fc.tuple(subscription, segment('00000000-0000-0000-0000-000000000001')).map(([s, id]) => `/_emulator/operations/${s}/${id}/completion`),
  }),
  fc.record({ method: fc.constantFrom('GET', 'POST'), path: segment('nope', 'health').map((s) => `/_emulator/${s}`) }),
);

const armRequest = fc.oneof({ weight: 3, arbitrary: routedRequest }, { weight: 1, arbitrary: unroutedRequest });

const queryValue = fc.oneof(fc.constantFrom(API_VERSION, '2021-04-01', '2020-06-01', '2026-04-01', 'true', 'instanceView'), nastyString);
const apiVersion = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(API_VERSION, '2021-04-01', '2020-06-01', '2026-04-01', '2020-12-01', '2025-04-01') },
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: nastyString },
);
const encode = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, 'x'));
const query = fc
  .tuple(
    apiVersion,
    fc.array(
      fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('monitor', '$expand', 'p', 'skipShutdown', 'API-VERSION') }, { weight: 1, arbitrary: nastyString }), queryValue),
      { maxLength: 3 },
    ),
  )
  .map(([version, pairs]) => [...(version === undefined ? [] : [['api-version', version] as const]), ...pairs].map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));

const headerName = fc.oneof(
  fc.constantFrom('x-http-method-override', 'x-forwarded-for', 'x-forwarded-host', 'if-match', 'cookie', 'accept', 'transfer-encoding-x'),
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), minLength: 1, maxLength: 20 }).map((name) => `x-${name}`),
);
const headerValue = fc.oneof(fc.constantFrom('Bearer x', 'application/json', 'application/json; charset=utf-8'), nastyString);
const headers = fc
  .record(
    {
      authorization: fc.oneof({ weight: 4, arbitrary: fc.constant(AUTH.authorization) }, { weight: 1, arbitrary: headerValue }),
      'content-type': fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON') },
        { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/merge-patch+json', '') },
      ),
      'x-ms-client-request-id': headerValue,
      'x-ms-correlation-request-id': headerValue,
      'x-admin-key': headerValue,
      'accept-language': headerValue,
      // The emulator's own names, foreign ones (DNS rebinding), and malformed ones.
      // Mostly the emulator's own, so that most requests still reach the routes behind the check.
      host: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom('localhost', 'localhost:8443', '127.0.0.1:8080', '[::1]:8443', 'emulator.localhost') },
        { weight: 2, arbitrary: fc.constantFrom('attacker.example', 'localhost.attacker.example', 'cpe', '', ':', '[::1', 'a..b', 'LOCALHOST.') },
        { weight: 1, arbitrary: headerValue },
      ),
      origin: fc.oneof(fc.constantFrom('http://localhost', 'http://evil.example', 'null', 'https://localhost:8443'), headerValue),
    },
    { requiredKeys: ['authorization'] },
  )
  .chain((known) =>
    fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }).map((extra) => ({ ...Object.fromEntries(extra), ...known })),
  );

const wrongTyped = fc.oneof(fc.anything(), fc.jsonValue(), nastyString);
/** The spec example with one field (top level or in windowsParameters/linuxParameters) given a value of any type. */
const mutatedInstallBody = fc
  .tuple(
    fc.constantFrom('maximumDuration', 'rebootSetting', 'windowsParameters', 'linuxParameters', 'classificationsToInclude', 'kbNumbersToInclude', 'kbNumbersToExclude', 'excludeKbsRequiringReboot', 'maxPatchPublishDate', 'patchNameMasksToInclude', 'packageNameMasksToExclude', 'location', 'tags', 'properties', '__proto__', 'constructor'),
    wrongTyped,
  )
  .map(([field, value]) => {
    const body = structuredClone(SPEC_EXAMPLE_BODY) as Record<string, any>;
    if (field in body.windowsParameters || /^(kbNumbers|excludeKbs|maxPatch|patchName)/.test(field)) body.windowsParameters[field] = value;
    else if (field === 'packageNameMasksToExclude') body.linuxParameters = { [field]: value };
    else body[field] = value;
    return JSON.stringify(body) ?? '';
  });

/** Name masks: ordinary ones, and runs of wildcards that make a backtracking matcher explode. */
const mask = fc.oneof(
  fc.constantFrom('kernel*', 'vim*', '*', '?', 'KB50?3603', '*-headers_*', ''),
  fc.string({ unit: fc.constantFrom('*', '?', 'a', '!', '.', '_', '=', 'k'), maxLength: 300 }),
  fc.integer({ min: 1, max: 150 }).map((n) => `${'*a'.repeat(n)}!`),
  nastyString,
);
const maskBody = fc
  .tuple(fc.array(mask, { maxLength: 120 }), fc.array(mask, { maxLength: 120 }), fc.boolean())
  .map(([include, exclude, windows]) =>
    JSON.stringify(
      windows
        ? { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Security'], patchNameMasksToInclude: include, patchNameMasksToExclude: exclude } }
        : { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', linuxParameters: { packageNameMasksToInclude: include, packageNameMasksToExclude: exclude } },
    ),
  );

const body = fc.oneof(
  { weight: 2, arbitrary: maskBody },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom(JSON.stringify(SPEC_EXAMPLE_BODY), JSON.stringify({ location: 'westus' })) },
  { weight: 4, arbitrary: mutatedInstallBody },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.tuple(mutatedInstallBody, fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))) },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.integer({ min: 40, max: 400 }).map((depth) => `{"rebootSetting":"Never","x":${'['.repeat(depth)}${']'.repeat(depth)}}`) },
  { weight: 1, arbitrary: fc.integer({ min: 900, max: 5000 }).map((n) => JSON.stringify({ rebootSetting: 'Never', windowsParameters: { kbNumbersToInclude: Array.from({ length: n }, (_, i) => `KB${i}`) } })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300_000 }).map((n) => JSON.stringify({ location: 'westus', rebootSetting: 'Never', maximumDuration: 'P'.repeat(n) })) },
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"polluted":true},"rebootSetting":"Never"}', '{"constructor":{"prototype":{"polluted":true}},"rebootSetting":"Always"}', '{"location":"westus","tags":{"__proto__":"x"}}') },
);

t.test(`fuzz: ${RUNS} seeded requests (seed ${SEED}) get a 2xx or a CloudError 4xx and change nothing stored before`, async (t) => {
  const { app, services } = testEmulator(t, { completion: 'polls:2' });
  // Operations the fuzzer must leave alone: one finished, one still running.
  const finished = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  await pollToTerminal(app, finished.headers['azure-asyncoperation'] as string);
  const running = await post(app, `${vmPath(LINUX_VM)}/assessPatches?api-version=${API_VERSION}`, undefined);
  t.equal(running.statusCode, 202);
  const before = services.operations.exportAll();
  t.equal(before.length, 2);

  // The fuzzer's own fleet, in a group of its own.
  const put = (url: string, payload: object) => app.inject({ method: 'PUT', url, headers: AUTH, payload });
  t.equal((await put(`/subscriptions/${SUBSCRIPTION}/resourceGroups/${FUZZ_GROUP}?api-version=2021-04-01`, { location: 'westus' })).statusCode, 201);
  for (const name of FUZZ_VMS) {
    const created = await put(`${vmPath(name, FUZZ_GROUP)}?api-version=${API_VERSION}`, { location: 'westus', properties: { storageProfile: { imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter' } } } });
    t.equal(created.statusCode, 201);
  }

  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(fc.oneof({ weight: 5, arbitrary: armRequest }, { weight: 1, arbitrary: adminRequest }), query, headers, body, async (target, search, sent, payload) => {
      const response = await app.inject({
        method: target.method as 'GET',
        url: search ? `${target.path}?${search}` : target.path,
        headers: payload === undefined ? sent : { ...sent, 'content-type': sent['content-type'] ?? 'application/json' },
        ...(payload === undefined ? {} : { payload }),
      });
      const outcome = response.statusCode >= 400 && isCloudError(response) ? `${response.statusCode} ${response.json().error.code}` : String(response.statusCode);
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
      if (response.statusCode >= 500 || response.statusCode < 200 || (response.statusCode >= 300 && response.statusCode < 400)) {
        throw new Error(`${target.method} ${target.path}?${search} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
      }
      if (response.statusCode >= 400 && target.method !== 'HEAD' && !isCloudError(response)) {
        throw new Error(`${target.method} ${target.path} answered ${response.statusCode} without a CloudError: ${response.body.slice(0, 300)}`);
      }
    }),
    { seed: SEED, numRuns: RUNS, timeout: 10_000, endOnFailure: true },
  );
  t.comment(`answers: ${[...seen].sort(([a], [b]) => a.localeCompare(b)).map(([s, n]) => `${s} x${n}`).join(', ')}`);
  t.ok(seen.has('202'), 'some operations were accepted');

  const health = await app.inject({ method: 'GET', url: '/_emulator/health' });
  t.equal(health.statusCode, 200);
  t.equal(health.json().status, 'Healthy');
  const after = services.operations.exportAll().filter((op) => before.some((b) => b.id === op.id));
  t.same(after, before, 'the operations stored before the run are unchanged');
  const poll = await app.inject({ method: 'GET', url: pathOf(running.headers['azure-asyncoperation'] as string), headers: AUTH });
  t.equal(poll.statusCode, 200, 'and the running one still answers its poll');
});

const STATE_RUNS = 400;

/** Every path into a JSON value, the value itself included (as []). */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsOf(item, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  return here;
}

/** The document with the value at `path` replaced (or, for `undefined`, removed). */
function withValue(document: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
  return copy;
}

t.test(`fuzz: ${STATE_RUNS} crafted state documents (seed ${SEED}) are refused with a CloudError, or break nothing once imported`, async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  const finished = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  await pollToTerminal(app, finished.headers['azure-asyncoperation'] as string);
  await post(app, `${vmPath(LINUX_VM)}/assessPatches?api-version=${API_VERSION}`, undefined);
  await post(app, `${vmPath(LINUX_VM)}/restart?api-version=${API_VERSION}`, undefined);
  await app.inject({ method: 'POST', url: '/_emulator/scenarios', payload: { outcome: { status: 'Failed', failPatches: ['*'] }, remaining: 1 } });
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path: '/nothing/*' }, effect: { kind: 'latency', delayMs: 0 } } });
  const original = (await app.inject({ method: 'GET', url: '/_emulator/state' })).json();
  const paths = pathsOf(original);

  const replacement = fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 2, arbitrary: fc.constantFrom(-1, 0, 1e20, -1e20, 1.5, 253402300800000, 'nope', '', null, true, [], {}, 'polls:0', 'polls:99999', 'Windows', 'Linux', 'powerAction', 'installPatches', '9999-12-31T23:59:60Z') },
    { weight: 1, arbitrary: nastyString },
  );
  const probes = (document: any) => [
    ...document.virtualMachines.slice(0, 4).flatMap((vm: any) => [
      { method: 'GET', url: `${vmPath(vm.name, vm.resourceGroup, vm.subscriptionId)}?api-version=${API_VERSION}&$expand=instanceView` },
      { method: 'POST', url: `${vmPath(vm.name, vm.resourceGroup, vm.subscriptionId)}/assessPatches?api-version=${API_VERSION}` },
    ]),
    ...document.operations.slice(0, 4).flatMap((op: any) => [
      { method: 'GET', url: `/subscriptions/${op.subscriptionId}/providers/Microsoft.Compute/locations/${op.location}/operations/${op.id}?api-version=${API_VERSION}` },
      { method: 'GET', url: `/subscriptions/${op.subscriptionId}/providers/Microsoft.Compute/locations/${op.location}/operations/${op.id}?monitor=true&api-version=${API_VERSION}` },
    ]),
    { method: 'POST', url: installUrl(WINDOWS_VM), payload: SPEC_EXAMPLE_BODY },
    { method: 'GET', url: '/_emulator/state' },
    { method: 'GET', url: '/_emulator/clock' },
    { method: 'GET', url: '/_emulator/overview' },
  ];

  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: paths.length - 1 }), replacement, async (index, value) => {
      const crafted = withValue(original, paths[index]!, value);
      const answer = await app.inject({ method: 'PUT', url: '/_emulator/state', payload: JSON.stringify(crafted) ?? '', headers: { 'content-type': 'application/json' } });
      if (answer.statusCode === 400 && isCloudError(answer)) {
        refused++;
        return;
      }
      if (answer.statusCode !== 200) throw new Error(`PUT /_emulator/state (${paths[index]!.join('.')} = ${JSON.stringify(value)}) answered ${answer.statusCode}: ${answer.body.slice(0, 300)}`);
      accepted++;
      for (const probe of probes(crafted)) {
        const response = await app.inject({ method: probe.method as 'GET', url: probe.url, headers: AUTH, ...(probe.payload ? { payload: probe.payload } : {}) });
        if (response.statusCode >= 500) {
          throw new Error(`after importing ${paths[index]!.join('.')} = ${JSON.stringify(value)}: ${probe.method} ${probe.url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
        }
      }
      const back = await app.inject({ method: 'PUT', url: '/_emulator/state', payload: original });
      if (back.statusCode !== 200) throw new Error(`the original document was refused: ${back.body.slice(0, 300)}`);
    }),
    { seed: SEED, numRuns: STATE_RUNS, timeout: 20_000, endOnFailure: true },
  );
  t.comment(`${accepted} accepted, ${refused} refused`);
  t.ok(refused > 0 && accepted > 0, 'both kinds were seen');
  const health = await app.inject({ method: 'GET', url: '/_emulator/health' });
  t.equal(health.json().status, 'Healthy');
});

const MASK_RUNS = 300;

t.test(`fuzz: ${MASK_RUNS} installs with crafted name masks (seed ${SEED}) get 202 or 400 InvalidParameter, and the server keeps answering`, async (t) => {
  const { app } = testEmulator(t);
  const seen = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(maskBody, async (payload) => {
      const windows = payload.includes('windowsParameters');
      const url = windows ? installUrl(WINDOWS_VM, '2025-04-01') : installUrl(LINUX_VM);
      const answer = await app.inject({ method: 'POST', url, headers: { ...AUTH, 'content-type': 'application/json' }, payload });
      const outcome = answer.statusCode === 202 ? '202' : `${answer.statusCode} ${isCloudError(answer) ? answer.json().error.code : answer.body.slice(0, 100)}`;
      seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
      if (outcome !== '202' && outcome !== '400 InvalidParameter') throw new Error(`${url} answered ${outcome}`);
    }),
    { seed: SEED, numRuns: MASK_RUNS, timeout: 10_000, endOnFailure: true },
  );
  t.comment(`answers: ${[...seen].map(([s, n]) => `${s} x${n}`).join(', ')}`);
  t.ok(seen.has('202') && seen.has('400 InvalidParameter'), 'both were seen');
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/health' })).statusCode, 200);
});
