// The dashboard's compliance view (GET /_emulator/compliance and its section of the page): a
// Resource Graph query's answer per machine, following runs and retention on the simulated clock.

import t from 'tap';
import { AUTH, LINUX_VM, SPEC_EXAMPLE_BODY, testEmulator, vmPath, WINDOWS_VM } from '../helpers.js';

interface ComplianceRow {
  machine: string;
  osType: string;
  lastAssessment: string | null;
  pendingCritical: number | null;
  pendingSecurity: number | null;
  rebootPending: boolean | null;
  lastInstall: string | null;
  lastInstallStatus: string | null;
  lastInstallRunId: string | null;
  installed: number | null;
}

t.test('per machine: last assessment, pending critical and security patches, last installation', async (t) => {
  const { app } = testEmulator(t, { completion: 'sync' });
  const read = async () => {
    const response = await app.inject({ method: 'GET', url: '/_emulator/compliance' });
    t.equal(response.statusCode, 200);
    return response.json() as { query: string; machines: ComplianceRow[] };
  };
  const before = await read();
  t.match(before.query, /patchassessmentresources/, 'the Resource Graph query is sent along');
  t.same(before.machines.map((m) => [m.machine, m.osType, m.lastAssessment, m.lastInstall]), [
    ['myArcMachine', 'windows', null, null],
    ['myLinuxArcMachine', 'linux', null, null],
    [LINUX_VM, 'Linux', null, null],
    [WINDOWS_VM, 'Windows', null, null],
  ]);

  const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, headers: { ...AUTH, 'content-type': 'application/json' }, ...(payload ? { payload } : {}) });
  const assessment = (await post(`${vmPath(WINDOWS_VM)}/assessPatches?api-version=2024-07-01`)).json() as { criticalAndSecurityPatchCount: number };
  const install = (await post(`${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`, SPEC_EXAMPLE_BODY)).json() as { installationActivityId: string; installedPatchCount: number };
  const after = (await read()).machines.find((m) => m.machine === WINDOWS_VM)!;
  t.ok(after.lastAssessment);
  t.equal((after.pendingCritical ?? 0) + (after.pendingSecurity ?? 0), assessment.criticalAndSecurityPatchCount);
  t.equal(after.rebootPending, false);
  t.same([after.lastInstallStatus, after.lastInstallRunId, after.installed], ['Succeeded', install.installationActivityId, install.installedPatchCount]);

  // A second installation becomes the last one.
  const second = (await post(`${vmPath(WINDOWS_VM)}/installPatches?api-version=2024-07-01`, SPEC_EXAMPLE_BODY)).json() as { installationActivityId: string };
  t.equal((await read()).machines.find((m) => m.machine === WINDOWS_VM)!.lastInstallRunId, second.installationActivityId);

  // Eight simulated days later the assessment has aged out of Resource Graph; the installations have not.
  await app.inject({ method: 'POST', url: '/_emulator/clock', payload: { advance: 'P8D' } });
  const later = (await read()).machines.find((m) => m.machine === WINDOWS_VM)!;
  t.same([later.lastAssessment, later.pendingSecurity, later.lastInstallRunId], [null, null, second.installationActivityId]);
});

t.test('the page has the compliance section, filled by its script', async (t) => {
  const { app } = testEmulator(t);
  const page = await app.inject({ method: 'GET', url: '/_emulator/ui' });
  t.match(page.body, /<section id="compliance"[^>]*aria-labelledby="compliance-title"/);
  const script = await app.inject({ method: 'GET', url: '/_emulator/ui/app.js' });
  t.match(script.body, /from '\.\/compliance\.js'/, 'the page loads its compliance view');
  const view = await app.inject({ method: 'GET', url: '/_emulator/ui/compliance.js' });
  t.match(view.body, /\/_emulator\/compliance/);
});
