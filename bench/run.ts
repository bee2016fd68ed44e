// `npm run bench`: every figure of the emulator next to the baseline's, measured in the same run,
// baseline and emulator taking turns (first one, then the other) so that the machine's drift
// falls on both alike. Servers run on one core, load generators on the other. Each figure is the
// median of several runs; each ratio is the median of the runs' own emulator/baseline ratios.
//
//   node dist/bench/run.js [--runs N] [--seconds S] [--only cold,throughput,latency,lro,sdk,fleet,growth,history,size]

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDefaultSeed } from '../server/seed.js';
import type { FleetResult, LroResult, SdkResult, SequentialResult, ThroughputResult } from './load.js';
import { LOAD_CORE, runLoad, startServer, temporaryFolder, timeNodeRun, type ServerKind, type ServerProcess } from './processes.js';
import { BENCH_BODY, getText, installPatches, instanceView, RESOURCE_GROUP, startOperation, statusPoll, SUBSCRIPTION, WINDOWS_VM } from './requests.js';
import { openServices } from '../server/services.js';
import { parseCompletionMode } from '../simulator/progress.js';
import { formatNumber, median } from './stats.js';

const GROUPS = ['cold', 'throughput', 'latency', 'lro', 'sdk', 'fleet', 'growth', 'history', 'size'] as const;
type Group = (typeof GROUPS)[number];

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    only: { type: 'string', default: GROUPS.join(',') },
  },
  strict: true,
});
const RUNS = Math.min(Math.max(Number(values.runs) || 3, 1), 15);
const SECONDS = Math.min(Math.max(Number(values.seconds) || 3, 1), 30);
const ONLY = new Set(values.only.split(',').filter((g): g is Group => (GROUPS as readonly string[]).includes(g)));

const COLD_STARTS = 5;
const SEQUENTIAL_REQUESTS = 1000;
const GROWTH_OPERATIONS = 100_000;
/** The history figure: one VM's operations, as thousands of runs leave them. */
const HISTORY_OPERATIONS = 6_000;
const HISTORY_REQUESTS = 500;
/** The size figure: installations stored, each on the seeded Windows VM. */
const SIZE_OPERATIONS = 400;
/** The operations polled in the growth figure: new ones, as a test suite polls its own. */
const WORKING_SET = 20;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** Emulator flags for the throughput figures: a clock slow enough that polled operations stay InProgress. */
const RUNNING_FLAGS = ['--completion', 'time', '--clock-speed', '1'];
const INSTANT_FLAGS = ['--completion', 'instant'];
/** The SDK figure: how many calls per completion mode (the polling ones wait Retry-After: 1 s per poll). */
const SDK_CALLS: Record<string, number> = { sync: 20, instant: 3, 'polls:2': 3 };
/** The CI-fleet figure: parallel workers, each on its own VM. */
const FLEET_WORKERS = [1, 4, 16, 32, 64] as const;
const FLEET_RESOURCE_GROUP = 'bench-fleet';
/** The latency a CI fleet's requests should stay under (p99). */
const FLEET_P99_LIMIT_MS = 50;

type Direction = 'higher' | 'lower';

interface Row {
  figure: string;
  unit: string;
  baseline: number;
  emulator: number;
  /** Median of the per-run ratios, or the ratio of the medians where runs are not paired. */
  ratio: number;
  target?: { limit: number; direction: Direction };
  /** Set where the two columns are not baseline and emulator. */
  columns?: [string, string];
}

const rows: Row[] = [];
const benchStartedAt = performance.now();
const log = (line: string) => process.stderr.write(`[${Math.round((performance.now() - benchStartedAt) / 1000)} s] ${line}\n`);

/** Paired samples: one baseline and one emulator figure per run. */
class Paired {
  readonly baseline: number[] = [];
  readonly emulator: number[] = [];
  add(kind: ServerKind, value: number): void {
    this[kind].push(value);
  }
  row(figure: string, unit: string, target?: Row['target']): Row {
    const ratios = this.emulator.map((value, i) => value / this.baseline[i]!);
    const row: Row = { figure, unit, baseline: median(this.baseline), emulator: median(this.emulator), ratio: median(ratios), ...(target ? { target } : {}) };
    rows.push(row);
    return row;
  }
}

/** The order of the two servers in run r: alternating, so neither is always first. */
function turns<T>(run: number, baseline: T, emulator: T): Array<[ServerKind, T]> {
  return run % 2 === 0 ? [['baseline', baseline], ['emulator', emulator]] : [['emulator', emulator], ['baseline', baseline]];
}

function refuseUnexpected(what: string, result: { unexpected: number; errors?: number }): void {
  if (result.unexpected > 0 || (result.errors ?? 0) > 0) {
    throw new Error(`${what}: ${result.unexpected} unexpected statuses, ${result.errors ?? 0} errors: the figure would be wrong`);
  }
}

const loadLimitMs = (seconds: number) => (seconds + 30) * 1000;

async function coldStart(): Promise<void> {
  log(`cold start: ${COLD_STARTS} starts each of node -e 0, the baseline and the emulator, on a fresh data folder and on one kept from a first start`);
  const nodeOnly: number[] = [];
  const start = new Paired();
  const restart = new Paired();
  const rss = new Paired();
  // A data folder that a first start has filled: the emulator's has its database and certificate.
  const kept = { baseline: temporaryFolder('baseline-kept'), emulator: temporaryFolder('emulator-kept') };
  try {
    for (const kind of ['baseline', 'emulator'] as const) {
      await (await startServer(kind, { dataDir: kept[kind], flags: kind === 'emulator' ? INSTANT_FLAGS : [] })).stop();
    }
    for (let i = 0; i < COLD_STARTS; i++) {
      nodeOnly.push(await timeNodeRun(['-e', '0']));
      for (const [kind, flags] of turns(i, [], INSTANT_FLAGS)) {
        const server = await startServer(kind, { flags });
        start.add(kind, server.coldStartMs);
        rss.add(kind, server.memory().rssKb / 1024);
        await server.stop();
        const again = await startServer(kind, { flags, dataDir: kept[kind] });
        restart.add(kind, again.coldStartMs);
        await again.stop();
      }
    }
  } finally {
    for (const folder of Object.values(kept)) rmSync(folder, { recursive: true, force: true });
  }
  const startRow = start.row('cold start, fresh data folder (certificate generated), spawn to first 200', 'ms', { limit: 1.6, direction: 'lower' });
  restart.row('cold start, kept data folder, spawn to first 200', 'ms', { limit: 1.3, direction: 'lower' });
  rows.push({
    figure: 'cold start, fresh data folder, vs `node -e 0`',
    unit: 'ms',
    baseline: median(nodeOnly),
    emulator: startRow.emulator,
    ratio: startRow.emulator / median(nodeOnly),
    columns: ['node -e 0', 'emulator'],
  });
  rss.row('RSS after start', 'MiB', { limit: 1.2, direction: 'lower' });
}

interface Servers {
  baseline: ServerProcess;
  emulator: ServerProcess;
}

async function startBoth(emulatorFlags: string[]): Promise<Servers> {
  const baseline = await startServer('baseline');
  const emulator = await startServer('emulator', { flags: emulatorFlags });
  return { baseline, emulator };
}

async function stopBoth(servers: Servers): Promise<void> {
  await servers.baseline.stop();
  await servers.emulator.stop();
}

/** Server CPU time (user + system) in microseconds between two readings. */
function cpuMicros(server: ServerProcess, work: () => Promise<number>): Promise<{ micros: number; count: number }> {
  const before = server.cpu();
  return work().then((count) => {
    const after = server.cpu();
    return { micros: ((after.user + after.system - before.user - before.system) / CLK_TCK) * 1e6, count };
  });
}

async function throughputAndLatency(): Promise<void> {
  const servers = await startBoth(RUNNING_FLAGS);
  try {
    // The polled operation is started anew before each status-poll phase: the POST load before it
    // supersedes the VM's running operation (overlapping operations), and a poll of a running one
    // is what is measured.
    let pollUrls = { baseline: '', emulator: '' };
    const routes = [
      { name: 'POST installPatches', prepare: async () => {}, request: (kind: ServerKind) => installPatches(servers[kind].url) },
      {
        name: 'status poll (running)',
        prepare: async () => {
          pollUrls = { baseline: (await startOperation(servers.baseline.url)).statusUrl, emulator: (await startOperation(servers.emulator.url)).statusUrl };
        },
        request: (kind: ServerKind) => statusPoll(pollUrls[kind]),
      },
    ];
    log('warm-up: 1 s of each route on each server');
    for (const route of routes) {
      await route.prepare();
      for (const kind of ['baseline', 'emulator'] as const) {
        await runLoad<ThroughputResult>({ mode: 'throughput', request: route.request(kind), connections: 10, durationSeconds: 1 }, loadLimitMs(1));
      }
    }

    if (ONLY.has('throughput')) {
      for (const route of routes) {
        await route.prepare();
        for (const connections of [10, 100]) {
          log(`${route.name}, ${connections} connections: ${RUNS} runs of ${SECONDS} s on each server`);
          const rps = new Paired();
          const p50 = new Paired();
          const p99 = new Paired();
          const cpu = new Paired();
          for (let run = 0; run < RUNS; run++) {
            for (const [kind, server] of turns(run, servers.baseline, servers.emulator)) {
              let result!: ThroughputResult;
              const { micros, count } = await cpuMicros(server, async () => {
                result = await runLoad<ThroughputResult>(
                  { mode: 'throughput', request: route.request(kind), connections, durationSeconds: SECONDS },
                  loadLimitMs(SECONDS),
                );
                return result.responses;
              });
              refuseUnexpected(`${kind} ${route.name}`, result);
              rps.add(kind, result.requestsPerSecond);
              p50.add(kind, result.p50Ms);
              p99.add(kind, result.p99Ms);
              cpu.add(kind, micros / count);
            }
          }
          rps.row(`${route.name}, ${connections} conns: req/s`, 'req/s');
          p50.row(`${route.name}, ${connections} conns: p50`, 'ms');
          p99.row(`${route.name}, ${connections} conns: p99`, 'ms');
          cpu.row(`${route.name}, ${connections} conns: server CPU per request`, 'µs', { limit: 1.3, direction: 'lower' });
        }
      }
    }

    if (ONLY.has('latency')) {
      for (const route of routes) {
        await route.prepare();
        log(`${route.name}, one connection: ${RUNS} runs of ${SEQUENTIAL_REQUESTS} sequential requests on each server`);
        const p50 = new Paired();
        const p99 = new Paired();
        for (let run = 0; run < RUNS; run++) {
          for (const [kind] of turns(run, 0, 0)) {
            const result = await runLoad<SequentialResult>(
              { mode: 'sequential', request: route.request(kind), count: SEQUENTIAL_REQUESTS },
              loadLimitMs(60),
            );
            refuseUnexpected(`${kind} ${route.name}`, result);
            p50.add(kind, result.p50Ms);
            p99.add(kind, result.p99Ms);
          }
        }
        p50.row(`${route.name}, one connection: p50`, 'ms', { limit: 1.3, direction: 'lower' });
        p99.row(`${route.name}, one connection: p99`, 'ms');
      }
    }

    const now = new Paired();
    const peak = new Paired();
    for (const kind of ['baseline', 'emulator'] as const) {
      const memory = servers[kind].memory();
      now.add(kind, memory.rssKb / 1024);
      peak.add(kind, memory.peakKb / 1024);
    }
    now.row('RSS after the load above', 'MiB', { limit: 1.5, direction: 'lower' });
    peak.row('RSS at peak, during the load above', 'MiB', { limit: 1.5, direction: 'lower' });
  } finally {
    await stopBoth(servers);
  }
}

/**
 * Finished operations, in `instant` mode on both servers: the status poll of a finished operation,
 * the final Location GET, and whole LRO cycles (POST, the status poll that finishes the operation,
 * the Location GET). The baseline returns, for a finished operation, a stored JSON string as large
 * as the emulator's result: the emulator's own result for the bench's request.
 */
async function finishedOperations(): Promise<void> {
  const emulator = await startServer('emulator', { flags: INSTANT_FLAGS });
  const resultFolder = temporaryFolder('result');
  let baseline: ServerProcess | undefined;
  try {
    const emulatorUrls = await startOperation(emulator.url);
    const envelope = await getText(emulatorUrls.statusUrl);
    const result = await getText(emulatorUrls.locationUrl);
    if (envelope.status !== 200 || result.status !== 200) throw new Error(`the emulator's finished operation answered ${envelope.status}, ${result.status}`);
    const resultFile = join(resultFolder, 'result.json');
    writeFileSync(resultFile, result.body);
    baseline = await startServer('baseline', { flags: ['--completion', 'instant', '--result-file', resultFile] });
    const baselineUrls = await startOperation(baseline.url);
    await getText(baselineUrls.statusUrl);
    const urls = { baseline: baselineUrls, emulator: emulatorUrls };
    const servers = { baseline, emulator };
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    log(`finished operations: the result is ${kb(Buffer.byteLength(result.body))}, its status envelope ${kb(Buffer.byteLength(envelope.body))}`);
    const routes = [
      { name: `status poll (finished, ${kb(Buffer.byteLength(envelope.body))})`, url: (kind: ServerKind) => urls[kind].statusUrl },
      { name: `final Location GET (${kb(Buffer.byteLength(result.body))})`, url: (kind: ServerKind) => urls[kind].locationUrl },
    ];
    for (const route of routes) {
      for (const kind of ['baseline', 'emulator'] as const) {
        await runLoad<ThroughputResult>({ mode: 'throughput', request: statusPoll(route.url(kind)), connections: 10, durationSeconds: 1 }, loadLimitMs(1));
      }
      log(`${route.name}, 10 connections: ${RUNS} runs of ${SECONDS} s on each server; then one connection`);
      const rps = new Paired();
      const cpu = new Paired();
      const p50 = new Paired();
      for (let run = 0; run < RUNS; run++) {
        for (const [kind, server] of turns(run, baseline, emulator)) {
          let answer!: ThroughputResult;
          const { micros, count } = await cpuMicros(server, async () => {
            answer = await runLoad<ThroughputResult>({ mode: 'throughput', request: statusPoll(route.url(kind)), connections: 10, durationSeconds: SECONDS }, loadLimitMs(SECONDS));
            return answer.responses;
          });
          refuseUnexpected(`${kind} ${route.name}`, answer);
          rps.add(kind, answer.requestsPerSecond);
          cpu.add(kind, micros / count);
          const sequential = await runLoad<SequentialResult>({ mode: 'sequential', request: statusPoll(route.url(kind)), count: SEQUENTIAL_REQUESTS }, loadLimitMs(60));
          refuseUnexpected(`${kind} ${route.name}, one connection`, sequential);
          p50.add(kind, sequential.p50Ms);
        }
      }
      rps.row(`${route.name}, 10 conns: req/s`, 'req/s');
      cpu.row(`${route.name}, 10 conns: server CPU per request`, 'µs', { limit: 1.3, direction: 'lower' });
      p50.row(`${route.name}, one connection: p50`, 'ms');
    }

    log(`LRO cycles (POST, status poll, final GET), 10 connections: ${RUNS} runs of ${SECONDS} s on each server`);
    for (const kind of ['baseline', 'emulator'] as const) {
      await runLoad<LroResult>({ mode: 'lro', post: installPatches(servers[kind].url), connections: 10, durationSeconds: 1 }, loadLimitMs(1));
    }
    const cycles = new Paired();
    const cpu = new Paired();
    for (let run = 0; run < RUNS; run++) {
      for (const [kind, server] of turns(run, baseline, emulator)) {
        let answer!: LroResult;
        const { micros, count } = await cpuMicros(server, async () => {
          answer = await runLoad<LroResult>({ mode: 'lro', post: installPatches(server.url), connections: 10, durationSeconds: SECONDS }, loadLimitMs(SECONDS));
          return answer.cycles;
        });
        refuseUnexpected(`${kind} LRO cycle`, answer);
        cycles.add(kind, answer.cyclesPerSecond);
        cpu.add(kind, micros / count);
      }
    }
    cycles.row('full LRO cycles (instant), 10 conns', 'cycles/s');
    cpu.row('full LRO cycle (instant; baseline: its three requests), 10 conns: server CPU per cycle', 'µs', { limit: 1.3, direction: 'lower' });
  } finally {
    await emulator.stop();
    await baseline?.stop();
    rmSync(resultFolder, { recursive: true, force: true });
  }
}

/** Sends one admin request to the emulator (JSON in, status out). */
function admin(server: ServerProcess, method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((done, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(`${server.url}${path}`, { method, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} }, (response) => {
      response.resume();
      response.on('end', () => done(response.statusCode ?? 0));
    });
    request.setTimeout(10_000, () => request.destroy(new Error(`${method} ${path} timed out`)));
    request.on('error', fail);
    request.end(payload);
  });
}

interface SdkRow {
  mode: string;
  calls: number;
  requestsPerCall: number;
  p50Ms: number;
}
const sdkRows: SdkRow[] = [];

/** An unmodified SDK call per completion mode, as a test suite makes it: default client options. */
async function sdkCalls(): Promise<void> {
  const emulator = await startServer('emulator', { flags: ['--completion', 'sync'] });
  try {
    const endpoint = emulator.httpsUrl.replace('127.0.0.1', 'localhost');
    for (const [mode, count] of Object.entries(SDK_CALLS)) {
      log(`SDK beginInstallPatchesAndWait with default options, --completion ${mode}: ${count} calls`);
      if ((await admin(emulator, 'PUT', '/_emulator/completion', { default: mode })) !== 200) throw new Error(`could not set completion ${mode}`);
      const job = { mode: 'sdk' as const, endpoint, subscriptionId: SUBSCRIPTION, resourceGroup: RESOURCE_GROUP, vmName: WINDOWS_VM, body: BENCH_BODY };
      // One call first: the client's own start (module load, TLS session) is not the figure.
      await runLoad<SdkResult>({ ...job, count: 1 }, 60_000, { NODE_EXTRA_CA_CERTS: emulator.certPath });
      await admin(emulator, 'DELETE', '/_emulator/requests');
      const { times } = await runLoad<SdkResult>({ ...job, count }, count * 10_000 + 30_000, { NODE_EXTRA_CA_CERTS: emulator.certPath });
      const journal = JSON.parse((await getText(`${emulator.url}/_emulator/requests`)).body) as { value: unknown[] };
      sdkRows.push({ mode, calls: count, requestsPerCall: journal.value.length / count, p50Ms: median(times) });
    }
  } finally {
    await emulator.stop();
  }
}

interface FleetRow {
  workers: number;
  result: FleetResult;
  cpuPerOperationMicros: number;
}
const fleetRows: FleetRow[] = [];

/** A seed with the default resources plus one Windows VM per fleet worker. */
function fleetSeed(folder: string): string {
  const seed = loadDefaultSeed();
  const template = seed.subscriptions[0]!.resourceGroups[0]!.virtualMachines!.find((vm) => vm.name === WINDOWS_VM)!;
  const workers = Math.max(...FLEET_WORKERS);
  seed.subscriptions[0]!.resourceGroups.push({
    name: FLEET_RESOURCE_GROUP,
    location: 'westus',
    virtualMachines: Array.from({ length: workers }, (_, i) => {
      const name = `fleet-vm-${i + 1}`;
      const vm = structuredClone(template);
      vm.name = name;
      return vm;
    }),
  });
  const file = join(folder, 'fleet-seed.json');
  writeFileSync(file, JSON.stringify(seed));
  return file;
}

/**
 * A CI fleet on one emulator: W parallel workers, each with its own VM, each running LRO cycles
 * back to back (`instant`); operations per second, and the latency of their requests.
 */
async function ciFleet(): Promise<void> {
  const folder = temporaryFolder('fleet');
  const emulator = await startServer('emulator', { flags: [...INSTANT_FLAGS, '--seed-file', fleetSeed(folder)] });
  try {
    const posts = (workers: number) => Array.from({ length: workers }, (_, i) => installPatches(emulator.url, FLEET_RESOURCE_GROUP, `fleet-vm-${i + 1}`));
    await runLoad<FleetResult>({ mode: 'fleet', posts: posts(Math.max(...FLEET_WORKERS)), durationSeconds: 1 }, loadLimitMs(1));
    for (const workers of FLEET_WORKERS) {
      log(`CI fleet: ${workers} workers for ${SECONDS} s`);
      let result!: FleetResult;
      const { micros, count } = await cpuMicros(emulator, async () => {
        result = await runLoad<FleetResult>({ mode: 'fleet', posts: posts(workers), durationSeconds: SECONDS }, loadLimitMs(SECONDS));
        return result.operations;
      });
      refuseUnexpected(`fleet of ${workers}`, result);
      fleetRows.push({ workers, result, cpuPerOperationMicros: micros / count });
    }
  } finally {
    await emulator.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The growth figure's stores live in RAM where the machine has a tmpfs: 100,000 operations are
 * 1.8 GB, and writing them to a shared disk took longer than the rest of the figure.
 */
const STORE_BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

function fillStore(count: number, mode = ''): string {
  const dataDir = temporaryFolder(`store-${count}`, STORE_BASE);
  const filled = spawnSync(process.execPath, [new URL('./fill-operations.js', import.meta.url).pathname, dataDir, String(count), '1', mode], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  if (filled.status !== 0) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`filling a store of ${count} operations failed: ${filled.stderr}`);
  }
  return dataDir;
}

async function growth(): Promise<void> {
  log(`poll cost as the data grows: filling a store with ${GROWTH_OPERATIONS} operations`);
  const emptyDir = temporaryFolder('store-empty', STORE_BASE);
  const started: ServerProcess[] = [];
  let largeDir: string | undefined;
  try {
    largeDir = fillStore(GROWTH_OPERATIONS);
    log('  filled');
    const start = async (dataDir: string) => {
      const server = await startServer('emulator', { dataDir, flags: RUNNING_FLAGS });
      started.push(server);
      return server;
    };
    const servers = { empty: await start(emptyDir), large: await start(largeDir) };
    const workingSet = { empty: [] as string[], large: [] as string[] };
    for (const which of ['empty', 'large'] as const) {
      for (let i = 0; i < WORKING_SET; i++) workingSet[which].push((await startOperation(servers[which].url)).statusUrl);
    }
    const job = (which: 'empty' | 'large', count: number) =>
      runLoad<SequentialResult>({ mode: 'sequential', request: statusPoll(workingSet[which][0]!), urls: workingSet[which], count }, loadLimitMs(60));
    await job('empty', 300);
    await job('large', 300);
    log(`  polling ${WORKING_SET} new operations in turn, in an empty store and beside ${GROWTH_OPERATIONS} stored ones: ${RUNS} runs`);
    const p50 = new Paired();
    for (let run = 0; run < RUNS; run++) {
      // "baseline" is the empty store here: the emulator is compared with itself.
      for (const [kind, which] of turns(run, 'empty' as const, 'large' as const)) {
        const result = await job(which, SEQUENTIAL_REQUESTS);
        refuseUnexpected(`poll with the ${which} store`, result);
        p50.add(kind, result.p50Ms);
      }
    }
    const row = p50.row(`status poll p50, ${GROWTH_OPERATIONS / 1000}k operations stored vs none`, 'ms', { limit: 1.2, direction: 'lower' });
    row.columns = ['empty store', `${GROWTH_OPERATIONS / 1000}k stored`];
  } finally {
    for (const server of started) await server.stop();
    if (largeDir) rmSync(largeDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  }
}

/**
 * instanceView, the status poll and the POST on a VM with 6,000 operations behind it against the
 * same on a VM with none (`--operation-retention 0`, so the history stays). Each reads the VM's
 * newest operations through an index, so the history itself should cost nothing; a VM with no
 * operation at all has no patch summaries to build, so instanceView is also compared with a VM
 * whose history is one installation and one assessment.
 */
async function history(): Promise<void> {
  log(`a VM's history: filling stores with ${HISTORY_OPERATIONS} and with 2 operations on ${WINDOWS_VM}`);
  const emptyDir = temporaryFolder('history-empty', STORE_BASE);
  const started: ServerProcess[] = [];
  const filled: string[] = [];
  type Which = 'empty' | 'two' | 'full';
  try {
    const fullDir = fillStore(HISTORY_OPERATIONS, 'history');
    filled.push(fullDir);
    const twoDir = fillStore(2, 'history');
    filled.push(twoDir);
    const flags = [...RUNNING_FLAGS, '--operation-retention', '0'];
    const start = async (dataDir: string) => {
      const server = await startServer('emulator', { dataDir, flags });
      started.push(server);
      return server;
    };
    const servers: Record<Which, ServerProcess> = { empty: await start(emptyDir), two: await start(twoDir), full: await start(fullDir) };
    const full = HISTORY_OPERATIONS.toLocaleString('en');
    const figures = [
      { name: 'instanceView', against: 'empty' as Which, label: 'none', request: async (which: Which) => instanceView(servers[which].url) },
      { name: 'instanceView', against: 'two' as Which, label: '2 (an install, an assessment)', request: async (which: Which) => instanceView(servers[which].url) },
      { name: 'status poll', against: 'empty' as Which, label: 'none', request: async (which: Which) => statusPoll((await startOperation(servers[which].url)).statusUrl) },
      { name: 'POST installPatches', against: 'empty' as Which, label: 'none', request: async (which: Which) => installPatches(servers[which].url) },
    ];
    for (const figure of figures) {
      log(`  ${figure.name}: ${RUNS} runs of ${HISTORY_REQUESTS} sequential requests, with ${full} operations on the VM and with ${figure.label}`);
      const p50 = new Paired();
      for (const which of [figure.against, 'full'] as const) {
        await runLoad<SequentialResult>({ mode: 'sequential', request: await figure.request(which), count: 100 }, loadLimitMs(60));
      }
      for (let run = 0; run < RUNS; run++) {
        for (const [kind, which] of turns(run, figure.against, 'full' as Which)) {
          const result = await runLoad<SequentialResult>({ mode: 'sequential', request: await figure.request(which), count: HISTORY_REQUESTS }, loadLimitMs(60));
          refuseUnexpected(`${figure.name} with the ${which} history`, result);
          p50.add(kind, result.p50Ms);
        }
      }
      const row = p50.row(`${figure.name} p50, ${full} operations on the VM vs ${figure.label}`, 'ms', { limit: 1.2, direction: 'lower' });
      row.columns = [figure.label.replace(/ \(.*\)$/, ''), full];
    }
  } finally {
    for (const server of started) await server.stop();
    for (const folder of filled) rmSync(folder, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  }
}

const sizeLines: string[] = [];

/**
 * Bytes a stored installation costs, from SQLite's own accounting (the dbstat table): over
 * SIZE_OPERATIONS finished installations of the bench's body on the seeded Windows VM, each on the
 * VM as seeded (its patch state put back first, so each one installs the month's updates), the
 * operations table's and its indexes' payload, less the result bodies, per operation; and the pages
 * they take, free space in them included.
 */
function storedSize(): void {
  log(`stored size: ${SIZE_OPERATIONS} installations on ${WINDOWS_VM}`);
  const dataDir = temporaryFolder('size');
  try {
    const services = openServices({
      databaseFile: join(dataDir, 'emulator.sqlite'),
      seed: 'compute-patch-emulator',
      clockSpeed: 3600,
      completion: parseCompletionMode('instant')!,
    });
    const seeded = services.resources.getVirtualMachine(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM)!;
    for (let i = 0; i < SIZE_OPERATIONS; i++) {
      services.resources.updatePatchState(seeded, seeded.patchState);
      const vm = services.resources.getVirtualMachine(SUBSCRIPTION, RESOURCE_GROUP, WINDOWS_VM)!;
      const operation = services.patchOperations.startInstall(vm, JSON.parse(BENCH_BODY), '2024-07-01');
      services.patchOperations.pollStatus(SUBSCRIPTION, operation.id);
    }
    // Outside a request nothing ends the turn's transaction (server/store/write-batch.ts).
    services.batch.commit();
    services.db.pragma('wal_checkpoint(TRUNCATE)');
    const lengths = services.db
      .prepare("SELECT count(*) AS n, sum(length(result)) AS result, sum(length(plan)) AS plan FROM operations WHERE kind = 'installPatches'")
      .get() as { n: number; result: number; plan: number };
    const stat = services.db
      .prepare(
        `SELECT sum(payload) AS payload, sum(pgsize) AS pages FROM dbstat
         WHERE name = 'operations' OR name IN (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'operations')`,
      )
      .get() as { payload: number; pages: number };
    services.close();
    const per = (bytes: number) => Math.round(bytes / lengths.n);
    const beyond = per(stat.payload - lengths.result);
    sizeLines.push(
      '| figure | bytes per operation | target |',
      '| --- | ---: | --- |',
      `| stored installation on ${WINDOWS_VM} (Critical+Security, as seeded): result body | ${per(lengths.result)} |  |`,
      `| the plan (request and compact plan) | ${per(lengths.plan)} |  |`,
      `| beyond the result body: plan, other columns, index entries | ${beyond} | <= 2048 ${beyond <= 2048 ? 'met' : '**missed**'} |`,
      `| pages the operation takes, table and indexes, free space in them included | ${per(stat.pages)} |  |`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function verdict(row: Row): string {
  if (!row.target) return '';
  const { limit, direction } = row.target;
  const ok = direction === 'lower' ? row.ratio <= limit : row.ratio >= limit;
  return `${direction === 'lower' ? '<=' : '>='} ${limit} ${ok ? 'met' : '**missed**'}`;
}

function table(): string {
  const lines = ['| figure | unit | baseline | emulator | ratio | target |', '| --- | --- | ---: | ---: | ---: | --- |'];
  for (const row of rows) {
    const [left, right] = row.columns ?? ['', ''];
    const baseline = left ? `${formatNumber(row.baseline)} (${left})` : formatNumber(row.baseline);
    const emulator = right ? `${formatNumber(row.emulator)} (${right})` : formatNumber(row.emulator);
    lines.push(`| ${row.figure} | ${row.unit} | ${baseline} | ${emulator} | ${row.ratio.toFixed(2)} | ${verdict(row)} |`);
  }
  return lines.join('\n');
}

function sdkTable(): string[] {
  if (sdkRows.length === 0) return [];
  return [
    'Unmodified SDK call (`beginInstallPatchesAndWait`, default client options, Retry-After 1 s), per completion mode:',
    '',
    '| completion | calls | requests per call | wall time p50 |',
    '| --- | ---: | ---: | ---: |',
    ...sdkRows.map((row) => `| \`${row.mode}\` | ${row.calls} | ${formatNumber(row.requestsPerCall)} | ${formatNumber(row.p50Ms)} ms |`),
    '',
  ];
}

function fleetTable(): string[] {
  if (fleetRows.length === 0) return [];
  const held = fleetRows.filter((row) => row.result.p99Ms < FLEET_P99_LIMIT_MS).map((row) => row.workers);
  const best = fleetRows.reduce((a, b) => (b.result.operationsPerSecond > a.result.operationsPerSecond ? b : a));
  return [
    'CI fleet on one emulator (`instant`; each worker its own VM; an operation is POST, status poll, Location GET):',
    '',
    '| workers | operations/s | request p50 | request p99 | server CPU per operation |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...fleetRows.map(
      (row) =>
        `| ${row.workers} | ${formatNumber(row.result.operationsPerSecond)} | ${formatNumber(row.result.p50Ms)} ms | ${formatNumber(row.result.p99Ms)} ms | ${formatNumber(row.cpuPerOperationMicros)} µs |`,
    ),
    '',
    `Sustained: ${formatNumber(best.result.operationsPerSecond)} operations/s (${best.workers} workers); ` +
      `p99 under ${FLEET_P99_LIMIT_MS} ms up to ${held.length > 0 ? Math.max(...held) : 0} workers (of ${FLEET_WORKERS.join(', ')}).`,
    '',
  ];
}

async function main(): Promise<void> {
  if (cpus().length < 2) log('warning: fewer than 2 cores: server and load generator share one, figures are rough');
  // The bench itself (reading the servers' output) keeps to the load generator's core.
  execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  // The machine's load from everything else, to read the wall-clock figures by.
  const loadBefore = loadavg()[0]!;
  // A group that fails is reported, and the table still shows every figure measured before it.
  let failure: Error | undefined;
  const groups: Array<[boolean, () => Promise<void>]> = [
    [ONLY.has('cold'), coldStart],
    [ONLY.has('throughput') || ONLY.has('latency'), throughputAndLatency],
    [ONLY.has('lro'), finishedOperations],
    [ONLY.has('sdk'), sdkCalls],
    [ONLY.has('fleet'), ciFleet],
    [ONLY.has('growth'), growth],
    [ONLY.has('history'), history],
    [ONLY.has('size'), async () => storedSize()],
  ];
  for (const [wanted, measure] of groups) {
    if (!wanted || failure) continue;
    await measure().catch((error: Error) => (failure = error));
  }
  const seconds = Math.round((performance.now() - benchStartedAt) / 1000);
  process.stdout.write(
    [
      '',
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${process.platform}. ` +
        `Date: ${new Date().toISOString().slice(0, 10)}. Command: \`npm run bench\` (${RUNS} runs, ${SECONDS} s each; took ${seconds} s). ` +
        `Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after.`,
      '',
      table(),
      '',
      ...(sizeLines.length > 0 ? [...sizeLines, ''] : []),
      ...sdkTable(),
      ...fleetTable(),
    ].join('\n'),
  );
  if (failure) {
    log(`bench failed: ${failure.stack ?? failure.message}`);
    process.exitCode = 1;
  }
}

await main();
