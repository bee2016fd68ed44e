// Everything behind the HTTP edge, wired once: database, stores, clock, catalogues, simulator services.

import { formatCompletionMode, type CompletionMode } from '../simulator/progress.js';
import { ControlStore } from './admin/control-store.js';
import { loadCatalogues, type Catalogues } from './catalogues.js';
import { EmulatorClock } from './clock.js';
import { OperationIds } from './ids.js';
import { PatchOperations, type OverlappingOperations } from './patch-operations.js';
import { applySeed, loadDefaultSeed, type SeedDocument } from './seed.js';
import { importState, isStateDocument, type StateDocument } from './admin/state.js';
import { openDatabase, type Db } from './store/database.js';
import { OperationStore } from './store/operation-store.js';
import { ResourceStore } from './store/resource-store.js';
import { SettingsStore } from './store/settings-store.js';

export interface ServiceOptions {
  /** A file path, or ':memory:'. */
  databaseFile: string;
  seed: string;
  /**
   * Mix a secret salt into operation ids and polling tokens (server/ids.ts): what the CLI does
   * unless --seed is given. Off by default here, where the tests want the seed's ids.
   */
  saltIds?: boolean;
  clockSpeed: number;
  completion: CompletionMode;
  /** What a new database starts with: a seed document, or a state document from GET /_emulator/state. */
  seedDocument?: SeedDocument | StateDocument;
  /** What a second patch operation on a busy VM does; default `supersede`. */
  overlappingOperations?: OverlappingOperations;
  wallNow?: () => number;
}

export interface EmulatorServices {
  db: Db;
  resources: ResourceStore;
  operations: OperationStore;
  settings: SettingsStore;
  clock: EmulatorClock;
  control: ControlStore;
  catalogues: Catalogues;
  patchOperations: PatchOperations;
  ids: OperationIds;
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
  const control = new ControlStore(settings, options.seed, formatCompletionMode(options.completion));
  const ids = new OperationIds(settings, options.seed, options.saltIds ?? false);
  const patchOperations = new PatchOperations(resources, operations, clock, catalogues, control, ids, {
    seed: options.seed,
    completion: options.completion,
    overlappingOperations: options.overlappingOperations ?? 'supersede',
  });
  const services = { db, resources, operations, settings, clock, control, catalogues, patchOperations, ids, seed: options.seed, close: () => db.close() };
  // The seed is laid once, in a new database; after that the database is the truth.
  if (!settings.get<boolean>('seeded')) {
    const document = options.seedDocument ?? loadDefaultSeed();
    db.transaction(() => {
      if (isStateDocument(document)) importState(services, document);
      else applySeed(resources, document, options.seed, clock.now());
      settings.put('seeded', true);
    })();
  }
  return services;
}
