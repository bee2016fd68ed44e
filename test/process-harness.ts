// The emulator and other programs as separate processes, run as users run them: `node
// dist/server/cli.js` with its start-up lines read from stdout, SDK programs whose credentials read
// their settings from the environment, and requests over real sockets. Every wait is bounded: a hang
// is a failure, not a wait. (The in-process emulator is test/helpers.ts.)

import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/server/cli.js, next to the compiled tests. */
export const CLI_PATH = join(here, '..', 'server', 'cli.js');
export const fixturePath = (name: string) => join(here, 'fixtures', name);

/** Free ports, no log lines: what most spawned emulators want besides their own flags. */
export const ON_FREE_PORTS = ['--https-port', '0', '--http-port', '0', '--silent'] as const;

const STARTUP_LIMIT_MS = 30_000;

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a child: this process's, less anything that would change how the emulator,
 * credentials or TLS behave (CPE_ settings, Azure identity variables, proxies, extra CAs).
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AZURE_|IDENTITY_|MSI_|IMDS_|NODE_EXTRA_CA_CERTS$|HTTPS?_PROXY$|NO_PROXY$|CPE_)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs `node script args...` to its end, killed after `limitMs`. */
export function runNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv, options: { cwd?: string; limitMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the CLI to its exit (for start-ups that must fail) in a clean environment. */
export function runCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; limitMs?: number } = {}): Promise<ProcessResult> {
  return runNode(CLI_PATH, args, cleanEnv(options.env), { limitMs: STARTUP_LIMIT_MS, ...options });
}

export interface SpawnedEmulator {
  child: ChildProcess;
  httpsUrl: string;
  httpUrl: string;
  /** The certificate file its trust line names. */
  certPath: string;
  /** The ready block's lines, as printed. */
  lines: string[];
  /** Everything it printed on stdout so far. */
  output(): string;
  /** Everything it printed on stderr so far. */
  errors(): string;
  /** Resolves when a stdout line matches (bounded in time). */
  waitForLine(pattern: RegExp, limitMs?: number): Promise<string>;
  /** Resolves with the exit code once the process has exited (null when a signal ended it). */
  exited: Promise<number | null>;
}

/**
 * Spawns the CLI with exactly `args` (add ON_FREE_PORTS for free ports and no logs) in a clean
 * environment, and resolves once it printed its ready block. `prefix` runs it under another
 * command (e.g. prlimit, to limit the size of the files it writes).
 */
export function startCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; prefix?: readonly string[] } = {}): Promise<SpawnedEmulator> {
  const command = [...(options.prefix ?? []), process.execPath, CLI_PATH, ...args];
  const child = spawn(command[0]!, command.slice(1), { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
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
        child.kill('SIGKILL');
        reject(new Error(`no line matching ${pattern} within ${limitMs} ms: ${out}${err}`));
      }, limitMs);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exited.then((code) => {
        if (!listeners.has(check)) return;
        finish();
        reject(new Error(`exited with ${code} before a line matching ${pattern}: ${out}${err}`));
      });
      check();
    });

  // The trust line ends the ready block.
  return waitForLine(/^\s+trust\s+\S+/).then(() => ({
    child,
    httpsUrl: /^\s+HTTPS\s+(\S+)/m.exec(out)![1]!,
    httpUrl: /^\s+HTTP\s+(\S+)/m.exec(out)![1]!,
    certPath: /^\s+trust\s+(\S+)/m.exec(out)![1]!,
    lines: out.split('\n'),
    output: () => out,
    errors: () => err,
    waitForLine,
    exited,
  }));
}

/** Sends a signal (unless it has exited already) and resolves with the exit code. */
export async function stop(emulator: SpawnedEmulator, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (emulator.child.exitCode === null && emulator.child.signalCode === null) emulator.child.kill(signal);
  return emulator.exited;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request with an optional JSON body, over HTTP or HTTPS as the URL says, bounded in time. */
export function request(
  url: string,
  options: { method?: string; body?: unknown; headers?: Record<string, string>; ca?: string; agent?: http.Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const send = url.startsWith('https:') ? https.request : http.request;
    const req = send(
      url,
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
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
