// Small persisted settings: the clock state, and whatever else must survive a restart.

import { readStored, type Db } from './database.js';

export class SettingsStore {
  private readonly getStatement;
  private readonly putStatement;

  constructor(db: Db) {
    this.getStatement = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.putStatement = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get<T>(key: string): T | undefined {
    const row = this.getStatement.get(key) as { value: string } | undefined;
    return row === undefined ? undefined : readStored<T>(row.value, `the setting '${key}'`);
  }

  put(key: string, value: unknown): void {
    this.putStatement.run(key, JSON.stringify(value));
  }
}
