// Fills an emulator data folder with stored operations, quickly: one real installation and one real
// assessment through the emulator's own planner, then `count` finished operation rows written by
// OperationStore (the plans with each row's own id), in one transaction.
//
//   node dist/bench/fill-operations.js <data-dir> <count> <clock-speed> [history]
//
// Plain, for the "poll cost as the data grows" figure: copies of the installation, no results.
// `history`: the seeded Windows VM's own history, as thousands of runs leave it: numbered in turn,
// installations and assessments alternating, each with its stored result.

import { join } from 'node:path';
import { guidFrom } from '../simulator/random.js';
import { parseCompletionMode } from '../simulator/progress.js';
import { openServices } from '../server/services.js';
import { BENCH_BODY, RESOURCE_GROUP, SUBSCRIPTION, WINDOWS_VM } from './requests.js';

const [dataDir, countText, clockSpeedText, mode] = process.argv.slice(2);
const count = Number(countText);
const clockSpeed = Number(clockSpeedText);
if (!dataDir || !(count > 0 && count <= 1_000_000) || !(clockSpeed > 0)) {
  process.stderr.write('usage: fill-operations <data-dir> <count 1..1000000> <clock-speed> [history]\n');
  process.exit(2);
}
const history = mode === 'history';

// The emulator's defaults for the seed, so that the emulator started later on this folder agrees.
const services = openServices({
  databaseFile: join(dataDir, 'emulator.sqlite'),
  seed: 'compute-patch-emulator',
  clockSpeed,
  completion: parseCompletionMode('instant')!,
  operationRetention: 0,
});
const vm = services.resources.getVirtualMachine(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM)!;
const install = services.patchOperations.startInstall(vm, JSON.parse(BENCH_BODY), '2024-07-01');
const installResult = services.patchOperations.pollStatus(SUBSCRIPTION, install.id)!.resultJson;
const assess = services.patchOperations.startAssess(vm, '2024-07-01');
const assessResult = services.patchOperations.pollStatus(SUBSCRIPTION, assess.id)!.resultJson;

// One big transaction through a rollback journal: in WAL mode every page would be written twice.
// The emulator puts the database back in WAL mode when it opens it. The two operations above are
// committed first: outside a request nothing ends their turn's transaction (server/store/write-batch.ts).
services.batch.commit();
services.db.pragma('journal_mode = DELETE');
services.operations.transaction(() => {
  for (let i = history ? 2 : 1; i < count; i++) {
    const id = guidFrom('bench-fill', String(i));
    const template = history && i % 2 === 0 ? assess : install;
    const sequence = history ? 2 + i : template.vmSequence;
    services.operations.insert({ ...template, id, vmSequence: sequence, plan: { ...template.plan, operationId: id } });
    // Stored history: a VM runs one patch operation at a time, the ones before it are over.
    const resultJson = history ? (template === install ? installResult : assessResult) : null;
    services.operations.complete(SUBSCRIPTION, id, 'Succeeded', template.startMs + template.plan.durationMs, resultJson);
  }
  if (history) services.db.prepare('UPDATE virtual_machines SET operation_count = ? WHERE name_key = ?').run(count + 1, WINDOWS_VM.toLowerCase());
});
services.close();
