// The emulator as a separate process (`node dist/server/cli.js`), for the reliability tests that
// kill it, stop it, or start two of them. Every wait is bounded.

import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../server/cli.js', import.meta.url));
const STARTUP_LIMIT_MS = 30_000;

export interface SpawnedEmulator {
  child: ChildProcess;
  httpUrl: string;
  /** Everything the process printed on stdout so far. */
  output(): string;
  /** Everything it printed on stderr so far. */
  errors(): string;
  /** Resolves when a stdout line matches (bounded in time). */
  waitForLine(pattern: RegExp, limitMs?: number): Promise<string>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CPE_'))), ...extra };
}

/**
 * Starts the CLI on free ports and resolves once it printed its ready block. `prefix` runs it
 * under another command (e.g. prlimit, to limit the size of the files it writes).
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}, prefix: string[] = []): Promise<SpawnedEmulator> {
  const command = [...prefix, process.execPath, CLI, '--https-port', '0', '--http-port', '0', '--silent', ...args];
  const child = spawn(command[0]!, command.slice(1), {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const waitForLine = (pattern: RegExp, limitMs = STARTUP_LIMIT_MS) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = out.split('\n').find((l) => pattern.test(l));
        if (line === undefined) return;
        finish();
        resolve(line);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no line matching ${pattern} within ${limitMs} ms: ${out}${err}`));
      }, limitMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then(() => {
        if (!listeners.has(check)) return;
        finish();
        reject(new Error(`exited before a line matching ${pattern}: ${out}${err}`));
      });
      check();
    });

  return waitForLine(/^\s+trust\s+\S+/).then(() => ({
    child,
    httpUrl: /^\s+HTTP\s+(\S+)/m.exec(out)![1]!,
    output: () => out,
    errors: () => err,
    waitForLine,
    exited,
  }));
}

/** Runs the CLI to its exit (for start-ups that must fail) and returns what it said. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, '--https-port', '0', '--http-port', '0', '--silent', ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after ${STARTUP_LIMIT_MS} ms: ${stdout}${stderr}`));
    }, STARTUP_LIMIT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Sends a signal and resolves with the exit code. */
export async function stopWith(emulator: SpawnedEmulator, signal: NodeJS.Signals): Promise<number | null> {
  if (emulator.child.exitCode === null && emulator.child.signalCode === null) emulator.child.kill(signal);
  return emulator.exited;
}

export interface JsonAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One plain-HTTP request with a JSON body, bounded in time. */
export function request(url: string, options: { method?: string; body?: unknown; headers?: Record<string, string>; agent?: http.Agent } = {}): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        headers: {
          authorization: 'Bearer test',
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}),
          ...options.headers,
        },
        timeout: 20_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}
