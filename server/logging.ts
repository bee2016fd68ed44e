// Logs: pino, one line per request (request id, method, URL, status, time, and the operation id of
// a long-running operation), JSON when stdout is not a terminal (containers, CI, log shippers),
// written in batches, and readable lines when it is.

import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino from 'pino';

export interface LogSettings {
  level: string;
  silent: boolean;
}

interface Writable {
  write(text: string): unknown;
  isTTY?: boolean;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields a readable line shows in its own way, or not at all. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'method', 'url', 'statusCode', 'responseTime', 'operationId']);

/** One pino JSON line as a line a person reads: time, level, then the request or the message. */
export function readableLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now()).toISOString().slice(11, 23);
  const level = (LEVEL_NAMES[entry.level as number] ?? String(entry.level)).padEnd(5);
  const parts = [time, level];
  if (entry.statusCode !== undefined && entry.method !== undefined) {
    parts.push(`${String(entry.method)} ${String(entry.url)} ${String(entry.statusCode)} ${Number(entry.responseTime).toFixed(1)} ms`);
    if (entry.operationId) parts.push(`op=${String(entry.operationId)}`);
    if (entry.reqId) parts.push(`req=${String(entry.reqId)}`);
  } else {
    parts.push(String(entry.msg ?? ''));
    if (entry.reqId) parts.push(`req=${String(entry.reqId)}`);
  }
  const rest = Object.entries(entry).filter(([key]) => !SHOWN.has(key));
  for (const [key, value] of rest) {
    const err = value as { stack?: unknown } | null;
    parts.push(key === 'err' && err && typeof err.stack === 'string' ? `\n${err.stack}` : `${key}=${JSON.stringify(value)}`);
  }
  return `${parts.join(' ')}\n`;
}

/** Lines are written out in batches of about this size... */
const LOG_BUFFER_BYTES = 8 * 1024;
/** ...or at least this often, so a quiet emulator's lines still show at once to a person watching. */
const LOG_FLUSH_INTERVAL_MS = 100;
/**
 * Past this much unwritten output (a reader that stopped reading the pipe) new lines are dropped
 * rather than held: the log may not grow the emulator's memory without bound.
 */
const LOG_BUFFER_LIMIT = 16 * 1024 * 1024;

interface Stdout extends Writable {
  fd: number;
}

export interface LogOutput {
  /** Fastify's `logger` option: false when silent, else pino at the level. */
  options: false | { level: string; stream: { write(line: string): void } };
  /** Resolves when every line logged so far has been written (with no request in flight: start, shutdown). */
  flush(): Promise<void>;
  /** Stops the flush timer and writes what is left, synchronously (at process exit). */
  close(): void;
}

/**
 * Where the log goes. On a terminal, readable lines written as they come. Otherwise JSON lines
 * through pino's asynchronous destination (sonic-boom): a write to a pipe per request is a system
 * call that wakes the reader, among the largest shares of a request in the profiles
 * (bench/README.md); lines are written in batches instead, and flushed at shutdown.
 * https://github.com/pinojs/pino/blob/main/docs/asynchronous.md
 */
export function logOutput(settings: LogSettings, stdout: Stdout = process.stdout): LogOutput {
  if (settings.silent || settings.level === 'silent') return { options: false, flush: async () => {}, close: () => {} };
  if (stdout.isTTY) {
    return { options: { level: settings.level, stream: { write: (json) => stdout.write(readableLine(json)) } }, flush: async () => {}, close: () => {} };
  }
  const destination = pino.destination({ dest: stdout.fd, sync: false, minLength: LOG_BUFFER_BYTES, maxLength: LOG_BUFFER_LIMIT });
  // A reader that went away (EPIPE) costs the log, not the emulator: lines past the limit are dropped.
  destination.on('error', () => undefined);
  let unwritten = false;
  const timer = setInterval(() => {
    if (!unwritten) return;
    unwritten = false;
    destination.flush();
  }, LOG_FLUSH_INTERVAL_MS);
  timer.unref();
  const writeRest = () => {
    try {
      destination.flushSync();
    } catch {
      // Nothing more can be done for the log (stdout closed, a write in flight at exit).
    }
  };
  return {
    options: {
      level: settings.level,
      stream: {
        write: (line) => {
          unwritten = true;
          destination.write(line);
        },
      },
    },
    // The write in flight ends first (the callback waits for it), then what is left, at most
    // LOG_BUFFER_BYTES, is written at once.
    flush: async () => {
      unwritten = false;
      await new Promise<void>((done) => destination.flush(() => done()));
      writeRest();
    },
    close: () => {
      clearInterval(timer);
      writeRest();
    },
  };
}

/** The operation a request started or read: a poll names it in its path. */
export function operationIdOf(request: FastifyRequest): string | undefined {
  return (request.params as Record<string, string> | undefined)?.operationId || request.startedOperationId || undefined;
}

/** Fastify's request lines, replaced by one line per request, written when the response has gone. */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const operationId = operationIdOf(request);
    const line = {
      method: request.method,
      url: request.url,
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 10) / 10,
      ...(operationId ? { operationId } : {}),
      ...(error ? { err: error } : {}),
    };
    if (error || reply.statusCode >= 500) request.log.error(line, 'request failed');
    else request.log.info(line, 'request completed');
  }
}
