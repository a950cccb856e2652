// The versioned migrations of the one schema described in schema.ts, and the runner that applies them on open.
import { type Kysely, sql } from 'kysely';
import { StoreError } from './errors.js';
import type { KizukiDatabase } from './schema.js';
import { migration as providerCursors } from './migrations/002-provider-cursors.js';
import { migration as response } from './migrations/003-response.js';
import { migration as incidentRecord } from './migrations/004-incident-record.js';
import { migration as service } from './migrations/005-service.js';
import { type DialectName, inWriteTransaction } from './transaction.js';

export interface Migration {
  version: number;
  description: string;
  // biome-ignore lint/suspicious/noExplicitAny: migrations describe tables that the typed schema may no longer have
  up: (db: Kysely<any>, dialect: DialectName) => Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'judged messages, sender profiles, account events, signals, incidents',
    up: async (db, dialect) => {
      const real = dialect === 'sqlite' ? 'real' : 'double precision';
      await db.schema
        .createTable('judged_messages')
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('from_address', 'text', (c) => c.notNull())
        .addColumn('message_date', 'text')
        .addColumn('source_path', 'text', (c) => c.notNull())
        .addColumn('source_index', 'integer')
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('score', sql.raw(real), (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('raw_path', 'text')
        .addColumn('judged_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('judged_messages_pk', ['message_id', 'sha256'])
        .execute();
      await db.schema.createIndex('judged_messages_sha256').on('judged_messages').column('sha256').execute();
      await db.schema.createIndex('judged_messages_judged_at').on('judged_messages').columns(['judged_at', 'sha256']).execute();
      await db.schema
        .createIndex('judged_messages_verdict')
        .on('judged_messages')
        .columns(['verdict', 'judged_at', 'sha256'])
        .execute();

      await db.schema
        .createTable('sender_profiles')
        .addColumn('address', 'text', (c) => c.primaryKey())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('message_count', 'integer', (c) => c.notNull())
        .addColumn('with_attachments', 'integer', (c) => c.notNull())
        .addColumn('attachment_types', 'text', (c) => c.notNull())
        .addColumn('link_domains', 'text', (c) => c.notNull())
        .addColumn('languages', 'text', (c) => c.notNull())
        .addColumn('flagged', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('account_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('raw', 'text')
        .execute();
      await db.schema.createIndex('account_events_account_time').on('account_events').columns(['account', 'time']).execute();
      await db.schema.createIndex('account_events_time').on('account_events').column('time').execute();

      await db.schema
        .createTable('signals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('detector', 'text', (c) => c.notNull())
        .addColumn('time', 'text', (c) => c.notNull())
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('campaign', 'text')
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('en', 'text', (c) => c.notNull())
        .addColumn('ja', 'text', (c) => c.notNull())
        .addColumn('data', 'text')
        .execute();
      await db.schema.createIndex('signals_account_time').on('signals').columns(['account', 'time']).execute();
      await db.schema.createIndex('signals_campaign_time').on('signals').columns(['campaign', 'time']).execute();

      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('first_evidence_at', 'text', (c) => c.notNull())
        .addColumn('contained_at', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('incidents_phase_opened').on('incidents').columns(['phase', 'opened_at']).execute();
      await db.schema
        .createTable('incident_keys')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('incident_keys_pk', ['incident_id', 'kind', 'value'])
        .execute();
      await db.schema.createIndex('incident_keys_lookup').on('incident_keys').columns(['kind', 'value']).execute();
    },
  },
  // Each later version lives in its own file under migrations/.
  providerCursors,
  response,
  incidentRecord,
  service,
];

export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

// An arbitrary constant that names "Kizuki migrations" among PostgreSQL advisory locks.
const MIGRATION_LOCK_KEY = 7_405_283_119;

export interface MigrationOutcome {
  from: number;
  to: number;
  applied: number[];
}

/**
 * Brings the database to the newest schema inside one transaction: all pending migrations apply, or none.
 * Refuses a database whose schema is newer than this code.
 */
export async function migrateToLatest(
  db: Kysely<KizukiDatabase>,
  dialect: DialectName,
  now: () => Date,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationOutcome> {
  const latest = Math.max(...migrations.map((m) => m.version));
  return inWriteTransaction(db, dialect, async (trx) => {
    if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable('kizuki_schema_version')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const row = await trx
      .selectFrom('kizuki_schema_version')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    const current = Number(row?.version ?? 0);
    if (current > latest) {
      throw new StoreError(
        'too-new',
        `database schema version ${current} is newer than this Kizuki (${latest}); upgrade Kizuki`,
      );
    }
    const applied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (migration.version <= current) continue;
      await migration.up(trx, dialect);
      await trx
        .insertInto('kizuki_schema_version')
        .values({ version: migration.version, description: migration.description, applied_at: now().toISOString() })
        .execute();
      applied.push(migration.version);
    }
    return { from: current, to: Math.max(current, latest), applied };
  });
}
