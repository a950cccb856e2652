/**
 * # Kizuki's store
 *
 * One schema, two databases. SQLite (better-sqlite3, WAL, synchronous=FULL) is the embedded default and needs no
 * installation; PostgreSQL is for several Kizuki processes or machines sharing one store. `openStore(url)` picks
 * one from the URL and the rest of Kizuki only ever sees the `Store` interface (src/store/store.ts).
 *
 * ## Tables
 * | table               | one row per                           | key                    |
 * |---------------------|---------------------------------------|------------------------|
 * | kizuki_schema_version | applied migration                   | version                |
 * | judged_messages     | message judged by detection           | (message_id, sha256)   |
 * | sender_profiles     | sender address (history for detection) | address               |
 * | account_events      | AccountEvent (takeover side)          | id                     |
 * | signals             | Signal from an event detector         | id                     |
 * | incidents           | Incident (the whole record as JSON)   | id                     |
 * | incident_keys       | account or campaign an incident is about | (incident_id, kind, value) |
 *
 * ## Conventions
 * - Times are stored as ISO 8601 UTC text in the one form `Date.prototype.toISOString()` writes, so text order is
 *   time order in both databases. Writers normalise; readers get that form back.
 * - Structured values (reasons, data, evidence, summaries, incidents) are JSON text, in both databases alike.
 * - Addresses and accounts are stored lower-cased.
 * - The raw message is kept by reference: `raw_path` points at a file and `sha256` is the hash of its bytes.
 *   `purgeRawOlderThan(days)` drops the reference (and deletes the file when Kizuki made the copy itself).
 *
 * ## Adding to the schema
 * Append a migration to `MIGRATIONS` in src/store/migrations.ts with the next version number; never edit one that
 * has shipped. Migrations run inside one transaction on open, under a lock, so concurrent openers are safe. A
 * database whose version is above the newest migration here is refused ("… newer than this Kizuki …").
 */

export interface SchemaVersionTable {
  version: number;
  description: string;
  applied_at: string;
}

export interface JudgedMessagesTable {
  /** sha256 of the raw message bytes, lower-case hex */
  sha256: string;
  /** Message-ID without angle brackets; '' when the message has none */
  message_id: string;
  subject: string;
  from_address: string;
  /** the Date header as ISO text, or null */
  message_date: string | null;
  source_path: string;
  source_index: number | null;
  verdict: string;
  score: number;
  /** JSON: Reason[] */
  reasons: string;
  /** JSON: a short summary of the Analysis */
  summary: string;
  /** where the raw bytes are kept; null once retention has dropped them */
  raw_path: string | null;
  judged_at: string;
}

export interface SenderProfilesTable {
  address: string;
  first_seen: string;
  last_seen: string;
  message_count: number;
  with_attachments: number;
  /** JSON: Record<string, number> */
  attachment_types: string;
  link_domains: string;
  languages: string;
  flagged: number;
}

export interface AccountEventsTable {
  id: string;
  kind: string;
  time: string;
  account: string;
  source: string;
  /** JSON object */
  data: string;
  /** JSON, or null when the event has no raw record */
  raw: string | null;
}

export interface SignalsTable {
  id: string;
  detector: string;
  time: string;
  account: string;
  campaign: string | null;
  severity: string;
  /** JSON: string[] */
  evidence: string;
  en: string;
  ja: string;
  /** JSON object or null */
  data: string | null;
}

export interface IncidentsTable {
  id: string;
  title: string;
  phase: string;
  severity: string;
  opened_at: string;
  first_evidence_at: string;
  contained_at: string | null;
  closed_at: string | null;
  updated_at: string;
  /** JSON: the whole Incident */
  body: string;
}

export interface IncidentKeysTable {
  incident_id: string;
  /** 'account' | 'campaign' */
  kind: string;
  value: string;
}

export interface KizukiDatabase {
  kizuki_schema_version: SchemaVersionTable;
  judged_messages: JudgedMessagesTable;
  sender_profiles: SenderProfilesTable;
  account_events: AccountEventsTable;
  signals: SignalsTable;
  incidents: IncidentsTable;
  incident_keys: IncidentKeysTable;
}
