// The response half of `kizuki replay`: when the scenario's first incident opens, the account-takeover playbook
// runs through the local provider (seeded from the scenario as it stood then) in simulated time, approvals on
// automatic, and the summary says when the account was contained — beside what it took by hand in 2017.
import type { Scenario } from '../events/scenario.js';
import type { AccountEvent, Incident, Severity, Signal } from '../model/events.js';
import { LocalProvider } from '../providers/local/index.js';
import { scenarioResponse, seedOrg } from '../providers/local/seed.js';
import { openStore } from '../store/index.js';
import { SEVERITIES } from '../detect/rule-file.js';
import { DEFAULT_RESPOND_CONFIG } from './config.js';
import { buildContext } from './context.js';
import { loadPlaybooks } from './playbook.js';
import { ResponseRunner, type RunnerClock } from './runner.js';
import type { LoggedAction } from './store.js';
import type { EvidenceStrength } from './types.js';

export interface ReplayAction {
  step: string;
  account?: string;
  /** the calls made, e.g. 'LOCAL POST /users/a@b.jp/signOut'; 'task' for a person's task */
  call: string;
  result: string;
  time: string;
  en: string;
  ja: string;
}

export interface ReplayContainment {
  playbook: string;
  /** the incident's first poll after opening: when the playbook started */
  response_started_at: string;
  evidence: EvidenceStrength;
  accounts: string[];
  contained_at?: string;
  /** incident opened → every account of the run locked (signed out and password changed, or suspended) */
  time_to_contain_seconds?: number;
  /** the password given away → contained */
  compromise_to_contain_seconds?: number;
  actions: ReplayAction[];
  /** tasks left for people (devices, outside recipients) */
  open_tasks: Array<{ step: string; en: string; ja: string }>;
  reference_containment: {
    /** 2017: the takeover noticed (09:30 JST, 12 July) → the first account locked by hand (09:50) */
    noticed_to_contain_seconds?: number;
    /** 2017: the password given away → the first account locked */
    compromise_to_contain_seconds?: number;
    /** 2017: noticed → the hand-made response's last step (the second malware scan ended 19:00) */
    noticed_to_response_end_seconds?: number;
  };
}

export interface ContainOptions {
  scenarioFile: string;
  scenario: Scenario;
  baseDir: string;
  incident: Incident;
  signals: readonly Signal[];
  events: readonly AccountEvent[];
  /** how long after the incident opens the runner sees it (one provider poll); default 60 s */
  pollSeconds?: number;
  /** simulated time each API call takes; default 1 s */
  callMs?: number;
  /** receives the whole action log of the run (the incident record keeps it: src/incidents/record-replay.ts) */
  onLog?: (log: readonly LoggedAction[]) => void;
}

const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

/** The incident as it stood at `at`: its signals up to then, their accounts and highest severity. */
function incidentAt(incident: Incident, signals: readonly Signal[], at: string): { incident: Incident; signals: Signal[] } {
  const own = new Set(incident.signalIds);
  const upTo = signals.filter((s) => own.has(s.id) && s.time <= at);
  const accounts = incident.accounts.filter((a) => upTo.some((s) => s.account === a));
  let severity: Severity = 'info';
  for (const s of upTo) if (SEVERITIES.indexOf(s.severity) > SEVERITIES.indexOf(severity)) severity = s.severity;
  return {
    incident: { ...incident, accounts: accounts.length ? accounts : incident.accounts.slice(0, 1), severity, signalIds: upTo.map((s) => s.id) },
    signals: upTo,
  };
}

/**
 * When the accounts were contained, from the action log: an account is contained once it is suspended, or once it
 * is both signed out and its password changed. Undefined while any account is not.
 */
export function containedAt(actions: readonly LoggedAction[], accounts: readonly string[]): string | undefined {
  let latest: string | undefined;
  for (const account of accounts) {
    const doneAt = (kind: string) =>
      actions
        .filter((a) => a.account === account && a.kind === kind && !a.dryRun && (a.status === 'done' || a.status === 'nothing-to-do') && a.endedAt)
        .map((a) => a.endedAt as string)
        .sort()[0];
    const suspended = doneAt('suspend');
    const signedOut = doneAt('sign-out');
    const password = doneAt('force-password-change');
    const both = signedOut && password ? [signedOut, password].sort()[1] : undefined;
    const at = [suspended, both].filter((x): x is string => !!x).sort()[0];
    if (!at) return undefined;
    if (!latest || at > latest) latest = at;
  }
  return latest;
}

export async function containInReplay(options: ContainOptions): Promise<ReplayContainment> {
  const startMs = Date.parse(options.incident.openedAt) + (options.pollSeconds ?? 60) * 1000;
  const startAt = new Date(startMs).toISOString();
  const { incident, signals } = incidentAt(options.incident, options.signals, startAt);
  const events = options.events.filter((e) => e.time <= startAt);
  const context = buildContext(incident, signals, events, options.scenario.orgDomains);

  let now = startMs;
  const clock: RunnerClock = {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
  };
  const org = seedOrg(options.scenario, { baseDir: options.baseDir, until: startAt }, scenarioResponse(options.scenarioFile));
  const provider = new LocalProvider({ org, now: clock.now, sleep: clock.sleep, callMs: options.callMs ?? 1000 });
  const { playbooks, problems } = await loadPlaybooks();
  const playbook = playbooks.find((p) => p.id === 'account-takeover');
  if (!playbook) throw new Error(`the built-in account-takeover playbook did not load: ${problems.map((p) => p.message).join('; ')}`);
  const store = await openStore('sqlite::memory:', { now: clock.now });
  try {
    const runner = new ResponseRunner({
      store,
      providers: [provider],
      playbooks: [playbook],
      orgDomains: options.scenario.orgDomains,
      config: { ...DEFAULT_RESPOND_CONFIG, mode: 'automatic', retry: { attempts: 4, baseMs: 2000 } },
      clock,
      autoApprove: 'replay (approvals on automatic)',
    });
    const run = await runner.start(playbook, context);
    const log = await runner.tables.actions({ runId: run.id });
    options.onLog?.(log);
    const contained = containedAt(log, context.incident.accounts);
    const reference = options.scenario.reference as Scenario['reference'] & { containedAt?: string; responseEndedAt?: string };
    const out: ReplayContainment = {
      playbook: playbook.id,
      response_started_at: startAt,
      evidence: context.incident.evidence,
      accounts: context.incident.accounts,
      actions: log.map((a) => ({
        step: a.step ?? '',
        ...(a.account ? { account: a.account } : {}),
        call: a.kind === 'task' ? 'task' : a.kind === 'block' ? 'KIZUKI block-list' : a.calls.map((c) => `${provider.kind.toUpperCase()} ${c.method} ${c.path}`).join('; ') || '(no call)',
        result: a.status,
        time: a.endedAt ?? a.startedAt,
        en: a.en,
        ja: a.ja,
      })),
      open_tasks: log.filter((a) => a.kind === 'task' && a.status === 'awaiting-approval').map((a) => ({ step: a.step ?? '', en: a.en, ja: a.ja })),
      reference_containment: {},
    };
    if (contained) {
      out.contained_at = contained;
      out.time_to_contain_seconds = seconds(options.incident.openedAt, contained);
      out.compromise_to_contain_seconds = seconds(reference.compromisedAt, contained);
    }
    if (reference.containedAt) {
      out.reference_containment.noticed_to_contain_seconds = seconds(reference.noticedAt, reference.containedAt);
      out.reference_containment.compromise_to_contain_seconds = seconds(reference.compromisedAt, reference.containedAt);
    }
    if (reference.responseEndedAt) out.reference_containment.noticed_to_response_end_seconds = seconds(reference.noticedAt, reference.responseEndedAt);
    return out;
  } finally {
    await store.close();
    await provider.close();
  }
}
