// The incident record in the store, on SQLite and on a real PostgreSQL.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { buildRecord } from '../../src/incidents/record-build.js';
import { keepReplay } from '../../src/incidents/record-replay.js';
import { refreshRecords } from '../../src/incidents/record-refresh.js';
import { ResponseStore } from '../../src/respond/store.js';
import {
  addEvidence,
  addNote,
  addTask,
  evidenceContent,
  listRecords,
  loadRecord,
  RecordError,
  requireRecord,
  saveRecord,
  setPhase,
  updateTask,
} from '../../src/incidents/record-store.js';
import { openStore, type Store } from '../../src/store/index.js';
import { freshTestPostgresDatabase } from '../support/postgres.js';
import { scratchDir } from '../store/scratch.js';
import { containment2017, replayed2017, SCENARIO } from './record-fixtures.js';

function suite(name: string, url: () => Promise<string>): void {
  describe(`incident record on ${name}`, () => {
    const opened: Store[] = [];
    after(async () => {
      for (const s of opened) await s.close();
    });
    async function fresh(): Promise<{ store: Store; id: string }> {
      const store = await openStore(await url(), { dataDir: scratchDir('kizuki-record-') });
      opened.push(store);
      const [record] = await keepReplay(store, SCENARIO, await replayed2017(), { actions: async (_s, id) => containment2017(id) });
      assert.ok(record);
      return { store, id: record.incidentId };
    }

    it('keeps a replayed incident whole: record, indicators, evidence with bytes, tasks, timeline', async () => {
      const { store, id } = await fresh();
      const record = await requireRecord(store, id);
      assert.equal(record.accounts.length, 2);
      assert.ok(record.outsideRecipients.length > 100);
      assert.equal(record.times.containedAt, '2017-07-12T00:34:11.000Z');
      assert.ok(record.timeline.some((e) => e.kind === 'action:force-password-change:failed'));
      assert.ok(record.indicators.some((i) => i.type === 'ipv4' && i.value === '203.0.113.77'));
      const lure = record.evidence.find((e) => e.name === '01-inbound-lure.eml');
      assert.ok(lure);
      const bytes = await evidenceContent(store, id, lure.sha256);
      assert.ok(bytes && bytes.byteLength === lure.size);
      assert.match(Buffer.from(bytes).toString('utf8'), /shared you a file/);
      // the correlation's incident, events and signals are in the store too
      assert.equal((await store.getIncident(id))?.id, id);
      assert.ok((await store.countEvents()) > 500);
      const listed = await listRecords(store);
      assert.deepEqual(listed.map((r) => r.incidentId), [id]);
      assert.equal(listed[0]?.phase, 'contained');
    });

    it('keeping the same replay again changes nothing (ids are stable)', async () => {
      const { store, id } = await fresh();
      const before = await requireRecord(store, id);
      await keepReplay(store, SCENARIO, await replayed2017(), { actions: async (_s, i) => containment2017(i) });
      const again = await requireRecord(store, id);
      assert.equal(again.timeline.length, before.timeline.length);
      assert.equal(again.tasks.length, before.tasks.length);
      assert.equal(again.indicators.length, before.indicators.length);
      assert.equal(again.evidence.length, before.evidence.length);
      assert.equal(again.evidence[0]?.custody.length, 1);
    });

    it('merges indicator sightings (first seen stays earliest, last seen latest) and appends custody steps', async () => {
      const { store, id } = await fresh();
      const record = await requireRecord(store, id);
      const domain = record.indicators.find((i) => i.type === 'domain');
      assert.ok(domain);
      const later = '2017-08-01T00:00:00.000Z';
      await saveRecord(store, { ...record, indicators: [{ ...domain, firstSeen: later, lastSeen: later }], evidence: [] });
      const merged = (await requireRecord(store, id)).indicators.find((i) => i.type === 'domain');
      assert.equal(merged?.firstSeen, domain.firstSeen);
      assert.equal(merged?.lastSeen, later);

      const bytes = new TextEncoder().encode('Received: from attacker\r\n\r\nlog line\r\n');
      const e1 = await addEvidence(store, id, { bytes, name: 'signin.log', kind: 'log', mediaType: 'text/plain', actor: 'sumiya', source: 'admin console export', at: '2017-07-12T01:00:00Z' });
      const e2 = await addEvidence(store, id, { bytes, name: 'signin.log', kind: 'log', mediaType: 'text/plain', actor: 'takasaki', source: 'copy on the file server', at: '2017-07-12T02:00:00Z' });
      assert.equal(e1.sha256, e2.sha256);
      const kept = (await requireRecord(store, id)).evidence.find((e) => e.sha256 === e1.sha256);
      assert.deepEqual(kept?.custody.map((c) => c.actor), ['sumiya', 'takasaki']);
    });

    it('tasks, notes and phases: validated, time-stamped, forward only; closing needs a resolution', async () => {
      const { store, id } = await fresh();
      const task = await addTask(store, id.slice(0, 10), { title: 'Re-image the PC of iwanaga', owner: 'takasaki', due: '2017-07-13', now: '2017-07-12T02:00:00Z' });
      assert.equal(task.status, 'open');
      assert.equal(task.due, '2017-07-13T00:00:00.000Z');
      const done = await updateTask(store, task.id, { status: 'done', now: '2017-07-12T06:00:00Z' });
      assert.equal(done.status, 'done');
      await assert.rejects(updateTask(store, task.id, { status: 'finished', now: '2017-07-12T06:00:00Z' }), RecordError);
      await assert.rejects(addTask(store, 'inc_nothing', { title: 'x', now: '2017-07-12T06:00:00Z' }), /no incident record/);

      const note = await addNote(store, id, { text: 'Emergency notice to all staff', textJa: '社内に緊急通達', at: '2017-07-12T00:40:00Z', now: '2017-07-12T03:00:00Z', author: 'sumiya', inLetter: true });
      assert.equal(note.at, '2017-07-12T00:40:00.000Z');
      assert.equal(note.recordedAt, '2017-07-12T03:00:00.000Z');
      const record = await requireRecord(store, id);
      const kept = record.timeline.find((e) => e.id === note.id);
      assert.deepEqual([kept?.source, kept?.inLetter, kept?.author, kept?.ja], ['manual', true, 'sumiya', '社内に緊急通達']);
      assert.ok(record.tasks.some((t) => t.id === task.id && t.status === 'done'));

      await assert.rejects(setPhase(store, id, { phase: 'closed', now: '2017-07-20T00:00:00Z', author: 'sumiya' }), /resolution/);
      await setPhase(store, id, { phase: 'recovered', at: '2017-07-12T11:15:00Z', now: '2017-07-12T11:20:00Z', author: 'takasaki' });
      await assert.rejects(setPhase(store, id, { phase: 'contained', now: '2017-07-20T00:00:00Z', author: 'sumiya' }), /cannot go back/);
      const closed = await setPhase(store, id, { phase: 'closed', resolution: 'Both accounts re-created, PCs re-imaged, customers told.', at: '2017-07-20T00:00:00Z', now: '2017-07-20T00:00:00Z', author: 'sumiya' });
      assert.equal(closed.phase, 'closed');
      assert.equal(closed.times.closedAt, '2017-07-20T00:00:00.000Z');
      assert.equal(closed.resolution, 'Both accounts re-created, PCs re-imaged, customers told.');
      assert.equal(closed.times.containedAt, '2017-07-12T00:34:11.000Z', 'closing keeps the containment time');
      assert.equal((await store.getIncident(id))?.phase, 'closed', "the correlation's incident follows");
      assert.ok(closed.timeline.some((e) => e.kind === 'incident.closed'));
    });

    it('a change that fails half-way leaves nothing behind', async () => {
      const { store, id } = await fresh();
      const before = await requireRecord(store, id);
      await assert.rejects(
        store.transaction(async (tx) => {
          await addNote(tx, id, { text: 'half a change', now: '2017-07-12T03:00:00Z', author: 'x' });
          await addTask(tx, id, { title: 'half a task', now: '2017-07-12T03:00:00Z' });
          throw new Error('power cut');
        }),
        /power cut/,
      );
      const after = await requireRecord(store, id);
      assert.equal(after.timeline.length, before.timeline.length);
      assert.equal(after.tasks.length, before.tasks.length);
      assert.equal(await loadRecord(store, 'inc_unknown'), undefined);
      // building again from the same inputs gives the same record
      const sink = await replayed2017();
      const incident = [...sink.incidents.values()][0];
      assert.ok(incident);
      const rebuilt = buildRecord({ incident, signals: [...sink.signals.values()].filter((s) => incident.signalIds.includes(s.id)), events: [...sink.events.values()], orgDomains: ['tsukishiro-vs.co.jp'], now: before.updatedAt });
      assert.equal(rebuilt.outsideRecipients.length, before.outsideRecipients.length);
    });

    it('a live incident gets its record from the store, with the action log of the respond stage; people\'s changes survive a refresh', async () => {
      const store = await openStore(await url(), { dataDir: scratchDir('kizuki-record-') });
      opened.push(store);
      const sink = await replayed2017();
      // as the takeover engine leaves them on the store
      await store.putEvents([...sink.events.values()]);
      await store.putSignals([...sink.signals.values()]);
      const incident = [...sink.incidents.values()][0];
      assert.ok(incident);
      await store.putIncident(incident);
      const log = new ResponseStore(store);
      for (const a of containment2017(incident.id)) await log.putAction(a);

      assert.deepEqual(await refreshRecords(store, { orgDomains: ['tsukishiro-vs.co.jp'], now: '2017-07-12T01:00:00.000Z' }), [incident.id]);
      const first = await requireRecord(store, incident.id);
      assert.ok(first.outsideRecipients.length > 100);
      assert.equal(first.times.containedAt, '2017-07-12T00:34:11.000Z', 'containment from the respond tables');
      assert.ok(first.timeline.some((e) => e.kind === 'action:force-password-change:failed'));

      const task = first.tasks[0];
      assert.ok(task);
      await updateTask(store, task.id, { status: 'done', owner: 'takasaki', now: '2017-07-12T02:00:00Z' });
      await setPhase(store, incident.id, { phase: 'recovered', at: '2017-07-12T06:00:00Z', now: '2017-07-12T06:00:00Z', author: 'sumiya' });
      await refreshRecords(store, { orgDomains: [], now: '2017-07-12T07:00:00.000Z' });
      const again = await requireRecord(store, incident.id);
      assert.equal(again.phase, 'recovered');
      assert.equal(again.outsideRecipients.length, first.outsideRecipients.length, "the record's own domains are used, not the caller's");
      assert.deepEqual(again.tasks.find((t) => t.id === task.id)?.status, 'done');
      assert.equal(again.timeline.length, first.timeline.length + 1, 'only the phase change was added');
      assert.equal(again.evidence[0]?.custody.length, 1);
    });
  });
}

suite('SQLite', async () => `sqlite:${scratchDir('kizuki-record-db-')}/k.db`);
suite('PostgreSQL', () => freshTestPostgresDatabase('kizuki_record'));
