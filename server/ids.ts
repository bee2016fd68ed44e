// Operation ids and the `p` token of operation URLs. With an explicit --seed they are the seed's
// alone, so the same requests give the same ids in every run. Otherwise a secret salt, made with the
// data folder, and an epoch, made again at every reset, are mixed in: another tenant's next id
// cannot be guessed from the public default seed, and an id is never handed out twice, so an old
// status URL cannot show a newer operation (docs/reliability.md).

import { createHmac, randomBytes } from 'node:crypto';
import { guidFrom } from '../simulator/random.js';
import type { SettingsStore } from './store/settings-store.js';

/** Exported with the state, so that imported operations keep their URLs. Empty: the seed's alone. */
export interface IdSalts {
  salt: string;
  epoch: string;
}

const SETTING = 'ids';
const newEpoch = () => randomBytes(8).toString('hex');
const UNSALTED: IdSalts = { salt: '', epoch: '' };

/** A lower-case GUID (version-4 layout) from 16 bytes. */
function guidOf(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Tokens kept: an operation's is checked on each of its polls, and an HMAC costs more than the lookup. */
const TOKEN_CACHE_LIMIT = 10_000;

export class OperationIds {
  private salts: IdSalts;
  private readonly tokens = new Map<string, string>();

  /** `salted` false: the seed's ids, as before salts existed (an explicit --seed). */
  constructor(
    private readonly settings: SettingsStore,
    private readonly seed: string,
    private readonly salted: boolean,
  ) {
    const saved = settings.get<IdSalts>(SETTING);
    this.salts = !salted ? UNSALTED : (saved ?? { salt: randomBytes(16).toString('hex'), epoch: newEpoch() });
    if (salted && !saved) settings.put(SETTING, this.salts);
  }

  snapshot(): IdSalts {
    return { ...this.salts };
  }

  /** After a reset: ids start from a new epoch (the polling tokens of kept operations still hold). */
  renew(): void {
    if (this.salted) this.save({ ...this.salts, epoch: newEpoch() });
  }

  /**
   * A state import: the document's salts, exactly, so that its operations' URLs still hold and it
   * exports again as it was. An older document has none (its tokens were the seed's alone): its
   * ids go on from a new epoch, so that those handed out from now on cannot be predicted.
   */
  restore(salts: IdSalts | undefined): void {
    if (this.salted) this.save(salts ?? { salt: '', epoch: newEpoch() });
  }

  operationId(vmResourceId: string, sequence: number): string {
    if (this.salts.salt === '' && this.salts.epoch === '') return guidFrom(this.seed, 'operation', vmResourceId, String(sequence));
    return guidOf(this.mac(`${this.salts.salt}.${this.salts.epoch}`, 'operation', vmResourceId, String(sequence)));
  }

  /** The `p` parameter of an operation's URLs: opaque, stable for the operation, checked on every poll. */
  pollingToken(operationId: string): string {
    let token = this.tokens.get(operationId);
    if (token === undefined) {
      token = this.salts.salt === '' ? guidFrom(this.seed, 'p', operationId) : guidOf(this.mac(this.salts.salt, 'p', operationId.toLowerCase()));
      if (this.tokens.size >= TOKEN_CACHE_LIMIT) this.tokens.clear();
      this.tokens.set(operationId, token);
    }
    return token;
  }

  private mac(key: string, ...parts: string[]): Buffer {
    return createHmac('sha256', key).update([this.seed, ...parts].join('\u241f')).digest();
  }

  private save(salts: IdSalts): void {
    this.salts = salts;
    this.tokens.clear();
    this.settings.put(SETTING, salts);
  }
}
