// The state document of GET/PUT /_emulator/state and --seed-file, whole: every field a running
// emulator reads back is described here, so that a document that passes can never make an ordinary
// request fail later (docs/reliability.md). server/state/state-validation.ts adds what a schema
// cannot say (catalogues exist, names unique, a VM's group present).

import { WINDOWS_CLASSIFICATIONS, LINUX_CLASSIFICATIONS } from '../simulator/catalogue.js';
import { LATEST_TIME_MS, MAX_CLOCK_SPEED } from '../simulator/clock.js';
import { completionRuleSchema, faultRuleSchema, scenarioSchema } from './admin.js';
import { arcAssessResultSchema, arcInstallResultSchema, assessResultSchema, count, dateTime, installResultSchema, name, text } from './patch-results.js';

const guid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;
const instant = { type: 'integer', minimum: 0, maximum: LATEST_TIME_MS } as const;
const span = { type: 'integer', minimum: 0, maximum: LATEST_TIME_MS } as const;
const tags = { type: 'object', maxProperties: 50, additionalProperties: text(256) } as const;
const classification = { type: 'string', enum: [...new Set([...WINDOWS_CLASSIFICATIONS, ...LINUX_CLASSIFICATIONS])] } as const;
const failure = { type: 'object', required: ['code', 'message'], properties: { code: text(256), message: text(4096) } } as const;

const entryProperties = {
  patchId: name,
  name,
  kbId: text(64),
  version: text(256),
  classifications: { type: 'array', maxItems: 16, items: classification },
  rebootBehavior: { type: 'string', enum: ['NeverReboots', 'AlwaysRequiresReboot', 'CanRequestReboot'] },
  publishedDate: dateTime,
  msrcSeverity: text(64),
  chain: text(256),
  presence: { type: 'number', minimum: 0, maximum: 1 },
  inImage: { type: 'boolean' },
  failureRate: { type: 'number', minimum: 0, maximum: 1 },
} as const;

/** A catalogue entry carried by a plan (simulator/catalogue.ts CataloguePatch). */
const cataloguePatch = {
  type: 'object',
  required: ['patchId', 'name', 'classifications', 'rebootBehavior', 'publishedDate', 'installSeconds', 'failureRate'],
  properties: { ...entryProperties, installSeconds: { type: 'number', minimum: 0, maximum: 6_000_000 } },
} as const;

/** The first release's entries, timed in minutes (version-1 documents). */
const legacyCataloguePatch = {
  type: 'object',
  required: ['patchId', 'name', 'classifications', 'rebootBehavior', 'publishedDate', 'installMinutes', 'failureRate'],
  properties: { ...entryProperties, installMinutes: { type: 'number', minimum: 0, maximum: 100_000 } },
} as const;

const reboot = {
  type: 'object',
  required: ['startOffsetMs', 'endOffsetMs', 'outcome'],
  properties: { startOffsetMs: span, endOffsetMs: span, outcome: { type: 'string', enum: ['Completed', 'Failed'] } },
} as const;

/** A create or delete of a VM or resource group (server/operations/patch-operations.ts ProvisioningPlan). */
const provisioningPlan = {
  properties: { kind: { enum: ['createVirtualMachine', 'deleteVirtualMachine', 'deleteResourceGroup'] } },
  required: ['kind', 'startMs', 'durationMs'],
} as const;
const powerActionPlan = {
  properties: { kind: { const: 'powerAction' }, action: { type: 'string', enum: ['start', 'powerOff', 'deallocate', 'restart'] } },
  required: ['action'],
} as const;
const PLAN_KINDS = ['installPatches', 'assessPatches', 'powerAction', 'createVirtualMachine', 'deleteVirtualMachine', 'deleteResourceGroup'];
const catalogueRef = {
  type: 'object',
  required: ['key', 'version'],
  properties: { key: text(128), version: { type: 'integer', minimum: 1, maximum: 1_000_000 } },
} as const;
const planError = {
  type: 'array',
  maxItems: 10_000,
  items: { type: 'object', required: ['code', 'message', 'offsetMs'], properties: { code: text(256), message: text(4096), offsetMs: span } },
} as const;

/** What the compact and the first-release install plans share: the run's outcome around the patches. */
const installRun = {
  operationId: guid,
  osFamily: { type: 'string', enum: ['Windows', 'Linux'] },
  rebootSetting: { type: 'string', enum: ['IfRequired', 'Never', 'Always'] },
  rebootPendingBefore: { type: 'boolean' },
  earlyReboot: reboot,
  finalReboot: reboot,
  windowExceededAtMs: span,
  status: { type: 'string', enum: ['Failed', 'Succeeded', 'CompletedWithWarnings'] },
  errors: planError,
  maintenanceRunId: text(),
  reportedRebootStatus: { type: 'string', enum: ['Unknown', 'NotNeeded', 'Required', 'Started', 'Failed', 'Completed'] },
  operationFailure: failure,
} as const;
/** A planned patch's timing, in both plan formats. */
const plannedPatchTiming = {
  state: { type: 'string', enum: ['Installed', 'Failed', 'Excluded', 'NotSelected', 'Pending'] },
  startOffsetMs: span,
  endOffsetMs: span,
  requestsReboot: { type: 'boolean' },
} as const;
const assessRun = {
  operationId: guid,
  osFamily: { type: 'string', enum: ['Windows', 'Linux'] },
  rebootPending: { type: 'boolean' },
  reportedStatus: { type: 'string', enum: ['Succeeded', 'Failed', 'CompletedWithWarnings'] },
  operationFailure: failure,
} as const;

/**
 * A stored operation's plan, as stored today (state documents of version 2): the one place that
 * says what a plan is (the simulator's InstallPlan, AssessPlan, PowerActionPlan and the
 * provisioning plans), so that a change of plan format changes only this. Patches are ids into the
 * catalogue version the plan names.
 */
export const operationPlanSchema = {
  type: 'object',
  required: ['kind', 'startMs', 'durationMs'],
  properties: {
    kind: { type: 'string', enum: PLAN_KINDS },
    startMs: instant,
    durationMs: span,
    // Present on a run the platform started by itself (server/operations/patch-operations.ts, PlatformRun).
    startedBy: { type: 'string', enum: ['Platform'] },
  },
  // The kind picks the branch, so that an error names the field at fault, not every branch.
  oneOf: [
    {
      properties: {
        kind: { const: 'installPatches' },
        ...installRun,
        parameters: { type: 'object' },
        catalogue: catalogueRef,
        patches: {
          type: 'array',
          maxItems: 10_000,
          items: { type: 'object', required: ['patchId', 'state'], properties: { patchId: name, ...plannedPatchTiming } },
        },
        entries: { type: 'array', maxItems: 10_000, items: cataloguePatch },
      },
      required: ['operationId', 'osFamily', 'rebootSetting', 'parameters', 'catalogue', 'rebootPendingBefore', 'patches', 'status', 'errors'],
    },
    {
      properties: {
        kind: { const: 'assessPatches' },
        ...assessRun,
        catalogue: catalogueRef,
        availablePatchIds: { type: 'array', maxItems: 10_000, items: name },
        entries: { type: 'array', maxItems: 10_000, items: cataloguePatch },
      },
      required: ['operationId', 'osFamily', 'catalogue', 'availablePatchIds', 'rebootPending'],
    },
    powerActionPlan,
    provisioningPlan,
  ],
} as const;

/** The first release's plans (state documents of version 1), with a copy of every catalogue entry. */
export const legacyOperationPlanSchema = {
  type: 'object',
  required: ['kind', 'startMs', 'durationMs'],
  properties: { kind: { type: 'string', enum: ['installPatches', 'assessPatches', 'powerAction'] }, startMs: instant, durationMs: span },
  oneOf: [
    {
      properties: {
        kind: { const: 'installPatches' },
        ...installRun,
        patches: {
          type: 'array',
          maxItems: 10_000,
          items: {
            type: 'object',
            required: ['patch', 'selection', 'state'],
            properties: { patch: legacyCataloguePatch, selection: { type: 'string', enum: ['Selected', 'Excluded', 'NotSelected'] }, ...plannedPatchTiming },
          },
        },
      },
      required: ['operationId', 'osFamily', 'rebootSetting', 'rebootPendingBefore', 'patches', 'status', 'errors'],
    },
    {
      properties: {
        kind: { const: 'assessPatches' },
        ...assessRun,
        available: { type: 'array', maxItems: 10_000, items: legacyCataloguePatch },
      },
      required: ['operationId', 'osFamily', 'available', 'rebootPending'],
    },
    {
      properties: { kind: { const: 'powerAction' }, action: { type: 'string', enum: ['start', 'powerOff', 'deallocate', 'restart'] } },
      required: ['action'],
    },
  ],
} as const;

/** An Arc machine's operations are stored under `Microsoft.HybridCompute/machines/{name}` (server/hybrid-compute/machines.ts). */
const ARC_KEY = { type: 'string', pattern: '^[Mm][Ii][Cc][Rr][Oo][Ss][Oo][Ff][Tt]\\.[Hh][Yy][Bb][Rr][Ii][Dd][Cc][Oo][Mm][Pp][Uu][Tt][Ee]/[Mm][Aa][Cc][Hh][Ii][Nn][Ee][Ss]/' } as const;

/** An operation's result by its kind (and, for a patch operation, whether a VM or an Arc machine ran it): a patch operation's once finished (or null), a power action's always null. */
const resultByKind = [
  { if: { properties: { kind: { const: 'installPatches' }, vmName: { not: ARC_KEY } } }, then: { properties: { result: { if: { type: 'object' }, then: installResultSchema } } } },
  { if: { properties: { kind: { const: 'assessPatches' }, vmName: { not: ARC_KEY } } }, then: { properties: { result: { if: { type: 'object' }, then: assessResultSchema } } } },
  { if: { properties: { kind: { const: 'installPatches' }, vmName: ARC_KEY } }, then: { properties: { result: { if: { type: 'object' }, then: arcInstallResultSchema } } } },
  { if: { properties: { kind: { const: 'assessPatches' }, vmName: ARC_KEY } }, then: { properties: { result: { if: { type: 'object' }, then: arcAssessResultSchema } } } },
  { if: { properties: { kind: { enum: ['start', 'powerOff', 'deallocate', 'restart', 'createVirtualMachine', 'deleteVirtualMachine', 'deleteResourceGroup'] } } }, then: { properties: { result: { type: 'null' } } } },
];

// Scenarios and fault rules as stored: the admin API's bodies, with the fields it fills in.
const storedScenario = { ...scenarioSchema, $id: undefined, required: ['id', 'match', 'outcome'] };
const storedFaultRule = {
  ...faultRuleSchema,
  $id: undefined,
  required: ['id', 'match', 'effect', 'matched'],
  properties: { ...faultRuleSchema.properties, matched: count },
};
const strip = <T extends { $id?: unknown }>(schema: T) => Object.fromEntries(Object.entries(schema).filter(([key, value]) => key !== '$id' && value !== undefined));

export const stateDocumentSchema = {
  $id: 'StateDocument',
  type: 'object',
  required: ['format', 'version', 'clock', 'control', 'resourceGroups', 'virtualMachines', 'operations'],
  // The plan's shape depends on the document's version.
  if: { properties: { version: { const: 1 } } },
  then: { properties: { operations: { items: { properties: { plan: legacyOperationPlanSchema } } } } },
  else: { properties: { operations: { items: { properties: { plan: operationPlanSchema } } } } },
  properties: {
    format: { const: 'compute-patch-emulator/state' },
    version: { enum: [1, 2], description: '2 today; 1 is what the first release exported, and still imports' },
    seed: text(),
    /** The salts of operation ids and polling tokens (server/ids.ts); absent in older documents. */
    ids: {
      type: 'object',
      required: ['salt', 'epoch'],
      additionalProperties: false,
      properties: { salt: { type: 'string', pattern: '^[0-9a-f]{0,64}$' }, epoch: { type: 'string', pattern: '^[0-9a-f]{0,64}$' } },
    },
    clock: {
      type: 'object',
      required: ['anchorWallMs', 'anchorSimulatedMs', 'speed', 'frozen'],
      additionalProperties: false,
      properties: {
        anchorWallMs: instant,
        anchorSimulatedMs: instant,
        speed: { type: 'number', exclusiveMinimum: 0, maximum: MAX_CLOCK_SPEED },
        frozen: { type: 'boolean' },
      },
    },
    control: {
      type: 'object',
      required: ['completion', 'scenarios', 'faults', 'created'],
      additionalProperties: false,
      properties: {
        completion: {
          type: 'object',
          required: ['default', 'rules'],
          additionalProperties: false,
          properties: {
            default: completionRuleSchema.properties.mode,
            rules: { type: 'array', maxItems: 1000, items: strip(completionRuleSchema) },
          },
        },
        scenarios: { type: 'array', maxItems: 100, items: strip(storedScenario) },
        faults: { type: 'array', maxItems: 100, items: strip(storedFaultRule) },
        created: count,
      },
    },
    resourceGroups: {
      type: 'array',
      maxItems: 100_000,
      items: {
        type: 'object',
        required: ['subscriptionId', 'name', 'location', 'tags'],
        properties: { subscriptionId: guid, name: text(90), location: text(64), tags },
      },
    },
    virtualMachines: {
      type: 'array',
      maxItems: 100_000,
      items: {
        type: 'object',
        required: ['subscriptionId', 'resourceGroup', 'name', 'location', 'vmId', 'osFamily', 'catalogueKey', 'powerState', 'timeCreated', 'definition', 'patchState', 'operationCount'],
        properties: {
          subscriptionId: guid,
          resourceGroup: text(90),
          name: { type: 'string', minLength: 1, maxLength: 64 },
          location: text(64),
          vmId: guid,
          osFamily: { type: 'string', enum: ['Windows', 'Linux'] },
          catalogueKey: text(128),
          powerState: { type: 'string', enum: ['running', 'stopped', 'deallocated'] },
          timeCreated: dateTime,
          definition: { type: 'object', required: ['properties'], properties: { tags, properties: { type: 'object' } } },
          patchState: {
            type: 'object',
            required: ['installedPatchIds', 'rebootPending'],
            properties: {
              installedPatchIds: { type: 'array', maxItems: 100_000, items: name },
              rebootPending: { type: 'boolean' },
              // Where the platform's own runs stand (simulator/platform-schedule.ts): simulated times.
              platform: {
                type: 'object',
                additionalProperties: false,
                properties: { assessedMs: instant, installedMs: instant },
              },
            },
          },
          operationCount: count,
        },
      },
    },
    arcMachines: {
      type: 'array',
      maxItems: 100_000,
      items: {
        type: 'object',
        required: ['subscriptionId', 'resourceGroup', 'name', 'location', 'vmId', 'osFamily', 'catalogueKey', 'status', 'lastStatusChange', 'timeCreated', 'definition', 'patchState', 'operationCount'],
        properties: {
          subscriptionId: guid,
          resourceGroup: text(90),
          name: { type: 'string', pattern: '^[a-zA-Z0-9-_.]{1,54}$' },
          location: text(64),
          vmId: guid,
          osFamily: { type: 'string', enum: ['Windows', 'Linux'] },
          catalogueKey: text(128),
          status: { type: 'string', enum: ['Connected', 'Disconnected', 'Error', 'AwaitingConnection', 'Expired'] },
          lastStatusChange: dateTime,
          timeCreated: dateTime,
          definition: { type: 'object', required: ['properties'], properties: { tags, properties: { type: 'object' } } },
          patchState: {
            type: 'object',
            required: ['installedPatchIds', 'rebootPending'],
            properties: { installedPatchIds: { type: 'array', maxItems: 100_000, items: name }, rebootPending: { type: 'boolean' } },
          },
          operationCount: count,
        },
      },
    },
    operations: {
      type: 'array',
      maxItems: 1_000_000,
      items: {
        type: 'object',
        required: ['subscriptionId', 'id', 'kind', 'location', 'resourceGroup', 'vmName', 'apiVersion', 'completion', 'status', 'startMs', 'endMs', 'statusPolls', 'plan', 'result'],
        properties: {
          subscriptionId: guid,
          id: guid,
          kind: { type: 'string', enum: ['installPatches', 'assessPatches', 'start', 'powerOff', 'deallocate', 'restart', 'createVirtualMachine', 'deleteVirtualMachine', 'deleteResourceGroup'] },
          location: text(64),
          resourceGroup: text(90),
          // Empty for a resource group's delete; `Microsoft.HybridCompute/machines/{name}` for an Arc machine's operation.
          vmName: { type: 'string', maxLength: 96 },
          vmSequence: count,
          apiVersion: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?$' },
          completion: completionRuleSchema.properties.mode,
          status: { type: 'string', enum: ['InProgress', 'Succeeded', 'Failed', 'Canceled'] },
          startMs: instant,
          endMs: { oneOf: [instant, { type: 'null' }] },
          statusPolls: count,
          plan: { type: 'object' },
          result: { type: ['object', 'null'] },
        },
        allOf: resultByKind,
      },
    },
    /** Scheduled patching (server/maintenance/store.ts); absent in documents from before it. */
    maintenance: {
      type: 'object',
      required: ['configurations', 'assignments', 'runs'],
      additionalProperties: false,
      properties: {
        configurations: {
          type: 'array',
          maxItems: 100_000,
          items: {
            type: 'object',
            required: ['subscriptionId', 'resourceGroup', 'name', 'location', 'createdMs', 'properties'],
            properties: { subscriptionId: guid, resourceGroup: text(90), name: text(128), location: text(64), createdMs: instant, tags, properties: { type: 'object' } },
          },
        },
        assignments: {
          type: 'array',
          maxItems: 1_000_000,
          items: {
            type: 'object',
            required: ['subscriptionId', 'scopeId', 'name', 'configurationId', 'createdMs', 'properties'],
            properties: { subscriptionId: guid, scopeId: text(), name: text(128), configurationId: text(), createdMs: instant, location: text(64), properties: { type: 'object' } },
          },
        },
        runs: {
          type: 'array',
          maxItems: 1_000_000,
          items: {
            type: 'object',
            required: ['subscriptionId', 'id', 'resourceId', 'resourceGroup', 'configurationId', 'correlationId', 'trigger', 'windowStartMs', 'startMs', 'operationId', 'skippedReason'],
            properties: {
              subscriptionId: guid,
              id: guid,
              resourceId: text(),
              resourceGroup: text(90),
              configurationId: text(),
              correlationId: guid,
              trigger: { type: 'string', enum: ['Schedule', 'ApplyUpdates', 'Emulator'] },
              windowStartMs: instant,
              startMs: instant,
              operationId: { oneOf: [guid, { type: 'null' }] },
              skippedReason: { type: ['string', 'null'], maxLength: 1024 },
            },
          },
        },
      },
    },
  },
} as const;

/** A seed (data/seed.json): subscriptions, their resource groups and VMs, laid in a new database. */
export const seedDocumentSchema = {
  $id: 'SeedDocument',
  type: 'object',
  required: ['subscriptions'],
  properties: {
    subscriptions: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['subscriptionId', 'resourceGroups'],
        properties: {
          subscriptionId: guid,
          resourceGroups: {
            type: 'array',
            maxItems: 10_000,
            items: {
              type: 'object',
              required: ['name', 'location'],
              properties: {
                name: { type: 'string', minLength: 1, maxLength: 90 },
                location: { type: 'string', minLength: 1, maxLength: 64 },
                tags,
                virtualMachines: {
                  type: 'array',
                  maxItems: 10_000,
                  items: {
                    type: 'object',
                    required: ['name'],
                    properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, location: text(64), tags, properties: { type: 'object' } },
                  },
                },
                arcMachines: {
                  type: 'array',
                  maxItems: 10_000,
                  items: {
                    type: 'object',
                    required: ['name'],
                    properties: { name: { type: 'string', pattern: '^[a-zA-Z0-9-_.]{1,54}$' }, location: text(64), tags, properties: { type: 'object' } },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
