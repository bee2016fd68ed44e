// Loads the patch catalogues shipped in data/catalogues once, at start-up.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catalogueFromFile, type Catalogue, type CatalogueFile } from '../simulator/catalogue.js';

/** data/ beside server/, both from the sources and from dist/ (which mirrors the tree). */
export function dataDirectory(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const fromDist = /[\\/]dist[\\/]server[\\/]?$/.test(here);
  return fileURLToPath(new URL(fromDist ? '../../data/' : '../data/', import.meta.url));
}

export type Catalogues = ReadonlyMap<string, Catalogue>;

export function loadCatalogues(directory = `${dataDirectory()}catalogues`): Catalogues {
  const catalogues = new Map<string, Catalogue>();
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
    const key = file.replace(/\.json$/, '');
    catalogues.set(key, catalogueFromFile(key, JSON.parse(readFileSync(`${directory}/${file}`, 'utf8')) as CatalogueFile));
  }
  return catalogues;
}
