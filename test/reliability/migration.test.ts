// Schema migrations (docs/reliability.md). A database of the first schema, built here from
// migration 1's SQL and filled, through that schema's columns, with what an emulator holds (a
// finished install, a running assessment, the clock), is opened and upgraded: nothing is lost and the
// running operation finishes. A file that is not an emulator database, or has a newer schema, stops
// start-up with one clear line and keeps every byte.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { buildApp } from '../../server/app.js';
import { openServices } from '../../server/services.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../server/store/database.js';
import { parseCompletionMode } from '../../simulator/progress.js';
import {
  API_VERSION,
  AUTH,
  installUrl,
  LINUX_VM,
  pollToTerminal,
  post,
  SPEC_EXAMPLE_BODY,
  tempDir,
  testEmulator,
  vmPath,
  WINDOWS_VM,
} from '../helpers.js';
import { runCli, ON_FREE_PORTS } from '../process-harness.js';

/** Writes a schema-1 database holding what `source` holds, column by column as schema 1 had them. */
function writeVersion1Database(file: string, source: ReturnType<typeof testEmulator>['services']) {
  const { resourceGroups, virtualMachines } = source.resources.exportAll();
  const operations = source.operations.exportAll();
  const db = new Database(file);
  db.exec(MIGRATIONS[0] as string);
  db.pragma('user_version = 1');
  const setting = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
  setting.run('seeded', 'true');
  setting.run('clock', JSON.stringify(source.clock.exportState()));
  setting.run('control', JSON.stringify(source.control.snapshot()));
  for (const g of resourceGroups) {
    db.prepare('INSERT INTO resource_groups (subscription_id, name_key, name, location, tags) VALUES (?, ?, ?, ?, ?)').run(
      g.subscriptionId.toLowerCase(), g.name.toLowerCase(), g.name, g.location, JSON.stringify(g.tags),
    );
  }
  for (const vm of virtualMachines) {
    db.prepare(
      `INSERT INTO virtual_machines (subscription_id, resource_group_key, name_key, name, location, vm_id, os_family, catalogue_key,
         power_state, time_created, definition, patch_state, operation_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      vm.subscriptionId.toLowerCase(), vm.resourceGroup.toLowerCase(), vm.name.toLowerCase(), vm.name, vm.location, vm.vmId, vm.osFamily,
      vm.catalogueKey, vm.powerState, vm.timeCreated, JSON.stringify(vm.definition), JSON.stringify(vm.patchState), vm.operationCount,
    );
  }
  for (const op of operations) {
    db.prepare(
      `INSERT INTO operations (subscription_id, id, kind, location, resource_group_key, vm_key, api_version, completion, status,
         start_ms, end_ms, status_polls, plan, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      op.subscriptionId, op.id, op.kind, op.location, op.resourceGroup, op.vmName, op.apiVersion, op.completion, op.status,
      op.startMs, op.endMs, op.statusPolls, JSON.stringify(op.plan), op.resultJson,
    );
  }
  db.close();
  return { virtualMachines, operations };
}

t.test('a database of schema 1 is upgraded in place and keeps everything', async (t) => {
  t.equal(SCHEMA_VERSION, MIGRATIONS.length);
  const source = testEmulator(t, { completion: 'polls:2' });
  const finished = await post(source.app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  await pollToTerminal(source.app, finished.headers['azure-asyncoperation'] as string);
  const running = await post(source.app, `${vmPath(LINUX_VM)}/assessPatches?api-version=${API_VERSION}`, undefined);
  const file = join(tempDir(t), 'emulator.sqlite');
  const before = writeVersion1Database(file, source.services);
  t.equal(before.operations.length, 2);

  const services = openServices({ databaseFile: file, seed: 'compute-patch-emulator', clockSpeed: 600, completion: parseCompletionMode('polls:2')! });
  const app = buildApp(services, { retryAfterSeconds: null });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  t.equal(services.db.pragma('user_version', { simple: true }), SCHEMA_VERSION, 'the schema version is recorded');
  t.same(
    services.operations.exportAll(),
    before.operations.map((op) => ({ ...op, vmSequence: 0 })),
    'every operation is kept as it was (the column schema 2 added reads 0 for older rows)',
  );
  t.same(services.resources.exportAll().virtualMachines, before.virtualMachines, 'every VM is kept as it was');

  const { final } = await pollToTerminal(app, running.headers['azure-asyncoperation'] as string);
  t.equal(final.status, 'Succeeded', 'the operation running before the upgrade finishes after it');
  t.equal(final.name, running.headers['x-ms-request-id']);

  // A new operation on an upgraded VM gets the next number and is the VM's latest.
  const next = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  t.equal(next.statusCode, 202);
  t.not(next.headers['x-ms-request-id'], finished.headers['x-ms-request-id']);
  await pollToTerminal(app, next.headers['azure-asyncoperation'] as string);
  const view = await app.inject({ method: 'GET', url: `${vmPath(WINDOWS_VM)}/instanceView?api-version=${API_VERSION}`, headers: AUTH });
  t.equal(view.json().patchStatus.lastPatchInstallationSummary.installationActivityId, next.headers['x-ms-request-id']);
});

t.test('a file that is not an emulator database stops start-up and keeps its bytes', async (t) => {
  const cases: Array<{ name: string; write: (file: string) => void; message: RegExp }> = [
    { name: 'random bytes', write: (file) => writeFileSync(file, randomBytes(8192)), message: /is not an emulator database \(not a SQLite file\); it was left untouched/ },
    { name: 'a short text file', write: (file) => writeFileSync(file, 'hello\n'), message: /is not an emulator database \(not a SQLite file\)/ },
    {
      name: 'a newer schema',
      write: (file) => {
        const db = new Database(file);
        db.exec(MIGRATIONS[0] as string);
        db.pragma(`user_version = ${SCHEMA_VERSION + 7}`);
        db.close();
      },
      message: new RegExp(`has schema version ${SCHEMA_VERSION + 7}, newer than this emulator knows \\(${SCHEMA_VERSION}\\); it was left untouched`),
    },
    {
      name: 'another application\u2019s SQLite database',
      write: (file) => {
        const db = new Database(file);
        db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (9.5)");
        db.close();
      },
      message: /is not an emulator database \(it has tables of its own\); it was left untouched/,
    },
  ];
  for (const { name, write, message } of cases) {
    const dataDir = tempDir(t);
    const file = join(dataDir, 'emulator.sqlite');
    write(file);
    const bytes = readFileSync(file);
    const run = await runCli([...ON_FREE_PORTS, '--data-dir', dataDir]);
    t.equal(run.code, 1, `${name}: the CLI exits 1`);
    t.equal(run.stderr.trim().split('\n').length, 1, `${name}: one line`);
    t.match(run.stderr, message, name);
    t.ok(readFileSync(file).equals(bytes), `${name}: not a byte changed`);
    t.notOk(existsSync(`${file}-wal`) || existsSync(`${file}-journal`), `${name}: no journal left beside it`);
  }
});
