// Read-only queries behind the dashboard: the fleet, and a VM's operations as one-line summaries.
// A dashboard asks for these every second, so every list is bounded, operations are only ever read
// through the operations_by_vm index (a scan of the table would read every plan and result), and a
// summary takes the counts out of the stored result inside SQLite instead of parsing whole plans
// and results in JavaScript.

import type { OsFamily } from '../../simulator/catalogue.js';
import type { VmPatchState } from '../../simulator/inventory.js';
import { readStored, type Db } from '../store/database.js';
import type { EnvelopeStatus, OperationKind } from '../store/operation-store.js';
import type { ResultSummary } from './view-model.js';
import type { PowerState } from '../store/resource-store.js';

export interface FleetVm {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  osFamily: OsFamily;
  catalogueKey: string;
  powerState: PowerState;
  timeCreated: string;
  patchState: VmPatchState;
  /** As PUT and PATCH gave it: the dashboard shows its patch settings. */
  definition: { properties: Record<string, unknown> };
}

export interface FleetGroup {
  subscriptionId: string;
  name: string;
  location: string;
}

/** An operation as one line: what the envelope and the stored result say, without the patch lists. */
export interface OperationLine {
  subscriptionId: string;
  id: string;
  kind: OperationKind;
  resourceGroup: string;
  vmName: string;
  vmSequence: number;
  completion: string;
  status: EnvelopeStatus;
  startMs: number;
  endMs: number | null;
  statusPolls: number;
  /** The stored result less its patch lists and error details; null while running and for power actions. */
  result: ResultSummary | null;
  /** A scenario's operation-level failure (the envelope says Failed and there is no result). */
  failure: { code: string; message: string } | null;
  /** The platform started it by itself (its plan says so); a client's request otherwise. */
  startedBy: 'User' | 'Platform';
}

interface LineRow {
  subscription_id: string;
  id: string;
  kind: OperationKind;
  resource_group: string;
  vm_name: string;
  vm_sequence: number;
  completion: string;
  status: EnvelopeStatus;
  start_ms: number;
  end_ms: number | null;
  status_polls: number;
  summary: string | null;
  failure: string | null;
  started_by: string | null;
}

// Names as first created where the VM still exists (operations keep lower-case keys).
const LINE_COLUMNS = `o.subscription_id, o.id, o.kind, coalesce(rg.name, o.resource_group_key) AS resource_group,
  coalesce(vm.name, o.vm_key) AS vm_name, o.vm_sequence, o.completion, o.status, o.start_ms, o.end_ms, o.status_polls,
  -- The result without its lists: a few hundred bytes instead of tens of kilobytes.
  CASE WHEN coalesce(o.result, 'null') = 'null' THEN NULL
    ELSE json_remove(o.result, '$.patches', '$.availablePatches', '$.error.details') END AS summary,
  CASE WHEN o.status = 'Failed' AND coalesce(o.result, 'null') = 'null' THEN json_extract(o.plan, '$.operationFailure') END AS failure,
  json_extract(o.plan, '$.startedBy') AS started_by`;
const LINE_JOINS = `LEFT JOIN resource_groups rg ON rg.subscription_id = o.subscription_id AND rg.name_key = o.resource_group_key
  LEFT JOIN virtual_machines vm ON vm.subscription_id = o.subscription_id AND vm.resource_group_key = o.resource_group_key
    AND vm.name_key = o.vm_key`;

export class OverviewStore {
  private readonly statements;

  constructor(db: Db) {
    this.statements = {
      groups: db.prepare('SELECT subscription_id, name, location FROM resource_groups ORDER BY subscription_id, name_key LIMIT ?'),
      vms: db.prepare(
        `SELECT vm.subscription_id, rg.name AS resource_group, vm.name, vm.location, vm.os_family, vm.catalogue_key, vm.power_state,
           vm.time_created, vm.patch_state, vm.definition
         FROM virtual_machines vm
         JOIN resource_groups rg ON rg.subscription_id = vm.subscription_id AND rg.name_key = vm.resource_group_key
         ORDER BY vm.subscription_id, vm.resource_group_key, vm.name_key LIMIT ?`,
      ),
      // The operations_by_vm index serves this one backwards.
      forVm: db.prepare(
        `SELECT ${LINE_COLUMNS} FROM operations o ${LINE_JOINS}
         WHERE o.subscription_id = ? AND o.resource_group_key = ? AND o.vm_key = ? AND o.start_ms >= ?
         ORDER BY o.start_ms DESC, o.vm_sequence DESC LIMIT ?`,
      ),
    };
  }

  /** Resource groups, at most `limit`. */
  groups(limit: number): FleetGroup[] {
    return (this.statements.groups.all(limit) as Array<{ subscription_id: string; name: string; location: string }>).map((row) => ({
      subscriptionId: row.subscription_id,
      name: row.name,
      location: row.location,
    }));
  }

  /** Virtual machines in subscription, group and name order, at most `limit`. */
  vms(limit: number): FleetVm[] {
    const rows = this.statements.vms.all(limit) as Array<{
      subscription_id: string;
      resource_group: string;
      name: string;
      location: string;
      os_family: OsFamily;
      catalogue_key: string;
      power_state: PowerState;
      time_created: string;
      patch_state: string;
      definition: string;
    }>;
    return rows.map((row) => ({
      subscriptionId: row.subscription_id,
      resourceGroup: row.resource_group,
      name: row.name,
      location: row.location,
      osFamily: row.os_family,
      catalogueKey: row.catalogue_key,
      powerState: row.power_state,
      timeCreated: row.time_created,
      patchState: readStored(row.patch_state, 'a VM patch state') as VmPatchState,
      definition: readStored(row.definition, 'a VM definition') as FleetVm['definition'],
    }));
  }

  /** The VM's operations since `sinceMs` (its creation), newest first, at most `limit`. */
  forVm(vm: { subscriptionId: string; resourceGroup: string; name: string }, sinceMs: number, limit: number): OperationLine[] {
    const rows = this.statements.forVm.all(vm.subscriptionId.toLowerCase(), vm.resourceGroup.toLowerCase(), vm.name.toLowerCase(), sinceMs, limit);
    return (rows as LineRow[]).map(toLine);
  }
}

function toLine(row: LineRow): OperationLine {
  return {
    subscriptionId: row.subscription_id,
    id: row.id,
    kind: row.kind,
    resourceGroup: row.resource_group,
    vmName: row.vm_name,
    vmSequence: row.vm_sequence,
    completion: row.completion,
    status: row.status,
    startMs: row.start_ms,
    endMs: row.end_ms,
    statusPolls: row.status_polls,
    result: row.summary === null ? null : (readStored(row.summary, 'an operation result') as ResultSummary),
    failure: row.failure === null ? null : (readStored(row.failure, 'an operation failure') as OperationLine['failure']),
    startedBy: row.started_by === 'Platform' ? 'Platform' : 'User',
  };
}
