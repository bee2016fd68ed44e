// Everything behind the HTTP edge, wired once: database, stores, clock, catalogues, simulator services.

import type { CompletionMode } from '../simulator/progress.js';
import { loadCatalogues, type Catalogues } from './catalogues.js';
import { EmulatorClock } from './clock.js';
import { PatchOperations, type OverlappingOperations } from './patch-operations.js';
import { applySeed, loadDefaultSeed, type SeedDocument } from './seed.js';
import { openDatabase, type Db } from './store/database.js';
import { OperationStore } from './store/operation-store.js';
import { ResourceStore } from './store/resource-store.js';
import { SettingsStore } from './store/settings-store.js';

export interface ServiceOptions {
  /** A file path, or ':memory:'. */
  databaseFile: string;
  seed: string;
  clockSpeed: number;
  completion: CompletionMode;
  /** What a second patch operation on a busy VM does; default `supersede`. */
  overlappingOperations?: OverlappingOperations;
  seedDocument?: SeedDocument;
  wallNow?: () => number;
}

export interface EmulatorServices {
  db: Db;
  resources: ResourceStore;
  operations: OperationStore;
  settings: SettingsStore;
  clock: EmulatorClock;
  catalogues: Catalogues;
  patchOperations: PatchOperations;
  seed: string;
  close(): void;
}

export function openServices(options: ServiceOptions): EmulatorServices {
  const db = openDatabase(options.databaseFile);
  const resources = new ResourceStore(db);
  const operations = new OperationStore(db);
  const settings = new SettingsStore(db);
  const clock = new EmulatorClock(settings, options.clockSpeed, options.wallNow);
  const catalogues = loadCatalogues();
  // The seed is laid once, in a new database; after that the database is the truth.
  if (!settings.get<boolean>('seeded')) {
    db.transaction(() => {
      applySeed(resources, options.seedDocument ?? loadDefaultSeed(), options.seed, clock.now());
      settings.put('seeded', true);
    })();
  }
  const patchOperations = new PatchOperations(resources, operations, clock, catalogues, {
    seed: options.seed,
    completion: options.completion,
    overlappingOperations: options.overlappingOperations ?? 'supersede',
  });
  return { db, resources, operations, settings, clock, catalogues, patchOperations, seed: options.seed, close: () => db.close() };
}
