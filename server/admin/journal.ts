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

/** What the journal holds of a request: the request's own objects, made into an entry only when read. */
export interface JournalRecord {
  timeMs: number;
  requestId: string;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** The body's size as sent (Content-Length), when known. */
  bodyBytes?: number;
  status: number;
  operationId?: string;
}

function boundedBody(body: unknown, sentBytes: number | undefined): unknown {
  if (body === null || body === undefined) return null;
  const bytes = sentBytes ?? Buffer.byteLength(JSON.stringify(body));
  return bytes > MAX_JOURNAL_BODY_BYTES ? `[${bytes} bytes, not kept]` : body;
}

/**
 * Every ARM request is recorded, and the journal is read rarely: recording keeps references only
 * (no copy, no formatting), in a ring of `capacity` slots; redaction, the time's format and the
 * body's bound are applied when entries are listed (bench/README.md).
 */
export class RequestJournal {
  private slots: Array<JournalRecord | undefined>;
  private next = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<JournalRecord | undefined>(capacity);
  }

  record(record: JournalRecord): void {
    if (this.capacity === 0) return;
    // A large body is dropped now, not held until it is read.
    const bounded = record.bodyBytes !== undefined && record.bodyBytes > MAX_JOURNAL_BODY_BYTES ? { ...record, body: boundedBody(record.body, record.bodyBytes) } : record;
    this.slots[this.next] = bounded;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first; `limit` keeps the newest N that match. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const path = filter.path?.toLowerCase();
    const method = filter.method?.toUpperCase();
    const operationId = filter.operationId?.toLowerCase();
    const ordered = [...this.slots.slice(this.next), ...this.slots.slice(0, this.next)].filter((r): r is JournalRecord => r !== undefined);
    const matching = ordered.filter(
      (r) =>
        (method === undefined || r.method === method) &&
        (path === undefined || r.url.split('?')[0]!.toLowerCase().includes(path)) &&
        (filter.status === undefined || r.status === filter.status) &&
        (operationId === undefined || r.operationId === operationId),
    );
    const kept = filter.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - filter.limit));
    return kept.map((r) => ({
      time: new Date(r.timeMs).toISOString(),
      requestId: r.requestId,
      method: r.method,
      url: r.url,
      headers: redactHeaders(r.headers),
      body: boundedBody(r.body, r.bodyBytes),
      status: r.status,
      ...(r.operationId !== undefined ? { operationId: r.operationId } : {}),
    }));
  }

  clear(): void {
    this.slots = new Array<JournalRecord | undefined>(this.capacity);
    this.next = 0;
  }
}
