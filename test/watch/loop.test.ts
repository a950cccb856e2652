// The watch loop on its own, with a scripted provider and cursors on a real SQLite and PostgreSQL store: a message
// that keeps failing is given up after a few tries and the cursor moves past it; a stop ends after the item in hand;
// a refused login stops that provider only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storeCursors } from '../../src/providers/cursors.js';
import type { FetchedItem, Provider } from '../../src/providers/types.js';
import { openStore } from '../../src/store/index.js';
import { runWatchLoop } from '../../src/watch/loop.js';
import { freshTestPostgresDatabase } from '../support/postgres.js';

/** A provider whose folder holds messages 1..n; it reads from the cursor like a real one. */
function scripted(name: string, count: number, options: { failWith?: Error } = {}): Provider & { fetches: number } {
  const provider = {
    name,
    kind: 'local' as const,
    fetches: 0,
    capabilities: () => new Set<never>(),
    gaps: () => [],
    check: async () => ({ provider: name, kind: 'local' as const, ok: true, checks: [] }),
    listUsers: async () => [],
    async *fetchNew(cursors: ReadonlyMap<string, string>): AsyncIterable<FetchedItem> {
      provider.fetches++;
      if (options.failWith) throw options.failWith;
      const from = Number(cursors.get('mail:INBOX') ?? 0);
      for (let uid = from + 1; uid <= count; uid++) {
        yield {
          type: 'message',
          message: { account: 'a@example.jp', folder: 'inbox', providerId: `7:${uid}`, location: 'INBOX', raw: Buffer.from(`Subject: ${uid}\r\n\r\nx\r\n`) },
          cursor: { scope: 'mail:INBOX', value: String(uid) },
        };
      }
    },
    waitForChange: async () => {},
    fetchByMessageId: async () => undefined,
    act: async () => ({ status: 'unsupported' as const, calls: [], en: '', ja: '' }),
    close: async () => {},
  };
  return provider;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`watch loop (${dialect} cursors)`, () => {
    const open = async () => openStore(dialect === 'sqlite' ? ':memory:' : await freshTestPostgresDatabase('kizuki_watch'));

    it('gives up a message that keeps failing after three tries, moves its cursor on, and handles the rest', async () => {
      const store = await open();
      try {
        const cursors = storeCursors(store);
        const handled: string[] = [];
        const tries = new Map<string, number>();
        const logs: string[] = [];
        const provider = scripted('p1', 4);
        const outcomes = await runWatchLoop({
          providers: [provider],
          cursors,
          once: true,
          signal: new AbortController().signal,
          log: (line) => logs.push(line),
          sleep: async () => {},
          handlers: {
            async message(_p, message) {
              tries.set(message.providerId, (tries.get(message.providerId) ?? 0) + 1);
              if (message.providerId === '7:2') throw new Error('bad bytes');
              handled.push(message.providerId);
            },
            async events() {},
          },
        });
        assert.deepEqual(handled, ['7:1', '7:3', '7:4']);
        assert.equal(tries.get('7:2'), 3);
        assert.equal(outcomes[0]?.givenUp, 1);
        assert.ok(logs.some((l) => /gave up on message INBOX 7:2 after 3 tries: bad bytes/.test(l)), logs.join('\n'));
        assert.equal((await cursors.load('p1')).get('mail:INBOX'), '4');
        // the next run starts after the last message
        handled.length = 0;
        await runWatchLoop({
          providers: [provider],
          cursors,
          once: true,
          signal: new AbortController().signal,
          handlers: { message: async (_p, m) => void handled.push(m.providerId), events: async () => {} },
        });
        assert.deepEqual(handled, []);
      } finally {
        await store.close();
      }
    });

    it('hands messages over in batches, and takes a failing batch one by one so only the bad message is given up', async () => {
      const store = await open();
      try {
        const cursors = storeCursors(store);
        const batches: string[][] = [];
        const single: string[] = [];
        const logs: string[] = [];
        const outcomes = await runWatchLoop({
          providers: [scripted('p4', 7)],
          cursors,
          once: true,
          batchSize: 3,
          signal: new AbortController().signal,
          log: (line) => logs.push(line),
          sleep: async () => {},
          handlers: {
            async messages(_p, messages) {
              const ids = messages.map((m) => m.providerId);
              if (ids.includes('7:5')) throw new Error('bad batch');
              batches.push(ids);
            },
            async message(_p, message) {
              if (message.providerId === '7:5') throw new Error('bad bytes');
              single.push(message.providerId);
            },
            async events() {},
          },
        });
        // 7:5 fails in every batch it is in, and alone three times (the pass is retried from the cursor each time)
        assert.deepEqual(batches, [['7:1', '7:2', '7:3']]);
        assert.deepEqual(single, ['7:4', '7:6', '7:7'], 'failed batches were taken one by one');
        assert.equal(outcomes[0]?.givenUp, 1);
        assert.equal(outcomes[0]?.messages, 7);
        assert.ok(logs.some((l) => /gave up on message INBOX 7:5/.test(l)), logs.join('\n'));
        assert.equal((await cursors.load('p4')).get('mail:INBOX'), '7');
      } finally {
        await store.close();
      }
    });

    it('stops after the item in hand when the signal aborts, with that item\'s cursor saved', async () => {
      const store = await open();
      try {
        const cursors = storeCursors(store);
        const stop = new AbortController();
        const handled: string[] = [];
        await runWatchLoop({
          providers: [scripted('p2', 10)],
          cursors,
          signal: stop.signal,
          handlers: {
            async message(_p, message) {
              handled.push(message.providerId);
              if (message.providerId === '7:3') stop.abort();
            },
            async events() {},
          },
        });
        assert.deepEqual(handled, ['7:1', '7:2', '7:3']);
        assert.equal((await cursors.load('p2')).get('mail:INBOX'), '3');
      } finally {
        await store.close();
      }
    });

    it('a provider that refuses the login stops alone; the others go on', async () => {
      const store = await open();
      try {
        const refused = Object.assign(new Error('the IMAP server refused the login for a@example.jp'), { retryable: false });
        const bad = scripted('bad', 0, { failWith: refused });
        const good = scripted('good', 2);
        const handled: string[] = [];
        const outcomes = await runWatchLoop({
          providers: [bad, good],
          cursors: storeCursors(store),
          once: true,
          signal: new AbortController().signal,
          sleep: async () => {},
          handlers: { message: async (p, m) => void handled.push(`${p.name} ${m.providerId}`), events: async () => {} },
        });
        assert.equal(bad.fetches, 1, 'a refused login is not retried');
        assert.match(outcomes[0]?.stoppedBy ?? '', /refused the login/);
        assert.equal(outcomes[1]?.stoppedBy, undefined);
        assert.deepEqual(handled, ['good 7:1', 'good 7:2']);
      } finally {
        await store.close();
      }
    });
  });
}
