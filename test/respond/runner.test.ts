// The playbook runner against the local provider, on SQLite and PostgreSQL: the exact sequence of calls of the
// account-takeover playbook, fallbacks, retries with backoff, the evidence gate, approvals, guardrails, the kill
// switch and dry runs. Every assertion reads what the provider really did or what the store really holds.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LocalProvider } from '../../src/providers/local/index.js';
import { DEFAULT_RESPOND_CONFIG, type RespondConfig } from '../../src/respond/config.js';
import { loadPlaybooks } from '../../src/respond/playbook.js';
import { ResponseRunner } from '../../src/respond/runner.js';
import type { Playbook } from '../../src/respond/types.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { freshTestPostgresDatabase } from '../support/postgres.js';
import { freshSqliteFile } from '../store/suite.js';
import { ADMIN, COLLEAGUE, EXPECTED_TAKEOVER_CALLS, makeContext, makeOrg, simulatedClock, VICTIM } from './fixtures.js';

const automatic: RespondConfig = { ...DEFAULT_RESPOND_CONFIG, mode: 'automatic' };


let builtIn: Playbook;
async function takeover(): Promise<Playbook> {
  if (!builtIn) {
    const found = (await loadPlaybooks()).playbooks.find((p) => p.id === 'account-takeover');
    assert.ok(found, 'the built-in account-takeover playbook loads');
    builtIn = found;
  }
  return builtIn;
}

function runnerSuite(name: string, freshUrl: () => Promise<string>): void {
  describe(`playbook runner on ${name}`, () => {
    const stores: Store[] = [];
    after(async () => {
      for (const store of stores) await store.close();
    });
    async function setup(config: RespondConfig = automatic, org = makeOrg()) {
      const store = await openStore(await freshUrl());
      stores.push(store);
      const clock = simulatedClock();
      const provider = new LocalProvider({ org, now: clock.now });
      const playbook = await takeover();
      const runner = new ResponseRunner({ store, providers: [provider], playbooks: [playbook], orgDomains: ['example.jp'], config, clock });
      const calls = () => provider.snapshot().calls.map((c) => `${c.method} ${c.path}`);
      return { store, clock, provider, playbook, runner, calls };
    }

    it('runs the account-takeover playbook as the exact sequence of calls, logs every step, and leaves the device task to a person', async () => {
      const { runner, playbook, provider, calls } = await setup();
      const run = await runner.start(playbook, makeContext());
      assert.deepEqual(calls(), EXPECTED_TAKEOVER_CALLS);
      assert.equal(run.state, 'waiting', 'a human task is open');
      const log = await runner.tables.actions({ runId: run.id });
      assert.deepEqual(
        log.map((a) => [a.step, a.status]),
        [
          ['force-password-change', 'done'],
          ['sign-out', 'done'],
          ['revoke-oauth', 'done'],
          ['revoke-app-passwords', 'done'],
          ['invalidate-backup-codes', 'done'],
          ['remove-forwarding', 'done'],
          ['remove-filters', 'done'],
          ['remove-delegates', 'done'],
          ['remove-sendas', 'done'],
          ['quarantine-lure', 'done'],
          ['block-lure', 'done'],
          ['notify-staff', 'done'],
          ['device-tasks', 'awaiting-approval'],
        ],
      );
      const signOut = log.find((a) => a.step === 'sign-out');
      assert.equal(signOut?.provider, 'local');
      assert.equal(signOut?.actor, 'kizuki');
      assert.equal(signOut?.incidentId, 'inc_test_1');
      assert.equal(signOut?.account, VICTIM);
      assert.ok(signOut?.idempotencyKey.endsWith(`/sign-out/${VICTIM}`));
      assert.deepEqual(signOut?.calls.map((c) => c.status), [200]);
      const notice = provider.snapshot().outbox[0];
      assert.deepEqual(notice?.to, [ADMIN, COLLEAGUE], 'staff are told; the locked-out account is not');
      assert.match(notice?.subject ?? '', /開かないでください.*shared you a file/);
      assert.deepEqual(
        (await runner.tables.blocklist()).map((b) => `${b.kind}:${b.value}`),
        ['domain:evil.example', 'sender:partner@evil.example', 'url:https://evil.example/login'],
      );
      const steps = await runner.tables.steps(run.id);
      assert.equal(steps.find((s) => s.step === 'suspend-if-severe')?.state, 'skipped', 'high, not critical: no suspension');
      assert.equal(steps.find((s) => s.step === 'warn-outside-recipients')?.state, 'skipped', 'nothing was sent outside');

      const task = steps.find((s) => s.step === 'device-tasks');
      assert.ok(task);
      await runner.decide(task.id, 'approve', 'yamada');
      const finished = await runner.drive(run.id);
      assert.equal(finished.state, 'done');
      const taskRecord = (await runner.tables.actions({ runId: run.id })).find((a) => a.kind === 'task');
      assert.equal(taskRecord?.status, 'done');
      assert.equal(taskRecord?.actor, 'yamada');
      assert.deepEqual(calls(), EXPECTED_TAKEOVER_CALLS, 'driving again repeats nothing');
      const again = await runner.start(playbook, makeContext());
      assert.equal(again.id, run.id, 'the same incident and playbook are one run');
      assert.deepEqual(calls(), EXPECTED_TAKEOVER_CALLS);
    });

    it('a password change that fails falls back to suspending the account, and both are in the log', async () => {
      const org = makeOrg();
      org.failures.push({ kind: 'force-password-change', account: VICTIM, times: 1, error: 'the directory refused the new password' });
      const { runner, playbook, provider } = await setup(automatic, org);
      const run = await runner.start(playbook, makeContext());
      const log = await runner.tables.actions({ runId: run.id });
      const [failed, fallback] = log;
      assert.equal(failed?.step, 'force-password-change');
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.error, 'the directory refused the new password');
      assert.equal(fallback?.step, 'suspend-after-password-failure');
      assert.equal(fallback?.kind, 'suspend');
      assert.equal(fallback?.status, 'done');
      assert.deepEqual(fallback?.calls.map((c) => [c.method, c.path, c.body]), [['PUT', `/users/${VICTIM}`, { suspended: true }]]);
      assert.equal(provider.snapshot().users[VICTIM]?.suspended, true);
      const steps = await runner.tables.steps(run.id);
      assert.equal(steps.find((s) => s.step === 'force-password-change')?.state, 'failed');
      assert.equal(steps.find((s) => s.step === 'suspend-after-password-failure')?.reason, 'fallback: force-password-change failed');
    });

    it('a transient failure is retried with backoff on the injected clock, each attempt logged', async () => {
      const org = makeOrg();
      org.failures.push({ kind: 'sign-out', account: VICTIM, times: 2, retryable: true, error: 'HTTP 503' });
      const { runner, playbook, clock } = await setup(automatic, org);
      const run = await runner.start(playbook, makeContext());
      assert.deepEqual(clock.sleeps, [2000, 4000]);
      const attempts = (await runner.tables.actions({ runId: run.id })).filter((a) => a.step === 'sign-out');
      assert.deepEqual(attempts.map((a) => [a.id.split('#')[1], a.status]), [['01', 'failed'], ['02', 'failed'], ['03', 'done']]);
      const step = (await runner.tables.steps(run.id)).find((s) => s.step === 'sign-out');
      assert.equal(step?.state, 'done');
      assert.equal(step?.attempts, 3);
    });

    it('evidence gates automation: on behaviour only, lock-out steps wait for a person; approving runs them, denying is recorded', async () => {
      const { runner, playbook, calls } = await setup();
      const run = await runner.start(playbook, makeContext({ evidence: 'behaviour', severity: 'critical' }));
      assert.ok(!calls().includes(`PUT /users/${VICTIM}`), 'no password change or suspension without strong evidence');
      assert.ok(!calls().includes(`POST /users/${VICTIM}/signOut`));
      assert.ok(calls().includes(`DELETE /users/${VICTIM}/settings/filters/f-new`), 'steps that lock nobody out still run');
      const waiting = await runner.tables.stepsInState(['awaiting-approval']);
      assert.deepEqual(waiting.map((s) => s.step), ['force-password-change', 'sign-out', 'device-tasks']);
      assert.match(waiting[0]?.reason ?? '', /behaviour only/);
      assert.equal((await runner.tables.steps(run.id)).find((s) => s.step === 'suspend-if-severe')?.state, 'skipped', 'behaviour-only never suspends');

      const [password, signOut] = waiting;
      assert.ok(password && signOut);
      await runner.decide(password.id, 'approve', 'yamada', 'confirmed with the user by phone');
      await runner.decide(signOut.id, 'deny', 'suzuki', 'user is travelling');
      await runner.drive(run.id);
      assert.ok(calls().includes(`PUT /users/${VICTIM}`));
      assert.ok(!calls().includes(`POST /users/${VICTIM}/signOut`));
      const log = await runner.tables.actions({ runId: run.id });
      const approved = log.find((a) => a.step === 'force-password-change');
      assert.equal(approved?.actor, 'yamada', 'the approver is the actor of record');
      const denied = log.find((a) => a.step === 'sign-out');
      assert.equal(denied?.status, 'denied');
      assert.equal(denied?.actor, 'suzuki');
      const stored = await runner.tables.getStep(signOut.id);
      assert.equal(stored?.decidedBy, 'suzuki');
      assert.equal(stored?.decidedAt, '2026-03-01T10:05:00.000Z');
      await assert.rejects(runner.decide(signOut.id, 'approve', 'yamada'), /denied, not awaiting approval/);
    });

    it('a behaviour-only review note never locks anybody out, not even on approval', async () => {
      const { runner, playbook, calls } = await setup();
      const context = makeContext({ evidence: 'behaviour' });
      context.incident.reviewOnly = true;
      const run = await runner.start(playbook, context);
      const steps = await runner.tables.steps(run.id);
      for (const name of ['force-password-change', 'sign-out', 'suspend-if-severe']) {
        const step = steps.find((s) => s.step === name);
        assert.equal(step?.state, 'skipped', name);
        assert.match(step?.reason ?? '', /review note/);
      }
      assert.ok(!calls().includes(`PUT /users/${VICTIM}`));
      assert.ok(calls().includes(`DELETE /users/${VICTIM}/settings/filters/f-new`), 'undoing the attacker\'s changes still runs');
    });

    it('the default configuration asks a person before any provider action, even on strong evidence', async () => {
      const { runner, playbook, calls } = await setup(DEFAULT_RESPOND_CONFIG);
      await runner.start(playbook, makeContext());
      assert.deepEqual(calls(), []);
      const waiting = await runner.tables.stepsInState(['awaiting-approval']);
      assert.equal(waiting.length, 13, '9 account actions, the quarantine, the block list, the staff notice and the device task');
      assert.deepEqual(await runner.tables.blocklist(), []);
    });

    it('guardrails: protected accounts and accounts outside the organisation are never touched', async () => {
      const { runner, playbook, calls } = await setup({ ...automatic, protectedAccounts: [VICTIM] });
      const run = await runner.start(playbook, makeContext({ accounts: [VICTIM, 'someone@partner.example'] }));
      // Account actions never reach the protected account; only the org-wide search for the lure looks into its mailbox.
      const onVictim = calls().filter((c) => c.includes(`/users/${VICTIM}`) && !c.includes('/messages'));
      assert.deepEqual(onVictim, [], 'no account action on the protected account');
      assert.ok(!calls().some((c) => c.includes('someone@partner.example')));
      const skipped = (await runner.tables.actions({ runId: run.id })).filter((a) => a.status === 'skipped');
      assert.ok(skipped.some((a) => a.account === VICTIM && a.actor === 'guardrail' && /protected/.test(a.en)));
      assert.ok(skipped.some((a) => a.account === 'someone@partner.example' && /outside the organisation/.test(a.en)));
      await assert.rejects(runner.decide(skipped[0]?.stepId ?? '', 'approve', 'yamada'), /skipped, not awaiting approval/, 'no approval overrides a guardrail');
    });

    it('guardrails: at most N accounts per hour; more waits for a person', async () => {
      const { runner, playbook, calls } = await setup({ ...automatic, maxAccountsPerHour: 1 });
      await runner.start(playbook, makeContext({ accounts: [VICTIM, COLLEAGUE] }));
      assert.ok(calls().includes(`PUT /users/${VICTIM}`));
      assert.ok(!calls().some((c) => c.startsWith(`PUT /users/${COLLEAGUE}`) || c.startsWith(`POST /users/${COLLEAGUE}/signOut`)));
      const held = (await runner.tables.stepsInState(['awaiting-approval'])).filter((s) => s.target === COLLEAGUE && s.kind !== 'task');
      assert.ok(held.length > 0);
      assert.match(held[0]?.reason ?? '', /limit 1/);
    });

    it('the kill switch stops every run before its next step and records who; resuming carries on', async () => {
      const { runner, playbook, calls, store } = await setup();
      await runner.tables.setPaused(true, 'yamada', '2026-03-01T10:04:00.000Z', 'investigating a false alarm');
      const paused = await runner.start(playbook, makeContext());
      assert.equal(paused.state, 'paused');
      assert.deepEqual(calls(), []);
      assert.deepEqual(await runner.tables.pauseState(), { paused: true, actor: 'yamada', at: '2026-03-01T10:04:00.000Z', reason: 'investigating a false alarm' });
      await runner.tables.setPaused(false, 'yamada', '2026-03-01T10:06:00.000Z');
      const [resumed] = await runner.resumeAll();
      assert.equal(resumed?.state, 'waiting');
      assert.deepEqual(calls(), EXPECTED_TAKEOVER_CALLS);
      const configPaused = new ResponseRunner({ store, providers: [], playbooks: [playbook], orgDomains: ['example.jp'], config: { ...automatic, paused: true } });
      assert.equal((await configPaused.start(playbook, makeContext({ id: 'inc_test_2' }))).state, 'paused', 'respond.paused in the configuration stops runs too');
    });

    it('dry-run mode names every call and changes nothing', async () => {
      const { runner, playbook, calls, provider } = await setup({ ...automatic, mode: 'dry-run' });
      const before = provider.snapshot().users;
      const run = await runner.start(playbook, makeContext());
      assert.deepEqual(calls(), []);
      assert.deepEqual(provider.snapshot().users, before);
      const log = await runner.tables.actions({ runId: run.id });
      const named = log.filter((a) => a.provider).flatMap((a) => a.calls.map((c) => `${c.method} ${c.path}`));
      assert.deepEqual(named, EXPECTED_TAKEOVER_CALLS, 'the dry run names exactly the calls a real run makes');
      assert.ok(log.filter((a) => a.provider).every((a) => a.dryRun && a.status === 'dry-run'));
    });
  });
}

runnerSuite('SQLite', freshSqliteFile);
runnerSuite('PostgreSQL', () => freshTestPostgresDatabase('kizuki_respond'));
