// The SQLite database: opening, pragmas and the schema migrations. The schema version lives in
// PRAGMA user_version; each migration is applied in one transaction.
//
// What start-up guarantees (docs/reliability.md):
// - a file that is not an emulator database, or one of a newer schema, stops start-up and is never
//   written to: its header is read before SQLite opens it, and a SQLite file with tables of its own
//   is only read; an existing empty file is not taken for a new database (it may have held one);
// - a damaged database stops start-up (DatabaseDamagedError) before anything is written: a
//   write-ahead log with frames SQLite would silently drop, or a failed PRAGMA quick_check, unless
//   told to start anyway (--allow-damaged-database: the damage is then reported, not refused);
// - one process at a time: the connection holds an exclusive lock for its whole life (locking_mode
//   EXCLUSIVE), so a second emulator on the same data folder stops at once with a clear message,
//   and the operating system releases the lock when the process dies, even by SIGKILL;
// - a commit is durable against the process being killed (WAL, synchronous NORMAL: the commit is in
//   the operating system's hands when the call returns; a power cut may lose the last commits).

import { MAINTENANCE_MIGRATION } from '../maintenance/store.js';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { isLegacyPlan, upgradeLegacyPlan } from '../../simulator/legacy-plan.js';
import { ARC_MACHINES_MIGRATION } from '../hybrid-compute/migration.js';

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
  // Scheduled patching: maintenance configurations, their assignments and runs (server/maintenance/store.ts).
  MAINTENANCE_MIGRATION,
  // Arc-enabled servers (server/hybrid-compute/migration.ts).
  ARC_MACHINES_MIGRATION,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class DatabaseOpenError extends Error {}
/** The database is damaged; the CLI exits with its own status (3) and names the way to start anyway. */
export class DatabaseDamagedError extends DatabaseOpenError {}

/** A stored row that cannot be read back: a 500 that says so, and health reports Degraded. */
export class StoredDataError extends Error {
  override name = 'StoredDataError';
}

/** Parses a JSON column; a row damaged on disk is a StoredDataError, never a client's error. */
export function readStored<T = unknown>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new StoredDataError(`${what} stored in the database is unreadable (${(error as Error).message})`);
  }
}

/**
 * readStored, remembered by the text itself: the same stored JSON, read again, gives the same
 * object without a parse. For the values a hot read path parses again and again (a VM's latest
 * plans, on every instance view), and only where every reader leaves them unchanged:
 * the object is shared. Keyed by content, so a row rewritten with other text is parsed anew; at
 * most `limit` texts are kept (the memo starts again when full).
 */
export class StoredJsonMemo {
  private readonly parsed = new Map<string, unknown>();

  constructor(private readonly limit: number) {}

  read<T = unknown>(text: string, what: string): T {
    let value = this.parsed.get(text);
    if (value === undefined) {
      value = readStored(text, what);
      if (this.parsed.size >= this.limit) this.parsed.clear();
      this.parsed.set(text, value);
    }
    return value as T;
  }
}

/**
 * A TEXT parameter the query planner cannot look into. better-sqlite3 builds SQLite with
 * SQLITE_ENABLE_STAT4, under which a statement whose plan consulted a bound value is planned again
 * at every run that binds one (https://www.sqlite.org/c3ref/prepare.html, the third difference of
 * the _v2 interfaces). An equality on a parameter beside an ORDER BY is such a statement: 10-40 us
 * of planning each time, several times per request (bench/README.md, round 5). Behind CAST the
 * planner sees an expression, plans once, and uses the same index.
 */
export const textParam = (name = '?') => `CAST(${name} AS TEXT)`;

const SQLITE_MAGIC = 'SQLite format 3\0';
/** The SQLite header is 100 bytes; PRAGMA user_version is the big-endian integer at offset 60. */
const HEADER_SIZE = 100;
const USER_VERSION_OFFSET = 60;

/**
 * Refuses, without opening it through SQLite, a file that is not a SQLite database or holds a
 * newer schema than this build knows. Only a missing file is a new database: an empty one may be
 * what is left of one (a truncation, a failed copy), and starting afresh would hide that.
 */
function inspectHeader(file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return; // a new database
  }
  if (size === 0) {
    throw new DatabaseOpenError(`${file} is empty (0 bytes), so it is not taken for a new database; it was left untouched. Delete it, or use another --data-dir, to start afresh`);
  }
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

const damaged = (file: string, what: string) =>
  new DatabaseDamagedError(
    `database ${file} is damaged: ${what}; it was left untouched. Restore a copy, delete it to start afresh, ` +
      'or start with --allow-damaged-database to serve what can still be read',
  );

export interface OpenOptions {
  /** Given: damage found at start is reported here and the database opened anyway; absent: refused. */
  onDamage?: (problem: string) => void;
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const inMemory = file === ':memory:';
  if (!inMemory) inspectHeader(file);
  const reportDamage = (what: string) => {
    if (!options.onDamage) throw damaged(file, what);
    options.onDamage(`database ${file} is damaged: ${what}`);
  };
  if (!inMemory) {
    const walProblem = inspectWal(`${file}-wal`);
    if (walProblem) reportDamage(walProblem);
  }
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
    if (!inMemory) {
      // Every page's structure, in time proportional to the file (https://www.sqlite.org/pragma.html#pragma_quick_check).
      const problems = (db.pragma('quick_check(5)') as Array<{ quick_check: string }>).map((row) => row.quick_check);
      if (problems.join() !== 'ok') reportDamage(`SQLite's quick_check says ${problems.join('; ')}`);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Each request's writes run in a savepoint of the turn's transaction (write-batch.ts), whose
    // undo copies of the pages it changes go to a temporary file unless kept in memory: a few pages
    // per request, written and thrown away (https://www.sqlite.org/tempfiles.html, section 2.5).
    db.pragma('temp_store = MEMORY');
    // One connection, used from one thread: nothing should ever wait on a lock; this is a safety net.
    db.pragma('busy_timeout = 5000');
    migrate(db, version);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof DatabaseOpenError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_CORRUPT') throw damaged(file, (error as Error).message);
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

/**
 * Folds the write-ahead log back into the database, then closes it. A checkpoint that fails (a full
 * disk) is reported rather than swallowed by close: the log stays beside the database, is read again
 * at the next start, and the caller exits non-zero.
 */
export function closeDatabase(db: Db): void {
  let failure: string | undefined;
  if (db.open && !db.memory) {
    try {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      if (result && (result.busy !== 0 || result.checkpointed !== result.log)) failure = `${result.checkpointed} of ${result.log} log pages were written back`;
    } catch (error) {
      failure = (error as Error).message;
    }
  }
  if (db.open) db.close();
  if (failure !== undefined) {
    throw new Error(`the database's write-ahead log could not be folded into it (${failure}); it is kept and read again at the next start`);
  }
}

// The write-ahead log's format (https://www.sqlite.org/fileformat2.html#the_write_ahead_log): a
// 32-byte header with two salts and a checksum, then frames of a 24-byte header and one page. A frame
// counts only if its salts are the header's and its checksum, which runs on from the previous
// frame's, is right; SQLite stops at the first frame that is not, and silently drops it and every
// frame after. That is how a kill that cut a frame short is undone, and such a frame is the last of
// its log. A frame of the current log (its salts) after one that does not count is therefore
// damage, and its commits would be lost: that is refused.
const WAL_HEADER = 32;
const FRAME_HEADER = 24;

function walChecksum(data: Buffer, start: number, end: number, bigEndian: boolean, s: [number, number]): [number, number] {
  let [s0, s1] = s;
  for (let i = start; i < end; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/** What is wrong with a write-ahead log, or undefined when SQLite would read all it holds of its current log. */
export function inspectWal(walFile: string): string | undefined {
  let wal: Buffer;
  try {
    wal = readFileSync(walFile);
  } catch {
    return undefined;
  }
  if (wal.length < WAL_HEADER) return undefined;
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return wal.length > WAL_HEADER ? 'its write-ahead log has no valid header' : undefined;
  const bigEndian = (magic & 1) === 1;
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let checksum = walChecksum(wal, 0, 24, bigEndian, [0, 0]);
  if (checksum[0] !== wal.readUInt32BE(24) || checksum[1] !== wal.readUInt32BE(28)) {
    return wal.length > WAL_HEADER ? "its write-ahead log's header checksum is wrong, so SQLite would ignore every frame in it" : undefined;
  }
  const frameSize = FRAME_HEADER + pageSize;
  let frame = 0;
  let broken: number | undefined;
  for (let at = WAL_HEADER; at + frameSize <= wal.length; at += frameSize, frame++) {
    const current = wal.readUInt32BE(at + 8) === salt1 && wal.readUInt32BE(at + 12) === salt2;
    if (broken !== undefined) {
      if (current) return `frame ${broken + 1} of its write-ahead log is damaged, and SQLite would silently drop it and the later frames of the log, commits included`;
      continue;
    }
    if (!current) {
      broken = frame;
      continue;
    }
    const next = walChecksum(wal, at + FRAME_HEADER, at + frameSize, bigEndian, walChecksum(wal, at, at + 8, bigEndian, checksum));
    if (next[0] !== wal.readUInt32BE(at + 16) || next[1] !== wal.readUInt32BE(at + 20)) broken = frame;
    else checksum = next;
  }
  return undefined;
}
