// Request bodies for the ARM resources a test sets up: resource groups and virtual machines.
// Only what the emulator uses is constrained; everything else in an ARM body is accepted and kept.

const tags = { type: 'object', maxProperties: 50, additionalProperties: { type: 'string', maxLength: 256 } } as const;
const location = { type: 'string', minLength: 1, maxLength: 64 } as const;

export const resourceGroupBodySchema = {
  $id: 'ResourceGroup',
  type: 'object',
  required: ['location'],
  properties: { location, tags },
} as const;

export const imageReferenceSchema = {
  $id: 'ImageReference',
  type: 'object',
  properties: {
    publisher: { type: 'string', maxLength: 256 },
    offer: { type: 'string', maxLength: 256 },
    sku: { type: 'string', maxLength: 256 },
    version: { type: 'string', maxLength: 256 },
    id: { type: 'string', maxLength: 1024 },
  },
} as const;

export const virtualMachineBodySchema = {
  $id: 'VirtualMachine',
  type: 'object',
  required: ['location'],
  properties: {
    location,
    tags,
    properties: {
      type: 'object',
      properties: {
        hardwareProfile: { type: 'object', properties: { vmSize: { type: 'string', maxLength: 128 } } },
        storageProfile: {
          type: 'object',
          properties: {
            imageReference: { $ref: 'ImageReference#' },
            osDisk: {
              type: 'object',
              properties: { osType: { type: 'string', enum: ['Windows', 'Linux'] }, name: { type: 'string', maxLength: 256 } },
            },
          },
        },
        osProfile: {
          type: 'object',
          properties: {
            computerName: { type: 'string', maxLength: 64 },
            adminUsername: { type: 'string', maxLength: 64 },
            adminPassword: { type: 'string', maxLength: 256 },
          },
        },
      },
    },
  },
} as const;

/** PATCH on a VM (VirtualMachineUpdate): no location; tags and properties, merged into the VM. */
export const virtualMachineUpdateSchema = {
  $id: 'VirtualMachineUpdate',
  type: 'object',
  properties: {
    tags,
    properties: virtualMachineBodySchema.properties.properties,
  },
} as const;
