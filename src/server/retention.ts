// The retention job: expired sessions go, and raw message copies older than the configured days (the store's purge).
import type { Store } from '../store/index.js';
import type { Accounts } from './accounts.js';

export interface RetentionOutcome {
  sessionsDropped: number;
  rawCleared: number;
  rawFilesDeleted: number;
}

export async function runRetention(store: Store, accounts: Accounts, options: { rawDays?: number } = {}): Promise<RetentionOutcome> {
  const sessionsDropped = await accounts.purgeExpiredSessions();
  const purge = options.rawDays === undefined ? { cleared: 0, deletedFiles: 0 } : await store.purgeRawOlderThan(options.rawDays);
  return { sessionsDropped, rawCleared: purge.cleared, rawFilesDeleted: purge.deletedFiles };
}
