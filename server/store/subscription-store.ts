// The subscriptions the emulator knows. Everything under any other subscription answers 404
// SubscriptionNotFound, as ARM does. Known are: the seed's, those given with --subscription, those
// added through the admin API (kept in the settings table, so they survive a restart), and any
// that holds a resource group (an imported state document brings its own).

import type { Db } from './database.js';
import type { SettingsStore } from './settings-store.js';

const SETTING = 'subscriptions';
/** The admin API adds one subscription per request; past this many it refuses more. */
export const MAX_ADDED_SUBSCRIPTIONS = 1000;

export class SubscriptionStore {
  private readonly configured: Set<string>;
  private added: Set<string>;
  private readonly listStatement;
  private readonly holdsStatement;

  constructor(db: Db, private readonly settings: SettingsStore, configured: readonly string[]) {
    this.configured = new Set(configured.map((id) => id.toLowerCase()));
    this.added = new Set(settings.get<string[]>(SETTING) ?? []);
    this.listStatement = db.prepare('SELECT DISTINCT subscription_id AS id FROM resource_groups');
    this.holdsStatement = db.prepare('SELECT 1 AS held FROM resource_groups WHERE subscription_id = ? LIMIT 1');
  }

  /** Lower-case subscription ids, sorted. */
  list(): string[] {
    const held = (this.listStatement.all() as Array<{ id: string }>).map((row) => row.id.toLowerCase());
    return [...new Set([...this.configured, ...this.added, ...held])].sort();
  }

  /** Asked on every ARM request: two set lookups, then one indexed row at most. */
  has(subscriptionId: string): boolean {
    const id = subscriptionId.toLowerCase();
    return this.configured.has(id) || this.added.has(id) || this.holdsStatement.get(id) !== undefined;
  }

  /** Adds a subscription; false when it was known already. */
  add(subscriptionId: string): boolean {
    const id = subscriptionId.toLowerCase();
    if (this.has(id)) return false;
    if (this.added.size >= MAX_ADDED_SUBSCRIPTIONS) throw new RangeError(`at most ${MAX_ADDED_SUBSCRIPTIONS} subscriptions can be added`);
    this.added = new Set([...this.added, id]);
    this.settings.put(SETTING, [...this.added].sort());
    return true;
  }
}
