// Where each provider stopped reading: one value per (provider, scope), in the provider_cursors table (migration 2).
import type { Store } from '../store/types.js';

interface CursorTables {
  provider_cursors: { provider: string; scope: string; value: string; updated_at: string };
}

export interface CursorStore {
  /** every scope's cursor of one provider */
  load(provider: string): Promise<Map<string, string>>;
  save(provider: string, scope: string, value: string): Promise<void>;
  /** forgets a provider's cursors (the next fetch starts over) */
  reset(provider: string): Promise<void>;
}

export function storeCursors(store: Store, now: () => Date = () => new Date()): CursorStore {
  const tables = () => store.tables<CursorTables>().db;
  return {
    async load(provider) {
      const rows = await tables().selectFrom('provider_cursors').select(['scope', 'value']).where('provider', '=', provider).execute();
      return new Map(rows.map((row) => [row.scope, row.value]));
    },
    async save(provider, scope, value) {
      const updated_at = now().toISOString();
      await tables()
        .insertInto('provider_cursors')
        .values({ provider, scope, value, updated_at })
        .onConflict((oc) => oc.columns(['provider', 'scope']).doUpdateSet({ value, updated_at }))
        .execute();
    },
    async reset(provider) {
      await tables().deleteFrom('provider_cursors').where('provider', '=', provider).execute();
    },
  };
}
