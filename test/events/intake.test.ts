import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { TakeoverEngine } from '../../src/events/engine.js';
import { MemorySink } from '../../src/events/sink.js';
import { createEventsIntake } from '../../src/server/events-intake.js';

const TOKEN = 'intake-test-token-7f3c9a2b';
const sink = new MemorySink();
const logged: string[] = [];
const server = createEventsIntake({ token: TOKEN, engine: new TakeoverEngine(sink, { config: { orgDomains: ['tsukishiro-vs.co.jp'] } }), maxBodyBytes: 4096, log: (l) => logged.push(l) });
let base = '';

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const event = (id: string) => ({
  id,
  kind: 'setting.forwarding',
  time: '2017-07-03T19:10:00Z',
  account: 'Iwanaga@tsukishiro-vs.co.jp',
  source: 'test',
  data: { target: 'collector@mailbox-relay.example', enabled: true },
});

const post = (body: string, token = TOKEN, type = 'application/json') =>
  fetch(base, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });

test('no or wrong token: 401 and nothing stored', async () => {
  const none = await fetch(base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event('a')) });
  assert.equal(none.status, 401);
  const wrong = await post(JSON.stringify(event('a')), 'not-the-token');
  assert.equal(wrong.status, 401);
  assert.equal(sink.events.size, 0);
});

test('a body over the limit: 413', async () => {
  const big = JSON.stringify({ events: [event('big')], padding: 'x'.repeat(10_000) });
  const res = await post(big);
  assert.equal(res.status, 413);
  assert.equal(sink.events.size, 0);
});

test('bad JSON or no valid event: 400 with the reason', async () => {
  const bad = await post('{"id": ');
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /not valid JSON/);
  const invalid = await post(JSON.stringify({ ...event('x'), kind: 'mailbox.exploded' }));
  assert.equal(invalid.status, 400);
  const body = (await invalid.json()) as { rejected: Array<{ error: string }> };
  assert.match(body.rejected[0]?.error ?? '', /kind must be one of/);
  assert.equal((await post('{}', TOKEN, 'text/plain')).status, 415);
});

test('valid events: 202 after they are stored; a bad one in the batch is listed and the rest kept; repeats are duplicates', async () => {
  const res = await post(JSON.stringify({ events: [event('fwd-1'), { ...event('broken'), time: 'yesterday' }] }));
  assert.equal(res.status, 202);
  const body = (await res.json()) as { accepted: number; rejected: Array<{ index: number }>; signals: number };
  assert.equal(body.accepted, 1);
  assert.deepEqual(body.rejected.map((r) => r.index), [1]);
  assert.equal(body.signals, 1, 'forwarding to an outside address is a persistence signal');
  assert.ok(sink.events.has('fwd-1'), 'stored before the 202');
  assert.equal(sink.events.get('fwd-1')?.account, 'iwanaga@tsukishiro-vs.co.jp');
  const again = await post(JSON.stringify([event('fwd-1')]));
  assert.equal(again.status, 202);
  assert.deepEqual(await again.json(), { accepted: 0, duplicates: 1, rejected: [], signals: 0 });
  assert.ok(!logged.some((l) => l.includes(TOKEN)), 'the token is never logged');
});
