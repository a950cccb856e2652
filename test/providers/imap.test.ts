// The IMAP provider against a real Dovecot: incremental fetch with cursors, a changed UIDVALIDITY, IDLE and
// reconnection, lookup by Message-ID, quarantine / release / delete / flag, and a refused login.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config.js';
import { createProvider } from '../../src/providers/index.js';
import type { ImapProvider } from '../../src/providers/imap/provider.js';
import type { FetchedItem, Provider } from '../../src/providers/types.js';
import { repoRoot } from '../support/cli.js';
import { startDovecot, type TestDovecot } from '../support/dovecot.js';

const ACCOUNT = 'iwanaga@tsukishiro-vs.co.jp';
const sample = (name: string) => readFileSync(join(repoRoot, 'samples/seed-2017', name));

function message(id: string, subject: string, from = 'greg.ostrander@halvorsen-imaging.com'): string {
  return `From: ${from}\r\nTo: ${ACCOUNT}\r\nSubject: ${subject}\r\nMessage-ID: <${id}>\r\nDate: Mon, 3 Jul 2017 13:29:15 +0000\r\n\r\n${subject}\r\n`;
}

async function providerFor(server: TestDovecot, extra: Record<string, unknown> = {}, password = server.password): Promise<ImapProvider> {
  const config = parseConfig({
    providers: [
      {
        name: 'office',
        kind: 'imap',
        host: '127.0.0.1',
        port: server.port,
        secure: false,
        user: server.user,
        passwordEnv: 'TEST_IMAP_PASSWORD',
        folders: ['INBOX', 'Sent'],
        quarantineFolder: 'Quarantine',
        reconnect: { minMs: 50, maxMs: 400 },
        pollSeconds: 30,
        ...extra,
      },
    ],
  });
  const entry = config.providers[0];
  assert.ok(entry);
  return (await createProvider(entry, { env: { TEST_IMAP_PASSWORD: password } })) as ImapProvider;
}

async function collect(provider: Provider, cursors: Map<string, string>): Promise<FetchedItem[]> {
  const items: FetchedItem[] = [];
  for await (const item of provider.fetchNew(cursors)) {
    items.push(item);
    if (item.cursor) cursors.set(item.cursor.scope, item.cursor.value);
  }
  return items;
}

const messageIds = (items: FetchedItem[]) =>
  items.flatMap((i) => (i.type === 'message' ? [/^Message-ID: <([^>]+)>/im.exec(Buffer.from(i.message.raw).toString('latin1'))?.[1] ?? '?'] : []));

describe('IMAP provider (real Dovecot)', () => {
  let server: TestDovecot;
  before(async () => {
    server = await startDovecot({ user: ACCOUNT });
  });
  after(async () => {
    await server?.stop();
  });

  it('reads each folder incrementally from its UIDVALIDITY:UID cursor, and again from the start after UIDVALIDITY changes', async () => {
    await server.deliver(message('a1@example.com', 'first'));
    await server.deliver(message('a2@example.com', 'second'));
    await server.deliver(message('s1@tsukishiro-vs.co.jp', 'sent one', ACCOUNT), 'Sent');
    const provider = await providerFor(server);
    try {
      const cursors = new Map<string, string>();
      const first = await collect(provider, cursors);
      assert.deepEqual(messageIds(first), ['a1@example.com', 'a2@example.com', 's1@tsukishiro-vs.co.jp']);
      const inbox = first.filter((i) => i.type === 'message' && i.message.location === 'INBOX');
      assert.ok(inbox.every((i) => i.type === 'message' && i.message.folder === 'inbox' && i.message.account === ACCOUNT));
      const sent = first.find((i) => i.type === 'message' && i.message.location === 'Sent');
      assert.equal(sent?.type === 'message' && sent.message.folder, 'sent');
      const inboxCursor = cursors.get('mail:INBOX');
      assert.match(inboxCursor ?? '', /^\d+:2$/);

      // nothing new: no messages, and the cursors stay as they are
      assert.deepEqual(messageIds(await collect(provider, cursors)), []);
      assert.equal(cursors.get('mail:INBOX'), inboxCursor);

      await server.deliver(message('a3@example.com', 'third'));
      assert.deepEqual(messageIds(await collect(provider, cursors)), ['a3@example.com']);

      // a server restored from backup: same mail, new UIDVALIDITY; every message is read again, once
      const before = cursors.get('mail:INBOX');
      await server.resetUidValidity('INBOX');
      const again = await collect(provider, cursors);
      assert.deepEqual(messageIds(again), ['a1@example.com', 'a2@example.com', 'a3@example.com']);
      const after = cursors.get('mail:INBOX') ?? '';
      assert.notEqual(after.split(':')[0], before?.split(':')[0], 'the cursor carries the new UIDVALIDITY');
      assert.deepEqual(messageIds(await collect(provider, cursors)), []);
    } finally {
      await provider.close();
    }
  });

  it('with backfillDays 0 starts at the newest message, reading only what arrives later', async () => {
    const provider = await providerFor(server, { backfillDays: 0, folders: ['INBOX'] });
    try {
      const cursors = new Map<string, string>();
      const first = await collect(provider, cursors);
      assert.deepEqual(messageIds(first), []);
      assert.ok(cursors.get('mail:INBOX'), 'a cursor is saved even when nothing is read');
      await server.deliver(message('b1@example.com', 'after start'));
      assert.deepEqual(messageIds(await collect(provider, cursors)), ['b1@example.com']);
    } finally {
      await provider.close();
    }
  });

  it('notices new mail over IDLE, and reconnects after the server restarts', async () => {
    const provider = await providerFor(server, { folders: ['INBOX'] });
    const stop = new AbortController();
    try {
      const cursors = new Map<string, string>();
      await collect(provider, cursors);
      // the first wait connects the watcher and reports a change (mail may have come before it was there)
      await provider.waitForChange(stop.signal);
      const waiting = provider.waitForChange(stop.signal);
      await server.deliver(message('c1@example.com', 'while idle'));
      await waiting; // IDLE reported it (the poll timer is 30 s, far beyond the test's own time)
      assert.deepEqual(messageIds(await collect(provider, cursors)), ['c1@example.com']);

      await server.halt();
      await server.start();
      // the dropped watcher wakes the wait; the next wait reconnects (with backoff) and reports a change
      await provider.waitForChange(stop.signal);
      await server.deliver(message('c2@example.com', 'after restart'));
      await provider.waitForChange(stop.signal);
      assert.deepEqual(messageIds(await collect(provider, cursors)), ['c2@example.com'], 'the reading connection reconnects too');
    } finally {
      stop.abort();
      await provider.close();
    }
  });

  it('waitForChange rejects when stopped', async () => {
    const provider = await providerFor(server, { folders: ['INBOX'] });
    const stop = new AbortController();
    try {
      await provider.waitForChange(stop.signal);
      const waiting = provider.waitForChange(stop.signal);
      stop.abort();
      await assert.rejects(waiting, /stopped/);
    } finally {
      await provider.close();
    }
  });

  it('quarantines every copy by Message-ID (dry run first), releases it back where it was, and says when there is nothing to do', async () => {
    const lure = sample('01-inbound-lure.eml');
    const id = '7c1e0b9a4f2d.20170703062912@mail.halvorsen-imaging.com';
    await server.deliver(lure);
    const provider = await providerFor(server);
    try {
      const base = { kind: 'quarantine-message' as const, messageId: id, account: ACCOUNT, idempotencyKey: 'k1' };
      const dry = await provider.act({ ...base, dryRun: true });
      assert.equal(dry.status, 'dry-run');
      const commands = dry.calls.map((c) => c.path);
      assert.ok(commands.includes(`UID SEARCH HEADER Message-ID "<${id}>"`), commands.join('\n'));
      assert.ok(commands.includes('CREATE "Quarantine"'), 'the missing folder would be created');
      assert.ok(commands.some((c) => /^UID MOVE \d+ "Quarantine"$/.test(c)), commands.join('\n'));
      assert.ok((await server.list('INBOX')).some((m) => m.messageId === id), 'a dry run changes nothing');

      const done = await provider.act({ ...base, dryRun: false });
      assert.equal(done.status, 'done', done.en);
      assert.ok(!(await server.list('INBOX')).some((m) => m.messageId === id), 'gone from the inbox');
      assert.equal((await server.list('Quarantine')).filter((m) => m.messageId === id).length, 1, 'in quarantine');

      const again = await provider.act({ ...base, dryRun: false });
      assert.equal(again.status, 'nothing-to-do');
      assert.match(again.en, /already in Quarantine/);

      const fetched = await provider.fetchByMessageId(ACCOUNT, id);
      assert.equal(fetched?.location, 'Quarantine');
      assert.deepEqual(Buffer.from(fetched?.raw ?? []).toString('latin1').replace(/\r\n/g, '\n'), lure.toString('latin1').replace(/\r\n/g, '\n'));

      const released = await provider.act({ ...base, kind: 'release-message', dryRun: false });
      assert.equal(released.status, 'done', released.en);
      assert.ok(released.calls.some((c) => /^UID MOVE \d+ "INBOX"$/.test(c.path)));
      assert.ok((await server.list('INBOX')).some((m) => m.messageId === id), 'back in the inbox');
      assert.ok(!(await server.list('Quarantine')).some((m) => m.messageId === id));
      assert.equal((await provider.act({ ...base, kind: 'release-message', dryRun: false })).status, 'nothing-to-do');

      const flagged = await provider.act({ ...base, kind: 'flag-message', dryRun: false });
      assert.equal(flagged.status, 'done');
      const c = await server.client();
      try {
        const lock = await c.getMailboxLock('INBOX');
        try {
          const uids = (await c.search({ keyword: '$Phishing' }, { uid: true })) || [];
          assert.equal(uids.length, 1, 'the flag is on the message');
        } finally {
          lock.release();
        }
      } finally {
        await c.logout();
      }

      const deleted = await provider.act({ ...base, kind: 'delete-message', dryRun: false });
      assert.equal(deleted.status, 'done');
      assert.ok(deleted.calls.some((c) => c.path.startsWith('UID EXPUNGE')));
      assert.equal(await provider.fetchByMessageId(ACCOUNT, id), undefined);

      const other = await provider.act({ ...base, account: 'someone@else.example', dryRun: false });
      assert.equal(other.status, 'nothing-to-do');
    } finally {
      await provider.close();
    }
  });

  it('says plainly what IMAP cannot do, in English and Japanese', async () => {
    const provider = await providerFor(server);
    try {
      const result = await provider.act({ kind: 'suspend', account: ACCOUNT, idempotencyKey: 'k', dryRun: true });
      assert.equal(result.status, 'unsupported');
      assert.match(result.en, /control panel/);
      assert.match(result.ja, /管理画面/);
      assert.equal(result.calls.length, 0);
      assert.ok(!provider.capabilities().has('action.suspend'));
      assert.ok(provider.capabilities().has('action.quarantine-message'));
      const gaps = new Set(provider.gaps().map((g) => g.capability));
      for (const missing of ['action.suspend', 'action.sign-out', 'action.force-password-change', 'action.revoke-oauth', 'events.signin'] as const) assert.ok(gaps.has(missing), missing);
    } finally {
      await provider.close();
    }
  });

  it('a wrong password is a clear error, and never shows the password', async () => {
    const wrong = 'not-the-password-123';
    const provider = await providerFor(server, {}, wrong);
    try {
      const report = await provider.check();
      assert.equal(report.ok, false);
      assert.deepEqual(
        report.checks.map((c) => [c.name, c.ok]),
        [
          ['reachable', true],
          ['authenticated', false],
        ],
      );
      await assert.rejects(
        async () => {
          for await (const _ of provider.fetchNew(new Map())) {
            // nothing
          }
        },
        (error: Error & { retryable?: boolean }) => {
          assert.match(error.message, /refused the login for iwanaga@tsukishiro-vs\.co\.jp/);
          assert.ok(!error.message.includes(wrong));
          assert.equal(error.retryable, false);
          return true;
        },
      );
    } finally {
      await provider.close();
    }
  });

  it('check() reports reachable, logged in, and each folder', async () => {
    const provider = await providerFor(server, { folders: ['INBOX', 'Sent', 'Missing'] });
    try {
      const report = await provider.check();
      const byName = new Map(report.checks.map((c) => [c.name, c]));
      assert.equal(byName.get('reachable')?.ok, true);
      assert.equal(byName.get('authenticated')?.ok, true);
      assert.equal(byName.get('folder:INBOX')?.ok, true);
      assert.equal(byName.get('folder:Sent')?.ok, true);
      assert.equal(byName.get('folder:Missing')?.ok, false);
      assert.match(byName.get('folder:Missing')?.en ?? '', /does not exist/);
      assert.equal(report.ok, false);
    } finally {
      await provider.close();
    }
  });
});

describe('IMAP provider configuration', () => {
  const base = { name: 'office', kind: 'imap', host: 'mail.example.jp', user: 'a@example.jp', passwordEnv: 'P' };

  it('refuses plain IMAP to another machine, with a clear message', () => {
    assert.throws(() => parseConfig({ providers: [{ ...base, secure: false }] }), /secure: false .* only for a server on this machine/);
    const local = parseConfig({ providers: [{ ...base, host: '127.0.0.1', secure: false }] });
    assert.equal(local.providers[0]?.kind, 'imap');
  });

  it('wants exactly one secret source, never the secret itself', () => {
    assert.throws(() => parseConfig({ providers: [{ ...base, passwordEnv: undefined }] }), /exactly one of passwordEnv/);
    assert.throws(() => parseConfig({ providers: [{ ...base, password: 'hunter2' }] }), /password/);
    assert.throws(() => parseConfig({ providers: [base, base] }), /used twice/);
  });

  it('names a missing environment variable without a value', async () => {
    const config = parseConfig({ providers: [base] });
    const entry = config.providers[0];
    assert.ok(entry);
    await assert.rejects(createProvider(entry, { env: {} }), /provider office: the environment variable P is not set/);
  });

  it('gives folders their roles: INBOX received, Sent sent', () => {
    const config = parseConfig({ providers: [{ ...base, folders: ['INBOX', 'Sent', { path: 'Archive', role: 'other' }] }] });
    const entry = config.providers[0];
    assert.ok(entry?.kind === 'imap');
    assert.deepEqual(
      entry.folders.map((f) => f.path),
      ['INBOX', 'Sent', 'Archive'],
    );
  });
});
