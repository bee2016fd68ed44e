// Durability (docs/reliability.md): the emulator, as a spawned process, takes a stream of installs
// from concurrent clients and is killed with SIGKILL at seeded random points, then restarted on the
// same data folder. Every operation answered 202 is still there after each restart, with the same
// id and startTime; one that had finished answers exactly as before (endTime included); the others
// finish with the result their stored plan says; VMs created before a kill are intact; and SQLite's
// integrity check passes after every kill.

import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { installResult } from '../../simulator/results.js';
import type { InstallPlan } from '../../simulator/plan.js';
import { unitDraw } from '../../simulator/random.js';
import { SPEC_EXAMPLE_BODY, SUBSCRIPTION, tempDir } from '../helpers.js';
import { request, startCli, stop, type SpawnedEmulator, ON_FREE_PORTS } from '../process-harness.js';
import { loadCatalogues } from '../../server/catalogues.js';

const catalogues = loadCatalogues();

const CYCLES = 20;
/** The loop stops early once this much time has gone (it never waits on a timer). */
const TIME_LIMIT_MS = 60_000;
const CLIENTS = 4;
const MAX_ACCEPTED_BEFORE_KILL = 12;
const GROUP = 'crash-rg';
const API = 'api-version=2024-07-01';
const WINDOWS_IMAGE = { storageProfile: { imageReference: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter' } } };

const groupUrl = (base: string) => `${base}/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}`;
const vmUrl = (base: string, vm: string) => `${groupUrl(base)}/providers/Microsoft.Compute/virtualMachines/${vm}`;

interface Accepted {
  id: string;
  /** Path and query of the Azure-AsyncOperation URL (the port changes with each start). */
  statusPath: string;
  startTime?: string;
  /** The terminal status body, once a client saw it. */
  terminal?: string;
}

function integrityCheck(file: string): string {
  const db = new Database(file);
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

t.test(`SIGKILL during a stream of installs, up to ${CYCLES} times: nothing accepted is lost`, async (t) => {
  const dataDir = tempDir(t);
  const args = ['--data-dir', dataDir, '--completion', 'polls:2'];
  let emulator: SpawnedEmulator = await startCli([...ON_FREE_PORTS, ...args]);
  t.teardown(() => stop(emulator, 'SIGKILL'));
  const started = Date.now();

  t.equal((await request(`${groupUrl(emulator.httpUrl)}?api-version=2021-04-01`, { method: 'PUT', body: { location: 'westus' } })).status, 201);
  const clientVms = Array.from({ length: CLIENTS }, (_, i) => `crash-vm-${i}`);
  const createdVms = new Map<string, string>(); // name -> its GET body right after creation
  const createVm = async (name: string) => {
    const created = await request(`${vmUrl(emulator.httpUrl, name)}?${API}`, { method: 'PUT', body: { location: 'westus', properties: WINDOWS_IMAGE } });
    t.equal(created.status, 201, `VM ${name} created`);
    createdVms.set(name, (await request(`${vmUrl(emulator.httpUrl, name)}?${API}`)).body);
  };
  for (const name of clientVms) await createVm(name);

  const accepted = new Map<string, Accepted>();
  const poll = async (op: Accepted) => {
    const answer = await request(`${emulator.httpUrl}${op.statusPath}`);
    if (answer.status !== 200) throw new Error(`poll of ${op.id} answered ${answer.status}: ${answer.body}`);
    const body = JSON.parse(answer.body) as { status: string; startTime: string };
    return { body, text: answer.body };
  };

  let cycles = 0;
  for (let cycle = 0; cycle < CYCLES && Date.now() - started < TIME_LIMIT_MS; cycle++) {
    cycles++;
    // A resource created in this cycle, to find intact after the kill.
    await createVm(`crash-cycle-${cycle}`);
    const killAfter = 1 + Math.floor(unitDraw('crash-test', String(cycle)) * MAX_ACCEPTED_BEFORE_KILL);
    let acceptedThisCycle = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      emulator.child.kill('SIGKILL');
    };
    // Each client installs on its own VM, polling each operation to its end before the next, so
    // that no accepted operation is superseded; the kill lands wherever the clients are.
    const client = async (vm: string) => {
      const base = emulator.httpUrl;
      try {
        while (!killed) {
          const answer = await request(`${vmUrl(base, vm)}/installPatches?${API}`, { method: 'POST', body: SPEC_EXAMPLE_BODY });
          if (answer.status !== 202) throw new Error(`install answered ${answer.status}: ${answer.body}`);
          const statusUrl = new URL(String(answer.headers['azure-asyncoperation']));
          const op: Accepted = { id: String(answer.headers['x-ms-request-id']), statusPath: statusUrl.pathname + statusUrl.search };
          accepted.set(op.id, op);
          if (++acceptedThisCycle >= killAfter) kill();
          for (let i = 0; i < 2 && op.terminal === undefined; i++) {
            const { body, text } = await poll(op);
            op.startTime ??= body.startTime;
            if (body.status !== 'InProgress') op.terminal = text;
          }
        }
      } catch (error) {
        if (!killed) throw error; // a refused or reset connection is the kill, not a failure
      }
    };
    await Promise.all(clientVms.map(client));
    t.equal(await emulator.exited, null, `cycle ${cycle}: killed after ${killAfter} accepted`);
    t.equal(integrityCheck(join(dataDir, 'emulator.sqlite')), 'ok', `cycle ${cycle}: integrity_check`);

    emulator = await startCli([...ON_FREE_PORTS, ...args]);
    for (const op of accepted.values()) {
      if (op.terminal !== undefined) continue;
      for (let i = 0; i < 2 && op.terminal === undefined; i++) {
        const { body, text } = await poll(op);
        if (op.startTime !== undefined && body.startTime !== op.startTime) t.fail(`${op.id}: startTime ${body.startTime}, was ${op.startTime}`);
        op.startTime ??= body.startTime;
        if (body.status !== 'InProgress') op.terminal = text;
      }
      if (op.terminal === undefined) t.fail(`${op.id} did not finish after the restart`);
    }
  }
  t.ok(cycles >= 2, `${cycles} kill-and-restart cycles, ${accepted.size} operations accepted`);

  // Everything accepted, read once more: the same answer as when it finished, and what its plan says.
  const state = JSON.parse((await request(`${emulator.httpUrl}/_emulator/state`)).body) as { operations: Array<{ id: string; vmName: string; plan: InstallPlan }> };
  const plans = new Map(state.operations.map((op) => [op.id, op.plan]));
  const unanswered = state.operations.filter((op) => op.vmName.startsWith('crash-vm-') && !accepted.has(op.id)).length;
  t.comment(`${unanswered} operations were committed but killed before their 202 left (never counted as accepted)`);
  let checked = 0;
  for (const op of accepted.values()) {
    const { text, body } = await poll(op);
    const output = (body as unknown as { properties: { output: Record<string, unknown> } }).properties.output;
    if (text !== op.terminal || body.startTime !== op.startTime) t.fail(`${op.id} answers differently: ${text} / ${op.terminal}`);
    else if (JSON.stringify(output) !== JSON.stringify(installResult(plans.get(op.id)!, catalogues.lookup(plans.get(op.id)!.catalogue)))) t.fail(`${op.id}: the result is not the one its plan says`);
    else if (output.installationActivityId !== op.id || output.startDateTime !== op.startTime) t.fail(`${op.id}: ids or times differ in the result`);
    else checked++;
  }
  t.equal(checked, accepted.size, 'every accepted operation finished as planned, with its id and timestamps');
  for (const [name, body] of createdVms) {
    t.equal((await request(`${vmUrl(emulator.httpUrl, name)}?${API}`)).body, body, `VM ${name} is intact`);
  }
  t.equal(await stop(emulator, 'SIGTERM'), 0);
  t.equal(integrityCheck(join(dataDir, 'emulator.sqlite')), 'ok', 'integrity_check at the end');
});
