// Arc-enabled servers (Microsoft.HybridCompute/machines): one row each, in a table of their own, so
// that a machine and a VM of the same name in the same group never share a row. Keys are lower case
// (ARM names are case-insensitive); the name is kept as first created.

import type { OsFamily } from '../../simulator/catalogue.js';
import { FRESH_PATCH_STATE, type VmPatchState } from '../../simulator/inventory.js';
import { readStored, textParam, type Db } from '../store/database.js';

/** StatusTypes of the HybridCompute models, and `Expired`, which real machines also report. */
export type ArcMachineStatus = 'Connected' | 'Disconnected' | 'Error' | 'AwaitingConnection' | 'Expired';
export const ARC_MACHINE_STATUSES: readonly ArcMachineStatus[] = ['Connected', 'Disconnected', 'Error', 'AwaitingConnection', 'Expired'];

export interface ArcMachineRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** The agent's machine id (`properties.vmId`). */
  vmId: string;
  osFamily: OsFamily;
  catalogueKey: string;
  status: ArcMachineStatus;
  /** When `status` last changed (`properties.lastStatusChange`). */
  lastStatusChange: string;
  timeCreated: string;
  /** As given: tags and properties (osProfile with its patch settings, OS names). */
  definition: { tags?: Record<string, string>; properties: Record<string, unknown> };
  patchState: VmPatchState;
  operationCount: number;
}

interface MachineRow {
  subscription_id: string;
  resource_group_name: string;
  name: string;
  location: string;
  vm_id: string;
  os_family: OsFamily;
  catalogue_key: string;
  status: ArcMachineStatus;
  last_status_change: string;
  time_created: string;
  definition: string;
  patch_state: string;
  operation_count: number;
}

const key = (text: string) => text.toLowerCase();
type MachineKey = { subscriptionId: string; resourceGroup: string; name: string };
const keys = (m: MachineKey) => [key(m.subscriptionId), key(m.resourceGroup), key(m.name)] as const;

// The group's name by a subquery, as the VM store reads it (SELECT_VM in server/store/resource-store.ts).
const SELECT = `SELECT m.*, (SELECT rg.name FROM resource_groups rg
    WHERE rg.subscription_id = m.subscription_id AND rg.name_key = m.resource_group_key) AS resource_group_name
  FROM arc_machines m`;

export class ArcMachineStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      get: db.prepare(`${SELECT} WHERE m.subscription_id = ? AND m.resource_group_key = ? AND m.name_key = ?`),
      listInGroup: db.prepare(`${SELECT} WHERE m.subscription_id = ${textParam()} AND m.resource_group_key = ${textParam()} ORDER BY m.name_key`),
      listInSubscription: db.prepare(`${SELECT} WHERE m.subscription_id = ${textParam()} ORDER BY m.resource_group_key, m.name_key`),
      all: db.prepare(`${SELECT} ORDER BY m.subscription_id, m.resource_group_key, m.name_key`),
      first: db.prepare(`${SELECT} ORDER BY m.subscription_id, m.resource_group_key, m.name_key LIMIT ?`),
      insert: db.prepare(
        `INSERT INTO arc_machines (subscription_id, resource_group_key, name_key, name, location, vm_id, os_family, catalogue_key,
           status, last_status_change, time_created, definition, patch_state, operation_count)
         VALUES (@subscriptionId, @resourceGroupKey, @nameKey, @name, @location, @vmId, @osFamily, @catalogueKey,
           @status, @lastStatusChange, @timeCreated, @definition, @patchState, @operationCount)`,
      ),
      updateDefinition: db.prepare(
        'UPDATE arc_machines SET definition = ? WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?',
      ),
      updateStatus: db.prepare(
        'UPDATE arc_machines SET status = ?, last_status_change = ? WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?',
      ),
      updatePatchState: db.prepare(
        'UPDATE arc_machines SET patch_state = ? WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?',
      ),
      nextOperationNumber: db.prepare(
        `UPDATE arc_machines SET operation_count = operation_count + 1
         WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ? RETURNING operation_count`,
      ),
      delete: db.prepare('DELETE FROM arc_machines WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?'),
    };
  }

  get(subscriptionId: string, resourceGroup: string, name: string): ArcMachineRecord | undefined {
    const row = this.statements.get.get(key(subscriptionId), key(resourceGroup), key(name)) as MachineRow | undefined;
    return row && toMachine(row);
  }

  list(subscriptionId: string, resourceGroup?: string): ArcMachineRecord[] {
    const rows =
      resourceGroup === undefined
        ? this.statements.listInSubscription.all(key(subscriptionId))
        : this.statements.listInGroup.all(key(subscriptionId), key(resourceGroup));
    return (rows as MachineRow[]).map(toMachine);
  }

  insert(machine: Omit<ArcMachineRecord, 'operationCount' | 'patchState'> & { patchState?: VmPatchState; operationCount?: number }): void {
    this.statements.insert.run({
      subscriptionId: key(machine.subscriptionId),
      resourceGroupKey: key(machine.resourceGroup),
      nameKey: key(machine.name),
      name: machine.name,
      location: machine.location,
      vmId: machine.vmId,
      osFamily: machine.osFamily,
      catalogueKey: machine.catalogueKey,
      status: machine.status,
      lastStatusChange: machine.lastStatusChange,
      timeCreated: machine.timeCreated,
      definition: JSON.stringify(machine.definition),
      patchState: JSON.stringify(machine.patchState ?? FRESH_PATCH_STATE),
      operationCount: machine.operationCount ?? 0,
    });
  }

  updateDefinition(machine: MachineKey, definition: ArcMachineRecord['definition']): void {
    this.statements.updateDefinition.run(JSON.stringify(definition), ...keys(machine));
  }

  updateStatus(machine: MachineKey, status: ArcMachineStatus, changedAt: string): void {
    this.statements.updateStatus.run(status, changedAt, ...keys(machine));
  }

  updatePatchState(machine: MachineKey, state: VmPatchState): void {
    this.statements.updatePatchState.run(JSON.stringify(state), ...keys(machine));
  }

  /** The machine's next operation number (1, 2, ...): an input of the operation id's derivation. */
  nextOperationNumber(machine: MachineKey): number {
    const row = this.statements.nextOperationNumber.get(...keys(machine)) as { operation_count: number } | undefined;
    if (!row) throw new Error(`Arc machine ${machine.name} vanished`);
    return row.operation_count;
  }

  delete(subscriptionId: string, resourceGroup: string, name: string): boolean {
    return this.statements.delete.run(key(subscriptionId), key(resourceGroup), key(name)).changes > 0;
  }

  /** The first `limit` machines in subscription, group and name order (the dashboard). */
  first(limit: number): ArcMachineRecord[] {
    return (this.statements.first.all(limit) as MachineRow[]).map(toMachine);
  }

  /** Every machine, for a state export. */
  exportAll(): ArcMachineRecord[] {
    return (this.statements.all.all() as MachineRow[]).map(toMachine);
  }

  /** Adds exported machines back as they were (ids, counters, status and patch state included). */
  importAll(machines: readonly ArcMachineRecord[]): void {
    for (const machine of machines) this.insert(machine);
  }
}

function toMachine(row: MachineRow): ArcMachineRecord {
  return {
    subscriptionId: row.subscription_id,
    resourceGroup: row.resource_group_name,
    name: row.name,
    location: row.location,
    vmId: row.vm_id,
    osFamily: row.os_family,
    catalogueKey: row.catalogue_key,
    status: row.status,
    lastStatusChange: row.last_status_change,
    timeCreated: row.time_created,
    definition: readStored(row.definition, 'an Arc machine definition'),
    patchState: readStored(row.patch_state, 'an Arc machine patch state'),
    operationCount: row.operation_count,
  };
}
