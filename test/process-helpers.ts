// Spawned Node processes for the tests that must run as users run: the CLI, and SDK programs whose
// credentials read their settings from the environment.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const here = dirname(fileURLToPath(import.meta.url));
/** dist/server/cli.js, next to the compiled tests. */
export const CLI_PATH = join(here, '..', 'server', 'cli.js');
export const fixturePath = (name: string) => join(here, 'fixtures', name);

/** Runs `node script args...` to its end, killed after `limitMs` (a hang is a failure, not a wait). */
export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, limitMs = 60_000): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The environment of a child: this process's, less anything that would change how credentials or TLS behave. */
export function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AZURE_|IDENTITY_|MSI_|IMDS_|NODE_EXTRA_CA_CERTS$|HTTPS?_PROXY$|NO_PROXY$|CPE_)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}
