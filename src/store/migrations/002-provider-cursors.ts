// Schema version 2: provider cursors — where each provider stopped reading, per scope (an IMAP folder's
// UIDVALIDITY:UID, a Gmail history id, a Graph delta link). Read and written by src/providers/cursors.ts.
import type { Migration } from '../migrations.js';

export const migration: Migration = {
  version: 2,
  description: 'provider cursors (issue 9: where each provider stopped reading)',
  up: async (db) => {
    await db.schema
      .createTable('provider_cursors')
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('provider_cursors_pk', ['provider', 'scope'])
      .execute();
  },
};
