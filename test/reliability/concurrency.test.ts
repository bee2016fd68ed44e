// Concurrency (docs/reliability.md): hundreds of parallel POSTs over a real listener, spread over
// many VMs and piled on one, are counted in (202s) and out (stored operations, status polls): none
// lost, none duplicated, no SQLITE_BUSY or other 5xx, and the overlapping-operation rule applied
// consistently: per VM exactly one operation left running, every other one superseded, numbered
// without gaps; with `reject`, exactly one of a burst on one VM is accepted. A second emulator on
// the same data folder is refused at start-up.

import http from 'node:http';
import t from 'tap';
import { listeningEmulator, SPEC_EXAMPLE_BODY, SUBSCRIPTION } from '../helpers.js';
import { request, runCli, ON_FREE_PORTS } from '../process-harness.js';

const SPREAD_VMS = 20;
const POSTS_PER_SPREAD_VM = 15;
const POSTS_ON_HOT_VM = 100;
const REJECT_BURST = 50;
const GROUP = 'load-rg';
const API = 'api-version=2024-07-01';
const WINDOWS_IMAGE = { storageProfile: { imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter' } } };

const groupUrl = (base: string) => `${base}/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}`;
const vmUrl = (base: string, vm: string) => `${groupUrl(base)}/providers/Microsoft.Compute/virtualMachines/${vm}`;

interface StoredOperation {
  id: string;
  kind: string;
  vmName: string;
  vmSequence: number;
  status: string;
  result: { status: string; error: { details: Array<{ code: string }> } } | null;
}

/** Creates the group and its VMs (in parallel); the statuses, the group's first. */
async function createFleet(base: string, names: string[], agent: http.Agent): Promise<number[]> {
  const group = await request(`${groupUrl(base)}?api-version=2021-04-01`, { method: 'PUT', body: { location: 'westus' }, agent });
  const vms = await Promise.all(names.map((name) => request(`${vmUrl(base, name)}?${API}`, { method: 'PUT', body: { location: 'westus', properties: WINDOWS_IMAGE }, agent })));
  return [group.status, ...vms.map((vm) => vm.status)];
}

t.test(`${SPREAD_VMS * POSTS_PER_SPREAD_VM + POSTS_ON_HOT_VM} parallel POSTs: counted in and out, one survivor per VM`, async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'polls:1000']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  t.teardown(() => agent.destroy());
  const base = emulator.httpUrl;
  const spread = Array.from({ length: SPREAD_VMS }, (_, i) => `load-vm-${i}`);
  t.same(await createFleet(base, [...spread, 'hot-vm'], agent), Array(SPREAD_VMS + 2).fill(201), 'group and VMs created in parallel');

  // installPatches and assessPatches interleaved, all in flight at once.
  const targets = [
    ...spread.flatMap((vm) => Array.from({ length: POSTS_PER_SPREAD_VM }, (_, i) => ({ vm, kind: i % 3 === 2 ? 'assessPatches' : 'installPatches' }))),
    ...Array.from({ length: POSTS_ON_HOT_VM }, (_, i) => ({ vm: 'hot-vm', kind: i % 4 === 3 ? 'assessPatches' : 'installPatches' })),
  ];
  const answers = await Promise.all(
    targets.map(({ vm, kind }) => request(`${vmUrl(base, vm)}/${kind}?${API}`, { method: 'POST', agent, ...(kind === 'installPatches' ? { body: SPEC_EXAMPLE_BODY } : {}) })),
  );
  const statuses = new Map<number, number>();
  for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
  t.same([...statuses], [[202, targets.length]], `all ${targets.length} accepted (no 5xx, no SQLITE_BUSY)`);
  const ids = answers.map((a) => String(a.headers['x-ms-request-id']));
  t.equal(new Set(ids).size, targets.length, 'every operation has its own id');

  // The VMs' creates are operations too (still running under polls:1000): only patch operations count here.
  const stored = (JSON.parse((await request(`${base}/_emulator/state`, { agent })).body).operations as StoredOperation[]).filter(
    (op) => [...spread, 'hot-vm'].includes(op.vmName) && (op.kind === 'installPatches' || op.kind === 'assessPatches'),
  );
  t.equal(stored.length, targets.length, 'as many operations stored as accepted: none lost, none duplicated');
  t.same(new Set(stored.map((op) => op.id)), new Set(ids), 'and they are the accepted ones');

  const problems: string[] = [];
  for (const vm of [...spread, 'hot-vm']) {
    const mine = stored.filter((op) => op.vmName === vm).sort((a, b) => a.vmSequence - b.vmSequence);
    const expected = vm === 'hot-vm' ? POSTS_ON_HOT_VM : POSTS_PER_SPREAD_VM;
    if (JSON.stringify(mine.map((op) => op.vmSequence)) !== JSON.stringify(Array.from({ length: expected }, (_, i) => i + 1))) {
      problems.push(`${vm}: operation numbers ${mine.map((op) => op.vmSequence).join(',')}`);
    }
    const runningOnes = mine.filter((op) => op.status === 'InProgress');
    if (runningOnes.length !== 1 || runningOnes[0] !== mine.at(-1)) problems.push(`${vm}: ${runningOnes.length} running, expected the newest alone`);
    const superseded = mine.slice(0, -1).filter((op) => op.result?.status === 'Failed' && op.result.error.details.some((d) => d.code === 'NEWER_OPERATION_SUPERSEDED'));
    if (superseded.length !== expected - 1) problems.push(`${vm}: ${superseded.length} of ${expected - 1} older operations superseded`);
  }
  t.same(problems, [], `${SPREAD_VMS + 1} VMs: numbered 1..n without gaps, the newest running, every older one superseded`);

  // Out again: every accepted operation answers its status URL, in parallel.
  const polls = await Promise.all(
    answers.map((a) => {
      const url = new URL(String(a.headers['azure-asyncoperation']));
      return request(`${base}${url.pathname}${url.search}`, { agent });
    }),
  );
  t.same([...new Set(polls.map((p) => p.status))], [200], 'every status URL answers 200');
  const running = polls.filter((p) => JSON.parse(p.body).status === 'InProgress').length;
  t.equal(running, SPREAD_VMS + 1, 'and exactly one operation per VM is still running');
});

t.test(`reject: of ${REJECT_BURST} parallel POSTs on one VM exactly one is accepted`, async (t) => {
  const emulator = await listeningEmulator(t, ['--completion', 'polls:1000', '--overlapping-operations', 'reject']);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  t.teardown(() => agent.destroy());
  const base = emulator.httpUrl;
  t.same(await createFleet(base, ['busy-vm'], agent), [201, 201]);
  const answers = await Promise.all(
    Array.from({ length: REJECT_BURST }, () => request(`${vmUrl(base, 'busy-vm')}/installPatches?${API}`, { method: 'POST', body: SPEC_EXAMPLE_BODY, agent })),
  );
  t.equal(answers.filter((a) => a.status === 202).length, 1, 'one 202');
  const refused = answers.filter((a) => a.status === 409);
  t.equal(refused.length, REJECT_BURST - 1, 'the rest 409');
  t.ok(refused.every((a) => JSON.parse(a.body).error.code === 'OperationNotAllowed'), 'each an OperationNotAllowed CloudError');
  const stored = (JSON.parse((await request(`${base}/_emulator/state`, { agent })).body).operations as StoredOperation[]).filter((op) => op.vmName === 'busy-vm' && op.kind !== 'createVirtualMachine');
  t.equal(stored.length, 1, 'and one patch operation stored');
});

t.test('a second emulator on the same data folder is refused at start-up; the first carries on', async (t) => {
  const first = await listeningEmulator(t);
  const second = await runCli([...ON_FREE_PORTS, '--data-dir', first.dataDir]);
  t.equal(second.code, 1);
  t.equal(second.stderr.trim().split('\n').length, 1, 'one line');
  t.match(second.stderr, /is in use by another process \(another emulator on the same data folder\?\)/);
  const health = await request(`${first.httpUrl}/_emulator/health`);
  t.equal(JSON.parse(health.body).status, 'Healthy');
});
