// The results of patch operations, as the simulator writes them and the result URLs, instance views
// and status envelopes serve them: VirtualMachineInstallPatchesResult and
// VirtualMachineAssessPatchesResult, and an Arc machine's MachineInstallPatchesResult and
// MachineAssessPatchesResult
// (https://github.com/Azure/azure-rest-api-specs/blob/main/specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/virtualMachine.json).
// The state document (schemas/state.ts) checks stored results with them; the ARM routes describe
// their answers with them in the OpenAPI document.

import type { FromSchema } from 'json-schema-to-ts';

export const text = (maxLength = 1024) => ({ type: 'string', maxLength }) as const;
export const name = { type: 'string', minLength: 1, maxLength: 1024 } as const;
export const count = { type: 'integer', minimum: 0, maximum: 1_000_000_000 } as const;
export const dateTime = { type: 'string', format: 'date-time', maxLength: 64 } as const;

/** What names a patch in a result, installed or available. */
const patchIdentity = {
  patchId: name,
  name,
  version: text(256),
  kbId: text(64),
  classifications: { type: 'array', maxItems: 16, items: text(64) },
} as const;

/** An installation's counts by installation state: one shape for a VM's result, an Arc machine's and the instance view's summary. */
export const patchCountsSchema = {
  type: 'object',
  required: ['excludedPatchCount', 'notSelectedPatchCount', 'pendingPatchCount', 'installedPatchCount', 'failedPatchCount'],
  additionalProperties: false,
  properties: {
    excludedPatchCount: count,
    notSelectedPatchCount: count,
    pendingPatchCount: count,
    installedPatchCount: count,
    failedPatchCount: count,
  },
} as const;
export type PatchCounts = FromSchema<typeof patchCountsSchema>;
export const PATCH_COUNT_NAMES = patchCountsSchema.required;

export const patchError = {
  type: 'object',
  required: ['details', 'code', 'message'],
  properties: {
    details: { type: 'array', maxItems: 100, items: { type: 'object', required: ['code', 'message'], properties: { code: text(256), message: text(4096) } } },
    code: text(256),
    message: text(4096),
  },
} as const;
const patchStatus = { type: 'string', enum: ['InProgress', 'Failed', 'Succeeded', 'CompletedWithWarnings', 'Unknown'] } as const;

/** A finished operation's result, as the simulator's results.ts writes it: what the result URL, instance view and dashboard read. */
export const installResultSchema = {
  type: 'object',
  required: ['status', 'installationActivityId', 'rebootStatus', 'maintenanceWindowExceeded', 'excludedPatchCount', 'notSelectedPatchCount', 'pendingPatchCount', 'installedPatchCount', 'failedPatchCount', 'patches', 'startDateTime', 'error'],
  properties: {
    status: patchStatus,
    installationActivityId: text(64),
    rebootStatus: text(64),
    maintenanceWindowExceeded: { type: 'boolean' },
    ...patchCountsSchema.properties,
    patches: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['patchId', 'name', 'classifications', 'installationState'],
        properties: {
          ...patchIdentity,
          msrcSeverity: text(64),
          installationState: { type: 'string', enum: ['Installed', 'Failed', 'Excluded', 'NotSelected', 'Pending'] },
        },
      },
    },
    startDateTime: dateTime,
    maintenanceRunId: text(),
    error: patchError,
  },
} as const;

export const assessResultSchema = {
  type: 'object',
  required: ['status', 'assessmentActivityId', 'rebootPending', 'criticalAndSecurityPatchCount', 'otherPatchCount', 'startDateTime', 'availablePatches', 'error'],
  properties: {
    status: patchStatus,
    assessmentActivityId: text(64),
    rebootPending: { type: 'boolean' },
    criticalAndSecurityPatchCount: count,
    otherPatchCount: count,
    startDateTime: dateTime,
    availablePatches: {
      type: 'array',
      maxItems: 10_000,
      items: {
        type: 'object',
        required: ['patchId', 'name', 'classifications', 'rebootBehavior', 'publishedDate', 'activityId', 'lastModifiedDateTime', 'assessmentState'],
        properties: {
          ...patchIdentity,
          rebootBehavior: text(64),
          publishedDate: dateTime,
          activityId: text(64),
          lastModifiedDateTime: dateTime,
          assessmentState: { const: 'Available' },
        },
      },
    },
    error: patchError,
  },
} as const;

/** The error details of an Arc result (simulator/arc-results.ts). */
export const arcErrorDetails = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: text(256), message: text(4096), details: patchError.properties.details },
} as const;
export const arcResultCommon = {
  startDateTime: dateTime,
  lastModifiedDateTime: dateTime,
  startedBy: { type: 'string', enum: ['User', 'Platform'] },
  patchServiceUsed: { type: 'string', enum: ['Unknown', 'WU', 'WU_WSUS', 'YUM', 'APT', 'Zypper'] },
  status: patchStatus,
  osType: { type: 'string', enum: ['Windows', 'Linux'] },
  errorDetails: arcErrorDetails,
} as const;

/** MachineInstallPatchesResult, as an Arc machine's installation stores it. */
export const arcInstallResultSchema = {
  type: 'object',
  required: ['startDateTime', 'lastModifiedDateTime', 'startedBy', 'patchServiceUsed', 'status', 'maintenanceWindowExceeded', 'rebootStatus', 'notSelectedPatchCount', 'pendingPatchCount', 'failedPatchCount', 'installedPatchCount', 'excludedPatchCount', 'osType', 'installationActivityId'],
  properties: {
    ...arcResultCommon,
    maintenanceWindowExceeded: { type: 'boolean' },
    rebootStatus: text(64),
    ...patchCountsSchema.properties,
    installationActivityId: text(64),
  },
} as const;

/** MachineAssessPatchesResult, as an Arc machine's assessment stores it. */
export const arcAssessResultSchema = {
  type: 'object',
  required: ['startDateTime', 'lastModifiedDateTime', 'startedBy', 'rebootPending', 'patchServiceUsed', 'status', 'availablePatchCountByClassification', 'assessmentActivityId', 'osType'],
  properties: {
    ...arcResultCommon,
    rebootPending: { type: 'boolean' },
    availablePatchCountByClassification: {
      type: 'object',
      required: ['security', 'critical', 'definition', 'updateRollup', 'featurePack', 'servicePack', 'tools', 'updates'],
      additionalProperties: false,
      properties: Object.fromEntries(['security', 'critical', 'definition', 'updateRollup', 'featurePack', 'servicePack', 'tools', 'updates', 'other'].map((name) => [name, count])),
    },
    assessmentActivityId: text(64),
  },
} as const;

/**
 * The status monitor's envelope (the Azure-AsyncOperation URL's answer,
 * https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/async-operations):
 * a finished patch operation's result under properties.output.
 */
export const statusEnvelopeSchema = {
  type: 'object',
  required: ['status', 'name'],
  properties: {
    name: text(64),
    status: { type: 'string', enum: ['InProgress', 'Succeeded', 'Failed', 'Canceled'] },
    startTime: dateTime,
    endTime: dateTime,
    properties: { type: 'object', properties: { output: { anyOf: [installResultSchema, assessResultSchema] } } },
    error: { type: 'object', required: ['code', 'message'], properties: { code: text(256), message: text(4096) } },
  },
} as const;
