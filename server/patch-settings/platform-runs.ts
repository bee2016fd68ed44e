// What the platform does by itself (docs/simulation.md#what-the-platform-does-by-itself): a VM
// with `assessmentMode: AutomaticByPlatform` is assessed every 24 simulated hours, and one with
// `patchMode: AutomaticByPlatform` (and no bypass for a maintenance schedule) gets its Critical
// and Security updates once a month in off-peak hours. The runs are ordinary operations, started
// at the simulated time they fell due when the VM is next looked at, and marked `startedBy:
// Platform`. Nothing runs in the background. An Arc-enabled server with `assessmentMode:
// AutomaticByPlatform` is assessed every 24 hours too; its `patchMode: AutomaticByPlatform` means
// customer-managed schedules (server/maintenance/), so the platform installs nothing on it.

import { OperationInProgressError } from '../operations/errors.js';
import { INSTALL_PATCHES_API_VERSIONS } from '../../schemas/api-versions.js';
import { dueRuns, type PlatformMarks, type PlatformRunKind, type ScheduleInput } from '../../simulator/platform-schedule.js';
import type { CompletionMode } from '../../simulator/progress.js';
import type { InstallParameters } from '../../simulator/selection.js';
import type { EmulatorClock } from '../clock.js';
import type { AssessOperation, InstallOperation, PatchOperations, PatchTarget, ScheduledRunSource } from '../operations/patch-operations.js';
import type { ArcMachineRecord, ArcMachineStore } from '../hybrid-compute/machine-store.js';
import { arcMachineResourceId, machineNameOfKey, patchSettingsOf as arcPatchSettingsOf } from '../hybrid-compute/machines.js';
import { arcPatchTarget } from '../hybrid-compute/patch-targets.js';
import type { ResourceStore, VirtualMachineRecord } from '../store/resource-store.js';
import { vmResourceId } from '../virtual-machines/resource.js';
import { patchSettingsOf, platformDutiesOf } from './settings.js';

/** The api-version the platform's runs are recorded under: the newest the emulator serves. */
export const PLATFORM_API_VERSION = INSTALL_PATCHES_API_VERSIONS[INSTALL_PATCHES_API_VERSIONS.length - 1]!;

/** Nobody polls a platform run: it completes by the simulated clock, after its planned duration. */
const BY_TIME: CompletionMode = { kind: 'time' };

/** An automatic rollout: Critical and Security updates, the VM's platform reboot setting, three hours. */
export function platformInstallParameters(vm: Pick<VirtualMachineRecord, 'osFamily' | 'definition'>): InstallParameters {
  const settings = patchSettingsOf(vm);
  const classificationsToInclude = ['Critical', 'Security'] as Array<'Critical' | 'Security'>;
  return {
    maximumDuration: 'PT3H',
    rebootSetting: settings.rebootSetting,
    ...(vm.osFamily === 'Windows' ? { windowsParameters: { classificationsToInclude } } : { linuxParameters: { classificationsToInclude } }),
  };
}

const periodicAssessment = (machine: ArcMachineRecord) => String(arcPatchSettingsOf(machine).assessmentMode).toLowerCase() === 'automaticbyplatform';

export class PlatformRuns implements ScheduledRunSource {
  constructor(
    private readonly resources: ResourceStore,
    private readonly operations: PatchOperations,
    private readonly clock: EmulatorClock,
    private readonly seed: string,
    private readonly arcMachines?: ArcMachineStore,
  ) {}

  private scheduleInput(vm: VirtualMachineRecord, nowMs: number): ScheduleInput {
    return {
      seed: this.seed,
      vmKey: vmResourceId(vm.subscriptionId, vm.resourceGroup, vm.name).toLowerCase(),
      location: vm.location,
      duties: platformDutiesOf(vm),
      sinceMs: Date.parse(vm.timeCreated),
      marks: vm.patchState.platform ?? {},
      nowMs,
    };
  }

  /**
   * Asked before every settle of the VM. A VM with no automatic duty, or none due, costs what its
   * record holds; a due run costs one read of the VM (the record given may predate a run this very
   * request started), a write of its marks, and the runs.
   */
  catchUp(vm: VirtualMachineRecord, nowMs: number): void {
    const duties = platformDutiesOf(vm);
    if (!duties.assessment && !duties.installation) return;
    if (dueRuns(this.scheduleInput(vm, nowMs)).runs.length === 0) return;
    const current = this.resources.getVirtualMachine(vm.subscriptionId, vm.resourceGroup, vm.name);
    if (!current) return;
    const { runs, marks } = dueRuns(this.scheduleInput(current, nowMs));
    if (runs.length === 0) return;
    // The marks first: the runs below settle the VM again, and must find nothing more due.
    this.resources.updatePatchState(current, { ...current.patchState, platform: marks });
    // Only a running VM is assessed or patched; the emulator keeps no history of power states, so
    // runs that fell due while it is not running now are skipped (docs/simulation.md).
    if (current.powerState !== 'running') return;
    for (const run of runs) {
      try {
        this.start(current, run.kind, { startMs: run.dueMs, completion: BY_TIME });
      } catch (error) {
        // Under --overlapping-operations reject a client's run still going refuses the platform's:
        // that run is skipped (the look that found it must not fail), as a busy VM's would be.
        if (error instanceof OperationInProgressError) continue;
        throw error;
      }
    }
  }

  /**
   * ScheduledRunSource, for Arc machines: periodic assessment only (every 24 hours from the
   * machine's creation, the emulator's choice), and only while its agent is connected; the
   * assessments that fell due while it was not are skipped, as a stopped VM's are.
   */
  catchUpArc(target: PatchTarget, nowMs: number): void {
    if (!this.arcMachines) return;
    // The target carries the machine's definition (server/hybrid-compute/patch-targets.ts): one
    // without periodic assessment costs no query.
    const given = target as Partial<ArcMachineRecord>;
    if (given.definition && !periodicAssessment(given as ArcMachineRecord)) return;
    const machine = this.arcMachines.get(target.subscriptionId, target.resourceGroup, machineNameOfKey(target.name));
    if (!machine || !periodicAssessment(machine)) return;
    const { runs, marks } = dueRuns({
      seed: this.seed,
      vmKey: arcMachineResourceId(machine.subscriptionId, machine.resourceGroup, machine.name).toLowerCase(),
      location: machine.location,
      duties: { assessment: true, installation: false },
      sinceMs: Date.parse(machine.timeCreated),
      marks: machine.patchState.platform ?? {},
      nowMs,
    });
    if (runs.length === 0) return;
    const patchState = { ...machine.patchState, platform: marks };
    this.arcMachines.updatePatchState(machine, patchState);
    if (machine.status !== 'Connected') return;
    for (const run of runs) {
      try {
        this.operations.startAssess(arcPatchTarget({ ...machine, patchState }), PLATFORM_API_VERSION, { startMs: run.dueMs, completion: BY_TIME });
      } catch (error) {
        if (error instanceof OperationInProgressError) continue;
        throw error;
      }
    }
  }

  /**
   * The admin API's trigger: the platform's run of that kind, now. It counts as the duty's run:
   * the next one is counted from it.
   */
  runNow(vm: VirtualMachineRecord, kind: PlatformRunKind, completion: CompletionMode = BY_TIME): InstallOperation | AssessOperation {
    const nowMs = this.clock.now();
    // Whatever fell due before now runs first, in order.
    this.operations.settleVm(vm);
    const current = this.resources.getVirtualMachine(vm.subscriptionId, vm.resourceGroup, vm.name) ?? vm;
    const duties = platformDutiesOf(current);
    const marks: PlatformMarks = { ...(current.patchState.platform ?? {}) };
    if (kind === 'assessPatches' && duties.assessment) marks.assessedMs = nowMs;
    if (kind === 'installPatches' && duties.installation) marks.installedMs = nowMs;
    this.resources.updatePatchState(current, { ...current.patchState, platform: marks });
    return this.start(current, kind, { startMs: nowMs, completion });
  }

  private start(vm: VirtualMachineRecord, kind: PlatformRunKind, run: { startMs: number; completion: CompletionMode }): InstallOperation | AssessOperation {
    return kind === 'assessPatches'
      ? this.operations.startAssess(vm, PLATFORM_API_VERSION, run)
      : this.operations.startInstall(vm, platformInstallParameters(vm), PLATFORM_API_VERSION, undefined, run);
  }
}
