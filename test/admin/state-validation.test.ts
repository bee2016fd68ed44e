// PUT /_emulator/state and --seed-file check the whole document before changing anything
// (schemas/state.ts, server/state/state-validation.ts): a crafted document is refused with a 400
// naming the path of the first bad value, and the emulator goes on answering as before.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { API_VERSION, get, installUrl, LINUX_VM, pollToTerminal, post, SPEC_EXAMPLE_BODY, tempDir, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';
import { runCli, ON_FREE_PORTS } from '../process-harness.js';

type Doc = Record<string, any>;

/** A state document with every kind of record: a finished install, a running assessment, a power action, a scenario, a fault rule. */
async function exportedState(t: Parameters<typeof testEmulator>[0]) {
  const emulator = testEmulator(t, { completion: 'polls:1' });
  const { app } = emulator;
  const accepted = await post(app, installUrl(WINDOWS_VM), SPEC_EXAMPLE_BODY);
  await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  await post(app, `${vmPath(LINUX_VM)}/assessPatches?api-version=${API_VERSION}`, undefined);
  await post(app, `${vmPath(LINUX_VM)}/restart?api-version=${API_VERSION}`, undefined);
  await app.inject({ method: 'POST', url: '/_emulator/scenarios', payload: { outcome: { status: 'Failed' } } });
  await app.inject({ method: 'POST', url: '/_emulator/faults', payload: { match: { path: '/nothing/*' }, effect: { kind: 'drop' } } });
  const document = (await app.inject({ method: 'GET', url: '/_emulator/state' })).json() as Doc;
  return { ...emulator, document };
}

const CRAFTED: Array<[string, (d: Doc) => void, string]> = [
  ['control.faults a string', (d) => (d.control.faults = 'abc'), 'control.faults'],
  ['a clock past the year 9999', (d) => (d.clock.anchorSimulatedMs = 1e20), 'clock.anchorSimulatedMs'],
  ['a speed that reaches the year 9999 within a day', (d) => (d.clock.speed = 1e9), 'clock.speed'],
  ['an unknown catalogue', (d) => (d.virtualMachines[0].catalogueKey = 'nope'), 'virtualMachines[0].catalogueKey'],
  ['a plan that is a string', (d) => (d.operations[0].plan = 'str'), 'operations[0].plan'],
  ['a plan without its patches', (d) => delete d.operations[0].plan.patches, 'operations[0].plan.patches'],
  ['a planned patch state unknown', (d) => (d.operations[0].plan.patches[0].state = 'Maybe'), 'operations[0].plan.patches[0].state'],
  ['a negative duration', (d) => (d.operations[1].plan.durationMs = -1), 'operations[1].plan.durationMs'],
  ['a plan of another kind', (d) => (d.operations[1].plan = d.operations[0].plan), 'operations[1].plan.kind'],
  ['a VM in a group that is not there', (d) => (d.virtualMachines[1].resourceGroup = 'elsewhere'), 'virtualMachines[1].resourceGroup'],
  ['a repeated operation id', (d) => d.operations.push(structuredClone(d.operations[0])), 'operations[3].id'],
  ['a completion mode out of range', (d) => (d.control.completion.default = 'polls:5000'), 'control.completion.default'],
  ['a fault rule with an unknown field', (d) => (d.control.faults[0].extra = 1), 'control.faults[0].extra'],
  ['a scenario without its id', (d) => delete d.control.scenarios[0].id, 'control.scenarios[0].id'],
  ['a result of the wrong type', (d) => (d.operations[0].result = 'done'), 'operations[0].result'],
  ['a tag that is not a string', (d) => (d.resourceGroups[0].tags = { a: 1 }), 'resourceGroups[0].tags.a'],
];

t.test('PUT /_emulator/state: a crafted document is refused with the path of the first bad value, and nothing changes', async (t) => {
  const { app, document } = await exportedState(t);
  for (const [name, craft, path] of CRAFTED) {
    const crafted = structuredClone(document);
    craft(crafted);
    const answer = await app.inject({ method: 'PUT', url: '/_emulator/state', payload: crafted });
    t.equal(answer.statusCode, 400, name);
    t.equal(answer.json().error.code, 'InvalidParameter', name);
    t.equal(answer.json().error.target, path, `${name}: names ${path}`);
    t.match(answer.json().error.message, `The state document is invalid: '${path}' `, name);
  }
  t.same((await app.inject({ method: 'GET', url: '/_emulator/state' })).json(), document, 'the state is as it was');
  t.equal((await get(app, `${vmPath(WINDOWS_VM)}?api-version=${API_VERSION}&$expand=instanceView`)).statusCode, 200, 'ARM routes still answer');
  t.equal((await post(app, installUrl(LINUX_VM), { rebootSetting: 'Never', linuxParameters: {} })).statusCode, 202);
  const again = await app.inject({ method: 'PUT', url: '/_emulator/state', payload: document });
  t.equal(again.statusCode, 200, 'the exported document itself is accepted');
});

t.test('--seed-file: a crafted document stops start-up with exit 2, the file, the path and the reason', async (t) => {
  const { document } = await exportedState(t);
  const dir = tempDir(t);
  const crafted = structuredClone(document);
  crafted.virtualMachines[0].catalogueKey = 'nope';
  const stateFile = join(dir, 'state.json');
  writeFileSync(stateFile, JSON.stringify(crafted));
  const refused = await runCli([...ON_FREE_PORTS, '--data-dir', join(dir, 'data'), '--seed-file', stateFile]);
  t.equal(refused.code, 2);
  t.match(refused.stderr, `--seed-file ${stateFile}: 'virtualMachines[0].catalogueKey' names no catalogue`);

  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify({ subscriptions: [{ subscriptionId: 'not-a-guid', resourceGroups: [] }] }));
  const badSeed = await runCli([...ON_FREE_PORTS, '--data-dir', join(dir, 'data'), '--seed-file', seedFile]);
  t.equal(badSeed.code, 2);
  t.match(badSeed.stderr, `--seed-file ${seedFile}: 'subscriptions[0].subscriptionId' must match pattern`);
  writeFileSync(seedFile, '{"subscriptions": [');
  t.equal((await runCli([...ON_FREE_PORTS, '--data-dir', join(dir, 'data'), '--seed-file', seedFile])).code, 2, 'JSON that does not parse');
});
