// GET .../virtualMachines/{vm}/instanceView and `$expand=instanceView`: the VM's run-time state,
// shaped as the REST specification's example shows it
// (https://github.com/Azure/azure-rest-api-specs/blob/main/specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-07-01/examples/virtualMachineExamples/VirtualMachine_Get_InstanceView.json):
// fault and update domains, the guest agent with its extension handlers, the extensions, the disks,
// the patch status, and the provisioning and power states. The newest shape is built here; the
// api-version's is cut from it by server/arm/versioned-shapes.ts. It reads the VM's newest
// installation and assessment through an index, so it costs the same however many operations the
// VM has run.

import type { Catalogue } from '../../simulator/catalogue.js';
import {
  summaryOfAssessment,
  summaryOfImplicitAssessment,
  summaryOfInstallation,
  wasSuperseded,
  type AvailablePatchSummary,
} from '../../simulator/patch-status.js';
import type { AssessPatchesResult, InstallPatchesResult } from '../../simulator/results.js';
import { armTimestamp, armTimestampUtc } from '../../simulator/time-format.js';
import type { PatchOperations } from '../operations/patch-operations.js';
import { readStored } from '../store/database.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';

type LatestPatchOperations = ReturnType<PatchOperations['latestPatchOperations']>;

/** The Azure VM agent version reported by a recent image. */
const VM_AGENT_VERSION = '2.12.0.2';

const POWER_DISPLAY = { running: 'VM running', stopped: 'VM stopped', deallocated: 'VM deallocated' } as const;

/**
 * The extension that runs assessPatches and installPatches, installed on first use
 * (https://learn.microsoft.com/en-us/azure/update-manager/workflow-update-manager), and a version
 * of it recent images report.
 */
const PATCH_EXTENSION = {
  Windows: { name: 'WindowsPatchExtension', type: 'Microsoft.CPlat.Core.WindowsPatchExtension', typeHandlerVersion: '1.5.71' },
  Linux: { name: 'LinuxPatchExtension', type: 'Microsoft.CPlat.Core.LinuxPatchExtension', typeHandlerVersion: '1.6.52' },
} as const;

/** A VM keeps its fault and update domain (of 3 and 5): drawn from its vmId. */
function domainsOf(vm: VirtualMachineRecord) {
  const draw = Number.parseInt(vm.vmId.replace(/-/g, '').slice(0, 8), 16) || 0;
  return { platformUpdateDomain: draw % 5, platformFaultDomain: draw % 3 };
}

export function instanceView(vm: VirtualMachineRecord, catalogue: Catalogue, operations: PatchOperations, nowMs: number) {
  const createdMs = Date.parse(vm.timeCreated);
  const provisioned = { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: armTimestamp(createdMs) };
  const running = vm.powerState === 'running';
  const osDisk = ((vm.definition.properties.storageProfile as { osDisk?: { name?: string } } | undefined)?.osDisk?.name) ?? `${vm.name}_OsDisk_1`;
  const { patch, extension } = patchParts(vm, operations, operations.latestPatchOperations(vm), nowMs);
  return {
    ...domainsOf(vm),
    // The guest agent reports the OS, itself and its extensions only while the VM runs.
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
            extensionHandlers: extension
              ? [{ type: extension.type, typeHandlerVersion: extension.typeHandlerVersion, status: { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Ready' } }]
              : [],
          },
        }
      : {}),
    disks: [{ name: osDisk, statuses: [provisioned] }],
    ...(running && extension ? { extensions: [extension] } : {}),
    hyperVGeneration: 'V2',
    patchStatus: patch,
    statuses: [provisioned, { code: `PowerState/${vm.powerState}`, level: 'Info', displayStatus: POWER_DISPLAY[vm.powerState] }],
  };
}

/**
 * The patch extension's view, once a patch operation has run: its provisioning status and one
 * substatus per summary it reports (as the Linux extension names them: PatchAssessmentSummary,
 * PatchInstallationSummary; github.com/Azure/LinuxPatchExtension src/core/src/bootstrap/Constants.py),
 * each with the summary as its message.
 */
function patchExtension(vm: VirtualMachineRecord, { install, assess }: LatestPatchOperations, patch: ReturnType<typeof patchStatus>, nowMs: number) {
  const latest = [install, assess].filter((op) => op !== undefined).sort((a, b) => b!.vmSequence - a!.vmSequence)[0];
  if (!latest) return undefined;
  const substatus = (name: string, summary: { status: string } | undefined) => {
    if (!summary) return [];
    const state = summary.status === 'InProgress' ? 'transitioning' : summary.status === 'Failed' ? 'error' : summary.status === 'CompletedWithWarnings' ? 'warning' : 'succeeded';
    return [{ code: `ComponentStatus/${name}/${state}`, level: state === 'error' ? 'Error' : state === 'warning' ? 'Warning' : 'Info', displayStatus: 'Provisioning succeeded', message: JSON.stringify(summary) }];
  };
  const running = latest.status === 'InProgress';
  return {
    ...PATCH_EXTENSION[vm.osFamily],
    statuses: [
      running
        ? { code: 'ProvisioningState/transitioning', level: 'Info', displayStatus: 'Transitioning', message: 'Enable in progress', time: armTimestamp(nowMs) }
        : { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', message: 'Enable succeeded', time: armTimestamp(latest.endMs ?? nowMs) },
    ],
    substatuses: [...substatus('PatchAssessmentSummary', patch.availablePatchSummary), ...substatus('PatchInstallationSummary', patch.lastPatchInstallationSummary)],
  };
}

function patchStatus(vm: VirtualMachineRecord, operations: PatchOperations, latest: LatestPatchOperations, nowMs: number) {
  const { install: installOperation, assess: assessOperation } = latest;
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

const parsed = <T>(json: string | null): T | null => (json === null ? null : readStored<T>(json, 'an operation result'));

type PatchParts = { patch: ReturnType<typeof patchStatus>; extension: ReturnType<typeof patchExtension> };

/**
 * The patch part of the view once the VM's latest installation and assessment have their results:
 * it no longer changes with the clock, so it is built once and kept while they stay the latest
 * (instance views of a VM with history cost what those of a VM without do: bench/README.md). Kept
 * by the operations' ids and ends, and used only when their stored results are the same text.
 * Shared between answers, which never change it (shapeFor copies before it renames).
 */
const finishedPatchParts = new Map<string, { results: string; parts: PatchParts }>();
const FINISHED_PATCH_PARTS_LIMIT = 256;

function patchParts(vm: VirtualMachineRecord, operations: PatchOperations, latest: LatestPatchOperations, nowMs: number): PatchParts {
  const build = () => {
    const patch = patchStatus(vm, operations, latest, nowMs);
    return { patch, extension: patchExtension(vm, latest, patch, nowMs) };
  };
  const { install, assess } = latest;
  const settled = (operation: { status: string; resultJson: string | null } | undefined) => operation === undefined || (operation.status !== 'InProgress' && operation.resultJson !== null);
  if ((!install && !assess) || !settled(install) || !settled(assess)) return build();
  const key = [vm.subscriptionId, vm.resourceGroup, vm.name, vm.timeCreated, vm.osFamily, install?.id, install?.endMs, assess?.id, assess?.endMs].join('\u241f');
  const results = `${install?.resultJson ?? ''}\u241f${assess?.resultJson ?? ''}`;
  const kept = finishedPatchParts.get(key);
  if (kept && kept.results === results) return kept.parts;
  const parts = build();
  if (finishedPatchParts.size >= FINISHED_PATCH_PARTS_LIMIT) finishedPatchParts.clear();
  finishedPatchParts.set(key, { results, parts });
  return parts;
}
