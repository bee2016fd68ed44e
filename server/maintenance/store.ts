// Maintenance configurations, their assignments and the runs they caused (Microsoft.Maintenance).
// Keys are lower case (ARM names and ids are case-insensitive); names and ids are kept as first
// written. Every write raises `generation`, which the service's in-memory view of what covers which
// machine is keyed on: a VM settle with no assignment in sight costs no query at all.

import type { Db } from '../store/database.js';

/**
 * The migration that adds the tables (appended to MIGRATIONS in server/store/database.ts). `IF NOT
 * EXISTS`: a database whose schema version was set back (as the migration tests do) runs it again.
 */
export const MAINTENANCE_MIGRATION = `
  CREATE TABLE IF NOT EXISTS maintenance_configurations (
    subscription_id    TEXT NOT NULL,
    resource_group_key TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    resource_group     TEXT NOT NULL,  -- as first written
    name               TEXT NOT NULL,
    location           TEXT NOT NULL,
    created_ms         INTEGER NOT NULL,
    body               TEXT NOT NULL,  -- JSON: tags and properties as stored
    PRIMARY KEY (subscription_id, resource_group_key, name_key)
  ) WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS maintenance_assignments (
    subscription_id    TEXT NOT NULL,
    scope_key          TEXT NOT NULL,  -- lower-case id of the machine, subscription or resource group assigned
    name_key           TEXT NOT NULL,
    name               TEXT NOT NULL,
    scope_id           TEXT NOT NULL,  -- the same id as first written
    configuration_key  TEXT NOT NULL,  -- lower-case configuration id
    created_ms         INTEGER NOT NULL,
    body               TEXT NOT NULL,  -- JSON: location and properties as stored
    PRIMARY KEY (subscription_id, scope_key, name_key)
  ) WITHOUT ROWID;

  CREATE TABLE IF NOT EXISTS maintenance_runs (
    subscription_id    TEXT NOT NULL,
    id                 TEXT NOT NULL,  -- the applyUpdates name: a GUID
    resource_key       TEXT NOT NULL,  -- lower-case machine id
    resource_id        TEXT NOT NULL,
    resource_group_key TEXT NOT NULL,
    configuration_key  TEXT NOT NULL,
    configuration_id   TEXT NOT NULL,
    correlation_id     TEXT NOT NULL,  -- shared by every machine of one window
    trigger            TEXT NOT NULL,  -- Schedule | ApplyUpdates | Emulator
    window_start_ms    INTEGER NOT NULL,
    start_ms           INTEGER NOT NULL,
    operation_id       TEXT,           -- the installation it started; null when the machine was skipped
    skipped_reason     TEXT,
    PRIMARY KEY (subscription_id, id)
  ) WITHOUT ROWID;

  CREATE INDEX IF NOT EXISTS maintenance_runs_by_resource ON maintenance_runs (subscription_id, resource_key, configuration_key, window_start_ms);
`;

export interface ConfigurationRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  createdMs: number;
  tags?: Record<string, string>;
  properties: Record<string, unknown>;
}

export interface AssignmentRecord {
  subscriptionId: string;
  /** The machine's id, or the subscription's or resource group's for a dynamic scope. */
  scopeId: string;
  name: string;
  configurationId: string;
  createdMs: number;
  location?: string;
  properties: Record<string, unknown>;
}

export type RunTrigger = 'Schedule' | 'ApplyUpdates' | 'Emulator';

export interface RunRecord {
  subscriptionId: string;
  id: string;
  resourceId: string;
  resourceGroup: string;
  configurationId: string;
  correlationId: string;
  trigger: RunTrigger;
  windowStartMs: number;
  startMs: number;
  operationId: string | null;
  skippedReason: string | null;
}

interface ConfigurationRow {
  subscription_id: string;
  resource_group: string;
  name: string;
  location: string;
  created_ms: number;
  body: string;
}
interface AssignmentRow {
  subscription_id: string;
  scope_id: string;
  name: string;
  configuration_key: string;
  created_ms: number;
  body: string;
}
interface RunRow {
  subscription_id: string;
  id: string;
  resource_id: string;
  resource_group_key: string;
  configuration_id: string;
  correlation_id: string;
  trigger: RunTrigger;
  window_start_ms: number;
  start_ms: number;
  operation_id: string | null;
  skipped_reason: string | null;
}

/** Runs kept per machine; older ones are dropped as new ones are recorded. */
export const RUNS_KEPT_PER_MACHINE = 500;

const lower = (text: string) => text.toLowerCase();
/** `/subscriptions/{s}/resourceGroups/{g}/...`: the group's name in an id. */
export const resourceGroupOf = (id: string) => /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(id)?.[1] ?? '';

function toConfiguration(row: ConfigurationRow): ConfigurationRecord {
  const body = JSON.parse(row.body) as { tags?: Record<string, string>; properties: Record<string, unknown> };
  return { subscriptionId: row.subscription_id, resourceGroup: row.resource_group, name: row.name, location: row.location, createdMs: row.created_ms, ...body };
}
function toAssignment(row: AssignmentRow): AssignmentRecord {
  const body = JSON.parse(row.body) as { location?: string; properties: Record<string, unknown>; configurationId: string };
  return { subscriptionId: row.subscription_id, scopeId: row.scope_id, name: row.name, createdMs: row.created_ms, ...body };
}
function toRun(row: RunRow): RunRecord {
  return {
    subscriptionId: row.subscription_id,
    id: row.id,
    resourceId: row.resource_id,
    resourceGroup: row.resource_group_key,
    configurationId: row.configuration_id,
    correlationId: row.correlation_id,
    trigger: row.trigger,
    windowStartMs: row.window_start_ms,
    startMs: row.start_ms,
    operationId: row.operation_id,
    skippedReason: row.skipped_reason,
  };
}

export class MaintenanceStore {
  /** Raised by every write; the service rebuilds its view of assignments when it moves. */
  generation = 0;
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      getConfiguration: db.prepare('SELECT * FROM maintenance_configurations WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?'),
      listConfigurations: db.prepare('SELECT * FROM maintenance_configurations WHERE subscription_id = ? ORDER BY resource_group_key, name_key'),
      allConfigurations: db.prepare('SELECT * FROM maintenance_configurations ORDER BY subscription_id, resource_group_key, name_key'),
      countConfigurations: db.prepare('SELECT count(*) AS n FROM maintenance_configurations WHERE subscription_id = ? AND lower(location) = ?'),
      putConfiguration: db.prepare(
        `INSERT INTO maintenance_configurations (subscription_id, resource_group_key, name_key, resource_group, name, location, created_ms, body)
         VALUES (@subscriptionId, @resourceGroupKey, @nameKey, @resourceGroup, @name, @location, @createdMs, @body)
         ON CONFLICT (subscription_id, resource_group_key, name_key) DO UPDATE SET location = excluded.location, body = excluded.body`,
      ),
      deleteConfiguration: db.prepare('DELETE FROM maintenance_configurations WHERE subscription_id = ? AND resource_group_key = ? AND name_key = ?'),
      getAssignment: db.prepare('SELECT * FROM maintenance_assignments WHERE subscription_id = ? AND scope_key = ? AND name_key = ?'),
      listAssignmentsAt: db.prepare('SELECT * FROM maintenance_assignments WHERE subscription_id = ? AND scope_key = ? ORDER BY name_key'),
      allAssignments: db.prepare('SELECT * FROM maintenance_assignments ORDER BY subscription_id, scope_key, name_key'),
      countAssignments: db.prepare('SELECT count(*) AS n FROM maintenance_assignments WHERE configuration_key = ?'),
      putAssignment: db.prepare(
        `INSERT INTO maintenance_assignments (subscription_id, scope_key, name_key, name, scope_id, configuration_key, created_ms, body)
         VALUES (@subscriptionId, @scopeKey, @nameKey, @name, @scopeId, @configurationKey, @createdMs, @body)
         ON CONFLICT (subscription_id, scope_key, name_key) DO UPDATE SET configuration_key = excluded.configuration_key, body = excluded.body`,
      ),
      deleteAssignment: db.prepare('DELETE FROM maintenance_assignments WHERE subscription_id = ? AND scope_key = ? AND name_key = ?'),
      insertRun: db.prepare(
        `INSERT INTO maintenance_runs (subscription_id, id, resource_key, resource_id, resource_group_key, configuration_key, configuration_id,
           correlation_id, trigger, window_start_ms, start_ms, operation_id, skipped_reason)
         VALUES (@subscriptionId, @id, @resourceKey, @resourceId, @resourceGroupKey, @configurationKey, @configurationId,
           @correlationId, @trigger, @windowStartMs, @startMs, @operationId, @skippedReason)`,
      ),
      getRun: db.prepare('SELECT * FROM maintenance_runs WHERE subscription_id = ? AND id = ?'),
      lastScheduledWindow: db.prepare(
        `SELECT max(window_start_ms) AS last FROM maintenance_runs INDEXED BY maintenance_runs_by_resource
         WHERE subscription_id = ? AND resource_key = ? AND configuration_key = ? AND trigger = 'Schedule'`,
      ),
      runsOfResource: db.prepare('SELECT * FROM maintenance_runs WHERE subscription_id = ? AND resource_key = ? ORDER BY start_ms DESC, id LIMIT ?'),
      runsOfSubscription: db.prepare('SELECT * FROM maintenance_runs WHERE subscription_id = ? ORDER BY start_ms DESC, id LIMIT ?'),
      allRuns: db.prepare('SELECT * FROM maintenance_runs ORDER BY subscription_id, start_ms, id'),
      pruneRuns: db.prepare(
        `DELETE FROM maintenance_runs WHERE subscription_id = @subscriptionId AND resource_key = @resourceKey AND id IN (
           SELECT id FROM maintenance_runs WHERE subscription_id = @subscriptionId AND resource_key = @resourceKey ORDER BY start_ms DESC, id LIMIT -1 OFFSET @kept)`,
      ),
      countRunsOfResource: db.prepare('SELECT count(*) AS n FROM maintenance_runs WHERE subscription_id = ? AND resource_key = ?'),
      countRuns: db.prepare('SELECT count(*) AS n FROM maintenance_runs WHERE subscription_id = ?'),
    };
  }

  getConfiguration(subscriptionId: string, resourceGroup: string, name: string): ConfigurationRecord | undefined {
    const row = this.statements.getConfiguration.get(lower(subscriptionId), lower(resourceGroup), lower(name)) as ConfigurationRow | undefined;
    return row && toConfiguration(row);
  }

  listConfigurations(subscriptionId: string): ConfigurationRecord[] {
    return (this.statements.listConfigurations.all(lower(subscriptionId)) as ConfigurationRow[]).map(toConfiguration);
  }

  allConfigurations(): ConfigurationRecord[] {
    return (this.statements.allConfigurations.all() as ConfigurationRow[]).map(toConfiguration);
  }

  countConfigurations(subscriptionId: string, location: string): number {
    return (this.statements.countConfigurations.get(lower(subscriptionId), lower(location)) as { n: number }).n;
  }

  putConfiguration(record: ConfigurationRecord): void {
    this.generation++;
    this.statements.putConfiguration.run({
      subscriptionId: lower(record.subscriptionId),
      resourceGroupKey: lower(record.resourceGroup),
      nameKey: lower(record.name),
      resourceGroup: record.resourceGroup,
      name: record.name,
      location: record.location,
      createdMs: record.createdMs,
      body: JSON.stringify({ ...(record.tags !== undefined ? { tags: record.tags } : {}), properties: record.properties }),
    });
  }

  deleteConfiguration(subscriptionId: string, resourceGroup: string, name: string): boolean {
    this.generation++;
    return this.statements.deleteConfiguration.run(lower(subscriptionId), lower(resourceGroup), lower(name)).changes > 0;
  }

  getAssignment(subscriptionId: string, scopeId: string, name: string): AssignmentRecord | undefined {
    const row = this.statements.getAssignment.get(lower(subscriptionId), lower(scopeId), lower(name)) as AssignmentRow | undefined;
    return row && toAssignment(row);
  }

  listAssignmentsAt(subscriptionId: string, scopeId: string): AssignmentRecord[] {
    return (this.statements.listAssignmentsAt.all(lower(subscriptionId), lower(scopeId)) as AssignmentRow[]).map(toAssignment);
  }

  allAssignments(): AssignmentRecord[] {
    return (this.statements.allAssignments.all() as AssignmentRow[]).map(toAssignment);
  }

  countAssignments(configurationId: string): number {
    return (this.statements.countAssignments.get(lower(configurationId)) as { n: number }).n;
  }

  putAssignment(record: AssignmentRecord): void {
    this.generation++;
    this.statements.putAssignment.run({
      subscriptionId: lower(record.subscriptionId),
      scopeKey: lower(record.scopeId),
      nameKey: lower(record.name),
      name: record.name,
      scopeId: record.scopeId,
      configurationKey: lower(record.configurationId),
      createdMs: record.createdMs,
      body: JSON.stringify({ ...(record.location !== undefined ? { location: record.location } : {}), properties: record.properties, configurationId: record.configurationId }),
    });
  }

  deleteAssignment(subscriptionId: string, scopeId: string, name: string): boolean {
    this.generation++;
    return this.statements.deleteAssignment.run(lower(subscriptionId), lower(scopeId), lower(name)).changes > 0;
  }

  /** Records a run, and drops the machine's oldest beyond RUNS_KEPT_PER_MACHINE. */
  insertRun(run: RunRecord): void {
    const resourceKey = lower(run.resourceId);
    this.statements.insertRun.run({
      ...run,
      subscriptionId: lower(run.subscriptionId),
      id: lower(run.id),
      resourceKey,
      resourceGroupKey: lower(run.resourceGroup),
      configurationKey: lower(run.configurationId),
    });
    const { n } = this.statements.countRunsOfResource.get(lower(run.subscriptionId), resourceKey) as { n: number };
    if (n > RUNS_KEPT_PER_MACHINE) this.statements.pruneRuns.run({ subscriptionId: lower(run.subscriptionId), resourceKey, kept: RUNS_KEPT_PER_MACHINE });
  }

  getRun(subscriptionId: string, id: string): RunRecord | undefined {
    const row = this.statements.getRun.get(lower(subscriptionId), lower(id)) as RunRow | undefined;
    return row && toRun(row);
  }

  /** The start of the newest scheduled window recorded for a machine and a configuration. */
  lastScheduledWindow(subscriptionId: string, resourceId: string, configurationId: string): number | undefined {
    const row = this.statements.lastScheduledWindow.get(lower(subscriptionId), lower(resourceId), lower(configurationId)) as { last: number | null };
    return row.last ?? undefined;
  }

  /** How many runs a subscription has recorded: what tells two runs started at one frozen instant apart. */
  countRuns(subscriptionId: string): number {
    return (this.statements.countRuns.get(lower(subscriptionId)) as { n: number }).n;
  }

  runsOfResource(subscriptionId: string, resourceId: string, limit = RUNS_KEPT_PER_MACHINE): RunRecord[] {
    return (this.statements.runsOfResource.all(lower(subscriptionId), lower(resourceId), limit) as RunRow[]).map(toRun);
  }

  runsOfSubscription(subscriptionId: string, limit: number): RunRecord[] {
    return (this.statements.runsOfSubscription.all(lower(subscriptionId), limit) as RunRow[]).map(toRun);
  }

  exportAll(): { configurations: ConfigurationRecord[]; assignments: AssignmentRecord[]; runs: RunRecord[] } {
    return { configurations: this.allConfigurations(), assignments: this.allAssignments(), runs: (this.statements.allRuns.all() as RunRow[]).map(toRun) };
  }

  importAll(data: { configurations?: ConfigurationRecord[]; assignments?: AssignmentRecord[]; runs?: RunRecord[] }): void {
    for (const configuration of data.configurations ?? []) this.putConfiguration(configuration);
    for (const assignment of data.assignments ?? []) this.putAssignment(assignment);
    for (const run of data.runs ?? []) this.insertRun(run);
  }

  /**
   * Deletes what lies in a scope: everything; a subscription's; or a resource group's (its
   * configurations, the assignments of its machines and their runs). A machine's own assignments
   * and runs go with it: the name may be a VM's or an Arc machine's (a scoped reset names either).
   */
  deleteScope(subscriptionId?: string, resourceGroup?: string, vmName?: string): void {
    this.generation++;
    if (subscriptionId === undefined) {
      this.db.exec('DELETE FROM maintenance_configurations; DELETE FROM maintenance_assignments; DELETE FROM maintenance_runs;');
      return;
    }
    const sub = lower(subscriptionId);
    if (resourceGroup === undefined) {
      for (const table of ['maintenance_configurations', 'maintenance_assignments', 'maintenance_runs']) {
        this.db.prepare(`DELETE FROM ${table} WHERE subscription_id = ?`).run(sub);
      }
      return;
    }
    const groupId = `/subscriptions/${sub}/resourcegroups/${lower(resourceGroup)}`;
    if (vmName !== undefined) {
      for (const type of ['microsoft.compute/virtualmachines', 'microsoft.hybridcompute/machines']) {
        const machineKey = `${groupId}/providers/${type}/${lower(vmName)}`;
        this.db.prepare('DELETE FROM maintenance_assignments WHERE subscription_id = ? AND scope_key = ?').run(sub, machineKey);
        this.db.prepare('DELETE FROM maintenance_runs WHERE subscription_id = ? AND resource_key = ?').run(sub, machineKey);
      }
      return;
    }
    this.db.prepare('DELETE FROM maintenance_configurations WHERE subscription_id = ? AND resource_group_key = ?').run(sub, lower(resourceGroup));
    // substr, not LIKE: names may hold '_' and '%'.
    const prefix = `${groupId}/`;
    this.db.prepare('DELETE FROM maintenance_assignments WHERE subscription_id = ? AND (substr(scope_key, 1, ?) = ? OR scope_key = ?)').run(sub, prefix.length, prefix, groupId);
    this.db.prepare('DELETE FROM maintenance_runs WHERE subscription_id = ? AND substr(resource_key, 1, ?) = ?').run(sub, prefix.length, prefix);
  }
}
