// The Microsoft 365 provider through the official clients (@azure/identity ClientSecretCredential against the fake
// identity endpoint over TLS, @microsoft/microsoft-graph-client against the fake Graph): exact calls, delta cursors,
// paging, Retry-After, sign-in normalisation, inbox-rule changes and the gaps Graph leaves.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { microsoftProviderSchema } from '../../src/providers/microsoft/config.js';
import { readClientSecret } from '../../src/providers/microsoft/index.js';
import { MicrosoftProvider } from '../../src/providers/microsoft/provider.js';
import type { ActionRequest, FetchedItem } from '../../src/providers/types.js';
import { FakeMicrosoft } from '../support/fake-microsoft.js';

const VICTIM = 'iwanaga@tsukishiro-vs.co.jp';
const COLLEAGUE = 'hori@tsukishiro-vs.co.jp';
const SENDER = 'security@tsukishiro-vs.co.jp';

function rawMessage(id: string, from: string, to: string, subject: string): string {
  return [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${id}>`, 'Date: Mon, 03 Jul 2017 13:29:12 +0000', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', 'hello', ''].join('\r\n');
}

async function collect(items: AsyncIterable<FetchedItem>): Promise<FetchedItem[]> {
  const out: FetchedItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function save(items: FetchedItem[], cursors: Map<string, string>): void {
  for (const item of items) if (item.cursor) cursors.set(item.cursor.scope, item.cursor.value);
}

function idOf(raw: Uint8Array): string | undefined {
  return /Message-ID: <([^>]+)>/.exec(Buffer.from(raw).toString())?.[1];
}

describe('microsoft provider against the fake Microsoft identity platform and Graph', () => {
  let fake: FakeMicrosoft;
  let sleeps: number[];
  let warnings: string[];
  const now = new Date('2017-07-04T00:00:00Z');

  function provider(extra: Record<string, unknown> = {}, secret?: string): MicrosoftProvider {
    const config = microsoftProviderSchema.parse({
      kind: 'microsoft',
      name: 'tsukishiro-m365',
      tenantId: fake.tenant,
      clientId: fake.clientId,
      clientSecretEnv: 'KIZUKI_TEST_GRAPH_SECRET',
      graphBaseUrl: fake.graphBaseUrl,
      authorityHost: fake.authorityHost,
      noticeSender: SENDER,
      initialLookbackHours: 48,
      ...extra,
    });
    return new MicrosoftProvider(config, {
      clientSecret: secret ?? fake.clientSecret,
      authorityAgent: new Agent({ ca: fake.certificate }),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      clock: () => now,
      newPassword: () => 'Tr0ub4dor&3-fresh',
      warn: (m) => warnings.push(m),
      retry: { baseDelayMs: 100 },
    });
  }

  function request(kind: ActionRequest['kind'], extra: Partial<ActionRequest> = {}): ActionRequest {
    return { kind, account: VICTIM, idempotencyKey: `test-${kind}`, dryRun: false, ...extra };
  }

  beforeEach(async () => {
    fake = await new FakeMicrosoft().start();
    sleeps = [];
    warnings = [];
    fake.addUser(VICTIM, 'Iwanaga');
    fake.addUser(COLLEAGUE, 'Hori');
    fake.addUser(SENDER, 'Security');
  });
  afterEach(async () => {
    await fake.close();
  });

  test('the client secret comes from the environment; a missing one is a clear error', () => {
    const config = microsoftProviderSchema.parse({ kind: 'microsoft', name: 'm', tenantId: 't', clientId: 'c', clientSecretEnv: 'SECRET' });
    assert.throws(() => readClientSecret(config, {}), /environment variable SECRET is not set/);
    assert.equal(readClientSecret(config, { SECRET: ' s3cret \n' }), 's3cret');
    assert.throws(() => microsoftProviderSchema.parse({ kind: 'microsoft', name: 'm', tenantId: 't', clientId: 'c' }), /clientSecretEnv or clientSecretFile/);
  });

  test('disabling sign-in is exactly PATCH /users/{id} {"accountEnabled":false}, with a client-credentials token', async () => {
    const p = provider();
    const result = await p.act(request('suspend'));
    assert.equal(result.status, 'done', result.en);
    const victim = fake.user(VICTIM);
    const patches = fake.callsTo('PATCH', /^\/v1\.0\/users\//);
    assert.equal(patches.length, 1);
    assert.equal(patches[0]?.path, `/v1.0/users/${victim.id}`);
    assert.deepEqual(patches[0]?.body, { accountEnabled: false });
    assert.equal(victim.accountEnabled, false);
    assert.ok(fake.calls.every((c) => c.authorized), 'every Graph call carried the bearer token over plain http');
    assert.equal(fake.tokenRequests[0]?.grant_type, 'client_credentials');
    assert.equal(fake.tokenRequests[0]?.scope, 'https://graph.microsoft.com/.default');
    assert.equal((await p.act(request('suspend'))).status, 'nothing-to-do');
    assert.equal((await p.act(request('unsuspend'))).status, 'done');
    assert.equal(victim.accountEnabled, true);
  });

  test('a dry run names the call and changes nothing', async () => {
    const result = await provider().act(request('suspend', { dryRun: true }));
    assert.equal(result.status, 'dry-run');
    assert.deepEqual(result.calls.at(-1), { method: 'PATCH', path: `/users/${fake.user(VICTIM).id}`, body: { accountEnabled: false } });
    assert.equal(fake.user(VICTIM).accountEnabled, true);
  });

  test('sign-out revokes sessions; the forced password change patches passwordProfile and never shows the password', async () => {
    const p = provider();
    assert.equal((await p.act(request('sign-out'))).status, 'done');
    assert.equal(fake.user(VICTIM).sessionsRevoked, 1);
    assert.equal(fake.callsTo('POST', /\/revokeSignInSessions$/).length, 1);
    const reset = await p.act(request('force-password-change'));
    assert.equal(reset.status, 'done');
    assert.deepEqual(fake.user(VICTIM).passwordProfile, { password: 'Tr0ub4dor&3-fresh', forceChangePasswordNextSignIn: true });
    assert.deepEqual(reset.calls.at(-1)?.body, { passwordProfile: { password: '<redacted>', forceChangePasswordNextSignIn: true } });
    assert.doesNotMatch(JSON.stringify(reset), /Tr0ub4dor/);
  });

  test('app passwords, backup codes, delegates and send-as are gaps with English and Japanese words, not silent failures', async () => {
    const p = provider();
    const gaps = p.gaps();
    for (const kind of ['revoke-app-passwords', 'invalidate-backup-codes', 'remove-delegates', 'remove-sendas'] as const) {
      assert.ok(!p.capabilities().has(`action.${kind}`), kind);
      const gap = gaps.find((g) => g.capability === `action.${kind}`);
      assert.ok(gap?.en && gap.ja, `gap for ${kind}`);
      const result = await p.act(request(kind));
      assert.equal(result.status, 'unsupported');
      assert.equal(result.en, gap.en);
      assert.equal(result.calls.length, 0);
    }
    assert.match(gaps.find((g) => g.capability === 'action.revoke-app-passwords')?.en ?? '', /no API/);
    assert.match(gaps.find((g) => g.capability === 'action.revoke-app-passwords')?.ja ?? '', /API がありません/);
  });

  test("OAuth grants of the user are deleted one by one at DELETE /oauth2PermissionGrants/{id}", async () => {
    const victim = fake.user(VICTIM);
    fake.grants.push({ id: 'grant-a', clientId: 'evil-app', consentType: 'Principal', principalId: victim.id, resourceId: 'graph', scope: 'Mail.Read offline_access' });
    fake.grants.push({ id: 'grant-b', clientId: 'other', consentType: 'Principal', principalId: fake.user(COLLEAGUE).id, resourceId: 'graph', scope: 'User.Read' });
    const result = await provider().act(request('revoke-oauth'));
    assert.equal(result.status, 'done');
    assert.deepEqual(fake.callsTo('DELETE', /oauth2PermissionGrants/).map((c) => c.path), ['/v1.0/oauth2PermissionGrants/grant-a']);
    assert.deepEqual(fake.grants.map((g) => g.id), ['grant-b']);
  });

  test('inbox rules that forward, redirect or delete are removed; harmless ones kept', async () => {
    fake.addRule(VICTIM, { displayName: 'x', actions: { forwardTo: [{ emailAddress: { address: 'drop@document-viewer.online' } }] } });
    fake.addRule(VICTIM, { displayName: 'hide bounces', conditions: { subjectContains: ['Undeliverable'] }, actions: { delete: true } });
    fake.addRule(VICTIM, { displayName: 'newsletters', actions: { moveToFolder: 'news', stopProcessingRules: false } });
    fake.addRule(VICTIM, { displayName: 'flag boss', actions: { markImportance: 'high' } });
    const p = provider();
    const forwarding = await p.act(request('remove-forwarding'));
    assert.equal(forwarding.status, 'done');
    assert.deepEqual(fake.rules.get(fake.user(VICTIM).id)?.map((r) => r.displayName), ['hide bounces', 'newsletters', 'flag boss']);
    const filters = await p.act(request('remove-filters'));
    assert.equal(filters.status, 'done');
    assert.deepEqual(fake.rules.get(fake.user(VICTIM).id)?.map((r) => r.displayName), ['flag boss']);
    assert.equal(fake.callsTo('DELETE', /messageRules\//).length, 3);
    assert.equal((await p.act(request('remove-filters'))).status, 'nothing-to-do');
  });

  test('quarantine moves every copy (found by internetMessageId) to a Kizuki Quarantine folder; release moves it back; delete deletes', async () => {
    fake.deliver(VICTIM, rawMessage('lure-1@halvorsen-imaging.com', 'greg@halvorsen-imaging.com', VICTIM, 'shared you a file'));
    fake.deliver(COLLEAGUE, rawMessage('lure-1@halvorsen-imaging.com', 'greg@halvorsen-imaging.com', COLLEAGUE, 'shared you a file'));
    fake.deliver(COLLEAGUE, rawMessage('lunch@x.jp', 'a@x.jp', COLLEAGUE, 'lunch'));
    const p = provider();
    const quarantined = await p.act({ kind: 'quarantine-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'q', dryRun: false });
    assert.equal(quarantined.status, 'done', quarantined.en);
    assert.equal((quarantined.details?.copies as unknown[] | undefined)?.length, 2);
    const finds = fake.callsTo('GET', /\/messages$/);
    assert.ok(finds.every((c) => c.query.$filter === "internetMessageId eq '<lure-1@halvorsen-imaging.com>'"));
    for (const who of [VICTIM, COLLEAGUE]) {
      const user = fake.user(who);
      const folder = fake.folders.get(user.id)?.find((f) => f.displayName === 'Kizuki Quarantine');
      assert.ok(folder);
      assert.equal(fake.messages.get(user.id)?.find((m) => m.internetMessageId === '<lure-1@halvorsen-imaging.com>')?.folder, folder.id);
    }
    assert.deepEqual(fake.callsTo('POST', new RegExp(`/users/${fake.user(VICTIM).id}/messages/[^/]+/move$`))[0]?.body, { destinationId: fake.folders.get(fake.user(VICTIM).id)?.find((f) => f.displayName === 'Kizuki Quarantine')?.id });
    assert.equal((await p.act({ kind: 'quarantine-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'q', dryRun: false })).status, 'nothing-to-do');
    assert.equal((await p.act({ kind: 'release-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'r', dryRun: false })).status, 'done');
    assert.equal(fake.messages.get(fake.user(VICTIM).id)?.[0]?.folder, `inbox-${fake.user(VICTIM).id}`);
    assert.equal((await p.act({ kind: 'flag-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'f', dryRun: false })).status, 'done');
    assert.deepEqual(fake.callsTo('PATCH', /\/messages\//)[0]?.body, { flag: { flagStatus: 'flagged' } });
    assert.equal(fake.messages.get(fake.user(VICTIM).id)?.[0]?.flagStatus, 'flagged');
    assert.equal((await p.act({ kind: 'flag-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'f', dryRun: false })).status, 'nothing-to-do');
    assert.equal((await p.act({ kind: 'delete-message', messageId: 'lure-1@halvorsen-imaging.com', idempotencyKey: 'd', dryRun: false })).status, 'done');
    assert.equal(fake.callsTo('DELETE', /\/messages\//).length, 2);
    assert.equal(fake.messages.get(fake.user(COLLEAGUE).id)?.find((m) => m.internetMessageId === '<lunch@x.jp>')?.folder, `inbox-${fake.user(COLLEAGUE).id}`);
  });

  test('a 429 with Retry-After waits the seconds Graph asks for; a 503 backs off exponentially', async () => {
    fake.fail('POST', /\/revokeSignInSessions$/, 429, { times: 1, retryAfter: '7' });
    fake.fail('POST', /\/revokeSignInSessions$/, 503, { times: 2 });
    const result = await provider().act(request('sign-out'));
    assert.equal(result.status, 'done', result.en);
    assert.deepEqual(sleeps, [7000, 200, 400]);
    assert.equal(fake.callsTo('POST', /\/revokeSignInSessions$/).length, 4);
  });

  test('a wrong client secret is a failed action with the identity platform\'s reason and no secret in it', async () => {
    const result = await provider({}, 'wrong-secret').act(request('sign-out'));
    assert.equal(result.status, 'failed');
    assert.match(result.error ?? '', /AADSTS7000215|invalid_client/);
    assert.doesNotMatch(JSON.stringify(result), /wrong-secret|fake-client-secret-value/);
    const report = await provider({}, 'wrong-secret').check();
    assert.equal(report.ok, false);
    assert.match(report.checks[0]?.en ?? '', /client secret/);
  });

  test('users are listed across @odata.nextLink pages', async () => {
    fake.addUser('a@tsukishiro-vs.co.jp');
    fake.addUser('b@tsukishiro-vs.co.jp');
    const users = await provider().listUsers();
    assert.equal(users.length, 5);
    assert.equal(fake.callsTo('GET', /^\/v1\.0\/users$/).length, 3);
    assert.ok(fake.callsTo('GET', /^\/v1\.0\/users$/).some((c) => c.query.$skiptoken === '4'));
  });

  test('mail by delta: the first run keeps only the deltaLink; later runs fetch new inbox and sent mail once, as raw MIME, and resume', async () => {
    fake.deliver(VICTIM, rawMessage('old@x.jp', 'a@x.jp', VICTIM, 'before Kizuki'));
    fake.deliver(VICTIM, rawMessage('old2@x.jp', 'a@x.jp', VICTIM, 'before Kizuki'));
    fake.deliver(VICTIM, rawMessage('old3@x.jp', 'a@x.jp', VICTIM, 'before Kizuki'));
    const p = provider({ signIns: false, users: [VICTIM, COLLEAGUE] });
    const cursors = new Map<string, string>();
    const first = await collect(p.fetchNew(cursors));
    assert.equal(first.filter((i) => i.type === 'message').length, 0);
    save(first, cursors);
    assert.match(cursors.get(`mail:${VICTIM}:inbox`) ?? '', /\$deltatoken=/);
    fake.deliver(VICTIM, rawMessage('n1@x.jp', 'a@x.jp', VICTIM, 'one'));
    fake.deliver(VICTIM, rawMessage('n2@x.jp', 'a@x.jp', VICTIM, 'two'));
    fake.deliver(VICTIM, rawMessage('n3@x.jp', 'a@x.jp', VICTIM, 'three'));
    fake.deliver(VICTIM, rawMessage('s1@tsukishiro-vs.co.jp', VICTIM, 'c@y.jp', 'sent'), 'sentitems');
    fake.deliver(COLLEAGUE, rawMessage('n4@x.jp', 'a@x.jp', COLLEAGUE, 'four'));
    const second = await collect(p.fetchNew(cursors));
    save(second, cursors);
    const got = second.flatMap((i) => (i.type === 'message' ? [`${i.message.account} ${i.message.folder} ${idOf(i.message.raw)}`] : []));
    assert.deepEqual(got.sort(), [`${COLLEAGUE} inbox n4@x.jp`, `${VICTIM} inbox n1@x.jp`, `${VICTIM} inbox n2@x.jp`, `${VICTIM} inbox n3@x.jp`, `${VICTIM} sent s1@tsukishiro-vs.co.jp`].sort());
    assert.ok(fake.callsTo('GET', /\/messages\/delta$/).some((c) => c.query.$skiptoken !== undefined && c.query.$deltatoken !== undefined), 'delta paging followed');
    assert.ok(fake.callsTo('GET', /\/\$value$/).length >= 5);
    const third = await collect(p.fetchNew(cursors));
    assert.equal(third.filter((i) => i.type === 'message').length, 0);
    const found = await p.fetchByMessageId(COLLEAGUE, '<n4@x.jp>');
    assert.equal(idOf(found?.raw ?? new Uint8Array()), 'n4@x.jp');
  });

  test('sign-ins: status, risk and location normalise; paging; a re-read inside the safety window repeats nothing', async () => {
    fake.signIns.push(
      { id: 's1', createdDateTime: '2017-07-03T19:02:41Z', userPrincipalName: VICTIM, ipAddress: '203.0.113.77', clientAppUsed: 'Browser', appDisplayName: 'Office 365 Exchange Online', status: { errorCode: 0 }, location: { city: 'Amsterdam', countryOrRegion: 'NL', geoCoordinates: { latitude: 52.37, longitude: 4.9 } }, riskLevelAggregated: 'high', riskState: 'atRisk', deviceDetail: { browser: 'Chrome 58', operatingSystem: 'Linux' } },
      { id: 's2', createdDateTime: '2017-07-03T18:59:00Z', userPrincipalName: VICTIM, ipAddress: '203.0.113.77', status: { errorCode: 50126, failureReason: 'Invalid username or password.' }, location: { countryOrRegion: 'NL' }, riskLevelAggregated: 'none' },
      { id: 's3', createdDateTime: '2017-07-03T23:10:00Z', userPrincipalName: COLLEAGUE, ipAddress: '198.51.100.20', status: { errorCode: 50074 }, location: { countryOrRegion: 'JP' }, riskLevelAggregated: 'none' },
    );
    const p = provider({ inboxRules: false, folders: [], signInsSafetyMinutes: 60 });
    const cursors = new Map<string, string>();
    const items = await collect(p.fetchNew(cursors));
    save(items, cursors);
    const events = items.flatMap((i) => (i.type === 'events' ? i.events : []));
    assert.deepEqual(events.map((e) => `${e.kind} ${e.account}`), [`signin.failure ${VICTIM}`, `signin.success ${VICTIM}`, `signin.challenge ${COLLEAGUE}`]);
    const success = events[1];
    assert.deepEqual({ ip: success?.data.ip, country: success?.data.country, suspicious: success?.data.suspicious, lat: success?.data.lat, userAgent: success?.data.userAgent }, { ip: '203.0.113.77', country: 'NL', suspicious: true, lat: 52.37, userAgent: 'Chrome 58 on Linux' });
    assert.equal(events[0]?.data.errorCode, 50126);
    assert.equal(events[0]?.data.suspicious, false);
    const first = fake.callsTo('GET', /\/auditLogs\/signIns$/)[0];
    assert.equal(first?.query.$filter, 'createdDateTime ge 2017-07-02T00:00:00Z');
    assert.ok(fake.callsTo('GET', /\/auditLogs\/signIns$/).some((c) => c.query.$skiptoken === '2'));
    fake.signIns.push({ id: 's4', createdDateTime: '2017-07-03T22:30:00Z', userPrincipalName: VICTIM, ipAddress: '203.0.113.77', status: { errorCode: 0 }, location: { countryOrRegion: 'NL' } });
    const again = await collect(p.fetchNew(cursors));
    assert.equal(fake.callsTo('GET', /\/auditLogs\/signIns$/).at(-1)?.query.$filter, 'createdDateTime ge 2017-07-03T22:10:00Z');
    assert.deepEqual(again.flatMap((i) => (i.type === 'events' ? i.events.map((e) => e.id) : [])).length, 1);
  });

  test('inbox rules: the first read is the baseline; a new forwarding rule becomes setting.filter and setting.forwarding events', async () => {
    fake.addRule(VICTIM, { displayName: 'old', actions: { moveToFolder: 'x' } });
    const p = provider({ signIns: false, folders: [], users: [VICTIM] });
    const cursors = new Map<string, string>();
    const first = await collect(p.fetchNew(cursors));
    assert.equal(first.filter((i) => i.type === 'events').length, 0);
    save(first, cursors);
    fake.addRule(VICTIM, { displayName: '.', conditions: { subjectContains: ['invoice'] }, actions: { forwardTo: [{ emailAddress: { address: 'Drop@Document-Viewer.online' } }], delete: true } });
    const second = await collect(p.fetchNew(cursors));
    save(second, cursors);
    const events = second.flatMap((i) => (i.type === 'events' ? i.events : []));
    assert.deepEqual(events.map((e) => e.kind), ['setting.filter', 'setting.forwarding']);
    assert.equal(events[0]?.data.action, 'forward');
    assert.deepEqual(events[0]?.data.forwardTo, ['drop@document-viewer.online']);
    assert.equal(events[1]?.data.target, 'drop@document-viewer.online');
    assert.equal(events[1]?.account, VICTIM);
    assert.equal((await collect(p.fetchNew(cursors))).filter((i) => i.type === 'events').length, 0);
  });

  test('one mailbox failing does not stop the others and is reported', async () => {
    fake.deliver(COLLEAGUE, rawMessage('x@x.jp', 'a@x.jp', COLLEAGUE, 'x'));
    const p = provider({ signIns: false, inboxRules: false, folders: ['inbox'] });
    const cursors = new Map<string, string>();
    save(await collect(p.fetchNew(cursors)), cursors);
    fake.deliver(COLLEAGUE, rawMessage('y@x.jp', 'a@x.jp', COLLEAGUE, 'y'));
    fake.deliver(VICTIM, rawMessage('z@x.jp', 'a@x.jp', VICTIM, 'z'));
    fake.fail('GET', new RegExp(`/users/${fake.user(COLLEAGUE).id}/mailFolders/inbox/messages/delta$`), 400, { code: 'ErrorInvalidRequest' });
    const items = await collect(p.fetchNew(cursors));
    assert.deepEqual(items.flatMap((i) => (i.type === 'message' ? [idOf(i.message.raw)] : [])), ['z@x.jp']);
    assert.match(warnings.join('\n'), new RegExp(`mailbox ${COLLEAGUE} inbox`));
  });

  test('send-notice posts sendMail from the configured sender', async () => {
    const result = await provider().act({ kind: 'send-notice', notice: { to: ['customer@kitaura-studio.co.jp'], subject: '【お詫び】不審なメール', text: '開かないでください。' }, idempotencyKey: 'n1', dryRun: false });
    assert.equal(result.status, 'done', result.en);
    assert.equal(fake.sent.length, 1);
    assert.equal(fake.sent[0]?.from, SENDER);
    const body = fake.sent[0]?.body as { message: { subject: string; toRecipients: Array<{ emailAddress: { address: string } }> }; saveToSentItems: boolean };
    assert.equal(body.message.subject, '【お詫び】不審なメール');
    assert.deepEqual(body.message.toRecipients, [{ emailAddress: { address: 'customer@kitaura-studio.co.jp' } }]);
    assert.equal(body.saveToSentItems, true);
  });

  test('check() reports each permission; a missing AuditLog.Read.All is named', async () => {
    const ok = await provider().check();
    assert.equal(ok.ok, true, JSON.stringify(ok.checks));
    fake.roles = fake.roles.filter((r) => r !== 'AuditLog.Read.All');
    const missing = await provider().check();
    assert.equal(missing.ok, false);
    assert.deepEqual(missing.checks.filter((c) => !c.ok).map((c) => c.name), ['signins']);
    assert.match(missing.checks.find((c) => c.name === 'signins')?.en ?? '', /AuditLog\.Read\.All/);
  });
});
