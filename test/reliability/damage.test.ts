// Damage and failing disks (server/store/database.ts, server/store/store-health.ts,
// docs/reliability.md): a damaged database stops start-up with exit status 3 and is left as it
// was, unless --allow-damaged-database; an empty file is never taken for a new database; a row
// that cannot be read is a 500 that says so; health says Degraded (503) while writes fail and
// once damage was seen; a shutdown whose checkpoint fails exits non-zero.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { AUTH, get, installUrl, pathOf, post, SPEC_EXAMPLE_BODY, tempDir, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';
import { request, runCli, startCli, stop, ON_FREE_PORTS } from '../process-harness.js';

const INSTALL_PATH = `${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`;
const health = async (base: string) => {
  const answer = await request(`${base}/_emulator/health`);
  return { status: answer.status, body: JSON.parse(answer.body) as { status: string; store: string; detail?: string } };
};

/** A data folder whose database holds `installs` accepted operations; the emulator killed (the log not folded in) or stopped. */
async function folderWithOperations(t: Parameters<typeof tempDir>[0], installs: number, end: 'SIGKILL' | 'SIGTERM') {
  const dir = tempDir(t);
  const emulator = await startCli([...ON_FREE_PORTS, '--data-dir', dir, '--completion', 'polls:1']);
  t.teardown(() => stop(emulator, 'SIGKILL'));
  const ids: string[] = [];
  for (let i = 0; i < installs; i++) {
    const answer = await request(`${emulator.httpUrl}${INSTALL_PATH}`, { method: 'POST', body: SPEC_EXAMPLE_BODY });
    if (answer.status !== 202) throw new Error(`install answered ${answer.status}`);
    ids.push(String(answer.headers['x-ms-request-id']));
  }
  const code = await stop(emulator, end);
  if (code !== (end === 'SIGTERM' ? 0 : null)) throw new Error(`the emulator exited ${code} (${emulator.child.signalCode}) on ${end}: ${emulator.errors()}`);
  return { dir, file: join(dir, 'emulator.sqlite'), ids };
}

t.test('an existing empty database file is refused, not taken for a new database', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'emulator.sqlite'), '');
  const run = await runCli([...ON_FREE_PORTS, '--data-dir', dir]);
  t.equal(run.code, 1);
  t.match(run.stderr, /emulator\.sqlite is empty \(0 bytes\), so it is not taken for a new database; it was left untouched/);
  t.equal(statSync(join(dir, 'emulator.sqlite')).size, 0, 'and it is still empty');
});

t.test('a damaged write-ahead log (frames SQLite would silently drop) stops start-up with exit 3', async (t) => {
  const { dir, file, ids } = await folderWithOperations(t, 6, 'SIGKILL');
  const wal = readFileSync(`${file}-wal`);
  t.ok(wal.length > 32 + 3 * 4120, 'the killed emulator left its commits in the log');
  // One byte of the first frame's page: SQLite would stop reading the log there.
  wal[32 + 24 + 200] ^= 0xff;
  writeFileSync(`${file}-wal`, wal);
  const run = await runCli([...ON_FREE_PORTS, '--data-dir', dir]);
  t.equal(run.code, 3, 'exit status 3');
  t.match(run.stderr, /is damaged: frame 1 of its write-ahead log is damaged, and SQLite would silently drop it/);
  t.match(run.stderr, /--allow-damaged-database/, 'and names the way to start anyway');
  t.same(readFileSync(`${file}-wal`), wal, 'the log was left untouched');

  const anyway = await startCli([...ON_FREE_PORTS, '--data-dir', dir, '--allow-damaged-database']);
  t.teardown(() => stop(anyway, 'SIGKILL'));
  const said = await health(anyway.httpUrl);
  t.equal(said.status, 503, 'started anyway: health is 503');
  t.same([said.body.status, said.body.store], ['Degraded', 'damaged']);
  t.match(anyway.errors(), /warning: database .* is damaged/);
  t.ok(ids.length === 6);
});

t.test('a damaged page behind an intact header stops start-up with exit 3 (quick_check)', async (t) => {
  const { dir, file } = await folderWithOperations(t, 4, 'SIGTERM');
  const db = new Database(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const root = (db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'operations'").get() as { rootpage: number }).rootpage;
  db.close();
  const bytes = readFileSync(file);
  bytes.fill(0xee, (root - 1) * pageSize, (root - 1) * pageSize + 16); // the table's root page header
  writeFileSync(file, bytes);
  const run = await runCli([...ON_FREE_PORTS, '--data-dir', dir]);
  t.equal(run.code, 3);
  t.match(run.stderr, /is damaged: SQLite's quick_check says /);
  t.same(readFileSync(file), bytes, 'the file was left untouched');
});

t.test('a row that cannot be read is a 500 that says so, and health reports Degraded', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'polls:1' });
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  // Damage inside a stored value, which SQLite's page checks cannot see.
  services.db.prepare("UPDATE operations SET plan = '{\"kind\":\"installPa' WHERE id = ?").run(accepted.headers['x-ms-request-id']);
  const poll = await get(app, pathOf(String(accepted.headers['azure-asyncoperation'])));
  t.equal(poll.statusCode, 500, 'not a 400 blaming the client');
  t.equal(poll.json().error.code, 'InternalServerError');
  t.match(poll.json().error.message, /an operation plan stored in the database is unreadable/);
  const said = await app.inject({ method: 'GET', url: '/_emulator/health' });
  t.equal(said.statusCode, 503);
  t.same([said.json().status, said.json().store], ['Degraded', 'damaged']);
});

t.test('a full disk: writes answer 500, health is 503 Degraded until a write succeeds, nothing acknowledged is lost', async (t) => {
  const { app, services } = testEmulator(t);
  t.equal((await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY)).statusCode, 202);
  // SQLite's page limit stands in for the disk: a write that needs a new page fails as on a full disk.
  services.db.pragma(`max_page_count = ${services.db.pragma('page_count', { simple: true })}`);
  let refused;
  for (let i = 0; i < 50 && !refused; i++) {
    const answer = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
    if (answer.statusCode !== 202) refused = answer;
  }
  t.ok(refused, 'a write failed');
  t.equal(refused!.statusCode, 500);
  t.match(refused!.json().error.message, /could not write to its database: database or disk is full/);
  const stored = services.operations.exportAll().length;
  let said = await app.inject({ method: 'GET', url: '/_emulator/health' });
  t.equal(said.statusCode, 503);
  t.same([said.json().status, said.json().store], ['Degraded', 'write failed']);
  t.equal((await get(app, `${vmPath(WINDOWS_VM)}?api-version=2024-07-01`, AUTH)).statusCode, 200, 'reads are served');
  t.equal((await app.inject({ method: 'GET', url: '/_emulator/health' })).statusCode, 503, 'a read does not clear it');

  services.db.pragma('max_page_count = 1073741823');
  t.equal((await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY)).statusCode, 202, 'space again: the next write succeeds');
  said = await app.inject({ method: 'GET', url: '/_emulator/health' });
  t.equal(said.statusCode, 200);
  t.equal(said.json().status, 'Healthy');
  t.equal(services.operations.exportAll().length, stored + 1, 'every acknowledged operation is there');
});

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
t.test('a shutdown whose checkpoint fails (the database file cannot grow) exits non-zero and keeps the log', { skip: !hasPrlimit && process.env.CI !== 'true' ? 'needs prlimit (util-linux: apt-get install util-linux)' : false }, async (t) => {
  const { dir, file } = await folderWithOperations(t, 0, 'SIGTERM');
  // Files may grow three pages past the folded-in database: the log takes a 20 KB write (a
  // scenario), the database cannot take its new pages back (prlimit: a file-size limit, EFBIG).
  const emulator = await startCli([...ON_FREE_PORTS, '--data-dir', dir], { prefix: ['prlimit', `--fsize=${statSync(file).size + 3 * 4096}`] });
  t.teardown(() => stop(emulator, 'SIGKILL'));
  const scenario = { outcome: { failPatches: Array.from({ length: 80 }, (_, i) => String(i).padEnd(250, 'x')) } };
  const added = await request(`${emulator.httpUrl}/_emulator/scenarios`, { method: 'POST', body: scenario });
  t.equal(added.status, 201, 'the write is acknowledged (it is in the log)');
  t.equal(await stop(emulator, 'SIGTERM'), 1, 'exit status 1');
  t.match(emulator.errors(), /shutdown failed: the database's write-ahead log could not be folded into it \(disk I\/O error\); it is kept/);
  t.ok(existsSync(`${file}-wal`), 'the log is kept');

  const restarted = await startCli([...ON_FREE_PORTS, '--data-dir', dir]);
  t.teardown(() => stop(restarted, 'SIGKILL'));
  const scenarios = JSON.parse((await request(`${restarted.httpUrl}/_emulator/scenarios`)).body).value;
  t.equal(scenarios.length, 1, 'and what it held is there at the next start');
  t.equal(await stop(restarted, 'SIGTERM'), 0);
});
