// Resource groups and virtual machines. Keys are lower case (ARM names are case-insensitive); the
// name is kept as first created, as ARM echoes it.

import type { OsFamily } from '../../simulator/catalogue.js';
import { FRESH_PATCH_STATE, type VmPatchState } from '../../simulator/inventory.js';
import type { PowerState } from '../../simulator/power.js';
import { readStored, textParam, type Db } from './database.js';

export type { PowerState };

export interface ResourceGroupRecord {
  subscriptionId: string;
  name: string;
  location: string;
  tags: Record<string, string>;
}

export interface VirtualMachineRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  vmId: string;
  osFamily: OsFamily;
  catalogueKey: string;
  powerState: PowerState;
  timeCreated: string;
  /** As given (tags, properties), and the revision a PUT or PATCH raises (the etag). */
  definition: { tags?: Record<string, string>; properties: Record<string, unknown>; revision?: number };
  patchState: VmPatchState;
  operationCount: number;
}

interface VmRow {
  subscription_id: string;
  resource_group_name: string;
  name: string;
  location: string;
  vm_id: string;
  os_family: OsFamily;
  catalogue_key: string;
  power_state: PowerState;
  time_created: string;
  definition: string;
  patch_state: string;
  operation_count: number;
}

const key = (text: string) => text.toLowerCase();

/**
 * A VM with its group's name as first created. The name is read by a subquery, not a join: SQLite
 * carries the join's bound keys into the plan and would plan the statement again at every run
 * (textParam in database.ts), which made this, the most frequent read, cost five times its due.
 * The foreign key keeps the group there.
 */
const SELECT_VM = `SELECT vm.*, (SELECT rg.name FROM resource_groups rg
    WHERE rg.subscription_id = vm.subscription_id AND rg.name_key = vm.resource_group_key) AS resource_group_name
  FROM virtual_machines vm`;

export class ResourceStore {
  private readonly statements;
  /**
   * Counts this store's writes: a reader that holds a record and sees the count unchanged knows the
   * record is current without reading it again (server/routes/lookups.ts).
   */
  private writes = 0;

  constructor(private readonly db: Db) {
    this.statements = {
      getGroup: db.prepare('SELECT * FROM resource_groups WHERE subscription_id = ? AND name_key = ?'),
      upsertGroup: db.prepare(
        `INSERT INTO resource_groups (subscription_id, name_key, name, location, tags) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (subscription_id, name_key) DO UPDATE SET tags = excluded.tags`,
      ),
      deleteGroup: db.prepare('DELETE FROM resource_groups WHERE subscription_id = ? AND name_key = ?'),
      listGroups: db.prepare('SELECT * FROM resource_groups WHERE subscription_id = ? ORDER BY name_key'),
      getVm: db.prepare(
        `${SELECT_VM} WHERE vm.subscription_id = ? AND vm.resource_group_key = ? AND vm.name_key = ?`,
      ),
      listVms: db.prepare(
        `${SELECT_VM} WHERE vm.subscription_id = ${textParam()} AND vm.resource_group_key = ${textParam()} ORDER BY vm.name_key`,
      ),
      insertVm: db.prepare(
        `INSERT INTO virtual_machines (subscription_id, resource_group_key, name_key, name, location, vm_id, os_family,
           catalogue_key, power_state, time_created, definition, patch_state)
         VALUES (@subscriptionId, @resourceGroupKey, @nameKey, @name, @location, @vmId, @osFamily, @catalogueKey,
           @powerState, @timeCreated, @definition, @patchState)`,
      ),
      updateVmDefinition: db.prepare(
        'UPDATE virtual_machines SET definition = ? WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?',
      ),
      updatePowerState: db.prepare(
        'UPDATE virtual_machines SET power_state = ? WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?',
      ),
      updatePatchState: db.prepare(
        'UPDATE virtual_machines SET patch_state = ? WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?',
      ),
      nextOperationNumber: db.prepare(
        `UPDATE virtual_machines SET operation_count = operation_count + 1
         WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ? RETURNING operation_count`,
      ),
      allGroups: db.prepare('SELECT * FROM resource_groups ORDER BY subscription_id, name_key'),
      allVms: db.prepare(
        `${SELECT_VM} ORDER BY vm.subscription_id, vm.resource_group_key, vm.name_key`,
      ),
      setOperationCount: db.prepare(
        'UPDATE virtual_machines SET operation_count = ?, power_state = ? WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?',
      ),
      deleteScope: db.prepare(
        `DELETE FROM resource_groups WHERE subscription_id = @subscriptionId AND (@resourceGroup IS NULL OR name_key = @resourceGroup)`,
      ),
      deleteAll: db.prepare('DELETE FROM resource_groups'),
      deleteVm: db.prepare('DELETE FROM virtual_machines WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?'),
    };
  }

  /** How many writes this store has made: unchanged between two readings, nothing it keeps changed. */
  get writeCount(): number {
    return this.writes;
  }

  getResourceGroup(subscriptionId: string, name: string): ResourceGroupRecord | undefined {
    const row = this.statements.getGroup.get(key(subscriptionId), key(name)) as
      | { subscription_id: string; name: string; location: string; tags: string }
      | undefined;
    return row && { subscriptionId: row.subscription_id, name: row.name, location: row.location, tags: readStored(row.tags, 'resource group tags') };
  }

  listResourceGroups(subscriptionId: string): ResourceGroupRecord[] {
    const rows = this.statements.listGroups.all(key(subscriptionId)) as Array<{ subscription_id: string; name: string; location: string; tags: string }>;
    return rows.map((row) => ({ subscriptionId: row.subscription_id, name: row.name, location: row.location, tags: readStored(row.tags, 'resource group tags') }));
  }

  /** Creates the group, or updates its tags; ARM keeps a group's location and name casing. */
  putResourceGroup(group: ResourceGroupRecord): { created: boolean; group: ResourceGroupRecord } {
    return this.db.transaction(() => {
      const existing = this.getResourceGroup(group.subscriptionId, group.name);
      this.writes++;
      this.statements.upsertGroup.run(key(group.subscriptionId), key(group.name), group.name, group.location, JSON.stringify(group.tags));
      return { created: !existing, group: this.getResourceGroup(group.subscriptionId, group.name)! };
    })();
  }

  /** Deletes the group and, through the foreign key, its VMs. */
  deleteResourceGroup(subscriptionId: string, name: string): boolean {
    this.writes++;
    return this.statements.deleteGroup.run(key(subscriptionId), key(name)).changes > 0;
  }

  getVirtualMachine(subscriptionId: string, resourceGroup: string, name: string): VirtualMachineRecord | undefined {
    const row = this.statements.getVm.get(key(subscriptionId), key(resourceGroup), key(name)) as VmRow | undefined;
    return row && toVm(row);
  }

  listVirtualMachines(subscriptionId: string, resourceGroup: string): VirtualMachineRecord[] {
    return (this.statements.listVms.all(key(subscriptionId), key(resourceGroup)) as VmRow[]).map(toVm);
  }

  insertVirtualMachine(vm: Omit<VirtualMachineRecord, 'operationCount' | 'patchState'>): void {
    this.writes++;
    this.statements.insertVm.run({
      subscriptionId: key(vm.subscriptionId),
      resourceGroupKey: key(vm.resourceGroup),
      nameKey: key(vm.name),
      name: vm.name,
      location: vm.location,
      vmId: vm.vmId,
      osFamily: vm.osFamily,
      catalogueKey: vm.catalogueKey,
      powerState: vm.powerState,
      timeCreated: vm.timeCreated,
      definition: JSON.stringify(vm.definition),
      patchState: JSON.stringify(FRESH_PATCH_STATE),
    });
  }

  updateVirtualMachineDefinition(vm: VirtualMachineRecord, definition: VirtualMachineRecord['definition']): void {
    this.writes++;
    this.statements.updateVmDefinition.run(JSON.stringify(definition), key(vm.subscriptionId), key(vm.resourceGroup), key(vm.name));
  }

  updatePatchState(vm: Pick<VirtualMachineRecord, 'subscriptionId' | 'resourceGroup' | 'name'>, state: VmPatchState): void {
    this.writes++;
    this.statements.updatePatchState.run(JSON.stringify(state), key(vm.subscriptionId), key(vm.resourceGroup), key(vm.name));
  }

  updatePowerState(vm: Pick<VirtualMachineRecord, 'subscriptionId' | 'resourceGroup' | 'name'>, state: PowerState): void {
    this.writes++;
    this.statements.updatePowerState.run(state, key(vm.subscriptionId), key(vm.resourceGroup), key(vm.name));
  }

  /** The VM's next operation number (1, 2, ...): an input of the operation id's derivation. */
  nextOperationNumber(vm: Pick<VirtualMachineRecord, 'subscriptionId' | 'resourceGroup' | 'name'>): number {
    this.writes++;
    const row = this.statements.nextOperationNumber.get(key(vm.subscriptionId), key(vm.resourceGroup), key(vm.name)) as
      | { operation_count: number }
      | undefined;
    if (!row) throw new Error(`virtual machine ${vm.name} vanished`);
    return row.operation_count;
  }

  /** Everything, for a state export. */
  exportAll(): { resourceGroups: ResourceGroupRecord[]; virtualMachines: VirtualMachineRecord[] } {
    const groups = this.statements.allGroups.all() as Array<{ subscription_id: string; name: string; location: string; tags: string }>;
    return {
      resourceGroups: groups.map((row) => ({ subscriptionId: row.subscription_id, name: row.name, location: row.location, tags: readStored(row.tags, 'resource group tags') })),
      virtualMachines: (this.statements.allVms.all() as VmRow[]).map(toVm),
    };
  }

  /** Adds exported records back as they were (ids, counters and patch state included). */
  importAll(data: { resourceGroups: ResourceGroupRecord[]; virtualMachines: VirtualMachineRecord[] }): void {
    for (const group of data.resourceGroups) this.putResourceGroup(group);
    for (const vm of data.virtualMachines) {
      this.insertVirtualMachine(vm);
      this.updatePatchState(vm, vm.patchState);
      this.writes++;
      this.statements.setOperationCount.run(vm.operationCount, vm.powerState, key(vm.subscriptionId), key(vm.resourceGroup), key(vm.name));
    }
  }

  /** Deletes a subscription's groups (or one group), and with them their VMs; no subscription: everything. */
  deleteScope(subscriptionId?: string, resourceGroup?: string): void {
    this.writes++;
    if (subscriptionId === undefined) this.statements.deleteAll.run();
    else this.statements.deleteScope.run({ subscriptionId: key(subscriptionId), resourceGroup: resourceGroup === undefined ? null : key(resourceGroup) });
  }

  deleteVirtualMachine(subscriptionId: string, resourceGroup: string, name: string): boolean {
    this.writes++;
    return this.statements.deleteVm.run(key(subscriptionId), key(resourceGroup), key(name)).changes > 0;
  }
}

function toVm(row: VmRow): VirtualMachineRecord {
  return {
    subscriptionId: row.subscription_id,
    resourceGroup: row.resource_group_name,
    name: row.name,
    location: row.location,
    vmId: row.vm_id,
    osFamily: row.os_family,
    catalogueKey: row.catalogue_key,
    powerState: row.power_state,
    timeCreated: row.time_created,
    definition: readStored(row.definition, 'a VM definition'),
    patchState: readStored(row.patch_state, 'a VM patch state'),
    operationCount: row.operation_count,
  };
}
