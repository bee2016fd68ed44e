// Everything behind the HTTP edge, wired once: database, stores, clock, catalogues, simulator services.

import { formatCompletionMode, type CompletionMode } from '../simulator/progress.js';
import { ControlStore } from './store/control-store.js';
import { loadCatalogues, type Catalogues } from './catalogues.js';
import { EmulatorClock } from './clock.js';
import { OperationIds } from './ids.js';
import { PatchOperations, type OverlappingOperations } from './operations/patch-operations.js';
import { PlatformRuns } from './patch-settings/platform-runs.js';
import { MaintenanceService } from './maintenance/service.js';
import { MaintenanceStore } from './maintenance/store.js';
import { applySeed, loadDefaultSeed, type SeedDocument } from './seed.js';
import { importState, isStateDocument, type StateDocument } from './state/state.js';
import { closeDatabase, openDatabase, type Db } from './store/database.js';
import { StoreHealth } from './store/store-health.js';
import { OperationStore } from './store/operation-store.js';
import { WriteBatch } from './store/write-batch.js';
import { ResourceStore } from './store/resource-store.js';
import { SettingsStore } from './store/settings-store.js';
import { SubscriptionStore } from './store/subscription-store.js';
import { ArcMachineStore } from './hybrid-compute/machine-store.js';
import { arcPatchTargets } from './hybrid-compute/patch-targets.js';
import { ResourceGraph } from './resource-graph/service.js';
import { ArcMachineSource, ComputeMachineSource, maintenanceRecordSource } from './resource-graph/sources.js';
import { COMPUTE_API_VERSIONS, HYBRID_COMPUTE_API_VERSIONS } from '../schemas/api-versions.js';
import { guidFrom } from '../simulator/random.js';
import { OverviewStore } from './dashboard/overview-store.js';

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
  /** Subscriptions known besides the seed's (--subscription). */
  subscriptions?: readonly string[];
  /** Finished operations kept per VM; 0 keeps all; default 1000. */
  operationRetention?: number;
  /** Where the patch catalogues are; data/catalogues when absent. */
  catalogueDirectory?: string;
  /** Open a database that fails its integrity checks anyway (health then reports Degraded). */
  allowDamagedDatabase?: boolean;
  wallNow?: () => number;
}

export interface EmulatorServices {
  db: Db;
  resources: ResourceStore;
  /** Arc-enabled servers (server/hybrid-compute/). */
  arcMachines: ArcMachineStore;
  operations: OperationStore;
  /** The dashboard's bounded read-only queries (server/dashboard/overview-store.ts). */
  overview: OverviewStore;
  settings: SettingsStore;
  subscriptions: SubscriptionStore;
  clock: EmulatorClock;
  control: ControlStore;
  catalogues: Catalogues;
  patchOperations: PatchOperations;
  /** The platform's own assessments and installations (server/patch-settings/platform-runs.ts). */
  platformRuns: PlatformRuns;
  /** Scheduled patching (Microsoft.Maintenance): configurations, assignments, the runs of their windows. */
  maintenance: MaintenanceService;
  ids: OperationIds;
  storeHealth: StoreHealth;
  /** Group commit: a request is answered once the writes of its turn are committed (server/store/write-batch.ts). */
  batch: WriteBatch;
  /** Azure Resource Graph over the machines above (server/resource-graph/). */
  resourceGraph: ResourceGraph;
  seed: string;
  /** Folds the write-ahead log in and closes the database; throws when the log could not be folded in. */
  close(): void;
}

export function openServices(options: ServiceOptions): EmulatorServices {
  const storeHealth = new StoreHealth();
  const db = openDatabase(options.databaseFile, options.allowDamagedDatabase ? { onDamage: (problem) => storeHealth.markDamaged(problem) } : {});
  const resources = new ResourceStore(db);
  const arcMachines = new ArcMachineStore(db);
  const batch = new WriteBatch(db);
  const operations = new OperationStore(db, batch);
  const overview = new OverviewStore(db);
  const settings = new SettingsStore(db);
  const clock = new EmulatorClock(settings, options.clockSpeed, options.wallNow);
  const catalogues = loadCatalogues(options.catalogueDirectory);
  const control = new ControlStore(settings, options.seed, formatCompletionMode(options.completion));
  const ids = new OperationIds(settings, options.seed, options.saltIds ?? false);
  const patchOperations = new PatchOperations(resources, operations, clock, catalogues, control, ids, {
    seed: options.seed,
    completion: options.completion,
    overlappingOperations: options.overlappingOperations ?? 'supersede',
    ...(options.operationRetention !== undefined ? { operationRetention: options.operationRetention } : {}),
  });
  patchOperations.registerArcMachines(arcPatchTargets(arcMachines));
  const platformRuns = new PlatformRuns(resources, patchOperations, clock, options.seed, arcMachines);
  patchOperations.addScheduledRuns(platformRuns);
  const maintenance = new MaintenanceService(new MaintenanceStore(db), resources, patchOperations, clock, options.seed, arcMachines);
  patchOperations.addScheduledRuns(maintenance);
  // The seed's subscriptions are known even when a state document laid the database.
  const seedDocument = options.seedDocument && !isStateDocument(options.seedDocument) ? options.seedDocument : loadDefaultSeed();
  const subscriptions = new SubscriptionStore(db, settings, [...seedDocument.subscriptions.map((s) => s.subscriptionId), ...(options.subscriptions ?? [])]);
  // Resource Graph reads the machines through sources (VMs, Arc machines); maintenance runs come from the maintenance service.
  const resourceGraph = new ResourceGraph({
    machineSources: [
      new ComputeMachineSource(resources, operations, patchOperations, COMPUTE_API_VERSIONS[COMPUTE_API_VERSIONS.length - 1]!, () => clock.now()),
      new ArcMachineSource(arcMachines, operations, patchOperations, HYBRID_COMPUTE_API_VERSIONS[HYBRID_COMPUTE_API_VERSIONS.length - 1]!, options.seed, () => clock.now()),
    ],
    maintenanceSources: [maintenanceRecordSource(maintenance)],
    now: () => clock.now(),
    knownSubscriptions: () => subscriptions.list(),
    tenantId: guidFrom(options.seed, 'tenant'),
    seed: options.seed,
  });
  const services = { db, resources, arcMachines, operations, overview, settings, subscriptions, clock, control, catalogues, patchOperations, platformRuns, maintenance, ids, storeHealth, resourceGraph, seed: options.seed, batch, close: () => {
    batch.commit();
    closeDatabase(db);
  } };
  // The seed is laid once, in a new database; after that the database is the truth.
  if (!settings.get<boolean>('seeded')) {
    const document = options.seedDocument ?? loadDefaultSeed();
    db.transaction(() => {
      if (isStateDocument(document)) importState(services, document);
      else applySeed(resources, document, options.seed, clock.now(), {}, arcMachines);
      settings.put('seeded', true);
    })();
  }
  return services;
}
