// Child processes of the bench: servers pinned to one core, load generators pinned to the other,
// and the readings of a server's CPU time and memory from /proc.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadJob } from './load.js';
import { parseProcStat, parseProcStatus, type CpuTicks, type Memory } from './stats.js';

/** The server gets core 0, the load generator core 1: they never compete for a core. */
export const SERVER_CORE = 0;
export const LOAD_CORE = 1;

const READY_LIMIT_MS = 20_000;
const STOP_LIMIT_MS = 10_000;

const distDirectory = fileURLToPath(new URL('..', import.meta.url));
export const EMULATOR_SCRIPT = join(distDirectory, 'server', 'cli.js');
export const BASELINE_SCRIPT = join(distDirectory, 'bench', 'baseline-server.js');
const LOAD_SCRIPT = join(distDirectory, 'bench', 'load.js');

export type ServerKind = 'baseline' | 'emulator';

export function pinned(core: number, args: string[]): [string, string[]] {
  return ['taskset', ['-c', String(core), ...args]];
}

/** A new folder under `base` (the system's temporary folder by default). */
export function temporaryFolder(label: string, base = tmpdir()): string {
  return mkdtempSync(join(base, `cpe-bench-${label}-`));
}

export interface ServerProcess {
  kind: ServerKind;
  pid: number;
  /** The plain-HTTP origin, e.g. http://127.0.0.1:40123. */
  url: string;
  /** The emulator's HTTPS origin and the certificate to trust for it; empty for the baseline. */
  httpsUrl: string;
  certPath: string;
  dataDir: string;
  /** Milliseconds from spawn to the first 200 of the health endpoint. */
  coldStartMs: number;
  cpu(): CpuTicks;
  memory(): Memory;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** A data folder to use (and keep); by default a new one, removed at stop. */
  dataDir?: string;
  /** Extra flags for the server, e.g. ['--completion', 'instant']. */
  flags?: string[];
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** GET a URL once; the status, or 0 when nothing answered. */
function statusOf(url: string): Promise<number> {
  return new Promise((done) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => done(response.statusCode ?? 0));
    });
    request.setTimeout(2_000, () => request.destroy());
    request.on('error', () => done(0));
  });
}

/** How much of a server's output is kept, for the message when it fails. */
const OUTPUT_KEPT = 4000;

/**
 * Starts a server on the server core and waits for its first 200. Its output comes through a pipe
 * that the bench reads to the end, as a test runner that spawns the emulator does: the ready line
 * gives the address, and the rest (a log line per request) is read and dropped.
 */
export async function startServer(kind: ServerKind, options: ServerOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? temporaryFolder(kind);
  const ownsDataDir = options.dataDir === undefined;
  const args =
    kind === 'emulator'
      ? [EMULATOR_SCRIPT, '--https-port', '0', '--http-port', '0', '--data-dir', dataDir, ...(options.flags ?? [])]
      : [BASELINE_SCRIPT, '--data-dir', dataDir, ...(options.flags ?? [])];
  const [command, commandArgs] = pinned(SERVER_CORE, [process.execPath, ...args]);
  const startedAt = performance.now();
  const child: ChildProcess = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  child.on('exit', () => (exited = true));
  let output = '';
  let url: string | undefined;
  let httpsUrl = '';
  let certPath = '';
  let announce: (() => void) | undefined;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_KEPT);
    url ??= /HTTP\s+(http:\/\/\S+)/.exec(output)?.[1];
    httpsUrl ||= /HTTPS\s+(https:\/\/\S+)/.exec(output)?.[1] ?? '';
    certPath ||= /trust\s+(\S+)/.exec(output)?.[1] ?? '';
    if (url !== undefined) announce?.();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const fail = (why: string) => {
    child.kill('SIGKILL');
    throw new Error(`${kind} ${why}:\n${output}`);
  };
  while (url === undefined) {
    if (exited) fail('exited before it was ready');
    if (performance.now() - startedAt > READY_LIMIT_MS) fail(`was not ready after ${READY_LIMIT_MS} ms`);
    await new Promise<void>((done) => {
      announce = done;
      setTimeout(done, 50);
    });
  }
  const healthUrl = `${url}${kind === 'emulator' ? '/_emulator/health' : '/health'}`;
  while ((await statusOf(healthUrl)) !== 200) {
    if (exited) fail('exited before its first 200');
    if (performance.now() - startedAt > READY_LIMIT_MS) fail(`gave no 200 within ${READY_LIMIT_MS} ms`);
    await sleep(1);
  }
  const coldStartMs = performance.now() - startedAt;
  const pid = child.pid!;

  return {
    kind,
    pid,
    url,
    get httpsUrl() {
      return httpsUrl;
    },
    get certPath() {
      return certPath;
    },
    dataDir,
    coldStartMs,
    cpu: () => parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    memory: () => parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8')),
    stop: async () => {
      if (!exited) {
        const gone = new Promise<void>((done) => child.once('exit', () => done()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_LIMIT_MS);
        await gone;
        clearTimeout(timer);
      }
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `node <args>` on the server core and returns the milliseconds from spawn to exit. */
export function timeNodeRun(args: string[]): Promise<number> {
  const [command, commandArgs] = pinned(SERVER_CORE, [process.execPath, ...args]);
  const startedAt = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(command, commandArgs, { stdio: 'ignore' });
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(performance.now() - startedAt) : fail(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

/** Runs one load job in its own process on the load core (the job on its stdin); its JSON result. */
export function runLoad<Result>(job: LoadJob, limitMs: number, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const [command, commandArgs] = pinned(LOAD_CORE, [process.execPath, LOAD_SCRIPT]);
  return new Promise((done, fail) => {
    const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    child.stdin!.end(JSON.stringify(job));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return fail(new Error(`load job ${job.mode} failed (${code}): ${stderr.slice(0, 2000)}`));
      done(JSON.parse(stdout) as Result);
    });
  });
}
