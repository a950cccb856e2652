// Checks what callers hand the store and converts between model values and table rows.
import type { AccountEvent, AccountEventKind, Incident, IncidentPhase, Severity, Signal } from '../model/events.js';
import type { Reason, SenderProfile, VerdictLabel } from '../model/verdict.js';
import { StoreError } from './errors.js';
import type {
  AccountEventsTable,
  IncidentsTable,
  JudgedMessagesTable,
  SenderProfilesTable,
  SignalsTable,
} from './schema.js';
import type { JudgedMessage, RejectedItem } from './types.js';

const VERDICTS: readonly string[] = ['malicious', 'suspicious', 'spam', 'clean'];
const SEVERITIES: readonly string[] = ['info', 'low', 'medium', 'high', 'critical'];
const PHASES: readonly string[] = ['detected', 'contained', 'eradicated', 'recovered', 'closed'];

/** Thrown by the converters below for one bad item; the batch writers turn it into a RejectedItem. */
class InvalidItem extends Error {}

function fail(message: string): never {
  throw new InvalidItem(message);
}

/** An ISO 8601 time in the one canonical form the store keeps, or undefined when it does not parse. */
export function canonicalTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && !(value instanceof Date)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function requireTime(value: unknown, field: string): string {
  return canonicalTime(value) ?? fail(`${field} is not an ISO 8601 time: ${JSON.stringify(value)}`);
}

function requireText(value: unknown, field: string, allowEmpty = false): string {
  if (typeof value !== 'string') fail(`${field} must be a string`);
  if (!allowEmpty && value.trim() === '') fail(`${field} is empty`);
  return value;
}

function requireOneOf(value: unknown, field: string, allowed: readonly string[]): string {
  if (typeof value !== 'string' || !allowed.includes(value)) fail(`${field} must be one of ${allowed.join(', ')}`);
  return value;
}

function requireCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(`${field} must be a whole number >= 0`);
  return value;
}

function toJson(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    fail(`${field} cannot be stored as JSON: ${(error as Error).message}`);
  }
  return text ?? fail(`${field} cannot be stored as JSON`);
}

/** A time bound given to a query; a bad one is the caller's mistake and gets a clear error. */
export function queryTime(value: string, field: string): string {
  const time = canonicalTime(value);
  if (time === undefined) throw new StoreError('bad-input', `${field} is not an ISO 8601 time: ${JSON.stringify(value)}`);
  return time;
}

/**
 * Converts every item it can; items that fail are listed as rejected with their reason (one bad item never costs
 * the rest of the batch).
 */
export function convertAll<In, Out>(
  items: readonly In[],
  idOf: (item: In) => string,
  convert: (item: In) => Out,
): { rows: Out[]; rejected: RejectedItem[] } {
  const rows: Out[] = [];
  const rejected: RejectedItem[] = [];
  items.forEach((item, index) => {
    try {
      rows.push(convert(item));
    } catch (error) {
      if (!(error instanceof InvalidItem)) throw error;
      let id = '';
      try {
        id = String(idOf(item) ?? '');
      } catch {
        // an item too broken to name keeps the empty id
      }
      rejected.push({ index, id, reason: error.message });
    }
  });
  return { rows, rejected };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- judged messages

export function judgedMessageToRow(message: JudgedMessage): JudgedMessagesTable {
  if (!isPlainObject(message)) fail('not an object');
  const sha256 = requireText(message.sha256, 'sha256').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) fail('sha256 must be 64 hex digits');
  const source = isPlainObject(message.source) ? message.source : fail('source must be an object { path, index? }');
  const index = source.index;
  if (index !== undefined && index !== null) requireCount(index, 'source.index');
  if (typeof message.score !== 'number' || !Number.isFinite(message.score)) fail('score must be a finite number');
  if (!Array.isArray(message.reasons)) fail('reasons must be an array');
  const date = message.date === undefined || message.date === null ? null : (canonicalTime(message.date) ?? null);
  return {
    sha256,
    message_id: requireText(message.messageId ?? '', 'messageId', true)
      .trim()
      .replace(/^<(.*)>$/, '$1'),
    subject: requireText(message.subject ?? '', 'subject', true),
    from_address: requireText(message.fromAddress ?? '', 'fromAddress', true).trim().toLowerCase(),
    message_date: date,
    source_path: requireText(source.path, 'source.path', true),
    source_index: typeof index === 'number' ? index : null,
    verdict: requireOneOf(message.verdict, 'verdict', VERDICTS),
    score: message.score,
    reasons: toJson(message.reasons, 'reasons'),
    summary: toJson(message.summary ?? {}, 'summary'),
    raw_path: message.rawPath ? requireText(message.rawPath, 'rawPath') : null,
    judged_at: requireTime(message.judgedAt, 'judgedAt'),
  };
}

export function rowToJudgedMessage(row: JudgedMessagesTable): JudgedMessage {
  const message: JudgedMessage = {
    sha256: row.sha256,
    messageId: row.message_id,
    subject: row.subject,
    fromAddress: row.from_address,
    source: row.source_index === null ? { path: row.source_path } : { path: row.source_path, index: Number(row.source_index) },
    verdict: row.verdict as VerdictLabel,
    score: Number(row.score),
    reasons: JSON.parse(row.reasons) as Reason[],
    summary: JSON.parse(row.summary) as Record<string, unknown>,
    judgedAt: row.judged_at,
  };
  if (row.message_date !== null) message.date = row.message_date;
  if (row.raw_path !== null) message.rawPath = row.raw_path;
  return message;
}

// ---- sender profiles

function requireCounts(value: unknown, field: string): string {
  if (value === undefined) return '{}';
  if (!isPlainObject(value)) fail(`${field} must be an object of counts`);
  for (const [key, count] of Object.entries(value)) requireCount(count, `${field}.${key}`);
  return toJson(value, field);
}

export function senderProfileToRow(profile: SenderProfile): SenderProfilesTable {
  if (!isPlainObject(profile)) fail('not an object');
  return {
    address: requireText(profile.address, 'address').trim().toLowerCase(),
    first_seen: requireTime(profile.firstSeen, 'firstSeen'),
    last_seen: requireTime(profile.lastSeen, 'lastSeen'),
    message_count: requireCount(profile.messageCount, 'messageCount'),
    with_attachments: requireCount(profile.withAttachments ?? 0, 'withAttachments'),
    attachment_types: requireCounts(profile.attachmentTypes, 'attachmentTypes'),
    link_domains: requireCounts(profile.linkDomains, 'linkDomains'),
    languages: requireCounts(profile.languages, 'languages'),
    flagged: requireCount(profile.flagged ?? 0, 'flagged'),
  };
}

export function rowToSenderProfile(row: SenderProfilesTable): SenderProfile {
  return {
    address: row.address,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    messageCount: Number(row.message_count),
    withAttachments: Number(row.with_attachments),
    attachmentTypes: JSON.parse(row.attachment_types) as Record<string, number>,
    linkDomains: JSON.parse(row.link_domains) as Record<string, number>,
    languages: JSON.parse(row.languages) as Record<string, number>,
    flagged: Number(row.flagged),
  };
}

// ---- account events

export function eventToRow(event: AccountEvent): AccountEventsTable {
  if (!isPlainObject(event)) fail('not an object');
  const data = event.data === undefined ? {} : isPlainObject(event.data) ? event.data : fail('data must be an object');
  return {
    id: requireText(event.id, 'id'),
    kind: requireText(event.kind, 'kind'),
    time: requireTime(event.time, 'time'),
    account: requireText(event.account, 'account').trim().toLowerCase(),
    source: requireText(event.source ?? '', 'source', true),
    data: toJson(data, 'data'),
    raw: event.raw === undefined ? null : toJson(event.raw, 'raw'),
  };
}

export function rowToEvent(row: AccountEventsTable): AccountEvent {
  const event: AccountEvent = {
    id: row.id,
    kind: row.kind as AccountEventKind,
    time: row.time,
    account: row.account,
    source: row.source,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
  if (row.raw !== null) event.raw = JSON.parse(row.raw);
  return event;
}

// ---- signals

export function signalToRow(signal: Signal): SignalsTable {
  if (!isPlainObject(signal)) fail('not an object');
  if (!Array.isArray(signal.evidence) || signal.evidence.some((e) => typeof e !== 'string')) {
    fail('evidence must be an array of strings');
  }
  if (signal.data !== undefined && !isPlainObject(signal.data)) fail('data must be an object');
  return {
    id: requireText(signal.id, 'id'),
    detector: requireText(signal.detector, 'detector'),
    time: requireTime(signal.time, 'time'),
    account: requireText(signal.account, 'account').trim().toLowerCase(),
    campaign: signal.campaign ? requireText(signal.campaign, 'campaign') : null,
    severity: requireOneOf(signal.severity, 'severity', SEVERITIES),
    evidence: toJson(signal.evidence, 'evidence'),
    en: requireText(signal.en ?? '', 'en', true),
    ja: requireText(signal.ja ?? '', 'ja', true),
    data: signal.data === undefined ? null : toJson(signal.data, 'data'),
  };
}

export function rowToSignal(row: SignalsTable): Signal {
  const signal: Signal = {
    id: row.id,
    detector: row.detector,
    time: row.time,
    account: row.account,
    severity: row.severity as Severity,
    evidence: JSON.parse(row.evidence) as string[],
    en: row.en,
    ja: row.ja,
  };
  if (row.campaign !== null) signal.campaign = row.campaign;
  if (row.data !== null) signal.data = JSON.parse(row.data) as Record<string, unknown>;
  return signal;
}

// ---- incidents

export interface IncidentRows {
  incident: IncidentsTable;
  keys: Array<{ kind: 'account' | 'campaign'; value: string }>;
}

/** Validates an incident and derives its row and lookup keys; throws StoreError('bad-input') when malformed. */
export function incidentToRows(incident: Incident, updatedAt: string): IncidentRows {
  try {
    if (!isPlainObject(incident)) fail('not an object');
    const accounts = Array.isArray(incident.accounts) ? incident.accounts : fail('accounts must be an array');
    const campaigns = Array.isArray(incident.campaigns) ? incident.campaigns : fail('campaigns must be an array');
    const optionalTime = (value: unknown, field: string) => (value === undefined || value === null ? null : requireTime(value, field));
    const row: IncidentsTable = {
      id: requireText(incident.id, 'id'),
      title: requireText(incident.title ?? '', 'title', true),
      phase: requireOneOf(incident.phase, 'phase', PHASES),
      severity: requireOneOf(incident.severity, 'severity', SEVERITIES),
      opened_at: requireTime(incident.openedAt, 'openedAt'),
      first_evidence_at: requireTime(incident.firstEvidenceAt, 'firstEvidenceAt'),
      contained_at: optionalTime(incident.containedAt, 'containedAt'),
      closed_at: optionalTime(incident.closedAt, 'closedAt'),
      updated_at: updatedAt,
      body: toJson(incident, 'incident'),
    };
    const keys = new Map<string, { kind: 'account' | 'campaign'; value: string }>();
    for (const account of accounts) {
      const value = requireText(account, 'accounts[]').trim().toLowerCase();
      keys.set(`account\u0000${value}`, { kind: 'account', value });
    }
    for (const campaign of campaigns) {
      const value = requireText(campaign, 'campaigns[]');
      keys.set(`campaign\u0000${value}`, { kind: 'campaign', value });
    }
    return { incident: row, keys: [...keys.values()] };
  } catch (error) {
    if (error instanceof InvalidItem) {
      throw new StoreError('bad-input', `incident ${JSON.stringify(incident?.id ?? '')} cannot be stored: ${error.message}`);
    }
    throw error;
  }
}

export function rowToIncident(row: Pick<IncidentsTable, 'body'>): Incident {
  return JSON.parse(row.body) as Incident;
}

export function isIncidentPhase(value: string): value is IncidentPhase {
  return PHASES.includes(value);
}
