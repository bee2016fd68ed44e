// The admin API and the host names the emulator answers to (server/admin/guard.ts,
// server/hosts.ts, docs/reliability.md): what a web page on another origin can send is refused, a
// Host that is not the emulator's own is refused (DNS rebinding), and operation URLs carry the
// checked Host only.

import t from 'tap';
import { API_VERSION, AUTH, installUrl, listeningEmulator, post, SPEC_EXAMPLE_BODY, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';
import { isCloudError, rawRequest } from './hostile.js';

const operationsOf = async (app: Awaited<ReturnType<typeof testEmulator>>['app']) => (await app.inject({ method: 'GET', url: '/_emulator/state' })).json().operations.length as number;

t.test('a state-changing admin request a page on another origin could send is refused, and changes nothing', async (t) => {
  const { app } = testEmulator(t);
  t.equal((await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY)).statusCode, 202);
  t.equal(await operationsOf(app), 1);

  const evil = await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { origin: 'http://evil.example' } });
  t.equal(evil.statusCode, 403, 'a bodiless reset from a foreign origin');
  t.ok(isCloudError({ statusCode: evil.statusCode, headers: evil.headers, body: evil.body }));
  t.equal(evil.json().error.code, 'Forbidden');
  const evilJson = await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, payload: '{}' });
  t.equal(evilJson.statusCode, 403, 'a foreign origin is refused even with a JSON body');
  t.equal((await app.inject({ method: 'DELETE', url: '/_emulator/faults', headers: { origin: 'null' } })).statusCode, 403, "an opaque origin ('null')");
  const bare = await app.inject({ method: 'POST', url: '/_emulator/reset' });
  t.equal(bare.statusCode, 403, 'a POST with no JSON body and no X- header: a form or a fetch in no-cors mode could send it');
  t.match(bare.json().error.message, /needs a JSON body/);
  const form = await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { 'content-type': 'text/plain' }, payload: '{}' });
  t.equal(form.statusCode, 403, 'text/plain, a type a page may send unasked');
  t.equal(await operationsOf(app), 1, 'nothing was reset');

  const sameOrigin = await app.inject({ method: 'POST', url: '/_emulator/clock', headers: { origin: 'http://localhost:80', host: 'localhost:80' }, payload: { frozen: true } });
  t.equal(sameOrigin.statusCode, 200, "the emulator's own pages (the dashboard) are served");
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/reset', headers: { 'x-requested-by': 'test' } })).statusCode, 200, 'a bodiless reset with an X- header');
  t.equal(await operationsOf(app), 0);
  t.equal((await app.inject({ method: 'POST', url: '/_emulator/reset', payload: {} })).statusCode, 200, 'or a JSON body');
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/health', headers: { origin: 'http://evil.example' } })).statusCode, 200, 'the health check is open');
});

t.test('a Host that is not one of the emulator\'s names is refused (DNS rebinding), and URLs come from the checked Host', async (t) => {
  const { app } = testEmulator(t, { allowedHosts: ['emulator.example.test', '*.corp.test'] });
  const refused = async (host: string, url = '/_emulator/state', headers: Record<string, string> = {}) => {
    const answer = await app.inject({ method: 'GET', url, headers: { ...headers, host } });
    return answer.statusCode === 400 && answer.json().error.message === 'The request hostname is invalid.';
  };
  t.ok(await refused('attacker.example'), 'GET /_emulator/state with Host: attacker.example');
  t.ok(await refused('attacker.example:8080', `${vmPath(WINDOWS_VM)}?api-version=${API_VERSION}`, AUTH), 'an ARM read too');
  t.ok(await refused('a.b.corp.test'), "'*' stands for one label");
  t.ok(await refused('cpe'), 'a name without a dot is not allowed unless configured');
  t.ok(await refused('localhost.evil.example'));
  t.ok(await refused('exa mple'));
  for (const host of ['localhost', 'LOCALHOST:8080', '127.0.0.1:8443', '[::1]:8443', 'app.localhost', '10.1.2.3', 'emulator.example.test.', 'build.corp.test:8443']) {
    t.equal((await app.inject({ method: 'GET', url: '/_emulator/state', headers: { host } })).statusCode, 200, host);
  }
  const accepted = await app.inject({ method: 'POST', url: installUrl(WINDOWS_VM), headers: { ...AUTH, host: 'build.corp.test:8443' }, payload: SPEC_EXAMPLE_BODY });
  t.match(accepted.headers.location, /^http:\/\/build\.corp\.test:8443\/subscriptions\//);
  const forged = await app.inject({ method: 'POST', url: installUrl(WINDOWS_VM), headers: { ...AUTH, host: 'attacker.example' }, payload: SPEC_EXAMPLE_BODY });
  t.equal(forged.statusCode, 400, 'a foreign Host never reaches a Location URL');
});

t.test('over real sockets: --allowed-host, a missing Host, CONNECT on the HTTPS port', async (t) => {
  const emulator = await listeningEmulator(t, ['--allowed-host', 'emulator.example.test', '--allowed-host', '*']);
  const httpPort = Number(new URL(emulator.httpUrl).port);
  const httpsPort = Number(new URL(emulator.httpsUrl).port);
  const health = (host: string | undefined, version = '1.1', secure = false) =>
    rawRequest(secure ? httpsPort : httpPort, `GET /_emulator/health HTTP/${version}\r\n${host === undefined ? '' : `Host: ${host}\r\n`}Connection: close\r\n\r\n`, { secure });
  t.equal((await health('emulator.example.test:8080')).statusCode, 200, '--allowed-host');
  t.equal((await health('cpe:8080')).statusCode, 200, "'*': a container name");
  t.equal((await health('attacker.example')).statusCode, 400);
  for (const secure of [false, true]) {
    const noHost = await health(undefined, '1.1', secure);
    t.equal(noHost.statusCode, 400, `HTTP/1.1 without Host (${secure ? 'HTTPS' : 'HTTP'})`);
    t.ok(isCloudError(noHost), 'as a CloudError');
    t.equal(JSON.parse(noHost.body).error.message, 'The request hostname is invalid.');
  }
  t.equal((await health(undefined, '1.0')).statusCode, 200, 'HTTP/1.0 needs no Host');
  const connect = await rawRequest(httpsPort, 'CONNECT login.microsoftonline.com:443 HTTP/1.1\r\nHost: login.microsoftonline.com:443\r\n\r\n', { secure: true });
  t.equal(connect.statusCode, 405, 'CONNECT on the HTTPS port');
  t.ok(isCloudError(connect));
  t.equal(JSON.parse(connect.body).error.code, 'MethodNotAllowed');
});
