// Migration 3 (server/store/database.ts): a version-2 database keeps every operation, each plan's
// duration lands in its own column, and status reads leave the plan out.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import t from 'tap';
import { MIGRATIONS, openDatabase, SCHEMA_VERSION } from '../../server/store/database.js';
import { OperationStore } from '../../server/store/operation-store.js';
import { SUBSCRIPTION, tempDir } from '../helpers.js';

t.test('a version-2 database upgraded to the current schema keeps its operations', async (t) => {
  const file = join(tempDir(t), 'emulator.sqlite');
  const v2 = new Database(file);
  v2.exec(MIGRATIONS[0] as string);
  v2.exec(MIGRATIONS[1] as string);
  v2.pragma('user_version = 2');
  const insert = v2.prepare(
    `INSERT INTO operations (subscription_id, id, kind, location, resource_group_key, vm_key, vm_sequence, api_version, completion,
       status, start_ms, end_ms, status_polls, plan, result) VALUES (?, ?, 'installPatches', 'westus', 'rg', 'vm', ?, '2024-07-01', ?, ?, ?, ?, ?, ?, ?)`,
  );
  insert.run(SUBSCRIPTION, 'running', 2, 'time', 'InProgress', 1000, null, 0, JSON.stringify({ durationMs: 5000, patches: [] }), null);
  insert.run(SUBSCRIPTION, 'done', 1, 'polls:2', 'Succeeded', 2000, 3000, 2, JSON.stringify({ durationMs: 7000 }), JSON.stringify({ status: 'Succeeded' }));
  v2.close();

  const db = openDatabase(file);
  t.teardown(() => db.close());
  t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'operations' AND sql IS NOT NULL").all();
  t.same(indexes.map((i) => (i as { name: string }).name).sort(), ['operations_by_sequence', 'operations_by_vm', 'operations_in_progress', 'operations_latest']);
  const plan = db
    .prepare(
      `EXPLAIN QUERY PLAN SELECT * FROM operations INDEXED BY operations_in_progress WHERE subscription_id = ? AND resource_group_key = ?
         AND vm_key = ? AND status = 'InProgress' AND start_ms >= ? ORDER BY vm_sequence, start_ms`,
    )
    .all(SUBSCRIPTION, 'rg', 'vm', 0) as Array<{ detail: string }>;
  t.match(plan.map((step) => step.detail).join('\n'), /operations_in_progress/, "a VM's running operations have an index that serves their query");
  const columns = (db.prepare('PRAGMA table_info(operations)').all() as Array<{ name: string }>).map((c) => c.name);
  t.same(columns.slice(-2), ['plan', 'result'], 'the plan and the result are the last columns');

  const store = new OperationStore(db);
  t.match(store.get(SUBSCRIPTION, 'running'), {
    status: 'InProgress', vmSequence: 2, startMs: 1000, completion: 'time', plan: { durationMs: 5000, patches: [] }, resultJson: null,
  });
  t.match(store.getStatus(SUBSCRIPTION, 'running'), { status: 'InProgress', vmSequence: 2, startMs: 1000, durationMs: 5000, resultJson: null });
  t.match(store.get(SUBSCRIPTION, 'done'), {
    status: 'Succeeded', vmSequence: 1, endMs: 3000, statusPolls: 2, plan: { durationMs: 7000 }, resultJson: '{"status":"Succeeded"}',
  });
  const status = store.getStatus(SUBSCRIPTION, 'done');
  t.match(status, { status: 'Succeeded', durationMs: 7000, resultJson: '{"status":"Succeeded"}' });
  t.notOk(status && 'plan' in status, 'a status read leaves the plan out');
  t.same(
    store.inProgressForVm({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg', name: 'vm' }, 0).map((o) => o.id),
    ['running'],
  );
});

t.test('a new operation stores its plan duration', async (t) => {
  const db = openDatabase(join(tempDir(t), 'emulator.sqlite'));
  t.teardown(() => db.close());
  const store = new OperationStore(db);
  store.insert({
    subscriptionId: SUBSCRIPTION, id: 'new', kind: 'assessPatches', location: 'westus', resourceGroup: 'RG', vmName: 'VM',
    vmSequence: 1, apiVersion: '2024-07-01', completion: 'time', startMs: 10, plan: { durationMs: 1234 },
  });
  t.match(store.getStatus(SUBSCRIPTION, 'new'), { durationMs: 1234, statusPolls: 0, status: 'InProgress' });
});
