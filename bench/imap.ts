// IMAP against a real Dovecot on 127.0.0.1: how fast a provider reads a folder, how fast `watch --once` judges what it
// read (analyse → judge → event → store → cursor), and how long a new message takes from APPEND to its verdict while
// watching (IDLE).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config.js';
import { createProvider } from '../src/providers/index.js';
import { runWatch } from '../src/watch/run.js';
import { startDovecot } from '../test/support/dovecot.js';
import { corpusFiles, loadAll } from './corpus.js';

export interface ImapBench {
  messages: number;
  megabytes: number;
  fetch: { seconds: number; perSecond: number };
  watchOnce: { seconds: number; perSecond: number; workers: number };
  idleLatencyMs: { median: number; max: number; runs: number };
}

const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function benchImap(count = 1000, latencyRuns = 15): Promise<ImapBench> {
  const raws = loadAll(corpusFiles().slice(0, count));
  const server = await startDovecot({ user: 'bench@example.jp' });
  const dir = mkdtempSync(join(tmpdir(), 'kizuki-bench-imap-'));
  try {
    const c = await server.client();
    for (const raw of raws) await c.append('INBOX', Buffer.from(raw));
    await c.logout();
    const config = parseConfig({
      store: { url: join(dir, 'kizuki.db') },
      providers: [
        { name: 'bench', kind: 'imap', host: '127.0.0.1', port: server.port, secure: false, user: server.user, passwordEnv: 'P', folders: ['INBOX'], pollSeconds: 600 },
      ],
    });
    const env = { P: server.password };
    const entry = config.providers[0];
    if (!entry) throw new Error('no provider');

    // the provider alone: every message read from the folder
    const provider = await createProvider(entry, { env });
    let started = performance.now();
    let read = 0;
    for await (const item of provider.fetchNew(new Map())) if (item.type === 'message') read++;
    const fetchSeconds = (performance.now() - started) / 1000;
    await provider.close();

    // the whole path, as `kizuki watch --once` runs it
    started = performance.now();
    const once = await runWatch(config, { once: true, json: true, signal: new AbortController().signal, out: discard(), err: discard(), env });
    const onceSeconds = (performance.now() - started) / 1000;

    // APPEND → verdict while watching
    const stop = new AbortController();
    const done = new Map<string, number>();
    const running = runWatch(config, {
      json: true,
      signal: stop.signal,
      out: discard(),
      err: discard(),
      env,
      onMessage: (_p, processed) => {
        if (!processed.repeated) done.set(processed.record.message_id, performance.now());
      },
    });
    const latencies: number[] = [];
    // the first pass (already judged mail) must be over before timing starts
    await new Promise((r) => setTimeout(r, 2000));
    for (let i = 0; i < latencyRuns; i++) {
      const id = `<bench-${i}-${Date.now()}@example.jp>`;
      const sent = performance.now();
      await server.deliver(`From: someone@example.com\r\nTo: bench@example.jp\r\nSubject: latency ${i}\r\nMessage-ID: ${id}\r\n\r\nhello\r\n`);
      while (!done.has(id)) await new Promise((r) => setTimeout(r, 5));
      latencies.push((done.get(id) ?? sent) - sent);
    }
    stop.abort();
    await running;

    return {
      messages: read,
      megabytes: raws.reduce((n, r) => n + r.byteLength, 0) / 2 ** 20,
      fetch: { seconds: fetchSeconds, perSecond: read / fetchSeconds },
      watchOnce: { seconds: onceSeconds, perSecond: once.records.length / onceSeconds, workers: config.scan.workers || 2 },
      idleLatencyMs: { median: median(latencies), max: Math.max(...latencies), runs: latencies.length },
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
