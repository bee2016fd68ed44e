// Shared set-up for the tests: a real emulator (real SQLite, in memory or in a temp folder) driven
// through its real interfaces.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../server/app.js';
import { parseConfig } from '../server/config.js';
import { startEmulator, type RunningEmulator } from '../server/emulator.js';
import { openServices, type EmulatorServices, type ServiceOptions } from '../server/services.js';
import { parseCompletionMode } from '../simulator/progress.js';

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
export const RESOURCE_GROUP = 'myResourceGroupName';
export const WINDOWS_VM = 'myVMName';
export const LINUX_VM = 'myLinuxVMName';
export const API_VERSION = '2024-07-01';
export const AUTH = { authorization: 'Bearer test-token' };

export const vmPath = (vm: string, rg = RESOURCE_GROUP, sub = SUBSCRIPTION) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${vm}`;
export const installUrl = (vm: string, apiVersion = API_VERSION) => `${vmPath(vm)}/installPatches?api-version=${apiVersion}`;

/**
 * The REST spec's own example body (examples/virtualMachineExamples/VirtualMachine_InstallPatches.json)
 * less its `maxPatchPublishDate` of 2020, which the seeded images, a month or two behind their
 * catalogues, are long past: the most common request, Critical and Security within four hours.
 */
export const SPEC_EXAMPLE_BODY = {
  maximumDuration: 'PT4H',
  rebootSetting: 'IfRequired',
  windowsParameters: { classificationsToInclude: ['Critical', 'Security'] },
};

export const LINUX_BODY = {
  maximumDuration: 'PT2H',
  rebootSetting: 'IfRequired',
  linuxParameters: { classificationsToInclude: ['Critical', 'Security'], packageNameMasksToExclude: ['vim*'] },
  windowsParameters: {},
};

export interface TestEmulator {
  app: FastifyInstance;
  services: EmulatorServices;
}

export function testServices(options: Omit<Partial<ServiceOptions>, 'completion'> & { completion?: string } = {}): EmulatorServices {
  const { completion, ...rest } = options;
  return openServices({
    databaseFile: ':memory:',
    seed: 'compute-patch-emulator',
    clockSpeed: 600,
    ...rest,
    completion: parseCompletionMode(completion ?? 'instant')!,
  });
}

/** An in-process emulator for app.inject; closed when the test ends. */
export function testEmulator(
  t: { teardown(fn: () => unknown): void },
  options: Omit<Partial<ServiceOptions>, 'completion'> & { completion?: string; retryAfterSeconds?: number | null; allowedHosts?: string[] } = {},
): TestEmulator {
  const { retryAfterSeconds, allowedHosts, ...serviceOptions } = options;
  const services = testServices(serviceOptions);
  const app = buildApp(services, { retryAfterSeconds: retryAfterSeconds === undefined ? 1 : retryAfterSeconds, ...(allowedHosts ? { allowedHosts } : {}) });
  t.teardown(async () => {
    await app.close();
    services.close();
  });
  return { app, services };
}

/** Path and query of an absolute URL, for app.inject. */
export const pathOf = (url: string) => {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
};

export async function post(app: FastifyInstance, url: string, body: unknown, headers: Record<string, string> = AUTH): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
}

export async function get(app: FastifyInstance, url: string, headers: Record<string, string> = AUTH): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url, headers });
}

/** Polls the Azure-AsyncOperation URL until a terminal status, at most `limit` times. */
export async function pollToTerminal(app: FastifyInstance, asyncOperationUrl: string, limit = 20) {
  const bodies: Array<Record<string, unknown>> = [];
  for (let i = 0; i < limit; i++) {
    const response = await get(app, pathOf(asyncOperationUrl));
    const body = response.json() as Record<string, unknown>;
    bodies.push(body);
    if (body.status !== 'InProgress') return { final: body, bodies };
  }
  throw new Error(`operation still running after ${limit} polls`);
}

export function tempDir(t: { teardown(fn: () => unknown): void }, prefix = 'cpe-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A listening emulator (HTTPS and HTTP on free ports) in this process, in a temp data folder. */
export async function listeningEmulator(t: { teardown(fn: () => unknown): void }, flags: string[] = []): Promise<RunningEmulator> {
  const dataDir = tempDir(t);
  const config = parseConfig(['--https-port', '0', '--http-port', '0', '--silent', '--data-dir', dataDir, ...flags], {});
  const emulator = await startEmulator(config);
  t.teardown(() => emulator.close());
  return emulator;
}
