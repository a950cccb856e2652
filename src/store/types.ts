// The Store interface: what the rest of Kizuki may ask of the database. It never says which database it is.
import type { Kysely } from 'kysely';
import type { AccountEvent, AccountEventKind, Incident, IncidentPhase, Signal } from '../model/events.js';
import type { Reason, SenderProfile, VerdictLabel } from '../model/verdict.js';

/** One message as detection judged it, with the raw bytes kept by reference. */
export interface JudgedMessage {
  /** sha256 of the raw message bytes, lower-case hex */
  sha256: string;
  /** Message-ID without angle brackets; '' when the message has none */
  messageId: string;
  subject: string;
  /** lower-cased From address ('' when none) */
  fromAddress: string;
  /** the Date header, ISO 8601 UTC, when it parsed */
  date?: string;
  /** where the message was read from: a file path (mbox, eml, 'stdin'…) and the index inside it */
  source: { path: string; index?: number };
  verdict: VerdictLabel;
  score: number;
  reasons: Reason[];
  /** a small JSON-safe summary of the Analysis (what a console list needs, not the whole Analysis) */
  summary: Record<string, unknown>;
  /** the file holding the raw bytes; absent once retention has dropped it */
  rawPath?: string;
  /** when the judgement was made, ISO 8601 UTC */
  judgedAt: string;
}

/** An item a batch write refused, with the reason; the rest of the batch is stored. */
export interface RejectedItem {
  index: number;
  id: string;
  reason: string;
}

export interface WriteOutcome {
  /** new records */
  inserted: number;
  /** ids of the new records (the batch's other valid items were already stored), in id order */
  insertedIds: string[];
  /** records that were already stored (same id / key) and were left as they were */
  duplicates: number;
  /** items refused as malformed; never stored */
  rejected: RejectedItem[];
}

export interface UpsertOutcome {
  /** records written (new or replacing an older version of the same key) */
  written: number;
  rejected: RejectedItem[];
}

export interface EventQuery {
  account?: string;
  /** inclusive lower bound, ISO 8601 */
  fromIso?: string;
  /** exclusive upper bound, ISO 8601 */
  toIso?: string;
  kinds?: readonly AccountEventKind[];
}

export interface PurgeOutcome {
  /** messages whose raw reference was dropped */
  cleared: number;
  /** files deleted (only copies Kizuki made under its raw folder are ever deleted) */
  deletedFiles: number;
}

export interface Store {
  /** 'sqlite' or 'postgres', for diagnostics only: no caller should branch on it */
  readonly dialect: 'sqlite' | 'postgres';
  /** where the store is, with any password redacted */
  readonly location: string;
  /** folder for raw message copies Kizuki keeps itself (see keepRawMessage) */
  readonly rawDir: string;

  /** Stores judged messages; the same (messageId, sha256) again replaces the older judgement (one record). */
  putJudgedMessages(rows: readonly JudgedMessage[]): Promise<UpsertOutcome>;
  getJudgedMessage(sha256: string): Promise<JudgedMessage | undefined>;
  /** Which of these sha256s have been judged and stored before (one query per thousand). */
  knownMessages(sha256s: readonly string[]): Promise<Set<string>>;
  /**
   * Newest first (by judgedAt, then sha256). `before` pages backwards: an ISO time (exclusive), or the last message
   * of the previous page `{ judgedAt, sha256 }`, which never skips messages judged in the same millisecond.
   */
  listJudgedMessages(query: {
    verdict?: VerdictLabel;
    limit: number;
    before?: string | Pick<JudgedMessage, 'judgedAt' | 'sha256'>;
  }): Promise<JudgedMessage[]>;
  /** Drops the raw reference of messages judged more than `days` days ago. */
  purgeRawOlderThan(days: number): Promise<PurgeOutcome>;

  getSenderProfile(address: string): Promise<SenderProfile | undefined>;
  getSenderProfiles(addresses: readonly string[]): Promise<Map<string, SenderProfile>>;
  /** Writes profiles whole (the caller merged them); the last of several for one address wins. */
  putSenderProfiles(profiles: readonly SenderProfile[]): Promise<UpsertOutcome>;

  /** Idempotent by event id: an id already stored counts as a duplicate and is left unchanged. */
  putEvents(events: readonly AccountEvent[]): Promise<WriteOutcome>;
  /** Events of one account with fromIso <= time < toIso, oldest first. */
  eventsForAccount(
    account: string,
    fromIso: string,
    toIso: string,
    kinds?: readonly AccountEventKind[],
  ): Promise<AccountEvent[]>;
  countEvents(query?: EventQuery): Promise<number>;

  /** Idempotent by signal id. */
  putSignals(signals: readonly Signal[]): Promise<WriteOutcome>;
  /** Signals of one account with fromIso <= time < toIso (both optional), oldest first. */
  signalsForAccount(account: string, fromIso?: string, toIso?: string): Promise<Signal[]>;
  signalsForCampaign(campaign: string): Promise<Signal[]>;

  /** Inserts or replaces the incident with this id. */
  putIncident(incident: Incident): Promise<void>;
  getIncident(id: string): Promise<Incident | undefined>;
  /** The most recently opened incident, not closed, about this account or this campaign (either matches). */
  openIncidentFor(query: { account?: string; campaign?: string }): Promise<Incident | undefined>;
  /** Newest first. */
  listIncidents(query?: { phase?: IncidentPhase; limit?: number }): Promise<Incident[]>;

  /**
   * Runs `work` in one transaction: everything it writes through the given store commits together, or nothing does.
   * Calls nested inside join the outer transaction. Inside `work`, use only the store it is given: on SQLite the
   * outer store waits for the transaction to end, so calling it from inside would never return.
   */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;
  /** The schema version of the database. */
  schemaVersion(): Promise<number>;
  /**
   * The database itself, for a stage that keeps tables of its own (declared in its migration under
   * src/store/migrations/): `T` names those tables. Inside `transaction`, this is the transaction's connection.
   */
  tables<T>(): { db: Kysely<T>; dialect: 'sqlite' | 'postgres' };
  close(): Promise<void>;
}
