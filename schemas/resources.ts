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

/**
 * patchSettings of windowsConfiguration and linuxConfiguration (PatchSettings, LinuxPatchSettings):
 * only the types here; the values and their combinations are checked as CRP checks them, with its
 * messages (server/patch-settings/settings.ts).
 */
export const patchSettingsSchema = {
  type: 'object',
  properties: {
    patchMode: { type: 'string', maxLength: 64 },
    assessmentMode: { type: 'string', maxLength: 64 },
    enableHotpatching: { type: 'boolean' },
    automaticByPlatformSettings: {
      type: 'object',
      properties: {
        rebootSetting: { type: 'string', maxLength: 64 },
        bypassPlatformSafetyChecksOnUserSchedule: { type: 'boolean' },
      },
    },
  },
} as const;

const osConfiguration = {
  type: 'object',
  properties: {
    provisionVMAgent: { type: 'boolean' },
    enableAutomaticUpdates: { type: 'boolean' },
    patchSettings: patchSettingsSchema,
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
            windowsConfiguration: osConfiguration,
            linuxConfiguration: osConfiguration,
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
