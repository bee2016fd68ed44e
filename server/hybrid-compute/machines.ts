// Turning an Arc machine's PUT body into the record the emulator keeps, and the record back into
// the resource a GET returns (docs/update-manager-wire-format.md#the-machine-resource,
// docs/update-manager-wire-format.md#a-realistic-arc-get).

import { catalogueKeyForImage, type OsFamily } from '../../simulator/catalogue.js';
import { guidFrom } from '../../simulator/random.js';
import { normaliseLocation } from '../virtual-machines/resource.js';
import type { ArcMachineRecord } from './machine-store.js';

export const ARC_MACHINE_TYPE = 'Microsoft.HybridCompute/machines';

/**
 * The key an Arc machine's operations are stored under (the operations table's VM column): the
 * resource type before the name. A VM's name cannot hold a `/`, so no VM's operations can ever be
 * taken for a machine's, and the VM queries need no extra condition.
 */
export const ARC_OPERATION_PREFIX = `${ARC_MACHINE_TYPE}/`;
const PREFIX_KEY = ARC_OPERATION_PREFIX.toLowerCase();

export const arcOperationKey = (machineName: string) => `${ARC_OPERATION_PREFIX}${machineName}`;
export const isArcOperationKey = (vmName: string) => vmName.length > PREFIX_KEY.length && vmName.slice(0, PREFIX_KEY.length).toLowerCase() === PREFIX_KEY;
/** The machine's name in an operation key. */
export const machineNameOfKey = (key: string) => key.slice(PREFIX_KEY.length);

export function arcMachineResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${ARC_MACHINE_TYPE}/${name}`;
}

/** The machine name pattern of the specification (Machine.tsp): letters, digits, `-`, `_`, `.`, up to 54. */
export const MACHINE_NAME = /^[a-zA-Z0-9-_.]{1,54}$/;

/** The Connected Machine agent's version real machines report (arc-recording). */
export const AGENT_VERSION = '1.49.02952.2030';

/** What the agent reports of the OS, by catalogue: real Windows builds; Linux reports the kernel (the emulator's choice). */
const OS_DETAIL: Record<string, { osSku: string; osVersion: string; osEdition?: string }> = {
  'windows-server-2016': { osSku: 'Windows Server 2016 Datacenter', osVersion: '10.0.14393.7428', osEdition: 'serverdatacenter' },
  'windows-server-2019': { osSku: 'Windows Server 2019 Datacenter', osVersion: '10.0.17763.6414', osEdition: 'serverdatacenter' },
  'windows-server-2022': { osSku: 'Windows Server 2022 Datacenter', osVersion: '10.0.20348.2700', osEdition: 'serverdatacenter' },
  'windows-server-2025': { osSku: 'Windows Server 2025 Datacenter', osVersion: '10.0.26100.2033', osEdition: 'serverdatacenter' },
  'ubuntu-20.04': { osSku: 'Ubuntu 20.04.6 LTS', osVersion: '5.15.0-1057-azure' },
  'ubuntu-22.04': { osSku: 'Ubuntu 22.04.4 LTS', osVersion: '6.5.0-1021-azure' },
  'ubuntu-24.04': { osSku: 'Ubuntu 24.04.1 LTS', osVersion: '6.8.0-1015-azure' },
  'rhel-8': { osSku: 'Red Hat Enterprise Linux 8.10', osVersion: '4.18.0-553.el8_10.x86_64' },
  'rhel-9': { osSku: 'Red Hat Enterprise Linux 9.4', osVersion: '5.14.0-427.13.1.el9_4.x86_64' },
  'sles-15': { osSku: 'SUSE Linux Enterprise Server 15 SP6', osVersion: '6.4.0-150600.23.17-default' },
};

export interface MachineInput {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  properties?: Record<string, unknown>;
}

/** The OS a PUT names (`osType`, else `osName`, case-insensitive); Windows when it names none. */
function osFamilyOf(properties: Record<string, unknown>): OsFamily {
  const named = String(properties.osType ?? properties.osName ?? '').toLowerCase();
  return named === 'linux' ? 'Linux' : 'Windows';
}

export function newArcMachine(input: MachineInput, seed: string, createdAtMs: number): Omit<ArcMachineRecord, 'operationCount' | 'patchState'> {
  const properties = input.properties ?? {};
  const osFamily = osFamilyOf(properties);
  const osSku = typeof properties.osSku === 'string' ? properties.osSku : '';
  const created = new Date(createdAtMs).toISOString();
  return {
    subscriptionId: input.subscriptionId,
    resourceGroup: input.resourceGroup,
    name: input.name,
    location: normaliseLocation(input.location),
    vmId: guidFrom(seed, 'arcVmId', arcMachineResourceId(input.subscriptionId, input.resourceGroup, input.name).toLowerCase()),
    osFamily,
    catalogueKey: catalogueKeyForImage({ offer: osSku, sku: osSku }, osFamily),
    status: 'Connected',
    lastStatusChange: created,
    timeCreated: created,
    definition: { ...(input.tags ? { tags: input.tags } : {}), properties },
  };
}

/** "2025-03-11T23:13:04.3842126Z", as the recorded machine writes `lastStatusChange`. */
function sevenDigits(iso: string): string {
  return `${iso.slice(0, 23)}0000Z`;
}

/**
 * The machine as GET returns it: what the agent reports (OS, agent version, status), the
 * `osProfile` with the patch settings given (only `computerName` when none were), and the
 * system-assigned identity every machine has.
 */
export function arcMachineResource(machine: ArcMachineRecord, apiVersion: string, seed: string, provisioningState = 'Succeeded'): Record<string, unknown> {
  const given = machine.definition.properties;
  const detail = OS_DETAIL[machine.catalogueKey] ?? { osSku: machine.osFamily, osVersion: '' };
  const givenProfile = (given.osProfile ?? {}) as Record<string, unknown>;
  const configurationKey = machine.osFamily === 'Windows' ? 'windowsConfiguration' : 'linuxConfiguration';
  const configuration = givenProfile[configurationKey];
  const osProfile: Record<string, unknown> = {
    computerName: machine.name,
    ...(configuration !== undefined && apiVersion.slice(0, 10) >= PATCH_SETTINGS_SINCE ? { [configurationKey]: configuration } : {}),
  };
  const id = arcMachineResourceId(machine.subscriptionId, machine.resourceGroup, machine.name);
  return {
    id,
    name: machine.name,
    location: machine.location,
    ...(machine.definition.tags ? { tags: machine.definition.tags } : {}),
    identity: { type: 'SystemAssigned', principalId: guidFrom(seed, 'arcPrincipal', id.toLowerCase()), tenantId: guidFrom(seed, 'tenant') },
    type: ARC_MACHINE_TYPE,
    properties: {
      provisioningState,
      agentVersion: AGENT_VERSION,
      status: machine.status,
      lastStatusChange: sevenDigits(machine.lastStatusChange),
      errorDetails: [],
      displayName: machine.name,
      machineFqdn: machine.name,
      osName: machine.osFamily.toLowerCase(),
      osVersion: detail.osVersion,
      osType: machine.osFamily.toLowerCase(),
      osProfile,
      vmId: machine.vmId,
      osSku: detail.osSku,
      ...(detail.osEdition ? { osEdition: detail.osEdition } : {}),
      domainName: 'WORKGROUP',
      cloudMetadata: { provider: 'N/A' },
      agentUpgrade: { enableAutomaticUpgrade: false },
    },
    resources: [],
  };
}

/**
 * `osProfile.windowsConfiguration` / `linuxConfiguration` (the patch settings) are not in the
 * 2021-05-20 model (@azure/arm-hybridcompute 3.0.0's OSProfile has `computerName` only); they are
 * served from 2022-03-10, the first stable after it (the emulator's reading: the exact preview
 * that added them is not verified).
 */
export const PATCH_SETTINGS_SINCE = '2022-03-10';

/** The patch settings the machine was given for its OS, or the defaults a machine reports without any. */
export function patchSettingsOf(machine: ArcMachineRecord): { assessmentMode: string; patchMode: string; given: boolean } & Record<string, unknown> {
  const profile = (machine.definition.properties.osProfile ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const configuration = profile[machine.osFamily === 'Windows' ? 'windowsConfiguration' : 'linuxConfiguration'];
  const settings = (configuration?.patchSettings ?? undefined) as Record<string, unknown> | undefined;
  return { assessmentMode: 'ImageDefault', patchMode: 'ImageDefault', ...(settings ?? {}), given: settings !== undefined };
}
