// POST /_emulator/virtualMachines/{subscriptionId}/{resourceGroup}/{vmName}/platformRuns: the
// platform's own assessment or installation of a VM, now (server/patch-settings/admin-routes.ts).

export const platformRunSchema = {
  $id: 'EmulatorPlatformRun',
  type: 'object',
  required: ['operation'],
  additionalProperties: false,
  properties: {
    operation: { type: 'string', enum: ['assessPatches', 'installPatches'] },
    /** `time` (default: it runs for its simulated duration) or `sync` (complete when answered). */
    completion: { type: 'string', enum: ['time', 'sync'] },
  },
} as const;
