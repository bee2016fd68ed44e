// Fills an emulator data folder with stored operations, quickly, for the "poll cost as the data
// grows" figure: one real plan from the emulator's own planner, then `count` operation rows written
// by OperationStore (the plan with each row's own id), finished, in one transaction.
//
//   node dist/bench/fill-operations.js <data-dir> <count> <clock-speed>

import { join } from 'node:path';
import { guidFrom } from '../simulator/random.js';
import { parseCompletionMode } from '../simulator/progress.js';
import { openServices } from '../server/services.js';
import { BENCH_BODY, RESOURCE_GROUP, SUBSCRIPTION, WINDOWS_VM } from './requests.js';

const [dataDir, countText, clockSpeedText] = process.argv.slice(2);
const count = Number(countText);
const clockSpeed = Number(clockSpeedText);
if (!dataDir || !(count > 0 && count <= 1_000_000) || !(clockSpeed > 0)) {
  process.stderr.write('usage: fill-operations <data-dir> <count 1..1000000> <clock-speed>\n');
  process.exit(2);
}

// The emulator's defaults for the seed, so that the emulator started later on this folder agrees.
const services = openServices({
  databaseFile: join(dataDir, 'emulator.sqlite'),
  seed: 'compute-patch-emulator',
  clockSpeed,
  completion: parseCompletionMode('time')!,
});
const vm = services.resources.getVirtualMachine(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM)!;
const template = services.patchOperations.startInstall(vm, JSON.parse(BENCH_BODY), '2024-07-01');

// One big transaction through a rollback journal: in WAL mode every page would be written twice.
// The emulator puts the database back in WAL mode when it opens it.
services.db.pragma('journal_mode = DELETE');
services.operations.transaction(() => {
  for (let i = 1; i < count; i++) {
    const id = guidFrom('bench-fill', String(i));
    services.operations.insert({ ...template, id, plan: { ...template.plan, operationId: id } });
    // Stored history: a VM runs one patch operation at a time, the ones before it are over.
    services.operations.complete(SUBSCRIPTION, id, 'Succeeded', template.startMs + template.plan.durationMs, null);
  }
});
services.close();
