// Arc-enabled servers on the dashboard, in a real browser (Chromium, headless, playwright-core, as
// test/browser/dashboard.test.ts): each group's Arc machines under its VMs with their agent status,
// OS and patch settings, an install's result as their latest run, and a machine turning
// Disconnected when the admin API says so.

import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import t from 'tap';
import { chromium } from 'playwright-core';
import { listeningEmulator, RESOURCE_GROUP, SUBSCRIPTION, tempDir } from '../helpers.js';

function findChromium(): string | undefined {
  if (process.env.CPE_CHROMIUM) return process.env.CPE_CHROMIUM;
  const folders = (process.env.PATH ?? '').split(delimiter).filter((folder) => folder !== '');
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    for (const folder of folders) if (existsSync(join(folder, name))) return join(folder, name);
  }
  return undefined;
}
const CHROMIUM = findChromium();
const missing = CHROMIUM === undefined || !existsSync(CHROMIUM)
  ? 'the browser test needs Chromium (sudo apt-get install -y chromium, or set CPE_CHROMIUM)'
  : undefined;
const skip = missing !== undefined && process.env.CI !== 'true' ? missing : false;
const PAGE_WAIT_MS = 20_000;

async function call(base: string, method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: 'Bearer browser-test', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

t.test('the fleet shows the Arc machines: status, OS, patch settings, their latest run', { skip }, async (t) => {
  if (missing !== undefined || CHROMIUM === undefined) throw new Error(`${missing} (CI=true: this test must run)`);
  const emulator = await listeningEmulator(t, ['--completion', 'instant']);
  const base = emulator.httpUrl;
  const context = await chromium.launchPersistentContext(tempDir(t, 'cpe-chromium-'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
  });
  t.teardown(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));

  await page.goto(`${base}/_emulator/ui`);
  const windows = page.locator('tr[data-arc-row="myArcMachine"]');
  await windows.waitFor({ timeout: PAGE_WAIT_MS });
  t.match(await windows.innerText(), /Connected/);
  t.match(await windows.locator('[data-field="patch-settings"]').innerText(), /patch mode AutomaticByOS · assessment ImageDefault$/);
  const linux = page.locator('tr[data-arc-row="myLinuxArcMachine"]');
  t.match(await linux.innerText(), /Ubuntu/);
  t.match(await linux.locator('[data-field="patch-settings"]').innerText(), /patch mode ImageDefault/);

  // An install through the ARM API (instant: done at its first poll), then its result on the page.
  const machine = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.HybridCompute/machines/myArcMachine`;
  const accepted = await call(base, 'POST', `${machine}/installPatches?api-version=2025-01-13`, { maximumDuration: 'PT4H', rebootSetting: 'IfRequired', windowsParameters: { classificationsToInclude: ['Critical', 'Security'] } });
  await call(base, 'GET', new URL(accepted.headers.get('location')!).pathname + new URL(accepted.headers.get('location')!).search);
  await page.locator('tr[data-arc-row="myArcMachine"]', { hasText: 'Succeeded' }).waitFor({ timeout: PAGE_WAIT_MS });

  await call(base, 'PUT', `/_emulator/arcMachines/${SUBSCRIPTION}/${RESOURCE_GROUP}/myArcMachine/status`, { status: 'Disconnected' });
  await page.locator('tr[data-arc-row="myArcMachine"]', { hasText: 'Disconnected' }).waitFor({ timeout: PAGE_WAIT_MS });
  t.same(problems, [], 'no script errors on the page');
});
