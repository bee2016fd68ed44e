// Hostile input, case by case (docs/reliability.md): each gets the ARM answer, as a CloudError,
// never a 5xx or a hang. The fuzz test (fuzz.test.ts) covers the space around these at random;
// what a client library refuses to send (over-long or malformed headers) goes over a raw socket.

import t from 'tap';
import { MAX_JOURNAL_BODY_BYTES } from '../../server/admin/journal.js';
import { parseConfig } from '../../server/config.js';
import { LATEST_TIME_MS, MAX_CLOCK_SPEED, simulatedNow } from '../../simulator/clock.js';
import {
  API_VERSION,
  AUTH,
  get,
  installUrl,
  listeningEmulator,
  post,
  SPEC_EXAMPLE_BODY,
  SUBSCRIPTION,
  testEmulator,
  vmPath,
  WINDOWS_VM,
} from '../helpers.js';
import { isCloudError, rawRequest } from './hostile.js';

const WINDOWS_IMAGE = { storageProfile: { imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter' } } };
const json = { ...AUTH, 'content-type': 'application/json' };

t.test('bodies: too large, too deep, malformed, truncated, empty, of the wrong type', async (t) => {
  const { app } = testEmulator(t);
  const send = (url: string, payload: string, headers: Record<string, string> = json, method: 'POST' | 'PUT' = 'POST') =>
    app.inject({ method, url, headers, payload });

  const tooLarge = await send(installUrl(WINDOWS_VM), JSON.stringify({ ...SPEC_EXAMPLE_BODY, padding: 'x'.repeat(4 * 1024 * 1024) }));
  t.equal(tooLarge.statusCode, 413);
  t.same(tooLarge.json(), { error: { code: 'RequestContentTooLarge', message: 'The request content size exceeds the maximum size of 4 MB.' } });

  // Nested 64 deep is a body like any other; 65 deep is refused before it is parsed.
  const nested = (depth: number) => `{"location":"westus","properties":{"x":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}}`;
  t.equal((await send(`${vmPath('deep-vm')}?api-version=${API_VERSION}`, nested(64), json, 'PUT')).statusCode, 201, '64 levels deep: created');
  const tooDeep = await send(`${vmPath('deeper-vm')}?api-version=${API_VERSION}`, nested(65), json, 'PUT');
  t.equal(tooDeep.statusCode, 400);
  t.same(tooDeep.json().error, { code: 'InvalidRequestContent', message: "The request content was invalid and could not be deserialized: 'The reader's MaxDepth of 64 has been exceeded.'." });
  t.equal((await send(installUrl(WINDOWS_VM), `{"rebootSetting":"Never","x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`)).statusCode, 400, 'and 200 000 deep too');
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/requests' })).statusCode, 200, 'the journal still serialises what it kept');

  for (const [name, payload] of [
    ['truncated', '{"rebootSetting":"Nev'],
    ['not JSON', 'rebootSetting=Never'],
    ['a lone surrogate escape and garbage', '{"rebootSetting":"\\ud800"}}'],
  ] as const) {
    const answer = await send(installUrl(WINDOWS_VM), payload);
    t.equal(answer.statusCode, 400, name);
    t.equal(answer.json().error.code, 'InvalidRequestContent', name);
  }
  const empty = await send(installUrl(WINDOWS_VM), '');
  t.same(empty.json().error, { code: 'InvalidParameter', message: "Required parameter 'installPatchesInput' is missing (null).", target: 'installPatchesInput' });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
    const answer = await send(installUrl(WINDOWS_VM), JSON.stringify(SPEC_EXAMPLE_BODY), { ...AUTH, 'content-type': type });
    t.equal(answer.statusCode, 415, type);
    t.equal(answer.json().error.code, 'UnsupportedMediaType', type);
  }
  for (const wrong of [[], 42, 'x', null, true]) {
    const answer = await send(installUrl(WINDOWS_VM), JSON.stringify(wrong));
    t.equal(answer.statusCode, 400, `a body of ${JSON.stringify(wrong)}`);
    t.equal(answer.json().error.code, 'InvalidParameter');
  }
  const wrongType = await send(installUrl(WINDOWS_VM), JSON.stringify({ ...SPEC_EXAMPLE_BODY, windowsParameters: { kbNumbersToInclude: 'KB1' } }));
  t.same(wrongType.json().error, { code: 'InvalidParameter', message: 'The value of parameter windowsParameters.kbNumbersToInclude is invalid.', target: 'windowsParameters.kbNumbersToInclude' });
});

t.test('__proto__ and constructor keys are ignored like any unknown property, and pollute nothing', async (t) => {
  const { app } = testEmulator(t);
  for (const payload of [
    '{"__proto__":{"polluted":"yes"},"rebootSetting":"Never"}',
    '{"constructor":{"prototype":{"polluted":"yes"}},"rebootSetting":"Never"}',
    '{"rebootSetting":"Never","windowsParameters":{"__proto__":{"classificationsToInclude":["Critical"]}}}',
  ]) {
    const answer = await app.inject({ method: 'POST', url: installUrl(WINDOWS_VM), headers: json, payload });
    t.equal(answer.statusCode, 202, payload);
  }
  const tagged = await app.inject({ method: 'PUT', url: `${vmPath('proto-vm')}?api-version=${API_VERSION}`, headers: json, payload: '{"location":"westus","tags":{"__proto__":{"x":"y"},"env":"test"}}' });
  t.equal(tagged.statusCode, 201);
  t.same(tagged.json().tags, { env: 'test' });
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
});

t.test('paths: methods a route does not have, bad encodings, over-long segments, SQL and unicode', async (t) => {
  const { app } = testEmulator(t);
  const operationPath = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westus/operations/00000000-0000-0000-0000-000000000001`;
  for (const [method, url, allow] of [
    ['PATCH', installUrl(WINDOWS_VM), 'POST'],
    ['GET', installUrl(WINDOWS_VM), 'POST'],
    ['DELETE', `${operationPath}?api-version=${API_VERSION}`, 'GET, HEAD'],
    ['POST', `${vmPath(WINDOWS_VM)}?api-version=${API_VERSION}`, 'GET, HEAD, PUT, PATCH, DELETE'],
    ['PUT', '/_emulator/health', 'GET, HEAD'],
  ] as const) {
    const answer = await app.inject({ method, url, headers: AUTH });
    t.equal(answer.statusCode, 405, `${method} ${url.split('?')[0]}`);
    t.equal(answer.headers.allow, allow);
    t.same(answer.json().error, { code: 'MethodNotAllowed', message: `The HTTP method '${method}' is not supported on the resource '${url}'.` });
  }
  // An unknown namespace: no provider is registered for it (docs/api.md).
  const unknown = await get(app, `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Nothing/things?api-version=${API_VERSION}`);
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().error.code, 'NoRegisteredProviderFound');

  for (const segment of ['%ZZ', '%', 'a%2', '%E0%A4%A', 'x'.repeat(1025)]) {
    const answer = await get(app, `${vmPath(segment)}?api-version=${API_VERSION}`);
    t.equal(answer.statusCode, 400, `segment ${segment.slice(0, 20)}`);
    t.same(answer.json().error, { code: 'BadRequest', message: 'The request URL is invalid.' });
  }
  for (const name of ["x' OR '1'='1", 'x"; DROP TABLE operations; --', '%00', '%2e%2e%2f', '.x.', '\u202e\u0000', '😀', '__proto__']) {
    const answer = await get(app, `${vmPath(encodeURIComponent(name))}?api-version=${API_VERSION}`);
    t.equal(answer.statusCode, 404, `VM named ${JSON.stringify(name)}`);
    t.equal(answer.json().error.code, 'ResourceNotFound');
  }
  t.equal((await get(app, `${vmPath(WINDOWS_VM)}?api-version=${API_VERSION}`)).statusCode, 200, 'the VMs are still there');
});

t.test('query strings and headers: duplicates, unknown parameters, unprintable ids', async (t) => {
  const { app } = testEmulator(t);
  t.equal((await post(app, `${installUrl(WINDOWS_VM)}&p=1&unknown=%00&%5F%5Fproto%5F%5F=1&constructor=x`, SPEC_EXAMPLE_BODY)).statusCode, 202, 'unknown parameters are ignored');
  const twice = await post(app, `${installUrl(WINDOWS_VM)}&api-version=${API_VERSION}`, SPEC_EXAMPLE_BODY);
  t.equal(twice.statusCode, 400, 'a repeated api-version matches no registered version');
  t.equal(twice.json().error.code, 'NoRegisteredProviderFound');
  const odd = await app.inject({
    method: 'GET',
    url: `${vmPath(WINDOWS_VM)}?api-version=${API_VERSION}`,
    headers: { ...AUTH, 'x-ms-client-request-id': 'a\u0001b\u2028', 'x-ms-correlation-request-id': '\u0000' },
  });
  t.equal(odd.statusCode, 200, 'ids that cannot be echoed do not break the answer');
  t.equal(odd.headers['x-ms-client-request-id'], undefined, 'and are not echoed');
  t.match(odd.headers['x-ms-correlation-request-id'], /^[0-9a-f-]{36}$/);
});

t.test('the admin clock refuses times no ARM timestamp can show', async (t) => {
  const { app } = testEmulator(t);
  const clock = (payload: object) => app.inject({ method: 'POST', url: '/_emulator/clock', payload });
  const leap = await clock({ set: '2016-12-31T23:59:60Z' });
  t.equal(leap.statusCode, 400, 'a leap second (valid date-time, no Date)');
  t.same(leap.json().error, { code: 'InvalidParameter', message: 'The value of parameter set is invalid.', target: 'set' });
  const far = await clock({ advance: `P${'9'.repeat(40)}W` });
  t.equal(far.statusCode, 400, 'an advance past the year 9999');
  t.equal(far.json().error.target, 'advance');
  t.equal((await clock({ set: '9999-12-31T00:00:00Z', advance: 'P2D' })).statusCode, 400);
  t.equal((await clock({ set: '9999-12-31T00:00:00Z', advance: 'PT1H' })).statusCode, 200, 'up to the last day is fine');
  t.equal((await clock({ set: '2030-01-01T00:00:00Z' })).statusCode, 200);
  const fast = await clock({ speed: MAX_CLOCK_SPEED + 1 });
  t.equal(fast.statusCode, 400, 'a speed that would pass the year 9999 within a day');
  t.equal(fast.json().error.target, 'speed');
  t.equal((await clock({ speed: MAX_CLOCK_SPEED })).statusCode, 200);
  t.throws(() => parseConfig(['--clock-speed', '1e9'], {}), /--clock-speed: expected a positive number up to 2000000/);
  // Left running long enough, even the fastest clock stops at the last instant a timestamp can show.
  t.equal(simulatedNow({ anchorWallMs: 0, anchorSimulatedMs: LATEST_TIME_MS - 1000, speed: MAX_CLOCK_SPEED, frozen: false }, 86_400_000), LATEST_TIME_MS);
  t.equal((await get(app, `${vmPath(WINDOWS_VM)}?api-version=${API_VERSION}&$expand=instanceView`)).statusCode, 200, 'and everything still answers');
});

t.test('the request journal keeps large bodies as a note of their size', async (t) => {
  const { app } = testEmulator(t);
  const big = { location: 'westus', properties: { ...WINDOWS_IMAGE, blob: 'x'.repeat(MAX_JOURNAL_BODY_BYTES) } };
  t.equal((await app.inject({ method: 'PUT', url: `${vmPath('big-vm')}?api-version=${API_VERSION}`, headers: AUTH, payload: big })).statusCode, 201);
  t.equal((await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY)).statusCode, 202);
  const entries = (await app.inject({ method: 'GET', url: '/_emulator/requests' })).json().value as Array<{ method: string; body: unknown }>;
  t.match(entries.find((e) => e.method === 'PUT')!.body, /^\[\d+ bytes, not kept\]$/);
  t.same(entries.find((e) => e.method === 'POST')!.body, SPEC_EXAMPLE_BODY, 'small bodies are kept whole');
});

t.test('over a real socket: over-long and malformed requests get a CloudError, on both listeners', async (t) => {
  const emulator = await listeningEmulator(t);
  const listeners = [
    { name: 'HTTP', port: Number(new URL(emulator.httpUrl).port), secure: false },
    { name: 'HTTPS', port: Number(new URL(emulator.httpsUrl).port), secure: true },
  ];
  const path = `${vmPath(WINDOWS_VM)}?api-version=${API_VERSION}`;
  const cases = [
    { name: 'headers over 16 KiB', bytes: `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, message: 'The size of the request headers is too long.' },
    { name: 'a URL over 16 KiB', bytes: `GET ${vmPath('v'.repeat(17 * 1024))} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, message: 'The size of the request headers is too long.' },
    { name: 'a control character in a header', bytes: `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\u0001b\r\n\r\n`, message: 'The request is badly formed.' },
    { name: 'a garbage request line', bytes: 'HELLO\r\n\r\n', message: 'The request is badly formed.' },
    { name: 'a space in the path', bytes: `GET /subscriptions/a b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, message: 'The request is badly formed.' },
    { name: 'a bad Content-Length', bytes: `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n`, message: 'The request is badly formed.' },
  ];
  for (const listener of listeners) {
    for (const { name, bytes, message } of cases) {
      const answer = await rawRequest(listener.port, bytes, { secure: listener.secure });
      t.equal(answer.statusCode, 400, `${listener.name}, ${name}: 400`);
      t.ok(isCloudError(answer), `${listener.name}, ${name}: a CloudError`);
      t.equal(JSON.parse(answer.body || '{}').error?.message, message, `${listener.name}, ${name}`);
    }
    const health = await rawRequest(listener.port, 'GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', { secure: listener.secure });
    t.equal(health.statusCode, 200, `${listener.name}: still healthy`);
  }
  const longButFine = await rawRequest(listeners[0]!.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer x\r\nX-Long: ${'a'.repeat(8 * 1024)}\r\nConnection: close\r\n\r\n`);
  t.equal(longButFine.statusCode, 200, 'headers under the limit are served');
});
