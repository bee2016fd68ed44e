// The admin API under /_emulator/: request bodies and query strings, validated by ajv like the ARM
// API's, and described in the OpenAPI document from these same objects.

import type { FromSchema } from 'json-schema-to-ts';
import { MAX_CLOCK_SPEED } from '../simulator/clock.js';
import { ISO_DURATION_PATTERN } from '../simulator/duration.js';
import { COMPLETION_MODE_PATTERN } from '../simulator/progress.js';
import { MAX_NAME_MASK_LENGTH, MAX_NAME_MASKS } from './install-patches.js';

const name = { type: 'string', minLength: 1, maxLength: 128 } as const;
const completionMode = { type: 'string', pattern: COMPLETION_MODE_PATTERN, description: 'sync | instant | polls:N (1-1000) | time' } as const;
const duration = { type: 'string', maxLength: 64, pattern: ISO_DURATION_PATTERN } as const;
/** A fault rule's path mask; at most MAX_FAULT_RULES rules (and scenarios) are kept at once. */
export const MAX_FAULT_PATH_LENGTH = 1024;
export const MAX_FAULT_RULES = 100;
export const MAX_SCENARIOS = 100;
const remaining = { type: 'integer', minimum: 1, maximum: 1_000_000, description: 'applies to the next N matches only' } as const;

export const completionRuleSchema = {
  $id: 'CompletionRule',
  type: 'object',
  required: ['subscriptionId', 'mode'],
  additionalProperties: false,
  properties: { subscriptionId: name, resourceGroup: name, vmName: name, mode: completionMode },
} as const;

export const completionSettingsSchema = {
  $id: 'CompletionSettings',
  type: 'object',
  additionalProperties: false,
  properties: {
    default: completionMode,
    rules: { type: 'array', maxItems: 1000, items: { $ref: 'CompletionRule#' } },
  },
} as const;

export const operationCompletionSchema = {
  $id: 'OperationCompletion',
  type: 'object',
  required: ['mode'],
  additionalProperties: false,
  properties: { mode: completionMode },
} as const;

export const clockChangeSchema = {
  $id: 'ClockChange',
  type: 'object',
  additionalProperties: false,
  properties: {
    speed: { type: 'number', exclusiveMinimum: 0, maximum: MAX_CLOCK_SPEED, description: 'simulated seconds per wall-clock second' },
    frozen: { type: 'boolean' },
    advance: { ...duration, description: 'ISO-8601 duration to move the clock forward, e.g. PT2H' },
    set: { type: 'string', format: 'date-time', description: 'jump to this simulated time' },
  },
} as const;

export const scenarioSchema = {
  $id: 'Scenario',
  type: 'object',
  required: ['outcome'],
  additionalProperties: false,
  properties: {
    id: name,
    match: {
      type: 'object',
      additionalProperties: false,
      properties: { subscriptionId: name, resourceGroup: name, vmName: name, operation: { type: 'string', enum: ['installPatches', 'assessPatches'] } },
    },
    remaining,
    outcome: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        status: { type: 'string', enum: ['Succeeded', 'Failed', 'CompletedWithWarnings'] },
        operationFailure: {
          type: 'object',
          required: ['code', 'message'],
          additionalProperties: false,
          properties: { code: { type: 'string', minLength: 1, maxLength: 256 }, message: { type: 'string', minLength: 1, maxLength: 4096 } },
        },
        failPatches: { type: 'array', maxItems: MAX_NAME_MASKS, items: { type: 'string', minLength: 1, maxLength: MAX_NAME_MASK_LENGTH } },
        maintenanceWindowExceeded: { type: 'boolean' },
        rebootStatus: { type: 'string', enum: ['NotNeeded', 'Required', 'Started', 'Failed', 'Completed'] },
        duration,
      },
    },
  },
} as const;

export const faultRuleSchema = {
  $id: 'FaultRule',
  type: 'object',
  required: ['effect'],
  additionalProperties: false,
  properties: {
    id: name,
    match: {
      type: 'object',
      additionalProperties: false,
      properties: {
        method: { type: 'string', enum: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD'] },
        path: { type: 'string', minLength: 1, maxLength: MAX_FAULT_PATH_LENGTH, description: 'shell-style mask over the URL path, e.g. */installPatches' },
        operation: { type: 'string', enum: ['installPatches', 'assessPatches', 'operationStatus', 'operationResult', 'resource'] },
      },
    },
    effect: {
      oneOf: [
        { type: 'object', required: ['kind', 'retryAfterSeconds'], additionalProperties: false, properties: { kind: { const: 'throttle' }, retryAfterSeconds: { type: 'integer', minimum: 0, maximum: 3600 } } },
        {
          type: 'object',
          required: ['kind', 'statusCode'],
          additionalProperties: false,
          properties: {
            kind: { const: 'error' },
            statusCode: { type: 'integer', enum: [500, 502, 503, 504] },
            code: { type: 'string', minLength: 1, maxLength: 256 },
            message: { type: 'string', minLength: 1, maxLength: 4096 },
            retryAfterSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
          },
        },
        { type: 'object', required: ['kind', 'delayMs'], additionalProperties: false, properties: { kind: { const: 'latency' }, delayMs: { type: 'integer', minimum: 0, maximum: 60_000 } } },
        { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { const: 'drop' } } },
      ],
    },
    probability: { type: 'number', minimum: 0, maximum: 1 },
    remaining,
  },
} as const;

export const resetSchema = {
  $id: 'Reset',
  type: 'object',
  additionalProperties: false,
  properties: {
    subscriptionId: name,
    resourceGroup: name,
    vmName: name,
    keepClock: { type: 'boolean' },
    keepScenarios: { type: 'boolean' },
    keepFaults: { type: 'boolean' },
  },
  dependencies: { resourceGroup: ['subscriptionId'], vmName: ['resourceGroup'] },
} as const;

export const journalQuerySchema = {
  $id: 'JournalQuery',
  type: 'object',
  additionalProperties: false,
  properties: {
    method: { type: 'string', maxLength: 16 },
    path: { type: 'string', maxLength: 2048, description: 'substring of the URL path, case-insensitive' },
    status: { type: 'string', pattern: '^[1-5][0-9][0-9]$' },
    operationId: { type: 'string', maxLength: 64 },
    limit: { type: 'string', pattern: '^[0-9]{1,6}$' },
  },
} as const;

// The types of the bodies above, derived from them (json-schema-to-ts): the simulator's scenario and
// fault rules are these shapes, never copies.
export type ScenarioBody = FromSchema<typeof scenarioSchema>;
export type FaultRuleBody = FromSchema<typeof faultRuleSchema>;
