// A VM's operations are settled once per request (server/routes/lookups.ts): installPatches and
// assessPatches take what the route's loadVm left running instead of settling the VM again, while
// the platform's and maintenance's own starts, which have no request, still settle it themselves.
// Counted through the real services: settleVm calls, and the store's query of a VM's running operations.

import t from 'tap';
import type { EmulatorServices } from '../../server/services.js';
import { installUrl, pollToTerminal, post, RESOURCE_GROUP, SUBSCRIPTION, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

const BODY = { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } };
const assessUrl = `${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`;

/** Counts settles of a VM and the store's reads of a VM's running operations (a group's own, keyed '', aside). */
function countSettles(services: EmulatorServices) {
  const counts = { settleVm: 0, runningQueries: 0 };
  const { patchOperations, operations } = services;
  const settleVm = patchOperations.settleVm.bind(patchOperations);
  patchOperations.settleVm = (vm) => {
    counts.settleVm++;
    return settleVm(vm);
  };
  const inProgressForVm = operations.inProgressForVm.bind(operations);
  operations.inProgressForVm = (vm, sinceMs) => {
    if (vm.name !== '') counts.runningQueries++;
    return inProgressForVm(vm, sinceMs);
  };
  return {
    take: () => {
      const taken = { ...counts };
      counts.settleVm = 0;
      counts.runningQueries = 0;
      return taken;
    },
  };
}

t.test('installPatches and assessPatches settle the VM once per request', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'polls:5' });
  services.clock.setFrozen(true);
  const counter = countSettles(services);

  const first = await post(app, installUrl(WINDOWS_VM), BODY);
  t.equal(first.statusCode, 202);
  t.same(counter.take(), { settleVm: 1, runningQueries: 1 }, 'installPatches: one settle, one read of the running operations');

  // The second supersedes the first, from the running operations the route's settle returned.
  const second = await post(app, assessUrl, undefined);
  t.equal(second.statusCode, 202);
  t.same(counter.take(), { settleVm: 1, runningQueries: 1 }, 'assessPatches on a busy VM: the same');
  const { final } = await pollToTerminal(app, first.headers['azure-asyncoperation'] as string);
  const output = (final.properties as { output: { status: string; error: { details: Array<{ code: string }> } } }).output;
  t.equal(output.status, 'Failed', 'the first was superseded');
  t.equal(output.error.details[0]!.code, 'NEWER_OPERATION_SUPERSEDED');
});

t.test('a start without a request (the platform, maintenance) still settles the VM itself', async (t) => {
  const { services } = testEmulator(t, { completion: 'polls:5' });
  const counter = countSettles(services);
  const vm = services.resources.getVirtualMachine(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM);
  t.ok(vm);
  services.patchOperations.startAssess(vm!, '2024-07-01');
  t.same(counter.take(), { settleVm: 1, runningQueries: 1 });
});
