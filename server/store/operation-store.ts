// Patch operations: one row each, written before the 202 is sent, with the plan computed once.
// A status poll counts itself and, on reaching a terminal state, records it in the same transaction.
// The result is serialised once, when the operation ends, and kept as those bytes: polls and the
// Location URL send them as they are (docs/simulation.md, "Stored operations").

import type { PowerAction } from '../../simulator/power.js';
import { readStored, StoredJsonMemo, textParam, type Db } from './database.js';
import type { WriteBatch } from './write-batch.js';

/** Resource lifecycle operations: a VM's create and delete, a resource group's delete. */
export type ProvisioningKind = 'createVirtualMachine' | 'deleteVirtualMachine' | 'deleteResourceGroup';
export type OperationKind = 'installPatches' | 'assessPatches' | PowerAction | ProvisioningKind;
export type EnvelopeStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface OperationRecord<Plan = unknown> {
  subscriptionId: string;
  id: string;
  kind: OperationKind;
  location: string;
  resourceGroup: string;
  vmName: string;
  /** The VM's operation number (1, 2, ...): orders a VM's operations. */
  vmSequence: number;
  apiVersion: string;
  completion: string;
  status: EnvelopeStatus;
  startMs: number;
  endMs: number | null;
  statusPolls: number;
  plan: Plan;
  /** The result as served: JSON text written once, when the operation ended; null before, and for power actions. */
  resultJson: string | null;
}

/**
 * An operation without its plan: what a status poll needs. `durationMs` is the plan's, so that
 * `time`-mode progress is known without parsing the plan.
 */
export type OperationStatusRecord = Omit<OperationRecord<never>, 'plan'> & { durationMs: number | null };

interface OperationRow {
  subscription_id: string;
  id: string;
  kind: OperationKind;
  location: string;
  resource_group_key: string;
  vm_key: string;
  vm_sequence: number;
  api_version: string;
  completion: string;
  status: EnvelopeStatus;
  start_ms: number;
  end_ms: number | null;
  status_polls: number;
  duration_ms: number | null;
  plan: string;
  result: string | null;
}

// A VM's operations, in the statements that also order them: through textParam the plan is made once
// (every bound value compared with = in such a statement must go through it).
const VM_IS = `subscription_id = ${textParam()} AND resource_group_key = ${textParam()} AND vm_key = ${textParam()}`;
const VM_IS_NAMED = `subscription_id = ${textParam('@subscriptionId')} AND resource_group_key = ${textParam('@resourceGroup')}
  AND vm_key = ${textParam('@vmName')}`;

export class OperationStore {
  private readonly statements;
  /** The plans latestForVm returns: each instance view reads the same two (database.ts, StoredJsonMemo). */
  private readonly latestPlans = new StoredJsonMemo(256);
  private readonly runInTransaction: (work: () => unknown) => unknown;

  /** `batch`: the emulator's group commit (write-batch.ts); without one, each transaction commits itself. */
  constructor(db: Db, batch?: WriteBatch) {
    // Made once: better-sqlite3 builds a wrapper per db.transaction() call, a cost per request otherwise.
    this.runInTransaction = batch ? (work) => batch.run(work) : db.transaction((work: () => unknown) => work());
    this.statements = {
      insert: db.prepare(
        `INSERT INTO operations (subscription_id, id, kind, location, resource_group_key, vm_key, vm_sequence, api_version,
           completion, status, start_ms, duration_ms, plan)
         VALUES (@subscriptionId, @id, @kind, @location, @resourceGroup, @vmName, @vmSequence, @apiVersion, @completion,
           'InProgress', @startMs, @durationMs, @plan)`,
      ),
      get: db.prepare('SELECT * FROM operations WHERE subscription_id = ? AND id = ?'),
      // Every column but the plan, whose overflow pages SQLite then never reads.
      getStatus: db.prepare(
        `SELECT subscription_id, id, kind, location, resource_group_key, vm_key, vm_sequence, api_version, completion, status,
           start_ms, end_ms, status_polls, duration_ms, result
         FROM operations WHERE subscription_id = ? AND id = ?`,
      ),
      countPoll: db.prepare(
        'UPDATE operations SET status_polls = status_polls + 1 WHERE subscription_id = ? AND id = ? RETURNING status_polls',
      ),
      complete: db.prepare(
        `UPDATE operations SET status = @status, end_ms = @endMs, result = @result
         WHERE subscription_id = @subscriptionId AND id = @id AND status = 'InProgress'`,
      ),
      setCompletion: db.prepare(
        `UPDATE operations SET completion = ?, status_polls = 0 WHERE subscription_id = ? AND id = ? AND status = 'InProgress'`,
      ),
      all: db.prepare('SELECT * FROM operations ORDER BY subscription_id, start_ms, id'),
      restore: db.prepare(
        `INSERT INTO operations (subscription_id, id, kind, location, resource_group_key, vm_key, vm_sequence, api_version,
           completion, status, start_ms, end_ms, status_polls, duration_ms, plan, result)
         VALUES (@subscriptionId, @id, @kind, @location, @resourceGroup, @vmName, @vmSequence, @apiVersion,
           @completion, @status, @startMs, @endMs, @statusPolls, @durationMs, @plan, @result)`,
      ),
      deleteScope: db.prepare(
        `DELETE FROM operations WHERE (@subscriptionId IS NULL OR subscription_id = @subscriptionId)
           AND (@resourceGroup IS NULL OR resource_group_key = @resourceGroup) AND (@vmName IS NULL OR vm_key = @vmName)`,
      ),
      listForVm: db.prepare(
        `SELECT * FROM operations WHERE ${VM_IS} ORDER BY start_ms, id`,
      ),
      inProgressForVm: db.prepare(
        // Named: without ANALYZE statistics SQLite would take operations_by_vm, which reads every
        // operation the VM ever ran.
        `SELECT * FROM operations INDEXED BY operations_in_progress
         WHERE ${VM_IS} AND status = 'InProgress' AND start_ms >= ? ORDER BY vm_sequence, start_ms`,
      ),
      // Through operations_latest (migration 4) the newest of the kind is the first row read, however
      // many operations the VM has run.
      latestForVm: db.prepare(
        `SELECT * FROM operations INDEXED BY operations_latest
         WHERE ${VM_IS} AND kind = ${textParam()} AND start_ms >= ? ORDER BY vm_sequence DESC, start_ms DESC LIMIT 1`,
      ),
      // Finished operations numbered up to a bound, but the newest installation and assessment
      // since the VM was created (what its instance view reports): operations_by_sequence makes it
      // a short range, since everything older is already gone.
      prune: db.prepare(
        `DELETE FROM operations INDEXED BY operations_by_sequence
         WHERE ${VM_IS_NAMED} AND vm_sequence <= @upTo AND status <> 'InProgress'
           AND id NOT IN (
             SELECT id FROM (SELECT id FROM operations INDEXED BY operations_latest
               WHERE ${VM_IS_NAMED} AND kind = 'installPatches' AND start_ms >= @sinceMs ORDER BY vm_sequence DESC, start_ms DESC LIMIT 1)
             UNION ALL
             SELECT id FROM (SELECT id FROM operations INDEXED BY operations_latest
               WHERE ${VM_IS_NAMED} AND kind = 'assessPatches' AND start_ms >= @sinceMs ORDER BY vm_sequence DESC, start_ms DESC LIMIT 1))`,
      ),
    };
  }

  insert(operation: Omit<OperationRecord, 'status' | 'endMs' | 'statusPolls' | 'resultJson'>): void {
    this.statements.insert.run({
      subscriptionId: operation.subscriptionId.toLowerCase(),
      id: operation.id,
      kind: operation.kind,
      location: operation.location,
      resourceGroup: operation.resourceGroup.toLowerCase(),
      vmName: operation.vmName.toLowerCase(),
      vmSequence: operation.vmSequence,
      apiVersion: operation.apiVersion,
      completion: operation.completion,
      startMs: operation.startMs,
      durationMs: planDuration(operation.plan),
      plan: JSON.stringify(operation.plan),
    });
  }

  get(subscriptionId: string, id: string): OperationRecord | undefined {
    const row = this.statements.get.get(subscriptionId.toLowerCase(), id.toLowerCase()) as OperationRow | undefined;
    return row && toRecord(row);
  }

  getStatus(subscriptionId: string, id: string): OperationStatusRecord | undefined {
    const row = this.statements.getStatus.get(subscriptionId.toLowerCase(), id.toLowerCase()) as Omit<OperationRow, 'plan'> | undefined;
    return row && toStatusRecord(row);
  }

  /** Counts one status poll and returns the new count. */
  countStatusPoll(subscriptionId: string, id: string): number {
    const row = this.statements.countPoll.get(subscriptionId.toLowerCase(), id.toLowerCase()) as { status_polls: number };
    return row.status_polls;
  }

  /** Records the terminal state once; a second call for the same operation changes nothing. */
  complete(subscriptionId: string, id: string, status: Exclude<EnvelopeStatus, 'InProgress'>, endMs: number, resultJson: string | null): boolean {
    return this.statements.complete.run({ subscriptionId: subscriptionId.toLowerCase(), id, status, endMs, result: resultJson }).changes > 0;
  }

  /**
   * Deletes the VM's finished operations numbered `upTo` or lower, keeping its newest installation
   * and assessment since `sinceMs`; running operations are never touched. Returns how many went.
   */
  prune(vm: VmKey, upTo: number, sinceMs: number): number {
    const [subscriptionId, resourceGroup, vmName] = vmKeys(vm);
    return this.statements.prune.run({ subscriptionId, resourceGroup, vmName, upTo, sinceMs }).changes;
  }

  /** A new completion mode for a running operation; its poll count starts again from zero. */
  setCompletion(subscriptionId: string, id: string, completion: string): boolean {
    return this.statements.setCompletion.run(completion, subscriptionId.toLowerCase(), id.toLowerCase()).changes > 0;
  }

  listForVm(subscriptionId: string, resourceGroup: string, vmName: string): OperationRecord[] {
    return (this.statements.listForVm.all(subscriptionId.toLowerCase(), resourceGroup.toLowerCase(), vmName.toLowerCase()) as OperationRow[]).map(
      toRecord,
    );
  }

  exportAll(): OperationRecord[] {
    return (this.statements.all.all() as OperationRow[]).map(toRecord);
  }

  /** Adds exported operations back exactly as they were. */
  importAll(records: OperationRecord[]): void {
    for (const r of records) {
      this.statements.restore.run({
        subscriptionId: r.subscriptionId.toLowerCase(),
        id: r.id.toLowerCase(),
        kind: r.kind,
        location: r.location,
        resourceGroup: r.resourceGroup.toLowerCase(),
        vmName: r.vmName.toLowerCase(),
        vmSequence: r.vmSequence ?? 0,
        apiVersion: r.apiVersion,
        completion: r.completion,
        status: r.status,
        startMs: r.startMs,
        endMs: r.endMs,
        statusPolls: r.statusPolls,
        durationMs: planDuration(r.plan),
        plan: JSON.stringify(r.plan),
        result: r.resultJson,
      });
    }
  }

  /** Deletes the operations of a scope; an empty scope deletes them all. */
  deleteScope(scope: { subscriptionId?: string; resourceGroup?: string; vmName?: string }): void {
    const lower = (text: string | undefined) => (text === undefined ? null : text.toLowerCase());
    this.statements.deleteScope.run({ subscriptionId: lower(scope.subscriptionId), resourceGroup: lower(scope.resourceGroup), vmName: lower(scope.vmName) });
  }

  /**
   * The VM's operations still in progress, oldest first. `sinceMs` (the VM's creation) leaves out
   * those of an earlier VM of the same name.
   */
  inProgressForVm(vm: VmKey, sinceMs: number): OperationRecord[] {
    const rows = this.statements.inProgressForVm.all(...vmKeys(vm), sinceMs) as OperationRow[];
    return rows.map(toRecord);
  }

  /**
   * The VM's most recently started operation of a kind, since `sinceMs`. Its plan is shared with
   * other reads of the same plan: callers read it and never change it.
   */
  latestForVm(vm: VmKey, kind: OperationKind, sinceMs: number): OperationRecord | undefined {
    const row = this.statements.latestForVm.get(...vmKeys(vm), kind, sinceMs) as OperationRow | undefined;
    if (!row) return undefined;
    const { durationMs: _durationMs, ...record } = toStatusRecord(row);
    return { ...record, plan: this.latestPlans.read(row.plan, 'an operation plan') };
  }

  /** Runs `work` in a transaction (a savepoint when one is open already): the turn's, with a WriteBatch. */
  transaction<T>(work: () => T): T {
    return this.runInTransaction(work) as T;
  }
}

type VmKey = { subscriptionId: string; resourceGroup: string; name: string };
const vmKeys = (vm: VmKey) => [vm.subscriptionId.toLowerCase(), vm.resourceGroup.toLowerCase(), vm.name.toLowerCase()] as const;

function planDuration(plan: unknown): number | null {
  const durationMs = (plan as { durationMs?: unknown } | null)?.durationMs;
  return typeof durationMs === 'number' ? durationMs : null;
}

function toStatusRecord(row: Omit<OperationRow, 'plan'>): OperationStatusRecord {
  return {
    subscriptionId: row.subscription_id,
    id: row.id,
    kind: row.kind,
    location: row.location,
    resourceGroup: row.resource_group_key,
    vmName: row.vm_key,
    vmSequence: row.vm_sequence,
    apiVersion: row.api_version,
    completion: row.completion,
    status: row.status,
    startMs: row.start_ms,
    endMs: row.end_ms,
    statusPolls: row.status_polls,
    durationMs: row.duration_ms,
    resultJson: row.result,
  };
}

function toRecord(row: OperationRow): OperationRecord {
  const { durationMs: _durationMs, ...record } = toStatusRecord(row);
  return { ...record, plan: readStored(row.plan, 'an operation plan') };
}
