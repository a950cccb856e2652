// The one Store implementation: the same Kysely queries serve SQLite and PostgreSQL.
import { rm } from 'node:fs/promises';
import { relative, resolve, isAbsolute } from 'node:path';
import type { Kysely } from 'kysely';
import type { AccountEvent, AccountEventKind, Incident, IncidentPhase, Signal } from '../model/events.js';
import type { SenderProfile, VerdictLabel } from '../model/verdict.js';
import { isDriverError, StoreError, toStoreError } from './errors.js';
import {
  convertAll,
  eventToRow,
  incidentToRows,
  judgedMessageToRow,
  queryTime,
  rowToEvent,
  rowToIncident,
  rowToJudgedMessage,
  rowToSenderProfile,
  rowToSignal,
  senderProfileToRow,
  signalToRow,
} from './rows.js';
import type { KizukiDatabase } from './schema.js';
import { type DialectName, inWriteTransaction } from './transaction.js';
import type { EventQuery, JudgedMessage, PurgeOutcome, Store, UpsertOutcome, WriteOutcome } from './types.js';

// Keeps each statement well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const PARAMETERS_PER_STATEMENT = 30_000;

function chunk<T>(items: readonly T[], columns: number): T[][] {
  const size = Math.max(1, Math.min(1000, Math.floor(PARAMETERS_PER_STATEMENT / columns)));
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The last item for each key (an upsert may not touch one row twice in one statement), in key order. */
function lastPerKey<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(keyOf(item), item);
  return inKeyOrder([...byKey.values()], keyOf);
}

/**
 * Rows sorted by key. Concurrent writers that lock rows in the same order wait for each other instead of
 * deadlocking (PostgreSQL aborts one of two transactions that lock the same keys in opposite orders).
 */
function inKeyOrder<T>(items: T[], keyOf: (item: T) => string): T[] {
  return items.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

export interface StoreContext {
  root: Kysely<KizukiDatabase>;
  dialect: DialectName;
  location: string;
  rawDir: string;
  now: () => Date;
  /** called once by close() */
  shutdown: () => Promise<void>;
}

/**
 * Inserts rows in chunks (SQLite caps bound parameters per statement), skipping ids already stored, and returns the
 * ids that were new, in key order.
 */
async function insertNew<R>(rows: R[], chunkSize: number, insert: (part: R[]) => Promise<Array<{ id: string }>>): Promise<string[]> {
  const ids: string[] = [];
  for (const part of chunk(rows, chunkSize)) for (const row of await insert(part)) ids.push(row.id);
  return inKeyOrder(ids, (id) => id);
}

export class KyselyStore implements Store {
  readonly dialect: DialectName;
  readonly location: string;
  readonly rawDir: string;
  #context: StoreContext;
  /** the connection work goes to: the pool, or the one connection of the enclosing transaction */
  #db: Kysely<KizukiDatabase>;
  #inTransaction: boolean;
  #closed = { value: false };

  constructor(context: StoreContext, db?: Kysely<KizukiDatabase>, closed?: { value: boolean }) {
    this.#context = context;
    this.dialect = context.dialect;
    this.location = context.location;
    this.rawDir = context.rawDir;
    this.#db = db ?? context.root;
    this.#inTransaction = db !== undefined;
    if (closed) this.#closed = closed;
  }

  /** Runs one store operation, turning driver failures into StoreErrors that name the database but no secret. */
  async #guard<T>(doing: string, work: () => Promise<T>): Promise<T> {
    if (this.#closed.value) throw new StoreError('closed', `${doing} failed: the store (${this.location}) is closed`);
    try {
      return await work();
    } catch (error) {
      throw toStoreError(error, this.location, doing);
    }
  }

  /** Runs batch work atomically: in the enclosing transaction, or in a new one. */
  async #atomically<T>(work: (db: Kysely<KizukiDatabase>) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return work(this.#db);
    return inWriteTransaction(this.#context.root, this.dialect, work);
  }

  async transaction<T>(work: (store: Store) => Promise<T>): Promise<T> {
    if (this.#closed.value) throw new StoreError('closed', `the store (${this.location}) is closed`);
    if (this.#inTransaction) return work(this);
    try {
      return await inWriteTransaction(this.#context.root, this.dialect, (connection) =>
        work(new KyselyStore(this.#context, connection, this.#closed)),
      );
    } catch (error) {
      // the caller's own errors come back unchanged; only database failures are translated
      throw isDriverError(error) ? toStoreError(error, this.location, 'the transaction') : error;
    }
  }

  // ---- judged messages

  putJudgedMessages(messages: readonly JudgedMessage[]): Promise<UpsertOutcome> {
    return this.#guard('storing judged messages', async () => {
      const { rows, rejected } = convertAll(messages, (m) => m?.sha256, judgedMessageToRow);
      const unique = lastPerKey(rows, (r) => `${r.message_id}\u0000${r.sha256}`);
      await this.#atomically(async (db) => {
        for (const part of chunk(unique, 13)) {
          await db
            .insertInto('judged_messages')
            .values(part)
            .onConflict((oc) =>
              oc.columns(['message_id', 'sha256']).doUpdateSet((eb) => ({
                subject: eb.ref('excluded.subject'),
                from_address: eb.ref('excluded.from_address'),
                message_date: eb.ref('excluded.message_date'),
                source_path: eb.ref('excluded.source_path'),
                source_index: eb.ref('excluded.source_index'),
                verdict: eb.ref('excluded.verdict'),
                score: eb.ref('excluded.score'),
                reasons: eb.ref('excluded.reasons'),
                summary: eb.ref('excluded.summary'),
                raw_path: eb.fn.coalesce('excluded.raw_path', 'judged_messages.raw_path'),
                judged_at: eb.ref('excluded.judged_at'),
              })),
            )
            .execute();
        }
      });
      return { written: unique.length, rejected };
    });
  }

  knownMessages(sha256s: readonly string[]): Promise<Set<string>> {
    return this.#guard('reading judged messages', async () => {
      const known = new Set<string>();
      const wanted = [...new Set(sha256s.map((s) => s.toLowerCase()))];
      for (const part of chunk(wanted, 1)) {
        const rows = await this.#db.selectFrom('judged_messages').select('sha256').where('sha256', 'in', part).execute();
        for (const row of rows) known.add(row.sha256);
      }
      return known;
    });
  }

  getJudgedMessage(sha256: string): Promise<JudgedMessage | undefined> {
    return this.#guard('reading a judged message', async () => {
      const row = await this.#db
        .selectFrom('judged_messages')
        .selectAll()
        .where('sha256', '=', sha256.toLowerCase())
        .orderBy('judged_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? rowToJudgedMessage(row) : undefined;
    });
  }

  listJudgedMessages(query: {
    verdict?: VerdictLabel;
    limit: number;
    before?: string | Pick<JudgedMessage, 'judgedAt' | 'sha256'>;
  }): Promise<JudgedMessage[]> {
    return this.#guard('listing judged messages', async () => {
      let select = this.#db.selectFrom('judged_messages').selectAll();
      if (query.verdict) select = select.where('verdict', '=', query.verdict);
      const before = query.before;
      if (typeof before === 'string') {
        select = select.where('judged_at', '<', queryTime(before, 'before'));
      } else if (before) {
        const time = queryTime(before.judgedAt, 'before.judgedAt');
        const sha256 = before.sha256.toLowerCase();
        select = select.where((eb) =>
          eb.or([eb('judged_at', '<', time), eb.and([eb('judged_at', '=', time), eb('sha256', '<', sha256)])]),
        );
      }
      const rows = await select
        .orderBy('judged_at', 'desc')
        .orderBy('sha256', 'desc')
        .limit(Math.max(0, Math.floor(query.limit)))
        .execute();
      return rows.map(rowToJudgedMessage);
    });
  }

  purgeRawOlderThan(days: number): Promise<PurgeOutcome> {
    return this.#guard('dropping old raw messages', async () => {
      if (!Number.isFinite(days) || days < 0) throw new StoreError('bad-input', `retention days must be a number >= 0, not ${days}`);
      const cutoff = new Date(this.#context.now().getTime() - days * 86_400_000).toISOString();
      const paths = await this.#atomically(async (db) => {
        const expired = await db
          .selectFrom('judged_messages')
          .select('raw_path')
          .where('raw_path', 'is not', null)
          .where('judged_at', '<', cutoff)
          .execute();
        if (expired.length === 0) return [];
        await db
          .updateTable('judged_messages')
          .set({ raw_path: null })
          .where('raw_path', 'is not', null)
          .where('judged_at', '<', cutoff)
          .execute();
        return expired.map((r) => r.raw_path as string);
      });
      // Files go only after the commit: a crash in between leaves an unreferenced copy, never a dangling reference.
      let deletedFiles = 0;
      for (const path of new Set(paths)) {
        if (!this.#isOwnCopy(path)) continue;
        const stillUsed = await this.#db
          .selectFrom('judged_messages')
          .select('sha256')
          .where('raw_path', '=', path)
          .limit(1)
          .executeTakeFirst();
        if (stillUsed) continue;
        await rm(path, { force: true });
        deletedFiles++;
      }
      return { cleared: paths.length, deletedFiles };
    });
  }

  /** Only copies under rawDir are Kizuki's to delete; a path into the user's own mail is merely forgotten. */
  #isOwnCopy(path: string): boolean {
    if (!isAbsolute(path)) return false;
    const inside = relative(resolve(this.rawDir), resolve(path));
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
  }

  // ---- sender profiles

  getSenderProfile(address: string): Promise<SenderProfile | undefined> {
    return this.#guard('reading a sender profile', async () => {
      const row = await this.#db
        .selectFrom('sender_profiles')
        .selectAll()
        .where('address', '=', address.trim().toLowerCase())
        .executeTakeFirst();
      return row ? rowToSenderProfile(row) : undefined;
    });
  }

  getSenderProfiles(addresses: readonly string[]): Promise<Map<string, SenderProfile>> {
    return this.#guard('reading sender profiles', async () => {
      const wanted = [...new Set(addresses.map((a) => a.trim().toLowerCase()))];
      const found = new Map<string, SenderProfile>();
      for (const part of chunk(wanted, 1)) {
        const rows = await this.#db.selectFrom('sender_profiles').selectAll().where('address', 'in', part).execute();
        for (const row of rows) found.set(row.address, rowToSenderProfile(row));
      }
      return found;
    });
  }

  putSenderProfiles(profiles: readonly SenderProfile[]): Promise<UpsertOutcome> {
    return this.#guard('storing sender profiles', async () => {
      const { rows, rejected } = convertAll(profiles, (p) => p?.address, senderProfileToRow);
      const unique = lastPerKey(rows, (r) => r.address);
      await this.#atomically(async (db) => {
        for (const part of chunk(unique, 9)) {
          await db
            .insertInto('sender_profiles')
            .values(part)
            .onConflict((oc) =>
              oc.column('address').doUpdateSet((eb) => ({
                first_seen: eb.ref('excluded.first_seen'),
                last_seen: eb.ref('excluded.last_seen'),
                message_count: eb.ref('excluded.message_count'),
                with_attachments: eb.ref('excluded.with_attachments'),
                attachment_types: eb.ref('excluded.attachment_types'),
                link_domains: eb.ref('excluded.link_domains'),
                languages: eb.ref('excluded.languages'),
                flagged: eb.ref('excluded.flagged'),
              })),
            )
            .execute();
        }
      });
      return { written: unique.length, rejected };
    });
  }

  // ---- account events

  putEvents(events: readonly AccountEvent[]): Promise<WriteOutcome> {
    return this.#guard('storing account events', async () => {
      const { rows, rejected } = convertAll(events, (e) => e?.id, eventToRow);
      inKeyOrder(rows, (r) => r.id);
      const insertedIds = await this.#atomically((db) =>
        insertNew(rows, 7, (part) =>
          db.insertInto('account_events').values(part).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute(),
        ),
      );
      return { inserted: insertedIds.length, insertedIds, duplicates: rows.length - insertedIds.length, rejected };
    });
  }

  eventsForAccount(
    account: string,
    fromIso: string,
    toIso: string,
    kinds?: readonly AccountEventKind[],
  ): Promise<AccountEvent[]> {
    return this.#guard('reading account events', async () => {
      let select = this.#db
        .selectFrom('account_events')
        .selectAll()
        .where('account', '=', account.trim().toLowerCase())
        .where('time', '>=', queryTime(fromIso, 'fromIso'))
        .where('time', '<', queryTime(toIso, 'toIso'));
      if (kinds && kinds.length > 0) select = select.where('kind', 'in', [...kinds]);
      const rows = await select.orderBy('time').orderBy('id').execute();
      return rows.map(rowToEvent);
    });
  }

  countEvents(query: EventQuery = {}): Promise<number> {
    return this.#guard('counting account events', async () => {
      let select = this.#db.selectFrom('account_events').select((eb) => eb.fn.countAll().as('count'));
      if (query.account !== undefined) select = select.where('account', '=', query.account.trim().toLowerCase());
      if (query.fromIso !== undefined) select = select.where('time', '>=', queryTime(query.fromIso, 'fromIso'));
      if (query.toIso !== undefined) select = select.where('time', '<', queryTime(query.toIso, 'toIso'));
      if (query.kinds && query.kinds.length > 0) select = select.where('kind', 'in', [...query.kinds]);
      const row = await select.executeTakeFirst();
      return Number(row?.count ?? 0);
    });
  }

  // ---- signals

  putSignals(signals: readonly Signal[]): Promise<WriteOutcome> {
    return this.#guard('storing signals', async () => {
      const { rows, rejected } = convertAll(signals, (s) => s?.id, signalToRow);
      inKeyOrder(rows, (r) => r.id);
      const insertedIds = await this.#atomically((db) =>
        insertNew(rows, 10, (part) =>
          db.insertInto('signals').values(part).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute(),
        ),
      );
      return { inserted: insertedIds.length, insertedIds, duplicates: rows.length - insertedIds.length, rejected };
    });
  }

  signalsForAccount(account: string, fromIso?: string, toIso?: string): Promise<Signal[]> {
    return this.#guard('reading signals', async () => {
      let select = this.#db.selectFrom('signals').selectAll().where('account', '=', account.trim().toLowerCase());
      if (fromIso !== undefined) select = select.where('time', '>=', queryTime(fromIso, 'fromIso'));
      if (toIso !== undefined) select = select.where('time', '<', queryTime(toIso, 'toIso'));
      const rows = await select.orderBy('time').orderBy('id').execute();
      return rows.map(rowToSignal);
    });
  }

  signalsForCampaign(campaign: string): Promise<Signal[]> {
    return this.#guard('reading signals', async () => {
      const rows = await this.#db
        .selectFrom('signals')
        .selectAll()
        .where('campaign', '=', campaign)
        .orderBy('time')
        .orderBy('id')
        .execute();
      return rows.map(rowToSignal);
    });
  }

  // ---- incidents

  putIncident(incident: Incident): Promise<void> {
    return this.#guard('storing an incident', async () => {
      const { incident: row, keys } = incidentToRows(incident, this.#context.now().toISOString());
      await this.#atomically(async (db) => {
        await db
          .insertInto('incidents')
          .values(row)
          .onConflict((oc) =>
            oc.column('id').doUpdateSet((eb) => ({
              title: eb.ref('excluded.title'),
              phase: eb.ref('excluded.phase'),
              severity: eb.ref('excluded.severity'),
              opened_at: eb.ref('excluded.opened_at'),
              first_evidence_at: eb.ref('excluded.first_evidence_at'),
              contained_at: eb.ref('excluded.contained_at'),
              closed_at: eb.ref('excluded.closed_at'),
              updated_at: eb.ref('excluded.updated_at'),
              body: eb.ref('excluded.body'),
            })),
          )
          .execute();
        await db.deleteFrom('incident_keys').where('incident_id', '=', row.id).execute();
        for (const part of chunk(keys, 3)) {
          await db
            .insertInto('incident_keys')
            .values(part.map((k) => ({ incident_id: row.id, kind: k.kind, value: k.value })))
            .execute();
        }
      });
    });
  }

  getIncident(id: string): Promise<Incident | undefined> {
    return this.#guard('reading an incident', async () => {
      const row = await this.#db.selectFrom('incidents').select('body').where('id', '=', id).executeTakeFirst();
      return row ? rowToIncident(row) : undefined;
    });
  }

  openIncidentFor(query: { account?: string; campaign?: string }): Promise<Incident | undefined> {
    return this.#guard('finding an open incident', async () => {
      const account = query.account?.trim().toLowerCase();
      const campaign = query.campaign;
      if (!account && !campaign) return undefined;
      const row = await this.#db
        .selectFrom('incidents')
        .select('body')
        .where('phase', '<>', 'closed')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('incident_keys')
            .select('incident_id')
            .where((k) =>
              k.or([
                ...(account ? [k.and([k('kind', '=', 'account'), k('value', '=', account)])] : []),
                ...(campaign ? [k.and([k('kind', '=', 'campaign'), k('value', '=', campaign)])] : []),
              ]),
            ),
        )
        .orderBy('opened_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? rowToIncident(row) : undefined;
    });
  }

  listIncidents(query: { phase?: IncidentPhase; limit?: number } = {}): Promise<Incident[]> {
    return this.#guard('listing incidents', async () => {
      let select = this.#db.selectFrom('incidents').select('body');
      if (query.phase) select = select.where('phase', '=', query.phase);
      if (query.limit !== undefined) select = select.limit(Math.max(0, Math.floor(query.limit)));
      const rows = await select.orderBy('opened_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(rowToIncident);
    });
  }

  // ---- housekeeping

  tables<T>(): { db: Kysely<T>; dialect: DialectName } {
    if (this.#closed.value) throw new StoreError('closed', `the store (${this.location}) is closed`);
    return { db: this.#db as unknown as Kysely<T>, dialect: this.dialect };
  }

  schemaVersion(): Promise<number> {
    return this.#guard('reading the schema version', async () => {
      const row = await this.#db
        .selectFrom('kizuki_schema_version')
        .select((eb) => eb.fn.max('version').as('version'))
        .executeTakeFirst();
      return Number(row?.version ?? 0);
    });
  }

  async close(): Promise<void> {
    if (this.#inTransaction) throw new StoreError('failed', 'close() cannot be called inside a transaction');
    if (this.#closed.value) return;
    this.#closed.value = true;
    await this.#context.shutdown();
  }
}
