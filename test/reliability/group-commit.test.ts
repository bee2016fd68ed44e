// Group commit (server/store/write-batch.ts): the writes of one turn of the event loop share a
// commit, and no request is answered before the commit that holds its writes. Over real HTTP, with
// many requests at once: what was answered 202 is stored, and a commit that fails fails its requests.

import type { AddressInfo } from 'node:net';
import t from 'tap';
import { AUTH, installUrl, post, SPEC_EXAMPLE_BODY, testEmulator, WINDOWS_VM, LINUX_VM } from '../helpers.js';

const LINUX_BODY = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', linuxParameters: { classificationsToInclude: ['Critical', 'Security'] } };

t.test('operations started in one turn share one commit, and each is answered after it', async (t) => {
  const { services } = testEmulator(t, { completion: 'polls:3' });
  let commits = 0;
  const commit = services.batch.commit.bind(services.batch);
  services.batch.commit = () => {
    if (services.batch.open) commits++;
    commit();
  };
  const windows = services.resources.getVirtualMachine('00000000-0000-0000-0000-000000000000', 'myResourceGroupName', WINDOWS_VM)!;
  const linux = services.resources.getVirtualMachine('00000000-0000-0000-0000-000000000000', 'myResourceGroupName', LINUX_VM)!;
  services.patchOperations.startAssess(windows, '2024-07-01');
  services.patchOperations.startAssess(linux, '2024-07-01');
  t.ok(services.batch.open, 'both wait in the open transaction');
  t.ok(services.db.inTransaction);
  const done = services.batch.committed();
  // Microtasks and nextTick callbacks run before the turn ends: the transaction is still open after them.
  await new Promise((resolve) => process.nextTick(resolve));
  t.ok(services.batch.open && services.db.inTransaction, 'not committed before the turn ends');
  await done;
  t.equal(commits, 1, 'one commit for both');
  t.notOk(services.db.inTransaction, 'committed');
  t.equal(services.operations.exportAll().filter((o) => o.kind === 'assessPatches').length, 2);
});

t.test('a commit that fails fails the request that wrote: 500, nothing stored, health Degraded', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'polls:3' });
  const before = services.operations.exportAll().length;
  // The disk refuses the commit itself (the writes before it succeeded).
  const exec = services.db.exec.bind(services.db);
  let refused = 0;
  services.db.exec = (sql: string) => {
    if (sql === 'COMMIT' && refused === 0) {
      refused++;
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    }
    return exec(sql);
  };
  const answer = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  t.equal(refused, 1, 'the commit was refused');
  t.equal(answer.statusCode, 500, 'not a 202: the answer waited for the commit');
  t.match(answer.json().error.message, /could not write to its database: disk I\/O error/);
  t.equal(services.operations.exportAll().length, before, 'nothing of it is stored');
  const health = await app.inject({ method: 'GET', url: '/_emulator/health' });
  t.equal(health.statusCode, 503);
  t.equal((await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY)).statusCode, 202, 'the next one commits');
  t.equal(services.operations.exportAll().length, before + 1);
});

t.test('many requests at once over HTTP, the disk filling up: every 202 is stored, every other answer is a 500', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'polls:3' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // SQLite's page limit stands in for the disk: room for the first rounds, then the writes that
  // need a new page fail, and SQLite may end the whole turn's transaction with them.
  services.db.pragma(`max_page_count = ${(services.db.pragma('page_count', { simple: true }) as number) + 20}`);
  const accepted: string[] = [];
  const statuses = new Set<number>();
  for (let round = 0; round < 8; round++) {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        fetch(`${origin}${installUrl(i % 2 === 0 ? WINDOWS_VM : LINUX_VM)}`, {
          method: 'POST',
          headers: { ...AUTH, 'content-type': 'application/json' },
          body: JSON.stringify(i % 2 === 0 ? SPEC_EXAMPLE_BODY : LINUX_BODY),
        }),
      ),
    );
    for (const answer of answers) {
      statuses.add(answer.status);
      if (answer.status === 202) accepted.push(answer.headers.get('x-ms-request-id')!);
      await answer.arrayBuffer();
    }
  }
  t.ok(statuses.has(202) && statuses.has(500), `some were stored and some refused (${[...statuses].join(', ')})`);
  t.same([...statuses].filter((s) => s !== 202 && s !== 500), [], 'no other answer');
  const stored = new Set(services.operations.exportAll().map((o) => o.id));
  t.same(accepted.filter((id) => !stored.has(id)), [], 'every operation answered 202 is stored');
});
