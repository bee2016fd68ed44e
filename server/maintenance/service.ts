// Scheduled patching (Microsoft.Maintenance): configurations, assignments, and the runs their
// windows start (docs/maintenance.md). The service is a ScheduledRunSource: before a VM's
// operations are settled it starts, at their start times and in order, the runs of the windows
// that opened since it last looked. Nothing runs in the background. A machine is a VM or an
// Arc-enabled server (MaintainedMachine): both are covered, run and read back the same way.

import { checkWindow, nextWindow, windowsBetween, type MaintenanceWindow, type WindowOccurrence } from '../../simulator/maintenance-window.js';
import { guidFrom } from '../../simulator/random.js';
import type { InstallParameters } from '../../simulator/selection.js';
import { armTimestamp } from '../../simulator/time-format.js';
import type { EmulatorClock } from '../clock.js';
import type { PatchOperations, PatchTarget, ScheduledRunSource } from '../operations/patch-operations.js';
import type { ArcMachineRecord, ArcMachineStore } from '../hybrid-compute/machine-store.js';
import { ARC_MACHINE_TYPE, arcMachineResourceId, machineNameOfKey } from '../hybrid-compute/machines.js';
import { arcPatchTarget } from '../hybrid-compute/patch-targets.js';
import { PLATFORM_API_VERSION } from '../patch-settings/platform-runs.js';
import { patchSettingsOf } from '../patch-settings/settings.js';
import type { ResourceStore, VirtualMachineRecord } from '../store/resource-store.js';
import { vmResourceId } from '../virtual-machines/resource.js';
import { resourceGroupOf, type AssignmentRecord, type ConfigurationRecord, type MaintenanceStore, type RunRecord, type RunTrigger } from './store.js';

/** Windows run per machine and configuration in one catch-up; older ones are skipped (docs/maintenance.md). */
export const MAX_WINDOWS_PER_CATCH_UP = 24;

export type ApplyUpdateStatus = 'Pending' | 'InProgress' | 'Completed' | 'RetryNow' | 'RetryLater';

const VM_TYPE = 'Microsoft.Compute/virtualMachines';

/**
 * A machine scheduled patching covers: a VM or an Arc-enabled server, with what the scope filters
 * read and the target its installations run on (the Arc machine's under its operation key).
 */
export interface MaintainedMachine {
  kind: 'virtualMachine' | 'arcMachine';
  /** Its resource id. */
  id: string;
  resourceType: typeof VM_TYPE | typeof ARC_MACHINE_TYPE;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  osFamily: string;
  timeCreated: string;
  tags: Record<string, string>;
  /** Changes whenever what the filters read may have changed. */
  revision: string;
  /** Why a window opening now is skipped (a stopped VM, a disconnected Arc machine), or null; computed only for a run. */
  skippedReason: () => string | null;
  target: PatchTarget;
}

/** The machine an assignment or an applyUpdates names. */
export type AssignedMachine = MaintainedMachine;

export function vmMachine(vm: VirtualMachineRecord): MaintainedMachine {
  return {
    kind: 'virtualMachine',
    id: vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name),
    resourceType: VM_TYPE,
    subscriptionId: vm.subscriptionId,
    resourceGroup: vm.resourceGroup,
    location: vm.location,
    osFamily: vm.osFamily,
    timeCreated: vm.timeCreated,
    tags: vm.definition.tags ?? {},
    revision: `${vm.timeCreated}/${vm.definition.revision ?? 1}`,
    skippedReason: () =>
      vm.powerState !== 'running'
        ? `The machine was ${vm.powerState} when the window opened.`
        : !scheduledPatchingReady(vm)
          ? "The machine's patch settings do not meet the schedule's prerequisites (patchMode AutomaticByPlatform, bypassPlatformSafetyChecksOnUserSchedule true)."
          : null,
    target: vm,
  };
}

/**
 * An Arc machine: no patch-mode prerequisite (docs/maintenance.md#arc-enabled-servers); a machine
 * whose agent is not connected cannot take a run.
 */
export function arcMachine(machine: ArcMachineRecord): MaintainedMachine {
  const tags = machine.definition.tags ?? {};
  return {
    kind: 'arcMachine',
    id: arcMachineResourceId(machine.subscriptionId, machine.resourceGroup, machine.name),
    resourceType: ARC_MACHINE_TYPE,
    subscriptionId: machine.subscriptionId,
    resourceGroup: machine.resourceGroup,
    location: machine.location,
    osFamily: machine.osFamily,
    timeCreated: machine.timeCreated,
    tags,
    revision: `${machine.timeCreated}/${JSON.stringify(tags)}`,
    skippedReason: () => machine.status !== 'Connected' ? `The machine was ${machine.status} when the window opened: its Connected Machine agent was not connected.` : null,
    target: arcPatchTarget(machine),
  };
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

/** Whether a dynamic scope covers a machine now (filters are read at each run). */
export function scopeCovers(assignment: AssignmentRecord, vm: MaintainedMachine): boolean {
  if (assignment.subscriptionId.toLowerCase() !== vm.subscriptionId.toLowerCase()) return false;
  const scopeGroup = resourceGroupOf(assignment.scopeId);
  if (scopeGroup && scopeGroup.toLowerCase() !== vm.resourceGroup.toLowerCase()) return false;
  const filter = (assignment.properties.filter ?? {}) as ScopeFilter;
  if (!listed(filter.resourceTypes, vm.resourceType)) return false;
  if (!listed(filter.resourceGroups, vm.resourceGroup)) return false;
  if (!listed(filter.osTypes, vm.osFamily)) return false;
  if (!listed(filter.locations, vm.location, normalLocation)) return false;
  const tags = filter.tagSettings?.tags ?? {};
  const names = Object.keys(tags);
  if (names.length === 0) return true;
  const vmTags = Object.fromEntries(Object.entries(vm.tags).map(([name, value]) => [name.toLowerCase(), value]));
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
    private readonly arcMachines?: ArcMachineStore,
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

  /** The InGuestPatch configurations that cover a machine now, with the assignment that brings each. */
  coverageOf(vm: MaintainedMachine): Coverage[] {
    const view = this.current();
    if (view.empty) return [];
    const id = vm.id.toLowerCase();
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
    this.catchUpMachine(vmMachine(vm), nowMs);
  }

  /** ScheduledRunSource, for Arc machines: the same, once the machine is read (its status, its tags). */
  catchUpArc(target: PatchTarget, nowMs: number): void {
    if (this.current().empty || !this.arcMachines) return;
    const machine = this.arcMachines.get(target.subscriptionId, target.resourceGroup, machineNameOfKey(target.name));
    if (machine) this.catchUpMachine(arcMachine(machine), nowMs);
  }

  private catchUpMachine(vm: MaintainedMachine, nowMs: number): void {
    const id = vm.id;
    const key = id.toLowerCase();
    const revision = vm.revision;
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

  /** The machine as stored now (a run reads its current state), or as given when it is gone. */
  private currentOf(machine: MaintainedMachine): MaintainedMachine & { operationCount: number } {
    if (machine.kind === 'arcMachine') {
      const found = this.arcMachines?.get(machine.subscriptionId, machine.resourceGroup, machineNameOfKey(machine.target.name));
      return found ? { ...arcMachine(found), operationCount: found.operationCount } : { ...machine, operationCount: 0 };
    }
    const found = this.resources.getVirtualMachine(machine.subscriptionId, machine.resourceGroup, machine.target.name);
    return found ? { ...vmMachine(found), operationCount: found.operationCount } : { ...machine, operationCount: (machine.target as VirtualMachineRecord).operationCount ?? 0 };
  }

  /** An Arc machine by name, as a machine schedules cover; undefined when there is none. */
  findArcMachine(subscriptionId: string, resourceGroup: string, name: string): MaintainedMachine | undefined {
    const found = this.arcMachines?.get(subscriptionId, resourceGroup, name);
    return found && arcMachine(found);
  }

  /** Settles a machine's operations (which first starts the runs that fell due). */
  settle(machine: MaintainedMachine): void {
    this.patchOperations.settleVm(machine.target);
  }

  /**
   * Runs one window on one machine: an installation with the configuration's parameters, started
   * by the platform at `startMs`, or, when the machine cannot take it (a VM not running or not set
   * up for schedules, an Arc machine not connected), a skipped run (status RetryLater).
   */
  private runOn(
    vm: MaintainedMachine,
    configuration: ConfigurationRecord,
    window: MaintenanceWindow,
    run: { correlationId: string; trigger: RunTrigger; windowStartMs: number; startMs: number },
  ): { record: RunRecord; endsMs?: number } {
    const resourceId = vm.id;
    const configurationId = configurationIdOf(configuration);
    const current = this.currentOf(vm);
    // The machine's operation count tells apart two runs started at one (frozen) instant.
    const id = guidFrom(this.seed, 'maintenance-run', resourceId.toLowerCase(), run.correlationId, String(run.startMs), String(current.operationCount));
    const skippedReason = current.skippedReason();
    let operationId: string | null = null;
    let endsMs: number | undefined;
    if (!skippedReason) {
      // Nobody polls a platform run: it completes by the simulated clock.
      const operation = this.patchOperations.startInstall(current.target, installParametersOf(configuration, window), PLATFORM_API_VERSION, undefined, {
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

  /** `PUT .../applyUpdates/default`: a run now, with the first InGuestPatch configuration assigned to the machine. */
  applyNow(vm: MaintainedMachine): RunRecord | undefined {
    this.settle(vm);
    const cover = [...this.coverageOf(vm)].sort((a, b) => configurationIdOf(a.configuration).localeCompare(configurationIdOf(b.configuration)))[0];
    if (!cover) return undefined;
    const nowMs = this.clock.now();
    const correlationId = guidFrom(this.seed, 'maintenance-apply', vm.id.toLowerCase(), String(nowMs), String(this.store.countRuns(vm.subscriptionId)));
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
      this.settle(vm);
      runs.push(this.runOn(vm, configuration, window, { correlationId, trigger: 'Emulator', windowStartMs: nowMs, startMs: nowMs }).record);
    }
    return runs;
  }

  /** The machines (VMs, then Arc machines) a configuration covers now, through any of its assignments. */
  machinesCoveredBy(configuration: ConfigurationRecord): MaintainedMachine[] {
    const configurationId = configurationIdOf(configuration).toLowerCase();
    return this.subscriptionMachines(configuration.subscriptionId).filter((vm) =>
      this.coverageOf(vm).some((cover) => configurationIdOf(cover.configuration).toLowerCase() === configurationId),
    );
  }

  private subscriptionMachines(subscriptionId: string): MaintainedMachine[] {
    const vms = this.resources.listResourceGroups(subscriptionId).flatMap((group) => this.resources.listVirtualMachines(subscriptionId, group.name).map(vmMachine));
    return [...vms, ...(this.arcMachines?.list(subscriptionId).map(arcMachine) ?? [])];
  }

  /** Brings every covered machine of a subscription up to date (before a list of runs). */
  catchUpSubscription(subscriptionId: string): void {
    if (this.current().empty) return;
    for (const vm of this.subscriptionMachines(subscriptionId)) if (this.coverageOf(vm).length > 0) this.settle(vm);
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
