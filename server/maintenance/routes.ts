// Microsoft.Maintenance: maintenanceConfigurations (CRUD, lists), configurationAssignments (on a VM
// or an Arc machine, and subscription or resource-group dynamic scopes) and applyUpdates (a
// machine's runs; PUT or POST `default` starts one now). Paths and bodies follow azure-mgmt-maintenance 2.1.0
// (docs/update-manager-wire-format.md#microsoftmaintenance); the rules are in docs/maintenance.md.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IN_GUEST_PATCH_SINCE, SUPPORTED_LOCATIONS } from '../../schemas/api-versions.js';
import { checkWindow, DEFAULT_EXPIRATION } from '../../simulator/maintenance-window.js';
import { locationRequired, requestContentInvalid, resourceGroupNotFound, resourceNotFound } from '../arm/errors.js';
import { sendCloudError } from '../arm/error-handler.js';
import { ARM_PREFIX, RG_PATH, type RouteContext } from '../routes/context.js';
import { currentGroup, currentVm } from '../routes/lookups.js';
import { normaliseLocation } from '../virtual-machines/resource.js';
import {
  configurationNotFound,
  invalidMaintenanceWindow,
  invalidParameter,
  maintenanceNotFound,
  MaintenanceError,
  patchModeMissing,
  prerequisitesNotMet,
  scopeNotSupported,
  tooMany,
} from './errors.js';
import { configurationIdOf, parseConfigurationId, scheduledPatchingReady, vmMachine, type AssignedMachine, type MaintenanceService } from './service.js';
import type { AssignmentRecord, ConfigurationRecord } from './store.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';

const MAINTENANCE = 'providers/Microsoft.Maintenance';
const CONFIGURATIONS = `${RG_PATH}/${MAINTENANCE}/maintenanceConfigurations`;
/** The machine types an assignment or applyUpdates can name. */
const MACHINE_PATHS = [
  { path: `${RG_PATH}/providers/Microsoft.Compute/virtualMachines/:resourceName`, provider: 'Microsoft.Compute', type: 'virtualMachines' },
  { path: `${RG_PATH}/providers/Microsoft.HybridCompute/machines/:resourceName`, provider: 'Microsoft.HybridCompute', type: 'machines' },
] as const;

/** Per-subscription and per-region schedules, and machines per schedule (maint-configs limits). */
export const MAX_CONFIGURATIONS_PER_REGION = 250;
export const MAX_ASSIGNMENTS_PER_CONFIGURATION = 3000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const SCOPES = ['Host', 'Resource', 'OSImage', 'Extension', 'InGuestPatch', 'SQLDB', 'SQLManagedInstance'];
const REBOOT_SETTINGS = ['IfRequired', 'Never', 'Always'];
const VISIBILITIES = ['Custom', 'Public'];

type GroupParams = { subscriptionId: string; resourceGroupName: string };
type ConfigurationParams = GroupParams & { resourceName: string };
type MachineParams = GroupParams & { resourceName: string };
type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const canonical = (value: unknown, allowed: readonly string[]) => allowed.find((item) => typeof value === 'string' && item.toLowerCase() === value.toLowerCase());

function stringList(value: unknown, target: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length > 1000 || value.some((item) => typeof item !== 'string')) throw invalidParameter(`The value of parameter ${target} is invalid.`);
  return value as string[];
}

function stringMap(value: unknown, target: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || Object.values(value).some((item) => typeof item !== 'string') || Object.keys(value).length > 50) {
    throw invalidParameter(`The value of parameter ${target} is invalid.`);
  }
  return value as Record<string, string>;
}

/** The configuration's properties checked and completed with their defaults, as they are stored and returned. */
function checkedProperties(properties: Body, apiVersion: string, nowMs: number): Body {
  const scope = canonical(properties.maintenanceScope ?? 'Host', SCOPES);
  if (!scope) throw invalidParameter(`The value of parameter maintenanceScope is invalid.`);
  const inGuestPatch = scope === 'InGuestPatch';
  if (inGuestPatch && apiVersion < IN_GUEST_PATCH_SINCE) throw scopeNotSupported(scope, apiVersion);
  const visibility = canonical(properties.visibility ?? 'Custom', VISIBILITIES);
  if (!visibility) throw invalidParameter('The value of parameter visibility is invalid.');
  const extensionProperties = stringMap(properties.extensionProperties, 'extensionProperties');
  if (inGuestPatch) {
    const mode = Object.entries(extensionProperties ?? {}).find(([name]) => name.toLowerCase() === 'inguestpatchmode')?.[1];
    if (mode === undefined) throw patchModeMissing();
    // `User` is the only value any public example shows (docs/maintenance.md).
    if (mode.toLowerCase() !== 'user') throw invalidParameter(`InGuestPatchMode '${mode}' is not supported. Supported values are: User.`);
  }
  const window = properties.maintenanceWindow;
  if (window !== undefined && !isObject(window)) throw invalidParameter('The value of parameter maintenanceWindow is invalid.');
  const windowInput: Record<string, string> = {};
  for (const field of ['startDateTime', 'expirationDateTime', 'duration', 'timeZone', 'recurEvery']) {
    const value = window?.[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw invalidParameter(`The value of parameter maintenanceWindow.${field} is invalid.`);
    windowInput[field] = value;
  }
  if (inGuestPatch || window !== undefined) {
    const checked = checkWindow(windowInput, { inGuestPatch, nowMs });
    if ('error' in checked) throw invalidMaintenanceWindow(checked.error);
  }
  const out: Body = {
    namespace: typeof properties.namespace === 'string' ? properties.namespace : 'Microsoft.Maintenance',
    ...(extensionProperties ? { extensionProperties } : {}),
    maintenanceScope: scope,
    ...(window !== undefined || inGuestPatch ? { maintenanceWindow: { ...windowInput, expirationDateTime: windowInput.expirationDateTime ?? DEFAULT_EXPIRATION } } : {}),
    visibility,
  };
  if (properties.installPatches !== undefined && properties.installPatches !== null) {
    const install = properties.installPatches;
    if (!isObject(install)) throw invalidParameter('The value of parameter installPatches is invalid.');
    const rebootSetting = canonical(install.rebootSetting ?? 'IfRequired', REBOOT_SETTINGS);
    if (!rebootSetting) throw invalidParameter('The value of parameter installPatches.rebootSetting is invalid.');
    const windows = install.windowsParameters;
    const linux = install.linuxParameters;
    if ((windows !== undefined && windows !== null && !isObject(windows)) || (linux !== undefined && linux !== null && !isObject(linux))) {
      throw invalidParameter('The value of parameter installPatches is invalid.');
    }
    const windowsParameters = isObject(windows)
      ? {
          ...(stringList(windows.classificationsToInclude, 'windowsParameters.classificationsToInclude') ? { classificationsToInclude: windows.classificationsToInclude } : {}),
          ...(stringList(windows.kbNumbersToInclude, 'windowsParameters.kbNumbersToInclude') ? { kbNumbersToInclude: windows.kbNumbersToInclude } : {}),
          ...(stringList(windows.kbNumbersToExclude, 'windowsParameters.kbNumbersToExclude') ? { kbNumbersToExclude: windows.kbNumbersToExclude } : {}),
          ...(typeof windows.excludeKbsRequiringReboot === 'boolean' ? { excludeKbsRequiringReboot: windows.excludeKbsRequiringReboot } : {}),
        }
      : undefined;
    const linuxParameters = isObject(linux)
      ? {
          ...(stringList(linux.classificationsToInclude, 'linuxParameters.classificationsToInclude') ? { classificationsToInclude: linux.classificationsToInclude } : {}),
          ...(stringList(linux.packageNameMasksToInclude, 'linuxParameters.packageNameMasksToInclude') ? { packageNameMasksToInclude: linux.packageNameMasksToInclude } : {}),
          ...(stringList(linux.packageNameMasksToExclude, 'linuxParameters.packageNameMasksToExclude') ? { packageNameMasksToExclude: linux.packageNameMasksToExclude } : {}),
        }
      : undefined;
    out.installPatches = { ...(windowsParameters ? { windowsParameters } : {}), ...(linuxParameters ? { linuxParameters } : {}), rebootSetting };
  }
  return out;
}

export function configurationResource(record: ConfigurationRecord) {
  return {
    id: configurationIdOf(record),
    name: record.name,
    type: 'Microsoft.Maintenance/maintenanceConfigurations',
    location: record.location,
    tags: record.tags ?? {},
    properties: record.properties,
  };
}

export function assignmentResource(record: AssignmentRecord) {
  return {
    id: `${record.scopeId}/providers/Microsoft.Maintenance/configurationAssignments/${record.name}`,
    name: record.name,
    type: 'Microsoft.Maintenance/configurationAssignments',
    ...(record.location !== undefined ? { location: record.location } : {}),
    properties: record.properties,
  };
}

function bodyOf(request: FastifyRequest): Body {
  const body = request.body;
  if (body === undefined || body === null) throw invalidParameter("Required parameter 'configuration' is missing (null).");
  if (!isObject(body)) throw requestContentInvalid('The request body must be a JSON object.');
  return body;
}

export async function maintenanceRoutes(app: FastifyInstance, options: { context: RouteContext; maintenance: MaintenanceService }): Promise<void> {
  const { context, maintenance } = options;
  const store = maintenance.store;
  const configurationsConfig = { arm: { resourceType: 'maintenanceConfigurations' as const, bodyName: 'configuration' } };
  const assignmentsConfig = { arm: { resourceType: 'configurationAssignments' as const, bodyName: 'configurationAssignment' } };
  const applyConfig = { arm: { resourceType: 'applyUpdates' as const } };

  // The provider's own errors leave with its capitalised body; ARM's (from the pipeline) as CloudErrors.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (!(error instanceof MaintenanceError)) return sendCloudError(error, request, reply);
    return reply.code(error.statusCode).type('application/json; charset=utf-8').send(error.body());
  });

  const existingGroup = (params: GroupParams) => {
    const group = currentGroup(context, params.subscriptionId, params.resourceGroupName);
    if (!group) throw resourceGroupNotFound(params.resourceGroupName);
    return group;
  };

  /** The machine a path names: a VM or an Arc-enabled server, which must exist. */
  const resolveMachine = (params: MachineParams, type: string): AssignedMachine => {
    const group = existingGroup(params);
    if (type === 'virtualMachines') {
      const current = currentVm(context, group, params.resourceName);
      if (current) return vmMachine(current.vm);
      throw resourceNotFound('Microsoft.Compute/virtualMachines', params.resourceName, params.resourceGroupName);
    }
    const arc = maintenance.findArcMachine(params.subscriptionId, group.group.name, params.resourceName);
    if (arc) return arc;
    throw resourceNotFound('Microsoft.HybridCompute/machines', params.resourceName, params.resourceGroupName);
  };

  const findConfiguration = (params: ConfigurationParams) => {
    existingGroup(params);
    const record = store.getConfiguration(params.subscriptionId, params.resourceGroupName, params.resourceName);
    if (!record) throw maintenanceNotFound('maintenance configuration', params.resourceName);
    return record;
  };

  // Maintenance configurations -----------------------------------------------------------------
  const configurationPath = `${CONFIGURATIONS}/:resourceName`;

  const writeConfiguration = (request: FastifyRequest<{ Params: ConfigurationParams }>, body: Body, existing: ConfigurationRecord | undefined) => {
    const { subscriptionId, resourceName } = request.params;
    const group = existingGroup(request.params);
    if (!NAME.test(resourceName)) throw invalidParameter(`The maintenance configuration name '${resourceName}' is invalid. Names must be shorter than 128 characters.`);
    if (typeof body.location !== 'string' || body.location === '') throw locationRequired();
    const location = normaliseLocation(body.location);
    if (!SUPPORTED_LOCATIONS.includes(location)) throw invalidParameter(`The location '${body.location}' is not supported.`);
    if (body.properties !== undefined && !isObject(body.properties)) throw invalidParameter('The value of parameter properties is invalid.');
    const properties = checkedProperties((body.properties ?? {}) as Body, request.apiVersion, context.clock.now());
    if (!existing && store.countConfigurations(subscriptionId, location) >= MAX_CONFIGURATIONS_PER_REGION) {
      throw tooMany(`A subscription can hold at most ${MAX_CONFIGURATIONS_PER_REGION} maintenance configurations in a region.`);
    }
    const tags = stringMap(body.tags, 'tags');
    const record: ConfigurationRecord = {
      subscriptionId,
      resourceGroup: existing?.resourceGroup ?? group.group.name,
      name: existing?.name ?? resourceName,
      location: existing?.location ?? location,
      createdMs: existing?.createdMs ?? context.clock.now(),
      ...(tags !== undefined ? { tags } : existing?.tags !== undefined ? { tags: existing.tags } : {}),
      properties,
    };
    store.putConfiguration(record);
    return record;
  };

  app.put<{ Params: ConfigurationParams }>(configurationPath, { config: configurationsConfig }, async (request, reply) => {
    const existing = store.getConfiguration(request.params.subscriptionId, request.params.resourceGroupName, request.params.resourceName);
    const record = writeConfiguration(request, bodyOf(request), existing);
    reply.code(existing ? 200 : 201);
    return configurationResource(record);
  });

  // PATCH: tags and properties merged into the stored configuration, then checked as a PUT is.
  app.patch<{ Params: ConfigurationParams }>(configurationPath, { config: configurationsConfig }, async (request) => {
    const existing = findConfiguration(request.params);
    const body = bodyOf(request);
    const patch = isObject(body.properties) ? body.properties : {};
    const window = isObject(patch.maintenanceWindow) ? { ...(existing.properties.maintenanceWindow as Body), ...patch.maintenanceWindow } : existing.properties.maintenanceWindow;
    const properties = { ...existing.properties, ...patch, ...(window !== undefined ? { maintenanceWindow: window } : {}) };
    const record = writeConfiguration(request, { location: existing.location, tags: body.tags ?? existing.tags, properties }, existing);
    return configurationResource(record);
  });

  app.get<{ Params: ConfigurationParams }>(configurationPath, { config: configurationsConfig }, async (request) => configurationResource(findConfiguration(request.params)));

  app.delete<{ Params: ConfigurationParams }>(configurationPath, { config: configurationsConfig }, async (request, reply) => {
    existingGroup(request.params);
    const record = store.getConfiguration(request.params.subscriptionId, request.params.resourceGroupName, request.params.resourceName);
    if (!record) return reply.code(204).send();
    store.deleteConfiguration(record.subscriptionId, record.resourceGroup, record.name);
    return configurationResource(record);
  });

  app.get<{ Params: GroupParams }>(CONFIGURATIONS, { config: configurationsConfig }, async (request) => {
    const group = existingGroup(request.params);
    return { value: store.listConfigurations(request.params.subscriptionId).filter((c) => c.resourceGroup.toLowerCase() === group.group.name.toLowerCase()).map(configurationResource) };
  });

  // A configuration whose resource group was deleted went with it.
  app.get<{ Params: { subscriptionId: string } }>(`${ARM_PREFIX}/${MAINTENANCE}/maintenanceConfigurations`, { config: configurationsConfig }, async (request) => ({
    value: store
      .listConfigurations(request.params.subscriptionId)
      .filter((c) => currentGroup(context, c.subscriptionId, c.resourceGroup) !== undefined)
      .map(configurationResource),
  }));

  // Configuration assignments ------------------------------------------------------------------
  /** The configuration an assignment body names, which must exist. */
  const assignedConfiguration = (body: Body): ConfigurationRecord => {
    const properties = isObject(body.properties) ? body.properties : {};
    const id = properties.maintenanceConfigurationId;
    if (typeof id !== 'string' || id === '') throw invalidParameter("Required parameter 'maintenanceConfigurationId' is missing (null).");
    const parsed = parseConfigurationId(id);
    const record = parsed && store.getConfiguration(parsed.subscriptionId, parsed.resourceGroup, parsed.name);
    if (!record) throw configurationNotFound(id);
    if (store.countAssignments(configurationIdOf(record)) >= MAX_ASSIGNMENTS_PER_CONFIGURATION) {
      throw tooMany(`A maintenance configuration can be assigned to at most ${MAX_ASSIGNMENTS_PER_CONFIGURATION} resources.`);
    }
    return record;
  };

  const putAssignment = (subscriptionId: string, scopeId: string, name: string, body: Body, filter: unknown, reply: FastifyReply) => {
    if (!NAME.test(name)) throw invalidParameter(`The configuration assignment name '${name}' is invalid.`);
    const configuration = assignedConfiguration(body);
    const existing = store.getAssignment(subscriptionId, scopeId, name);
    const record: AssignmentRecord = {
      subscriptionId,
      scopeId: existing?.scopeId ?? scopeId,
      name: existing?.name ?? name,
      configurationId: configurationIdOf(configuration),
      createdMs: existing?.createdMs ?? context.clock.now(),
      ...(typeof body.location === 'string' ? { location: normaliseLocation(body.location) } : {}),
      properties: {
        maintenanceConfigurationId: configurationIdOf(configuration),
        resourceId: existing?.scopeId ?? scopeId,
        ...(filter !== undefined ? { filter } : {}),
      },
    };
    store.putAssignment(record);
    reply.code(existing ? 200 : 201);
    return assignmentResource(record);
  };

  const deleteAssignment = (subscriptionId: string, scopeId: string, name: string, reply: FastifyReply) => {
    const existing = store.getAssignment(subscriptionId, scopeId, name);
    if (!existing) return reply.code(204).send();
    store.deleteAssignment(subscriptionId, scopeId, name);
    return reply.code(200).send(assignmentResource(existing));
  };

  /** A machine's assignments; one made before the machine was created belonged to an earlier machine of that name. */
  const assignmentsOn = (machine: AssignedMachine) =>
    store.listAssignmentsAt(machine.subscriptionId, machine.id).filter((assignment) => assignment.createdMs >= Date.parse(machine.timeCreated));

  for (const machinePath of MACHINE_PATHS) {
    const path = `${machinePath.path}/${MAINTENANCE}/configurationAssignments`;
    app.put<{ Params: MachineParams & { assignmentName: string } }>(`${path}/:assignmentName`, { config: assignmentsConfig }, async (request, reply) => {
      const machine = resolveMachine(request.params, machinePath.type);
      const body = bodyOf(request);
      const configuration = assignedConfiguration(body);
      // The emulator checks a VM's schedule prerequisites when the assignment is made; an Arc
      // machine has none (docs/maintenance.md#arc-enabled-servers).
      if (configuration.properties.maintenanceScope === 'InGuestPatch' && machine.kind === 'virtualMachine' && !scheduledPatchingReady(machine.target as VirtualMachineRecord)) {
        throw prerequisitesNotMet(machine.id);
      }
      return putAssignment(request.params.subscriptionId, machine.id, request.params.assignmentName, body, undefined, reply);
    });
    app.get<{ Params: MachineParams & { assignmentName: string } }>(`${path}/:assignmentName`, { config: assignmentsConfig }, async (request) => {
      const machine = resolveMachine(request.params, machinePath.type);
      const found = assignmentsOn(machine).find((assignment) => assignment.name.toLowerCase() === request.params.assignmentName.toLowerCase());
      if (!found) throw maintenanceNotFound('configuration assignment', request.params.assignmentName);
      return assignmentResource(found);
    });
    app.delete<{ Params: MachineParams & { assignmentName: string } }>(`${path}/:assignmentName`, { config: assignmentsConfig }, async (request, reply) => {
      const machine = resolveMachine(request.params, machinePath.type);
      return deleteAssignment(request.params.subscriptionId, machine.id, request.params.assignmentName, reply);
    });
    app.get<{ Params: MachineParams }>(path, { config: assignmentsConfig }, async (request) => ({
      value: assignmentsOn(resolveMachine(request.params, machinePath.type)).map(assignmentResource),
    }));

    // applyUpdates: a machine's runs; `default` names a run started now (PUT, or POST as Update Manager's pages show).
    const applyPath = `${machinePath.path}/${MAINTENANCE}/applyUpdates`;
    const applyNow = async (request: FastifyRequest<{ Params: MachineParams & { applyUpdateName: string } }>, reply: FastifyReply) => {
      if (request.params.applyUpdateName.toLowerCase() !== 'default') throw invalidParameter(`The applyUpdates name must be 'default'.`);
      const machine = resolveMachine(request.params, machinePath.type);
      const run = maintenance.applyNow(machine);
      if (!run) throw invalidParameter(`No maintenance configuration with maintenanceScope 'InGuestPatch' is assigned to the resource '${machine.id}'.`);
      reply.code(200);
      return maintenance.applyUpdateResource(run);
    };
    app.put<{ Params: MachineParams & { applyUpdateName: string } }>(`${applyPath}/:applyUpdateName`, { config: applyConfig }, applyNow);
    app.post<{ Params: MachineParams & { applyUpdateName: string } }>(`${applyPath}/:applyUpdateName`, { config: applyConfig }, applyNow);
    app.get<{ Params: MachineParams & { applyUpdateName: string } }>(`${applyPath}/:applyUpdateName`, { config: applyConfig }, async (request) => {
      const machine = resolveMachine(request.params, machinePath.type);
      maintenance.settle(machine);
      const runs = store.runsOfResource(machine.subscriptionId, machine.id);
      // `default` reads the newest run (the emulator's choice).
      const run = request.params.applyUpdateName.toLowerCase() === 'default' ? runs[0] : runs.find((r) => r.id === request.params.applyUpdateName.toLowerCase());
      if (!run) throw maintenanceNotFound('apply update', request.params.applyUpdateName);
      return maintenance.applyUpdateResource(run);
    });
  }

  // Dynamic scopes: a subscription's or a resource group's assignments, with their filters.
  const scopePaths = [
    { path: `${ARM_PREFIX}/${MAINTENANCE}/configurationAssignments`, group: false },
    { path: `${RG_PATH}/${MAINTENANCE}/configurationAssignments`, group: true },
  ];
  for (const scopePath of scopePaths) {
    type Params = { subscriptionId: string; resourceGroupName?: string; assignmentName: string };
    const scopeIdOf = (params: Params) => {
      if (!scopePath.group) return `/subscriptions/${params.subscriptionId}`;
      const group = existingGroup(params as GroupParams);
      return `/subscriptions/${params.subscriptionId}/resourceGroups/${group.group.name}`;
    };
    const checkedFilter = (body: Body) => {
      const filter = isObject(body.properties) ? body.properties.filter : undefined;
      if (filter === undefined || filter === null) return undefined;
      if (!isObject(filter)) throw invalidParameter('The value of parameter filter is invalid.');
      for (const field of ['resourceTypes', 'resourceGroups', 'osTypes', 'locations']) stringList(filter[field], `filter.${field}`);
      const tagSettings = filter.tagSettings;
      if (tagSettings !== undefined && tagSettings !== null) {
        const tags = isObject(tagSettings) ? tagSettings.tags : undefined;
        if (!isObject(tagSettings) || (tags !== undefined && (!isObject(tags) || Object.keys(tags).length > 50)) || (tagSettings.filterOperator !== undefined && !canonical(tagSettings.filterOperator, ['All', 'Any']))) {
          throw invalidParameter('The value of parameter filter.tagSettings is invalid.');
        }
        for (const [name, values] of Object.entries(tags ?? {})) stringList(values, `filter.tagSettings.tags.${name}`);
      }
      if (Array.isArray(filter.resourceGroups) && filter.resourceGroups.length > 50) throw invalidParameter('A dynamic scope can filter on at most 50 resource groups.');
      // Only the fields the model has are kept.
      const known = ['resourceTypes', 'resourceGroups', 'osTypes', 'locations', 'tagSettings'];
      return Object.fromEntries(Object.entries(filter).filter(([field, value]) => known.includes(field) && value !== null && value !== undefined));
    };
    app.put<{ Params: Params }>(`${scopePath.path}/:assignmentName`, { config: assignmentsConfig }, async (request, reply) => {
      const body = bodyOf(request);
      const configuration = assignedConfiguration(body);
      if (configuration.properties.maintenanceScope !== 'InGuestPatch') throw invalidParameter('Dynamic scopes are supported only for maintenance configurations with maintenanceScope InGuestPatch.');
      return putAssignment(request.params.subscriptionId, scopeIdOf(request.params), request.params.assignmentName, body, checkedFilter(body) ?? {}, reply);
    });
    app.patch<{ Params: Params }>(`${scopePath.path}/:assignmentName`, { config: assignmentsConfig }, async (request, reply) => {
      const scopeId = scopeIdOf(request.params);
      const existing = store.getAssignment(request.params.subscriptionId, scopeId, request.params.assignmentName);
      if (!existing) throw maintenanceNotFound('configuration assignment', request.params.assignmentName);
      const body = bodyOf(request);
      const properties = { ...existing.properties, ...(isObject(body.properties) ? body.properties : {}) };
      const merged = { ...(existing.location !== undefined ? { location: existing.location } : {}), ...body, properties };
      const result = putAssignment(request.params.subscriptionId, scopeId, request.params.assignmentName, merged, checkedFilter(merged) ?? {}, reply);
      reply.code(200);
      return result;
    });
    app.get<{ Params: Params }>(`${scopePath.path}/:assignmentName`, { config: assignmentsConfig }, async (request) => {
      const found = store.getAssignment(request.params.subscriptionId, scopeIdOf(request.params), request.params.assignmentName);
      if (!found) throw maintenanceNotFound('configuration assignment', request.params.assignmentName);
      return assignmentResource(found);
    });
    app.delete<{ Params: Params }>(`${scopePath.path}/:assignmentName`, { config: assignmentsConfig }, async (request, reply) =>
      deleteAssignment(request.params.subscriptionId, scopeIdOf(request.params), request.params.assignmentName, reply),
    );
    app.get<{ Params: Omit<Params, 'assignmentName'> }>(scopePath.path, { config: assignmentsConfig }, async (request) => ({
      value: store.listAssignmentsAt(request.params.subscriptionId, scopeIdOf(request.params as Params)).map(assignmentResource),
    }));
  }

  // Lists of runs: a subscription's, a resource group's.
  app.get<{ Params: { subscriptionId: string } }>(`${ARM_PREFIX}/${MAINTENANCE}/applyUpdates`, { config: applyConfig }, async (request) => {
    maintenance.catchUpSubscription(request.params.subscriptionId);
    return { value: store.runsOfSubscription(request.params.subscriptionId, 1000).map((run) => maintenance.applyUpdateResource(run)) };
  });
  app.get<{ Params: GroupParams }>(`${RG_PATH}/${MAINTENANCE}/applyUpdates`, { config: applyConfig }, async (request) => {
    const group = existingGroup(request.params);
    maintenance.catchUpSubscription(request.params.subscriptionId);
    const runs = store.runsOfSubscription(request.params.subscriptionId, 1000).filter((run) => run.resourceGroup.toLowerCase() === group.group.name.toLowerCase());
    return { value: runs.map((run) => maintenance.applyUpdateResource(run)) };
  });
}
