// The built-in account-takeover playbook run by the response runner against the Google and Microsoft fakes, through
// the real providers and the official clients: what the attacker left behind is gone from the fake tenant, the lure
// is quarantined in every mailbox, staff are told, and what Graph cannot do is reported as such, not as done.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Agent } from 'node:https';
import { test } from 'node:test';
import { googleProviderSchema } from '../../src/providers/google/config.js';
import { GoogleProvider } from '../../src/providers/google/provider.js';
import { microsoftProviderSchema } from '../../src/providers/microsoft/config.js';
import { MicrosoftProvider } from '../../src/providers/microsoft/provider.js';
import type { Provider } from '../../src/providers/types.js';
import { DEFAULT_RESPOND_CONFIG } from '../../src/respond/config.js';
import { loadPlaybooks } from '../../src/respond/playbook.js';
import { ResponseRunner, type RunnerClock } from '../../src/respond/runner.js';
import type { LoggedAction } from '../../src/respond/store.js';
import { openStore } from '../../src/store/index.js';
import { FakeGoogle } from '../support/fake-google.js';
import { FakeMicrosoft } from '../support/fake-microsoft.js';
import { ADMIN, COLLEAGUE, DURING, LURE_ID, makeContext, VICTIM } from '../respond/fixtures.js';

const LURE = ['From: partner@evil.example', `To: ${VICTIM}`, 'Subject: shared you a file', `Message-ID: <${LURE_ID}>`, 'Date: Sun, 01 Mar 2026 10:00:00 +0000', '', 'see the file', ''].join('\r\n');

async function runPlaybook(provider: Provider): Promise<LoggedAction[]> {
  let now = Date.parse('2026-03-01T10:05:00.000Z');
  const clock: RunnerClock = {
    now: () => new Date(now),
    sleep: async (ms) => {
      now += ms;
    },
  };
  const { playbooks, problems } = await loadPlaybooks();
  const playbook = playbooks.find((p) => p.id === 'account-takeover');
  assert.ok(playbook, problems.map((p) => p.message).join('; '));
  const store = await openStore('sqlite::memory:', { now: clock.now });
  try {
    const runner = new ResponseRunner({
      store,
      providers: [provider],
      playbooks: [playbook],
      orgDomains: ['example.jp'],
      config: { ...DEFAULT_RESPOND_CONFIG, mode: 'automatic', staff: [VICTIM, COLLEAGUE], retry: { attempts: 2, baseMs: 10 } },
      clock,
      autoApprove: 'test',
    });
    const run = await runner.start(playbook, makeContext());
    return await runner.tables.actions({ runId: run.id });
  } finally {
    await store.close();
    await provider.close();
  }
}

function byStep(log: LoggedAction[], step: string): LoggedAction | undefined {
  return log.find((a) => a.step === step);
}

test('account-takeover playbook against the Google fake: every step lands as the exact Admin SDK and Gmail call', async () => {
  const fake = await new FakeGoogle().start();
  try {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    fake.trustKey(publicKey);
    fake.addUser(ADMIN, { isAdmin: true });
    const victim = fake.addUser(VICTIM);
    fake.addUser(COLLEAGUE);
    victim.tokens.push({ clientId: 'client-9', displayText: 'Mail Sync Pro', scopes: ['https://mail.google.com/'], anonymous: false, nativeApp: false });
    victim.asps.push({ codeId: 7, name: 'imap', creationTime: String(Date.parse(DURING)), lastTimeUsed: '0' });
    const box = fake.mailbox(VICTIM);
    box.autoForwarding = { enabled: true, emailAddress: 'drop@evil.example', disposition: 'leaveInInbox' };
    box.forwardingAddresses.push({ forwardingEmail: 'drop@evil.example', verificationStatus: 'accepted' });
    box.filters.push({ id: 'f-old', criteria: { from: 'newsletter' }, action: { addLabelIds: ['Label_1'] } });
    box.filters.push({ id: 'f-new', criteria: { from: 'mailer-daemon' }, action: { addLabelIds: ['TRASH'] } });
    box.delegates.push({ delegateEmail: 'helper@evil.example', verificationStatus: 'accepted' });
    box.sendAs.push({ sendAsEmail: 'ceo@example.jp', isPrimary: false });
    fake.deliver(VICTIM, LURE);
    fake.deliver(COLLEAGUE, LURE.replace(`To: ${VICTIM}`, `To: ${COLLEAGUE}`));
    const config = googleProviderSchema.parse({ kind: 'google', name: 'example', adminEmail: ADMIN, serviceAccountKeyEnv: 'X', rootUrl: fake.rootUrl, tokenUrl: fake.tokenUrl, noticeSender: ADMIN });
    const provider = new GoogleProvider(config, { credentials: { client_email: 'k@x.iam', private_key: privateKey }, sleep: async () => {}, warn: () => {} });

    const log = await runPlaybook(provider);
    assert.equal(byStep(log, 'force-password-change')?.status, 'done', JSON.stringify(log.map((a) => [a.step, a.status])));
    assert.equal(victim.changePasswordAtNextLogin, true);
    assert.ok(victim.password && victim.password.length >= 16);
    assert.equal(victim.signOuts, 1);
    assert.deepEqual(victim.tokens, []);
    assert.deepEqual(victim.asps, []);
    assert.equal(victim.backupCodesInvalidated, 1);
    assert.equal(box.autoForwarding.enabled, false);
    assert.deepEqual(box.forwardingAddresses, []);
    assert.deepEqual(box.filters.map((f) => f.id), ['f-old']);
    assert.deepEqual(box.delegates, []);
    assert.deepEqual(box.sendAs.map((s) => s.sendAsEmail), [VICTIM]);
    assert.equal(victim.suspended, false, 'a high (not critical) incident does not suspend');
    for (const who of [VICTIM, COLLEAGUE]) {
      const copy = fake.mailbox(who).messages.find((m) => m.messageId === LURE_ID);
      assert.ok(copy && !copy.labelIds.includes('INBOX'), `lure out of ${who}'s inbox`);
    }
    assert.equal(fake.mailbox(ADMIN).sent.length, 1, 'staff notice sent');
    // the action log names the exact calls, and never a password
    assert.ok(byStep(log, 'sign-out')?.calls.some((c) => c.method === 'POST' && c.path === `/admin/directory/v1/users/${encodeURIComponent(VICTIM)}/signOut`));
    assert.doesNotMatch(JSON.stringify(log), new RegExp(victim.password.replace(/[^A-Za-z0-9]/g, '.')));
  } finally {
    await fake.close();
  }
});

test('account-takeover playbook against the Microsoft fake: Graph calls made, and its gaps reported as unsupported', async () => {
  const fake = await new FakeMicrosoft().start();
  try {
    fake.addUser(ADMIN);
    const victim = fake.addUser(VICTIM);
    const colleague = fake.addUser(COLLEAGUE);
    fake.grants.push({ id: 'grant-9', clientId: 'client-9', consentType: 'Principal', principalId: victim.id, resourceId: 'graph', scope: 'Mail.Read' });
    fake.addRule(VICTIM, { displayName: 'x', actions: { forwardTo: [{ emailAddress: { address: 'drop@evil.example' } }] } });
    fake.addRule(VICTIM, { displayName: 'hide bounces', conditions: { senderContains: ['mailer-daemon'] }, actions: { delete: true } });
    fake.addRule(VICTIM, { displayName: 'newsletter', actions: { markImportance: 'low' } });
    fake.deliver(VICTIM, LURE);
    fake.deliver(COLLEAGUE, LURE.replace(`To: ${VICTIM}`, `To: ${COLLEAGUE}`));
    const config = microsoftProviderSchema.parse({ kind: 'microsoft', name: 'example', tenantId: fake.tenant, clientId: fake.clientId, clientSecretEnv: 'X', graphBaseUrl: fake.graphBaseUrl, authorityHost: fake.authorityHost, noticeSender: ADMIN });
    const provider = new MicrosoftProvider(config, { clientSecret: fake.clientSecret, authorityAgent: new Agent({ ca: fake.certificate }), sleep: async () => {}, warn: () => {} });

    const log = await runPlaybook(provider);
    const results = Object.fromEntries(log.filter((a) => a.step).map((a) => [a.step, a.status]));
    assert.equal(results['force-password-change'], 'done', JSON.stringify(results));
    assert.equal(victim.passwordProfile?.forceChangePasswordNextSignIn, true);
    assert.equal(victim.sessionsRevoked, 1);
    assert.deepEqual(fake.grants, []);
    assert.deepEqual(fake.rules.get(victim.id)?.map((r) => r.displayName), ['newsletter']);
    for (const user of [victim, colleague]) {
      const folder = fake.folders.get(user.id)?.find((f) => f.displayName === 'Kizuki Quarantine');
      assert.equal(fake.messages.get(user.id)?.find((m) => m.internetMessageId === `<${LURE_ID}>`)?.folder, folder?.id);
    }
    assert.equal(fake.sent.length, 1, 'staff notice sent through sendMail');
    // what Graph cannot do is not claimed as done
    for (const step of ['revoke-app-passwords', 'invalidate-backup-codes', 'remove-delegates', 'remove-sendas']) assert.equal(results[step], 'unsupported', step);
    assert.equal(victim.accountEnabled, true, 'a gap is not a failure: it does not set off the suspend fallback');
    assert.ok(byStep(log, 'revoke-app-passwords')?.en.match(/app passwords|no API|Microsoft/i), JSON.stringify(byStep(log, 'revoke-app-passwords')));
  } finally {
    await fake.close();
  }
});
