// Running the emulator as a user does: `node dist/server/cli.js` in a child process, its
// start-up lines read from stdout, HTTPS requests trusting its certificate.

import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../server/cli.js', import.meta.url));
const STARTUP_LIMIT_MS = 30_000;

export interface Started {
  child: ChildProcess;
  lines: string[];
  httpsUrl: string;
  httpUrl: string;
  certPath: string;
}

/** Spawns the CLI and resolves once it printed its ready block (bounded in time). */
export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Started> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CPE_')));
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, env: { ...env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line within ${STARTUP_LIMIT_MS} ms: ${out}${err}`));
    }, STARTUP_LIMIT_MS);
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const trust = /^\s+trust\s+(\S+)/m.exec(out);
      if (!trust) return;
      clearTimeout(timer);
      resolve({
        child,
        lines: out.split('\n'),
        httpsUrl: /^\s+HTTPS\s+(\S+)/m.exec(out)![1]!,
        httpUrl: /^\s+HTTP\s+(\S+)/m.exec(out)![1]!,
        certPath: trust[1]!,
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready: ${out}${err}`));
    });
  });
}

export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

export function request(url: string, options: { method?: string; body?: unknown; ca?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = https.request(url, {
      method: options.method ?? 'GET',
      ca: options.ca,
      headers: { authorization: 'Bearer curl', ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
      timeout: 10_000,
    }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

