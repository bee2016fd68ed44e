// The request journal: the most recent ARM requests as the emulator saw them, so a test can prove
// what its client sent (a retry, a poll count). Bounded; the Authorization value is never kept.

export interface JournalEntry {
  time: string;
  requestId: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  operationId?: string;
}

export interface JournalFilter {
  method?: string;
  path?: string;
  status?: number;
  operationId?: string;
  limit?: number;
}

const REDACTED = '[redacted]';
const SECRET_HEADERS = new Set(['authorization', 'x-identity-header', 'proxy-authorization', 'cookie', 'x-admin-key']);

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    kept[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/**
 * Bodies over this size are kept as a note of their size: a full journal of 4 MiB bodies would hold
 * gigabytes (docs/reliability.md).
 */
export const MAX_JOURNAL_BODY_BYTES = 64 * 1024;

function boundedBody(body: unknown): unknown {
  if (body === null || body === undefined) return null;
  const bytes = Buffer.byteLength(JSON.stringify(body));
  return bytes > MAX_JOURNAL_BODY_BYTES ? `[${bytes} bytes, not kept]` : body;
}

export class RequestJournal {
  private entries: JournalEntry[] = [];

  constructor(readonly capacity: number) {}

  record(entry: JournalEntry): void {
    this.entries.push({ ...entry, body: boundedBody(entry.body) });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Oldest first; `limit` keeps the newest N that match. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const path = filter.path?.toLowerCase();
    const matching = this.entries.filter(
      (e) =>
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (path === undefined || e.url.split('?')[0]!.toLowerCase().includes(path)) &&
        (filter.status === undefined || e.status === filter.status) &&
        (filter.operationId === undefined || e.operationId === filter.operationId.toLowerCase()),
    );
    return filter.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - filter.limit));
  }

  clear(): void {
    this.entries = [];
  }
}
