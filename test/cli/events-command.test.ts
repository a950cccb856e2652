import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { cliPath, corpusAvailable, corpusDir, repoRoot, runCli } from '../support/cli.js';

const samples = join(repoRoot, 'samples/seed-2017');
const TOKEN = 'a-long-test-token-0123456789';

describe('kizuki events', () => {
  it('ingest: a mailbox whose Sent folder carries the lure that arrived in its Inbox opens an incident in the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-events-'));
    const db = join(dir, 'k.db');
    const args = ['events', 'ingest', '--store', db, '--account', 'iwanaga@tsukishiro-vs.co.jp', '--sent', join(samples, '02-outbound-bcc.eml'), '--inbox', join(samples, '01-inbound-lure.eml'), join(samples, '05-bounce.eml')];
    const first = await runCli(args, { cwd: dir });
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stdout, /^3 new events \(0 already stored\)/);
    assert.match(first.stdout, /incident inc_\w+ \[(high|critical)\]/);
    const second = await runCli(args, { cwd: dir });
    assert.match(second.stdout, /^0 new events \(3 already stored\), 0 signals/, 'the same files again change nothing');
    const store = await openStore(db);
    try {
      const incidents = await store.listIncidents();
      assert.equal(incidents.length, 1);
      assert.deepEqual(incidents[0]!.accounts, ['iwanaga@tsukishiro-vs.co.jp']);
      assert.equal(await store.countEvents({ account: 'iwanaga@tsukishiro-vs.co.jp' }), 3);
    } finally {
      await store.close();
    }
  });

  it('serve: refuses to start without a token, then accepts authenticated events and stores them before answering', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuki-events-'));
    const db = join(dir, 'k.db');
    const refused = await runCli(['events', 'serve', '--store', db, '--port', '0'], { cwd: dir, env: { KIZUKI_EVENTS_TOKEN: '' } });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /needs a token/);

    const child = spawn(process.execPath, [cliPath, 'events', 'serve', '--store', db, '--port', '0'], { cwd: dir, env: { ...process.env, KIZUKI_EVENTS_TOKEN: TOKEN } });
    let stderr = '';
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(stderr);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
      });
      const event = { id: 'evt-test-1', kind: 'setting.forwarding', time: '2017-07-05T02:00:00Z', account: 'iwanaga@tsukishiro-vs.co.jp', source: 'test', data: { target: 'drop@evil.example', enabled: true } };
      const unauthorised = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
      assert.equal(unauthorised.status, 401);
      const accepted = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify([event]) });
      assert.equal(accepted.status, 202);
      assert.equal(((await accepted.json()) as { accepted: number }).accepted, 1);
      const store = await openStore(db);
      try {
        assert.equal(await store.countEvents({ account: 'iwanaga@tsukishiro-vs.co.jp' }), 1, 'stored before the 202');
      } finally {
        await store.close();
      }
      assert.ok(!stderr.includes(TOKEN), 'the token never appears in the output');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('bounces: reports the bounce parser\'s figures on the labelled corpus', async (t) => {
    if (!corpusAvailable(t)) return;
    const result = await runCli(['events', 'bounces', '--json', '--corpus', corpusDir]);
    assert.equal(result.code ?? 0, 0, result.stderr);
    const figures = JSON.parse(result.stdout) as { labelledBounces: number; detected: number; withRecipientAndStatus: number };
    assert.ok(figures.labelledBounces > 500 && figures.detected >= 0.95 * figures.labelledBounces, result.stdout.slice(0, 400));
    assert.ok(figures.withRecipientAndStatus > 0.75 * figures.labelledBounces);
  });
});
