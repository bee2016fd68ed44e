// The emulator as a user starts it: a spawned `node dist/server/cli.js`, its start-up lines, HTTPS
// with the generated certificate, the spec example through to Succeeded, a clean SIGTERM, and a
// restart on the same data folder that keeps what was accepted.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { SPEC_EXAMPLE_BODY, SUBSCRIPTION, tempDir, vmPath, WINDOWS_VM } from '../helpers.js';
import { CLI_PATH, request, startCli, stop } from '../process-harness.js';

t.test('start-up lines, HTTPS trusted through the printed certificate, the spec example to Succeeded', async (t) => {
  const dataDir = tempDir(t);
  const started = await startCli(['--https-port', '0', '--http-port', '0', '--data-dir', dataDir, '--completion', 'polls:2', '--silent']);
  t.teardown(() => stop(started, 'SIGKILL'));
  t.match(started.httpsUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  t.match(started.httpUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(started.certPath, join(dataDir, 'tls', 'cert.pem'));
  t.ok(started.lines.some((line) => line.includes(dataDir)), 'the data folder is printed');
  t.ok(started.lines.some((line) => line.includes('NODE_EXTRA_CA_CERTS')), 'how to trust the certificate is printed');
  t.ok(started.lines.includes(`  UI      ${started.httpUrl}/_emulator/ui`), "the dashboard's address is printed");
  const dashboard = await fetch(`${started.httpUrl}/_emulator/ui`);
  t.equal(dashboard.status, 200);
  t.match(await dashboard.text(), /<title>Patch emulator dashboard<\/title>/, 'the page is found from dist/');

  const ca = readFileSync(started.certPath, 'utf8');
  const base = started.httpsUrl.replace('127.0.0.1', 'localhost');
  const accepted = await request(`${base}${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`, { method: 'POST', body: SPEC_EXAMPLE_BODY, ca });
  t.equal(accepted.status, 202);
  const statusUrl = String(accepted.headers['azure-asyncoperation']);
  t.match(statusUrl, new RegExp(`^${base}/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westus/operations/`));
  t.equal(JSON.parse((await request(statusUrl, { ca })).body).status, 'InProgress');
  const done = JSON.parse((await request(statusUrl, { ca })).body);
  t.equal(done.status, 'Succeeded');
  t.ok(done.properties.output.installedPatchCount > 0);

  // The same certificate is valid for 127.0.0.1 too.
  t.equal((await request(`${started.httpsUrl}/_emulator/health`, { ca })).status, 200);
  t.equal(await stop(started), 0, 'SIGTERM shuts down cleanly');
});

t.test('a restart on the same data folder keeps operations and reuses the certificate', async (t) => {
  const dataDir = tempDir(t);
  const args = ['--https-port', '0', '--http-port', '0', '--data-dir', dataDir, '--completion', 'polls:1', '--silent'];
  const first = await startCli(args);
  const ca = readFileSync(first.certPath, 'utf8');
  const accepted = await request(`${first.httpsUrl.replace('127.0.0.1', 'localhost')}${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`, { method: 'POST', body: SPEC_EXAMPLE_BODY, ca });
  t.equal(accepted.status, 202);
  t.equal(await stop(first), 0);

  const second = await startCli(args);
  t.teardown(() => stop(second, 'SIGKILL'));
  t.equal(readFileSync(second.certPath, 'utf8'), ca, 'the certificate is kept');
  const port = new URL(second.httpsUrl).port;
  const statusUrl = String(accepted.headers['azure-asyncoperation']).replace(/:\d+\//, `:${port}/`);
  const done = JSON.parse((await request(statusUrl, { ca })).body);
  t.equal(done.status, 'Succeeded', 'the operation accepted before the restart completes after it');
  t.equal(done.name, accepted.headers['x-ms-request-id']);
});

t.test('with no flags at all it serves the defaults: HTTPS 8443 and HTTP 8080 on loopback, data in the per-user folder', async (t) => {
  // Not a project folder (no package.json): the data goes where an installed tool keeps it.
  const cwd = tempDir(t);
  const started = await startCli([], { cwd, env: { HOME: cwd, XDG_DATA_HOME: '' } });
  t.teardown(() => stop(started, 'SIGKILL'));
  t.equal(started.httpsUrl, 'https://127.0.0.1:8443');
  t.equal(started.httpUrl, 'http://127.0.0.1:8080');
  const dataDir = join(cwd, '.local', 'share', 'compute-patch-emulator');
  t.ok(started.lines.some((line) => line.trim() === `data    ${dataDir}`), 'the start-up lines name the data folder');
  t.equal(started.certPath, join(dataDir, 'tls', 'cert.pem'));
  const health = await request('https://localhost:8443/_emulator/health', { ca: readFileSync(started.certPath, 'utf8') });
  t.equal(JSON.parse(health.body).status, 'Healthy');
  t.equal(await stop(started, 'SIGINT'), 0, 'SIGINT shuts down cleanly');
});

t.test('in a project folder (one with a package.json) the data folder is ./.cpe-data; XDG_DATA_HOME moves the per-user one', async (t) => {
  const project = tempDir(t);
  writeFileSync(join(project, 'package.json'), '{}');
  const inProject = await startCli(['--https-port', '0', '--http-port', '0', '--silent'], { cwd: project, env: { HOME: project } });
  t.equal(inProject.certPath, join(project, '.cpe-data', 'tls', 'cert.pem'));
  t.equal(await stop(inProject), 0);

  const elsewhere = tempDir(t);
  const xdg = join(elsewhere, 'xdg-data');
  const started = await startCli(['--https-port', '0', '--http-port', '0', '--silent'], { cwd: elsewhere, env: { HOME: elsewhere, XDG_DATA_HOME: xdg } });
  t.equal(started.certPath, join(xdg, 'compute-patch-emulator', 'tls', 'cert.pem'));
  t.ok(existsSync(join(xdg, 'compute-patch-emulator', 'emulator.sqlite')));
  t.equal(await stop(started), 0);
});

t.test('a bad option stops start-up with one line and exit status 2', async (t) => {
  const child = spawn(process.execPath, [CLI_PATH, '--https-port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  t.equal(code, 2);
  t.equal(err.trim().split('\n').length, 1);
  t.match(err, /--https-port: expected a port number from 0 to 65535, got 'eighty'/);
});
