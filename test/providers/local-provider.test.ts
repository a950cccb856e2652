// The local provider: every action changes the organisation, is idempotent, names its calls, honours the incident
// window, fails when told to, and keeps its state in a file when asked.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalProvider, readOrg } from '../../src/providers/local/index.js';
import { seedFromScenario } from '../../src/providers/local/seed.js';
import type { ActionRequest } from '../../src/providers/types.js';
import { repoRoot } from '../support/cli.js';
import { scratchDir } from '../store/scratch.js';
import { ADMIN, COLLEAGUE, LURE_ID, makeOrg, VICTIM, WINDOW } from '../respond/fixtures.js';

const ask = (kind: ActionRequest['kind'], extra: Partial<ActionRequest> = {}): ActionRequest => ({ kind, account: VICTIM, idempotencyKey: `k-${kind}-${extra.account ?? VICTIM}`, dryRun: false, ...extra });

describe('local provider', () => {
  it('each containment action changes the organisation and names the exact calls', async () => {
    const provider = new LocalProvider({ org: makeOrg() });
    const signOut = await provider.act(ask('sign-out'));
    assert.equal(signOut.status, 'done');
    assert.deepEqual(signOut.calls.map((c) => `${c.method} ${c.path}`), [`POST /users/${VICTIM}/signOut`]);
    const password = await provider.act(ask('force-password-change'));
    assert.deepEqual(password.calls[0]?.body, { password: '<redacted>', changePasswordAtNextLogin: true });
    const oauth = await provider.act(ask('revoke-oauth'));
    assert.deepEqual(oauth.calls.map((c) => `${c.method} ${c.path}`), [`GET /users/${VICTIM}/tokens`, `DELETE /users/${VICTIM}/tokens/client-9`]);
    await provider.act(ask('revoke-app-passwords'));
    await provider.act(ask('invalidate-backup-codes'));
    await provider.act(ask('remove-forwarding', { since: WINDOW }));
    const filters = await provider.act(ask('remove-filters', { since: WINDOW }));
    assert.deepEqual(filters.details, { removed: ['f-new'] }, 'only the filter made in the incident window goes');
    await provider.act(ask('remove-delegates', { since: WINDOW }));
    await provider.act(ask('remove-sendas', { since: WINDOW }));
    const quarantine = await provider.act({ kind: 'quarantine-message', messageId: `<${LURE_ID}>`, idempotencyKey: 'q', dryRun: false });
    assert.equal(quarantine.details?.copies, 2);
    await provider.act(ask('suspend'));

    const org = provider.snapshot();
    const victim = org.users[VICTIM];
    assert.ok(victim);
    assert.equal(victim.sessions, 0);
    assert.equal(victim.passwordVersion, 1);
    assert.equal(victim.changePasswordAtNextLogin, true);
    assert.deepEqual(victim.oauthGrants, []);
    assert.deepEqual(victim.appPasswords, []);
    assert.equal(victim.backupCodes.valid, false);
    assert.equal(victim.forwarding, undefined);
    assert.deepEqual(victim.filters.map((f) => f.id), ['f-old']);
    assert.deepEqual(victim.delegates, []);
    assert.deepEqual(victim.sendAs, []);
    assert.equal(victim.suspended, true);
    assert.equal(victim.messages[0]?.folder, 'quarantine');
    assert.deepEqual(org.users[COLLEAGUE]?.messages.map((m) => m.folder), ['quarantine', 'inbox'], 'only the lure moves');
    assert.equal(org.users[ADMIN]?.suspended, false);
  });

  it('is idempotent: the same key again calls nothing, a new key finds nothing to do', async () => {
    const provider = new LocalProvider({ org: makeOrg() });
    const first = await provider.act(ask('suspend'));
    const callsAfterFirst = provider.snapshot().calls.length;
    const again = await provider.act(ask('suspend'));
    assert.deepEqual(again, first);
    assert.equal(provider.snapshot().calls.length, callsAfterFirst, 'asking again with the same key made no call');
    const otherKey = await provider.act(ask('suspend', { idempotencyKey: 'another' }));
    assert.equal(otherKey.status, 'nothing-to-do');
    assert.deepEqual(otherKey.calls, []);
  });

  it('a dry run names the calls it would make, as LOCAL METHOD PATH, and changes nothing', async () => {
    const provider = new LocalProvider({ org: makeOrg() });
    const before = provider.snapshot();
    const result = await provider.act(ask('remove-filters', { since: WINDOW, dryRun: true }));
    assert.equal(result.status, 'dry-run');
    assert.deepEqual(result.calls.map((c) => `LOCAL ${c.method} ${c.path}`), [`LOCAL GET /users/${VICTIM}/settings/filters`, `LOCAL DELETE /users/${VICTIM}/settings/filters/f-new`]);
    assert.ok(result.calls.every((c) => c.status === undefined), 'no call was made');
    assert.deepEqual(provider.snapshot(), before);
  });

  it('planned failures fail the next matching actions before any change, then let them through', async () => {
    const provider = new LocalProvider({ org: makeOrg() });
    provider.failNext({ kind: 'force-password-change', account: VICTIM, times: 1, retryable: true, error: 'backend busy' });
    const failed = await provider.act(ask('force-password-change'));
    assert.equal(failed.status, 'failed');
    assert.equal(failed.retryable, true);
    assert.equal(failed.error, 'backend busy');
    assert.equal(failed.calls[0]?.status, 503);
    assert.equal(provider.snapshot().users[VICTIM]?.passwordVersion, 0);
    const retried = await provider.act(ask('force-password-change'));
    assert.equal(retried.status, 'done', 'the same key is tried again after a failure');
    assert.equal(provider.snapshot().users[VICTIM]?.passwordVersion, 1);
  });

  it('an unknown account is a plain, non-retryable failure; secrets never appear in calls', async () => {
    const provider = new LocalProvider({ org: makeOrg() });
    const result = await provider.act(ask('suspend', { account: 'nobody@example.jp' }));
    assert.equal(result.status, 'failed');
    assert.equal(result.retryable, false);
    assert.match(result.error ?? '', /no such user: nobody@example.jp/);
    const password = await provider.act(ask('force-password-change'));
    assert.doesNotMatch(JSON.stringify(password), /password":"(?!<redacted>)/);
  });

  it('keeps the organisation, its call log and completed keys in a JSON file another process can pick up', async () => {
    const file = join(scratchDir('kizuki-local-'), 'org.json');
    const first = new LocalProvider({ org: makeOrg(), stateFile: file });
    await first.act(ask('sign-out'));
    await first.close();
    assert.ok(existsSync(file));
    const second = new LocalProvider({ stateFile: file });
    const again = await second.act(ask('sign-out'));
    assert.equal(again.status, 'done');
    assert.equal(readOrg(file).calls.length, 1, 'the second process saw the first one\'s completed key and called nothing');
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).users[VICTIM].sessions, 0);
  });

  it('seeds the 2017 organisation from the scenario: accounts, the lure in the mailbox, the attacker\'s forwarding, the planned failure', async () => {
    const scenario = join(repoRoot, 'scenarios/2017-shared-you-a-file.yaml');
    const org = await seedFromScenario(scenario, { until: '2017-07-03T19:05:00Z' });
    assert.deepEqual(Object.keys(org.users).sort(), ['hori@tsukishiro-vs.co.jp', 'iwanaga@tsukishiro-vs.co.jp', 'sales-team@tsukishiro-vs.co.jp']);
    const victim = org.users['iwanaga@tsukishiro-vs.co.jp'];
    assert.deepEqual(victim?.messages.map((m) => [m.messageId, m.folder]), [['7c1e0b9a4f2d.20170703062912@mail.halvorsen-imaging.com', 'inbox']]);
    assert.equal(victim?.forwarding?.target, 'archive.iwanaga@mailvault-service.example');
    assert.equal(victim?.sessions, 2, 'his own session and the attacker\'s');
    assert.deepEqual(org.failures, [{ kind: 'force-password-change', account: 'iwanaga@tsukishiro-vs.co.jp', times: 1, error: 'the directory refused the new password' }]);
    const later = await seedFromScenario(scenario);
    assert.equal(later.users['hori@tsukishiro-vs.co.jp']?.messages.length, 1, 'the colleague\'s copy arrives on 12 July');
    const provider = new LocalProvider({ org: later });
    const fetched = await provider.fetchByMessageId('hori@tsukishiro-vs.co.jp', 'CAF7qW1n9xR0mZk2Yt5uVbHc4sE8aLd3oPq6jTg@mail.gmail.com');
    assert.match(Buffer.from(fetched?.raw ?? []).toString('latin1'), /shared you a file/);
  });
});
