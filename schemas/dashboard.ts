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
