// The account-takeover playbook against the Google and Microsoft local servers, through the real providers and
// the official client libraries: the exact sequence of changing calls, and the fallback suspension when the
// password change fails.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { Agent } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { googleProviderSchema } from '../../src/providers/google/config.js';
import { GoogleProvider } from '../../src/providers/google/provider.js';
import { microsoftProviderSchema } from '../../src/providers/microsoft/config.js';
import { MicrosoftProvider } from '../../src/providers/microsoft/provider.js';
import type { Provider } from '../../src/providers/types.js';
import { DEFAULT_RESPOND_CONFIG } from '../../src/respond/config.js';
import { loadPlaybooks } from '../../src/respond/playbook.js';
import { ResponseRunner } from '../../src/respond/runner.js';
import type { Playbook, ResponseContext } from '../../src/respond/types.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { FakeGoogle } from '../support/fake-google.js';
import { FakeMicrosoft } from '../support/fake-microsoft.js';

const DOMAIN = 'tsukishiro-vs.co.jp';
const VICTIM = `iwanaga@${DOMAIN}`;
const COLLEAGUE = `hori@${DOMAIN}`;
const ADMIN = `admin@${DOMAIN}`;
const SENDER = `security@${DOMAIN}`;
const LURE = 'lure-1@halvorsen-imaging.com';
const u = encodeURIComponent(VICTIM);
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });

function lure(to: string): string {
  return [`From: greg@halvorsen-imaging.com`, `To: ${to}`, 'Subject: shared you a file', `Message-ID: <${LURE}>`, 'Date: Mon, 03 Jul 2017 13:29:12 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', 'see the document', ''].join('\r\n');
}

function context(): ResponseContext {
  return {
    incident: {
      id: 'inc_platform',
      kind: 'account-takeover',
      title: `Possible takeover of ${VICTIM}`,
      severity: 'high',
      accounts: [VICTIM],
      detectors: ['takeover.campaign.lure-received', 'takeover.persistence.forwarding', 'takeover.signin.new-country'],
      evidence: 'strong',
      openedAt: '2017-07-03T19:02:41.000Z',
      firstEvidenceAt: '2017-07-03T13:29:12.000Z',
      windowStart: '2017-07-03T13:29:12.000Z',
    },
    messages: [{ messageId: LURE, subject: 'shared you a file', from: 'greg@halvorsen-imaging.com', recipients: [VICTIM], verdict: 'malicious' }],
    indicators: { senders: ['greg@halvorsen-imaging.com'], domains: ['document-viewer.online'], urls: [] },
  };
}

let playbook: Playbook;
const stores: Store[] = [];
before(async () => {
  const found = (await loadPlaybooks()).playbooks.find((p) => p.id === 'account-takeover');
  assert.ok(found);
  playbook = found;
});
after(async () => {
  for (const store of stores) await store.close();
});

async function run(provider: Provider) {
  const store = await openStore('sqlite::memory:');
  stores.push(store);
  const runner = new ResponseRunner({ store, providers: [provider], playbooks: [playbook], orgDomains: [DOMAIN], config: { ...DEFAULT_RESPOND_CONFIG, mode: 'automatic', staff: [COLLEAGUE] }, clock: { now: () => new Date('2017-07-03T19:03:41Z'), sleep: async () => {} } });
  const result = await runner.start(playbook, context());
  return { run: result, log: await runner.tables.actions({ runId: result.id }) };
}

const changing = (calls: ReadonlyArray<{ method: string; path: string }>) =>
  calls.filter((c) => c.method !== 'GET' && !c.path.endsWith('/token') && !c.path.includes('oauth2')).map((c) => `${c.method} ${c.path}`);

describe('account-takeover playbook against the Google fake', () => {
  let fake: FakeGoogle;
  const google = () =>
    new GoogleProvider(
      googleProviderSchema.parse({ kind: 'google', name: 'tsukishiro', adminEmail: ADMIN, serviceAccountKeyEnv: 'KIZUKI_TEST_GOOGLE_KEY', rootUrl: fake.rootUrl, tokenUrl: fake.tokenUrl, noticeSender: SENDER }),
      { credentials: { client_email: 'kizuki@tsukishiro.iam.gserviceaccount.com', private_key: privateKey }, sleep: async () => {}, clock: () => new Date('2017-07-03T19:03:41Z'), newPassword: () => 'Correct-Horse-Battery-9', warn: () => {}, retry: { baseDelayMs: 1 } },
    );
  async function seed(): Promise<void> {
    await fake?.close();
    fake = await new FakeGoogle().start();
    fake.trustKey(publicKey);
    for (const who of [ADMIN, VICTIM, COLLEAGUE, SENDER]) fake.addUser(who, who === ADMIN ? { isAdmin: true } : {});
    const victim = fake.users.get(VICTIM);
    assert.ok(victim);
    victim.tokens.push({ clientId: 'evil.apps.googleusercontent.com', displayText: 'Mail Sync Pro', scopes: ['https://mail.google.com/'], anonymous: false, nativeApp: false });
    victim.asps.push({ codeId: 12, name: 'attacker', creationTime: String(Date.parse('2017-07-03T19:02:50Z')), lastTimeUsed: '0' });
    const box = fake.mailbox(VICTIM);
    box.autoForwarding = { enabled: true, emailAddress: 'archive@mailvault-service.example', disposition: 'leaveInInbox' };
    box.filters.push({ id: 'f1', criteria: { query: 'bounce OR undeliverable' }, action: { addLabelIds: ['TRASH'] } });
    fake.deliver(VICTIM, lure(VICTIM));
    fake.deliver(COLLEAGUE, lure(COLLEAGUE));
  }
  after(async () => {
    await fake?.close();
  });

  it('makes the exact sequence of Google calls', async () => {
    await seed();
    const { log } = await run(google());
    const calls = changing(fake.calls);
    const gmailAs = fake.calls.filter((c) => c.path.startsWith('/gmail/') && c.method !== 'GET').map((c) => c.subject);
    assert.deepEqual(calls, [
      `PUT /admin/directory/v1/users/${u}`,
      `POST /admin/directory/v1/users/${u}/signOut`,
      `DELETE /admin/directory/v1/users/${u}/tokens/evil.apps.googleusercontent.com`,
      `DELETE /admin/directory/v1/users/${u}/asps/12`,
      `POST /admin/directory/v1/users/${u}/verificationCodes/invalidate`,
      'PUT /gmail/v1/users/me/settings/autoForwarding',
      'DELETE /gmail/v1/users/me/settings/filters/f1',
      'POST /gmail/v1/users/me/labels',
      'POST /gmail/v1/users/me/messages/0000000000000002/modify',
      'POST /gmail/v1/users/me/labels',
      'POST /gmail/v1/users/me/messages/0000000000000001/modify',
      'POST /gmail/v1/users/me/messages/send',
    ]);
    assert.deepEqual(gmailAs, [VICTIM, VICTIM, COLLEAGUE, COLLEAGUE, VICTIM, VICTIM, SENDER], 'each Gmail call is made as the right mailbox');
    for (const who of [VICTIM, COLLEAGUE]) assert.ok(fake.mailbox(who).messages.every((m) => !m.labelIds.includes('INBOX')), `the lure left ${who}'s inbox`);
    assert.equal(fake.users.get(VICTIM)?.changePasswordAtNextLogin, true);
    assert.equal(fake.users.get(VICTIM)?.signOuts, 1);
    assert.equal(fake.mailbox(VICTIM).autoForwarding.enabled, false);
    assert.deepEqual(log.filter((a) => a.provider === 'tsukishiro' && a.status !== 'done').map((a) => `${a.step}:${a.status}`), ['remove-delegates:nothing-to-do', 'remove-sendas:nothing-to-do']);
    assert.ok(log.every((a) => !JSON.stringify(a).includes('Correct-Horse-Battery-9')), 'the new password is never in the action log');
  });

  it('a refused password change falls back to suspension, and the log shows both', async () => {
    await seed();
    fake.fail('PUT', new RegExp(`^/admin/directory/v1/users/${u.replace(/[.%]/g, '\\$&')}$`), 400, { times: 1, reason: 'invalid' });
    const { log } = await run(google());
    const puts = fake.callsTo('PUT', /^\/admin\/directory\/v1\/users\/[^/]+$/);
    assert.deepEqual(puts.map((c) => [c.status, c.body]), [[400, { password: 'Correct-Horse-Battery-9', changePasswordAtNextLogin: true }], [200, { suspended: true }]]);
    assert.deepEqual(log.slice(0, 2).map((a) => [a.step, a.status]), [['force-password-change', 'failed'], ['suspend-after-password-failure', 'done']]);
    assert.equal(fake.users.get(VICTIM)?.suspended, true);
  });
});

describe('account-takeover playbook against the Microsoft fake', () => {
  let fake: FakeMicrosoft;
  const microsoft = () =>
    new MicrosoftProvider(
      microsoftProviderSchema.parse({ kind: 'microsoft', name: 'tsukishiro-m365', tenantId: fake.tenant, clientId: fake.clientId, clientSecretEnv: 'UNUSED', graphBaseUrl: fake.graphBaseUrl, authorityHost: fake.authorityHost, noticeSender: SENDER }),
      { clientSecret: fake.clientSecret, authorityAgent: new Agent({ ca: fake.certificate }), sleep: async () => {}, clock: () => new Date('2017-07-03T19:03:41Z'), newPassword: () => 'Correct-Horse-Battery-9', warn: () => {}, retry: { baseDelayMs: 1 } },
    );
  async function seed(): Promise<void> {
    await fake?.close();
    fake = await new FakeMicrosoft().start();
    for (const who of [ADMIN, VICTIM, COLLEAGUE, SENDER]) fake.addUser(who);
    fake.addRule(VICTIM, { displayName: 'hide bounces', conditions: { subjectContains: ['Undeliverable'] }, actions: { delete: true } } as never);
    fake.deliver(VICTIM, lure(VICTIM));
    fake.deliver(COLLEAGUE, lure(COLLEAGUE));
  }
  after(async () => {
    await fake?.close();
  });

  it('makes the exact sequence of Graph calls and says what Graph cannot do', async () => {
    await seed();
    const { log } = await run(microsoft());
    // Graph ids are random: name them by their owner.
    const names = new Map([ADMIN, VICTIM, COLLEAGUE, SENDER].map((a) => [fake.user(a).id, a]));
    const calls = changing(fake.calls).map((c) => c.replace(/\/users\/([^/]+)/, (_, id: string) => `/users/${names.get(id) ?? id}`).replace(/\/messages\/[^/]+\/move$/, '/messages/{id}/move').replace(/messageRules\/[^/]+$/, 'messageRules/{rule}'));
    assert.deepEqual(calls, [
      `PATCH /v1.0/users/${VICTIM}`,
      `POST /v1.0/users/${VICTIM}/revokeSignInSessions`,
      `DELETE /v1.0/users/${VICTIM}/mailFolders/inbox/messageRules/{rule}`,
      `POST /v1.0/users/${COLLEAGUE}/mailFolders`,
      `POST /v1.0/users/${COLLEAGUE}/messages/{id}/move`,
      `POST /v1.0/users/${VICTIM}/mailFolders`,
      `POST /v1.0/users/${VICTIM}/messages/{id}/move`,
      `POST /v1.0/users/${SENDER}/sendMail`,
    ]);
    assert.deepEqual(fake.calls.find((c) => c.method === 'PATCH')?.body, { passwordProfile: { password: 'Correct-Horse-Battery-9', forceChangePasswordNextSignIn: true } });
    const unsupported = log.filter((a) => a.status === 'unsupported').map((a) => a.step);
    assert.deepEqual(unsupported.sort(), ['invalidate-backup-codes', 'remove-delegates', 'remove-sendas', 'revoke-app-passwords'].sort());
    assert.ok(log.filter((a) => a.status === 'unsupported').every((a) => a.en.startsWith('Not possible:') && a.ja.length > 0));
    assert.equal(fake.user(VICTIM).passwordProfile?.forceChangePasswordNextSignIn, true);
    assert.equal(fake.user(VICTIM).sessionsRevoked, 1);
  });
});
