// What the catalogues in data/ hold, and which catalogue a VM image draws its patches from.

export type OsFamily = 'Windows' | 'Linux';
export type RebootBehavior = 'NeverReboots' | 'AlwaysRequiresReboot' | 'CanRequestReboot';

export const WINDOWS_CLASSIFICATIONS = [
  'Critical', 'Security', 'UpdateRollUp', 'FeaturePack', 'ServicePack', 'Definition', 'Tools', 'Updates',
] as const;
export const LINUX_CLASSIFICATIONS = ['Critical', 'Security', 'Other'] as const;

export interface CataloguePatch {
  patchId: string;
  name: string;
  /** Windows only: the KB number without the "KB" prefix, as CRP reports it. */
  kbId?: string;
  /** Linux only. */
  version?: string;
  classifications: string[];
  rebootBehavior: RebootBehavior;
  publishedDate: string;
  msrcSeverity?: string;
  installMinutes: number;
  /** Probability in [0, 1] that an install attempt fails, drawn from the seeded generator. */
  failureRate: number;
}

export interface Catalogue {
  key: string;
  image: string;
  osFamily: OsFamily;
  /** Linux: the distribution name and version the extension puts in patch ids (E1 StatusHandler). */
  distro?: string;
  distroVersion?: string;
  /** What the guest agent reports in the instance view (`osName`, `osVersion`). */
  osName: string;
  osVersion: string;
  patches: CataloguePatch[];
}

/** The catalogue file as stored in data/catalogues (Linux entries carry no patchId). */
export interface CatalogueFile {
  image: string;
  osFamily: OsFamily;
  distro?: string;
  distroVersion?: string;
  osName: string;
  osVersion: string;
  patches: Array<Omit<CataloguePatch, 'patchId'> & { patchId?: string }>;
}

/** Linux patch ids are `name_version_Distro_Version` (wire contract §2.3, E1 StatusHandler). */
export function catalogueFromFile(key: string, file: CatalogueFile): Catalogue {
  const patches = file.patches.map((patch) => ({
    ...patch,
    patchId: patch.patchId ?? `${patch.name}_${patch.version ?? ''}_${file.distro ?? ''}_${file.distroVersion ?? ''}`,
  }));
  return { key, ...file, patches };
}

export interface ImageReference {
  publisher?: string;
  offer?: string;
  sku?: string;
  version?: string;
}

const WINDOWS_DEFAULT = 'windows-server-2022';
const LINUX_DEFAULT = 'ubuntu-22.04';

/**
 * Chooses the catalogue for a marketplace image. Matching is by the usual publisher/offer/sku
 * spellings (e.g. Canonical `0001-com-ubuntu-server-jammy` / `22_04-lts-gen2`,
 * MicrosoftWindowsServer `WindowsServer` / `2022-datacenter-azure-edition`); an image it does not
 * recognise falls back to the default catalogue of its OS family.
 */
export function catalogueKeyForImage(image: ImageReference | undefined, osFamily: OsFamily): string {
  const text = [image?.publisher, image?.offer, image?.sku].filter(Boolean).join('/').toLowerCase();
  if (osFamily === 'Windows') {
    for (const year of ['2016', '2019', '2022', '2025']) {
      if (text.includes(year)) return `windows-server-${year}`;
    }
    return WINDOWS_DEFAULT;
  }
  if (/ubuntu|canonical/.test(text)) {
    if (/20[._-]?04|focal/.test(text)) return 'ubuntu-20.04';
    if (/24[._-]?04|noble/.test(text)) return 'ubuntu-24.04';
    return 'ubuntu-22.04';
  }
  if (/redhat|rhel/.test(text)) return /(^|[^0-9])8([^0-9]|$)|8[._-]\d/.test(image?.sku ?? '') ? 'rhel-8' : 'rhel-9';
  if (/suse|sles/.test(text)) return 'sles-15';
  return LINUX_DEFAULT;
}

/** The OS family an image implies when the request does not state `osDisk.osType`. */
export function osFamilyForImage(image: ImageReference | undefined): OsFamily {
  const text = [image?.publisher, image?.offer, image?.sku].filter(Boolean).join('/').toLowerCase();
  return /windows/.test(text) ? 'Windows' : 'Linux';
}
