// A VM's operations are settled once per request (server/routes/lookups.ts): installPatches and
// assessPatches take what the route's loadVm left running instead of settling the VM again, while
// the platform's and maintenance's own starts, which have no request, still settle it themselves.
// Counted through the real services: settleVm calls, the store's query of a VM's running operations,
// and its reads of the VM, read again only after something wrote to it.

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

t.test('the VM is read again only when settling or superseding wrote to it', async (t) => {
  const { app, services } = testEmulator(t, { completion: 'time', clockSpeed: 1 });
  services.clock.setFrozen(true);
  const read = services.resources.getVirtualMachine.bind(services.resources);
  let reads = 0;
  services.resources.getVirtualMachine = (...args) => {
    reads++;
    return read(...args);
  };
  const operationOf = (answer: { headers: Record<string, unknown> }) => {
    const id = /operations\/([^?]+)/.exec(String(answer.headers['azure-asyncoperation']))![1]!;
    return services.operations.get(SUBSCRIPTION, id) as { plan: { patches: Array<{ patchId: string; endOffsetMs?: number }> } };
  };
  const seeded = read(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM)!.patchState;

  t.equal((await post(app, installUrl(WINDOWS_VM), BODY)).statusCode, 202);
  reads = 0;
  const second = await post(app, installUrl(WINDOWS_VM), BODY);
  t.equal(second.statusCode, 202);
  t.equal(reads, 2, 'superseded at once: loadVm\'s read and the superseded run\'s look at its VM, nothing read again');
  t.same(read(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM)!.patchState, seeded, 'a run that installed nothing left the VM as it was');

  // Into the second run, past its first patch but not its last: superseding it now writes what it installed.
  const ends = operationOf(second).plan.patches.map((patch) => patch.endOffsetMs).filter((end): end is number => end !== undefined).sort((a, b) => a - b);
  t.ok(ends.length >= 2, 'the run installs at least two patches');
  services.clock.advance(ends[0]! + 1);
  reads = 0;
  const third = await post(app, installUrl(WINDOWS_VM), BODY);
  t.equal(third.statusCode, 202);
  t.ok(reads > 2, 'the VM is read again after the superseded run wrote to it');
  const installed = read(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM)!.patchState.installedPatchIds;
  t.ok(installed.length > seeded.installedPatchIds.length, 'the superseded run installed what it had finished');
  const offered = operationOf(third).plan.patches.map((patch) => patch.patchId);
  t.same(offered.filter((patchId) => installed.includes(patchId)), [], 'the new run plans from the VM as written: nothing installed is offered again');
});
