// A start that cannot succeed, as a user meets it in a spawned CLI: a --cert/--key or data folder
// that cannot be used is named with its option and its path, in one line, with exit status 2; and
// whatever fails, the data folder is left as it was (no half-made folder, no new database).

import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { generate } from 'selfsigned';
import { tempDir } from '../helpers.js';
import { CLI_PATH, cleanEnv, request, runNode, startCli, stop, type ProcessResult } from '../process-harness.js';

const PORTS = ['--https-port', '0', '--http-port', '0', '--silent'];

async function certificate(name: string): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    curve: 'P-256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
  });
  return { cert: pems.cert, key: pems.private };
}

function refused(t: Test, result: ProcessResult, message: RegExp, what: string): void {
  t.equal(result.code, 2, `${what}: status 2`);
  t.equal(result.stdout, '', `${what}: nothing on stdout`);
  t.equal(result.stderr.trimEnd().split('\n').length, 1, `${what}: one line`);
  t.match(result.stderr, message, what);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

t.test('--cert and --key that cannot be used are named with their path; nothing is made', async (t) => {
  const dir = tempDir(t);
  const good = await certificate('localhost');
  const other = await certificate('other');
  const files = {
    cert: join(dir, 'cert.pem'),
    key: join(dir, 'key.pem'),
    otherKey: join(dir, 'other-key.pem'),
    text: join(dir, 'notes.txt'),
    folder: join(dir, 'a-folder'),
    encrypted: join(dir, 'encrypted-key.pem'),
    missing: join(dir, 'missing.pem'),
  };
  writeFileSync(files.cert, good.cert);
  writeFileSync(files.key, good.key);
  writeFileSync(files.otherKey, other.key);
  writeFileSync(files.text, 'not a certificate\n');
  mkdirSync(files.folder);
  const { privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(files.encrypted, privateKey);

  const cases: Array<[string, string, string, RegExp]> = [
    ['a missing --cert', files.missing, files.key, new RegExp(`--cert ${escape(files.missing)}: no such file`)],
    ['a missing --key', files.cert, files.missing, new RegExp(`--key ${escape(files.missing)}: no such file`)],
    ['a folder as --cert', files.folder, files.key, new RegExp(`--cert ${escape(files.folder)}: is a folder, not a file`)],
    ['a folder as --key', files.cert, files.folder, new RegExp(`--key ${escape(files.folder)}: is a folder, not a file`)],
    ['a --cert that is not PEM', files.text, files.key, new RegExp(`--cert ${escape(files.text)}: not a PEM certificate`)],
    ['a key given as --cert', files.key, files.key, new RegExp(`--cert ${escape(files.key)}: not a PEM certificate`)],
    ['a --key that is not PEM', files.cert, files.text, new RegExp(`--key ${escape(files.text)}: not a PEM private key`)],
    ['an encrypted --key', files.cert, files.encrypted, new RegExp(`--key ${escape(files.encrypted)}: the private key is encrypted`)],
    ['the --key of another certificate', files.cert, files.otherKey, new RegExp(`--key ${escape(files.otherKey)}: not the private key of --cert ${escape(files.cert)}`)],
  ];
  for (const [what, cert, key, message] of cases) {
    const dataDir = join(dir, 'data');
    const result = await runNode(CLI_PATH, [...PORTS, '--data-dir', dataDir, '--cert', cert, '--key', key], cleanEnv({}));
    refused(t, result, message, what);
    t.notOk(existsSync(dataDir), `${what}: no data folder is made`);
  }

  // And the pair that fits serves HTTPS with it.
  const dataDir = join(dir, 'data');
  const started = await startCli([...PORTS, '--data-dir', dataDir, '--cert', files.cert, '--key', files.key]);
  t.teardown(() => stop(started, 'SIGKILL'));
  t.equal(started.certPath, files.cert, 'the trust line names the given certificate');
  const health = await request(`${started.httpsUrl.replace('127.0.0.1', 'localhost')}/_emulator/health`, { ca: good.cert });
  t.equal(health.status, 200);
  t.notOk(existsSync(join(dataDir, 'tls')), 'no certificate is generated');
  t.equal(await stop(started), 0);
});

t.test('a data folder that is a file, or under a file, is refused before anything is written', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  refused(t, await runNode(CLI_PATH, [...PORTS, '--data-dir', file], cleanEnv({})), new RegExp(`--data-dir ${escape(file)}: is a file, not a folder`), 'a file');
  const under = join(file, 'data');
  refused(t, await runNode(CLI_PATH, [...PORTS, '--data-dir', under], cleanEnv({})), new RegExp(`--data-dir ${escape(under)}: cannot be made, ${escape(file)} is a file`), 'under a file');
  // The environment twin is named the same way.
  refused(t, await runNode(CLI_PATH, PORTS, cleanEnv({ CPE_DATA_DIR: file })), new RegExp(`--data-dir ${escape(file)}: is a file`), 'CPE_DATA_DIR');
});

// Permission checks as an ordinary user: root may write anywhere, so as root the CLI runs as nobody.
const NOBODY = 65534;
const asUser = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
function canRunAsUser(): string | undefined {
  if (process.platform === 'win32') return 'file modes do not apply on Windows';
  const probe = spawnSync('/bin/sh', ['-c', 'unset NODE_OPTIONS; exec "$0" "$@"', process.execPath, '-e', `require('node:fs').accessSync(${JSON.stringify(CLI_PATH)})`], { ...asUser, stdio: 'pipe' });
  if (probe.status === 0) return undefined;
  return `uid ${NOBODY} cannot run ${process.execPath} on ${CLI_PATH} (${String(probe.stderr || probe.error)}); run the tests from a folder every user can read`;
}
const userProblem = canRunAsUser();

function runAsUser(args: string[], dataParent: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    // Without tap's hooks, which it adds to NODE_OPTIONS of every child it sees spawned: they write
    // into the project's .tap folder, which this user cannot.
    const script = 'unset NODE_OPTIONS; exec "$0" "$@"';
    const child = spawn('/bin/sh', ['-c', script, process.execPath, CLI_PATH, ...args], { ...asUser, cwd: dataParent, env: cleanEnv({ HOME: dataParent }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// Skipped, CI included, only where the checkout itself is out of another user's reach (a clone
// under a private home folder): that is where the tests run, not a tool the machine lacks.
t.test('a data folder this user cannot write is refused with its path', { skip: userProblem ?? false }, async (t) => {
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  const own = (path: string) => (asUser.uid !== undefined ? chownSync(path, NOBODY, NOBODY) : undefined);
  own(dir);

  const readOnly = join(dir, 'read-only');
  mkdirSync(readOnly, { mode: 0o555 });
  own(readOnly);
  chmodSync(readOnly, 0o555);
  refused(t, await runAsUser([...PORTS, '--data-dir', readOnly], dir), new RegExp(`--data-dir ${escape(readOnly)}: the folder is read-only for this user`), 'a read-only folder');
  t.same(readdirSync(readOnly), [], 'nothing is written in it');

  const inside = join(readOnly, 'data');
  refused(t, await runAsUser([...PORTS, '--data-dir', inside], dir), new RegExp(`--data-dir ${escape(inside)}: cannot be made, ${escape(readOnly)} is not writable by this user`), 'a folder that cannot be made');

  // A kept database this user cannot write (copied from another user's run, say).
  const kept = join(dir, 'kept');
  mkdirSync(kept);
  writeFileSync(join(kept, 'emulator.sqlite'), '');
  const database = join(kept, 'emulator.sqlite');
  own(kept);
  own(database);
  chmodSync(database, 0o444);
  refused(t, await runAsUser([...PORTS, '--data-dir', kept], dir), new RegExp(`--data-dir ${escape(kept)}: ${escape(database)} cannot be read and written by this user`), 'a read-only database');
});

t.test('a start that fails after the checks (the port is taken) takes back what it made', async (t) => {
  const busy = createServer();
  await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
  t.teardown(() => busy.close());
  const port = String((busy.address() as { port: number }).port);
  const dir = tempDir(t);

  const fresh = join(dir, 'new', 'data');
  const first = await runNode(CLI_PATH, ['--https-port', port, '--http-port', '0', '--silent', '--data-dir', fresh], cleanEnv({}));
  t.equal(first.code, 1);
  t.match(first.stderr, /cannot start: .*EADDRINUSE/);
  t.notOk(existsSync(join(dir, 'new')), 'the folders made for it are gone');

  // A folder the user made (with a file of their own) keeps what it had, and only that.
  const own = join(dir, 'own');
  mkdirSync(own);
  writeFileSync(join(own, 'notes.txt'), 'mine');
  const second = await runNode(CLI_PATH, ['--https-port', '0', '--http-port', port, '--silent', '--data-dir', own], cleanEnv({}));
  t.equal(second.code, 1);
  t.same(readdirSync(own), ['notes.txt'], 'no database, certificate or key is left');

  // A data folder from an earlier run keeps its database and certificate.
  const started = await startCli([...PORTS, '--data-dir', own]);
  t.equal(await stop(started), 0);
  const before = readdirSync(own).sort();
  const third = await runNode(CLI_PATH, ['--https-port', port, '--http-port', '0', '--silent', '--data-dir', own], cleanEnv({}));
  t.equal(third.code, 1);
  t.same(readdirSync(own).sort(), before, 'a kept folder is left as it was');
});
