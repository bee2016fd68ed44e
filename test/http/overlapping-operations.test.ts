// Two patch operations on one VM (docs/wire-format.md#a-second-patch-operation-on-the-same-vm, docs/wire-format.md#overlapping-operations): by default the newer supersedes the one in flight,
// which ends with the NEWER_OPERATION_SUPERSEDED detail; the `reject` switch answers 409 instead.

import t from 'tap';
import { parseConfig } from '../../server/config.js';
import { installUrl, pollToTerminal, post, vmPath, WINDOWS_VM, testEmulator } from '../helpers.js';

const BODY = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } };
const assessUrl = `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`;

t.test('default: a new operation supersedes the one in flight', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'polls:5' });
  services.clock.setFrozen(true);
  const first = await post(app, installUrl(WINDOWS_VM), BODY);
  const second = await post(app, assessUrl, undefined);
  t.equal(second.statusCode, 202);

  const { final } = await pollToTerminal(app, first.headers['azure-asyncoperation'] as string);
  t.equal(final.status, 'Succeeded', 'the envelope succeeds; the outcome is in the result');
  const output = (final.properties as { output: Record<string, any> }).output;
  t.equal(output.status, 'Failed');
  t.same(output.error.details[0], { code: 'NEWER_OPERATION_SUPERSEDED', message: 'Execution was stopped due to a newer operation taking precedence.' });
  t.equal(output.installedPatchCount, 0, 'stopped before anything was installed (the clock did not move)');
  t.ok(output.pendingPatchCount > 0);

  const { bodies } = await pollToTerminal(app, second.headers['azure-asyncoperation'] as string);
  t.equal(bodies.at(-1)!.status, 'Succeeded');
  t.equal((bodies.at(-1)!.properties as { output: { status: string } }).output.status, 'Succeeded', 'the newer one runs normally');
});

t.test('a superseded install keeps what it had installed when it was stopped', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'time' });
  services.clock.setFrozen(true);
  const first = await post(app, installUrl(WINDOWS_VM), BODY);
  services.clock.advance(10 * 60_000); // into the run: the first update is through
  await post(app, installUrl(WINDOWS_VM), BODY);
  const { final } = await pollToTerminal(app, first.headers['azure-asyncoperation'] as string);
  const output = (final.properties as { output: Record<string, any> }).output;
  t.equal(output.status, 'Failed');
  t.ok(output.installedPatchCount > 0);
  t.ok(output.pendingPatchCount > 0);
});

t.test('reject: a second patch operation gets 409 OperationNotAllowed while one runs', async (t) => {
  const { app } = testEmulator(t, { completion: 'polls:2', overlappingOperations: 'reject' });
  const first = await post(app, installUrl(WINDOWS_VM), BODY);
  const refused = await post(app, assessUrl, undefined);
  t.equal(refused.statusCode, 409);
  t.equal(refused.json().error.code, 'OperationNotAllowed');
  t.match(refused.json().error.message, /^Operation 'assessPatches' is not allowed on VM 'myVMName' since a patch operation/);
  const { final } = await pollToTerminal(app, first.headers['azure-asyncoperation'] as string);
  t.equal((final.properties as { output: { status: string } }).output.status, 'Succeeded', 'the first runs undisturbed');
  t.equal((await post(app, assessUrl, undefined)).statusCode, 202, 'accepted once the first is over');
});

t.test('the switch: --overlapping-operations / CPE_OVERLAPPING_OPERATIONS', async (t) => {
  t.equal(parseConfig([], {}).overlappingOperations, 'supersede');
  t.equal(parseConfig(['--overlapping-operations', 'reject'], {}).overlappingOperations, 'reject');
  t.equal(parseConfig([], { CPE_OVERLAPPING_OPERATIONS: 'Reject' }).overlappingOperations, 'reject');
  t.throws(() => parseConfig(['--overlapping-operations', 'queue'], {}), /--overlapping-operations: expected supersede or reject, got 'queue'/);
});
