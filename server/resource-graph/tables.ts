// The Resource Graph tables the emulator answers, built from the machines in scope
// (docs/update-manager-wire-format.md#resource-graph-tables): patchassessmentresources (the latest
// assessment of the last 7 days and its available patches), patchinstallationresources (the
// installations of the last 30 days and their patches), maintenanceresources, and resources (the
// machines themselves). Every record has ARG's standard columns.

import type { Table, Value } from '../../simulator/kql/index.js';
import { armTimestampUtc } from '../../simulator/time-format.js';
import type { MachineAssessment, MachineInstallation, MaintenanceRecord, PatchFacts, PatchMachine } from './sources.js';

/** ARG's columns, in the order its records carry them (um-query-logs). */
export const STANDARD_COLUMNS = [
  'id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId',
  'managedBy', 'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation',
] as const;

/** Retention on the simulated clock (um-query-logs). */
export const ASSESSMENT_RETENTION_MS = 7 * 86_400_000;
export const INSTALLATION_RETENTION_MS = 30 * 86_400_000;

export const TABLE_NAMES = ['patchassessmentresources', 'patchinstallationresources', 'maintenanceresources', 'resources'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

interface RecordInput {
  id: string;
  name: string;
  type: string;
  location: string;
  resourceGroup: string;
  subscriptionId: string;
  properties: Record<string, unknown>;
  tags?: Record<string, string> | null;
}

/** One row: the columns "intentionally left blank" are empty strings or nulls (unverified which; docs/resource-graph.md#records). */
function row(record: RecordInput, tenantId: string): Value[] {
  return [
    record.id, record.name, record.type, tenantId, '', record.location, record.resourceGroup.toLowerCase(), record.subscriptionId,
    '', null, null, record.properties, record.tags ?? null, null, null, null,
  ];
}

const CLASSIFICATION_KEYS: Record<string, string> = {
  critical: 'critical',
  security: 'security',
  updaterollup: 'updateRollup',
  featurepack: 'featurePack',
  servicepack: 'servicePack',
  definition: 'definition',
  tools: 'tools',
  updates: 'updates',
  other: 'other',
};

/** Available patches by classification: each patch counted once, under its first classification. */
function countByClassification(patches: PatchFacts[]): Record<string, number> {
  const counts: Record<string, number> = { critical: 0, security: 0, updateRollup: 0, featurePack: 0, servicePack: 0, definition: 0, tools: 0, updates: 0, other: 0 };
  for (const patch of patches) {
    const key = CLASSIFICATION_KEYS[(patch.classifications[0] ?? 'other').toLowerCase()] ?? 'other';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** A patch's properties (um-query-logs): Windows patches carry kbId and no version, Linux packages the reverse. */
function patchProperties(machine: PatchMachine, patch: PatchFacts, lastModifiedMs: number): Record<string, unknown> {
  const rebootBehavior = patch.rebootBehavior ?? 'CanRequestReboot';
  return {
    patchName: patch.name,
    ...(machine.osType === 'Windows' ? { kbId: patch.kbId ?? '' } : { version: patch.version ?? '' }),
    classifications: patch.classifications,
    ...(machine.osType === 'Windows' && patch.msrcSeverity !== undefined ? { msrcSeverity: patch.msrcSeverity } : {}),
    rebootRequired: rebootBehavior === 'AlwaysRequiresReboot',
    rebootBehavior,
    publishedDateTime: machine.osType === 'Windows' && patch.publishedMs !== null ? armTimestampUtc(patch.publishedMs) : null,
    lastModifiedDateTime: armTimestampUtc(lastModifiedMs),
  };
}

/** A segment of a record id: the patch id, without the characters an id cannot carry. */
const idSegment = (text: string) => text.replace(/[/?#]/g, '_');

function assessmentRows(machine: PatchMachine, assessment: MachineAssessment, tenantId: string): Value[][] {
  const base = `${machine.id}/patchAssessmentResults/latest`;
  const resultType = `${machine.type}/patchassessmentresults`;
  const common = { location: machine.location, resourceGroup: machine.resourceGroup, subscriptionId: machine.subscriptionId };
  const summary = row(
    {
      ...common,
      id: base,
      name: assessment.activityId,
      type: resultType,
      properties: {
        assessmentActivityId: assessment.activityId,
        status: assessment.status,
        rebootPending: assessment.rebootPending,
        patchServiceUsed: machine.patchServiceUsed,
        osType: machine.osType,
        startedBy: assessment.startedBy,
        startDateTime: armTimestampUtc(assessment.startMs),
        lastModifiedDateTime: armTimestampUtc(assessment.endMs),
        availablePatchCountByClassification: countByClassification(assessment.patches),
        errorDetails: assessment.errorDetails,
      },
    },
    tenantId,
  );
  const patches = assessment.patches.map((patch) =>
    row(
      {
        ...common,
        id: `${base}/softwarePatches/${idSegment(patch.patchId)}`,
        name: patch.patchId,
        type: `${resultType}/softwarepatches`,
        properties: patchProperties(machine, patch, assessment.endMs),
      },
      tenantId,
    ),
  );
  return [summary, ...patches];
}

function installationRows(machine: PatchMachine, installation: MachineInstallation, tenantId: string): Value[][] {
  const base = `${machine.id}/patchInstallationResults/${installation.activityId}`;
  const resultType = `${machine.type}/patchinstallationresults`;
  const common = { location: machine.location, resourceGroup: machine.resourceGroup, subscriptionId: machine.subscriptionId };
  const count = (state: string) => installation.patches.filter((patch) => patch.installationState === state).length;
  const summary = row(
    {
      ...common,
      id: base,
      name: installation.activityId,
      type: resultType,
      properties: {
        installationActivityId: installation.activityId,
        status: installation.status,
        startedBy: installation.startedBy,
        osType: machine.osType,
        patchServiceUsed: machine.patchServiceUsed,
        rebootStatus: installation.rebootStatus,
        maintenanceWindowExceeded: installation.maintenanceWindowExceeded,
        installedPatchCount: count('Installed'),
        failedPatchCount: count('Failed'),
        pendingPatchCount: count('Pending'),
        excludedPatchCount: count('Excluded'),
        notSelectedPatchCount: count('NotSelected'),
        startDateTime: armTimestampUtc(installation.startMs),
        lastModifiedDateTime: armTimestampUtc(installation.endMs),
        maintenanceRunId: installation.maintenanceRunId,
        errorDetails: installation.errorDetails,
      },
    },
    tenantId,
  );
  const patches = installation.patches.map((patch) =>
    row(
      {
        ...common,
        id: `${base}/softwarePatches/${idSegment(patch.patchId)}`,
        name: patch.patchId,
        type: `${resultType}/softwarepatches`,
        properties: { installationState: patch.installationState, ...patchProperties(machine, patch, installation.endMs) },
      },
      tenantId,
    ),
  );
  return [summary, ...patches];
}

/** patchassessmentresources: each machine's newest assessment, while it is under 7 days old. */
export function patchAssessmentTable(machines: PatchMachine[], nowMs: number, tenantId: string): Table {
  const rows: Value[][] = [];
  for (const machine of machines) {
    const latest = machine.latestAssessment();
    if (latest && latest.endMs >= nowMs - ASSESSMENT_RETENTION_MS) rows.push(...assessmentRows(machine, latest, tenantId));
  }
  return { columns: [...STANDARD_COLUMNS], rows };
}

/** patchinstallationresources: every installation of the last 30 days. */
export function patchInstallationTable(machines: PatchMachine[], nowMs: number, tenantId: string): Table {
  const rows: Value[][] = [];
  for (const machine of machines) {
    for (const installation of machine.installations()) {
      if (installation.endMs >= nowMs - INSTALLATION_RETENTION_MS) rows.push(...installationRows(machine, installation, tenantId));
    }
  }
  return { columns: [...STANDARD_COLUMNS], rows };
}

export function maintenanceTable(records: MaintenanceRecord[], tenantId: string): Table {
  return { columns: [...STANDARD_COLUMNS], rows: records.map((record) => row(record, tenantId)) };
}

/** resources: the machines themselves, as ARG's `resources` table lists them. */
export function resourcesTable(machines: PatchMachine[], tenantId: string): Table {
  return {
    columns: [...STANDARD_COLUMNS],
    rows: machines.map((machine) =>
      row(
        {
          id: machine.id,
          name: machine.name,
          type: machine.type,
          location: machine.location,
          resourceGroup: machine.resourceGroup,
          subscriptionId: machine.subscriptionId,
          properties: machine.resourceProperties,
          tags: machine.tags,
        },
        tenantId,
      ),
    ),
  };
}
