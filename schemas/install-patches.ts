// VirtualMachineInstallPatchesParameters (docs/wire-format.md#request-and-result-models, spec-2024-07-01 plus the newer
// `patchNameMasksTo*`). Enum values are canonicalised case-insensitively before validation
// (ps-install-recording: PowerShell sent "critical" and got 202), so the schema lists only the canonical spellings.

import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FromSchema } from 'json-schema-to-ts';
import { LINUX_CLASSIFICATIONS, WINDOWS_CLASSIFICATIONS } from '../simulator/catalogue.js';
import { ISO_DURATION_PATTERN } from '../simulator/duration.js';

export const KB_NUMBER_PATTERN = '^[Kk][Bb][0-9]+$';

/**
 * Name masks: ARM publishes no limits, so the emulator sets its own, far above any real list, so
 * that matching stays cheap (simulator/mask.ts; docs/reliability.md). Past them, or a blank mask
 * (the REST spec: "Null, empty and only whitespaces strings as inputs values are not supported",
 * https://learn.microsoft.com/en-us/javascript/api/@azure/arm-compute/windowsparameters), is a
 * 400 InvalidParameter naming the list.
 */
export const MAX_NAME_MASKS = 100;
export const MAX_NAME_MASK_LENGTH = 256;
const maskList = { type: 'array', maxItems: MAX_NAME_MASKS, items: { type: 'string', minLength: 1, maxLength: MAX_NAME_MASK_LENGTH, pattern: '\\S' } } as const;
const kbList = { type: 'array', maxItems: 1000, items: { type: 'string', pattern: KB_NUMBER_PATTERN, maxLength: 64 } } as const;

export const windowsParametersSchema = {
  $id: 'WindowsParameters',
  type: 'object',
  description: 'Input for InstallPatches on a Windows VM, as directly received by the API',
  properties: {
    classificationsToInclude: { type: 'array', maxItems: 64, items: { type: 'string', enum: [...WINDOWS_CLASSIFICATIONS] } },
    kbNumbersToInclude: kbList,
    kbNumbersToExclude: kbList,
    excludeKbsRequiringReboot: { type: 'boolean' },
    maxPatchPublishDate: { type: 'string', format: 'date-time' },
    patchNameMasksToInclude: { ...maskList, description: 'api-version 2025-04-01 and later' },
    patchNameMasksToExclude: { ...maskList, description: 'api-version 2025-04-01 and later' },
  },
} as const;

export const linuxParametersSchema = {
  $id: 'LinuxParameters',
  type: 'object',
  description: 'Input for InstallPatches on a Linux VM, as directly received by the API',
  properties: {
    classificationsToInclude: { type: 'array', maxItems: 64, items: { type: 'string', enum: [...LINUX_CLASSIFICATIONS] } },
    packageNameMasksToInclude: maskList,
    packageNameMasksToExclude: maskList,
    maintenanceRunId: { type: 'string', maxLength: 1024 },
  },
} as const;

export const installPatchesBodySchema = {
  $id: 'VirtualMachineInstallPatchesParameters',
  type: 'object',
  description: 'Input for InstallPatches as directly received by the API',
  required: ['rebootSetting'],
  properties: {
    maximumDuration: { type: 'string', maxLength: 64, pattern: ISO_DURATION_PATTERN },
    rebootSetting: { type: 'string', enum: ['IfRequired', 'Never', 'Always'] },
    windowsParameters: { $ref: 'WindowsParameters#' },
    linuxParameters: { $ref: 'LinuxParameters#' },
  },
} as const;

// The types of these shapes, derived from the schemas (json-schema-to-ts), never copied by hand.
export type WindowsParameters = FromSchema<typeof windowsParametersSchema>;
export type LinuxParameters = FromSchema<typeof linuxParametersSchema>;
/** The installPatches request body, its enum values already in canonical case. */
export type InstallPatchesBody = FromSchema<typeof installPatchesBodySchema, { references: [typeof windowsParametersSchema, typeof linuxParametersSchema] }>;

/** Fastify's type provider for routes whose bodies refer to the shared shapes above. */
export type SchemaTypes = JsonSchemaToTsProvider<{ ValidatorSchemaOptions: { references: [typeof windowsParametersSchema, typeof linuxParametersSchema] } }>;
