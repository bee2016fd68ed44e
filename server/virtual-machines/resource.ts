// Turning an ARM virtual-machine definition into the record the emulator keeps, and the record
// back into the ARM shape a GET returns.

import { catalogueKeyForImage, osFamilyForImage, type ImageReference, type OsFamily } from '../../simulator/catalogue.js';
import { guidFrom } from '../../simulator/random.js';
import { armTimestamp } from '../../simulator/time-format.js';
import { hasRenames, shapeFor, VIRTUAL_MACHINE_SHAPE } from '../arm/versioned-shapes.js';
import type { VirtualMachineRecord } from '../store/resource-store.js';

export interface VmDefinitionInput {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
}

/** ARM accepts display names ("West US") and answers with the normalised one ("westus"). */
export function normaliseLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

export function vmResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

interface StorageProfile {
  imageReference?: ImageReference;
  osDisk?: { osType?: OsFamily; name?: string };
}

export function newVirtualMachine(
  input: VmDefinitionInput,
  seed: string,
  createdAtMs: number,
): Omit<VirtualMachineRecord, 'operationCount' | 'patchState'> {
  const properties = input.properties ?? {};
  const storage = (properties.storageProfile ?? {}) as StorageProfile;
  const osFamily = storage.osDisk?.osType ?? osFamilyForImage(storage.imageReference);
  // Passwords are write-only in ARM: never stored, never returned.
  const osProfile = { ...((properties.osProfile ?? {}) as Record<string, unknown>) };
  delete osProfile.adminPassword;
  return {
    subscriptionId: input.subscriptionId,
    resourceGroup: input.resourceGroup,
    name: input.name,
    location: normaliseLocation(input.location),
    vmId: guidFrom(seed, 'vmId', vmResourceId(input.subscriptionId, input.resourceGroup, input.name).toLowerCase()),
    osFamily,
    catalogueKey: catalogueKeyForImage(storage.imageReference, osFamily),
    powerState: 'running',
    timeCreated: new Date(createdAtMs).toISOString(),
    definition: { ...(input.tags ? { tags: input.tags } : {}), properties: { ...properties, osProfile } },
  };
}

export type ProvisioningState = 'Creating' | 'Updating' | 'Succeeded' | 'Deleting';

/** The NIC a VM is given when its definition names none: `az vm create` names it `{vm}VMNic`. */
export function defaultNetworkInterfaceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkInterfaces/${name}VMNic`;
}

/**
 * The VM as GET .../virtualMachines/{vm} returns it at `apiVersion`: built in the newest shape
 * (what real VMs always carry: a NIC, boot diagnostics, the etag of its revision), then cut to the
 * api-version's model by the table in server/arm/versioned-shapes.ts.
 */
export function virtualMachineResource(
  vm: VirtualMachineRecord,
  subscriptionId: string,
  apiVersion: string,
  provisioningState: ProvisioningState = 'Succeeded',
): Record<string, unknown> {
  const given = vm.definition.properties as Record<string, Record<string, unknown> | undefined>;
  const storage = (given.storageProfile ?? {}) as StorageProfile & Record<string, unknown>;
  const osProfile = given.osProfile ?? {};
  const windows = (osProfile.windowsConfiguration ?? {}) as Record<string, unknown>;
  const linux = (osProfile.linuxConfiguration ?? {}) as Record<string, unknown>;
  const configuration =
    vm.osFamily === 'Windows'
      ? {
          windowsConfiguration: {
            provisionVMAgent: true,
            enableAutomaticUpdates: true,
            ...windows,
            // Without a patchMode, Manual when automatic updates are off (the only mode CRP then accepts).
            patchSettings: { patchMode: windows.enableAutomaticUpdates === false ? 'Manual' : 'AutomaticByOS', assessmentMode: 'ImageDefault', ...(windows.patchSettings as object) },
          },
        }
      : {
          linuxConfiguration: {
            disablePasswordAuthentication: false,
            provisionVMAgent: true,
            ...linux,
            patchSettings: { patchMode: 'ImageDefault', assessmentMode: 'ImageDefault', ...(linux.patchSettings as object) },
          },
        };
  const osDiskName = (storage.osDisk?.name as string | undefined) ?? `${vm.name}_OsDisk_1`;
  const body = {
    name: vm.name,
    id: vmResourceId(subscriptionId, vm.resourceGroup, vm.name),
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    ...(vm.definition.tags ? { tags: vm.definition.tags } : {}),
    etag: `"${vm.definition.revision ?? 1}"`,
    properties: {
      ...given,
      vmId: vm.vmId,
      hardwareProfile: given.hardwareProfile ?? { vmSize: 'Standard_D2s_v3' },
      storageProfile: {
        ...storage,
        osDisk: {
          osType: vm.osFamily,
          name: osDiskName,
          createOption: 'FromImage',
          caching: 'ReadWrite',
          managedDisk: {
            storageAccountType: 'Premium_LRS',
            id: `/subscriptions/${subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/disks/${osDiskName}`,
          },
          deleteOption: 'Detach',
          diskSizeGB: vm.osFamily === 'Windows' ? 127 : 30,
          ...storage.osDisk,
        },
        dataDisks: (storage.dataDisks as unknown[] | undefined) ?? [],
      },
      osProfile: {
        computerName: vm.name,
        adminUsername: 'azureuser',
        ...osProfile,
        ...configuration,
        secrets: [],
        allowExtensionOperations: true,
        requireGuestProvisionSignal: true,
      },
      networkProfile: given.networkProfile ?? {
        networkInterfaces: [{ id: defaultNetworkInterfaceId(subscriptionId, vm.resourceGroup, vm.name), properties: { primary: true, deleteOption: 'Detach' } }],
      },
      // Boot diagnostics on, with the managed storage account (no storageUri), as the portal and az create VMs.
      diagnosticsProfile: given.diagnosticsProfile ?? { bootDiagnostics: { enabled: true } },
      provisioningState,
      timeCreated: armTimestamp(Date.parse(vm.timeCreated)),
    },
  };
  // shapeFor copies the body: only a version that differs from the newest shape needs that.
  return hasRenames(apiVersion, VIRTUAL_MACHINE_SHAPE) ? shapeFor(body, apiVersion, VIRTUAL_MACHINE_SHAPE) : body;
}
