// The Google Workspace provider through the official clients (@googleapis/admin, @googleapis/gmail,
// google-auth-library JWT with a real RSA key) against the local fake: exact calls, paging, retries, cursors.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { googleProviderSchema } from '../../src/providers/google/config.js';
import { readServiceAccountKey } from '../../src/providers/google/index.js';
import { GoogleProvider } from '../../src/providers/google/provider.js';
import type { ActionRequest, FetchedItem } from '../../src/providers/types.js';
import { FakeGoogle } from '../support/fake-google.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const ADMIN = 'admin@tsukishiro-vs.co.jp';
const VICTIM = 'iwanaga@tsukishiro-vs.co.jp';
const COLLEAGUE = 'hori@tsukishiro-vs.co.jp';

function rawMessage(id: string, from: string, to: string, subject: string): string {
  return [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${id}>`, 'Date: Mon, 03 Jul 2017 13:29:12 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', 'hello', ''].join('\r\n');
}

async function collect(items: AsyncIterable<FetchedItem>): Promise<FetchedItem[]> {
  const out: FetchedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Applies cursors as the watch loop would: after each item. */
function saveCursors(items: FetchedItem[], cursors: Map<string, string>): void {
  for (const item of items) if (item.cursor) cursors.set(item.cursor.scope, item.cursor.value);
}

describe('google provider against the fake Google APIs', () => {
  let fake: FakeGoogle;
  let sleeps: number[];
  const now = new Date('2017-07-04T00:00:00Z');

  function provider(extra: Record<string, unknown> = {}): GoogleProvider {
    const config = googleProviderSchema.parse({
      kind: 'google',
      name: 'tsukishiro',
      adminEmail: ADMIN,
      serviceAccountKeyEnv: 'KIZUKI_TEST_GOOGLE_KEY',
      rootUrl: fake.rootUrl,
      tokenUrl: fake.tokenUrl,
      reportsSafetyMinutes: 60,
      initialLookbackHours: 48,
      noticeSender: 'security@tsukishiro-vs.co.jp',
      ...extra,
    });
    return new GoogleProvider(config, {
      credentials: { client_email: 'kizuki@tsukishiro.iam.gserviceaccount.com', private_key: privateKey },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      clock: () => now,
      newPassword: () => 'Correct-Horse-Battery-9',
      warn: () => {},
      retry: { baseDelayMs: 100 },
    });
  }

  function request(kind: ActionRequest['kind'], extra: Partial<ActionRequest> = {}): ActionRequest {
    return { kind, account: VICTIM, idempotencyKey: `test-${kind}`, dryRun: false, ...extra };
  }

  before(async () => {
    fake = await new FakeGoogle().start();
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    await fake.close();
    fake = await new FakeGoogle().start();
    fake.trustKey(publicKey);
    sleeps = [];
    fake.addUser(ADMIN, { isAdmin: true, name: 'Admin' });
    fake.addUser(VICTIM, { name: 'Iwanaga' });
    fake.addUser(COLLEAGUE, { name: 'Hori' });
    fake.addUser('security@tsukishiro-vs.co.jp');
    fake.addUser('gone@tsukishiro-vs.co.jp', { suspended: true });
  });

  test('the service account key comes from the environment and its absence is a clear error without the key', () => {
    const config = googleProviderSchema.parse({ kind: 'google', name: 'g', adminEmail: ADMIN, serviceAccountKeyEnv: 'KEY_JSON' });
    assert.throws(() => readServiceAccountKey(config, {}), /environment variable KEY_JSON is not set/);
    assert.throws(() => readServiceAccountKey(config, { KEY_JSON: 'not json' }), /is not JSON/);
    const key = readServiceAccountKey(config, { KEY_JSON: JSON.stringify({ client_email: 'a@b.iam', private_key: privateKey }) });
    assert.equal(key.client_email, 'a@b.iam');
    assert.throws(() => googleProviderSchema.parse({ kind: 'google', name: 'g', adminEmail: ADMIN }), /serviceAccountKeyFile or serviceAccountKeyEnv/);
  });

  test('suspending is exactly PUT /admin/directory/v1/users/{userKey} with {"suspended":true}, signed as the admin', async () => {
    const p = provider();
    const result = await p.act(request('suspend'));
    assert.equal(result.status, 'done', result.en);
    const puts = fake.callsTo('PUT', /^\/admin\/directory\/v1\/users\//);
    assert.equal(puts.length, 1);
    assert.equal(puts[0]?.path, `/admin/directory/v1/users/${encodeURIComponent(VICTIM)}`);
    assert.deepEqual(puts[0]?.body, { suspended: true });
    assert.equal(puts[0]?.subject, ADMIN);
    assert.equal(fake.users.get(VICTIM)?.suspended, true);
    assert.deepEqual(result.calls.at(-1), { method: 'PUT', path: `/admin/directory/v1/users/${encodeURIComponent(VICTIM)}`, body: { suspended: true }, status: 200 });
    // idempotent: asked again, nothing to do and no second PUT
    const again = await p.act(request('suspend'));
    assert.equal(again.status, 'nothing-to-do');
    assert.equal(fake.callsTo('PUT', /^\/admin\/directory\/v1\/users\//).length, 1);
    // and reversible
    assert.equal((await p.act(request('unsuspend'))).status, 'done');
    assert.equal(fake.users.get(VICTIM)?.suspended, false);
    await p.close();
  });

  test('a dry run names the exact call and changes nothing', async () => {
    const p = provider();
    const result = await p.act(request('suspend', { dryRun: true }));
    assert.equal(result.status, 'dry-run');
    assert.deepEqual(result.calls.at(-1), { method: 'PUT', path: `/admin/directory/v1/users/${encodeURIComponent(VICTIM)}`, body: { suspended: true } });
    assert.equal(fake.users.get(VICTIM)?.suspended, false);
    assert.equal(fake.callsTo('PUT', /./).length, 0);
    assert.match(result.en, /^Dry run/);
    assert.match(result.ja, /試行/);
  });

  test('sign-out, backup codes and the forced password change use their endpoints; the password is never shown', async () => {
    const p = provider();
    assert.equal((await p.act(request('sign-out'))).status, 'done');
    assert.equal(fake.users.get(VICTIM)?.signOuts, 1);
    assert.equal(fake.callsTo('POST', /\/users\/[^/]+\/signOut$/).length, 1);
    assert.equal((await p.act(request('invalidate-backup-codes'))).status, 'done');
    assert.equal(fake.users.get(VICTIM)?.backupCodesInvalidated, 1);
    assert.equal(fake.callsTo('POST', /\/verificationCodes\/invalidate$/).length, 1);
    const reset = await p.act(request('force-password-change'));
    assert.equal(reset.status, 'done');
    assert.equal(fake.users.get(VICTIM)?.password, 'Correct-Horse-Battery-9');
    assert.equal(fake.users.get(VICTIM)?.changePasswordAtNextLogin, true);
    assert.deepEqual(reset.calls.at(-1)?.body, { password: '<redacted>', changePasswordAtNextLogin: true });
    assert.doesNotMatch(JSON.stringify(reset), /Correct-Horse/);
  });

  test('OAuth tokens are listed then deleted one by one; app passwords only those made since the incident began', async () => {
    const user = fake.users.get(VICTIM);
    assert.ok(user);
    user.tokens.push({ clientId: 'evil.apps.googleusercontent.com', displayText: 'Mail Sync Pro', scopes: ['https://mail.google.com/'], anonymous: false, nativeApp: false });
    user.tokens.push({ clientId: 'calendar-helper', displayText: 'Calendar', scopes: [], anonymous: false, nativeApp: true });
    user.asps.push({ codeId: 11, name: 'old phone', creationTime: String(Date.parse('2017-01-01T00:00:00Z')), lastTimeUsed: '0' });
    user.asps.push({ codeId: 12, name: 'attacker', creationTime: String(Date.parse('2017-07-03T20:00:00Z')), lastTimeUsed: '0' });
    const p = provider();
    const revoked = await p.act(request('revoke-oauth'));
    assert.equal(revoked.status, 'done');
    assert.deepEqual(
      revoked.calls.map((c) => `${c.method} ${c.path}`),
      [`GET /admin/directory/v1/users/${encodeURIComponent(VICTIM)}/tokens`, `DELETE /admin/directory/v1/users/${encodeURIComponent(VICTIM)}/tokens/evil.apps.googleusercontent.com`, `DELETE /admin/directory/v1/users/${encodeURIComponent(VICTIM)}/tokens/calendar-helper`],
    );
    assert.equal(user.tokens.length, 0);
    assert.equal((await p.act(request('revoke-oauth'))).status, 'nothing-to-do');
    const asps = await p.act(request('revoke-app-passwords', { since: '2017-07-03T13:00:00Z' }));
    assert.equal(asps.status, 'done');
    assert.deepEqual(asps.details?.removed, ['attacker']);
    assert.deepEqual(asps.details?.kept, ['old phone']);
    assert.deepEqual(user.asps.map((a) => a.codeId), [11]);
  });

  test('Gmail settings: forwarding off and addresses removed, only harmful filters deleted, delegates and non-primary send-as removed', async () => {
    const box = fake.mailbox(VICTIM);
    box.autoForwarding = { enabled: true, emailAddress: 'drop@document-viewer.online', disposition: 'leaveInInbox' };
    box.forwardingAddresses.push({ forwardingEmail: 'drop@document-viewer.online', verificationStatus: 'accepted' });
    box.filters.push({ id: 'f1', criteria: { query: 'bounce OR undeliverable' }, action: { addLabelIds: ['TRASH'] } });
    box.filters.push({ id: 'f2', criteria: { from: 'boss@tsukishiro-vs.co.jp' }, action: { addLabelIds: ['Label_9'] } });
    box.filters.push({ id: 'f3', criteria: { query: 'invoice' }, action: { forward: 'drop@document-viewer.online' } });
    box.delegates.push({ delegateEmail: 'helper@document-viewer.online', verificationStatus: 'accepted' });
    box.sendAs.push({ sendAsEmail: 'ceo@tsukishiro-vs.co.jp', isPrimary: false });
    const p = provider();
    const forwarding = await p.act(request('remove-forwarding'));
    assert.equal(forwarding.status, 'done');
    assert.equal(box.autoForwarding.enabled, false);
    assert.deepEqual(fake.callsTo('PUT', /\/settings\/autoForwarding$/)[0]?.body, { enabled: false });
    assert.equal(box.forwardingAddresses.length, 0);
    assert.equal(fake.callsTo('PUT', /\/settings\/autoForwarding$/)[0]?.subject, VICTIM);
    const filters = await p.act(request('remove-filters'));
    assert.deepEqual(box.filters.map((f) => f.id), ['f2']);
    assert.deepEqual(filters.details?.kept, ['f2']);
    await p.act(request('remove-delegates'));
    assert.equal(box.delegates.length, 0);
    const sendAs = await p.act(request('remove-sendas'));
    assert.deepEqual(sendAs.details?.removed, ['ceo@tsukishiro-vs.co.jp']);
    assert.deepEqual(box.sendAs.map((s) => s.sendAsEmail), [VICTIM]);
    for (const kind of ['remove-forwarding', 'remove-filters', 'remove-delegates', 'remove-sendas'] as const) assert.equal((await p.act(request(kind))).status, 'nothing-to-do', kind);
  });

  test('quarantine finds every copy by rfc822msgid:, labels it and takes it out of the inbox; release puts it back; delete trashes', async () => {
    fake.deliver(VICTIM, rawMessage('lure-1@halvorsen-imaging.com', 'greg@halvorsen-imaging.com', VICTIM, 'shared you a file'));
    fake.deliver(COLLEAGUE, rawMessage('lure-1@halvorsen-imaging.com', 'greg@halvorsen-imaging.com', COLLEAGUE, 'shared you a file'));
    fake.deliver(COLLEAGUE, rawMessage('other@x.jp', 'a@x.jp', COLLEAGUE, 'lunch'));
    const p = provider();
    const q = await p.act({ kind: 'quarantine-message', messageId: '<lure-1@halvorsen-imaging.com>', idempotencyKey: 'q1', dryRun: false });
    assert.equal(q.status, 'done', q.en);
    assert.equal((q.details?.copies as unknown[] | undefined)?.length, 2);
    for (const who of [VICTIM, COLLEAGUE]) {
      const box = fake.mailbox(who);
      const label = box.labels.find((l) => l.name === 'Kizuki-Quarantine');
      assert.ok(label, `label made in ${who}`);
      const copy = box.messages.find((m) => m.messageId === 'lure-1@halvorsen-imaging.com');
      assert.ok(copy?.labelIds.includes(label.id));
      assert.ok(!copy?.labelIds.includes('INBOX'));
    }
    assert.ok(fake.mailbox(COLLEAGUE).messages.find((m) => m.messageId === 'other@x.jp')?.labelIds.includes('INBOX'));
    assert.ok(fake.callsTo('GET', /\/gmail\/v1\/users\/me\/messages$/).every((c) => c.query.q === 'rfc822msgid:lure-1@halvorsen-imaging.com'));
    const released = await p.act({ kind: 'release-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'r1', dryRun: false });
    assert.equal(released.status, 'done');
    assert.ok(fake.mailbox(VICTIM).messages[0]?.labelIds.includes('INBOX'));
    assert.equal((await p.act({ kind: 'release-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'r1', dryRun: false })).status, 'nothing-to-do');
    const flagged = await p.act({ kind: 'flag-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'f1', dryRun: false });
    assert.equal(flagged.status, 'done');
    assert.ok(fake.mailbox(VICTIM).messages[0]?.labelIds.includes('STARRED'));
    assert.equal((await p.act({ kind: 'flag-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'f1', dryRun: false })).status, 'nothing-to-do');
    const deleted = await p.act({ kind: 'delete-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'd1', dryRun: false });
    assert.equal(deleted.status, 'done');
    assert.ok(fake.mailbox(COLLEAGUE).messages.find((m) => m.messageId === 'lure-1@halvorsen-imaging.com')?.labelIds.includes('TRASH'));
  });

  test('one mailbox failing does not stop the others; the result says which', async () => {
    fake.deliver(VICTIM, rawMessage('lure-2@x.com', 'a@x.com', VICTIM, 's'));
    fake.deliver(COLLEAGUE, rawMessage('lure-2@x.com', 'a@x.com', COLLEAGUE, 's'));
    fake.fail('GET', /^\/gmail\/v1\/users\/me\/messages$/, 400, { reason: 'failedPrecondition', times: 1, subject: VICTIM });
    const p = provider();
    const result = await p.act({ kind: 'quarantine-message', messageId: 'lure-2@x.com', idempotencyKey: 'q2', dryRun: false });
    assert.equal(result.status, 'failed');
    assert.equal((result.details?.failed as unknown[] | undefined)?.length, 1);
    assert.equal((result.details?.copies as unknown[] | undefined)?.length, 1);
  });

  test('a 429 and a 403 rateLimitExceeded are retried with exponential backoff; a 500 too; a 404 is not', async () => {
    fake.fail('PUT', /^\/admin\/directory\/v1\/users\//, 429, { times: 1 });
    fake.fail('PUT', /^\/admin\/directory\/v1\/users\//, 403, { times: 1, reason: 'rateLimitExceeded' });
    fake.fail('PUT', /^\/admin\/directory\/v1\/users\//, 500, { times: 1 });
    const p = provider();
    const result = await p.act(request('suspend'));
    assert.equal(result.status, 'done', result.en);
    assert.deepEqual(sleeps, [100, 200, 400]);
    assert.equal(fake.callsTo('PUT', /^\/admin\/directory\/v1\/users\//).length, 4);
    sleeps.length = 0;
    const missing = await p.act(request('suspend', { account: 'nobody@tsukishiro-vs.co.jp' }));
    assert.equal(missing.status, 'failed');
    assert.equal(missing.retryable, false);
    assert.deepEqual(sleeps, []);
  });

  test('retries give up after the configured attempts and say it may work later', async () => {
    fake.fail('POST', /\/signOut$/, 503, { times: 10 });
    const p = provider();
    const result = await p.act(request('sign-out'));
    assert.equal(result.status, 'failed');
    assert.equal(result.retryable, true);
    assert.equal(fake.callsTo('POST', /\/signOut$/).length, 5);
    assert.deepEqual(sleeps, [100, 200, 400, 800]);
  });

  test('a request that hangs past the timeout is tried again', async () => {
    fake.fail('POST', /\/signOut$/, 500, { times: 1, delayMs: 1500 });
    const base = provider();
    const p = new GoogleProvider(base.config, { credentials: { client_email: 'k@x.iam', private_key: privateKey }, sleep: async (ms) => void sleeps.push(ms), timeoutMs: 300, retry: { baseDelayMs: 100 } });
    const result = await p.act(request('sign-out'));
    assert.equal(result.status, 'done', result.en);
    assert.deepEqual(sleeps, [100]);
    assert.equal(fake.users.get(VICTIM)?.signOuts, 1);
  });

  test('refused credentials stop fetchNew with an error the watch loop treats as permanent', async () => {
    fake.deniedScopes.add('https://www.googleapis.com/auth/admin.directory.user');
    const p = provider({ reports: [] });
    await assert.rejects(collect(p.fetchNew(new Map())), (error: Error & { retryable?: boolean }) => {
      assert.equal(error.retryable, false);
      assert.match(error.message, /unauthorized_client/);
      return true;
    });
  });

  test('listUsers follows nextPageToken through every page', async () => {
    fake.pageSize = 2;
    const users = await provider().listUsers();
    assert.deepEqual(users.map((u) => u.address).sort(), [ADMIN, 'gone@tsukishiro-vs.co.jp', COLLEAGUE, VICTIM, 'security@tsukishiro-vs.co.jp'].sort());
    const lists = fake.callsTo('GET', /^\/admin\/directory\/v1\/users$/);
    assert.equal(lists.length, 3);
    assert.equal(lists[0]?.query.customer, 'my_customer');
    assert.equal(lists[1]?.query.pageToken, '2');
    assert.equal(users.find((u) => u.address === 'gone@tsukishiro-vs.co.jp')?.suspended, true);
  });

  test('mail: a first run takes the current history id; later runs fetch each new message once, as raw RFC 822, across history pages', async () => {
    fake.deliver(VICTIM, rawMessage('before@x.jp', 'a@x.jp', VICTIM, 'before Kizuki'));
    const p = provider({ reports: [] });
    const cursors = new Map<string, string>();
    const first = await collect(p.fetchNew(cursors));
    assert.ok(first.every((i) => i.type === 'cursor'));
    saveCursors(first, cursors);
    assert.ok(cursors.has(`mail:${VICTIM}`));
    assert.ok(!cursors.has('mail:gone@tsukishiro-vs.co.jp'), 'suspended mailboxes are not read');

    fake.pageSize = 2;
    fake.deliver(VICTIM, rawMessage('m1@x.jp', 'a@x.jp', VICTIM, 'one'));
    fake.deliver(VICTIM, rawMessage('m2@x.jp', 'a@x.jp', VICTIM, 'two'));
    fake.deliver(VICTIM, rawMessage('m3@tsukishiro-vs.co.jp', VICTIM, 'c@y.jp', 'three'), { labelIds: ['SENT'] });
    fake.deliver(COLLEAGUE, rawMessage('m4@x.jp', 'a@x.jp', COLLEAGUE, 'four'));
    const second = await collect(p.fetchNew(cursors));
    saveCursors(second, cursors);
    const messages = second.flatMap((i) => (i.type === 'message' ? [i.message] : []));
    assert.deepEqual(
      messages.map((m) => `${m.account} ${m.folder} ${/Message-ID: <([^>]+)>/.exec(Buffer.from(m.raw).toString())?.[1]}`),
      [`${COLLEAGUE} inbox m4@x.jp`, `${VICTIM} inbox m1@x.jp`, `${VICTIM} inbox m2@x.jp`, `${VICTIM} sent m3@tsukishiro-vs.co.jp`],
    );
    assert.ok(fake.callsTo('GET', /\/history$/).some((c) => c.query.pageToken === '2'), 'history paging followed');
    assert.ok(fake.callsTo('GET', /\/messages\/[0-9a-f]+$/).every((c) => c.query.format === 'raw'));
    // resume: nothing again
    const third = await collect(p.fetchNew(cursors));
    assert.equal(third.filter((i) => i.type === 'message').length, 0);
    // a restart between two messages of the mailbox repeats none that were saved
    fake.deliver(VICTIM, rawMessage('m5@x.jp', 'a@x.jp', VICTIM, 'five'));
    const fourth = await collect(p.fetchNew(cursors));
    assert.deepEqual(fourth.flatMap((i) => (i.type === 'message' ? [i.message.providerId] : [])).length, 1);
  });

  test('an expired history id restarts from the current one instead of failing', async () => {
    const p = provider({ reports: [], users: [VICTIM] });
    const warnings: string[] = [];
    const cursors = new Map([[`mail:${VICTIM}`, '5']]);
    fake.mailbox(VICTIM).oldestHistoryId = 900;
    const withWarn = new GoogleProvider(p.config, { credentials: { client_email: 'k@x.iam', private_key: privateKey }, sleep: async () => {}, warn: (m) => warnings.push(m) });
    const items = await collect(withWarn.fetchNew(cursors));
    assert.equal(items.length, 1);
    assert.equal(items[0]?.type, 'cursor');
    assert.match(warnings[0] ?? '', /expired/);
  });

  test('fetchByMessageId finds a message by rfc822msgid: and returns its raw bytes', async () => {
    fake.deliver(COLLEAGUE, rawMessage('find-me@x.jp', 'a@x.jp', COLLEAGUE, 'findable'));
    const p = provider();
    const found = await p.fetchByMessageId(COLLEAGUE, '<find-me@x.jp>');
    assert.match(Buffer.from(found?.raw ?? []).toString(), /Subject: findable/);
    assert.equal(await p.fetchByMessageId(COLLEAGUE, 'absent@x.jp'), undefined);
  });

  test('Reports: sign-ins normalise with ip, country and the suspicious flag; pages are followed; a re-read inside the safety window repeats nothing', async () => {
    fake.pageSize = 2;
    fake.addActivity('login', { time: '2017-07-03T19:02:41.000Z', uniqueQualifier: '1001', actor: { email: VICTIM, profileId: '1' }, ipAddress: '203.0.113.77', networkInfo: { regionCode: 'NL' }, events: [{ type: 'login', name: 'login_success', parameters: [{ name: 'login_type', value: 'google_password' }, { name: 'is_suspicious', boolValue: true }] }] } as never);
    fake.addActivity('login', { time: '2017-07-03T18:00:00.000Z', uniqueQualifier: '1000', actor: { email: VICTIM, profileId: '1' }, ipAddress: '203.0.113.77', events: [{ type: 'login', name: 'login_failure', parameters: [{ name: 'login_failure_type', value: 'login_failure_invalid_password' }] }] });
    fake.addActivity('login', { time: '2017-07-03T23:10:00.000Z', uniqueQualifier: '1002', actor: { email: COLLEAGUE, profileId: '2' }, ipAddress: '198.51.100.20', events: [{ type: 'login', name: 'login_challenge', parameters: [{ name: 'login_challenge_method', multiValue: ['idv_preregistered_phone'] }] }] });
    fake.addActivity('token', { time: '2017-07-03T19:10:00.000Z', uniqueQualifier: '2001', actor: { email: VICTIM, profileId: '1' }, events: [{ type: 'auth', name: 'authorize', parameters: [{ name: 'client_id', value: 'evil.apps' }, { name: 'app_name', value: 'Mail Sync Pro' }, { name: 'scope', multiValue: ['https://mail.google.com/'] }] }] });
    fake.addActivity('user_accounts', { time: '2017-07-03T19:20:00.000Z', uniqueQualifier: '3001', actor: { email: VICTIM, profileId: '1' }, events: [{ type: 'password_change', name: 'password_edit' }] });
    fake.addActivity('admin', { time: '2017-07-03T19:30:00.000Z', uniqueQualifier: '4001', actor: { email: ADMIN, profileId: '9' }, events: [{ type: 'EMAIL_SETTINGS', name: 'CHANGE_GMAIL_SETTING', parameters: [{ name: 'USER_EMAIL', value: VICTIM }, { name: 'SETTING_NAME', value: 'Email forwarding' }, { name: 'NEW_VALUE', value: 'drop@document-viewer.online' }] }] });
    const p = provider({ users: [] });
    const cursors = new Map<string, string>();
    const items = await collect(p.fetchNew(cursors));
    saveCursors(items, cursors);
    const events = items.flatMap((i) => (i.type === 'events' ? i.events : []));
    const byKind = (kind: string) => events.filter((e) => e.kind === kind);
    const success = byKind('signin.success')[0];
    assert.equal(success?.account, VICTIM);
    assert.equal(success?.time, '2017-07-03T19:02:41.000Z');
    assert.deepEqual({ ip: success?.data.ip, country: success?.data.country, suspicious: success?.data.suspicious }, { ip: '203.0.113.77', country: 'NL', suspicious: true });
    assert.equal(success?.source, 'google:reports:login');
    assert.equal(byKind('signin.failure')[0]?.data.suspicious, false);
    assert.equal(byKind('signin.challenge')[0]?.account, COLLEAGUE);
    assert.deepEqual(byKind('oauth.grant')[0]?.data, { clientId: 'evil.apps', appName: 'Mail Sync Pro', scopes: ['https://mail.google.com/'] });
    assert.equal(byKind('password.changed')[0]?.account, VICTIM);
    const forward = byKind('setting.forwarding')[0];
    assert.equal(forward?.account, VICTIM);
    assert.equal(forward?.data.target, 'drop@document-viewer.online');
    // login events are in time order, and pages were followed
    const logins = items.find((i) => i.type === 'events' && i.cursor?.scope === 'events:google:login');
    assert.deepEqual(logins?.type === 'events' ? logins.events.map((e) => e.time) : [], ['2017-07-03T18:00:00.000Z', '2017-07-03T19:02:41.000Z', '2017-07-03T23:10:00.000Z']);
    assert.ok(fake.callsTo('GET', /\/applications\/login$/).some((c) => c.query.pageToken === '2'));
    assert.equal(fake.callsTo('GET', /\/applications\/login$/)[0]?.query.startTime, '2017-07-02T00:00:00.000Z');

    // second read: starts a safety window before the newest event, returns only what is new (a late-arriving event)
    fake.addActivity('login', { time: '2017-07-03T23:05:00.000Z', uniqueQualifier: '1003', actor: { email: VICTIM, profileId: '1' }, ipAddress: '203.0.113.77', events: [{ type: 'login', name: 'login_success' }] });
    const again = await collect(p.fetchNew(cursors));
    const loginCalls = fake.callsTo('GET', /\/applications\/login$/);
    assert.equal(loginCalls.at(-1)?.query.startTime, '2017-07-03T22:10:00.000Z');
    const newEvents = again.flatMap((i) => (i.type === 'events' ? i.events : []));
    assert.deepEqual(newEvents.map((e) => e.time), ['2017-07-03T23:05:00.000Z']);
    // the same activity always gives the same event id
    saveCursors(again, cursors);
    assert.equal((await collect(p.fetchNew(cursors))).filter((i) => i.type === 'events').length, 0);
  });

  test('one Reports application failing is reported and the others still come', async () => {
    fake.addActivity('token', { time: '2017-07-03T19:10:00.000Z', actor: { email: VICTIM, profileId: '1' }, events: [{ name: 'authorize', parameters: [{ name: 'client_id', value: 'x' }] }] });
    fake.fail('GET', /\/applications\/login$/, 400, { times: 1, reason: 'badRequest' });
    const warnings: string[] = [];
    const base = provider({ users: [] });
    const p = new GoogleProvider(base.config, { credentials: { client_email: 'k@x.iam', private_key: privateKey }, sleep: async () => {}, clock: () => now, warn: (m) => warnings.push(m) });
    const items = await collect(p.fetchNew(new Map()));
    assert.match(warnings.join('\n'), /Reports API login/);
    assert.equal(items.flatMap((i) => (i.type === 'events' ? i.events : [])).filter((e) => e.kind === 'oauth.grant').length, 1);
  });

  test('send-notice sends once from the configured sender (a retry with the same key sends nothing more)', async () => {
    const p = provider();
    const notice = { to: ['customer@kitaura-studio.co.jp'], subject: '【お詫び】不審なメールについて', text: '先日当社のアドレスから送信されたメールは開かないでください。' };
    const sent = await p.act({ kind: 'send-notice', notice, idempotencyKey: 'incident-1/notice/kitaura', dryRun: false });
    assert.equal(sent.status, 'done', sent.en);
    const box = fake.mailbox('security@tsukishiro-vs.co.jp');
    assert.equal(box.sent.length, 1);
    const raw = Buffer.from(box.sent[0]?.raw ?? '', 'base64url').toString();
    assert.match(raw, /^To: customer@kitaura-studio\.co\.jp$/m);
    assert.match(raw, /Subject: =\?UTF-8\?B\?/);
    assert.equal((await p.act({ kind: 'send-notice', notice, idempotencyKey: 'incident-1/notice/kitaura', dryRun: false })).status, 'nothing-to-do');
    assert.equal(box.sent.length, 1);
  });

  test('check() says which scope is missing, in plain words', async () => {
    const ok = await provider().check();
    assert.equal(ok.ok, true, JSON.stringify(ok.checks.filter((c) => !c.ok)));
    fake.deniedScopes.add('https://www.googleapis.com/auth/admin.reports.audit.readonly');
    const missing = await provider().check();
    assert.equal(missing.ok, false);
    const failed = missing.checks.filter((c) => !c.ok);
    assert.deepEqual(failed.map((c) => c.name), ['reports']);
    assert.match(failed[0]?.en ?? '', /Domain-wide delegation/);
    assert.match(failed[0]?.ja ?? '', /admin\.reports\.audit\.readonly/);
  });

  test('a wrongly signed token request is refused and reported without the key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const base = provider();
    const p = new GoogleProvider(base.config, { credentials: { client_email: 'k@x.iam', private_key: other.privateKey }, sleep: async () => {} });
    const result = await p.act(request('sign-out'));
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /invalid_grant|Signature/i);
    assert.doesNotMatch(JSON.stringify(result), /PRIVATE KEY/);
  });
});
