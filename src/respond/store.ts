// The response stage's tables (migration 003) read and written through store.tables(): runs, steps, the action
// log, the pause switch and the block list. Times are ISO text, structured values JSON text.
import type { Kysely } from 'kysely';
import type { ActionRecord, StepState } from '../model/response.js';
import type { Store } from '../store/types.js';
import type { RunRow, StepRow } from './types.js';

interface RunTable {
  id: string;
  incident_id: string;
  playbook: string;
  state: string;
  evidence: string;
  context: string;
  started_at: string;
  updated_at: string;
}

interface StepTable {
  id: string;
  run_id: string;
  seq: number;
  step: string;
  kind: string;
  target: string | null;
  mode: string;
  state: string;
  idempotency_key: string;
  attempts: number;
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  spec: string;
  result: string | null;
  updated_at: string;
}

interface ActionTable {
  id: string;
  incident_id: string | null;
  run_id: string | null;
  step_id: string | null;
  playbook: string | null;
  step: string | null;
  provider: string | null;
  kind: string;
  account: string | null;
  calls: string;
  request: string;
  status: string;
  en: string;
  ja: string;
  error: string | null;
  started_at: string;
  ended_at: string | null;
  actor: string;
  idempotency_key: string;
  dry_run: number;
}

interface ControlTable {
  key: string;
  value: string;
  actor: string;
  at: string;
  reason: string | null;
}

interface BlockTable {
  kind: string;
  value: string;
  incident_id: string | null;
  added_at: string;
  actor: string;
}

export interface ResponseTables {
  response_runs: RunTable;
  response_steps: StepTable;
  response_actions: ActionTable;
  response_control: ControlTable;
  response_blocklist: BlockTable;
}

/** A logged action plus the run and step it belongs to. */
export type LoggedAction = ActionRecord & { runId?: string; stepId?: string };

export interface PauseState {
  paused: boolean;
  actor?: string;
  at?: string;
  reason?: string;
}

const json = (value: unknown): string => JSON.stringify(value);
const opt = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

function toRun(row: RunTable): RunRow {
  return {
    id: row.id,
    incidentId: row.incident_id,
    playbook: row.playbook,
    state: row.state as RunRow['state'],
    evidence: row.evidence as RunRow['evidence'],
    context: JSON.parse(row.context),
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  };
}

function toStep(row: StepTable): StepRow {
  const step: StepRow = {
    id: row.id,
    runId: row.run_id,
    seq: Number(row.seq),
    step: row.step,
    kind: row.kind,
    mode: row.mode as StepRow['mode'],
    state: row.state as StepState,
    idempotencyKey: row.idempotency_key,
    attempts: Number(row.attempts),
    spec: JSON.parse(row.spec),
    updatedAt: row.updated_at,
  };
  if (row.target !== null) step.target = row.target;
  if (row.reason !== null) step.reason = row.reason;
  if (row.decided_by !== null) step.decidedBy = row.decided_by;
  if (row.decided_at !== null) step.decidedAt = row.decided_at;
  if (row.result !== null) step.result = JSON.parse(row.result);
  return step;
}

function toAction(row: ActionTable): LoggedAction {
  const record: LoggedAction = {
    id: row.id,
    kind: row.kind as ActionRecord['kind'],
    calls: JSON.parse(row.calls),
    request: JSON.parse(row.request),
    status: row.status as ActionRecord['status'],
    en: row.en,
    ja: row.ja,
    startedAt: row.started_at,
    actor: row.actor,
    idempotencyKey: row.idempotency_key,
    dryRun: Number(row.dry_run) === 1,
  };
  const optional = {
    incidentId: opt(row.incident_id),
    runId: opt(row.run_id),
    stepId: opt(row.step_id),
    playbook: opt(row.playbook),
    step: opt(row.step),
    provider: opt(row.provider),
    account: opt(row.account),
    error: opt(row.error),
    endedAt: opt(row.ended_at),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (record as unknown as Record<string, unknown>)[key] = value;
  return record;
}

/** The response tables of one store (or of the transaction the store belongs to). */
export class ResponseStore {
  constructor(readonly store: Store) {}

  private get db(): Kysely<ResponseTables> {
    return this.store.tables<ResponseTables>().db;
  }

  /** Runs `work` against the same tables inside one transaction. */
  transaction<T>(work: (tables: ResponseStore) => Promise<T>): Promise<T> {
    return this.store.transaction((trx) => work(new ResponseStore(trx)));
  }

  async getRun(id: string): Promise<RunRow | undefined> {
    const row = await this.db.selectFrom('response_runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  async runsForIncident(incidentId: string): Promise<RunRow[]> {
    const rows = await this.db.selectFrom('response_runs').selectAll().where('incident_id', '=', incidentId).orderBy('started_at').execute();
    return rows.map(toRun);
  }

  /** Runs not finished (running, waiting for a person, or stopped by the pause switch), oldest first. */
  async unfinishedRuns(): Promise<RunRow[]> {
    const rows = await this.db.selectFrom('response_runs').selectAll().where('state', '!=', 'done').orderBy('started_at').orderBy('id').execute();
    return rows.map(toRun);
  }

  /** Inserts the run and its planned steps unless a run with this id exists; returns true when it was new. */
  async createRun(run: RunRow, steps: readonly StepRow[]): Promise<boolean> {
    return this.transaction(async (t) => {
      if (await t.getRun(run.id)) return false;
      await t.db
        .insertInto('response_runs')
        .values({
          id: run.id,
          incident_id: run.incidentId,
          playbook: run.playbook,
          state: run.state,
          evidence: run.evidence,
          context: json(run.context),
          started_at: run.startedAt,
          updated_at: run.updatedAt,
        })
        .execute();
      for (const step of steps) await t.insertStep(step);
      return true;
    });
  }

  async setRunState(id: string, state: RunRow['state'], at: string): Promise<void> {
    await this.db.updateTable('response_runs').set({ state, updated_at: at }).where('id', '=', id).execute();
  }

  async insertStep(step: StepRow): Promise<void> {
    await this.db
      .insertInto('response_steps')
      .values({
        id: step.id,
        run_id: step.runId,
        seq: step.seq,
        step: step.step,
        kind: step.kind,
        target: step.target ?? null,
        mode: step.mode,
        state: step.state,
        idempotency_key: step.idempotencyKey,
        attempts: step.attempts,
        reason: step.reason ?? null,
        decided_by: step.decidedBy ?? null,
        decided_at: step.decidedAt ?? null,
        spec: json(step.spec),
        result: step.result ? json(step.result) : null,
        updated_at: step.updatedAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async steps(runId: string): Promise<StepRow[]> {
    const rows = await this.db.selectFrom('response_steps').selectAll().where('run_id', '=', runId).orderBy('seq').execute();
    return rows.map(toStep);
  }

  async getStep(id: string): Promise<StepRow | undefined> {
    const row = await this.db.selectFrom('response_steps').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStep(row) : undefined;
  }

  /** Steps in these states across every run (e.g. awaiting-approval), oldest first. */
  async stepsInState(states: readonly StepState[], incidentId?: string): Promise<Array<StepRow & { incidentId: string; playbook: string }>> {
    let query = this.db
      .selectFrom('response_steps')
      .innerJoin('response_runs', 'response_runs.id', 'response_steps.run_id')
      .selectAll('response_steps')
      .select(['response_runs.incident_id as incident_id', 'response_runs.playbook as playbook'])
      .where('response_steps.state', 'in', [...states]);
    if (incidentId) query = query.where('response_runs.incident_id', '=', incidentId);
    const rows = await query.orderBy('response_steps.updated_at').orderBy('response_steps.id').execute();
    return rows.map((row) => ({ ...toStep(row), incidentId: row.incident_id, playbook: row.playbook }));
  }

  async updateStep(
    id: string,
    change: Partial<Pick<StepRow, 'state' | 'attempts' | 'reason' | 'decidedBy' | 'decidedAt' | 'result' | 'mode'>> & { updatedAt: string },
  ): Promise<void> {
    const set: Partial<StepTable> = { updated_at: change.updatedAt };
    if (change.state !== undefined) set.state = change.state;
    if (change.mode !== undefined) set.mode = change.mode;
    if (change.attempts !== undefined) set.attempts = change.attempts;
    if (change.reason !== undefined) set.reason = change.reason;
    if (change.decidedBy !== undefined) set.decided_by = change.decidedBy;
    if (change.decidedAt !== undefined) set.decided_at = change.decidedAt;
    if (change.result !== undefined) set.result = json(change.result);
    await this.db.updateTable('response_steps').set(set).where('id', '=', id).execute();
  }

  /** Writes one action-log row; the same id again replaces it (a human task first opened, later done). */
  async putAction(record: LoggedAction): Promise<void> {
    const values: ActionTable = {
      id: record.id,
      incident_id: record.incidentId ?? null,
      run_id: record.runId ?? null,
      step_id: record.stepId ?? null,
      playbook: record.playbook ?? null,
      step: record.step ?? null,
      provider: record.provider ?? null,
      kind: record.kind,
      account: record.account ?? null,
      calls: json(record.calls),
      request: json(record.request),
      status: record.status,
      en: record.en,
      ja: record.ja,
      error: record.error ?? null,
      started_at: record.startedAt,
      ended_at: record.endedAt ?? null,
      actor: record.actor,
      idempotency_key: record.idempotencyKey,
      dry_run: record.dryRun ? 1 : 0,
    };
    const { id: _id, ...rest } = values;
    await this.db
      .insertInto('response_actions')
      .values(values)
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  /** The action log, oldest first. */
  async actions(query: { incidentId?: string; runId?: string; sinceIso?: string } = {}): Promise<LoggedAction[]> {
    let q = this.db.selectFrom('response_actions').selectAll();
    if (query.incidentId) q = q.where('incident_id', '=', query.incidentId);
    if (query.runId) q = q.where('run_id', '=', query.runId);
    if (query.sinceIso) q = q.where('started_at', '>=', query.sinceIso);
    const rows = await q.orderBy('started_at').orderBy('id').execute();
    return rows.map(toAction);
  }

  /** Accounts a provider really acted on (done or in flight, not dry runs) since this ISO time: the hourly guardrail. */
  async accountsTouchedSince(sinceIso: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('response_actions')
      .select('account')
      .distinct()
      .where('started_at', '>=', sinceIso)
      .where('account', 'is not', null)
      .where('provider', 'is not', null)
      .where('dry_run', '=', 0)
      .where('status', 'in', ['done', 'running'])
      .execute();
    return new Set(rows.map((r) => r.account as string));
  }

  async pauseState(): Promise<PauseState> {
    const row = await this.db.selectFrom('response_control').selectAll().where('key', '=', 'paused').executeTakeFirst();
    if (!row) return { paused: false };
    const state: PauseState = { paused: row.value === 'true', actor: row.actor, at: row.at };
    if (row.reason !== null) state.reason = row.reason;
    return state;
  }

  async setPaused(paused: boolean, actor: string, at: string, reason?: string): Promise<void> {
    const values = { key: 'paused', value: String(paused), actor, at, reason: reason ?? null };
    await this.db
      .insertInto('response_control')
      .values(values)
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: values.value, actor, at, reason: values.reason }))
      .execute();
  }

  /** Adds block-list entries; returns the ones that were new. */
  async addBlocks(entries: ReadonlyArray<{ kind: string; value: string }>, incidentId: string, actor: string, at: string): Promise<Array<{ kind: string; value: string }>> {
    const added: Array<{ kind: string; value: string }> = [];
    for (const entry of entries) {
      const result = await this.db
        .insertInto('response_blocklist')
        .values({ kind: entry.kind, value: entry.value, incident_id: incidentId, added_at: at, actor })
        .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) added.push(entry);
    }
    return added;
  }

  async blocklist(): Promise<Array<{ kind: string; value: string; incidentId?: string; addedAt: string; actor: string }>> {
    const rows = await this.db.selectFrom('response_blocklist').selectAll().orderBy('kind').orderBy('value').execute();
    return rows.map((r) => ({ kind: r.kind, value: r.value, addedAt: r.added_at, actor: r.actor, ...(r.incident_id ? { incidentId: r.incident_id } : {}) }));
  }
}
