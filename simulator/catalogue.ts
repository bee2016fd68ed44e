// What the catalogues in data/ hold, and which catalogue a VM image draws its patches from. The
// rules that turn a catalogue into a VM's inventory (image date, supersedence) are in inventory.ts
// and docs/simulation.md.

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
  /**
   * Updates of one chain supersede the earlier ones, as Windows Update's do: a cumulative update
   * the cumulative updates before it, likewise servicing stack, .NET, MSRT and Defender updates.
   * On Linux every package is its own chain (a newer version replaces the older one).
   */
  chain?: string;
  /** Share in [0, 1] of the image's VMs the entry applies to (a product not every VM has); 1 when absent. */
  presence?: number;
  /** false: published before the image was built, yet not in it (it fails on the image, as KB5034439 does). */
  inImage?: boolean;
  /** Simulated install time before a seeded jitter of 0.8-1.2 (docs/simulation.md says where the numbers come from). */
  installSeconds: number;
  /** Probability in [0, 1] that an install attempt fails, drawn from the seeded generator. */
  failureRate: number;
}

const publishedMsOf = new WeakMap<CataloguePatch, number>();

/** The entry's publication time, parsed once per entry: every plan compares it for every entry. */
export function publishedMs(patch: CataloguePatch): number {
  let ms = publishedMsOf.get(patch);
  if (ms === undefined) {
    ms = Date.parse(patch.publishedDate);
    publishedMsOf.set(patch, ms);
  }
  return ms;
}

/** Names one version of one catalogue: what a stored operation was planned against. */
export interface CatalogueRef {
  key: string;
  version: number;
}

/** A patch's catalogue entry by id: how plans, which keep ids only, reach names and classifications. */
export type PatchLookup = (patchId: string) => CataloguePatch | undefined;

export interface Catalogue {
  key: string;
  /** Entries never change within a version; a changed catalogue is a new version (server/catalogues.ts keeps the old ones). */
  version: number;
  image: string;
  osFamily: OsFamily;
  /** Linux: the distribution name and version the extension puts in patch ids (the extension's StatusHandler). */
  distro?: string;
  distroVersion?: string;
  /** What the guest agent reports in the instance view (`osName`, `osVersion`). */
  osName: string;
  osVersion: string;
  /** The VM image is built from everything published up to this date (but `inImage: false` entries). */
  imageDate: string;
  imageMs: number;
  patches: CataloguePatch[];
  byId: ReadonlyMap<string, CataloguePatch>;
}

/** The catalogue file as stored in data/catalogues (Linux entries carry no patchId). */
export interface CatalogueFile {
  version: number;
  image: string;
  osFamily: OsFamily;
  distro?: string;
  distroVersion?: string;
  osName: string;
  osVersion: string;
  imageDate: string;
  patches: Array<Omit<CataloguePatch, 'patchId'> & { patchId?: string }>;
}

/**
 * Linux patch ids are `name_version_Distro_Version`, as the Linux patch extension builds them
 * (https://github.com/Azure/LinuxPatchExtension, src/core/src/service_interfaces/StatusHandler.py),
 * and a Linux package is its own chain.
 */
export function catalogueFromFile(key: string, file: CatalogueFile): Catalogue {
  const patches: CataloguePatch[] = file.patches.map((patch) => {
    const chain = patch.chain ?? (file.osFamily === 'Linux' ? patch.name : undefined);
    return {
      ...patch,
      patchId: patch.patchId ?? `${patch.name}_${patch.version ?? ''}_${file.distro ?? ''}_${file.distroVersion ?? ''}`,
      ...(chain !== undefined ? { chain } : {}),
    };
  });
  return { key, ...file, imageMs: Date.parse(file.imageDate), patches, byId: new Map(patches.map((patch) => [patch.patchId, patch])) };
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
