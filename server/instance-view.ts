// GET .../virtualMachines/{vm}/instanceView and `$expand=instanceView`: the VM's run-time state,
// shaped as the REST specification's example shows it
// (https://github.com/Azure/azure-rest-api-specs/blob/main/specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/examples/virtualMachineExamples/VirtualMachine_Get_InstanceView.json),
// with the patch status. It reads the VM's newest installation and assessment through an index,
// so it costs the same however many operations the VM has run.

import type { Catalogue } from '../simulator/catalogue.js';
import {
  summaryOfAssessment,
  summaryOfImplicitAssessment,
  summaryOfInstallation,
  wasSuperseded,
  type AvailablePatchSummary,
} from '../simulator/patch-status.js';
import type { AssessPatchesResult, InstallPatchesResult } from '../simulator/results.js';
import { armTimestamp, armTimestampUtc } from '../simulator/time-format.js';
import type { PatchOperations } from './patch-operations.js';
import type { VirtualMachineRecord } from './store/resource-store.js';

/** The Azure VM agent version reported by a recent image. */
const VM_AGENT_VERSION = '2.12.0.2';

const POWER_DISPLAY = { running: 'VM running', stopped: 'VM stopped', deallocated: 'VM deallocated' } as const;

export function instanceView(vm: VirtualMachineRecord, catalogue: Catalogue, operations: PatchOperations, nowMs: number) {
  const createdMs = Date.parse(vm.timeCreated);
  const provisioned = { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: armTimestamp(createdMs) };
  const running = vm.powerState === 'running';
  const osDisk = ((vm.definition.properties.storageProfile as { osDisk?: { name?: string } } | undefined)?.osDisk?.name) ?? `${vm.name}_OsDisk_1`;
  return {
    // The guest agent reports the OS and its own state only while the VM runs.
    ...(running
      ? {
          computerName: ((vm.definition.properties.osProfile as { computerName?: string } | undefined)?.computerName) ?? vm.name,
          osName: catalogue.osName,
          osVersion: catalogue.osVersion,
          vmAgent: {
            vmAgentVersion: VM_AGENT_VERSION,
            statuses: [
              {
                code: 'ProvisioningState/succeeded',
                level: 'Info',
                displayStatus: 'Ready',
                message: 'GuestAgent is running and accepting new configurations.',
                time: armTimestamp(nowMs),
              },
            ],
          },
        }
      : {}),
    disks: [{ name: osDisk, statuses: [provisioned] }],
    hyperVGeneration: 'V2',
    patchStatus: patchStatus(vm, operations, nowMs),
    statuses: [provisioned, { code: `PowerState/${vm.powerState}`, level: 'Info', displayStatus: POWER_DISPLAY[vm.powerState] }],
  };
}

function patchStatus(vm: VirtualMachineRecord, operations: PatchOperations, nowMs: number) {
  const { install: installOperation, assess: assessOperation } = operations.latestPatchOperations(vm);
  const install = installOperation && { ...installOperation, result: parsed<InstallPatchesResult>(installOperation.resultJson) };
  const assess = assessOperation && { ...assessOperation, result: parsed<AssessPatchesResult>(assessOperation.resultJson) };
  // The newer of the last assessment and the implicit assessment closing the last installation.
  let available: AvailablePatchSummary | undefined = assess && summaryOfAssessment(assess, nowMs);
  if (install?.result && install.endMs !== null && !wasSuperseded(install.result) && (!assess || install.vmSequence > assess.vmSequence)) {
    available = summaryOfImplicitAssessment(install.plan, install.endMs, operations.lookupFor(install.plan));
  }
  const configured = armTimestampUtc(Date.parse(vm.timeCreated));
  return {
    ...(available ? { availablePatchSummary: available } : {}),
    ...(install ? { lastPatchInstallationSummary: summaryOfInstallation(install, nowMs) } : {}),
    configurationStatuses: [
      { code: 'PatchModeConfigurationState/Ready', level: 'Info', displayStatus: 'Status_PatchModeConfigurationState_Ready', time: configured },
      { code: 'AssessmentModeConfigurationState/Ready', level: 'Info', displayStatus: 'Status_AssessmentModeConfigurationState_Ready', time: configured },
    ],
  };
}

const parsed = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));
