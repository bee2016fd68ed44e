// $skipToken: opaque to clients, stateless here. Like ARG's 2021 tokens it is base64 of JSON with
// the page size and the rows to skip (docs/update-manager-wire-format.md#paging); the emulator adds
// a MAC over those numbers and the query and scopes it was issued for, so a token is only good for
// the request that earned it and nothing is kept between pages.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SkipToken {
  maxRows: number;
  rowsToSkip: number;
}

/** Tokens longer than this are not ours. */
const MAX_TOKEN_LENGTH = 2048;

export class SkipTokens {
  private readonly key: Buffer;

  constructor(seed: string) {
    this.key = createHash('sha256').update(`resource-graph-skip-token\u241f${seed}`).digest();
  }

  /** What a token is bound to: the query text and the scopes, in a canonical form. */
  static requestDigest(query: string, scopes: readonly string[]): string {
    return createHash('sha256').update(JSON.stringify([query, [...scopes].sort()])).digest('base64url');
  }

  private mac(digest: string, token: SkipToken): string {
    return createHmac('sha256', this.key).update(`${digest}|${token.maxRows}|${token.rowsToSkip}`).digest('base64url').slice(0, 32);
  }

  issue(digest: string, token: SkipToken): string {
    const body = { $id: '1', MaxRows: token.maxRows, RowsToSkip: token.rowsToSkip, KustoClusterUrl: 'https://arg-emulator.localhost', Mac: this.mac(digest, token) };
    return Buffer.from(JSON.stringify(body), 'utf8').toString('base64');
  }

  /** The token's numbers, or undefined when it is not one this emulator issued for this request. */
  read(digest: string, text: string): SkipToken | undefined {
    if (text.length === 0 || text.length > MAX_TOKEN_LENGTH) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof body !== 'object' || body === null) return undefined;
    const { MaxRows, RowsToSkip, Mac } = body as Record<string, unknown>;
    if (!Number.isSafeInteger(MaxRows) || !Number.isSafeInteger(RowsToSkip) || typeof Mac !== 'string') return undefined;
    const token = { maxRows: MaxRows as number, rowsToSkip: RowsToSkip as number };
    if (token.maxRows < 1 || token.rowsToSkip < 0) return undefined;
    const expected = Buffer.from(this.mac(digest, token));
    const given = Buffer.from(Mac);
    return expected.length === given.length && timingSafeEqual(expected, given) ? token : undefined;
  }
}
