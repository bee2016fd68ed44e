// Loads the patch catalogues shipped in data/catalogues once, at start-up: the current version of
// each (data/catalogues/<key>.json) and the versions kept from before
// (data/catalogues/versions/<key>@<version>.json). A stored plan names the catalogue version it was
// made against, so a changed catalogue never changes what an operation planned before it reports.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogueFromFile, type Catalogue, type CatalogueFile, type CatalogueRef, type PatchLookup } from '../simulator/catalogue.js';

/** data/ beside server/, both from the sources and from dist/ (which mirrors the tree). */
export function dataDirectory(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = /[\\/]dist[\\/]server[\\/]?$/.test(here);
  return fileURLToPath(new URL(fromDist ? '../../data/' : '../data/', import.meta.url));
}

const versionKey = (ref: CatalogueRef) => `${ref.key}@${ref.version}`;

export class Catalogues {
  private readonly current = new Map<string, Catalogue>();
  private readonly versions = new Map<string, Catalogue>();

  constructor(catalogues: Iterable<Catalogue>) {
    for (const catalogue of catalogues) {
      const newest = this.current.get(catalogue.key);
      if (!newest || catalogue.version > newest.version) this.current.set(catalogue.key, catalogue);
      this.versions.set(versionKey(catalogue), catalogue);
    }
  }

  /** The current version of a catalogue. */
  get(key: string): Catalogue | undefined {
    return this.current.get(key);
  }

  has(key: string): boolean {
    return this.current.has(key);
  }

  /** The keys of the catalogues this build has. */
  keys(): IterableIterator<string> {
    return this.current.keys();
  }

  /**
   * Entries by id for a plan made against `ref`: that version's entry, else (a version this build
   * does not have) the current version's entry of the same id.
   */
  lookup(ref: CatalogueRef | undefined): PatchLookup {
    const planned = ref ? this.versions.get(versionKey(ref)) : undefined;
    const current = ref ? this.current.get(ref.key) : undefined;
    return (patchId) => planned?.byId.get(patchId) ?? current?.byId.get(patchId);
  }
}

function readCatalogue(file: string, key: string): Catalogue {
  return catalogueFromFile(key, JSON.parse(readFileSync(file, 'utf8')) as CatalogueFile);
}

export function loadCatalogues(directory = `${dataDirectory()}catalogues`): Catalogues {
  const loaded: Catalogue[] = [];
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
    loaded.push(readCatalogue(`${directory}/${file}`, file.replace(/\.json$/, '')));
  }
  const kept = `${directory}/versions`;
  if (existsSync(kept)) {
    for (const file of readdirSync(kept).filter((name) => /^[^@]+@\d+\.json$/.test(name)).sort()) {
      const catalogue = readCatalogue(`${kept}/${file}`, file.replace(/@\d+\.json$/, ''));
      if (`${catalogue.key}@${catalogue.version}.json` !== file) throw new Error(`${kept}/${file} holds version ${catalogue.version}`);
      loaded.push(catalogue);
    }
  }
  return new Catalogues(loaded);
}
