// What the health check says of the database (docs/reliability.md): Degraded, with a 503, while
// the last write failed (a full disk) until a write succeeds again, and for the rest of the run once
// a stored row could not be read or the database was opened past a failed integrity check.

export interface StoreCondition {
  status: 'Healthy' | 'Degraded';
  /** 'ok', 'write failed' or 'damaged'. */
  store: string;
  detail?: string;
}

/** SQLite result codes of a write the disk refused (https://www.sqlite.org/rescode.html). */
const WRITE_FAILURES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|PROTOCOL)/;

export class StoreHealth {
  private writeFailure: string | undefined;
  private damage: string | undefined;

  /** A failure seen by a request: classified, and remembered when it is the store's. */
  observe(error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    const message = (error as Error | null)?.message ?? String(error);
    if (typeof code === 'string' && WRITE_FAILURES.test(code)) this.writeFailure = `${code}: ${message}`;
    else if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (error as Error | null)?.name === 'StoredDataError') this.damage = message;
  }

  markDamaged(detail: string): void {
    this.damage = detail;
  }

  /** Whether a write is awaited to clear a failure (only then do requests look for one). */
  get awaitingWrite(): boolean {
    return this.writeFailure !== undefined;
  }

  writeSucceeded(): void {
    this.writeFailure = undefined;
  }

  condition(): StoreCondition {
    if (this.damage !== undefined) return { status: 'Degraded', store: 'damaged', detail: this.damage };
    if (this.writeFailure !== undefined) return { status: 'Degraded', store: 'write failed', detail: this.writeFailure };
    return { status: 'Healthy', store: 'ok' };
  }
}
