// The api-version table. One list per ARM resource type the emulator serves (the stable folders of
// github.com/Azure/azure-rest-api-specs, specification/compute/resource-manager/Microsoft.Compute/);
// a request whose api-version is not in its list is refused as ARM refuses it, except a well-formed
// version newer than a list's newest, which is answered as the newest (see docs/api.md).

/** installPatches: 2020-12-01 onwards. */
export const INSTALL_PATCHES_API_VERSIONS = [
  '2020-12-01', '2021-03-01', '2021-04-01', '2021-07-01', '2021-11-01', '2022-03-01', '2022-08-01',
  '2022-11-01', '2023-03-01', '2023-07-01', '2023-09-01', '2024-03-01', '2024-07-01', '2024-11-01',
  '2025-04-01', '2025-11-01', '2026-03-01', '2026-04-01',
] as const;

/** assessPatches appeared one version earlier (ps-assess-recording recorded it at 2020-06-01). */
export const ASSESS_PATCHES_API_VERSIONS = ['2020-06-01', ...INSTALL_PATCHES_API_VERSIONS] as const;

/**
 * Microsoft.Compute/virtualMachines (get, list, create, update, delete, instance view, power
 * actions) and its operation-status URLs: from 2015-06-15, the first stable Compute API, as ARM
 * still serves it (specification/compute/resource-manager/Microsoft.Compute/stable/2015-06-15/compute.json).
 */
export const COMPUTE_API_VERSIONS: readonly string[] = [
  '2015-06-15', '2016-03-30', '2016-04-30-preview', '2017-03-30', '2017-12-01', '2018-04-01', '2018-06-01',
  '2018-10-01', '2019-03-01', '2019-07-01', '2019-12-01', ...ASSESS_PATCHES_API_VERSIONS,
];

/** Microsoft.Resources (resource groups): an ARM-native type, refused with InvalidApiVersionParameter. */
export const RESOURCES_API_VERSIONS: readonly string[] = [
  '2019-05-01', '2019-05-10', '2019-07-01', '2019-08-01', '2019-10-01', '2020-06-01', '2020-08-01',
  '2020-10-01', '2021-01-01', '2021-04-01', '2022-09-01', '2023-07-01', '2024-03-01', '2024-07-01',
  '2024-11-01', '2025-03-01', '2025-04-01',
];

/** First api-version that accepts `windowsParameters.patchNameMasksToInclude/Exclude` (docs/api.md). */
export const PATCH_NAME_MASKS_SINCE = '2025-04-01';
/**
 * The api-versions whose VirtualMachineInstallPatchesParameters list `maximumDuration` as required:
 * specification/compute/resource-manager/Microsoft.Compute/stable/{2020-12-01,2021-03-01,2021-04-01}/compute.json
 * in github.com/Azure/azure-rest-api-specs; from 2021-07-01 only `rebootSetting` is.
 */
export const MAXIMUM_DURATION_REQUIRED_IN: readonly string[] = ['2020-12-01', '2021-03-01', '2021-04-01'];

/** Regions named in NoRegisteredProviderFound messages and accepted for new resources. */
export const SUPPORTED_LOCATIONS: readonly string[] = [
  'eastus', 'eastus2', 'westus', 'westus2', 'westus3', 'centralus', 'northcentralus', 'southcentralus',
  'westcentralus', 'canadacentral', 'brazilsouth', 'northeurope', 'westeurope', 'uksouth', 'ukwest',
  'francecentral', 'germanywestcentral', 'swedencentral', 'switzerlandnorth', 'norwayeast',
  'eastasia', 'southeastasia', 'japaneast', 'japanwest', 'koreacentral', 'centralindia',
  'australiaeast', 'australiasoutheast', 'southafricanorth', 'uaenorth',
];

/**
 * Microsoft.HybridCompute/machines (get, list, create or update, update, delete) and the Arc
 * operation-result URLs: the version folders of
 * specification/hybridcompute/resource-manager/Microsoft.HybridCompute/ in
 * github.com/Azure/azure-rest-api-specs, and the TypeSpec's newer versions
 * (docs/update-manager-wire-format.md#arc-api-versions).
 */
export const HYBRID_COMPUTE_API_VERSIONS: readonly string[] = [
  '2019-12-12', '2020-07-30-preview', '2020-08-02', '2020-08-15', '2020-08-15-preview', '2021-01-28-preview',
  '2021-03-25-preview', '2021-04-22-preview', '2021-05-17-preview', '2021-05-18', '2021-05-20', '2021-06-10-preview',
  '2021-12-10-preview', '2022-03-10', '2022-05-10-preview', '2022-08-11-preview', '2022-11-10', '2022-12-27',
  '2022-12-27-preview', '2023-03-15-preview', '2023-06-20-preview', '2023-10-03-preview', '2024-03-31-preview',
  '2024-05-20-preview', '2024-07-10', '2024-07-31-preview', '2024-09-10-preview', '2024-11-10-preview', '2025-01-13',
  '2025-02-19-preview', '2025-09-16-preview', '2026-02-12-preview', '2026-06-04-preview', '2026-06-16-preview',
  '2026-07-15',
];

/**
 * Machines_InstallPatches and Machines_AssessPatches: 2020-08-15-preview (what Update Manager's
 * REST page uses and the service answers at), then every version whose specification declares them,
 * from stable 2022-12-27 on. 2022-12-27-preview and 2023-03-15-preview have none; the 2021-2022
 * previews are not verified to, so they are refused (docs/update-manager-wire-format.md#arc-api-versions).
 */
export const HYBRID_COMPUTE_PATCH_API_VERSIONS: readonly string[] = [
  '2020-08-15-preview', '2022-12-27', '2023-06-20-preview', '2023-10-03-preview', '2024-03-31-preview',
  '2024-05-20-preview', '2024-07-10', '2024-07-31-preview', '2024-09-10-preview', '2024-11-10-preview', '2025-01-13',
  '2025-02-19-preview', '2025-09-16-preview', '2026-02-12-preview', '2026-06-04-preview', '2026-06-16-preview',
  '2026-07-15',
];

/**
 * Microsoft.Maintenance (maintenanceConfigurations, configurationAssignments, applyUpdates): the
 * versions specification/maintenance/resource-manager/Microsoft.Maintenance/readme.md lists
 * (docs/update-manager-wire-format.md#maintenance-api-versions), oldest first.
 */
export const MAINTENANCE_API_VERSIONS: readonly string[] = [
  '2018-06-01-preview', '2020-04-01', '2020-07-01-preview', '2021-04-01-preview', '2021-05-01', '2021-09-01-preview',
  '2022-07-01-preview', '2022-11-01-preview', '2023-04-01', '2023-09-01-preview', '2023-10-01-preview',
];
/** The first Maintenance api-version that takes `maintenanceScope: InGuestPatch` (2021-05-01 refuses it, terraform-provider-azurerm#19480). */
export const IN_GUEST_PATCH_SINCE = '2021-09-01-preview';

/** `resources`: Microsoft.ResourceGraph's query (its api-versions are in schemas/resource-graph.ts). */
export type ArmResourceType = 'virtualMachines' | 'resourceGroups' | 'machines' | 'maintenanceConfigurations' | 'configurationAssignments' | 'applyUpdates' | 'resources';

/** What an api-version looks like: a date, with an optional suffix such as `-preview`. */
export const WELL_FORMED_API_VERSION = /^\d{4}-\d{2}-\d{2}(-[a-z]+)?$/i;

export type ApiVersionMatch = { served: string; newer: boolean } | undefined;

/**
 * The version a request is served at: its own when listed; the list's newest for a well-formed one
 * newer than it, unless `strict`; none otherwise (an older or unknown one, which ARM refuses).
 */
export function matchApiVersion(requested: string, versions: readonly string[], strict: boolean): ApiVersionMatch {
  if (versions.includes(requested)) return { served: requested, newer: false };
  const newest = versions[versions.length - 1]!;
  if (strict || !WELL_FORMED_API_VERSION.test(requested) || requested.slice(0, 10) <= newest.slice(0, 10)) return undefined;
  return { served: newest, newer: true };
}

export function apiVersionsFor(type: ArmResourceType): readonly string[] {
  if (type === 'resourceGroups') return RESOURCES_API_VERSIONS;
  if (type === 'machines') return HYBRID_COMPUTE_API_VERSIONS;
  return type === 'virtualMachines' ? COMPUTE_API_VERSIONS : MAINTENANCE_API_VERSIONS;
}
