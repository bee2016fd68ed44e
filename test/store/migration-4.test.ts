// What the first release stored (plans with copies of catalogue entries) still works: a database of
// schema 3 is migrated to compact plans, a state document of version 1 still imports, and either
// way a stored result reads byte for byte as it did, and a running operation finishes.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { buildApp } from '../../server/app.js';
import { openServices, type EmulatorServices } from '../../server/services.js';
import type { CataloguePatch } from '../../simulator/catalogue.js';
import type { InstallPlan } from '../../simulator/plan.js';
import { parseCompletionMode } from '../../simulator/progress.js';
import { entryOf, planLookup } from '../../simulator/results.js';
import { AUTH, get, installUrl, pathOf, post, pollToTerminal, tempDir, WINDOWS_VM } from '../helpers.js';

const BODY = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } };

/** A plan as the first release stored it: every patch with its catalogue entry, no request, no catalogue version. */
function legacyPlan(plan: InstallPlan, services: EmulatorServices) {
  const lookup = planLookup(plan, services.catalogues.lookup(plan.catalogue));
  const { parameters: _parameters, catalogue: _catalogue, patches, ...rest } = plan;
  const legacyEntry = ({ installSeconds, ...entry }: CataloguePatch) => ({ ...entry, installMinutes: installSeconds / 60 });
  return {
    ...rest,
    patches: patches.map(({ patchId, ...p }) => ({
      patch: legacyEntry(entryOf(lookup, patchId)),
      selection: p.state === 'Excluded' || p.state === 'NotSelected' ? p.state : 'Selected',
      ...p,
    })),
  };
}

function open(file: string, completion = 'polls:2') {
  const services = openServices({ databaseFile: file, seed: 'compute-patch-emulator', clockSpeed: 600, completion: parseCompletionMode(completion)! });
  return { services, app: buildApp(services, { retryAfterSeconds: 1 }) };
}

t.test('a schema-3 database with first-release plans is migrated; results read as before and running operations finish', async (t) => {
  const file = join(tempDir(t), 'emulator.sqlite');
  const first = open(file);
  const done = await post(first.app, installUrl(WINDOWS_VM), BODY);
  await pollToTerminal(first.app, done.headers['azure-asyncoperation'] as string);
  const result = (await get(first.app, pathOf(done.headers.location as string))).body;
  const running = await post(first.app, installUrl(WINDOWS_VM), { ...BODY, rebootSetting: 'Never' });
  const runningId = running.headers['x-ms-request-id'] as string;
  const plans = first.services.operations.exportAll().map((op) => [op.id, JSON.stringify(legacyPlan(op.plan as InstallPlan, first.services))]);
  await first.app.close();
  first.services.close();

  // Back to what schema 3 held: legacy plans, no schema-4 indexes, nothing of later migrations (Arc machines).
  const db = new Database(file);
  for (const [id, plan] of plans) db.prepare('UPDATE operations SET plan = ? WHERE id = ?').run(plan, id);
  db.exec('DROP INDEX operations_latest; DROP INDEX operations_by_sequence; DROP TABLE arc_machines;');
  db.pragma('user_version = 3');
  db.close();

  const second = open(file);
  t.teardown(async () => {
    await second.app.close();
    second.services.close();
  });
  const migrated = second.services.operations.get('00000000-0000-0000-0000-000000000000', runningId)!.plan as InstallPlan;
  t.ok(migrated.entries && migrated.entries.length > 0, 'the plan carries the entries it was made with');
  t.ok(migrated.patches.every((p) => !('patch' in p)), 'and patch ids only in its patch list');
  t.equal((await get(second.app, pathOf(done.headers.location as string))).body, result, 'the finished one reads byte for byte as before');
  const { final } = await pollToTerminal(second.app, running.headers['azure-asyncoperation'] as string);
  t.equal(final.status, 'Succeeded', 'the running one finishes');
  const output = (final.properties as { output: { patches: Array<{ name: string }>; status: string } }).output;
  t.ok(output.patches.length > 0 && output.patches.every((p) => p.name.length > 0 && !/^[0-9a-f-]{36}$/.test(p.name)), 'its patches are named');
  t.equal((await get(second.app, `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroupName/providers/Microsoft.Compute/virtualMachines/${WINDOWS_VM}/instanceView?api-version=2024-07-01`)).statusCode, 200);
});

t.test('a version-1 state document (the first release) still imports', async (t) => {
  const source = open(':memory:');
  t.teardown(async () => {
    await source.app.close();
    source.services.close();
  });
  const done = await post(source.app, installUrl(WINDOWS_VM), BODY);
  await pollToTerminal(source.app, done.headers['azure-asyncoperation'] as string);
  const result = (await get(source.app, pathOf(done.headers.location as string))).body;
  const document = (await source.app.inject({ method: 'GET', url: '/_emulator/state', headers: AUTH })).json();
  const v1 = {
    ...document,
    version: 1,
    operations: document.operations.map((op: { plan: InstallPlan }) => ({ ...op, plan: legacyPlan(op.plan, source.services) })),
  };

  const target = open(':memory:');
  t.teardown(async () => {
    await target.app.close();
    target.services.close();
  });
  const imported = await target.app.inject({ method: 'PUT', url: '/_emulator/state', headers: { ...AUTH, 'content-type': 'application/json' }, payload: v1 });
  t.equal(imported.statusCode, 200, imported.body);
  t.equal((await get(target.app, pathOf(done.headers.location as string))).body, result);
  const stored = target.services.operations.exportAll()[0]!.plan as InstallPlan;
  t.same(stored.catalogue, { key: 'windows-server-2022', version: 1 }, 'named by its VM, at the first release version');
  t.ok(stored.entries && stored.entries.every((e) => typeof e.installSeconds === 'number'));
});
