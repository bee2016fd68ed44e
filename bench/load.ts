// The load generator, run in its own process (pinned to its own core by the bench) so that its work
// never counts as the server's. It reads one job as JSON on stdin and prints one JSON result.
//
//   throughput  autocannon: N connections for D seconds; req/s, p50/p99 from every response's time
//   sequential  one keep-alive connection, one request at a time, each timed with hrtime
//   lro         autocannon request sequences: POST, status poll, final GET; full cycles per second
//   fleet       W workers, each on its own keep-alive connection and its own VM, each running LRO
//               cycles (POST, status polls until terminal, final GET) back to back, as a CI fleet's
//               test workers do; operations per second and the latency of every request
//   sdk         an unmodified @azure/arm-compute call (beginInstallPatchesAndWait, default client
//               options), N times one after the other; the wall time of each

import http from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface RequestSpec {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Any other status is counted as unexpected; the bench refuses a run that has any. */
  expectStatus: number;
}

export type LoadJob =
  | { mode: 'throughput'; request: RequestSpec; connections: number; durationSeconds: number }
  /** `urls`, when given, are requested in turn in place of `request.url`. */
  | { mode: 'sequential'; request: RequestSpec; count: number; urls?: string[] }
  | { mode: 'lro'; post: RequestSpec; connections: number; durationSeconds: number }
  /** `posts`: one installPatches request per worker, each on its own VM. */
  | { mode: 'fleet'; posts: RequestSpec[]; durationSeconds: number }
  /** The client trusts the emulator's certificate through NODE_EXTRA_CA_CERTS, set by the bench. */
  | { mode: 'sdk'; endpoint: string; subscriptionId: string; resourceGroup: string; vmName: string; body: string; count: number };

export interface ThroughputResult {
  responses: number;
  unexpected: number;
  errors: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SequentialResult {
  responses: number;
  unexpected: number;
  p50Ms: number;
  p99Ms: number;
}

export interface FleetResult {
  operations: number;
  unexpected: number;
  operationsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface SdkResult {
  /** Wall time of each call, in ms. */
  times: number[];
}

export interface LroResult {
  cycles: number;
  unexpected: number;
  errors: number;
  cyclesPerSecond: number;
}

/** Bounds every job: no run may hold more response times than this. */
const MAX_SAMPLES = 2_000_000;

function throughput(job: Extract<LoadJob, { mode: 'throughput' }>): Promise<ThroughputResult> {
  return new Promise((done, fail) => {
    const times: number[] = [];
    let unexpected = 0;
    const startedAt = performance.now();
    const instance = autocannon(
      {
        url: job.request.url,
        method: job.request.method,
        headers: job.request.headers,
        ...(job.request.body !== undefined ? { body: job.request.body } : {}),
        connections: job.connections,
        duration: job.durationSeconds,
      },
      (error, result) => {
        if (error) return fail(error);
        const elapsedSeconds = (performance.now() - startedAt) / 1000;
        done({
          responses: times.length,
          unexpected,
          errors: result.errors + result.timeouts,
          requestsPerSecond: times.length / elapsedSeconds,
          p50Ms: times.length ? percentile(times, 50) : NaN,
          p99Ms: times.length ? percentile(times, 99) : NaN,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode !== job.request.expectStatus) unexpected++;
      if (times.length < MAX_SAMPLES) times.push(responseTime);
    });
  });
}

async function sequential(job: Extract<LoadJob, { mode: 'sequential' }>): Promise<SequentialResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const urls = (job.urls ?? [job.request.url]).map((url) => new URL(url));
  const headers = { ...job.request.headers, ...(job.request.body !== undefined ? { 'content-length': String(Buffer.byteLength(job.request.body)) } : {}) };
  const once = (url: URL) =>
    new Promise<{ status: number; ms: number }>((done, fail) => {
      const start = process.hrtime.bigint();
      const request = http.request(url, { method: job.request.method, headers, agent }, (response) => {
        response.resume();
        response.on('end', () => done({ status: response.statusCode ?? 0, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
      });
      request.setTimeout(10_000, () => request.destroy(new Error('request timed out')));
      request.on('error', fail);
      request.end(job.request.body);
    });
  const times: number[] = [];
  let unexpected = 0;
  for (let i = 0; i < Math.min(job.count, MAX_SAMPLES); i++) {
    const { status, ms } = await once(urls[i % urls.length]!);
    if (status !== job.request.expectStatus) unexpected++;
    times.push(ms);
  }
  agent.destroy();
  return { responses: times.length, unexpected, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

function headerValue(headers: Record<string, string | string[]>, name: string): string {
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = Array.isArray(found?.[1]) ? found[1][0] : found?.[1];
  return value ?? '';
}

function pathOf(absoluteUrl: string): string {
  const url = new URL(absoluteUrl);
  return `${url.pathname}${url.search}`;
}

function lro(job: Extract<LoadJob, { mode: 'lro' }>): Promise<LroResult> {
  return new Promise((done, fail) => {
    let cycles = 0;
    let unexpected = 0;
    const startedAt = performance.now();
    const get = (contextKey: 'statusUrl' | 'finalUrl') => ({
      method: 'GET' as const,
      headers: { authorization: job.post.headers.authorization ?? '' },
      setupRequest: (request: Record<string, unknown>, context: Record<string, string>) => ({ ...request, path: pathOf(context[contextKey]!) }),
    });
    const post = new URL(job.post.url);
    autocannon(
      {
        url: post.origin,
        connections: job.connections,
        duration: job.durationSeconds,
        requests: [
          {
            method: 'POST',
            path: `${post.pathname}${post.search}`,
            headers: job.post.headers,
            body: job.post.body,
            onResponse: (status: number, _body: string, context: Record<string, string>, headers: Record<string, string | string[]>) => {
              if (status !== job.post.expectStatus) unexpected++;
              context.statusUrl = headerValue(headers, 'azure-asyncoperation');
              context.finalUrl = headerValue(headers, 'location');
            },
          },
          {
            ...get('statusUrl'),
            onResponse: (status: number) => {
              if (status !== 200) unexpected++;
            },
          },
          {
            ...get('finalUrl'),
            onResponse: (status: number) => {
              if (status === 200) cycles++;
              else unexpected++;
            },
          },
        ],
      } as autocannon.Options,
      (error, result) => {
        if (error) return fail(error);
        const elapsedSeconds = (performance.now() - startedAt) / 1000;
        done({ cycles, unexpected, errors: result.errors + result.timeouts, cyclesPerSecond: cycles / elapsedSeconds });
      },
    );
  });
}

/** One request on a worker's own keep-alive agent: status, headers and the time it took. */
function timedRequest(agent: http.Agent, method: string, url: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string; ms: number }>((done, fail) => {
    const start = process.hrtime.bigint();
    const request = http.request(url, { method, headers: body !== undefined ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, headers: response.headers, body: text, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
    });
    request.setTimeout(10_000, () => request.destroy(new Error('request timed out')));
    request.on('error', fail);
    request.end(body);
  });
}

const MAX_POLLS_PER_OPERATION = 20;

async function fleet(job: Extract<LoadJob, { mode: 'fleet' }>): Promise<FleetResult> {
  const times: number[] = [];
  let operations = 0;
  let unexpected = 0;
  const startedAt = performance.now();
  const endAt = startedAt + job.durationSeconds * 1000;
  const worker = async (post: RequestSpec) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = { authorization: post.headers.authorization ?? '' };
    const track = <T extends { ms: number }>(answer: T) => {
      if (times.length < MAX_SAMPLES) times.push(answer.ms);
      return answer;
    };
    try {
      while (performance.now() < endAt) {
        const accepted = track(await timedRequest(agent, 'POST', post.url, post.headers, post.body));
        if (accepted.status !== post.expectStatus) {
          unexpected++;
          continue;
        }
        let status = 'InProgress';
        for (let polls = 0; status === 'InProgress' && polls < MAX_POLLS_PER_OPERATION; polls++) {
          const poll = track(await timedRequest(agent, 'GET', String(accepted.headers['azure-asyncoperation']), get));
          status = poll.status === 200 ? (JSON.parse(poll.body) as { status: string }).status : 'unexpected';
        }
        const final = track(await timedRequest(agent, 'GET', String(accepted.headers.location), get));
        if (status === 'InProgress' || status === 'unexpected' || final.status !== 200) unexpected++;
        else operations++;
      }
    } finally {
      agent.destroy();
    }
  };
  await Promise.all(job.posts.map(worker));
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  return { operations, unexpected, operationsPerSecond: operations / elapsedSeconds, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

async function sdk(job: Extract<LoadJob, { mode: 'sdk' }>): Promise<SdkResult> {
  // Loaded here only: the other jobs do not need the SDK.
  const { ComputeManagementClient } = await import('@azure/arm-compute');
  const credential = { getToken: async () => ({ token: 'bench', expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const client = new ComputeManagementClient(credential, job.subscriptionId, { endpoint: job.endpoint });
  const times: number[] = [];
  for (let i = 0; i < job.count; i++) {
    const start = performance.now();
    await client.virtualMachines.beginInstallPatchesAndWait(job.resourceGroup, job.vmName, JSON.parse(job.body));
    times.push(performance.now() - start);
  }
  return { times };
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const job = JSON.parse(input) as LoadJob;
  const result =
    job.mode === 'throughput'
      ? await throughput(job)
      : job.mode === 'sequential'
        ? await sequential(job)
        : job.mode === 'lro'
          ? await lro(job)
          : job.mode === 'fleet'
            ? await fleet(job)
            : await sdk(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
