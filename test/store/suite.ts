// The storage behaviour every database must show; run once per database by sqlite.test.ts and postgres.test.ts.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MIGRATIONS, type Migration } from '../../src/store/migrations.js';
import { keepRawMessage, LATEST_SCHEMA_VERSION, type OpenStoreOptions, openStore, type Store, StoreError } from '../../src/store/index.js';
import { event, incident, judged, profile, sha, signal } from './fixtures.js';
import { scratchDir } from './scratch.js';

export type FreshDatabase = () => Promise<string>;

export function storeSuite(name: string, freshDatabase: FreshDatabase): void {
  describe(`store on ${name}`, () => {
    const opened: Store[] = [];
    const dataDir = scratchDir('kizuki-store-data-');
    after(async () => {
      for (const store of opened) await store.close();
    });
    async function open(options: OpenStoreOptions = {}, url?: string): Promise<Store> {
      const store = await openStore(url ?? (await freshDatabase()), { dataDir, ...options });
      opened.push(store);
      return store;
    }

    it('creates the schema on open and reports its version', async () => {
      const store = await open();
      assert.equal(await store.schemaVersion(), LATEST_SCHEMA_VERSION);
      assert.equal(await store.countEvents(), 0);
    });

    it('stores judged messages once per (Message-ID, sha256) and reads them back whole', async () => {
      const store = await open();
      const rows = [judged(1), judged(2), judged(3)];
      assert.deepEqual(await store.putJudgedMessages(rows), { written: 3, rejected: [] });
      assert.deepEqual(await store.getJudgedMessage(rows[1]!.sha256), rows[1]);
      await store.putJudgedMessages(rows);
      assert.equal((await store.listJudgedMessages({ limit: 100 })).length, 3);

      const rejudged = judged(2, { verdict: 'malicious', score: 99, judgedAt: '2026-02-01T00:00:00.000Z' });
      await store.putJudgedMessages([rejudged]);
      const all = await store.listJudgedMessages({ limit: 100 });
      assert.equal(all.length, 3);
      assert.equal((await store.getJudgedMessage(rejudged.sha256))?.verdict, 'malicious');
      assert.equal(all[0]?.sha256, rejudged.sha256, 'newest judgement first');
    });

    it('lists judged messages by verdict and pages with before', async () => {
      const store = await open();
      await store.putJudgedMessages(Array.from({ length: 10 }, (_, i) => judged(i)));
      const suspicious = await store.listJudgedMessages({ verdict: 'suspicious', limit: 100 });
      assert.deepEqual(
        suspicious.map((m) => m.messageId),
        ['msg-8@partner.example', 'msg-6@partner.example', 'msg-4@partner.example', 'msg-2@partner.example', 'msg-0@partner.example'],
      );
      const page = await store.listJudgedMessages({ limit: 2, before: judged(5).judgedAt });
      assert.deepEqual(
        page.map((m) => m.messageId),
        ['msg-4@partner.example', 'msg-3@partner.example'],
      );
    });

    it('pages through messages judged in the same millisecond without skipping any', async () => {
      const store = await open();
      const sameTime = Array.from({ length: 7 }, (_, i) => judged(i, { judgedAt: '2026-01-05T00:00:00.000Z' }));
      await store.putJudgedMessages(sameTime);
      const seen: string[] = [];
      let page = await store.listJudgedMessages({ limit: 3 });
      while (page.length > 0) {
        seen.push(...page.map((m) => m.sha256));
        const last = page.at(-1)!;
        page = await store.listJudgedMessages({ limit: 3, before: last });
      }
      assert.deepEqual(seen, sameTime.map((m) => m.sha256).sort().reverse());
    });

    it('keeps a message without Message-ID and strips angle brackets from one', async () => {
      const store = await open();
      await store.putJudgedMessages([judged(1, { messageId: '' }), judged(2, { messageId: '<abc@x.example>' })]);
      assert.equal((await store.getJudgedMessage(judged(1).sha256))?.messageId, '');
      assert.equal((await store.getJudgedMessage(judged(2).sha256))?.messageId, 'abc@x.example');
    });

    it('refuses a malformed judged message but stores the rest of the batch', async () => {
      const store = await open();
      const outcome = await store.putJudgedMessages([judged(1), judged(2, { sha256: 'not-a-hash' }), judged(3, { verdict: 'odd' as 'clean' })]);
      assert.equal(outcome.written, 1);
      assert.deepEqual(
        outcome.rejected.map((r) => [r.index, r.id]),
        [
          [1, 'not-a-hash'],
          [2, judged(3).sha256],
        ],
      );
      assert.match(outcome.rejected[0]!.reason, /sha256/);
      assert.ok(await store.getJudgedMessage(judged(1).sha256));
    });

    it('drops raw references past retention and deletes only its own copies', async () => {
      let now = new Date('2026-03-01T00:00:00.000Z');
      const ownDataDir = scratchDir('kizuki-retention-');
      const store = await open({ dataDir: ownDataDir, now: () => now });
      const kept = await keepRawMessage(store.rawDir, Buffer.from('Subject: old\r\n\r\nold body\r\n'));
      assert.equal(kept.sha256, sha('Subject: old\r\n\r\nold body\r\n'));
      const userMail = join(scratchDir('kizuki-user-mail-'), 'mine.eml');
      writeFileSync(userMail, 'Subject: mine\r\n\r\n');
      await store.putJudgedMessages([
        judged(1, { sha256: kept.sha256, rawPath: kept.path, judgedAt: '2026-01-01T00:00:00.000Z' }),
        judged(2, { rawPath: userMail, judgedAt: '2026-01-02T00:00:00.000Z' }),
        judged(3, { rawPath: '/elsewhere/recent.eml', judgedAt: '2026-02-28T00:00:00.000Z' }),
      ]);
      const outcome = await store.purgeRawOlderThan(30);
      assert.deepEqual(outcome, { cleared: 2, deletedFiles: 1 });
      assert.equal(existsSync(kept.path), false, 'Kizuki’s own copy is deleted');
      assert.equal(existsSync(userMail), true, 'the user’s file is never deleted');
      assert.equal((await store.getJudgedMessage(kept.sha256))?.rawPath, undefined);
      assert.equal((await store.getJudgedMessage(judged(3).sha256))?.rawPath, '/elsewhere/recent.eml');
      now = new Date('2026-06-01T00:00:00.000Z');
      assert.deepEqual(await store.purgeRawOlderThan(30), { cleared: 1, deletedFiles: 0 });
      await assert.rejects(store.purgeRawOlderThan(-1), (e: unknown) => e instanceof StoreError && e.code === 'bad-input');
    });

    it('keeps and replaces sender profiles by lower-cased address', async () => {
      const store = await open();
      assert.equal(await store.getSenderProfile('nobody@example.com'), undefined);
      await store.putSenderProfiles([profile('Billing@Partner.Example')]);
      assert.deepEqual(await store.getSenderProfile('billing@partner.example'), profile('billing@partner.example'));
      await store.putSenderProfiles([profile('billing@partner.example', { messageCount: 43, flagged: 1 }), profile('x@y.example')]);
      const got = await store.getSenderProfile('BILLING@partner.example');
      assert.equal(got?.messageCount, 43);
      assert.equal(got?.flagged, 1);
      const many = await store.getSenderProfiles(['x@y.example', 'billing@partner.example', 'none@z.example']);
      assert.deepEqual([...many.keys()].sort(), ['billing@partner.example', 'x@y.example']);
      const bad = await store.putSenderProfiles([profile('a@b.example', { messageCount: -1 })]);
      assert.equal(bad.written, 0);
      assert.match(bad.rejected[0]!.reason, /messageCount/);
    });

    it('stores each event id once and counts duplicates', async () => {
      const store = await open();
      const events = Array.from({ length: 50 }, (_, i) => event(i));
      const first = await store.putEvents(events);
      assert.equal(first.inserted, 50);
      assert.equal(first.duplicates, 0);
      assert.deepEqual(first.insertedIds, events.map((e) => e.id).sort());
      assert.deepEqual(await store.putEvents(events.slice(10, 20)), { inserted: 0, insertedIds: [], duplicates: 10, rejected: [] });
      assert.deepEqual(await store.putEvents([event(100), event(12), event(100), event(101)]), {
        inserted: 2,
        insertedIds: ['evt-100', 'evt-101'],
        duplicates: 2,
        rejected: [],
      });
      assert.equal(await store.countEvents(), 52);
    });

    it('refuses malformed events one by one and stores the rest', async () => {
      const store = await open();
      const outcome = await store.putEvents([
        event(1),
        event(2, { time: 'yesterday-ish' }),
        event(3, { id: '' }),
        event(4, { data: { big: 1n } as unknown as Record<string, unknown> }),
        event(5),
      ]);
      assert.equal(outcome.inserted, 2);
      assert.deepEqual(
        outcome.rejected.map((r) => r.index),
        [1, 2, 3],
      );
      assert.match(outcome.rejected[0]!.reason, /time/);
      assert.match(outcome.rejected[2]!.reason, /JSON/);
    });

    it('returns an account’s events in a half-open window, oldest first, filtered by kind', async () => {
      const store = await open();
      const events = [
        ...Array.from({ length: 30 }, (_, i) => event(i)),
        event(1000, { account: 'suzuki@example.co.jp', time: '2017-06-01T00:10:00Z' }),
        event(1001, { account: 'TANAKA@example.co.jp', time: '2017-06-01T00:05:00+00:00', raw: { line: 'orig' } }),
      ];
      await store.putEvents(events.reverse());
      const window = await store.eventsForAccount('tanaka@example.co.jp', '2017-06-01T00:05:00Z', '2017-06-01T00:10:00Z');
      assert.deepEqual(
        window.map((e) => e.id),
        ['evt-1001', 'evt-5', 'evt-6', 'evt-7', 'evt-8', 'evt-9'],
      );
      assert.deepEqual(window[0], { ...event(1001, { account: 'tanaka@example.co.jp', time: '2017-06-01T00:05:00.000Z' }), raw: { line: 'orig' } });
      const signins = await store.eventsForAccount('tanaka@example.co.jp', '2017-06-01T00:00:00Z', '2017-06-02T00:00:00Z', ['signin.success']);
      assert.deepEqual(
        signins.map((e) => e.id),
        ['evt-0', 'evt-3', 'evt-6', 'evt-9', 'evt-12', 'evt-15', 'evt-18', 'evt-21', 'evt-24', 'evt-27'],
      );
      assert.equal(await store.countEvents({ account: 'tanaka@example.co.jp' }), 31);
      assert.equal(await store.countEvents({ account: 'suzuki@example.co.jp' }), 1);
      assert.equal(await store.countEvents({ fromIso: '2017-06-01T00:05:00Z', toIso: '2017-06-01T00:10:00Z' }), 6);
      assert.equal(await store.countEvents({ kinds: ['signin.success'], account: 'tanaka@example.co.jp' }), 10);
      await assert.rejects(
        store.eventsForAccount('tanaka@example.co.jp', 'soon', '2017-06-02T00:00:00Z'),
        (e: unknown) => e instanceof StoreError && e.code === 'bad-input' && /fromIso/.test(e.message),
      );
    });

    it('stores signals once by id and finds them by account and campaign', async () => {
      const store = await open();
      const signals = [signal(1), signal(2, { campaign: 'lure-2017-06', data: { sent: 120 } }), signal(3, { account: 'suzuki@example.co.jp', campaign: 'lure-2017-06' })];
      assert.deepEqual(await store.putSignals(signals), { inserted: 3, insertedIds: ['sig-1', 'sig-2', 'sig-3'], duplicates: 0, rejected: [] });
      assert.deepEqual(await store.putSignals(signals), { inserted: 0, insertedIds: [], duplicates: 3, rejected: [] });
      assert.deepEqual(await store.signalsForAccount('tanaka@example.co.jp'), [signals[0], signals[1]]);
      assert.deepEqual(
        (await store.signalsForAccount('tanaka@example.co.jp', '2017-06-01T01:02:00Z')).map((s) => s.id),
        ['sig-2'],
      );
      assert.deepEqual(
        (await store.signalsForCampaign('lure-2017-06')).map((s) => s.id),
        ['sig-2', 'sig-3'],
      );
      const bad = await store.putSignals([signal(9, { severity: 'extreme' as 'high' })]);
      assert.equal(bad.inserted, 0);
      assert.match(bad.rejected[0]!.reason, /severity/);
    });

    it('upserts incidents and finds the open one for an account or campaign', async () => {
      const store = await open();
      const first = incident('inc-1');
      await store.putIncident(first);
      assert.deepEqual(await store.getIncident('inc-1'), first);
      assert.equal((await store.openIncidentFor({ account: 'Tanaka@example.co.jp' }))?.id, 'inc-1');
      assert.equal((await store.openIncidentFor({ campaign: 'lure-2017-06' }))?.id, 'inc-1');
      assert.equal(await store.openIncidentFor({ account: 'suzuki@example.co.jp' }), undefined);
      assert.equal(await store.openIncidentFor({}), undefined);

      const second = incident('inc-2', { accounts: ['suzuki@example.co.jp'], campaigns: ['lure-2017-06'], openedAt: '2017-06-02T00:00:00.000Z' });
      await store.putIncident(second);
      assert.equal((await store.openIncidentFor({ campaign: 'lure-2017-06' }))?.id, 'inc-2', 'the most recent open one');
      assert.equal((await store.openIncidentFor({ account: 'suzuki@example.co.jp', campaign: 'nothing' }))?.id, 'inc-2');

      const closed = { ...second, phase: 'closed' as const, closedAt: '2017-06-10T00:00:00.000Z' };
      await store.putIncident(closed);
      assert.deepEqual(await store.getIncident('inc-2'), closed);
      assert.equal((await store.openIncidentFor({ campaign: 'lure-2017-06' }))?.id, 'inc-1');
      assert.equal(await store.openIncidentFor({ account: 'suzuki@example.co.jp' }), undefined);

      await store.putIncident({ ...first, accounts: ['sato@example.co.jp'], phase: 'contained' });
      assert.equal(await store.openIncidentFor({ account: 'tanaka@example.co.jp' }), undefined, 'old keys are replaced');
      assert.equal((await store.openIncidentFor({ account: 'sato@example.co.jp' }))?.phase, 'contained');

      assert.deepEqual(
        (await store.listIncidents()).map((i) => i.id),
        ['inc-2', 'inc-1'],
      );
      assert.deepEqual(
        (await store.listIncidents({ phase: 'closed' })).map((i) => i.id),
        ['inc-2'],
      );
      await assert.rejects(
        store.putIncident(incident('inc-3', { phase: 'lost' as 'closed' })),
        (e: unknown) => e instanceof StoreError && e.code === 'bad-input' && /phase/.test(e.message),
      );
    });

    it('commits a transaction whole or not at all', async () => {
      const store = await open();
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.putEvents([event(1), event(2)]);
          await trx.putSignals([signal(1)]);
          await trx.putIncident(incident('inc-t'));
          throw new Error('the caller changed its mind');
        }),
        /the caller changed its mind/,
      );
      assert.equal(await store.countEvents(), 0);
      assert.deepEqual(await store.signalsForAccount('tanaka@example.co.jp'), []);
      assert.equal(await store.getIncident('inc-t'), undefined);

      const result = await store.transaction(async (trx) => {
        await trx.putEvents([event(1), event(2)]);
        const nested = await trx.transaction(async (inner) => inner.putSignals([signal(1)]));
        return { events: await trx.countEvents(), nested: nested.inserted };
      });
      assert.deepEqual(result, { events: 2, nested: 1 });
      assert.equal(await store.countEvents(), 2);
      assert.equal((await store.signalsForAccount('tanaka@example.co.jp')).length, 1);
    });

    it('applies a later migration on open and refuses a database newer than the code', async () => {
      const url = await freshDatabase();
      const later: Migration = {
        version: LATEST_SCHEMA_VERSION + 1,
        description: 'a column for a test',
        up: async (db) => {
          await db.schema.alterTable('account_events').addColumn('test_note', 'text').execute();
        },
      };
      const older = await openStore(url, { dataDir, migrations: MIGRATIONS });
      await older.putEvents([event(1)]);
      await older.close();
      const newer = await openStore(url, { dataDir, migrations: [...MIGRATIONS, later] });
      assert.equal(await newer.schemaVersion(), LATEST_SCHEMA_VERSION + 1);
      assert.equal(await newer.countEvents(), 1, 'data survives the migration');
      await newer.close();
      await assert.rejects(openStore(url, { dataDir }), (e: unknown) => {
        assert.ok(e instanceof StoreError);
        assert.equal(e.code, 'too-new');
        assert.match(
          e.message,
          new RegExp(`database schema version ${LATEST_SCHEMA_VERSION + 1} is newer than this Kizuki \\(${LATEST_SCHEMA_VERSION}\\); upgrade Kizuki`),
        );
        return true;
      });
    });

    it('lets several stores open the same database at once', async () => {
      const url = await freshDatabase();
      const stores = await Promise.all([1, 2, 3].map(() => openStore(url, { dataDir })));
      await Promise.all(stores.map((s, i) => s.putEvents([event(i), event(10)])));
      assert.equal(await stores[0]!.countEvents(), 4);
      for (const s of stores) await s.close();
    });

    it('refuses work after close with a clear error', async () => {
      const store = await openStore(await freshDatabase(), { dataDir });
      await store.close();
      await assert.rejects(store.countEvents(), (e: unknown) => e instanceof StoreError && e.code === 'closed');
    });
  });
}

/** A fresh SQLite file URL in a temp folder. */
export function freshSqliteFile(): Promise<string> {
  const dir = scratchDir('kizuki-sqlite-');
  return Promise.resolve(`sqlite:${join(dir, 'kizuki.db')}`);
}
