// Scheduled patching (Microsoft.Maintenance): configurations, assignments, and the runs their
// windows start (docs/maintenance.md). The service is a ScheduledRunSource: before a VM's
// operations are settled it starts, at their start times and in order, the runs of the windows
// that opened since it last looked. Nothing runs in the background.

import { checkWindow, nextWindow, windowsBetween, type MaintenanceWindow, type WindowOccurrence } from '../../simulator/maintenance-window.js';
import { guidFrom } from '../../simulator/random.js';
import type { InstallParameters } from '../../simulator/selection.js';
import { armTimestamp } from '../../simulator/time-format.js';
import type { EmulatorClock } from '../clock.js';
import type { PatchOperations, ScheduledRunSource } from '../operations/patch-operations.js';
import { PLATFORM_API_VERSION } from '../patch-settings/platform-runs.js';
import { patchSettingsOf } from '../patch-settings/settings.js';
import type { ResourceStore, VirtualMachineRecord } from '../store/resource-store.js';
import { vmResourceId } from '../virtual-machines/resource.js';
import { resourceGroupOf, type AssignmentRecord, type ConfigurationRecord, type MaintenanceStore, type RunRecord, type RunTrigger } from './store.js';

/** Windows run per machine and configuration in one catch-up; older ones are skipped (docs/maintenance.md). */
export const MAX_WINDOWS_PER_CATCH_UP = 24;

export type ApplyUpdateStatus = 'Pending' | 'InProgress' | 'Completed' | 'RetryNow' | 'RetryLater';

/**
 * The machine an assignment or an applyUpdates names. Only VMs today; an Arc machine
 * (`Microsoft.HybridCompute/machines`) resolves to undefined until that resource type exists.
 */
export interface AssignedMachine {
  kind: 'virtualMachine';
  id: string;
  vm: VirtualMachineRecord;
}

export const configurationIdOf = (c: Pick<ConfigurationRecord, 'subscriptionId' | 'resourceGroup' | 'name'>) =>
  `/subscriptions/${c.subscriptionId}/resourcegroups/${c.resourceGroup}/providers/Microsoft.Maintenance/maintenanceConfigurations/${c.name}`;

/** `/subscriptions/{s}/resourcegroups/{g}/providers/Microsoft.Maintenance/maintenanceConfigurations/{n}`, parsed. */
export function parseConfigurationId(id: string): { subscriptionId: string; resourceGroup: string; name: string } | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.maintenance\/maintenanceconfigurations\/([^/]+)$/i.exec(id.trim());
  return match ? { subscriptionId: match[1]!, resourceGroup: match[2]!, name: match[3]! } : undefined;
}

/**
 * Whether a VM is set up for schedules: `patchMode: AutomaticByPlatform` with
 * `automaticByPlatformSettings.bypassPlatformSafetyChecksOnUserSchedule: true`
 * (docs/update-manager-wire-format.md#assignment-preconditions-on-vms), read through the VM's
 * effective patch settings.
 */
export function scheduledPatchingReady(vm: VirtualMachineRecord): boolean {
  const settings = patchSettingsOf(vm);
  return settings.patchMode === 'AutomaticByPlatform' && settings.bypassPlatformSafetyChecksOnUserSchedule;
}

/** A dynamic scope's filter (docs/update-manager-wire-format.md#configuration-assignments). */
export interface ScopeFilter {
  resourceTypes?: string[];
  resourceGroups?: string[];
  osTypes?: string[];
  locations?: string[];
  tagSettings?: { tags?: Record<string, string[]>; filterOperator?: string };
}

const normalLocation = (location: string) => location.replace(/\s+/g, '').toLowerCase();
const listed = (values: string[] | undefined, value: string, normalise = (text: string) => text.toLowerCase()) =>
  values === undefined || values.length === 0 || values.some((item) => normalise(item) === normalise(value));

/** Whether a dynamic scope covers a VM now (filters are read at each run). */
export function scopeCovers(assignment: AssignmentRecord, vm: VirtualMachineRecord): boolean {
  if (assignment.subscriptionId.toLowerCase() !== vm.subscriptionId.toLowerCase()) return false;
  const scopeGroup = resourceGroupOf(assignment.scopeId);
  if (scopeGroup && scopeGroup.toLowerCase() !== vm.resourceGroup.toLowerCase()) return false;
  const filter = (assignment.properties.filter ?? {}) as ScopeFilter;
  if (!listed(filter.resourceTypes, 'Microsoft.Compute/virtualMachines')) return false;
  if (!listed(filter.resourceGroups, vm.resourceGroup)) return false;
  if (!listed(filter.osTypes, vm.osFamily)) return false;
  if (!listed(filter.locations, vm.location, normalLocation)) return false;
  const tags = filter.tagSettings?.tags ?? {};
  const names = Object.keys(tags);
  if (names.length === 0) return true;
  const vmTags = Object.fromEntries(Object.entries(vm.definition.tags ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const matches = (name: string) => {
    const value = vmTags[name.toLowerCase()];
    const values = tags[name] ?? [];
    return value !== undefined && (values.length === 0 || values.includes(value));
  };
  return String(filter.tagSettings?.filterOperator ?? 'Any').toLowerCase() === 'all' ? names.every(matches) : names.some(matches);
}

/** The window a stored configuration opens, or undefined when it opens none the emulator runs. */
export function windowOf(configuration: ConfigurationRecord): MaintenanceWindow | undefined {
  if (String(configuration.properties.maintenanceScope) !== 'InGuestPatch') return undefined;
  // Checked when written; read back with the creation time as "now" so the start-date rule holds.
  const checked = checkWindow((configuration.properties.maintenanceWindow ?? {}) as Record<string, string>, { inGuestPatch: true, nowMs: configuration.createdMs });
  return 'window' in checked ? checked.window : undefined;
}

/** `HH:mm` duration as ISO 8601 (`PT3H55M`): the installation's maximumDuration. */
const isoDuration = (ms: number) => `PT${Math.floor(ms / 3_600_000)}H${Math.floor((ms % 3_600_000) / 60_000)}M`;

/** The installation a window runs: the configuration's parameters, the window's length (docs/maintenance.md). */
export function installParametersOf(configuration: ConfigurationRecord, window: MaintenanceWindow): InstallParameters {
  const install = (configuration.properties.installPatches ?? {}) as Record<string, unknown>;
  const windowsParameters = install.windowsParameters as InstallParameters['windowsParameters'];
  const linuxParameters = install.linuxParameters as InstallParameters['linuxParameters'];
  return {
    maximumDuration: isoDuration(window.durationMs),
    rebootSetting: (install.rebootSetting as InstallParameters['rebootSetting'] | undefined) ?? 'IfRequired',
    ...(windowsParameters ? { windowsParameters } : {}),
    ...(linuxParameters ? { linuxParameters } : {}),
  };
}

interface View {
  generation: number;
  empty: boolean;
  configurations: Map<string, { record: ConfigurationRecord; window: MaintenanceWindow | undefined }>;
  /** Assignments on one machine, by its lower-case id. */
  direct: Map<string, AssignmentRecord[]>;
  /** Dynamic scopes, by lower-case subscription id. */
  dynamic: Map<string, AssignmentRecord[]>;
}

export interface Coverage {
  assignment: AssignmentRecord;
  configuration: ConfigurationRecord;
  window: MaintenanceWindow;
}

/** VMs whose next due window is remembered; past it the memory starts again. */
const NEXT_DUE_LIMIT = 10_000;

export class MaintenanceService implements ScheduledRunSource {
  private view: View | undefined;
  /**
   * When each covered VM's next window opens, as of the assignments (generation) and the VM's
   * definition (revision) it was computed from: until then a settle of the VM costs no query.
   */
  private readonly nextDue = new Map<string, { generation: number; revision: string; dueMs: number }>();

  constructor(
    readonly store: MaintenanceStore,
    private readonly resources: ResourceStore,
    private readonly patchOperations: PatchOperations,
    private readonly clock: EmulatorClock,
    private readonly seed: string,
  ) {}

  /** What covers what, rebuilt only when a configuration or an assignment was written. */
  private current(): View {
    if (this.view && this.view.generation === this.store.generation) return this.view;
    const generation = this.store.generation;
    const assignments = this.store.allAssignments();
    const configurations = new Map<string, { record: ConfigurationRecord; window: MaintenanceWindow | undefined }>();
    const direct = new Map<string, AssignmentRecord[]>();
    const dynamic = new Map<string, AssignmentRecord[]>();
    if (assignments.length > 0) {
      for (const record of this.store.allConfigurations()) configurations.set(configurationIdOf(record).toLowerCase(), { record, window: windowOf(record) });
      for (const assignment of assignments) {
        const isScope = /^\/subscriptions\/[^/]+(\/resourcegroups\/[^/]+)?$/i.test(assignment.scopeId);
        const map = isScope ? dynamic : direct;
        const key = (isScope ? assignment.subscriptionId : assignment.scopeId).toLowerCase();
        map.set(key, [...(map.get(key) ?? []), assignment]);
      }
    }
    this.view = { generation, empty: assignments.length === 0, configurations, direct, dynamic };
    return this.view;
  }

  /** The InGuestPatch configurations that cover a VM now, with the assignment that brings each. */
  coverageOf(vm: VirtualMachineRecord): Coverage[] {
    const view = this.current();
    if (view.empty) return [];
    const id = vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name).toLowerCase();
    const createdMs = Date.parse(vm.timeCreated);
    const candidates = [
      // An assignment made before this VM was created belonged to an earlier VM of the same name.
      ...(view.direct.get(id) ?? []).filter((assignment) => assignment.createdMs >= createdMs),
      ...(view.dynamic.get(vm.subscriptionId.toLowerCase()) ?? []).filter((assignment) => scopeCovers(assignment, vm)),
    ];
    const found: Coverage[] = [];
    for (const assignment of candidates) {
      const configuration = view.configurations.get(assignment.configurationId.toLowerCase());
      if (!configuration?.window) continue;
      // A configuration whose resource group was deleted went with it.
      const { record } = configuration;
      if (!this.resources.getResourceGroup(record.subscriptionId, record.resourceGroup)) {
        this.store.deleteConfiguration(record.subscriptionId, record.resourceGroup, record.name);
        continue;
      }
      found.push({ assignment, configuration: record, window: configuration.window });
    }
    return found;
  }

  /** ScheduledRunSource: the windows that opened since the VM was last looked at, run in order. */
  catchUp(vm: VirtualMachineRecord, nowMs: number): void {
    if (this.current().empty) return;
    const id = vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name);
    const key = id.toLowerCase();
    const revision = `${vm.timeCreated}/${vm.definition.revision ?? 1}`;
    const remembered = this.nextDue.get(key);
    if (remembered && remembered.generation === this.store.generation && remembered.revision === revision && nowMs < remembered.dueMs) return;
    const coverage = this.coverageOf(vm);
    if (coverage.length === 0) return;
    if (this.nextDue.size >= NEXT_DUE_LIMIT) this.nextDue.clear();
    const generation = this.store.generation;
    const dueMs = Math.min(...coverage.map((cover) => nextWindow(cover.window, nowMs)?.startMs ?? Number.POSITIVE_INFINITY));
    const due: Array<{ cover: Coverage; occurrence: WindowOccurrence }> = [];
    for (const cover of coverage) {
      const configurationId = configurationIdOf(cover.configuration);
      const last = this.store.lastScheduledWindow(vm.subscriptionId, id, configurationId);
      const floor = Math.max(last ?? Number.NEGATIVE_INFINITY, cover.assignment.createdMs, Date.parse(vm.timeCreated));
      for (const occurrence of windowsBetween(cover.window, floor, nowMs, MAX_WINDOWS_PER_CATCH_UP).windows) due.push({ cover, occurrence });
    }
    due.sort((a, b) => a.occurrence.startMs - b.occurrence.startMs);
    let busyUntil = Number.NEGATIVE_INFINITY;
    for (const { cover, occurrence } of due) {
      const configurationId = configurationIdOf(cover.configuration);
      const correlationId = guidFrom(this.seed, 'maintenance-window', configurationId.toLowerCase(), String(occurrence.startMs));
      // Of two schedules on one machine the second runs when the first is over (docs/maintenance.md).
      const startMs = Math.max(occurrence.startMs, busyUntil);
      const run = this.runOn(vm, cover.configuration, cover.window, { correlationId, trigger: 'Schedule', windowStartMs: occurrence.startMs, startMs });
      if (run.endsMs !== undefined) busyUntil = run.endsMs;
    }
    this.nextDue.set(key, { generation, revision, dueMs });
  }

  /**
   * Runs one window on one VM: an installation with the configuration's parameters, started by the
   * platform at `startMs`, or, when the VM is not running or not set up for schedules, a skipped
   * run (status RetryLater).
   */
  private runOn(
    vm: VirtualMachineRecord,
    configuration: ConfigurationRecord,
    window: MaintenanceWindow,
    run: { correlationId: string; trigger: RunTrigger; windowStartMs: number; startMs: number },
  ): { record: RunRecord; endsMs?: number } {
    const resourceId = vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name);
    const configurationId = configurationIdOf(configuration);
    const current = this.resources.getVirtualMachine(vm.subscriptionId, vm.resourceGroup, vm.name) ?? vm;
    // The VM's operation count tells apart two runs started at one (frozen) instant.
    const id = guidFrom(this.seed, 'maintenance-run', resourceId.toLowerCase(), run.correlationId, String(run.startMs), String(current.operationCount));
    const skippedReason =
      current.powerState !== 'running'
        ? `The machine was ${current.powerState} when the window opened.`
        : !scheduledPatchingReady(current)
          ? "The machine's patch settings do not meet the schedule's prerequisites (patchMode AutomaticByPlatform, bypassPlatformSafetyChecksOnUserSchedule true)."
          : null;
    let operationId: string | null = null;
    let endsMs: number | undefined;
    if (!skippedReason) {
      // Nobody polls a platform run: it completes by the simulated clock.
      const operation = this.patchOperations.startInstall(current, installParametersOf(configuration, window), PLATFORM_API_VERSION, undefined, {
        startMs: run.startMs,
        completion: { kind: 'time' },
      });
      operationId = operation.id;
      endsMs = operation.plan.startMs + operation.plan.durationMs;
    }
    const record: RunRecord = {
      subscriptionId: vm.subscriptionId,
      id,
      resourceId,
      resourceGroup: vm.resourceGroup,
      configurationId,
      correlationId: run.correlationId,
      trigger: run.trigger,
      windowStartMs: run.windowStartMs,
      startMs: run.startMs,
      operationId,
      skippedReason,
    };
    this.store.insertRun(record);
    return { record, ...(endsMs !== undefined ? { endsMs } : {}) };
  }

  /** `PUT .../applyUpdates/default`: a run now, with the first InGuestPatch configuration assigned to the VM. */
  applyNow(vm: VirtualMachineRecord): RunRecord | undefined {
    this.patchOperations.settleVm(vm);
    const cover = [...this.coverageOf(vm)].sort((a, b) => configurationIdOf(a.configuration).localeCompare(configurationIdOf(b.configuration)))[0];
    if (!cover) return undefined;
    const nowMs = this.clock.now();
    const correlationId = guidFrom(this.seed, 'maintenance-apply', vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name).toLowerCase(), String(nowMs), String(this.store.countRuns(vm.subscriptionId)));
    return this.runOn(vm, cover.configuration, cover.window, { correlationId, trigger: 'ApplyUpdates', windowStartMs: nowMs, startMs: nowMs }).record;
  }

  /** The admin API's "open the window now": every machine the configuration covers runs now. */
  openWindowNow(configuration: ConfigurationRecord): RunRecord[] | undefined {
    const window = windowOf(configuration);
    if (!window) return undefined;
    const nowMs = this.clock.now();
    const configurationId = configurationIdOf(configuration);
    const correlationId = guidFrom(this.seed, 'maintenance-open', configurationId.toLowerCase(), String(nowMs), String(this.store.countRuns(configuration.subscriptionId)));
    const runs: RunRecord[] = [];
    for (const vm of this.machinesCoveredBy(configuration)) {
      this.patchOperations.settleVm(vm);
      runs.push(this.runOn(vm, configuration, window, { correlationId, trigger: 'Emulator', windowStartMs: nowMs, startMs: nowMs }).record);
    }
    return runs;
  }

  /** The VMs a configuration covers now, through any of its assignments. */
  machinesCoveredBy(configuration: ConfigurationRecord): VirtualMachineRecord[] {
    const configurationId = configurationIdOf(configuration).toLowerCase();
    return this.subscriptionVms(configuration.subscriptionId).filter((vm) =>
      this.coverageOf(vm).some((cover) => configurationIdOf(cover.configuration).toLowerCase() === configurationId),
    );
  }

  private subscriptionVms(subscriptionId: string): VirtualMachineRecord[] {
    return this.resources.listResourceGroups(subscriptionId).flatMap((group) => this.resources.listVirtualMachines(subscriptionId, group.name));
  }

  /** Brings every covered VM of a subscription up to date (before a list of runs). */
  catchUpSubscription(subscriptionId: string): void {
    if (this.current().empty) return;
    for (const vm of this.subscriptionVms(subscriptionId)) if (this.coverageOf(vm).length > 0) this.patchOperations.settleVm(vm);
  }

  /** A run's status now, from the installation it started (docs/maintenance.md). */
  statusOf(run: RunRecord): { status: ApplyUpdateStatus; endMs: number | null } {
    if (run.operationId === null) return { status: 'RetryLater', endMs: run.startMs };
    const operation = this.patchOperations.read(run.subscriptionId, run.operationId);
    if (!operation) return { status: 'Completed', endMs: null };
    if (operation.status === 'InProgress') return { status: 'InProgress', endMs: null };
    if (operation.status !== 'Succeeded') return { status: 'RetryLater', endMs: operation.endMs };
    const result = operation.resultJson ? (JSON.parse(operation.resultJson) as { status?: string }) : {};
    return { status: result.status === 'Failed' ? 'RetryLater' : 'Completed', endMs: operation.endMs };
  }

  /** An applyUpdates resource as the Maintenance API returns it (maint-py `ApplyUpdate`). */
  applyUpdateResource(run: RunRecord) {
    const { status, endMs } = this.statusOf(run);
    return {
      id: `${run.resourceId}/providers/Microsoft.Maintenance/applyUpdates/${run.id}`,
      name: run.id,
      type: 'Microsoft.Maintenance/applyUpdates',
      properties: { status, resourceId: run.resourceId, lastUpdateTime: new Date(endMs ?? run.startMs).toISOString() },
    };
  }

  /** The next window of a configuration after now, for the dashboard. */
  nextWindowOf(configuration: ConfigurationRecord): { start: string; end: string } | undefined {
    const window = windowOf(configuration);
    const next = window && nextWindow(window, this.clock.now());
    return next && { start: armTimestamp(next.startMs), end: armTimestamp(next.endMs) };
  }

  /**
   * Resource Graph's `maintenanceresources` rows of a subscription: one per run
   * (`microsoft.maintenance/applyupdates`) and one per assignment
   * (`microsoft.maintenance/configurationassignments`), shaped as
   * docs/update-manager-wire-format.md#maintenanceresources describes them.
   */
  maintenanceResources(subscriptionId: string, limit = 5000): Array<Record<string, unknown>> {
    this.catchUpSubscription(subscriptionId);
    const runs = this.store.runsOfSubscription(subscriptionId, limit).map((run) => {
      const { status, endMs } = this.statusOf(run);
      return {
        id: `${run.resourceId}/providers/microsoft.maintenance/applyupdates/${run.id}`.toLowerCase(),
        name: run.id,
        type: 'microsoft.maintenance/applyupdates',
        subscriptionId: run.subscriptionId.toLowerCase(),
        resourceGroup: run.resourceGroup.toLowerCase(),
        properties: {
          maintenanceConfigurationId: run.configurationId,
          maintenanceScope: 'InGuestPatch',
          resourceId: run.resourceId,
          correlationId: run.correlationId,
          startDateTime: new Date(run.startMs).toISOString(),
          endDateTime: endMs === null ? null : new Date(endMs).toISOString(),
          status,
        },
      };
    });
    const assignments = this.store
      .allAssignments()
      .filter((assignment) => assignment.subscriptionId.toLowerCase() === subscriptionId.toLowerCase())
      .map((assignment) => ({
        id: `${assignment.scopeId}/providers/microsoft.maintenance/configurationassignments/${assignment.name}`.toLowerCase(),
        name: assignment.name,
        type: 'microsoft.maintenance/configurationassignments',
        subscriptionId: assignment.subscriptionId.toLowerCase(),
        resourceGroup: resourceGroupOf(assignment.scopeId).toLowerCase(),
        properties: { resourceId: assignment.scopeId, maintenanceConfigurationId: assignment.configurationId },
      }));
    return [...runs, ...assignments];
  }
}
