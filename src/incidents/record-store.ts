// The incident record in the store (migration 004): every write is one transaction, so a crash leaves the record as
// it was before or after a change, never half of one. Tables are reached through Store.tables().
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { stableId } from '../events/event.js';
import type { IncidentPhase, Severity } from '../model/events.js';
import type { Store } from '../store/types.js';
import {
  deriveFigures,
  type Evidence,
  type IncidentKind,
  type IncidentRecord,
  type Indicator,
  PHASES,
  RECORD_SCHEMA,
  type RecordTimelineEntry,
  sortTimeline,
  type Task,
  type TaskStatus,
  type TimelineSource,
} from './record.js';

interface RecordRow {
  incident_id: string;
  kind: string;
  phase: string;
  severity: string;
  owner: string | null;
  resolution: string | null;
  first_malicious_at: string | null;
  detected_at: string;
  contained_at: string | null;
  closed_at: string | null;
  updated_at: string;
  body: string;
}

interface IndicatorRow {
  incident_id: string;
  type: string;
  value: string;
  first_seen: string;
  last_seen: string;
  tlp: string;
  note: string | null;
}

interface EvidenceRow {
  incident_id: string;
  sha256: string;
  kind: string;
  name: string;
  media_type: string;
  size: number;
  message_id: string | null;
  custody: string;
  content: string | null;
}

interface TaskRow {
  id: string;
  incident_id: string;
  title: string;
  title_ja: string | null;
  owner: string | null;
  due: string | null;
  status: string;
  created_at: string;
  updated_at: string;
}

interface TimelineRow {
  id: string;
  incident_id: string;
  at: string;
  recorded_at: string;
  source: string;
  kind: string;
  en: string;
  ja: string;
  account: string | null;
  ref: string | null;
  in_letter: number;
  author: string | null;
}

export interface RecordTables {
  incident_records: RecordRow;
  incident_indicators: IndicatorRow;
  incident_evidence: EvidenceRow;
  incident_tasks: TaskRow;
  incident_timeline: TimelineRow;
}

/** A request the record refuses (unknown incident, bad value); the message says what to change. */
export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

/** Evidence larger than this is kept by hash and custody only, without its bytes. */
export const MAX_EVIDENCE_BYTES = 25 * 1024 * 1024;

const BODY_FIELDS = ['title', 'accounts', 'devices', 'outsideRecipients', 'exposedContacts', 'lure', 'evidenceStrength', 'orgDomains'] as const;

function db(store: Store): Kysely<RecordTables> {
  return store.tables<RecordTables>().db;
}

function iso(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RecordError(`${field}: not a date or time: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}

const optional = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

/** Writes the record whole: its own row, and merges its indicators, evidence, tasks and timeline entries. */
export async function saveRecord(store: Store, record: IncidentRecord, evidenceBytes: ReadonlyMap<string, Uint8Array> = new Map()): Promise<void> {
  deriveFigures(record);
  await store.transaction(async (tx) => {
    const d = db(tx);
    const body: Record<string, unknown> = {};
    for (const field of BODY_FIELDS) if (record[field] !== undefined) body[field] = record[field];
    const row: RecordRow = {
      incident_id: record.incidentId,
      kind: record.kind,
      phase: record.phase,
      severity: record.severity,
      owner: record.owner ?? null,
      resolution: record.resolution ?? null,
      first_malicious_at: record.times.firstMaliciousAt ?? null,
      detected_at: record.times.detectedAt,
      contained_at: record.times.containedAt ?? null,
      closed_at: record.times.closedAt ?? null,
      updated_at: record.updatedAt,
      body: JSON.stringify(body),
    };
    const { incident_id: _, ...rest } = row;
    await d.insertInto('incident_records').values(row).onConflict((oc) => oc.column('incident_id').doUpdateSet(rest)).execute();
    await mergeIndicators(d, record.incidentId, record.indicators);
    for (const e of record.evidence) await putEvidence(d, record.incidentId, e, evidenceBytes.get(e.sha256));
    // a task already in the store keeps its status and owner: people change tasks through updateTask
    for (const t of record.tasks) await putTask(d, record.incidentId, t, false);
    await putTimeline(d, record.incidentId, record.timeline);
  });
}

async function mergeIndicators(d: Kysely<RecordTables>, incidentId: string, indicators: readonly Indicator[]): Promise<void> {
  for (const ind of indicators) {
    const old = await d
      .selectFrom('incident_indicators')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .where('type', '=', ind.type)
      .where('value', '=', ind.value)
      .executeTakeFirst();
    if (!old) {
      await d
        .insertInto('incident_indicators')
        .values({ incident_id: incidentId, type: ind.type, value: ind.value, first_seen: ind.firstSeen, last_seen: ind.lastSeen, tlp: ind.tlp, note: ind.note ?? null })
        .execute();
      continue;
    }
    await d
      .updateTable('incident_indicators')
      .set({
        first_seen: [old.first_seen, ind.firstSeen].sort()[0] ?? ind.firstSeen,
        last_seen: [old.last_seen, ind.lastSeen].sort()[1] ?? ind.lastSeen,
        tlp: ind.tlp,
        note: ind.note ?? old.note,
      })
      .where('incident_id', '=', incidentId)
      .where('type', '=', ind.type)
      .where('value', '=', ind.value)
      .execute();
  }
}

async function putEvidence(d: Kysely<RecordTables>, incidentId: string, e: Evidence, bytes?: Uint8Array): Promise<void> {
  const old = await d.selectFrom('incident_evidence').select(['custody', 'content']).where('incident_id', '=', incidentId).where('sha256', '=', e.sha256).executeTakeFirst();
  const content = bytes && bytes.byteLength <= MAX_EVIDENCE_BYTES ? Buffer.from(bytes).toString('base64') : null;
  if (!old) {
    await d
      .insertInto('incident_evidence')
      .values({ incident_id: incidentId, sha256: e.sha256, kind: e.kind, name: e.name, media_type: e.mediaType, size: e.size, message_id: e.messageId ?? null, custody: JSON.stringify(e.custody), content })
      .execute();
    return;
  }
  // The chain only grows: steps already written stay, new ones are appended.
  const chain = JSON.parse(old.custody) as Evidence['custody'];
  // the same actor collecting the same thing from the same place again adds no step (a rebuilt record does that)
  const key = (s: Evidence['custody'][number]) => `${s.actor}|${s.action}|${s.source}`;
  const known = new Set(chain.map(key));
  for (const step of e.custody) if (!known.has(key(step))) chain.push(step);
  await d
    .updateTable('incident_evidence')
    .set({ custody: JSON.stringify(chain), content: old.content ?? content })
    .where('incident_id', '=', incidentId)
    .where('sha256', '=', e.sha256)
    .execute();
}

async function putTask(d: Kysely<RecordTables>, incidentId: string, t: Task, replace = true): Promise<void> {
  const row: TaskRow = {
    id: t.id,
    incident_id: incidentId,
    title: t.title,
    title_ja: t.titleJa ?? null,
    owner: t.owner ?? null,
    due: t.due ?? null,
    status: t.status,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
  const { id: _, ...rest } = row;
  await d
    .insertInto('incident_tasks')
    .values(row)
    .onConflict((oc) => (replace ? oc.column('id').doUpdateSet(rest) : oc.column('id').doNothing()))
    .execute();
}

async function putTimeline(d: Kysely<RecordTables>, incidentId: string, entries: readonly RecordTimelineEntry[]): Promise<void> {
  for (const e of entries) {
    await d
      .insertInto('incident_timeline')
      .values({
        id: e.id,
        incident_id: incidentId,
        at: e.at,
        recorded_at: e.recordedAt,
        source: e.source,
        kind: e.kind,
        en: e.en,
        ja: e.ja,
        account: e.account ?? null,
        ref: e.ref ?? null,
        in_letter: e.inLetter ? 1 : 0,
        author: e.author ?? null,
      })
      // an entry once written is the record of what was known then: it is not rewritten
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

function rowToRecord(row: RecordRow, indicators: IndicatorRow[], evidence: EvidenceRow[], tasks: TaskRow[], timeline: TimelineRow[]): IncidentRecord {
  const body = JSON.parse(row.body) as Pick<IncidentRecord, (typeof BODY_FIELDS)[number]>;
  const record: IncidentRecord = {
    schema: RECORD_SCHEMA,
    incidentId: row.incident_id,
    title: body.title,
    kind: row.kind as IncidentKind,
    severity: row.severity as Severity,
    phase: row.phase as IncidentPhase,
    times: { detectedAt: row.detected_at },
    accounts: body.accounts ?? [],
    devices: body.devices ?? [],
    outsideRecipients: body.outsideRecipients ?? [],
    exposedContacts: body.exposedContacts ?? { count: 0, basis: { en: '', ja: '' } },
    indicators: indicators.map((r) => {
      const i: Indicator = { type: r.type as Indicator['type'], value: r.value, firstSeen: r.first_seen, lastSeen: r.last_seen, tlp: r.tlp as Indicator['tlp'] };
      if (r.note !== null) i.note = r.note;
      return i;
    }),
    evidence: evidence.map((r) => {
      const e: Evidence = { sha256: r.sha256, kind: r.kind as Evidence['kind'], name: r.name, mediaType: r.media_type, size: Number(r.size), custody: JSON.parse(r.custody) };
      if (r.message_id !== null) e.messageId = r.message_id;
      return e;
    }),
    tasks: tasks.map(rowToTask),
    timeline: sortTimeline(
      timeline.map((r) => {
        const e: RecordTimelineEntry = { id: r.id, at: r.at, recordedAt: r.recorded_at, source: r.source as TimelineSource, kind: r.kind, en: r.en, ja: r.ja, inLetter: Number(r.in_letter) === 1 };
        if (r.account !== null) e.account = r.account;
        if (r.ref !== null) e.ref = r.ref;
        if (r.author !== null) e.author = r.author;
        return e;
      }),
    ),
    updatedAt: row.updated_at,
  };
  if (body.lure) record.lure = body.lure;
  if (body.evidenceStrength) record.evidenceStrength = body.evidenceStrength;
  if (body.orgDomains) record.orgDomains = body.orgDomains;
  const owner = optional(row.owner);
  if (owner) record.owner = owner;
  const resolution = optional(row.resolution);
  if (resolution) record.resolution = resolution;
  if (row.first_malicious_at) record.times.firstMaliciousAt = row.first_malicious_at;
  if (row.contained_at) record.times.containedAt = row.contained_at;
  if (row.closed_at) record.times.closedAt = row.closed_at;
  return deriveFigures(record);
}

function rowToTask(r: TaskRow): Task {
  const t: Task = { id: r.id, title: r.title, status: r.status as TaskStatus, createdAt: r.created_at, updatedAt: r.updated_at };
  if (r.title_ja !== null) t.titleJa = r.title_ja;
  if (r.owner !== null) t.owner = r.owner;
  if (r.due !== null) t.due = r.due;
  return t;
}

export async function loadRecord(store: Store, incidentId: string): Promise<IncidentRecord | undefined> {
  const d = db(store);
  const row = await d.selectFrom('incident_records').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
  if (!row) return undefined;
  const [indicators, evidence, tasks, timeline] = await Promise.all([
    d.selectFrom('incident_indicators').selectAll().where('incident_id', '=', incidentId).orderBy('type').orderBy('value').execute(),
    d
      .selectFrom('incident_evidence')
      .select(['incident_id', 'sha256', 'kind', 'name', 'media_type', 'size', 'message_id', 'custody'])
      .where('incident_id', '=', incidentId)
      .orderBy('sha256')
      .execute(),
    d.selectFrom('incident_tasks').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').orderBy('id').execute(),
    d.selectFrom('incident_timeline').selectAll().where('incident_id', '=', incidentId).orderBy('at').orderBy('recorded_at').orderBy('id').execute(),
  ]);
  return rowToRecord(row, indicators, evidence.map((e) => ({ ...e, content: null })), tasks, timeline);
}

/** The record, or a RecordError naming the incident. An unambiguous prefix of the id is enough. */
export async function requireRecord(store: Store, incidentId: string): Promise<IncidentRecord> {
  const id = await resolveIncidentId(store, incidentId);
  const record = await loadRecord(store, id);
  if (!record) throw new RecordError(`no incident record ${incidentId} in this store`);
  return record;
}

export async function resolveIncidentId(store: Store, given: string): Promise<string> {
  const d = db(store);
  const exact = await d.selectFrom('incident_records').select('incident_id').where('incident_id', '=', given).executeTakeFirst();
  if (exact) return exact.incident_id;
  const rows = given
    ? await d
        .selectFrom('incident_records')
        .select('incident_id')
        .where(sql<string>`substr(incident_id, 1, ${given.length})`, '=', given)
        .limit(2)
        .execute()
    : [];
  if (rows.length === 1 && rows[0]) return rows[0].incident_id;
  if (rows.length > 1) throw new RecordError(`${given} names more than one incident; give more of the id`);
  throw new RecordError(`no incident record ${given} in this store (kizuki incident list shows them)`);
}

export interface RecordSummary {
  incidentId: string;
  title: { en: string; ja: string };
  kind: string;
  phase: IncidentPhase;
  severity: Severity;
  owner?: string;
  detectedAt: string;
  containedAt?: string;
  closedAt?: string;
}

/** Newest detected first. */
export async function listRecords(store: Store, query: { phase?: IncidentPhase; limit?: number } = {}): Promise<RecordSummary[]> {
  let select = db(store).selectFrom('incident_records').selectAll();
  if (query.phase) select = select.where('phase', '=', query.phase);
  const rows = await select.orderBy('detected_at', 'desc').orderBy('incident_id').limit(query.limit ?? 100).execute();
  return rows.map((r) => {
    const s: RecordSummary = {
      incidentId: r.incident_id,
      title: (JSON.parse(r.body) as { title: { en: string; ja: string } }).title,
      kind: r.kind,
      phase: r.phase as IncidentPhase,
      severity: r.severity as Severity,
      detectedAt: r.detected_at,
    };
    if (r.owner) s.owner = r.owner;
    if (r.contained_at) s.containedAt = r.contained_at;
    if (r.closed_at) s.closedAt = r.closed_at;
    return s;
  });
}

/** The stored bytes of one piece of evidence (undefined when only its hash was kept). */
export async function evidenceContent(store: Store, incidentId: string, sha256: string): Promise<Uint8Array | undefined> {
  const row = await db(store).selectFrom('incident_evidence').select('content').where('incident_id', '=', incidentId).where('sha256', '=', sha256.toLowerCase()).executeTakeFirst();
  return row?.content ? new Uint8Array(Buffer.from(row.content, 'base64')) : undefined;
}

/** Adds a file or message as evidence; its sha256 is computed here, and the custody chain starts with this step. */
export async function addEvidence(
  store: Store,
  incidentId: string,
  input: { bytes: Uint8Array; name: string; kind: Evidence['kind']; mediaType: string; actor: string; source: string; at: string; messageId?: string },
): Promise<Evidence> {
  const id = await resolveIncidentId(store, incidentId);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const evidence: Evidence = {
    sha256,
    kind: input.kind,
    name: input.name,
    mediaType: input.mediaType,
    size: input.bytes.byteLength,
    custody: [{ actor: input.actor, at: iso(input.at, 'at'), action: 'collected', source: input.source }],
  };
  if (input.messageId) evidence.messageId = input.messageId;
  await store.transaction(async (tx) => putEvidence(db(tx), id, evidence, input.bytes));
  return evidence;
}

const TASK_STATUSES: readonly TaskStatus[] = ['open', 'in-progress', 'done', 'cancelled'];

export async function addTask(
  store: Store,
  incidentId: string,
  input: { title: string; titleJa?: string; owner?: string; due?: string; now: string },
): Promise<Task> {
  const id = await resolveIncidentId(store, incidentId);
  if (!input.title.trim()) throw new RecordError('a task needs a title');
  const now = iso(input.now, 'now');
  const task: Task = { id: stableId('task', id, input.title, now), title: input.title.trim(), status: 'open', createdAt: now, updatedAt: now };
  if (input.titleJa) task.titleJa = input.titleJa;
  if (input.owner) task.owner = input.owner;
  if (input.due) task.due = iso(input.due, 'due');
  await store.transaction(async (tx) => {
    await putTask(db(tx), id, task);
    await touch(db(tx), id, now);
  });
  return task;
}

export async function updateTask(store: Store, taskId: string, change: { status?: string; owner?: string; due?: string; now: string }): Promise<Task> {
  return store.transaction(async (tx) => {
    const d = db(tx);
    const row = await d.selectFrom('incident_tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
    if (!row) throw new RecordError(`no task ${taskId}`);
    const task = rowToTask(row);
    if (change.status !== undefined) {
      if (!TASK_STATUSES.includes(change.status as TaskStatus)) throw new RecordError(`task status must be one of ${TASK_STATUSES.join(', ')}, not ${change.status}`);
      task.status = change.status as TaskStatus;
    }
    if (change.owner !== undefined) task.owner = change.owner;
    if (change.due !== undefined) task.due = iso(change.due, 'due');
    task.updatedAt = iso(change.now, 'now');
    await putTask(d, row.incident_id, task);
    await touch(d, row.incident_id, task.updatedAt);
    return task;
  });
}

/** A manual timeline entry: when it happened (default: now), when it was written (now), and whether the letter shows it. */
export async function addNote(
  store: Store,
  incidentId: string,
  input: { text: string; textJa?: string; at?: string; now: string; author: string; inLetter?: boolean; kind?: string },
): Promise<RecordTimelineEntry> {
  const id = await resolveIncidentId(store, incidentId);
  if (!input.text.trim()) throw new RecordError('a note needs some text');
  const recordedAt = iso(input.now, 'now');
  const at = input.at ? iso(input.at, 'at') : recordedAt;
  const entry: RecordTimelineEntry = {
    id: stableId('tl', id, 'manual', at, recordedAt, input.text),
    at,
    recordedAt,
    source: 'manual',
    kind: input.kind ?? 'note',
    en: input.text.trim(),
    ja: (input.textJa ?? input.text).trim(),
    inLetter: input.inLetter ?? false,
    author: input.author,
  };
  await store.transaction(async (tx) => {
    await putTimeline(db(tx), id, [entry]);
    await touch(db(tx), id, recordedAt);
  });
  return entry;
}

/** Moves the record to a later phase (never back), stamping the phase's time; 'closed' needs a resolution. */
export async function setPhase(
  store: Store,
  incidentId: string,
  input: { phase: IncidentPhase; at?: string; now: string; author: string; resolution?: string },
): Promise<IncidentRecord> {
  const id = await resolveIncidentId(store, incidentId);
  if (!PHASES.includes(input.phase)) throw new RecordError(`phase must be one of ${PHASES.join(', ')}`);
  if (input.phase === 'closed' && !input.resolution?.trim()) throw new RecordError('closing an incident needs a resolution (what was found and done)');
  const now = iso(input.now, 'now');
  const at = input.at ? iso(input.at, 'at') : now;
  await store.transaction(async (tx) => {
    const d = db(tx);
    const row = await d.selectFrom('incident_records').selectAll().where('incident_id', '=', id).executeTakeFirstOrThrow();
    if (PHASES.indexOf(input.phase) < PHASES.indexOf(row.phase as IncidentPhase)) {
      throw new RecordError(`incident ${id} is already ${row.phase}; it cannot go back to ${input.phase}`);
    }
    const set: Partial<RecordRow> = { phase: input.phase, updated_at: now };
    if (input.phase === 'contained' && !row.contained_at) set.contained_at = at;
    if (input.phase === 'closed') {
      set.closed_at = at;
      set.resolution = input.resolution?.trim() ?? null;
      if (!row.contained_at) set.contained_at = at;
    }
    await d.updateTable('incident_records').set(set).where('incident_id', '=', id).execute();
    const en = input.phase === 'closed' ? `Incident closed by ${input.author}: ${input.resolution}` : `Incident moved to phase "${input.phase}" by ${input.author}.`;
    const ja = input.phase === 'closed' ? `${input.author} がインシデントを終結しました: ${input.resolution}` : `${input.author} がインシデントの段階を「${input.phase}」に進めました。`;
    await putTimeline(d, id, [{ id: stableId('tl', id, 'phase', input.phase, at), at, recordedAt: now, source: 'incident', kind: `incident.${input.phase}`, en, ja, inLetter: false, author: input.author }]);
    // the correlation's own incident follows, so that a closed incident is not joined by new signals
    const incident = await tx.getIncident(id);
    if (incident) {
      incident.phase = input.phase;
      if (set.contained_at) incident.containedAt = set.contained_at;
      if (set.closed_at) incident.closedAt = set.closed_at;
      await tx.putIncident(incident);
    }
  });
  return requireRecord(store, id);
}

async function touch(d: Kysely<RecordTables>, incidentId: string, now: string): Promise<void> {
  await d.updateTable('incident_records').set({ updated_at: now }).where('incident_id', '=', incidentId).execute();
}
