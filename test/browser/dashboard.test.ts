// The dashboard in a real browser (Debian's Chromium, headless, driven by playwright-core): reached
// by keyboard, an install on the seeded Windows VM started from the form, watched on a frozen clock
// that the test advances through the admin API, until the page says Succeeded; the counts and
// patch states it shows are the API's result. Screenshots are saved in test/artifacts/.

import { existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import type { JournalEntry } from '../../server/admin/journal.js';
import type { Inventory } from '../../server/dashboard/view-model.js';
import type { InstallPatchesResult } from '../../simulator/results.js';
import { API_VERSION, listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION, tempDir, WINDOWS_VM } from '../helpers.js';

/** CPE_CHROMIUM, else the first Chromium or Chrome on the PATH; undefined when there is none. */
function findChromium(): string | undefined {
  if (process.env.CPE_CHROMIUM) return process.env.CPE_CHROMIUM;
  const folders = (process.env.PATH ?? '').split(delimiter).filter((folder) => folder !== '');
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    for (const folder of folders) if (existsSync(join(folder, name))) return join(folder, name);
  }
  return undefined;
}
const CHROMIUM = findChromium();
const HOW_TO_GET_CHROMIUM =
  'install it (Debian/Ubuntu: sudo apt-get install -y chromium; Fedora: sudo dnf install -y chromium; macOS: brew install --cask chromium) or set CPE_CHROMIUM to a Chromium or Chrome binary';
/** The project root, from dist/test/browser/. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ARTIFACTS = join(ROOT, 'test', 'artifacts');
/** How long the page may take to show a state (it polls once a second). */
const PAGE_WAIT_MS = 20_000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

async function call<T = unknown>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: 'Bearer browser-test', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

// Code that runs in the page is given as text (the project compiles without the DOM's types), and
// waits are on selectors: the page's Content-Security-Policy refuses the eval of waitForFunction.

/** Tab from where the focus is until the focused element matches `selector`, at most `limit` times. */
async function tabTo(page: Page, selector: string, limit = 15): Promise<boolean> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return true;
  }
  return false;
}

// Without a browser the test skips and says how to get one, except in CI, where .ci/run installs
// Chromium and a missing browser is a failure.
const missing = CHROMIUM === undefined || !existsSync(CHROMIUM)
  ? `the browser test needs Chromium, and ${CHROMIUM === undefined ? 'none is on the PATH' : `CPE_CHROMIUM=${CHROMIUM} does not exist`}: ${HOW_TO_GET_CHROMIUM}`
  : undefined;
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;

t.test('the dashboard: an install from the form on the seeded Windows VM, watched to Succeeded', { skip }, async (t) => {
  if (missing !== undefined || CHROMIUM === undefined) throw new Error(`${missing} (CI=true: this test must run)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const emulator = await listeningEmulator(t, ['--completion', 'time']);
  const base = emulator.httpUrl;
  // The run moves only when the test advances the clock.
  await call(base, 'POST', '/_emulator/clock', { frozen: true });

  const context = await chromium.launchPersistentContext(tempDir(t, 'cpe-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  t.teardown(() => context.close());
  const elsewhere: string[] = [];
  context.on('request', (request) => {
    if (!request.url().startsWith(`${base}/`) && !request.url().startsWith('data:')) elsewhere.push(request.url());
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });

  await page.goto(`${base}/_emulator/ui`);
  await page.getByRole('button', { name: WINDOWS_VM, exact: true }).waitFor({ timeout: PAGE_WAIT_MS });

  // Keyboard: the first Tab reaches the skip link, which leads to the fleet, where the VM is chosen.
  await page.keyboard.press('Tab');
  t.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to the fleet');
  await page.keyboard.press('Enter');
  t.ok(await tabTo(page, `button[data-action="select-vm"][data-vm="${WINDOWS_VM}"]`), 'the VM is reached with Tab');
  await page.keyboard.press('Enter');
  await page.locator('#vm').waitFor({ state: 'visible', timeout: PAGE_WAIT_MS });
  t.equal(await page.textContent('#vm-title'), WINDOWS_VM);
  t.match(await page.textContent('#vm-patch-settings'), /Patch mode AutomaticByOS · assessment mode ImageDefault/, "the VM's patch settings");
  t.equal(await page.getAttribute(`button[data-vm="${WINDOWS_VM}"]`, 'aria-pressed'), 'true');

  const unlabelled = await page.evaluate(
    `[...document.querySelectorAll('input, select, textarea')].filter((f) => f.labels.length === 0 && !f.getAttribute('aria-label')).map((f) => f.id || f.name)`,
  );
  t.same(unlabelled, [], 'every form field has a label');

  // The form: the most common request, Critical and Security within four hours, no publish-date cut.
  const classifications = page.locator('#windows-classifications');
  for (const checkbox of await classifications.getByRole('checkbox').all()) {
    const value = await checkbox.getAttribute('value');
    if (value === 'Critical' || value === 'Security') await checkbox.check();
    else await checkbox.uncheck();
  }
  await page.getByLabel('Published on or before (UTC)').fill('');
  await page.getByLabel('Reboot setting').selectOption('IfRequired');
  await page.getByLabel('Maximum duration').fill('PT4H');
  await page.locator('#install-form').getByRole('button', { name: 'Install patches' }).click();

  await page.waitForSelector('#operation[data-status="InProgress"]', { timeout: PAGE_WAIT_MS });
  const operationId = (await page.getAttribute('#operation', 'data-operation-id'))!;
  const [sent] = (await call<{ value: JournalEntry[] }>(base, 'GET', `/_emulator/requests?operationId=${operationId}&method=POST`)).value;
  t.match(sent, {
    method: 'POST',
    status: 202,
    headers: { authorization: '[redacted]' },
    body: {
      maximumDuration: 'PT4H',
      rebootSetting: 'IfRequired',
      windowsParameters: { classificationsToInclude: ['Critical', 'Security'] },
    },
  });
  t.match(sent!.url, new RegExp(`/virtualMachines/${WINDOWS_VM}/installPatches\\?api-version=`), 'the page started it through the ARM API');

  // Part of the way: some patches Installed, the rest still Pending, the run still going.
  await call(base, 'POST', '/_emulator/clock', { advance: 'PT10M' });
  await page.locator('#operation[data-status="InProgress"] tr[data-state="Installed"]').first().waitFor({ timeout: PAGE_WAIT_MS });
  t.ok(await page.locator('#operation tr[data-state="Pending"]').count(), 'others still Pending');
  t.ok(Number(await page.textContent('#operation [data-count="installed"]')) > 0, 'the Installed count moved');
  t.match(await page.textContent('#operation [data-field="activity"]'), /^(Installing|Rebooting|Assessing)/);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-running.png'), fullPage: true });

  // To the end: the page shows Succeeded without anything having polled the operation.
  await call(base, 'POST', '/_emulator/clock', { advance: 'PT6H' });
  await page.waitForSelector('#operation[data-result-status="Succeeded"]', { timeout: PAGE_WAIT_MS });
  t.match(await page.textContent('#operation [data-field="status"]'), /Succeeded/);
  await page.locator(`tr[data-vm-row="${WINDOWS_VM}"]`).getByText('Succeeded').waitFor({ timeout: PAGE_WAIT_MS });
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

  const result = await call<InstallPatchesResult>(base, 'GET', `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Compute/locations/westus/operations/${operationId}?monitor=true&api-version=${API_VERSION}`);
  t.equal(result.status, 'Succeeded');
  const shown = await page.evaluate(
    `Object.fromEntries([...document.querySelectorAll('#operation [data-count]')].map((e) => [e.dataset.count, Number(e.textContent)]))`,
  );
  t.same(
    shown,
    {
      installed: result.installedPatchCount,
      failed: result.failedPatchCount,
      pending: result.pendingPatchCount,
      excluded: result.excludedPatchCount,
      notSelected: result.notSelectedPatchCount,
    },
    'the counts shown are the result',
  );
  t.ok(result.installedPatchCount > 0 && result.notSelectedPatchCount > 0, 'the example installs some patches and leaves others');
  const rows = (await page.evaluate(
    `[...document.querySelectorAll('#operation tr[data-patch-id]')].map((tr) => tr.dataset.patchId + ' ' + tr.dataset.state)`,
  )) as string[];
  t.same(rows.sort(), result.patches.map((p) => `${p.patchId} ${p.installationState}`).sort(), 'each patch as the result has it');
  t.equal(await page.textContent('#operation [data-field="reboot"]'), result.rebootStatus);
  const inventory = await call<Inventory>(base, 'GET', `/_emulator/inventory/${SUBSCRIPTION}/${RESOURCE_GROUP}/${WINDOWS_VM}`);
  await page
    .locator('#available [data-field="available"]', { hasText: new RegExp(`^${inventory.availablePatchCount}$`) })
    .waitFor({ timeout: PAGE_WAIT_MS });
  const pastRuns = (await page.locator('#history tbody tr').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim());
  t.equal(pastRuns.length, 1);
  t.match(pastRuns[0], new RegExp(`Install patches.*Succeeded.*${result.installedPatchCount} ${result.failedPatchCount} ${result.pendingPatchCount}.*${result.rebootStatus}`));
  // The compliance view, a Resource Graph query's answer, has the run as the VM's last installation.
  const compliance = page.locator(`tr[data-compliance-row="${WINDOWS_VM}"]`, { hasText: `${result.installedPatchCount} installed, ${result.failedPatchCount} failed` });
  await compliance.waitFor({ timeout: PAGE_WAIT_MS });
  t.match(await compliance.textContent(), /Succeeded/);

  // Laptop and projector sizes: the page itself never scrolls sideways; "Larger text" scales it.
  const fits = () => page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
  t.ok(await fits(), 'fits 1440 px');
  const fontSize = async () => Number(await page.evaluate('parseFloat(getComputedStyle(document.documentElement).fontSize)'));
  await page.setViewportSize({ width: 1920, height: 1080 });
  const normal = await fontSize();
  await page.getByRole('button', { name: 'Larger text' }).click();
  t.equal(await page.getAttribute('#text-size', 'aria-pressed'), 'true');
  t.ok((await fontSize()) > normal, 'larger text is larger');
  t.ok(await fits(), 'fits 1920 px with larger text');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-projector.png') });
  await page.setViewportSize({ width: 800, height: 900 });
  t.ok(await fits(), 'fits 800 px in one column');

  t.same(elsewhere, [], 'the page asked nothing of any other server');
  t.same(problems, [], 'no script errors');
});
