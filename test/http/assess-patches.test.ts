// POST .../assessPatches (docs/wire-format.md#operations, docs/wire-format.md#request-and-result-models, docs/wire-format.md#the-location-result): the same LRO as installPatches, its result, and the
// state it reads.

import t from 'tap';
import { API_VERSION, AUTH, get, LINUX_VM, pollToTerminal, post, vmPath, WINDOWS_VM, testEmulator, pathOf } from '../helpers.js';

const assessUrl = (vm: string, apiVersion = API_VERSION) => `${vmPath(vm)}/assessPatches?api-version=${apiVersion}`;

t.test('assessPatches: 202 with the LRO headers, then the assessment result', async (t) => {
  const { app } = testEmulator(t);
  const accepted = await post(app, assessUrl(WINDOWS_VM), undefined);
  t.equal(accepted.statusCode, 202);
  t.equal(accepted.body, '');
  const operationId = accepted.headers['x-ms-request-id'] as string;
  t.match(accepted.headers['azure-asyncoperation'], new RegExp(`/providers/Microsoft\\.Compute/locations/westus/operations/${operationId}\\?p=`));
  t.match(accepted.headers.location, /monitor=true/);
  t.match(accepted.headers['x-ms-ratelimit-remaining-resource'], /VMGuestPatchOperationResource;\d+/);

  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  t.equal(final.status, 'Succeeded');
  const output = (final.properties as { output: Record<string, unknown> }).output;
  t.same(Object.keys(output), [
    'status', 'assessmentActivityId', 'rebootPending', 'criticalAndSecurityPatchCount', 'otherPatchCount', 'startDateTime', 'availablePatches', 'error',
  ]);
  t.equal(output.status, 'Succeeded');
  t.equal(output.assessmentActivityId, operationId);
  t.equal(output.rebootPending, false);
  const patches = output.availablePatches as Array<{ activityId: string; classifications: string[]; kbId?: string; version?: string }>;
  t.ok(patches.length >= 5, 'an image a month or two old: a handful of updates');
  t.ok(patches.every((p) => p.activityId === operationId && p.kbId !== undefined && p.version === undefined));
  const critSec = patches.filter((p) => p.classifications.includes('Critical') || p.classifications.includes('Security')).length;
  t.equal(output.criticalAndSecurityPatchCount, critSec);
  t.equal(output.otherPatchCount, patches.length - critSec);
  t.same(output.error, { details: [], code: 'Success', message: '0 error/s reported' });

  const location = await get(app, pathOf(accepted.headers.location as string));
  t.equal(location.statusCode, 200);
  t.same(location.json(), output, 'the Location URL returns the same result');
});

t.test('assessPatches: an empty body sent as application/json is no body (the Java SDK sends it so)', async (t) => {
  const { app } = testEmulator(t);
  const send = (url: string) => app.inject({ method: 'POST', url, headers: { ...AUTH, 'content-type': 'application/json' }, payload: '' });
  const accepted = await send(assessUrl(WINDOWS_VM));
  t.equal(accepted.statusCode, 202);
  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  t.equal(final.status, 'Succeeded');
  // installPatches needs its body: an empty one is still the missing parameter.
  const install = await send(`${vmPath(WINDOWS_VM)}/installPatches?api-version=${API_VERSION}`);
  t.equal(install.statusCode, 400);
  t.equal(install.json().error.message, "Required parameter 'installPatchesInput' is missing (null).");
  const start = await send(`${vmPath(WINDOWS_VM)}/start?api-version=${API_VERSION}`);
  t.equal(start.statusCode, 202, 'a power action takes no body either');
});

t.test('assessPatches: from api-version 2020-06-01, where installPatches does not exist yet', async (t) => {
  const { app } = testEmulator(t);
  t.equal((await post(app, assessUrl(LINUX_VM, '2020-06-01'), undefined)).statusCode, 202);
  const install = await post(app, `${vmPath(LINUX_VM)}/installPatches?api-version=2020-06-01`, { rebootSetting: 'Never', maximumDuration: 'PT1H' });
  t.equal(install.statusCode, 400);
  t.equal(install.json().error.code, 'NoRegisteredProviderFound');
});

t.test('assessPatches: Linux items carry name_version_Distro_Version ids and versions', async (t) => {
  const { app } = testEmulator(t);
  const accepted = await post(app, assessUrl(LINUX_VM), undefined);
  const { final } = await pollToTerminal(app, accepted.headers['azure-asyncoperation'] as string);
  const output = (final.properties as { output: { availablePatches: Array<Record<string, string>>; error: unknown } }).output;
  t.ok(output.availablePatches.every((p) => p.patchId === `${p.name}_${p.version}_Ubuntu_22.04` && !('kbId' in p)));
  t.same(output.error, { details: [], code: '0', message: '0 error/s reported.' });
});

t.test('assessPatches: a missing VM is a 404, a deallocated one a 409', async (t) => {
  const { app, services } = testEmulator(t);
  const missing = await post(app, assessUrl('noSuchVm'), undefined);
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().error.code, 'ResourceNotFound');
  const vm = services.resources.getVirtualMachine('00000000-0000-0000-0000-000000000000', 'myResourceGroupName', WINDOWS_VM)!;
  services.resources.updatePowerState(vm, 'deallocated');
  const refused = await post(app, assessUrl(WINDOWS_VM), undefined);
  t.equal(refused.statusCode, 409);
  t.same(refused.json(), {
    error: {
      code: 'OperationNotAllowed',
      message: "Operation 'assessPatches' is not allowed on VM 'myVMName' since the VM is either deallocated or marked to be deallocated.",
    },
  });
});
