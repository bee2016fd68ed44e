// The VM power actions (start, powerOff, deallocate, restart): short ARM LROs, and their effect on
// patch operations (docs/wire-format.md#operation-not-allowed-on-the-vm).

import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { get, installUrl, pathOf, pollToTerminal, post, vmPath, WINDOWS_VM, testEmulator } from '../helpers.js';

const action = (app: FastifyInstance, name: string) => post(app, `${vmPath(WINDOWS_VM)}/${name}?api-version=2024-07-01`, undefined);
const powerState = async (app: FastifyInstance) =>
  (await get(app, `${vmPath(WINDOWS_VM)}/instanceView?api-version=2024-07-01`)).json().statuses[1].code as string;
const BODY = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical'] } };

t.test('each action is an LRO: 202, an envelope without output, an empty 200 on Location', async (t) => {
  const { app } = testEmulator(t);
  for (const [name, state] of [
    ['powerOff', 'PowerState/stopped'],
    ['start', 'PowerState/running'],
    ['restart', 'PowerState/running'],
    ['deallocate', 'PowerState/deallocated'],
    ['start', 'PowerState/running'],
  ] as const) {
    const accepted = await action(app, name);
    t.equal(accepted.statusCode, 202, name);
    t.equal(accepted.body, '');
    const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
    t.same(Object.keys(final), ['startTime', 'endTime', 'status', 'name'], `${name}: no properties`);
    t.equal(final.status, 'Succeeded');
    const location = await get(app, pathOf(accepted.headers.location as string));
    t.equal(location.statusCode, 200);
    t.equal(location.body, '');
    t.equal(await powerState(app), state, name);
  }
});

t.test('an action runs until the completion mode says it is done', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2' });
  const accepted = await action(app, 'restart');
  const { bodies } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  t.same(bodies.map((b) => b.status), ['InProgress', 'Succeeded']);
});

t.test('patch operations on a deallocated or stopped VM are refused with 409 OperationNotAllowed', async (t) => {
  const { app } = testEmulator(t);
  await action(app, 'deallocate');
  const deallocated = await post(app, installUrl(WINDOWS_VM), BODY);
  t.equal(deallocated.statusCode, 409);
  t.same(deallocated.json().error, {
    code: 'OperationNotAllowed',
    message: "Operation 'installPatches' is not allowed on VM 'myVMName' since the VM is either deallocated or marked to be deallocated.",
  });
  const powerOff = await action(app, 'powerOff');
  t.equal(powerOff.statusCode, 409, 'CRP refuses powerOff on a deallocated VM (docs/wire-format.md#operation-not-allowed-on-the-vm)');
  t.match(powerOff.json().error.message, /^Operation 'powerOff' is not allowed on VM 'myVMName' since the VM is either deallocated/);
  t.equal((await action(app, 'restart')).statusCode, 409);

  await action(app, 'start');
  await action(app, 'powerOff');
  const stopped = await post(app, `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`, undefined);
  t.equal(stopped.statusCode, 409);
  t.same(stopped.json().error, { code: 'OperationNotAllowed', message: "Operation 'assessPatches' is not allowed on VM 'myVMName' since the VM is stopped." });

  await action(app, 'start');
  t.equal((await post(app, installUrl(WINDOWS_VM), BODY)).statusCode, 202, 'running again');
});

t.test('an action on a VM that does not exist is a 404', async (t) => {
  const { app } = testEmulator(t);
  const response = await post(app, `${vmPath('ghost')}/start?api-version=2024-07-01`, undefined);
  t.equal(response.statusCode, 404);
  t.equal(response.json().error.code, 'ResourceNotFound');
});
