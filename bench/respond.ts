// The playbook runner's own cost: a 20-step playbook run against the local provider, many incidents in a row, on
// SQLite (file, WAL, synchronous=FULL — what a small office runs) and in memory. Reports steps per second and the
// runner's overhead per step: the time not spent inside the provider's act() (state writes, action log, guardrails).
// Run: npm run build && node build/bench/respond.js [runs]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { emptyOrg, ensureUser, LocalProvider } from '../src/providers/local/index.js';
import type { ActionKind, ActionRequest } from '../src/providers/types.js';
import { DEFAULT_RESPOND_CONFIG } from '../src/respond/config.js';
import { ResponseRunner } from '../src/respond/runner.js';
import type { Playbook, ResponseContext, StepSpec } from '../src/respond/types.js';
import { openStore } from '../src/store/index.js';

export interface RespondBenchResult {
  database: string;
  runs: number;
  stepsPerRun: number;
  stepsPerSecond: number;
  /** wall time per step minus the time inside the provider, in ms */
  overheadMsPerStep: number;
  providerMsPerStep: number;
  /** CPU time of the whole process per step (less sensitive to a busy machine than wall time) */
  cpuMsPerStep: number;
}

const KINDS: ActionKind[] = ['force-password-change', 'sign-out', 'revoke-oauth', 'revoke-app-passwords', 'invalidate-backup-codes', 'remove-forwarding', 'remove-filters', 'remove-delegates', 'remove-sendas', 'suspend'];

/** Twenty provider steps: the ten account actions, twice over (the second pass finds nothing left to do). */
export function twentyStepPlaybook(): Playbook {
  const steps: StepSpec[] = [];
  for (let i = 0; i < 20; i++) {
    const action = KINDS[i % KINDS.length] as ActionKind;
    steps.push({ id: `step-${i + 1}`, do: { type: 'action', action }, for: 'each-account', timeoutSeconds: 60, lockout: false, sinceIncident: true });
  }
  return { id: 'bench-20', name: { en: 'Bench', ja: 'ベンチ' }, description: '20 steps', trigger: { kinds: ['account-takeover'], minSeverity: 'info', detectors: [], evidence: 'any' }, mode: 'automatic', steps, file: 'bench' };
}

function context(i: number, account: string): ResponseContext {
  return {
    incident: { id: `inc_bench_${i}`, kind: 'account-takeover', title: 'bench', severity: 'high', accounts: [account], detectors: [], evidence: 'strong', openedAt: '2026-03-01T10:00:00Z', firstEvidenceAt: '2026-03-01T09:00:00Z', windowStart: '2026-03-01T09:00:00Z' },
    messages: [],
    indicators: { senders: [], domains: [], urls: [] },
  };
}

async function benchOne(database: string, url: string, runs: number): Promise<RespondBenchResult> {
  const org = emptyOrg(['example.jp']);
  for (let i = 0; i < runs; i++) {
    const user = ensureUser(org, `user${i}@example.jp`);
    user.sessions = 2;
    user.oauthGrants.push({ clientId: `c${i}`, app: 'app', at: '2026-03-01T09:30:00Z' });
    user.filters.push({ id: `f${i}`, criteria: 'x', action: 'delete', at: '2026-03-01T09:30:00Z' });
  }
  const local = new LocalProvider({ org });
  let providerMs = 0;
  const provider = Object.assign(Object.create(local) as LocalProvider, {
    act: async (request: ActionRequest) => {
      const start = performance.now();
      try {
        return await local.act(request);
      } finally {
        providerMs += performance.now() - start;
      }
    },
  });
  const playbook = twentyStepPlaybook();
  const store = await openStore(url);
  try {
    const runner = new ResponseRunner({ store, providers: [provider], playbooks: [playbook], orgDomains: ['example.jp'], config: { ...DEFAULT_RESPOND_CONFIG, mode: 'automatic', maxAccountsPerHour: runs + 1 } });
    // one warm-up run, not counted
    await runner.start(playbook, context(-1, 'user0@example.jp'));
    providerMs = 0;
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < runs; i++) await runner.start(playbook, context(i, `user${i}@example.jp`));
    const elapsed = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const steps = runs * playbook.steps.length;
    return {
      database,
      runs,
      stepsPerRun: playbook.steps.length,
      stepsPerSecond: Math.round(steps / (elapsed / 1000)),
      overheadMsPerStep: Number(((elapsed - providerMs) / steps).toFixed(3)),
      providerMsPerStep: Number((providerMs / steps).toFixed(3)),
      cpuMsPerStep: Number(((used.user + used.system) / 1000 / steps).toFixed(3)),
    };
  } finally {
    await store.close();
  }
}

export async function benchRespond(runs = 50): Promise<RespondBenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-bench-respond-'));
  try {
    return [await benchOne('SQLite file', `sqlite:${join(dir, 'kizuki.db')}`, runs), await benchOne('SQLite in memory', 'sqlite::memory:', runs)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchRespond(Number(process.argv[2] ?? 50))) process.stdout.write(`${JSON.stringify(r)}\n`);
}
