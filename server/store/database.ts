// The SQLite database: opening, pragmas and the schema migrations. The schema version lives in
// PRAGMA user_version; each migration is applied in one transaction.
//
// What start-up guarantees (README "Reliability"):
// - a file that is not an emulator database, or one of a newer schema, stops start-up and is never
//   written to: its header is read before SQLite opens it, and a SQLite file with tables of its own
//   is only read;
// - one process at a time: the connection holds an exclusive lock for its whole life (locking_mode
//   EXCLUSIVE), so a second emulator on the same data folder stops at once with a clear message,
//   and the operating system releases the lock when the process dies, even by SIGKILL;
// - a commit is durable against the process being killed (WAL, synchronous NORMAL: the commit is in
//   the operating system's hands when the call returns; a power cut may lose the last commits).

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { isLegacyPlan, upgradeLegacyPlan } from '../../simulator/legacy-plan.js';

export type Db = Database.Database;

/**
 * Migration 4: operations keep compact plans (patch ids, timings, outcomes and the catalogue
 * version, never copies of catalogue entries), and a VM's newest operation of a kind and its
 * operations by number are found through indexes, so that neither the instance view nor pruning
 * reads a VM's whole history. Plans stored before become compact plans carrying their own entries
 * (simulator/legacy-plan.ts), so their results read as before; a stored result is left byte for
 * byte, but the JSON `null` that stood for "no result" becomes SQL NULL.
 */
function compactOperations(db: Db): void {
  db.exec(`
    CREATE INDEX operations_latest ON operations (subscription_id, resource_group_key, vm_key, kind, vm_sequence, start_ms);
    CREATE INDEX operations_by_sequence ON operations (subscription_id, resource_group_key, vm_key, vm_sequence);
    UPDATE operations SET result = NULL WHERE result = 'null';
  `);
  // In batches by rowid: a store of the first release holds some 18 KB of plan per operation.
  const batch = db.prepare(
    `SELECT o.rowid AS rowid, o.plan AS plan, vm.catalogue_key AS catalogue_key FROM operations o
     LEFT JOIN virtual_machines vm ON vm.subscription_id = o.subscription_id AND vm.resource_group_key = o.resource_group_key
       AND vm.name_key = o.vm_key
     WHERE o.rowid > ? ORDER BY o.rowid LIMIT 500`,
  );
  const update = db.prepare('UPDATE operations SET plan = ? WHERE rowid = ?');
  for (let after = 0; ; ) {
    const rows = batch.all(after) as Array<{ rowid: number; plan: string; catalogue_key: string | null }>;
    if (rows.length === 0) return;
    for (const row of rows) {
      const plan = JSON.parse(row.plan) as unknown;
      if (isLegacyPlan(plan)) update.run(JSON.stringify(upgradeLegacyPlan(plan, row.catalogue_key ?? '')), row.rowid);
    }
    after = rows[rows.length - 1]!.rowid;
  }
}

/** Migration N (1-based) brings a database from version N-1 to N. Never edit a released one. */
export const MIGRATIONS: ReadonlyArray<string | ((db: Db) => void)> = [
  `
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE resource_groups (
    subscription_id TEXT NOT NULL,   -- lower case
    name_key        TEXT NOT NULL,   -- lower case: ARM names are case-insensitive
    name            TEXT NOT NULL,   -- as first created
    location        TEXT NOT NULL,
    tags            TEXT NOT NULL,   -- JSON
    PRIMARY KEY (subscription_id, name_key)
  ) WITHOUT ROWID;

  CREATE TABLE virtual_machines (
    subscription_id    TEXT NOT NULL,
    resource_group_key TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    name               TEXT NOT NULL,
    location           TEXT NOT NULL,
    vm_id              TEXT NOT NULL,
    os_family          TEXT NOT NULL,  -- Windows | Linux
    catalogue_key      TEXT NOT NULL,
    power_state        TEXT NOT NULL,  -- running | stopped | deallocated
    time_created       TEXT NOT NULL,
    definition         TEXT NOT NULL,  -- JSON: tags and properties as given
    patch_state        TEXT NOT NULL,  -- JSON: VmPatchState
    operation_count    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (subscription_id, resource_group_key, name_key),
    FOREIGN KEY (subscription_id, resource_group_key)
      REFERENCES resource_groups (subscription_id, name_key) ON DELETE CASCADE
  ) WITHOUT ROWID;

  CREATE TABLE operations (
    subscription_id    TEXT NOT NULL,
    id                 TEXT NOT NULL,
    kind               TEXT NOT NULL,  -- installPatches | assessPatches
    location           TEXT NOT NULL,  -- lower case region of the VM
    resource_group_key TEXT NOT NULL,
    vm_key             TEXT NOT NULL,
    api_version        TEXT NOT NULL,
    completion         TEXT NOT NULL,  -- instant | polls:N | time
    status             TEXT NOT NULL,  -- InProgress, then the envelope's terminal status
    start_ms           INTEGER NOT NULL,
    end_ms             INTEGER,
    status_polls       INTEGER NOT NULL DEFAULT 0,
    plan               TEXT NOT NULL,  -- JSON: the plan, computed once
    result             TEXT,           -- JSON: the result, once terminal
    PRIMARY KEY (subscription_id, id)
  ) WITHOUT ROWID;

  CREATE INDEX operations_by_vm ON operations (subscription_id, resource_group_key, vm_key, start_ms);
  `,
  // 2: the VM's operation number, which orders a VM's operations even when the clock is frozen.
  `
  ALTER TABLE operations ADD COLUMN vm_sequence INTEGER NOT NULL DEFAULT 0;
  `,
  // 3: operations become a rowid table, and keep their plan's duration in a column of its own.
  // A plan is many kilobytes (about 18 KB for 44 patches), and a WITHOUT ROWID table keeps whole
  // rows in its key's B-tree, which SQLite advises only for rows under about a twentieth of a page
  // (https://www.sqlite.org/withoutrowid.html, "When To Use WITHOUT ROWID"). In a rowid table a
  // status read that names only the columns before the plan never touches the plan's overflow
  // pages, and duration_ms lets a `time`-mode poll decide without parsing the plan (bench/, README
  // "Performance"). The plan and the result stay the last columns: SQLite reaches a column that
  // follows them only by walking their overflow pages.
  `
  CREATE TABLE operations_v3 (
    subscription_id    TEXT NOT NULL,
    id                 TEXT NOT NULL,
    kind               TEXT NOT NULL,
    location           TEXT NOT NULL,
    resource_group_key TEXT NOT NULL,
    vm_key             TEXT NOT NULL,
    vm_sequence        INTEGER NOT NULL DEFAULT 0,
    api_version        TEXT NOT NULL,
    completion         TEXT NOT NULL,
    status             TEXT NOT NULL,
    start_ms           INTEGER NOT NULL,
    end_ms             INTEGER,
    status_polls       INTEGER NOT NULL DEFAULT 0,
    duration_ms        INTEGER,        -- the plan's durationMs
    plan               TEXT NOT NULL,
    result             TEXT,
    PRIMARY KEY (subscription_id, id)
  );
  INSERT INTO operations_v3 (subscription_id, id, kind, location, resource_group_key, vm_key, vm_sequence, api_version,
      completion, status, start_ms, end_ms, status_polls, duration_ms, plan, result)
    SELECT subscription_id, id, kind, location, resource_group_key, vm_key, vm_sequence, api_version,
      completion, status, start_ms, end_ms, status_polls, json_extract(plan, '$.durationMs'), plan, result
    FROM operations;
  DROP TABLE operations;
  ALTER TABLE operations_v3 RENAME TO operations;
  CREATE INDEX operations_by_vm ON operations (subscription_id, resource_group_key, vm_key, start_ms);
  -- A VM's running operations, looked up at every request that starts one: through operations_by_vm
  -- that read every operation the VM ever ran, so each installPatches cost more than the last.
  CREATE INDEX operations_in_progress ON operations (subscription_id, resource_group_key, vm_key, vm_sequence, start_ms)
    WHERE status = 'InProgress';
  `,
  compactOperations,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class DatabaseOpenError extends Error {}

const SQLITE_MAGIC = 'SQLite format 3\0';
/** The SQLite header is 100 bytes; PRAGMA user_version is the big-endian integer at offset 60. */
const HEADER_SIZE = 100;
const USER_VERSION_OFFSET = 60;

/**
 * Refuses, without opening it through SQLite, a file that is not a SQLite database or holds a
 * newer schema than this build knows. An empty file is a new database.
 */
function inspectHeader(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return; // a new database
  }
  if (size === 0) return;
  const header = Buffer.alloc(HEADER_SIZE);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, HEADER_SIZE, 0);
  } finally {
    closeSync(fd);
  }
  if (size < HEADER_SIZE || header.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC) {
    throw new DatabaseOpenError(`${file} is not an emulator database (not a SQLite file); it was left untouched`);
  }
  const version = header.readInt32BE(USER_VERSION_OFFSET);
  if (version > SCHEMA_VERSION) throw newerSchema(file, version);
}

const newerSchema = (file: string, version: number) =>
  new DatabaseOpenError(`database ${file} has schema version ${version}, newer than this emulator knows (${SCHEMA_VERSION}); it was left untouched`);

export function openDatabase(file: string): Db {
  const inMemory = file === ':memory:';
  if (!inMemory) inspectHeader(file);
  let db: Db;
  try {
    // No busy wait while taking the lock: another emulator holding it is an answer, not a delay.
    db = new Database(file, { timeout: 0 });
  } catch (error) {
    throw new DatabaseOpenError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    if (!inMemory) {
      db.pragma('locking_mode = EXCLUSIVE');
      lockExclusively(db, file);
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw newerSchema(file, version);
    if (version === 0 && hasForeignTables(db)) {
      throw new DatabaseOpenError(`${file} is not an emulator database (it has tables of its own); it was left untouched`);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // One connection, used from one thread: nothing should ever wait on a lock; this is a safety net.
    db.pragma('busy_timeout = 5000');
    migrate(db, version);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseOpenError) throw error;
    // better-sqlite3 says "file is not a database" for a file of another kind.
    throw new DatabaseOpenError(`${file} is not an emulator database: ${(error as Error).message}; it was left untouched`);
  }
}

/** Takes the lock now (an empty exclusive transaction writes nothing), so a second process fails here. */
function lockExclusively(db: Db, file: string): void {
  try {
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new DatabaseOpenError(`database ${file} is in use by another process (another emulator on the same data folder?); stop it or use another --data-dir`);
    }
    throw error;
  }
}

function hasForeignTables(db: Db): boolean {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
  return row.n > 0;
}

function migrate(db: Db, from: number): void {
  for (let version = from; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      const migration = MIGRATIONS[version]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
