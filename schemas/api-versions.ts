// The api-version table (wire contract §1.2, §5.2). One list per ARM resource type the emulator
// serves; a request whose api-version is not in its list is refused as ARM refuses it (§3.2, §3.3).

/** installPatches: 2020-12-01 onwards. */
export const INSTALL_PATCHES_API_VERSIONS = [
  '2020-12-01', '2021-03-01', '2021-04-01', '2021-07-01', '2021-11-01', '2022-03-01', '2022-08-01',
  '2022-11-01', '2023-03-01', '2023-07-01', '2023-09-01', '2024-03-01', '2024-07-01', '2024-11-01',
  '2025-04-01', '2025-11-01', '2026-03-01', '2026-04-01',
] as const;

/** assessPatches appeared one version earlier (R3 recorded it at 2020-06-01). */
export const ASSESS_PATCHES_API_VERSIONS = ['2020-06-01', ...INSTALL_PATCHES_API_VERSIONS] as const;

/** Microsoft.Compute/virtualMachines and its operation-status URLs: every version above. */
export const COMPUTE_API_VERSIONS: readonly string[] = ASSESS_PATCHES_API_VERSIONS;

/** Microsoft.Resources (resource groups): an ARM-native type, refused with InvalidApiVersionParameter. */
export const RESOURCES_API_VERSIONS: readonly string[] = [
  '2019-05-01', '2019-05-10', '2019-07-01', '2019-08-01', '2019-10-01', '2020-06-01', '2020-08-01',
  '2020-10-01', '2021-01-01', '2021-04-01', '2022-09-01', '2023-07-01', '2024-03-01', '2024-07-01',
  '2024-11-01', '2025-03-01', '2025-04-01',
];

/** First api-version that accepts `windowsParameters.patchNameMasksToInclude/Exclude` (§1.3). */
export const PATCH_NAME_MASKS_SINCE = '2025-04-01';
/** The only api-version in which `maximumDuration` is required (§1.3). */
export const MAXIMUM_DURATION_REQUIRED_IN = '2020-12-01';

/** Regions named in NoRegisteredProviderFound messages and accepted for new resources. */
export const SUPPORTED_LOCATIONS: readonly string[] = [
  'eastus', 'eastus2', 'westus', 'westus2', 'westus3', 'centralus', 'northcentralus', 'southcentralus',
  'westcentralus', 'canadacentral', 'brazilsouth', 'northeurope', 'westeurope', 'uksouth', 'ukwest',
  'francecentral', 'germanywestcentral', 'swedencentral', 'switzerlandnorth', 'norwayeast',
  'eastasia', 'southeastasia', 'japaneast', 'japanwest', 'koreacentral', 'centralindia',
  'australiaeast', 'australiasoutheast', 'southafricanorth', 'uaenorth',
];

export type ArmResourceType = 'virtualMachines' | 'resourceGroups';

export function apiVersionsFor(type: ArmResourceType): readonly string[] {
  return type === 'resourceGroups' ? RESOURCES_API_VERSIONS : COMPUTE_API_VERSIONS;
}
