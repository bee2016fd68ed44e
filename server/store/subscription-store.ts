// Subscriptions are not stored as such: the emulator knows a subscription when it holds a resource
// group in it, and always knows the default seed's, so `az login` finds one on a fresh start.

import type { Db } from './database.js';

export class SubscriptionStore {
  private readonly listStatement;

  constructor(db: Db, private readonly alwaysKnown: readonly string[]) {
    this.listStatement = db.prepare('SELECT DISTINCT subscription_id AS id FROM resource_groups');
  }

  /** Lower-case subscription ids, sorted. */
  list(): string[] {
    const held = (this.listStatement.all() as Array<{ id: string }>).map((row) => row.id.toLowerCase());
    return [...new Set([...this.alwaysKnown.map((id) => id.toLowerCase()), ...held])].sort();
  }

  has(subscriptionId: string): boolean {
    return this.list().includes(subscriptionId.toLowerCase());
  }
}
