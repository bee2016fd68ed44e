// Logs: pino, one line per request (request id, method, URL, status, time, and the operation id of
// a long-running operation), JSON when stdout is not a terminal (containers, CI, log shippers) and
// readable lines when it is.

import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

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

/** Fastify's `logger` option: false when silent, else pino at the level, readable on a terminal. */
export function loggerOptions(settings: LogSettings, stdout: Writable = process.stdout): false | Record<string, unknown> {
  if (settings.silent || settings.level === 'silent') return false;
  const stream = stdout.isTTY ? { write: (json: string) => stdout.write(readableLine(json)) } : stdout;
  return { level: settings.level, stream };
}

/** The operation a request started or read: a poll names it in its path; a 202 that starts one in its x-ms-request-id. */
function operationIdOf(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const fromPath = (request.params as Record<string, string> | undefined)?.operationId;
  if (fromPath) return fromPath;
  if (reply.statusCode === 202 && reply.hasHeader('azure-asyncoperation')) return String(reply.getHeader('x-ms-request-id'));
  return undefined;
}

/** Fastify's request lines, replaced by one line per request, written when the response has gone. */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const operationId = operationIdOf(request, reply);
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
