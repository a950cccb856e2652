// The API on a store seeded like `kizuki serve`'s demo (the 2017 samples judged, the 2017 scenario replayed):
// sessions and their cookies, login limits, messages, incidents, rules, the events intake, users, tokens, audit.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ServiceTables } from '../../src/server/accounts.js';
import { PACKAGE_ROOT, seedDemo } from '../../src/server/service.js';
import { scratchDir } from '../store/scratch.js';
import { CSRF_HEADER, type Harness, PASSWORD, startHarness } from './harness.js';

let h: Harness;
before(async () => {
  const url = join(scratchDir('kizuki-api-'), 'kizuki.db');
  h = await startHarness({ storeUrl: url, eventsToken: 'shared-intake-token-0123456789', trustProxy: true });
  await seedDemo(h.store, url);
});
after(() => h.close());

const get = async <T = Record<string, unknown>>(path: string, role: 'viewer' | 'analyst' | 'admin' = 'viewer') => {
  const res = await fetch(`${h.base}${path}`, { headers: { authorization: `Bearer ${h.as[role].token}` } });
  return { status: res.status, body: (await res.json()) as T };
};
const send = async <T = Record<string, unknown>>(method: string, path: string, body: unknown, role: 'viewer' | 'analyst' | 'admin') => {
  const res = await fetch(`${h.base}${path}`, { method, headers: { authorization: `Bearer ${h.as[role].token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
};
const auditActions = async () => (await get<{ entries: Array<{ action: string; actor: string; target: string }> }>('/api/audit?limit=500', 'admin')).body.entries;

describe('sessions', () => {
  test('login sets an HttpOnly, SameSite=Strict cookie; Secure only behind TLS', async () => {
    const login = (proto?: string) =>
      fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', ...(proto ? { 'x-forwarded-proto': proto } : {}) }, body: JSON.stringify({ username: 'viewer-user', password: PASSWORD }) });
    const plain = (await login()).headers.get('set-cookie') ?? '';
    assert.match(plain, /kizuki_session=/);
    assert.match(plain, /HttpOnly/i);
    assert.match(plain, /SameSite=Strict/i);
    assert.doesNotMatch(plain, /Secure/i);
    assert.match((await login('https')).headers.get('set-cookie') ?? '', /Secure/i);
  });

  test('a wrong password answers 401 and is audited; the session answers who is logged in', async () => {
    const res = await fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin-user', password: 'not the password' }) });
    assert.equal(res.status, 401);
    assert.ok((await auditActions()).some((e) => e.action === 'login.failed' && e.actor === 'admin-user'));
    const me = await fetch(`${h.base}/api/session`, { headers: { cookie: h.as.analyst.cookie } });
    const body = (await me.json()) as { user: { username: string; role: string }; csrfToken: string };
    assert.equal(body.user.username, 'analyst-user');
    assert.equal(body.csrfToken, h.as.analyst.csrf);
  });

  test('logins are rate limited per address', async () => {
    const limited = await startHarness({ loginPerMinute: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${limited.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin-user', password: `guess-${i}` }) });
        statuses.push(res.status);
      }
      // the harness itself logged in three times from this address
      assert.deepEqual(statuses, [401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  test('the language is remembered for the user', async () => {
    const res = await fetch(`${h.base}/api/me/language`, { method: 'PUT', headers: { cookie: h.as.viewer.cookie, [CSRF_HEADER]: h.as.viewer.csrf, 'content-type': 'application/json' }, body: JSON.stringify({ lang: 'ja' }) });
    assert.equal(res.status, 200);
    const me = (await (await fetch(`${h.base}/api/session`, { headers: { cookie: h.as.viewer.cookie } })).json()) as { user: { lang: string } };
    assert.equal(me.user.lang, 'ja');
  });
});

describe('messages', () => {
  test('pages through every judged message without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { body } = await get<{ messages: Array<{ sha256: string }>; next?: string }>(`/api/messages?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.messages.map((m) => m.sha256));
      cursor = body.next;
    } while (cursor);
    assert.equal(seen.length, 9);
    assert.equal(new Set(seen).size, 9);
  });

  test('search and verdict filter', async () => {
    const { body } = await get<{ messages: Array<{ subject: string; verdict: string }> }>('/api/messages?q=shared%20file');
    assert.ok(body.messages.length >= 2);
    assert.ok(body.messages.every((m) => /shared/i.test(m.subject) && /file/i.test(m.subject)));
    const malicious = await get<{ messages: Array<{ verdict: string }> }>('/api/messages?verdict=malicious');
    assert.equal(malicious.body.messages.length, 4);
    assert.ok(malicious.body.messages.every((m) => m.verdict === 'malicious'));
  });

  test('one message: reasons in both languages, the PDF link marked as found in the PDF, authentication', async () => {
    const { body: list } = await get<{ messages: Array<{ sha256: string; source: { path: string } }> }>('/api/messages?limit=50');
    const lure = list.messages.find((m) => m.source.path.endsWith('01-inbound-lure.eml'));
    assert.ok(lure);
    const { status, body } = await get<{ verdict: string; reasons: Array<{ en: string; ja: string }>; summary: { linkList: Array<{ foundIn: string; host: string }>; authDetail: { spf: { result: string } } } }>(`/api/messages/${lure.sha256}`);
    assert.equal(status, 200);
    assert.equal(body.verdict, 'malicious');
    assert.ok(body.reasons.length > 0 && body.reasons.every((r) => r.en && /[\u3040-\u30ff\u4e00-\u9fff]/.test(r.ja)));
    assert.ok(body.summary.linkList.some((l) => l.foundIn === 'pdf-annotation' && l.host === 'docs.google.com.document-viewer.online'));
    assert.ok(body.summary.authDetail.spf.result);
    assert.equal((await get(`/api/messages/${'f'.repeat(64)}`)).status, 404);
  });

  test('the overview counts verdicts per day and lists the open incident', async () => {
    const { body } = await get<{ openIncidents: unknown[]; days: Array<{ verdicts: Record<string, number>; signals: number }>; totals: { messages: number; signals: number } }>('/api/overview');
    assert.equal(body.openIncidents.length, 1);
    assert.equal(body.totals.messages, 9);
    assert.equal(body.days.reduce((n, d) => n + Object.values(d.verdicts).reduce((a, b) => a + b, 0), 0), 9);
    assert.equal(body.days.reduce((n, d) => n + d.signals, 0), body.totals.signals);
    assert.ok(body.totals.signals > 50);
  });
});

describe('incidents', () => {
  let id = '';
  test('the replayed 2017 incident: signals, outside recipients, indicators, evidence', async () => {
    const { body: list } = await get<{ incidents: Array<{ id: string; accounts: string[] }> }>('/api/incidents');
    assert.equal(list.incidents.length, 1);
    id = list.incidents[0]?.id ?? '';
    const { body } = await get<{ signals: unknown[]; recipients: string[]; indicators: Array<{ kind: string; value: string }>; evidence: unknown[]; incident: { accounts: string[] } }>(`/api/incidents/${id}`);
    assert.deepEqual(body.incident.accounts.sort(), ['hori@tsukishiro-vs.co.jp', 'iwanaga@tsukishiro-vs.co.jp']);
    assert.ok(body.signals.length > 50);
    assert.ok(body.recipients.length > 100, `${body.recipients.length} recipients`);
    assert.ok(body.recipients.every((r) => !r.endsWith('@tsukishiro-vs.co.jp')));
    assert.ok(body.indicators.some((i) => i.kind === 'domain' && i.value === 'document-viewer.online'));
    assert.ok(body.indicators.some((i) => i.kind === 'ip'));
    assert.ok(body.evidence.length > 10);
    const timeline = await get<{ timeline: Array<{ kind: string }> }>(`/api/incidents/${id}/timeline`);
    assert.ok(timeline.body.timeline.some((e) => e.kind === 'incident.opened'));
  });

  test('an analyst moves the incident to contained: stored, on the timeline, audited', async () => {
    const res = await send('PUT', `/api/incidents/${id}/phase`, { phase: 'contained' }, 'analyst');
    assert.equal(res.status, 200);
    const stored = await h.store.getIncident(id);
    assert.equal(stored?.phase, 'contained');
    assert.ok(stored?.containedAt);
    assert.equal(stored?.timeline.at(-1)?.kind, 'incident.contained');
    assert.ok((await auditActions()).some((e) => e.action === 'incident.phase' && e.target === id && e.actor === 'token:analyst-token'));
  });
});

describe('rules', () => {
  test('an admin switches a rule off; the list shows it, the audit log keeps it', async () => {
    const { body } = await get<{ rules: Array<{ id: string; enabled: boolean }> }>('/api/rules');
    assert.ok(body.rules.length > 20);
    const rule = body.rules[0]?.id ?? '';
    assert.equal((await send('PUT', `/api/rules/${rule}`, { enabled: false }, 'admin')).status, 200);
    const again = await get<{ rules: Array<{ id: string; enabled: boolean }> }>('/api/rules');
    assert.equal(again.body.rules.find((r) => r.id === rule)?.enabled, false);
    assert.ok((await auditActions()).some((e) => e.action === 'rule.disable' && e.target === rule));
    assert.equal((await send('PUT', `/api/rules/${rule}`, { enabled: true }, 'admin')).status, 200);
  });

  test('testing a rule on the pasted 2017 lure: the rule that fired in the scan matches, a clean message does not', async () => {
    const raw = await readFile(join(PACKAGE_ROOT, 'samples/seed-2017/01-inbound-lure.eml'), 'utf8');
    const { body: list } = await get<{ messages: Array<{ sha256: string; source: { path: string } }> }>('/api/messages?limit=50');
    const lure = list.messages.find((m) => m.source.path.endsWith('01-inbound-lure.eml'));
    const { body: message } = await get<{ reasons: Array<{ ruleId: string }> }>(`/api/messages/${lure?.sha256}`);
    const ruleId = message.reasons.find((r) => !r.ruleId.startsWith('model.'))?.ruleId ?? '';
    const hit = await send<{ matched: boolean; verdict: { verdict: string } }>('POST', `/api/rules/${ruleId}/test`, { message: raw }, 'analyst');
    assert.equal(hit.status, 200);
    assert.equal(hit.body.matched, true);
    assert.equal(hit.body.verdict.verdict, 'malicious');
    const meeting = await readFile(join(PACKAGE_ROOT, 'samples/seed-2017/12-internal-meeting-note.eml'), 'utf8');
    const miss = await send<{ matched: boolean }>('POST', `/api/rules/${ruleId}/test`, { message: meeting }, 'analyst');
    assert.equal(miss.body.matched, false);
  });
});

describe('events intake under the service', () => {
  const event = (id: string) => ({ id, kind: 'setting.forwarding', time: '2017-07-13T01:00:00Z', account: 'iwanaga@tsukishiro-vs.co.jp', source: 'test', data: { target: 'x@relay.example', enabled: true } });
  const post = (body: string, auth: string, type = 'application/json') => fetch(`${h.base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${auth}`, 'content-type': type }, body });

  test('the shared intake token and an analyst token are taken; the same id twice is a duplicate', async () => {
    const first = await post(JSON.stringify([event('svc-1')]), 'shared-intake-token-0123456789');
    assert.equal(first.status, 202);
    assert.deepEqual(((await first.json()) as { accepted: number }).accepted, 1);
    const again = await post(JSON.stringify({ events: [event('svc-1'), event('svc-2')] }), h.as.analyst.token);
    assert.equal(again.status, 202);
    const body = (await again.json()) as { accepted: number; duplicates: number };
    assert.deepEqual([body.accepted, body.duplicates], [1, 1]);
    assert.equal(await h.store.countEvents({ account: 'iwanaga@tsukishiro-vs.co.jp', kinds: ['setting.forwarding'], fromIso: '2017-07-13T00:00:00Z' }), 2);
  });

  test('wrong token 401, not JSON 415, bad JSON 400, no valid event 400 with the reasons', async () => {
    assert.equal((await post(JSON.stringify(event('svc-3')), 'wrong-token-wrong-token')).status, 401);
    assert.equal((await post('x', h.as.analyst.token, 'text/plain')).status, 415);
    assert.equal((await post('{"events": [', h.as.analyst.token)).status, 400);
    const invalid = await post(JSON.stringify({ id: 'bad' }), h.as.analyst.token);
    assert.equal(invalid.status, 400);
    assert.ok(((await invalid.json()) as { rejected: unknown[] }).rejected.length === 1);
  });
});

describe('users and tokens', () => {
  test('a new user gets a one-time password that logs in and must be changed', async () => {
    const made = await send<{ user: { id: string; mustChangePassword: boolean }; oneTimePassword: string }>('POST', '/api/users', { username: 'sato', role: 'analyst' }, 'admin');
    assert.equal(made.status, 201);
    assert.equal(made.body.user.mustChangePassword, true);
    const login = await fetch(`${h.base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'sato', password: made.body.oneTimePassword }) });
    assert.equal(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const change = await fetch(`${h.base}/api/me/password`, { method: 'PUT', headers: { cookie, [CSRF_HEADER]: csrfToken, 'content-type': 'application/json' }, body: JSON.stringify({ current: made.body.oneTimePassword, password: 'a much longer passphrase' }) });
    assert.equal(change.status, 200);
    assert.equal((await h.accounts.getUser(made.body.user.id))?.mustChangePassword, false);
    const { db } = h.store.tables<ServiceTables>();
    const row = await db.selectFrom('service_users').select('password_hash').where('username', '=', 'sato').executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$/);
    // disabling the user ends the session at once
    assert.equal((await send('PATCH', `/api/users/${made.body.user.id}`, { disabled: true }, 'admin')).status, 200);
    assert.equal((await fetch(`${h.base}/api/session`, { headers: { cookie } })).status, 401);
  });

  test('a token is shown once, stored only as a hash, and stops working when revoked', async () => {
    const made = await send<{ token: { id: string }; secret: string }>('POST', '/api/tokens', { name: 'siem', role: 'viewer' }, 'admin');
    assert.equal(made.status, 201);
    const { db } = h.store.tables<ServiceTables>();
    const rows = await db.selectFrom('service_tokens').selectAll().execute();
    assert.ok(rows.every((r) => !JSON.stringify(r).includes(made.body.secret)));
    const listed = await get<{ tokens: unknown[] }>('/api/tokens', 'admin');
    assert.ok(!JSON.stringify(listed.body).includes(made.body.secret));
    const use = () => fetch(`${h.base}/api/messages?limit=1`, { headers: { authorization: `Bearer ${made.body.secret}` } });
    assert.equal((await use()).status, 200);
    assert.equal((await send('DELETE', `/api/tokens/${made.body.token.id}`, {}, 'admin')).status, 200);
    assert.equal((await use()).status, 401);
    const actions = (await auditActions()).map((e) => e.action);
    for (const a of ['token.create', 'token.revoke', 'user.create', 'user.update', 'user.password']) assert.ok(actions.includes(a), a);
  });

  test('the retention job drops expired sessions', async () => {
    const { db } = h.store.tables<ServiceTables>();
    const user = (await h.accounts.listUsers())[0];
    await db.insertInto('service_sessions').values({ id_hash: 'expired', user_id: user?.id ?? '', csrf_token: 'x', created_at: '2020-01-01T00:00:00.000Z', expires_at: '2020-01-02T00:00:00.000Z' }).execute();
    const run = await send<{ sessionsDropped: number }>('POST', '/api/retention/run', {}, 'admin');
    assert.equal(run.status, 200);
    assert.equal(run.body.sessionsDropped, 1);
  });
});
