// The playbook runner: plans a run's steps from the incident, stores each step's state with an idempotency key,
// and drives the steps through the providers. Every step state is written before and after its call, so a crash
// resumes where it stopped: a done step is never asked again, a step caught `running` is asked again with the same
// idempotency key (providers' actions are idempotent). Transient failures retry with backoff on the injected clock.
import { stableId } from '../events/event.js';
import type { StepState } from '../model/response.js';
import type { ActionKind, ActionRequest, ActionResult, Provider } from '../providers/types.js';
import type { Store } from '../store/types.js';
import { compileCondition } from './conditions.js';
import { DEFAULT_RESPOND_CONFIG, type RespondConfig } from './config.js';
import { accountAllowed, effectiveMode, rateAllowed } from './guardrails.js';
import { type LoggedAction, ResponseStore } from './store.js';
import { SEVERITIES } from '../detect/rule-file.js';
import type { Playbook, ResponseContext, RunRow, StepRow, StepSpec } from './types.js';

export interface RunnerClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: RunnerClock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RunnerOptions {
  store: Store;
  /** the providers that may act; the first one able to do an action does it */
  providers: readonly Provider[];
  playbooks: readonly Playbook[];
  /** the organisation's own domains (config org.domains): nothing outside them is ever acted on */
  orgDomains: readonly string[];
  config?: RespondConfig;
  clock?: RunnerClock;
  /** who automatic steps are done by in the action log; default 'kizuki' */
  actor?: string;
  /** approve every step that would wait for a person, in this name (the replay's "approvals on automatic") */
  autoApprove?: string;
  /** told after each step the runner worked on, with its state as stored (progress output, tests, benchmarks) */
  onStep?: (step: StepRow) => void;
}

const TERMINAL: ReadonlySet<StepState> = new Set<StepState>(['done', 'failed', 'skipped', 'denied', 'dry-run']);
const HOUR = 3_600_000;

/** Fills {name} placeholders of a notice or task text. */
export function fillTemplate(text: string, context: ResponseContext, target?: string, extra: Record<string, string> = {}): string {
  const lure = context.messages[0];
  const values: Record<string, string> = {
    accounts: context.incident.accounts.join(', '),
    subject: lure?.subject ?? context.incident.title,
    verdict: lure?.verdict ?? 'unknown',
    incident: context.incident.title,
    reporter: context.reporter ?? '',
    target: target ?? '',
    ...extra,
  };
  return text.replace(/\{([a-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Does the playbook's trigger match this incident? */
export function triggerMatches(playbook: Playbook, context: ResponseContext): boolean {
  const t = playbook.trigger;
  if (!t.kinds.includes(context.incident.kind)) return false;
  if (SEVERITIES.indexOf(context.incident.severity) < SEVERITIES.indexOf(t.minSeverity)) return false;
  if (t.evidence === 'strong' && context.incident.evidence !== 'strong') return false;
  if (t.detectors.length && !context.incident.detectors.some((d) => t.detectors.some((p) => d === p || d.startsWith(`${p}.`)))) return false;
  return true;
}

export function runIdFor(incidentId: string, playbookId: string): string {
  return `r${stableId('run', incidentId, playbookId).slice(4, 14)}`;
}

/** The step rows of a new run: each playbook step once per target, with its `when` decided now. */
export function planSteps(runId: string, playbook: Playbook, context: ResponseContext, at: string): StepRow[] {
  const rows: StepRow[] = [];
  let seq = 0;
  for (const spec of playbook.steps) {
    const targets = spec.for === 'each-account' ? context.incident.accounts : spec.for === 'each-message' ? context.messages.map((m) => m.messageId) : [undefined];
    const condition = spec.when ? compileCondition(spec.when) : undefined;
    if (!targets.length) {
      seq += 10;
      rows.push(stepRow(runId, seq, spec, undefined, at, 'skipped', spec.for === 'each-message' ? 'no message to act on' : 'no account to act on'));
      continue;
    }
    for (const target of targets) {
      seq += 10; // a fallback takes seq + 1
      let state: StepState = 'pending';
      let reason: string | undefined;
      try {
        if (spec.lockout && context.incident.reviewOnly) {
          state = 'skipped';
          reason = 'a behaviour-only review note never triggers a step that locks a person out';
        } else if (condition && !condition(context, target)) {
          state = 'skipped';
          reason = `condition not met: ${spec.when}`;
        }
      } catch (error) {
        state = 'skipped';
        reason = `condition failed: ${(error as Error).message}`;
      }
      rows.push(stepRow(runId, seq, spec, target, at, state, reason));
    }
  }
  return rows;
}

function stepRow(runId: string, seq: number, spec: StepSpec, target: string | undefined, at: string, state: StepState, reason?: string): StepRow {
  const row: StepRow = {
    // zero-padded so that ids sort in step order (the action log orders ties in time by id)
    id: `${runId}-${String(seq).padStart(5, '0')}`,
    runId,
    seq,
    step: spec.id,
    kind: spec.do.type === 'action' ? spec.do.action : spec.do.type,
    mode: spec.mode ?? 'automatic',
    state,
    idempotencyKey: `${runId}/${spec.id}/${target ?? '-'}`,
    attempts: 0,
    spec,
    updatedAt: at,
  };
  if (target !== undefined) row.target = target;
  if (reason) row.reason = reason;
  return row;
}

export class ResponseRunner {
  readonly tables: ResponseStore;
  private readonly config: RespondConfig;
  private readonly clock: RunnerClock;
  private readonly actor: string;

  constructor(private readonly options: RunnerOptions) {
    this.tables = new ResponseStore(options.store);
    this.config = options.config ?? DEFAULT_RESPOND_CONFIG;
    this.clock = options.clock ?? systemClock;
    this.actor = options.actor ?? 'kizuki';
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }

  /** Starts (or, when they exist, resumes) a run of every enabled playbook whose trigger matches the incident. */
  async respond(context: ResponseContext): Promise<RunRow[]> {
    const runs: RunRow[] = [];
    for (const playbook of this.options.playbooks) {
      if (this.config.playbooks[playbook.id]?.enabled === false || !triggerMatches(playbook, context)) continue;
      runs.push(await this.start(playbook, context));
    }
    return runs;
  }

  /** Creates the run of one playbook for the incident (once: the same incident and playbook give the same run), then drives it. */
  async start(playbook: Playbook, context: ResponseContext): Promise<RunRow> {
    const id = runIdFor(context.incident.id, playbook.id);
    const at = this.nowIso();
    if (!(await this.tables.getRun(id))) {
      const run: RunRow = { id, incidentId: context.incident.id, playbook: playbook.id, state: 'running', evidence: context.incident.evidence, context, startedAt: at, updatedAt: at };
      await this.tables.createRun(run, planSteps(id, playbook, context, at));
    }
    return this.drive(id);
  }

  /** Drives every run that is not done (after a restart, after approvals, after `respond resume`). */
  async resumeAll(): Promise<RunRow[]> {
    const out: RunRow[] = [];
    for (const run of await this.tables.unfinishedRuns()) out.push(await this.drive(run.id));
    return out;
  }

  /** Runs the run's steps in order as far as they can go now. */
  async drive(runId: string): Promise<RunRow> {
    const run = await this.tables.getRun(runId);
    if (!run) throw new Error(`no playbook run ${runId}`);
    const playbook = this.options.playbooks.find((p) => p.id === run.playbook);
    if (!playbook) throw new Error(`run ${runId}: playbook ${run.playbook} is not loaded`);
    const visited = new Set<string>();
    for (;;) {
      if (await this.paused()) {
        await this.tables.setRunState(runId, 'paused', this.nowIso());
        return { ...run, state: 'paused' };
      }
      const steps = await this.tables.steps(runId);
      const next = steps.find((s) => !visited.has(s.id) && (s.state === 'pending' || s.state === 'running'));
      if (!next) {
        const state: RunRow['state'] = steps.every((s) => TERMINAL.has(s.state)) ? 'done' : 'waiting';
        const at = this.nowIso();
        await this.tables.setRunState(runId, state, at);
        return { ...run, state, updatedAt: at };
      }
      visited.add(next.id);
      await this.runStep(run, playbook, next);
      if (this.options.onStep) {
        const after = await this.tables.getStep(next.id);
        if (after) this.options.onStep(after);
      }
    }
  }

  /** Approves or denies a step waiting for a person (a human task: marks it done, or not to be done). */
  async decide(stepId: string, decision: 'approve' | 'deny', actor: string, note?: string): Promise<StepRow> {
    const step = await this.tables.getStep(stepId);
    if (!step) throw new Error(`no step ${stepId}`);
    if (step.state !== 'awaiting-approval') throw new Error(`step ${stepId} is ${step.state}, not awaiting approval`);
    const at = this.nowIso();
    const run = await this.tables.getRun(step.runId);
    if (step.spec.do.type === 'task') {
      const state: StepState = decision === 'approve' ? 'done' : 'denied';
      await this.tables.transaction(async (t) => {
        await t.updateStep(stepId, { state, decidedBy: actor, decidedAt: at, updatedAt: at, ...(note ? { reason: note } : {}) });
        const record = (await t.actions({ runId: step.runId })).find((a) => a.id === `${stepId}#task`);
        if (record) await t.putAction({ ...record, status: state, actor, endedAt: at, ...(note ? { error: note } : {}) });
      });
      return { ...step, state, decidedBy: actor, decidedAt: at };
    }
    const state: StepState = decision === 'approve' ? 'pending' : 'denied';
    await this.tables.transaction(async (t) => {
      await t.updateStep(stepId, { state, decidedBy: actor, decidedAt: at, updatedAt: at, ...(note ? { reason: note } : {}) });
      if (decision === 'deny') {
        await t.putAction(this.record(run, step, { kind: this.kindOf(step), status: 'denied', calls: [], en: `Denied by ${actor}${note ? `: ${note}` : ''}.`, ja: `${actor} が却下しました${note ? `: ${note}` : ''}。`, startedAt: at, endedAt: at, actor, id: `${stepId}#denied` }));
      }
    });
    return { ...step, state, decidedBy: actor, decidedAt: at };
  }

  private async paused(): Promise<boolean> {
    return this.config.paused || (await this.tables.pauseState()).paused;
  }

  private kindOf(step: StepRow): LoggedAction['kind'] {
    const what = step.spec.do;
    if (what.type === 'action') return what.action;
    if (what.type === 'notify') return 'send-notice';
    return what.type;
  }

  private record(run: RunRow | undefined, step: StepRow, fields: Partial<LoggedAction> & Pick<LoggedAction, 'kind' | 'status' | 'calls' | 'en' | 'ja' | 'startedAt'>): LoggedAction {
    const account = step.spec.for === 'each-account' ? step.target : undefined;
    const record: LoggedAction = {
      id: `${step.id}#${String(step.attempts).padStart(2, '0')}`,
      runId: step.runId,
      stepId: step.id,
      step: step.step,
      request: { step: step.step, ...(step.target ? { target: step.target } : {}) },
      actor: step.decidedBy ?? this.actor,
      idempotencyKey: step.idempotencyKey,
      dryRun: false,
      ...fields,
    };
    if (run) {
      record.incidentId = run.incidentId;
      record.playbook = run.playbook;
    }
    if (account && record.account === undefined) record.account = account;
    return record;
  }

  private async finish(run: RunRow, step: StepRow, state: StepState, reason: string | undefined, record?: LoggedAction, result?: ActionResult): Promise<void> {
    const at = this.nowIso();
    await this.tables.transaction(async (t) => {
      if (record) await t.putAction(record);
      await t.updateStep(step.id, { state, updatedAt: at, ...(reason ? { reason } : {}), ...(result ? { result } : {}) });
    });
    if (state === 'failed' && step.spec.onFailure) {
      const fallback = step.spec.onFailure;
      const row = stepRow(run.id, step.seq + 1, { ...fallback, id: fallback.id }, step.target, at, 'pending', `fallback: ${step.step} failed`);
      row.idempotencyKey = `${step.idempotencyKey}/onFailure`;
      await this.tables.insertStep(row);
    }
  }

  private async runStep(run: RunRow, playbook: Playbook, step: StepRow): Promise<void> {
    const spec = step.spec;
    const context = run.context;
    const at = this.nowIso();
    const account = spec.for === 'each-account' ? step.target : undefined;
    const kind = this.kindOf(step);

    // A human task: opened once, then it waits for a person (`kizuki approve` marks it done).
    if (spec.do.type === 'task') {
      const text = { en: fillTemplate(spec.do.task.en, context, step.target), ja: fillTemplate(spec.do.task.ja, context, step.target) };
      await this.tables.transaction(async (t) => {
        await t.putAction(this.record(run, step, { id: `${step.id}#task`, kind: 'task', status: 'awaiting-approval', calls: [], ...text, startedAt: at, actor: this.actor }));
        await t.updateStep(step.id, { state: 'awaiting-approval', reason: 'a task for a person', updatedAt: at });
      });
      return;
    }

    // Guardrails no playbook overrides.
    if (account) {
      const allowed = accountAllowed(this.config, this.options.orgDomains, account);
      if (!allowed.allow) {
        await this.finish(run, step, 'skipped', allowed.en, this.record(run, step, { kind, status: 'skipped', calls: [], en: `Not done: ${allowed.en}.`, ja: `実施しません: ${allowed.ja}。`, startedAt: at, endedAt: at, actor: 'guardrail' }));
        return;
      }
    }
    const gate = effectiveMode(this.config, playbook, spec, context.incident.evidence);
    if (account && gate.mode !== 'dry-run' && spec.do.type === 'action' && !step.decidedBy) {
      const rate = rateAllowed(this.config, await this.touchedLastHour(), account);
      if (!rate.allow) {
        await this.hold(step, rate.en);
        return;
      }
    }
    if (gate.mode === 'approval' && !step.decidedBy) {
      if (this.options.autoApprove) {
        step.decidedBy = this.options.autoApprove;
        step.decidedAt = at;
        await this.tables.updateStep(step.id, { decidedBy: step.decidedBy, decidedAt: at, updatedAt: at });
      } else {
        await this.hold(step, gate.en ?? 'approval required');
        return;
      }
    }
    const dryRun = gate.mode === 'dry-run';

    if (spec.do.type === 'block') {
      const entries = spec.do.what.flatMap((what) => context.indicators[what].map((value) => ({ kind: what.replace(/s$/, ''), value })));
      if (dryRun) {
        await this.finish(run, step, 'dry-run', undefined, this.record(run, step, { kind: 'block', status: 'dry-run', calls: [], request: { block: entries }, en: `Would block ${entries.length} indicator(s).`, ja: `${entries.length} 件の指標をブロックする予定です。`, startedAt: at, endedAt: at, dryRun: true }));
        return;
      }
      const added = await this.tables.addBlocks(entries, context.incident.id, step.decidedBy ?? this.actor, at);
      const status = entries.length ? 'done' : 'nothing-to-do';
      await this.finish(run, step, 'done', undefined, this.record(run, step, { kind: 'block', status, calls: [], request: { block: entries }, en: `${added.length} new block-list entr${added.length === 1 ? 'y' : 'ies'} (${entries.map((e) => e.value).join(', ') || 'none'}).`, ja: `ブロックリストに ${added.length} 件追加しました(${entries.map((e) => e.value).join('、') || 'なし'})。`, startedAt: at, endedAt: this.nowIso() }));
      return;
    }

    const request = await this.request(step, context, dryRun);
    if ('skip' in request) {
      await this.finish(run, step, 'skipped', request.skip.en, this.record(run, step, { kind, status: 'skipped', calls: [], en: `Not done: ${request.skip.en}.`, ja: `実施しません: ${request.skip.ja}。`, startedAt: at, endedAt: at }));
      return;
    }
    const provider = this.options.providers.find((p) => p.capabilities().has(`action.${request.kind}`));
    if (!provider) {
      const gap = this.options.providers.flatMap((p) => p.gaps()).find((g) => g.capability === `action.${request.kind}`);
      const en = gap?.en ?? `no configured provider can ${request.kind}`;
      const ja = gap?.ja ?? `${request.kind} を実行できるプロバイダーが設定されていません`;
      await this.finish(run, step, 'skipped', en, this.record(run, step, { kind, status: 'unsupported', calls: [], en: `Not possible: ${en}.`, ja: `実行できません: ${ja}。`, startedAt: at, endedAt: at, request: summary(request) }));
      return;
    }
    await this.callProvider(run, step, provider, request);
  }

  private async hold(step: StepRow, reason: string): Promise<void> {
    await this.tables.updateStep(step.id, { state: 'awaiting-approval', reason, updatedAt: this.nowIso() });
  }

  /** Accounts acted on (for real) in the last hour, from the action log. */
  private async touchedLastHour(): Promise<Set<string>> {
    return this.tables.accountsTouchedSince(new Date(this.clock.now().getTime() - HOUR).toISOString());
  }

  private async request(step: StepRow, context: ResponseContext, dryRun: boolean): Promise<ActionRequest | { skip: { en: string; ja: string } }> {
    const spec = step.spec;
    const base = { idempotencyKey: step.idempotencyKey, dryRun };
    if (spec.do.type === 'notify') {
      const what = spec.do;
      let to: string[];
      if (what.to === 'staff') {
        to = this.config.staff.length ? [...this.config.staff] : await this.activeUsers();
        to = to.filter((a) => !context.incident.accounts.includes(a));
      } else if (what.to === 'recipients') to = [...new Set(context.messages.flatMap((m) => m.recipients))];
      else to = context.reporter ? [context.reporter] : [];
      const inside = to.filter((a) => accountAllowed(this.config, this.options.orgDomains, a).allow).sort();
      if (!inside.length) return { skip: { en: 'nobody inside the organisation to notify', ja: '通知先となる組織内の宛先がありません' } };
      const subject = `${fillTemplate(what.subject.ja, context, step.target)} / ${fillTemplate(what.subject.en, context, step.target)}`;
      const text = `${fillTemplate(what.text.ja, context, step.target)}\n---\n${fillTemplate(what.text.en, context, step.target)}`;
      return { ...base, kind: 'send-notice', notice: { to: inside, subject, text } };
    }
    if (spec.do.type !== 'action') throw new Error(`step ${step.id} is not a provider action`);
    const kind: ActionKind = spec.do.action;
    const request: ActionRequest = { ...base, kind };
    if (spec.for === 'each-message') request.messageId = step.target;
    else if (step.target) request.account = step.target;
    if (kind.startsWith('remove-') && spec.sinceIncident) request.since = context.incident.windowStart;
    return request;
  }

  private async activeUsers(): Promise<string[]> {
    const provider = this.options.providers.find((p) => p.capabilities().has('mail.users'));
    if (!provider) return [];
    return (await provider.listUsers()).filter((u) => !u.suspended).map((u) => u.address.toLowerCase());
  }

  private async callProvider(run: RunRow, step: StepRow, provider: Provider, request: ActionRequest): Promise<void> {
    const kind = this.kindOf(step);
    // A step found `running` was interrupted mid-call: ask again under the same attempt and key.
    let attempt = step.state === 'running' ? Math.max(1, step.attempts) : step.attempts + 1;
    for (;;) {
      const startedAt = this.nowIso();
      if (!request.dryRun) await this.tables.updateStep(step.id, { state: 'running', attempts: attempt, updatedAt: startedAt });
      const current = { ...step, attempts: attempt };
      const result = await withTimeout(provider.act(request), step.spec.timeoutSeconds * 1000, request.kind);
      const endedAt = this.nowIso();
      const record = this.record(run, current, {
        provider: provider.name,
        kind,
        status: result.status,
        calls: result.calls,
        request: summary(request),
        en: result.en,
        ja: result.ja,
        startedAt,
        endedAt,
        dryRun: request.dryRun,
        ...(result.error ? { error: result.error } : {}),
        ...(request.account ? { account: request.account } : {}),
      });
      if (result.status === 'dry-run') return this.finish(run, current, 'dry-run', undefined, record, result);
      if (result.status === 'done' || result.status === 'nothing-to-do') return this.finish(run, current, 'done', undefined, record, result);
      if (result.status === 'unsupported') return this.finish(run, current, 'skipped', result.en, record, result);
      if (result.retryable && attempt < this.config.retry.attempts) {
        await this.tables.putAction(record);
        await this.clock.sleep(this.config.retry.baseMs * 2 ** (attempt - 1));
        attempt++;
        continue;
      }
      return this.finish(run, current, 'failed', result.error ?? result.en, record, result);
    }
  }
}

function summary(request: ActionRequest): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: request.kind };
  if (request.account) out.account = request.account;
  if (request.messageId) out.messageId = request.messageId;
  if (request.since) out.since = request.since;
  if (request.notice) out.notice = { to: request.notice.to, subject: request.notice.subject };
  if (request.dryRun) out.dryRun = true;
  return out;
}

/** A provider call that takes too long counts as a transient failure (the timer is wall-clock, not simulated). */
async function withTimeout(call: Promise<ActionResult>, ms: number, kind: string): Promise<ActionResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ActionResult>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'failed', calls: [], en: `${kind} timed out after ${ms / 1000} s`, ja: `${kind} が ${ms / 1000} 秒でタイムアウトしました`, error: `timed out after ${ms / 1000} s`, retryable: true }), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
