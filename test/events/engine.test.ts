import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TakeoverEngine } from '../../src/events/engine.js';
import { expandScenario, loadScenario } from '../../src/events/scenario.js';
import { type EventSink, MemorySink } from '../../src/events/sink.js';
import { StoreSink } from '../../src/events/store-sink.js';
import type { AccountEvent } from '../../src/model/events.js';
import { openStore } from '../../src/store/index.js';
import { freshTestPostgresDatabase } from '../support/postgres.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function scenarioEvents(): Promise<{ events: AccountEvent[]; orgDomains: string[] }> {
  const scenario = await loadScenario(path.join(repoRoot, 'scenarios/2017-shared-you-a-file.yaml'));
  const { events } = await expandScenario(scenario, { baseDir: repoRoot });
  return { events, orgDomains: scenario.orgDomains };
}

async function run(sink: EventSink, events: AccountEvent[], orgDomains: string[], batch = 50) {
  const engine = new TakeoverEngine(sink, { config: { orgDomains } });
  const signalIds: string[] = [];
  for (let i = 0; i < events.length; i += batch) {
    for (const s of (await engine.ingest(events.slice(i, i + batch))).signals) signalIds.push(s.id);
  }
  return { engine, signalIds };
}

test('the same events ingested twice create no duplicate signals and change no incident', async () => {
  const { events, orgDomains } = await scenarioEvents();
  const sink = new MemorySink();
  const { engine, signalIds } = await run(sink, events, orgDomains);
  assert.ok(signalIds.length > 20);
  assert.equal(new Set(signalIds).size, signalIds.length, 'each signal once');
  const before = JSON.stringify([...sink.incidents.values()]);
  const again = await engine.ingest(events);
  assert.equal(again.accepted, 0);
  assert.equal(again.duplicates, events.length);
  assert.equal(again.signals.length, 0);
  assert.equal(JSON.stringify([...sink.incidents.values()]), before);
  // a fresh engine on the same sink (a restart) given everything again adds nothing either
  const restarted = new TakeoverEngine(sink, { config: { orgDomains } });
  const replayed = await restarted.ingest(events);
  assert.equal(replayed.accepted, 0);
  assert.equal(sink.signals.size, new Set(signalIds).size);
  assert.equal(sink.incidents.size, 1);
});

async function restartMidStream(makeSink: () => Promise<{ sink: EventSink; close: () => Promise<void>; signalCount: () => Promise<number> }>) {
  const { events, orgDomains } = await scenarioEvents();
  const reference = new MemorySink();
  await run(reference, events, orgDomains);
  const expectedSignals = [...reference.signals.keys()].sort();
  const expectedIncident = [...reference.incidents.values()][0];
  assert.ok(expectedIncident);

  // first half, then the process "dies"; a new engine on the same database takes the second half
  const cut = events.findIndex((e) => e.time >= '2017-07-06T00:00:00Z');
  const first = await makeSink();
  await run(first.sink, events.slice(0, cut), orgDomains);
  await first.close();
  const second = await makeSink();
  await run(second.sink, events.slice(cut), orgDomains);
  const incidents = await second.sink.openIncidents();
  assert.equal(incidents.length, 1, 'still one incident after the restart');
  const incident = incidents[0];
  assert.ok(incident);
  assert.equal(incident.id, expectedIncident.id);
  assert.deepEqual([...incident.signalIds].sort(), [...expectedIncident.signalIds].sort(), 'the incident holds the same signals as an uninterrupted run');
  assert.equal(incident.openedAt, expectedIncident.openedAt);
  assert.equal(await second.signalCount(), expectedSignals.length, 'no signal lost or duplicated');
  await second.close();
}

test('a restart in the middle of the stream loses nothing (memory sink)', async () => {
  const sink = new MemorySink();
  await restartMidStream(async () => ({ sink, close: async () => {}, signalCount: async () => sink.signals.size }));
});

async function storeBacked(url: string) {
  const store = await openStore(url);
  const sink = new StoreSink(store);
  return {
    sink,
    close: () => store.close(),
    signalCount: async () => {
      const ids = new Set<string>();
      for (const account of ['iwanaga@tsukishiro-vs.co.jp', 'hori@tsukishiro-vs.co.jp']) for (const s of await store.signalsForAccount(account)) ids.add(s.id);
      return ids.size;
    },
  };
}

test('a restart in the middle of the stream loses nothing (SQLite store)', async () => {
  const url = `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), 'kizuki-events-')), 'kizuki.db')}`;
  await restartMidStream(() => storeBacked(url));
});

test('a restart in the middle of the stream loses nothing (PostgreSQL store)', async (t) => {
  let url: string;
  try {
    url = await freshTestPostgresDatabase('kizuki_events');
  } catch (error) {
    if (process.env.CI) throw error;
    t.skip(`PostgreSQL not available: ${(error as Error).message}`);
    return;
  }
  await restartMidStream(() => storeBacked(url));
});
