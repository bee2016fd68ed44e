// The dashboard's read-only admin endpoints: query strings and path parameters, validated by ajv
// like the rest of the admin API and described in the OpenAPI document from these objects.

const name = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const operationListQuerySchema = {
  $id: 'OperationListQuery',
  type: 'object',
  required: ['subscriptionId', 'resourceGroup', 'vmName'],
  additionalProperties: false,
  properties: {
    subscriptionId: name,
    resourceGroup: name,
    vmName: name,
    limit: { type: 'string', pattern: '^[0-9]{1,3}$', description: 'how many, newest first (default 20, at most 200)' },
  },
} as const;

export const operationParamsSchema = {
  $id: 'OperationParams',
  type: 'object',
  required: ['subscriptionId', 'operationId'],
  properties: { subscriptionId: name, operationId: name },
} as const;

export const virtualMachineParamsSchema = {
  $id: 'VirtualMachineParams',
  type: 'object',
  required: ['subscriptionId', 'resourceGroup', 'vmName'],
  properties: { subscriptionId: name, resourceGroup: name, vmName: name },
} as const;

const strings = { type: 'array', items: { type: 'string' } } as const;

/** GET /_emulator/ui/vocabulary's answer (server/dashboard/vocabulary.ts): the OpenAPI document describes it, the serializer writes exactly it. */
export const vocabularySchema = {
  $id: 'DashboardVocabulary',
  type: 'object',
  additionalProperties: false,
  required: ['computeApiVersion', 'classifications', 'rebootSettings', 'powerActions', 'completion', 'scenario', 'fault'],
  properties: {
    computeApiVersion: { type: 'string' },
    classifications: { type: 'object', additionalProperties: false, required: ['Windows', 'Linux'], properties: { Windows: strings, Linux: strings } },
    rebootSettings: strings,
    powerActions: strings,
    completion: { type: 'object', additionalProperties: false, required: ['modes', 'maxPolls'], properties: { modes: strings, maxPolls: { type: 'integer' } } },
    scenario: {
      type: 'object',
      additionalProperties: false,
      required: ['operations', 'statuses', 'rebootStatuses'],
      properties: { operations: strings, statuses: strings, rebootStatuses: strings },
    },
    fault: {
      type: 'object',
      additionalProperties: false,
      required: ['operations', 'kinds', 'statusCodes', 'maxRetryAfterSeconds', 'maxDelayMs'],
      properties: {
        operations: strings,
        kinds: strings,
        statusCodes: { type: 'array', items: { type: 'integer' } },
        maxRetryAfterSeconds: { type: 'integer' },
        maxDelayMs: { type: 'integer' },
      },
    },
  },
} as const;
